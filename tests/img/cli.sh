# tests/img/cli.sh - emkit-img's command line against qemu-img/qemu-io 7.2:
# image locks, check exit codes and fields, options and help, errors, info
# (human and JSON), JSON strings, compare-metadata on tampered outputs,
# progress on a terminal.
# Sourced by suite.sh after its main loop, in the corpus directory (it
# uses ok/bad, $TOOL, $TEST_TOOL, $HERE and out/ from there).

JCMP="python3 $HERE/jsoncmp.py"

# ---- 1. image locks, both directions
# wait (at most 20 s) until some process holds a lock on byte 201 of the
# file (QEMU's "write not shared" byte, which every QEMU reader and writer
# takes after its permission bytes): /proc/locks lists OFD locks by inode
held_by_qemu() {
    ino=$(stat -c %i "$1"); i=0
    while [ $i -lt 200 ]; do
        grep -q "OFDLCK .*:$ino 20[01] 20[1-3]\$" /proc/locks && return 0
        sleep 0.1; i=$((i + 1))
    done
    return 1
}
qemu-img create -q -f qcow2 lk.qcow2 8M
qemu-io -c 'write -P 0x45 0 128k' lk.qcow2 > /dev/null
sum=$(sha256sum lk.qcow2)
qemu-io -c 'sleep 20000' lk.qcow2 > /dev/null 2>&1 &
QPID=$!
if held_by_qemu lk.qcow2; then
    "$TOOL" anonymize --in-place lk.qcow2 > lk.out 2> lk.err; rc=$?
    if [ $rc -eq 1 ] && grep -q "Could not open 'lk.qcow2': Failed to get \"write\" lock" lk.err &&
       grep -q 'Is another process using the image \[lk.qcow2\]?' lk.err &&
       [ "$(sha256sum lk.qcow2)" = "$sum" ]; then ok
    else bad "lock: in-place ran on an image qemu-io holds (rc $rc): $(cat lk.err)"; fi
    "$TOOL" info lk.qcow2 > /dev/null 2> lk.err
    if grep -q 'Failed to get shared "write" lock' lk.err; then ok; else bad "lock: info read an image qemu-io writes: $(cat lk.err)"; fi
    if "$TOOL" info -U lk.qcow2 | grep -q '^image: lk.qcow2'; then ok; else bad "lock: info -U refused"; fi
    if "$TOOL" anonymize -U --in-place lk.qcow2 2> lk.err; then bad "lock: -U accepted with --in-place"
    elif grep -q 'force-share' lk.err && [ "$(sha256sum lk.qcow2)" = "$sum" ]; then ok; else bad "lock: -U --in-place: $(cat lk.err)"; fi
else
    bad "lock: qemu-io did not hold lk.qcow2"
fi
kill $QPID 2> /dev/null; wait $QPID 2> /dev/null
# a reading qemu-io (-r) keeps writers out, not readers
qemu-io -r -c 'sleep 20000' lk.qcow2 > /dev/null 2>&1 &
QPID=$!
held_by_qemu lk.qcow2 || bad "lock: qemu-io -r did not hold lk.qcow2"
if "$TOOL" anonymize --in-place lk.qcow2 > /dev/null 2> lk.err; then bad "lock: in-place ran beside qemu-io -r"
elif grep -q 'Failed to get "write" lock' lk.err && [ "$(sha256sum lk.qcow2)" = "$sum" ]; then ok; else bad "lock: beside qemu-io -r: $(cat lk.err)"; fi
if "$TOOL" check lk.qcow2 > /dev/null; then ok; else bad "lock: check refused beside a reading qemu-io"; fi
kill $QPID 2> /dev/null; wait $QPID 2> /dev/null
# emkit-img holding the image (the test build pauses once it is locked)
if [ -n "$TEST_TOOL" ]; then
    rm -f lk.flag
    EMKIT_IMG_TEST_PAUSE=$PWD/lk.flag "$TEST_TOOL" anonymize --in-place lk.qcow2 > /dev/null 2>&1 &
    EPID=$!
    i=0; while [ $i -lt 200 ] && [ ! -e lk.flag ]; do sleep 0.05; i=$((i + 1)); done
    qemu-img info lk.qcow2 > /dev/null 2> lk.err; rc=$?
    if [ $rc -eq 1 ] && grep -q 'Failed to get shared "write" lock' lk.err; then ok; else bad "lock: qemu-img info read an image emkit-img rewrites (rc $rc)"; fi
    if qemu-io -r -c 'read 0 1' lk.qcow2 > /dev/null 2>&1; then bad "lock: qemu-io -r read an image emkit-img rewrites"; else ok; fi
    rm -f lk.flag; wait $EPID || bad "lock: the paused in-place run failed"
    EMKIT_IMG_TEST_PAUSE=$PWD/lk.flag "$TEST_TOOL" info lk.qcow2 > /dev/null 2>&1 &
    EPID=$!
    i=0; while [ $i -lt 200 ] && [ ! -e lk.flag ]; do sleep 0.05; i=$((i + 1)); done
    if qemu-io -c 'write 0 512' lk.qcow2 > /dev/null 2> lk.err; then bad "lock: qemu-io wrote an image emkit-img reads"
    elif grep -q 'Failed to get "write" lock' lk.err; then ok; else bad "lock: qemu-io beside a reader: $(cat lk.err)"; fi
    if qemu-img info lk.qcow2 > /dev/null 2>&1; then ok; else bad "lock: qemu-img info refused beside a reading emkit-img"; fi
    rm -f lk.flag; wait $EPID
