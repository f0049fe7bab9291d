/* fuzz_img_vhdx.c - libFuzzer target: the vhdx parser and a dry run of the
 * anonymizer on arbitrary bytes. */
#include "fuzz_img_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return emk_fuzz_img(data, size, EMK_IMG_FMT_VHDX);
}
