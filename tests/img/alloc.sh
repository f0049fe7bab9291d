#!/bin/sh
# tests/img/alloc.sh DIR TEST_TOOL - copy mode's output is allocated, not
# written: on every corpus image in DIR (corpus.sh), the test build of
# emkit-img anonymizes once as before (EMKIT_IMG_TEST_WRITE_ALL: every
# byte written with pwrite) and once as shipped (zeros fallocated, metadata
# copied with copy_file_range).  Both outputs must have the same bytes, the
# same allocated extents (st_blocks up to extent-tree blocks), and the same qemu-img map (looked
# at with the new output's pages dropped from the page cache); the report
# must say that the zeros were allocated and not written wherever the file
# system and the image allow it; compare-metadata must pass the output.  Exit 0 pass, 1 fail.
set -u
D=$1
T=$2
HERE=$(cd "$(dirname "$0")" && pwd)
export HERE
CHECK="python3 $HERE/checker.py"
cd "$D"
rm -rf alloc-w alloc-f
mkdir alloc-w alloc-f
# does this file system allocate without writing? (util-linux fallocate
# calls fallocate(2) and fails where the file system cannot)
FALLOC=0
if command -v fallocate >/dev/null 2>&1 && fallocate -l 65536 alloc-f/probe 2>/dev/null; then
    FALLOC=1
fi
rm -f alloc-f/probe
[ $FALLOC = 1 ] || echo "alloc: NOTE: fallocate(2) unsupported here; only the fall-back to writes is checked"
FAILS=0
while read -r f flags; do
    # SEEK_DATA (which the anonymizer follows) counts an unwritten extent
    # of SRC as data only once its pages are cached: read SRC first, so
    # that both runs see the same extents
    cat $($CHECK --files "$f") > /dev/null
    EMKIT_IMG_TEST_WRITE_ALL=1 "$T" anonymize --output=json "$f" "alloc-w/$f" > "alloc-w/$f.json" 2>&1 ||
        { echo "FAIL: $f: anonymize (writes) failed"; FAILS=$((FAILS + 1)); continue; }
    "$T" anonymize --output=json "$f" "alloc-f/$f" > "alloc-f/$f.json" 2>&1 ||
        { echo "FAIL: $f: anonymize failed"; FAILS=$((FAILS + 1)); continue; }
    python3 - "$f" "$FALLOC" $($CHECK --files "$f") <<'PY' || FAILS=$((FAILS + 1))
