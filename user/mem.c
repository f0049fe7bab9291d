#define _GNU_SOURCE 1 /* mremap */
/*
 * mem.c - the guest address space: one PROT_NONE host reservation, the
 * list of guest mappings in it, and mmap, munmap, mprotect, mremap and brk
 * on top of host mmap(MAP_FIXED) inside the reservation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "compat.h"
#include "user.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

enum { G_MAP_SHARED = 0x01, G_MAP_PRIVATE = 0x02, G_MAP_FIXED = 0x10,
       G_MAP_ANON = 0x20, G_MAP_FIXED_NOREPLACE = 0x100000,
       G_MREMAP_MAYMOVE = 1, G_MREMAP_FIXED = 2 };

static uint64_t page_up(uint64_t v) { return (v + EMK_USER_PAGE - 1) & ~(uint64_t)(EMK_USER_PAGE - 1); }

int emk_user_mem_init(emk_uproc *p)
{
    void *m;

    p->size = (uint64_t)1 << EMK_USER_SPACE_BITS;
    m = mmap(NULL, p->size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return -errno;
    p->base = m;
    p->maps = calloc(EMK_USER_MAX_MAPS, sizeof(*p->maps));
    if (!p->maps)
        return -ENOMEM;
    p->mmap_top = p->size - ((uint64_t)1 << 32);   /* stack lives above */
    pthread_mutex_init(&p->lock, NULL);
    return 0;
}

void *emk_user_g2h(emk_uproc *p, uint64_t ga, uint64_t len)
{
    if (ga > p->size || len > p->size - ga)
        return NULL;
    return p->base + ga;
}

const char *emk_user_str(emk_uproc *p, uint64_t ga, size_t max)
{
    uint64_t i;

    if (ga == 0 || ga >= p->size)
        return NULL;
    for (i = 0; i < max && ga + i < p->size; i++)
        if (p->base[ga + i] == 0)
            return (const char *)p->base + ga;
    return NULL;
}

/* Drops [s, e) from the list (splitting entries).  Lock held. */
static int list_remove(emk_uproc *p, uint64_t s, uint64_t e)
{
    int i, j = 0;
    emk_umap extra = { 0, 0, 0 };
    int have_extra = 0;

    for (i = 0; i < p->nmaps; i++) {
        emk_umap m = p->maps[i];
        if (m.end <= s || m.start >= e) {
            p->maps[j++] = m;
            continue;
        }
        if (m.start < s && m.end > e) {
            extra.start = e;
            extra.end = m.end;
            extra.prot = m.prot;
            have_extra = 1;
            m.end = s;
            p->maps[j++] = m;
            continue;
        }
        if (m.start < s) {
            m.end = s;
            p->maps[j++] = m;
        } else if (m.end > e) {
            m.start = e;
            p->maps[j++] = m;
        }
    }
    p->nmaps = j;
    if (have_extra) {
        if (p->nmaps >= EMK_USER_MAX_MAPS)
            return -ENOMEM;
        p->maps[p->nmaps++] = extra;
    }
    return 0;
}

