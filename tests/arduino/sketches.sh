#!/bin/sh
# sketches.sh TEST-BINARY DIR - builds the sketches into DIR (cached) and
# runs TEST-BINARY on them; exit 77 (skip) without the Arduino toolchain.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
"$here/build-sketches.sh" "$2" || exit $?
exec "$1" "$2"
