/* bench_json.h - the JSON result file of every `emkit bench ... --json FILE`.
 *
 * The schema (docs/perf/README.md) is shared with tests/qemu/bench.sh and
 * read by tests/perf/plot.py:
 *
 *   {"bench": NAME, "host": {...}, "config": {...},
 *    "results": [{"name": ..., "case": ..., "metric": ..., "value": ...,
 *                 "unit": ..., "peer": ..., "ratio": ...}, ...]}
 *
 * The file is written as FILE.tmp.PID while the benchmark runs and renamed
 * to FILE at emk_bj_close, so a FILE that exists is complete.  Every call
 * on a writer that was not opened (no --json) does nothing. */
#ifndef EMKIT_CLI_BENCH_JSON_H
#define EMKIT_CLI_BENCH_JSON_H

#include <stdio.h>

typedef struct emk_bench_json {
    FILE *f;              /* NULL: not writing */
    const char *path;
    char tmp[4096];
    int in_results;       /* "config" closed, "results" open */
    int nconfig, nresults;
} emk_bench_json;

/** One measurement.  name: what was measured ("trap", "emkit-adapt");
 *  case_: the workload it ran ("randread-qd1-it0"; NULL or "" for none);
 *  metric: the quantity ("iops"); unit ("IO/s"); peer: the name of the
 *  result (same case and metric) ratio is taken against, or NULL; ratio:
 *  value / peer's value, ignored without peer or if not finite. */
typedef struct emk_bench_result {
    const char *name, *case_, *metric, *unit, *peer;
    double value, ratio;
} emk_bench_result;

/** Opens the writer on path (NULL: stays closed, every call a no-op) and
 *  writes bench and the host description.  Returns 0, or prints
 *  "emkit: --json: PATH: reason" and returns -1 (the caller exits 1). */
int emk_bj_open(emk_bench_json *j, const char *path, const char *bench);

/** A "config" entry; only before the first result. */
void emk_bj_config_str(emk_bench_json *j, const char *key, const char *val);
void emk_bj_config_num(emk_bench_json *j, const char *key, double val);
void emk_bj_config_bool(emk_bench_json *j, const char *key, int val);

/** Appends one result. */
void emk_bj_result(emk_bench_json *j, const emk_bench_result *r);

/** Ends the document and renames it into place; 0, or -1 after printing
 *  why (and the temporary file removed). */
int emk_bj_close(emk_bench_json *j);

#endif
