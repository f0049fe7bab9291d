#!/bin/sh
# tests/img/suite.sh - real-peer suite of emkit-img (qemu-img, qemu-io,
# qemu-system-x86_64) with the independent checker.  Exit 0 pass, 77 skip.
#
#   EMKIT_IMG=path/to/emkit-img sh tests/img/suite.sh
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
for t in qemu-img qemu-io qemu-system-x86_64 python3; do
    command -v $t >/dev/null 2>&1 || { echo "skip: $t not installed"; exit 77; }
done
TOOL=${EMKIT_IMG:-}
if [ -z "$TOOL" ]; then
    for c in "$ROOT/build/gcc/img/tool/emkit-img" "$ROOT/build/img/tool/emkit-img" \
             "$ROOT/build/fallback/emkit-img" "$ROOT/build/clang/img/tool/emkit-img"; do
        [ -x "$c" ] && TOOL=$c && break
    done
fi
[ -n "$TOOL" ] && [ -x "$TOOL" ] || { echo "skip: emkit-img not built (set EMKIT_IMG)"; exit 77; }
TOOL=$(cd "$(dirname "$TOOL")" && pwd)/$(basename "$TOOL")
# the crash-test build (tests/img/meson.build): only it honours
# EMKIT_IMG_TEST_KILL_AFTER; the shipped tool must ignore the variable
TEST_TOOL=${EMKIT_IMG_TEST:-}
if [ -z "$TEST_TOOL" ]; then
    for c in "$(dirname "$TOOL")/../../tests/img/emkit-img-test" \
             "$ROOT/build/gcc/tests/img/emkit-img-test" "$ROOT/build/tests/img/emkit-img-test"; do
        [ -x "$c" ] && TEST_TOOL=$(cd "$(dirname "$c")" && pwd)/$(basename "$c") && break
    done
fi
CHECK="python3 $HERE/checker.py"
W=$(mktemp -d "${TMPDIR:-/tmp}/emkit-img-suite.XXXXXX")
trap 'rm -rf "$W"' EXIT
FAILS=0
PASSES=0
ok() { PASSES=$((PASSES + 1)); }
bad() { FAILS=$((FAILS + 1)); echo "FAIL: $*"; }

echo "corpus: building real images in $W"
sh "$HERE/corpus.sh" "$W" > "$W/corpus.log" 2>&1 || { cat "$W/corpus.log"; bad "corpus.sh"; exit 1; }
cd "$W"

# the files of an image: itself and the extents its descriptor names
files_of() { $CHECK --files "$1"; }
sums() { for x in $(files_of "$1"); do sha256sum "$x"; done; }
copy_to() { for x in $(files_of "$1"); do cp "$x" "$2/"; done; }
mkdir -p out plain ip
for f in $(cut -d' ' -f1 LIST); do
    case $f in zlib*|zstd*|luks*|aes*|streamOptimized*) continue ;; esac   # compressed or encrypted
    cat $(files_of "$f") | grep -aq EMKSECRET || bad "$f: corpus image holds no marker in its raw files"
