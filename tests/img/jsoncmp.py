#!/usr/bin/env python3
"""jsoncmp.py MINE THEIRS [--need KEY ...]: compares two JSON documents
field by field where both have the field (dicts: common keys, recursively;
lists: same length, element by element; other values: equal).  --need KEY
makes a top-level key mandatory in both.  Prints each difference; exit 0
when there is none."""
import json
import sys


def cmp(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) & set(b)):
            cmp(a[k], b[k], path + "." + k, out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append("%s: %d elements vs %d" % (path, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            cmp(x, y, "%s[%d]" % (path, i), out)
    elif a != b or type(a) != type(b):
        out.append("%s: %r vs %r" % (path, a, b))


def main():
    args = sys.argv[1:]
    need = [args[i + 1] for i, x in enumerate(args) if x == "--need"]
    files = [x for i, x in enumerate(args) if x != "--need" and (i == 0 or args[i - 1] != "--need")]
    a, b = (json.load(open(f)) for f in files)
    out = []
    for k in need:
        if k not in a or k not in b:
            out.append("%s: missing (%s in mine, %s in qemu-img's)" % (k, k in a, k in b))
    cmp(a, b, "", out)
    for line in out:
        print("differs:", line)
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
