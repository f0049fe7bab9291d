#!/bin/sh
# build-optiboot.sh OUTDIR - Optiboot for the Uno from the source Debian's
# arduino-core-avr ships, with that Makefile's "atmega328" flags, linked
# for a 1 KiB boot section (.text at 0x7c00, BOOTSZ=10) instead of 512 B.
# Why: Debian's gcc-avr 5.4 makes the code 532 bytes, so the shipped
# optiboot_atmega328.hex (same build, .text at 0x7e00) runs past the end
# of the flash (0x8000-0x8013) and its last function overlaps the version
# word: it cannot work on a real ATmega328P, and emkit refuses to load it
# (tests/arduino/upload.sh checks both).  Output: OUTDIR/optiboot_1k.hex.
# Exit 77 without the toolchain or the source.
set -eu
out=$1
src=/usr/share/arduino/hardware/arduino/avr/bootloaders/optiboot
command -v avr-gcc >/dev/null 2>&1 || { echo "build-optiboot: avr-gcc missing" >&2; exit 77; }
[ -f $src/optiboot.c ] || { echo "build-optiboot: $src/optiboot.c missing" >&2; exit 77; }
mkdir -p "$out"
[ -f "$out/optiboot_1k.hex" ] && [ "$out/optiboot_1k.hex" -nt $src/optiboot.c ] && exit 0
d=$(mktemp -d "$out/ob.XXXXXX")
cp $src/optiboot.c $src/boot.h $src/pin_defs.h $src/stk500.h "$d/"
cflags="-g -Wall -Os -fno-inline-small-functions -fno-split-wide-types -mshort-calls
 -mmcu=atmega328p -DF_CPU=16000000L -DLED_START_FLASHES=3 -DBAUD_RATE=115200"
(cd "$d" &&
 avr-gcc $cflags -c -o optiboot.o optiboot.c &&
 avr-gcc $cflags -Wl,--section-start=.text=0x7c00 -Wl,--section-start=.version=0x7ffe \
     -Wl,--relax -Wl,--gc-sections -nostartfiles -nostdlib -o optiboot.elf optiboot.o &&
 avr-objcopy -j .text -j .data -j .version --set-section-flags .version=alloc,load \
     -O ihex optiboot.elf optiboot_1k.hex) >"$out/optiboot-build.log" 2>&1 ||
    { echo "build-optiboot: failed, see $out/optiboot-build.log" >&2; rm -rf "$d"; exit 1; }
mv "$d/optiboot_1k.hex" "$out/optiboot_1k.hex"
rm -rf "$d"
