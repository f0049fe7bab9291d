#!/usr/bin/env python3
"""micropython.py EMKIT CASE: Debian's MicroPython for the micro:bit v1 on
`emkit microbit`, checked through its UART and the decoded LED matrix.

Cases: repl, display, scroll, buttons, accel, uflash, time.  Exit 77 (meson's
skip) when the firmware or uflash is not installed."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

FIRMWARE = '/usr/share/firmware-microbit-micropython/firmware.hex'
EMKIT = sys.argv[1] if len(sys.argv) > 1 else 'emkit'
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)


def run(stdin='', args=(), hexfile=None):
    """Runs the REPL session; returns (uart text, frames [(us, image)])."""
    with tempfile.TemporaryDirectory() as tmp:
        frames = os.path.join(tmp, 'frames')
        cmd = [EMKIT, 'microbit'] + ([hexfile] if hexfile else []) + \
              ['--frames', frames] + list(args)
        p = subprocess.run(cmd, input=stdin.encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=300)
        check(p.returncode == 0, '%s exited %d: %s' % (cmd, p.returncode,
                                                        p.stderr.decode()))
        out = p.stdout.decode('latin-1').replace('\x00', '')
        fr = []
        with open(frames) as f:
            for line in f:
                t, img = line.split()
                fr.append((int(t), [[int(c) for c in row] for row in img.split(':')]))
        return out, fr


def answers(out):
    """The lines the REPL printed that are not echoes or prompts."""
    return [l for l in out.replace('\r', '').split('\n')
            if l and not l.startswith('>>> ') and not l.startswith('... ')]


def img(text):
    return [[int(c) for c in row] for row in text.split(':')]


def case_repl():
    out, _ = run('print(6*7)\n1+1\nimport this\nhelp()\n'
                 'x = [i*i for i in range(5)]\nprint(x, sum(x))\n')
    a = answers(out)
    check(a[0].startswith('MicroPython v1.9.2'), 'banner: %r' % a[:1])
    check('42' in a, 'print(6*7) gave %r' % a)
    check('2' in a, '1+1 gave %r' % a)
    check('The Zen of MicroPython, by Nicholas H. Tollervey' in a, 'import this')
    check('Welcome to MicroPython on the micro:bit!' in a, 'help()')
    check('[0, 1, 4, 9, 16] 30' in a, 'list comprehension: %r' % a)


def case_display():
    # Image.HEART as documented by MicroPython ("09090:99999:99999:09990:00900")
    out, fr = run('from microbit import *\ndisplay.show(Image.HEART)\nsleep(300)\n'
                  'display.clear()\nsleep(300)\n'
                  'display.show(Image("12345:67890:98765:43210:55555"))\nsleep(300)\n')
    images = [f[1] for f in fr]
    check(img('09090:99999:99999:09990:00900') in images, 'HEART not shown: %r' % images)
    check(img('00000:00000:00000:00000:00000') in images, 'clear not shown')
    levels = img('12345:67890:98765:43210:55555')
    check(levels in images, 'brightness levels not decoded: %r' % images[-1:])
    # every pixel on its own, one by one: the matrix wiring, both ways
    prog = 'from microbit import *\n'
    for y in range(5):
        for x in range(5):
            prog += 'display.clear()\ndisplay.set_pixel(%d, %d, 9)\nsleep(100)\n' % (x, y)
    out, fr = run(prog)
    seen = []
    for _, im in fr:
        lit = [(x, y) for y in range(5) for x in range(5) if im[y][x]]
        if len(lit) == 1:
            seen.append(lit[0])
    want = [(x, y) for y in range(5) for x in range(5)]
    check(seen == want, 'set_pixel order %r' % seen)


def font_from_firmware():
    """The 5x5 font as MicroPython stores it, found in the firmware image
    without the emulator: 95 glyphs (' ' to '~') of 5 row bytes whose low 5
    bits are the row (bit 4 the leftmost column; the top bits hold other
    packed data), found by shape: a blank space, then '!' (one column lit
    in rows 0-2 and 4), every other glyph non-blank, and 'L' with a full
    left column and a full bottom row."""
    mem = bytearray(256 * 1024)
    base = 0
    for line in open(FIRMWARE):
        line = line.strip()
        if not line.startswith(':'):
            continue
        rec = bytes.fromhex(line[1:])
        n, addr, typ = rec[0], rec[1] << 8 | rec[2], rec[3]
        if typ == 4:
            base = (rec[4] << 8 | rec[5]) << 16
        elif typ == 0 and base + addr + n <= len(mem):
            mem[base + addr:base + addr + n] = rec[4:4 + n]
    low = bytes(b & 0x1F for b in mem)
    n = 95 * 5
    for off in range(0, len(low) - n):
        if any(low[off:off + 5]):
            continue
        bang = low[off + 5:off + 10]
        if not (bang[0] and bin(bang[0]).count('1') == 1 and
                bang[0] == bang[1] == bang[2] == bang[4] and bang[3] == 0):
            continue
        blk = low[off:off + n]
        if not all(any(blk[i * 5:i * 5 + 5]) for i in range(1, 95)):
            continue
        glyph = lambda ch, blk=blk: blk[(ord(ch) - 32) * 5:(ord(ch) - 32) * 5 + 5]
        L = glyph('L')
        if all(b & 0x10 for b in L) and L[4] == 0x1E or L[4] == 0x1F:
            return glyph
    return None


def case_scroll():
    glyph = font_from_firmware()
    check(glyph is not None, 'font not found in the firmware image')
    if glyph is None:
        return
    text = 'Hi 42!'
    out, fr = run('from microbit import *\ndisplay.scroll(%r)\n' % text,
                  args=['--quiet', '6000'])
    frames = [f[1] for f in fr]
    col = lambda im, x: tuple(im[y][x] for y in range(5))
    # each frame is the previous one moved one column left, a new column in
    shifted = all([col(b, x) for x in range(4)] == [col(a, x) for x in range(1, 5)]
                  for a, b in zip(frames, frames[1:]))
    check(shifted, 'scroll frames are not one-column shifts')
    stream = [col(frames[0], x) for x in range(5)] + [col(f, 4) for f in frames[1:]]
    lit = [c for c in stream if any(c)]
    # the columns that came in, blanks aside, are the glyphs' columns in order
    want = []
    for ch in text:
        g = glyph(ch)
        for x in range(5):
            c = tuple(9 if g[y] >> (4 - x) & 1 else 0 for y in range(5))
            if any(c):
                want.append(c)
    check(lit == want, 'scrolled columns differ from the font: %d vs %d' %
          (len(lit), len(want)))
    check(not any(map(any, frames[-1])), 'the text did not scroll off')
    # one column every ~150 ms (scroll's default delay), within a scan
    # (a blank column keeps the image, so two steps there)
    times = [f[0] for f in fr]
    steps = [b - a for a, b in zip(times, times[1:])]
    check(steps and all(round(s / 150000) >= 1 and
                        abs(s - round(s / 150000) * 150000) <= 24000 for s in steps),
          'scroll step times (us): %r' % steps)


def case_buttons():
    prog = ('from microbit import *\nsleep(1500)\n'
            'print(button_a.is_pressed(), button_b.is_pressed())\n'
            'print(button_a.was_pressed(), button_b.was_pressed(), button_b.get_presses())\n'
            'print(button_a.was_pressed(), button_b.was_pressed())\n'
            'sleep(1000)\nprint(button_a.is_pressed(), button_b.is_pressed())\n')
    out, _ = run(prog, args=['--press', 'B@300+100', '--press', 'B@700+100',
                             '--press', 'A@1000+1800', '--quiet', '1000'])
    a = answers(out)
    check('True False' in a, 'is_pressed during A: %r' % a)
    check('True True 2' in a, 'was_pressed/get_presses: %r' % a)
    check('False False' in a, 'was_pressed cleared, then released: %r' % a)


def case_accel():
    out, _ = run('from microbit import *\nprint(accelerometer.get_values())\n'
                 'print(temperature())\n',
                 args=['--accel', '512,-256,-1024'])
    a = answers(out)
    check('(512, -256, -1024)' in a, 'accelerometer: %r' % a)
    check('21' in a, 'temperature: %r' % a)


def case_uflash():
    if not shutil.which('uflash'):
        print('SKIP: no uflash')
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        main = os.path.join(tmp, 'main.py')
        with open(main, 'w') as f:
            f.write('from microbit import *\nprint("main.py says", 6*7)\n'
                    'display.show(Image.HAPPY)\n')
        subprocess.run(['uflash', '-r', FIRMWARE, main, tmp], check=True,
                       stdout=subprocess.DEVNULL)
        out, fr = run('', args=['--time', '1000'], hexfile=os.path.join(tmp, 'micropython.hex'))
        check('main.py says 42' in out, 'uflash main.py output: %r' % out)
        # Image.HAPPY: "00000:09090:00000:90009:09990"
        check(img('00000:09090:00000:90009:09990') in [f[1] for f in fr], 'HAPPY')
        out2, _ = run('', args=['--time', '1000', '--script', main])
        check(out2 == out, 'emkit --script differs from uflash: %r' % out2)


def case_time():
    # the board's time base: consecutive sleep(1000)s measured with
    # running_time() (the first after REPL activity may run a little long,
    # as on the hardware, so it is left out)
    out, _ = run('from microbit import *\n'
                 'for i in range(5): t=running_time(); sleep(1000); print(running_time()-t)\n'
                 '\nimport utime\nt = utime.ticks_ms()\nsleep(250)\n'
                 'print(utime.ticks_diff(utime.ticks_ms(), t) >= 250)\n',
                 args=['--quiet', '1000'])
    a = answers(out)
    nums = [int(l) for l in a if re.fullmatch(r'\d+', l)]
    check(len(nums) == 5 and all(1000 <= n <= 1010 for n in nums[1:]),
          'sleep(1000) took %r ms' % nums)
    check('True' in a, 'ticks_ms: %r' % a)


if __name__ == "__main__" and not os.path.exists(FIRMWARE):
    print('SKIP: no', FIRMWARE)
    sys.exit(77)
if __name__ == "__main__":
    globals()["case_" + sys.argv[2]]()
    sys.exit(1 if failures else 0)
