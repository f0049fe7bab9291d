#!/bin/sh
# progress.sh EMKIT - long runs show a progress line on a terminal and stay
# quiet otherwise (emkit/progress.h).  `script` (util-linux) gives the
# command a pseudo-terminal: there `emkit bench nvme` and `emkit cache-sim`
# draw their line on stderr; with stderr a file, stderr stays empty; with
# EMKIT_PROGRESS=0 the terminal sees no line either.
set -u
emkit=$1
command -v script >/dev/null || { echo "progress: no script (util-linux)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
script -qec true /dev/null </dev/null >/dev/null 2>&1 ||
    { echo "progress: script cannot open a pseudo-terminal here"; exit 77; }

# a din trace of 200k references
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "%d %x\n", i % 3, (i * 2654435761) % 16777216 }' \
    >"$tmp/trace.din"
bench="$emkit bench nvme --quick --ops 100"
sim="$emkit cache-sim $tmp/trace.din"

# on a terminal
script -qec "$bench" /dev/null </dev/null >"$tmp/tty" 2>&1 || bad "bench on a pty failed"
grep -q 'bench nvme: [0-9]*/20 runs' "$tmp/tty" || bad "bench: no progress line on a terminal"
grep -q '^trap ' "$tmp/tty" || grep -q 'trap  ' "$tmp/tty" || bad "bench: no table on a terminal"
script -qec "$sim" /dev/null </dev/null >"$tmp/tty" 2>&1 || bad "cache-sim on a pty failed"
grep -q 'cache-sim: .*%' "$tmp/tty" || bad "cache-sim: no progress line on a terminal"
grep -q 'L1D' "$tmp/tty" || bad "cache-sim: no report on a terminal"
EMKIT_PROGRESS=0 script -qec "$bench" /dev/null </dev/null >"$tmp/tty" 2>&1
! grep -q 'bench nvme: [0-9]*/20 runs' "$tmp/tty" || bad "bench: progress with EMKIT_PROGRESS=0"

# not on a terminal: nothing on stderr, no carriage return on stdout
$bench >"$tmp/out" 2>"$tmp/err" </dev/null || bad "bench failed"
[ ! -s "$tmp/err" ] || { bad "bench: stderr not empty without a terminal:"; cat -A "$tmp/err" | head -3; }
! grep -q "$(printf '\r')" "$tmp/out" || bad "bench: carriage return in stdout"
$sim >"$tmp/out" 2>"$tmp/err" </dev/null || bad "cache-sim failed"
[ ! -s "$tmp/err" ] || { bad "cache-sim: stderr not empty without a terminal:"; cat -A "$tmp/err" | head -3; }
[ $fail -eq 0 ] && echo "progress: drawn on a terminal, quiet otherwise"
exit $fail
