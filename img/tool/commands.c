/* commands.c - the command table, help, version and usage errors. */
#include "tool.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define COMMON_HELP \
    "  -f FMT             image format: qcow2, vmdk or vhdx (default: probe)\n" \
    "  --output FMT       human (default) or json\n" \
    "  -h, --help         this help; --version: the version\n"
#define SHARE_HELP \
    "  -U, --force-share  read an image another process has open for\n" \
    "                     writing (no \"write\" lock is kept from others;\n" \
    "                     qemu-img's -U)\n"

static const tool_cmd cmds[] = {
    {"info", tool_cmd_info, TOPT_FMT | TOPT_OUTPUT | TOPT_SHARE,
     "info [-f FMT] [--output human|json] [-U] IMAGE",
     "Prints what qemu-img info prints (image, format, sizes, cluster size,\n"
     "backing file, snapshots, format specific information).\n"
     COMMON_HELP SHARE_HELP},
    {"check", tool_cmd_check, TOPT_FMT | TOPT_OUTPUT | TOPT_SHARE,
     "check [-f FMT] [--output human|json] [-U] IMAGE",
     "Recomputes the reference counts from the tables.  Exit status as\n"
     "qemu-img check: 0 clean, 1 check not completed, 2 corruptions,\n"
     "3 leaked clusters only.\n"
     COMMON_HELP SHARE_HELP},
    {"map", tool_cmd_map, TOPT_FMT | TOPT_OUTPUT | TOPT_SHARE,
     "map [-f FMT] [--output human|json] [-U] IMAGE",
     "Prints the classification of every unit of the file.\n"
     COMMON_HELP SHARE_HELP},
    {"anonymize", tool_cmd_anonymize,
     TOPT_FMT | TOPT_OUTPUT | TOPT_SHARE | TOPT_ANON,
     "anonymize [-f FMT] [-p] [--output human|json] [--dry-run] [-U]\n"
     "                    [--in-place] [--scrub-names] [--allow-external-paths]\n"
     "                    [--object secret,id=ID,data=TEXT|file=PATH]\n"
     "                    [-o encrypt.key-secret=ID] SRC [DST]",
     "Keeps every metadata byte and drops every data byte: into DST (copy\n"
     "mode; DST must not exist) or into SRC itself (--in-place).\n"
     COMMON_HELP
     "  -p, --progress     progress on stderr (the default on a terminal;\n"
     "                     EMKIT_PROGRESS=0 turns that off)\n"
     "  --dry-run          classify and count, write nothing\n"
     "  --in-place         rewrite SRC (it is locked as QEMU locks a writer)\n"
     "  --scrub-names      replace snapshot, bitmap and backing file names\n"
     "  --allow-external-paths  accept VMDK extent and qcow2 data-file names\n"
     "                     that are absolute, contain '..' or pass through\n"
     "                     symbolic links\n"
     "  --object secret,id=ID,data=TEXT|file=PATH, -o encrypt.key-secret=ID\n"
     "                     the LUKS or AES passphrase: data become encrypted\n"
     "                     zeros\n"
     SHARE_HELP
     "                     (not with --in-place)\n"},
    {"compare-metadata", tool_cmd_compare,
     TOPT_FMT | TOPT_OUTPUT | TOPT_SHARE | TOPT_SCRUBBED,
     "compare-metadata [-f FMT] [--output human|json] [-U] [--scrubbed-names]\n"
     "                    ORIG ANON",
     "Proves that ANON, made by anonymize from ORIG (which must be\n"
     "unchanged), keeps every metadata byte of ORIG and leaves no data byte:\n"
     "every byte is compared with what the classification of ORIG requires.\n"
     "Exit status 0 pass, 1 problems (each named with its offset), 2 when\n"
     "an image cannot be read.\n"
     COMMON_HELP SHARE_HELP
     "  --scrubbed-names   ANON was made with --scrub-names: every name must\n"
     "                     differ\n"},
};
enum { NCMDS = sizeof(cmds) / sizeof(cmds[0]) };

const tool_cmd *tool_find_cmd(const char *name)
{
    size_t i;
    for (i = 0; i < NCMDS; i++)
        if (strcmp(cmds[i].name, name) == 0)
            return &cmds[i];
    return NULL;
}

void tool_version(void)
{
    printf("emkit-img version %s\n", emk_version());
}

void tool_help(void)
{
    size_t i;
    printf("emkit-img version %s: inspect, anonymize and verify qcow2, VMDK "
           "and VHDX images\n\nusage: emkit-img COMMAND [options] ARGS\n"
           "       emkit-img help COMMAND | COMMAND --help\n"
           "       emkit-img --version\n\nCommands:\n", emk_version());
    for (i = 0; i < NCMDS; i++)
        printf("  %s\n", cmds[i].usage);
    printf("\nImages are locked as QEMU locks them: a reader keeps writers "
           "out, a writer\n(--in-place) keeps everyone out; -U reads "
           "anyway.  Exit status 0 on\nsuccess, 1 on errors (check and "
           "compare-metadata: see their help).\n");
}

void tool_cmd_help(const tool_cmd *cmd)
{
    printf("usage: emkit-img %s\n\n%s", cmd->usage, cmd->help);
}

int tool_usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "emkit-img: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'emkit-img --help' for more information\n");
    return 1;
}

int tool_open(emk_img_ctx *c, const tool_args *a, const char *path, int rw)
{
    int flags = (rw ? EMK_IMG_OPEN_RW : 0) |
                (a->force_share ? EMK_IMG_OPEN_FORCE_SHARE : 0);
    if (emk_img_open2(c, path, a->fmt, flags) < 0) {
        fprintf(stderr, "emkit-img: Could not open '%s': %s\n", path, c->err);
        return 1;
    }
    tool_test_pause();
    return 0;
}
