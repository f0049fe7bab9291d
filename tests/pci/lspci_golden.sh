#!/bin/sh
# lspci_golden.sh DUMP_TOOL GOLDEN_DIR WORK_DIR
# Dumps the enumerated test topology's config spaces in `lspci -xxxx`
# layout, decodes them with Debian's `lspci -vvv -n -F` and compares the
# output with the golden files; also checks the decoded values we mean
# (link speed/width, ARIFwd+, ACS, MSI-X table/PBA) explicitly, so a
# regenerated golden file cannot silently accept wrong values.
# EMK_UPDATE_GOLDEN=1 rewrites the golden files.  Exit 77 without lspci.
set -u
tool=$1 golden=$2 work=$3
command -v lspci >/dev/null 2>&1 || { echo "lspci not installed (pciutils)"; exit 77; }
mkdir -p "$work" || exit 1
"$tool" "$work" || { echo "dump tool failed"; exit 1; }
fail=0
for name in rootport endpoint seg1-port; do
    # -n: numeric IDs, so the output does not depend on the pci.ids version
    lspci -vvv -n -F "$work/$name.dump" > "$work/$name.lspci" 2>/dev/null
    if [ ! -s "$work/$name.lspci" ]; then
        echo "lspci decoded nothing from $name.dump"; fail=1; continue
    fi
    if [ "${EMK_UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$work/$name.lspci" "$golden/$name.txt"
    elif ! diff -u "$golden/$name.txt" "$work/$name.lspci"; then
        echo "FAIL: $name differs from golden"; fail=1
    fi
done
expect() { # file, fixed string
    if ! grep -qF -- "$2" "$work/$1.lspci"; then
        echo "FAIL: $1: missing '$2'"; fail=1
    fi
}
expect rootport "LnkCap:	Port #1, Speed 16GT/s, Width x16"
expect rootport "LnkSta:	Speed 16GT/s, Width x16"
expect rootport "DLActive+"
expect rootport "LnkCap2: Supported Link Speeds: 2.5-16GT/s"
expect rootport "ARIFwd+"
expect rootport "ACSCap:	SrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-"
expect rootport "ACSCtl:	SrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-"
expect rootport "Bus: primary=00, secondary=01, subordinate=01"
expect rootport "Slot #1, PowerLimit 25W"
expect rootport "Express (v2) Root Port (Slot+)"
expect endpoint "Express (v2) Endpoint"
expect endpoint "RBE+ FLReset+"
expect endpoint "LnkCap:	Port #0, Speed 8GT/s, Width x4"
expect endpoint "LnkSta:	Speed 8GT/s, Width x4"
expect endpoint "EqualizationComplete+"
expect endpoint "MSI-X: Enable+ Count=8 Masked-"
expect endpoint "Vector table: BAR=4 offset=00000000"
expect endpoint "PBA: BAR=4 offset=00000800"
expect endpoint "ARICap:	MFVC- ACS-, Next Function: 1"
expect endpoint "Region 2: Memory at 8000100000 (64-bit, prefetchable)"
expect seg1-port "0001:40:00.0 0604: 1b36:000c"
expect seg1-port "LnkCap:	Port #2, Speed 8GT/s, Width x8"
expect seg1-port "Bus: primary=40, secondary=41, subordinate=41"
[ $fail = 0 ] && echo "lspci: 3 config spaces decode as golden"
exit $fail
