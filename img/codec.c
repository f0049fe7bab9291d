/*
 * codec.c - minimal encoders of zero streams (raw deflate, zlib, zstd) and
 * CRC-32C.  Nothing else is encoded, so these are tiny: a deflate stream of
 * zeros is a few literals, runs of length-258/distance-1 matches and an end
 * code, in whichever of a fixed or dynamic Huffman block is shorter.
 */
#include "emkit/img.h"

#include <errno.h>
#include <string.h>

typedef struct bitw {
    uint8_t *out;
    size_t cap, pos;    /* pos in bits */
    int overflow;
} bitw;

static void put_bits(bitw *w, uint32_t v, unsigned n)
{
    unsigned i;
    for (i = 0; i < n; i++) {
        size_t byte = w->pos >> 3;
        if (byte >= w->cap) {
            w->overflow = 1;
            return;
        }
        if ((w->pos & 7) == 0)
            w->out[byte] = 0;
        if ((v >> i) & 1u)
            w->out[byte] |= (uint8_t)(1u << (w->pos & 7));
        w->pos++;
    }
}

/* Huffman codes are sent most significant bit first. */
static void put_code(bitw *w, uint32_t code, unsigned len)
{
    unsigned i;
    for (i = 0; i < len; i++)
        put_bits(w, (code >> (len - 1 - i)) & 1u, 1);
}

/* Canonical codes (RFC 1951 3.2.2) for n symbols with lengths len[]. */
static void canon(const uint8_t *len, uint16_t *code, unsigned n)
{
    unsigned bl_count[16] = {0}, next[16] = {0}, i, c = 0, bits;
    for (i = 0; i < n; i++)
        bl_count[len[i]]++;
    bl_count[0] = 0;
    for (bits = 1; bits < 16; bits++) {
        c = (c + bl_count[bits - 1]) << 1;
        next[bits] = c;
    }
    for (i = 0; i < n; i++)
        code[i] = len[i] ? (uint16_t)next[len[i]]++ : 0;
}

/* Huffman code lengths for up to 19 used symbols (O(n^2) merge). Returns
 * the maximum depth.  A single used symbol gets length 1. */
static unsigned huff_lengths(const uint32_t *freq, uint8_t *len, unsigned n)
{
    uint64_t w[64];
    int parent[64], alive[64];
    unsigned nodes = 0, i, leaves[32], nl = 0, maxd = 0;
    int idx[32];
    for (i = 0; i < n; i++) {
        len[i] = 0;
        if (freq[i]) {
            idx[nl] = (int)nodes;
            leaves[nl++] = i;
            w[nodes] = freq[i];
            parent[nodes] = -1;
            alive[nodes] = 1;
            nodes++;
        }
    }
    if (nl == 1) {
        len[leaves[0]] = 1;
        return 1;
    }
    for (;;) {
        int a = -1, b = -1;
        unsigned k;
        for (k = 0; k < nodes; k++) {
            if (!alive[k])
                continue;
            if (a < 0 || w[k] < w[a]) {
                b = a;
                a = (int)k;
            } else if (b < 0 || w[k] < w[b]) {
                b = (int)k;
            }
        }
        if (b < 0)
            break;
        alive[a] = alive[b] = 0;
        w[nodes] = w[a] + w[b];
        parent[nodes] = -1;
        alive[nodes] = 1;
        parent[a] = parent[b] = (int)nodes;
        nodes++;
    }
    for (i = 0; i < nl; i++) {
        unsigned d = 0;
        int p = idx[i];
        while (parent[p] >= 0) {
            p = parent[p];
            d++;
        }
        len[leaves[i]] = (uint8_t)d;
        if (d > maxd)
            maxd = d;
    }
    return maxd;
}

static const uint16_t len_base[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17,
    19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2,
    2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};

static unsigned len_sym(unsigned l)
{
    unsigned i = 28;
    while (len_base[i] > l)
        i--;
    if (l == 258)
        return 28;
    if (i == 28)
        i = 27;
    return i;
}

typedef struct plan {
    uint32_t lits, m258, rem;   /* rem 0 or 3..257 */
} plan;

static void put_lit(bitw *w, unsigned sym, const uint16_t *code,
                    const uint8_t *len, int fixed)
{
    if (fixed) {
        if (sym < 144)
            put_code(w, 0x30 + sym, 8);
        else if (sym < 256)
            put_code(w, 0x190 + (sym - 144), 9);
        else if (sym < 280)
            put_code(w, sym - 256, 7);
        else
            put_code(w, 0xc0 + (sym - 280), 8);
    } else {
        put_code(w, code[sym], len[sym]);
    }
}

