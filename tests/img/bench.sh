#!/bin/sh
# tests/img/bench.sh - anonymize a multi-GiB sparse qcow2 holding several
# GiB of data, against `qemu-img convert` and `cp` of the same image in the
# same run.  Not part of the suite (it writes ~6x the data size to disk).
#
#   EMKIT_IMG=build/img/tool/emkit-img DATA_GIB=4 VIRT_GIB=16 REPEAT=3 \
#       sh tests/img/bench.sh [--json FILE] [DIR]
#
# REPEAT runs of every command, interleaved; the median is printed, with
# its ratio to `qemu-img convert`'s median.  Optional: EMKIT_IMG_BEFORE, a
# second emkit-img (say a build of main) timed beside it, whose output must
# be byte-identical with the same qemu-img map; EMKIT_IMG_TEST, the test
# build (tests/img/emkit-img-test), timed with EMKIT_IMG_TEST_WRITE_ALL=1
# (every byte written, as before fallocate).  --json FILE writes the
# medians as a result file (docs/perf/README.md; tests/perf/benchjson.py):
# bench "img-anonymize", metric wall_time, the ratio to qemu-img convert,
# every run in "samples".
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
JSON=
if [ "${1:-}" = "--json" ]; then
    JSON=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
    shift 2
fi
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
TOOL=$(abs "${EMKIT_IMG:-build/img/tool/emkit-img}")
BEFORE=${EMKIT_IMG_BEFORE:+$(abs "$EMKIT_IMG_BEFORE")}
TESTTOOL=${EMKIT_IMG_TEST:+$(abs "$EMKIT_IMG_TEST")}
DATA_GIB=${DATA_GIB:-4}
VIRT_GIB=${VIRT_GIB:-16}
REPEAT=${REPEAT:-1}
D=${1:-$(mktemp -d "${TMPDIR:-/var/tmp}/emkit-img-bench.XXXXXX")}
mkdir -p "$D"
cd "$D"
OUTS="anon.qcow2 before.qcow2 written.qcow2 conv.qcow2 cp.qcow2 reflink.qcow2 ip.qcow2"
rm -f src.qcow2 $OUTS times
qemu-img create -q -f qcow2 src.qcow2 ${VIRT_GIB}G
# DATA_GIB GiB of non-zero data in 256 MiB runs spread over the disk, plus
# a snapshot so that some clusters are shared and some snapshot-only
step=$((VIRT_GIB * 1024 / (DATA_GIB * 4)))
i=0
cmds=""
while [ $i -lt $((DATA_GIB * 4)) ]; do
    cmds="$cmds -c 'write -P $((i % 250 + 1)) $((i * step))M 256M'"
    i=$((i + 1))