done
while read -r f flags; do
    # copy mode: SRC untouched, DST passes the checker
    before=$(sums "$f")
    if ! "$TOOL" anonymize --output=json "$f" "out/$f" > "rep-$f.json" 2> "err-$f"; then
        bad "$f: anonymize failed: $(cat "err-$f")"; continue
    fi
    [ "$(sums "$f")" = "$before" ] || bad "$f: SRC changed in copy mode"
    python3 -c "import json,sys; json.load(open(sys.argv[1]))" "rep-$f.json" || bad "$f: report is not JSON"
    if $CHECK $flags "$f" "out/$f" > "chk-$f" 2>&1; then ok; else bad "$f: checker (copy mode)"; cat "chk-$f"; fi
    # the checker must fail on an un-anonymized copy, because of the markers
    copy_to "$f" plain
    if $CHECK $flags "$f" "plain/$f" > "neg-$f" 2>&1; then
        bad "$f: checker passed an un-anonymized copy"
    elif grep -q "contains marker" "neg-$f"; then ok; else bad "$f: checker failed for another reason"; cat "neg-$f"; fi
    # compare-metadata agrees with the checker: passes DST, fails the copy
    if "$TOOL" compare-metadata "$f" "out/$f" > "cm-$f" 2>&1; then ok; else bad "$f: compare-metadata (copy mode)"; cat "cm-$f"; fi
    "$TOOL" compare-metadata "$f" "plain/$f" > "cmn-$f" 2>&1; rc=$?
    if [ $rc -eq 1 ] && grep -q "data byte left\|compressed slot is not" "cmn-$f"; then ok; else bad "$f: compare-metadata passed an un-anonymized copy (rc $rc)"; fi
    # in-place mode on a copy, then once more (idempotent)
    copy_to "$f" ip
    "$TOOL" anonymize --in-place "ip/$f" > /dev/null 2>&1 || bad "$f: in-place failed"
    # (byte-identical to the copy-mode result, which passed the checker)
    for x in $(files_of "$f"); do cmp -s "ip/$x" "out/$x" || bad "$f: in-place and copy results differ ($x)"; done
    "$TOOL" anonymize --in-place "ip/$f" > /dev/null 2>&1 || bad "$f: second in-place run failed"
    for x in $(files_of "$f"); do cmp -s "ip/$x" "out/$x" || bad "$f: second in-place run changed $x"; done
done < LIST

# kill -9 in the middle of an in-place run (the crash-test build kills
# itself after 2 writes), then re-run with the shipped tool: the job completes
[ -n "$TEST_TOOL" ] && [ -x "$TEST_TOOL" ] ||
    bad "kill test: tests/img/emkit-img-test not built (set EMKIT_IMG_TEST)"
for f in v2.qcow2 zlib4k.qcow2 vm.qcow2; do
    [ -n "$TEST_TOOL" ] || break
    cp "$f" "k-$f"; cp "$f" "kref-$f"
    EMKIT_IMG_TEST_KILL_AFTER=2 "$TEST_TOOL" anonymize --in-place "k-$f" > /dev/null 2>&1
    rc=$?
    [ $rc -eq 137 ] || bad "$f: the test kill did not happen (rc $rc)"
    "$TOOL" anonymize --in-place "k-$f" > /dev/null 2>&1 || bad "$f: re-run after kill failed"
    if $CHECK "kref-$f" "k-$f" > "chkk-$f" 2>&1; then ok; else bad "$f: checker after kill -9 and re-run"; cat "chkk-$f"; fi
done

# copy mode allocates the zeros (fallocate) and copies the metadata
# (copy_file_range) with the same bytes, extents and qemu-img map as plain
# writes give (tests/img/alloc.sh; the test build can force the writes)
if [ -n "$TEST_TOOL" ]; then
    if sh "$HERE/alloc.sh" "$W" "$TEST_TOOL" > alloc.log 2>&1; then ok
    else bad "alloc.sh: copy mode's allocated output"; grep -A3 FAIL alloc.log; fi
fi

# the shipped tool has no crash hook: the variable changes nothing
cp v2.qcow2 nokill.qcow2
if ! EMKIT_IMG_TEST_KILL_AFTER=1 "$TOOL" anonymize --in-place nokill.qcow2 > /dev/null 2>&1; then
    bad "the shipped tool honoured EMKIT_IMG_TEST_KILL_AFTER (rc $?)"
elif ! cmp -s nokill.qcow2 out/v2.qcow2; then bad "shipped tool with EMKIT_IMG_TEST_KILL_AFTER: wrong result"
elif grep -aq "EMKIT_IMG_TEST_KILL_AFTER\|EMKIT_IMG_TEST_PAUSE\|EMKIT_IMG_TEST_WRITE_ALL" "$TOOL"; then bad "the shipped tool contains a test hook"
else ok; fi

