/* block_int.h - private interface between the block core and backends. */
#ifndef EMKIT_BLOCK_INT_H
#define EMKIT_BLOCK_INT_H

#include <pthread.h>

#include "emkit/block.h"

typedef struct emk_blk_driver {
    const char *kind;
    /** Opens from the text after "kind:"; sets blk->size. */
    int (*open)(emk_blk *blk, const char *arg, unsigned flags);
    void (*close)(emk_blk *blk);
    /** Executes a request synchronously; 0 or -errno.  `limit` caps the
     *  bytes transferred (fault injection of short transfers). */
    int (*execute)(emk_blk *blk, emk_blk_req *req, uint64_t limit);
    int needs_pool; /**< 1: run execute on the worker pool */
} emk_blk_driver;

struct emk_blk {
    const emk_blk_driver *drv;
    uint64_t size;
    unsigned flags;
    int fd;            /* file backend */
    uint8_t *mem;      /* RAM backend */
    pthread_mutex_t lock;
    pthread_cond_t idle;
    unsigned inflight;
    emk_blk_fault fault;
    int fault_on;
    const emk_blk_ops *host;   /* host-supplied backend, or NULL */
    void *host_opaque;
};

extern const emk_blk_driver emk_blk_file_driver;
extern const emk_blk_driver emk_blk_ram_driver;
extern const emk_blk_driver emk_blk_null_driver;

/** Worker pool: runs fn(arg) on a pool thread. */
int emk_pool_submit(void (*fn)(void *arg), void *arg, void *link_storage);
/** Bytes described by an iovec. */
uint64_t emk_iov_size(const struct iovec *iov, int iovcnt);

#endif
