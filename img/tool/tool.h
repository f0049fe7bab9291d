/* tool.h - the pieces of emkit-img: options, commands, secrets, hooks. */
#ifndef EMK_IMG_TOOL_H
#define EMK_IMG_TOOL_H

#include "emkit/img.h"

/** Options a command accepts (tool_cmd.opts). */
enum tool_opt_set {
    TOPT_FMT = 1,        /* -f FMT */
    TOPT_OUTPUT = 2,     /* --output human|json */
    TOPT_SHARE = 4,      /* -U, --force-share */
    TOPT_ANON = 8,       /* -p, --dry-run, --in-place, --scrub-names,
                            --allow-external-paths, --object, -o */
    TOPT_SCRUBBED = 16   /* --scrubbed-names (compare-metadata) */
};

enum { TOOL_MAX_POS = 2, TOOL_MAX_SECRETS = 8, TOOL_SECRET_MAX = 4096 };

typedef struct tool_secret {
    char id[64];
    char data[TOOL_SECRET_MAX];
    size_t len;
} tool_secret;

/** What the command line said. */
typedef struct tool_args {
    int fmt;                 /* enum emk_img_format */
    int json;
    int force_share;
    int scrubbed_names;
    emk_img_opts o;          /* anonymize */
    const char *key_secret;
    int nsecrets;
    tool_secret secrets[TOOL_MAX_SECRETS];
    int npos;
    const char *pos[TOOL_MAX_POS];
} tool_args;

typedef struct tool_cmd {
    const char *name;
    int (*run)(tool_args *a);
    unsigned opts;           /* enum tool_opt_set */
    const char *usage;       /* "info [-f FMT] ... IMAGE" */
    const char *help;        /* what it does and its options */
} tool_cmd;

/** The commands (commands.c); NULL when name is none of them. */
const tool_cmd *tool_find_cmd(const char *name);

/** Prints the tool's help (every command) to stdout. */
void tool_help(void);

/** Prints one command's help to stdout. */
void tool_cmd_help(const tool_cmd *cmd);

/** Prints "emkit-img version X" to stdout. */
void tool_version(void);

/** Reports a usage error in qemu-img's words ("emkit-img: MSG" and "Try
 *  'emkit-img --help' for more information") and returns 1. */
int tool_usage_error(const char *fmt, ...);

/** Parses a command's options and arguments (argv[0] is the command).
 *  Returns -1 to go on, or the exit code (--help, --version: 0; usage
 *  errors: 1). */
int tool_parse(const tool_cmd *cmd, int argc, char **argv, tool_args *a);

/** Parses "secret,id=ID,data=TEXT" or "secret,id=ID,file=PATH"; 0 or -1. */
int tool_parse_secret(const char *arg, tool_secret *s);

/** Picks the secret -o encrypt.key-secret names; 0 or an exit code. */
int tool_pick_secret(tool_args *a);

/** Opens IMAGE as the command needs it (locks, force-share); prints
 *  "emkit-img: Could not open 'IMAGE': WHY" on failure.  0 or 1. */
int tool_open(emk_img_ctx *c, const tool_args *a, const char *path, int rw);

/** Test hooks of tests/img/emkit-img-test (nothing in the shipped tool). */
void tool_test_hooks(tool_args *a);
void tool_test_pause(void);

/** The command handlers. */
int tool_cmd_info(tool_args *a);
int tool_cmd_check(tool_args *a);
int tool_cmd_map(tool_args *a);
int tool_cmd_anonymize(tool_args *a);
int tool_cmd_compare(tool_args *a);

#endif
