/* Address traces for the cache model: Dinero "din" text and a binary
 * format.  Streaming parser, no allocation. */
#ifndef EMK_PLUGIN_CACHE_TRACE_H
#define EMK_PLUGIN_CACHE_TRACE_H

#include <stddef.h>
#include <stdint.h>

/** Trace formats. */
enum emk_trace_format {
    EMK_TRACE_DIN = 0,    /* text: "label hexaddr [size [cpu]]" per line */
    EMK_TRACE_BINARY = 1  /* "EMKTRC1\0" then 16-byte little-endian records */
};

enum {
    EMK_TRACE_BIN_MAGIC_LEN = 8,
    EMK_TRACE_BIN_REC = 16,      /* u64 addr, u32 size, u8 kind, u8 cpu, u16 0 */
    EMK_TRACE_MAX_LINE = 256,
    EMK_TRACE_MAX_SIZE = 4096    /* largest access size accepted */
};

/** Din labels (Dinero III/IV). */
enum emk_trace_din_label {
    EMK_DIN_READ = 0,
    EMK_DIN_WRITE = 1,
    EMK_DIN_IFETCH = 2,
    EMK_DIN_ESCAPE = 3,
    EMK_DIN_FLUSH = 4
};

/** One access: kind is enum emk_cache_kind. */
struct emk_trace_rec {
    uint64_t addr;
    uint32_t size;
    uint8_t kind;
    uint8_t cpu;
};

/** Called per record; a negative return stops parsing with that error. */
typedef int (*emk_trace_cb)(void *ctx, const struct emk_trace_rec *r);

/** Parser state; caller-owned. */
struct emk_trace_parser {
    int format;
    uint32_t default_size;
    uint64_t line;       /* din: current line number (1-based) */
    uint64_t offset;     /* bytes consumed so far */
    uint64_t records;
    size_t carry_len;
    unsigned char carry[EMK_TRACE_MAX_LINE + EMK_TRACE_BIN_REC];
    int header_done;
    int error;           /* sticky */
    char msg[160];       /* message for the first error, naming line/offset */
};

/** Start parsing @format; din records without a size get @default_size. */
void emk_trace_init(struct emk_trace_parser *p, int format, uint32_t default_size);

/** Guess the format from the first bytes: binary if they hold the magic. */
int emk_trace_detect(const void *buf, size_t len);

/** Feed @len bytes; calls @cb per record.  0, or a sticky negative errno. */
int emk_trace_feed(struct emk_trace_parser *p, const void *buf, size_t len,
                   emk_trace_cb cb, void *ctx);

/** End of input: parses a final unterminated line; rejects a partial record. */
int emk_trace_finish(struct emk_trace_parser *p, emk_trace_cb cb, void *ctx);

/** Encode @r as one binary record into @out (16 bytes). */
void emk_trace_encode(const struct emk_trace_rec *r, unsigned char out[16]);

/** The 8-byte binary magic. */
extern const unsigned char emk_trace_magic[EMK_TRACE_BIN_MAGIC_LEN];

#endif
