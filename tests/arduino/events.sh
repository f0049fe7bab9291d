#!/bin/sh
# events.sh TEST-BINARY EMKIT DIR - builds the sketches (cached), then runs
# the event protocol tests against EMKIT; exit 77 without the toolchain.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
"$here/build-sketches.sh" "$3" || exit $?
exec "$1" "$2" "$3"
