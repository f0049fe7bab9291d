#!/bin/sh
# ui-browser.sh EMKIT DIR - builds the sketches (cached) and runs
# ui_browser.py (headless chromium against `emkit ui`); exit 77 without
# the Arduino toolchain or chromium.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
"$here/build-sketches.sh" "$2" || exit $?
exec python3 "$here/ui_browser.py" "$1" "$2"
