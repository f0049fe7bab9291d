/* cmd_inspect.c - emkit-img info, check and map. */
#include "tool.h"

#include <stdio.h>
#include <stdlib.h>

/* Opens the one IMAGE argument and runs fn on it; fn's result is the exit
 * status (failure to open: 1, which is also qemu-img check's "check not
 * completed"). */
static int with_image(tool_args *a, int (*fn)(emk_img_ctx *c, int json))
{
    emk_img_ctx *c;
    int rc;
    if (a->npos != 1)
        return tool_usage_error("Expecting one image file name");
    c = calloc(1, sizeof(*c));
    if (!c)
        return 1;
    rc = tool_open(c, a, a->pos[0], 0);
    if (rc == 0)
        rc = fn(c, a->json);
    emk_img_close(c);
    free(c);
    return rc;
}

static int info(emk_img_ctx *c, int json)
{
    emk_img_print_info(c, stdout, json);
    return 0;
}

static int check(emk_img_ctx *c, int json)
{
    return emk_img_print_check(c, stdout, json);
}

static int map(emk_img_ctx *c, int json)
{
    emk_img_print_map(c, stdout, json);
    return 0;
}

int tool_cmd_info(tool_args *a)
{
    return with_image(a, info);
}

int tool_cmd_check(tool_args *a)
{
    return with_image(a, check);
}

int tool_cmd_map(tool_args *a)
{
    return with_image(a, map);
}
