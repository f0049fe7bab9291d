#!/usr/bin/env python3
"""Cross-checks emkit's CBOR against python3-fido2's fido2.cbor, a CTAP2
canonical encoder/decoder written elsewhere.

Usage: xcheck_fido2.py CBOR_XCHECK [SEED]

CBOR_XCHECK (cbor_xcheck.c) decodes each hex line with emk_cbor_decode and
re-encodes it with emkit's encoder by walking it with the accessors.

1. Random CTAP-like structures (ints at every head boundary, up to +-2^64,
   booleans, byte and text strings with any code point, arrays, maps with
   integer and text keys, nesting up to EMK_CBOR_MAX_DEPTH) encoded by
   fido2.cbor.encode: emkit must accept each, re-encode it byte for byte,
   and fido2.cbor.decode must read emkit's bytes back as the same value.
   One level deeper than the limit must be refused with -ELOOP.
2. Mutations of those encodings (bytes flipped, inserted, deleted, cut):
   whenever emkit accepts, its re-encoding must equal the input and fido2
   must decode it and re-encode it to the same bytes (unless the input has
   null/undefined or non-hashable keys, which fido2 0.9 cannot represent);
   whenever fido2 decodes an input to a value it re-encodes to exactly the
   same bytes (canonical CTAP2 by fido2's rules), emkit must accept it.
Exits 77 (skipped) if fido2 is missing.
"""
import errno
import random
import subprocess
import sys

try:
    from fido2 import cbor
except ImportError:
    print("fido2 not installed")
    sys.exit(77)

MAX_DEPTH = 16
LIMIT = 60000   # bytes per input; cbor-xcheck reads lines of up to 64 KiB
BOUNDS = [0, 1, 23, 24, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**63 - 1, 2**63, 2**64 - 1]
CHARS = ("a", "Z", "0", " ", "\x00", "\x7f", "\x80", "\u00fc", "\u07ff", "\u0800",
         "\u6c34", "\ud7ff", "\ue000", "\uffff", "\U00010000", "\U00010151",
         "\U0001f600", "\U0010ffff")


def rand_int(r):
    b = r.choice(BOUNDS)
    v = b + r.choice((-1, 0, 0, 1)) if b else r.choice((0, 1))
    v = min(max(v, 0), 2**64 - 1)
    if r.random() < 0.4:
        v = -1 - v
    if r.random() < 0.3:
        v = r.randrange(-1000, 1000)
    return v


def rand_text(r):
    return "".join(r.choice(CHARS) for _ in range(r.choice((0, 1, 2, 5, 23, 24, 30))))


def rand_obj(r, depth, max_depth):
    kinds = ["int", "bool", "bytes", "text"]
    if depth < max_depth:
        kinds += ["list", "dict"] * 2
    k = r.choice(kinds)
    if k == "int":
        return rand_int(r)
    if k == "bool":
        return r.random() < 0.5
    if k == "bytes":
        return bytes(r.randrange(256) for _ in range(r.choice((0, 1, 16, 23, 24, 32, 65, 300))))
    if k == "text":
        return rand_text(r)
    n = r.choice((0, 1, 2, 3, 5, 24) if depth < 2 else (0, 1, 2, 3))
    if k == "list":
        return [rand_obj(r, depth + 1, max_depth) for _ in range(n)]
    d = {}
    for _ in range(n):
        key = rand_int(r) if r.random() < 0.6 else rand_text(r)
        d[key] = rand_obj(r, depth + 1, max_depth)
    return d


def nested(depth):
    v = 0
    for _ in range(depth):
        v = [v] if depth % 2 else {1: v}
    return v


