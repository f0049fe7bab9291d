/*
 * img_test_util.h - helpers shared by the img cmocka tests: big- and
 * little-endian stores, whole-file read/write, a substring search and the
 * hand-built qcow2 image.  Include after cmocka.h.
 */
#ifndef EMK_IMG_TEST_UTIL_H
#define EMK_IMG_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a hand-built qcow2 v3 image, 64 KiB clusters, 16-bit refcounts:
 * cluster 0 header, 1 refcount table, 2 refcount block, 3 L1, 4 L2,
 * 5 data (guest cluster 0), 6 leaked data (refcount 1, unreferenced),
 * 7 compressed data (guest cluster 1). */
enum { CS = 65536, NCL = 8 };

static inline void be64(uint8_t *p, uint64_t v)
{
    int i;
    for (i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}
static inline void be32(uint8_t *p, uint32_t v)
{
    int i;
    for (i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static inline void le32(uint8_t *p, uint32_t v)
{
    int i;
    for (i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline void le64(uint8_t *p, uint64_t v)
{
    int i;
    for (i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint8_t *build_image(void)
{
    uint8_t *img = calloc(NCL, CS);
    int i;
    assert_non_null(img);
    memcpy(img, "QFI\xfb", 4);
    be32(img + 4, 3);
    be32(img + 20, 16);                 /* cluster_bits */
    be64(img + 24, 1 << 20);            /* 1 MiB virtual */
    be32(img + 36, 1);                  /* l1_size */
    be64(img + 40, 3 * CS);             /* l1 */
    be64(img + 48, 1 * CS);             /* refcount table */
    be32(img + 56, 1);
    be32(img + 96, 4);                  /* refcount_order */
    be32(img + 100, 112);               /* header_length */
    be64(img + CS, 2 * CS);             /* refcount block */
    for (i = 0; i < NCL; i++)
        img[2 * CS + 2 * i + 1] = 1;
    be64(img + 3 * CS, (1ULL << 63) | 4 * CS);
    be64(img + 4 * CS, (1ULL << 63) | 5 * CS);
    /* compressed: offset 7*CS, one 512-byte sector: shift 62-8 = 54 */
    be64(img + 4 * CS + 8, (1ULL << 62) | (7ULL * CS));
    memcpy(img + 5 * CS + 100, "EMKSECRET", 9);
    memcpy(img + 6 * CS + 5, "EMKSECRET", 9);
    memcpy(img + 7 * CS, "EMKSECRET", 9);
    return img;
}

static inline void write_file(const char *path, const uint8_t *img, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(img, 1, len, f), len);
    fclose(f);
}

static inline uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *b;
    long n;
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

static inline int contains(const uint8_t *b, size_t n, const char *s)
{
    size_t k = strlen(s), i;
    for (i = 0; i + k <= n; i++)
        if (memcmp(b + i, s, k) == 0)
            return 1;
    return 0;
}

#endif
