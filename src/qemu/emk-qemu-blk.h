/*
 * emk-qemu-blk.h - a QEMU BlockBackend as an emkit block backend
 * (blk.c; private to the adapter).
 */
#ifndef EMKIT_QEMU_BLK_H
#define EMKIT_QEMU_BLK_H

#include "hw/block/block.h"
#include "sysemu/iothread.h"

#include "emkit/block.h"

typedef struct EmkQemuBlk EmkQemuBlk;

/** Wraps the drive in conf (a `drive=` property, already set) as an emkit
 *  block backend: permissions and write cache from conf
 *  (blkconf_apply_backend_options), size from blk_getlength, read-only
 *  drives as EMK_BLK_RDONLY.  With iothread non-NULL the drive is moved
 *  into that QEMU IOThread's AioContext, where the requests are then
 *  issued and completed (moved back to the main loop when the backend is
 *  closed).  Call with the BQL (realize).  Returns the
 *  backend (close it with emk_blk_close after emk_qemu_blk_quiesce) and
 *  *out, or NULL with errp set; `what` names the property in errors. */
emk_blk *emk_qemu_blk_open(BlockConf *conf, IOThread *iothread,
                           const char *what, EmkQemuBlk **out, Error **errp);

/** Main thread, BQL: from now on new requests fail with -EIO; issues the
 *  queued ones and drains the BlockBackend, so every request has been
 *  handed back to emkit (emk_blk_complete) when it returns.  Call before
 *  tearing down the device that uses the backend.  NULL is a no-op. */
void emk_qemu_blk_quiesce(EmkQemuBlk *b);

/** Requests issued to QEMU so far and bottom-half batches they came in. */
void emk_qemu_blk_stats(EmkQemuBlk *b, uint64_t *issued, uint64_t *batches);

#endif
