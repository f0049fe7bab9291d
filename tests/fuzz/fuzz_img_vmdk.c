/* fuzz_img_vmdk.c - libFuzzer target: the vmdk parser and a dry run of the
 * anonymizer on arbitrary bytes. */
#include "fuzz_img_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return emk_fuzz_img(data, size, EMK_IMG_FMT_VMDK);
}
