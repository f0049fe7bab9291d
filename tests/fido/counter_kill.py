#!/usr/bin/env python3
"""counter_kill.py - the signature counter across kill -9s of a serving
process during getAssertion loops (issue 15's measurement, the serving
variant of counter_crash.c).

    counter_kill.py EMKIT KILLS [--max-ms MS] [--mid EVERY] [--seed N] [--dir DIR]

It starts `emkit fido serve --hid-socket S --state F`, makes one
non-resident credential through python-fido2 (sock_hid.py), then for each
of KILLS rounds starts the server again on F, runs getAssertion in a loop
(every assertion's signature verified with the credential's public key)
and SIGKILLs the server: after a random 0..MS milliseconds (default 40),
or, every EVERY-th round (default 4), right after the last report of a
getAssertion request went out, before its reply (mid-request).  Every
counter value seen is recorded.  At the end it checks that the values
seen, in the order seen across all rounds, rise strictly (no repeat, no
step back), that a last server started on F gives a value above all of
them, and reports the figures.  Exit 0 on success, 1 on any repeat or
step back or any failure, 77 without python-fido2.
"""
import argparse
import hashlib
import os
import random
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sock_hid  # noqa: E402  (re-executes or skips without fido2)

from fido2.cose import CoseKey  # noqa: E402
from fido2.ctap import CtapError  # noqa: E402
from fido2.ctap2 import Ctap2  # noqa: E402

RP = {"id": "counter.example", "name": "Counter"}
CTAPHID_CBOR = 0x90


class KillingConnection(sock_hid.SocketConnection):
    """Kills the server once the kill_at-th CBOR request is fully written."""

    def __init__(self, path, server, kill_at):
        sock_hid.SocketConnection.__init__(self, path, timeout=10.0)
        self.server = server
        self.kill_at = kill_at
        self.requests = 0
        self.left = 0                # payload bytes of the request still to go

    def write_packet(self, data):
        sock_hid.SocketConnection.write_packet(self, data)
        if data[4] & 0x80:           # an initialisation packet
            total = data[5] << 8 | data[6]
            self.left = total - min(total, 57)
            if data[4] == CTAPHID_CBOR:
                self.requests += 1
        else:
            self.left -= min(self.left, 59)
        if self.kill_at and self.requests == self.kill_at and self.left == 0:
            self.kill_at = 0
            self.server.kill()


def open_ctap(server, kill_at=0):
    conn = KillingConnection(server.path, server, kill_at)
    desc = sock_hid.HidDescriptor(server.path, 0, 0, 64, 64)
    return Ctap2(sock_hid.CtapHidDevice(desc, conn))


def assertion(ctap, cred, pub, n):
    """One getAssertion of the credential, its signature verified: the counter."""
    cdh = hashlib.sha256(b"counter %d" % n).digest()
    a = ctap.get_assertion(RP["id"], cdh, [{"type": "public-key", "id": cred}])
    a.verify(cdh, pub)
    return a.auth_data.counter


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("emkit")
    ap.add_argument("kills", type=int)
    ap.add_argument("--max-ms", type=float, default=40.0)
    ap.add_argument("--mid", type=int, default=4)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--dir", default=None)
    o = ap.parse_args()
    seed = o.seed if o.seed is not None else int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    d = o.dir or tempfile.mkdtemp(prefix="emkit-counter-kill-")
    state = os.path.join(d, "state")
    if os.path.exists(state):
        print("counter-kill: %s exists; give an empty --dir" % state, file=sys.stderr)
        return 1
    srv = sock_hid.Server(o.emkit, state=state, quiet=True)
    try:
        return run(o, rng, seed, state, srv)
    finally:
        srv.cleanup()                # no server left behind, whatever happened
        if not o.dir:
            for f in (state, state + ".tmp"):
                if os.path.exists(f):
                    os.unlink(f)
            os.rmdir(d)


def run(o, rng, seed, state, srv):
    t0 = time.monotonic()
    srv.start()
    ctap = open_ctap(srv)
    cdh = hashlib.sha256(b"make").digest()
    att = ctap.make_credential(cdh, RP, {"id": b"counter-user", "name": "c"},
                               [{"type": "public-key", "alg": -7}], options={"rk": False})
    cred = att.auth_data.credential_data.credential_id
    pub = CoseKey.parse(att.auth_data.credential_data.public_key)
    seen = [att.auth_data.counter]
    ctap.device.close()
    srv.kill()

    n = 0
    empty = mid_kills = tmp_left = 0
    for rnd in range(o.kills):
        mid = o.mid > 0 and rnd % o.mid == o.mid - 1
        srv.start()
        timer = None
        got = 0
        kills = srv.kills
        try:
            ctap = open_ctap(srv, kill_at=rng.randint(1, 8) if mid else 0)
            if not mid:
                timer = threading.Timer(rng.uniform(0, o.max_ms) / 1000.0, srv.kill)
                timer.start()
            while True:
                n += 1
                seen.append(assertion(ctap, cred, pub, n))
                got += 1
        except CtapError as e:
            srv.kill()
            print("counter-kill: round %d: the key answered %s" % (rnd, e), file=sys.stderr)
            return 1
        except Exception:
            # the server died: EOF, a reset connection, a refused connect
            # or a cut reply (fido2 raises plain Exceptions for some); with
            # no kill sent yet the failure was something else
            if srv.kills == kills:
                srv.kill()
                raise
        finally:
            if timer:
                timer.cancel()
                timer.join()
            srv.kill()
            try:
                ctap.device.close()
            except Exception:
                pass
        if not got:
            empty += 1
        if mid:
            mid_kills += 1
        if os.path.exists(state + ".tmp"):
            tmp_left += 1
        if srv.proc is None and not os.path.exists(state):
            print("counter-kill: round %d: the state file is gone" % rnd, file=sys.stderr)
            return 1

    # after the last kill: one more start, one more value
    srv.start()
    ctap = open_ctap(srv)
    final = assertion(ctap, cred, pub, n + 1)
    ctap.device.close()
    rc = srv.stop()
    elapsed = time.monotonic() - t0

    bad = [(i, seen[i - 1], seen[i]) for i in range(1, len(seen)) if seen[i] <= seen[i - 1]]
    print("counter-kill: %d kills (%d mid-request), seed %d, %d values seen, "
          "%d kills before a round's first value, %d left state.tmp behind,"
          % (o.kills, mid_kills, seed, len(seen), empty, tmp_left))
    print("  first %d, last %d, after the last kill %d, %.1f s"
          % (seen[0], seen[-1], final, elapsed))
    failed = 0
    if bad:
        failed = 1
        for i, a, b in bad[:10]:
            print("counter-kill: value %d is %d after %d" % (i, b, a), file=sys.stderr)
    if final <= seen[-1]:
        failed = 1
        print("counter-kill: %d after the last kill is not above %d" % (final, seen[-1]),
              file=sys.stderr)
    if rc != 0:
        failed = 1
        print("counter-kill: the last server exited with %r" % rc, file=sys.stderr)
    print("%d passed, %d failed" % (1 - failed, failed))
    return failed


if __name__ == "__main__":
    sys.exit(main())
