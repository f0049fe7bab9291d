#!/usr/bin/env python3
"""Host half of the emkit-snd guest case (tests/qemu/guest-test.sh).

  snd_host.py drive LOG QMP-SOCKET QOM-PATH KEYS-SOCKET   follows the
        guest's console log: on "EMK-SND: jack-unplug" qom-set
        jacks-connected 0, on "EMK-SND: jack-replug" set it to 1, on
        "EMK-SND: pause-keys" type a space (pause) on the serial port
        behind KEYS-SOCKET 1.5 s later and another (resume) 2 s after
        that; ends at "EMK: done"
  snd_host.py wav PLAYED.wav HOST.wav         the host file must hold only
        zero bytes, then PLAYED's frames byte for byte, then anything
  snd_host.py bench LOG PIDFILE                samples QEMU's CPU time at the
        guest's "EMK-BENCH: X start|end" marks (snd-bench.sh)
  snd_host.py jitter LOG                      stream 0's completion lateness,
        dry spells and xruns from the device's trace
  snd_host.py b64 LOG NAME OUT                extracts the base64 block NAME
        of the console log into OUT
"""
import json
import os
import socket
import sys
import time
import wave


def qmp(path, cmds):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    f = s.makefile('rw')
    json.loads(f.readline())            # greeting
    out = []
    for c in [{'execute': 'qmp_capabilities'}] + cmds:
        f.write(json.dumps(c) + '\n')
        f.flush()
        while True:
            r = json.loads(f.readline())
            if 'return' in r or 'error' in r:
                out.append(r)
                break
    s.close()
    return out[1:]


def jack(sock, path, value):
    r = qmp(sock, [{'execute': 'qom-set', 'arguments': {
        'path': path, 'property': 'jacks-connected', 'value': value}}])
    print('qom-set jacks-connected=%d: %s' % (value, r[0]))


def keys(path):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    time.sleep(1.5)
    s.sendall(b' ')
    print('typed pause')
    time.sleep(2)
    s.sendall(b' ')
    print('typed resume')
    time.sleep(0.5)
    s.close()


def drive(log, sock, path, keysock):
    steps = [('EMK-SND: jack-unplug', lambda: jack(sock, path, 0)),
             ('EMK-SND: jack-replug', lambda: jack(sock, path, 1)),
             ('EMK-SND: pause-keys', lambda: keys(keysock))]
    deadline = time.time() + 600
    while steps and time.time() < deadline:
        try:
            text = open(log, errors='replace').read()
        except OSError:
            text = ''
        if 'EMK: done' in text:
            break
        if steps[0][0] in text:
            steps.pop(0)[1]()
        time.sleep(0.2)
    return 0 if not steps else 1


def frames(path):
    w = wave.open(path, 'rb')
    p = (w.getnchannels(), w.getsampwidth(), w.getframerate())
    return p, w.readframes(w.getnframes())


def frames_to_eof(path):
    """As frames(), but the data chunk runs to the end of the file (a
    writer that fixes its header only when it closes leaves it short)."""
    p, data = frames(path)
    raw = open(path, 'rb').read()
    off = raw.find(b'data')
    if off >= 0 and len(raw) - (off + 8) > len(data):
        print('note: %s holds %d data bytes, its header says %d'
              % (path, len(raw) - off - 8, len(data)))
        data = raw[off + 8:]
    return p, data


