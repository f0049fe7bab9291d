/*
 * utf8.c - the UTF-8 check for CBOR text strings (RFC 3629, section 4's
 * table of well-formed byte sequences): no overlong forms, no UTF-16
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
 */
#include "cbor_int.h"

int emk_cbor_utf8_ok(const uint8_t *p, size_t n)
{
    size_t i = 0;

    while (i < n) {
        uint8_t c = p[i];
        uint8_t lo = 0x80, hi = 0xbf;
        size_t k;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            k = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            k = 2;
            if (c == 0xe0)
                lo = 0xa0;          /* overlong below U+0800 */
            else if (c == 0xed)
                hi = 0x9f;          /* surrogates */
        } else if (c >= 0xf0 && c <= 0xf4) {
            k = 3;
            if (c == 0xf0)
                lo = 0x90;          /* overlong below U+10000 */
            else if (c == 0xf4)
                hi = 0x8f;          /* above U+10FFFF */
        } else {
            return 0;               /* continuation, C0, C1, F5..FF */
        }
        if (n - i - 1 < k)
            return 0;
        if (p[i + 1] < lo || p[i + 1] > hi)
            return 0;
        for (size_t j = 2; j <= k; j++)
            if (p[i + j] < 0x80 || p[i + j] > 0xbf)
                return 0;
        i += k + 1;
    }
    return 1;
}
