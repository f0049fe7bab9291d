#!/bin/sh
# tests/img/bench.sh - anonymize a multi-GiB sparse qcow2 holding several
# GiB of data, against `qemu-img convert` and `cp --sparse=always` of the
# same image in the same run.  Not part of the suite (it writes ~4x the data
# size to disk).
#
#   EMKIT_IMG=build/img/tool/emkit-img DATA_GIB=4 VIRT_GIB=16 sh tests/img/bench.sh [DIR]
set -eu
TOOL=${EMKIT_IMG:-build/img/tool/emkit-img}
DATA_GIB=${DATA_GIB:-4}
VIRT_GIB=${VIRT_GIB:-16}
D=${1:-$(mktemp -d "${TMPDIR:-/var/tmp}/emkit-img-bench.XXXXXX")}
mkdir -p "$D"
TOOL=$(cd "$(dirname "$TOOL")" && pwd)/$(basename "$TOOL")
cd "$D"
rm -f src.qcow2 anon.qcow2 conv.qcow2 cp.qcow2 ip.qcow2
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
t() {  # t NAME CMD... : wall seconds (best of the run), after dropping nothing
    name=$1; shift
    s=$(date +%s.%N)
    "$@" > /dev/null
    sync
    e=$(date +%s.%N)
    printf '%-34s %8.2f s\n' "$name" "$(echo "$e - $s" | bc)"
}
t "emkit-img anonymize (copy)" "$TOOL" anonymize src.qcow2 anon.qcow2
t "qemu-img convert -O qcow2" qemu-img convert -O qcow2 src.qcow2 conv.qcow2
t "cp --sparse=always" cp --sparse=always src.qcow2 cp.qcow2
cp --sparse=always src.qcow2 ip.qcow2
sync
t "emkit-img anonymize --in-place" "$TOOL" anonymize --in-place ip.qcow2
t "emkit-img anonymize --in-place (again)" "$TOOL" anonymize --in-place ip.qcow2
t "emkit-img anonymize --dry-run" "$TOOL" anonymize --dry-run src.qcow2
"$TOOL" anonymize --dry-run --output=json src.qcow2 | sed -n '/categories/,/}$/p' | head -12
ls -ls src.qcow2 anon.qcow2 conv.qcow2 cp.qcow2 ip.qcow2
if [ "${KEEP:-0}" != 1 ]; then rm -f src.qcow2 anon.qcow2 conv.qcow2 cp.qcow2 ip.qcow2; fi
