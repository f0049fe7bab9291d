#!/bin/bash
# tests/qemu/bl-bench.sh - emkit-buslogic beside QEMU's own SCSI adapters,
# in one run: the same QEMU binary (build/qemu/qemu-system-x86_64, TCG, 2
# vCPUs), the same guest (Debian's 6.1 kernel), fio 4 KiB randread and
# randwrite at QD1 and QD32 (tests/qemu/guest/bench.sh with
# emk.bench_jobs=scsi) on the same null backend (QEMU's null-co,
# read-zeroes=on, 1 GiB):
#
#   emkit-buslogic  -device emkit-buslogic,drive=   Linux's BusLogic.ko
#   lsi53c895a      -device lsi53c895a + scsi-hd    sym53c8xx
#   megasas         -device megasas + scsi-hd       megaraid_sas
#   emkit-nvme      -device emkit-nvme,drive= (the defaults): the ceiling
#
# The configurations run alternately, ROUNDS times (default 3); the script
# prints every figure, then the medians, interrupts per I/O and the ratios
# against lsi53c895a and emkit-nvme (tests/perf/nvme_guest.py --peers).
# Raw results: build/qemu/bl-bench/results.txt, fio's reports in
# build/qemu/bl-bench/CONFIG-ROUND/JOB.json, the JSON result file
# (docs/perf/README.md, bench "buslogic-guest") build/qemu/bl-bench/
# results.json or --json FILE.  Results: docs/perf/buslogic.md.
#
#   tests/qemu/bl-bench.sh [--json FILE] [ROUNDS] [SECONDS-PER-JOB]
#   EMK_BENCH_CONFIGS="emkit-buslogic lsi53c895a" tests/qemu/bl-bench.sh 1
#   EMK_BENCH_SCHED=none tests/qemu/bl-bench.sh   # the guest's I/O scheduler
#
# Timing only: nothing here passes or fails on a speed.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
QEMU=${EMK_QEMU:-$REPO/build/qemu/qemu-system-x86_64}
OUT=$REPO/build/qemu/bl-bench
JSON=$OUT/results.json
log() { printf 'bl-bench: %s\n' "$*" >&2; }
case ${1:-} in
--json) [ $# -ge 2 ] || { log "--json needs a FILE"; exit 2; }
        JSON=$2; shift 2 ;;
--json=*) JSON=${1#--json=}; shift ;;
esac
ROUNDS=${1:-3}
SECS=${2:-5}
for n in "$ROUNDS" "$SECS"; do
    case $n in ''|*[!0-9]*|0) log "'$n' is not a number of rounds or seconds (1 or more)"; exit 2 ;; esac
done
TIMEOUT=${EMK_GUEST_TIMEOUT:-600}
[ -x "$QEMU" ] || { log "no $QEMU (run tests/qemu/build-qemu.sh)"; exit 77; }
. "$REPO/tests/qemu/boot-lib.sh"
guest_files || { log "make-initramfs.sh failed"; exit 77; }
mkdir -p "$OUT"

NULL="if=none,id=d0,driver=null-co,size=1G,read-zeroes=on"
config_args() {
    case $1 in
    emkit-buslogic) echo "emk.bench_insmod=BusLogic -drive $NULL -device emkit-buslogic,drive=d0" ;;
    lsi53c895a) echo "- -drive $NULL -device lsi53c895a,id=s0 -device scsi-hd,bus=s0.0,drive=d0" ;;
    megasas) echo "- -drive $NULL -device megasas,id=s0 -device scsi-hd,bus=s0.0,drive=d0" ;;
    emkit-nvme) echo "- -drive $NULL -device emkit-nvme,drive=d0,serial=bench" ;;
    *) return 1 ;;
    esac
}
CONFIGS=${EMK_BENCH_CONFIGS:-emkit-buslogic lsi53c895a megasas emkit-nvme}
for c in $CONFIGS; do
    config_args "$c" >/dev/null || { log "unknown config $c"; exit 2; }
    "$QEMU" -device help 2>/dev/null | grep -q "\"$c\"" ||
        { log "$c: not in this QEMU (src/qemu/qemu-tree/emkit.mak), dropped"; CONFIGS=${CONFIGS//$c/}; }
done
JOBS="randread-qd1 randread-qd32 randwrite-qd1 randwrite-qd32"
RES=$OUT/results.txt
: >"$RES"
log "$QEMU, $ROUNDS round(s), ${SECS}s per job, configs:" $CONFIGS
for round in $(seq 1 "$ROUNDS"); do
    log "round $round, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    for c in $CONFIGS; do
        read -r extra args <<<"$(config_args "$c")"
        [ "$extra" = - ] && extra=
        logf=$OUT/$c-$round.log
        # shellcheck disable=SC2086
        boot_guest "$logf" bench "emk.bench_secs=$SECS emk.bench_jobs=scsi${EMK_BENCH_SCHED:+ emk.bench_sched=$EMK_BENCH_SCHED} $extra" $args
        rc=$?
        mkdir -p "$OUT/$c-$round"
        line="round=$round config=$c load=$(cut -d" " -f1 /proc/loadavg)"
        line="$line $(python3 "$REPO/tests/perf/fio_json.py" --secs "$SECS" --ramp 1 \
            --jobs "$JOBS" --save "$OUT/$c-$round" "$logf")"
        [ "$rc" -eq 0 ] || line="$line qemu_rc=$rc"
        echo "$line" | tee -a "$RES" >&2
        grep '^EMK-INFO: .*queue depth' "$logf" | sed 's/^/    /' >&2
    done
done

python3 "$REPO/tests/perf/nvme_guest.py" "$RES" --jobs "$JOBS" --json "$JSON" \
    --name buslogic-guest --peers "lsi53c895a emkit-nvme" \
    --num rounds="$ROUNDS" --num secs="$SECS" --num ramp_secs=1 \
    --set qemu="$QEMU" --set qemu_sha256="$(sha256sum "$QEMU" | cut -d' ' -f1)" \
    --set emkit_commit="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    --set guest="-M q35 -accel tcg,thread=multi -cpu max -smp 2 -m 1G" &&
    log "results: $JSON"
