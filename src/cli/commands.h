/* commands.h - the `emkit` subcommand table.
 *
 * Every command has a help callback that prints its full usage text (it
 * lives in the command's own file); `emkit help CMD`, `emkit CMD --help`
 * and `emkit CMD -h` print it on stdout and exit 0.  `emkit commands`
 * lists every entry, sub-tables included ("bench nvme"), one per line:
 * tests/cli/help.sh runs each with --help, so a command without help
 * fails the build's tests. */
#ifndef EMKIT_CLI_COMMANDS_H
#define EMKIT_CLI_COMMANDS_H

#include <stdio.h>

typedef struct emk_command {
    const char *name;      /* one word: "run", "bench"; "nvme" in bench's table */
    const char *summary;   /* one line for the overview */
    /* argv[0] is the command's own name ("nvme" for `emkit bench nvme`);
     * returns an exit code (opts.h).  A command with a sub-table is called
     * only when no sub-command was named (or an unknown one). */
    int (*fn)(int argc, char **argv);
    void (*help)(FILE *out);              /* full usage text */
    const struct emk_command *subs;       /* sub-commands, or NULL */
} emk_command;

/** The tables, each ended by an entry with name NULL. */
extern const emk_command emk_commands[];
extern const emk_command emk_bench_commands[];
extern const emk_command emk_fido_commands[];

/** The entry argv names (walking sub-tables: "bench", "nvme"), or NULL;
 *  *used is how many argv words named it. */
const emk_command *emk_command_find(const emk_command *table, int argc, char **argv,
                                    int *used);

/** Prints c's help on stdout: EMK_EXIT_OK, or EMK_EXIT_FAIL if it has none. */
int emk_command_help(const emk_command *c);

/** The overview (`emkit help`). */
void emk_usage(FILE *out);

/* each command's entry point and help, in its own file */
int emk_cmd_run(int argc, char **argv);          /* cmd_run.c */
void emk_help_run(FILE *out);
int emk_cmd_bench(int argc, char **argv);        /* bench.c */
void emk_help_bench(FILE *out);
void emk_help_bench_nvme(FILE *out);             /* nvme_bench.c */
int emk_cmd_fido(int argc, char **argv);         /* fido_serve.c */
void emk_help_fido(FILE *out);
int emk_cmd_fido_serve(int argc, char **argv);
void emk_help_fido_serve(FILE *out);
int emk_cmd_help(int argc, char **argv);         /* help.c */
void emk_help_help(FILE *out);
int emk_cmd_commands(int argc, char **argv);
void emk_help_commands(FILE *out);
int emk_cmd_version(int argc, char **argv);
void emk_help_version(FILE *out);

#endif
