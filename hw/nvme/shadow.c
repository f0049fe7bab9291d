/*
 * shadow.c - the Shadow Doorbell Buffer and EventIdx pages (Doorbell
 * Buffer Config, NVMe 1.3+): mapping them and the word accessors.
 *
 * Memory ordering (both sides follow the same Dekker-style pattern, so at
 * least one side sees the other's store):
 *   guest:  store shadow tail; full barrier; load EventIdx; ring MMIO if
 *           need_event(EventIdx, new, old)
 *   device: consume up to tail; store EventIdx = tail; full barrier;
 *           reload shadow tail and continue if it moved (submit.c).
 *
 * The two pages stay mapped while the buffer is configured, so the hot
 * path is a plain 32-bit load or store.  Only plain RAM is kept mapped
 * (emk_dma_is_ram): anything else - MMIO, or a host that would need a
 * bounce buffer - is refused by Doorbell Buffer Config itself.  The
 * mapping belongs to the controller thread; each queue keeps its own
 * copy of its words' addresses (nvme_shw), set in the queue's owner, so a
 * new configuration swaps them queue by queue before the old pages are
 * unmapped (emk_nvme_queues_set_shadow).  Nothing is written back on unmap:
 * the device's stores went straight to guest RAM.
 */
#include "nvme_int.h"

static void unmap_page(nvme_ctrl *n, uint32_t **p)
{
    if (*p)
        emk_dma_unmap(&n->dev, *p, EMK_NVME_PAGE_SIZE, 1, 0);
    *p = NULL;
}

static uint32_t *map_page(nvme_ctrl *n, uint64_t gpa)
{
    uint64_t len = EMK_NVME_PAGE_SIZE;
    uint32_t *p = emk_dma_map(&n->dev, gpa, &len, 1);

    if (p && len != EMK_NVME_PAGE_SIZE) {
        emk_dma_unmap(&n->dev, p, len, 1, 0);
        p = NULL;
    }
    return p;
}

/* Doorbell Buffer Config: maps the pages of the new configuration, moves
 * every queue onto it in its owner, then unmaps the old pages, which no
 * queue uses any more.  -EINVAL if either page is not plain RAM (nothing
 * changes).  A page that does not map is reached through DMA instead. */
int emk_nvme_shadow_config(nvme_ctrl *n, uint64_t dbs, uint64_t eis)
{
    uint32_t *old_dbs = n->dbs_host, *old_eis = n->eis_host;

    if (!emk_dma_is_ram(&n->dev, dbs, EMK_NVME_PAGE_SIZE) ||
        !emk_dma_is_ram(&n->dev, eis, EMK_NVME_PAGE_SIZE))
        return -EINVAL;
    n->dbbuf_dbs = dbs;
    n->dbbuf_eis = eis;
    n->dbs_host = map_page(n, dbs);
    n->eis_host = map_page(n, eis);
    n->dbbuf_on = 1;
    emk_nvme_queues_set_shadow(n);
    unmap_page(n, &old_dbs);
    unmap_page(n, &old_eis);
    return 0;
}

/* Turns the buffer off (reset): queues forget it, then it is unmapped. */
void emk_nvme_shadow_off(nvme_ctrl *n)
{
    n->dbbuf_on = 0;
    n->dbbuf_dbs = n->dbbuf_eis = 0;
    emk_nvme_queues_set_shadow(n);
    unmap_page(n, &n->dbs_host);
    unmap_page(n, &n->eis_host);
}

/* Points w at guest address addr of the current configuration (none if
 * the buffer is off).  Runs in the queue's owner. */
void emk_nvme_shw_set(nvme_ctrl *n, nvme_shw *w, uint64_t addr)
{
    w->addr = n->dbbuf_on ? addr : 0;
    w->host = NULL;
    if (!w->addr || (addr & 3))
        return;
    if (n->dbs_host && addr - n->dbbuf_dbs < EMK_NVME_PAGE_SIZE)
        w->host = n->dbs_host + (addr - n->dbbuf_dbs) / 4;
    else if (n->eis_host && addr - n->dbbuf_eis < EMK_NVME_PAGE_SIZE)
        w->host = n->eis_host + (addr - n->dbbuf_eis) / 4;
}

/* The mapping is used only while bus mastering is on, as any DMA. */
static uint32_t *shw_host(nvme_ctrl *n, const nvme_shw *w)
{
    return w->host && emk_load_relaxed_int(&n->dev.dma_enabled) ? w->host
                                                                : NULL;
}

uint32_t emk_nvme_shw_ld(nvme_ctrl *n, const nvme_shw *w)
{
    uint32_t *p = shw_host(n, w);
    uint64_t v = 0;

    if (!w->addr)
        return UINT32_MAX;
    if (p) {
        uint32_t raw = emk_load_acquire_u32(p);
        return emk_le32(&raw);
    }
    if (emk_dma_ld(&n->dev, w->addr, 4, &v) != 0)
        return UINT32_MAX;
    return (uint32_t)v;
}

void emk_nvme_shw_st(nvme_ctrl *n, const nvme_shw *w, uint32_t v)
{
    uint32_t *p = shw_host(n, w);

    if (!w->addr)
        return;
    if (p) {
        uint32_t raw;
        emk_st_le32(&raw, v);
        emk_store_release_u32(p, raw);
    } else {
        (void)emk_dma_st(&n->dev, w->addr, 4, v);
    }
}
