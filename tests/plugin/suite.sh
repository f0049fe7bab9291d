#!/bin/sh
# Comparison suite: libemkit-cache.so (count=cachegrind) under Debian's
# qemu-x86_64 against valgrind --tool=cachegrind with the same geometry,
# and (compat=cachec) against QEMU 7.2's contrib/plugins/cache.c, built
# here from QEMU's source: byte-identical reports.
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

# compat=cachec against QEMU 7.2's own contrib/plugins/cache.c, built here
# from the same QEMU source (in the cache directory, never in the tree) as
# a plugin, run with the same arguments on the same workloads: the -d
# plugin reports must be byte-identical.  Deterministic policies only:
# cache.c's evict=rand draws from g_rand_new() (seeded from /dev/urandom),
# so it is compared within a tolerance (docs/plugin-cache.md).
noaslr=
setarch "$(uname -m)" -R true 2>/dev/null && noaslr="setarch $(uname -m) -R"
cachec_so=
src=$("$here/qemu-src.sh" 2>/dev/null) || src=
if [ -n "$src" ] && gcf=$(pkg-config --cflags glib-2.0 2>/dev/null) &&
   glf=$(pkg-config --libs glib-2.0 2>/dev/null); then
    # the same build as tests/plugin/bench.sh's peer: -O2, shared, glib
    mkdir -p "$cache/plugin-peer"
    cachec_so=$cache/plugin-peer/libcache.so
    if [ ! -f "$cachec_so" ] || [ "$src/contrib/plugins/cache.c" -nt "$cachec_so" ]; then
        # shellcheck disable=SC2086 # pkg-config's flags are words
        cc -O2 -g -fPIC -shared $gcf -I"$src/include/qemu" "$src/contrib/plugins/cache.c" \
            -o "$cachec_so.tmp" $glf > "$cache/plugin-peer/build.log" 2>&1 &&
            mv "$cachec_so.tmp" "$cachec_so" ||
            { echo "FAIL building cache.c"; cat "$cache/plugin-peer/build.log"; fails=$((fails + 1)); cachec_so=; }
    fi
else
    echo "note: no QEMU 7.2 source or glib-2.0 cflags, cache.c comparison skipped"
fi

# docs/plugin-cache.md's table of differences has a row for every argument
# cache.c 7.2 parses (read from its source).
if [ -n "$src" ]; then
    keys=$(sed -n 's/.*g_strcmp0(tokens\[0\], "\([a-z0-9]*\)").*/\1/p' "$src/contrib/plugins/cache.c")
    [ -n "$keys" ] || { echo "FAIL: no arguments found in cache.c"; fails=$((fails + 1)); }
    sed -n '/^| option \/ behaviour | cache.c 7.2/,/^$/p' "$top/docs/plugin-cache.md" > table.md
    for k in $keys; do
        grep -q -e "\`$k\`" -e "\`$k=\`" table.md ||
            { echo "FAIL docs/plugin-cache.md: no row for cache.c's $k"; fails=$((fails + 1)); }
    done
fi

# cachec_run NAME ARGS PROGRAM...: both plugins, reports in cc.NAME (cache.c)
# and ce.NAME (ours); 1 if either run failed.
cachec_run() {
    n=$1; a=$2; shift 2
    $noaslr qemu-x86_64 -d plugin -plugin "$cachec_so${a:+,$a}" "$@" > "out.cc.$n" 2> "cc.$n" &&
    $noaslr qemu-x86_64 -d plugin -plugin "$so,compat=cachec${a:+,$a}" "$@" > "out.ce.$n" 2> "ce.$n" &&
    cmp -s "out.cc.$n" "out.ce.$n" && return 0
    echo "FAIL compat=cachec $n [$a]: a run failed or the program output differs"
    tail -5 "cc.$n" "ce.$n"; fails=$((fails + 1)); return 1
}

