#!/usr/bin/env python3
"""mux_e2e.py - `emkit fido mux` end to end with real processes.

The "physical key" is `emkit fido serve --hid-socket K --presence after:MS`
(every user-presence test waits MS, so KEEPALIVEs flow); `emkit fido mux
--key-socket K --listen M` shares it.  At the same time, through M:

- N libfido2 processes (test-fido-mux-client, tests/fido/fido_sock_io.c),
  each running ROUNDS makeCredential + getAssertion rounds, verified;
- one python3-fido2 client (tests/fido/sock_hid.py) doing the same, its
  attestations checked by PackedAttestation and its assertions by ES256;
- a watcher: a raw client that only INITs and must then receive nothing at
  all (any report reaching it is a response for someone else);
- a raw client that starts a wait for the user (authenticatorSelection) and
  is SIGKILLed once its first KEEPALIVE arrived, and a libfido2 client that
  is SIGKILLed part way through its rounds: neither may wedge the others.

Every client uses its own user ID and client data hashes, so an answer
routed to the wrong client fails its verification.

--throughput (presence always) instead times ROUNDS rounds by 1, 2 and 4
concurrent libfido2 clients through the mux, and 1 client straight at the
key in the same run (the mux's cost).

Usage: mux_e2e.py EMKIT MUX-CLIENT [--clients N] [--rounds R]
       [--presence-ms MS] [--throughput]
Exit 77 (skipped) without python3-fido2.
"""
import argparse
import hashlib
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fido"))
import sock_hid  # noqa: E402  (re-executes or skips without fido2)

from fido2.attestation import PackedAttestation  # noqa: E402
from fido2.cose import CoseKey  # noqa: E402
from fido2.ctap2 import Ctap2  # noqa: E402

RP = {"id": "mux-py.emkit.example", "name": "mux"}
ES256_PARAMS = [{"type": "public-key", "alg": -7}]
REPORT = 64

# A raw client that asks for the user and says "waiting" at its first
# KEEPALIVE; the parent kills it there.
DOOMED = r"""
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
nonce = b"doomed!!"
s.send(struct.pack(">IBH", 0xffffffff, 0x86, 8) + nonce + bytes(49))
r = s.recv(64)
assert r[4] == 0x86 and r[7:15] == nonce, r
cid = r[15:19]
s.send(cid + bytes([0x90, 0, 1, 0x0b]) + bytes(56))
while True:
    r = s.recv(64)
    assert r[:4] == cid, r
    if r[4] == 0xbb:
        print("waiting", flush=True)
        break
s.recv(64)
"""


def sha256(b):
    return hashlib.sha256(b).digest()


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    return s


def wait_listening(path, proc, what):
    deadline = time.monotonic() + 10
    while True:
        try:
            connect(path).close()
            return
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError("%s exited with %d" % (what, proc.returncode))
        if time.monotonic() > deadline:
            raise RuntimeError("%s did not come up" % what)
        time.sleep(0.01)


class Watcher(object):
    """A raw client that INITs and must hear nothing more."""

    def __init__(self, path):
        self.sock = connect(path)
        nonce = b"watcher!"
        self.sock.send(struct.pack(">IBH", 0xFFFFFFFF, 0x86, 8) + nonce + bytes(49))
        r = self.sock.recv(REPORT)
        if r[4] != 0x86 or r[7:15] != nonce:
            raise AssertionError("watcher: INIT answer %r" % r)
        self.cid = r[15:19]

    def stray(self):
        """Reports that reached the watcher after its INIT answer."""
        self.sock.setblocking(False)
        got = []
        while True:
            try:
                got.append(self.sock.recv(REPORT))
            except BlockingIOError:
                return got


def python_client(path, rounds, errors):
    """python3-fido2: rounds of makeCredential + getAssertion, verified."""
    try:
        dev = sock_hid.open_device(path, timeout=120.0)
        ctap = Ctap2(dev)
        for n in range(rounds):
            cdh = sha256(b"py make %d" % n)
            user = {"id": b"python-%d" % n, "name": "py"}
            att = ctap.make_credential(cdh, RP, user, ES256_PARAMS)
            PackedAttestation().verify(att.att_statement, att.auth_data, cdh)
            cred = att.auth_data.credential_data
            cdh2 = sha256(b"py assert %d" % n)
            a = ctap.get_assertion(RP["id"], cdh2,
                                   [{"type": "public-key", "id": cred.credential_id}])
            a.verify(cdh2, CoseKey.parse(cred.public_key))
            if not a.auth_data.is_user_present():
                raise AssertionError("round %d: UP flag" % n)
        dev.close()
    except Exception as e:  # reported by the main thread
        errors.append("python client: %r" % e)


