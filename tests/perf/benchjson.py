"""benchjson.py - emkit's benchmark result files (python3 standard library only).

One schema for every benchmark (`emkit bench ... --json FILE`,
tests/qemu/bench.sh --json FILE, the recorded figures in docs/perf/data/),
described in docs/perf/README.md:

    {"bench": NAME, "host": {...}, "config": {...},
     "results": [{"name": ..., "case": ..., "metric": ..., "value": ...,
                  "unit": ..., "peer": ..., "ratio": ...}, ...]}

load() reads and checks a file and raises BenchJSONError with a message
that names the file and the place; new_doc()/write() make one.
"""

import json
import math
import os
import platform
import socket
import sys
import time

__all__ = ["BenchJSONError", "load", "check", "new_doc", "host_info", "result",
           "dumps", "write"]


class BenchJSONError(Exception):
    """A result file that cannot be read or does not follow the schema."""


def _num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check(doc, where="document"):
    """Checks doc against the schema; returns it with the optional result
    fields filled in (case "", peer None, ratio None).  Raises
    BenchJSONError naming where and the field."""
    def bad(msg):
        raise BenchJSONError("%s: %s" % (where, msg))

    if not isinstance(doc, dict):
        bad("the top level must be an object, not %s" % type(doc).__name__)
    for key, typ, tname in (("bench", str, "a string"), ("host", dict, "an object"),
                            ("config", dict, "an object"), ("results", list, "a list")):
        if key not in doc:
            bad("no '%s'" % key)
        if not isinstance(doc[key], typ):
            bad("'%s' must be %s" % (key, tname))
    for i, r in enumerate(doc["results"]):
        at = "results[%d]" % i
        if not isinstance(r, dict):
            bad("%s must be an object" % at)
        for key in ("name", "metric"):
            if not isinstance(r.get(key), str) or not r.get(key):
                bad("%s: '%s' must be a non-empty string" % (at, key))
        if "value" not in r:
            bad("%s: no 'value'" % at)
        if r["value"] is not None and not _num(r["value"]):
            bad("%s: 'value' must be a number or null, not %r" % (at, r["value"]))
        if not isinstance(r.get("unit", ""), str):
            bad("%s: 'unit' must be a string" % at)
        r.setdefault("unit", "")
        if not isinstance(r.get("case", ""), str):
            bad("%s: 'case' must be a string" % at)
        r.setdefault("case", "")
        if r.get("peer") is not None and not isinstance(r["peer"], str):
            bad("%s: 'peer' must be a string or null" % at)
        r.setdefault("peer", None)
        if r.get("ratio") is not None and not _num(r["ratio"]):
            bad("%s: 'ratio' must be a number or null, not %r" % (at, r["ratio"]))
        r.setdefault("ratio", None)
        s = r.get("samples")
        if s is not None and (not isinstance(s, list) or
                              not all(_num(x) or x is None for x in s)):
            bad("%s: 'samples' must be a list of numbers" % at)
    return doc


def load(path):
    """Reads and checks the result file at path ("-": stdin)."""
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as f:
                text = f.read()
    except OSError as e:
        raise BenchJSONError("%s: %s" % (path, e.strerror or e))
    except UnicodeDecodeError as e:
        raise BenchJSONError("%s: not UTF-8 text (%s)" % (path, e.reason))
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise BenchJSONError("%s: not valid JSON: %s at line %d column %d"
                             % (path, e.msg, e.lineno, e.colno))
    return check(doc, path)


def host_info():
    """The "host" object: the same keys as `emkit bench --json`."""
    u = platform.uname()
    h = {"hostname": socket.gethostname(), "os": u.system, "release": u.release,
         "machine": u.machine, "cpus": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    h["cpu_model"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        h["load"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        h["load"] = None
    h["date"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return h


def new_doc(bench, config=None, host=None):
    return {"bench": bench, "host": host_info() if host is None else host,
            "config": dict(config or {}), "results": []}


def result(name, metric, value, unit, case="", peer=None, ratio=None, **extra):
    """One result object; a ratio that is not a finite number becomes null."""
    if ratio is not None and (not _num(ratio) or not math.isfinite(ratio)):
        ratio = None
    if value is not None and _num(value) and not math.isfinite(value):
        value = None
    r = {"name": name, "case": case, "metric": metric, "value": value,
         "unit": unit, "peer": peer, "ratio": ratio if peer is not None else None}
    r.update(extra)
    return r


def dumps(doc):
    """doc as text: one line per top-level key and one per result (diffs
    of a result file then show which results changed)."""
    def one(v):
        return json.dumps(v, ensure_ascii=False)

    lines = []
    for k, v in doc.items():
        if k == "results":
            continue
        lines.append(" %s: %s" % (one(k), one(v)))
    rs = [" " * 2 + one(r) for r in doc.get("results", [])]
    lines.append(' "results": [' + ("\n" + ",\n".join(rs) + "\n ]" if rs else "]"))
    return "{\n" + ",\n".join(lines) + "\n}\n"


def write(doc, path):
    """Writes doc (checked first) to path atomically ("-": stdout)."""
    check(doc, path)
    text = dumps(doc)
    if path == "-":
        sys.stdout.write(text)
        return
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