static void body(bitw *w, const plan *p, const uint16_t *code,
                 const uint8_t *len, int fixed, const uint16_t *dcode,
                 const uint8_t *dlen)
{
    uint32_t i;
    for (i = 0; i < p->lits; i++)
        put_lit(w, 0, code, len, fixed);
    for (i = 0; i < p->m258; i++) {
        put_lit(w, 285, code, len, fixed);
        if (fixed)
            put_code(w, 0, 5);
        else
            put_code(w, dcode[0], dlen[0]);
    }
    if (p->rem) {
        unsigned s = len_sym(p->rem);
        put_lit(w, 257 + s, code, len, fixed);
        put_bits(w, p->rem - len_base[s], len_extra[s]);
        if (fixed)
            put_code(w, 0, 5);
        else
            put_code(w, dcode[0], dlen[0]);
    }
    put_lit(w, 256, code, len, fixed);
}

static const uint8_t cl_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4,
                                     12, 3, 13, 2, 14, 1, 15};

/* Encodes one final dynamic-Huffman block.  Returns bits or -1. */
static long enc_dynamic(bitw *w, const plan *p)
{
    uint32_t freq[286] = {0};
    uint8_t len[286], dlen[1] = {1}, cls[320], cll[19];
    uint16_t code[286], dcode[1] = {0}, clc[19];
    uint32_t clfreq[19] = {0}, clx[320];
    unsigned hlit = 257, i, ncl = 0, hclen = 4, used = 0, syms[4], k;
    uint8_t all[287];
    size_t start = w->pos;

    freq[0] = p->lits;
    freq[256] = 1;
    freq[285] = p->m258;
    if (p->rem)
        freq[257 + len_sym(p->rem)] += 1;
    for (i = 0; i < 286; i++)
        if (freq[i])
            syms[used++] = i;
    {
        uint32_t f[4] = {0, 0, 0, 0};
        uint8_t l[4] = {0, 0, 0, 0};
        for (k = 0; k < used; k++)
            f[k] = freq[syms[k]];
        if (huff_lengths(f, l, used) > 15)
            return -1;
        memset(len, 0, sizeof(len));
        for (k = 0; k < used; k++)
            len[syms[k]] = l[k];
        if (used == 1)
            return -1;   /* an incomplete literal code is not allowed */
    }
    for (i = 0; i < 286; i++)
        if (len[i])
            hlit = i + 1 > hlit ? i + 1 : hlit;
    canon(len, code, 286);
    canon(dlen, dcode, 1);
    memcpy(all, len, hlit);
    all[hlit] = 1;
    /* run-length encode the hlit + 1 code lengths */
    for (i = 0; i < hlit + 1;) {
        unsigned run = 0;
        if (all[i] == 0) {
            while (i + run < hlit + 1 && all[i + run] == 0 && run < 138)
                run++;
            if (run >= 11) {
                cls[ncl] = 18;
                clx[ncl++] = run - 11;
                i += run;
                continue;
            }
            if (run >= 3) {
                cls[ncl] = 17;
                clx[ncl++] = run - 3;
                i += run;
                continue;
            }
        }
        cls[ncl] = all[i];
        clx[ncl++] = 0;
        i++;
    }
    for (i = 0; i < ncl; i++)
        clfreq[cls[i]]++;
    if (huff_lengths(clfreq, cll, 19) > 7)
        return -1;
    canon(cll, clc, 19);
    for (i = 0; i < 19; i++)
        if (cll[cl_order[i]])
            hclen = i + 1 > hclen ? i + 1 : hclen;
    put_bits(w, 1, 1);          /* BFINAL */
    put_bits(w, 2, 2);          /* dynamic */
    put_bits(w, hlit - 257, 5);
    put_bits(w, 0, 5);          /* one distance code */
    put_bits(w, hclen - 4, 4);
    for (i = 0; i < hclen; i++)
        put_bits(w, cll[cl_order[i]], 3);
    for (i = 0; i < ncl; i++) {
        put_code(w, clc[cls[i]], cll[cls[i]]);
        if (cls[i] == 17)
            put_bits(w, clx[i], 3);
        else if (cls[i] == 18)
            put_bits(w, clx[i], 7);
    }
    body(w, p, code, len, 0, dcode, dlen);
    return w->overflow ? -1 : (long)(w->pos - start);
}

static long enc_fixed(bitw *w, const plan *p)
{
    size_t start = w->pos;
    put_bits(w, 1, 1);
    put_bits(w, 1, 2);
    body(w, p, NULL, NULL, 1, NULL, NULL);
    return w->overflow ? -1 : (long)(w->pos - start);
}

