#!/bin/bash
# tests/user/progs.sh - each C test program of tests/user/progs/, built
# static for riscv64 with Debian's riscv64-linux-gnu-gcc (cached in
# BUILD_DIR/progs), runs under emkit-user and under qemu-riscv64: stdout
# and exit status must be equal.  (ioctls is compared with the host build
# in strace.sh instead: qemu-riscv64 7.2 answers ENOSYS to several of its
# ioctls, FS_IOC_FSGETXATTR and FITHAW among them.)
#
#   tests/user/progs.sh EMKIT_USER BUILD_DIR
#
# Exit: 0 all equal, 1 a difference, 77 no cross compiler or qemu-riscv64.
set -u
emk=$(realpath "${1:?emkit-user}")
mkdir -p "${2:?build dir}"; out=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need_cross || exit 77
fail=0
# name | arguments (@TMP is a fresh scratch directory)
cases=(
    "hello|"
    "hello|one 7"
    "compute|"
    "fp|"
    "fpedge|"
    "files|@TMP/files"
    "threads|"
    "signals|"
    "signals|die"
    "signals|abort"
    "signals|term"
)
for c in "${cases[@]}"; do
    name=${c%%|*}
    args=${c#*|}
    bin=$(build_prog "$name") || { echo "FAIL build $name"; fail=1; continue; }
    tmp=$(mktemp -d)
    a=${args//@TMP/$tmp}
    # shellcheck disable=SC2086
    (cd "$tmp" && exec timeout 120 "$emk" "$bin" $a) >"$tmp.emk" 2>/dev/null
    re=$?
    rm -rf "$tmp"; mkdir -p "$tmp"
    # shellcheck disable=SC2086
    (cd "$tmp" && exec timeout 120 qemu-riscv64 "$bin" $a) >"$tmp.qemu" 2>/dev/null
    rq=$?
    if [ "$re" != "$rq" ] || ! cmp -s "$tmp.emk" "$tmp.qemu"; then
        echo "FAIL $name $args: exit $re vs qemu $rq"
        diff "$tmp.emk" "$tmp.qemu" | head -20
        fail=1
    else
        echo "ok   $name $args (exit $re, $(wc -l <"$tmp.emk") lines)"
    fi
    rm -rf "$tmp" "$tmp.emk" "$tmp.qemu"
done
exit $fail
