/* bench.c - `emkit bench`: the benchmarks (emk_bench_commands in
 * commands.c).  A benchmark must be named: plain `emkit bench` lists them
 * with what each runs and how long it takes, and exits 2. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "opts.h"

static void list(FILE *out)
{
    const emk_command *c;

    for (c = emk_bench_commands; c->name; c++)
        fprintf(out, "  %-8s %s\n", c->name, c->summary);
}

void emk_help_bench(FILE *out)
{
    fputs("usage: emkit bench NAME [OPTIONS] [--json FILE]\n"
          "  Runs one benchmark; a plain `emkit bench` lists them and exits 2.\n"
          "  benchmarks:\n", out);
    list(out);
    fputs("  Every benchmark prints a table on stdout, a progress line on stderr\n"
          "  when that is a terminal, and with --json FILE writes its results as\n"
          "  JSON (schema: docs/perf/README.md; tests/perf/plot.py draws them).\n"
          "  `emkit help bench NAME` describes one benchmark.\n", out);
}

int emk_cmd_bench(int argc, char **argv)
{
    if (argc > 1 && argv[1][0] != '-')
        fprintf(stderr, "emkit: bench: no benchmark '%s'; there are:\n", argv[1]);
    else
        fputs("emkit: bench: name a benchmark (emkit bench NAME [OPTIONS]):\n", stderr);
    list(stderr);
    fputs("see emkit help bench NAME\n", stderr);
    return EMK_EXIT_USAGE;
}
