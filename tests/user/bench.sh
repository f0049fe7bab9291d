#!/bin/bash
# tests/user/bench.sh EMKIT_USER [BUILD_DIR] - emkit-user against
# qemu-riscv64 (TCG) on the same binaries in the same run, niced: a
# CPU-bound program (compute: sieve, FP matrix multiply, sort, CRC, 64-bit
# mul/div) and a syscall-heavy one (sysheavy: 1-byte reads, stats,
# getppid).  Prints seconds (best of 3) and the ratio; asserts nothing.
# The machine is shared: figures move with its load.
set -u
emk=$(realpath "${1:?emkit-user}")
mkdir -p "${2:-build/user-bench}"; out=$(realpath "${2:-build/user-bench}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need_cross || exit 77
best() {   # best of 3 wall-clock seconds of "$@"
    local b= t s e
    for _ in 1 2 3; do
        s=$(date +%s.%N)
        nice -n 10 "$@" >/dev/null
        e=$(date +%s.%N)
        t=$(echo "$e - $s" | bc -l)
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
    done
    printf '%.3f' "$b"
}
printf '%-22s %10s %10s %8s\n' program emkit-user qemu ratio
for c in "compute 20" "sysheavy 100000"; do
    set -- $c
    bin=$(build_prog "$1") || exit 1
    te=$(best "$emk" "$bin" "$2")
    tq=$(best qemu-riscv64 "$bin" "$2")
    printf '%-22s %10s %10s %8.2f\n' "$c" "$te" "$tq" "$(echo "$te / $tq" | bc -l)"
done
