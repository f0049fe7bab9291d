#!/bin/sh
# Guest side of tests/qemu/bench.sh: fio 4 KiB random I/O on the first
# NVMe namespace or virtio disk, one "EMK-BENCH: <job> <iops>" line per job.
# Kernel command line: emk.bench_secs=N (runtime per job, default 5).
DEV=
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    for d in /dev/nvme0n1 /dev/vda; do
        [ -b "$d" ] && DEV=$d
    done
    [ -n "$DEV" ] && break
    sleep 1
done
[ -n "$DEV" ] || { echo "EMK: no disk"; exit 1; }
SECS=${EMK_BENCH_SECS:-5}
echo "EMK-INFO: bench on $DEV, ${SECS}s per job"
# Interrupts the disk's driver took so far (every vector, every CPU): the
# nvme queues' lines, or virtio's request queues.
irqs() {
    awk '/nvme[0-9]+q[1-9]|virtio[0-9]+-req/ { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; else break }
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
    out=$(fio --minimal --name="$1" --filename="$DEV" --direct=1 $pin \
        --ioengine=libaio --rw="$2" --bs=4k --iodepth="$3" --numjobs="$4" \
        --group_reporting --time_based --runtime="$SECS" --ramp_time=1 \
        --size=512M --randrepeat=0 --norandommap 2>/dev/null)
    i1=$(irqs)
    # terse v3: fields 8/49 read/write IOPS, 6/47 read/write KiB (so 4 KiB
    # I/Os = KiB / 4); fio counts after its 1 s ramp, the interrupt count
    # includes it (the host scales for that)
    iops=$(echo "$out" | awk -F';' 'END { print $8 + $49 }')
    ios=$(echo "$out" | awk -F';' 'END { print int(($6 + $47) / 4) }')
    echo "EMK-BENCH: $1 ${iops:-0} irqs=$((i1 - i0)) ios=${ios:-0}"
}
run randread-qd1 randread 1 1
run randread-qd32 randread 32 1
run randread-qd32x2 randread 32 2
run randwrite-qd1 randwrite 1 1
