#!/bin/sh
# symbols.sh LIBEMKIT_SO - the shared library exports exactly its public
# API: every dynamic symbol it defines carries the emk_ prefix, and every
# function the public headers (src/emkit/*.h) declare with EMK_API is
# exported.  Internal functions (emk_nvme_cq_create, ...) are hidden.
set -eu
lib=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v nm >/dev/null || { echo "symbols: nm not installed"; exit 77; }
exported=$(nm -D --defined-only "$lib" | awk '{print $NF}' | sort -u)
[ -n "$exported" ] || { echo "symbols: $lib exports nothing"; exit 1; }
bad=$(printf '%s\n' "$exported" | grep -v '^emk_' || true)
if [ -n "$bad" ]; then
    echo "symbols: exported without the emk_ prefix:"; printf '  %s\n' $bad
    exit 1
fi
declared=$(sed -n 's/^EMK_API .*[ *]\(emk_[a-z0-9_]*\)(.*/\1/p' "$top"/src/emkit/*.h | sort -u)
missing=$(printf '%s\n' "$declared" | while read -r s; do
    printf '%s\n' "$exported" | grep -qx "$s" || echo "$s"; done)
if [ -n "$missing" ]; then
    echo "symbols: declared EMK_API but not exported:"; printf '  %s\n' $missing
    exit 1
fi
extra=$(printf '%s\n' "$exported" | while read -r s; do
    printf '%s\n' "$declared" | grep -qx "$s" || echo "$s"; done)
if [ -n "$extra" ]; then
    echo "symbols: exported but not in a public header:"; printf '  %s\n' $extra
    exit 1
fi
echo "symbols: $(printf '%s\n' "$exported" | wc -l) exported, all emk_ and all public"
