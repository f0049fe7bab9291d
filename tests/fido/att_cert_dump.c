/* att_cert_dump.c - writes the attestation certificate of a key with a
 * fixed seed (argv[2], one byte, default 0x11) to argv[1] as DER, for
 * x509_openssl.sh to hand to openssl; prints emk_fido_aaguid() in hex. */
#include <stdio.h>
#include <stdlib.h>

#include "u2f_fixture.h"

int main(int argc, char **argv)
{
    fx_key f;
    FILE *out;
    int r;

    if (argc < 2) {
        fprintf(stderr, "usage: %s OUT.der [SEED_BYTE]\n", argv[0]);
        return 2;
    }
    r = fx_open(&f, NULL, (uint8_t)(argc > 2 ? strtoul(argv[2], NULL, 0) : 0x11));
    if (r < 0) {
        fprintf(stderr, "emk_fido_new: %d\n", r);
        return 1;
    }
    out = fopen(argv[1], "wb");
    if (!out || fwrite(f.k->keys.att_cert, 1, f.k->keys.att_cert_len, out) !=
                    f.k->keys.att_cert_len || fclose(out)) {
        perror(argv[1]);
        return 1;
    }
    for (int i = 0; i < EMK_FIDO_AAGUID_LEN; i++)
        printf("%02X", emk_fido_aaguid()[i]);
    printf("\n");
    fx_close(&f);
    return 0;
}
