#!/usr/bin/env bash
# tests/build/install.sh [JOBS] - emkit installed, then used through
# pkg-config, both ways: `meson install --destdir` of a fresh build and
# `make -f Makefile.fallback install DESTDIR=...`, each with prefix /usr
# into its own temporary staging tree.  For each: emkit.pc has the right
# Cflags/Libs and -pthread in Libs.private; tests/build/subproject/main.c
# builds with `cc $(pkg-config --cflags --libs emkit)` (PKG_CONFIG_PATH
# and PKG_CONFIG_SYSROOT_DIR pointing into the staging tree) and runs;
# readelf -d shows the library's SONAME libemkit.so.MAJOR and the
# program's NEEDED libemkit.so.MAJOR; a static link with `pkg-config
# --static` runs too; the installed headers, static libraries, tools and
# emkit-guest.pc are there.  Exit 0 pass, 1 fail.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
jobs=${1:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
v=$(cat "$top/VERSION")
major=${v%%.*}
main=$top/tests/build/subproject/main.c
fail=0
bad() { echo "install ($how): $*"; fail=1; }

check_tree() { # ROOT: a staging tree with emkit installed under ROOT/usr
  local root=$1 pcdir libdir so cflags libs
  pcdir=$(dirname "$(find "$root/usr" -name emkit.pc -path '*/pkgconfig/*' | head -1)")
  [ -f "$pcdir/emkit.pc" ] || { bad "no emkit.pc"; return; }
  [ -f "$pcdir/emkit-guest.pc" ] || bad "no emkit-guest.pc"
  pc() { PKG_CONFIG_PATH=$pcdir PKG_CONFIG_LIBDIR=$pcdir PKG_CONFIG_SYSROOT_DIR=$root pkg-config "$@"; }
  [ "$(pc --modversion emkit)" = "$v" ] || bad "emkit.pc: version '$(pc --modversion emkit)', want $v"
  grep -q '^Libs.private:.*-pthread' "$pcdir/emkit.pc" || bad "emkit.pc: no -pthread in Libs.private"
  cflags=$(pc --cflags emkit) libs=$(pc --libs emkit)
  echo "install ($how): pkg-config --cflags --libs emkit: $cflags $libs"
  libdir=${pcdir%/pkgconfig}
  [[ " $cflags " == *" -I$root/usr/include"?(/.)" "* ]] || bad "Cflags '$cflags' do not name $root/usr/include"
  [[ " $libs " == *" -L$libdir "* && " $libs " == *" -lemkit "* ]] || bad "Libs '$libs', want -L$libdir -lemkit"
  [[ " $(pc --static --libs emkit) " == *" -pthread "* ]] || bad "pkg-config --static --libs emkit has no -pthread"
  [ -f "$root/usr/include/emkit/base.h" ] && [ -f "$root/usr/include/emkit/guest/nvme_drv.h" ] ||
    bad "headers not in include/emkit/ (and emkit/guest/)"
  for f in libemkit.a libemkit-guest.a "libemkit.so.$v"; do
    [ -f "$libdir/$f" ] || bad "$f not installed in ${libdir#"$root"}"
  done
  [ "$(readlink "$libdir/libemkit.so.$major")" = "libemkit.so.$v" ] || bad "libemkit.so.$major does not link to libemkit.so.$v"
  [ "$(readlink -f "$libdir/libemkit.so")" = "$(readlink -f "$libdir/libemkit.so.$v")" ] || bad "libemkit.so does not lead to libemkit.so.$v"
  [ "$(readlink "$root/usr/bin/emkit-ui")" = emkit ] || bad "emkit-ui is not a link to emkit"
  "$root/usr/bin/emkit-ui" --help | grep -q '^usage: emkit ui' || bad "emkit-ui --help is not the ui usage"
  for t in emkit emkit-img; do
    [ -x "$root/usr/bin/$t" ] || bad "$t not installed in /usr/bin"
  done
  "$root/usr/bin/emkit" --version | grep -qx "emkit $v" || bad "installed emkit --version is not 'emkit $v'"
  so=$(readelf -d "$libdir/libemkit.so.$v" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  [ "$so" = "libemkit.so.$major" ] || bad "libemkit.so.$v: SONAME '$so', want libemkit.so.$major"
  # shellcheck disable=SC2086
  if cc -std=c99 -Wall -Wextra -Werror -o "$root/consumer" "$main" $cflags $libs; then
    local needed
    needed=$(readelf -d "$root/consumer" | sed -n 's/.*(NEEDED).*\[\(libemkit[^]]*\)\]/\1/p')
    [ "$needed" = "libemkit.so.$major" ] || bad "consumer: NEEDED '$needed', want libemkit.so.$major"
    LD_LIBRARY_PATH=$libdir "$root/consumer" || bad "the consumer failed"
    LD_LIBRARY_PATH=$libdir ldd "$root/consumer" | grep -q "libemkit.so.$major => $libdir/" ||
      bad "the consumer did not load $libdir/libemkit.so.$major"
  else
    bad "cc \$(pkg-config --cflags --libs emkit) failed"
  fi
  # shellcheck disable=SC2046
  if cc -std=c99 -static -o "$root/consumer-static" "$main" $(pc --static --cflags --libs emkit) 2>"$root/static.log"; then
    "$root/consumer-static" >/dev/null || bad "the static consumer failed"
    readelf -d "$root/consumer-static" 2>/dev/null | grep -q 'NEEDED' && bad "the static consumer has NEEDED entries"
  else
    cat "$root/static.log"; bad "cc -static \$(pkg-config --static --cflags --libs emkit) failed"
  fi
  # shellcheck disable=SC2046
  cc -std=c99 -o "$root/consumer-guest" "$main" $(pc --cflags --libs emkit-guest) ||
    bad "cc \$(pkg-config --cflags --libs emkit-guest) failed"
}

how="meson"
if meson setup "$tmp/build" "$top" --prefix=/usr -Dbuildtype=release >"$tmp/meson.log" 2>&1 &&
   ninja -C "$tmp/build" -j "$jobs" >>"$tmp/meson.log" 2>&1 &&
   meson install -C "$tmp/build" --destdir "$tmp/meson" >>"$tmp/meson.log" 2>&1; then
  check_tree "$tmp/meson"
else
  tail -30 "$tmp/meson.log"; bad "meson setup/ninja/install failed"
fi

how="make"
if make -C "$top" -f Makefile.fallback -j "$jobs" O="$tmp/fallback" >"$tmp/make.log" 2>&1 &&
   make -C "$top" -f Makefile.fallback O="$tmp/fallback" PREFIX=/usr DESTDIR="$tmp/make" install >>"$tmp/make.log" 2>&1; then
  check_tree "$tmp/make"
  make -C "$top" -f Makefile.fallback O="$tmp/fallback" PREFIX=/usr DESTDIR="$tmp/make" uninstall >>"$tmp/make.log" 2>&1 ||
    bad "make uninstall failed"
  left=$(cd "$tmp/make" && find . -type f -not -name 'consumer*' -not -name static.log)
  [ -z "$left" ] || { bad "make uninstall left files:"; echo "$left"; }
else
  tail -30 "$tmp/make.log"; bad "make install failed"
fi
[ $fail -eq 0 ] && echo "install: meson install and make install: emkit.pc right, consumer built with pkg-config and ran (shared: SONAME and NEEDED libemkit.so.$major; static), uninstall clean"
exit $fail
