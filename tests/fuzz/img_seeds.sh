#!/bin/sh
# img_seeds.sh - remakes the seeds of the img fuzz targets from real images
# written by qemu-img/qemu-io 7.2 (tests/fuzz/corpus/img_{qcow2,vmdk,vhdx}/
# *.emks, sparse inputs packed by img_pack.py; the hand-made seeds stay).
# Small on purpose: 1 MiB VHDX blocks, 512-byte qcow2 clusters, little data.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
C=$HERE/corpus
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$C/img_qcow2" "$C/img_vmdk" "$C/img_vhdx"
cd "$W"
q() { qemu-io "$@" >/dev/null; }
pack() { python3 "$HERE/img_pack.py" "$1" "$C/$2/$3.emks" "${4:-0}"; }

# qcow2: v2/v3, small clusters, snapshots, compression, bitmaps, extended L2
qemu-img create -q -f qcow2 -o compat=0.10,cluster_size=512 v2.qcow2 1M
q -c 'write -P 0x11 0 2k' v2.qcow2; qemu-img snapshot -c s1 v2.qcow2
q -c 'write -P 0x22 1k 1k' -c 'discard 512k 512' v2.qcow2; pack v2.qcow2 img_qcow2 qemu-v2-512
qemu-img create -q -f qcow2 -o cluster_size=1k,refcount_bits=4 snap.qcow2 1M
q -c 'write -P 0x11 0 4k' -c 'write -z 8k 2k' snap.qcow2; qemu-img snapshot -c a snap.qcow2
q -c 'write -P 0x22 0 1k' snap.qcow2; qemu-img snapshot -c b snap.qcow2; qemu-img snapshot -d a snap.qcow2
pack snap.qcow2 img_qcow2 qemu-snap-1k
qemu-img create -q -f qcow2 -o cluster_size=4k,compression_type=zstd zstd.qcow2 1M
q -c 'write -c -P 0x33 0 4k' -c 'write -c -P 0x44 8k 4k' zstd.qcow2; pack zstd.qcow2 img_qcow2 qemu-zstd-4k
qemu-img create -q -f qcow2 -o cluster_size=4k zlib.qcow2 1M
q -c 'write -c -P 0x33 0 4k' -c 'write -P 0x55 64k 4k' zlib.qcow2; pack zlib.qcow2 img_qcow2 qemu-zlib-4k
qemu-img create -q -f qcow2 -o cluster_size=16k,extended_l2=on,lazy_refcounts=on ext.qcow2 1M
q -c 'write -P 0x66 0 1k' -c 'write -z 4k 1k' ext.qcow2; pack ext.qcow2 img_qcow2 qemu-extl2-16k
qemu-img create -q -f qcow2 -o cluster_size=4k bm.qcow2 1M
qemu-img bitmap --add bm.qcow2 b0; q -c 'write -P 0x77 0 8k' bm.qcow2; pack bm.qcow2 img_qcow2 qemu-bitmap-4k

# VMDK: sparse, streamOptimized, zeroed grains
qemu-img create -q -f vmdk ms.vmdk 2M; q -c 'write -P 0x11 0 4k' -c 'write -P 0x22 1M 4k' ms.vmdk
pack ms.vmdk img_vmdk qemu-monolithicSparse
qemu-img create -q -f vmdk -o zeroed_grain=on zg.vmdk 2M; q -c 'write -P 0x11 0 4k' -c 'write -P 0x22 64k 4k' -c 'write -z 0 64k' zg.vmdk
pack zg.vmdk img_vmdk qemu-zeroedgrain
qemu-img convert -O vmdk -o subformat=streamOptimized v2.qcow2 so.vmdk; pack so.vmdk img_vmdk qemu-streamOptimized

# VHDX (flags 7: the harness recomputes header, region and log CRCs)
qemu-img create -q -f vhdx -o block_size=1M dyn.vhdx 8M
q -c 'write -P 0x11 0 4k' -c 'write -P 0x22 5M 4k' -c 'write -z 1M 4k' dyn.vhdx; pack dyn.vhdx img_vhdx qemu-dynamic 7
qemu-img create -q -f vhdx -o subformat=fixed,block_size=1M fixed.vhdx 2M
q -c 'write -P 0x11 4k 4k' fixed.vhdx; pack fixed.vhdx img_vhdx qemu-fixed 7
qemu-img create -q -f vhdx -o block_size=1M log.vhdx 8M
q -c 'write -P 0x11 0 4k' -c 'write -P 0x22 3M 4k' log.vhdx
python3 "$HERE/../img/vhdx_pending.py" log.vhdx >/dev/null; pack log.vhdx img_vhdx qemu-pending-log 7
qemu-img create -q -f vhdx -o block_size=1M diff.vhdx 8M
q -c 'write -P 0x11 0 4k' diff.vhdx
python3 "$HERE/../img/vhdx_diff.py" diff.vhdx >/dev/null; pack diff.vhdx img_vhdx qemu-differencing 7
