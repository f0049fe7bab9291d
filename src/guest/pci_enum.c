/*
 * pci_enum.c - firmware-like PCI enumeration over ECAM on the test machine
 * (guest side; see pci_enum.h).  Everything goes through guest MMIO.
 */
#include <string.h>

#include "emkit/guest/pci_enum.h"

int emk_pci_enum_init(emk_pci_enum *e, emk_tm *tm, const emk_pci_enum_seg *segs,
                      unsigned nsegs, uint64_t mem_base, uint64_t mem_end,
                      uint64_t pref_base, uint64_t pref_end,
                      uint64_t io_base, uint64_t io_end)
{
    if (!e || !tm || !segs || nsegs == 0 || nsegs > EMK_PCI_ENUM_MAX_SEGS ||
        mem_base > mem_end || mem_end > 0x100000000ull ||
        pref_base > pref_end || io_base > io_end || io_end > 0x10000)
        return -EINVAL;
    memset(e, 0, sizeof(*e));
    e->tm = tm;
    memcpy(e->segs, segs, nsegs * sizeof(*segs));
    e->nsegs = nsegs;
    e->mem_next = mem_base;
    e->mem_end = mem_end;
    e->pref_next = pref_base;
    e->pref_end = pref_end;
    e->io_next = io_base;
    e->io_end = io_end;
    return 0;
}

static uint64_t cfg_addr(const emk_pci_enum *e, uint16_t seg, uint8_t bus,
                         uint8_t devfn, uint32_t off, int *ok)
{
    unsigned i;

    for (i = 0; i < e->nsegs; i++) {
        const emk_pci_enum_seg *s = &e->segs[i];

        if (s->segment != seg || bus < s->bus_start || bus > s->bus_end ||
            off > 0xfff)
            continue;
        *ok = 1;
        return s->ecam_base + ((uint64_t)(bus - s->bus_start) << 20) +
               ((uint64_t)devfn << 12) + off;
    }
    *ok = 0;
    return 0;
}

int emk_pci_enum_cfg_read(emk_pci_enum *e, uint16_t seg, uint8_t bus,
                          uint8_t devfn, uint32_t off, unsigned size,
                          uint32_t *val)
{
    int ok, err;
    uint64_t a = cfg_addr(e, seg, bus, devfn, off, &ok), v = ~0ull;

    *val = 0xffffffffu;
    if (!ok)
        return -EINVAL;
    err = emk_tm_mmio_read(e->tm, a, size, &v);
    *val = (uint32_t)v;
    return err;
}

int emk_pci_enum_cfg_write(emk_pci_enum *e, uint16_t seg, uint8_t bus,
                           uint8_t devfn, uint32_t off, unsigned size,
                           uint32_t val)
{
    int ok;
    uint64_t a = cfg_addr(e, seg, bus, devfn, off, &ok);

    if (!ok)
        return -EINVAL;
    return emk_tm_mmio_write(e->tm, a, size, val);
}

static uint32_t rd(emk_pci_enum *e, const emk_pci_enum_fn *f, uint32_t off,
                   unsigned size)
{
    uint32_t v;

    emk_pci_enum_cfg_read(e, f->segment, f->bus, f->devfn, off, size, &v);
    return v;
}

static void wr(emk_pci_enum *e, const emk_pci_enum_fn *f, uint32_t off,
               unsigned size, uint32_t v)
{
    int err = emk_pci_enum_cfg_write(e, f->segment, f->bus, f->devfn, off,
                                     size, v);
    if (err < 0 && !e->error)
        e->error = err;
}

static unsigned find_cap(emk_pci_enum *e, const emk_pci_enum_fn *f,
                         unsigned id)
{
    unsigned p, guard;

    if (!(rd(e, f, 0x06, 2) & 0x10))
        return 0;
    p = rd(e, f, 0x34, 1) & 0xfc;
    for (guard = 0; p >= 0x40 && guard < 48; guard++) {
        if (rd(e, f, p, 1) == id)
            return p;
        p = rd(e, f, p + 1, 1) & 0xfc;
    }
    return 0;
}