static int cmp_map(const void *a, const void *b)
{
    const emk_umap *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int list_add(emk_uproc *p, uint64_t s, uint64_t e, int prot)
{
    if (list_remove(p, s, e) < 0 || p->nmaps >= EMK_USER_MAX_MAPS)
        return -ENOMEM;
    p->maps[p->nmaps].start = s;
    p->maps[p->nmaps].end = e;
    p->maps[p->nmaps].prot = prot;
    p->nmaps++;
    qsort(p->maps, (size_t)p->nmaps, sizeof(*p->maps), cmp_map);
    return 0;
}

static int overlaps(emk_uproc *p, uint64_t s, uint64_t e)
{
    int i;

    for (i = 0; i < p->nmaps; i++)
        if (p->maps[i].start < e && p->maps[i].end > s)
            return 1;
    return 0;
}

/* Bytes of [s, e) covered by mappings. */
static uint64_t covered(emk_uproc *p, uint64_t s, uint64_t e)
{
    uint64_t c = 0;
    int i;

    for (i = 0; i < p->nmaps; i++) {
        uint64_t a = p->maps[i].start > s ? p->maps[i].start : s;
        uint64_t b = p->maps[i].end < e ? p->maps[i].end : e;
        if (a < b)
            c += b - a;
    }
    return c;
}

/* Highest free gap of len bytes below mmap_top. */
static uint64_t find_free(emk_uproc *p, uint64_t len)
{
    uint64_t top = p->mmap_top;
    int i;

    for (i = p->nmaps - 1; i >= -1; i--) {
        uint64_t lo = i >= 0 ? p->maps[i].end : EMK_USER_PAGE * 16;
        if (i >= 0 && p->maps[i].start >= top)
            continue;
        if (lo < top && top - lo >= len)
            return top - len;
        if (i >= 0 && p->maps[i].start < top)
            top = p->maps[i].start;
    }
    return 0;
}

static int host_prot(int prot)
{
    return prot & (PROT_READ | PROT_WRITE);
}

long emk_user_mmap(emk_uproc *p, uint64_t addr, uint64_t len, int prot, int flags,
                   int fd, uint64_t off)
{
    uint64_t a;
    void *r;
    int hflags;

    if (len == 0 || (off & (EMK_USER_PAGE - 1)))
        return -EINVAL;
    len = page_up(len);
    if (len == 0 || len > p->size)
        return -ENOMEM;
    pthread_mutex_lock(&p->lock);
    if (flags & (G_MAP_FIXED | G_MAP_FIXED_NOREPLACE)) {
        if (addr & (EMK_USER_PAGE - 1)) {
            pthread_mutex_unlock(&p->lock);
            return -EINVAL;
        }
        if (addr > p->size - len || addr < EMK_USER_PAGE) {
            pthread_mutex_unlock(&p->lock);
            return -ENOMEM;
        }
        if ((flags & G_MAP_FIXED_NOREPLACE) && !(flags & G_MAP_FIXED) &&
            overlaps(p, addr, addr + len)) {
            pthread_mutex_unlock(&p->lock);
            return -EEXIST;
        }
        a = addr;
    } else {
        a = page_up(addr);
        if (!a || a > p->size - len || a < EMK_USER_PAGE * 16 || overlaps(p, a, a + len))
            a = find_free(p, len);
        if (!a) {
            pthread_mutex_unlock(&p->lock);
            return -ENOMEM;
        }
    }
    hflags = (flags & ~(G_MAP_FIXED_NOREPLACE)) | MAP_FIXED;
    r = mmap(p->base + a, len, host_prot(prot), hflags, fd, (off_t)off);
    if (r == MAP_FAILED) {
        long e = -errno;
        pthread_mutex_unlock(&p->lock);
        return e;
    }
    if (list_add(p, a, a + len, prot) < 0) {
        mmap(p->base + a, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
        pthread_mutex_unlock(&p->lock);
        return -ENOMEM;
    }
    pthread_mutex_unlock(&p->lock);
    if (prot & PROT_EXEC)
        emk_user_flush_code(p);
    return (long)a;
}

/* Back to reserved.  Lock held. */
static int unmap_locked(emk_uproc *p, uint64_t a, uint64_t len)
{
    if (mmap(p->base + a, len, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED)
        return -errno;
    return list_remove(p, a, a + len);
}

long emk_user_munmap(emk_uproc *p, uint64_t addr, uint64_t len)
{
    int r;

    if ((addr & (EMK_USER_PAGE - 1)) || len == 0)
        return -EINVAL;
    len = page_up(len);
    if (addr > p->size || len > p->size - addr)
        return -EINVAL;
    pthread_mutex_lock(&p->lock);
    r = unmap_locked(p, addr, len);
    pthread_mutex_unlock(&p->lock);
    emk_user_flush_code(p);
    return r;
}

long emk_user_mprotect(emk_uproc *p, uint64_t addr, uint64_t len, int prot)
{
    int i;

    if (addr & (EMK_USER_PAGE - 1))
        return -EINVAL;
    len = page_up(len);
    if (addr > p->size || len > p->size - addr)
        return -ENOMEM;
    if (len == 0)
        return 0;
    pthread_mutex_lock(&p->lock);
    if (covered(p, addr, addr + len) != len) {
        pthread_mutex_unlock(&p->lock);
        return -ENOMEM;
    }
    if (mprotect(p->base + addr, len, host_prot(prot)) < 0) {
        long e = -errno;
        pthread_mutex_unlock(&p->lock);
        return e;
    }
    /* split at the edges, then set the protection inside */
    for (i = 0; i < p->nmaps; i++) {
        emk_umap m = p->maps[i];
        if (m.start < addr && m.end > addr) {
            p->maps[i].end = addr;
            list_add(p, addr, m.end, m.prot);
            i = -1;
        } else if (m.start < addr + len && m.end > addr + len) {
            p->maps[i].end = addr + len;
            list_add(p, addr + len, m.end, m.prot);
            i = -1;
        }
    }
    for (i = 0; i < p->nmaps; i++)
        if (p->maps[i].start >= addr && p->maps[i].end <= addr + len)
            p->maps[i].prot = prot;
    pthread_mutex_unlock(&p->lock);
    emk_user_flush_code(p);
    return 0;
}

long emk_user_brk(emk_uproc *p, uint64_t addr)
{
    uint64_t old_end, new_end;

    pthread_mutex_lock(&p->lock);
    if (addr < p->brk_start || addr > p->mmap_top) {
        addr = p->brk_cur;
        pthread_mutex_unlock(&p->lock);
        return (long)addr;
    }
    old_end = page_up(p->brk_cur);
    new_end = page_up(addr);
    if (new_end > old_end) {
        void *r;
        if (overlaps(p, old_end, new_end)) {
            addr = p->brk_cur;
            pthread_mutex_unlock(&p->lock);
            return (long)addr;
        }
        r = mmap(p->base + old_end, new_end - old_end, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (r == MAP_FAILED || list_add(p, old_end, new_end, PROT_READ | PROT_WRITE) < 0) {
            addr = p->brk_cur;
            pthread_mutex_unlock(&p->lock);
            return (long)addr;
        }
    } else if (new_end < old_end) {
        unmap_locked(p, new_end, old_end - new_end);
    }
    p->brk_cur = addr;
    pthread_mutex_unlock(&p->lock);
    return (long)addr;
}

long emk_user_mremap(emk_uproc *p, uint64_t old, uint64_t olen, uint64_t nlen,
                     int flags, uint64_t naddr)
{
    uint64_t dst;
    void *r;
    int prot = PROT_READ | PROT_WRITE, i;

    if ((old & (EMK_USER_PAGE - 1)) || nlen == 0)
        return -EINVAL;
    olen = page_up(olen);
    nlen = page_up(nlen);
    if (old > p->size || olen > p->size - old || nlen > p->size)
        return -EFAULT;
    pthread_mutex_lock(&p->lock);
    if (covered(p, old, old + olen) != olen) {
        pthread_mutex_unlock(&p->lock);
        return -EFAULT;
    }
    for (i = 0; i < p->nmaps; i++)
        if (p->maps[i].start <= old && p->maps[i].end > old)
            prot = p->maps[i].prot;
    if (nlen <= olen) {
        if (nlen < olen)
            unmap_locked(p, old + nlen, olen - nlen);
        pthread_mutex_unlock(&p->lock);
        return (long)old;
    }
    if (flags & G_MREMAP_FIXED) {
        dst = naddr;
        if ((dst & (EMK_USER_PAGE - 1)) || dst > p->size - nlen) {
            pthread_mutex_unlock(&p->lock);
            return -EINVAL;
        }
    } else if (old + nlen <= p->size && !overlaps(p, old + olen, old + nlen)) {
        dst = old;
    } else if (flags & G_MREMAP_MAYMOVE) {
        dst = find_free(p, nlen);
        if (!dst) {
            pthread_mutex_unlock(&p->lock);
            return -ENOMEM;
        }
    } else {
        pthread_mutex_unlock(&p->lock);
        return -ENOMEM;
    }
    if (dst == old) {
        r = mmap(p->base + old + olen, nlen - olen, host_prot(prot),
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (r == MAP_FAILED) {
            long e = -errno;
            pthread_mutex_unlock(&p->lock);
            return e;
        }
        list_add(p, old + olen, old + nlen, prot);
        pthread_mutex_unlock(&p->lock);
        return (long)old;
    }
    /* the host moves the pages (keeps shared/file mappings intact) */
    r = mremap(p->base + old, olen, nlen, MREMAP_MAYMOVE | MREMAP_FIXED, p->base + dst);
    if (r == MAP_FAILED) {
        long e = -errno;
        pthread_mutex_unlock(&p->lock);
        return e;
    }
    if (dst != old) {
        /* the old range is a hole in the reservation now: re-reserve it */
        mmap(p->base + old, olen, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
             MAP_NORESERVE, -1, 0);
        list_remove(p, old, old + olen);
    }
    list_add(p, dst, dst + nlen, prot);
    pthread_mutex_unlock(&p->lock);
    emk_user_flush_code(p);
    return (long)dst;
}

void emk_user_flush_code(emk_uproc *p)
{
    emk_uthread *t;

    pthread_mutex_lock(&p->lock);
    for (t = p->threads; t; t = t->next)
        emk_rv64_kick(&t->cpu, EMK_RV64_REQ_FLUSH);
    pthread_mutex_unlock(&p->lock);
}

int emk_user_mapped(emk_uproc *p, uint64_t addr)
{
    int r;

    pthread_mutex_lock(&p->lock);
    r = covered(p, addr & ~(uint64_t)(EMK_USER_PAGE - 1),
                (addr & ~(uint64_t)(EMK_USER_PAGE - 1)) + EMK_USER_PAGE) != 0;
    pthread_mutex_unlock(&p->lock);
    return r;
}
