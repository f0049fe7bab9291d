/*
 * msi.c - MSI and MSI-X: capabilities, the MSI-X table and PBA, masking,
 * pending bits and delivery through emk_msi_send.
 */
#include <string.h>

#include "pci/pci_int.h"

/* Sends one message and counts it. */
static int deliver(emk_pci_fn *fn, uint64_t addr, uint32_t data)
{
    int err = emk_msi_send(fn->dev, addr, data);

    if (err < 0) {
        fn->stat_msi_blocked++;
        return err;
    }
    fn->stat_msi_sent++;
    return 0;
}

/* ---- MSI ---------------------------------------------------------------- */

static unsigned msi_mask_off(const emk_pci_fn *fn)
{
    uint16_t fl = emk_pci_get_word(fn, fn->msi.cap + EMK_PCI_MSI_FLAGS);

    return fn->msi.cap + ((fl & EMK_PCI_MSI_FLAGS_64BIT) ? 0x10 : 0x0c);
}

static int msi_per_vector(const emk_pci_fn *fn)
{
    return (emk_pci_get_word(fn, fn->msi.cap + EMK_PCI_MSI_FLAGS) &
            EMK_PCI_MSI_FLAGS_MASKBIT) != 0;
}

int emk_pci_msi_init(emk_pci_fn *fn, unsigned nvec, unsigned opts)
{
    unsigned log2 = 0, size;
    int is64 = (opts & EMK_PCI_MSI_64BIT) != 0;
    int pvm = (opts & EMK_PCI_MSI_PER_VECTOR_MASK) != 0;
    uint16_t fl;
    int off;

    if (fn->msi.cap || nvec < 1 || nvec > EMK_PCI_MSI_MAX_VECTORS ||
        (nvec & (nvec - 1)))
        return -EINVAL;
    while ((1u << log2) < nvec)
        log2++;
    size = is64 ? (pvm ? 0x18 : 0x0e) : (pvm ? 0x14 : 0x0a);
    off = emk_pci_cap_add(fn, EMK_PCI_CAP_ID_MSI, size);
    if (off < 0)
        return off;
    fl = (uint16_t)(log2 << 1);
    if (is64)
        fl |= EMK_PCI_MSI_FLAGS_64BIT;
    if (pvm)
        fl |= EMK_PCI_MSI_FLAGS_MASKBIT;
    fn->msi.cap = (uint8_t)off;
    fn->msi.nvec = (uint8_t)nvec;
    fn->msi.pending = 0;
    emk_pci_set_word(fn, off + EMK_PCI_MSI_FLAGS, fl);
    emk_pci_set_masks(fn, off + EMK_PCI_MSI_FLAGS, 2,
                      EMK_PCI_MSI_FLAGS_ENABLE | EMK_PCI_MSI_FLAGS_QSIZE, 0);
    emk_pci_set_masks(fn, off + EMK_PCI_MSI_ADDRESS_LO, 4, 0xfffffffcu, 0);
    if (is64)
        emk_pci_set_masks(fn, off + 8, 4, 0xffffffffu, 0);
    emk_pci_set_masks(fn, off + (is64 ? 0x0c : 0x08), 2, 0xffff, 0);
    if (pvm)
        emk_pci_set_masks(fn, msi_mask_off(fn), 4,
                          nvec == 32 ? 0xffffffffu : (1u << nvec) - 1, 0);
    return off;
}

int emk_pci_msi_enabled(const emk_pci_fn *fn)
{
    int on;

    emk_pci__lock(fn);
    on = fn->msi.cap &&
         (emk_pci_get_word(fn, fn->msi.cap + EMK_PCI_MSI_FLAGS) &
          EMK_PCI_MSI_FLAGS_ENABLE);
    emk_pci__unlock(fn);
    return on;
}

