#!/bin/bash
# tests/qemu/make-initramfs.sh - builds the Linux guest for emkit's QEMU
# tests: Debian's linux-image-amd64 (6.1) kernel and a busybox-static
# initramfs holding fio, nvme-cli, lspci, e2fsprogs and fido2-tools (with
# their shared libraries) plus the kernel modules the tests need.
#
#   tests/qemu/make-initramfs.sh          # prints "KERNEL INITRD" paths
#   EMK_GUEST=sound tests/qemu/make-initramfs.sh
#                                         # the sound guest: bookworm's 6.12
#                                         # kernel (linux-image-6.12-amd64;
#                                         # 6.1 has no virtio_snd), its snd
#                                         # and virtio_snd modules, aplay,
#                                         # arecord, amixer and alsa-lib's
#                                         # configuration (/usr/share/alsa)
#   EMK_GUEST_DATA="FILE..."              # also packs FILEs into /data
#
# Two cpio archives are concatenated (the kernel unpacks both):
#   base.cpio.gz   binaries, libraries, modules: built once, cached under
#                  ${EMK_CACHE:-$HOME/.cache/emkit}/qemu/guest
#   tests.cpio.gz  /init and the guest scripts of tests/qemu/guest/,
#                  rebuilt on every run (it is tiny)
# The kernel package ships no modules.dep: each module's dependencies are
# read from its .modinfo section (depends=) and /init insmods them in that
# order.
#
# Exit status: 0, 77 (tools or packages unavailable), else failure.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${EMK_CACHE:-$HOME/.cache/emkit}/qemu/guest
log() { printf 'make-initramfs: %s\n' "$*" >&2; }
skip() { log "SKIP: $*"; exit 77; }

for tool in apt-get apt-cache dpkg-deb cpio gzip ldd modinfo; do
    command -v "$tool" >/dev/null || skip "$tool not installed (tests/deps/qemu.apt)"
done
BUSYBOX=$(command -v busybox) || skip "busybox-static not installed"
ldd "$BUSYBOX" >/dev/null 2>&1 && skip "busybox is not static (install busybox-static)"
GUEST_BINS="fio nvme lspci setpci mke2fs e2fsck fido2-token fido2-cred fido2-assert"
# Modules the guest tests load (dependencies are added automatically).
MODULES="nvme virtio_pci virtio_blk virtio_rng ext4 crc32c_generic uhid hid_generic"
KMETA=linux-image-amd64
case ${EMK_GUEST:-} in
    "") ;;
    sound)
        KMETA=linux-image-6.12-amd64
        GUEST_BINS="$GUEST_BINS aplay arecord amixer"
        # snd_hda_*: the intel-hda baseline of the benchmark (snd-bench.sh);
        # the generic codec first: there is no modprobe for the controller
        # to load it with when it probes its codec
        MODULES="virtio_pci virtio_snd snd_hda_codec_generic snd_hda_intel" ;;
    *) log "unknown EMK_GUEST=$EMK_GUEST"; exit 2 ;;
esac
for b in $GUEST_BINS; do
    command -v "$b" >/dev/null || skip "$b not installed (tests/deps/qemu.apt)"
done
mkdir -p "$CACHE"

# ---- kernel ------------------------------------------------------------------
KPKG=$(apt-cache depends "$KMETA" 2>/dev/null |
       sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n1)
[ -n "$KPKG" ] || skip "cannot resolve $KMETA"
KROOT=$CACHE/$KPKG
if [ ! -d "$KROOT/boot" ]; then
    log "apt-get download $KPKG"
    rm -rf "$KROOT" "$CACHE"/"$KPKG"_*.deb
    (cd "$CACHE" && apt-get -q -o APT::Sandbox::User=root download "$KPKG" >&2) || skip "apt-get download $KPKG failed"
    dpkg-deb -x "$CACHE"/"$KPKG"_*.deb "$KROOT.tmp"
    mv "$KROOT.tmp" "$KROOT"
    rm -f "$CACHE"/"$KPKG"_*.deb