fi

# ---- 2. check: exit codes and fields as qemu-img check's
qemu-img create -q -f qcow2 leaky.qcow2 8M
qemu-io -c 'write -P 7 0 128k' leaky.qcow2 > /dev/null
python3 - <<'PY'
import struct
f = open('leaky.qcow2', 'r+b')
h = f.read(72)
l1 = struct.unpack('>Q', h[40:48])[0]
f.seek(l1); l2 = struct.unpack('>Q', f.read(8))[0] & 0x00fffffffffffe00
f.seek(l2 + 8); f.write(struct.pack('>Q', 0))   # guest cluster 1 dropped: its cluster leaks
PY
for f in $(cut -d' ' -f1 LIST) leaky.qcow2; do
    qemu-img check -U --output=json "$f" > "qc-$f.json" 2> /dev/null; qrc=$?
    [ $qrc -eq 1 ] && continue        # QEMU cannot open it (key, pending log, parent)
    "$TOOL" check --output=json "$f" > "ec-$f.json"; rc=$?
    [ $rc -eq $qrc ] || bad "check $f: rc $rc, qemu-img $qrc"
    # corruptions: emkit-img counts reference-count mismatches only (qemu-img
    # also counts OFLAG_COPIED flags), so only whether there are any is compared
    python3 - "ec-$f.json" "qc-$f.json" <<'PY' || bad "check $f: fields differ from qemu-img's"
import json, sys
a, b = (json.load(open(x)) for x in sys.argv[1:])
ok = all(k in a for k in ('filename', 'format', 'check-errors'))
for k in ('corruptions', 'leaks'):
    ok = ok and (k in a) == (k in b)
a.pop('corruptions', None); b.pop('corruptions', None)
bad = [k for k in set(a) & set(b) if a[k] != b[k]]
if bad or not ok:
    print('differs:', bad, a, b); sys.exit(1)
PY
done
"$TOOL" check leaky.qcow2 > ec-leaky.txt; rc=$?
if [ $rc -eq 3 ] && grep -q '^1 leaked clusters were found on the image.$' ec-leaky.txt; then ok; else bad "check leaky.qcow2: rc $rc (qemu-img 3)"; fi

# ---- 3. options and help
"$TOOL" info --output json v2.qcow2 > o1.json && "$TOOL" info --output=json v2.qcow2 > o2.json &&
    "$TOOL" info v2.qcow2 --output=json > o3.json && cmp -s o1.json o2.json && cmp -s o1.json o3.json &&
    python3 -c "import json; json.load(open('o1.json'))" && ok || bad "--output json / --output=json / after the file"
