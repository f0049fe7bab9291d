#!/bin/sh
# corpus.sh DIR - builds real images with qemu-img, qemu-io and
# qemu-system-x86_64 (savevm through the monitor) for the anonymize suite.
# Every guest write carries the marker string EMKSECRET.  Writes DIR/LIST:
# one line per image: "<file> <checker flags...>".
set -eu
D=$1
mkdir -p "$D"
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$D"
: > LIST
q() { qemu-io "$@" >/dev/null; }
add() { echo "$*" >> LIST; }

python3 - <<'PY'
s = b''
while len(s) < 65536:
    s += b'EMKSECRET-MARKER-%06d;' % len(s)
open('pat', 'wb').write(s[:65536])
raw = bytearray(4 << 20)
for off in range(0, len(raw), 65536 * 3):
    raw[off:off + 65536] = s
open('data.raw', 'wb').write(bytes(raw))
PY

# some data, a snapshot, more data, a second snapshot, delete the first:
# active data, snapshot-only data, freed clusters
story() {
    img=$1
    q -c 'write -s pat 0 64k' -c 'write -s pat 300k 100k' -c 'write -s pat 1M 4k' "$img"
    qemu-img snapshot -c s1 "$img"
    q -c 'write -s pat 0 64k' -c 'write -s pat 2M 128k' -c 'discard 300k 100k' "$img"
    qemu-img snapshot -c s2 "$img"
    q -c 'write -s pat 512k 64k' -c 'write -s pat 0 64k' "$img"
    qemu-img snapshot -d s1 "$img"
}

# v2 and v3, cluster sizes, refcount widths
qemu-img create -q -f qcow2 -o compat=0.10 v2.qcow2 8M; story v2.qcow2; add v2.qcow2
# refcount_bits=1 cannot hold snapshots: data, discard, rewrite
qemu-img create -q -f qcow2 -o cluster_size=4k,refcount_bits=1 r1.qcow2 4M
q -c 'write -s pat 0 256k' -c 'discard 64k 64k' -c 'write -s pat 1M 8k' r1.qcow2; add r1.qcow2
qemu-img create -q -f qcow2 -o cluster_size=512,refcount_bits=2 c512.qcow2 4M; story c512.qcow2; add c512.qcow2
qemu-img create -q -f qcow2 -o cluster_size=4k,refcount_bits=16 c4k.qcow2 8M; story c4k.qcow2; add c4k.qcow2
qemu-img create -q -f qcow2 -o cluster_size=16k,refcount_bits=4 c16k.qcow2 8M; story c16k.qcow2; add c16k.qcow2
qemu-img create -q -f qcow2 -o cluster_size=64k,refcount_bits=8 r8.qcow2 8M; story r8.qcow2; add r8.qcow2
qemu-img create -q -f qcow2 -o cluster_size=256k,refcount_bits=32 c256k.qcow2 8M; story c256k.qcow2; add c256k.qcow2
qemu-img create -q -f qcow2 -o cluster_size=2M,refcount_bits=64 c2m.qcow2 16M; story c2m.qcow2; add c2m.qcow2

# compressed clusters, zlib and zstd, several cluster sizes
qemu-img convert -c -O qcow2 data.raw zlib64k.qcow2; add zlib64k.qcow2
qemu-img convert -c -O qcow2 -o cluster_size=4k data.raw zlib4k.qcow2; add zlib4k.qcow2
qemu-img convert -c -O qcow2 -o cluster_size=2M data.raw zlib2m.qcow2; add zlib2m.qcow2
qemu-img convert -c -O qcow2 -o compression_type=zstd data.raw zstd64k.qcow2; add zstd64k.qcow2
qemu-img convert -c -O qcow2 -o compression_type=zstd,cluster_size=4k data.raw zstd4k.qcow2; add zstd4k.qcow2
qemu-img convert -c -O qcow2 -o cluster_size=512 data.raw zlib512.qcow2; add zlib512.qcow2
# compressed data overwritten in place (partly stale compressed slots)
qemu-img create -q -f qcow2 zmix.qcow2 4M
q -c 'write -c -s pat 0 64k' -c 'write -c -s pat 64k 64k' -c 'write -c -s pat 1M 64k' zmix.qcow2
qemu-img snapshot -c s zmix.qcow2
q -c 'write -s pat 64k 64k' -c 'write -z 0 64k' zmix.qcow2; add zmix.qcow2

