# tests/user/lib.sh - shared by the tests/user scripts: finding the cross
# compiler and building a test program once into $out/progs (the cache).
# Needs $here (tests/user) and $out (the build dir) set.
CROSS_CC=${CROSS_CC:-riscv64-linux-gnu-gcc}

need_cross() {
    if ! command -v "$CROSS_CC" >/dev/null || ! command -v qemu-riscv64 >/dev/null; then
        echo "SKIP: $CROSS_CC or qemu-riscv64 missing (tests/deps/user.apt)"
        return 1
    fi
}

# build_prog NAME [CC [SUFFIX]]: prints the path of the static binary
build_prog() {
    local name=$1 cc=${2:-$CROSS_CC} sfx=${3:-rv64}
    local src="$here/progs/$name.c" bin="$out/progs/$name.$sfx"
    mkdir -p "$out/progs"
    if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
        "$cc" -static -O2 -o "$bin.tmp" "$src" -lm -lpthread >&2 || return 1
        mv "$bin.tmp" "$bin"
    fi
    echo "$bin"
}

# run_both DIR LABEL EMK_CMD QEMU_CMD: runs the two command strings (for
# eval) in DIR, output (stdout and stderr) to DIR/out.emk and DIR/out.qemu;
# prints ok or FAIL with a diff; returns 1 when output or status differ.
run_both() {
    local dir=$1 label=$2 re rq
    (cd "$dir" && eval "exec timeout 120 $3") >"$dir/out.emk" 2>&1
    re=$?
    (cd "$dir" && eval "exec timeout 120 $4") >"$dir/out.qemu" 2>&1
    rq=$?
    if [ "$re" != "$rq" ] || ! cmp -s "$dir/out.emk" "$dir/out.qemu"; then
        echo "FAIL $label: exit $re vs qemu $rq"
        diff "$dir/out.emk" "$dir/out.qemu" | head -20
        return 1
    fi
    echo "ok   $label (exit $re, $(wc -l <"$dir/out.emk") lines)"
}
