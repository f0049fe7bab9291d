#!/usr/bin/env bash
# ThreadSanitizer run of the multi-threaded cmocka tests: a clang build with
# -Db_sanitize=thread in BUILD_DIR (default build/tsan), then the tests that
# start threads: unit loop, loop-poll, block, ring, virtq_mt, every test
# named *sblk*, every test of suites 'nvme' and 'trace', and the PCI core's
# MSI test (a device thread against vCPU mask writes), the virtio suite and
# the test graph (suite 'qos': devices on iothreads).  Any TSan report fails the
# run (halt_on_error=1, exitcode=66).  No suppressions: a report is a bug.
#
# Usage: tests/tsan/run.sh [BUILD_DIR]
# Env:   EMK_JOBS (default nproc), EMK_TSAN_TIMEOUT_MULT (meson test
#        --timeout-multiplier, default 3), TSAN_OPTIONS (appended to ours,
#        e.g. TSAN_OPTIONS=halt_on_error=0 to see every report).
# Exit:  0 all clean and passing, 1 otherwise.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bdir=${1:-$top/build/tsan}
jobs=${EMK_JOBS:-$(nproc)}
mult=${EMK_TSAN_TIMEOUT_MULT:-3}

if [ ! -f "$bdir/build.ninja" ]; then
  # b_lundef=false: -Wl,--no-undefined does not mix with the sanitizer runtime.
  CC=clang meson setup "$bdir" "$top" -Db_sanitize=thread -Db_lundef=false \
    -Dbuildtype=debugoptimized -Ddefault_library=static >/dev/null
fi

# Pick the tests by name/suite from meson's own list, so new nvme or sblk
# tests are included without editing this file.
mapfile -t picked < <(meson introspect --tests "$bdir" | python3 -c '
import json, sys, os
unit = {"loop", "loop-poll", "block", "ring", "virtq_mt"}
bdir = os.path.realpath(sys.argv[1])
names, targets = [], set()
for t in json.load(sys.stdin):
    suites = {s.split(":")[-1] for s in t["suite"]}
    if ("unit" in suites and t["name"] in unit) or "nvme" in suites or "sblk" in t["name"] or "trace" in suites or "virtio" in suites or "qos" in suites or t["name"] == "test_pci_msi":
        names.append(t["name"])
        exe = os.path.realpath(t["cmd"][0])
        if exe.startswith(bdir + "/"):
            targets.add(os.path.relpath(exe, bdir))
for x in sorted(targets):
    print("target " + x)
for n in names:
    print("test " + n)
' "$bdir")
targets=() tests=()
for l in "${picked[@]}"; do
  case $l in target\ *) targets+=("${l#target }");; test\ *) tests+=("${l#test }");; esac
done
[ ${#tests[@]} -gt 0 ] || { echo "tsan: no tests selected"; exit 1; }

# Build only what these tests run.
ninja -C "$bdir" -j "$jobs" "${targets[@]}" >/dev/null

export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:exitcode=66${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
rc=0
meson test -C "$bdir" --no-rebuild --print-errorlogs --num-processes "$jobs" \
  --timeout-multiplier "$mult" "${tests[@]}" || rc=1

# One line per test: clean, or the first report's SUMMARY line.
echo
echo "=== tsan results"
python3 - "$bdir/meson-logs/testlog.json" "$top" <<'PY' || true
import json, os, sys
top = sys.argv[2]
def short(word):  # /top/build/tsan/../../src/x.c:1:2 -> src/x.c:1:2
    if word.startswith("/"):
        word = os.path.relpath(os.path.normpath(word), top)
    return word
for line in open(sys.argv[1]):
    t = json.loads(line)
    out = (t.get("stdout") or "") + (t.get("stderr") or "")
    summ = [l for l in out.splitlines() if l.startswith("SUMMARY: ThreadSanitizer")]
    if "unexpected memory mapping" in out:
        print("%-24s TSan cannot map its shadow: try sysctl vm.mmap_rnd_bits=28 (older clang)" % t["name"])
        continue
    if summ:
        what = summ[0].split("ThreadSanitizer: ", 1)[1]
        print("%-24s REPORT %s" % (t["name"], " ".join(short(w) for w in what.split())))
    elif t["result"] == "OK":
        print("%-24s clean" % t["name"])
    else:
        print("%-24s %s (no TSan report)" % (t["name"], t["result"]))
PY
exit $rc
