#!/usr/bin/env python3
"""romfix.py IN OUT | --check ROM - finishes emkit's BusLogic option ROM image: pads it
to whole 512-byte blocks (one byte at least left for the checksum), sets
the size byte (offset 2) and the PCI data structure's image length, the
PnP header's checksum, and the last byte so that every byte of the image
sums to 0 (mod 256), as a BIOS checks before it runs an option ROM.
--check ROM verifies a finished image the way SeaBIOS looks at it: the
signature, the size byte against the file, the image and PnP checksums,
the PCI data structure (104B:1040, class 01/00, image length, last
image) and a boot connection vector inside the image."""

import sys


def fix(img):
    img = bytearray(img)
    if img[:2] != b"\x55\xaa":
        raise SystemExit("romfix.py: no 0x55AA signature")
    blocks = len(img) // 512 + 1
    if blocks > 127:
        raise SystemExit("romfix.py: image of %d bytes: more than 64 KiB" % len(img))
    img += bytes(blocks * 512 - len(img))
    img[2] = blocks
    pcir = img[0x18] | img[0x19] << 8
    if img[pcir:pcir + 4] != b"PCIR":
        raise SystemExit("romfix.py: no PCIR at 0x%x" % pcir)
    img[pcir + 0x10] = blocks & 0xff
    img[pcir + 0x11] = blocks >> 8
    pnp = img[0x1a] | img[0x1b] << 8
    if img[pnp:pnp + 4] != b"$PnP":
        raise SystemExit("romfix.py: no $PnP at 0x%x" % pnp)
    n = img[pnp + 5] * 16
    img[pnp + 9] = 0
    img[pnp + 9] = -sum(img[pnp:pnp + n]) & 0xff
    img[-1] = 0
    img[-1] = -sum(img) & 0xff
    assert sum(img) & 0xff == 0 and sum(img[pnp:pnp + n]) & 0xff == 0
    return bytes(img)


def check(img):
    bad = []
    if img[:2] != b"\x55\xaa":
        bad.append("no 0x55AA signature")
    if img[2] * 512 != len(img):
        bad.append("size byte %d * 512 != %d bytes" % (img[2], len(img)))
    if sum(img) & 0xff:
        bad.append("image checksum 0x%02x" % (sum(img) & 0xff))
    pcir = img[0x18] | img[0x19] << 8
    p = img[pcir:pcir + 0x18]
    if p[:4] != b"PCIR" or p[4:8] != b"\x4b\x10\x40\x10":
        bad.append("PCIR at 0x%x: not 104B:1040" % pcir)
    elif p[0xd:0x10] != b"\x00\x00\x01" or p[0x10] | p[0x11] << 8 != img[2] or p[0x15] != 0x80:
        bad.append("PCIR: class, image length or last-image indicator wrong")
    pnp = img[0x1a] | img[0x1b] << 8
    h = img[pnp:pnp + img[pnp + 5] * 16]
    if h[:4] != b"$PnP" or sum(h) & 0xff:
        bad.append("PnP header at 0x%x: signature or checksum" % pnp)
    else:
        bcv = h[0x16] | h[0x17] << 8
        if not 0x20 <= bcv < len(img):
            bad.append("BCV 0x%x outside the image" % bcv)
    for b in bad:
        print("romfix.py --check: " + b, file=sys.stderr)
    if not bad:
        print("ok: %d bytes, PCI 104B:1040, PnP BCV, checksums 0" % len(img))
    return 1 if bad else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--check":
        with open(argv[2], "rb") as f:
            return check(f.read())
    if len(argv) != 3:
        raise SystemExit("usage: romfix.py IN OUT | --check ROM")
    with open(argv[1], "rb") as f:
        img = fix(f.read())
    with open(argv[2], "wb") as f:
        f.write(img)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
