#!/bin/sh
# numbers.sh EMKIT - every numeric option is parsed strictly (src/cli/opts.c):
# not a number, negative, zero where meaningless, out of range, trailing
# characters, blanks, a base prefix or a fraction are refused with one
# line "emkit: OPTION: 'TEXT' is ..." on stderr, nothing on stdout and
# exit status 2; good values still work (and never print nan).
set -u
emkit=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
bad() { echo "FAIL: $*"; fail=1; }
limit=
command -v timeout >/dev/null && limit="timeout 20"

# refused MESSAGE ARGS...: exit 2, stdout empty, stderr is MESSAGE
refused() {
    msg=$1
    shift
    n=$((n + 1))
    # a refused value must not run: an unchecked one (--ops -1 as 2^64 - 1
    # operations) would run for hours, so it is stopped after 20 s
    $limit "$emkit" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 2 ] || bad "emkit $*: exit $rc, want 2"
    [ ! -s "$tmp/out" ] || { bad "emkit $*: printed on stdout:"; head -3 "$tmp/out"; }
    grep -qF -- "$msg" "$tmp/err" || { bad "emkit $*: want '$msg', got:"; cat "$tmp/err"; }
}

refused "emkit: --ops: 'abc' is not a number" bench nvme --ops abc
refused "emkit: --ops: '' is not a number" bench nvme --ops ''
refused "emkit: --ops: ' 5' is not a number" bench nvme --ops ' 5'
refused "emkit: --ops: '5 ' is not a number" bench nvme --ops '5 '
refused "emkit: --ops: '+5' is not a number" bench nvme --ops +5
refused "emkit: --ops: '0x10' is not a number" bench nvme --ops 0x10
refused "emkit: --ops: '1.5' is not a number" bench nvme --ops 1.5
refused "emkit: --ops: '1e3' is not a number" bench nvme --ops 1e3
refused "emkit: --ops: '20k' is not a number" bench nvme --ops 20k
refused "emkit: --ops: '7q' is not a number" bench nvme --ops=7q
refused "emkit: --ops: '0' is out of range (1 to 1000000000)" bench nvme --ops 0
refused "emkit: --ops: '-1' is out of range" bench nvme --ops -1
refused "emkit: --ops: '1000000001' is out of range" bench nvme --ops 1000000001
refused "emkit: --ops: '99999999999999999999999' is out of range" bench nvme --ops 99999999999999999999999
refused "emkit: --ops: needs a value" bench nvme --ops
refused "emkit: --disk-size: '12q' is not a size" bench nvme --disk-size 12q
refused "emkit: --disk-size: '0' is out of range (1M to 4G)" bench nvme --disk-size 0
refused "emkit: --disk-size: '8G' is out of range (1M to 4G)" bench nvme --disk-size 8G
refused "emkit: --disk-size: '-64M' is out of range" bench nvme --disk-size -64M
refused "emkit: --single QD: '0' is out of range (1 to 32)" bench nvme --single trap read 0 0 10
refused "emkit: --single IT: '3' is out of range (0 to 2)" bench nvme --single trap read 1 3 10
refused "emkit: --single OPS: 'x' is not a number" bench nvme --single trap read 1 0 x
refused "emkit: --single memcpy: '0' is out of range" bench nvme --single memcpy 0
refused "emkit: --disk ram:SIZE: 'abc' is not a size" run --disk ram:abc
refused "emkit: --disk ram:SIZE: '0' is out of range" run --disk ram:0
refused "emkit: --disk null:SIZE: '1G1' is not a size" run --disk null:1G1
# a benchmark must be named: options alone are refused too
refused "emkit: bench: name a benchmark" bench --ops abc
refused "emkit: bench: name a benchmark" bench
refused "emkit: bench: no benchmark 'nvmee'" bench nvmee
refused "emkit: bench nvme: unknown argument '--opz'" bench nvme --opz 5

# good values
for args in "bench nvme --quick --ops 40" "bench nvme --quick --ops=40 --disk-size 1M" \
            "run --disk ram:1M"; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    "$emkit" $args >"$tmp/out" 2>"$tmp/err" || { bad "emkit $args failed"; cat "$tmp/err"; }
    ! grep -qi nan "$tmp/out" || bad "emkit $args printed nan"
done
[ $fail -eq 0 ] && echo "numbers: $n cases"
exit $fail
