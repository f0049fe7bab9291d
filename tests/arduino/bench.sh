#!/bin/sh
# bench.sh EMKIT SIMAVR-VCD DIR [CYCLES] - emulated MHz (AVR cycles per host
# second) of emkit and of simavr on the same firmware in the same run:
# Compute (sieve + CRC-32, serial output) and Blink (mostly micros()
# polling), each 3 times, the median reported; then the host CPU time of
# one emulated second at real-time pace for Blink (busy-waits) and for
# sleepy (sleeps between timer ticks).  Run it niced on a shared machine
# (docs/perf/arduino.md).
set -eu
emkit=$1 svcd=$2 dir=$3 cycles=${4:-160000000}
here=$(cd "$(dirname "$0")" && pwd)
"$here/build-sketches.sh" "$dir"
median() { sort -n | sed -n 2p; }
for s in Compute Blink; do
    e=$(for i in 1 2 3; do
        "$emkit" arduino --fast --uart none --cycles "$cycles" "$dir/$s/$s.hex" 2>&1 >/dev/null |
            sed -n 's/.*(\([0-9.]*\) MHz).*/\1/p'; done | median)
    m=$(for i in 1 2 3; do
        "$svcd" "$dir/$s/$s.elf" - "$cycles" 2>&1 >/dev/null |
            sed -n 's/.*(\([0-9.]*\) MHz).*/\1/p'; done | median)
    echo "$s: emkit $e MHz, simavr $m MHz, ratio $(echo "$e $m" | awk '{printf "%.2f", $1 / $2}')"
done
tf=$(mktemp)
for s in Blink sleepy; do
    /usr/bin/env time -f "%U %S" -o "$tf" "$emkit" arduino --realtime --uart none \
        --cycles 32000000 "$dir/$s/$s.hex" >/dev/null 2>&1
    echo "$s at real-time pace: $(awk '{printf "%.3f", ($1 + $2) / 2}' "$tf") s of host CPU per emulated second"
done
rm -f "$tf"