# cachec_same NAME ARGS PROGRAM...: byte-identical reports.
cachec_same() {
    n=$1
    cachec_run "$@" || return
    if cmp -s "cc.$n" "ce.$n"; then
        echo "compat=cachec $n [$2]: identical ($(wc -l < "cc.$n") lines)"
    else
        echo "FAIL compat=cachec $n [$2]: reports differ"; diff "cc.$n" "ce.$n" | head -20
        fails=$((fails + 1))
    fi
}

if [ -n "$cachec_so" ]; then
    C1=
    C2=l2=on
    C3=evict=fifo,l2cachesize=262144,l2assoc=8,limit=50
    # 12-way L1D and L2 (sizes that are not powers of two), other line
    # sizes, two cores of which one runs nothing (rates of 0 accesses)
    C4=dcachesize=49152,dassoc=12,dblksize=32,icachesize=8192,iassoc=2,iblksize=128
    C4=$C4,l2cachesize=1572864,l2assoc=12,l2blksize=128,cores=2,limit=5
    for w in matmul_naive matmul_blocked pointer_chase quicksort; do
        i=1
        for a in "$C1" "$C2" "$C3" "$C4"; do
            cachec_same "$w.$i" "$a" "./$w"; i=$((i + 1))
        done
    done
    cachec_same bb-md5sum.1 "$C1" "$bb" md5sum data.bin
    cachec_same bb-md5sum.2 "$C2" "$bb" md5sum data.bin
    # Random eviction: the same accesses; misses within 1% (cache.c's own
    # runs differ by about 0.01%).
    if cachec_run rand evict=rand,l2=on ./matmul_naive; then
        paste -d' ' "cc.rand" "ce.rand" | sed -n 2p | tr -d % | awk '
            { n = NF / 2; bad = 0
              for (i = 2; i <= n; i++) {
                a = $i; b = $(i + n); d = a - b; if (d < 0) d = -d
                if (i == 2 || i == 5) lim = 0; else if (i == 4 || i == 7 || i == 10) lim = 0.5
                else lim = a / 100 + 2
                if (d > lim) { printf "FAIL compat=cachec evict=rand: column %d: cache.c %s, emkit %s\n", i, a, b; bad = 1 }
              }
              exit bad }' || fails=$((fails + 1))
    fi
fi

