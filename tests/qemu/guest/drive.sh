#!/bin/sh
# Guest test of emkit-nvme on QEMU block nodes (drive=, drive2=, ...):
#   nvme0n1  qcow2 image   fio --verify=crc32c QD1 and QD32 x2, mkfs.ext4 +
#                          copy round trip + fsck, then a 64 KiB 0xa5
#                          pattern at 1 MiB (the host reads it with qemu-io)
#   nvme0n2  raw file      fio --verify=crc32c QD32 x2, a 64 KiB 0x5a
#                          pattern at 1 MiB, flush, Write Zeroes over its
#                          first 8 KiB
#   nvme0n3  null-co       size from the node (emk.null_lbas), fio random
#                          reads QD32
#   nvme0n4  raw, read-only  write-protected in Identify, reads work, writes fail
#   second controller (serial emkdrviot, iothread=): a raw file; the
#   controller's loop and the drive's block layer run in a QEMU
#   IOThread; fio verify QD32 x2, a 0xe7 pattern
# Each namespace is a different block node, so all prove requests went
# through QEMU's block layer.
. /tests/lib.sh
# the controller whose Identify serial is $1
by_serial() {
    for c in /sys/class/nvme/nvme*; do
        [ "$(tr -d ' ' <"$c/serial" 2>/dev/null)" = "$1" ] && { echo "/dev/${c##*/}"; return 0; }
    done
    return 1
}
check nvme-bound wait_for /dev/nvme1n1 30
sleep 1
C=$(by_serial emkdrv) || { echo "EMK: no controller emkdrv"; ls /dev/nvme* 2>&1; exit 1; }
CI=$(by_serial emkdrviot) || { echo "EMK: no controller emkdrviot"; exit 1; }
N1=${C}n1 N2=${C}n2 N3=${C}n3 N4=${C}n4 NI=${CI}n1
wait_for $N4 10
for n in $N1 $N2 $N3 $N4 $NI; do
    [ -e $n ] || { echo "EMK: no $n"; ls /dev/nvme* 2>&1; exit 1; }
done
echo "EMK-INFO: main-loop drives on $C, IOThread drive on $CI: $(cd /sys/block && echo nvme*)"

# a 64 KiB block of one byte value (octal) at byte offset 1 MiB
pattern() { # pattern DEV OCTAL
    dd if=/dev/zero bs=65536 count=1 2>/dev/null | tr '\000' "\\$2" >/tmp/pat &&
    dd if=/tmp/pat of="$1" bs=65536 seek=16 count=1 oflag=direct conv=fsync &&
    dd if="$1" bs=65536 skip=16 count=1 iflag=direct 2>/dev/null | cmp - /tmp/pat
}

# nvme0n1: qcow2
fio_verify qcow2-fio-qd1 $N1 1 1
fio_verify qcow2-fio-qd32x2 $N1 32 2
check qcow2-mkfs mkfs.ext4 -q -F $N1
mkdir -p /mnt/t
check qcow2-mount mount -t ext4 $N1 /mnt/t
check qcow2-copy-in sh -c "cp /usr/bin/fio /mnt/t/fio.copy && cp -r /modules /mnt/t/modules && sync"
umount /mnt/t
echo 3 >/proc/sys/vm/drop_caches
check qcow2-remount mount -t ext4 $N1 /mnt/t
check qcow2-copy-back sh -c "cmp /usr/bin/fio /mnt/t/fio.copy && diff -r /modules /mnt/t/modules"
umount /mnt/t
check qcow2-fsck e2fsck -fn $N1
check qcow2-pattern pattern $N1 245

# nvme0n2: raw file
fio_verify raw-fio-qd32x2 $N2 32 2
check raw-pattern pattern $N2 132
check raw-flush nvme flush $N2
# Write Zeroes over the pattern's first 8 KiB (LBAs 2048..2063): the host
# then finds zeros there and 0x5a after
check raw-write-zeroes nvme write-zeroes $N2 -s 2048 -c 15

# nvme0n3: null-co, its size from blk_getlength
nvme id-ns $N3 >/tmp/idns3 || true
NSZE=$(sed -n 's/^nsze *: *//p' /tmp/idns3 | head -n1)
echo "EMK-INFO: null-co nsze $NSZE (expected ${EMK_NULL_LBAS:-?})"
check null-size sh -c "[ \$(( $NSZE )) -eq \$(( ${EMK_NULL_LBAS:-0} )) ]"
check null-fio-randread fio --name=nullrr --filename=$N3 --direct=1 \
    --ioengine=libaio --rw=randread --bs=4k --iodepth=32 --size=64M \
    --io_size=16M --randrepeat=0

# nvme0n4: a read-only drive, reported write-protected (NSATTR bit 0), so
# Linux marks the disk read-only; writes are refused
nvme id-ns "$N4" >/tmp/idns.out 2>&1
check ro-nsattr sh -c "grep -i '^nsattr' /tmp/idns.out | grep -Eq ': (0x)?1\$'"
check ro-disk-ro sh -c "[ \"\$(cat /sys/block/${N4#/dev/}/ro)\" = 1 ]"
check ro-read dd if=$N4 of=/dev/null bs=4096 count=16 iflag=direct
check ro-write-refused sh -c "! dd if=/dev/zero of=$N4 bs=4096 count=1 oflag=direct conv=fsync"

# the second controller: its loop and its raw file in a QEMU IOThread
# (iothread=)
fio_verify iothread-fio-qd32x2 $NI 32 2
check iothread-pattern pattern $NI 347

echo "EMK-INFO: $FAILS failed checks"
[ "$FAILS" -eq 0 ]
