/* sglist.c - scatter-gather lists of guest segments and DMA over them. */
#include "compat.h"
#include "emkit/bus.h"

void emk_sglist_init(emk_sglist *l, emk_sg_entry *storage, unsigned cap)
{
    l->sg = storage;
    l->cap = cap;
    l->nsg = 0;
    l->total = 0;
}

void emk_sglist_reset(emk_sglist *l)
{
    l->nsg = 0;
    l->total = 0;
}

int emk_sglist_add(emk_sglist *l, uint64_t addr, uint64_t len)
{
    emk_sg_entry *last;

    if (len == 0)
        return 0;
    if (addr + len - 1 < addr || l->total + len < l->total)
        return -EOVERFLOW;
    last = l->nsg ? &l->sg[l->nsg - 1] : NULL;
    /* contiguous: the new one starts where the last one ends, and the last
     * one does not end at the top of the address space (its end would wrap
     * to 0 and the merged segment would wrap; fuzz-virtq found it) */
    if (last && last->addr + last->len == addr && addr != 0) {
        last->len += len;
    } else {
        if (l->nsg >= l->cap)
            return -ENOSPC;
        l->sg[l->nsg].addr = addr;
        l->sg[l->nsg].len = len;
        l->nsg++;
    }
    l->total += len;
    return 0;
}

int emk_dma_sg_rw(emk_dev *dev, const emk_sglist *l, uint64_t offset,
                  void *buf, uint64_t len, int is_write)
{
    uint8_t *p = (uint8_t *)buf;
    unsigned i;
    int ret;

    if (offset > l->total || l->total - offset < len)
        return -EFAULT;
    for (i = 0; i < l->nsg && len; i++) {
        uint64_t seg = l->sg[i].len, n;
        if (offset >= seg) {
            offset -= seg;
            continue;
        }
        n = seg - offset < len ? seg - offset : len;
        ret = is_write ? emk_dma_write(dev, l->sg[i].addr + offset, p, n)
                       : emk_dma_read(dev, l->sg[i].addr + offset, p, n);
        if (ret < 0)
            return ret;
        p += n;
        len -= n;
        offset = 0;
    }
    return 0;
}

int emk_dma_sg_map(emk_dev *dev, const emk_sglist *l, struct iovec *iov,
                   int iovcap, int is_write)
{
    int n = 0;
    unsigned i;

    if (!emk_load_relaxed_int(&dev->dma_enabled)) {
        dev->stat_dma_refused++;
        return -EPERM;
    }
    for (i = 0; i < l->nsg; i++) {
        uint64_t addr = l->sg[i].addr, left = l->sg[i].len;
        while (left) {
            uint64_t len = left;
            void *p;
            if (n >= iovcap) {
                emk_dma_sg_unmap(dev, iov, n, is_write);
                return -ENOSPC;
            }
            p = emk_dma_map(dev, addr, &len, is_write);
            if (!p) {
                emk_dma_sg_unmap(dev, iov, n, is_write);
                return -EFAULT;
            }
            iov[n].iov_base = p;
            iov[n].iov_len = (size_t)len;
            n++;
            addr += len;
            left -= len;
        }
    }
    return n;
}

void emk_dma_sg_unmap(emk_dev *dev, struct iovec *iov, int n, int is_write)
{
    int i;

    for (i = 0; i < n; i++)
        emk_dma_unmap(dev, iov[i].iov_base, iov[i].iov_len, is_write,
                      is_write ? iov[i].iov_len : 0);
}
