#!/bin/sh
# src/qemu/install-into-qemu.sh - adds (or re-syncs) emkit's devices to a
# QEMU 7.2 source tree as hw/emkit/.
#
#   src/qemu/install-into-qemu.sh /path/to/qemu-7.2
#
# What it does, every step idempotent:
#   - copies emkit's portable sources (the src/ and hw/ entries of
#     sources.txt, with the headers beside them) to hw/emkit/tree/, the
#     adapter (src/qemu/*.[ch]) to hw/emkit/adapter/ and the public headers
#     (src/emkit/*.h) to hw/emkit/include/emkit/;
#   - writes hw/emkit/lib-sources.txt and adapter-sources.txt, and copies
#     hw/emkit/meson.build and hw/emkit/Kconfig from src/qemu/qemu-tree/;
#   - appends `subdir('emkit')` to hw/meson.build and `source emkit/Kconfig`
#     to hw/Kconfig if they are not there yet;
#   - removes files of an earlier sync that emkit no longer has.
# Files whose content is unchanged keep their timestamps, so the next
# `ninja` only recompiles what changed.  Then enable CONFIG_EMKIT=y in the
# devices .mak you configure with (see src/qemu/qemu-tree/emkit.mak).
set -eu

QEMU=${1:?usage: install-into-qemu.sh QEMU_SOURCE_DIR}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$QEMU/VERSION" ] && [ -f "$QEMU/hw/meson.build" ] ||
    { echo "install-into-qemu: $QEMU is not a QEMU source tree" >&2; exit 1; }
DEST=$QEMU/hw/emkit
mkdir -p "$DEST"
LIST=$(mktemp)
trap 'rm -f "$LIST" "$LIST.lib" "$LIST.ad" "$LIST.src" "$LIST.tmp"' EXIT

# put SRC DST: copy if the content differs, remember DST as wanted
put() {
    mkdir -p "$(dirname "$2")"
    cmp -s "$1" "$2" || cp "$1" "$2"
    echo "$2" >>"$LIST"
}
# put_text DST: stdin becomes DST (same rule)
put_text() {
    cat >"$LIST.tmp"
    put "$LIST.tmp" "$1"
    rm -f "$LIST.tmp"
}

cd "$REPO"
: >"$LIST.lib"
: >"$LIST.ad"
# portable sources: the src/ and hw/ entries of sources.txt (runtime,
# larger cores such as src/pci/, devices); img/ and plugin/ are not built
# into QEMU.  Each listed source comes with the headers beside it, and the
# public headers (src/emkit/*.h) with them.
sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' sources.txt | grep -E '^(src|hw)/' >"$LIST.src"
while read -r f; do
    [ -f "$f" ] || { echo "install-into-qemu: sources.txt names $f, which does not exist" >&2; exit 1; }
    put "$f" "$DEST/tree/$f"
    echo "tree/$f" >>"$LIST.lib"
done <"$LIST.src"
for d in $(sed 's|/[^/]*$||' "$LIST.src" | sort -u) src/emkit; do
    for f in "$d"/*.h; do
        [ -f "$f" ] && put "$f" "$DEST/tree/$f"
    done
done
# what the adapter may include: the public headers, as emkit/*.h
for f in src/emkit/*.h; do
    [ -f "$f" ] && put "$f" "$DEST/include/emkit/$(basename "$f")"
done
# defined SYMBOL: 1 if a portable source being synced defines SYMBOL
defined() {
    for c in $(sed 's|^tree/||' "$LIST.lib"); do
        grep -Eq "^[A-Za-z_].*[ *]$1\(" "$c" && return 0
    done
    return 1
}
# An adapter file naming "emkit-requires: SYM..." is built only when the
# portable sources define every SYM (devices land in emkit one by one).
for f in src/qemu/*.[ch]; do
    [ -f "$f" ] || continue
    put "$f" "$DEST/adapter/$(basename "$f")"
    case $f in *.c) ;; *) continue ;; esac
    missing=
    for sym in $(sed -n 's/.*emkit-requires:\(.*\)/\1/p' "$f"); do
        defined "$sym" || missing="$missing $sym"
    done
    if [ -n "$missing" ]; then
        echo "install-into-qemu: not building $f (emkit lacks$missing)" >&2
        continue
    fi
    echo "adapter/$(basename "$f")" >>"$LIST.ad"
done
sort "$LIST.lib" | put_text "$DEST/lib-sources.txt"
sort "$LIST.ad" | put_text "$DEST/adapter-sources.txt"
put src/qemu/qemu-tree/Kconfig "$DEST/Kconfig"
# meson.build: also refreshed when a source list changed, so that meson
# reconfigures and sees added or removed files.
if ! cmp -s src/qemu/qemu-tree/meson.build "$DEST/meson.build" ||
   [ "$DEST/lib-sources.txt" -nt "$DEST/meson.build" ] ||
   [ "$DEST/adapter-sources.txt" -nt "$DEST/meson.build" ]; then
    cp src/qemu/qemu-tree/meson.build "$DEST/meson.build"
fi
echo "$DEST/meson.build" >>"$LIST"

# remove what an earlier sync left and emkit no longer has
find "$DEST" -type f | while read -r f; do
    grep -qxF "$f" "$LIST" || rm -f "$f"
done
find "$DEST" -mindepth 1 -type d -empty -delete

# hook hw/emkit into the tree (one line each)
grep -qxF "subdir('emkit')" "$QEMU/hw/meson.build" ||
    echo "subdir('emkit')" >>"$QEMU/hw/meson.build"
grep -qxF "source emkit/Kconfig" "$QEMU/hw/Kconfig" ||
    echo "source emkit/Kconfig" >>"$QEMU/hw/Kconfig"
