#!/usr/bin/env python3
"""tests/user/stracecmp.py OURS THEIRS - compares emkit-user's -strace
output of a riscv64 program with strace(1)'s of the same program built for
the host: the lines between the two prctl(PR_GET_DUMPABLE) markers, for the
syscalls both traces use, after masking addresses, pids and times.  Known,
intended differences are listed and counted apart: strace prints only an
address for an ioctl argument it does not decode (we decode it), and an
unknown ioctl with a pointer argument is refused (ENOTTY) by design."""
import difflib
import re
import sys

LINE = re.compile(r'^(?:\d+ +|\[pid +\d+\] )?([a-z_0-9]+)\((.*)$')
SIG = re.compile(r'^(?:\d+ +|\[pid +\d+\] )?(--- SIG[A-Z0-9]+ .*)$')


PID = re.compile(r'^(\d+) +|^\[pid +(\d+)\] ')


def joined(path):
    """strace -f's lines with each '<unfinished ...>' joined to its
    '<... NAME resumed>' (per pid)."""
    part = {}
    for raw in open(path, errors='replace'):
        raw = raw.rstrip('\n')
        m = PID.match(raw)
        pid = (m.group(1) or m.group(2)) if m else ''
        body = raw[m.end():] if m else raw
        if body.endswith(' <unfinished ...>'):
            part[pid] = body[:-len(' <unfinished ...>')]
            continue
        r = re.match(r'<\.\.\. [a-z_0-9]+ resumed>(.*)$', body)
        if r and pid in part:
            body = part.pop(pid) + r.group(1)
        yield body


def region(path):
    out, inside, marks = [], False, 0
    for raw in joined(path):
        m = LINE.match(raw.rstrip('\n'))
        if not m:
            g = SIG.match(raw.rstrip('\n'))
            if inside and g:
                out.append(('signal', g.group(1)))
            continue
        if m.group(1) == 'prctl' and 'PR_GET_DUMPABLE' in raw:
            marks += 1
            inside = marks == 1
            continue
        if inside and '<unfinished' not in raw and 'resumed>' not in raw:
            out.append((m.group(1), m.group(1) + '(' + m.group(2)))
    return out


def mask(name, s):
    # x86-64 has SA_RESTORER and sa_restorer; riscv64 has neither
    s = s.replace('SA_RESTORER|', '').replace(', sa_restorer=', ', sa_restorer=')
    s = re.sub(r', sa_restorer=0x[0-9a-f]+', '', s)
    s = re.sub(r'0x[0-9a-f]{5,}', 'ADDR', s)
    s = re.sub(r'tv_sec=\d+, tv_nsec=\d+', 'tv_sec=T, tv_nsec=T', s)
    s = re.sub(r'tv_sec=\d+, tv_usec=\d+', 'tv_sec=T, tv_usec=T', s)
    if name == 'getrandom':
        s = re.sub(r'"(\\x[0-9a-f]{2})+"', '"RANDOM"', s)
    if name in ('getpid', 'getppid', 'gettid', 'kill', 'wait4', 'tgkill', 'clone', 'setsid', 'signal',
                'getsid', 'getpgid', 'setpgid') or 'PGRP' in s:
        s = re.sub(r'\b\d{2,}\b', 'PID', s)
    s = re.sub(r'\b\d{5,}\b', 'N', s)
    s = re.sub(r'sin_port=htons\(\d+\)', 'sin_port=htons(P)', s)
    s = re.sub(r'procs=\d+', 'procs=N', s)
    return re.sub(r'\s+= ', ' = ', s)


def known(ours, theirs):
    if ours.startswith('ioctl(') and re.match(r'ioctl\(\d+, [A-Z_0-9 ]+, ADDR\) = ', theirs):
        a = re.sub(r', \{.*\}\) = ', ', X) = ', ours)
        b = re.sub(r', ADDR\) = ', ', X) = ', theirs)
        return a == b and 'strace prints no decoding'
    if ours.startswith('ioctl(') and '_IOC(' in ours and 'ENOTTY' in ours:
        return 'unknown ioctl with a pointer: ENOTTY by design'
    if ours == '<none>' and theirs.startswith('--- SIGCHLD '):
        return 'SIGCHLD at SIG_DFL is left to the host kernel, untraced'
    if ours == '<none>' and re.match(r'getrandom\("RANDOM", 8, GRND_NONBLOCK\)', theirs):
        return "the host C library's malloc seeds itself"
    if ours.startswith('syscall_') and theirs.startswith('syscall_'):
        if ours.split('(')[0] == theirs.split('(')[0] and ours.split(' = ')[-1] == theirs.split(' = ')[-1]:
            return 'unknown syscall: raw registers differ by architecture'
    q = r'"(?:[^"\\]|\\.)*"'
    if ours.startswith('read(') and re.sub(q, 'S', ours) == re.sub(q, 'S', theirs) and ', 128) = 128' in ours:
        return 'signalfd_siginfo carries the pid'
    return False


def report(x, y):
    """Prints a pair that differs; returns 'known' or 'diff'."""
    why = known(x, y)
    if why:
        print('known (%s):\n  ours   %s\n  strace %s' % (why, x, y))
        return 'known'
    print('DIFF\n  ours   %s\n  strace %s' % (x, y))
    return 'diff'


def main():
    ours, theirs = region(sys.argv[1]), region(sys.argv[2])
    names = {n for n, _ in ours} & {n for n, _ in theirs}
    a = [mask(n, l) for n, l in ours if n in names]
    b = [mask(n, l) for n, l in theirs if n in names]
    same = diff = kn = moved = 0
    left = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == 'equal':
            same += i2 - i1
            continue
        xs, ys = a[i1:i2], b[j1:j2]
        for k in range(max(len(xs), len(ys))):
            x = xs[k] if k < len(xs) else '<none>'
            y = ys[k] if k < len(ys) else '<none>'
            if known(x, y):
                kn += report(x, y) == 'known'
            else:
                left.append((x, y))
    # a line of one process that the other trace has elsewhere: processes
    # run concurrently, so their lines may interleave differently
    xs = [x for x, _ in left if x != '<none>']
    ys = [y for _, y in left if y != '<none>']
    for x in list(xs):
        if x in ys:
            xs.remove(x)
            ys.remove(x)
            moved += 1
    for k in range(max(len(xs), len(ys))):
        r = report(xs[k] if k < len(xs) else '<none>', ys[k] if k < len(ys) else '<none>')
        kn += r == 'known'
        diff += r == 'diff'
    same += moved
    ioc = sum(1 for l in a if l.startswith('ioctl('))
    print('%d lines equal (%d of them in another order across processes), %d known differences, '
          '%d different; %d ioctl lines; syscalls compared: %s'
          % (same, moved, kn, diff, ioc, ' '.join(sorted(names))))
    return 1 if diff or not same else 0


sys.exit(main())