def same(a, b):
    """Equal values of equal types (True is not 1 here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return len(a) == len(b) and all(k in b and same(v, b[k]) for k, v in a.items())
    return a == b


def mutate(r, b):
    b = bytearray(b)
    for _ in range(r.choice((1, 1, 2, 3))):
        op = r.randrange(5)
        if op == 0 and b:
            b[r.randrange(len(b))] = r.randrange(256)
        elif op == 1 and b:
            b[r.randrange(len(b))] ^= 1 << r.randrange(8)
        elif op == 2:
            b.insert(r.randrange(len(b) + 1), r.choice((0x00, 0x18, 0x20, 0x40, 0x60, 0x80,
                                                        0xa0, 0xf4, 0xf6, r.randrange(256))))
        elif op == 3 and b:
            del b[r.randrange(len(b))]
        elif b:
            del b[r.randrange(len(b)):]
    return bytes(b)


def run(tool, inputs):
    p = subprocess.run([tool], input="".join(x.hex() + "\n" for x in inputs),
                       capture_output=True, text=True, check=True)
    out = p.stdout.splitlines()
    assert len(out) == len(inputs), "cbor-xcheck printed %d lines for %d inputs" % (len(out), len(inputs))
    return out


def main():
    tool = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    r = random.Random(seed)
    fails = 0

    objs = [rand_obj(r, 0, r.choice((1, 2, 3, 4, 5, 6))) for _ in range(3000)]
    objs = [o for o in objs if len(cbor.encode(o)) <= LIMIT]
    objs += [nested(d) for d in range(MAX_DEPTH + 1)]
    encs = [cbor.encode(o) for o in objs]
    deep = [cbor.encode(nested(MAX_DEPTH + 1)), cbor.encode([nested(MAX_DEPTH)])]
    out = run(tool, encs + deep)
    for o, e, got in zip(objs, encs, out):
        if got != e.hex():
            print("FAIL: fido2 %s -> emkit %s" % (e.hex()[:200], got[:200]))
            fails += 1
            continue
        back = cbor.decode(bytes.fromhex(got))
        if not same(back, o):
            print("FAIL: fido2 decodes emkit's %s differently" % got[:200])
            fails += 1
    want = "ERR %d" % -errno.ELOOP
    for got in out[len(encs):]:
        if got != want:
            print("FAIL: depth %d: %s, want %s" % (MAX_DEPTH + 1, got, want))
            fails += 1
    print("structures: %d encoded by fido2, all re-encoded identically by emkit"
          % len(encs) if not fails else "structures: failures")

    muts = [mutate(r, r.choice(encs)) for _ in range(30000)]
    muts = [m for m in muts if m]
    out = run(tool, muts)
    accepted = agreed = unverifiable = canon = 0
    for m, got in zip(muts, out):
        fido = None
        holds = True    # fido2 can hold every value of m
        try:
            v = cbor.decode(m)
            e = cbor.encode(v)
            if e == m:
                fido = v
            elif len(e) == len(m) and all(a == b or (a in (0xf6, 0xf7) and b == 0xf4)
                                          for a, b in zip(m, e)):
                holds = False   # fido2 0.9 reads null and undefined as False
        except TypeError:
            holds = False       # an array or map as a key: unhashable in Python
        except Exception:
            pass
        if not got.startswith("ERR"):
            accepted += 1
            if got != m.hex():
                print("FAIL: accepted %s but re-encoded %s" % (m.hex(), got))
                fails += 1
            elif fido is not None:
                agreed += 1
            elif not holds:
                unverifiable += 1
            else:
                print("FAIL: emkit accepts %s, fido2 does not round-trip it" % m.hex())
                fails += 1
        if fido is not None:
            canon += 1
            if got.startswith("ERR"):
                print("FAIL: fido2-canonical %s refused by emkit: %s" % (m.hex(), got))
                fails += 1
    print("mutations: %d, emkit accepted %d (%d confirmed by fido2, %d with values fido2 "
          "cannot hold), fido2-canonical %d" % (len(muts), accepted, agreed, unverifiable, canon))
    if fails:
        print("%d failures" % fails)
        sys.exit(1)


if __name__ == "__main__":
    main()
