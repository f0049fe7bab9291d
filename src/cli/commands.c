/* commands.c - every `emkit` subcommand, one line each. */
#include <stddef.h>

#include "commands.h"
#include "cache_sim_cmd.h"

const emk_command emk_commands[] = {
    {"run", "run [--iothread] [--disk SPEC]",
     "main job: the test machine with every component, driven by in-tree guest drivers",
     emk_cmd_run},
    {"cache-sim", "cache-sim [key=value...] FILE|-",
     "run a din or binary address trace through the cache model", emk_cmd_cache_sim},
    {NULL, NULL, NULL, NULL},
};
