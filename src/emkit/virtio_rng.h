/*
 * emkit/virtio_rng.h - virtio entropy device (virtio 1.2 section 5.4):
 * one request queue whose device-writable buffers the device fills with
 * random bytes.  It is the smallest virtio device, and so the second
 * device that shows the virtio core (emkit/virtio.h) needs no copy of a
 * transport: put it behind emkit/virtio_pci.h or any other.
 */
#ifndef EMKIT_VIRTIO_RNG_H
#define EMKIT_VIRTIO_RNG_H

#include "emkit/virtio.h"

#ifdef __cplusplus
extern "C" {
#endif

enum emk_virtio_rng_limits {
    EMK_VIRTIO_RNG_QUEUE_SIZE = 64,
    EMK_VIRTIO_RNG_MAX_SEGS = 16,
    EMK_VIRTIO_RNG_MAX_REQUEST = 65536, /**< bytes filled per buffer at most */
    EMK_VIRTIO_RNG_CHUNK = 4096
};

/** Where the bytes come from: fills len bytes of buf and returns 0, or a
 *  negative errno.  Runs in the device loop. */
typedef int (*emk_virtio_rng_source)(void *opaque, void *buf, size_t len);

/** Options (zeroed: the host's /dev/urandom). */
typedef struct emk_virtio_rng_options {
    emk_virtio_rng_source source;
    void *opaque;
} emk_virtio_rng_options;

/** The device.  The virtio core first.  Caller-owned; private but vdev
 *  and the statistics. */
typedef struct emk_virtio_rng {
    emk_virtio vdev;
    emk_virtio_queue q[1];
    emk_virtio_rng_options opt;
    int fd;                      /**< /dev/urandom, or -1 */
    emk_sg_entry out_sg[EMK_VIRTIO_RNG_MAX_SEGS];
    emk_sg_entry in_sg[EMK_VIRTIO_RNG_MAX_SEGS];
    uint8_t chunk[EMK_VIRTIO_RNG_CHUNK];
    uint64_t stat_bytes;         /**< random bytes handed to the guest */
    uint64_t stat_requests;
    uint64_t stat_errors;        /**< requests answered with 0 bytes */
} emk_virtio_rng;

/** Initialises the device on bus, its work in loop (NULL: the bus's main
 *  loop).  0 or a negative errno (-ENOENT: no /dev/urandom; nothing to
 *  clean up). */
EMK_API int emk_virtio_rng_init(emk_virtio_rng *r, emk_bus *bus, emk_loop *loop,
                                const emk_virtio_rng_options *opts);

/** Releases what emk_virtio_rng_init took (the transport's cleanup comes
 *  first). */
EMK_API void emk_virtio_rng_cleanup(emk_virtio_rng *r);

#ifdef __cplusplus
}
#endif

#endif