static unsigned msi_enabled_vectors(const emk_pci_fn *fn)
{
    uint16_t fl = emk_pci_get_word(fn, fn->msi.cap + EMK_PCI_MSI_FLAGS);
    unsigned mme = (fl & EMK_PCI_MSI_FLAGS_QSIZE) >> 4;
    unsigned n = 1u << (mme > 5 ? 5 : mme);

    return n < fn->msi.nvec ? n : fn->msi.nvec;
}

static void msi_sync_pending(emk_pci_fn *fn)
{
    if (msi_per_vector(fn))
        emk_pci_set_long(fn, msi_mask_off(fn) + 4, fn->msi.pending);
}

static int msi_send(emk_pci_fn *fn, unsigned vector)
{
    unsigned c = fn->msi.cap;
    uint16_t fl = emk_pci_get_word(fn, c + EMK_PCI_MSI_FLAGS);
    int is64 = (fl & EMK_PCI_MSI_FLAGS_64BIT) != 0;
    uint64_t addr = emk_pci_get_long(fn, c + EMK_PCI_MSI_ADDRESS_LO);
    uint32_t data = emk_pci_get_word(fn, c + (is64 ? 0x0c : 0x08));
    unsigned n = msi_enabled_vectors(fn);

    if (is64)
        addr |= (uint64_t)emk_pci_get_long(fn, c + 8) << 32;
    data = (data & ~(uint32_t)(n - 1)) | vector;
    return deliver(fn, addr, data);
}

static int msi_notify(emk_pci_fn *fn, unsigned vector)
{
    if (!emk_pci_msi_enabled(fn))
        return -ENOTCONN;
    if (vector >= msi_enabled_vectors(fn))
        return -EINVAL;
    if (msi_per_vector(fn) &&
        (emk_pci_get_long(fn, msi_mask_off(fn)) >> vector & 1)) {
        fn->msi.pending |= 1u << vector;
        msi_sync_pending(fn);
        return 1;
    }
    if (!emk_pci_bus_master(fn)) {
        fn->stat_msi_blocked++;
        return -EPERM;
    }
    return msi_send(fn, vector);
}

int emk_pci_msi_notify(emk_pci_fn *fn, unsigned vector)
{
    int ret;

    emk_pci__lock(fn);
    ret = msi_notify(fn, vector);
    emk_pci__unlock(fn);
    return ret;
}

static void msi_flush(emk_pci_fn *fn)
{
    uint32_t mask;
    unsigned v, n;

    if (!fn->msi.cap || !fn->msi.pending || !emk_pci_msi_enabled(fn) ||
        !emk_pci_bus_master(fn))
        return;
    mask = msi_per_vector(fn) ? emk_pci_get_long(fn, msi_mask_off(fn)) : 0;
    n = msi_enabled_vectors(fn);
    for (v = 0; v < n; v++) {
        uint32_t bit = 1u << v;

        if ((fn->msi.pending & bit) && !(mask & bit)) {
            fn->msi.pending &= ~bit;
            msi_send(fn, v);
        }
    }
    msi_sync_pending(fn);
}

/* ---- MSI-X -------------------------------------------------------------- */

size_t emk_pci_msix_storage_size(unsigned nvec)
{
    return (size_t)nvec * EMK_PCI_MSIX_ENTRY_SIZE + ((nvec + 63u) / 64u) * 8u;
}

static uint32_t msix_pba_size(unsigned nvec)
{
    return ((nvec + 63u) / 64u) * 8u;
}

int emk_pci_msix_enabled(const emk_pci_fn *fn)
{
    int on;

    emk_pci__lock(fn);
    on = fn->msix.cap &&
         (emk_pci_get_word(fn, fn->msix.cap + EMK_PCI_MSIX_FLAGS) &
          EMK_PCI_MSIX_FLAGS_ENABLE);
    emk_pci__unlock(fn);
    return on;
}

static int msix_fn_masked(const emk_pci_fn *fn)
{
    return (emk_pci_get_word(fn, fn->msix.cap + EMK_PCI_MSIX_FLAGS) &
            EMK_PCI_MSIX_FLAGS_MASKALL) != 0;
}

