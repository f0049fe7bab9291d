#!/bin/sh
# Comparison suite: libemkit-cache.so (count=cachegrind) under Debian's
# qemu-x86_64 against valgrind --tool=cachegrind with the same geometry.
# Tolerances (explained in docs/plugin-cache.md):
#   freestanding workloads: Ir, Dr, Dw equal; each miss count within
#     max(64, 0.5%) (stack placement differs between the two hosts);
#   busybox (static glibc): refs within 2%, misses within max(150, 15%)
#     (startup code, auxv/environment and CPU-feature dispatch differ).
# Exit 0 pass, 77 skip (a peer is missing), anything else fail.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${EMK_CACHE:-$HOME/.cache/emkit}

for t in qemu-x86_64 valgrind cg_annotate cc meson ninja awk; do
    command -v "$t" >/dev/null 2>&1 || { echo "skip: $t not installed"; exit 77; }
done
bb=$(command -v busybox || true)
[ -n "$bb" ] && file -L "$bb" 2>/dev/null | grep -q 'statically linked' || bb=/bin/busybox
[ -x "$bb" ] || { echo "skip: busybox-static not installed"; exit 77; }

so=${EMK_PLUGIN_SO:-}
if [ -z "$so" ]; then
    hdrdir=$("$here/qemu-src.sh") || { echo "skip: cannot fetch QEMU 7.2 source"; exit 77; }
    b=$cache/plugin-build-$(printf %s "$top" | cksum | cut -d" " -f1)
    if [ ! -f "$b/build.ninja" ]; then
        meson setup "$b" "$top" -Dqemu_plugin_header="$hdrdir/include/qemu/qemu-plugin.h" \
            >"$cache/plugin-build.log" 2>&1 || { cat "$cache/plugin-build.log"; exit 1; }
    fi
    nice ninja -C "$b" plugin/qemu/libemkit-cache.so >"$cache/plugin-build.log" 2>&1 ||
        { tail -30 "$cache/plugin-build.log"; exit 1; }
    so=$b/plugin/qemu/libemkit-cache.so
fi

t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
fails=0
cd "$t" || exit 1
for w in matmul_naive matmul_blocked pointer_chase quicksort; do
    cc -std=gnu99 -O2 -g -static -nostdlib -fno-builtin -fno-stack-protector -fno-pie -no-pie \
        -fcf-protection=none -march=x86-64 "$here/workloads/$w.c" -o "$w" || exit 1
done
# Inputs for busybox.
awk 'BEGIN { x = 12345; for (i = 0; i < 5000; i++) { x = (x * 1103515245 + 12345) % 2147483648; print x } }' > lines.txt
head -c 400000 "$bb" > data.bin

G="--I1=32768,8,64 --D1=32768,8,64 --LL=262144,8,64"
A="count=cachegrind,icachesize=32768,iassoc=8,iblksize=64,dcachesize=32768,dassoc=8,dblksize=64"
A="$A,l2cachesize=262144,l2assoc=8,l2blksize=64"

# compare NAME REFTOL_PERMILLE MISSABS MISSPCT
compare() {
    name=$1
    cg=$(grep '^summary:' "cg.$name" | cut -d' ' -f2-)
    em=$(grep '^summary:' "emk.$name" | cut -d' ' -f2-)
    echo "$name cachegrind: $cg"
    echo "$name emkit:      $em"
    echo "$cg|$em" | awk -v n="$name" -v rt="$2" -v ma="$3" -v mp="$4" -F'|' '
        BEGIN { split("Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw", ev, " ") }
        { split($1, a, " "); split($2, b, " "); bad = 0
          for (i = 1; i <= 9; i++) {
            d = b[i] - a[i]; if (d < 0) d = -d
            if (ev[i] == "Ir" || ev[i] == "Dr" || ev[i] == "Dw") lim = a[i] * rt / 1000
            else { lim = a[i] * mp / 100; if (lim < ma) lim = ma }
            if (d > lim) { printf "FAIL %s %s: cachegrind %d emkit %d (allowed +-%d)\n", n, ev[i], a[i], b[i], lim; bad = 1 }
          }
          exit bad }' || fails=$((fails + 1))
}

run() {
    name=$1; shift
    valgrind --tool=cachegrind $G --cachegrind-out-file="cg.$name" "$@" >"out.cg.$name" 2>"err.cg.$name" ||
        { echo "FAIL $name: valgrind"; cat "err.cg.$name"; fails=$((fails + 1)); return; }
    qemu-x86_64 -plugin "$so,$A,out=emk.$name" "$@" >"out.emk.$name" 2>"err.emk.$name" ||
        { echo "FAIL $name: qemu"; cat "err.emk.$name"; fails=$((fails + 1)); return; }
    cmp -s "out.cg.$name" "out.emk.$name" || { echo "FAIL $name: program output differs"; fails=$((fails + 1)); }
}

for w in matmul_naive matmul_blocked pointer_chase quicksort; do
    run "$w" "./$w"
    compare "$w" 0 64 0.5
done
run bb-md5sum "$bb" md5sum data.bin
compare bb-md5sum 20 150 15
run bb-sort "$bb" sort -n lines.txt
compare bb-sort 20 150 15