# The plugin builds with clang and Zig's cc as well, warnings as errors
# (meson's warning_level=3 flags; meson cannot drive zig cc as a compiler),
# and Zig's build gives cache.c's report too (glib found through weak
# references by Zig's linker as well).
zig=${ZIG:-$cache/zig/node_modules/.bin/zig}
for c in clang zig; do
    case $c in
    clang) command -v clang > /dev/null 2>&1 || { echo "note: no clang"; continue; }; ccmd=clang ;;
    zig) [ -x "$zig" ] || { echo "note: no zig (tests/install-deps.sh)"; continue; }; ccmd="$zig cc" ;;
    esac
    [ -n "$src" ] || { echo "note: no QEMU 7.2 source, $c build skipped"; continue; }
    # shellcheck disable=SC2086 # ccmd is a command and its first argument
    $ccmd -std=c99 -O2 -Wall -Wextra -Wpedantic -Werror -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
        -fvisibility=hidden -fPIC -shared -I"$top/src" -I"$top/plugin" -isystem "$src/include/qemu" \
        "$top"/plugin/qemu/*.c "$top/plugin/cache_level.c" "$top/plugin/cache_hier.c" \
        "$top/plugin/cache_fast.c" "$top/plugin/cache_args.c" "$top/plugin/dwarf_line.c" \
        -pthread -o "plugin-$c.so" > "build-$c.log" 2>&1 ||
        { echo "FAIL plugin build with $c"; tail -20 "build-$c.log"; fails=$((fails + 1)); continue; }
    if [ -n "$cachec_so" ] && [ -f cc.quicksort.2 ]; then
        $noaslr qemu-x86_64 -d plugin -plugin "./plugin-$c.so,compat=cachec,l2=on" ./quicksort \
            > /dev/null 2> "ce.$c"
        cmp -s cc.quicksort.2 "ce.$c" && echo "plugin built with $c: cache.c's report" ||
            { echo "FAIL plugin built with $c: report differs"; fails=$((fails + 1)); }
    fi
done

# compat=cachec's cachegrind.out (out= is ours) agrees with its report;
# out= takes %p, the pid of the QEMU process (a wrapper shell execs it).
sh -c 'echo $$ > pid; exec qemu-x86_64 -d plugin -plugin "$1,compat=cachec,l2=on,out=ce.cg.%p" ./matmul_blocked' \
    sh "$so" > /dev/null 2> ce.rep
pid=$(cat pid)
if [ -f "ce.cg.$pid" ]; then
    sum=$(grep '^summary:' "ce.cg.$pid")
    row=$(sed -n 2p ce.rep)
    echo "$sum|$row" | awk -F'|' '
        { split($1, e, " "); split($2, r, " ")
          # e: summary: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw
          # r: core daccess dmiss drate iaccess imiss irate l2access l2miss l2rate
          ok = e[2] == r[5] && e[3] == r[6] && e[5] + e[8] == r[2] && e[6] + e[9] == r[3] &&
               e[3] + e[6] + e[9] == r[8] && e[4] + e[7] + e[10] == r[9]
          exit !ok }' || { echo "FAIL compat=cachec out=: $sum vs $row"; fails=$((fails + 1)); }
else
    echo "FAIL out=ce.cg.%p: no file ce.cg.$pid ($(ls ce.cg.* 2>/dev/null))"; fails=$((fails + 1))
fi
# %% is a literal %, %q{VAR} an environment variable's value.
EMK_TAG=t1 sh -c 'echo $$ > pid; exec qemu-x86_64 -plugin "$1,out=emk.%p.%%.%q{EMK_TAG}" ./quicksort' \
    sh "$so" > /dev/null 2>&1
[ -f "emk.$(cat pid).%.t1" ] || { echo "FAIL out=emk.%p.%%.%q{EMK_TAG}: $(ls emk.* 2>/dev/null)"; fails=$((fails + 1)); }

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
bad out=x.%z 'want %p, %q{VAR} or %% after %'
bad compat=cachez 'compat: want cachec or none'
bad count=cachegrind,compat=cachec "compat=cachec: option 'count=cachegrind' is not in cache.c's model"
bad compat=cachec,l2=maybe 'boolean argument parsing failed: l2=maybe'

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
    # compat=cachec with two guest threads (vCPUs 0 and 1) on two cores:
    # one row each and the sum, as cache.c prints them (the counts depend
    # on the threads' timing, in cache.c too).
    qemu-x86_64 -d plugin -plugin "$so,compat=cachec,cores=2,limit=2" ./fs shared > fs.ce.out 2> fs.ce.txt
    grep -q '^2000000 2000000$' fs.ce.out && grep -q '^0       [0-9]' fs.ce.txt &&
        grep -q '^1       [1-9]' fs.ce.txt && grep -q '^sum     [1-9]' fs.ce.txt ||
        { echo "FAIL compat=cachec two threads"; head -5 fs.ce.txt; fails=$((fails + 1)); }
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
    # compat=cachec: one core per vCPU (cache.c's qemu_plugin_n_vcpus()),
    # instructions at host addresses as cache.c keeps them.
    timeout 6 qemu-system-x86_64 -display none -nodefaults -serial none -m 64 -accel tcg -smp 2 \
        -no-reboot -d plugin -plugin "$so,compat=cachec,l2=on,limit=3" > sys.ce.out 2> sys.ce.txt
    grep -q '^sum     [1-9]' sys.ce.txt && grep -q '^address, L2 misses, instruction$' sys.ce.txt ||
        { echo "FAIL system mode compat=cachec"; head -20 sys.ce.txt; fails=$((fails + 1)); }
else
    echo "note: qemu-system-x86_64 or SeaBIOS missing, system-mode smoke test skipped"
fi

echo "suite: $fails failure(s)"
[ $fails -eq 0 ]
