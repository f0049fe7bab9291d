#!/bin/sh
# run.sh EMKIT - the main job: `emkit run` exits 0 and reports every
# component ok ("N of N component(s) ok", N the count it announced), and
# the BusLogic component shows its adapter (BT-958, firmware 5.07B), the
# INQUIRY of its disk, the verified write and read back, and the sense of
# a READ past the end.  A 1 MiB disk puts that I/O at LBA 0 instead.
set -u
emkit=$1 fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
bad() { fail=1; echo "FAIL: $*"; }

"$emkit" run >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || bad "emkit run: exit $rc"
[ ! -s "$tmp/err" ] || { bad "emkit run: stderr not empty"; cat "$tmp/err"; }
n=$(sed -n 's/^emkit .* main job: test machine with \([0-9]*\) component(s)$/\1/p' "$tmp/out")
[ -n "$n" ] || bad "no component count in the header"
grep -qx "$n of $n component(s) ok" "$tmp/out" || bad "not every component ok"
for want in 'BT-958 firmware 5.07B, 32 32-bit mailboxes' \
            'INQUIRY "EMKIT" "EMKIT DISK" (type 0' \
            'WRITE(10) of 64 KiB at LBA 2048 through a 4-entry SG CCB, READ(10) back through a direct CCB: data verified' \
            'READ past the end -> status 0x02, sense key 0x5, ASC 0x21'; do
    grep -qF "$want" "$tmp/out" || bad "missing: $want"
done
"$emkit" run --disk ram:1M >"$tmp/out2" 2>&1
grep -qF 'WRITE(10) of 64 KiB at LBA 0 through' "$tmp/out2" || bad "1 MiB disk: no I/O at LBA 0"
grep -qF '2048 sectors' "$tmp/out2" || bad "1 MiB disk: capacity not reported"
[ "$fail" -eq 0 ] || { cat "$tmp/out"; exit 1; }
echo "ok: main job, $n components"
