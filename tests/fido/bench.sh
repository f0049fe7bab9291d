#!/bin/sh
# bench.sh - the FIDO key's benchmarks, niced (the machine may be shared):
# ECDSA P-256 beside `openssl speed ecdsap256` (tests/crypto/bench.sh), then
# makeCredential and getAssertion round trips through libfido2 in process,
# beside libfido2's own verification of each (OpenSSL).  The figures go to
# docs/perf/fido.md.
#   tests/fido/bench.sh [BUILD_DIR] [SECS] [ROUNDS]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
bdir=${1:-$top/build}
secs=${2:-3}
rounds=${3:-500}
"$top/tests/crypto/bench.sh" "$bdir" "$secs"
ninja -C "$bdir" tests/fido/bench-libfido2 >/dev/null
exec nice -n 10 "$bdir/tests/fido/bench-libfido2" "$rounds"
