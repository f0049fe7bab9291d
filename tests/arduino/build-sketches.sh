#!/bin/sh
# build-sketches.sh OUTDIR - builds the sketches the Arduino tests run with
# Debian's Arduino core (arduino-core-avr, arduino-mk, gcc-avr, avr-libc):
# the stock examples Blink, Fade, Button and AnalogInput, and this folder's
# SerialEcho and Compute, and the avr-libc programs in firmware/.  OUTDIR/<Sketch>/<Sketch>.hex and .elf; a sketch
# whose outputs are newer than its source is not rebuilt.  Exit 77 when
# the toolchain is missing (the tests then skip).
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
ex=/usr/share/arduino/examples
mk=/usr/share/arduino/Arduino.mk
for t in avr-gcc avr-objcopy make; do
    command -v $t >/dev/null 2>&1 || { echo "build-sketches: $t missing" >&2; exit 77; }
done
[ -f $mk ] && [ -d $ex ] || { echo "build-sketches: arduino-mk/arduino-core-avr missing" >&2; exit 77; }
mkdir -p "$out"
lock="$out/.lock"
# one builder at a time (meson runs tests in parallel)
i=0
while ! mkdir "$lock" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 600 ] || { echo "build-sketches: stale $lock" >&2; exit 1; }
    sleep 0.5
done
trap 'rmdir "$lock"' EXIT
for s in 01.Basics/Blink 01.Basics/Fade 02.Digital/Button 03.Analog/AnalogInput SerialEcho Compute; do
    name=${s##*/}
    case $s in
    */*) src=$ex/$s/$name.ino ;;
    *) src=$here/sketches/$s/$name.ino ;;
    esac
    d=$out/$name
    if [ -f "$d/$name.hex" ] && [ "$d/$name.hex" -nt "$src" ]; then continue; fi
    rm -rf "$d"; mkdir -p "$d"
    cp "$src" "$d/"
    cat > "$d/Makefile" <<MK
ARDUINO_DIR = /usr/share/arduino
BOARD_TAG = uno
CPPFLAGS += -DDECIMAL_DIG=17
include $mk
MK
    if ! make -C "$d" >"$d/build.log" 2>&1; then
        echo "build-sketches: $name failed, see $d/build.log" >&2; exit 1
    fi
    cp "$d/build-uno/${name}_.hex" "$d/$name.hex"
    cp "$d/build-uno/${name}_.elf" "$d/$name.elf"
done
# plain avr-libc firmware (no Arduino core): firmware/*.c
for src in "$here"/firmware/*.c; do
    name=$(basename "$src" .c)
    d=$out/$name
    if [ -f "$d/$name.hex" ] && [ "$d/$name.hex" -nt "$src" ]; then continue; fi
    mkdir -p "$d"
    avr-gcc -mmcu=atmega328p -DF_CPU=16000000UL -Os -Wall -o "$d/$name.elf" "$src" &&
        avr-objcopy -O ihex "$d/$name.elf" "$d/$name.hex" ||
        { echo "build-sketches: $name failed" >&2; exit 1; }
done
