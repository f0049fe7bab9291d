/* cmd_compare.c - emkit-img compare-metadata ORIG ANON. */
#include "tool.h"

#include <stdio.h>
#include <stdlib.h>

int tool_cmd_compare(tool_args *a)
{
    emk_img_ctx *c;
    int r;
    if (a->npos != 2)
        return tool_usage_error("Expecting two image file names");
    c = calloc(1, sizeof(*c));
    if (!c)
        return 2;
    /* as qemu-img compare: 0 pass, 1 problems, 2 cannot read an image */
    if (tool_open(c, a, a->pos[0], 0) != 0) {
        r = 2;
    } else {
        r = emk_img_compare_metadata(c, a->pos[1], a->scrubbed_names, stdout,
                                     a->json);
        if (r < 0) {
            fprintf(stderr, "emkit-img: %s\n", c->err);
            r = 2;
        }
    }
    emk_img_close(c);
    free(c);
    return r;
}
