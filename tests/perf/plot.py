#!/usr/bin/env python3
"""plot.py - a grouped bar chart (SVG) of emkit benchmark result files.

    tests/perf/plot.py [OPTIONS] FILE.json... [-o OUT.svg]

Reads one or more result files (schema: docs/perf/README.md, checked by
benchjson.py) and draws one metric: one group of bars per case (the
x axis), one bar per name in each group (the legend), every bar labelled
with its value.  Python 3 standard library only; the SVG needs no fonts or
scripts.  With several files, each bar's name gets the file's label
("run1: emkit-adapt"), so runs can be compared side by side.

Options:
  -o, --output FILE   write the SVG there (default: stdout)
  --metric M          the metric to draw (needed when the files hold several)
  --ratio             draw the recorded ratio to each result's peer instead
                      of the value (results without one are left out)
  --ratio-to NAME     draw value / NAME's value of the same case (computed)
  --names PATTERNS    only these names, comma-separated fnmatch patterns, in
                      this order ("qemu-nvme,emkit-*")
  --cases PATTERNS    only these cases, the same way
  --label LABEL       the label of the next file's names (repeat per file;
                      default: the file name without .json)
  --title TEXT        the title (default: bench and metric)
  --width PX          the width (default: from the number of bars)
  --height PX         the height of the plot area (default 260)

Exit status 0; 1 if a file cannot be read or does not follow the schema, or
nothing is left to draw (the message names the file and the field); 2 for
bad usage.
"""

import argparse
import fnmatch
import math
import os
import sys
from xml.sax.saxutils import escape

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchjson  # noqa: E402

PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
           "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#d37295",
           "#8cd17d", "#b6992d", "#499894", "#86bcb6"]
FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""


class PlotError(Exception):
    pass


def fmt(v):
    """A bar's label: 3 significant digits, k/M for large values."""
    a = abs(v)
    if a >= 1e6:
        return "%.3gM" % (v / 1e6)
    if a >= 1e4:
        return "%.3gk" % (v / 1e3)
    if a >= 100 or v == int(v):
        return "%d" % round(v)
    if a >= 1:   # 3 significant digits, trailing zeros kept: 11.0, 9.55
        return "%.*f" % (2 - int(math.floor(math.log10(a))), v)
    return "%#.2g" % v   # 0.10, 0.072


def fmt_tick(v):
    """An axis tick: as short as it is exact (2.5, 500k)."""
    a = abs(v)
    if a >= 1e6:
        return "%gM" % (v / 1e6)
    if a >= 1e4:
        return "%gk" % (v / 1e3)
    return "%g" % v


def fmt_ratio(v):
    return "%.2f" % v


def nice_ticks(lo, hi, n=5):
    """Round tick values covering [lo, hi] (lo <= 0 <= hi)."""
    span = hi - lo
    if span <= 0:
        span = abs(hi) or 1.0
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    t = start
    while t < hi + step * 0.999:
        ticks.append(round(t, 12))
        t += step
    if len(ticks) < 2:
        ticks.append(ticks[-1] + step)
    return ticks


def ordered(items, patterns):
    """items filtered and ordered by the first pattern each matches."""
    if not patterns:
        return list(items)
    keyed = []
    for pos, it in enumerate(items):
        for k, p in enumerate(patterns):
            if fnmatch.fnmatchcase(it, p):
                keyed.append((k, pos, it))
                break
    return [it for _, _, it in sorted(keyed)]


