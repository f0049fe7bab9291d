/* crypto_test.h - hex helpers shared by the crypto tests and the bench. */
#ifndef EMK_CRYPTO_TEST_H
#define EMK_CRYPTO_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline int ct_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes hex ("-" is empty) into out (cap bytes); returns the byte count
 * or -1 on bad input. */
static inline long ct_unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = strlen(s), i;
    if (n == 1 && s[0] == '-')
        return 0;
    if (n % 2 || n / 2 > cap)
        return -1;
    for (i = 0; i < n / 2; i++) {
        int hi = ct_hexval(s[2 * i]), lo = ct_hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

#endif
