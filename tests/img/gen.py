#!/usr/bin/env python3
"""Random valid disk images made by qemu-img and qemu-io, and the driver
that proves `emkit-img anonymize` accepts every one qemu-img accepts.

    gen.py [--seed N] [--count K] [--first I] OUTDIR
        makes cases I .. I+K-1 of seed N in OUTDIR/c<I>/ (a case is one image
        or a backing chain of several); each case directory holds recipe.sh
        (the commands run, with their exit codes) and LIST (the images, base
        layers first).  Case I of seed N is the same on every run: its random
        choices come from random.Random("N:I") alone.
    gen.py --run TOOL [--seed N] [--count K] [--first I] [--jobs J]
           [--keep] [--unclean] OUTDIR
        also tests every image of every case: if `qemu-img check` is clean
        (or the format has no check), then `emkit-img anonymize` (copy mode)
        must succeed, tests/img/checker.py must pass on (image, result),
        `qemu-img check` of the result must be clean, and an in-place run on
        a copy must give the same bytes.  Images qemu-img check does not pass
        are skipped and counted (--unclean: tested anyway, counted apart,
        never a failure).  Prints the counts and, for each failure, the seed
        and index that remake it; exits 1 if anything failed.  Case
        directories are deleted unless they failed (--keep: kept).

Python 3 standard library only.  Every guest write carries the marker
EMKSECRET (a pattern file of "EMKSECRET-<seed>-<index>-<offset>;").
Options drawn: qcow2 compat 0.10/1.1, cluster sizes 512 B..2 MiB,
extended_l2, refcount_bits 1..64, lazy_refcounts (with a dirty exit),
compression zlib/zstd (write -c, convert -c), preallocation off/metadata/
falloc/full, external data files (data_file_raw on/off), backing chains of
up to 4 layers (backing_fmt, subcluster layers on top), internal snapshots
(UTF-8 names, create/apply/delete), VM state (write -b), bitmaps, discards,
zero writes (-z, -z -u), writes at odd offsets, inside subclusters and at
the end of the disk, resize, amend, commit, rebase; VMDK monolithicSparse,
monolithicFlat, twoGbMaxExtentSparse (also > 2 GiB: several extents),
twoGbMaxExtentFlat, streamOptimized (written in order, or converted),
zeroed_grain, compat6, adapter types, child images; VHDX block sizes
1..256 MiB, log sizes, dynamic/fixed, block_state_zero, preallocation.
Rarely the file is truncated inside its last data cluster (what QEMU
itself leaves with extended L2: an image qemu-img check still passes).
"""
import json
import os
import random
import shlex
import shutil
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, "checker.py")
KiB, MiB, GiB = 1024, 1024 * 1024, 1024 * 1024 * 1024
TIMEOUT = 300

SNAP_NAMES = ["s1", "snap", "before-upgrade", "Snäpshot", "スナップ", "名前-2",
              "\U0001f4be disk", "x" * 60, "a b c", "ÆØÅ-æøå", "été"]


class Case:
    """One generated case: its directory, its random source and the
    commands it ran (recipe.sh)."""

    def __init__(self, seed, index, d):
        self.seed, self.index, self.dir = seed, index, d
        self.r = random.Random("%d:%d" % (seed, index))
        self.log = []
        self.images = []        # (file, checker flags), base layers first
        self.desc = []          # a short description of what was drawn

    def run(self, args, quiet=True):
        try:
            p = subprocess.run(args, cwd=self.dir, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=TIMEOUT)
            rc, out = p.returncode, p.stdout.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            rc, out = -1, "timeout"
        self.log.append("%s  # rc=%d" % (" ".join(shlex.quote(a) for a in args), rc))
        if rc != 0:
            for line in out.strip().splitlines()[-3:]:
                self.log.append("#   " + line)
        return rc

    def qio(self, fmt, img, cmds):
        """One qemu-io run with several commands (a failing command does
        not stop the following ones)."""
        if not cmds:
            return 0
        args = ["qemu-io", "-f", fmt]
        for c in cmds:
            args += ["-c", c]
        return self.run(args + [img])

    def add(self, img, *flags):
        self.images.append((img, list(flags)))

    def write_recipe(self):
        with open(os.path.join(self.dir, "recipe.sh"), "w", encoding="utf-8") as f:
            f.write("# gen.py --seed %d --first %d --count 1: %s\n" %
                    (self.seed, self.index, "; ".join(self.desc)))
            f.write("# pat: 64 KiB of 'EMKSECRET-%d-%d-<offset>;'\n" % (self.seed, self.index))
            f.write("\n".join(self.log) + "\n")
        with open(os.path.join(self.dir, "LIST"), "w") as f:
            for img, flags in self.images:
                f.write(" ".join([img] + flags) + "\n")