def collect(docs, labels, args):
    """(metric, unit, cases, series, {(series, case): value}, benches)."""
    metrics = []
    for path, doc in docs:
        for r in doc["results"]:
            if r["metric"] not in metrics:
                metrics.append(r["metric"])
    if args.metric:
        if args.metric not in metrics:
            raise PlotError("no results with metric '%s' (the files have: %s)"
                            % (args.metric, ", ".join(metrics) or "none"))
        metric = args.metric
    elif len(metrics) == 1:
        metric = metrics[0]
    elif not metrics:
        raise PlotError("no results to draw")
    else:
        raise PlotError("the files hold several metrics (%s): choose one with --metric"
                        % ", ".join(metrics))
    values, peers, cases, series, units = {}, {}, [], [], []
    for (path, doc), label in zip(docs, labels):
        rs = [r for r in doc["results"] if r["metric"] == metric]
        by = {}
        for r in rs:
            key = (r["name"], r["case"])
            if key in by:
                raise PlotError("%s: two results for name '%s', case '%s', metric '%s'"
                                % (path, r["name"], r["case"], metric))
            by[key] = r
        for r in rs:
            if args.ratio:
                v = r["ratio"]
            elif args.ratio_to:
                peer = by.get((args.ratio_to, r["case"]))
                v = (r["value"] / peer["value"] if peer and peer["value"]
                     and r["value"] is not None else None)
            else:
                v = r["value"]
            if v is None:
                continue
            s = r["name"] if len(docs) == 1 else "%s: %s" % (label, r["name"])
            values[(s, r["case"])] = float(v)
            peers[(s, r["case"])] = r["peer"]
            if r["case"] not in cases:
                cases.append(r["case"])
            if s not in series:
                series.append(s)
            if r["unit"] not in units:
                units.append(r["unit"])
    name_pats = [p for p in (args.names or "").split(",") if p]
    if name_pats and len(docs) > 1:   # patterns match the name after the label
        name_pats = [p if ": " in p else "*: " + p for p in name_pats]
    series = ordered(series, name_pats)
    cases = ordered(cases, [p for p in (args.cases or "").split(",") if p])
    values = {k: v for k, v in values.items() if k[0] in series and k[1] in cases}
    if not values:
        raise PlotError("nothing to draw for metric '%s'%s" % (
            metric, " with those --names/--cases" if args.names or args.cases else
            " (no ratios recorded)" if args.ratio else ""))
    if args.ratio:
        unit = "ratio to " + ", ".join(sorted({peers[k] for k in values}))
    elif args.ratio_to:
        unit = "ratio to " + args.ratio_to
    else:
        unit = "%s (%s)" % (metric, " / ".join(u for u in units if u) or "no unit")
    every = []   # each bar keeps its colour whatever is filtered out
    for (_, d), label in zip(docs, labels):
        for r in d["results"]:
            s = r["name"] if len(docs) == 1 else "%s: %s" % (label, r["name"])
            if s not in every:
                every.append(s)
    colours = {s: PALETTE[every.index(s) % len(PALETTE)] for s in series}
    benches = []
    for _, d in docs:
        if d["bench"] not in benches:
            benches.append(d["bench"])
    return metric, unit, cases, series, values, benches, colours


def text(x, y, s, size=11, anchor="middle", extra=""):
    return ('<text x="%.1f" y="%.1f" font-size="%d" text-anchor="%s" %s%s>%s</text>'
            % (x, y, size, anchor, FONT, extra, escape(s)))


def text_w(s, size=11):
    return len(s) * size * 0.6


