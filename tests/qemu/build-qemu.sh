#!/bin/bash
# tests/qemu/build-qemu.sh - builds QEMU 7.2 (Debian's `qemu` source
# package) with emkit's devices compiled in, and leaves the binary at
# build/qemu/qemu-system-x86_64 in the repository.
#
#   tests/qemu/build-qemu.sh            # fetch/extract once, sync, build
#   EMK_CACHE=/some/dir tests/qemu/build-qemu.sh
#   EMK_QEMU_JOBS=2 tests/qemu/build-qemu.sh
#
# Everything fetched or built lives outside the repository, under
# ${EMK_CACHE:-$HOME/.cache/emkit}/qemu:
#   apt/       a private apt configuration whose only entries are deb-src
#              lines derived from this machine's own apt sources
#   qemu-7.2*/ the unpacked source package, Debian patches applied
#   build/     the meson build directory
#   ccache/    the compiler cache (a warm rebuild takes ~20 s)
# The repository's sources are re-synced into <qemu>/hw/emkit/ on every
# run; files whose content did not change keep their timestamps, so ninja
# only recompiles what was edited.
#
# Exit status: 0 built, 77 cannot build here (missing tools / no source
# package reachable), anything else a real failure.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${EMK_CACHE:-$HOME/.cache/emkit}/qemu
JOBS=${EMK_QEMU_JOBS:-$(nproc)}
OUT=$REPO/build/qemu
log() { printf 'build-qemu: %s\n' "$*" >&2; }
skip() { log "SKIP: $*"; exit 77; }

for tool in apt-get dpkg-source meson ninja pkg-config python3 cc; do
    command -v "$tool" >/dev/null || skip "$tool not installed (tests/deps/qemu.apt)"
done
for pc in glib-2.0 pixman-1 zlib; do
    pkg-config --exists "$pc" || skip "pkg-config cannot find $pc (tests/deps/qemu.apt)"
done
[ -f /usr/include/libfdt.h ] || skip "libfdt-dev not installed (tests/deps/qemu.apt)"
mkdir -p "$CACHE" "$OUT"
# One build at a time: the source tree and build directory in the cache
# are shared by every checkout on this machine (each run syncs its own
# sources in, builds, and copies the binary out), so a second run waits.
exec 9>"$CACHE/.build.lock"
if command -v flock >/dev/null 2>&1; then
    flock 9 || skip "cannot lock $CACHE/.build.lock"
fi

# ---- 1. source package ----------------------------------------------------
# tests/qemu/apt-source.sh fetches it through a private apt configuration
# derived from this machine's own sources; nothing under /etc is modified.
fetch_source() {
    local rc=0
    "$REPO/tests/qemu/apt-source.sh" "$CACHE/apt" "$CACHE" || rc=$?
    [ $rc -eq 0 ] || { [ $rc -eq 77 ] && skip "no qemu source package reachable"; exit $rc; }
}

find_tree() {
    local d
    for d in "$CACHE"/qemu-7.2*/; do
        [ -f "$d/VERSION" ] && { echo "${d%/}"; return 0; }
    done
    return 1
}

QEMU=$(find_tree || true)
if [ -z "$QEMU" ]; then
    fetch_source
    QEMU=$(find_tree) || { log "no qemu-7.2 tree after apt-get source"; exit 1; }
fi
case $(cat "$QEMU/VERSION") in
    7.2.*) ;;
    *) log "$QEMU is QEMU $(cat "$QEMU/VERSION"), expected 7.2"; exit 1 ;;
esac

