#!/bin/sh
# Guest half of guest-test.sh's emkit-unplug case: three emkit-nvme
# controllers, each behind a QEMU pcie-root-port and each with its loop in
# a different place (QEMU's main loop with a drive=, a QEMU IOThread, an
# emkit iothread), are hot-unplugged while fio has I/O in flight on all
# three.  The host sends device_del when it sees "EMK-UNPLUG: now"; Linux's
# pciehp removes the functions; the test passes when every controller is
# gone and the guest is still alive.
. /tests/lib.sh
check unplug-bound wait_for /dev/nvme2n1 30
sleep 1
for d in /dev/nvme0n1 /dev/nvme1n1 /dev/nvme2n1; do
    fio_verify "unplug-verify-${d#/dev/}" "$d" 8 1
done
for d in /dev/nvme0n1 /dev/nvme1n1 /dev/nvme2n1; do
    fio --name=inflight --filename="$d" --direct=1 --ioengine=libaio \
        --rw=randrw --bs=4k --iodepth=16 --size=64M --time_based \
        --runtime=60 >/dev/null 2>&1 &
done
sleep 2
echo "EMK-UNPLUG: now"
gone() {
    i=0
    while ls /sys/class/nvme/ 2>/dev/null | grep -q nvme && [ $i -lt 60 ]; do
        sleep 1; i=$((i + 1))
    done
    ! ls /sys/class/nvme/ 2>/dev/null | grep -q nvme
}
check unplug-gone gone
# fio saw its disks vanish; it must end (with errors), not hang
check unplug-fio-ended sh -c 'i=0; while pidof fio >/dev/null && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done; ! pidof fio'
check unplug-lspci sh -c '! lspci -n | grep -q "1b36:0010\|8086:5845"'
echo "EMK-INFO: $FAILS failed checks"
[ "$FAILS" = 0 ]
