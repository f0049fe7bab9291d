/* libFuzzer target: the din and binary trace parsers, fed through the
 * cache model in both counting modes. */
#include <stddef.h>
#include <stdint.h>

#include "emkit/cache.h"
#include "cache_trace.h"

/* A fresh cache hierarchy per input (stateless: a crash reproduces from
 * its input alone). */
static struct emk_cache_sys sys;

static int on_rec(void *ctx, const struct emk_trace_rec *r)
{
    struct emk_cache_cgres res;
    (void)ctx;
    if (r->cpu >= sys.cfg.ncpu)
        return -1;
    if (r->addr & 1)
        return emk_cache_cg_ref(&sys, r->cpu, r->kind, r->addr, r->size, &res);
    return emk_cache_access(&sys, r->cpu, r->kind, r->addr, r->size) < 0 ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct emk_trace_parser p;
    size_t half = size / 2;
    struct emk_cache_config cfg;

    emk_cache_config_default(&cfg);
    cfg.ncpu = 4;
    cfg.has_llc = 1;
    cfg.l1d.size = 1024;
    cfg.l2.size = 4096;
    cfg.llc.size = 16384;
    cfg.inclusion = EMK_CACHE_INCLUSIVE;
    if (emk_cache_sys_init(&sys, &cfg, NULL, 0) < 0)
        return 0;
    emk_trace_init(&p, emk_trace_detect(data, size), 4);
    /* Two chunks: exercises the carry across feeds. */
    if (emk_trace_feed(&p, data, half, on_rec, NULL) == 0 &&
        emk_trace_feed(&p, data + half, size - half, on_rec, NULL) == 0)
        emk_trace_finish(&p, on_rec, NULL);
    emk_cache_sys_fini(&sys);
    return 0;
}
