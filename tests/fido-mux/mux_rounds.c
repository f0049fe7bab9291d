/* mux_rounds.c - one libfido2 client's makeCredential + getAssertion
 * rounds through a SOCK_SEQPACKET key (mux_rounds.h). */
#include <stdio.h>
#include <string.h>

#include <fido.h>
#include <fido/es256.h>

#include "../fido/fido_sock_io.h"
#include "mux_rounds.h"

#define CHECK(c)                                                                  \
    do {                                                                          \
        if (!(c)) {                                                               \
            fprintf(stderr, "client %d round %d: %s failed\n", who, round, #c);   \
            return 1;                                                             \
        }                                                                         \
    } while (0)

int mux_rounds(const char *path, int who, int rounds)
{
    unsigned char cdh[32], uid[16];
    fido_dev_t *dev = fido_dev_new();
    int round = -1, i;

    fido_init(0);
    CHECK(dev && fido_dev_set_io_functions(dev, &fsock_io) == FIDO_OK);
    CHECK(fido_dev_open(dev, path) == FIDO_OK);
    CHECK(fido_dev_is_fido2(dev));
    for (round = 0; round < rounds; round++) {
        fido_cred_t *cred = fido_cred_new();
        fido_assert_t *as = fido_assert_new();
        es256_pk_t *pk = es256_pk_new();

        for (i = 0; i < 32; i++)
            cdh[i] = (unsigned char)(who * 31 + round * 7 + i);
        memset(uid, who, sizeof(uid));
        CHECK(cred && as && pk);
        CHECK(fido_cred_set_type(cred, COSE_ES256) == FIDO_OK);
        CHECK(fido_cred_set_clientdata_hash(cred, cdh, 32) == FIDO_OK);
        CHECK(fido_cred_set_rp(cred, "mux.emkit.example", NULL) == FIDO_OK);
        CHECK(fido_cred_set_user(cred, uid, sizeof(uid), "u", NULL, NULL) == FIDO_OK);
        CHECK(fido_dev_make_cred(dev, cred, NULL) == FIDO_OK);
        CHECK(fido_cred_verify(cred) == FIDO_OK);
        CHECK(es256_pk_from_ptr(pk, fido_cred_pubkey_ptr(cred), fido_cred_pubkey_len(cred)) ==
              FIDO_OK);
        CHECK(fido_assert_set_clientdata_hash(as, cdh, 32) == FIDO_OK);
        CHECK(fido_assert_set_rp(as, "mux.emkit.example") == FIDO_OK);
        CHECK(fido_assert_allow_cred(as, fido_cred_id_ptr(cred), fido_cred_id_len(cred)) ==
              FIDO_OK);
        CHECK(fido_assert_set_up(as, FIDO_OPT_TRUE) == FIDO_OK);
        CHECK(fido_dev_get_assert(dev, as, NULL) == FIDO_OK);
        CHECK(fido_assert_count(as) == 1);
        CHECK(fido_assert_verify(as, 0, COSE_ES256, pk) == FIDO_OK);
        es256_pk_free(&pk);
        fido_assert_free(&as);
        fido_cred_free(&cred);
    }
    fido_dev_close(dev);
    fido_dev_free(&dev);
    return 0;
}
