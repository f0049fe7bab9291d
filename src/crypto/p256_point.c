/*
 * p256_point.c - the group of P-256 points in homogeneous projective
 * coordinates, with the complete formulas for a = -3 of Renes, Costello
 * and Batina, "Complete addition formulas for prime order elliptic
 * curves" (EUROCRYPT 2016), algorithms 4 (addition) and 6 (doubling):
 * one code path for every input, the point at infinity (0:1:0) included,
 * so scalar multiplication never branches on the points it meets.
 *
 * k*P uses a fixed 4-bit window over a table of 0P..15P; k*G uses 64
 * precomputed affine tables of j * 16^w * G (built once, on first use)
 * and only mixed additions (algorithm 5), the sum kept by mask when the
 * digit is not 0.  Every table lookup reads all entries and keeps one by mask.
 */
#include "p256_int.h"

#include <pthread.h>
#include <string.h>

#define fe_mul emk_p256_fe_mul
#define fe_add emk_p256_fe_add
#define fe_sub emk_p256_fe_sub

void emk_p256_pt_inf(emk_p256_pt *r)
{
    memset(r, 0, sizeof(*r));
    memcpy(r->y, emk_p256_fe_one, sizeof(r->y));
}

/* The common tail of algorithm 4, from step 19: t0 = X1X2, t1 = Y1Y2,
 * t2 = Z1Z2, t3 = X1Y2 + X2Y1, t4 = Y1Z2 + Y2Z1, y3 = X1Z2 + X2Z1. */
static void add_tail(emk_p256_pt *r, uint64_t t0[4], uint64_t t1[4],
                     uint64_t t2[4], const uint64_t t3[4], const uint64_t t4[4],
                     uint64_t y3[4])
{
    const uint64_t *b = emk_p256_fe_b;
    uint64_t x3[4], z3[4];

    fe_mul(z3, b, t2);
    fe_sub(x3, y3, z3);
    fe_add(z3, x3, x3);
    fe_add(x3, x3, z3);
    fe_sub(z3, t1, x3);
    fe_add(x3, t1, x3);
    fe_mul(y3, b, y3);
    fe_add(t1, t2, t2);
    fe_add(t2, t1, t2);
    fe_sub(y3, y3, t2);
    fe_sub(y3, y3, t0);
    fe_add(t1, y3, y3);
    fe_add(y3, t1, y3);
    fe_add(t1, t0, t0);
    fe_add(t0, t1, t0);
    fe_sub(t0, t0, t2);
    fe_mul(t1, t4, y3);
    fe_mul(t2, t0, y3);
    fe_mul(y3, x3, z3);
    fe_add(y3, y3, t2);
    fe_mul(x3, t3, x3);
    fe_sub(x3, x3, t1);
    fe_mul(z3, t4, z3);
    fe_mul(t1, t3, t0);
    fe_add(z3, z3, t1);
    memcpy(r->x, x3, sizeof(x3));
    memcpy(r->y, y3, sizeof(r->y));
    memcpy(r->z, z3, sizeof(z3));
}

void emk_p256_pt_add(emk_p256_pt *r, const emk_p256_pt *p, const emk_p256_pt *q)
{
    uint64_t t0[4], t1[4], t2[4], t3[4], t4[4], x3[4], y3[4];

    fe_mul(t0, p->x, q->x);
    fe_mul(t1, p->y, q->y);
    fe_mul(t2, p->z, q->z);
    fe_add(t3, p->x, p->y);
    fe_add(t4, q->x, q->y);
    fe_mul(t3, t3, t4);
    fe_add(t4, t0, t1);
    fe_sub(t3, t3, t4);
    fe_add(t4, p->y, p->z);
    fe_add(x3, q->y, q->z);
    fe_mul(t4, t4, x3);
    fe_add(x3, t1, t2);
    fe_sub(t4, t4, x3);
    fe_add(x3, p->x, p->z);
    fe_add(y3, q->x, q->z);
    fe_mul(x3, x3, y3);
    fe_add(y3, t0, t2);
    fe_sub(y3, x3, y3);
    add_tail(r, t0, t1, t2, t3, t4, y3);
}

