#!/usr/bin/env python3
"""repl_peer.py CMD... < INPUT: runs CMD (a micro:bit emulator with its
UART on stdio), feeds INPUT to it one line at a time, each line only after
the REPL prompt ('>>> ' or '... ', perhaps with the auto-indent
after it) has appeared, and prints what the UART
said.  Stops TIMEOUT seconds after the last output once all input is sent
(env REPL_QUIET, default 3), or after REPL_LIMIT seconds in all (default
60).  This is the same pacing `emkit microbit --repl-pace` applies, done
from outside so that a peer (qemu-system-arm -M microbit) gets it too."""
import os
import select
import subprocess
import sys
import time

def main():
    lines = sys.stdin.read().replace('\r\n', '\n').split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    quiet = float(os.environ.get('REPL_QUIET', '3'))
    limit = float(os.environ.get('REPL_LIMIT', '60'))
    p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, bufsize=0)
    out = bytearray()
    start = last = time.monotonic()
    sent_after = -1          # length of out when the last line was sent
    first = True
    while True:
        now = time.monotonic()
        if now - start > limit:
            break
        if not lines and now - last > quiet:
            break
        r, _, _ = select.select([p.stdout], [], [], 0.05)
        if r:
            b = os.read(p.stdout.fileno(), 4096)
            if not b:
                break
            out += b
            last = time.monotonic()
            continue
        line = bytes(out[out.rfind(b'\n') + 1:])
        prompt = line[:4] in (b'>>> ', b'... ') and not line[4:].strip(b' ')
        if lines and len(out) > sent_after and prompt:
            p.stdin.write(lines.pop(0).encode() + b'\r')
            sent_after = len(out)
            last = time.monotonic()
        elif first and not out and now - start > 2:
            # some firmwares only show the prompt after a key
            p.stdin.write(b'\r')
            first = False
    p.kill()
    p.wait()
    sys.stdout.buffer.write(bytes(out))

main()
