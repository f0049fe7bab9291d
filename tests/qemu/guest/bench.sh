#!/bin/sh
# Guest side of tests/qemu/bench.sh: fio 4 KiB random I/O on the first
# NVMe namespace or virtio disk.  Per job it prints fio's JSON report
# (--output-format=json), every line prefixed "EMK-FIO: <job> ", and one
# "EMK-BENCH: <job> irqs=N" line (the disk's interrupts during the job); the
# host (tests/perf/fio_json.py) takes IOPS and I/O counts from the JSON.
# Kernel command line: emk.bench_secs=N (runtime per job, default 5);
# emk.bench_insmod=MOD insmods /modules/late/MOD.ko first (BusLogic: the
# SCSI disk then appears as /dev/sda, as behind lsi53c895a or megasas);
# emk.bench_jobs=scsi runs tests/qemu/bl-bench.sh's four jobs (randread
# and randwrite at QD1 and QD32) instead of bench.sh's; emk.bench_sched=S
# sets the disk's I/O scheduler first (none, mq-deadline).
# On a host (tests/perf/fio-json.sh): EMK_BENCH_DEV=FILE, and
# EMK_BENCH_DIRECT, EMK_BENCH_SIZE, EMK_BENCH_RAMP change fio's --direct
# (default 1), --size (512M) and --ramp_time (1).
DEV=${EMK_BENCH_DEV:-}
# fio writes to the disk: probe for one only inside the test guest, and on
# a host take only a file (never a block device)
if [ -n "$DEV" ]; then
    [ -b "$DEV" ] && { echo "EMK: EMK_BENCH_DEV=$DEV is a block device: refused"; exit 1; }
elif ! grep -q 'emk\.test=' /proc/cmdline 2>/dev/null; then
    echo "EMK: not in the test guest (no emk.test= on the kernel command line);"
    echo "EMK: set EMK_BENCH_DEV=FILE to run on a host"
    exit 1
fi
if [ -n "${EMK_BENCH_INSMOD:-}" ]; then
    insmod "/modules/late/$EMK_BENCH_INSMOD.ko" || echo "EMK: insmod $EMK_BENCH_INSMOD failed"
fi
i=0
while [ -z "$DEV" ] && [ $i -lt 20 ]; do
    for d in /dev/nvme0n1 /dev/vda /dev/sda; do
        [ -b "$d" ] && DEV=$d
    done
    [ -n "$DEV" ] && break
    i=$((i + 1))
    sleep 1
done
[ -n "$DEV" ] || { echo "EMK: no disk"; exit 1; }
SECS=${EMK_BENCH_SECS:-5}
echo "EMK-INFO: bench on $DEV, ${SECS}s per job"
# Interrupts the disk's driver took so far (every vector, every CPU): the
# nvme queues' lines, virtio's request queues, or the SCSI adapter's line
# (BusLogic, sym53c8xx for lsi53c895a, megasas).
irqs() {
    awk '/nvme[0-9]+q[1-9]|virtio[0-9]+-req|BusLogic|sym53c8xx|megasas/ { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; else break }
         END { print s + 0 }' /proc/interrupts
}
# Several jobs are pinned one per vCPU (fio's cpus_allowed_policy=split):
# left to the guest scheduler, two jobs sometimes share one vCPU and the
# result flips between two levels from boot to boot.
run() { # run NAME RW QD JOBS
    pin=
    [ "$4" -gt 1 ] && pin="--cpus_allowed=0-$(($4 - 1)) --cpus_allowed_policy=split"
    i0=$(irqs)
    # shellcheck disable=SC2086
    fio --output-format=json --output="${TMPDIR:-/tmp}/fio-$1.json" --name="$1" \
        --filename="$DEV" --direct="${EMK_BENCH_DIRECT:-1}" $pin \
        --ioengine=libaio --rw="$2" --bs=4k --iodepth="$3" --numjobs="$4" \
        --group_reporting --time_based --runtime="$SECS" \
        --ramp_time="${EMK_BENCH_RAMP:-1}" --size="${EMK_BENCH_SIZE:-512M}" \
        --randrepeat=0 --norandommap >/dev/null 2>&1 ||
        echo "EMK: fio $1 failed"
    i1=$(irqs)
    # fio counts after its ramp, the interrupt count includes it (the host
    # scales for that)
    echo "EMK-BENCH: $1 irqs=$((i1 - i0))"
    [ -f "${TMPDIR:-/tmp}/fio-$1.json" ] && sed "s/^/EMK-FIO: $1 /" "${TMPDIR:-/tmp}/fio-$1.json"
    rm -f "${TMPDIR:-/tmp}/fio-$1.json"
}
Q=/sys/block/${DEV#/dev/}/queue
[ -z "${EMK_BENCH_SCHED:-}" ] || echo "$EMK_BENCH_SCHED" >"$Q/scheduler" ||
    echo "EMK: scheduler $EMK_BENCH_SCHED refused"
if [ "${EMK_BENCH_JOBS:-}" = scsi ]; then
    echo "EMK-INFO: $DEV queue depth $(cat /sys/block/${DEV#/dev/}/device/queue_depth 2>/dev/null || echo '?')," \
         "scheduler $(cat "$Q/scheduler" 2>/dev/null), rotational $(cat "$Q/rotational" 2>/dev/null)"
    run randread-qd1 randread 1 1
    run randread-qd32 randread 32 1
    run randwrite-qd1 randwrite 1 1
    run randwrite-qd32 randwrite 32 1
else
    run randread-qd1 randread 1 1
    run randread-qd32 randread 32 1
    run randread-qd32x2 randread 32 2
    run randwrite-qd1 randwrite 1 1
fi
