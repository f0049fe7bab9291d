/* help.c - `emkit help`, `emkit commands`, `emkit version` and the overview. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "opts.h"
#include "emkit/base.h"

/* Walks a table and its sub-tables; name holds the path so far ("bench "),
 * at offset len.  With out, the overview's lines; without, bare paths. */
static void walk(FILE *out, const emk_command *t, char *name, size_t len, size_t cap)
{
    const emk_command *c;

    for (c = t; c->name; c++) {
        size_t n = strlen(c->name);
        if (len + n + 2 > cap)
            continue;
        memcpy(name + len, c->name, n + 1);
        if (out)
            fprintf(out, "  %-14s %s\n", name, c->summary);
        else
            printf("%s\n", name);
        if (c->subs) {
            name[len + n] = ' ';
            walk(out, c->subs, name, len + n + 1, cap);
        }
    }
}

void emk_usage(FILE *out)
{
    fprintf(out,
        "emkit %s - portable emulator components\n\n"
        "usage: emkit [--trace PATTERNS] [--trace-file FILE] [COMMAND [ARGS]]\n"
        "       emkit help [COMMAND]    emkit COMMAND --help    emkit --version\n\n"
        "With no command, runs the main job (`emkit run`).\n"
        "--trace enables trace events by comma-separated glob patterns\n"
        "('-' excludes; as EMKIT_TRACE), --trace-file sends them to FILE\n"
        "instead of stderr (as EMKIT_TRACE_FILE).\n\n"
        "commands:\n", emk_version());
    {
        char name[64];
        walk(out, emk_commands, name, 0, sizeof(name));
    }
    fputs("\nNumeric options take decimal numbers only ('abc', '-1', '12x' are refused);\n"
          "sizes may end in K, M, G or T (binary units).  Long runs show a progress\n"
          "line on stderr when it is a terminal (EMKIT_PROGRESS=0: never).\n\n"
          "exit status: 0 success, 1 the command ran and failed (a check, an I/O\n"
          "error), 2 bad usage (unknown command or option, missing value, a number\n"
          "that is not one or is out of range).\n", out);
}

int emk_cmd_help(int argc, char **argv)
{
    const emk_command *c;
    int used, i;

    if (argc < 2) {
        emk_usage(stdout);
        return EMK_EXIT_OK;
    }
    c = emk_command_find(emk_commands, argc - 1, argv + 1, &used);
    if (!c || used != argc - 1) {
        fputs("emkit: help: no command '", stderr);
        for (i = 1; i < argc; i++)
            fprintf(stderr, "%s%s", i > 1 ? " " : "", argv[i]);
        fputs("' (emkit commands lists them)\n", stderr);
        return EMK_EXIT_USAGE;
    }
    return emk_command_help(c);
}

int emk_command_help(const emk_command *c)
{
    if (!c->help) {   /* tests/cli/help.sh fails on this */
        fprintf(stderr, "emkit: %s: no help (add a help callback in commands.c)\n", c->name);
        return EMK_EXIT_FAIL;
    }
    c->help(stdout);
    return EMK_EXIT_OK;
}

void emk_help_help(FILE *out)
{
    fputs("usage: emkit help [COMMAND [SUBCOMMAND]]\n"
          "  Without a command, the overview: global options, every command, exit\n"
          "  status.  With one (`emkit help bench nvme`), that command's usage, as\n"
          "  `emkit COMMAND --help`.  Always on stdout.\n", out);
}

int emk_cmd_commands(int argc, char **argv)
{
    if (argc > 1)
        return emk_cli_bad_arg("commands", argv[1]);
    {
        char name[64];
        walk(NULL, emk_commands, name, 0, sizeof(name));
    }
    return EMK_EXIT_OK;
}

void emk_help_commands(FILE *out)
{
    fputs("usage: emkit commands\n"
          "  Every command and sub-command, one per line, words separated by one\n"
          "  space (\"bench nvme\"): the list `emkit help` describes, for scripts\n"
          "  and tests.\n", out);
}

int emk_cmd_version(int argc, char **argv)
{
    if (argc > 1)
        return emk_cli_bad_arg("version", argv[1]);
    printf("emkit %s\n", emk_version());
    return EMK_EXIT_OK;
}

void emk_help_version(FILE *out)
{
    fputs("usage: emkit version   (or emkit --version)\n"
          "  Prints \"emkit MAJOR.MINOR.PATCH\".\n", out);
}
