#!/bin/sh
# fio-json.sh - the fio part of tests/qemu/bench.sh, without QEMU: runs the
# guest's script (tests/qemu/guest/bench.sh) on this host against a 16 MiB
# file (buffered I/O, 1 s per job, no ramp), makes its output look like a
# serial console (CRLF line ends, kernel messages in between) and checks
# that fio_json.py takes every job's IOPS from fio's JSON report (the
# figure fio itself reports), that a damaged report becomes NA with a
# warning instead of a wrong figure, and that nvme_guest.py and plot.py
# turn such results into a result file and a chart.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
command -v fio >/dev/null || { echo "fio-json: fio not installed"; exit 77; }
command -v python3 >/dev/null || { echo "fio-json: no python3"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
JOBS="randread-qd1 randread-qd32 randread-qd32x2 randwrite-qd1"
# the two-job case pins one job per CPU
[ "$(nproc 2>/dev/null || echo 1)" -ge 2 ] || JOBS="randread-qd1 randread-qd32 randwrite-qd1"

TMPDIR=$tmp EMK_BENCH_DEV=$tmp/disk EMK_BENCH_SECS=1 EMK_BENCH_RAMP=0 \
    EMK_BENCH_DIRECT=0 EMK_BENCH_SIZE=16M sh "$top/tests/qemu/guest/bench.sh" >"$tmp/raw" 2>&1
grep -q '^EMK-FIO: randread-qd1 {' "$tmp/raw" || { bad "no fio JSON in the guest script's output:"; head "$tmp/raw"; }
awk '{ printf "%s\r\n", $0; if (NR % 40 == 0) printf "[   12.345678] nvme nvme0: a kernel message\r\n" }' \
    "$tmp/raw" >"$tmp/log"
mkdir "$tmp/rep"
fields=$(python3 "$here/fio_json.py" --secs 1 --ramp 0 --jobs "$JOBS" --save "$tmp/rep" "$tmp/log")
echo "fio_json.py: $fields"
for j in $JOBS; do
    v=$(printf '%s\n' "$fields" | tr ' ' '\n' | sed -n "s/^$j=//p")
    case $v in ''|NA|*[!0-9]*) bad "$j: IOPS '$v'"; continue ;; esac
    [ "$v" -gt 0 ] || bad "$j: IOPS 0"
    want=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print("%.0f" % sum(j["read"]["iops"] + j["write"]["iops"] for j in d["jobs"]))' "$tmp/rep/$j.json")
    [ "$v" = "$want" ] || bad "$j: $v IOPS, fio's report says $want"
    printf '%s\n' "$fields" | grep -q "irq-$j=[0-9.]*" || bad "$j: no interrupts per I/O"
done

# a report cut short: NA and a warning, the other jobs unharmed
awk '/EMK-FIO: randread-qd32 / { if (++n > 20) next } { print }' "$tmp/log" >"$tmp/cut"
cut=$(python3 "$here/fio_json.py" --secs 1 --ramp 0 --jobs "$JOBS" "$tmp/cut" 2>"$tmp/warn")
printf '%s\n' "$cut" | grep -q 'randread-qd32=NA' || bad "a cut report did not give NA: $cut"
grep -q 'randread-qd32: fio.s report is not valid JSON' "$tmp/warn" || { bad "no warning for a cut report:"; cat "$tmp/warn"; }
printf '%s\n' "$cut" | grep -q 'randread-qd1=[0-9]' || bad "a cut report spoilt the others: $cut"

# results.txt -> result file -> chart, as tests/qemu/bench.sh does
for c in qemu-nvme emkit-adapt; do
    echo "round=1 config=$c load=0.5 $fields" >>"$tmp/results.txt"
done
python3 "$here/nvme_guest.py" "$tmp/results.txt" --jobs "$JOBS" --json "$tmp/r.json" \
    --num rounds=1 --set qemu=none >"$tmp/summary" || bad "nvme_guest.py failed"
grep -q '^| emkit-adapt | 1.00 |' "$tmp/summary" || { bad "no ratio table:"; cat "$tmp/summary"; }
python3 "$here/plot.py" "$tmp/r.json" --metric iops -o "$tmp/r.svg" || bad "plot.py failed"
n=$(python3 -c 'import sys, xml.etree.ElementTree as E
print(sum(1 for r in E.parse(sys.argv[1]).iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "bar"))' "$tmp/r.svg")
want=$((2 * $(echo $JOBS | wc -w)))
[ "$n" = "$want" ] || bad "chart has $n bars, want $want"
[ $fail -eq 0 ] && echo "fio-json: $(echo $JOBS | wc -w) jobs read from fio's JSON"
exit $fail