def wav(played, host, last_only=''):
    """last_only: the host file holds only the last voice (QEMU's wav
    audiodev rewrites its file for each voice): it must then be a prefix
    of PLAYED's frames, at least LAST_ONLY bytes long."""
    pp, src = frames(played)
    hp, out = frames_to_eof(host)
    if last_only:
        n = len(out)
        if n < int(last_only) or out != src[:n]:
            print('FAIL: the host file (%d bytes) is not the first %s+ bytes of '
                  'the played frames' % (n, last_only))
            return 1
        print('OK: the last voice, %d frames, byte for byte' % (n // (pp[0] * pp[1])))
        return 0
    if pp != hp:
        print('FAIL: formats differ: played %s, host %s' % (pp, hp))
        return 1
    off = out.find(src[:4096])
    if off < 0:
        print('FAIL: the played frames are not in the host file (%d bytes)' % len(out))
        return 1
    if out[:off].count(0) != off:
        print('FAIL: non-zero bytes before the played frames (offset %d)' % off)
        return 1
    got = out[off:off + len(src)]
    if got != src:
        bad = next(i for i in range(len(got)) if i >= len(src) or got[i] != src[i]) \
            if len(got) == len(src) else min(len(got), len(src))
        print('FAIL: frames differ from byte %d of %d (host has %d after the offset)'
              % (bad, len(src), len(got)))
        return 1
    fb = pp[0] * pp[1]
    print('OK: %d frames byte for byte after %d frames of leading silence; '
          '%d bytes follow' % (len(src) // fb, off // fb, len(out) - off - len(src)))
    return 0


def b64(log, name, outp):
    import base64
    lines = open(log, errors='replace').read().splitlines()
    try:
        a = lines.index('EMK-B64-BEGIN ' + name)
        b = lines.index('EMK-B64-END', a)
    except ValueError:
        print('FAIL: no base64 block %s in %s' % (name, log))
        return 1
    data = base64.b64decode(''.join(l.strip() for l in lines[a + 1:b]))
    open(outp, 'wb').write(data)
    print('OK: %s, %d bytes' % (outp, len(data)))
    return 0


def cpu(pid):
    """(process CPU s, main-thread CPU s) from /proc."""
    tick = os.sysconf('SC_CLK_TCK')
    tot = main = 0.0
    for tid in os.listdir('/proc/%d/task' % pid):
        try:
            f = open('/proc/%d/task/%s/stat' % (pid, tid)).read()
        except OSError:
            continue
        v = f[f.rindex(')') + 2:].split()
        t = (int(v[11]) + int(v[12])) / tick
        tot += t
        if int(tid) == pid:
            main = t
    return tot, main


def bench(log, pidfile):
    marks = {}
    want = ['idle start', 'idle end', 'virtio start', 'virtio end',
            'hda start', 'hda end']
    deadline = time.time() + 1200
    pid = None
    while want and time.time() < deadline:
        if pid is None:
            try:
                pid = int(open(pidfile).read())
            except (OSError, ValueError):
                pass
        try:
            text = open(log, errors='replace').read()
        except OSError:
            text = ''
        if pid and 'EMK-BENCH: ' + want[0] in text:
            marks[want.pop(0)] = (time.time(),) + cpu(pid)
            continue
        if 'EMK: done' in text:
            break
        time.sleep(0.05)
    if want:
        print('FAIL: marks missing: %s' % want)
        return 1
    res = {}
    for k in ('idle', 'virtio', 'hda'):
        a, b = marks[k + ' start'], marks[k + ' end']
        dt = b[0] - a[0]
        res[k] = (dt, (b[1] - a[1]) / dt, (b[2] - a[2]) / dt)
        print('%-7s %6.1f s wall  process %.3f CPU-s/s  main thread %.3f CPU-s/s'
              % (k, dt, res[k][1], res[k][2]))
    for k in ('virtio', 'hda'):
        print('%-7s over idle: process %+.3f CPU-s/s, main thread %+.3f CPU-s/s'
              % (k, res[k][1] - res['idle'][1], res[k][2] - res['idle'][2]))
    dv = res['virtio'][2] - res['idle'][2]
    dh = res['hda'][2] - res['idle'][2]
    pv = res['virtio'][1] - res['idle'][1]
    ph = res['hda'][1] - res['idle'][1]
    print('ratio virtio-snd / intel-hda: process %.2f, main thread %.2f'
          % (pv / ph if ph > 0 else float('nan'), dv / dh if dh > 0 else float('nan')))
    return 0


def jitter(log):
    """Stream 0's completions from the virtio_snd_io trace: how late each
    came after its due time (the device's own timing), the dry spells
    (the guest did not refill in time: the count restarts) and xruns."""
    late, dry = [], []
    xr = n = 0
    for l in open(log, errors='replace'):
        w = l.split()
        if len(w) < 6 or w[0] != 'emkit:':
            continue
        if w[3] == 'virtio_snd_io' and w[5] == '0' and 'late' in w:
            late.append(int(w[w.index('late') + 1]) / 1e6)
            n += 1
        elif w[3] == 'virtio_snd_dry' and w[5] == '0':
            dry.append(int(w[8]) / 1e6)
        elif w[3] == 'virtio_snd_xrun':
            xr += 1
    if len(late) < 3:
        print('jitter: too few completions (%d)' % len(late))
        return 1
    late.sort()
    print('completions %d; lateness after the due time: median %.3f ms, '
          'p99 %.3f ms, max %.3f ms; dry spells %d (longest %.1f ms); '
          'xrun events %d'
          % (n, late[len(late) // 2], late[int(len(late) * 0.99)], late[-1],
             len(dry), max(dry) if dry else 0.0, xr))
    return 0


if __name__ == '__main__':
    cmd = sys.argv[1]
    sys.exit({'drive': drive, 'wav': wav, 'b64': b64, 'bench': bench,
                  'jitter': jitter}[cmd](*sys.argv[2:]))
