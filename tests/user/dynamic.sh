#!/bin/bash
# tests/user/dynamic.sh - dynamic riscv64 executables through PT_INTERP
# with a sysroot (-L, as qemu's): Debian trixie's libc6, coreutils and
# perl-base (with their libraries) unpacked by fetch-trixie.sh; each
# command's stdout and exit status under emkit-user -L must equal
# qemu-riscv64 -L's.
#
#   tests/user/dynamic.sh EMKIT_USER BUILD_DIR
set -u
emk=$(realpath "${1:?emkit-user}")
here=$(cd "$(dirname "$0")" && pwd)
out=${2:-.}
. "$here/lib.sh"
command -v qemu-riscv64 >/dev/null || { echo "SKIP: no qemu-riscv64"; exit 77; }
root=$("$here/fetch-trixie.sh" libc6 coreutils perl-base libselinux1 libpcre2-8-0 libacl1 \
    libattr1 libcap2 libgmp10 libssl3t64 libzstd1 zlib1g libcrypt1) ||
    { echo "SKIP: trixie riscv64 packages not reachable"; exit 77; }
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/d/e"
printf 'b\na\nc\n' >"$w/d/f"
seq 1 500 >"$w/d/e/n"
touch -d '2021-03-04 05:06:07' "$w/d" "$w/d/f" "$w/d/e" "$w/d/e/n"
fail=0
cmds=(
    "usr/bin/ls -l d d/e"
    "usr/bin/cat d/f d/e/n"
    "usr/bin/sort -r d/f"
    "usr/bin/sha256sum d/f d/e/n"
    "usr/bin/wc d/e/n"
    "usr/bin/stat -c '%n %s %a %F' d d/f"
    "usr/bin/expr 7 \\* 6"
    "usr/bin/cat /nonexistent"
    "usr/bin/perl -e 'my %h; \$h{\$_}++ for split //, q(hello world); print join(q(,), map {qq(\$_=\$h{\$_})} sort keys %h), qq(\\n); printf(qq(%.12f\\n), atan2(1,1)*4); print scalar(reverse(q(emkit))), qq(\\n)'"
    "usr/bin/perl -e 'opendir(my \$d, q(d)); print join(q( ), sort grep { !/^\\./ } readdir(\$d)), qq(\\n); exit 5'"
)
for c in "${cmds[@]}"; do
    run_both "$w" "$c" "\"$emk\" -L \"$root\" \"$root\"/$c" "qemu-riscv64 -L \"$root\" \"$root\"/$c" || fail=1
done
exit $fail