/* r = p + (qx, qy) with the second point affine (Z2 = 1, never infinity):
 * algorithm 4 with Z2 = 1 substituted, which is the paper's algorithm 5. */
static void pt_add_affine(emk_p256_pt *r, const emk_p256_pt *p,
                          const uint64_t qx[4], const uint64_t qy[4])
{
    uint64_t t0[4], t1[4], t2[4], t3[4], t4[4], y3[4];

    fe_mul(t0, p->x, qx);
    fe_mul(t1, p->y, qy);
    memcpy(t2, p->z, sizeof(t2));
    fe_add(t3, p->x, p->y);
    fe_add(t4, qx, qy);
    fe_mul(t3, t3, t4);
    fe_add(t4, t0, t1);
    fe_sub(t3, t3, t4);
    fe_mul(t4, qy, p->z);
    fe_add(t4, t4, p->y);
    fe_mul(y3, qx, p->z);
    fe_add(y3, y3, p->x);
    add_tail(r, t0, t1, t2, t3, t4, y3);
}

void emk_p256_pt_dbl(emk_p256_pt *r, const emk_p256_pt *p)
{
    const uint64_t *b = emk_p256_fe_b;
    uint64_t t0[4], t1[4], t2[4], t3[4], x3[4], y3[4], z3[4];

    fe_mul(t0, p->x, p->x);
    fe_mul(t1, p->y, p->y);
    fe_mul(t2, p->z, p->z);
    fe_mul(t3, p->x, p->y);
    fe_add(t3, t3, t3);
    fe_mul(z3, p->x, p->z);
    fe_add(z3, z3, z3);
    fe_mul(y3, b, t2);
    fe_sub(y3, y3, z3);
    fe_add(x3, y3, y3);
    fe_add(y3, x3, y3);
    fe_sub(x3, t1, y3);
    fe_add(y3, t1, y3);
    fe_mul(y3, x3, y3);
    fe_mul(x3, x3, t3);
    fe_add(t3, t2, t2);
    fe_add(t2, t2, t3);
    fe_mul(z3, b, z3);
    fe_sub(z3, z3, t2);
    fe_sub(z3, z3, t0);
    fe_add(t3, z3, z3);
    fe_add(z3, z3, t3);
    fe_add(t3, t0, t0);
    fe_add(t0, t3, t0);
    fe_sub(t0, t0, t2);
    fe_mul(t0, t0, z3);
    fe_add(y3, y3, t0);
    fe_mul(t0, p->y, p->z);
    fe_add(t0, t0, t0);
    fe_mul(z3, t0, z3);
    fe_sub(x3, x3, z3);
    fe_mul(z3, t0, t1);
    fe_add(z3, z3, z3);
    fe_add(z3, z3, z3);
    memcpy(r->x, x3, sizeof(x3));
    memcpy(r->y, y3, sizeof(y3));
    memcpy(r->z, z3, sizeof(z3));
}

/* r = mask ? a : r */
static void pt_cmov(emk_p256_pt *r, const emk_p256_pt *a, uint64_t mask)
{
    emk_cmov4(r->x, a->x, mask);
    emk_cmov4(r->y, a->y, mask);
    emk_cmov4(r->z, a->z, mask);
}

/* r = tab[d - first] when first <= d < first + n, else r unchanged; reads
 * every entry. */
static void pt_lookup(emk_p256_pt *r, const emk_p256_pt *tab, unsigned n,
                      unsigned first, uint64_t d)
{
    unsigned j;
    for (j = 0; j < n; j++) {
        uint64_t x = (uint64_t)(j + first) ^ d;
        pt_cmov(r, &tab[j], 0 - ((x - 1) >> 63)); /* x == 0 */
    }
}

static uint64_t nibble(const uint64_t k[4], unsigned i)
{
    return (k[i / 16] >> (4 * (i % 16))) & 15;
}

