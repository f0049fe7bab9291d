/*
 * opts.c - option parsing of emkit-img commands with getopt_long:
 * "--output json" and "--output=json", combined short options ("-pU"),
 * options after arguments, and "--" all work as they do for qemu-img.
 */
#define _GNU_SOURCE 1   /* getopt_long where the libc wants it */
#include "tool.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

enum {
    L_OUTPUT = 256, L_DRY_RUN, L_IN_PLACE, L_SCRUB, L_ALLOW, L_OBJECT,
    L_KEY_SECRET, L_SCRUBBED, L_VERSION
};

/* Every option, with the set of commands it belongs to. */
typedef struct opt_def {
    struct option lo;
    int has_short;
    unsigned set;   /* enum tool_opt_set, 0 = every command */
} opt_def;

static const opt_def defs[] = {
    {{"help", no_argument, NULL, 'h'}, 1, 0},
    {{"version", no_argument, NULL, L_VERSION}, 0, 0},
    {{"format", required_argument, NULL, 'f'}, 1, TOPT_FMT},
    {{"output", required_argument, NULL, L_OUTPUT}, 0, TOPT_OUTPUT},
    {{"force-share", no_argument, NULL, 'U'}, 1, TOPT_SHARE},
    {{"progress", no_argument, NULL, 'p'}, 1, TOPT_ANON},
    {{"dry-run", no_argument, NULL, L_DRY_RUN}, 0, TOPT_ANON},
    {{"in-place", no_argument, NULL, L_IN_PLACE}, 0, TOPT_ANON},
    {{"scrub-names", no_argument, NULL, L_SCRUB}, 0, TOPT_ANON},
    {{"allow-external-paths", no_argument, NULL, L_ALLOW}, 0, TOPT_ANON},
    {{"object", required_argument, NULL, L_OBJECT}, 0, TOPT_ANON},
    {{"options", required_argument, NULL, 'o'}, 1, TOPT_ANON},
    {{"key-secret", required_argument, NULL, L_KEY_SECRET}, 0, TOPT_ANON},
    {{"scrubbed-names", no_argument, NULL, L_SCRUBBED}, 0, TOPT_SCRUBBED},
};
enum { NDEFS = sizeof(defs) / sizeof(defs[0]) };

static int parse_fmt(const char *s)
{
    if (strcmp(s, "qcow2") == 0)
        return EMK_IMG_FMT_QCOW2;
    if (strcmp(s, "vmdk") == 0)
        return EMK_IMG_FMT_VMDK;
    if (strcmp(s, "vhdx") == 0)
        return EMK_IMG_FMT_VHDX;
    return -1;
}

/* One option of the command: 0 to go on, or an exit code. */
static int take(const tool_cmd *cmd, int c, const char *arg, tool_args *a)
{
    switch (c) {
    case 'h':
        tool_cmd_help(cmd);
        return 0;
    case L_VERSION:
        tool_version();
        return 0;
    case 'f':
        a->fmt = parse_fmt(arg);
        if (a->fmt < 0)
            return tool_usage_error("Unknown driver '%s' (emkit-img reads "
                                    "qcow2, vmdk and vhdx)", arg);
        break;
    case L_OUTPUT:
        if (strcmp(arg, "json") != 0 && strcmp(arg, "human") != 0)
            return tool_usage_error("--output must be used with human or json "
                                    "as argument.");
        a->json = strcmp(arg, "json") == 0;
        break;
    case 'U': a->force_share = 1; break;
    case 'p': a->o.progress = 1; break;
    case L_DRY_RUN: a->o.dry_run = 1; break;
    case L_IN_PLACE: a->o.in_place = 1; break;
    case L_SCRUB: a->o.scrub_names = 1; break;
    case L_ALLOW: a->o.allow_external_paths = 1; break;
    case L_SCRUBBED: a->scrubbed_names = 1; break;
    case L_OBJECT:
        if (a->nsecrets == TOOL_MAX_SECRETS ||
            tool_parse_secret(arg, &a->secrets[a->nsecrets]) < 0)
            return tool_usage_error("--object must be secret,id=ID,data=TEXT "
                                    "or secret,id=ID,file=PATH");
        a->nsecrets++;
        break;
    case 'o':
        if (strncmp(arg, "encrypt.key-secret=", 19) != 0)
            return tool_usage_error("-o takes encrypt.key-secret=ID only, "
                                    "not '%s'", arg);
        a->key_secret = arg + 19;
        break;
    case L_KEY_SECRET: a->key_secret = arg; break;
    default:
        return 1;
    }
    return -1;
}

int tool_parse(const tool_cmd *cmd, int argc, char **argv, tool_args *a)
{
    struct option lo[NDEFS + 1];
    char shorts[2 * NDEFS + 2];
    size_t ns = 0, nl = 0, i;
    int c, r;
    memset(a, 0, sizeof(*a));
    memset(lo, 0, sizeof(lo));
    shorts[ns++] = ':';     /* a missing argument returns ':' */
    for (i = 0; i < NDEFS; i++) {
        if (defs[i].set && !(defs[i].set & cmd->opts))
            continue;
        lo[nl++] = defs[i].lo;
        if (defs[i].has_short) {
            shorts[ns++] = (char)defs[i].lo.val;
            if (defs[i].lo.has_arg == required_argument)
                shorts[ns++] = ':';
        }
    }
    shorts[ns] = '\0';
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        if (c == '?') {
            if (optopt && optopt < 256)
                return tool_usage_error("unrecognized option '-%c'", optopt);
            return tool_usage_error("unrecognized option '%s'",
                                    argv[optind - 1]);
        }
        if (c == ':')
            return tool_usage_error("option '%s' requires an argument",
                                    argv[optind - 1]);
        r = take(cmd, c, optarg, a);
        if (r >= 0)
            return r;
    }
    for (; optind < argc; optind++) {
        if (a->npos == TOOL_MAX_POS)
            return tool_usage_error("Superfluous argument '%s'", argv[optind]);
        a->pos[a->npos++] = argv[optind];
    }
    return -1;
}
