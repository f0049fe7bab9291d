#!/bin/sh
# Guest test of `-device emkit-buslogic` (emkit's BusLogic BT-958 on its
# SCSI core) under Linux's own BusLogic.ko: the driver's probe with its
# TraceProbe/TraceConfiguration output, then sg3-utils (INQUIRY and VPD
# pages, READ CAPACITY(16), sg_dd with VERIFY, device and bus reset with
# recovery), an ext4 file system (mkfs, copy, fsck, compare) and fio with
# crc32c verification at QD1 and QD32 on several targets at once.
# The host gives three disks (SCSI ids 0-2); emk.bl_blocks= is the block
# count of id 0.
. /tests/lib.sh
insmod /modules/late/BusLogic.ko BusLogic=TraceProbe,TraceConfiguration ||
    { echo "EMK-CHECK: buslogic-insmod FAIL"; exit 1; }
dmesg >/tmp/probe.log
check buslogic-model grep -q "Configuring BusLogic Model BT-958 PCI Wide Ultra SCSI Host Adapter" /tmp/probe.log
check buslogic-firmware grep -q "Firmware Version: 5.07B" /tmp/probe.log
check buslogic-mailboxes grep -q "Mailboxes: 211" /tmp/probe.log
check buslogic-trace-probe grep -q "MultiMaster Found" /tmp/probe.log
check buslogic-trace-config grep -q "blogic_cmd(8D) Status" /tmp/probe.log
check buslogic-initialized grep -q "BusLogic BT-958 Initialized Successfully" /tmp/probe.log
grep -E "BT-958|Firmware Version|Mailboxes|Tagged Queuing|Driver Queue" /tmp/probe.log | sed 's/^/EMK-INFO: /'
for d in sda sdb sdc; do wait_for /dev/$d 30; done
check buslogic-three-disks [ -b /dev/sda ] && [ -b /dev/sdb ] && [ -b /dev/sdc ]
SG=$(basename "$(ls -d /sys/block/sda/device/scsi_generic/sg* 2>/dev/null | head -n1)")
echo "EMK-INFO: sda is /dev/$SG"

# ---- sg3-utils ------------------------------------------------------------
check sg-inq sh -c 'sg_inq /dev/sda | grep -q "Vendor identification: EMKIT"'
check sg-inq-cmdque sh -c 'sg_inq /dev/sda | grep -q "CmdQue=1"'
check sg-vpd-serial sh -c 'sg_vpd -p sn /dev/sda | grep -q "Unit serial number: EMK"'
sg_vpd -p di /dev/sda >/tmp/di.out 2>&1
sed 's/^/EMK-INFO: vpd 0x83: /' /tmp/di.out | head -n 8
check sg-vpd-devid-t10 grep -q "designator type: T10 vendor identification" /tmp/di.out
check sg-vpd-devid-naa grep -q "designator type: NAA" /tmp/di.out
check sg-vpd-limits sh -c 'sg_vpd -p bl /dev/sda | grep -q "Maximum transfer length: 65536"'
check sg-vpd-lbp sh -c 'sg_vpd -p lbpv /dev/sda | grep -q "Unmap command supported (LBPU): 1"'
check sg-vpd-bad-page sh -c '! sg_vpd -p 0x99 /dev/sda'
# READ CAPACITY(16) is a 16-byte CDB: a BusLogic CCB holds 12 CDB bytes,
# so the driver's host (max_cmd_len 12) refuses it before the adapter
# sees it; READ CAPACITY(10) gives the capacity
sg_readcap -l /dev/sda >/tmp/cap16.out 2>&1
sed 's/^/EMK-INFO: readcap -l: /' /tmp/cap16.out | head -n 2
check sg-readcap-16-refused-by-host grep -q "DID_ABORT" /tmp/cap16.out
sg_readcap /dev/sda >/tmp/cap.out 2>&1
sed 's/^/EMK-INFO: readcap: /' /tmp/cap.out | head -n 4
check sg-readcap grep -q "Number of logical blocks=${EMK_BL_BLOCKS:-0}\$" /tmp/cap.out
check sg-readcap-bs grep -q "Logical block length=512 bytes" /tmp/cap.out
dd if=/dev/urandom of=/tmp/pat bs=64k count=32 2>/dev/null
check sg-dd-write sg_dd if=/tmp/pat of=/dev/$SG bs=512 bpt=128 count=4096
check sg-dd-verify sg_dd --verify if=/tmp/pat of=/dev/$SG bs=512 bpt=128 count=4096
# a flipped byte must be caught by the device's compare (MISCOMPARE)
printf 'X' | dd of=/tmp/pat bs=1 seek=70000 conv=notrunc 2>/dev/null
check sg-dd-miscompare sh -c "! sg_dd --verify if=/tmp/pat of=/dev/$SG bs=512 bpt=128 count=4096"
# reading past the end: CHECK CONDITION, ILLEGAL REQUEST / LBA out of range
check sg-dd-out-of-range sh -c "! sg_dd if=/dev/$SG of=/dev/null bs=512 skip=${EMK_BL_BLOCKS:-0} count=1"

