/*
 * info_luks.c - the "encrypt" part of a qcow2 LUKS image's format specific
 * information, as qemu-img 7.2 lists it (cipher, hash, IV generator, UUID,
 * the 8 key slots, payload offset, master key iterations), read from the
 * LUKS1 header.
 */
#include "img_priv.h"

#include <string.h>
#include <unistd.h>

enum {
    LUKS_HDR = 592, LUKS_SLOTS = 8, LUKS_SLOT_ACTIVE = 0x00ac71f3,
    LUKS_SECTOR = 512
};

/* A NUL-padded text field of the header. */
static void field(const uint8_t *h, size_t off, size_t len, char *out)
{
    size_t k = 0;
    while (k < len && h[off + k] && h[off + k] >= 0x20 && h[off + k] < 0x7f) {
        out[k] = (char)h[off + k];
        k++;
    }
    out[k] = '\0';
}

/* One key and value: of the encrypt object (level 0) or of a key slot
 * (level 1); first: the object's first member (no comma before it). */
static void kv(FILE *out, int json, int level, int first, const char *key,
               const char *val, int quote)
{
    size_t i;
    if (json) {
        fprintf(out, "%s\n%*s\"%s\": ", first ? "" : ",", 16 + 8 * level, "",
                key);
        if (quote)
            emk_img_json_cstr(out, val);
        else
            fputs(val, out);
        return;
    }
    fprintf(out, "%*s", 8 + 8 * level, "");
    for (i = 0; key[i]; i++)
        fputc(key[i] == '-' ? ' ' : key[i], out);
    fprintf(out, ": %s\n", val);
}

void emk_img_print_luks_info(const emk_img_ctx *c, FILE *out, int json)
{
    uint8_t h[LUKS_HDR];
    char cipher[33], mode[33], hash[33], uuid[41], ivgen[33], buf[48];
    char *dash, *colon;
    uint32_t i, key_bytes;
    if (c->luks_len < LUKS_HDR ||
        pread(c->fd, h, sizeof(h), (off_t)c->luks_off) != (ssize_t)sizeof(h) ||
        memcmp(h, "LUKS\xba\xbe", 6) != 0)
        return;
    field(h, 8, 32, cipher);
    field(h, 40, 32, mode);
    field(h, 72, 32, hash);
    field(h, 168, 40, uuid);
    key_bytes = emk_be32(h + 108);
    ivgen[0] = '\0';
    dash = strchr(mode, '-');
    if (dash) {
        snprintf(ivgen, sizeof(ivgen), "%s", dash + 1);
        *dash = '\0';
    }
    colon = strchr(ivgen, ':');
    if (colon)
        *colon++ = '\0';
    kv(out, json, 0, 1, "ivgen-alg", ivgen, 1);
    if (colon)
        kv(out, json, 0, 0, "ivgen-hash-alg", colon, 1);
    kv(out, json, 0, 0, "hash-alg", hash, 1);
    snprintf(buf, sizeof(buf), "%s-%u", cipher,
             strcmp(mode, "xts") == 0 ? key_bytes * 4 : key_bytes * 8);
    kv(out, json, 0, 0, "cipher-alg", buf, 1);
    kv(out, json, 0, 0, "uuid", uuid, 1);
    kv(out, json, 0, 0, "format", "luks", 1);
    kv(out, json, 0, 0, "cipher-mode", mode, 1);
    if (json)
        fprintf(out, ",\n                \"slots\": [");
    else
        fprintf(out, "        slots:\n");
    for (i = 0; i < LUKS_SLOTS; i++) {
        const uint8_t *s = h + 208 + 48 * i;
        int active = emk_be32(s) == LUKS_SLOT_ACTIVE;
        if (json)
            fprintf(out, "%s\n                    {", i ? "," : "");
        else
            fprintf(out, "            [%u]:\n", i);
        kv(out, json, 1, 1, "active", active ? "true" : "false", 0);
        if (active) {
            snprintf(buf, sizeof(buf), "%u", emk_be32(s + 4));
            kv(out, json, 1, 0, "iters", buf, 0);
        }
        snprintf(buf, sizeof(buf), "%llu",
                 (unsigned long long)emk_be32(s + 40) * LUKS_SECTOR);
        kv(out, json, 1, 0, "key-offset", buf, 0);
        if (active) {
            snprintf(buf, sizeof(buf), "%u", emk_be32(s + 44));
            kv(out, json, 1, 0, "stripes", buf, 0);
        }
        if (json)
            fprintf(out, "\n                    }");
    }
    if (json)
        fprintf(out, "\n                ]");
    snprintf(buf, sizeof(buf), "%llu",
             (unsigned long long)emk_be32(h + 104) * LUKS_SECTOR);
    kv(out, json, 0, 0, "payload-offset", buf, 0);
    snprintf(buf, sizeof(buf), "%u", emk_be32(h + 164));
    kv(out, json, 0, 0, "master-key-iters", buf, 0);
}
