#!/bin/sh
# emkit cache-sim on small hand-made traces: known answers and clear errors.
set -u
sim=$1
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# LRU, one set of 2 ways: A B A C B A -> 6 reads, 5 misses (see test_lru).
printf '0 1000\n0 2000\n0 1000\n0 3000\n0 2000\n0 1000\n' > "$t/lru.din"
out=$("$sim" dcachesize=128 dassoc=2 l2=off "$t/lru.din") || fail "lru run"
echo "$out" | grep -q 'L1D  cpu0  reads            6 misses            5' || fail "lru counts: $out"

# The same trace as a binary file gives the same counts.
python3 - "$t/lru.din" "$t/lru.bin" <<'PY'
import struct, sys
recs = [l.split() for l in open(sys.argv[1])]
with open(sys.argv[2], 'wb') as f:
    f.write(b'EMKTRC1\0')
    for lab, addr in recs:
        f.write(struct.pack('<QIBBH', int(addr, 16), 4, {0: 1, 1: 2, 2: 0}[int(lab)], 0, 0))
PY
out2=$("$sim" dcachesize=128 dassoc=2 l2=off "$t/lru.bin") || fail "bin run"
[ "$out" = "$out2" ] || fail "din and binary differ"

# Cachegrind counting: one read straddling two lines = 1 ref, 1 miss.
printf '0 103e 4\n0 103e 4\n' > "$t/cg.din"
"$sim" count=cachegrind "$t/cg.din" | grep -q '^Dr refs: 2  L1 misses: 1  LL misses: 1' \
    || fail "cachegrind counting"

# Errors name the line / offset and exit 1; bad options exit 2.
printf '0 1000\n9 2000\n' > "$t/bad.din"
"$sim" "$t/bad.din" 2> "$t/err"; [ $? -eq 1 ] || fail "bad trace exit"
grep -q 'line 2: bad label' "$t/err" || fail "bad trace message: $(cat "$t/err")"
head -c 20 "$t/lru.bin" > "$t/trunc.bin"
"$sim" "$t/trunc.bin" 2> "$t/err"; [ $? -eq 1 ] || fail "truncated exit"
grep -q 'offset 8: truncated record (12 of 16' "$t/err" || fail "truncated message: $(cat "$t/err")"
"$sim" dcachesize=1000 "$t/lru.din" 2> "$t/err"; [ $? -eq 2 ] || fail "bad size exit"
grep -q 'L1D: size is not a power of two' "$t/err" || fail "bad size message"
"$sim" dassoc=1024 "$t/lru.din" 2> "$t/err"; [ $? -eq 2 ] || fail "bad assoc exit"
"$sim" bogus=1 "$t/lru.din" 2> "$t/err"; [ $? -eq 2 ] || fail "unknown key exit"
grep -q "unknown option 'bogus=1'" "$t/err" || fail "unknown key message"
printf '1 1000 4 1\n' > "$t/cpu.din"
"$sim" "$t/cpu.din" 2> "$t/err"; [ $? -eq 1 ] || fail "cpu out of range exit"
echo ok