static unsigned find_ext_cap(emk_pci_enum *e, const emk_pci_enum_fn *f,
                             unsigned id)
{
    unsigned p = 0x100, guard;

    for (guard = 0; p >= 0x100 && guard < 64; guard++) {
        uint32_t h = rd(e, f, p, 4);

        if (h == 0 || h == 0xffffffffu)
            return 0;
        if ((h & 0xffff) == id)
            return p;
        p = (h >> 20) & 0xffc;
    }
    return 0;
}

static uint64_t alloc(emk_pci_enum *e, uint64_t *next, uint64_t end,
                      uint64_t size)
{
    uint64_t a = (*next + size - 1) & ~(size - 1);

    if (a < *next || a > end || size > end - a) {
        if (!e->error)
            e->error = -ENOSPC;
        return 0;
    }
    *next = a + size;
    return a;
}

static void size_and_assign_bars(emk_pci_enum *e, emk_pci_enum_fn *f)
{
    unsigned nb = f->header_type == 1 ? 2 : 6, i;
    uint16_t cmd = 0x0004;   /* bus master */

    for (i = 0; i < nb; i++) {
        uint32_t off = 0x10 + 4 * i, orig = rd(e, f, off, 4), v;
        uint64_t mask, size, a;

        wr(e, f, off, 4, 0xffffffffu);
        v = rd(e, f, off, 4);
        wr(e, f, off, 4, orig);
        if (v == 0)
            continue;
        f->bar_flags[i] = v & ((v & 1) ? 0x3 : 0xf);
        if (v & 1) {
            uint32_t m = v & ~3u;
            if ((m >> 16) == 0)
                m |= 0xffff0000u;
            size = (uint32_t)(~m + 1u);
            a = alloc(e, &e->io_next, e->io_end, size);
            wr(e, f, off, 4, (uint32_t)a | 1u);
            cmd |= 0x0001;
        } else if (((v >> 1) & 3) == 2 && i + 1 < nb) {
            uint32_t ohi = rd(e, f, off + 4, 4), hi;

            wr(e, f, off + 4, 4, 0xffffffffu);
            hi = rd(e, f, off + 4, 4);
            wr(e, f, off + 4, 4, ohi);
            mask = ((uint64_t)hi << 32) | (v & ~0xfu);
            size = ~mask + 1;
            if (v & 8)
                a = alloc(e, &e->pref_next, e->pref_end, size);
            else
                a = alloc(e, &e->mem_next, e->mem_end, size);
            wr(e, f, off, 4, (uint32_t)a);
            wr(e, f, off + 4, 4, (uint32_t)(a >> 32));
            f->bar_addr[i] = a;
            f->bar_size[i] = size;
            cmd |= 0x0002;
            i++;
            continue;
        } else {
            size = (uint32_t)(~(v & ~0xfu) + 1u);
            a = alloc(e, &e->mem_next, e->mem_end, size);
            wr(e, f, off, 4, (uint32_t)a);
            cmd |= 0x0002;
        }
        f->bar_addr[i] = a;
        f->bar_size[i] = size;
    }
    if (f->header_type == 0)
        wr(e, f, 0x04, 2, cmd);
}

static void read_caps(emk_pci_enum *e, emk_pci_enum_fn *f)
{
    unsigned c = find_cap(e, f, 0x11);

    f->exp_cap = find_cap(e, f, 0x10);
    if (c) {
        uint32_t t = rd(e, f, c + 4, 4), p = rd(e, f, c + 8, 4);

        f->msix_cap = c;
        f->msix_nvec = (rd(e, f, c + 2, 2) & 0x7ff) + 1;
        f->msix_table_bar = t & 7;
        f->msix_table_off = t & ~7u;
        f->msix_pba_bar = p & 7;
        f->msix_pba_off = p & ~7u;
    }
}

static void scan_bus(emk_pci_enum *e, uint16_t seg, uint8_t bus, int parent,
                     unsigned *last_bus, unsigned depth);

