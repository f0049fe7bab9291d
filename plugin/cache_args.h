/* key=value options of the cache model, shared by the QEMU plugin and
 * `emkit cache-sim`.  Keys follow QEMU's contrib/plugins/cache.c where it
 * has one. */
#ifndef EMK_PLUGIN_CACHE_ARGS_H
#define EMK_PLUGIN_CACHE_ARGS_H

#include <stddef.h>
#include "emkit/cache.h"

/** Counting modes. */
enum emk_cache_count {
    EMK_COUNT_NATIVE = 0,     /* every line of every access, reads/writes apart */
    EMK_COUNT_CACHEGRIND = 1  /* refs counted the way cachegrind counts them */
};

/**
 * Apply one option "key=value" (or "key" alone) to @cfg.  Returns 0 if
 * applied, 1 if the key is not a cache-model key (the caller may own it),
 * -EINVAL with a message in @err for a bad value.
 */
int emk_cache_args_apply(struct emk_cache_config *cfg, const char *opt, char *err, size_t errlen);

/** Parse a size with optional K/M/G suffix into @out.  0 or -EINVAL. */
int emk_cache_parse_size(const char *s, uint64_t *out);

/** Configure @cfg for cachegrind-compatible counting: LRU, non-inclusive. */
void emk_cache_config_cachegrind(struct emk_cache_config *cfg);

/** One-line description "SIZE B, LINE B, N-way associative" like cachegrind. */
void emk_cache_geom_desc(const struct emk_cache_geom *g, char *buf, size_t len);

#endif
