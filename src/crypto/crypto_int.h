/*
 * crypto_int.h - private helpers shared by the files of src/crypto/:
 * the DRBG's several-part seeding (RFC 6979 seeds it with key, digest and
 * extra input) and the ctgrind declassification hook.
 */
#ifndef EMK_CRYPTO_INT_H
#define EMK_CRYPTO_INT_H

#include "emkit/crypto.h"

/** One piece of the DRBG's provided data. */
typedef struct emk_drbg_part {
    const void *data;
    size_t len;
} emk_drbg_part;

/** Instantiates d from the concatenation of n parts (no reseeding). */
void emk_drbg_init_parts(emk_drbg_ctx *d, const emk_drbg_part *p, unsigned n);

/* The timing check (tests/crypto/ctgrind.c) builds these sources with
 * EMK_CTGRIND: values that are public by design (a signature, the one-bit
 * outcome of a range check) are then marked defined for memcheck, so that
 * any remaining report is a real secret-dependent branch or index. */
#if defined(EMK_CTGRIND)
#include <valgrind/memcheck.h>
#define emk_declassify(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#else
#define emk_declassify(p, n) ((void)(p), (void)(n))
#endif

#endif
