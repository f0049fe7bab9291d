/* main.c - a program outside emkit that uses the library as a dependency:
 * built by tests/build/subproject.sh (emkit as a meson subproject, plain
 * dependency('emkit')) and by tests/build/install.sh (installed emkit,
 * `cc $(pkg-config --cflags --libs emkit)`).  It checks the version it
 * was compiled against equals the one it runs with, and moves data
 * through a RAM disk.  Prints "consumer: ok <version>", exit 0. */
#include <stdio.h>
#include <string.h>

#include "emkit/base.h"
#include "emkit/block.h"

int main(void)
{
    char want[32], buf[512], back[512];
    uint64_t size = 0;
    emk_blk *blk;
    int err = 0;

    snprintf(want, sizeof(want), "%d.%d.%d", EMK_VERSION_MAJOR,
             EMK_VERSION_MINOR, EMK_VERSION_PATCH);
    if (strcmp(want, emk_version()) != 0) {
        fprintf(stderr, "consumer: headers say %s, library %s\n", want,
                emk_version());
        return 1;
    }
    if (emk_parse_size("64K", &size) != 0 || size != 65536) {
        fprintf(stderr, "consumer: emk_parse_size(64K) failed\n");
        return 1;
    }
    blk = emk_blk_open("ram:64K", 0, &err);
    if (!blk) {
        fprintf(stderr, "consumer: emk_blk_open: %s\n", emk_strerror(err));
        return 1;
    }
    memset(buf, 0xa5, sizeof(buf));
    memset(back, 0, sizeof(back));
    if (emk_blk_size(blk) != size ||
        emk_blk_pwrite(blk, 4096, buf, sizeof(buf)) != 0 ||
        emk_blk_pread(blk, 4096, back, sizeof(back)) != 0 ||
        memcmp(buf, back, sizeof(buf)) != 0) {
        fprintf(stderr, "consumer: RAM disk round trip failed\n");
        emk_blk_close(blk);
        return 1;
    }
    emk_blk_close(blk);
    printf("consumer: ok %s\n", emk_version());
    return 0;
}
