/*
 * emkit/block.h - block backends with asynchronous completion.
 *
 * Backends: "file:PATH" (pread/pwrite; flag EMK_BLK_DIRECT for O_DIRECT),
 * "ram:SIZE" (a RAM disk, SIZE such as 64M), "null:SIZE" (reads zeros,
 * writes vanish).  A request is a caller-owned emk_blk_req with an iovec
 * that may point straight into DMA-mapped guest memory (zero copy).
 *
 * Completion: emk_blk_submit returns at once; req->cb(req, ret) runs later
 * in req->loop (ret is 0 or a negative errno).  Requests past the end of
 * the backend are refused by emk_blk_submit with -ERANGE; a short transfer
 * inside it completes with -EIO, never silently.
 * File requests run on a shared worker pool, so a device thread never
 * blocks on a disk; RAM and null requests complete via a bottom half of
 * req->loop without a thread hop.
 *
 * Fault injection (tests): emk_blk_set_fault makes matching requests fail
 * with an errno or transfer fewer bytes.
 */
#ifndef EMKIT_BLOCK_H
#define EMKIT_BLOCK_H

#include <sys/uio.h>

#include "emkit/base.h"
#include "emkit/loop.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum emk_blk_op {
    EMK_BLK_READ = 0,
    EMK_BLK_WRITE = 1,
    EMK_BLK_FLUSH = 2,
    EMK_BLK_DISCARD = 3,
    EMK_BLK_WRITE_ZEROES = 4
} emk_blk_op;

enum emk_blk_flags {
    EMK_BLK_RDONLY = 1,   /**< refuse writes with -EROFS */
    EMK_BLK_DIRECT = 2,   /**< O_DIRECT for file backends */
    EMK_BLK_CREATE = 4,   /**< file: create/extend to the size in the spec */
    EMK_BLK_SYNC_POOL = 8 /**< RAM/null: complete through the pool too */
};

typedef struct emk_blk emk_blk;
typedef struct emk_blk_req emk_blk_req;

/** One request.  Fill op, offset, iov/iovcnt (READ/WRITE) or len
 *  (DISCARD/WRITE_ZEROES), cb, opaque and loop; then emk_blk_submit. */
struct emk_blk_req {
    emk_blk_op op;
    uint64_t offset;
    struct iovec *iov;
    int iovcnt;
    uint64_t len;
    void (*cb)(emk_blk_req *req, int ret);
    void *opaque;
    emk_loop *loop;
    /* private */
    emk_blk *blk;
    int ret;
    emk_bh bh;
    void *pool_link[3];
};

/** Fault injection: requests of op kinds in op_mask (1 << emk_blk_op)
 *  that overlap [offset, offset+len) fail with -err, or, if short_bytes is
 *  nonzero, transfer only short_bytes (a short transfer is reported as
 *  -EIO to the completion callback).  count limits how many requests are
 *  hit (0: all). */
typedef struct emk_blk_fault {
    unsigned op_mask;
    uint64_t offset;
    uint64_t len;
    int err;
    uint64_t short_bytes;
    unsigned count;
} emk_blk_fault;

/** A backend supplied by the host, e.g. the QEMU adapter's BlockBackend.
 *  submit starts a request (already validated: in range, writable) and
 *  returns 0, after which the backend calls emk_blk_complete(req, ret)
 *  exactly once from any thread; or it returns a negative errno and does
 *  not complete it.  close runs after every request has completed. */
typedef struct emk_blk_ops {
    const char *kind;
    int (*submit)(void *opaque, emk_blk_req *req);
    void (*close)(void *opaque);
} emk_blk_ops;

/** Wraps a host backend of `size` bytes (flags: EMK_BLK_RDONLY).  Its
 *  requests get the same validation, fault injection and completion in
 *  req->loop as the built-in ones; synchronous emk_blk_pread/pwrite are
 *  refused with -ENOTSUP.  Returns NULL and *err on failure. */
EMK_API emk_blk *emk_blk_new(const emk_blk_ops *ops, void *opaque, uint64_t size,
                     unsigned flags, int *err);
/** Completes a request of a host backend with 0 or a negative errno.
 *  Thread-safe; the callback then runs in req->loop. */
EMK_API void emk_blk_complete(emk_blk_req *req, int ret);

/** Opens a backend from a spec ("file:PATH[:SIZE]", "ram:SIZE",
 *  "null:SIZE").  Returns NULL and *err on failure. */
EMK_API emk_blk *emk_blk_open(const char *spec, unsigned flags, int *err);
/** Waits for in-flight requests, then closes. */
EMK_API void emk_blk_close(emk_blk *blk);
/** Size in bytes. */
EMK_API uint64_t emk_blk_size(const emk_blk *blk);
/** Backend kind: "file", "ram" or "null". */
EMK_API const char *emk_blk_kind(const emk_blk *blk);
/** 1 if the backend refuses writes (opened or made with EMK_BLK_RDONLY),
 *  else 0. */
EMK_API int emk_blk_readonly(const emk_blk *blk);
/** For the RAM backend, its memory (tests, zero-copy benchmarks); else NULL. */
EMK_API void *emk_blk_ram(emk_blk *blk);
/** Queues a request.  Returns 0 (cb will run) or a negative errno (bad
 *  range, read-only; cb will not run). */
EMK_API int emk_blk_submit(emk_blk *blk, emk_blk_req *req);
/** Synchronous helpers for tools and tests (not for device threads). */
EMK_API int emk_blk_pread(emk_blk *blk, uint64_t offset, void *buf, uint64_t len);
EMK_API int emk_blk_pwrite(emk_blk *blk, uint64_t offset, const void *buf,
                   uint64_t len);
/** Installs (or with NULL removes) a fault. */
EMK_API void emk_blk_set_fault(emk_blk *blk, const emk_blk_fault *fault);
/** Number of requests submitted and not yet completed. */
EMK_API unsigned emk_blk_inflight(const emk_blk *blk);

#ifdef __cplusplus
}
#endif

#endif
