#!/bin/sh
# upload.sh EMKIT DIR - uploading like the IDE: the board runs Optiboot
# (built from arduino-core-avr's source by build-optiboot.sh), and an
# unmodified `avrdude -c arduino -p m328p -P <pty>` writes Blink through
# USART0 and verifies it; after the bootloader's watchdog reset the sketch
# must blink LED_BUILTIN at 1 Hz (VCD).  Also checks that emkit refuses
# the shipped optiboot_atmega328.hex, which runs past the end of the flash.
# Exit 77 without avrdude or the Arduino toolchain.
set -eu
emkit=$1 dir=$2
here=$(cd "$(dirname "$0")" && pwd)
command -v avrdude >/dev/null 2>&1 || { echo "upload: avrdude missing" >&2; exit 77; }
"$here/build-sketches.sh" "$dir" || exit $?
"$here/build-optiboot.sh" "$dir" || exit $?
shipped=/usr/share/arduino/hardware/arduino/avr/bootloaders/optiboot/optiboot_atmega328.hex
work=$(mktemp -d "${TMPDIR:-/tmp}/emkit-upload.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

if [ -f "$shipped" ]; then
    if "$emkit" arduino --fast --cycles 1000 --uart none --bootloader "$shipped" - \
            2>"$work/shipped.err"; then
        echo "upload: the shipped optiboot hex loaded, but it overruns the flash" >&2; exit 1
    fi
    grep -q "does not fit the flash" "$work/shipped.err" ||
        { cat "$work/shipped.err" >&2; exit 1; }
fi

# 9 s of emulated time at real-time pace: upload (~3.5 s), then Blink
"$emkit" arduino --bootloader "$dir/optiboot_1k.hex" --uart pty --realtime \
    --cycles 144000000 --vcd "$work/up.vcd" - 2>"$work/emkit.err" &
pid=$!
i=0
while ! grep -q "uart on" "$work/emkit.err" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 100 ] || { cat "$work/emkit.err" >&2; exit 1; }
    sleep 0.05
done
pty=$(sed -n 's/.*uart on //p' "$work/emkit.err")
if ! avrdude -c arduino -p m328p -P "$pty" -U "flash:w:$dir/Blink/Blink.hex:i" \
        >"$work/avrdude.log" 2>&1; then
    cat "$work/avrdude.log" >&2; exit 1
fi
cat "$work/avrdude.log"
grep -q "bytes of flash verified" "$work/avrdude.log" || exit 1
wait "$pid"
pid=
cat "$work/emkit.err"
# D13's transitions (ns) after the upload: toggles 1 s apart (+- 1 ms)
awk '/^\$var/ && $5 == "D13" { id = $4 }
     /^#/ { t = substr($1, 2) }
     /^[01]/ && substr($0, 2) == id { print t }' "$work/up.vcd" > "$work/d13.txt"
awk 'NR > 1 { d = ($1 - prev) / 1e9; if (d > 0.999 && d < 1.001) ok++ } { prev = $1 }
     END { print "upload: " ok " one-second D13 intervals after the upload";
           exit !(ok >= 3) }' "$work/d13.txt"
