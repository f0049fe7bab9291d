#!/usr/bin/env bash
# Builds every libFuzzer target with ASan+UBSan and runs each for N seconds
# (default 10) with the flags of its options file (tests/fuzz/fuzz-<name>.options:
# dict=, max_len=; tests/fuzz/options.sh), checking that libFuzzer loaded
# the whole dictionary ("Dictionary: N entries").
# Usage: tests/fuzz/run.sh [SECONDS] [BUILD_DIR | TARGET]
# A second argument naming a target (tests/fuzz/fuzz_TARGET.c exists, and
# it is not a directory) runs only that target, in the default build dir.
# OSS-Fuzz: tests/fuzz/oss-fuzz-build.sh.
set -euo pipefail
secs=${1:-10}
top=$(cd "$(dirname "$0")/../.." && pwd)
bdir=${2:-$top/build-fuzz}
only=
if [ -n "${2:-}" ] && [ ! -d "$2" ] && [ -f "$top/tests/fuzz/fuzz_$2.c" ]; then
  only=$2
  bdir=$top/build-fuzz
fi
if [ ! -f "$bdir/build.ninja" ]; then
  CC=clang meson setup "$bdir" "$top" -Dfuzzing=true -Ddefault_library=static -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$bdir" ${only:+tests/fuzz/fuzz-$only} >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fail=0
mapfile -t bins < <(find "$bdir/tests/fuzz" -maxdepth 1 -type f -name "fuzz-${only:-*}" -perm -u+x | sort)
[ ${#bins[@]} -gt 0 ] || { echo "no fuzz targets built"; exit 1; }
for bin in "${bins[@]}"; do
  name=${bin##*/fuzz-}
  corpus="$top/tests/fuzz/corpus/$name"
  work=$(mktemp -d)
  seeds=()
  [ -d "$corpus" ] && seeds=("$corpus")
  mkdir -p "$top/tests/fuzz/crashes"
  mapfile -t opts < <("$top/tests/fuzz/options.sh" "$name")
  dict=$top/tests/fuzz/fuzz-$name.dict
  if "$bin" "${opts[@]}" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$top/tests/fuzz/crashes/$name-" \
       "$work" "${seeds[@]}" >"$work.log" 2>&1; then
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work.log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$work.log" | tail -1 || true)
    loaded=$(sed -n 's/^Dictionary: \([0-9]*\) entries$/\1/p' "$work.log" | head -1)
    want=$("$top/tests/fuzz/options.sh" --dict-entries "$dict" 2>/dev/null || echo '?')
    if [ ! -f "$dict" ]; then
      echo "fuzz-$name: FAILED: no dictionary tests/fuzz/fuzz-$name.dict"; fail=1
    elif ! printf '%s\n' "${opts[@]}" | grep -qx -- "-dict=$dict"; then
      echo "fuzz-$name: FAILED: fuzz-$name.options does not name fuzz-$name.dict"; fail=1
    elif [ "$loaded" != "$want" ]; then
      echo "fuzz-$name: FAILED: libFuzzer loaded ${loaded:-no} dictionary entries of $want"; fail=1
    else
      echo "fuzz-$name: ok, $execs runs in ${secs}s, $cov, dictionary $loaded entries"
    fi
  else
    echo "fuzz-$name: FAILED"; tail -40 "$work.log"; fail=1
  fi
  rm -rf "$work" "$work.log"
done
exit $fail