def make_pattern(case):
    s = b""
    tag = b"EMKSECRET-%d-%d-" % (case.seed, case.index)
    while len(s) < 65536:
        s += tag + b"%06d;" % len(s)
    with open(os.path.join(case.dir, "pat"), "wb") as f:
        f.write(s[:65536])


# ------------------------------------------------------------ offsets
def span(r, vsize, cs, sub=0):
    """An (offset, length) inside the disk: cluster aligned, odd, inside
    subclusters, or ending at the end of the disk."""
    kinds = ["aligned", "odd", "eof", "eof", "small"]
    if sub:
        kinds += ["sub", "sub", "eofsub"]
    k = r.choice(kinds)
    if k == "aligned":
        off = r.randrange(0, max(1, vsize // cs)) * cs
        ln = cs * r.randint(1, 4)
    elif k == "odd":
        off = r.randrange(0, vsize)
        ln = r.randint(1, 3 * cs)
    elif k == "small":
        off = r.randrange(0, vsize)
        ln = r.randint(1, 4096)
    elif k == "sub":
        off = r.randrange(0, max(1, vsize // sub)) * sub
        ln = sub * r.randint(1, 3)
    elif k == "eofsub":
        ln = sub * r.randint(1, 3)
        off = max(0, (vsize - ln) // sub * sub)
    else:   # eof
        ln = r.randint(1, 2 * cs)
        off = max(0, vsize - ln)
    off = min(off, vsize - 1)
    ln = max(1, min(ln, vsize - off, 8 * MiB))
    return off, ln


def sized(r, choices):
    """A virtual size: one of choices, sometimes made odd (not a multiple
    of the cluster size)."""
    v = r.choice(choices)
    if r.random() < 0.4:
        v += r.randrange(1, 256) * 512
    return v


# ------------------------------------------------------------ qcow2
def qcow2_opts(r, allow_data_file=True, prealloc_ok=True):
    o = {}
    v2 = r.random() < 0.15
    cs = r.choice([512, 1 * KiB, 2 * KiB, 4 * KiB, 8 * KiB, 16 * KiB, 32 * KiB,
                   64 * KiB, 64 * KiB, 64 * KiB, 128 * KiB, 256 * KiB, 512 * KiB,
                   1 * MiB, 2 * MiB])
    o["cluster_size"] = cs
    if v2:
        o["compat"] = "0.10"
    else:
        if r.random() < 0.3:
            o["compat"] = "1.1"
        if cs >= 16 * KiB and r.random() < 0.4:
            o["extended_l2"] = "on"
        o["refcount_bits"] = r.choice([1, 2, 4, 8, 16, 16, 16, 32, 64])
        if r.random() < 0.2:
            o["lazy_refcounts"] = "on"
        if r.random() < 0.4:
            o["compression_type"] = r.choice(["zlib", "zstd"])
        if allow_data_file and r.random() < 0.12:
            o["data_file"] = "DATA"     # replaced by the caller
            if r.random() < 0.5:
                o["data_file_raw"] = "on"
    if prealloc_ok and r.random() < 0.2:
        o["preallocation"] = r.choice(["metadata", "falloc", "full"])
    return o


def optstr(o):
    return ",".join("%s=%s" % (k, v) for k, v in o.items())


def qcow2_ops(case, img, o, vsize, layer_top):
    """Random operations on one qcow2 layer.  Returns the final size."""
    r = case.r
    cs = o["cluster_size"]
    sub = cs // 32 if o.get("extended_l2") == "on" else 0
    v3 = o.get("compat") != "0.10"
    dfile = "data_file" in o
    snaps = []
    pending = []

    def flush():
        case.qio("qcow2", img, pending)
        del pending[:]

    for _ in range(r.randint(1, 10)):
        k = r.choices(["write", "writec", "zero", "zerou", "discard", "vmstate",
                       "snap", "snapdel", "snapapply", "bitmap", "resize",
                       "amend", "done"],
                      [30, 6, 6, 5, 6, 2, 8, 3, 2, 3, 2, 2, 2])[0]
        if k == "done":
            break
        off, ln = span(r, vsize, cs, sub)
        if k == "write":
            pending.append("write -s pat %d %d" % (off, ln))
        elif k == "writec" and not dfile:
            off = off // cs * cs
            ln = min(cs * r.randint(1, 3), vsize - off)
            pending.append("write -c -s pat %d %d" % (off, ln))
        elif k == "zero":
            pending.append("write -z %d %d" % (off, ln))
        elif k == "zerou":
            pending.append("write -z -u %d %d" % (off, ln))
        elif k == "discard":
            pending.append("discard %d %d" % (off, ln))
        elif k == "vmstate" and not dfile:
            pending.append("write -b -s pat 0 %d" % r.choice([512, 4096, 65536, 300000]))
        elif k == "snap" and not dfile:
            flush()
            name = r.choice(SNAP_NAMES) + ("" if r.random() < 0.5 else "-%d" % len(snaps))
            if case.run(["qemu-img", "snapshot", "-c", name, img]) == 0:
                snaps.append(name)
        elif k == "snapdel" and snaps:
            flush()
            name = r.choice(snaps)
            if case.run(["qemu-img", "snapshot", "-d", name, img]) == 0:
                snaps.remove(name)
        elif k == "snapapply" and snaps:
            flush()
            case.run(["qemu-img", "snapshot", "-a", r.choice(snaps), img])
        elif k == "bitmap" and v3:
            flush()
            bm = "bm%d" % r.randrange(3)
            act = r.choice(["--add", "--add", "--clear", "--disable", "--remove"])
            extra = ["-g", str(r.choice([512, 4096, 65536, MiB]))] if act == "--add" and r.random() < 0.5 else []
            case.run(["qemu-img", "bitmap", act] + extra + [img, bm])
        elif k == "resize":
            flush()
            if r.random() < 0.3:
                new = max(512, (vsize - r.randrange(0, vsize // 2 + 1)) // 512 * 512)
                args = ["qemu-img", "resize", "-q", "-f", "qcow2", "--shrink", img, str(new)]
            else:
                new = vsize + r.randrange(1, 4096) * 512 * r.choice([1, 8, 64])
                args = ["qemu-img", "resize", "-q", "-f", "qcow2"]
                if r.random() < 0.3:
                    args.append("--preallocation=" + r.choice(["metadata", "falloc", "full"]))
                args += [img, str(new)]
            if case.run(args) == 0:
                vsize = new
        elif k == "amend":
            flush()
            a = r.choice(["lazy_refcounts=on", "lazy_refcounts=off",
                          "refcount_bits=%d" % r.choice([1, 2, 4, 8, 16, 32, 64]),
                          "compat=0.10", "compat=1.1"])
            case.run(["qemu-img", "amend", "-f", "qcow2", "-o", a, img])
    if layer_top and o.get("lazy_refcounts") == "on" and r.random() < 0.5 and not snaps:
        # the dirty bit stays set: qemu-io aborts after its writes
        off, ln = span(r, vsize, cs, sub)
        pending += ["write -s pat %d %d" % (off, ln), "abort"]
    flush()
    return vsize


def qcow2_case(case, name, layers):
    """A qcow2 image, or a chain of `layers` qcow2 layers (backing_fmt
    given), top layer last."""
    r = case.r
    vsize = sized(r, [64 * KiB, 1 * MiB, 3 * MiB, 8 * MiB, 16 * MiB, 40 * MiB])
    if r.random() < 0.05:
        vsize = r.choice([5 * GiB, 6 * GiB + 512])
    back = None
    for i in range(layers):
        top = i == layers - 1
        img = name if top else "base%d.qcow2" % i
        # (no data file for a huge disk: the checker reads it whole)
        o = qcow2_opts(r, allow_data_file=vsize <= 64 * MiB, prealloc_ok=vsize <= 16 * MiB)
        if "data_file" in o:
            o["data_file"] = img.replace(".qcow2", ".data")
        opts = optstr(o)
        args = ["qemu-img", "create", "-q", "-f", "qcow2", "-o", opts]
        if back:
            args += ["-b", back, "-F", "qcow2"]
        case.desc.append("%s: %s%s" % (img, opts, " backing " + back if back else ""))
        if case.run(args + [img, str(vsize)]) != 0:
            # an option combination qemu-img refuses: plain defaults
            o = {"cluster_size": 65536}
            args = ["qemu-img", "create", "-q", "-f", "qcow2"]
            if back:
                args += ["-b", back, "-F", "qcow2"]
            case.run(args + [img, str(vsize)])
        vsize2 = qcow2_ops(case, img, o, vsize, top)
        if top and back and r.random() < 0.1:
            case.run(["qemu-img", "commit", "-q", "-f", "qcow2", img])
        if top and layers >= 3 and r.random() < 0.1:
            case.run(["qemu-img", "rebase", "-q", "-f", "qcow2", "-b", "base0.qcow2",
                      "-F", "qcow2", img])
        case.add(img)
        if top:
            vsize = vsize2
        back = img
    return o


def qcow2_convert_case(case, name):
    """A qcow2 made by qemu-img convert (-c: every cluster compressed)."""
    r = case.r
    vsize = sized(r, [64 * KiB, 1 * MiB, 4 * MiB, 9 * MiB])
    raw = "src.raw"
    case.run(["qemu-img", "create", "-q", "-f", "raw", raw, str(vsize)])
    cmds = []
    for _ in range(r.randint(1, 6)):
        off, ln = span(r, vsize, 65536)
        cmds.append("write -s pat %d %d" % (off, ln))
    case.qio("raw", raw, cmds)
    o = qcow2_opts(r, allow_data_file=False, prealloc_ok=False)
    o.pop("lazy_refcounts", None)
    args = ["qemu-img", "convert", "-f", "raw", "-O", "qcow2", "-o", optstr(o)]
    if r.random() < 0.7:
        args.append("-c")
    if r.random() < 0.3:
        args += ["-S", str(r.choice([512, 4096, 65536]))]
    case.desc.append("convert %s" % " ".join(args[5:]))
    case.run(args + [raw, name])
    os.unlink(os.path.join(case.dir, raw))
    case.add(name)


# ------------------------------------------------------------ vmdk
def vmdk_case(case, name):
    r = case.r
    sub = r.choice(["monolithicSparse", "monolithicSparse", "monolithicFlat",
                    "twoGbMaxExtentSparse", "twoGbMaxExtentFlat", "streamOptimized"])
    vsize = sized(r, [1 * MiB, 4 * MiB, 8 * MiB, 33 * MiB])
    if sub == "twoGbMaxExtentSparse" and r.random() < 0.25:
        vsize = 2 * GiB + r.choice([64 * KiB, 3 * MiB, 512])   # two extents
    o = {"subformat": sub}
    if r.random() < 0.3:
        o["adapter_type"] = r.choice(["ide", "lsilogic", "buslogic", "legacyESX"])
    if r.random() < 0.15:
        o["compat6"] = "on"
    elif r.random() < 0.15:
        o["hwversion"] = r.choice(["4", "6", "7", "13"])
    if "Sparse" in sub and r.random() < 0.3:
        o["zeroed_grain"] = "on"
    if vsize < GiB and r.random() < 0.15:
        o["preallocation"] = r.choice(["falloc", "full"])
    parent = None
    if sub == "monolithicSparse" and r.random() < 0.2:
        parent = "parent.vmdk"
        case.run(["qemu-img", "create", "-q", "-f", "vmdk", parent, str(vsize)])
        case.qio("vmdk", parent, ["write -s pat %d %d" % span(r, vsize, 65536)
                                  for _ in range(r.randint(1, 4))])
        case.add(parent)
    if sub == "streamOptimized" and r.random() < 0.5:
        raw = "src.raw"
        case.run(["qemu-img", "create", "-q", "-f", "raw", raw, str(vsize)])
        case.qio("raw", raw, ["write -s pat %d %d" % span(r, vsize, 65536)
                              for _ in range(r.randint(1, 6))])
        case.desc.append("convert to %s" % optstr(o))
        case.run(["qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o", optstr(o), raw, name])
        os.unlink(os.path.join(case.dir, raw))
        case.add(name)
        return
    args = ["qemu-img", "create", "-q", "-f", "vmdk", "-o", optstr(o)]
    if parent:
        args += ["-b", parent, "-F", "vmdk"]
    case.desc.append("%s: %s" % (name, optstr(o)))
    if case.run(args + [name, str(vsize)]) != 0:
        o = {"subformat": sub}
        case.run(["qemu-img", "create", "-q", "-f", "vmdk", "-o", optstr(o), name, str(vsize)])
    gs = 65536
    cmds = []
    if sub == "streamOptimized":
        # whole grains only (up to the end of the disk), in any order
        for _ in range(r.randint(1, 5)):
            pos = r.randrange(0, (vsize + gs - 1) // gs) * gs
            ln = min(gs * r.randint(1, 3), vsize - pos)
            cmds.append("write -s pat %d %d" % (pos, ln))
    else:
        for _ in range(r.randint(1, 8)):
            off, ln = span(r, vsize, gs)
            k = r.choices(["write", "zero", "zerou"], [8, 2, 1])[0]
            cmds.append({"write": "write -s pat %d %d", "zero": "write -z %d %d",
                         "zerou": "write -z -u %d %d"}[k] % (off, ln))
    case.qio("vmdk", name, cmds)
    case.add(name)


# ------------------------------------------------------------ vhdx
def vhdx_case(case, name):
    r = case.r
    o = {}
    fixed = r.random() < 0.2
    # QEMU's vhdx driver has no block status: the checker reads it all
    vsize = sized(r, [1 * MiB, 8 * MiB, 20 * MiB, 40 * MiB] if not fixed else [1 * MiB, 8 * MiB, 24 * MiB])
    if fixed:
        o["subformat"] = "fixed"
    elif r.random() < 0.2:
        o["subformat"] = "dynamic"
    if r.random() < 0.7:
        o["block_size"] = r.choice([0, 1, 2, 4, 8, 16, 32, 64, 128, 256]) * MiB
    if r.random() < 0.3:
        o["log_size"] = r.choice([1, 2, 3, 4, 8]) * MiB
    if r.random() < 0.3:
        o["block_state_zero"] = r.choice(["on", "off"])
    if not fixed and r.random() < 0.1:
        o["preallocation"] = r.choice(["falloc", "full"])
    case.desc.append("%s: %s" % (name, optstr(o)))
    args = ["qemu-img", "create", "-q", "-f", "vhdx"] + (["-o", optstr(o)] if o else [])
    if r.random() < 0.15:
        raw = "src.raw"
        case.run(["qemu-img", "create", "-q", "-f", "raw", raw, str(vsize)])
        case.qio("raw", raw, ["write -s pat %d %d" % span(r, vsize, 65536)
                              for _ in range(r.randint(1, 4))])
        o.pop("preallocation", None)
        o["block_state_zero"] = "on"
        case.run(["qemu-img", "convert", "-f", "raw", "-O", "vhdx", "-o", optstr(o), raw, name])
        os.unlink(os.path.join(case.dir, raw))
        case.add(name)
        return
    if case.run(args + [name, str(vsize)]) != 0:
        case.run(["qemu-img", "create", "-q", "-f", "vhdx", name, str(vsize)])
    cmds = []
    for _ in range(r.randint(1, 8)):
        off, ln = span(r, vsize, 65536)
        k = r.choices(["write", "zero", "zerou", "discard"], [8, 2, 1, 1])[0]
        cmds.append({"write": "write -s pat %d %d", "zero": "write -z %d %d",
                     "zerou": "write -z -u %d %d", "discard": "discard %d %d"}[k] % (off, ln))
    case.qio("vhdx", name, cmds)
    case.add(name)


# ------------------------------------------------------------ cases
def maybe_truncate(case):
    """Rarely: cut the top image inside its last cluster, behind the last
    written byte (the file then ends inside a data cluster, as QEMU leaves
    an extended-L2 image).  Kept only if qemu-img check stays clean (the
    driver skips it otherwise)."""
    r = case.r
    if r.random() >= 0.05 or not case.images:
        return
    img = case.images[-1][0]
    p = os.path.join(case.dir, img)
    size = os.path.getsize(p)
    if size == 0:
        return
    # the tail that holds only zeros may go, rounded to 512
    nz = size
    with open(p, "rb") as f:
        step = 65536
        while nz > 0:
            a = max(0, nz - step)
            f.seek(a)
            b = f.read(nz - a)
            s = b.rstrip(b"\0")
            if s:
                nz = a + len(s)
                break
            nz = a
    # only inside the last cluster (grain, VHDX MiB): every structure
    # keeps its start in the file; one the file does not reach at all
    # QEMU would read as zeros, anonymize refuses (docs/img.md)
    with open(p, "rb") as f:
        h = f.read(24)
    unit = 1 << struct.unpack(">I", h[20:24])[0] if h[:4] == b"QFI\xfb" else (
        MiB if h[:8] == b"vhdxfile" else 65536)
    cut = max((nz + 511) // 512 * 512, (size - 1) // unit * unit + 512)
    if cut < size:
        cut = r.randrange(cut, size) // 512 * 512 if r.random() < 0.5 else cut
        os.truncate(p, cut)
        case.log.append("truncate -s %d %s  # inside the last cluster (was %d)" % (cut, img, size))
        case.desc.append("truncated to %d" % cut)


def generate(seed, index, outdir):
    d = os.path.join(outdir, "c%d" % index)
    if os.path.exists(d):
        shutil.rmtree(d)
    os.makedirs(d)
    case = Case(seed, index, d)
    make_pattern(case)
    r = case.r
    k = r.choices(["qcow2", "chain", "convert", "vmdk", "vhdx"], [40, 15, 10, 20, 15])[0]
    if k == "qcow2":
        qcow2_case(case, "img.qcow2", 1)
    elif k == "chain":
        qcow2_case(case, "top.qcow2", r.randint(2, 4))
    elif k == "convert":
        qcow2_convert_case(case, "conv.qcow2")
    elif k == "vmdk":
        vmdk_case(case, "img.vmdk")
    else:
        vhdx_case(case, "img.vhdx")
    # only images that exist (a refused create leaves none)
    case.images = [(i, f) for i, f in case.images if os.path.exists(os.path.join(d, i))]
    maybe_truncate(case)
    case.write_recipe()
    return case


# ------------------------------------------------------------ the driver
def sh(args, cwd, timeout=TIMEOUT):
    try:
        p = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return -1, "timeout after %d s" % timeout


def files_of(d, img):
    """The files of an image (itself, VMDK extents, the data file), as the
    checker finds them."""
    sys.path.insert(0, HERE)
    import checker
    p = os.path.join(d, img)
    return [os.path.relpath(f, d) for _, f in checker.related_files(checker.detect(p), p)]


def test_case(args):
    """Generates case index and tests its images.  Returns a result dict."""
    seed, index, outdir, tool, keep, unclean = args
    t0 = time.time()
    res = {"index": index, "images": 0, "tested": 0, "skipped": 0, "nocheck": 0,
           "unclean_ok": 0, "unclean_bad": 0, "fail": [], "desc": ""}
    try:
        case = generate(seed, index, outdir)
    except Exception as e:      # a generator bug is a failure too
        res["fail"].append("generator: %r" % e)
        return res
    res["desc"] = "; ".join(case.desc)
    d = case.dir
    out, ip = os.path.join(d, "anon"), os.path.join(d, "ip")
    os.makedirs(out)
    os.makedirs(ip)
    for img, flags in case.images:
        res["images"] += 1
        rc, txt = sh(["qemu-img", "check", img], d)
        clean = rc == 0
        if rc == 63:            # "This image format does not support checks"
            res["nocheck"] += 1
            clean = True
        if not clean and not unclean:
            res["skipped"] += 1
            # the layers above still go to anon/ (their backing must be
            # there for the checker), but nothing is required of this one
            rc, _ = sh([tool, "anonymize", img, os.path.join("anon", img)], d)
            if rc != 0:
                for x in files_of(d, img):
                    shutil.copy(os.path.join(d, x), os.path.join(out, x))
            continue
        problems = []
        rc, txt = sh([tool, "anonymize", img, os.path.join("anon", img)], d)
        if rc != 0:
            problems.append("anonymize failed (rc %d): %s" % (rc, txt.strip()[-400:]))
        else:
            rc, txt = sh([sys.executable, CHECKER] + flags + [img, os.path.join("anon", img)], d)
            if rc != 0:
                with open(os.path.join(d, "checker-%s.txt" % img), "w") as f:
                    f.write(txt)
                problems.append("checker: " + " | ".join(
                    l for l in txt.splitlines() if l.startswith("FAIL"))[:800])
            rc2, txt2 = sh(["qemu-img", "check", img], out)
            if clean and rc2 not in (0, 63):
                problems.append("qemu-img check of the result: rc %d: %s" % (rc2, txt2.strip()[-300:]))
            # in place on a copy: the copy-mode bytes
            fl = files_of(d, img)
            for x in fl:
                shutil.copy(os.path.join(d, x), os.path.join(ip, x))
            rc3, txt3 = sh([tool, "anonymize", "--in-place", img], ip)
            if rc3 != 0:
                problems.append("in-place failed: " + txt3.strip()[-300:])
            else:
                for x in fl:
                    if not same_file(os.path.join(ip, x), os.path.join(out, x)):
                        problems.append("in-place result differs from copy mode (%s)" % x)
            for x in fl:
                os.unlink(os.path.join(ip, x))
        if clean:
            res["tested"] += 1
            for p in problems:
                res["fail"].append("%s: %s" % (img, p))
        else:
            res["unclean_ok" if not problems else "unclean_bad"] += 1
            if problems:
                res.setdefault("unclean_notes", []).append("%s: %s" % (img, problems[0][:300]))
    res["secs"] = time.time() - t0
    if not res["fail"] and not keep:
        shutil.rmtree(d, ignore_errors=True)
    return res


def same_file(a, b):
    with open(a, "rb") as f, open(b, "rb") as g:
        while True:
            x, y = f.read(1 << 20), g.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def main():
    args = sys.argv[1:]
    seed, count, first, jobs, tool, keep, unclean = 1, 10, 0, os.cpu_count() or 1, None, False, False
    pos = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--seed", "--count", "--first", "--jobs", "--run", "--index"):
            v = args[i + 1]
            i += 2
            if a == "--seed":
                seed = int(v)
            elif a == "--count":
                count = int(v)
            elif a in ("--first", "--index"):
                first = int(v)
                if a == "--index":
                    count = 1
            elif a == "--jobs":
                jobs = int(v)
            else:
                tool = os.path.abspath(v)
            continue
        if a == "--keep":
            keep = True
        elif a == "--unclean":
            unclean = True
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            pos.append(a)
        i += 1
    if len(pos) != 1:
        print(__doc__)
        return 2
    outdir = os.path.abspath(pos[0])
    os.makedirs(outdir, exist_ok=True)
    idx = range(first, first + count)
    if tool is None:
        for n in idx:
            c = generate(seed, n, outdir)
            print("c%d: %s" % (n, "; ".join(c.desc)))
        return 0
    t0 = time.time()
    work = [(seed, n, outdir, tool, keep, unclean) for n in idx]
    tot = {"images": 0, "tested": 0, "skipped": 0, "nocheck": 0, "unclean_ok": 0, "unclean_bad": 0}
    fails = []
    if jobs > 1:
        import multiprocessing
        with multiprocessing.Pool(jobs) as pool:
            results = pool.imap_unordered(test_case, work)
            for res in results:
                collect(res, tot, fails, seed, outdir)
    else:
        for w in work:
            collect(test_case(w), tot, fails, seed, outdir)
    dt = time.time() - t0
    if os.environ.get("GEN_TIMES"):
        for secs, n, desc in sorted(TIMES, reverse=True)[:int(os.environ["GEN_TIMES"])]:
            print("%6.1f s  c%d: %s" % (secs, n, desc[:200]))
    print("gen: seed %d, cases %d..%d: %d images, %d tested (%d without qemu-img check), "
          "%d skipped (qemu-img check not clean)%s, %d failed cases; %.0f s"
          % (seed, first, first + count - 1, tot["images"], tot["tested"], tot["nocheck"],
             tot["skipped"],
             ", unclean tested anyway: %d ok, %d not" % (tot["unclean_ok"], tot["unclean_bad"])
             if unclean else "", len(fails), dt))
    for n, msgs in sorted(fails):
        print("FAIL seed %d index %d (remake: gen.py --seed %d --index %d DIR; kept in %s/c%d)"
              % (seed, n, seed, n, outdir, n))
        for m in msgs:
            print("    " + m)
    return 1 if fails else 0


TIMES = []


def collect(res, tot, fails, seed, outdir):
    TIMES.append((res.get("secs", 0), res["index"], res["desc"]))
    for k in tot:
        tot[k] += res.get(k, 0)
    if res["fail"]:
        fails.append((res["index"], res["fail"] + ["case: " + res["desc"]]))
        print("FAIL seed %d index %d: %s" % (seed, res["index"], res["fail"][0][:300]), flush=True)
    for n in res.get("unclean_notes", []):
        print("note: unclean image, seed %d index %d: %s" % (seed, res["index"], n), flush=True)


if __name__ == "__main__":
    sys.exit(main())
