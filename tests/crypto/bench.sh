#!/bin/sh
# bench.sh - the P-256 benchmark beside OpenSSL, niced (the machine may be
# shared): ECDSA sign/verify and ECDH per second, `openssl speed -seconds
# SECS ecdsap256` in the same run, and the ratio.  Figures go to
# docs/perf/fido.md.
#   tests/crypto/bench.sh [BUILD_DIR] [SECS]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
bdir=${1:-$top/build}
secs=${2:-3}
ninja -C "$bdir" tests/crypto/bench-p256 >/dev/null
echo "# $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $("$bdir/tests/crypto/bench-p256" 0 >/dev/null 2>&1 && echo ok) $(openssl version)"
exec nice -n 10 "$bdir/tests/crypto/bench-p256" "$secs"
