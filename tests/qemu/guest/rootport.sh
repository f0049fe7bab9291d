#!/bin/sh
# Guest test of `-device emkit-pcie-root-port` (emkit's PCIe root port
# through the adapter): the guest's lspci -vvv shows its link speed and
# width, ARI forwarding and ACS, and the device plugged below it was
# enumerated behind it.
# Kernel command line: emk.rp_speed=16GT/s emk.rp_width=16 (expected).
. /tests/lib.sh
RP=
for d in /sys/bus/pci/devices/*; do
    [ "$(cat "$d/class")" = 0x060400 ] || continue
    [ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1b36:0x000c ] || continue
    RP=$(basename "$d")
done
check rp-present [ -n "$RP" ]
[ -n "$RP" ] || exit 1
lspci -vvv -s "$RP" >/tmp/rp.txt 2>&1
sed 's/^/EMK-INFO: lspci: /' /tmp/rp.txt | grep -E 'PCI bridge|Express|LnkCap|LnkSta|DevCap2|DevCtl2|ARIFwd|Access Control|ACSCap|ACSCtl|Advanced Error|Bus:'
check rp-express-root-port grep -q 'Express (v2) Root Port' /tmp/rp.txt
check rp-lnkcap-speed grep -Eq "LnkCap:.*Speed ${EMK_RP_SPEED:-16GT/s}, Width x${EMK_RP_WIDTH:-16}" /tmp/rp.txt
check rp-ari-fwd grep -q 'ARIFwd+' /tmp/rp.txt  # DevCap2 (wraps over lines)
check rp-acs grep -q 'Access Control Services' /tmp/rp.txt
check rp-aer grep -q 'Advanced Error Reporting' /tmp/rp.txt
# the endpoint below it
below=$(ls -d /sys/bus/pci/devices/$RP/0000:* 2>/dev/null | head -n1)
echo "EMK-INFO: behind $RP: ${below##*/}"
check rp-has-child [ -n "$below" ]
echo "EMK-INFO: $FAILS failed checks"
[ "$FAILS" -eq 0 ]
