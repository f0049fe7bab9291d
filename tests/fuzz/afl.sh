#!/usr/bin/env bash
# tests/fuzz/afl.sh [SECONDS] [BUILD_DIR] [TARGET] - one fuzz target under a
# second engine, AFL++ (Debian package afl++, tests/deps/fuzz.apt), built
# by the OSS-Fuzz recipe the way OSS-Fuzz builds for AFL++:
#   CC=afl-clang-fast  CFLAGS="-O2 -g"  (AFL_CFLAGS; "-O1 -g
#     -fsanitize=address,undefined" gives OSS-Fuzz's ASan build, but builds
#     twice as long and runs ten times slower here)
#   LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a
#   OUT=<tmp> BUILD=BUILD_DIR FUZZ_TARGETS=TARGET tests/fuzz/oss-fuzz-build.sh
# then afl-fuzz runs it for SECONDS (-V) on the seeds from $OUT's
# fuzz-TARGET_seed_corpus.zip with $OUT's fuzz-TARGET.dict (-x) and the
# max_len of fuzz-TARGET.options as AFL++'s largest input (-G).  Passes if
# AFL++ executed the target (fuzzer_stats: execs_done > 0), loaded every
# dictionary entry and found no crash.
# Defaults: 20 s, build/afl, cache_trace.  Env: AFL_DRIVER (the driver
# library, default /usr/lib/afl/libAFLDriver.a).  Exit 0 pass, 1 fail.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-20}
bdir=${2:-$top/build/afl}
name=${3:-cache_trace}
driver=${AFL_DRIVER:-/usr/lib/afl/libAFLDriver.a}
for t in afl-fuzz afl-clang-fast; do
  command -v "$t" >/dev/null || { echo "afl: $t not found (tests/install-deps.sh installs afl++)"; exit 1; }
done
[ -f "$driver" ] || { echo "afl: no $driver (Debian's afl++ ships it there)"; exit 1; }
tmp=$(mktemp -d)
trap '[ -n "${EMK_AFL_KEEP:-}" ] || rm -rf "$tmp"' EXIT
out=$tmp/out
CFLAGS_USED=${AFL_CFLAGS--O2 -g}
OUT=$out BUILD=$bdir FUZZ_TARGETS=$name CC=afl-clang-fast \
  CFLAGS=$CFLAGS_USED \
  LIB_FUZZING_ENGINE=$driver AFL_QUIET=1 "$top/tests/fuzz/oss-fuzz-build.sh" >"$tmp/build.log" 2>&1 ||
  { tail -30 "$tmp/build.log"; echo "afl: the OSS-Fuzz recipe failed with CC=afl-clang-fast"; exit 1; }
bin=$out/fuzz-$name
ninja -C "$bdir" -t commands "tests/fuzz/fuzz-$name" | tail -1 | grep -q -- "$driver" ||
  { echo "afl: fuzz-$name was not linked with LIB_FUZZING_ENGINE=$driver"; exit 1; }
grep -q __afl_ "$bin" 2>/dev/null || nm "$bin" 2>/dev/null | grep -q __afl_area_ptr ||
  { echo "afl: $bin has no AFL++ instrumentation"; exit 1; }
mkdir -p "$tmp/in"
unzip -q "$out/fuzz-${name}_seed_corpus.zip" -d "$tmp/in"
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
  AFL_NO_AFFINITY=1 AFL_SKIP_CRASHES=0
export ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:symbolize=0
maxlen=()
ml=$("$top/tests/fuzz/options.sh" "$name" "$out" | sed -n 's/^-max_len=//p')
[ -z "$ml" ] || maxlen=(-G "$ml")
t0=$SECONDS
timeout $((secs + 60)) afl-fuzz -i "$tmp/in" -o "$tmp/findings" -x "$out/fuzz-$name.dict" \
  "${maxlen[@]}" -V "$secs" -- "$bin" >"$tmp/afl.log" 2>&1
rc=$?
stats=$tmp/findings/default/fuzzer_stats
if [ ! -f "$stats" ]; then
  tail -30 "$tmp/afl.log"; echo "afl: afl-fuzz (rc=$rc) wrote no fuzzer_stats"; exit 1
fi
stat() { sed -n "s/^$1 *: *//p" "$stats"; }
execs=$(stat execs_done) crashes=$(stat saved_crashes) paths=$(stat corpus_count)
[ -n "$crashes" ] || crashes=$(stat unique_crashes)
extras=$(sed -n 's/.*Loaded a total of \([0-9]*\) extras.*/\1/p' "$tmp/afl.log" | tail -1)
want=$("$top/tests/fuzz/options.sh" --dict-entries "$out/fuzz-$name.dict")
fail=0
[ "${execs:-0}" -gt 0 ] || { echo "afl: execs_done is '${execs}'"; fail=1; }
[ "$extras" = "$want" ] || { echo "afl: AFL++ loaded ${extras:-no} of the $want dictionary entries"; fail=1; }
if [ "${crashes:-0}" != 0 ]; then
  mkdir -p "$top/tests/fuzz/crashes"
  for c in "$tmp/findings/default/crashes"/id:*; do
    [ -e "$c" ] && cp "$c" "$top/tests/fuzz/crashes/$name-afl-$(sha1sum <"$c" | cut -c1-40)"
  done
  echo "afl: $crashes crash(es), copied to tests/fuzz/crashes/$name-afl-*"; fail=1
fi
[ $rc -eq 0 ] || { tail -20 "$tmp/afl.log"; echo "afl: afl-fuzz exited $rc"; fail=1; }
[ $fail -eq 0 ] && echo "afl: fuzz-$name under AFL++ (${CFLAGS_USED}) for ${secs}s ($((SECONDS - t0))s with calibration): $execs execs, corpus $paths, $extras dictionary entries, no crash"
exit $fail
