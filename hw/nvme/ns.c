/*
 * ns.c - namespaces: one emkit block backend each (RAM disk or file),
 * with a 512 B or 4 KiB LBA format.
 */
#include "nvme_int.h"

int emk_nvme_ns_open(nvme_ctrl *n, unsigned idx, const emk_nvme_ns_config *c)
{
    nvme_ns *ns = &n->ns[idx];
    int err = 0;

    ns->nsid = idx + 1;
    ns->lba_shift = c->lba_shift ? c->lba_shift : 9;
    if (ns->lba_shift != 9 && ns->lba_shift != 12)
        return -EINVAL;
    if (c->blk) {
        ns->blk = c->blk;
        ns->owned = 0;
    } else if (c->backend) {
        ns->blk = emk_blk_open(c->backend, 0, &err);
        if (!ns->blk)
            return err ? err : -EINVAL;
        ns->owned = 1;
    } else {
        return -EINVAL;
    }
    ns->nlbas = emk_blk_size(ns->blk) >> ns->lba_shift;
    if (ns->nlbas == 0) {
        emk_nvme_ns_close(ns);
        return -EINVAL;
    }
    emk_nvme_ns_ident(n, ns, c);
    return 0;
}

void emk_nvme_ns_close(nvme_ns *ns)
{
    if (ns->blk && ns->owned)
        emk_blk_close(ns->blk);
    ns->blk = NULL;
    ns->owned = 0;
}

nvme_ns *emk_nvme_ns_get(nvme_ctrl *n, uint32_t nsid)
{
    if (nsid == 0 || nsid > n->nns || !n->ns[nsid - 1].blk)
        return NULL;
    return &n->ns[nsid - 1];
}
