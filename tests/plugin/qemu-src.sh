#!/bin/sh
# Fetch QEMU 7.2's plugin header and contrib/plugins/cache.c from Debian's
# own `qemu` source package into a cache directory outside the clone.
# Prints the directory holding include/qemu/qemu-plugin.h on success.
# Fetched by tests/qemu/apt-source.sh (deb-src derived from the machine's
# own apt sources, in a private apt configuration).
set -eu
cache=${EMK_CACHE:-$HOME/.cache/emkit}
dir=$cache/plugin-src
if [ -f "$dir/include/qemu/qemu-plugin.h" ] && [ -f "$dir/contrib/plugins/cache.c" ]; then
    echo "$dir"; exit 0
fi
work=$cache/plugin-src.dl
rm -rf "$work"
# the same fetch as tests/qemu/build-qemu.sh: private apt config, /etc untouched
"$(dirname "$0")/../qemu/apt-source.sh" "$cache/plugin-src.apt" "$work" --download-only
tarball=$(ls "$work"/qemu_*.orig.tar.* | head -n 1)
mkdir -p "$dir.tmp"
top=$(tar -tf "$tarball" | head -n 1 | cut -d/ -f1)
tar -xf "$tarball" -C "$dir.tmp" "$top/include/qemu/qemu-plugin.h" "$top/contrib/plugins/cache.c"
rm -rf "$dir"; mv "$dir.tmp/$top" "$dir"; rm -rf "$dir.tmp" "$work"
echo "$dir"
