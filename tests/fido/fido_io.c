/*
 * fido_io.c - the in-process transport between libfido2 and an emk_fido
 * (see fido_io.h).  Single-threaded: libfido2's calls run the key's loop.
 */
#include <stdio.h>
#include <string.h>

#include "fido_io.h"

static void send_report(void *opaque, const uint8_t report[EMK_FIDO_REPORT])
{
    fio_key *f = opaque;

    if (f->tail - f->head == FIO_QUEUE) {
        f->overflows++;
        return;
    }
    memcpy(f->q[f->tail % FIO_QUEUE], report, EMK_FIDO_REPORT);
    f->tail++;
}

static const emk_fido_ops ops = { send_report, NULL };

int fio_key_init(fio_key *f, const emk_fido_config *cfg)
{
    static const uint8_t seed[32] = "emkit fido test seed, fixed.....";
    emk_fido_config def;
    int err = 0, r;

    memset(f, 0, sizeof(*f));
    f->wait_cap_ns = (int64_t)60 * 1000000000;
    f->loop = emk_loop_new(NULL, &err);
    if (!f->loop)
        return err ? err : -ENOMEM;
    if (!cfg) {
        memset(&def, 0, sizeof(def));
        def.seed = seed;
        def.seed_len = sizeof(seed);
        cfg = &def;
    }
    r = emk_fido_new(&f->key, f->loop, cfg, &ops, f);
    if (r < 0) {
        emk_loop_free(f->loop);
        f->loop = NULL;
    }
    snprintf(f->path, sizeof(f->path), "emkit:%p", (void *)f);
    return r;
}

void fio_key_cleanup(fio_key *f)
{
    emk_fido_free(f->key);
    f->key = NULL;
    if (f->loop)
        emk_loop_free(f->loop);
    f->loop = NULL;
}

static void *io_open(const char *path)
{
    void *p = NULL;

    if (strncmp(path, "emkit:", 6) || sscanf(path + 6, "%p", &p) != 1)
        return NULL;
    return p;
}

static void io_close(void *handle)
{
    (void)handle;
}

/* libfido2 reads one report of len bytes, waiting up to ms (-1: forever,
 * capped here so that a key that never answers fails the test instead of
 * hanging it); -1 on timeout. */
static int io_read(void *handle, unsigned char *buf, size_t len, int ms)
{
    fio_key *f = handle;
    int64_t limit = ms < 0 ? f->wait_cap_ns : (int64_t)ms * 1000000;
    int64_t deadline = emk_loop_now(f->loop) + limit;

    if (len != EMK_FIDO_REPORT)
        return -1;
    while (f->head == f->tail) {
        int64_t left = deadline - emk_loop_now(f->loop);

        if (left <= 0)
            return -1;
        if (emk_loop_run_once(f->loop, left) < 0)
            return -1;
    }
    memcpy(buf, f->q[f->head % FIO_QUEUE], EMK_FIDO_REPORT);
    f->head++;
    f->reads++;
    return (int)len;
}

/* libfido2 writes a report ID byte (0) and the 64-byte report. */
static int io_write(void *handle, const unsigned char *buf, size_t len)
{
    fio_key *f = handle;

    if (emk_fido_hid_input(f->key, buf, len) < 0)
        return -1;
    f->writes++;
    /* run what the report started (timers due now, bottom halves) */
    emk_loop_run_once(f->loop, 0);
    return (int)len;
}

static const fido_dev_io_t io = { io_open, io_close, io_read, io_write };

int fio_open(fio_key *f, fido_dev_t *dev)
{
    int r = fido_dev_set_io_functions(dev, &io);

    if (r != FIDO_OK)
        return r;
    return fido_dev_open(dev, f->path);
}

fido_dev_t *fio_dev(fio_key *f)
{
    fido_dev_t *dev = fido_dev_new();

    if (dev && fio_open(f, dev) != FIDO_OK) {
        fido_dev_free(&dev);
        return NULL;
    }
    return dev;
}
