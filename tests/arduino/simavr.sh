#!/bin/sh
# simavr.sh EMKIT SIMAVR-VCD VCD-COMPARE DIR - the same ELF under simavr
# (the reference, VCD by simavr's avr_vcd) and under `emkit arduino` (its
# --vcd), pins compared transition by transition.  Tolerances, in ns of
# emulated time (62.5 ns a cycle):
#   busy    62    one cycle: pure CPU timing must be exact (simavr's VCD
#                 has a 10 ns timescale, so a few ns of rounding)
#   timers  D13 750 (TIMER1 clk/8), D11 2250 (TIMER2 clk/32), D8 4250
#                 (TIMER0 clk/64): one prescaler period plus 4 cycles,
#                 because simavr starts a timer's prescaler when TCCRnB is
#                 written and the chip (and emkit) run it from reset
#   coop    750   a 1 ms tick from TIMER1 clk/8, as above
#   Blink   64000 delay() polls micros() (TCNT0 at clk/64), so a toggle
#                 lands up to a polling iteration plus the phase apart
# Fade is not compared: simavr 1.6 does not drive OC1A onto PB1 in phase
# correct PWM (its VCD shows 3 transitions on D9, ours ~4800 a second).
# Exit 77 without the toolchain.
set -eu
emkit=$1 svcd=$2 cmp=$3 dir=$4
here=$(cd "$(dirname "$0")" && pwd)
"$here/build-sketches.sh" "$dir" || exit $?
work=$(mktemp -d "${TMPDIR:-/tmp}/emkit-simavr.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
run() {   # NAME CYCLES TOL [SIGNALS...]
    name=$1 cycles=$2 tol=$3
    shift 3
    "$svcd" "$dir/$name/$name.elf" "$work/s-$name.vcd" "$cycles" >/dev/null 2>&1
    "$emkit" arduino --fast --uart none --cycles "$cycles" --vcd "$work/e-$name.vcd" \
        "$dir/$name/$name.hex" 2>/dev/null
    echo "== $name (tolerance $tol ns)"
    "$cmp" "$work/e-$name.vcd" "$work/s-$name.vcd" "$tol" "$@" || fail=1
}
run busy 32000000 62 D8 D13
run timers 32000000 750 D13
run timers 32000000 2250 D11
run timers 32000000 4250 D8
run coop 48000000 750 D8 D9 D10 D12
run Blink 160000000 64000 D13
# the transitions must be there at all
grep -c . "$work/e-coop.vcd" >/dev/null
exit $fail
