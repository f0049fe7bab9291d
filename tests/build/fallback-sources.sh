#!/usr/bin/env bash
# Checks that meson and Makefile.fallback compile the same library sources.
# Usage: tests/build/fallback-sources.sh MESON_BUILD_DIR
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bdir=${1:?meson build dir}
meson_list=$(python3 - "$bdir" "$top" <<'PY'
import json, os, sys
bdir, top = sys.argv[1], sys.argv[2]
out = set()
for e in json.load(open(os.path.join(bdir, 'compile_commands.json'))):
    # library objects only (libemkit.a / libemkit.so)
    if 'libemkit.' not in e['output'] or 'libemkit-' in e['output']:
        continue
    f = os.path.normpath(os.path.join(e['directory'], e['file']))
    out.add(os.path.relpath(f, top))
print('\n'.join(sorted(out)))
PY
)
make_list=$(make -s -C "$top" -f Makefile.fallback print-sources | sort)
if [ "$meson_list" != "$make_list" ]; then
  echo "meson and Makefile.fallback disagree on the library sources:"
  diff <(echo "$meson_list") <(echo "$make_list") || true
  exit 1
fi
echo "fallback-sources: $(echo "$make_list" | wc -l) library sources, same in both builds"