# LUKS and legacy AES with the key: the guest then reads zeros (no
# --allow-nonzero); a wrong LUKS key is refused before anything is written
mkdir -p keyed
for f in luks.qcow2 aes.qcow2; do
    if "$TOOL" anonymize --object secret,id=s0,data=pw -o encrypt.key-secret=s0 "$f" "keyed/$f" > "keyed/rep-$f" 2>&1 &&
       grep -q "encrypted zeros" "keyed/rep-$f"; then
        if $CHECK --secret pw "$f" "keyed/$f" > "chk-keyed-$f" 2>&1; then ok; else bad "$f with key: checker"; cat "chk-keyed-$f"; fi
    else
        bad "$f with key: anonymize failed"; cat "keyed/rep-$f"
    fi
done
if "$TOOL" anonymize --object secret,id=s0,data=wrong luks.qcow2 keyed/wrong.qcow2 > keyed/err 2>&1; then
    bad "luks: a wrong key was accepted"
elif grep -q "opens no LUKS key slot" keyed/err && [ ! -e keyed/wrong.qcow2 ]; then ok; else bad "luks wrong key: $(cat keyed/err)"; fi

# --scrub-names: names replaced (same lengths), nothing else changes; the
# checker rejects an image whose names were not scrubbed
mkdir -p scrub
for f in v2.qcow2 bitmaps.qcow2 overlay.qcow2 child.vmdk diff.vhdx; do
    "$TOOL" anonymize --scrub-names "$f" "scrub/$f" > /dev/null 2>&1 || bad "$f: --scrub-names failed"
    if $CHECK --scrubbed-names "$f" "scrub/$f" > "chks-$f" 2>&1; then ok; else bad "$f: checker (scrubbed names)"; cat "chks-$f"; fi
    if "$TOOL" compare-metadata --scrubbed-names "$f" "scrub/$f" > "cms-$f" 2>&1; then ok; else bad "$f: compare-metadata (scrubbed names)"; cat "cms-$f"; fi
    if "$TOOL" compare-metadata --scrubbed-names "$f" "out/$f" > "cmsn-$f" 2>&1; then bad "$f: compare-metadata accepted unscrubbed names"
    elif grep -q "name was not replaced" "cmsn-$f"; then ok; else bad "$f: compare-metadata unscrubbed: wrong reason"; cat "cmsn-$f"; fi
    if $CHECK --scrubbed-names "$f" "out/$f" > "chkn-$f" 2>&1; then bad "$f: checker accepted unscrubbed names"
    elif grep -q "was not replaced" "chkn-$f"; then ok; else bad "$f: unscrubbed: wrong reason"; cat "chkn-$f"; fi
done

# in place (twice) gives the copy-mode bytes, UTF-16 names included
cp diff.vhdx scrub-ip.vhdx
if "$TOOL" anonymize --in-place --scrub-names scrub-ip.vhdx > /dev/null 2>&1 &&
   "$TOOL" anonymize --in-place --scrub-names scrub-ip.vhdx > /dev/null 2>&1 &&
   cmp -s scrub-ip.vhdx scrub/diff.vhdx; then ok; else bad "diff.vhdx: in-place --scrub-names differs from copy mode"; fi

# the checker notices a changed metadata byte (last byte of the L1 cluster)
cp out/v2.qcow2 tamper.qcow2
python3 - <<'PY'
import struct
f = open('tamper.qcow2', 'r+b')
h = f.read(72)
cs = 1 << struct.unpack('>I', h[20:24])[0]
rt = struct.unpack('>Q', h[48:56])[0]
f.seek(rt + cs - 1); b = f.read(1); f.seek(rt + cs - 1); f.write(bytes([b[0] ^ 0x40]))
PY
if $CHECK v2.qcow2 tamper.qcow2 > chk-tamper 2>&1; then bad "checker missed a changed metadata byte"
elif grep -q "metadata refcount table" chk-tamper; then ok; else bad "tamper: wrong reason"; cat chk-tamper; fi

# the report counts what the corpus holds
python3 - <<'PY' || FAILS=$((FAILS + 1))
import json, sys
def cat(f, k):
    return json.load(open('rep-%s.json' % f))['categories'][k]
