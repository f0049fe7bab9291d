#!/bin/sh
# qemu_peer.sh EMKIT: the same MicroPython REPL session on `emkit microbit`
# and on QEMU 7.2's `qemu-system-arm -M microbit`, both driven by
# repl_peer.py (a line after each prompt); the UART transcripts must be
# identical.  QEMU starts its transcript with a NUL byte its UART model
# sends; NULs are dropped from both.  Skips (77) without QEMU or the
# firmware.  The session avoids what QEMU lacks (display, buttons,
# accelerometer values), host-time dependence (QEMU's timers follow the
# host clock) and blocks (the REPL's auto-indent makes them ambiguous).
set -u
emkit=$1
here=$(dirname "$0")
fw=/usr/share/firmware-microbit-micropython/firmware.hex
command -v qemu-system-arm >/dev/null || { echo "SKIP: no qemu-system-arm"; exit 77; }
[ -f "$fw" ] || { echo "SKIP: no $fw"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/in" <<'PY'
print(6*7)
1+1
import this
help()
x = [i*i for i in range(10)]
print(x, sum(x), max(x))
f = lambda n: 1 if n < 2 else n * f(n - 1)
print(f(5), 2**100, 10**20 // 7)
'%s-%d-%x' % ('a', 42, 255)
import microbit
microbit.display.show(3)
dir(microbit)
1/0
PY
REPL_QUIET=3 python3 "$here/repl_peer.py" "$emkit" microbit --no-repl-pace --speed real \
    <"$tmp/in" | tr -d '\000' >"$tmp/emkit.txt"
REPL_QUIET=3 python3 "$here/repl_peer.py" qemu-system-arm -M microbit \
    -device loader,file="$fw" -nographic -serial stdio -monitor none \
    <"$tmp/in" | tr -d '\000' >"$tmp/qemu.txt"
grep -q "^120 1267650600228229401496703205376 14285714285714285714" "$tmp/emkit.txt" || {
    echo "FAIL: emkit transcript lacks the big numbers:"; cat "$tmp/emkit.txt"; exit 1; }
if ! cmp -s "$tmp/emkit.txt" "$tmp/qemu.txt"; then
    echo "FAIL: transcripts differ (emkit, qemu):"
    diff "$tmp/emkit.txt" "$tmp/qemu.txt" | head -40
    exit 1
fi
echo "ok: $(wc -l <"$tmp/emkit.txt") lines identical with qemu-system-arm -M microbit"
