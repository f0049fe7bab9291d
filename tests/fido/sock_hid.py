"""sock_hid.py - python-fido2 (Debian python3-fido2 0.9.1) reaches the key
behind `emkit fido serve --hid-socket PATH` (docs/fido-socket.md).

SocketConnection is a fido2.hid CtapHidConnection over the SOCK_SEQPACKET
socket: one 64-byte CTAPHID report per message.  The server sends every
report to every connection, so read_packet keeps only the reports of the
channel this connection last wrote on (and, for an INIT on the broadcast
channel, the reply that echoes its nonce).  open_device() gives a
fido2.hid.CtapHidDevice on it, which fido2.ctap2.Ctap2 and the rest of the
library use as they would a USB key.  Server starts and stops the serving
process.

Importing this module without fido2 re-runs the script under
/usr/bin/python3 (where Debian's python3-fido2 lives) when that is another
interpreter, or exits 77 (meson's "skipped").
"""
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

try:
    from fido2.hid import CtapHidDevice
    from fido2.hid.base import CtapHidConnection, HidDescriptor
except ImportError:
    _SYS = "/usr/bin/python3"
    if os.path.exists(_SYS) and os.path.realpath(sys.executable) != os.path.realpath(_SYS) \
            and not os.environ.get("SOCK_HID_REEXEC"):
        os.environ["SOCK_HID_REEXEC"] = "1"
        os.execv(_SYS, [_SYS] + sys.argv)
    print("SKIP: python fido2 is not importable", file=sys.stderr)
    sys.exit(77)

REPORT = 64
BROADCAST = 0xFFFFFFFF
INIT = 0x86


class SocketConnection(CtapHidConnection):
    """A CtapHidConnection over `emkit fido serve --hid-socket PATH`."""

    def __init__(self, path, timeout=30.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.cid = None
        self.nonce = None

    def write_packet(self, data):
        if len(data) != REPORT:
            raise ValueError("a CTAPHID report is 64 bytes, not %d" % len(data))
        self.cid = struct.unpack_from(">I", data)[0]
        if self.cid == BROADCAST and data[4] == INIT:
            self.nonce = bytes(data[7:15])
        self.sock.send(data)

    def _ours(self, r):
        cid = struct.unpack_from(">I", r)[0]
        if cid != self.cid:
            return False
        if cid == BROADCAST and r[4] == INIT:
            return bytes(r[7:15]) == self.nonce
        return True

    def read_packet(self):
        while True:
            r = self.sock.recv(REPORT + 1)
            if not r:
                raise OSError("the server closed the connection")
            if len(r) == REPORT and self._ours(r):
                return r

    def close(self):
        self.sock.close()


def open_device(path, timeout=30.0):
    """A fido2.hid.CtapHidDevice on the key behind path (INIT done)."""
    desc = HidDescriptor(path, 0, 0, REPORT, REPORT)
    return CtapHidDevice(desc, SocketConnection(path, timeout))


class Server(object):
    """`emkit fido serve --hid-socket` in a temporary directory."""

    def __init__(self, emkit, state=None, presence="always", extra=(), quiet=False):
        self.emkit = emkit
        self.quiet = quiet
        self.state = state
        self.presence = presence
        self.extra = list(extra)
        self.dir = tempfile.mkdtemp(prefix="emkit-pyfido-")
        self.path = os.path.join(self.dir, "key.sock")
        self.proc = None
        self.kills = 0               # SIGKILLs sent (counted before sending)

    def start(self, wait=10.0):
        """Starts the server and returns once it accepts connections."""
        cmd = [self.emkit, "fido", "serve", "--hid-socket", self.path,
               "--presence", self.presence] + self.extra
        if self.state:
            cmd += ["--state", self.state]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL if self.quiet else None)
        deadline = time.monotonic() + wait
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            try:
                s.connect(self.path)
                s.close()
                return self
            except OSError:
                s.close()
            if self.proc.poll() is not None:
                raise RuntimeError("emkit fido serve exited with %d" % self.proc.returncode)
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("emkit fido serve did not come up")
            time.sleep(0.005)

    def stop(self):
        """SIGTERM; returns the exit status (0 expected)."""
        if not self.proc:
            return None
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(30)
        self.proc = None
        return rc

    def kill(self):
        """SIGKILL: the server dies wherever it is."""
        proc = self.proc
        if not proc:
            return None
        self.kills += 1
        proc.kill()
        rc = proc.wait(30)
        self.proc = None
        return rc

    def cleanup(self):
        self.kill()
        try:
            os.unlink(self.path)
        except OSError:
            pass
        try:
            os.rmdir(self.dir)
        except OSError:
            pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()
        return False
