/*
 * fido_io.h - libfido2 drives an in-process emk_fido: a fido_dev_io_t whose
 * write feeds emk_fido_hid_input and whose read takes the key's input
 * reports from a FIFO, running the key's loop (host clock) while it waits.
 * The tests then call libfido2's public API (fido_dev_make_cred, ...)
 * exactly as against a physical key.
 */
#ifndef EMKIT_TESTS_FIDO_IO_H
#define EMKIT_TESTS_FIDO_IO_H

#include <fido.h>

#include "emkit/fido.h"

enum { FIO_QUEUE = 256 };              /* reports; a longest reply is 129 */

typedef struct fio_key {
    emk_loop *loop;
    emk_fido *key;
    uint8_t q[FIO_QUEUE][EMK_FIDO_REPORT];
    unsigned head, tail;
    unsigned overflows;                /* reports lost because q was full */
    unsigned writes, reads;            /* reports each way */
    int64_t wait_cap_ns;               /* longest read wait (ms < 0); 60 s */
    char path[64];
} fio_key;

/** Creates the loop and the key with cfg (NULL: in-memory, UP always,
 *  a fixed seed).  Returns 0 or a negative errno. */
int fio_key_init(fio_key *f, const emk_fido_config *cfg);
/** Frees the key and its loop. */
void fio_key_cleanup(fio_key *f);
/** Points dev's I/O at f and opens it (fido_dev_open's result). */
int fio_open(fio_key *f, fido_dev_t *dev);
/** A new fido_dev_t opened on f, or NULL. */
fido_dev_t *fio_dev(fio_key *f);

#endif
