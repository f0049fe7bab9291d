#!/bin/sh
# bench.sh EMKIT [N]: MicroPython on `emkit microbit` and on QEMU 7.2's
# `qemu-system-arm -M microbit`, the same firmware running the same
# compute loop (N additions, default 30000), niced.  Prints each one's
# host seconds for the loop (emkit: board ms / board-to-host ratio from
# --stats is not needed: the loop's running_time() in emkit is board time,
# so host time comes from the whole run's --stats line; QEMU's timers
# follow the host clock, so its running_time() is host time) and the
# ratio.  The machine is shared: the figures vary from run to run.
set -u
emkit=$1
n=${2:-30000}
here=$(dirname "$0")
fw=/usr/share/firmware-microbit-micropython/firmware.hex
prog="t=running_time(); s=0
for i in range($n): s+=i

print('loop_ms', running_time()-t, s)"
# emkit: the whole session flat out; the loop's share of host time is its
# share of board time (the REPL around it is idle and skipped).
out=$(printf '%s\n' "$prog" | nice -n 10 "$emkit" microbit --stats --quiet 200 2>&1)
board_ms=$(printf '%s\n' "$out" | tr -d '\r' | awk '/^loop_ms/ {print $2}')
stats=$(printf '%s\n' "$out" | grep -o 'microbit: [0-9].*')
host_s=$(printf '%s\n' "$stats" | sed 's/.* in \([0-9.]*\) s host.*/\1/')
board_s=$(printf '%s\n' "$stats" | sed 's/.*instructions, \([0-9.]*\) s board.*/\1/')
mips=$(printf '%s\n' "$stats" | sed 's/.*(\([0-9.]*\) emulated MIPS.*/\1/')
qout=$(printf '%s\n' "$prog" | REPL_QUIET=2 REPL_LIMIT=300 nice -n 10 python3 "$here/repl_peer.py" \
    qemu-system-arm -M microbit -device loader,file="$fw" -nographic -serial stdio \
    -monitor none | tr -d '\000\r')
qemu_ms=$(printf '%s\n' "$qout" | awk '/^loop_ms/ {print $2}')
echo "$stats"
awk -v bm="$board_ms" -v hs="$host_s" -v bs="$board_s" -v qm="$qemu_ms" -v mips="$mips" 'BEGIN {
    em = bm / bs * hs;          # host ms of emkit for the loop (ms * s / s)
    printf "loop of %s board ms: emkit %.0f host ms (%.1fx real time, %s MIPS overall), qemu %s host ms; emkit/qemu speed %.2fx\n",
        bm, em, bm / em, mips, qm, qm / em }'
