/* main.c - `emkit`: dispatch to a subcommand (default: run). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "emkit/base.h"
#include "emkit/trace.h"

static void usage(FILE *out)
{
    const emk_command *c;

    fprintf(out, "emkit %s - portable emulator components\n\n"
                 "usage: emkit [--version] [help] [--trace PATTERNS] [--trace-file FILE]\n"
                 "             [COMMAND [ARGS]]\n\n"
                 "With no command, runs the main job (`emkit run`).\n"
                 "--trace enables trace events by comma-separated glob patterns\n"
                 "('-' excludes; as EMKIT_TRACE), --trace-file sends them to FILE\n"
                 "instead of stderr (as EMKIT_TRACE_FILE).\n\ncommands:\n",
            emk_version());
    for (c = emk_commands; c->name; c++)
        fprintf(out, "  %-34s %s\n", c->usage, c->summary);
}

/* Global flags before the command; returns how many argv entries they
 * took, or -1 after printing an error. */
static int global_flags(int argc, char **argv)
{
    int a = 1, ret;

    while (a < argc) {
        if (!strcmp(argv[a], "--trace") && a + 1 < argc) {
            ret = emk_trace_enable(argv[a + 1]);
        } else if (!strcmp(argv[a], "--trace-file") && a + 1 < argc) {
            ret = emk_trace_set_file(argv[a + 1]);
        } else {
            break;
        }
        if (ret < 0) {
            fprintf(stderr, "emkit: %s %s: %s\n", argv[a], argv[a + 1],
                    emk_strerror(ret));
            return -1;
        }
        a += 2;
    }
    return a - 1;
}

int main(int argc, char **argv)
{
    const emk_command *c;
    int skip = global_flags(argc, argv);

    if (skip < 0)
        return 2;
    argc -= skip;
    argv += skip;
    if (argc < 2)
        return emk_cmd_run(1, (char *[]){"run", NULL});
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("emkit %s\n", emk_version());
        return 0;
    }
    if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
        !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    for (c = emk_commands; c->name; c++)
        if (!strcmp(argv[1], c->name))
            return c->fn(argc - 1, argv + 1);
    fprintf(stderr, "emkit: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
