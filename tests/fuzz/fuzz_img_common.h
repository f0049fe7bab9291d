/* fuzz_img_common.h - shared body of the img fuzz targets: write the input
 * to a temporary file, open (parse) it as the given format, run info/check
 * printers and an anonymize dry run. */
#ifndef EMK_FUZZ_IMG_COMMON_H
#define EMK_FUZZ_IMG_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emkit/img.h"

static char emk_fuzz_img_path[64];

static void emk_fuzz_img_cleanup(void)
{
    if (emk_fuzz_img_path[0])
        unlink(emk_fuzz_img_path);
}

static int emk_fuzz_img(const uint8_t *data, size_t size, int fmt)
{
    char *path = emk_fuzz_img_path;
    static emk_img_ctx ctx;
    emk_img_opts o;
    FILE *f, *null;
    if (!path[0]) {
        int fd;
        snprintf(path, sizeof(emk_fuzz_img_path), "/tmp/emk-fuzz-imgXXXXXX");
        fd = mkstemp(path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(emk_fuzz_img_cleanup);
    }
    f = fopen(path, "wb");
    if (!f)
        abort();
    if (size)
        fwrite(data, 1, size, f);
    fclose(f);
    null = fopen("/dev/null", "w");
    if (emk_img_open(&ctx, path, fmt) == 0) {
        memset(&o, 0, sizeof(o));
        o.dry_run = 1;
        emk_img_print_info(&ctx, null, 1);
        emk_img_print_check(&ctx, null, 0);
        emk_img_print_map(&ctx, null, 1);
        emk_img_anonymize(&ctx, path, NULL, &o);
        emk_img_print_report(&ctx, &o, null, 1);
    }
    emk_img_close(&ctx);
    fclose(null);
    return 0;
}

#endif
