#!/usr/bin/env bash
# tests/fuzz/options.sh NAME [DIR] - the libFuzzer flags of target NAME's
# options file DIR/fuzz-NAME.options (default DIR: tests/fuzz/), one per
# line: every `key = value` of its [libfuzzer] section as -key=value, with
# dict= made a path beside the options file.  The same file is what
# OSS-Fuzz reads from $OUT (tests/fuzz/oss-fuzz-build.sh copies it there).
#   tests/fuzz/options.sh --dict-entries FILE   the entries of a dictionary
# (lines that are not blank or comments), to compare with libFuzzer's
# "Dictionary: N entries".
set -euo pipefail
if [ "${1:-}" = --dict-entries ]; then
  grep -c -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$2" || true
  exit 0
fi
name=${1:?usage: options.sh NAME [DIR]}
dir=${2:-$(cd "$(dirname "$0")" && pwd)}
f=$dir/fuzz-$name.options
[ -f "$f" ] || exit 0
sect=
while IFS= read -r line || [ -n "$line" ]; do
  line=${line%%#*}
  line=$(echo "$line" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
  case $line in
    '') continue ;;
    '['*']') sect=${line#[}; sect=${sect%]}; continue ;;
  esac
  [ "$sect" = libfuzzer ] || continue
  key=$(echo "${line%%=*}" | sed 's/[[:space:]]*$//')
  val=$(echo "${line#*=}" | sed 's/^[[:space:]]*//')
  [ "$key" = dict ] && val=$dir/$val
  echo "-$key=$val"
done <"$f"