ok = True
for f, k in [('vm.qcow2', 'vm_state'), ('vmio.qcow2', 'vm_state'), ('leak.qcow2', 'unreferenced'),
             ('zmix.qcow2', 'compressed'), ('zstd64k.qcow2', 'compressed'), ('zero.qcow2', 'zero_cluster_stale'),
             ('v2.qcow2', 'snapshot_data'), ('lazy.qcow2', 'active_data'),
             ('streamOptimized.vmdk', 'compressed'), ('monolithicFlat.vmdk', 'active_data'),
             ('twoGbMaxExtentSparse.vmdk', 'active_data'), ('orphan.vmdk', 'unreferenced'),
             ('dyn1M.vhdx', 'active_data'), ('fixed.vhdx', 'active_data'),
             ('diff.vhdx', 'active_data')]:
    c = cat(f, k)
    if c['units'] == 0 or c['bytes'] == 0:
        print('FAIL: report of %s counts no %s: %s' % (f, k, c)); ok = False
r = json.load(open('rep-pending.vhdx.json'))['metadata-patches']
if r['count'] == 0:
    print('FAIL: no log entry of pending.vhdx was scrubbed', r); ok = False
r = json.load(open('rep-zstd64k.qcow2.json'))['compressed-streams']
if r['zstd'] == 0 or r['unfit'] != 0:
    print('FAIL: zstd streams', r); ok = False
sys.exit(0 if ok else 1)
PY

# hostile images: a clear error naming the structure, nothing written
python3 - <<'PY'
import struct, shutil
src = open('v2.qcow2', 'rb').read()
def put(name, off, fmt, val):
    b = bytearray(src); struct.pack_into(fmt, b, off, val); open(name, 'wb').write(bytes(b))
open('h-trunc.qcow2', 'wb').write(src[:60])
put('h-l1.qcow2', 40, '>Q', 1 << 40)              # L1 beyond the end of the file
put('h-cbits.qcow2', 20, '>I', 31)                # cluster_bits out of range
put('h-l1size.qcow2', 36, '>I', 0x7fffffff)       # huge L1
put('h-rt.qcow2', 48, '>Q', 12345)                # unaligned refcount table
put('h-snaps.qcow2', 60, '>I', 1000000)           # too many snapshots
v = open('monolithicSparse.vmdk', 'rb').read()
def putv(name, off, fmt, val, base=v):
    b = bytearray(base); struct.pack_into(fmt, b, off, val); open(name, 'wb').write(bytes(b))
