#!/usr/bin/env python3
"""nvme_guest.py - the summary of tests/qemu/bench.sh: medians, interrupts
per I/O and ratios as markdown tables, and the JSON result file.

    nvme_guest.py RESULTS.txt --jobs "J1 J2 ..." [--json FILE]
                  [--set KEY=TEXT]... [--num KEY=NUMBER]...
                  [--peers "P1 P2"] [--name NAME]

RESULTS.txt has one line per boot, "round=R config=C load=L J1=IOPS
irq-J1=X ..." (NA where a job gave nothing).  The JSON file (schema:
docs/perf/README.md) holds per configuration and job the median IOPS
("iops", the rounds as "samples", ratio to qemu-nvme's median) and the
median interrupts per I/O ("irq_per_io"); --set and --num add "config"
entries (a string, a number).  --peers names the configurations the
ratios are taken against (default "qemu-nvme virtio-blk-iot"; the JSON's
ratio is to the first present), --name the JSON's benchmark name
(default nvme-guest): tests/qemu/bl-bench.sh uses both.
"""

import argparse
import collections
import os
import statistics
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchjson  # noqa: E402

PEERS = ("qemu-nvme", "virtio-blk-iot")


def read(path, jobs):
    """({config: {job: [iops...]}}, {config: {job: [irq...]}}, {config: [load...]})"""
    iops = collections.OrderedDict()
    irq = collections.OrderedDict()
    load = collections.OrderedDict()
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                kv = dict(x.split("=", 1) for x in line.split())
                cfg = kv["config"]
            except (ValueError, KeyError):
                raise SystemExit("nvme_guest.py: %s:%d: not 'round=R config=C ...'" % (path, n))
            d = iops.setdefault(cfg, {j: [] for j in jobs})
            q = irq.setdefault(cfg, {j: [] for j in jobs})
            for j in jobs:
                for store, key in ((d, j), (q, "irq-" + j)):
                    try:
                        store[j].append(float(kv[key]))
                    except (KeyError, ValueError):
                        pass
            try:
                load.setdefault(cfg, []).append(float(kv["load"]))
            except (KeyError, ValueError):
                pass
    return iops, irq, load


def median(v):
    return statistics.median(v) if v else None


def table(title, jobs, rows):
    out = ["", title, "", "| config | " + " | ".join(jobs) + " |",
           "|---|" + "---|" * len(jobs)]
    out += ["| %s | %s |" % (c, " | ".join(cells)) for c, cells in rows]
    return out


def summary(iops, irq, jobs, peers=PEERS):
    med = {c: {j: median(v) for j, v in d.items()} for c, d in iops.items()}
    lines = table("median IOPS", jobs, [
        (c, ["n/a" if m[j] is None else "%.1fk" % (m[j] / 1000) for j in jobs])
        for c, m in med.items()])
    if any(v for d in irq.values() for v in d.values()):
        lines += table("guest interrupts per I/O (median)", jobs, [
            (c, ["%.2f" % median(d[j]) if d[j] else "n/a" for j in jobs])
            for c, d in irq.items()])
    for ref in peers:
        if ref not in med:
            continue
        rows = []
        for c, m in med.items():
            if c == ref:
                continue
            rows.append((c, ["n/a" if not m[j] or not med[ref][j] else
                             "%.2f" % (m[j] / med[ref][j]) for j in jobs]))
        lines += table("ratio to %s (median / median)" % ref, jobs, rows)
    return "\n".join(lines[1:]), med


def document(iops, irq, load, jobs, med, config, peers=PEERS, name="nvme-guest"):
    doc = benchjson.new_doc(name, config)
    doc["config"].setdefault("jobs", jobs)
    doc["config"].setdefault("configs", list(iops))
    peer = next((p for p in peers if p in med), None)
    for c, d in iops.items():
        for j in jobs:
            m = med[c][j]
            p = peer if peer and c != peer else None
            ratio = m / med[p][j] if p and m is not None and med[p][j] else None
            doc["results"].append(benchjson.result(
                c, "iops", m, "IO/s", case=j, peer=p, ratio=ratio, samples=d[j]))
    for c, d in irq.items():
        for j in jobs:
            if d[j]:
                doc["results"].append(benchjson.result(
                    c, "irq_per_io", median(d[j]), "interrupts/IO", case=j,
                    samples=d[j]))
    doc["config"].setdefault("load_1min", {c: v for c, v in load.items()})
    return doc


def main(argv=None):
    ap = argparse.ArgumentParser(prog="nvme_guest.py", description=__doc__.split("\n")[0])
    ap.add_argument("results")
    ap.add_argument("--jobs", required=True)
    ap.add_argument("--json")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=TEXT")
    ap.add_argument("--num", action="append", default=[], metavar="KEY=NUMBER")
    ap.add_argument("--peers", default=" ".join(PEERS))
    ap.add_argument("--name", default="nvme-guest")
    a = ap.parse_args(argv)
    peers = tuple(a.peers.split())
    jobs = a.jobs.split()
    iops, irq, load = read(a.results, jobs)
    if not iops:
        print("nvme_guest.py: %s: no results" % a.results, file=sys.stderr)
        return 1
    text, med = summary(iops, irq, jobs, peers)
    print(text)
    if a.json:
        config = {}
        for s in a.set:
            k, _, v = s.partition("=")
            config[k] = v
        for s in a.num:
            k, _, v = s.partition("=")
            try:
                config[k] = float(v) if "." in v else int(v)
            except ValueError:
                ap.error("--num %s: '%s' is not a number" % (k, v))
        benchjson.write(document(iops, irq, load, jobs, med, config, peers, a.name), a.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
