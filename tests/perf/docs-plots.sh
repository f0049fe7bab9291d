#!/bin/sh
# docs-plots.sh [--check] - draws the SVG charts of docs/perf/ from the
# result files in docs/perf/data/ (tests/perf/plot.py).  With --check it
# draws them into a temporary folder and fails if a committed SVG differs
# (a data file changed without its chart, or plot.py changed the drawing).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
plot="python3 $top/tests/perf/plot.py"
data=$top/docs/perf/data
out=$top/docs/perf
check=0
[ "${1:-}" = --check ] && { check=1; out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; }

$plot "$data/nvme-guest.json" --metric iops -o "$out/nvme-guest-iops.svg" \
    --title "NVMe in a Linux guest: IOPS, median of 3 rounds (fio 4 KiB, null backend)"
$plot "$data/nvme-guest.json" --metric iops --ratio -o "$out/nvme-guest-ratio.svg" \
    --title "NVMe in a Linux guest: IOPS relative to QEMU's nvme (1 = level)"
$plot "$data/buslogic-guest.json" --metric iops -o "$out/buslogic-guest-iops.svg" \
    --title "BusLogic and QEMU's SCSI adapters in a Linux guest: IOPS, median of 5 rounds (fio 4 KiB, null-co)"
$plot "$data/cache.json" --metric cpu_time --ratio --names emkit,emkit-cg,cachegrind \
    -o "$out/cache-ratio.svg" \
    --title "Cache model: CPU time relative to QEMU's cache.c plugin (lower is better)"
$plot "$data/cache.json" --metric cpu_time -o "$out/cache-time.svg" \
    --title "Cache model: CPU time per workload (best of 3)"
$plot "$data/img.json" --metric wall_time -o "$out/img-anonymize.svg" \
    --title "emkit-img anonymize: wall time, 3.25 GiB qcow2 (16 GiB virtual)"

if [ $check -eq 1 ]; then
    fail=0
    for f in "$out"/*.svg; do
        cmp -s "$f" "$top/docs/perf/$(basename "$f")" ||
            { echo "docs/perf/$(basename "$f") is stale: run tests/perf/docs-plots.sh"; fail=1; }
    done
    [ $fail -eq 0 ] && echo "docs-plots: $(ls "$out" | wc -l) charts up to date"
    exit $fail
fi
