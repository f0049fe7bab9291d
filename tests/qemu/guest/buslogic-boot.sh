#!/bin/sh
# Guest side of the emkit-buslogic-boot case: this kernel and initramfs
# came off the BusLogic disk (SeaBIOS ran emkit's option ROM, whose INT 13h
# served syslinux); now Linux's BusLogic.ko finds the same disk and the
# root file system on its second partition: mount it, check the token the
# host wrote there (emk.root_token=) and run its busybox in a chroot.
. /tests/lib.sh
check boot-cmdline-from-syslinux grep -q "emk.boot=syslinux" /proc/cmdline
dmesg | grep -m3 -E "BIOS-e820: \[mem 0x0000000000000000|BIOS-e820: \[mem 0x000000000009" | sed 's/^/EMK-INFO: /'
insmod /modules/late/BusLogic.ko || { echo "EMK-CHECK: boot-insmod FAIL"; exit 1; }
wait_for /dev/sda2 30
check boot-disk-partitions [ -b /dev/sda1 ] && [ -b /dev/sda2 ]
mkdir -p /newroot /bootfs
check boot-mount-root mount -t ext4 -o ro /dev/sda2 /newroot
check boot-root-token [ "$(cat /newroot/etc/emk-root 2>/dev/null)" = "${EMK_ROOT_TOKEN:-none}" ]
check boot-root-chroot sh -c '[ "$(chroot /newroot /bin/busybox cat /etc/emk-root)" = "$EMK_ROOT_TOKEN" ]'
# the kernel syslinux loaded is the one on the FAT partition
check boot-mount-fat mount -t vfat -o ro /dev/sda1 /bootfs
check boot-fat-files [ -s /bootfs/vmlinuz ] && [ -s /bootfs/initrd.img ] && [ -f /bootfs/ldlinux.sys ]
umount /bootfs 2>/dev/null
umount /newroot 2>/dev/null
[ "$FAILS" -eq 0 ]
