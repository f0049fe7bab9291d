/* cmd_run.c - the main job: every component on the test machine, driven
 * by its in-tree guest driver, with a short report. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "demos.h"
#include "nvme_demo.h"
#include "emkit/base.h"

/* One line per component; later components add theirs here. */
static const emk_demo demos[] = {
    {"simple block device (bus, DMA, IRQ/MSI, ioeventfd, iothread, block)", emk_sblk_demo},
    {"NVMe controller on PCIe (MSI-X, shadow doorbells, two queues)", emk_nvme_demo},
    {"cache model (plugin/ core): matrix multiply, naive vs blocked", emk_cache_demo},
};

int emk_cmd_run(int argc, char **argv)
{
    emk_demo_opts o = {NULL, 0};
    unsigned i, failed = 0;
    int a;

    for (a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--disk") && a + 1 < argc) {
            o.disk = argv[++a];
        } else if (!strcmp(argv[a], "--iothread")) {
            o.iothread = 1;
        } else {
            fprintf(stderr, "emkit run: unknown argument '%s'\n", argv[a]);
            return 2;
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
    return failed ? 1 : 0;
}
