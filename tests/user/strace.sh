#!/bin/bash
# tests/user/strace.sh - emkit-user -strace against strace(1): the test
# programs files and ioctls are built for riscv64 (run under emkit-user
# -strace) and for this host (run under strace -f); stracecmp.py compares
# the lines of the syscalls both use.  ioctls' own output must also equal
# the host build's (each ioctl against the host kernel), except the one
# line where an unknown ioctl with a pointer is refused by design.
#
#   tests/user/strace.sh EMKIT_USER BUILD_DIR
set -u
emk=$(realpath "${1:?emkit-user}")
mkdir -p "${2:?build dir}"; out=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need_cross || exit 77
command -v strace >/dev/null || { echo "SKIP: no strace"; exit 77; }
fail=0
# a loop-mounted ext4 for FIFREEZE/FITHAW, where the sandbox allows it
mnt=
fsimg=$(mktemp)
fsdir=$(mktemp -d)
cleanup() {
    [ -n "$mnt" ] && { fsfreeze -u "$mnt" 2>/dev/null; umount "$mnt"; }
    rm -rf "$fsimg" "$fsdir"
}
trap cleanup EXIT
if truncate -s 16M "$fsimg" && mkfs.ext4 -q -F "$fsimg" 2>/dev/null &&
   timeout 20 mount -o loop "$fsimg" "$fsdir" 2>/dev/null; then
    mnt=$fsdir
    echo "FIFREEZE on a loop-mounted ext4 at $mnt"
else
    echo "no mountable file system here: FIFREEZE only on a file system that cannot freeze"
fi
for p in files ioctls recent signals; do
    rv=$(build_prog "$p") || exit 1
    nat=$(build_prog "$p" "${CC:-cc}" host) || exit 1
    d=$(mktemp -d)
    mkdir "$d/w"
    arg=$d/w
    [ "$p" = signals ] && arg=
    [ "$p" = ioctls ] && [ -n "$mnt" ] && arg="$d/w $mnt"
    # shellcheck disable=SC2086
    "$emk" -strace "$rv" $arg >"$d/emk.out" 2>"$d/emk.st"
    rm -rf "$d/w" && mkdir "$d/w"
    # shellcheck disable=SC2086
    strace -f -o "$d/host.st" "$nat" $arg >"$d/host.out"
    echo "== $p"
    python3 "$here/stracecmp.py" "$d/emk.st" "$d/host.st" || fail=1
    if [ "$p" = recent ]; then
        if cmp -s "$d/emk.out" "$d/host.out"; then
            echo "recent output equal to the host build's ($(wc -l <"$d/emk.out") lines)"
        else
            echo "FAIL recent output differs from the host build's"
            diff "$d/emk.out" "$d/host.out"
            fail=1
        fi
    fi
    if [ "$p" = ioctls ]; then
        grep -v '^unknown with pointer' "$d/emk.out" >"$d/e"
        grep -v '^unknown with pointer' "$d/host.out" >"$d/h"
        if cmp -s "$d/e" "$d/h" && grep -q '^unknown with pointer *ENOTTY' "$d/emk.out"; then
            echo "ioctls output equal to the host build's ($(wc -l <"$d/e") lines)"
        else
            echo "FAIL ioctls output differs from the host build's"
            diff "$d/e" "$d/h"
            fail=1
        fi
    fi
    rm -rf "$d"
done
exit $fail
