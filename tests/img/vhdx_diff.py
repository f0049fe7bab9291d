#!/usr/bin/env python3
"""vhdx_diff.py IMG - turns a dynamic VHDX made by qemu-img (block size
1 MiB, 512-byte logical sectors) into a differencing image, as Hyper-V
writes them: qemu-img 7.2 cannot create one ("Backing file not supported
for file format 'vhdx'") and cannot open one.

  * the file parameters get HasParent;
  * a parent locator item (VHDX locator type) is added to the metadata
    region with parent_linkage (a GUID, must be kept) and relative_path,
    volume_path and absolute_win32_path (file names that may carry personal
    data: --scrub-names replaces them), UTF-16LE as the spec says;
  * the first chunk's sector bitmap block is allocated at the end of the
    file (SB_BLOCK_PRESENT) with bits set for the present blocks.
"""
import struct
import sys

MIB = 1 << 20
GUID_META = bytes.fromhex("06a27c8b90479a4bb8fe575f050f886e")
GUID_BAT = bytes.fromhex("6677c22d23f600429d64115e9bfd4a08")
GUID_PARAMS = bytes.fromhex("3767a1ca36fa434db3b633f0aa44e76b")
GUID_LOCATOR = bytes.fromhex("2d5fd3a80bb34d45abf7d3d84834ab0c")    # A8D35F2D-B30B-454D-...
TYPE_VHDX = bytes.fromhex("b7ef4ab09ed1814ab78925b8e9445913")       # B04AEFB7-D19E-4A81-...

PAIRS = [
    ("parent_linkage", "{83ed0ec3-24c8-49a6-a959-5e4bf1288bfb}"),
    ("relative_path", "..\\EMKNAME-alice\\parent-disk.vhdx"),
    ("volume_path", "\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\Users\\EMKNAME-alice\\parent-disk.vhdx"),
    ("absolute_win32_path", "\\\\?\\C:\\Users\\EMKNAME-alice\\Documents\\parent-disk.vhdx"),
]


def locator():
    n = len(PAIRS)
    table = bytearray(TYPE_VHDX + struct.pack("<HH", 0, n))
    strings = bytearray()
    base = 20 + 12 * n
    for k, v in PAIRS:
        kb, vb = k.encode("utf-16-le"), v.encode("utf-16-le")
        ko = base + len(strings)
        strings += kb
        vo = base + len(strings)
        strings += vb
        table += struct.pack("<IIHH", ko, vo, len(kb), len(vb))
    return bytes(table + strings)


def changed(old, new):
    """[a, b) ranges of 4 KiB pages where new differs from old (or is new)."""
    out = []
    for a in range(0, len(new), 4096):
        if new[a:a + 4096] != old[a:a + 4096] and any(new[a:a + 4096]):
            if out and out[-1][1] == a:
                out[-1] = (out[-1][0], a + 4096)
            else:
                out.append((a, a + 4096))
    return out


def main(name):
    d = bytearray(open(name, "rb").read())
    orig = bytes(d)
    rt = 192 * 1024
    meta = bat = None
    for i in range(struct.unpack("<I", d[rt + 8:rt + 12])[0]):
        e = rt + 16 + 32 * i
        off = struct.unpack("<Q", d[e + 16:e + 24])[0]
        if d[e:e + 16] == GUID_META:
            meta = off
        elif d[e:e + 16] == GUID_BAT:
            bat = off
    assert meta and bat and d[meta:meta + 8] == b"metadata"
    n = struct.unpack("<H", d[meta + 10:meta + 12])[0]
    end = 65536
    for i in range(n):
        e = meta + 32 + 32 * i
        ioff, ilen = struct.unpack("<II", d[e + 16:e + 24])
        end = max(end, ioff + ilen)
        if d[e:e + 16] == GUID_PARAMS:
            bs, flags = struct.unpack("<II", d[meta + ioff:meta + ioff + 8])
            assert bs == MIB, "needs a 1 MiB block size"
            struct.pack_into("<I", d, meta + ioff + 4, flags | 2)    # HasParent
    loc = locator()
    loff = (end + 4095) // 4096 * 4096
    d[meta + loff:meta + loff + len(loc)] = loc
    e = meta + 32 + 32 * n
    d[e:e + 32] = GUID_LOCATOR + struct.pack("<IIII", loff, len(loc), 4, 0)   # IsRequired
    struct.pack_into("<H", d, meta + 10, n + 1)
    # sector bitmap block of chunk 0 (chunk ratio 4096 for 1 MiB / 512 B)
    cr = (1 << 23) * 512 // MIB
    present = [k for k in range(cr) if struct.unpack("<Q", d[bat + 8 * k:bat + 8 * k + 8])[0] & 7 == 6]
    sb = (len(d) + MIB - 1) // MIB * MIB
    d += bytes(sb + MIB - len(d))
    for k in present:
        d[sb + 256 * k:sb + 256 * (k + 1)] = b"\xff" * 256   # 2048 sectors per block
    struct.pack_into("<Q", d, bat + 8 * cr, sb | 6)          # SB_BLOCK_PRESENT
    # write only what changed, so the file keeps its holes
    with open(name, "r+b") as f:
        for a, b in changed(orig, d):
            f.seek(a)
            f.write(d[a:b])
        f.truncate(len(d))
    print("differencing: locator at metadata +%d (%d bytes), sector bitmap at %d, blocks %s"
          % (loff, len(loc), sb, present))


if __name__ == "__main__":
    main(sys.argv[1])
