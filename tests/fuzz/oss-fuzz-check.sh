#!/usr/bin/env bash
# tests/fuzz/oss-fuzz-check.sh [BUILD_DIR] - runs the OSS-Fuzz build.sh
# (tests/fuzz/oss-fuzz-build.sh) into a temporary $OUT, reusing BUILD_DIR
# (default build/fuzz), then checks what OSS-Fuzz would find there: every
# target a regular executable with a seed zip, an options file and a
# dictionary of its name, each one running an input from its seeds with
# its options file's flags (as ClusterFuzz passes them), and libFuzzer
# loading the whole dictionary ("Dictionary: N entries").  Exit 0 pass,
# 1 fail.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
OUT="$out/out" BUILD="${1:-$top/build/fuzz}" "$top/tests/fuzz/oss-fuzz-build.sh" || {
  echo "oss-fuzz: build.sh failed"; exit 1; }
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1
n=0 fail=0
for bin in "$out/out"/fuzz-*; do
  case $bin in *.zip|*.dict|*.options) continue ;; esac
  name=$(basename "$bin")
  if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
    echo "oss-fuzz: $name is not an executable file"; fail=1; continue
  fi
  zip="$out/out/${name}_seed_corpus.zip"
  if [ ! -f "$zip" ]; then
    echo "oss-fuzz: $name has no ${name}_seed_corpus.zip"; fail=1; continue
  fi
  if [ ! -f "$out/out/$name.options" ] || [ ! -f "$out/out/$name.dict" ]; then
    echo "oss-fuzz: $name has no $name.options or $name.dict"; fail=1; continue
  fi
  mapfile -t opts < <("$top/tests/fuzz/options.sh" "${name#fuzz-}" "$out/out")
  mkdir -p "$out/in/$name"
  unzip -q -o "$zip" -d "$out/in/$name"
  one=$(find "$out/in/$name" -type f | sort | head -1)
  if [ -z "$one" ] || ! "$bin" "${opts[@]}" "$one" >"$out/$name.log" 2>&1; then
    echo "oss-fuzz: $name did not run ${one:-an input}"; tail -20 "$out/$name.log"; fail=1
    continue
  fi
  want=$("$top/tests/fuzz/options.sh" --dict-entries "$out/out/$name.dict")
  got=$(sed -n 's/^Dictionary: \([0-9]*\) entries$/\1/p' "$out/$name.log" | head -1)
  if [ "$got" != "$want" ]; then
    echo "oss-fuzz: $name loaded ${got:-no} of the $want entries of $name.dict"; fail=1; continue
  fi
  n=$((n + 1))
done
[ $n -gt 0 ] || { echo "oss-fuzz: no targets in \$OUT"; exit 1; }
echo "oss-fuzz: $n targets in \$OUT, each with its seed zip, options and dictionary (loaded whole), each ran a seed"
exit $fail
