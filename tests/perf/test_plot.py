#!/usr/bin/env python3
"""test_plot.py - tests/perf/plot.py and benchjson.py: well-formed SVG with
the expected bars, legend and labels from sample result files; clear errors
(exit 1, the file and the place named, no output written) on malformed
JSON, on files that break the schema and on ambiguous requests."""

import json
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
PLOT = os.path.join(HERE, "plot.py")
SVG = "{http://www.w3.org/2000/svg}"
sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import benchjson  # noqa: E402


def sample(names=("a", "b", "c"), cases=("qd1", "qd32"), metric="iops", scale=1.0):
    doc = benchjson.new_doc("sample", {"ops": 100})
    for ci, c in enumerate(cases):
        for ni, n in enumerate(names):
            v = (ni + 1) * 1000.0 * (ci + 1) * scale
            peer = names[0] if ni else None
            doc["results"].append(benchjson.result(
                n, metric, v, "IO/s", case=c, peer=peer, ratio=ni + 1.0 if peer else None))
    return doc


class PlotTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, doc):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(doc if isinstance(doc, str) else benchjson.dumps(doc))
        return path

    def plot(self, *args, ok=True):
        out = os.path.join(self.dir, "out.svg")
        if os.path.exists(out):
            os.unlink(out)
        p = subprocess.run([sys.executable, PLOT, "-o", out] + list(args),
                           capture_output=True, text=True)
        if ok:
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stderr, "")
            return ET.parse(out).getroot()
        self.assertNotEqual(p.returncode, 0)
        self.assertFalse(os.path.exists(out), "output written despite the error")
        self.assertEqual(p.stdout, "")
        return p.stderr

    @staticmethod
    def bars(root):
        return [r for r in root.iter(SVG + "rect") if r.get("class") == "bar"]

    @staticmethod
    def texts(root, cls):
        return ["".join(t.itertext()) for t in root.iter(SVG + "text") if t.get("class") == cls]

    def legend(self, root):
        return ["".join(g.find(SVG + "text").itertext()) for g in root.iter(SVG + "g")
                if g.get("class") == "legend"]

    def test_grouped_bars(self):
        root = self.plot(self.write("s.json", sample()))
        self.assertEqual(root.tag, SVG + "svg")
        self.assertEqual(len(self.bars(root)), 6)
        self.assertEqual(self.legend(root), ["a", "b", "c"])
        self.assertEqual(self.texts(root, "case"), ["qd1", "qd32"])
        self.assertEqual(sorted(self.texts(root, "value")),
                         sorted(["1000", "2000", "3000", "2000", "4000", "6000"]))
        self.assertIn("sample: iops", self.texts(root, "title")[0])
        self.assertIn("IO/s", self.texts(root, "ylabel")[0])
        self.assertGreaterEqual(len(self.texts(root, "tick")), 3)
        # taller bar for the larger value, in the same group
        h = {r.find(SVG + "title").text: float(r.get("height")) for r in self.bars(root)}
        self.assertGreater(h["c / qd32: 6000 iops (IO/s)"], h["a / qd32: 2000 iops (IO/s)"])

    def test_ratio(self):
        root = self.plot(self.write("s.json", sample()), "--ratio")
        self.assertEqual(len(self.bars(root)), 4)          # "a" has no peer
        self.assertEqual(self.legend(root), ["b", "c"])
        self.assertIn("ratio to a", self.texts(root, "ylabel")[0])
        root = self.plot(self.write("s.json", sample()), "--ratio-to", "b")
        self.assertEqual(len(self.bars(root)), 6)
        self.assertIn("1.50", self.texts(root, "value"))  # c / b

    def test_filter_and_order(self):
        path = self.write("s.json", sample(names=("x1", "x2", "y")))
        root = self.plot(path, "--names", "y,x*", "--cases", "qd32")
        self.assertEqual(self.legend(root), ["y", "x1", "x2"])
        self.assertEqual(len(self.bars(root)), 3)
        err = self.plot(path, "--names", "nothing", ok=False)
        self.assertIn("nothing to draw", err)

    def test_several_files(self):
        a = self.write("run1.json", sample())
        b = self.write("run2.json", sample(scale=2))
        root = self.plot(a, b)
        self.assertEqual(len(self.bars(root)), 12)
        self.assertEqual(self.legend(root)[:2], ["run1: a", "run1: b"])
        root = self.plot(a, b, "--label", "old", "--label", "new", "--names", "a")
        self.assertEqual(self.legend(root), ["old: a", "new: a"])

    def test_escaping_and_missing(self):
        doc = sample(names=("<a&b>", "q\"x"), cases=("c<1>", ""))
        doc["results"].pop()            # a missing bar leaves a gap
        root = self.plot(self.write("s.json", doc), "--title", "t & <u>")
        self.assertEqual(len(self.bars(root)), 3)
        self.assertEqual(self.legend(root), ["<a&b>", "q\"x"])
        self.assertEqual(self.texts(root, "title"), ["t & <u>"])

    def test_several_metrics(self):
        doc = sample()
        doc["results"] += sample(metric="irq_per_io")["results"]
        path = self.write("s.json", doc)
        err = self.plot(path, ok=False)
        self.assertIn("several metrics (iops, irq_per_io)", err)
        self.assertIn("--metric", err)
        self.assertEqual(len(self.bars(self.plot(path, "--metric", "irq_per_io"))), 6)
        err = self.plot(path, "--metric", "nope", ok=False)
        self.assertIn("no results with metric 'nope'", err)

    def test_malformed_json(self):
        path = self.write("bad.json", '{"bench": "x", "results": [1, 2,,]}')
        err = self.plot(path, ok=False)
        self.assertIn("plot.py: %s: not valid JSON" % path, err)
        self.assertIn("line 1 column", err)
        self.assertEqual(len(err.strip().split("\n")), 1, "one line, no traceback")
        path = self.write("empty.json", "")
        self.assertIn("not valid JSON", self.plot(path, ok=False))

    def test_schema_errors(self):
        cases = [
            ([], "the top level must be an object"),
            ({"bench": "x", "host": {}, "config": {}}, "no 'results'"),
            ({"bench": 1, "host": {}, "config": {}, "results": []}, "'bench' must be a string"),
        ]
        doc = sample()
        doc["results"][1]["value"] = "abc"
        cases.append((doc, "results[1]: 'value' must be a number or null, not 'abc'"))
        doc = sample()
        del doc["results"][2]["name"]
        cases.append((doc, "results[2]: 'name' must be a non-empty string"))
        doc = sample()
        doc["results"][0]["ratio"] = "x"
        cases.append((doc, "results[0]: 'ratio' must be a number or null"))
        doc = sample()
        doc["results"].append(dict(doc["results"][0]))
        cases.append((doc, "two results for name 'a', case 'qd1'"))
        for doc, want in cases:
            path = self.write("s.json", json.dumps(doc))
            err = self.plot(path, ok=False)
            self.assertIn(path, err)
            self.assertIn(want, err)
        err = self.plot(os.path.join(self.dir, "missing.json"), ok=False)
        self.assertIn("missing.json: No such file", err)

    def test_benchjson_roundtrip(self):
        doc = sample()
        doc["results"][0]["samples"] = [1, 2, 3]
        path = os.path.join(self.dir, "w.json")
        benchjson.write(doc, path)
        self.assertEqual(benchjson.load(path)["results"], doc["results"])
        self.assertEqual(os.listdir(self.dir), ["w.json"])     # no temporary left
        r = benchjson.result("n", "m", float("nan"), "u", peer="p", ratio=float("inf"))
        self.assertIsNone(r["value"])
        self.assertIsNone(r["ratio"])

    def test_docs_data(self):
        """The recorded result files under docs/perf/data/ load and plot."""
        data = os.path.join(HERE, "..", "..", "docs", "perf", "data")
        want = {"nvme-guest.json": ("iops", 48), "cache.json": ("cpu_time", 25),
                "img.json": ("wall_time", 21)}
        for name, (metric, n) in want.items():
            root = self.plot(os.path.join(data, name), "--metric", metric)
            self.assertEqual(len(self.bars(root)), n, name)


if __name__ == "__main__":
    unittest.main(verbosity=2)
