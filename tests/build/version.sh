#!/bin/sh
# version.sh [MESON_VERSION [EMKIT [LIBEMKIT_SO]]] - one version number.
# The top-level file VERSION (MAJOR.MINOR.PATCH) is the only place it is
# set: meson.build reads it (MESON_VERSION, meson.project_version()),
# Makefile.fallback reads it (make print-version).  src/emkit/base.h
# (EMK_VERSION_MAJOR/MINOR/PATCH) and src/base.c (emk_version()) are plain
# files kept equal to it, checked here, as are `EMKIT --version` and the
# shared library: file libemkit.so.VERSION, SONAME libemkit.so.MAJOR.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
fail=0
bad() { echo "version: $*"; fail=1; }
v=$(cat "$top/VERSION")
case $v in
    *[!0-9.]*|.*|*.|*..*) echo "version: VERSION is '$v', not MAJOR.MINOR.PATCH"; exit 1 ;;
esac
[ "$(echo "$v" | tr -cd . | wc -c)" -eq 2 ] ||
    { echo "version: VERSION is '$v', not MAJOR.MINOR.PATCH"; exit 1; }
major=${v%%.*} rest=${v#*.}
minor=${rest%%.*} patch=${rest#*.}
hdr=$top/src/emkit/base.h
for part in MAJOR:$major MINOR:$minor PATCH:$patch; do
    name=${part%%:*} want=${part#*:}
    got=$(sed -n "s/^ *EMK_VERSION_$name *= *\([0-9]*\).*/\1/p" "$hdr")
    [ "$got" = "$want" ] || bad "src/emkit/base.h: EMK_VERSION_$name is '$got', VERSION says $want"
done
got=$(sed -n '/^const char \*emk_version(void)/,/^}/s/.*return "\([^"]*\)".*/\1/p' "$top/src/base.c")
[ "$got" = "$v" ] || bad "src/base.c: emk_version() returns '$got', VERSION says $v"
got=$(make -s -C "$top" -f Makefile.fallback print-version 2>/dev/null || true)
[ "$got" = "$v" ] || bad "Makefile.fallback: print-version says '$got', VERSION says $v"
if [ $# -ge 1 ]; then
    [ "$1" = "$v" ] || bad "meson: project version is '$1', VERSION says $v"
fi
if [ $# -ge 2 ]; then
    got=$("$2" --version) || bad "$2 --version failed"
    [ "$got" = "emkit $v" ] || bad "$2 --version prints '$got', want 'emkit $v'"
fi
if [ $# -ge 3 ]; then
    case $(basename "$3") in
        "libemkit.so.$v") ;;
        *) bad "shared library is $(basename "$3"), want libemkit.so.$v" ;;
    esac
    soname=$(readelf -d "$3" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    [ "$soname" = "libemkit.so.$major" ] || bad "$3: SONAME '$soname', want libemkit.so.$major"
fi
[ $fail -eq 0 ] && echo "version: $v everywhere (VERSION, base.h, base.c, Makefile.fallback${1:+, meson}${2:+, --version}${3:+, soname libemkit.so.$major})"
exit $fail
