/* snd_int.h - private to hw/virtio-snd/: little-endian field access and
 * the entry points the device's files give each other.  Everything runs
 * in the device loop. */
#ifndef EMKIT_SND_INT_H
#define EMKIT_SND_INT_H

#include "emkit/virtio_snd.h"
#include "trace_int.h"

/* little-endian fields: emk_le32, emk_st_le32, emk_st_le64 (compat.h) */

/* config.c: the configuration's items as wire structures */
void emk_snd_jack_info(const emk_virtio_snd *s, unsigned id, uint8_t *out);
void emk_snd_pcm_info(const emk_virtio_snd *s, unsigned id, uint8_t *out);
void emk_snd_chmap_info(const emk_virtio_snd *s, unsigned id, uint8_t *out);

/* ctrl.c: the control queue */
void emk_snd_ctrl_notify(emk_virtio_snd *s);
uint32_t emk_snd_jack_remap(emk_virtio_snd *s, const uint8_t *req, uint64_t len);

/* pcm.c: the stream state machine; each returns a status code */
uint32_t emk_snd_pcm_set_params(emk_virtio_snd_stream *st, const uint8_t *req);
uint32_t emk_snd_pcm_prepare(emk_virtio_snd_stream *st);
uint32_t emk_snd_pcm_release(emk_virtio_snd_stream *st);
uint32_t emk_snd_pcm_start(emk_virtio_snd_stream *st);
uint32_t emk_snd_pcm_stop(emk_virtio_snd_stream *st);
void emk_snd_pcm_reset(emk_virtio_snd_stream *st);
/* frames of st's parameters in bytes; ns of frames */
uint32_t emk_snd_frame_bytes(const emk_virtio_snd_stream *st);
int64_t emk_snd_frames_ns(const emk_virtio_snd_stream *st, uint64_t frames);

/* io.c: tx/rx messages */
void emk_snd_io_notify(emk_virtio_snd *s, unsigned q);
/* Moves the head message's frames between guest and backend, completes
 * it (status OK unless the transfer failed) and takes it off the FIFO;
 * late_ns (how long after its due time) goes into the trace. */
void emk_snd_io_play_head(emk_virtio_snd_stream *st, int64_t late_ns);
/* Completes every held message of st with status, without frames. */
void emk_snd_io_flush(emk_virtio_snd_stream *st, uint32_t status);
/* Forgets the messages of queue q (the ring is being reset). */
void emk_snd_io_forget(emk_virtio_snd *s, unsigned q);
/* Rebuilds both free lists (device reset, init). */
void emk_snd_io_reset(emk_virtio_snd *s);
unsigned emk_snd_io_queue(const emk_virtio_snd_stream *st);

/* event.c: the event queue */
void emk_snd_event_push(emk_virtio_snd *s, uint32_t code, uint32_t data);
void emk_snd_event_deliver(emk_virtio_snd *s);
void emk_snd_event_reset(emk_virtio_snd *s);

/* pace.c: completion on the loop's clock */
void emk_snd_pace_start(emk_virtio_snd_stream *st);
void emk_snd_pace_stop(emk_virtio_snd_stream *st);
/* A message joined st's FIFO. */
void emk_snd_pace_held(emk_virtio_snd_stream *st);
void emk_snd_pace_init(emk_virtio_snd_stream *st);

#endif
