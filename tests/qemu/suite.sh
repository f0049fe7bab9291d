#!/bin/bash
# tests/qemu/suite.sh - the QEMU adapter's real-peer suite, run by
# tests/run-all.sh: build QEMU 7.2 with emkit's devices
# (tests/qemu/build-qemu.sh), then boot Debian's Linux under TCG against
# them (tests/qemu/guest-test.sh).
# Exit status: 0 pass, 77 skip (no toolchain / packages / network for the
# source package), anything else fail.
# Time on 2 shared cores: cold QEMU build 3-10 min (ccache cold), warm
# ~20-60 s; each guest case ~1 min under TCG.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
"$HERE/build-qemu.sh"
rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
"$HERE/guest-test.sh"
