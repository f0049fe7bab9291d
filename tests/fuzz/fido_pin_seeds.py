#!/usr/bin/env python3
"""fido_pin_seeds.py - writes the seeds of fuzz-fido_pin into
tests/fuzz/corpus/fido_pin/ (the record format is in fuzz_fido_pin.c):
a protocol byte, then records of op, u16 BE length, payload.  Each seed
is a sequence a platform would send: credential management over resident
credentials, config, large blobs, PIN changes and mistakes.

Usage: tests/fuzz/fido_pin_seeds.py [OUT_DIR]
"""
import hashlib
import os
import struct
import sys

RAW, CM, CONFIG, LB_SET, LB_PUT, TOKEN, CHANGE, WRONG, MC, GA, CLOCK, CM_CRED = range(12)
RPS = ["rp0.example", "rp1.example", "example.com", "x"]


def rec(op, payload=b""):
    return struct.pack(">BH", op, len(payload)) + payload


def h(rp):
    return hashlib.sha256(rp.encode()).digest()


def cbytes(b):
    """a CBOR byte string (short forms only: under 256 bytes)"""
    if len(b) < 24:
        return bytes([0x40 + len(b)]) + b
    return bytes([0x58, len(b)]) + b


def ctext(s):
    b = s.encode()
    if len(b) < 24:
        return bytes([0x60 + len(b)]) + b
    return bytes([0x78, len(b)]) + b


def mc(flags, rp, user):
    return rec(MC, bytes([flags, rp]) + user)


def cred_id_param(rp_index):
    """subCommandParams {1: rpIDHash}"""
    return b"\xa1\x01" + cbytes(h(RPS[rp_index]))


def lb_array(entries):
    """a CBOR array of large-blob entries {1: ciphertext, 2: nonce, 3: origSize}"""
    out = bytes([0x80 + len(entries)])
    for ct, nonce, size in entries:
        out += b"\xa3\x01" + cbytes(ct) + b"\x02" + cbytes(nonce) + b"\x03" + bytes([size])
    return out


SEEDS = {
    # metadata, RPs, credentials of one RP, next, delete by a bad ID
    "credmgmt-enumerate": b"\x01"
    + mc(1, 0, b"alice") + mc(1, 0, b"bob") + rec(TOKEN, b"\x01") + mc(1 | 2, 1, b"carol")
    + rec(TOKEN, b"\x04") + rec(CM, b"\x01") + rec(CM, b"\x02") + rec(RAW, b"\x0a\xa1\x01\x03")
    + rec(CM, b"\x04" + cred_id_param(0)) + rec(RAW, b"\x0a\xa1\x01\x05")
    + rec(CM_CRED, b"\x06\x01") + rec(CM, b"\x04" + cred_id_param(0))
    + rec(CM, b"\x06\xa1\x02\xa2\x62id" + cbytes(b"\x01" * 64) + b"\x64type"
          + ctext("public-key")),
    # protocol 1 this time; a token bound to rp0 (metadata refused); update a user
    "credmgmt-bound": b"\x00"
    + mc(1, 0, b"alice") + rec(TOKEN, b"\x01") + mc(1 | 4, 2, b"dave")
    + rec(TOKEN, b"\x04" + RPS[0].encode()) + rec(CM, b"\x01")
    + rec(CM, b"\x04" + cred_id_param(0))
    + rec(CM, b"\x07\xa2\x02\xa2\x62id" + cbytes(b"\x00" * 64) + b"\x64type"
          + ctext("public-key") + b"\x03\xa2\x62id" + cbytes(b"alice") + b"\x64name"
          + ctext("Alice"))
    + rec(CM_CRED, b"\x07\x00\xa3\x62id" + cbytes(b"alice") + b"\x64name" + ctext("Al")
          + b"\x6bdisplayName" + ctext("Alice A.")),
    # alwaysUv on and off, minPINLength up with RP IDs, forced change
    "config": b"\x01"
    + rec(CONFIG, b"\x02") + rec(MC, b"\x08\x00u") + rec(CONFIG, b"\x02")
    + rec(CONFIG, b"\x03\xa2\x01\x06\x02\x81" + ctext("example.com"))
    + rec(TOKEN, b"\x02") + rec(CHANGE, b"123456") + rec(TOKEN, b"\x37")
    + rec(CONFIG, b"\x03\xa1\x03\xf5") + rec(CHANGE, b"654321"),
    # a whole array, read back, then a write in two fragments
    "large-blobs": b"\x01"
    + rec(LB_PUT, lb_array([(b"\x11" * 32, b"\x22" * 12, 16)]))
    + rec(RAW, b"\x0c\xa2\x01\x19\x01\x00\x03\x00")
    + rec(LB_SET, struct.pack("<HH", 0, 40) + b"\x81" + b"\xa0" * 19)
    + rec(LB_SET, struct.pack("<HH", 20, 0xffff) + b"\x00" * 20)
    + rec(RAW, b"\x0c\xa2\x01\x18\x40\x03\x00"),
    # three wrong PINs (blocked until power-up), retries, the clock
    "wrong-pins": b"\x00"
    + rec(WRONG, b"0000") + rec(TOKEN, b"\x01") + rec(WRONG, b"1111")
    + rec(WRONG, b"2222") + rec(WRONG, b"3333") + rec(TOKEN, b"\x01")
    + rec(RAW, b"\x06\xa2\x01\x01\x02\x01") + rec(CLOCK, b"\x14"),
    # getAssertion with the token, the token ageing out, a fresh one
    "assert-token": b"\x01"
    + mc(1, 2, b"eve") + rec(GA, b"\x02") + rec(GA, b"\x00") + rec(CLOCK, b"\x14")
    + rec(GA, b"\x02") + rec(TOKEN, b"\x03" + RPS[2].encode()) + rec(GA, b"\x02"),
}


def main():
    top = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(top, "corpus", "fido_pin")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(SEEDS), out))


if __name__ == "__main__":
    main()