cp v2.qcow2 -- -dash.qcow2
if "$TOOL" info --output=json -- -dash.qcow2 > o4.json && grep -q '"filename": "-dash.qcow2"' o4.json; then ok; else bad "-- before a file named -dash.qcow2"; fi
if "$TOOL" anonymize -pU --dry-run v2.qcow2 > o5.txt 2> o5.err && grep -q '100.00/100' o5.err; then ok; else bad "combined -pU"; fi
for h in "--help" "help" "help info" "info --help" "check --help" "anonymize --help" "compare-metadata --help" "help compare-metadata"; do
    "$TOOL" $h > h.out 2> h.err; rc=$?
    if [ $rc -eq 0 ] && grep -q '^usage: emkit-img' h.out && [ ! -s h.err ]; then ok; else bad "$h: rc $rc"; fi
done
v=$("$TOOL" --version) && "$TOOL" info --version > v2.out && [ "$v" = "$(cat v2.out)" ] &&
    echo "$v" | grep -q '^emkit-img version [0-9]*\.[0-9]*\.[0-9]*$' && ok || bad "--version: $v"
# usage errors: rc 1 as qemu-img's, the command checked before any file is opened
for u in "" "bogus nonexist.qcow2" "info" "info v2.qcow2 v2.qcow2" "info --bogus v2.qcow2" "info -Z v2.qcow2" "info --output xml v2.qcow2" "check" "map a b"; do
    qemu-img $u > /dev/null 2>&1; qrc=$?
    "$TOOL" $u > u.out 2> u.err; rc=$?
    if [ $rc -eq $qrc ] && [ $rc -eq 1 ] && [ ! -s u.out ] && ! grep -q "Could not open" u.err; then ok; else bad "usage '$u': rc $rc, qemu-img $qrc: $(cat u.err)"; fi
done
"$TOOL" bogus nonexist.qcow2 2> u.err
grep -q '^emkit-img: Command not found: bogus$' u.err && ok || bad "unknown command: $(cat u.err)"
"$TOOL" anonymize --in-place v2.qcow2 extra.qcow2 2> u.err; rc=$?
[ $rc -eq 1 ] && [ ! -e extra.qcow2 ] && ok || bad "superfluous argument accepted (rc $rc)"

# ---- 4. errors say why
"$TOOL" info nonexist.qcow2 2> e.err; rc=$?
[ $rc -eq 1 ] && grep -qx "emkit-img: Could not open 'nonexist.qcow2': No such file or directory" e.err && ok || bad "missing file: $(cat e.err)"
mkdir -p adir; "$TOOL" check adir 2> e.err; rc=$?
[ $rc -eq 1 ] && grep -qx "emkit-img: Could not open 'adir': Is a directory" e.err && ok || bad "directory: rc $rc $(cat e.err)"
"$TOOL" info -f vmdk v2.qcow2 2> e.err
grep -qx "emkit-img: Could not open 'v2.qcow2': Image is not in vmdk format" e.err && ok || bad "wrong -f: $(cat e.err)"
"$TOOL" info h-l1.qcow2 2> e.err
grep -q "^emkit-img: Could not open 'h-l1.qcow2': .*L1 table" e.err && ok || bad "bad table: $(cat e.err)"

# ---- 5. info: human text as qemu-img's, JSON field by field
for f in $(cut -d' ' -f1 LIST); do
    qemu-img info -U --output=json "$f" > "qi-$f.json" 2> /dev/null || continue
    "$TOOL" info --output=json "$f" > "ei-$f.json" || { bad "info $f"; continue; }
    $JCMP "ei-$f.json" "qi-$f.json" --need filename --need format --need virtual-size \
        --need actual-size --need dirty-flag > "cmp-$f" || { bad "info --output=json $f differs from qemu-img's"; cat "cmp-$f"; }
    qemu-img info -U "$f" > "qi-$f.txt"
    "$TOOL" info "$f" | grep -v '^warning: ' > "ei-$f.txt"
    cmp -s "ei-$f.txt" "qi-$f.txt" && ok || { bad "info $f differs from qemu-img's"; diff "ei-$f.txt" "qi-$f.txt" | head -5; }
done
python3 - <<'PY' || bad "info JSON: no empty backing-filename, boolean encrypted"
import json, sys
a = json.load(open('ei-v2.qcow2.json')); b = json.load(open('ei-luks.qcow2.json'))
sys.exit(0 if 'backing-filename' not in a and b.get('encrypted') is True and
         json.load(open('ei-overlay.qcow2.json'))['backing-filename'] == 'base.qcow2' else 1)
PY

