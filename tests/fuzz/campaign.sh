#!/usr/bin/env bash
# A longer libFuzzer campaign.  Builds the targets with ASan+UBSan (the same
# build as tests/fuzz/run.sh, in build/fuzz), then for each target, one at
# a time:
#   1. seed coverage: a -runs=0 pass over tests/fuzz/corpus/<name>/;
#   2. fuzzes for SECONDS with -fork=0 and the flags of the target's options
#      file (tests/fuzz/fuzz-<name>.options: dict=, max_len=) over a persistent work corpus
#      (build/fuzz-campaign/<name>/corpus/) plus the seeds;
#   3. on a crash (or timeout/OOM/leak) keeps the artifact in
#      tests/fuzz/crashes/ and minimizes it (-minimize_crash=1);
#   4. minimizes the work corpus (-merge=1 into a fresh directory), then
#      merges it into a fresh copy of the seeds with -use_counters=0, so
#      only inputs that reach new edges are kept, and copies those new
#      files into tests/fuzz/corpus/<name>/ (smallest first, within a size
#      budget);
#   5. coverage after: a -runs=0 pass over the updated seed directory;
#   6. appends a markdown table row to the results file (docs/fuzzing.md).
#
# Usage: tests/fuzz/campaign.sh [SECONDS [TARGET...]]   (default 600, all)
# Env:   EMK_FUZZ_BUILD      build dir (default build/fuzz)
#        EMK_CAMPAIGN_DIR    work corpora and logs (default build/fuzz-campaign)
#        EMK_CAMPAIGN_RESULTS results file (default $EMK_CAMPAIGN_DIR/results.md)
#        EMK_CAMPAIGN_MAX_FILE  largest input copied into the seeds (bytes, 16384)
#        EMK_CAMPAIGN_MAX_BYTES bytes added to one target's seeds per run (131072)
#        EMK_CAMPAIGN_NO_SEED=1  do not touch tests/fuzz/corpus/ (report only)
#        EMK_JOBS            ninja jobs (default nproc)
# Exit:  0 if no target crashed, 1 otherwise.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
secs=${1:-600}
[ $# -gt 0 ] && shift
case $secs in ''|*[!0-9]*) echo "usage: $0 [SECONDS [TARGET...]]" >&2; exit 2;; esac
bdir=${EMK_FUZZ_BUILD:-$top/build/fuzz}
cdir=${EMK_CAMPAIGN_DIR:-$top/build/fuzz-campaign}
results=${EMK_CAMPAIGN_RESULTS:-$cdir/results.md}
max_file=${EMK_CAMPAIGN_MAX_FILE:-16384}
max_bytes=${EMK_CAMPAIGN_MAX_BYTES:-131072}
jobs=${EMK_JOBS:-$(nproc)}
crashdir=$top/tests/fuzz/crashes

if [ ! -f "$bdir/build.ninja" ]; then
  # the same configuration as tests/fuzz/run.sh
  CC=clang meson setup "$bdir" "$top" -Dfuzzing=true -Ddefault_library=static -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$bdir" -j "$jobs" >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

