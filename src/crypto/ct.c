/*
 * ct.c - constant-time comparison and wiping.
 */
#include "emkit/crypto.h"

int emk_ct_memeq(const void *a, const void *b, size_t len)
{
    const uint8_t *x = a, *y = b;
    uint32_t d = 0;
    size_t i;

    for (i = 0; i < len; i++)
        d |= (uint32_t)(x[i] ^ y[i]);
    /* d is 0..255: (d - 1) >> 31 is 1 exactly when d == 0 */
    return (int)((d - 1) >> 31);
}

void emk_ct_wipe(void *p, size_t len)
{
    volatile uint8_t *q = p;
    while (len--)
        *q++ = 0;
}
