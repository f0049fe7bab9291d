#!/usr/bin/env bash
# tests/fuzz/oss-fuzz-build.sh - OSS-Fuzz's build.sh for emkit: every
# libFuzzer target and its seed corpus into $OUT.
#
#   OUT=/out [BUILD=build/oss-fuzz] tests/fuzz/oss-fuzz-build.sh
#
# Only the target binaries are copied: meson's object folders
# (fuzz-<name>.p/) share their prefix, so a plain `cp fuzz-* $OUT` fails.
# Seeds: $OUT/fuzz-<name>_seed_corpus.zip, the name OSS-Fuzz looks for.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
: "${OUT:?set OUT to the output directory}"
build=${BUILD:-$top/build/oss-fuzz}
if [ ! -f "$build/build.ninja" ]; then
  CC=${CC:-clang} meson setup "$build" "$top" -Dfuzzing=true \
    -Ddefault_library=static >/dev/null
fi
ninja -C "$build" >/dev/null
mkdir -p "$OUT"
find "$build/tests/fuzz" -maxdepth 1 -type f -name 'fuzz-*' -perm -u+x \
  -exec cp {} "$OUT"/ \;
for d in "$top"/tests/fuzz/corpus/*/; do
  n=$(basename "$d")
  rm -f "$OUT/fuzz-${n}_seed_corpus.zip"
  (cd "$d" && zip -q -r "$OUT/fuzz-${n}_seed_corpus.zip" .)
done
