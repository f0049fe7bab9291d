#!/usr/bin/env bash
# Builds every libFuzzer target with ASan+UBSan and runs each for N seconds
# (default 10).  Usage: tests/fuzz/run.sh [SECONDS] [BUILD_DIR]
# OSS-Fuzz: build.sh is `meson setup -Dfuzzing=true ... && ninja && cp fuzz-* $OUT`.
set -euo pipefail
secs=${1:-10}
top=$(cd "$(dirname "$0")/../.." && pwd)
bdir=${2:-$top/build-fuzz}
if [ ! -f "$bdir/build.ninja" ]; then
  CC=clang meson setup "$bdir" "$top" -Dfuzzing=true -Ddefault_library=static -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$bdir" >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fail=0
mapfile -t bins < <(find "$bdir/tests/fuzz" -maxdepth 1 -type f -name 'fuzz-*' -perm -u+x | sort)
[ ${#bins[@]} -gt 0 ] || { echo "no fuzz targets built"; exit 1; }
for bin in "${bins[@]}"; do
  name=${bin##*/fuzz-}
  corpus="$top/tests/fuzz/corpus/$name"
  work=$(mktemp -d)
  seeds=()
  [ -d "$corpus" ] && seeds=("$corpus")
  mkdir -p "$top/tests/fuzz/crashes"
  if "$bin" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$top/tests/fuzz/crashes/$name-" \
       "$work" "${seeds[@]}" >"$work.log" 2>&1; then
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work.log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$work.log" | tail -1 || true)
    echo "fuzz-$name: ok, $execs runs in ${secs}s, $cov"
  else
    echo "fuzz-$name: FAILED"; tail -40 "$work.log"; fail=1
  fi
  rm -rf "$work" "$work.log"
done
exit $fail