def svg(metric, unit, cases, series, values, title, width=None, plot_h=260,
        ratio_line=False, colours=None):
    colours = colours or {s: PALETTE[k % len(PALETTE)] for k, s in enumerate(series)}
    ns, ng = len(series), len(cases)
    bw = max(8, min(36, 480 / max(1, ns * ng)))
    group_gap = max(12, bw)
    group_w = ns * bw + group_gap
    left, top = 70, 50
    legend_w = 30 + max(text_w(s) for s in series)
    case_labels = [c if c else "" for c in cases]
    rotate = any(text_w(c) > group_w - 4 for c in case_labels)
    bottom = 30 + (max(text_w(c) for c in case_labels) * 0.6 if rotate else 0) + 20
    plot_w = ng * group_w
    if width:
        plot_w = max(100, width - left - legend_w - 30)
        group_w = plot_w / ng
        bw = max(2, (group_w - group_gap) / ns)
        if bw * ns > group_w * 0.9:
            bw = group_w * 0.9 / ns
    total_w = left + plot_w + 30 + legend_w
    legend_h = 18 * ns + 10
    total_h = top + max(plot_h, legend_h) + bottom
    vals = list(values.values())
    lo, hi = min(0.0, min(vals)), max(0.0, max(vals))
    if ratio_line:
        hi = max(hi, 1.0)
    label = fmt_ratio if ratio_line else fmt
    # value labels vertical (all of them) when one does not fit its bar;
    # then the axis leaves room for them above the tallest bar
    vertical = any(text_w(label(v), 9) > bw for v in vals)
    room = (max(text_w(label(v), 9) for v in vals) + 8 if vertical else 16) / plot_h
    ticks = nice_ticks(lo, hi + (hi - lo) * room if hi > 0 else hi)
    y0, y1 = ticks[0], ticks[-1]

    def Y(v):
        return top + plot_h - (v - y0) / (y1 - y0) * plot_h

    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d">' % (total_w, total_h, total_w, total_h),
           '<title>%s</title>' % escape(title),
           '<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>' % (total_w, total_h),
           text(total_w / 2, 24, title, 15, extra=' font-weight="bold" class="title"')]
    # y axis: grid, ticks, unit
    for t in ticks:
        y = Y(t)
        out.append('<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#dddddd" '
                   'stroke-width="1"/>' % (left, y, left + plot_w, y))
        out.append(text(left - 6, y + 4, fmt_tick(t), 10, "end", ' class="tick"'))
    out.append(text(16, top + plot_h / 2, unit or metric, 11,
                    extra=' class="ylabel" transform="rotate(-90 16 %.1f)"'
                    % (top + plot_h / 2)))
    # bars
    for g, c in enumerate(cases):
        gx = left + g * group_w + group_gap / 2
        for k, s in enumerate(series):
            v = values.get((s, c))
            if v is None:
                continue
            x = gx + k * bw
            ya, yb = sorted((Y(v), Y(0.0)))
            tip = "%s%s: %s %s" % (s, " / " + c if c else "", fmt(v), unit)
            out.append('<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" '
                       'fill="%s"><title>%s</title></rect>'
                       % (x, ya, max(bw - 1, 1), max(yb - ya, 0.5),
                          colours[s], escape(tip)))
            lab = label(v)
            cx = x + bw / 2
            if vertical:   # above the bar, reading upwards
                ly = (ya - 3) if v >= 0 else (yb + 3)
                anchor = "start" if v >= 0 else "end"
                out.append(text(cx + 3, ly, lab, 9, anchor,
                                ' class="value" transform="rotate(-90 %.1f %.1f)"'
                                % (cx + 3, ly)))
            else:
                out.append(text(cx, ya - 3 if v >= 0 else yb + 11, lab, 9,
                                extra=' class="value"'))
        if c:
            lx, ly = left + g * group_w + group_w / 2, top + plot_h + 16
            if rotate:
                out.append(text(lx, ly, c, 11, "end", ' class="case" transform='
                                '"rotate(-35 %.1f %.1f)"' % (lx, ly)))
            else:
                out.append(text(lx, ly, c, 11, extra=' class="case"'))
    if ratio_line:
        out.append('<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333333" '
                   'stroke-dasharray="4 3" stroke-width="1"/>'
                   % (left, Y(1.0), left + plot_w, Y(1.0)))
    # axes
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333333"/>'
               % (left, top, left, top + plot_h))
    out.append('<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333333"/>'
               % (left, Y(0.0), left + plot_w, Y(0.0)))
    # legend
    lx = left + plot_w + 20
    for k, s in enumerate(series):
        y = top + 4 + 18 * k
        out.append('<g class="legend"><rect x="%.1f" y="%d" width="12" height="12" '
                   'fill="%s"/>%s</g>' % (lx, y, colours[s],
                                          text(lx + 18, y + 10, s, 11, "start")))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(prog="plot.py", description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", metavar="FILE.json")
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("--metric")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--ratio", action="store_true")
    g.add_argument("--ratio-to", metavar="NAME")
    ap.add_argument("--names")
    ap.add_argument("--cases")
    ap.add_argument("--label", action="append", default=[])
    ap.add_argument("--title")
    ap.add_argument("--width", type=int)
    ap.add_argument("--height", type=int, default=260)
    args = ap.parse_args(argv)
    if len(args.label) > len(args.files):
        ap.error("more --label than files")
    labels = args.label + [os.path.basename(f)[:-5] if f.endswith(".json") else
                           os.path.basename(f) for f in args.files[len(args.label):]]
    try:
        docs = [(f, benchjson.load(f)) for f in args.files]
        metric, unit, cases, series, values, benches, colours = collect(docs, labels, args)
    except (benchjson.BenchJSONError, PlotError) as e:
        print("plot.py: %s" % e, file=sys.stderr)
        return 1
    title = args.title or "%s: %s%s" % (", ".join(benches), metric,
                                        " (ratio)" if args.ratio or args.ratio_to else "")
    doc = svg(metric, unit, cases, series, values, title, args.width, args.height,
              ratio_line=bool(args.ratio or args.ratio_to), colours=colours)
    if args.output == "-":
        sys.stdout.write(doc)
    else:
        tmp = args.output + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(doc)
        os.replace(tmp, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