static int msix_vec_masked(const emk_pci_fn *fn, unsigned v)
{
    return fn->msix.table[v * 16u + EMK_PCI_MSIX_ENTRY_VECTOR_CTRL] &
           EMK_PCI_MSIX_ENTRY_CTRL_MASKBIT;
}

int emk_pci_msix_masked(const emk_pci_fn *fn, unsigned vector)
{
    int m;

    if (!fn->msix.cap || vector >= fn->msix.nvec)
        return 1;
    emk_pci__lock(fn);
    m = msix_fn_masked(fn) || msix_vec_masked(fn, vector);
    emk_pci__unlock(fn);
    return m;
}

int emk_pci_msix_pending(const emk_pci_fn *fn, unsigned vector)
{
    int p;

    if (!fn->msix.cap || vector >= fn->msix.nvec)
        return 0;
    emk_pci__lock(fn);
    p = (fn->msix.pba[vector / 8] >> (vector % 8)) & 1;
    emk_pci__unlock(fn);
    return p;
}

static void msix_set_pending(emk_pci_fn *fn, unsigned v, int on)
{
    uint8_t bit = (uint8_t)(1u << (v % 8));

    if (on)
        fn->msix.pba[v / 8] |= bit;
    else
        fn->msix.pba[v / 8] &= (uint8_t)~bit;
}

void emk_pci_msix_clear_pending(emk_pci_fn *fn, unsigned vector)
{
    if (fn->msix.cap && vector < fn->msix.nvec) {
        emk_pci__lock(fn);
        msix_set_pending(fn, vector, 0);
        emk_pci__unlock(fn);
    }
}

static int msix_send(emk_pci_fn *fn, unsigned v)
{
    const uint8_t *e = fn->msix.table + v * 16u;
    uint64_t addr = 0;
    uint32_t data = 0;
    unsigned i;

    for (i = 0; i < 8; i++)
        addr |= (uint64_t)e[i] << (8 * i);
    for (i = 0; i < 4; i++)
        data |= (uint32_t)e[8 + i] << (8 * i);
    msix_set_pending(fn, v, 0);
    return deliver(fn, addr, data);
}

static int msix_notify(emk_pci_fn *fn, unsigned vector)
{
    if (!fn->msix.cap || vector >= fn->msix.nvec)
        return -EINVAL;
    if (!emk_pci_msix_enabled(fn))
        return -ENOTCONN;
    if (msix_fn_masked(fn) || msix_vec_masked(fn, vector)) {
        msix_set_pending(fn, vector, 1);
        return 1;
    }
    if (!emk_pci_bus_master(fn)) {
        msix_set_pending(fn, vector, 1);
        fn->stat_msi_blocked++;
        return -EPERM;
    }
    return msix_send(fn, vector);
}

/* Any thread: the check of the masks and the pending bit it may set are
 * one step against a vCPU unmasking (and flushing) at the same time. */
int emk_pci_msix_notify(emk_pci_fn *fn, unsigned vector)
{
    int ret;

    emk_pci__lock(fn);
    ret = msix_notify(fn, vector);
    emk_pci__unlock(fn);
    return ret;
}

/* Sends every pending vector that is no longer masked. */
static void msix_flush(emk_pci_fn *fn, unsigned first, unsigned last)
{
    unsigned v;

    if (!fn->msix.cap || !emk_pci_msix_enabled(fn) || msix_fn_masked(fn) ||
        !emk_pci_bus_master(fn))
        return;
    if (last >= fn->msix.nvec)
        last = fn->msix.nvec - 1u;
    for (v = first; v <= last; v++)
        if (emk_pci_msix_pending(fn, v) && !msix_vec_masked(fn, v))
            msix_send(fn, v);
}