static int probe(emk_pci_enum *e, uint16_t seg, uint8_t bus, uint8_t devfn,
                 int parent, unsigned *last_bus, unsigned depth)
{
    emk_pci_enum_fn tmp, *f;
    uint32_t id;
    int idx;

    memset(&tmp, 0, sizeof(tmp));
    tmp.segment = seg;
    tmp.bus = bus;
    tmp.devfn = devfn;
    id = rd(e, &tmp, 0, 4);
    if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
        return 0;
    if (e->nfns >= EMK_PCI_ENUM_MAX_FNS) {
        if (!e->error)
            e->error = -ENOSPC;
        return 0;
    }
    idx = (int)e->nfns++;
    f = &e->fns[idx];
    *f = tmp;
    f->vendor_id = (uint16_t)id;
    f->device_id = (uint16_t)(id >> 16);
    f->class_code = rd(e, f, 0x08, 4) >> 8;
    f->header_type = (uint8_t)(rd(e, f, 0x0e, 1) & 0x7f);
    f->parent = parent;
    read_caps(e, f);
    size_and_assign_bars(e, f);
    if (f->header_type == 1 && depth < 16 && *last_bus < 255) {
        uint64_t mem0, pref0, io0;
        unsigned sec = ++*last_bus;

        wr(e, f, 0x18, 4, (uint32_t)bus | sec << 8 | 0xffu << 16);
        mem0 = e->mem_next = (e->mem_next + 0xfffff) & ~0xfffffull;
        pref0 = e->pref_next = (e->pref_next + 0xfffff) & ~0xfffffull;
        io0 = e->io_next = (e->io_next + 0xfff) & ~0xfffull;
        scan_bus(e, seg, (uint8_t)sec, idx, last_bus, depth + 1);
        f = &e->fns[idx];
        f->secondary = (uint8_t)sec;
        f->subordinate = (uint8_t)*last_bus;
        wr(e, f, 0x1a, 1, *last_bus);
        e->mem_next = (e->mem_next + 0xfffff) & ~0xfffffull;
        e->pref_next = (e->pref_next + 0xfffff) & ~0xfffffull;
        e->io_next = (e->io_next + 0xfff) & ~0xfffull;
        if (e->mem_next > mem0)
            wr(e, f, 0x20, 4, (uint32_t)((mem0 >> 16) & 0xfff0) |
                              (uint32_t)(((e->mem_next - 1) >> 16) & 0xfff0) << 16);
        else
            wr(e, f, 0x20, 4, 0x0000fff0u);
        if (e->pref_next > pref0) {
            wr(e, f, 0x24, 4, (uint32_t)((pref0 >> 16) & 0xfff0) |
                              (uint32_t)(((e->pref_next - 1) >> 16) & 0xfff0) << 16);
            wr(e, f, 0x28, 4, (uint32_t)(pref0 >> 32));
            wr(e, f, 0x2c, 4, (uint32_t)((e->pref_next - 1) >> 32));
        } else {
            wr(e, f, 0x24, 4, 0x0000fff0u);
            wr(e, f, 0x28, 4, 0);
            wr(e, f, 0x2c, 4, 0);
        }
        if (e->io_next > io0) {
            wr(e, f, 0x1c, 2, (uint32_t)((io0 >> 8) & 0xf0) |
                              (uint32_t)(((e->io_next - 1) >> 8) & 0xf0) << 8);
            wr(e, f, 0x30, 4, (uint32_t)(io0 >> 16) |
                              (uint32_t)((e->io_next - 1) >> 16) << 16);
        } else {
            wr(e, f, 0x1c, 2, 0x00f0);
        }
        wr(e, f, 0x04, 2, 0x0007);
    }
    return 1;
}

