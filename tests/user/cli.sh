#!/bin/bash
# tests/user/cli.sh EMKIT_USER BUILD_DIR - emkit-user's options and its
# errors on bad input: usage without a program, unknown options, -g
# refused, files that are no riscv64 ELF (text, this host's ELF, a
# truncated or damaged riscv64 ELF) and missing ones get a clear message
# and exit 1, never a crash; -0 sets argv[0]; EMKIT_STRACE=1 traces.
set -u
emk=$(realpath "${1:?emkit-user}")
mkdir -p "${2:?build dir}"; out=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
fail=0
expect() {   # expect STATUS PATTERN CMD... : exit status and a stderr line
    local want=$1 pat=$2 got
    shift 2
    "$@" >"$out/cli.out" 2>"$out/cli.err"
    got=$?
    if [ "$got" != "$want" ] || ! grep -q -- "$pat" "$out/cli.err" "$out/cli.out"; then
        echo "FAIL: $* -> exit $got (want $want), output:"; cat "$out/cli.err" "$out/cli.out" | head -5
        fail=1
    else
        echo "ok   $* -> $got ($pat)"
    fi
}
expect 1 'usage: emkit-user' "$emk"
expect 0 'usage: emkit-user' "$emk" -h
expect 0 'emkit-user [0-9]' "$emk" -version
expect 1 "unknown option '-bogus'" "$emk" -bogus /bin/true
expect 1 'GDB server is not supported yet' "$emk" -g 1234 /bin/true
expect 1 'No such file or directory' "$emk" "$out/does-not-exist"
printf 'hello\n' >"$out/text"
expect 1 'not a riscv64 ELF executable' "$emk" "$out/text"
expect 1 'not a riscv64 ELF executable' "$emk" /bin/true
if need_cross >/dev/null; then
    bin=$(build_prog hello) || exit 1
    head -c 100 "$bin" >"$out/trunc"
    expect 1 'not a riscv64 ELF executable' "$emk" "$out/trunc"
    cp "$bin" "$out/damaged"
    # phnum = 0xffff
    printf '\377\377' | dd of="$out/damaged" bs=1 seek=56 conv=notrunc 2>/dev/null
    expect 1 'not a riscv64 ELF executable' "$emk" "$out/damaged"
    cp "$bin" "$out/hugeseg"
    # the first PT_LOAD's p_memsz = 2^62 (program headers from offset 64, 56 bytes each)
    n=$(od -An -tu2 -j56 -N2 "$bin" | tr -d ' ')
    for ((k = 0; k < n; k++)); do
        [ "$(od -An -tu4 -j$((64 + 56 * k)) -N4 "$bin" | tr -d ' ')" = 1 ] && break
    done
    printf '\0\0\0\0\0\0\0\100' | dd of="$out/hugeseg" bs=1 seek=$((64 + 56 * k + 40)) conv=notrunc 2>/dev/null
    expect 1 'not a riscv64 ELF executable\|Cannot allocate memory' "$emk" "$out/hugeseg"
    expect 0 'hello from riscv64' "$emk" -0 myname "$bin"
    expect 0 'exit_group(0)' env EMKIT_STRACE=1 "$emk" "$bin"
    expect 0 'exited with 0' "$emk" -strace "$bin"
    expect 3 'HOME set: no' "$emk" -E FOO=1 -U HOME "$bin" x 3
fi
exit $fail