# VM state: savevm through the monitor with a marker loaded into guest RAM
qemu-img create -q -f qcow2 vm.qcow2 16M
q -c 'write -s pat 0 256k' vm.qcow2
printf 'savevm withvm\nquit\n' | timeout 120 qemu-system-x86_64 -machine pc -m 16 -S \
    -nographic -nodefaults -monitor stdio -device loader,file=pat,addr=0x100000 \
    -drive file=vm.qcow2,if=none,id=d0,format=qcow2 >/dev/null 2>&1
q -c 'write -s pat 1M 64k' vm.qcow2
qemu-img snapshot -c novm vm.qcow2
printf 'savevm second\nquit\n' | timeout 120 qemu-system-x86_64 -machine pc -m 16 -S \
    -nographic -nodefaults -monitor stdio -device loader,file=pat,addr=0x200000 \
    -drive file=vm.qcow2,if=none,id=d0,format=qcow2 >/dev/null 2>&1
qemu-img snapshot -d second vm.qcow2
add vm.qcow2
# VM state written by qemu-io into the active layer, then snapshotted
qemu-img create -q -f qcow2 vmio.qcow2 8M
q -c 'write -s pat 0 64k' -c 'write -b -s pat 0 128k' vmio.qcow2
qemu-img snapshot -c s vmio.qcow2; add vmio.qcow2

# backing chain: both layers are anonymized and checked on their own
qemu-img create -q -f qcow2 base.qcow2 8M; q -c 'write -s pat 0 1M' base.qcow2; add base.qcow2
qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 overlay.qcow2
q -c 'write -s pat 512k 64k' -c 'write -z 2M 64k' overlay.qcow2; add overlay.qcow2

# extended L2 with subcluster writes
qemu-img create -q -f qcow2 -o extended_l2=on extl2.qcow2 8M
q -c 'write -s pat 0 2k' -c 'write -s pat 100k 6k' -c 'write -s pat 1M 64k' -c 'write -z 1M 4k' extl2.qcow2
qemu-img snapshot -c s extl2.qcow2; q -c 'write -s pat 0 64k' extl2.qcow2; add extl2.qcow2

# extended L2 where the file ends inside the last data cluster: QEMU wrote
# only the subclusters it needed (gen.py found that anonymize refused it);
# 64 KiB and 2 MiB clusters, and an overlay with subclusters at the top of
# a chain
qemu-img create -q -f qcow2 -o extended_l2=on,cluster_size=64k eofsub.qcow2 1M
q -c 'write -s pat 1032192 2048' eofsub.qcow2; add eofsub.qcow2
qemu-img create -q -f qcow2 -o extended_l2=on,cluster_size=2M eofsub2m.qcow2 8M
q -c 'write -s pat 0 64k' -c 'write -s pat 7M 4k' eofsub2m.qcow2; add eofsub2m.qcow2
qemu-img create -q -f qcow2 subbase.qcow2 1M; q -c 'write -s pat 0 1M' subbase.qcow2; add subbase.qcow2
qemu-img create -q -f qcow2 -o extended_l2=on -b subbase.qcow2 -F qcow2 subtop.qcow2
q -c 'write -s pat 4096 2048' subtop.qcow2; add subtop.qcow2
# a VMDK whose file ends inside its last grain (qemu-img check passes it)
qemu-img create -q -f vmdk eofgrain.vmdk 8M; q -c 'write -s pat 7M 4k' eofgrain.vmdk
truncate -s 71168 eofgrain.vmdk; add eofgrain.vmdk
# unwritten extents (fallocated, read as zeros) with their pages cached:
# SEEK_DATA calls them data only then (the output must not depend on it)
qemu-img create -q -f qcow2 -o preallocation=falloc,cluster_size=4k unwr.qcow2 2M
q -c 'write -s pat 4097 3000' -c 'write -s pat 1M 100' unwr.qcow2
cat unwr.qcow2 > /dev/null; add unwr.qcow2

