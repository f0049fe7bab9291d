#!/bin/sh
# Guest test of an NVMe controller (QEMU's nvme or emkit-nvme): the Linux
# nvme driver binds, nvme-cli's admin commands answer, fio --verify=crc32c
# passes at QD1 and QD32 x2 jobs (again after `nvme reset` and after a
# controller disable/enable through unbind/bind), and ext4 survives
# mkfs, a copy round trip and fsck.
# Kernel command line options: emk.nvme_dbbuf=1 also requires OACS bit 8
# (Doorbell Buffer Config) to be set.
. /tests/lib.sh
CTRL=/dev/nvme0
NS=/dev/nvme0n1

check nvme-bound wait_for $NS 30
[ -e $NS ] || { echo "EMK: no $NS"; ls /sys/class/nvme 2>&1; exit 1; }
BDF=$(basename "$(readlink -f /sys/class/nvme/nvme0/device)")
echo "EMK-INFO: nvme0 at $BDF driver $(basename "$(readlink -f /sys/bus/pci/devices/$BDF/driver)")"

nvme id-ctrl $CTRL >/tmp/idctrl || true
grep -E '^(vid|ssvid|sn|mn|fr|oacs|sqes|cqes|nn|mdts) ' /tmp/idctrl | sed 's/^/EMK-INFO: id-ctrl /'
field() { sed -n "s/^$1 *: *//p" "$2" | head -n1; }
OACS=$(field oacs /tmp/idctrl)
check id-ctrl sh -c '[ -n "$(sed -n "s/^mn *: *//p" /tmp/idctrl | tr -d " ")" ] && [ "$(sed -n "s/^nn *: *//p" /tmp/idctrl)" -ge 1 ]'
if [ "${EMK_NVME_DBBUF:-0}" = 1 ]; then
    check oacs-dbbuf sh -c "[ \$(( $OACS & 0x100 )) -ne 0 ]"
fi
echo "EMK-INFO: oacs $OACS (Doorbell Buffer Config: $(( ${OACS:-0} & 0x100 ? 1 : 0 )))"
nvme id-ns $NS >/tmp/idns || true
check id-ns sh -c '[ "$(sed -n "s/^nsze *: *//p" /tmp/idns | head -n1)" != "0" ] && grep -q "^lbaf" /tmp/idns'
echo "EMK-INFO: id-ns nsze $(field nsze /tmp/idns) $(grep 'in use' /tmp/idns)"
check smart-log sh -c "nvme smart-log $CTRL >/tmp/smart && grep -q -i 'critical_warning' /tmp/smart"
check get-feature-nqueues sh -c "nvme get-feature $CTRL -f 7 >/tmp/gf && grep -q -i 'Current value' /tmp/gf"
sed 's/^/EMK-INFO: get-feature 7: /' /tmp/gf
check error-log nvme error-log $CTRL -e 4

fio_verify fio-qd1 $NS 1 1
fio_verify fio-qd32x2 $NS 32 2
check nvme-reset nvme reset $CTRL
wait_for $NS 20
fio_verify fio-after-reset $NS 32 2
# controller disable/enable: the driver shuts the controller down on unbind
# and enables it again on bind
check unbind sh -c "echo $BDF >/sys/bus/pci/drivers/nvme/unbind"
check bind sh -c "echo $BDF >/sys/bus/pci/drivers/nvme/bind"
check rebound wait_for $NS 30
fio_verify fio-after-rebind $NS 32 2

check mkfs mkfs.ext4 -q -F $NS
mkdir -p /mnt/t
check mount mount -t ext4 $NS /mnt/t
check copy-in sh -c "cp /usr/bin/fio /mnt/t/fio.copy && cp -r /modules /mnt/t/modules && sync"
umount /mnt/t
echo 3 >/proc/sys/vm/drop_caches
check remount mount -t ext4 $NS /mnt/t
check copy-back sh -c "cmp /usr/bin/fio /mnt/t/fio.copy && diff -r /modules /mnt/t/modules"
umount /mnt/t
check fsck e2fsck -fn $NS
echo "EMK-INFO: $FAILS failed checks"
[ "$FAILS" -eq 0 ]
