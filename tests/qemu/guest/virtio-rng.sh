#!/bin/sh
# Guest test of `-device emkit-virtio-rng` (emkit's virtio core, virtio-pci
# transport and hw/virtio-rng through the QEMU adapter), driven by Linux's
# own virtio_pci (modern) and virtio_rng drivers: the function is found
# and bound, hw_random lists it, /dev/hwrng reads random bytes through
# the virtqueue (notifications as ioeventfds, completions as MSI-X), and
# the driver unbinds and binds again (device reset, queue re-setup).
# (lib.sh's check() sets $name: the rng is $rng here.)
. /tests/lib.sh
HWRNG=/sys/class/misc/hw_random
BDF=$(lspci -n -d 1af4:1044 | awk '{print $1; exit}')
check vrng-present [ -n "$BDF" ]
[ -n "$BDF" ] || exit 1
D=/sys/bus/pci/devices/0000:$BDF
echo "EMK-INFO: emkit-virtio-rng at $BDF, revision $(cat $D/revision)"
check vrng-modern [ "$(cat $D/revision)" = 0x01 ]
check vrng-bound [ "$(basename "$(readlink $D/driver)")" = virtio-pci ]
wait_for $HWRNG/rng_available 10
rng=$(tr ' ' '\n' <$HWRNG/rng_available | grep '^virtio_rng' | head -n1)
echo "EMK-INFO: rng_available: $(cat $HWRNG/rng_available); current: $(cat $HWRNG/rng_current)"
check vrng-listed [ -n "$rng" ]
echo "$rng" >$HWRNG/rng_current
cur=$(cat $HWRNG/rng_current)
echo "EMK-INFO: rng_current after selecting '$rng': '$cur'"
check vrng-current [ "$cur" = "$rng" ]
read_rng() { # read_rng FILE: 16 KiB from /dev/hwrng
    dd if=/dev/hwrng of="$1" bs=4096 count=4 2>/dev/null &&
    [ "$(wc -c <"$1")" -eq 16384 ]
}
distinct() { od -An -v -tx1 "$1" | tr -s ' ' '\n' | grep -v '^$' | sort -u | wc -l; }
check vrng-read read_rng /tmp/r1
check vrng-read-again read_rng /tmp/r2
n=$(distinct /tmp/r1)
echo "EMK-INFO: 16 KiB read, $n distinct byte values"
check vrng-random [ "$n" -ge 250 ]
check vrng-differ sh -c '! cmp -s /tmp/r1 /tmp/r2'
irq=$(grep -i 'virtio' /proc/interrupts | grep -i msi | head -n 3)
echo "EMK-INFO: interrupts: $(echo "$irq" | tr -s ' ' | tr '\n' '|')"
check vrng-msix [ -n "$irq" ]
# unbind and bind: the driver resets the device and sets the queue up again
echo "0000:$BDF" >/sys/bus/pci/drivers/virtio-pci/unbind
check vrng-unbound sh -c "! grep -q virtio_rng $HWRNG/rng_available"
echo "0000:$BDF" >/sys/bus/pci/drivers/virtio-pci/bind
i=0
while ! grep -q virtio_rng $HWRNG/rng_available && [ $i -lt 10 ]; do sleep 1; i=$((i + 1)); done
rng=$(tr ' ' '\n' <$HWRNG/rng_available | grep '^virtio_rng' | head -n1)
check vrng-rebound [ -n "$rng" ]
echo "$rng" >$HWRNG/rng_current
check vrng-read-rebound read_rng /tmp/r3
[ "$FAILS" -eq 0 ]
