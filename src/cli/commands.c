/* commands.c - every `emkit` subcommand, one line each. */
#include <stddef.h>

#include "commands.h"

const emk_command emk_commands[] = {
    {"run", "run [--iothread] [--disk SPEC]",
     "main job: the test machine with every component, driven by in-tree guest drivers",
     emk_cmd_run},
    {NULL, NULL, NULL, NULL},
};
