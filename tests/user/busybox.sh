#!/bin/bash
# tests/user/busybox.sh - Debian trixie's busybox-static for riscv64
# (fetched by fetch-trixie.sh into ~/.cache/emkit) runs sh -c, ls, cat,
# sort, sha256sum, tar, gzip and find over a test tree under emkit-user
# and under qemu-riscv64: stdout and exit status must be equal.  Pipelines
# inside sh -c use shell builtins only: busybox re-executes itself through
# /proc/self/exe for applets, which under qemu-riscv64 (no binfmt_misc)
# falls back to the host's own tools, so their output is no peer result.
#
#   tests/user/busybox.sh EMKIT_USER BUILD_DIR
set -u
emk=$(realpath "${1:?emkit-user}")
here=$(cd "$(dirname "$0")" && pwd)
out=${2:-.}
. "$here/lib.sh"
command -v qemu-riscv64 >/dev/null || { echo "SKIP: no qemu-riscv64"; exit 77; }
root=$("$here/fetch-trixie.sh" busybox-static) || { echo "SKIP: busybox-static:riscv64 not reachable"; exit 77; }
bb=$root/usr/bin/busybox
[ -x "$bb" ] || { echo "SKIP: no busybox in $root"; exit 77; }
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/tree/sub/deeper" "$w/tree/empty"
printf 'hello\nworld\n' >"$w/tree/a.txt"
printf 'pear\napple\nfig\nbanana\napple\n' >"$w/tree/words"
seq 1 2000 >"$w/tree/sub/numbers.txt"
head -c 100000 /dev/zero | tr '\0' 'x' >"$w/tree/sub/deeper/big.txt"
ln -s ../a.txt "$w/tree/sub/link"
tar -C "$w" -cf "$w/tree.tar" tree/a.txt tree/words
gzip -c "$w/tree/sub/numbers.txt" >"$w/tree.gz"
touch -d '2020-01-02 03:04:05' "$w/tree" "$w/tree"/* "$w/tree"/sub/* "$w/tree"/sub/deeper/*
fail=0
cmds=(
    "sh -c 'echo hi; for i in 3 1 2; do echo \$i; done | sort; exit 3'"
    "ls -l tree tree/sub"
    "ls -R tree"
    "cat tree/a.txt tree/words"
    "sort -r tree/words"
    "sort -n -r tree/sub/numbers.txt"
    "sha256sum tree/a.txt tree/words tree/sub/numbers.txt tree/sub/deeper/big.txt"
    "tar -cf - tree"
    "tar -tvf tree.tar"
    "gzip -9 -c tree/words"
    "gzip -c tree/sub/numbers.txt"
    "gzip -dc tree.gz"
    "find tree -type f"
    "find tree -name '*.txt' -size +1k"
    "cat nonexistent"
    "sh -c 'wc -l tree/sub/numbers.txt | cut -d\" \" -f1; expr 6 \\* 7; test -d tree && echo dir'"
)
for c in "${cmds[@]}"; do
    run_both "$w" "busybox $c" "\"$emk\" \"$bb\" $c" "qemu-riscv64 \"$bb\" $c" || fail=1
done
exit $fail
