#!/bin/bash
# tests/qemu/bench.sh - the seed's NVMe benchmark, side by side in one run:
# the same QEMU binary (build/qemu/qemu-system-x86_64, TCG, 2 vCPUs), the
# same guest, fio 4 KiB randread QD1 / QD32 / QD32 x 2 jobs and randwrite
# QD1 (tests/qemu/guest/bench.sh), the same null backend for every device
# (QEMU's null-co with read-zeroes=on; emkit-nvme takes it through drive=):
#
#   qemu-nvme        QEMU's nvme, ioeventfd=on
#   virtio-blk-iot   virtio-blk-pci with an iothread
#   emkit-base       emkit-nvme, every optimisation off (its loop in
#                    QEMU's main loop, the default)
#   emkit-shadow     + shadow doorbells (Doorbell Buffer Config)
#   emkit-ioeventfd  + doorbells through ioeventfds
#   emkit-adapt      + interrupts held while the guest is busy
#                    (irq-adapt-ns=40000, or $EMK_BENCH_ADAPT_NS): the
#                    defaults, coalescing aside (it acts only once the
#                    guest sets Feature 0x08, which Linux does not)
#   the rest are the defaults plus one change:
#   emkit-iothread   the controller's loop and the drive in a QEMU IOThread
#                    (iothread=)
#   emkit-ethread    the controller's loop in an emkit iothread
#                    (emkit-iothread=on; the default before)
#   emkit-iothreads  I/O queues on 2 emkit iothreads
#   emkit-poll       + adaptive SQ polling (sq-poll-ns=50000)
#   emkit-own-null   emkit's own null:1G backend
#   emkit-own-ram    emkit's own ram:1G backend
#
# The configurations run alternately, ROUNDS times (default 3); the script
# prints every figure, then the medians and the ratios against QEMU's nvme
# and virtio-blk (tests/perf/nvme_guest.py).  fio reports in JSON
# (--output-format=json); tests/perf/fio_json.py reads them from the
# console.  Raw results: build/qemu/bench/results.txt, fio's reports in
# build/qemu/bench/CONFIG-ROUND/JOB.json, and the JSON result file
# (docs/perf/README.md) build/qemu/bench/results.json or --json FILE;
# tests/perf/plot.py draws it.
#
#   tests/qemu/bench.sh [--json FILE] [ROUNDS] [SECONDS-PER-JOB]
#   EMK_BENCH_CONFIGS="qemu-nvme emkit-ioeventfd" tests/qemu/bench.sh 1
#
# Timing only: nothing here passes or fails on a speed.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
QEMU=${EMK_QEMU:-$REPO/build/qemu/qemu-system-x86_64}
OUT=$REPO/build/qemu/bench
JSON=$OUT/results.json
log() { printf 'bench: %s\n' "$*" >&2; }
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

NULL_QEMU="if=none,id=d0,driver=null-co,size=1G,read-zeroes=on"
EMK="emkit-nvme,drive=d0,serial=bench,stats=on"
FAST="shadow-doorbells=on,ioeventfd=on,coalescing=off,irq-adapt-ns=0"
DEF="shadow-doorbells=on,ioeventfd=on,coalescing=off"   # irq-adapt-ns=40000
OWN="emkit-nvme,serial=bench,stats=on,$DEF"
config_args() {
    case $1 in
    qemu-nvme) echo "-drive $NULL_QEMU -device nvme,drive=d0,serial=bench,ioeventfd=on" ;;
    virtio-blk-iot) echo "-object iothread,id=io0 -drive $NULL_QEMU -device virtio-blk-pci,drive=d0,iothread=io0" ;;
    emkit-base) echo "-drive $NULL_QEMU -device $EMK,shadow-doorbells=off,ioeventfd=off,coalescing=off,irq-adapt-ns=0" ;;
    emkit-shadow) echo "-drive $NULL_QEMU -device $EMK,shadow-doorbells=on,ioeventfd=off,coalescing=off,irq-adapt-ns=0" ;;
    emkit-ioeventfd) echo "-drive $NULL_QEMU -device $EMK,$FAST" ;;
    emkit-adapt) echo "-drive $NULL_QEMU -device $EMK,$DEF,irq-adapt-ns=${EMK_BENCH_ADAPT_NS:-40000}" ;;
    emkit-iothread) echo "-object iothread,id=qio0 -drive $NULL_QEMU -device $EMK,$DEF,iothread=qio0" ;;
    emkit-ethread) echo "-drive $NULL_QEMU -device $EMK,$DEF,emkit-iothread=on" ;;
    emkit-iothreads) echo "-drive $NULL_QEMU -device $EMK,$DEF,iothreads=2" ;;
    emkit-poll) echo "-drive $NULL_QEMU -device $EMK,$DEF,iothreads=2,sq-poll-ns=50000" ;;
    emkit-own-null) echo "-device $OWN,backend=null:1G" ;;
    emkit-own-ram) echo "-device $OWN,backend=ram:1G" ;;
    *) return 1 ;;
    esac
}
CONFIGS=${EMK_BENCH_CONFIGS:-qemu-nvme virtio-blk-iot emkit-base emkit-shadow emkit-ioeventfd emkit-adapt emkit-iothread emkit-ethread emkit-iothreads emkit-poll emkit-own-null emkit-own-ram}
JOBS="randread-qd1 randread-qd32 randread-qd32x2 randwrite-qd1"
RES=$OUT/results.txt
: >"$RES"
log "$QEMU, $ROUNDS round(s), ${SECS}s per job, configs: $CONFIGS"
for round in $(seq 1 "$ROUNDS"); do
    log "round $round, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    for c in $CONFIGS; do
        args=$(config_args "$c") || { log "unknown config $c"; exit 2; }
        case $c in emkit-*)
            "$QEMU" -device help 2>/dev/null | grep -q '"emkit-nvme"' ||
                { log "$c: no emkit-nvme in this QEMU, skipped"; continue; } ;;
        esac
        logf=$OUT/$c-$round.log
        # shellcheck disable=SC2086
        boot_guest "$logf" bench "emk.bench_secs=$SECS" $args
        rc=$?
        mkdir -p "$OUT/$c-$round"
        line="round=$round config=$c load=$(cut -d" " -f1 /proc/loadavg)"
        # IOPS and guest interrupts per I/O from fio's JSON reports (the
        # interrupt count includes fio's 1 s ramp: the I/O count is scaled
        # by (SECS + 1) / SECS)
        line="$line $(python3 "$REPO/tests/perf/fio_json.py" --secs "$SECS" --ramp 1 \
            --jobs "$JOBS" --save "$OUT/$c-$round" "$logf")"
        [ "$rc" -eq 0 ] || line="$line qemu_rc=$rc"
        echo "$line" | tee -a "$RES" >&2
        grep '^emkit-nvme stats:' "$logf" | sed 's/^/    /' >&2
    done
done

# medians and ratios; the JSON result file
python3 "$REPO/tests/perf/nvme_guest.py" "$RES" --jobs "$JOBS" --json "$JSON" \
    --num rounds="$ROUNDS" --num secs="$SECS" --num ramp_secs=1 \
    --set qemu="$QEMU" --set qemu_sha256="$(sha256sum "$QEMU" | cut -d' ' -f1)" \
    --set emkit_commit="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    --set guest="-M q35 -accel tcg,thread=multi -cpu max -smp 2 -m 1G" &&
    log "results: $JSON (plot: tests/perf/plot.py $JSON --metric iops)"
