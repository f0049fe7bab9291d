/* u2f_fixture.h - a key on its own loop for the u2f/store tests: fixed
 * seed, optional state file. */
#ifndef EMKIT_TESTS_FIDO_U2F_FIXTURE_H
#define EMKIT_TESTS_FIDO_U2F_FIXTURE_H

#include "fido_int.h"

typedef struct fx_key {
    emk_loop *loop;
    emk_fido *k;
} fx_key;

static void fx_send(void *opaque, const uint8_t report[EMK_FIDO_REPORT])
{
    (void)opaque;
    (void)report;
}

/* 0 or emk_fido_new's error (the loop is freed then). */
static int fx_open(fx_key *f, const char *path, uint8_t seed_byte)
{
    emk_fido_config cfg;
    emk_fido_ops ops;
    uint8_t seed[32];
    int err = 0, r;

    memset(seed, seed_byte, sizeof(seed));
    memset(&cfg, 0, sizeof(cfg));
    memset(&ops, 0, sizeof(ops));
    cfg.state_path = path;
    cfg.seed = seed;
    cfg.seed_len = sizeof(seed);
    ops.send_report = fx_send;
    f->k = NULL;
    f->loop = emk_loop_new(NULL, &err);
    if (!f->loop)
        return err ? err : -ENOMEM;
    r = emk_fido_new(&f->k, f->loop, &cfg, &ops, NULL);
    if (r < 0) {
        emk_loop_free(f->loop);
        f->loop = NULL;
    }
    return r;
}

static void fx_close(fx_key *f)
{
    emk_fido_free(f->k);
    if (f->loop)
        emk_loop_free(f->loop);
    f->k = NULL;
    f->loop = NULL;
}

#endif
