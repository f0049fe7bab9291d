/* key=value options of the cache model. */
#include "cache_args.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int emk_cache_parse_size(const char *s, uint64_t *out)
{
    uint64_t v = 0, mul = 1;
    const char *p = s;
    if (!*p)
        return -EINVAL;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -EINVAL;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (p == s)
        return -EINVAL;
    if (*p == 'k' || *p == 'K')
        mul = 1024;
    else if (*p == 'm' || *p == 'M')
        mul = 1024 * 1024;
    else if (*p == 'g' || *p == 'G')
        mul = 1024ull * 1024 * 1024;
    else if (*p)
        return -EINVAL;
    if (*p && p[1])
        return -EINVAL;
    if (v > UINT64_MAX / mul)
        return -EINVAL;
    *out = v * mul;
    return 0;
}

static int parse_bool(const char *v, int *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
        *out = 1;
    else if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0"))
        *out = 0;
    else
        return -EINVAL;
    return 0;
}

static int bad(char *err, size_t errlen, const char *key, const char *val, const char *want)
{
    if (err && errlen)
        snprintf(err, errlen, "%s=%s: %s", key, val, want);
    return -EINVAL;
}

/* Geometry keys: <prefix>cachesize, <prefix>assoc, <prefix>blksize. */
static int geom_key(struct emk_cache_geom *g, const char *field, const char *key,
                    const char *val, char *err, size_t errlen)
{
    uint64_t v;
    if (emk_cache_parse_size(val, &v) < 0)
        return bad(err, errlen, key, val, "want a number (K/M/G suffix allowed)");
    if (!strcmp(field, "cachesize") || !strcmp(field, "size")) {
        g->size = v;
    } else if (!strcmp(field, "assoc")) {
        if (v > 0xffffffffu)
            return bad(err, errlen, key, val, "associativity out of range");
        g->assoc = (uint32_t)v;
    } else {
        if (v > 0xffffffffu)
            return bad(err, errlen, key, val, "line size out of range");
        g->line = (uint32_t)v;
    }
    return 0;
}

static void all_levels(struct emk_cache_config *c, int what, int v)
{
    struct emk_cache_geom *g[4];
    int i;
    g[0] = &c->l1i; g[1] = &c->l1d; g[2] = &c->l2; g[3] = &c->llc;
    for (i = 0; i < 4; i++) {
        if (what == 0)
            g[i]->policy = v;
        else if (what == 1)
            g[i]->wpolicy = v;
        else
            g[i]->write_allocate = v;
    }
}

int emk_cache_args_apply(struct emk_cache_config *cfg, const char *opt, char *err, size_t errlen)
{
    char key[32];
    const char *eq = strchr(opt, '='), *val;
    size_t kl = eq ? (size_t)(eq - opt) : strlen(opt);
    static const char *const pre[] = { "i", "d", "l2", "llc" };
    unsigned i;
    int b;
    uint64_t v;

    if (kl == 0 || kl >= sizeof(key))
        return 1;
    memcpy(key, opt, kl);
    key[kl] = 0;
    val = eq ? eq + 1 : "";

    for (i = 0; i < 4; i++) {
        size_t pl = strlen(pre[i]);
        const char *f = key + pl;
        struct emk_cache_geom *g = i == 0 ? &cfg->l1i : i == 1 ? &cfg->l1d
                                 : i == 2 ? &cfg->l2 : &cfg->llc;
        if (strncmp(key, pre[i], pl) != 0)
            continue;
        if (!strcmp(f, "cachesize") || !strcmp(f, "assoc") || !strcmp(f, "blksize") ||
            (i == 3 && !strcmp(f, "size"))) {
            if (i == 2)
                cfg->has_l2 = 1;
            if (i == 3)
                cfg->has_llc = 1;
            return geom_key(g, f, key, val, err, errlen);
        }
    }
    if (!strcmp(key, "l2") || !strcmp(key, "llc")) {
        if (parse_bool(val, &b) < 0)
            return bad(err, errlen, key, val, "want on or off");
        if (key[1] == '2')
            cfg->has_l2 = b;
        else
            cfg->has_llc = b;
        return 0;
    }
    if (!strcmp(key, "evict")) {
        if (!strcmp(val, "lru"))
            all_levels(cfg, 0, EMK_CACHE_LRU);
        else if (!strcmp(val, "fifo"))
            all_levels(cfg, 0, EMK_CACHE_FIFO);
        else if (!strcmp(val, "rand") || !strcmp(val, "random"))
            all_levels(cfg, 0, EMK_CACHE_RANDOM);
        else if (!strcmp(val, "plru"))
            all_levels(cfg, 0, EMK_CACHE_PLRU);
        else
            return bad(err, errlen, key, val, "want lru, fifo, rand or plru");
        return 0;
    }
    if (!strcmp(key, "write")) {
        if (!strcmp(val, "back"))
            all_levels(cfg, 1, EMK_CACHE_WRITE_BACK);
        else if (!strcmp(val, "through"))
            all_levels(cfg, 1, EMK_CACHE_WRITE_THROUGH);
        else
            return bad(err, errlen, key, val, "want back or through");
        return 0;
    }
    if (!strcmp(key, "walloc")) {
        if (parse_bool(val, &b) < 0)
            return bad(err, errlen, key, val, "want on or off");
        all_levels(cfg, 2, b);
        return 0;
    }
    if (!strcmp(key, "inclusion")) {
        if (!strcmp(val, "non") || !strcmp(val, "non-inclusive"))
            cfg->inclusion = EMK_CACHE_NON_INCLUSIVE;
        else if (!strcmp(val, "inclusive"))
            cfg->inclusion = EMK_CACHE_INCLUSIVE;
        else if (!strcmp(val, "exclusive"))
            cfg->inclusion = EMK_CACHE_EXCLUSIVE;
        else
            return bad(err, errlen, key, val, "want non, inclusive or exclusive");
        return 0;
    }
    if (!strcmp(key, "coherence")) {
        if (parse_bool(val, &b) < 0)
            return bad(err, errlen, key, val, "want on or off");
        cfg->coherence = b;
        return 0;
    }
    if (!strcmp(key, "cores")) {
        if (emk_cache_parse_size(val, &v) < 0 || v < 1 || v > EMK_CACHE_MAX_CPUS)
            return bad(err, errlen, key, val, "want 1..64");
        cfg->ncpu = (unsigned)v;
        return 0;
    }
    if (!strcmp(key, "seed")) {
        if (emk_cache_parse_size(val, &v) < 0)
            return bad(err, errlen, key, val, "want a number");
        cfg->seed = v;
        return 0;
    }
    return 1;
}

void emk_cache_config_cachegrind(struct emk_cache_config *cfg)
{
    all_levels(cfg, 0, EMK_CACHE_LRU);
    all_levels(cfg, 1, EMK_CACHE_WRITE_BACK);
    all_levels(cfg, 2, 1);
    cfg->inclusion = EMK_CACHE_NON_INCLUSIVE;
}

void emk_cache_geom_desc(const struct emk_cache_geom *g, char *buf, size_t len)
{
    if (g->assoc == g->size / g->line)
        snprintf(buf, len, "%llu B, %u B, fully associative",
                 (unsigned long long)g->size, (unsigned)g->line);
    else if (g->assoc == 1)
        snprintf(buf, len, "%llu B, %u B, direct-mapped",
                 (unsigned long long)g->size, (unsigned)g->line);
    else
        snprintf(buf, len, "%llu B, %u B, %u-way associative",
                 (unsigned long long)g->size, (unsigned)g->line, (unsigned)g->assoc);
}
