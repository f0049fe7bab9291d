#!/usr/bin/env bash
# tests/fuzz/oss-fuzz-build.sh - OSS-Fuzz's build.sh for emkit: every fuzz
# target, its dictionary, options file and seed corpus into $OUT.
#
#   OUT=/out [BUILD=build/oss-fuzz] [CC=...] [CFLAGS=...] [LIB_FUZZING_ENGINE=...] \
#     [FUZZ_TARGETS="nvme sblk"] tests/fuzz/oss-fuzz-build.sh
#
# FUZZ_TARGETS limits the build and $OUT to those targets (default all).
# The environment is OSS-Fuzz's: CC, CFLAGS (sanitizers, coverage) and
# LIB_FUZZING_ENGINE (the engine's link flags: -fsanitize=fuzzer, or a
# library such as AFL++'s libAFLDriver.a).  meson takes CC and CFLAGS from
# the environment, LIB_FUZZING_ENGINE goes to -Dfuzz_engine.  Unset, the
# build is clang + libFuzzer + ASan + UBSan (meson.build).  An existing
# BUILD directory is reused as it is.
#
# Only the target binaries are copied: meson's object folders
# (fuzz-<name>.p/) share their prefix, so a plain `cp fuzz-* $OUT` fails.
# Beside each: fuzz-<name>.dict, fuzz-<name>.options ([libfuzzer] dict=,
# max_len=) and fuzz-<name>_seed_corpus.zip, the names OSS-Fuzz looks for.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
: "${OUT:?set OUT to the output directory}"
build=${BUILD:-$top/build/oss-fuzz}
if [ ! -f "$build/build.ninja" ]; then
  engine=()
  [ -n "${LIB_FUZZING_ENGINE:-}" ] && engine=("-Dfuzz_engine=$LIB_FUZZING_ENGINE")
  CC=${CC:-clang} meson setup "$build" "$top" -Dfuzzing=true \
    -Ddefault_library=static "${engine[@]}" >/dev/null
fi
# the fuzz targets only (not the tools and unit tests of the same tree)
mapfile -t targets < <(ninja -C "$build" -t targets all |
  sed -n 's|^\(tests/fuzz/fuzz-[A-Za-z0-9_]*\): .*|\1|p' | sort -u)
if [ -n "${FUZZ_TARGETS:-}" ]; then
  targets=()
  for n in $FUZZ_TARGETS; do targets+=("tests/fuzz/fuzz-$n"); done
fi
[ ${#targets[@]} -gt 0 ] || { echo "oss-fuzz-build: no fuzz targets in $build" >&2; exit 1; }
ninja -C "$build" "${targets[@]}" >/dev/null
mkdir -p "$OUT"
for t in "${targets[@]}"; do
  n=${t#tests/fuzz/fuzz-}
  cp "$build/$t" "$OUT"/
  for f in "$top/tests/fuzz/fuzz-$n.dict" "$top/tests/fuzz/fuzz-$n.options"; do
    [ ! -f "$f" ] || cp "$f" "$OUT"/
  done
  d=$top/tests/fuzz/corpus/$n
  rm -f "$OUT/fuzz-${n}_seed_corpus.zip"
  [ ! -d "$d" ] || (cd "$d" && zip -q -r "$OUT/fuzz-${n}_seed_corpus.zip" .)
done
