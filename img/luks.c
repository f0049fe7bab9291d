/*
 * luks.c - opens a qcow2 LUKS header with a passphrase (PBKDF2-SHA256,
 * AES-XTS-plain64 key material, AF-merge with SHA-256 diffusion, master key
 * digest check) and produces encrypted sectors of zeros, so an anonymized
 * image reads as zeros through the key.
 */
#include "emkit/img.h"
#include "img_priv.h"
#include "img_crypto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { LUKS_SLOTS = 8, LUKS_ACTIVE = 0x00ac71f3, LUKS_MAX_STRIPES = 65536 };

/* AF diffusion: every 32-byte chunk i becomes SHA-256(be32(i) || chunk). */
static void diffuse(uint8_t *buf, size_t len)
{
    size_t i, n = (len + 31) / 32;
    for (i = 0; i < n; i++) {
        emk_sha256_ctx s;
        uint8_t iv[4], d[32];
        size_t k = len - i * 32 < 32 ? len - i * 32 : 32;
        iv[0] = (uint8_t)(i >> 24);
        iv[1] = (uint8_t)(i >> 16);
        iv[2] = (uint8_t)(i >> 8);
        iv[3] = (uint8_t)i;
        emk_sha256_init(&s);
        emk_sha256_update(&s, iv, 4);
        emk_sha256_update(&s, buf + i * 32, k);
        emk_sha256_final(&s, d);
        memcpy(buf + i * 32, d, k);
    }
}

static int set_keys(emk_img_ctx *c, const uint8_t *key, uint32_t kb)
{
    emk_aes *k = (emk_aes *)c->luks_aes;
    if (emk_aes_setkey(&k[0], key, kb / 2) < 0 ||
        emk_aes_setkey(&k[1], key + kb / 2, kb / 2) < 0)
        return -EINVAL;
    return 0;
}

/* Legacy qcow2 AES: the key is the passphrase, cut or zero-padded to 16
 * bytes (there is nothing to check it against). */
static int legacy_unlock(emk_img_ctx *c, const char *secret, size_t slen)
{
    uint8_t key[16];
    memset(key, 0, sizeof(key));
    memcpy(key, secret, slen < 16 ? slen : 16);
    if (emk_aes_setkey((emk_aes *)c->luks_aes, key, 16) < 0)
        return emk_img_fail(c, -EINVAL, "AES: bad key");
    if (!c->guest_of)
        return emk_img_fail(c, -EINVAL, "legacy AES: no data map");
    c->have_key = 2;
    return 0;
}