int emk_img_deflate_zeros(uint8_t *out, size_t cap, uint32_t usize)
{
    uint8_t tmp[8192];
    long best = -1;
    plan bp = {0, 0, 0};
    int bfixed = 1;
    uint32_t lits;
    if (usize == 0) {
        bitw w = {out, cap, 0, 0};
        put_bits(&w, 1, 1);
        put_bits(&w, 1, 2);
        put_code(&w, 0, 7);
        return w.overflow ? -ENOSPC : (int)((w.pos + 7) / 8);
    }
    for (lits = 1; lits <= 6 && lits <= usize; lits++) {
        plan p;
        int fixed;
        uint32_t left = usize - lits;
        p.lits = lits;
        p.m258 = left / 258;
        p.rem = left % 258;
        if (left >= 3 && (p.rem == 1 || p.rem == 2))
            continue;
        if (left < 3) {
            p.lits = usize;
            p.m258 = 0;
            p.rem = 0;
        }
        for (fixed = 0; fixed <= 1; fixed++) {
            bitw w = {tmp, sizeof(tmp), 0, 0};
            long bits;
            if (!fixed && p.m258 == 0 && p.rem == 0)
                continue;
            bits = fixed ? enc_fixed(&w, &p) : enc_dynamic(&w, &p);
            if (bits > 0 && (best < 0 || bits < best)) {
                best = bits;
                bp = p;
                bfixed = fixed;
            }
        }
    }
    if (best < 0)
        return -ENOSPC;
    if ((size_t)(best + 7) / 8 > cap)
        return -ENOSPC;
    {
        bitw w = {out, cap, 0, 0};
        long bits = bfixed ? enc_fixed(&w, &bp) : enc_dynamic(&w, &bp);
        if (bits < 0)
            return -ENOSPC;
        return (int)((w.pos + 7) / 8);
    }
}

int emk_img_zlib_zeros(uint8_t *out, size_t cap, uint32_t usize)
{
    int n;
    uint32_t adler;
    if (cap < 6)
        return -ENOSPC;
    out[0] = 0x78;      /* deflate, 32K window */
    out[1] = 0x01;      /* (0x7801 % 31) == 0, no dictionary */
    n = emk_img_deflate_zeros(out + 2, cap - 6, usize);
    if (n < 0)
        return n;
    adler = ((usize % 65521u) << 16) | 1u;
    out[2 + n] = (uint8_t)(adler >> 24);
    out[3 + n] = (uint8_t)(adler >> 16);
    out[4 + n] = (uint8_t)(adler >> 8);
    out[5 + n] = (uint8_t)adler;
    return n + 6;
}

int emk_img_zstd_zeros(uint8_t *out, size_t cap, uint32_t usize)
{
    size_t pos = 0;
    uint32_t left = usize;
    enum { BLOCK_MAX = 128 * 1024 };
    if (cap < 4 + 1 + 4)
        return -ENOSPC;
    out[pos++] = 0x28;
    out[pos++] = 0xb5;
    out[pos++] = 0x2f;
    out[pos++] = 0xfd;
    if (usize < 256) {
        out[pos++] = 0x20;                 /* single segment, 1-byte size */
        out[pos++] = (uint8_t)usize;
    } else if (usize < 65536u + 256u) {
        uint32_t v = usize - 256;
        out[pos++] = 0x60;                 /* single segment, 2-byte size */
        out[pos++] = (uint8_t)v;
        out[pos++] = (uint8_t)(v >> 8);
    } else {
        if (cap < 9)
            return -ENOSPC;
        out[pos++] = 0xa0;                 /* single segment, 4-byte size */
        out[pos++] = (uint8_t)usize;
        out[pos++] = (uint8_t)(usize >> 8);
        out[pos++] = (uint8_t)(usize >> 16);
        out[pos++] = (uint8_t)(usize >> 24);
    }
    do {
        uint32_t n = left > BLOCK_MAX ? BLOCK_MAX : left;
        uint32_t hdr;
        left -= n;
        hdr = (left == 0 ? 1u : 0u) | (1u << 1) | (n << 3);  /* RLE block */
        if (pos + 4 > cap)
            return -ENOSPC;
        out[pos++] = (uint8_t)hdr;
        out[pos++] = (uint8_t)(hdr >> 8);
        out[pos++] = (uint8_t)(hdr >> 16);
        out[pos++] = 0;
    } while (left);
    return (int)pos;
}

uint32_t emk_img_crc32c(uint32_t crc, const void *buf, size_t len)
{
    static uint32_t table[256];
    static int ready;
    const uint8_t *p = buf;
    size_t i;
    if (!ready) {
        uint32_t n, k, c;
        for (n = 0; n < 256; n++) {
            c = n;
            for (k = 0; k < 8; k++)
                c = (c & 1) ? 0x82f63b78u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        ready = 1;
    }
    crc = ~crc;
    for (i = 0; i < len; i++)
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}