done
eval qemu-io $cmds src.qcow2 > /dev/null
qemu-img snapshot -c snap src.qcow2
qemu-io -c 'write -P 7 0 256M' src.qcow2 > /dev/null
sync
echo "image: $(qemu-img info src.qcow2 | grep -E 'virtual size|disk size' | tr '\n' ' ')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
now() { date +%s.%N; }
t() {  # t NAME OUT CMD... : wall seconds of CMD and a sync, OUT removed first
    name=$1; out=$2; shift 2
    [ -z "$out" ] || rm -f "$out"
    sync
    s=$(now)
    "$@" > /dev/null
    sync
    e=$(now)
    printf '%s\t%s\n' "$name" "$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')" >> times
}
r=1
while [ $r -le "$REPEAT" ]; do
    t "anonymize (copy)" anon.qcow2 "$TOOL" anonymize src.qcow2 anon.qcow2
    [ -z "$BEFORE" ] ||
        t "anonymize (copy, before)" before.qcow2 "$BEFORE" anonymize src.qcow2 before.qcow2
    [ -z "$TESTTOOL" ] ||
        t "anonymize (copy, all written)" written.qcow2 \
            env EMKIT_IMG_TEST_WRITE_ALL=1 "$TESTTOOL" anonymize src.qcow2 written.qcow2
    t "qemu-img convert" conv.qcow2 qemu-img convert -O qcow2 src.qcow2 conv.qcow2
    t "cp --sparse=always" cp.qcow2 cp --sparse=always src.qcow2 cp.qcow2
    t "cp --reflink=auto" reflink.qcow2 cp --reflink=auto src.qcow2 reflink.qcow2
    cp --sparse=always src.qcow2 ip.qcow2
    t "anonymize --in-place" "" "$TOOL" anonymize --in-place ip.qcow2
    t "anonymize --in-place again" "" "$TOOL" anonymize --in-place ip.qcow2
    t "anonymize --dry-run" "" "$TOOL" anonymize --dry-run src.qcow2
    r=$((r + 1))
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
# medians, in the order first run
awk -F'\t' '
    { if (!($1 in n)) order[k++] = $1; v[$1, n[$1]++] = $2 }
    function median(name,   i, j, m, a, t) {
        m = n[name]
        for (i = 0; i < m; i++) a[i] = v[name, i] + 0
        for (i = 1; i < m; i++) for (j = i; j > 0 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
        return m % 2 ? a[int(m / 2)] : (a[m / 2 - 1] + a[m / 2]) / 2
    }
    END {
        q = median("qemu-img convert")
        for (i = 0; i < k; i++) {
            s = median(order[i]); ratio = q > 0 ? s / q : 0
            printf "%-32s %8.2f s  %5.2fx qemu-img convert  (%d runs:", order[i], s, ratio, n[order[i]]
            for (j = 0; j < n[order[i]]; j++) printf " %s", v[order[i], j]
            printf ")\n"
        }
    }' times
if [ -n "$JSON" ]; then
    HERE=$HERE REPEAT=$REPEAT DATA_GIB=$DATA_GIB VIRT_GIB=$VIRT_GIB \
        python3 - "$JSON" "$(qemu-img info src.qcow2 | sed -n 's/^disk size: //p')" <<'PY'
import os, statistics, sys
sys.path.insert(0, os.path.join(os.environ["HERE"], "..", "perf"))
import benchjson
order, samples = [], {}
for line in open("times"):
    name, sec = line.rstrip("\n").split("\t")
    if name not in samples:
        order.append(name)
        samples[name] = []
    samples[name].append(float(sec))
med = {n: statistics.median(v) for n, v in samples.items()}
q = med.get("qemu-img convert")
rep = int(os.environ["REPEAT"])
doc = benchjson.new_doc("img-anonymize", {
    "command": "tests/img/bench.sh", "repeat": rep,
    "data_gib": int(os.environ["DATA_GIB"]), "virt_gib": int(os.environ["VIRT_GIB"]),
    "image": "qcow2, %s GiB virtual, %s on disk, 64 KiB clusters, one internal snapshot"
             % (os.environ["VIRT_GIB"], sys.argv[2]),
    "measure": "wall time including a sync, median of %d interleaved runs" % rep})
for n in order:
    doc["results"].append(benchjson.result(
        n, "wall_time", round(med[n], 3), "s", case="median of %d" % rep,
        peer=None if n == "qemu-img convert" or not q else "qemu-img convert",
        ratio=round(med[n] / q, 4) if q else None, samples=samples[n]))
benchjson.write(doc, sys.argv[1])
PY
fi
"$TOOL" anonymize --dry-run --output=json src.qcow2 | sed -n '/categories/,/}$/p' | head -12
"$TOOL" anonymize --output=json src.qcow2 anon.qcow2.2 | grep '"output"' || true
rm -f anon.qcow2.2
for o in before.qcow2 written.qcow2; do
    [ -f "$o" ] || continue
    if cmp -s anon.qcow2 "$o" &&
       [ "$(qemu-img map --output=json anon.qcow2)" = "$(qemu-img map --output=json "$o")" ]; then
        echo "anon.qcow2 and $o: same bytes, same qemu-img map"
    else
        echo "anon.qcow2 and $o DIFFER"; exit 1
    fi
done
ls -ls src.qcow2 $OUTS 2>/dev/null || true
if [ "${KEEP:-0}" != 1 ]; then rm -f src.qcow2 $OUTS times; fi
