/* vhdx.c - VHDX parser (not yet written). */
#include "emkit/img.h"
#include "img_priv.h"

#include <errno.h>

int emk_img_vhdx_parse(emk_img_ctx *ctx)
{
    return emk_img_fail(ctx, -ENOTSUP, "vhdx is not supported yet");
}
