#!/bin/sh
# build-rom.sh OUT [WORKDIR] - builds emkit's BusLogic option ROM
# (hw/buslogic/rom/) into OUT: entry.S and bios.c with gcc -m16
# (freestanding, -Os), linked by GNU ld with rom.ld, flattened by objcopy
# and finished by romfix.py (size, PCI image length, PnP and image
# checksums).  ROM_CC overrides the compiler (default gcc), ROM_LD and
# ROM_OBJCOPY the binutils.  Called by hw/buslogic/rom/meson.build and
# tests/qemu/build-qemu.sh.  Exit status 77: no x86 gcc/binutils here.
set -eu
out=$1
dir=$(cd "$(dirname "$0")" && pwd)
work=${2:-$(dirname "$out")}
cc=${ROM_CC:-gcc} ld=${ROM_LD:-ld} objcopy=${ROM_OBJCOPY:-objcopy}
for t in "$cc" "$ld" "$objcopy" python3; do
    command -v "$t" >/dev/null 2>&1 || { echo "build-rom.sh: no $t" >&2; exit 77; }
done
"$ld" -V 2>/dev/null | grep -q elf_i386 || { echo "build-rom.sh: $ld cannot link elf_i386" >&2; exit 77; }
mkdir -p "$work"
flags="-m16 -march=i386 -Os -std=gnu99 -ffreestanding -fno-pic -fno-pie \
 -fno-stack-protector -fno-asynchronous-unwind-tables -fno-unwind-tables \
 -fno-builtin -fomit-frame-pointer -mno-mmx -mno-sse -mno-80387 \
 -Wall -Wextra -Werror"
# shellcheck disable=SC2086
"$cc" $flags -c "$dir/entry.S" -o "$work/bl-rom-entry.o"
# shellcheck disable=SC2086
"$cc" $flags -c "$dir/bios.c" -o "$work/bl-rom-bios.o"
"$ld" -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments -T "$dir/rom.ld" -o "$work/bl-rom.elf" \
    "$work/bl-rom-entry.o" "$work/bl-rom-bios.o"
"$objcopy" -O binary -j .text "$work/bl-rom.elf" "$work/bl-rom.bin"
python3 "$dir/romfix.py" "$work/bl-rom.bin" "$out.tmp"
mv "$out.tmp" "$out"
