#!/bin/sh
# Fetch QEMU 7.2's plugin header and contrib/plugins/cache.c from Debian's
# own `qemu` source package into a cache directory outside the clone.
# Prints the directory holding include/qemu/qemu-plugin.h on success.
# The deb-src entry is derived from the machine's own apt sources.
set -eu
cache=${EMK_CACHE:-$HOME/.cache/emkit}
dir=$cache/plugin-src
if [ -f "$dir/include/qemu/qemu-plugin.h" ] && [ -f "$dir/contrib/plugins/cache.c" ]; then
    echo "$dir"; exit 0
fi
if ! apt-cache showsrc qemu >/dev/null 2>&1 || [ -z "$(apt-cache showsrc qemu 2>/dev/null)" ]; then
    src=/etc/apt/sources.list.d/debian.sources
    dst=/etc/apt/sources.list.d/emkit-deb-src.sources
    if [ -f "$src" ] && [ ! -f "$dst" ]; then
        sed 's/^Types:.*/Types: deb-src/' "$src" > "$dst"
    elif [ ! -f "$src" ] && [ -f /etc/apt/sources.list ] && [ ! -f "${dst%.sources}.list" ]; then
        sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > "${dst%.sources}.list"
    fi
    apt-get update -qq >&2
fi
work=$cache/plugin-src.dl
rm -rf "$work"; mkdir -p "$work"
( cd "$work" && apt-get source --download-only -qq qemu >&2 )
tarball=$(ls "$work"/qemu_*.orig.tar.* | head -n 1)
mkdir -p "$dir.tmp"
top=$(tar -tf "$tarball" | head -n 1 | cut -d/ -f1)
tar -xf "$tarball" -C "$dir.tmp" "$top/include/qemu/qemu-plugin.h" "$top/contrib/plugins/cache.c"
rm -rf "$dir"; mv "$dir.tmp/$top" "$dir"; rm -rf "$dir.tmp" "$work"
echo "$dir"