putv('h-grain.vmdk', 20, '<Q', 3)                  # grain size not a power of two
putv('h-gd.vmdk', 56, '<Q', 1 << 40)              # grain directory beyond the end
putv('h-gte.vmdk', 44, '<I', 1 << 30)             # absurd grain table size
x = open('dyn1M.vhdx', 'rb').read()
putv('h-regi.vhdx', 192 * 1024 + 20, '<B', 0x5a, x)   # region table CRC broken
b = bytearray(x); b[64 * 1024 + 12] ^= 0x5a; b[128 * 1024 + 12] ^= 0x5a   # both headers
open('h-head.vhdx', 'wb').write(bytes(b))
open('h-short.vhdx', 'wb').write(x[:100000])
# differencing: the relative_path value of the parent locator points
# beyond the locator item (metadata region at 3 MiB, locator at +69632)
b = bytearray(open('diff.vhdx', 'rb').read()); lo = (3 << 20) + 69632
struct.pack_into('<I', b, lo + 20 + 12 + 4, 0x10000)
open('h-loc.vhdx', 'wb').write(bytes(b))
PY
for h in "h-trunc.qcow2:truncated" "h-l1.qcow2:L1 table" "h-cbits.qcow2:cluster_bits" \
         "h-l1size.qcow2:L1 table" "h-rt.qcow2:refcount table" "h-snaps.qcow2:snapshots" \
         "h-grain.vmdk:grain size" "h-gd.vmdk:grain directory" "h-gte.vmdk:grain table entries" \
         "h-regi.vhdx:region table" "h-head.vhdx:neither header" "h-short.vhdx:too small" \
         "h-loc.vhdx:parent locator entry 1"; do
    f=${h%%:*}; want=${h#*:}
    before=$(sha256sum "$f" | cut -d' ' -f1)
    if "$TOOL" anonymize "$f" "out-$f" > /dev/null 2> "err-$f"; then
        bad "$f: hostile image accepted"
    elif ! grep -q "$want" "err-$f"; then
        bad "$f: error does not name '$want': $(cat "err-$f")"
    elif [ -e "out-$f" ]; then
        bad "$f: DST written for a rejected image"
    elif [ "$(sha256sum "$f" | cut -d' ' -f1)" != "$before" ]; then
        bad "$f: SRC modified"
    else
        ok
    fi
done

# info / check / map agree with qemu-img on basic facts
for f in v2.qcow2 vm.qcow2 bitmaps.qcow2; do
    "$TOOL" info --output=json "$f" > "info-$f.json" || bad "$f: info"
    "$TOOL" map --output=json "$f" > "map-$f.json" || bad "$f: map"
    python3 - "$f" <<'PY' || FAILS=$((FAILS + 1))
import json, subprocess, sys
f = sys.argv[1]
mine = json.load(open('info-%s.json' % f))
q = json.loads(subprocess.run(['qemu-img', 'info', '--output=json', f], stdout=subprocess.PIPE).stdout)
ok = mine['virtual-size'] == q['virtual-size'] and mine['cluster-size'] == q['cluster-size']
ok = ok and [s['name'] for s in mine.get('snapshots', [])] == [s['name'] for s in q.get('snapshots', [])]
ok = ok and [s['vm-state-size'] for s in mine.get('snapshots', [])] == [s['vm-state-size'] for s in q.get('snapshots', [])]
json.load(open('map-%s.json' % f))
if not ok:
    print('FAIL: info of', f, 'disagrees with qemu-img'); sys.exit(1)
PY
done
# a differencing VHDX (QEMU cannot open it): info names the parent's path
"$TOOL" info --output=json diff.vhdx > info-diff.json || bad "diff.vhdx: info"
python3 - <<'PY' || FAILS=$((FAILS + 1))
import json, sys
i = json.load(open('info-diff.json'))
if i.get('subformat') != 'differencing' or not i.get('backing-filename', '').endswith('parent-disk.vhdx'):
    print('FAIL: info of diff.vhdx:', i); sys.exit(1)
PY
"$TOOL" check lazy.qcow2 > chk-lazy.txt; rc=$?
qemu-img check lazy.qcow2 > qchk-lazy.txt 2>&1; qrc=$?
if [ $qrc -ne 0 ] && [ $rc -eq 0 ]; then bad "check: qemu-img finds problems in lazy.qcow2, emkit-img none"; else ok; fi

# the command line against qemu-img and qemu-io (locks, check, options,
# errors, info, JSON strings, compare-metadata on tampered outputs)
. "$HERE/cli.sh"

# random images made by qemu-img/qemu-io over their options (gen.py): each
# one qemu-img check passes must anonymize, pass the checker, give a result
# qemu-img check passes and the copy-mode bytes in place.  A fixed seed, so
# a failure names the case that remakes it (gen.py --seed S --index I DIR).
# 250 cases (about 320 images) take about 2-3 minutes on the shared 2-core
# VM; EMKIT_IMG_GEN_COUNT / EMKIT_IMG_GEN_SEED change the run, 0 skips it.
GEN_COUNT=${EMKIT_IMG_GEN_COUNT:-250}
GEN_SEED=${EMKIT_IMG_GEN_SEED:-1}
if [ "$GEN_COUNT" -gt 0 ]; then
    if python3 "$HERE/gen.py" --run "$TOOL" --seed "$GEN_SEED" --count "$GEN_COUNT" \
            --jobs 2 "$W/gen" > "$W/gen.log" 2>&1; then
        ok
    else
        bad "gen.py: random images (seed $GEN_SEED, $GEN_COUNT cases)"
        grep -v '^note:' "$W/gen.log" | head -40
    fi
    grep '^gen:' "$W/gen.log"
fi

echo "img suite: $PASSES passed, $FAILS failed"
[ $FAILS -eq 0 ]
