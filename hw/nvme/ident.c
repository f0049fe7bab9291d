/*
 * ident.c - the controller's and its namespaces' identity: the serial
 * number and SUBNQN (Identify Controller) and each namespace's NGUID,
 * EUI-64 and UUID (Identify Namespace, descriptor list).  Set values are
 * checked and kept; missing ones are derived from the serial and the
 * controller's path, so two controllers never look like one subsystem.
 */
#include <stdio.h>

#include "nvme_int.h"

static uint32_t instances;      /* controllers without serial or path */

/* FNV-1a over s (with its NUL, so "a","b" and "ab" differ) into h. */
static uint64_t fnv(uint64_t h, const char *s)
{
    do {
        h ^= (uint8_t)*s;
        h *= 0x100000001b3ull;
    } while (*s++);
    return h;
}

/* splitmix64: spreads a seed over as many bytes as an ID needs. */
static uint64_t mix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void fill(uint64_t *x, uint8_t *b, unsigned len)
{
    unsigned i;
    uint64_t v = 0;

    for (i = 0; i < len; i++) {
        if (i % 8 == 0)
            v = mix(x);
        b[i] = (uint8_t)(v >> (8 * (i % 8)));
    }
}

static int all_zero(const uint8_t *b, unsigned len)
{
    unsigned i;

    for (i = 0; i < len; i++)
        if (b[i])
            return 0;
    return 1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int emk_nvme_parse_id(const char *s, uint8_t *out, unsigned len)
{
    unsigned k = 0;
    int hi, lo;

    if (!s || !out)
        return -EINVAL;
    while (*s) {
        if ((*s == '-' || *s == ':') && k > 0) {
            s++;
            continue;
        }
        hi = hexval(s[0]);
        lo = hi < 0 ? -1 : hexval(s[1]);
        if (lo < 0 || k == len)
            return -EINVAL;
        out[k++] = (uint8_t)(hi << 4 | lo);
        s += 2;
    }
    return k == len ? 0 : -EINVAL;
}

static int serial_ok(const char *s)
{
    size_t i, l = strlen(s);

    if (l == 0 || l > EMK_NVME_SERIAL_LEN)
        return 0;
    for (i = 0; i < l; i++)
        if (s[i] < 0x20 || s[i] > 0x7e)
            return 0;
    return 1;
}

int emk_nvme_ident_init(nvme_ctrl *n, const emk_nvme_options *o)
{
    const char *path = o->path ? o->path : "";

    if (o->serial) {
        if (!serial_ok(o->serial))
            return -EINVAL;
        snprintf(n->serial, sizeof(n->serial), "%s", o->serial);
    } else if (*path) {
        snprintf(n->serial, sizeof(n->serial), "EMK%016llX",
                 (unsigned long long)fnv(0xcbf29ce484222325ull, path));
    } else {
        snprintf(n->serial, sizeof(n->serial), "EMK%04lu",
                 (unsigned long)(emk_fetch_add_u32(&instances, 1) + 1));
    }
    if (o->subnqn) {
        if (!*o->subnqn || strlen(o->subnqn) > EMK_NVME_NQN_LEN)
            return -EINVAL;
        snprintf(n->subnqn, sizeof(n->subnqn), "%s", o->subnqn);
    } else {
        snprintf(n->subnqn, sizeof(n->subnqn), "nqn.2026-01.org.emkit:nvme:%s",
                 n->serial);
    }
    n->id_seed = fnv(fnv(0xcbf29ce484222325ull, n->serial), path);
    return 0;
}

void emk_nvme_ns_ident(nvme_ctrl *n, nvme_ns *ns, const emk_nvme_ns_config *c)
{
    uint64_t x = n->id_seed ^ ((uint64_t)ns->nsid * 0xff51afd7ed558ccdull);

    if (all_zero(c->nguid, sizeof(c->nguid))) {
        ns->nguid[0] = 0xe7;                     /* emkit's prefix */
        ns->nguid[1] = 0x4b;
        fill(&x, ns->nguid + 2, sizeof(ns->nguid) - 2);
    } else {
        memcpy(ns->nguid, c->nguid, sizeof(ns->nguid));
    }
    if (all_zero(c->eui64, sizeof(c->eui64))) {
        ns->eui64[0] = 0x52;                     /* OUI 52:54:00 */
        ns->eui64[1] = 0x54;
        ns->eui64[2] = 0x00;
        fill(&x, ns->eui64 + 3, sizeof(ns->eui64) - 3);
    } else {
        memcpy(ns->eui64, c->eui64, sizeof(ns->eui64));
    }
    if (all_zero(c->uuid, sizeof(c->uuid))) {
        fill(&x, ns->uuid, sizeof(ns->uuid));
        ns->uuid[6] = (uint8_t)((ns->uuid[6] & 0x0f) | 0x40); /* version 4 */
        ns->uuid[8] = (uint8_t)((ns->uuid[8] & 0x3f) | 0x80); /* RFC 4122 */
    } else {
        memcpy(ns->uuid, c->uuid, sizeof(ns->uuid));
    }
}

const char *emk_nvme_serial(const emk_nvme *n)
{
    return n->serial;
}

const char *emk_nvme_subnqn(const emk_nvme *n)
{
    return n->subnqn;
}