# lazy refcounts with the dirty bit left set (qemu-io aborts)
qemu-img create -q -f qcow2 -o lazy_refcounts=on lazy.qcow2 8M
qemu-io -c 'write -s pat 0 256k' -c 'write -s pat 1M 64k' -c abort lazy.qcow2 >/dev/null 2>&1 || true
add lazy.qcow2

# persistent bitmaps, one enabled one left in use
qemu-img create -q -f qcow2 bitmaps.qcow2 8M
qemu-img bitmap --add bitmaps.qcow2 b0
qemu-img bitmap --add -g 4k bitmaps.qcow2 secret-b1
q -c 'write -s pat 0 512k' bitmaps.qcow2
qemu-img bitmap --add bitmaps.qcow2 inuse
qemu-io -c 'write -s pat 2M 64k' -c abort bitmaps.qcow2 >/dev/null 2>&1 || true
add bitmaps.qcow2

# zero clusters with stale host clusters behind them, discards, prealloc
qemu-img create -q -f qcow2 zero.qcow2 8M
q -c 'write -s pat 0 1M' -c 'write -z 0 256k' -c 'write -z -u 512k 128k' -c 'discard 768k 64k' zero.qcow2
add zero.qcow2
for p in metadata falloc full; do
    qemu-img create -q -f qcow2 -o preallocation=$p pre-$p.qcow2 4M
    q -c 'write -s pat 64k 128k' pre-$p.qcow2; add pre-$p.qcow2
done

# more than 4 GiB virtual
qemu-img create -q -f qcow2 big.qcow2 6G
q -c 'write -s pat 0 64k' -c 'write -s pat 5G 64k' -c 'write -s pat 4294901760 128k' big.qcow2; add big.qcow2

# user data in clusters nothing references (appended after the last one)
qemu-img create -q -f qcow2 leak.qcow2 8M; q -c 'write -s pat 0 64k' leak.qcow2
cat pat pat >> leak.qcow2; add leak.qcow2

# the corrupt bit, with a guest cluster mapped onto the L1 table
qemu-img create -q -f qcow2 corrupt.qcow2 8M; q -c 'write -s pat 0 128k' corrupt.qcow2
python3 - <<'PY'
import struct
f = open('corrupt.qcow2', 'r+b')
h = f.read(112)
l1 = struct.unpack('>Q', h[40:48])[0]
inc = struct.unpack('>Q', h[72:80])[0] | 2
f.seek(72); f.write(struct.pack('>Q', inc))
f.seek(l1); l2 = struct.unpack('>Q', f.read(8))[0] & 0x00fffffffffffe00
f.seek(l2 + 8); f.write(struct.pack('>Q', (1 << 63) | l1))   # guest cluster 1 -> L1
PY
add corrupt.qcow2 --allow-nonzero

# an external data file (relative name; QEMU resolves it in the cwd)
qemu-img create -q -f qcow2 -o data_file=dfile.raw dfile.qcow2 8M
q -c 'write -s pat 0 128k' -c 'write -s pat 3M 64k' dfile.qcow2; add dfile.qcow2

# LUKS: no key given, the ciphertext is overwritten.  qemu-img times a
# PBKDF run with the thread's CPU clock and gives up ("Unable to get
# accurate CPU usage") when that clock did not move, which happens on a
# loaded machine: retry, and if it never works leave LUKS out with a note
# rather than fail every other image.
for i in $(seq 1 20); do
    qemu-img create -q -f qcow2 --object secret,id=s0,data=pw \
        -o encrypt.format=luks,encrypt.key-secret=s0,encrypt.iter-time=10 luks.qcow2 4M \
        2>/dev/null && break
    rm -f luks.qcow2; sleep 0.3