# ---- 6. UTF-8 and JSON escaping of names
qemu-img create -q -f qcow2 names.qcow2 8M
qemu-img snapshot -c 'café' names.qcow2
qemu-img snapshot -c "$(printf 'tab\there\nnewline "q" \\')" names.qcow2
"$TOOL" info --output=json names.qcow2 > ei-names.json
qemu-img info --output=json names.qcow2 > qi-names.json
python3 - <<'PY' && ok || bad "snapshot names in JSON"
import json, sys
raw = open('ei-names.json', 'rb').read()
a, b = json.loads(raw), json.load(open('qi-names.json'))
names = [s['name'] for s in a['snapshots']]
print('names:', names)
sys.exit(0 if names == [s['name'] for s in b['snapshots']] == ['café', 'tab\there\nnewline "q" \\']
         and 'café'.encode() in raw and b'\\u00c3' not in raw else 1)
PY

# ---- 7. compare-metadata on tampered outputs (it agrees with the checker
# on every corpus image: see the main loop of suite.sh)
rm -f td.qcow2; "$TOOL" anonymize v2.qcow2 td.qcow2 > /dev/null   # the same allocation map
off=$(python3 - <<'PY'
import json, subprocess
m = json.loads(subprocess.run(['qemu-img', 'map', '--output=json', 'td.qcow2'], stdout=subprocess.PIPE).stdout)
print([e['offset'] for e in m if e['data']][0] + 100)
PY
)
printf 'X' | dd of=td.qcow2 bs=1 seek="$off" conv=notrunc 2> /dev/null
"$TOOL" compare-metadata v2.qcow2 td.qcow2 > td.out; rc=$?
[ $rc -eq 1 ] && grep -q "FAIL: image at offset $off (+1, active_data): data byte left" td.out && ok || { bad "compare-metadata missed a data byte at $off (rc $rc)"; cat td.out; }
"$TOOL" compare-metadata --output=json v2.qcow2 td.qcow2 > td.json
python3 -c "
import json,sys; r=json.load(open('td.json'))
sys.exit(0 if r['result']=='fail' and [p['offset'] for p in r['problems']]==[$off] else 1)" && ok || bad "compare-metadata JSON of a left data byte"
moff=$(python3 -c "
import struct; h=open('tamper.qcow2','rb').read(72)
print(struct.unpack('>Q',h[48:56])[0] + (1 << struct.unpack('>I',h[20:24])[0]) - 1)")
"$TOOL" compare-metadata v2.qcow2 tamper.qcow2 > tm.out; rc=$?
[ $rc -eq 1 ] && grep -q "FAIL: image at offset $moff (+1, metadata): metadata byte changed" tm.out && ok || { bad "compare-metadata missed a metadata byte at $moff (rc $rc)"; cat tm.out; }
"$TOOL" compare-metadata v2.qcow2 nonexist.qcow2 2> /dev/null; rc=$?
[ $rc -eq 2 ] && ok || bad "compare-metadata of a missing file: rc $rc"

# ---- 8. progress: drawn on a terminal (script gives a pseudo-terminal),
# quiet otherwise; EMKIT_PROGRESS=0 turns it off on a terminal too
if command -v script > /dev/null 2>&1 && script -qec true /dev/null < /dev/null > /dev/null 2>&1; then
    rm -f pg1.qcow2 pg2.qcow2 pg3.qcow2
    script -qec "$TOOL anonymize v2.qcow2 pg1.qcow2" /dev/null < /dev/null > pg.tty 2>&1
    grep -q '(100.00/100%)' pg.tty && ok || { bad "emkit-img: no progress on a terminal"; cat -A pg.tty | head -3; }
    "$TOOL" anonymize v2.qcow2 pg2.qcow2 > pg.out 2> pg.err < /dev/null
    [ ! -s pg.err ] && ! grep -q "$(printf '\r')" pg.out && ok || bad "emkit-img: progress without a terminal"
    EMKIT_PROGRESS=0 script -qec "$TOOL anonymize v2.qcow2 pg3.qcow2" /dev/null < /dev/null > pg.tty 2>&1
    ! grep -q '/100%)' pg.tty && ok || bad "emkit-img: progress with EMKIT_PROGRESS=0"
    rm -f pg1.qcow2 pg2.qcow2 pg3.qcow2
else
    echo "note: no pseudo-terminal (script): emkit-img progress checks left out"
fi
