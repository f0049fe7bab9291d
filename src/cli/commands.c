/* commands.c - every `emkit` subcommand, one line each. */
#include <stddef.h>

#include "commands.h"
#include "nvme_demo.h"
#include "emkit/cache_sim.h"

const emk_command emk_commands[] = {
    {"run", "run [--iothread] [--disk SPEC]",
     "main job: the test machine with every component, driven by in-tree guest drivers",
     emk_cmd_run},
    {"bench", "bench nvme [--quick] [--ops N] [--callgrind]",
     "NVMe controller: 4 KiB random I/O, QD1/QD32, iothreads, each optimisation on/off",
     emk_cmd_bench_nvme},
    {"cache-sim", "cache-sim [key=value...] FILE|-",
     "run a din or binary address trace through the cache model", emk_cmd_cache_sim},
    {NULL, NULL, NULL, NULL},
};
