/* cmd_run.c - the main job: every component on the test machine, driven
 * by its in-tree guest driver, with a short report. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "demos.h"
#include "nvme_demo.h"
#include "opts.h"
#include "emkit/base.h"

/* One line per component; later components add theirs here. */
static const emk_demo demos[] = {
    {"simple block device (bus, DMA, IRQ/MSI, ioeventfd, iothread, block)", emk_sblk_demo},
    {"NVMe controller on PCIe (MSI-X, shadow doorbells, two queues)", emk_nvme_demo},
    {"cache model (plugin/ core): matrix multiply, naive vs blocked", emk_cache_demo},
    {"virtio-snd on virtio-pci: a tone to the null backend, paced", emk_snd_demo},
    {"FIDO2 key over CTAPHID: register and assert, a simulated touch", emk_fido_demo},
};

/* The size in ram:SIZE and null:SIZE, checked like every numeric option
 * (file:PATH[:SIZE] is the backend's to judge: a path may hold colons). */
static int check_disk(const char *spec)
{
    uint64_t v;

    if (!strncmp(spec, "ram:", 4))
        return emk_cli_number("--disk ram:SIZE", spec + 4, 1, 1ull << 40, EMK_NUM_SIZE, &v);
    if (!strncmp(spec, "null:", 5))
        return emk_cli_number("--disk null:SIZE", spec + 5, 1, 1ull << 50, EMK_NUM_SIZE, &v);
    return 0;
}

void emk_help_run(FILE *out)
{
    fputs("usage: emkit run [--iothread] [--disk SPEC]\n"
          "  The main job (also plain `emkit`): builds the test machine, attaches\n"
          "  every component (simple block device, NVMe controller, cache model,\n"
          "  virtio-snd),\n"
          "  drives each with its in-tree guest driver and prints a short report.\n"
          "  Takes well under a second.  Exit status 1 if a component failed.\n"
          "  --disk SPEC   backend of the block devices: ram:16M, null:1G,\n"
          "                file:PATH[:SIZE] (default: a RAM disk)\n"
          "  --iothread    run device work in an iothread\n", out);
}

int emk_cmd_run(int argc, char **argv)
{
    emk_demo_opts o = {NULL, 0};
    unsigned i, failed = 0;
    int a, m;

    for (a = 1; a < argc; a++) {
        if ((m = emk_cli_value(argc, argv, &a, "--disk", &o.disk)) != 0) {
            if (m < 0 || check_disk(o.disk) < 0)
                return EMK_EXIT_USAGE;
        } else if (!strcmp(argv[a], "--iothread")) {
            o.iothread = 1;
        } else {
            return emk_cli_bad_arg("run", argv[a]);
        }
    }
    printf("emkit %s main job: test machine with %u component(s)\n",
           emk_version(), (unsigned)(sizeof(demos) / sizeof(demos[0])));
    for (i = 0; i < sizeof(demos) / sizeof(demos[0]); i++) {
        int ret;
        printf("[%u] %s\n", i + 1, demos[i].name);
        ret = demos[i].fn(stdout, &o);
        printf("    -> %s\n", ret == 0 ? "ok" : emk_strerror(ret));
        if (ret != 0)
            failed++;
    }
    printf("%u of %u component(s) ok\n", (unsigned)(sizeof(demos) / sizeof(demos[0])) - failed,
           (unsigned)(sizeof(demos) / sizeof(demos[0])));
    return failed ? EMK_EXIT_FAIL : EMK_EXIT_OK;
}
