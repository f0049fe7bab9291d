#!/usr/bin/env python3
"""ui_browser.py EMKIT SKETCH-DIR [SCREENSHOT.png] - the UI in a real browser.

Starts `emkit arduino --events` and `emkit ui` (a process of its own),
opens the page in Debian's headless chromium, driven through its DevTools
protocol (a small WebSocket client below: Python's standard library
only), and checks that
  - the page renders (title from the machine's greeting, the board SVG);
  - clicking BUTTON1 (a real mouse press at its position) changes the pin
    the stock Button sketch reads: D13 follows D2 (pressed: D2 low, so
    D13 low; released: high);
  - with Blink the on-board LED's opacity follows D13 (on, off, on);
  - hostile HTTP/WebSocket clients (an oversized frame, a bad handshake,
    a slowloris head) do not stop the page from being served;
  - closing the UI leaves the machine running, and "quit machine" quits it.
Exit 77 if chromium is missing."""
import base64, json, os, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request

emkit, sketches = sys.argv[1], sys.argv[2]
shot = sys.argv[3] if len(sys.argv) > 3 else None
chrome = shutil.which('chromium') or shutil.which('chromium-browser')
if not chrome:
    print('ui_browser: chromium missing'); sys.exit(77)
work = tempfile.mkdtemp(prefix='emkit-ui.')
procs = []

def fail(msg):
    print('FAIL:', msg)
    cleanup()
    sys.exit(1)

def cleanup():
    for p in procs:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
    shutil.rmtree(work, ignore_errors=True)

class WS:
    """A minimal RFC 6455 client: text frames, masked, no fragments."""
    def __init__(self, host, port, path):
        self.s = socket.create_connection((host, port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall(('GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n'
                        'Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n'
                        'Sec-WebSocket-Version: 13\r\n\r\n' % (path, host, port, key)).encode())
        head = b''
        while b'\r\n\r\n' not in head:
            head += self.s.recv(1)
        if b' 101 ' not in head.split(b'\r\n')[0]:
            raise RuntimeError('handshake: %r' % head)
        self.buf = b''
    def send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        hd = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                              bytes([0x80 | 126]) + struct.pack('>H', n) if n < 65536 else
                              bytes([0x80 | 127]) + struct.pack('>Q', n))
        self.s.sendall(hd + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))
    def _need(self, n):
        while len(self.buf) < n:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.buf += d
    def recv(self):
        self._need(2)
        op, n = self.buf[0] & 15, self.buf[1] & 127
        off = 2
        if n == 126:
            self._need(4); n = struct.unpack('>H', self.buf[2:4])[0]; off = 4
        elif n == 127:
            self._need(10); n = struct.unpack('>Q', self.buf[2:10])[0]; off = 10
        self._need(off + n)
        data, self.buf = self.buf[off:off + n], self.buf[off + n:]
        return op, data

class CDP:
    def __init__(self, port):
        tabs = json.load(urllib.request.urlopen('http://127.0.0.1:%d/json/list' % port))
        page = [t for t in tabs if t['type'] == 'page'][0]
        u = page['webSocketDebuggerUrl'].split('/', 3)
        host, p = u[2].split(':')
        self.ws = WS(host, int(p), '/' + u[3])
        self.id = 0
    def call(self, method, **params):
        self.id += 1
        self.ws.send(json.dumps({'id': self.id, 'method': method, 'params': params}))
        while True:
            op, data = self.ws.recv()
            m = json.loads(data)
            if m.get('id') == self.id:
                if 'error' in m:
                    raise RuntimeError(m['error'])
                return m.get('result', {})
    def eval(self, expr):
        r = self.call('Runtime.evaluate', expression=expr, returnByValue=True)
        return r.get('result', {}).get('value')

def start_machine(sketch, sock):
    p = subprocess.Popen([emkit, 'arduino', '--uart', 'none', '--realtime', '--events',
                          'unix:' + sock, os.path.join(sketches, sketch, sketch + '.hex')],
                         stderr=subprocess.DEVNULL)
    procs.append(p)
    for _ in range(200):
        if os.path.exists(sock):
            return p
        time.sleep(0.02)
    fail('machine did not listen')

def start_ui(sock):
    p = subprocess.Popen([emkit, 'ui', '--machine', 'unix:' + sock, '--port', '0'],
                         stderr=subprocess.PIPE, text=True)
    procs.append(p)
    line = p.stderr.readline()
    if 'http://' not in line:
        fail('ui did not start: %r' % line)
    return p, int(line.strip().rsplit(':', 1)[1].rstrip('/'))

def wait_for(cdp, expr, what, secs=8):
    t = time.time()
    while time.time() - t < secs:
        if cdp.eval(expr):
            return
        time.sleep(0.05)
    fail('timed out waiting for ' + what)

def net(cdp, n):
    s = cdp.eval("document.getElementById('nets').textContent")
    return json.loads(s or '{}').get(n)

