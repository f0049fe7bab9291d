/* cbor_xcheck.c - the C side of the cross-check with python3-fido2
 * (xcheck_fido2.py): reads one hex-encoded input per line on stdin,
 * decodes it with emk_cbor_decode, re-encodes it with the encoder by
 * walking it with the accessors (cbor_reenc.h), and prints the result in
 * hex, or "ERR <n>" with the negative errno of the decoder ("ERR walk" if
 * the accessors contradicted the decoder).  Inputs of up to 64 KiB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/cbor.h"
#include "cbor_reenc.h"
#include "crypto/crypto_test.h"

int main(void)
{
    static char line[(1 << 17) + 2];
    static uint8_t in[1 << 16], out[1 << 16];

    while (fgets(line, sizeof(line), stdin)) {
        size_t m, k;
        long n;
        emk_cbor_item it;
        emk_cbor_enc e;
        int r;

        line[strcspn(line, "\r\n")] = 0;
        n = line[0] ? ct_unhex(line, in, sizeof(in)) : 0;
        if (n < 0) {
            printf("ERR hex\n");
            fflush(stdout);
            continue;
        }
        r = emk_cbor_decode(in, (size_t)n, EMK_CBOR_MAX_DEPTH, &it);
        if (r < 0) {
            printf("ERR %d\n", r);
        } else {
            emk_cbor_enc_init(&e, out, sizeof(out));
            if (cbor_reenc(&e, &it) || emk_cbor_enc_finish(&e, &m)) {
                printf("ERR walk\n");
            } else {
                for (k = 0; k < m; k++)
                    printf("%02x", out[k]);
                printf("\n");
            }
        }
        fflush(stdout);
    }
    return 0;
}