import filecmp, json, os, struct, subprocess, sys
sys.path.insert(0, os.environ.get("HERE", "."))
from checker import allocation_map, data_map, detect, fiemap
f, falloc, files = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
bad = []
for x in files:
    w, n = os.path.join("alloc-w", x), os.path.join("alloc-f", x)
    if not filecmp.cmp(w, n, shallow=False):
        bad.append("%s: bytes differ from the written output" % x)
    # (without FIEMAP, as on tmpfs, SEEK_DATA hides fallocated pages:
    # st_blocks below is the comparison then)
    if fiemap(n) is not None and allocation_map(w) != allocation_map(n):
        bad.append("%s: allocated extents differ:\n  written %s\n  now     %s"
                   % (x, allocation_map(w)[:6], allocation_map(n)[:6]))
    # st_blocks also counts the file system's extent-tree blocks: a file
    # with more extents (written and unwritten ones do not merge) may need
    # one more; the extents themselves are compared exactly above
    bw, bn = os.stat(w).st_blocks, os.stat(n).st_blocks
    if abs(bw - bn) * 512 > 65536:
        bad.append("%s: st_blocks %d (written) vs %d" % (x, bw, bn))
    elif bw != bn:
        print("alloc: %s: st_blocks %d (written) vs %d (extent-tree blocks)" % (x, bw, bn))
    # the worst case for the new output: none of its pages cached, so that
    # SEEK_DATA reports its unwritten extents as holes; the written output's
    # dropped too, since SRC's own unwritten extents are unwritten in both
    # (bytes-unwritten) and reading them above cached their zero pages
    for p in (n, w):
        fd = os.open(p, os.O_RDONLY)
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)
if detect(f) != "raw":
    maps = []
    for d in ("alloc-w", "alloc-f"):
        p = subprocess.run(["qemu-img", "map", "--output=json", "-U", f], cwd=d,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        maps.append(p.stdout)
    if maps[0] != maps[1]:
        bad.append("qemu-img map differs:\n  written %s\n  now     %s"
                   % (maps[0][:300], maps[1][:300]))
rw, rn = json.load(open("alloc-w/%s.json" % f)), json.load(open("alloc-f/%s.json" % f))
ow, on = rw["output"], rn["output"]
if ow["bytes-allocated"] or ow["bytes-copied"]:
    bad.append("EMKIT_IMG_TEST_WRITE_ALL still allocated or copied: %s" % ow)
total = lambda o: (o["bytes-written"] + o["bytes-copied"] + o["bytes-allocated"]
                   + o["bytes-unwritten"])
if ow["bytes-unwritten"] != on["bytes-unwritten"]:
    bad.append("SRC's unwritten extents differ between the runs: %s, %s" % (ow, on))
if total(ow) != total(on):
    bad.append("output bytes differ: written run %s, now %s" % (ow, on))
# what the zeroed categories hold (no key is given: plain zeros)
cats = rn["categories"]
zeros = sum(cats[k]["bytes"] for k in ("unreferenced", "zero_cluster_stale", "vm_state",
                                        "snapshot_data", "active_data") if k in cats)
# SRC's unwritten extents hold no data: they are counted in their
# categories (a zero one, or metadata: QEMU fallocates LUKS key slots) but
# mirrored as unwritten extents, not allocated as zeros.  Which category
# they fell in is not in the report, so with any of them the zeros
# allocated must lie between zeros - unwritten and zeros; without them
# (most images) they must equal zeros.
unwritten = on["bytes-unwritten"]


def qemu_takes_preallocated(path):
    """QEMU's metadata-preallocation test (qcow2_detect_metadata_preallocation)
    on the copy: clusters with a reference count, against 10/9 of the
    clusters the copy allocates (its allocated extents, as SRC's), at least
    that plus 2."""
    with open(path, "rb") as fh:
        data = fh.read()
    be = lambda fmt, o: struct.unpack_from(">" + fmt, data, o)[0]
    cs = 1 << be("I", 20)
    order = be("I", 96) if be("I", 4) >= 3 else 4
    bits, rt, rtc = 1 << order, be("Q", 48), be("I", 56)
    per = cs * 8 // bits
    n, clusters = 0, (len(data) + cs - 1) // cs
    for i in range(rtc * cs // 8):
        blk = be("Q", rt + 8 * i) & ~511
        for k in range(per if blk else 0):
            if i * per + k >= clusters:
                break
            bit = k * bits
            v = int.from_bytes(data[blk + bit // 8:blk + bit // 8 + max(bits // 8, 1)], "big")
            if bits < 8:
                v = (data[blk + bit // 8] >> (bit % 8)) & ((1 << bits) - 1)
            n += v != 0
    # QEMU counts what the file allocates (st_blocks), unwritten extents
    # included: the allocated extents, not SEEK_DATA's view
    real = sum(b - a for a, b in allocation_map(path)) // cs
    return n >= max(real * 10 // 9, real + 2)


# fallocate is skipped only where qemu-img map looks at the file's holes:
# VMDK flat extents and qcow2 data files, and qcow2 images QEMU takes for
# preallocated; everywhere else no zero byte is written
raw_data = f in ("monolithicFlat.vmdk", "twoGbMaxExtentFlat.vmdk", "dfile.qcow2")
holes_seen = raw_data or (detect(f) == "qcow2" and qemu_takes_preallocated(f))
if falloc and not holes_seen and not (max(zeros - unwritten, 0) <= on["bytes-allocated"] <= zeros):
    bad.append("zeros written, not allocated: %d of %d zero bytes allocated (%s)"
               % (on["bytes-allocated"], zeros, on))
if holes_seen and f != "dfile.qcow2" and on["bytes-allocated"]:
    bad.append("zeros allocated in an image QEMU maps through the file's holes: %s" % on)
if falloc:
    print("alloc: %s: %s%s" % (f, on, " (QEMU looks at the file's holes)" if holes_seen else ""))
for m in bad:
    print("FAIL: %s: %s" % (f, m))
sys.exit(1 if bad else 0)
PY
    # compare-metadata on the output, its pages still dropped: it must go by
    # the allocated extents (SEEK_DATA reports the fallocated zeros as holes)
    "$T" compare-metadata "$f" "alloc-f/$f" > "alloc-f/$f.cm" 2>&1 ||
        { echo "FAIL: $f: compare-metadata: $(grep FAIL "alloc-f/$f.cm" | head -2)"; FAILS=$((FAILS + 1)); }
done < LIST
echo "alloc: $(wc -l < LIST) images, $FAILS failed"
[ $FAILS -eq 0 ]
