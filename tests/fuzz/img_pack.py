#!/usr/bin/env python3
"""img_pack.py IMAGE OUT [FLAGS] - writes IMAGE as a sparse fuzz input for
the img targets (format: tests/fuzz/fuzz_img_common.h): "EMKS", FLAGS
(VHDX: which checksums the harness recomputes), the file size in 64 KiB
units, then one record (offset, length, bytes) per run of non-zero bytes."""
import os
import struct
import sys


def runs(data, gap=32):
    """[a, b) runs of non-zero bytes, joined across gaps shorter than gap."""
    out = []
    i, n = 0, len(data)
    while i < n:
        if data[i] == 0:
            # skip zeros quickly
            j = i
            while j < n and data[j] == 0:
                j += 1
            i = j
            continue
        a = i
        z = 0
        while i < n and z < gap:
            z = z + 1 if data[i] == 0 else 0
            i += 1
        out.append((a, i - z))
    return out


def main():
    src, dst = sys.argv[1], sys.argv[2]
    flags = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    data = open(src, "rb").read()
    size = len(data)
    out = bytearray(b"EMKS" + bytes([flags]) + struct.pack("<I", (size + 65535) // 65536)[:3])
    for a, b in runs(data):
        while a < b:
            n = min(b - a, 65535)
            out += struct.pack("<IH", a, n) + data[a:a + n]
            a += n
    open(dst, "wb").write(bytes(out))
    print("%s: %d bytes -> %d" % (os.path.basename(dst), size, len(out)))


if __name__ == "__main__":
    main()
