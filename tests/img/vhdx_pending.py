#!/usr/bin/env python3
import struct, sys
# mkpend.py IMG: leaves IMG with a pending log whose last entry is the only
# reference to a payload block, and stale marker bytes in every log entry's
# padding (what QEMU 7.2 leaves there), CRCs fixed so QEMU replays the log.
T = []
for n in range(256):
    c = n
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    T.append(c)
def crc32c(b):
    c = 0xFFFFFFFF
    for x in b:
        c = T[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF
name = sys.argv[1]
d = bytearray(open(name, 'rb').read())
h = 65536
log_len, log_off = struct.unpack('<IQ', d[h + 68:h + 80])
entries = []
for p in range(log_off, log_off + log_len, 4096):
    if d[p:p + 4] == b'loge':
        ln, dc = struct.unpack('<I', d[p + 8:p + 12])[0], struct.unpack('<I', d[p + 24:p + 28])[0]
        entries.append((p, ln, dc))
assert entries, 'no log entries'
guid = bytes(d[entries[-1][0] + 32:entries[-1][0] + 48])
for p, ln, dc in entries:
    used = 64 + 32 * dc
    end = (used + 4095) // 4096 * 4096
    pad = (b'EMKSECRET-LOGPAD;' * 300)[:end - used]
    d[p + used:p + end] = pad
    d[p + 4:p + 8] = b'\0\0\0\0'
    d[p + 4:p + 8] = struct.pack('<I', crc32c(bytes(d[p:p + ln])))
# the last entry's data descriptor: which BAT sector it rewrites
p, ln, dc = entries[-1]
desc = p + 64
assert d[desc:desc + 4] == b'desc'
target = struct.unpack('<Q', d[desc + 16:desc + 24])[0]
# revert that BAT sector in the file to the previous entry's content if any, else zero it
rt = 196608
for i in range(struct.unpack('<I', d[rt + 8:rt + 12])[0]):
    e = rt + 16 + 32 * i
    if d[e:e + 16] == bytes.fromhex('6677c22d23f600429d64115e9bfd4a08'):
        bat = struct.unpack('<Q', d[e + 16:e + 24])[0]
assert bat <= target < bat + (1 << 20), 'last log entry does not update the BAT'
# find the newest block in that BAT sector and drop it from the file's BAT
best = None
for k in range(512):
    v = struct.unpack('<Q', d[target + 8 * k:target + 8 * k + 8])[0]
    if v & 7 == 6 and (best is None or (v >> 20) > (best[1] >> 20)):
        best = (k, v)
struct.pack_into('<Q', d, target + 8 * best[0], 0)
for h in (65536, 131072):
    d[h + 48:h + 64] = guid
    d[h + 4:h + 8] = b'\0\0\0\0'
    d[h + 4:h + 8] = struct.pack('<I', crc32c(bytes(d[h:h + 4096])))
open(name, 'wb').write(bytes(d))
print('pending log: block', best, 'only in log entry at', p)