class Rig(object):
    """serve + mux in a temporary directory."""

    def __init__(self, emkit, presence):
        self.dir = tempfile.mkdtemp(prefix="emkit-mux-e2e-")
        self.key = os.path.join(self.dir, "key.sock")
        self.mux = os.path.join(self.dir, "mux.sock")
        self.procs = []
        serve = self.spawn([emkit, "fido", "serve", "--hid-socket", self.key,
                            "--presence", presence])
        wait_listening(self.key, serve, "emkit fido serve")
        mux = self.spawn([emkit, "fido", "mux", "--key-socket", self.key,
                          "--listen", self.mux])
        wait_listening(self.mux, mux, "emkit fido mux")
        self.serve, self.muxd = serve, mux

    def spawn(self, cmd, **kw):
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, **kw)
        self.procs.append(p)
        return p

    def close_checked(self, errors):
        rcs = self.close()
        if rcs != [0, 0]:
            errors.append("mux and serve exit statuses %r" % rcs)

    def close(self):
        if not self.procs:
            return None
        rcs = []
        for p in (self.muxd, self.serve):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
            rcs.append(p.wait(30))
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.procs = []
        shutil.rmtree(self.dir, ignore_errors=True)
        return rcs


def clients(rig, client_exe, path, n, rounds, first=1):
    return [rig.spawn([client_exe, path, str(first + i), str(rounds)],
                      stdout=subprocess.PIPE, universal_newlines=True) for i in range(n)]


def run_shared(args):
    errors = []
    rig = Rig(args.emkit, "after:%d" % args.presence_ms)
    try:
        watcher = Watcher(rig.mux)
        doomed = rig.spawn([sys.executable, "-c", DOOMED, rig.mux],
                           stdout=subprocess.PIPE, universal_newlines=True)
        line = doomed.stdout.readline().strip()
        if line != "waiting":
            errors.append("doomed raw client: %r (exit %r)" % (line, doomed.poll()))
        t0 = time.monotonic()
        victim = clients(rig, args.mux_client, rig.mux, 1, 1000, first=99)[0]
        procs = clients(rig, args.mux_client, rig.mux, args.clients, args.rounds)
        py = threading.Thread(target=python_client, args=(rig.mux, args.rounds, errors))
        py.start()
        doomed.kill()                 # mid-wait: its KEEPALIVE has arrived
        doomed.wait()
        time.sleep(3 * args.presence_ms / 1000.0)
        victim.kill()                 # somewhere in its rounds, likely queued or waiting
        victim.wait()
        for i, p in enumerate(procs):
            out, _ = p.communicate(timeout=args.timeout)
            sys.stdout.write(out)
            if p.returncode != 0:
                errors.append("libfido2 client %d exited %d" % (i + 1, p.returncode))
        py.join(args.timeout)
        if py.is_alive():
            errors.append("python client wedged")
        wall = time.monotonic() - t0
        stray = watcher.stray()
        if stray:
            errors.append("the watcher received %d reports, first %s" %
                          (len(stray), stray[0][:8].hex()))
        rig.close_checked(errors)
    except Exception:
        rig.close()
        raise
    total = args.clients + 1
    print("mux_e2e: %d libfido2 + 1 python3-fido2 clients x %d rounds, presence %d ms, "
          "a raw client killed mid-wait and a libfido2 one mid-run: %.1f s wall, "
          "%.2f transactions/s through the mux" %
          (args.clients, args.rounds, args.presence_ms, wall, total * args.rounds * 2 / wall))
    return errors


def timed(rig, client_exe, path, n, rounds):
    t0 = time.monotonic()
    procs = clients(rig, client_exe, path, n, rounds)
    bad = 0
    for p in procs:
        p.communicate(timeout=600)
        bad += p.returncode != 0
    return time.monotonic() - t0, bad


def run_throughput(args):
    errors = []
    rig = Rig(args.emkit, "always")
    try:
        wall, bad = timed(rig, args.mux_client, rig.key, 1, args.rounds)
        direct = args.rounds * 2 / wall
        print("direct to emkit fido serve, 1 client: %d rounds in %.2f s, %.1f transactions/s"
              % (args.rounds, wall, direct))
        if bad:
            errors.append("direct client failed")
        for n in (1, 2, 4):
            wall, bad = timed(rig, args.mux_client, rig.mux, n, args.rounds)
            rate = n * args.rounds * 2 / wall
            print("through emkit fido mux, %d client(s): %d rounds each in %.2f s, "
                  "%.1f transactions/s (%.2fx direct)" % (n, args.rounds, wall, rate,
                                                         rate / direct))
            if bad:
                errors.append("%d of %d mux clients failed" % (bad, n))
        rig.close_checked(errors)
    except Exception:
        rig.close()
        raise
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emkit")
    ap.add_argument("mux_client")
    ap.add_argument("--clients", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--presence-ms", type=int, default=200)
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--throughput", action="store_true")
    args = ap.parse_args()
    errors = run_throughput(args) if args.throughput else run_shared(args)
    for e in errors:
        print("mux_e2e: FAIL: " + e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