int emk_pci_msix_mmio(emk_pci_fn *fn, unsigned bar, uint64_t off,
                      unsigned size, uint64_t *value, int is_write)
{
    emk_pci_msix_state *m = &fn->msix;
    uint64_t tsz, psz, v = 0;
    unsigned i;
    int in_table, in_pba;

    if (!m->cap || size < 1 || size > 8 || (is_write && !value))
        return 0;
    tsz = (uint64_t)m->nvec * 16u;
    psz = msix_pba_size(m->nvec);
    in_table = bar == m->table_bar && off >= m->table_off &&
               off - m->table_off < tsz;
    in_pba = bar == m->pba_bar && off >= m->pba_off && off - m->pba_off < psz;
    if (!in_table && !in_pba)
        return 0;
    emk_pci__lock(fn);
    if (!is_write) {
        for (i = 0; i < size; i++) {
            uint64_t o = off + i;
            uint8_t b = 0;

            if (bar == m->table_bar && o >= m->table_off &&
                o - m->table_off < tsz)
                b = m->table[o - m->table_off];
            else if (bar == m->pba_bar && o >= m->pba_off &&
                     o - m->pba_off < psz)
                b = m->pba[o - m->pba_off];
            v |= (uint64_t)b << (8 * i);
        }
        if (value)
            *value = v;
        emk_pci__unlock(fn);
        return 1;
    }
    /* writes: only the table is writable (the PBA is read-only) */
    if (in_table) {
        uint64_t t0 = off - m->table_off;
        uint64_t n = tsz - t0 < size ? tsz - t0 : size;

        for (i = 0; i < n; i++) {
            uint64_t t = t0 + i;
            uint8_t b = (uint8_t)(*value >> (8 * i));
            unsigned field = (unsigned)(t % 16u);

            if (field < EMK_PCI_MSIX_ENTRY_VECTOR_CTRL)
                m->table[t] = b;
            else if (field == EMK_PCI_MSIX_ENTRY_VECTOR_CTRL)
                m->table[t] = (uint8_t)((m->table[t] & ~1u) | (b & 1u));
        }
        msix_flush(fn, (unsigned)(t0 / 16u), (unsigned)((t0 + n - 1) / 16u));
        emk_pci__unlock(fn);
        if (fn->ops && fn->ops->msi_changed)
            fn->ops->msi_changed(fn);
        return 1;
    }
    emk_pci__unlock(fn);
    return 1;
}

static int msix_region_read(void *opaque, uint64_t off, unsigned size,
                            uint64_t *value)
{
    emk_pci_fn *fn = opaque;

    if (!emk_pci_msix_mmio(fn, fn->msix.table_bar, off, size, value, 0))
        *value = 0;
    return 0;
}

static int msix_region_write(void *opaque, uint64_t off, unsigned size,
                             uint64_t value)
{
    emk_pci_fn *fn = opaque;

    emk_pci_msix_mmio(fn, fn->msix.table_bar, off, size, &value, 1);
    return 0;
}

