#!/bin/bash
# tests/qemu/apt-source.sh - runs `apt-get source qemu` (Debian's QEMU 7.2
# source package) in DIR through a private apt configuration kept in
# APTDIR: its only entries are this machine's own "deb" sources retyped as
# "deb-src", and nothing under /etc is modified.  Extra arguments go to
# `apt-get source` (e.g. --download-only).
#
#   tests/qemu/apt-source.sh APTDIR DIR [apt-get source options...]
#
# Exit status: 0 fetched, 77 no source package reachable here.
set -euo pipefail
apt=${1:?apt state dir}
dir=${2:?target dir}
shift 2
log() { printf 'apt-source: %s\n' "$*" >&2; }

derive_deb_src() {
    local f
    # deb822 stanzas that carry "deb" in Types:, retyped as deb-src;
    # duplicates (and stanzas that are already deb-src only) dropped.
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && cat "$f" && printf '\n\n'
    done | awk 'BEGIN { RS = ""; ORS = "\n\n" }
        {
            if ($0 !~ /(^|\n)Types:[^\n]*[[:space:]]deb([[:space:]]|$)/ &&
                $0 !~ /(^|\n)Types:[[:space:]]*deb[[:space:]]*(\n|$)/) next
            gsub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src")
            sub(/^\n/, "")
            key = $0; gsub(/(^|\n)#[^\n]*/, "", key)
            if (!(key in seen)) { seen[key] = 1; print }
        }'
    # one-line style entries
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -nE 's/^[[:space:]]*deb[[:space:]]+/deb-src /p' "$f"
    done | sort -u
}

mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/archives/partial" "$dir"
derive_deb_src >"$apt/sources.list.d/emkit-deb-src.sources"
opts=(-o Dir::Etc::SourceList=/dev/null
      -o Dir::Etc::SourceParts="$apt/sources.list.d"
      -o Dir::State::Lists="$apt/lists"
      -o Dir::Cache::Archives="$apt/archives"
      -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
      -o APT::Sandbox::User=root -o Debug::NoLocking=1)
log "apt-get update (deb-src entries derived from /etc/apt)"
apt-get "${opts[@]}" -q update >&2 || { log "apt-get update failed (no network?)"; exit 77; }
log "apt-get source qemu $*"
(cd "$dir" && apt-get "${opts[@]}" -q source --only-source "$@" qemu >&2) ||
    { log "apt-get source qemu failed"; exit 77; }
