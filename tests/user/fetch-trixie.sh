#!/bin/bash
# tests/user/fetch-trixie.sh PKG... - downloads Debian trixie riscv64
# packages with `apt-get download` through a private apt configuration
# (a trixie riscv64 source list in ~/.cache/emkit/trixie-riscv64/apt;
# nothing under /etc is read for sources or modified) and unpacks each
# with dpkg-deb -x into ~/.cache/emkit/trixie-riscv64/root.  Prints the
# root.  Exit: 0 done, 77 no network or no package.
set -euo pipefail
base=${EMKIT_CACHE:-$HOME/.cache/emkit}/trixie-riscv64
apt=$base/apt
root=$base/root
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
log() { printf 'fetch-trixie: %s\n' "$*" >&2; }
mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/archives/partial" "$apt/debs" "$root"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb [arch=riscv64 signed-by=$keyring] $mirror trixie main" >"$apt/sources.list.d/trixie.list"
opts=(-o Dir::Etc::SourceList=/dev/null
      -o Dir::Etc::SourceParts="$apt/sources.list.d"
      -o Dir::State::Lists="$apt/lists"
      -o Dir::State::Status=/dev/null
      -o Dir::Cache::Archives="$apt/archives"
      -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
      -o APT::Architecture=riscv64 -o APT::Architectures=riscv64
      -o APT::Sandbox::User=root -o Debug::NoLocking=1)
if [ ! -e "$apt/updated" ] || [ -n "$(find "$apt/updated" -mtime +7)" ]; then
    log "apt-get update (trixie riscv64)"
    apt-get "${opts[@]}" -q update >&2 || { log "apt-get update failed (no network?)"; exit 77; }
    touch "$apt/updated"
fi
for p in "$@"; do
    if [ ! -e "$root/.got-$p" ]; then
        (cd "$apt/debs" && apt-get "${opts[@]}" -q download "$p:riscv64" >&2) ||
            { log "apt-get download $p failed"; exit 77; }
        for d in "$apt/debs"/"${p}"_*_riscv64.deb; do
            dpkg-deb -x "$d" "$root"
        done
        touch "$root/.got-$p"
    fi
done
# merged /usr, as base-files would make it
for d in bin sbin lib; do
    [ -e "$root/$d" ] || [ ! -d "$root/usr/$d" ] || ln -s "usr/$d" "$root/$d"
done
echo "$root"
