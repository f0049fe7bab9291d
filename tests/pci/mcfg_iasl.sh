#!/bin/sh
# mcfg_iasl.sh DUMP_TOOL WORK_DIR
# Builds the MCFG table of the test topology and disassembles it with
# Debian's `iasl -d` (acpica-tools); every segment's base address (of bus
# 0), segment number and bus range must come out as configured
# (segments.txt, written by the tool from the host's state), and iasl
# must not complain about the checksum.  Exit 77 without iasl.
set -u
tool=$1 work=$2
command -v iasl >/dev/null 2>&1 || { echo "iasl not installed (acpica-tools)"; exit 77; }
mkdir -p "$work" || exit 1
"$tool" "$work" || { echo "dump tool failed"; exit 1; }
rm -f "$work/mcfg.dsl"
( cd "$work" && iasl -d mcfg.dat > iasl.log 2>&1 ) || { cat "$work/iasl.log"; exit 1; }
[ -s "$work/mcfg.dsl" ] || { echo "iasl wrote no mcfg.dsl"; cat "$work/iasl.log"; exit 1; }
grep -qi "incorrect checksum\|invalid checksum" "$work/iasl.log" "$work/mcfg.dsl" &&
    { echo "FAIL: iasl reports a bad checksum"; exit 1; }
# "segment base start end" as iasl decoded them
awk -F': *' '
    /Base Address/          { base = $2 }
    /Segment Group Number/  { seg = $2 }
    /Start Bus Number/      { start = $2 }
    /End Bus Number/        { print seg, base, start, $2 }
' "$work/mcfg.dsl" | tr -d '\r' | sed 's/ *$//' > "$work/decoded.txt"
grep -q "Signature : \"MCFG\"" "$work/mcfg.dsl" || { echo "FAIL: not an MCFG"; exit 1; }
if ! diff -u "$work/segments.txt" "$work/decoded.txt"; then
    echo "FAIL: iasl decodes other segments than configured"; exit 1
fi
n=$(wc -l < "$work/decoded.txt")
[ "$n" -ge 2 ] || { echo "FAIL: only $n segment(s)"; exit 1; }
echo "iasl: MCFG decodes $n segments as configured"
exit 0