void emk_p256_pt_mul(emk_p256_pt *r, const emk_p256_pt *p, const uint64_t k[4])
{
    emk_p256_pt tab[16], acc, t;
    int i;

    emk_p256_pt_inf(&tab[0]);
    tab[1] = *p;
    for (i = 2; i < 16; i++) {
        if (i % 2 == 0)
            emk_p256_pt_dbl(&tab[i], &tab[i / 2]);
        else
            emk_p256_pt_add(&tab[i], &tab[i - 1], p);
    }
    emk_p256_pt_inf(&acc);
    for (i = 63; i >= 0; i--) {
        if (i != 63) {
            emk_p256_pt_dbl(&acc, &acc);
            emk_p256_pt_dbl(&acc, &acc);
            emk_p256_pt_dbl(&acc, &acc);
            emk_p256_pt_dbl(&acc, &acc);
        }
        emk_p256_pt_inf(&t);
        pt_lookup(&t, tab, 16, 0, nibble(k, (unsigned)i));
        emk_p256_pt_add(&acc, &acc, &t);
    }
    *r = acc;
    emk_ct_wipe(tab, sizeof(tab));
}

/* base_tab[w][j] = (j + 1) * 16^w * G, affine (x, y) in Montgomery form */
typedef struct affine {
    uint64_t x[4], y[4];
} affine;
static affine base_tab[64][15];
static pthread_once_t base_once = PTHREAD_ONCE_INIT;

static void base_init(void)
{
    /* G in Montgomery form */
    static const emk_p256_pt g = {
        {0x79e730d418a9143cull, 0x75ba95fc5fedb601ull, 0x79fb732b77622510ull,
         0x18905f76a53755c6ull},
        {0xddf25357ce95560aull, 0x8b4ab8e4ba19e45cull, 0xd2e88688dd21f325ull,
         0x8571ff1825885d85ull},
        {0x0000000000000001ull, 0xffffffff00000000ull, 0xffffffffffffffffull,
         0x00000000fffffffeull}};
    emk_p256_pt pw = g, t;
    unsigned w, j;
    for (w = 0; w < 64; w++) {
        t = pw;
        for (j = 0; j < 15; j++) {
            (void)emk_p256_pt_affine(base_tab[w][j].x, base_tab[w][j].y, &t);
            emk_p256_pt_add(&t, &t, &pw);
        }
        pw = t; /* 16 * pw */
    }
}

void emk_p256_pt_mul_base(emk_p256_pt *r, const uint64_t k[4])
{
    emk_p256_pt acc, sum;
    unsigned w, j;
    pthread_once(&base_once, base_init);
    emk_p256_pt_inf(&acc);
    for (w = 0; w < 64; w++) {
        uint64_t d = nibble(k, w), x[4], y[4];
        /* entry d - 1, or entry 0 when d = 0 (then the sum is dropped) */
        memcpy(x, base_tab[w][0].x, sizeof(x));
        memcpy(y, base_tab[w][0].y, sizeof(y));
        for (j = 1; j < 15; j++) {
            uint64_t m = 0 - ((((uint64_t)(j + 1) ^ d) - 1) >> 63);
            emk_cmov4(x, base_tab[w][j].x, m);
            emk_cmov4(y, base_tab[w][j].y, m);
        }
        pt_add_affine(&sum, &acc, x, y);
        pt_cmov(&acc, &sum, ((d - 1) >> 63) - 1); /* d != 0 */
    }
    *r = acc;
}

uint64_t emk_p256_pt_affine(uint64_t x[4], uint64_t y[4], const emk_p256_pt *p)
{
    uint64_t zi[4];
    emk_p256_fe_inv(zi, p->z);
    fe_mul(x, p->x, zi);
    fe_mul(y, p->y, zi);
    return ~emk_iszero4(p->z);
}

void emk_p256_pt_from_pub(emk_p256_pt *r, const emk_p256_pub *pub)
{
    (void)emk_p256_fe_from_bytes(r->x, pub->x);
    (void)emk_p256_fe_from_bytes(r->y, pub->y);
    memcpy(r->z, emk_p256_fe_one, sizeof(r->z));
}