# ---- the browser ----
prof = os.path.join(work, 'profile')
chromium = subprocess.Popen([chrome, '--headless=new', '--no-sandbox', '--disable-gpu',
                             '--remote-debugging-port=0', '--user-data-dir=' + prof,
                             '--window-size=1000,900', 'about:blank'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
procs.append(chromium)
for _ in range(300):
    f = os.path.join(prof, 'DevToolsActivePort')
    if os.path.exists(f) and open(f).read().strip():
        dport = int(open(f).read().split()[0]); break
    time.sleep(0.05)
else:
    fail('chromium did not start')
cdp = CDP(dport)

# ---- Button: a click changes the pin the firmware reads ----
sock = os.path.join(work, 'm.sock')
machine = start_machine('Button', sock)
ui, port = start_ui(sock)
page = urllib.request.urlopen('http://127.0.0.1:%d/' % port).read().decode()
if '<svg id="board"' not in page:
    fail('page has no board')
cdp.call('Page.enable')
cdp.call('Page.navigate', url='http://127.0.0.1:%d/' % port)
wait_for(cdp, "document.getElementById('title').textContent.indexOf('arduino-uno') >= 0",
         'the greeting in the title')
print('page renders:', cdp.eval("document.getElementById('title').textContent"))
wait_for(cdp, "JSON.parse(document.getElementById('nets').textContent||'{}').D13 !== undefined",
         'the first GPIO events')
if net(cdp, 'D13')['volts'] < 4.9:
    fail('Button sketch: D13 should be high with the button released (D2 pulled up)')
r = cdp.eval("JSON.stringify(document.getElementById('btn-BUTTON1').getBoundingClientRect())")
box = json.loads(r)
x, y = box['x'] + box['width'] / 2, box['y'] + box['height'] / 2
cdp.call('Input.dispatchMouseEvent', type='mouseMoved', x=x, y=y)
cdp.call('Input.dispatchMouseEvent', type='mousePressed', x=x, y=y, button='left', clickCount=1)
wait_for(cdp, "JSON.parse(document.getElementById('nets').textContent).D13.volts < 0.1",
         'D13 low while BUTTON1 is held')
print('button pressed: D2 %.2f V, D13 %.2f V' % (net(cdp, 'D2')['volts'], net(cdp, 'D13')['volts']))
cdp.call('Input.dispatchMouseEvent', type='mouseReleased', x=x, y=y, button='left', clickCount=1)
wait_for(cdp, "JSON.parse(document.getElementById('nets').textContent).D13.volts > 4.9",
         'D13 high again after release')
print('button released: D13 %.2f V' % net(cdp, 'D13')['volts'])

# ---- hostile clients against the UI's server ----
def raw(data, read=True):
    s = socket.create_connection(('127.0.0.1', port), timeout=10)
    s.sendall(data)
    out = b''
    if read:
        try:
            while True:
                d = s.recv(65536)
                if not d:
                    break
                out += d
        except socket.timeout:
            pass
    return s, out
_, out = raw(b'GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')
if b' 400 ' not in out.split(b'\r\n')[0]:
    fail('bad handshake not refused: %r' % out[:80])
big = WS('127.0.0.1', port, '/ws')
big.s.sendall(bytes([0x81, 0x80 | 127]) + struct.pack('>Q', 1 << 30) + b'\0\0\0\0')
op = 1
try:
    while op == 1:                  # the greeting comes first
        op, data = big.recv()
except EOFError:
    op = -1
if op != 8:
    fail('oversized frame not closed (op %d)' % op)
slow, _ = raw(b'GET / HTTP/1.1\r\nHost: x\r\n', read=False)     # never finishes its head
_, out = raw(b'GET /nope HTTP/1.1\r\n\r\n')
if b' 404 ' not in out.split(b'\r\n')[0]:
    fail('404 not served while a slow client waits')
if b'<svg' not in urllib.request.urlopen('http://127.0.0.1:%d/' % port).read():
    fail('page not served after hostile clients')
print('hostile clients refused; page still served')
slow.close()

# ---- closing the UI leaves the machine running ----
ui.terminate(); ui.wait(5)
time.sleep(0.3)
if machine.poll() is not None:
    fail('closing the UI stopped the machine')
ui, port = start_ui(sock)                    # attach again to the running machine
cdp.call('Page.navigate', url='http://127.0.0.1:%d/' % port)
wait_for(cdp, "document.getElementById('title').textContent.indexOf('arduino-uno') >= 0",
         'the page after re-attaching')
cdp.eval("document.getElementById('quit').click()")
try:
    machine.wait(5)
except subprocess.TimeoutExpired:
    fail('"quit machine" did not end the machine')
ui.wait(5)
print('UI detached and re-attached; quit from the page ended the machine (status %d)'
      % machine.returncode)

# ---- Blink: the LED follows D13 ----
os.unlink(sock) if os.path.exists(sock) else None
machine = start_machine('Blink', sock)
ui, port = start_ui(sock)
cdp.call('Page.navigate', url='http://127.0.0.1:%d/' % port)
seen = []
t = time.time()
while time.time() - t < 3.5:
    o = cdp.eval("document.getElementById('led-L').getAttribute('opacity')")
    if o is not None and (not seen or seen[-1] != o):
        seen.append(o)
    time.sleep(0.05)
print('LED L opacity over 3.5 s:', seen)
if seen.count('1') < 1 or len(seen) < 3:
    fail('the LED did not follow Blink')
if shot:
    png = cdp.call('Page.captureScreenshot', format='png')['data']
    open(shot, 'wb').write(base64.b64decode(png))
    print('screenshot:', shot)
cleanup()
print('ui_browser: all checks passed')
