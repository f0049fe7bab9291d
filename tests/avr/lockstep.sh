#!/bin/sh
# lockstep.sh TEST-BINARY SKETCH-DIR - random programs, then the sketches
# (built into SKETCH-DIR when the Arduino toolchain is there), instruction
# by instruction against simavr.
set -eu
bin=$1 dir=$2
here=$(cd "$(dirname "$0")" && pwd)
elfs=
if "$here/../arduino/build-sketches.sh" "$dir"; then
    elfs=$(ls "$dir"/*/*.elf)
else
    echo "lockstep: no Arduino toolchain: random programs only"
fi
exec "$bin" $elfs