# ---- resets: BusLogic.c has only a host reset handler, so the midlayer
# escalates device and bus resets to it: a soft reset of the adapter and
# a new mailbox initialisation ("Initialized Successfully" once more) ---
inits() { dmesg | grep -c "BusLogic BT-958 Initialized Successfully"; }
n0=$(inits)
check sg-reset-device sg_reset -d /dev/sda
n1=$(inits)
check device-reset-reinitialized [ "$n1" -gt "$n0" ]
check io-after-device-reset dd if=/dev/sda of=/dev/null bs=64k count=64 iflag=direct
check sg-reset-bus sg_reset -b /dev/sda
check bus-reset-reinitialized [ "$(inits)" -gt "$n1" ]
check io-after-bus-reset dd if=/dev/sda of=/dev/null bs=64k count=64 iflag=direct
echo "EMK-INFO: adapter initialisations: $n0 before the resets, $(inits) after"

# ---- ext4 -------------------------------------------------------------------
check mkfs mkfs.ext4 -q -F /dev/sdb
mkdir -p /mnt/b
check mount mount -t ext4 /dev/sdb /mnt/b
dd if=/dev/urandom of=/tmp/big bs=1M count=8 2>/dev/null
check copy sh -c 'cp /tmp/big /usr/bin/fio /mnt/b/ && mkdir /mnt/b/tests && cp /tests/* /mnt/b/tests/ && sync'
check umount umount /mnt/b
check fsck e2fsck -fn /dev/sdb
check remount mount -t ext4 -o ro /dev/sdb /mnt/b
check compare sh -c 'cmp /tmp/big /mnt/b/big && cmp /usr/bin/fio /mnt/b/fio && cmp /tests/lib.sh /mnt/b/tests/lib.sh'
umount /mnt/b

# ---- fio with verification --------------------------------------------------
fio_verify fio-qd1 /dev/sda 1 1
check fio-qd32-three-targets fio --direct=1 --ioengine=libaio --rw=randwrite \
    --bs=4k --iodepth=32 --size=8M --verify=crc32c --do_verify=1 \
    --verify_fatal=1 --randrepeat=0 --group_reporting \
    --name=t0 --filename=/dev/sda --offset=16M \
    --name=t1 --filename=/dev/sdb --offset=64M \
    --name=t2 --filename=/dev/sdc
check tagged-queuing sh -c 'dmesg | grep -q "Tagged Queuing now active for Target 0"'
grep -h . /proc/scsi/BusLogic/* 2>/dev/null | grep -A4 "DATA TRANSFER" | sed 's/^/EMK-INFO: /'
[ "$FAILS" = 0 ]
