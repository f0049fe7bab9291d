#!/usr/bin/env python3
"""fio_json.py - fio's JSON reports out of a guest console log.

tests/qemu/guest/bench.sh runs each fio job with --output-format=json and
prints the report with every line prefixed "EMK-FIO: <job> ", then
"EMK-BENCH: <job> irqs=N".  On the serial console those lines may carry
"\\r" and may be interleaved with kernel messages (which lack the prefix).

    fio_json.py [--secs S] [--ramp R] [--jobs "J1 J2 ..."] [--save DIR] LOG

prints one line for tests/qemu/bench.sh's results.txt:
"J1=IOPS irq-J1=X.XX J2=..." (IOPS as fio reports them after the ramp; the
interrupts per I/O with the I/O count scaled by (S + R) / S, since the
interrupt count includes the ramp); a job whose report is missing or
unreadable is "J=NA" (and a warning on stderr).  --save writes each
report as DIR/J.json.
"""

import argparse
import json
import os
import re
import sys

LINE = re.compile(r"EMK-FIO: (\S+) ?(.*)$")
IRQS = re.compile(r"EMK-BENCH: (\S+) irqs=(\d+)")


class FioError(Exception):
    pass


def extract(text):
    """{job: report text} in the order the jobs appear."""
    jobs = {}
    for line in text.replace("\r", "").split("\n"):
        m = LINE.search(line)
        if m:
            jobs.setdefault(m.group(1), []).append(m.group(2))
    return {j: "\n".join(lines) for j, lines in jobs.items()}


def irqs(text):
    return {m.group(1): int(m.group(2)) for m in IRQS.finditer(text)}


def parse(report, job="job"):
    """The JSON object of one report (fio may print notes before it)."""
    start = report.find("{")
    if start < 0:
        raise FioError("%s: no JSON in fio's report" % job)
    try:
        obj, _ = json.JSONDecoder().raw_decode(report[start:])
    except json.JSONDecodeError as e:
        raise FioError("%s: fio's report is not valid JSON (%s, line %d)"
                       % (job, e.msg, e.lineno))
    if not isinstance(obj, dict) or not isinstance(obj.get("jobs"), list) or not obj["jobs"]:
        raise FioError("%s: fio's report has no jobs" % job)
    return obj


def iops_ios(obj, job="job"):
    """(IOPS, I/O count) of a report: reads and writes of every job entry
    (one with --group_reporting)."""
    iops = ios = 0.0
    for j in obj["jobs"]:
        for d in ("read", "write"):
            s = j.get(d)
            if not isinstance(s, dict) or "iops" not in s:
                raise FioError("%s: fio's report has no %s.iops" % (job, d))
            iops += float(s["iops"])
            ios += float(s.get("total_ios", 0))
    return iops, int(ios)


def fields(text, jobs=None, secs=5.0, ramp=1.0, save=None):
    reports = extract(text)
    counts = irqs(text)
    out = []
    for j in jobs or list(reports):
        try:
            if j not in reports:
                raise FioError("%s: no fio report in the log" % j)
            obj = parse(reports[j], j)
            if save:
                with open(os.path.join(save, j + ".json"), "w") as f:
                    json.dump(obj, f, indent=1)
            v, n = iops_ios(obj, j)
        except FioError as e:
            print("fio_json.py: %s" % e, file=sys.stderr)
            out.append("%s=NA" % j)
            continue
        out.append("%s=%.0f" % (j, v))
        if j in counts:
            out.append("irq-%s=%.2f" % (j, counts[j] * secs / (n * (secs + ramp)) if n else 0))
    return " ".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="fio_json.py", description=__doc__.split("\n")[0])
    ap.add_argument("log")
    ap.add_argument("--secs", type=float, default=5.0)
    ap.add_argument("--ramp", type=float, default=1.0)
    ap.add_argument("--jobs")
    ap.add_argument("--save")
    a = ap.parse_args(argv)
    try:
        with open(a.log, errors="replace") as f:
            text = f.read()
    except OSError as e:
        print("fio_json.py: %s: %s" % (a.log, e.strerror), file=sys.stderr)
        return 1
    print(fields(text, a.jobs.split() if a.jobs else None, a.secs, a.ramp, a.save))
    return 0


if __name__ == "__main__":
    sys.exit(main())
