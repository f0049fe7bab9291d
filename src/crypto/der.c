/*
 * der.c - ECDSA signatures as DER (X.690): SEQUENCE { INTEGER r, INTEGER s }.
 * The parser accepts strict DER only: short-form lengths that match,
 * minimal non-negative integers, nothing after the sequence.
 */
#include "emkit/p256.h"

#include <string.h>

/* Writes INTEGER v (32 big-endian bytes) at out; returns its length. */
static size_t put_int(uint8_t *out, const uint8_t v[32])
{
    size_t i = 0, n;
    while (i < 31 && v[i] == 0)
        i++;
    n = 32 - i;
    out[0] = 0x02;
    if (v[i] & 0x80) {
        out[1] = (uint8_t)(n + 1);
        out[2] = 0;
        memcpy(out + 3, v + i, n);
        return n + 3;
    }
    out[1] = (uint8_t)n;
    memcpy(out + 2, v + i, n);
    return n + 2;
}

int emk_p256_sig_to_der(const uint8_t sig[64], uint8_t *der, size_t cap)
{
    uint8_t t[EMK_P256_SIG_DER_MAX];
    size_t n = 2;
    n += put_int(t + n, sig);
    n += put_int(t + n, sig + 32);
    t[0] = 0x30;
    t[1] = (uint8_t)(n - 2);
    if (n > cap)
        return -ENOSPC;
    memcpy(der, t, n);
    return (int)n;
}

/* Parses one INTEGER at *pos (below end) into v; 0 or -EBADMSG. */
static int get_int(const uint8_t *der, size_t *pos, size_t end, uint8_t v[32])
{
    size_t p = *pos, n;
    const uint8_t *x;
    if (end - p < 3 || der[p] != 0x02)
        return -EBADMSG;
    n = der[p + 1];
    if (n == 0 || n & 0x80 || n > end - p - 2)
        return -EBADMSG;
    x = der + p + 2;
    if (x[0] & 0x80)
        return -EBADMSG; /* negative */
    if (n > 1 && x[0] == 0 && !(x[1] & 0x80))
        return -EBADMSG; /* not minimal */
    *pos = p + 2 + n;
    if (x[0] == 0 && n > 1) {
        x++;
        n--;
    }
    if (n > 32)
        return -EBADMSG;
    memset(v, 0, 32 - n);
    memcpy(v + 32 - n, x, n);
    return 0;
}

int emk_p256_sig_from_der(const uint8_t *der, size_t len, uint8_t sig[64])
{
    size_t pos = 2;
    if (len < 8 || der[0] != 0x30 || der[1] & 0x80 || der[1] != len - 2)
        return -EBADMSG;
    if (get_int(der, &pos, len, sig) || get_int(der, &pos, len, sig + 32))
        return -EBADMSG;
    return pos == len ? 0 : -EBADMSG;
}
