/* commands.c - every `emkit` subcommand, one line each. */
#include <stddef.h>
#include <string.h>

#include "commands.h"
#include "nvme_demo.h"
#include "emkit/cache_sim.h"

/* cache-sim lives in the library (plugin/cache_sim_cmd.c), its usage text
 * with it: --help prints it on stdout. */
static void help_cache_sim(FILE *out)
{
    char *argv[] = { "cache-sim", "--help", NULL };

    if (out != stdout) {
        fputs("usage: emkit cache-sim [key=value...] FILE|-  (emkit help cache-sim)\n", out);
        return;
    }
    fflush(out);
    emk_cmd_cache_sim(2, argv);
}

const emk_command emk_bench_commands[] = {
    {"nvme", "NVMe controller: 4 KiB random I/O, 60 runs (~10 s)",
     emk_cmd_bench_nvme, emk_help_bench_nvme, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

const emk_command emk_fido_commands[] = {
    {"serve", "serve the FIDO2/U2F key on a socket (--hid-socket) or Linux UHID",
     emk_cmd_fido_serve, emk_help_fido_serve, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

const emk_command emk_commands[] = {
    {"run", "the main job: every component on the test machine, with a report",
     emk_cmd_run, emk_help_run, NULL},
    {"bench", "benchmarks: name one; --json FILE writes the results",
     emk_cmd_bench, emk_help_bench, emk_bench_commands},
    {"cache-sim", "run a din or binary address trace through the cache model",
     emk_cmd_cache_sim, help_cache_sim, NULL},
    {"fido", "the emulated FIDO2/U2F security key: emkit fido serve",
     emk_cmd_fido, emk_help_fido, emk_fido_commands},
    {"help", "describe emkit or one command (emkit help CMD)", emk_cmd_help, emk_help_help, NULL},
    {"commands", "list every command, one per line (for scripts)", emk_cmd_commands,
     emk_help_commands, NULL},
    {"version", "print the version (also --version)", emk_cmd_version, emk_help_version, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

const emk_command *emk_command_find(const emk_command *table, int argc, char **argv,
                                    int *used)
{
    const emk_command *c, *found = NULL;
    int n = 0;

    while (table && n < argc) {
        for (c = table; c->name; c++)
            if (!strcmp(c->name, argv[n]))
                break;
        if (!c->name)
            break;
        found = c;
        table = c->subs;
        n++;
    }
    *used = n;
    return found;
}
