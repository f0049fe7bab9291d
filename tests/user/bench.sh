#!/bin/bash
# tests/user/bench.sh EMKIT_USER [BUILD_DIR] - emkit-user against
# qemu-riscv64 (TCG) on the same binaries in the same run, niced: a
# CPU-bound program (compute: sieve, FP matrix multiply, sort, CRC, 64-bit
# mul/div) and a syscall-heavy one (sysheavy: 1-byte reads, stats,
# getppid).  Prints CPU seconds (user + system, best of 3: steadier than
# wall time on a loaded machine) and the ratio; asserts nothing.  The
# machine is shared: figures move with its load.
set -u
emk=$(realpath "${1:?emkit-user}")
mkdir -p "${2:-build/user-bench}"; out=$(realpath "${2:-build/user-bench}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need_cross || exit 77
command -v /usr/bin/time >/dev/null || { echo "SKIP: no /usr/bin/time"; exit 77; }
best() {   # best of 3 CPU seconds (user + system) of "$@"
    local b= t f
    f=$(mktemp)
    for _ in 1 2 3; do
        nice -n 10 /usr/bin/time -o "$f" -f '%U %S' "$@" >/dev/null
        t=$(awk '{ print $1 + $2 }' "$f")
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
    done
    rm -f "$f"
    printf '%.3f' "$b"
}
printf '%-22s %10s %10s %8s   (CPU seconds)\n' program emkit-user qemu ratio
for c in "compute 100" "sysheavy 500000"; do
    set -- $c
    bin=$(build_prog "$1") || exit 1
    te=$(best "$emk" "$bin" "$2")
    tq=$(best qemu-riscv64 "$bin" "$2")
    printf '%-22s %10s %10s %8.2f\n' "$c" "$te" "$tq" "$(echo "$te / $tq" | bc -l)"
done