fi
KERNEL=$(ls "$KROOT"/boot/vmlinuz-* | head -n1)
KVER=${KERNEL##*/vmlinuz-}
MODDIR=$KROOT/lib/modules/$KVER

# ---- base archive (cached) ---------------------------------------------------
BASE=$CACHE/base-$KVER.cpio.gz
STAMP="$KVER|$MODULES|$GUEST_BINS|v2"
[ -z "${EMK_GUEST:-}" ] || STAMP="$STAMP|alsa-conf"
if [ ! -f "$BASE" ] || [ "$(cat "$BASE.stamp" 2>/dev/null)" != "$STAMP" ]; then
    log "building $BASE"
    ROOT=$(mktemp -d "$CACHE/root.XXXXXX")
    trap 'rm -rf "$ROOT"' EXIT
    mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,proc,sys,dev,tmp,mnt,etc,modules,tests}
    cp "$BUSYBOX" "$ROOT/bin/busybox"
    for b in $GUEST_BINS; do
        src=$(command -v "$b")
        cp -L "$src" "$ROOT/usr/bin/$b"
        # the shared libraries each binary needs, at their own paths
        ldd "$src" | awk '/=> \//{print $3} /^[[:space:]]*\/[^ ]+/{print $1}' |
        while read -r lib; do
            mkdir -p "$ROOT$(dirname "$lib")"
            cp -L "$lib" "$ROOT$lib"
        done
    done
    # alsa-lib reads its configuration at run time
    case $GUEST_BINS in
        *aplay*) mkdir -p "$ROOT/usr/share" && cp -a /usr/share/alsa "$ROOT/usr/share/alsa" ;;
    esac
    ln -sf mke2fs "$ROOT/usr/bin/mkfs.ext4"
    ln -sf e2fsck "$ROOT/usr/bin/fsck.ext4"
    # merged-/usr library paths (ldd reports /lib/x86_64-linux-gnu/...)
    [ -d "$ROOT/usr/lib" ] || mkdir -p "$ROOT/usr/lib"
    for d in "$ROOT"/lib/*-linux-gnu; do
        [ -d "$d" ] && ln -sfn "../../lib/$(basename "$d")" "$ROOT/usr/lib/$(basename "$d")" 2>/dev/null || true
    done

    # modules in load order: depth-first over depends= from .modinfo
    declare -A DONE=()
    ORDER=()
    modpath() {
        find "$MODDIR/kernel" -name "$1.ko" -o -name "$1.ko.xz" \
             -o -name "$(echo "$1" | tr _ -).ko" -o -name "$(echo "$1" | tr _ -).ko.xz" |
            head -n1
    }
    add_module() {
        local m=${1//-/_} p dep
        [ -n "${DONE[$m]:-}" ] && return 0
        DONE[$m]=1
        p=$(modpath "$m")
        if [ -z "$p" ]; then
            # built into the kernel (modules.builtin lists it)
            if grep -q "/${m//_/[-_]}\.ko$" "$MODDIR/modules.builtin" 2>/dev/null; then
                return 0
            fi
            log "module $m not found in $KPKG"; return 1
        fi
        for dep in $(modinfo -F depends "$p" | tr ',' ' '); do
            add_module "$dep"
        done
        ORDER+=("$p")
    }
    for m in $MODULES; do add_module "$m"; done
    : >"$ROOT/modules/order"
    for p in "${ORDER[@]}"; do
        name=$(basename "$p")
        case $name in
            *.xz) xz -dc "$p" >"$ROOT/modules/${name%.xz}"; name=${name%.xz} ;;
            *) cp "$p" "$ROOT/modules/$name" ;;
        esac
        echo "$name" >>"$ROOT/modules/order"
    done
    log "modules: $(tr '\n' ' ' <"$ROOT/modules/order")"
    (cd "$ROOT" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1 >"$BASE.tmp")
    mv "$BASE.tmp" "$BASE"
    echo "$STAMP" >"$BASE.stamp"
    rm -rf "$ROOT"
    trap - EXIT
fi

# ---- tests archive (every run) -------------------------------------------------
# per checkout (several may share the cache): its own guest scripts
TAG=$(printf '%s' "$REPO" | cksum | cut -d' ' -f1)
TESTS=$CACHE/tests-$TAG${EMK_GUEST:+-$EMK_GUEST}.cpio.gz
ROOT=$(mktemp -d "$CACHE/tests.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/tests"
cp "$REPO/tests/qemu/guest/init" "$ROOT/init"
chmod 755 "$ROOT/init"
for f in "$REPO"/tests/qemu/guest/*.sh; do
    [ -f "$f" ] && install -m 755 "$f" "$ROOT/tests/$(basename "$f")"
done
for f in ${EMK_GUEST_DATA:-}; do
    mkdir -p "$ROOT/data"
    cp "$f" "$ROOT/data/$(basename "$f")"
done
(cd "$ROOT" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1 >"$TESTS.tmp")
mv "$TESTS.tmp" "$TESTS"
INITRD=$CACHE/initrd-$KVER-$TAG.img
cat "$BASE" "$TESTS" >"$INITRD.tmp"
mv "$INITRD.tmp" "$INITRD"
echo "$KERNEL $INITRD"