if [ $# -gt 0 ]; then
  names=("$@")
else
  mapfile -t names < <(find "$bdir/tests/fuzz" -maxdepth 1 -type f -name 'fuzz-*' -perm -u+x | sed 's|.*/fuzz-||' | sort)
fi
[ ${#names[@]} -gt 0 ] || { echo "no fuzz targets built"; exit 1; }

# cov/ft of the last status line of a libFuzzer log: "cov: N ft: M" -> "N/M"
covft() { grep -o 'cov: [0-9]* ft: [0-9]*' "$1" | tail -1 | awk '{print $2 "/" $4}'; }
nfiles() { find "$1" -maxdepth 1 -type f | wc -l; }

mkdir -p "$cdir" "$crashdir"
if [ ! -s "$results" ]; then
  {
    echo "| date | target | seconds run | executions | exec/s | cov/ft seeds before | cov/ft end of run | cov/ft seeds after | work corpus (files) | seed files added (bytes) | crashes |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
  } >"$results"
fi

status=0
for name in "${names[@]}"; do
  bin=$bdir/tests/fuzz/fuzz-$name
  [ -x "$bin" ] || { echo "fuzz-$name: not built" >&2; status=1; continue; }
  seeds=$top/tests/fuzz/corpus/$name
  tdir=$cdir/$name
  work=$tdir/corpus
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  log=$tdir/run-$stamp.log
  mkdir -p "$seeds" "$work"
  echo "=== fuzz-$name: ${secs}s (log $log)"

  # 1. coverage of the committed seeds alone
  "$bin" -runs=0 "$seeds" >"$tdir/before-$stamp.log" 2>&1 || true
  before=$(covft "$tdir/before-$stamp.log")

  # 2. the run (stops at the first crash)
  rc=0 t0=$SECONDS
  mapfile -t opts < <("$top/tests/fuzz/options.sh" "$name")
  "$bin" "${opts[@]}" -fork=0 -max_total_time="$secs" -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$crashdir/$name-" "$work" "$seeds" >"$log" 2>&1 || rc=$?
  ran=$((SECONDS - t0))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  [ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#' || true)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  runcov=$(covft "$log")

  # 3. crashes: keep the artifact, minimize it
  crash="none"
  mapfile -t arts < <(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log")
  if [ ${#arts[@]} -gt 0 ] || [ $rc -ne 0 ]; then
    status=1
    crash="rc=$rc"
    for a in "${arts[@]}"; do
      kind=$(basename "$a"); kind=${kind#"$name-"}; kind=${kind%%-*}
      min=$crashdir/$name-minimized-$(basename "$a" | sed "s/^$name-//")
      "$bin" -minimize_crash=1 -max_total_time=120 -runs=100000 -exact_artifact_path="$min" "$a" \
        >"$tdir/minimize-$stamp.log" 2>&1 || true
      [ -s "$min" ] || min="(minimization failed, see $tdir/minimize-$stamp.log)"
      what=$(grep -m1 -o 'ERROR: [A-Za-z]*Sanitizer: [^ ]*\|ERROR: libFuzzer: [^ ]*\|runtime error: .*' "$log" | head -1 || true)
      crash="$kind ${what:+($what) }${a#"$top"/}, minimized: ${min#"$top"/}"
      echo "fuzz-$name: $crash"
    done
  fi

  # 4. minimize.  The work corpus: -merge=1 into a fresh directory (every
  # feature kept).  The seeds: a fresh copy of them (all kept) plus only the
  # work inputs that reach new edges (-use_counters=0: hit counts are not
  # coverage), copied smallest first within the size budget.
  wnew=$tdir/corpus.new smerge=$tdir/seeds-merge
  rm -rf "$wnew" "$smerge"; mkdir -p "$wnew" "$smerge"
  "$bin" -merge=1 "$wnew" "$work" >"$tdir/merge-$stamp.log" 2>&1 || true
  rm -rf "$work"; mv "$wnew" "$work"
  worksize=$(nfiles "$work")
  cp -p "$seeds"/* "$smerge"/ 2>/dev/null || true
  "$bin" -merge=1 -use_counters=0 "$smerge" "$work" >"$tdir/merge-seeds-$stamp.log" 2>&1 || true
  added=0 addbytes=0 skipped=0
  while read -r size f; do
    [ -n "$f" ] || continue
    base=$(basename "$f")
    [ -e "$seeds/$base" ] && continue
    if [ "${EMK_CAMPAIGN_NO_SEED:-0}" = 1 ] || [ "$size" -gt "$max_file" ] ||
       [ $((addbytes + size)) -gt "$max_bytes" ]; then
      skipped=$((skipped + 1)); continue
    fi
    cp -p "$f" "$seeds/$base"
    added=$((added + 1)); addbytes=$((addbytes + size))
  done < <(find "$smerge" -maxdepth 1 -type f -printf '%s %p\n' | sort -n)
  rm -rf "$smerge"

  # 5. coverage of the updated seeds alone
  "$bin" -runs=0 "$seeds" >"$tdir/after-$stamp.log" 2>&1 || true
  after=$(covft "$tdir/after-$stamp.log")

  added_s="$added ($addbytes B)"
  if [ $skipped -gt 0 ] && [ "${EMK_CAMPAIGN_NO_SEED:-0}" = 1 ]; then
    added_s="$added_s, $skipped not copied (EMK_CAMPAIGN_NO_SEED)"
  elif [ $skipped -gt 0 ]; then
    added_s="$added_s, $skipped over budget (work corpus only)"
  fi
  row="| $(date -u +%Y-%m-%d) | $name | $ran | ${execs:-?} | ${rate:-?} | ${before:-?} | ${runcov:-?} | ${after:-?} | $worksize | $added_s | $crash |"
  echo "$row" >>"$results"
  echo "fuzz-$name: ${execs:-?} execs, run cov/ft $runcov, seeds $before -> $after, added $added_s, work corpus $worksize files"
done
echo "results: $results"
exit $status
