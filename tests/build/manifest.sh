#!/usr/bin/env bash
# Checks the source manifests that meson.build, Makefile.fallback and
# src/qemu/install-into-qemu.sh all read: every library .c file under src/,
# hw/, img/, plugin/ and user/ is listed exactly once, in sources.txt (libemkit)
# or, for src/guest/, in sources-guest.txt (libemkit-guest), and every
# listed file exists.  Tools (src/cli, img/tool, plugin/qemu, user/tool),
# the QEMU adapter (src/qemu) and option ROMs (hw/*/rom: 16-bit firmware
# built by their own build-rom.sh) are not library code.  A forgotten, a
# doubled or a stale entry fails.
# Usage: tests/build/manifest.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
entries() { sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$1"; }
fail=0
check() { # MANIFEST FIND-ROOTS...
  local m=$1; shift
  local listed found skip=()
  [ "$m" = sources.txt ] && skip=(-not -path 'src/guest/*')
  listed=$(entries "$m" | sort)
  found=$(find "$@" -name '*.c' \
            -not -path 'src/cli/*' -not -path 'src/qemu/*' \
            -not -path 'img/tool/*' -not -path 'plugin/qemu/*' \
            -not -path 'user/tool/*' -not -path 'hw/*/rom/*' "${skip[@]}" | sort)
  local d
  d=$(echo "$listed" | uniq -d)
  [ -z "$d" ] || { echo "$m: listed more than once:"; echo "$d"; fail=1; }
  d=$(comm -13 <(echo "$listed" | uniq) <(echo "$found"))
  [ -z "$d" ] || { echo "$m: missing (add them):"; echo "$d"; fail=1; }
  d=$(comm -23 <(echo "$listed" | uniq) <(echo "$found"))
  [ -z "$d" ] || { echo "$m: listed but not a library source here:"; echo "$d"; fail=1; }
  [ $fail -ne 0 ] || echo "$m: $(echo "$listed" | wc -l) sources, each listed once"
}
check sources.txt src hw img plugin user
check sources-guest.txt src/guest
exit $fail
