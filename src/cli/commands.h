/* commands.h - the `emkit` subcommand table. */
#ifndef EMKIT_CLI_COMMANDS_H
#define EMKIT_CLI_COMMANDS_H

#include <stdio.h>

typedef struct emk_command {
    const char *name;      /* "run", "bench nvme" is name "bench" */
    const char *usage;
    const char *summary;
    int (*fn)(int argc, char **argv); /* argv[0] is the command name */
} emk_command;

/** The table, ended by an entry with name NULL. */
extern const emk_command emk_commands[];

/** The main job: the test machine with every component attached. */
int emk_cmd_run(int argc, char **argv);

#endif