done
if [ -f luks.qcow2 ]; then
    qemu-io --object secret,id=s0,data=pw --image-opts -c 'write -s pat 0 256k' \
        driver=qcow2,file.filename=luks.qcow2,encrypt.key-secret=s0 >/dev/null
    add luks.qcow2 --secret pw --allow-nonzero
else
    echo "corpus: NOTE: qemu-img could not create the LUKS image (PBKDF timing) in 20 tries; left out" >&2
fi
# legacy qcow2 AES (no key given to emkit-img: the ciphertext is zeroed)
qemu-img create -q -f qcow2 --object secret,id=s0,data=pw -o encrypt.format=aes,encrypt.key-secret=s0 aes.qcow2 4M
qemu-io --object secret,id=s0,data=pw --image-opts -c 'write -s pat 0 128k' \
    driver=qcow2,file.filename=aes.qcow2,encrypt.key-secret=s0 >/dev/null
add aes.qcow2 --secret pw --allow-nonzero

# ---- VMDK: every subformat QEMU writes, and zeroed grains
for s in monolithicSparse monolithicFlat twoGbMaxExtentSparse twoGbMaxExtentFlat; do
    qemu-img create -q -f vmdk -o subformat=$s $s.vmdk 8M
    q -c 'write -s pat 0 128k' -c 'write -s pat 5M 64k' -c 'write -s pat 7M 4k' $s.vmdk
    add $s.vmdk
done
qemu-img convert -O vmdk -o subformat=streamOptimized data.raw streamOptimized.vmdk
add streamOptimized.vmdk
qemu-img create -q -f vmdk -o zeroed_grain=on zeroedgrain.vmdk 8M
q -c 'write -s pat 0 256k' -c 'write -z 0 64k' -c 'write -z 128k 64k' zeroedgrain.vmdk
add zeroedgrain.vmdk
# a child with a parent hint (a path that may be personal)
qemu-img create -q -f vmdk -b monolithicSparse.vmdk -F vmdk child.vmdk
q -c 'write -s pat 64k 64k' child.vmdk; add child.vmdk
# an orphaned grain: user data appended where no grain table points
qemu-img create -q -f vmdk orphan.vmdk 8M; q -c 'write -s pat 0 64k' orphan.vmdk
cat pat >> orphan.vmdk; add orphan.vmdk

# ---- VHDX: dynamic with several block sizes, fixed, a 2 MiB log,
# and a pending log (vhdx_pending.py: the last log entry is the only
# reference to a block; stale marker bytes in every entry's padding)
for bs in 1M 8M 32M; do
    qemu-img create -q -f vhdx -o block_size=$bs dyn$bs.vhdx 64M
    q -c 'write -s pat 0 128k' -c 'write -s pat 40M 64k' -c 'write -z 1M 64k' dyn$bs.vhdx
    add dyn$bs.vhdx
done
qemu-img create -q -f vhdx -o subformat=fixed,block_size=1M fixed.vhdx 8M
q -c 'write -s pat 0 1M' -c 'write -s pat 7M 64k' fixed.vhdx; add fixed.vhdx
qemu-img create -q -f vhdx -o block_size=2M,log_size=2M,block_state_zero=off bsz.vhdx 32M
q -c 'write -s pat 4k 64k' -c 'write -s pat 9M 8k' bsz.vhdx; add bsz.vhdx
qemu-img create -q -f vhdx pending.vhdx 64M
q -c 'write -s pat 0 128k' -c 'write -s pat 20M 64k' pending.vhdx
python3 "$HERE/vhdx_pending.py" pending.vhdx >/dev/null; add pending.vhdx
# a differencing VHDX: qemu-img 7.2 can neither create nor open one, so
# vhdx_diff.py turns a dynamic image into one (parent locator whose paths
# carry a name, sector bitmap block); the checker compares QEMU's view of
# both with the parent link removed
qemu-img create -q -f vhdx -o block_size=1M diff.vhdx 64M
q -c 'write -s pat 0 128k' -c 'write -s pat 40M 64k' diff.vhdx
python3 "$HERE/vhdx_diff.py" diff.vhdx >/dev/null; add diff.vhdx
