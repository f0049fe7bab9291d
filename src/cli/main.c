/* main.c - `emkit`: dispatch to a subcommand (default: run). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "emkit/base.h"

static void usage(FILE *out)
{
    const emk_command *c;

    fprintf(out, "emkit %s - portable emulator components\n\n"
                 "usage: emkit [--version] [help] [COMMAND [ARGS]]\n\n"
                 "With no command, runs the main job (`emkit run`).\n\ncommands:\n",
            emk_version());
    for (c = emk_commands; c->name; c++)
        fprintf(out, "  %-34s %s\n", c->usage, c->summary);
}

int main(int argc, char **argv)
{
    const emk_command *c;

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
