#!/usr/bin/env python3
"""ctap_seeds.py BINARY OUTDIR - seeds for fuzz-ctap from what libfido2
really sends: runs the libfido2 test BINARY (tests/fido/test-fido-ctap-
libfido2) with FIDO_DEBUG=1, takes every CTAPHID_CBOR request from
libfido2's fido_tx hex dumps, and writes, per test, one seed of all its
requests and one seed per distinct request, each request a record of a
2-byte big-endian length and its bytes (fuzz_ctap.c's input format);
and one seed of the bare commands libfido2 does not send that way."""
import hashlib
import os
import re
import subprocess
import sys

def requests(log):
    tests, cur, want, buf, left = {}, None, False, b"", 0
    for line in log.splitlines():
        m = re.match(r"\[ RUN +\] (\w+)", line)
        if m:
            cur = m.group(1)
            tests[cur] = []
            continue
        if re.match(r"fido_tx: dev=\S+ cmd=0x10$", line.replace(",", "")):
            want = True
            continue
        m = re.match(r"fido_tx: buf=\S+, len=(\d+)", line)
        if m and want:
            want, buf, left = False, b"", int(m.group(1))
            continue
        m = re.match(r"[0-9]{4}: ((?:[0-9a-f]{2} ?)+)$", line)
        if m and left:
            buf += bytes.fromhex(m.group(1))
            if len(buf) >= left:
                if cur:
                    tests[cur].append(buf[:left])
                left = 0
            continue
        want = want and line.startswith("fido_tx")
    return tests

def record(reqs):
    return b"".join(len(r).to_bytes(2, "big") + r for r in reqs)

def main():
    binary, out = sys.argv[1], sys.argv[2]
    env = dict(os.environ, FIDO_DEBUG="1")
    # cmocka names the tests on stdout, libfido2 logs on stderr: one
    # stream, line-buffered, keeps them in order
    log = subprocess.run(["stdbuf", "-oL", binary], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True).stdout
    os.makedirs(out, exist_ok=True)
    seen = set()
    for name, reqs in requests(log).items():
        if not reqs:
            continue
        with open(os.path.join(out, "libfido2-" + name), "wb") as f:
            f.write(record(reqs))
        for r in reqs:
            h = hashlib.sha256(r).hexdigest()[:12]
            if h in seen:
                continue
            seen.add(h)
            with open(os.path.join(out, "req-%02x-%s" % (r[0], h)), "wb") as f:
                f.write(record([r]))
    # what libfido2 never sends alone: authenticatorSelection (0x0B), and
    # GetNextAssertion / Reset with nothing before them
    with open(os.path.join(out, "misc-selection-next-reset"), "wb") as f:
        f.write(record([b"\x0b", b"\x08", b"\x07", b"\x04"]))
    print(len(seen), "distinct requests")

main()
