#!/bin/sh
# bench-json.sh EMKIT - `emkit bench nvme --json FILE` writes a result file
# that follows the schema (benchjson.py checks it): bench, host, config and
# one result per run and metric, the ratios to trap; no temporary file is
# left; plot.py draws it; an unwritable FILE fails at once with exit 1.
set -u
emkit=$1
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "bench-json: no python3"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

"$emkit" bench nvme --quick --ops 200 --json "$tmp/r.json" >"$tmp/out" 2>"$tmp/err" ||
    { bad "emkit bench nvme --json failed"; cat "$tmp/err"; }
[ "$(ls "$tmp")" = "$(printf 'err\nout\nr.json')" ] || bad "files left: $(ls "$tmp")"
HERE=$here python3 - "$tmp/r.json" <<'PY' || fail=1
import os, sys
sys.path.insert(0, os.environ["HERE"])
import benchjson
d = benchjson.load(sys.argv[1])
err = []
def want(c, msg):
    if not c:
        err.append(msg)
want(d["bench"] == "nvme", "bench %r" % d["bench"])
want(d["config"].get("ops") == 200 and d["config"].get("quick") is True, "config %r" % d["config"])
want(d["config"].get("runs") == 20, "runs %r" % d["config"].get("runs"))
for k in ("hostname", "os", "machine", "cpus", "date", "emkit"):
    want(k in d["host"], "host has no %s" % k)
rs = d["results"]
want(len(rs) == 60, "%d results, want 20 runs x 3 metrics" % len(rs))
want({r["metric"] for r in rs} == {"iops", "mmio_per_io", "irq_per_io"}, "metrics")
iops = [r for r in rs if r["metric"] == "iops"]
want(all(r["value"] > 0 and r["unit"] == "IO/s" for r in iops), "iops values")
want(len({r["case"] for r in iops}) == 4, "cases %r" % sorted({r["case"] for r in iops}))
for r in iops:
    if r["name"] == "trap":
        want(r["peer"] is None and r["ratio"] is None, "trap has a peer")
    else:
        t = [x for x in iops if x["name"] == "trap" and x["case"] == r["case"]][0]
        want(r["peer"] == "trap" and abs(r["ratio"] - r["value"] / t["value"]) < 1e-6,
             "%s %s: ratio %r" % (r["name"], r["case"], r["ratio"]))
if err:
    print("FAIL: " + "\nFAIL: ".join(err))
    sys.exit(1)
PY
python3 "$here/plot.py" "$tmp/r.json" --metric iops -o "$tmp/r.svg" || bad "plot.py failed"
n=$(python3 -c 'import sys, xml.etree.ElementTree as E
print(sum(1 for r in E.parse(sys.argv[1]).iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "bar"))' "$tmp/r.svg")
[ "$n" = 20 ] || bad "chart has $n bars, want 20"

"$emkit" bench nvme --quick --ops 10 --json "$tmp/no/such/dir/r.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || bad "unwritable --json: exit $rc, want 1"
grep -q "emkit: --json: $tmp/no/such/dir/r.json: " "$tmp/err" || { bad "unwritable --json:"; cat "$tmp/err"; }
[ ! -s "$tmp/out" ] || bad "unwritable --json: ran anyway"
[ $fail -eq 0 ] && echo "bench-json: 60 results, schema and ratios right, plotted"
exit $fail
