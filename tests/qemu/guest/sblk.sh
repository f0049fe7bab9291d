#!/bin/sh
# Guest test of `-device emkit-sblk` (emkit's hw/sblk through the QEMU
# adapter), driven from user space with busybox devmem:
# BAR 0 MMIO -> emk_region_access, doorbell -> ioeventfd -> the device's
# emkit iothread, data -> pci_dma_* into a guest buffer, completion ->
# STATUS (and INTA).  The buffer is guest RAM the kernel leaves alone:
# boot with memmap=1M$0x30000000 (guest-test.sh does).
. /tests/lib.sh
BUF=0x30000000
BDF=$(lspci -n -d 1b36:0e4b | awk '{print $1; exit}')
check sblk-present [ -n "$BDF" ]
[ -n "$BDF" ] || exit 1
BDF=0000:$BDF
BAR=$(awk 'NR==1 {print $1}' /sys/bus/pci/devices/$BDF/resource)
echo "EMK-INFO: emkit-sblk at $BDF, BAR0 $BAR"
reg() { printf '0x%x' $(( BAR + $1 )); }
rd32() { devmem "$(reg "$1")" 32; }
wr32() { devmem "$(reg "$1")" 32 "$2"; }
wr64() { devmem "$(reg "$1")" 32 $(( $2 & 0xffffffff )); devmem "$(reg $(( $1 + 4 )))" 32 $(( $2 >> 32 )); }
# memory decoding and bus mastering on (no driver binds this device)
setpci -s "$BDF" COMMAND=0x0006
check sblk-id [ "$(rd32 0x00)" = "0x424B4D45" ]
echo "EMK-INFO: capacity $(( $(rd32 0x08) )) sectors"
fill() { # fill SEED: 128 words of a pattern at BUF
    i=0
    while [ $i -lt 128 ]; do
        devmem $(printf '0x%x' $(( BUF + i * 4 ))) 32 $(( ($1 * 0x01000193 + i * 0x9e3779b1) & 0xffffffff ))
        i=$((i + 1))
    done
}
verify() { # verify SEED
    i=0
    while [ $i -lt 128 ]; do
        want=$(printf '0x%08X' $(( ($1 * 0x01000193 + i * 0x9e3779b1) & 0xffffffff )))
        got=$(devmem $(printf '0x%x' $(( BUF + i * 4 ))) 32)
        [ "$got" = "$want" ] || { echo "word $i: $got != $want"; return 1; }
        i=$((i + 1))
    done
}
request() { # request OP LBA: one sector between BUF and the disk
    wr32 0x10 "$1"; wr32 0x14 1; wr64 0x18 "$2"; wr64 0x20 $BUF
    wr32 0x38 1
    n=0
    while [ $(( $(rd32 0x04) & 2 )) -eq 0 ] && [ $n -lt 200 ]; do n=$((n + 1)); done
    r=$(( $(rd32 0x34) ))
    wr32 0x04 2
    return $r
}
fill 7
check sblk-write request 1 5
fill 0
check sblk-read request 0 5
check sblk-data verify 7
fill 9
check sblk-write-2 request 1 6
check sblk-read-1 request 0 5
check sblk-data-1 verify 7
echo "EMK-INFO: completed $(( $(rd32 0x40) )) requests"
check sblk-completed [ "$(( $(rd32 0x40) ))" -eq 4 ]
# bus mastering off: the adapter must refuse the DMA
setpci -s "$BDF" COMMAND=0x0002
request 0 5; r=$?
echo "EMK-INFO: request with bus mastering off: result $r"
check sblk-bme-off [ "$r" -ne 0 ]
echo "EMK-INFO: $FAILS failed checks"
[ "$FAILS" -eq 0 ]
