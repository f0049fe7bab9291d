/*
 * fuzz_fido_mux.c - the FIDO mux core (hw/fido-mux/) with hostile clients
 * and a hostile key: every report comes from the input.  Ops:
 *   'C' n report[64]   client n (0..2) sends a report
 *   'K' report[64]     the key sends a report
 *   'A' / 'D' n        a client comes / client n goes
 *   'T' q              q quarter-seconds of virtual time (timeouts)
 *   'I' cid[4] info[5] the key answers the mux's own INIT (its nonce)
 *   'S' n k rest[60]   client n sends on the k-th CID it heard of (or
 *                      the key's, if k names none): the rest of a report
 * Checks the isolation rule: a report reaching client n carries the
 * broadcast CID, a CID the mux gave n, or a CID n itself used; a client's
 * report is answered to that client alone, one key report or timeout
 * reaches at most one client, and a client's departure reaches nobody.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "emkit/fido_mux.h"

enum { NCL = 3, NCID = 256 };

typedef struct fz {
    emk_vclock vc;
    emk_loop *loop;
    emk_fido_mux *m;
    int cl[NCL];
    uint32_t cids[NCL][NCID];   /* CIDs client i may hear about */
    unsigned ncids[NCL];
    uint8_t nonce[8];           /* of the mux's INIT to the key */
    uint8_t key_cid[4];
    int from;                   /* the op's client (NCL: key or clock; -1: nobody may hear) */
    int heard;                  /* the client that heard during this op, or -1 */
} fz;

static fz Z;

static void remember(fz *z, int i, uint32_t cid)
{
    if (z->ncids[i] < NCID)
        z->cids[i][z->ncids[i]++] = cid;
}

static int known(const fz *z, int i, uint32_t cid)
{
    unsigned k;

    for (k = 0; k < z->ncids[i]; k++)
        if (z->cids[i][k] == cid)
            return 1;
    return z->ncids[i] == NCID;       /* full: no verdict */
}

static void to_key(void *opaque, const uint8_t r[64])
{
    fz *z = opaque;

    if (emk_be32(r) == 0xffffffffu && r[4] == 0x86)
        memcpy(z->nonce, r + 7, 8);
}

static void to_client(void *opaque, int client, const uint8_t r[64])
{
    fz *z = opaque;
    uint32_t cid = emk_be32(r);
    int i;

    for (i = 0; i < NCL && z->cl[i] != client; i++)
        ;
    if (i == NCL)
        abort();                     /* a client that is not there */
    if (z->from < NCL && z->from != i)
        abort();                     /* someone else's report answered to i */
    if (z->heard >= 0 && z->heard != i)
        abort();                     /* one key report or timeout, two clients */
    z->heard = i;
    if (cid == 0xffffffffu) {
        if (r[4] == 0x86 && r[6] >= 17)
            remember(z, i, emk_be32(r + 15));   /* the channel it was given */
        return;
    }
    if (!known(z, i, cid))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const emk_fido_mux_ops ops = {to_key, to_client};
    fz *z = &Z;
    size_t i = 0;
    int c;

    memset(z, 0, sizeof(*z));
    emk_vclock_init(&z->vc, 0);
    if (!(z->loop = emk_loop_new(&z->vc.clock, NULL)))
        return 0;
    if (emk_fido_mux_new(&z->m, z->loop, &ops, z, 77) < 0) {
        emk_loop_free(z->loop);
        return 0;
    }
    for (c = 0; c < NCL; c++)
        z->cl[c] = emk_fido_mux_client_add(z->m);
    while (i < size) {
        uint8_t op = data[i++];

        z->heard = -1;
        z->from = NCL;
        if ((op == 'C' || op == 'S') && i < size)
            z->from = data[i] % NCL;
        else if (op == 'D' || op == 'A')
            z->from = -1;

        if (op == 'C' && size - i >= 65) {
            c = data[i] % NCL;
            if (z->cl[c] >= 0) {
                remember(z, c, emk_be32(data + i + 1));
                (void)emk_fido_mux_from_client(z->m, z->cl[c], data + i + 1);
            }
            i += 65;
        } else if (op == 'I' && size - i >= 9) {
            uint8_t r[64];

            memset(r, 0, sizeof(r));
            memset(r, 0xff, 4);
            r[4] = 0x86;
            r[6] = 17;
            memcpy(r + 7, z->nonce, 8);
            memcpy(r + 15, data + i, 9);
            memcpy(z->key_cid, data + i, 4);
            emk_fido_mux_from_key(z->m, r);
            i += 9;
        } else if (op == 'S' && size - i >= 62) {
            uint8_t r[64];
            unsigned k = data[i + 1];

            c = data[i] % NCL;
            if (k < z->ncids[c]) {
                r[0] = (uint8_t)(z->cids[c][k] >> 24);
                r[1] = (uint8_t)(z->cids[c][k] >> 16);
                r[2] = (uint8_t)(z->cids[c][k] >> 8);
                r[3] = (uint8_t)z->cids[c][k];
            } else {
                memcpy(r, z->key_cid, 4);
            }
            memcpy(r + 4, data + i + 2, 60);
            if (z->cl[c] >= 0) {
                remember(z, c, ((uint32_t)r[0] << 24) | ((uint32_t)r[1] << 16) |
                                   ((uint32_t)r[2] << 8) | r[3]);
                (void)emk_fido_mux_from_client(z->m, z->cl[c], r);
            }
            i += 62;
        } else if (op == 'K' && size - i >= 64) {
            emk_fido_mux_from_key(z->m, data + i);
            i += 64;
        } else if (op == 'A') {
            for (c = 0; c < NCL && z->cl[c] >= 0; c++)
                ;
            if (c < NCL) {
                z->cl[c] = emk_fido_mux_client_add(z->m);
                z->ncids[c] = 0;
            }
        } else if (op == 'D' && size - i >= 1) {
            c = data[i++] % NCL;
            emk_fido_mux_client_del(z->m, z->cl[c]);
            z->cl[c] = -1;
        } else if (op == 'T' && size - i >= 1) {
            z->vc.now += (int64_t)data[i++] * 1000000000 / 4;
            emk_loop_run_once(z->loop, 0);
        }
    }
    emk_fido_mux_free(z->m);
    emk_loop_free(z->loop);
    return 0;
}