# ---- 2. Debian patches and the three dfsg fixes (once) --------------------
if [ ! -f "$QEMU/.emkit-prepared" ]; then
    # dpkg-source -x (run by apt-get source) applies debian/patches of a
    # "3.0 (quilt)" package; apply them with quilt if that did not happen.
    if [ -f "$QEMU/debian/patches/series" ] && [ ! -d "$QEMU/.pc" ]; then
        command -v quilt >/dev/null || skip "quilt not installed"
        (cd "$QEMU" && QUILT_PATCHES=debian/patches quilt push -a -q >&2)
    fi
    # The three dfsg fixes.  Debian's own series already carries (a) and
    # (b) (skip-meson-pc-bios.diff, ignore-roms-dependency-in-qtest.patch);
    # they are applied here too so a tree without those patches works.
    # (a) the dfsg tarball has no firmware blobs: do not enter pc-bios/
    sed -i -E "s/^([[:space:]]*)subdir\('pc-bios'\)/\1# subdir('pc-bios')  # emkit: dfsg, no blobs/" \
        "$QEMU/meson.build"
    # (b) qtest's dependencies name the removed blobs ("roms")
    sed -i -E 's/^([[:space:]]*)test_deps = roms[[:space:]]*$/\1test_deps = []  # emkit: dfsg, no blobs/' \
        "$QEMU/tests/qtest/meson.build"
    # (c) x86_64 needs fdt: --enable-fdt=system below (libfdt-dev)
    if grep -qE "^[[:space:]]*subdir\('pc-bios'\)" "$QEMU/meson.build" ||
       grep -qE "^[[:space:]]*test_deps = roms" "$QEMU/tests/qtest/meson.build"; then
        log "could not apply the dfsg fixes"; exit 1
    fi
    touch "$QEMU/.emkit-prepared"
fi

# ---- 3. sync our sources into hw/emkit (every run) -------------------------
"$REPO/src/qemu/install-into-qemu.sh" "$QEMU"
if ! cmp -s "$REPO/src/qemu/qemu-tree/emkit.mak" "$QEMU/configs/devices/x86_64-softmmu/emkit.mak"; then
    cp "$REPO/src/qemu/qemu-tree/emkit.mak" "$QEMU/configs/devices/x86_64-softmmu/emkit.mak"
fi

# ---- 4. configure (once) and build ---------------------------------------
BUILD=$CACHE/build
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-2G}
CC_WRAP=cc
if command -v ccache >/dev/null && [ -d /usr/lib/ccache ]; then
    export PATH=/usr/lib/ccache:$PATH   # masquerade links: gcc -> ccache
    CC_WRAP=gcc
fi
CONFIG_STAMP="$(cat "$REPO/src/qemu/qemu-tree/emkit.mak") cc=$CC_WRAP v1"
if [ ! -f "$BUILD/build.ninja" ] || [ "$(cat "$BUILD/.emkit-config" 2>/dev/null)" != "$CONFIG_STAMP" ]; then
    rm -rf "$BUILD"
    mkdir -p "$BUILD"
    log "configure"
    (cd "$BUILD" && nice "$QEMU/configure" \
        --cc="$CC_WRAP" \
        --target-list=x86_64-softmmu \
        --without-default-features --without-default-devices \
        --with-devices-x86_64=emkit \
        --enable-fdt=system --enable-tcg \
        --disable-docs --disable-tools --disable-user --disable-werror \
        >&2)
    printf '%s' "$CONFIG_STAMP" >"$BUILD/.emkit-config"
fi
log "ninja -j$JOBS (nice)"
start=$(date +%s)
nice ninja -C "$BUILD" -j"$JOBS" qemu-system-x86_64 >&2
log "built in $(( $(date +%s) - start )) s"
cp -f "$BUILD/qemu-system-x86_64" "$OUT/qemu-system-x86_64.tmp"
mv -f "$OUT/qemu-system-x86_64.tmp" "$OUT/qemu-system-x86_64"
log "binary: $OUT/qemu-system-x86_64"
# emkit-buslogic's option ROM beside the binary: `-L build/qemu` makes it
# the adapter's default romfile (hw/buslogic/rom/)
rc=0
"$REPO/hw/buslogic/rom/build-rom.sh" "$OUT/emkit-buslogic.rom" "$OUT/rom-build" || rc=$?
case $rc in
0) log "option ROM: $OUT/emkit-buslogic.rom" ;;
77) log "no BusLogic option ROM here (gcc -m16 and GNU ld needed)" ;;
*) exit $rc ;;
esac
