/* opts.h - option values of the `emkit` commands: one strict number parser
 * for every numeric option, and the exit codes every command uses. */
#ifndef EMKIT_CLI_OPTS_H
#define EMKIT_CLI_OPTS_H

#include <stdint.h>

/** Exit codes of every `emkit` command. */
enum emk_cli_exit {
    EMK_EXIT_OK = 0,     /* success */
    EMK_EXIT_FAIL = 1,   /* the command ran and failed: a check, an I/O error */
    EMK_EXIT_USAGE = 2   /* bad usage: unknown command or option, a missing
                            value, a number that is not one or out of range */
};

/** Flags of emk_cli_number. */
enum {
    EMK_NUM_SIZE = 1     /* a K, M, G or T suffix (binary units, optional
                            "iB"/"B") multiplies, as emk_parse_size */
};

/** Parses text, the value of option opt ("--ops"), as a decimal unsigned
 *  integer in [min, max].  The whole text must be the number: no sign, no
 *  blanks, no trailing characters, no base prefix; with EMK_NUM_SIZE a
 *  binary size suffix is allowed.  Returns 0 and stores it in *out, or
 *  prints one line to stderr and returns -1:
 *    emkit: --ops: 'abc' is not a number
 *    emkit: --ops: '0' is out of range (1 to 1000000000)
 *  The caller then exits with EMK_EXIT_USAGE. */
int emk_cli_number(const char *opt, const char *text, uint64_t min, uint64_t max,
                   unsigned flags, uint64_t *out);

/** emk_cli_number for an unsigned int (max must fit). */
int emk_cli_unsigned(const char *opt, const char *text, unsigned min, unsigned max,
                     unsigned *out);

/** Matches argv[*i] against option name ("--ops"), as "--ops VALUE" or
 *  "--ops=VALUE".  Returns 0 if it is another argument; 1 if it matches,
 *  with *val set and *i moved to the last argument used; -1 (after printing
 *  "emkit: --ops: needs a value") if the value is missing. */
int emk_cli_value(int argc, char **argv, int *i, const char *name, const char **val);

/** Prints "emkit: CMD: unknown argument 'ARG' (see emkit help CMD)" to
 *  stderr and returns EMK_EXIT_USAGE. */
int emk_cli_bad_arg(const char *cmd, const char *arg);

#endif
