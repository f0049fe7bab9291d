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