# cg_annotate must read our file and show the workload's source lines.
cg_annotate "emk.matmul_naive" "$here/workloads/matmul_naive.c" > ann.txt 2>&1 ||
    { echo "FAIL cg_annotate"; cat ann.txt; fails=$((fails + 1)); }
grep -q 'matmul_naive.c:wl_main' ann.txt || { echo "FAIL cg_annotate: no file:function"; fails=$((fails + 1)); }
grep -q 't += A\[i\]\[k\] \* B\[k\]\[j\]' ann.txt || { echo "FAIL cg_annotate: no source line"; fails=$((fails + 1)); }

# Reports: top-N with symbol and disassembly, per-function totals.
qemu-x86_64 -d plugin -plugin "$so,$A,limit=3" ./pointer_chase > rep.out 2> rep.txt
grep -q 'top instructions by L1 misses' rep.txt && grep -q 'wl_main  .*pointer_chase.c:' rep.txt &&
    grep -q 'functions by L1 misses' rep.txt || { echo "FAIL report"; cat rep.txt; fails=$((fails + 1)); }

# Native counting: every line of every access; writes and reads apart.
qemu-x86_64 -plugin "$so,icachesize=32768,dcachesize=32768,l2cachesize=262144,l2assoc=8,evict=plru,out=emk.native" \
    ./matmul_blocked > /dev/null 2>&1 || { echo "FAIL native run"; fails=$((fails + 1)); }
grep -q '^summary: 8533275 ' emk.native || { echo "FAIL native Ir: $(grep summary emk.native)"; fails=$((fails + 1)); }

# Bad arguments: a clear message and a clean non-zero exit.
bad() {
    qemu-x86_64 -plugin "$so,$1" ./quicksort > /dev/null 2> err.bad
    rc=$?
    if [ $rc -eq 0 ] || [ $rc -ge 128 ] || ! grep -q "$2" err.bad; then
        echo "FAIL bad argument $1 (rc $rc): $(cat err.bad)"; fails=$((fails + 1))
    fi
}
bad dcachesize=3000 'L1D: size is not a power of two'
bad iassoc=32,icachesize=1024 'L1I: associativity is larger than the number of lines'
bad frobnicate=1 "unknown option 'frobnicate=1'"
bad evict=mru 'evict=mru: want lru, fifo, rand or plru'

# A corrupt ELF/DWARF falls back to symbols only.
cp quicksort corrupt
printf '\377\377\377\377\377\377\377\377' | dd of=corrupt bs=1 seek=$(( $(stat -c %s corrupt) - 200 )) conv=notrunc 2>/dev/null
qemu-x86_64 -plugin "$so,$A,out=emk.corrupt" ./corrupt > /dev/null 2>&1 || { echo "FAIL corrupt ELF run"; fails=$((fails + 1)); }

# Multi-vCPU linux-user: two threads taking strict turns at bumping
# counters in one line (false sharing) must show one more coherence miss per
# turn than the same threads with padded counters.
if cc -std=gnu99 -O2 -static -pthread "$here/workloads/false_sharing.c" -o fs 2>/dev/null; then
    for m in shared padded; do
        qemu-x86_64 -d plugin -plugin "$so,cores=3,llc=on,limit=0" ./fs $m > "fs.$m.out" 2> "fs.$m.txt"
        grep -q '^2000000 2000000$' "fs.$m.out" || { echo "FAIL false_sharing $m: output"; fails=$((fails + 1)); }
    done
    cs=$(sed -n 's/.*L1D cpu1:.*coherence misses \([0-9]*\),.*/\1/p' fs.shared.txt)
    cp=$(sed -n 's/.*L1D cpu1:.*coherence misses \([0-9]*\),.*/\1/p' fs.padded.txt)
    echo "false sharing: coherence misses of one worker: shared ${cs:-?}, padded ${cp:-?}"
    # The workload alternates strictly (10000 turns per thread), so the
    # difference does not depend on how the host schedules the threads.
    [ -n "$cs" ] && [ -n "$cp" ] && [ $(( cs - cp )) -ge 9000 ] ||
        { echo "FAIL false sharing not visible"; fails=$((fails + 1)); }
else
    echo "note: no static libpthread, false-sharing test skipped"
fi

# System mode smoke test: 2 vCPUs running SeaBIOS for a few seconds, shared
# LLC, inclusive hierarchy; per-vCPU private levels and the LLC report.
if command -v qemu-system-x86_64 >/dev/null 2>&1 && [ -f /usr/share/seabios/bios-256k.bin ]; then
    timeout 6 qemu-system-x86_64 -display none -nodefaults -serial none -m 64 -accel tcg -smp 2 \
        -no-reboot -d plugin -plugin "$so,llc=on,llcsize=1M,inclusion=inclusive,limit=3" \
        > sys.out 2> sys.txt
    grep -q 'emkit-cache: L1D cpu1:' sys.txt && grep -q 'emkit-cache: LLC cpu0:' sys.txt ||
        { echo "FAIL system mode"; head -20 sys.txt; fails=$((fails + 1)); }
else
    echo "note: qemu-system-x86_64 or SeaBIOS missing, system-mode smoke test skipped"
fi

echo "suite: $fails failure(s)"
[ $fails -eq 0 ]
