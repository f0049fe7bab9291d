#!/usr/bin/env bash
# tests/build/subproject.sh - emkit as a meson subproject of another
# project: tests/build/subproject/ (meson.build, main.c) is copied to a
# temporary directory with the emkit tree as subprojects/emkit (a link) and
# the wrap file of docs/using-emkit.md (its directory exists, so nothing is
# fetched).  The parent's plain dependency('emkit') must come from the
# subproject, the program must build with -Werror and run, and emkit's
# tests, fuzzers and tools must be neither built nor installed.
# Exit 0 pass, 1 fail.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
p=$tmp/parent
mkdir -p "$p/subprojects"
cp "$top"/tests/build/subproject/meson.build "$top"/tests/build/subproject/main.c "$p"/
ln -s "$top" "$p/subprojects/emkit"
# the wrap-git example of docs/using-emkit.md
sed -n '/^\[wrap-git\]/,/^```/p' "$top/docs/using-emkit.md" | sed '/^```/d' >"$p/subprojects/emkit.wrap"
grep -q '^\[provide\]' "$p/subprojects/emkit.wrap" || { echo "subproject: no wrap example in docs/using-emkit.md"; exit 1; }
fail=0
meson setup "$tmp/b" "$p" --force-fallback-for=emkit,emkit-guest -Dprefix="$tmp/prefix" >"$tmp/setup.log" 2>&1 ||
  { cat "$tmp/setup.log"; echo "subproject: meson setup failed"; exit 1; }
grep -q "^Executing subproject emkit" "$tmp/setup.log" &&
  grep -q "^Dependency emkit found: YES .*(overridden)" "$tmp/setup.log" ||
  { grep -i emkit "$tmp/setup.log"; echo "subproject: dependency('emkit') did not come from the subproject"; fail=1; }
ninja -C "$tmp/b" >"$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log"; echo "subproject: build failed"; exit 1; }
"$tmp/b/consumer" || { echo "subproject: the consumer failed"; exit 1; }
# nothing but the two libraries (and the parent's program) is built
extra=$(ninja -C "$tmp/b" -t targets all | sed -n 's/^\([^:]*\): \(c_LINKER\|c_LINKER_RSP\|STATIC_LINKER\|STATIC_LINKER_RSP\|SHSYM\)$/\1/p' |
          grep -v -e '^consumer$' -e 'libemkit\.\(a\|so\)' -e 'libemkit-guest\.a$' || true)
[ -z "$extra" ] || { echo "subproject: built more than the libraries:"; echo "$extra"; fail=1; }
meson install -C "$tmp/b" --destdir "$tmp/d" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; echo "subproject: meson install failed"; exit 1; }
inst=$( (cd "$tmp/d" 2>/dev/null && find . -type f) || true)
[ -z "$inst" ] || { echo "subproject: installed files:"; echo "$inst"; fail=1; }
[ $fail -eq 0 ] && echo "subproject: dependency('emkit') from subprojects/emkit, consumer built and ran; only the libraries built, nothing installed"
exit $fail