static void scan_bus(emk_pci_enum *e, uint16_t seg, uint8_t bus, int parent,
                     unsigned *last_bus, unsigned depth)
{
    unsigned dev, fn;

    if (parent >= 0 && e->fns[parent].exp_cap) {
        emk_pci_enum_fn *p = &e->fns[parent];
        emk_pci_enum_fn f0;
        unsigned pt = (rd(e, p, p->exp_cap + 2, 2) >> 4) & 0xf;

        memset(&f0, 0, sizeof(f0));
        f0.segment = seg;
        f0.bus = bus;
        if ((pt == 4 || pt == 6) && (rd(e, p, p->exp_cap + 0x24, 4) & 0x20) &&
            (rd(e, &f0, 0, 2) != 0xffff) && find_ext_cap(e, &f0, 0x0e)) {
            /* ARI: enable forwarding, follow the next-function chain */
            uint8_t seen[256];
            unsigned next = 0;

            wr(e, p, p->exp_cap + 0x28, 2,
               rd(e, p, p->exp_cap + 0x28, 2) | 0x20);
            e->ari_enabled++;
            memset(seen, 0, sizeof(seen));
            do {
                emk_pci_enum_fn cur;
                unsigned ari;

                seen[next] = 1;
                if (!probe(e, seg, bus, (uint8_t)next, parent, last_bus, depth))
                    break;
                memset(&cur, 0, sizeof(cur));
                cur.segment = seg;
                cur.bus = bus;
                cur.devfn = (uint8_t)next;
                ari = find_ext_cap(e, &cur, 0x0e);
                next = ari ? (rd(e, &cur, ari + 4, 2) >> 8) & 0xff : 0;
            } while (next && !seen[next]);
            return;
        }
    }
    for (dev = 0; dev < 32; dev++) {
        for (fn = 0; fn < 8; fn++) {
            uint8_t devfn = (uint8_t)(dev << 3 | fn);
            unsigned before = e->nfns;
            int found = probe(e, seg, bus, devfn, parent, last_bus, depth);

            if (!found && fn == 0)
                break;
            if (fn == 0 && found) {
                emk_pci_enum_fn *f = &e->fns[before];
                if (!(rd(e, f, 0x0e, 1) & 0x80))
                    break;
            }
        }
    }
}

int emk_pci_enum_run(emk_pci_enum *e)
{
    unsigned i;

    for (i = 0; i < e->nsegs; i++) {
        unsigned last = e->segs[i].bus_start;

        scan_bus(e, e->segs[i].segment, e->segs[i].bus_start, -1, &last, 0);
    }
    return e->error ? e->error : (int)e->nfns;
}

int emk_pci_enum_find(const emk_pci_enum *e, uint16_t vendor, uint16_t device,
                      unsigned from)
{
    unsigned i;

    for (i = from; i < e->nfns; i++)
        if (e->fns[i].vendor_id == vendor && e->fns[i].device_id == device)
            return (int)i;
    return -1;
}

uint64_t emk_pci_enum_msix_entry(const emk_pci_enum *e, unsigned idx,
                                 unsigned vector)
{
    const emk_pci_enum_fn *f;

    if (idx >= e->nfns)
        return 0;
    f = &e->fns[idx];
    if (!f->msix_cap || vector >= f->msix_nvec)
        return 0;
    return f->bar_addr[f->msix_table_bar] + f->msix_table_off + 16ull * vector;
}

int emk_pci_enum_msix_setup(emk_pci_enum *e, unsigned idx, uint64_t addr,
                            uint32_t data_base, unsigned nvec)
{
    emk_pci_enum_fn *f;
    unsigned v;
    int err;

    if (idx >= e->nfns)
        return -EINVAL;
    f = &e->fns[idx];
    if (!f->msix_cap)
        return -ENOENT;
    if (nvec > f->msix_nvec)
        return -EINVAL;
    for (v = 0; v < nvec; v++) {
        uint64_t ent = emk_pci_enum_msix_entry(e, idx, v);

        if ((err = emk_tm_mmio_write(e->tm, ent, 4, (uint32_t)addr)) < 0 ||
            (err = emk_tm_mmio_write(e->tm, ent + 4, 4, addr >> 32)) < 0 ||
            (err = emk_tm_mmio_write(e->tm, ent + 8, 4, data_base + v)) < 0 ||
            (err = emk_tm_mmio_write(e->tm, ent + 12, 4, 0)) < 0)
            return err;
    }
    wr(e, f, f->msix_cap + 2, 2, 0x8000);
    return e->error;
}
