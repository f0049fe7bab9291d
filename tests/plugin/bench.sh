#!/bin/sh
# Benchmark (not a test): CPU time (user+sys, best of 3) of plain
# qemu-x86_64, qemu + QEMU 7.2's contrib/plugins/cache.c (built at run time
# from Debian's source package in the cache directory, never committed),
# qemu + libemkit-cache.so (native and cachegrind counting, and
# compat=cachec, cache.c's own model) and valgrind's
# cachegrind, same geometry, same workloads, one run.  Prints a table of
# seconds and ratios for docs/perf/cache.md.
# usage: bench.sh [path/to/libemkit-cache.so]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${EMK_CACHE:-$HOME/.cache/emkit}
so=${1:-${EMK_PLUGIN_SO:-}}
[ -n "$so" ] || { echo "usage: bench.sh path/to/libemkit-cache.so (meson -Dqemu_plugin_header=...)"; exit 2; }
src=$("$here/qemu-src.sh")
peer=$cache/plugin-peer/libcache.so
if [ ! -f "$peer" ]; then
    mkdir -p "$(dirname "$peer")"
    # Built the way QEMU builds contrib plugins: -O2, shared, glib.
    cc -O2 -g -fPIC -shared $(pkg-config --cflags glib-2.0) -I"$src/include/qemu" \
        "$src/contrib/plugins/cache.c" -o "$peer" $(pkg-config --libs glib-2.0)
fi
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
cd "$t"
for w in matmul_naive matmul_blocked pointer_chase quicksort; do
    cc -std=gnu99 -O2 -g -static -nostdlib -fno-builtin -fno-stack-protector -fno-pie -no-pie \
        -fcf-protection=none -march=x86-64 -DREPS=10 "$here/workloads/$w.c" -o "$w"
done
head -c 4000000 /usr/bin/qemu-x86_64 > data.bin
G="icachesize=32768,iassoc=8,iblksize=64,dcachesize=32768,dassoc=8,dblksize=64"
G="$G,l2cachesize=262144,l2assoc=8,l2blksize=64,l2=on"
python3 - "$peer" "$so" "$G" <<'PY'
import os, resource, subprocess, sys
peer, so, g = sys.argv[1:4]
def cpu(cmd):
    best = None
    for _ in range(3):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        s = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        best = s if best is None else min(best, s)
    return best
works = [["./matmul_naive"], ["./matmul_blocked"], ["./pointer_chase"], ["./quicksort"],
         ["/bin/busybox", "md5sum", "data.bin"]]
cols = [("plain", lambda w: ["qemu-x86_64"] + w),
        ("cache.c", lambda w: ["qemu-x86_64", "-plugin", peer + "," + g] + w),
        ("emkit", lambda w: ["qemu-x86_64", "-plugin", so + "," + g] + w),
        ("emkit-cg", lambda w: ["qemu-x86_64", "-plugin", so + "," + g + ",count=cachegrind"] + w),
        ("emkit-cachec", lambda w: ["qemu-x86_64", "-plugin", so + ",compat=cachec," + g] + w),
        ("cachegrind", lambda w: ["valgrind", "--tool=cachegrind", "--I1=32768,8,64",
                                  "--D1=32768,8,64", "--LL=262144,8,64",
                                  "--cachegrind-out-file=/dev/null"] + w)]
print("| workload | " + " | ".join(c for c, _ in cols) +
      " | cache.c/plain | emkit/plain | emkit/cache.c | emkit-cg/cache.c |"
      " emkit-cachec/cache.c | cachegrind/cache.c |")
print("|---" * (len(cols) + 7) + "|")
for w in works:
    t = {c: cpu(f(w)) for c, f in cols}
    print("| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |" % (
        " ".join(os.path.basename(x) for x in w),
        " | ".join("%.2f s" % t[c] for c, _ in cols),
        t["cache.c"] / t["plain"], t["emkit"] / t["plain"], t["emkit"] / t["cache.c"],
        t["emkit-cg"] / t["cache.c"], t["emkit-cachec"] / t["cache.c"],
        t["cachegrind"] / t["cache.c"]))
    sys.stdout.flush()
PY
