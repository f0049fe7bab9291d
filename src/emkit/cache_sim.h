/* `emkit cache-sim`: run an address trace through the cache model. */
#ifndef EMKIT_CACHE_SIM_H
#define EMKIT_CACHE_SIM_H

#include "emkit/base.h"

/**
 * Entry point of `emkit cache-sim [key=value...] [format=din|bin] FILE|-`.
 * @argv[0] is the subcommand name.  Returns the process exit status
 * (0 ok, 1 bad trace or I/O error, 2 bad usage).
 */
EMK_API int emk_cmd_cache_sim(int argc, char **argv);

#endif
