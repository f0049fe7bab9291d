/* vmdk.c - VMDK parser (not yet written). */
#include "emkit/img.h"
#include "img_priv.h"

#include <errno.h>

int emk_img_vmdk_parse(emk_img_ctx *ctx, const char *path)
{
    (void)path;
    return emk_img_fail(ctx, -ENOTSUP, "vmdk is not supported yet");
}