int emk_pci_msix_init(emk_pci_fn *fn, unsigned nvec, unsigned table_bar,
                      uint32_t table_off, unsigned pba_bar, uint32_t pba_off,
                      void *storage)
{
    emk_pci_msix_state *m = &fn->msix;
    uint64_t tend = (uint64_t)table_off + (uint64_t)nvec * 16u;
    uint64_t pend = (uint64_t)pba_off + msix_pba_size(nvec);
    unsigned nb = emk_pci__num_bars(fn), v;
    int own = 0, off, err;

    if (m->cap || !storage || nvec < 1 || nvec > EMK_PCI_MSIX_MAX_VECTORS ||
        table_bar >= nb || pba_bar >= nb || (table_off & 7) || (pba_off & 7))
        return -EINVAL;
    if (table_bar == pba_bar && table_off < pend && pba_off < tend)
        return -EINVAL;                 /* table and PBA overlap */
    if (!fn->bars[table_bar].region) {
        uint64_t end = tend > pend ? tend : pend;

        if (pba_bar != table_bar || (table_bar > 0 &&
            (fn->bars[table_bar - 1].flags & EMK_PCI_BAR_MEM64) &&
            fn->bars[table_bar - 1].region))
            return -EBUSY;
        own = 1;
        m->region_ops.read = msix_region_read;
        m->region_ops.write = msix_region_write;
        m->region_ops.valid_sizes = EMK_SIZE_4 | EMK_SIZE_8;
        m->region_ops.flags = 0;
        m->region.name = "msix";
        m->region.ops = &m->region_ops;
        m->region.opaque = fn;
        m->region.size = end < 4096 ? 4096 : end;
        m->region.space = EMK_SPACE_MEM;
    } else {
        if (tend > fn->bars[table_bar].size ||
            !fn->bars[pba_bar].region || pend > fn->bars[pba_bar].size)
            return -EINVAL;
    }
    off = emk_pci_cap_add(fn, EMK_PCI_CAP_ID_MSIX, 12);
    if (off < 0)
        return off;
    m->nvec = (uint16_t)nvec;
    m->table_bar = (uint8_t)table_bar;
    m->pba_bar = (uint8_t)pba_bar;
    m->table_off = table_off;
    m->pba_off = pba_off;
    m->table = storage;
    m->pba = m->table + (size_t)nvec * 16u;
    memset(storage, 0, emk_pci_msix_storage_size(nvec));
    for (v = 0; v < nvec; v++)
        m->table[v * 16u + EMK_PCI_MSIX_ENTRY_VECTOR_CTRL] =
            EMK_PCI_MSIX_ENTRY_CTRL_MASKBIT;
    emk_pci_set_word(fn, off + EMK_PCI_MSIX_FLAGS, (uint16_t)(nvec - 1));
    emk_pci_set_masks(fn, off + EMK_PCI_MSIX_FLAGS, 2,
                      EMK_PCI_MSIX_FLAGS_MASKALL | EMK_PCI_MSIX_FLAGS_ENABLE, 0);
    emk_pci_set_long(fn, off + EMK_PCI_MSIX_TABLE, table_off | table_bar);
    emk_pci_set_long(fn, off + EMK_PCI_MSIX_PBA, pba_off | pba_bar);
    m->cap = (uint8_t)off;
    if (own) {
        err = emk_pci_bar_register(fn, table_bar, &m->region, EMK_PCI_BAR_MEM32);
        if (err < 0) {
            m->cap = 0;
            return err;
        }
    }
    return off;
}

void emk_pci__msi_reset(emk_pci_fn *fn)
{
    unsigned v;

    emk_pci__lock(fn);

    fn->msi.pending = 0;
    if (fn->msi.cap)
        msi_sync_pending(fn);
    if (fn->msix.cap) {
        memset(fn->msix.table, 0, emk_pci_msix_storage_size(fn->msix.nvec));
        for (v = 0; v < fn->msix.nvec; v++)
            fn->msix.table[v * 16u + EMK_PCI_MSIX_ENTRY_VECTOR_CTRL] =
                EMK_PCI_MSIX_ENTRY_CTRL_MASKBIT;
    }
    emk_pci__unlock(fn);
}

/* ---- config-space hooks ---------------------------------------------------- */

void emk_pci__msi_config_written(emk_pci_fn *fn, uint32_t off, unsigned len)
{
    (void)off;
    (void)len;
    emk_pci__lock(fn);
    emk_pci__intx_update(fn);
    if (fn->msi.cap) {
        /* a vector enabled by MME shrinking no longer exists */
        if (fn->msi.pending && msi_enabled_vectors(fn) < 32)
            fn->msi.pending &= (1u << msi_enabled_vectors(fn)) - 1u;
        msi_flush(fn);
        msi_sync_pending(fn);
    }
    if (fn->msix.cap)
        msix_flush(fn, 0, fn->msix.nvec - 1u);
    emk_pci__unlock(fn);
    if (fn->ops && fn->ops->msi_changed)
        fn->ops->msi_changed(fn);
}

void emk_pci__msi_bus_master_on(emk_pci_fn *fn)
{
    emk_pci__lock(fn);
    msi_flush(fn);
    if (fn->msix.cap)
        msix_flush(fn, 0, fn->msix.nvec - 1u);
    emk_pci__unlock(fn);
}
