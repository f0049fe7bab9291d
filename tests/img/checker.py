#!/usr/bin/env python3
"""Independent checker for `emkit-img anonymize` (Python standard library only).

It shares no code with the tool: it parses the image formats on its own and
asks the real peer (qemu-img) about the images.

    checker.py SRC DST [--marker TEXT ...] [--no-guest] [--allow-nonzero]
               [--secret KEY]   (LUKS: read the guest data with this key)

Exit status 0 when DST is a correct anonymization of SRC, 1 otherwise.
Checks:
  * qemu-img check, info --output=json and map --output=json agree;
  * guest-visible data of the active layer and of every internal snapshot
    contains no marker (and, unless --allow-nonzero, is all zero);
  * the raw files (image, extents, data file) contain no marker;
  * every metadata byte (found by this script's own parsers) is identical;
  * the file sizes are equal.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

FAIL = []


def fail(msg):
    FAIL.append(msg)
    print("FAIL:", msg)


def run(args, cwd=None):
    # QEMU 7.2 resolves a relative data-file name against the current
    # directory: run it in the image's directory
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def detect(path):
    with open(path, "rb") as f:
        head = f.read(64)
    if head[:4] == b"QFI\xfb":
        return "qcow2"
    if head[:8] == b"vhdxfile":
        return "vhdx"
    if head[:4] == b"KDMV" or head.startswith(b"# Disk DescriptorFile"):
        return "vmdk"
    return "raw"


# ---------------------------------------------------------------- qcow2
NAMES = []   # (offset, length) of names that --scrub-names may replace


def qcow2_metadata(path):
    """Returns a list of (offset, length, name) metadata byte ranges."""
    out = []
    del NAMES[:]
    with open(path, "rb") as f:
        data = f.read()
    size = len(data)

    def u64(o):
        return struct.unpack(">Q", data[o:o + 8])[0]

    def u32(o):
        return struct.unpack(">I", data[o:o + 4])[0]

    def u16(o):
        return struct.unpack(">H", data[o:o + 2])[0]

    version = u32(4)
    cbits = u32(20)
    cs = 1 << cbits
    vsize = u64(24)
    l1_size, l1_off = u32(36), u64(40)
    rt_off, rt_clusters = u64(48), u32(56)
    nsnap, snap_off = u32(60), u64(64)
    incompat = u64(72) if version >= 3 else 0
    hdr_len = u32(100) if version >= 3 else 72
    ext_l2 = bool(incompat & 16)
    esz = 16 if ext_l2 else 8
    mask = 0x00FFFFFFFFFFFE00
    out.append((0, min(cs, size), "header cluster"))
    if u64(8):
        NAMES.append((u64(8), u32(16)))
    # header extensions
    pos = hdr_len
    bitmaps = None
    while pos + 8 <= cs:
        t, ln = u32(pos), u32(pos + 4)
        if t == 0:
            break
        d = pos + 8
        if t == 0x23852875:
            bitmaps = (u32(d), u64(d + 8), u64(d + 16))
        elif t == 0x0537BE77:
            out.append((u64(d), u64(d + 8), "crypto header"))
        pos += 8 + ((ln + 7) & ~7)

    def l1_tables(off, n, who):
        out.append((off, n * 8, who + " L1"))
        for i in range(n):
            l2 = u64(off + 8 * i) & mask
            if l2:
                out.append((l2, cs, who + " L2"))

    l1_tables(l1_off, l1_size, "active")
    out.append((rt_off, rt_clusters * cs, "refcount table"))
    for i in range(rt_clusters * cs // 8):
        b = u64(rt_off + 8 * i) & ~511
        if b:
            out.append((b, cs, "refcount block"))
    pos = snap_off
    for i in range(nsnap):
        so, sn = u64(pos), u32(pos + 8)
        id_len, name_len, extra = u16(pos + 12), u16(pos + 14), u32(pos + 36)
        ln = (40 + extra + id_len + name_len + 7) & ~7
        out.append((pos, ln, "snapshot entry %d" % i))
        NAMES.append((pos + 40 + extra + id_len, name_len))
        l1_tables(so, sn, "snapshot %d" % i)
        pos += ln
    if bitmaps:
        n, dsize, doff = bitmaps
        out.append((doff, dsize, "bitmap directory"))
        p = doff
        for i in range(n):
            toff, tsize = u64(p), u32(p + 8)
            name_len, extra = u16(p + 18), u32(p + 20)
            out.append((toff, tsize * 8, "bitmap table"))
            for k in range(tsize):
                e = u64(toff + 8 * k) & mask
                if e:
                    out.append((e, cs, "bitmap data"))
            NAMES.append((p + 24 + extra, name_len))
            p += (24 + extra + name_len + 7) & ~7
    return out


def qcow2_datafile(path):
    with open(path, "rb") as f:
        data = f.read(1 << 21)
    if struct.unpack(">I", data[4:8])[0] < 3:
        return None
    hdr_len = struct.unpack(">I", data[100:104])[0]
    pos = hdr_len
    while pos + 8 <= len(data):
        t, ln = struct.unpack(">II", data[pos:pos + 8])
        if t == 0:
            break
        if t == 0x44415441:
            return data[pos + 8:pos + 8 + ln].decode()
        pos += 8 + ((ln + 7) & ~7)
    return None


# ---------------------------------------------------------------- vmdk
def vmdk_descriptor(path):
    with open(path, "rb") as f:
        head = f.read(512)
        if head[:4] == b"KDMV":
            off, size = struct.unpack("<QQ", head[28:44])
            f.seek(off * 512)
            return f.read(size * 512).split(b"\0")[0].decode("latin-1"), (off * 512, size * 512)
        f.seek(0)
        return f.read(1 << 20).decode("latin-1"), None


def vmdk_extents(path):
    desc, _ = vmdk_descriptor(path)
    res = []
    for line in desc.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0] in ("RW", "RDONLY", "NOACCESS"):
            name = line.split('"')[1]
            res.append((parts[2], os.path.join(os.path.dirname(path), name)))
    return res


def vmdk_desc_names(text, base):
    for key in ('parentFileNameHint="', 'ddb.comment = "', 'ddb.displayName = "', 'ddb.longContentID = "'):
        i = text.find(key)
        if i >= 0:
            j = text.find('"', i + len(key))
            NAMES.append((base + i + len(key), j - i - len(key)))


def vmdk_sparse_metadata(path):
    out = []
    del NAMES[:]
    with open(path, "rb") as f:
        data = f.read()
    magic, ver, flags, cap, grain, doff, dsize, ngte, rgd, gd, over = struct.unpack(
        "<4sIIQQQQIQQQ", data[:72])
    if gd == 0xFFFFFFFFFFFFFFFF:   # streamOptimized: footer holds the real one
        foot = data[-1024:-512]
        if foot[:4] == b"KDMV":
            gd = struct.unpack("<Q", foot[56:64])[0]
    out.append((0, 512, "sparse header"))
    if doff:
        out.append((doff * 512, dsize * 512, "descriptor"))
        vmdk_desc_names(data[doff * 512:doff * 512 + dsize * 512].decode("latin-1"), doff * 512)
    ngt = (cap + grain * ngte - 1) // (grain * ngte)
    gts = []
    for g in (gd, rgd):
        if g and g != 0xFFFFFFFFFFFFFFFF and g * 512 < len(data):
            out.append((g * 512, ngt * 4, "grain directory"))
            for i in range(ngt):
                t = struct.unpack("<I", data[g * 512 + 4 * i:g * 512 + 4 * i + 4])[0]
                if t:
                    out.append((t * 512, ngte * 4, "grain table"))
                    gts.append(t)
    if flags & (1 << 16):       # compressed grains with markers
        pos = (over or 1) * 512
        while pos + 12 <= len(data):
            lba, sz = struct.unpack("<QI", data[pos:pos + 12])
            if sz:
                out.append((pos, 12, "grain marker"))
                pos += (12 + sz + 511) & ~511
            else:
                typ = struct.unpack("<I", data[pos + 12:pos + 16])[0]
                out.append((pos, 512, "metadata marker %d" % typ))
                if typ == 0:
                    break
                pos += 512 + lba * 512
    return out


# ---------------------------------------------------------------- vhdx
VHDX_LOCATOR = bytes.fromhex("2d5fd3a80bb34d45abf7d3d84834ab0c")
VHDX_PARAMS = bytes.fromhex("3767a1ca36fa434db3b633f0aa44e76b")
VHDX_DISK_SIZE = bytes.fromhex("2442a52f1bcd7648b2115dbed83bf4b8")
VHDX_LSEC = bytes.fromhex("1dbf41816fa90947ba47f233a8faab5f")
VHDX_KEEP_KEYS = ("parent_linkage", "parent_linkage2")


def vhdx_items(data, meta):
    """{item GUID: (offset in file, length, table entry offset)}."""
    items = {}
    if meta is None or data[meta[0]:meta[0] + 8] != b"metadata":
        return items
    mo = meta[0]
    for i in range(struct.unpack("<H", data[mo + 10:mo + 12])[0]):
        e = mo + 32 + 32 * i
        ioff, iln = struct.unpack("<II", data[e + 16:e + 24])
        items[bytes(data[e:e + 16])] = (mo + ioff, iln, e)
    return items


def vhdx_metadata(path):
    """(ranges, bat, meta); also fills NAMES with the parent locator values
    that --scrub-names must replace (UTF-16LE file names)."""
    out = [(0, 1 << 20, "header region")]
    del NAMES[:]
    with open(path, "rb") as f:
        data = f.read()
    # the current header: higher sequence number
    best = None
    for off in (64 << 10, 128 << 10):
        seq = struct.unpack("<Q", data[off + 8:off + 16])[0]
        if data[off:off + 4] == b"head" and (best is None or seq > best[0]):
            best = (seq, off)
    h = best[1]
    log_len, log_off = struct.unpack("<IQ", data[h + 68:h + 80])
    out.append((log_off, log_len, "log"))
    rt = 192 << 10
    n = struct.unpack("<I", data[rt + 8:rt + 12])[0]
    bat = meta = None
    for i in range(n):
        e = rt + 16 + 32 * i
        guid = data[e:e + 16]
        off, ln = struct.unpack("<QI", data[e + 16:e + 28])
        out.append((off, ln, "region"))
        if guid == bytes.fromhex("6677c22d23f600429d64115e9bfd4a08"):
            bat = (off, ln)
        elif guid == bytes.fromhex("06a27c8b90479a4bb8fe575f050f886e"):
            meta = (off, ln)
    items = vhdx_items(data, meta)
    if bat and all(k in items for k in (VHDX_PARAMS, VHDX_DISK_SIZE, VHDX_LSEC)):
        # sector bitmap blocks (one per chunk) are metadata
        bs = struct.unpack("<I", data[items[VHDX_PARAMS][0]:items[VHDX_PARAMS][0] + 4])[0]
        disk = struct.unpack("<Q", data[items[VHDX_DISK_SIZE][0]:items[VHDX_DISK_SIZE][0] + 8])[0]
        lsec = struct.unpack("<I", data[items[VHDX_LSEC][0]:items[VHDX_LSEC][0] + 4])[0]
        cr = (1 << 23) * lsec // bs
        chunks = ((disk + bs - 1) // bs + cr - 1) // cr
        for c in range(chunks):
            i = c * (cr + 1) + cr
            if 8 * i + 8 <= bat[1]:
                v = struct.unpack("<Q", data[bat[0] + 8 * i:bat[0] + 8 * i + 8])[0]
                if v & 7 == 6:
                    out.append((v & ~0xFFFFF, 1 << 20, "sector bitmap"))
    if VHDX_LOCATOR in items:
        lo, ll, _ = items[VHDX_LOCATOR]
        cnt = struct.unpack("<H", data[lo + 18:lo + 20])[0]
        for i in range(cnt):
            ko, vo, kl, vl = struct.unpack("<IIHH", data[lo + 20 + 12 * i:lo + 32 + 12 * i])
            key = data[lo + ko:lo + ko + kl].decode("utf-16-le")
            if key not in VHDX_KEEP_KEYS:
                NAMES.append((lo + vo, vl))
    return out, bat, meta


def vhdx_has_parent(path):
    try:
        _, _, meta = vhdx_metadata(path)
        with open(path, "rb") as f:
            f.seek(meta[0])
            data = f.read(meta[1])
        items = vhdx_items(data, (0, meta[1]))
        po = items[VHDX_PARAMS][0]
        return bool(struct.unpack("<I", data[po + 4:po + 8])[0] & 2)
    except Exception:
        return False


def vhdx_unparented(path, out, extents=None):
    """QEMU 7.2 opens no differencing VHDX (and no image with a parent
    locator).  Writes to out a view QEMU opens: HasParent cleared and the
    parent locator entry dropped from the metadata table; every other byte
    as in path (holes kept: the extents given, or path's allocated ones).
    The same view of SRC and DST is compared."""
    with open(path, "rb") as f, open(out, "wb") as g:
        for a, b in extents or allocation_map(path):
            f.seek(a)
            g.seek(a)
            g.write(f.read(b - a))
        g.truncate(os.path.getsize(path))
    _, _, meta = vhdx_metadata(path)
    with open(out, "r+b") as f:
        f.seek(meta[0])
        data = bytearray(f.read(meta[1]))
        items = vhdx_items(data, (0, meta[1]))
        po = items[VHDX_PARAMS][0]
        struct.pack_into("<I", data, po + 4, struct.unpack("<I", data[po + 4:po + 8])[0] & ~2)
        n = struct.unpack("<H", data[10:12])[0]
        le = items[VHDX_LOCATOR][2]
        last = 32 + 32 * (n - 1)
        data[le:le + 32] = data[last:last + 32]
        data[last:last + 32] = bytes(32)
        struct.pack_into("<H", data, 10, n - 1)
        f.seek(meta[0])
        f.write(data[:65536])
        f.seek(meta[0] + po)
        f.write(data[po:po + 8])


# ---------------------------------------------------------------- common
def meta_ranges(fmt, path):
    if fmt == "qcow2":
        return qcow2_metadata(path)
    if fmt == "vhdx":
        return vhdx_metadata(path)[0]
    if fmt == "vmdk":
        with open(path, "rb") as f:
            if f.read(4) == b"KDMV":
                return vmdk_sparse_metadata(path)
        del NAMES[:]
        vmdk_desc_names(open(path, "rb").read().decode("latin-1"), 0)
        return [(0, os.path.getsize(path), "descriptor file")]
    return []


def related_files(fmt, path):
    """(role, path) of every file that makes up the image."""
    files = [("image", path)]
    if fmt == "vmdk":
        for kind, p in vmdk_extents(path):
            if os.path.abspath(p) != os.path.abspath(path):
                files.append(("extent-" + kind, p))
    if fmt == "qcow2":
        df = qcow2_datafile(path)
        if df:
            files.append(("data-file", df if os.path.isabs(df) else os.path.join(os.path.dirname(path), df)))
    return files


ACTUAL = {}
ACTUAL_SLACK = 64 * 1024


def settle(path):
    """Writes back and drops the file's cached pages.  SEEK_DATA (ours and
    qemu-img map's) calls an unwritten (fallocated) extent data while some
    of its pages are cached and a hole otherwise; QEMU leaves such extents
    in most images, and reading SRC caches them.  Without this the maps of
    SRC and DST would depend on what was read last."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    except OSError:
        pass
    finally:
        os.close(fd)


def settled(look):
    """look() returns (src view, dst view), each taken after settle().  A
    page can survive POSIX_FADV_DONTNEED (one still in a CPU's LRU batch,
    or a large folio reaching into an unwritten extent), so views that
    differ are taken again, up to 4 times, before they count as different;
    a real difference stays."""
    for i in range(4):
        a, b = look()
        if a == b:
            break
        time.sleep(0.2 * (i + 1))
    return a, b


def settle_image(path):
    for _, f in related_files(detect(path), path):
        if os.path.exists(f):
            settle(f)


def data_map(path):
    """Data extents of a file as SEEK_DATA/SEEK_HOLE report them, with its
    cached pages dropped first (see settle())."""
    settle(path)
    fd = os.open(path, os.O_RDONLY)
    res, pos, size = [], 0, os.fstat(fd).st_size
    try:
        while pos < size:
            try:
                d = os.lseek(fd, pos, os.SEEK_DATA)
            except OSError:
                break
            h = os.lseek(fd, d, os.SEEK_HOLE)
            res.append((d, h))
            pos = h
    finally:
        os.close(fd)
    return res


FS_IOC_FIEMAP = 0xC020660B
FIEMAP_FLAG_SYNC = 1
FIEMAP_EXTENT_LAST = 1
FIEMAP_EXTENT_UNWRITTEN = 0x800


def fiemap(path):
    """Allocated extents [(start, end, unwritten)] of a file (FS_IOC_FIEMAP,
    adjacent ones of the same kind merged, clipped to the size), or None
    where the file system has no FIEMAP."""
    import fcntl
    res, size, start, n = [], os.path.getsize(path), 0, 128
    with open(path, "rb") as f:
        while start < size:
            buf = bytearray(struct.pack("=QQIIII", start, size - start, FIEMAP_FLAG_SYNC, 0, n, 0)
                            + bytes(56 * n))
            try:
                fcntl.ioctl(f.fileno(), FS_IOC_FIEMAP, buf, True)
            except OSError:
                return None
            mapped = struct.unpack_from("=I", buf, 20)[0]
            if mapped == 0:
                break
            last = False
            for i in range(mapped):
                lo, _, ln = struct.unpack_from("=QQQ", buf, 32 + 56 * i)
                fl = struct.unpack_from("=I", buf, 32 + 56 * i + 40)[0]
                a, b, u = lo, min(lo + ln, size), bool(fl & FIEMAP_EXTENT_UNWRITTEN)
                if a < b:
                    if res and res[-1][1] == a and res[-1][2] == u:
                        res[-1] = (res[-1][0], b, u)
                    else:
                        res.append((a, b, u))
                start = lo + ln
                last = last or bool(fl & FIEMAP_EXTENT_LAST)
            if last:
                break
    return res


def merged(ranges):
    out = []
    for a, b in ranges:
        if out and out[-1][1] == a:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def allocation_map(path):
    """Allocated extents of a file, written or not (FIEMAP; SEEK_DATA where
    the file system has no FIEMAP).  SEEK_DATA alone is not an allocation
    map: an extent that is allocated but unwritten (fallocate) reads as a
    hole there until its pages are in the page cache."""
    fm = fiemap(path)
    if fm is None:
        return data_map(path)
    return merged([(a, b) for a, b, _ in fm])


def written_map(path):
    """Allocated and written extents (FIEMAP), or the SEEK_DATA map."""
    fm = fiemap(path)
    if fm is None:
        return data_map(path)
    return merged([(a, b) for a, b, u in fm if not u])


def covers(outer, inner):
    """Whether the sorted ranges outer contain every byte of inner."""
    i = 0
    for a, b in inner:
        while i < len(outer) and outer[i][1] <= a:
            i += 1
        if i == len(outer) or outer[i][0] > a or outer[i][1] < b:
            return False
    return True


def normalize(text, src, dst):
    a, b = os.path.abspath(src), os.path.abspath(dst)
    text = text.replace(b, a)
    return text.replace(os.path.dirname(b) + "/", os.path.dirname(a) + "/")


SCRUBBED = []


def drop_names(obj):
    if isinstance(obj, dict):
        return {k: drop_names(v) for k, v in obj.items()
                if k not in ("name", "backing-filename", "full-backing-filename", "backing-filename-format")}
    if isinstance(obj, list):
        return [drop_names(v) for v in obj]
    return obj


def qemu_json(cmd, path, src, dst, allow_fail=False):
    args = ["qemu-img", cmd, "--output=json", "-U"]
    settle_image(path)
    if SCRUBBED and detect(path) in ("qcow2", "vmdk"):
        # the backing name was replaced: look at this layer alone
        p = "json:" + json.dumps({"driver": detect(path), "backing": None,
                                  "file": {"driver": "file", "filename": os.path.abspath(path)}})
        rc, out, err = run(args + [p], cwd=os.path.dirname(os.path.abspath(path)))
    else:
        rc, out, err = run(args + [os.path.abspath(path)], cwd=os.path.dirname(os.path.abspath(path)))
    if SCRUBBED:
        try:
            out = json.dumps(drop_names(json.loads(out)))
        except ValueError:
            pass
    try:
        obj = json.loads(out) if out.strip() else None
    except ValueError:
        obj = None
    if isinstance(obj, dict):
        obj.pop("filename", None)
        # st_blocks also counts the file system's own extent-tree blocks,
        # which depend on the physical layout; the allocation map (compared
        # exactly by allocation_map()) is what the image owns.
        ACTUAL[path] = obj.pop("actual-size", None)
    return rc, normalize(json.dumps(obj, sort_keys=True), src, dst), normalize(err, src, dst)


def scan_sparse(path, markers):
    """Returns (markers found, non-zero bytes), reading only data extents."""
    found, nonzero = set(), 0
    with open(path, "rb") as f:
        for a, b in allocation_map(path):
            f.seek(a)
            left = b - a
            tail = b""
            while left:
                chunk = f.read(min(left, 8 << 20))
                left -= len(chunk)
                nonzero += len(chunk) - chunk.count(0)
                for m in markers:
                    if m in tail + chunk:
                        found.add(m)
                tail = chunk[-64:]
    return found, nonzero


def guest_reads(fmt, path, info, markers, allow_nonzero, who, secret=None):
    """Converts the active layer and every snapshot to raw and scans them."""
    opts = {"driver": fmt, "file": {"driver": "file", "filename": os.path.abspath(path)}}
    extra_obj = []
    if fmt in ("qcow2", "vmdk") and (fmt == "qcow2" or SCRUBBED):
        opts["backing"] = None
    if secret is not None:
        opts["encrypt"] = {"key-secret": "sec0"}
        extra_obj = ["--object", "secret,id=sec0,data=" + secret]
    targets = [("active layer", [])]
    for s in (info or {}).get("snapshots", []):
        targets.append(("snapshot " + s["name"], ["-l", "snapshot.id=" + s["id"]]))
    ok = True
    with tempfile.TemporaryDirectory() as td:
        for name, extra in targets:
            raw = os.path.join(td, "g.raw")
            rc, out, err = run(["qemu-img", "convert", "-U"] + extra_obj + ["-O", "raw"] + extra +
                               ["json:" + json.dumps(opts), raw], cwd=os.path.dirname(os.path.abspath(path)))
            if rc != 0:
                fail("%s: qemu-img convert of %s failed: %s" % (who, name, err.strip()))
                ok = False
                continue
            found, nonzero = scan_sparse(raw, markers)
            for m in sorted(found):
                fail("%s: guest data of %s contains marker %r" % (who, name, m))
                ok = False
            if not allow_nonzero and nonzero:
                fail("%s: guest data of %s has %d non-zero bytes" % (who, name, nonzero))
                ok = False
            os.unlink(raw)
    return ok


def main():
    args = sys.argv[1:]
    if args[:1] == ["--files"]:
        # the files that make up an image (for copying it around)
        p = args[1]
        for role, f in related_files(detect(p), p):
            print(os.path.relpath(f, os.path.dirname(p) or "."))
        return 0
    markers, allow_nonzero, guest, secret = [], False, True, None
    scrubbed = False
    pos = []
    i = 0
    while i < len(args):
        if args[i] == "--marker":
            markers.append(args[i + 1].encode())
            i += 2
        elif args[i] == "--allow-nonzero":
            allow_nonzero = True
            i += 1
        elif args[i] == "--scrubbed-names":
            scrubbed = True
            i += 1
        elif args[i] == "--secret":
            secret = args[i + 1]
            i += 2
        elif args[i] == "--no-guest":
            guest = False
            i += 1
        else:
            pos.append(args[i])
            i += 1
    if len(pos) != 2:
        print(__doc__)
        return 2
    if not markers:
        markers = [b"EMKSECRET"]
    src, dst = pos
    fmt = detect(src)
    if scrubbed:
        SCRUBBED.append(True)
    if detect(dst) != fmt:
        fail("formats differ")
    # 1. the real peer's view (of a view QEMU opens, for a differencing VHDX)
    qsrc, qdst = src, dst
    if fmt == "vhdx" and vhdx_has_parent(src):
        view_dir = tempfile.mkdtemp()
        qsrc, qdst = os.path.join(view_dir, "s.vhdx"), os.path.join(view_dir, "d.vhdx")
        vhdx_unparented(src, qsrc)
        # without FIEMAP (tmpfs) SEEK_DATA hides dst's fallocated pages: the
        # view of dst then takes src's data extents (the allocation check
        # below compares dst's own)
        vhdx_unparented(dst, qdst, None if fiemap(dst) is not None else allocation_map(src))
        print("differencing VHDX: comparing views without the parent link")
    for cmd in ("check", "info", "map"):
        a, b = settled(lambda: (qemu_json(cmd, qsrc, qsrc, qdst), qemu_json(cmd, qdst, qsrc, qdst)))
        if a != b:
            fail("qemu-img %s differs:\n  src %s\n  dst %s" % (cmd, a, b))
    replay_dir = None
    if fmt == "vhdx" and "needs to be replayed" in qemu_json("info", qsrc, qsrc, qdst)[2]:
        # a pending log: replay it in copies of both, then compare those
        import shutil
        replay_dir = tempfile.mkdtemp()
        rs, rd = os.path.join(replay_dir, "s.vhdx"), os.path.join(replay_dir, "d.vhdx")
        shutil.copy(qsrc, rs)
        shutil.copy(qdst, rd)
        for x in (rs, rd):
            run(["qemu-img", "check", "-r", "all", x])
        for cmd in ("check", "info", "map"):
            a = qemu_json(cmd, rs, rs, rd)
            b = qemu_json(cmd, rd, rs, rd)
            if a != b:
                fail("after log replay, qemu-img %s differs:\n  src %s\n  dst %s" % (cmd, a, b))
        print("pending log replayed in copies: %s" % ("same view" if not FAIL else "DIFFERENT"))
    a, b = ACTUAL.get(qsrc), ACTUAL.get(qdst)
    if a is not None and b is not None and abs(a - b) > ACTUAL_SLACK:
        fail("actual-size differs by more than %d: %d vs %d" % (ACTUAL_SLACK, a, b))
    # 2. guest-visible data
    gdst = os.path.join(replay_dir, "d.vhdx") if replay_dir else qdst
    rc, out, err = run(["qemu-img", "info", "--output=json", "-U", os.path.abspath(gdst)],
                       cwd=os.path.dirname(os.path.abspath(gdst)))
    info = json.loads(out) if rc == 0 else {}
    if guest and rc != 0:
        fail("qemu-img info of dst failed: " + err.strip())
    if guest and rc == 0:
        guest_reads(fmt, gdst, info, markers, allow_nonzero, "dst", secret)
    # 3. raw files, 5. sizes
    sf, df = related_files(fmt, src), related_files(fmt, dst)
    if len(sf) != len(df):
        fail("number of files differs: %d vs %d" % (len(sf), len(df)))
    for (role, a), (_, b) in zip(sf, df):
        if os.path.getsize(a) != os.path.getsize(b):
            fail("%s size differs: %d vs %d" % (role, os.path.getsize(a), os.path.getsize(b)))
        # dst is allocated where the anonymizer found data in src (SEEK_DATA):
        # src's written extents at least, its allocated ones at most (an
        # unwritten src extent counts as data only while it is cached)
        ma, mb = settled(lambda: (allocation_map(a), allocation_map(b)))
        if fiemap(a) is None or fiemap(b) is None:
            # no FIEMAP (tmpfs): SEEK_DATA hides fallocated pages, so dst's
            # data lies within src's and dst allocates what src's data
            # extents cover, in pages
            want = sum(((y + 4095) & ~4095) - (x & ~4095) for x, y in ma)
            got = os.stat(b).st_blocks * 512
            if not covers(ma, mb) or abs(got - want) > ACTUAL_SLACK:
                fail("%s allocation differs: dst allocates %d bytes, src's data extents %d:"
                     "\n  src %s\n  dst %s" % (role, got, want, ma[:8], mb[:8]))
        elif ma != mb and not (covers(mb, written_map(a)) and covers(ma, mb)):
            fail("%s allocation map differs:\n  src %s\n  dst %s" % (role, ma[:8], mb[:8]))
        for m in sorted(scan_sparse(b, markers)[0]):
            fail("%s %s contains marker %r" % (role, b, m))
    # 4. metadata bytes
    nbytes = 0
    for (role, a), (_, b) in zip(sf, df):
        if role != "image" and fmt != "vmdk":
            continue
        rf = detect(a) if role == "image" else ("vmdk" if open(a, "rb").read(4) == b"KDMV" else None)
        if rf is None:
            continue
        with open(a, "rb") as f:
            da = f.read()
        with open(b, "rb") as f:
            db = f.read()
        skip = vhdx_log_ranges(a) if rf == "vhdx" else []
        if rf == "vhdx":
            lo, want = vhdx_expected_log(a)
            got = db[lo:lo + len(want)]
            if got != want:
                k = next(i for i in range(len(want)) if got[i:i + 1] != want[i:i + 1])
                fail("vhdx log differs from the expected scrubbed log at %d" % (lo + k))
            nbytes += len(want)
        ranges = meta_ranges(rf, a)
        names = list(NAMES)
        if scrubbed:
            for no, nl in names:
                old, new = da[no:no + nl], db[no:no + nl]
                if nl >= 1 and old == new:
                    fail("%s: name %r at %d was not replaced" % (role, old, no))
                if rf == "vhdx":
                    # parent locator values are UTF-16LE without NULs
                    try:
                        if "\0" in new.decode("utf-16-le"):
                            raise ValueError
                    except ValueError:
                        fail("%s: replaced name at %d is not valid UTF-16LE: %r" % (role, no, new))
                if nl >= 4 and old in db:
                    fail("%s: the old name %r is still in the file" % (role, old))
            for no, nl in names:      # compare the rest as if unchanged
                db = db[:no] + da[no:no + nl] + db[no + nl:]
        for off, ln, name in ranges:
            if da[off:off + ln] != db[off:off + ln]:
                diff = next(k for k in range(ln) if da[off + k:off + k + 1] != db[off + k:off + k + 1])
                if not any(so <= off + diff < so + sl for so, sl in skip):
                    fail("%s: metadata %s at %d (+%d) differs at byte %d" % (role, name, off, ln, off + diff))
            nbytes += ln
    print("checked %d metadata bytes, %d files" % (nbytes, len(sf)))
    if qsrc != src:
        import shutil
        shutil.rmtree(os.path.dirname(qsrc))
    if FAIL:
        print("RESULT: FAIL (%d problems)" % len(FAIL))
        return 1
    print("RESULT: PASS")
    return 0


_CRC32C = []


def crc32c(data):
    if not _CRC32C:
        for n in range(256):
            c = n
            for _ in range(8):
                c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
            _CRC32C.append(c)
    c = 0xFFFFFFFF
    for x in data:
        c = _CRC32C[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def vhdx_expected_log(path):
    """(offset, expected bytes) of the log after anonymization: every entry
    keeps its bytes except the padding after its descriptors (zeroed), and
    an entry whose CRC-32C was valid gets a recomputed one."""
    with open(path, "rb") as f:
        d = bytearray(f.read())
    out, _, _ = vhdx_metadata(path)
    lo, ll = [(o, l) for o, l, n in out if n == "log"][0]
    log = d[lo:lo + ll]
    pos = 0
    while pos + 64 <= ll:
        if log[pos:pos + 4] == b"loge":
            crc, ln = struct.unpack("<II", log[pos + 4:pos + 12])
            dc = struct.unpack("<I", log[pos + 24:pos + 28])[0]
            used = 64 + 32 * dc
            area = (used + 4095) // 4096 * 4096
            if ln >= 4096 and ln % 4096 == 0 and ln <= ll - pos and dc <= ln // 32 and area <= ln:
                e = bytearray(log[pos:pos + ln])
                e[4:8] = b"\0\0\0\0"
                valid = crc32c(bytes(e)) == crc
                if any(e[used:area]):
                    e[used:area] = bytes(area - used)
                    e[4:8] = struct.pack("<I", crc32c(bytes(e)) if valid else crc)
                else:
                    e[4:8] = struct.pack("<I", crc)
                log[pos:pos + ln] = e
                pos += ln
                continue
        pos += 4096
    return lo, bytes(log)


def vhdx_log_ranges(path):
    """Log entries may differ (padding scrubbed, CRC fixed): return the log."""
    try:
        out, _, _ = vhdx_metadata(path)
    except Exception:
        return []
    return [(o, l) for o, l, n in out if n == "log"]


if __name__ == "__main__":
    sys.exit(main())
