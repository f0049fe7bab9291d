#!/bin/bash
# tests/qemu/make-bootdisk.sh IMAGE KERNEL INITRD TOKEN APPEND - a small
# bootable disk for the emkit-buslogic-boot guest case, made from Debian
# packages without mounting anything:
#   MBR        syslinux's mbr.bin (syslinux-common) and an MS-DOS table
#              (sfdisk): partition 1 FAT16, active; partition 2 Linux
#   part 1     FAT16 (mkfs.fat --offset) with SYSLINUX installed by its
#              mtools installer (syslinux --offset), syslinux.cfg (serial
#              console, kernel command line APPEND), the kernel and INITRD
#   part 2     ext4 (mke2fs -d, -E offset) holding the root the guest
#              mounts through BusLogic.ko: busybox-static and
#              /etc/emk-root = TOKEN
# Exit status 77 if a tool is missing (tests/deps/qemu.apt).
set -euo pipefail
[ $# -eq 5 ] || { echo "usage: make-bootdisk.sh IMAGE KERNEL INITRD TOKEN APPEND" >&2; exit 2; }
img=$1 kernel=$2 initrd=$3 token=$4 append=$5
log() { printf 'make-bootdisk: %s\n' "$*" >&2; }
MBR=/usr/lib/syslinux/mbr/mbr.bin
for t in sfdisk mkfs.fat syslinux mcopy mke2fs busybox; do
    command -v "$t" >/dev/null || { log "SKIP: no $t (tests/deps/qemu.apt)"; exit 77; }
done
[ -f "$MBR" ] || { log "SKIP: no $MBR (syslinux-common)"; exit 77; }
# sizes in 512-byte sectors: FAT from 1 MiB, big enough for kernel+initrd
need=$(( ($(stat -c %s "$kernel") + $(stat -c %s "$initrd")) / 512 + 8192 ))
fat_start=2048
fat_size=$(( (need + 2047) / 2048 * 2048 ))
[ "$fat_size" -ge 32768 ] || fat_size=32768      # FAT16 wants >= 16 MiB
root_start=$((fat_start + fat_size))
root_size=16384                                   # 8 MiB
rm -f "$img"
truncate -s $(( (root_start + root_size) * 512 )) "$img"
sfdisk -q "$img" <<EOT
label: dos
start=$fat_start, size=$fat_size, type=6, bootable
start=$root_start, size=$root_size, type=83
EOT
dd if="$MBR" of="$img" bs=440 count=1 conv=notrunc status=none
off=$((fat_start * 512))
# (it warns that the file is larger than the FAT: the root follows)
mkfs.fat -F 16 -n EMKBOOT --offset "$fat_start" "$img" $((fat_size / 2)) 2>&1 |
    grep -v -e "block count mismatch" -e "^mkfs.fat [0-9]" >&2 || true
syslinux --install --offset "$off" "$img"
cfg=$(mktemp)
trap 'rm -f "$cfg"; rm -rf "${root:-}"' EXIT
cat >"$cfg" <<EOT
SERIAL 0 115200
PROMPT 0
TIMEOUT 0
DEFAULT emkit
SAY emkit-bootdisk: syslinux on the BusLogic disk, loading the kernel
LABEL emkit
  KERNEL vmlinuz
  INITRD initrd.img
  APPEND $append
EOT
mcopy -i "$img@@$off" "$cfg" ::syslinux.cfg
mcopy -i "$img@@$off" "$kernel" ::vmlinuz
mcopy -i "$img@@$off" "$initrd" ::initrd.img
root=$(mktemp -d)
mkdir -p "$root/bin" "$root/etc"
cp "$(command -v busybox)" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
printf '%s\n' "$token" >"$root/etc/emk-root"
mke2fs -q -F -t ext4 -L emkroot -d "$root" -E offset=$((root_start * 512)) "$img" $((root_size / 2))k
log "$img: FAT16 $((fat_size / 2048)) MiB (syslinux, kernel, initrd), ext4 root $((root_size / 2048)) MiB"