int emk_img_luks_unlock(emk_img_ctx *c, const char *secret, size_t slen)
{
    uint8_t h[592], mk[64], digest[20];
    uint32_t kb, mk_iter, s;
    int r;
    if (sizeof(c->luks_aes) < 2 * sizeof(emk_aes))
        return emk_img_fail(c, -EINVAL, "internal: AES key space");
    if (c->encrypted == 1)
        return legacy_unlock(c, secret, slen);
    if (!c->luks_len)
        return emk_img_fail(c, -EINVAL, "the image has no LUKS header");
    r = emk_img_pread(c, h, sizeof(h), c->luks_off, "LUKS header");
    if (r < 0)
        return r;
    if (memcmp(h, "LUKS\xba\xbe", 6) != 0 || emk_be16(h + 6) != 1)
        return emk_img_fail(c, -EINVAL, "LUKS header at offset %llu has no "
                            "LUKS1 signature", (unsigned long long)c->luks_off);
    kb = emk_be32(h + 108);
    if (strcmp((const char *)h + 8, "aes") != 0 ||
        strcmp((const char *)h + 40, "xts-plain64") != 0 ||
        strcmp((const char *)h + 72, "sha256") != 0 || (kb != 32 && kb != 64))
        return emk_img_fail(c, -ENOTSUP, "LUKS cipher %.32s-%.32s with %.32s "
                            "and %u-byte keys is not supported (only "
                            "aes-xts-plain64, sha256)", (const char *)h + 8,
                            (const char *)h + 40, (const char *)h + 72, kb);
    mk_iter = emk_be32(h + 164);
    for (s = 0; s < LUKS_SLOTS; s++) {
        const uint8_t *k = h + 208 + 48 * s;
        uint32_t iters = emk_be32(k + 4), kmo = emk_be32(k + 40);
        uint32_t stripes = emk_be32(k + 44), i;
        uint8_t derived[64], *km;
        size_t kmlen;
        uint64_t off;
        if (emk_be32(k) != LUKS_ACTIVE)
            continue;
        if (stripes == 0 || stripes > LUKS_MAX_STRIPES || iters == 0)
            return emk_img_fail(c, -EINVAL, "LUKS key slot %u: bad stripes "
                                "%u or iterations %u", s, stripes, iters);
        kmlen = (size_t)kb * stripes;
        off = c->luks_off + (uint64_t)kmo * 512;
        if (off + kmlen > c->luks_off + c->luks_len)
            return emk_img_fail(c, -EINVAL, "LUKS key slot %u: key material "
                                "at sector %u is outside the header", s, kmo);
        emk_pbkdf2_sha256((const uint8_t *)secret, slen, k + 8, 32, iters,
                          derived, kb);
        km = malloc(kmlen);
        if (!km)
            return emk_img_fail(c, -ENOMEM, "out of memory (LUKS)");
        r = emk_img_pread(c, km, kmlen, off, "LUKS key material");
        if (r < 0) {
            free(km);
            return r;
        }
        if (set_keys(c, derived, kb) < 0) {
            free(km);
            return emk_img_fail(c, -EINVAL, "LUKS: bad key size");
        }
        for (i = 0; i * 512 < kmlen; i++) {
            size_t n = kmlen - i * 512 < 512 ? kmlen - i * 512 : 512;
            emk_xts_sector((emk_aes *)c->luks_aes, (emk_aes *)c->luks_aes + 1, i,
                           km + i * 512, km + i * 512, n, 1);
        }
        /* AF-merge */
        memset(mk, 0, sizeof(mk));
        for (i = 0; i + 1 < stripes; i++) {
            uint32_t j;
            for (j = 0; j < kb; j++)
                mk[j] ^= km[(size_t)i * kb + j];
            diffuse(mk, kb);
        }
        {
            uint32_t j;
            for (j = 0; j < kb; j++)
                mk[j] ^= km[(size_t)(stripes - 1) * kb + j];
        }
        free(km);
        emk_pbkdf2_sha256(mk, kb, h + 132, 32, mk_iter, digest, 20);
        if (memcmp(digest, h + 112, 20) == 0) {
            if (set_keys(c, mk, kb) < 0)
                return emk_img_fail(c, -EINVAL, "LUKS: bad key size");
            c->have_key = 1;
            return 0;
        }
    }
    return emk_img_fail(c, -EACCES, "the secret opens no LUKS key slot");
}

void emk_img_luks_zeros(const emk_img_ctx *c, uint64_t off, uint8_t *buf,
                        size_t len)
{
    size_t i;
    if (c->have_key == 2) {
        /* CBC of zeros: C0 = E(IV), Ck = E(Ck-1); IV = plain64(sector) */
        for (i = 0; i + 512 <= len; i += 512) {
            uint64_t unit = (off + i) / c->unit, g = c->guest_of[unit], sec;
            uint8_t iv[16];
            size_t k;
            int b;
            if (!g)
                continue;   /* not a data cluster: plain zeros */
            sec = (g - 1 + (off + i) % c->unit) / 512;
            memset(iv, 0, sizeof(iv));
            for (b = 0; b < 8; b++)
                iv[b] = (uint8_t)(sec >> (8 * b));
            for (k = 0; k < 512; k += 16) {
                emk_aes_encrypt((const emk_aes *)c->luks_aes, iv, iv);
                memcpy(buf + i + k, iv, 16);
            }
        }
        return;
    }
    for (i = 0; i + 512 <= len; i += 512)
        emk_xts_sector((const emk_aes *)c->luks_aes,
                       (const emk_aes *)c->luks_aes + 1, (off + i) / 512, NULL,
                       buf + i, 512, 0);
}
