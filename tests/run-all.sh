#!/usr/bin/env bash
# Runs every test: gcc and clang builds with -Werror and the cmocka suites,
# the make-only fallback build, zig cc and the Zig @cImport program, the
# static build, installing (meson and make, used through pkg-config) and
# emkit as a meson subproject, the multi-threaded tests under ThreadSanitizer
# (tests/tsan/run.sh), a short libFuzzer run under ASan+UBSan, the
# OSS-Fuzz recipe with libFuzzer and with AFL++ (tests/fuzz/afl.sh), and each
# component's real-peer suite (tests/*/suite.sh).  Exit status 0 only if
# all pass.  Env: EMK_FUZZ_SECONDS (default 15), EMK_CACHE, EMK_JOBS.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
cache=${EMK_CACHE:-$HOME/.cache/emkit}
export EMK_CACHE=$cache
jobs=${EMK_JOBS:-$(nproc)}
fuzz_secs=${EMK_FUZZ_SECONDS:-15}
zig=${ZIG:-$cache/zig/node_modules/.bin/zig}
out=build/ci
mkdir -p "$out"
results=()
failed=0

step() { # step NAME COMMAND...
  local name=$1; shift
  local log="$out/$name.log" t0=$SECONDS rc
  echo "=== $name"
  "$@" >"$log" 2>&1
  rc=$?
  if [ $rc -eq 0 ]; then
    results+=("PASS  $name ($((SECONDS - t0))s)")
  elif [ $rc -eq 77 ]; then
    results+=("SKIP  $name ($((SECONDS - t0))s): $(tail -1 "$log")")
  else
    results+=("FAIL  $name ($((SECONDS - t0))s)"); failed=1
    tail -60 "$log"
  fi
  tail -5 "$log" | sed 's/^/    /'
}

meson_build() { # DIR CC
  local dir=$1 cc=$2
  rm -rf "$dir"
  CC=$cc meson setup "$dir" -Dwerror=true >/dev/null &&
  ninja -C "$dir" -j "$jobs" &&
  meson test -C "$dir" --print-errorlogs --num-processes "$jobs"
}

fallback() {
  rm -rf build/fallback
  make -f Makefile.fallback -j "$jobs" CFLAGS=-Werror >/dev/null &&
  build/fallback/emkit &&
  tests/build/manifest.sh
}

zigcheck() {
  [ -x "$zig" ] || { echo "zig not installed (tests/install-deps.sh)"; return 1; }
  rm -rf build/zig
  make -f Makefile.fallback -j "$jobs" CC="$zig cc" O=build/zig CFLAGS=-Werror >/dev/null &&
  (cd tests/zig && "$zig" build-exe main.zig -lc -I ../../src \
      ../../build/zig/libemkit.a -femit-bin=../../build/zig/zig-demo \
      --cache-dir ../../build/zig/cache --global-cache-dir "$cache/zig-global") &&
  build/zig/zig-demo
}

staticcheck() {
  rm -rf build/static
  make -f Makefile.fallback -j "$jobs" CC=musl-gcc LDFLAGS=-static O=build/static CFLAGS=-Werror >/dev/null &&
  file build/static/emkit | grep -q 'statically linked' &&
  env -i build/static/emkit
}

step gcc meson_build build/gcc gcc
step clang meson_build build/clang clang
step tsan tests/tsan/run.sh build/tsan
step fallback fallback
step zig zigcheck
step static staticcheck
step install tests/build/install.sh "$jobs"
step subproject tests/build/subproject.sh
step fuzz tests/fuzz/run.sh "$fuzz_secs" build/fuzz
step oss-fuzz tests/fuzz/oss-fuzz-check.sh build/fuzz
step afl tests/fuzz/afl.sh 20 build/afl
for suite in tests/*/suite.sh; do
  [ -e "$suite" ] || continue
  name=$(basename "$(dirname "$suite")")
  step "suite-$name" bash "$suite"
done

echo
echo "=== summary"
printf '%s\n' "${results[@]}"
exit $failed
