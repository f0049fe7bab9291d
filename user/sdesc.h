/*
 * sdesc.h - struct descriptors: one table per struct, the guest ABI's
 * layout computed from it (LP64 or ILP32, little- or big-endian), and from
 * the same table the conversion guest <-> host (host offsets come from
 * offsetof on the host's own struct) and the strace printer.
 */
#ifndef EMKIT_USER_SDESC_H
#define EMKIT_USER_SDESC_H

#include <stddef.h>
#include <stdint.h>

enum emk_uf_type {
    UF_PAD = 0,   /* guest padding of `count` bytes: zero, never printed */
    UF_U8, UF_S8, UF_U16, UF_S16, UF_U32, UF_S32, UF_U64, UF_S64,
    UF_ULONG, UF_LONG, UF_PTR,
    UF_STRUCT     /* nested: sub */
};

enum emk_uf_print {
    PR_DEC = 0, PR_HEX, PR_OCT, PR_FLAGS, PR_ENUM, PR_MODE, PR_DEV, PR_STR,
    PR_PTR, PR_HIDE, PR_CHARS /* char array printed as a quoted string */,
    PR_CUSTOM  /* the field's own printer */
};

enum emk_uf_flags {
    UFF_ABBR = 1,     /* printed in abbreviated (non-verbose) mode */
    UFF_NODEV = 2,    /* printed only when st_mode is not a device */
    UFF_DEVONLY = 4   /* printed only when st_mode is a device */
};

typedef struct emk_unames {
    uint64_t v;
    const char *name;
} emk_unames;

struct emk_ustruct;
struct emk_ubuf;

typedef struct emk_ufield {
    const char *name;
    uint8_t type, print;
    uint16_t count;        /* array elements (1 for a scalar) */
    uint16_t flags;        /* emk_uf_flags */
    uint16_t hoff, hsize;  /* host offset, host element size (0: not on host) */
    const emk_unames *names;
    const struct emk_ustruct *sub;
    void (*custom)(struct emk_ubuf *b, uint64_t v);   /* PR_CUSTOM */
} emk_ufield;

typedef struct emk_ustruct {
    const char *name;
    const emk_ufield *f;
    uint16_t nf;
    uint16_t hsize;        /* sizeof the host struct */
    uint16_t flags;        /* US_ABBREV */
    uint16_t galign;       /* guest alignment override (0: natural; 1: packed) */
} emk_ustruct;

enum { US_ABBREV = 1 };

typedef struct emk_uabi {
    const char *name;
    uint8_t long_size, ptr_size, u64_align, big_endian;
} emk_uabi;

extern const emk_uabi emk_uabi_rv64, emk_uabi_ilp32, emk_uabi_ilp32be, emk_uabi_lp64be;

enum { EMK_US_MAXF = 64 };

/* Guest layout: offsets of every field into offs (nf entries); returns
 * the size, and the alignment in *align. */
size_t emk_ustruct_layout(const emk_ustruct *s, const emk_uabi *abi, uint32_t *offs,
                          size_t *align);
/* Guest size only. */
size_t emk_ustruct_gsize(const emk_ustruct *s, const emk_uabi *abi);

/* Guest bytes g (gsize) -> host struct h (hsize bytes, zeroed first).
 * ptr maps a guest pointer field to a host value (NULL: copy as is);
 * returns 0 or the negative errno ptr returned. */
typedef int (*emk_uptr_fn)(void *ctx, uint64_t guest, uint64_t *host);
int emk_ustruct_to_host(const emk_ustruct *s, const emk_uabi *abi, const uint8_t *g,
                        void *h, emk_uptr_fn ptr, void *ctx);
/* Host struct -> guest bytes (every guest byte written, padding zero). */
void emk_ustruct_to_guest(const emk_ustruct *s, const emk_uabi *abi, const void *h,
                          uint8_t *g);

/* Reads the scalar field i of guest bytes g. */
uint64_t emk_ustruct_get(const emk_ustruct *s, const emk_uabi *abi, const uint8_t *g, int i);

/* A text buffer for trace lines. */
typedef struct emk_ubuf {
    char s[16384];
    size_t n;
} emk_ubuf;
void emk_ub_puts(emk_ubuf *b, const char *s);
void emk_ub_printf(emk_ubuf *b, const char *fmt, ...);
/* strace's quoted string of n bytes (at most max shown, then "..."). */
void emk_ub_quoted(emk_ubuf *b, const uint8_t *d, size_t n, size_t max, int more);
/* Flags: NAME|NAME|0x..., or "0" when v is 0 and no name is 0. */
void emk_ub_flags(emk_ubuf *b, const emk_unames *names, uint64_t v);
/* An enum value's name, or the number. */
void emk_ub_enum(emk_ubuf *b, const emk_unames *names, uint64_t v, const char *dflt_fmt);
/* strace's file mode: S_IFREG|0644 (with_type) or 0644. */
void emk_ub_mode(emk_ubuf *b, uint64_t mode, int with_type);

/* Prints guest struct bytes g as {field=value, ...}. */
void emk_ustruct_print(emk_ubuf *b, const emk_ustruct *s, const emk_uabi *abi,
                       const uint8_t *g, int verbose);

#endif
