/*
 * emkit-img - inspect, anonymize and verify qcow2, VMDK and VHDX images.
 *
 *   emkit-img [--help | --version]
 *   emkit-img help [COMMAND]
 *   emkit-img COMMAND [options] ARGS   (COMMAND --help: its options)
 */
#include "tool.h"
#include "emkit/progress.h"

#include <string.h>

int main(int argc, char **argv)
{
    const tool_cmd *cmd;
    static tool_args a;
    int r;
    if (argc < 2)
        return tool_usage_error("Not enough arguments");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        tool_help();
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        tool_version();
        return 0;
    }
    if (strcmp(argv[1], "help") == 0) {
        if (argc > 3)
            return tool_usage_error("Expecting at most one command name");
        if (argc == 2) {
            tool_help();
            return 0;
        }
        cmd = tool_find_cmd(argv[2]);
        if (!cmd)
            return tool_usage_error("Command not found: %s", argv[2]);
        tool_cmd_help(cmd);
        return 0;
    }
    cmd = tool_find_cmd(argv[1]);
    if (!cmd)
        return tool_usage_error("Command not found: %s", argv[1]);
    r = tool_parse(cmd, argc - 1, argv + 1, &a);
    if (r >= 0)
        return r;
    /* long runs show their progress on a terminal (qemu-img's -p also
     * forces it elsewhere); EMKIT_PROGRESS=0 turns it off */
    if (!a.o.progress && emk_progress_wanted())
        a.o.progress = 1;
    tool_test_hooks(&a);
    return cmd->run(&a);
}
