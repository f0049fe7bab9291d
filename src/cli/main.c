/* main.c - `emkit`: global flags, then dispatch to a command (default:
 * run).  `--help`/`-h` after any command prints that command's help. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "opts.h"
#include "emkit/base.h"
#include "emkit/trace.h"

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

/* --help or -h among a command's arguments (up to a "--"). */
static int wants_help(int argc, char **argv)
{
    int i;

    for (i = 0; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

/* Invoked as emkit-ui (a link to emkit): the UI process, `emkit ui`. */
static int called_as_ui(const char *argv0)
{
    const char *b = strrchr(argv0, '/');

    return !strcmp(b ? b + 1 : argv0, "emkit-ui");
}

int main(int argc, char **argv)
{
    const emk_command *c;
    int used, skip;

    if (argc >= 1 && called_as_ui(argv[0])) {
        if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            emk_help_ui(stdout);
            return EMK_EXIT_OK;
        }
        return emk_cmd_ui(argc, argv);
    }
    skip = global_flags(argc, argv);

    if (skip < 0)
        return EMK_EXIT_USAGE;
    argc -= skip;
    argv += skip;
    if (argc < 2)
        return emk_cmd_run(1, (char *[]){"run", NULL});
    if (!strcmp(argv[1], "--version"))
        return emk_cmd_version(1, (char *[]){"version", NULL});
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
        return emk_cmd_help(1, (char *[]){"help", NULL});
    c = emk_command_find(emk_commands, argc - 1, argv + 1, &used);
    if (!c) {
        fprintf(stderr, "emkit: unknown command '%s'\n\n", argv[1]);
        emk_usage(stderr);
        return EMK_EXIT_USAGE;
    }
    if (wants_help(argc - 1 - used, argv + 1 + used))
        return emk_command_help(c);
    return c->fn(argc - used, argv + used);
}
