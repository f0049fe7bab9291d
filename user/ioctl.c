/*
 * ioctl.c - the ioctl table: every supported request with its argument
 * kind; struct arguments go through their descriptors (guest -> host ->
 * guest), plain integers pass as they are, and an unknown request with a
 * pointer argument is refused with ENOTTY.  The same table names and
 * decodes the third argument for -strace.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "compat.h"
#include "khost.h"
#include "names.h"
#include "structs.h"
#include "sys.h"
#include "sysh.h"

enum ioctl_kind {
    IK_NONE,      /* no third argument */
    IK_INT,       /* a plain integer */
    IK_PINT_OUT,  /* int * written: [v] */
    IK_PINT_IN,   /* int * read: [v] */
    IK_PU64_OUT,  /* u64 * written: [v] */
    IK_PLONG_OUT, /* unsigned long * written */
    IK_RANGE_IN,  /* u64[2] read: [start, len] */
    IK_S_OUT,     /* struct written */
    IK_S_IN,      /* struct read */
    IK_S_INOUT,   /* struct read and written */
    IK_FIEMAP,    /* struct fiemap + extents */
    IK_IFCONF,    /* struct ifconf + ifreq array */
    IK_DM         /* struct dm_ioctl + data_size bytes */
};

typedef struct ioctl_def {
    uint32_t nr;
    const char *name;
    int kind;
    const emk_ustruct *s;
    const emk_unames *flags;   /* for an int argument printed as flags */
} ioctl_def;

static const emk_unames n_fsflags[] = {
    { 1, "FS_SECRM_FL" }, { 2, "FS_UNRM_FL" }, { 4, "FS_COMPR_FL" }, { 8, "FS_SYNC_FL" },
    { 0x10, "FS_IMMUTABLE_FL" }, { 0x20, "FS_APPEND_FL" }, { 0x40, "FS_NODUMP_FL" },
    { 0x80, "FS_NOATIME_FL" }, { 0x100, "FS_DIRTY_FL" }, { 0x200, "FS_COMPRBLK_FL" },
    { 0x400, "FS_NOCOMP_FL" }, { 0x800, "FS_ENCRYPT_FL" }, { 0x1000, "FS_INDEX_FL" },
    { 0x2000, "FS_IMAGIC_FL" }, { 0x4000, "FS_JOURNAL_DATA_FL" }, { 0x8000, "FS_NOTAIL_FL" },
    { 0x10000, "FS_DIRSYNC_FL" }, { 0x20000, "FS_TOPDIR_FL" }, { 0x40000, "FS_HUGE_FILE_FL" },
    { 0x80000, "FS_EXTENT_FL" }, { 0x100000, "FS_VERITY_FL" }, { 0x200000, "FS_EA_INODE_FL" },
    { 0x400000, "FS_EOFBLOCKS_FL" }, { 0x800000, "FS_NOCOW_FL" }, { 0x2000000, "FS_DAX_FL" },
    { 0x10000000, "FS_INLINE_DATA_FL" }, { 0x20000000, "FS_PROJINHERIT_FL" },
    { 0x40000000, "FS_CASEFOLD_FL" }, { 0x80000000u, "FS_RESERVED_FL" }, { 0, NULL } };

static const ioctl_def defs[] = {
    /* terminal */
    { 0x5401, "TCGETS", IK_S_OUT, &emk_us_termios, NULL },
    { 0x5402, "SNDCTL_TMR_START or TCSETS", IK_S_IN, &emk_us_termios, NULL },
    { 0x5403, "SNDCTL_TMR_STOP or TCSETSW", IK_S_IN, &emk_us_termios, NULL },
    { 0x5404, "SNDCTL_TMR_CONTINUE or TCSETSF", IK_S_IN, &emk_us_termios, NULL },
    { 0x540e, "TIOCSCTTY", IK_INT, NULL, NULL },
    { 0x540f, "TIOCGPGRP", IK_PINT_OUT, NULL, NULL },
    { 0x5410, "TIOCSPGRP", IK_PINT_IN, NULL, NULL },
    { 0x5411, "TIOCOUTQ", IK_PINT_OUT, NULL, NULL },
    { 0x5413, "TIOCGWINSZ", IK_S_OUT, &emk_us_winsize, NULL },
    { 0x5414, "TIOCSWINSZ", IK_S_IN, &emk_us_winsize, NULL },
    { 0x541b, "FIONREAD", IK_PINT_OUT, NULL, NULL },
    { 0x5421, "FIONBIO", IK_PINT_IN, NULL, NULL },
    { 0x5422, "TIOCNOTTY", IK_NONE, NULL, NULL },
    { 0x5429, "TIOCGSID", IK_PINT_OUT, NULL, NULL },
    { 0x5450, "FIONCLEX", IK_NONE, NULL, NULL },
    { 0x5451, "FIOCLEX", IK_NONE, NULL, NULL },
    { 0x80045430, "TIOCGPTN", IK_PINT_OUT, NULL, NULL },
    { 0x40045431, "TIOCSPTLCK", IK_PINT_IN, NULL, NULL },
    /* filesystem */
    { 0xc0045877, "FIFREEZE", IK_NONE, NULL, NULL },
    { 0xc0045878, "FITHAW", IK_NONE, NULL, NULL },
    { 0x80086601, "FS_IOC_GETFLAGS", IK_PINT_OUT, NULL, n_fsflags },
    { 0x40086602, "FS_IOC_SETFLAGS", IK_PINT_IN, NULL, n_fsflags },
    { 0x801c581f, "FS_IOC_FSGETXATTR", IK_S_OUT, &emk_us_fsxattr, NULL },
    { 0x401c5820, "FS_IOC_FSSETXATTR", IK_S_IN, &emk_us_fsxattr, NULL },
    { 0x40049409, "BTRFS_IOC_CLONE or FICLONE", IK_INT, NULL, NULL },
    { 0xc020660b, "FS_IOC_FIEMAP", IK_FIEMAP, &emk_us_fiemap, NULL },
    /* block */
    { 0x80081272, "BLKGETSIZE64", IK_PU64_OUT, NULL, NULL },
    { 0x1260, "BLKGETSIZE", IK_PLONG_OUT, NULL, NULL },
    { 0x1268, "BLKSSZGET", IK_PINT_OUT, NULL, NULL },
    { 0x127b, "BLKPBSZGET", IK_PINT_OUT, NULL, NULL },
    { 0x125e, "BLKROGET", IK_PINT_OUT, NULL, NULL },
    { 0x1261, "BLKFLSBUF", IK_NONE, NULL, NULL },
    { 0x1277, "BLKDISCARD", IK_RANGE_IN, NULL, NULL },
    { 0x127f, "BLKZEROOUT", IK_RANGE_IN, NULL, NULL },
    /* net */
    { 0x8912, "SIOCGIFCONF", IK_IFCONF, &emk_us_ifconf, NULL },
    { 0x8913, "SIOCGIFFLAGS", IK_S_INOUT, &emk_us_ifreq_flags, NULL },
    { 0x8914, "SIOCSIFFLAGS", IK_S_IN, &emk_us_ifreq_flags, NULL },
    { 0x8933, "SIOCGIFINDEX", IK_S_INOUT, &emk_us_ifreq_index, NULL },
    { 0x400454ca, "TUNSETIFF", IK_S_INOUT, &emk_us_ifreq_tun, NULL },
    { 0x800454d2, "TUNGETIFF", IK_S_OUT, &emk_us_ifreq_tun, NULL },
    /* loop */
    { 0x4c00, "LOOP_SET_FD", IK_INT, NULL, NULL },
    { 0x4c01, "LOOP_CLR_FD", IK_NONE, NULL, NULL },
    { 0x4c04, "LOOP_SET_STATUS64", IK_S_IN, &emk_us_loop_info64, NULL },
    { 0x4c05, "LOOP_GET_STATUS64", IK_S_OUT, &emk_us_loop_info64, NULL },
    { 0x4c07, "LOOP_SET_CAPACITY", IK_NONE, NULL, NULL },
    { 0x4c09, "LOOP_SET_BLOCK_SIZE", IK_INT, NULL, NULL },
    { 0x4c80, "LOOP_CTL_ADD", IK_INT, NULL, NULL },
    { 0x4c81, "LOOP_CTL_REMOVE", IK_INT, NULL, NULL },
    { 0x4c82, "LOOP_CTL_GET_FREE", IK_NONE, NULL, NULL },
    /* random */
    { 0x80045200, "RNDGETENTCNT", IK_PINT_OUT, NULL, NULL },
    /* device-mapper (QEMU has none of these) */
    { 0xc138fd00, "DM_VERSION", IK_DM, &emk_us_dm_ioctl, NULL },
    { 0xc138fd01, "DM_REMOVE_ALL", IK_DM, &emk_us_dm_ioctl, NULL },
    { 0xc138fd02, "DM_LIST_DEVICES", IK_DM, &emk_us_dm_ioctl, NULL },
    { 0xc138fd03, "DM_DEV_CREATE", IK_DM, &emk_us_dm_ioctl, NULL },
    { 0xc138fd04, "DM_DEV_REMOVE", IK_DM, &emk_us_dm_ioctl, NULL },
    { 0xc138fd07, "DM_DEV_STATUS", IK_DM, &emk_us_dm_ioctl, NULL },
    { 0xc138fd0d, "DM_LIST_VERSIONS", IK_DM, &emk_us_dm_ioctl, NULL },
    { 0, NULL, 0, NULL, NULL }
};

static const ioctl_def *find(uint32_t nr)
{
    const ioctl_def *d;

    for (d = defs; d->name; d++)
        if (d->nr == nr)
            return d;
    return NULL;
}

long emk_user_sys_ioctl(emk_uthread *t, uint64_t *a)
{
    const ioctl_def *d = find((uint32_t)a[1]);
    int fd = (int)a[0];
    unsigned long req = (unsigned long)(uint32_t)a[1];
    uint8_t tmp[512];
    long r;

    if (!d) {
        /* an unknown request passes only when its argument is no pointer */
        if (((uint32_t)a[1] >> 16) & 0x3fff)
            return -ENOTTY;
        return emk_hret(ioctl(fd, req, (unsigned long)a[2]));
    }
    switch (d->kind) {
    case IK_NONE:
        return emk_hret(ioctl(fd, req, 0UL));
    case IK_INT:
        return emk_hret(ioctl(fd, req, (unsigned long)a[2]));
    case IK_PINT_OUT: case IK_PINT_IN: {
        uint8_t *h = GP(t, a[2], 4);
        int v;
        if (!h || !a[2])
            return -EFAULT;
        v = (int)emk_le32(h);
        r = emk_hret(ioctl(fd, req, &v));
        if (r >= 0 && d->kind == IK_PINT_OUT)
            emk_st_le32(h, (uint32_t)v);
        return r;
    }
    case IK_PU64_OUT: case IK_PLONG_OUT: {
        uint8_t *h = GP(t, a[2], 8);
        uint64_t v = 0;
        if (!h || !a[2])
            return -EFAULT;
        r = emk_hret(ioctl(fd, req, &v));
        if (r >= 0)
            emk_st_le64(h, v);
        return r;
    }
    case IK_RANGE_IN: {
        uint8_t *h = GP(t, a[2], 16);
        uint64_t v[2];
        if (!h || !a[2])
            return -EFAULT;
        v[0] = emk_le64(h);
        v[1] = emk_le64(h + 8);
        return emk_hret(ioctl(fd, req, v));
    }
    case IK_S_OUT: case IK_S_IN: case IK_S_INOUT:
        if (d->s->hsize > sizeof(tmp))
            return -ENOTTY;
        memset(tmp, 0, sizeof(tmp));
        if (d->kind != IK_S_OUT) {
            if (emk_user_get_struct(t, d->s, a[2], tmp) < 0)
                return -EFAULT;
        } else if (!a[2] || !GP(t, a[2], emk_ustruct_gsize(d->s, &emk_uabi_rv64))) {
            return -EFAULT;
        }
        r = emk_hret(ioctl(fd, req, tmp));
        if (r >= 0 && d->kind != IK_S_IN)
            emk_user_put_struct(t, d->s, a[2], tmp);
        return r;
    case IK_FIEMAP: {
        uint8_t *g = GP(t, a[2], 32), *buf;
        uint32_t cnt;
        size_t sz;
        emk_k_fiemap *fm;
        uint32_t i;
        if (!g || !a[2])
            return -EFAULT;
        cnt = emk_le32(g + 24);
        if (cnt > 4096)
            return -EINVAL;
        sz = sizeof(emk_k_fiemap) + cnt * sizeof(emk_k_fiemap_extent);
        if (!GP(t, a[2], 32 + (uint64_t)cnt * 56))
            return -EFAULT;
        buf = calloc(1, sz);
        if (!buf)
            return -ENOMEM;
        fm = (emk_k_fiemap *)(void *)buf;
        emk_user_get_struct(t, &emk_us_fiemap, a[2], fm);
        t->scratch[0] = fm->fm_start;
        t->scratch[1] = fm->fm_length;
        t->scratch[2] = fm->fm_flags;
        t->scratch[3] = fm->fm_extent_count;
        r = emk_hret(ioctl(fd, req, fm));
        if (r >= 0) {
            emk_user_put_struct(t, &emk_us_fiemap, a[2], fm);
            for (i = 0; i < fm->fm_mapped_extents && i < cnt; i++)
                emk_user_put_struct(t, &emk_us_fiemap_extent, a[2] + 32 + (uint64_t)i * 56,
                                    buf + sizeof(*fm) + i * sizeof(emk_k_fiemap_extent));
        }
        free(buf);
        return r;
    }
    case IK_IFCONF: {
        uint8_t *g = GP(t, a[2], 16);
        emk_k_ifconf ic;
        int len;
        if (!g || !a[2])
            return -EFAULT;
        len = (int)emk_le32(g);
        t->scratch[0] = (uint64_t)(uint32_t)len;
        ic.ifc_len = len;
        ic.pad = 0;
        ic.ifc_buf = 0;
        if (emk_le64(g + 8)) {
            /* struct ifreq is 40 bytes on both LP64 ABIs: no conversion */
            void *h = len > 0 ? GP(t, emk_le64(g + 8), (uint64_t)len) : NULL;
            if (!h)
                return -EFAULT;
            ic.ifc_buf = (uint64_t)(uintptr_t)h;
        }
        r = emk_hret(ioctl(fd, req, &ic));
        if (r >= 0)
            emk_st_le32(g, (uint32_t)ic.ifc_len);
        return r;
    }
    case IK_DM: {
        uint8_t *g = GP(t, a[2], 312);
        uint32_t ds;
        if (!g || !a[2])
            return -EFAULT;
        ds = emk_le32(g + 12);
        if (ds < 312 || !GP(t, a[2], ds))
            return -EINVAL;
        /* the header and its payloads are LP64 little-endian on both sides */
        return emk_hret(ioctl(fd, req, g));
    }
    default:
        return -ENOTTY;
    }
}

static void ifconf(emk_ubuf *b, emk_uthread *t, uint64_t ga, long ret)
{
    const uint8_t *g = GP(t, ga, 16);
    int len, i;
    uint64_t buf;

    if (!g || !ga) {
        emk_ub_printf(b, "%#llx", (unsigned long long)ga);
        return;
    }
    len = (int)emk_le32(g);
    buf = emk_le64(g + 8);
    if (!buf || ret < 0) {
        emk_ub_printf(b, "{ifc_len=%d, ifc_buf=", len);
        if (buf) emk_ub_printf(b, "%#llx}", (unsigned long long)buf);
        else emk_ub_puts(b, "NULL}");
        return;
    }
    emk_ub_printf(b, "{ifc_len=%d /* %d * sizeof(struct ifreq) */ => %d /* %d * sizeof(struct ifreq) */, ifc_buf=[",
                  (int)t->scratch[0], (int)t->scratch[0] / 40, len, len / 40);
    for (i = 0; i < len / 40; i++) {
        const uint8_t *r = GP(t, buf + (uint64_t)i * 40, 40);
        size_t l = 0;
        if (!r) break;
        while (l < 16 && r[l]) l++;
        emk_ub_puts(b, i ? ", {ifr_name=" : "{ifr_name=");
        emk_ub_quoted(b, r, l, 16, 0);
        if (emk_le16(r + 16) == 2)
            emk_ub_printf(b, ", ifr_addr={sa_family=AF_INET, sin_port=htons(%u), "
                          "sin_addr=inet_addr(\"%u.%u.%u.%u\")}}",
                          (unsigned)((r[18] << 8) | r[19]), r[20], r[21], r[22], r[23]);
        else
            emk_ub_printf(b, ", ifr_addr={sa_family=%u, ...}}", emk_le16(r + 16));
    }
    emk_ub_puts(b, "]}");
}

void emk_user_print_ioctl(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret)
{
    const ioctl_def *d = find((uint32_t)a[1]);
    uint32_t nr = (uint32_t)a[1];

    emk_ub_printf(b, "%d, ", (int)a[0]);
    if (!d) {
        unsigned dir = nr >> 30, size = (nr >> 16) & 0x3fff;
        static const char *const dirs[4] = { "_IOC_NONE", "_IOC_WRITE", "_IOC_READ",
                                             "_IOC_READ|_IOC_WRITE" };
        emk_ub_printf(b, "_IOC(%s, %#x, %#x, %#x), %#llx", dirs[dir], (nr >> 8) & 0xff,
                      nr & 0xff, size, (unsigned long long)a[2]);
        return;
    }
    emk_ub_puts(b, d->name);
    switch (d->kind) {
    case IK_NONE:
        return;
    case IK_INT:
        emk_ub_printf(b, ", %d", (int)a[2]);
        return;
    case IK_PINT_OUT: case IK_PINT_IN: {
        const uint8_t *h = a[2] ? GP(t, a[2], 4) : NULL;
        if (!h || (d->kind == IK_PINT_OUT && ret < 0)) {
            emk_ub_printf(b, ", %#llx", (unsigned long long)a[2]);
            return;
        }
        emk_ub_puts(b, ", [");
        if (d->flags) emk_ub_flags(b, d->flags, emk_le32(h));
        else emk_ub_printf(b, "%d", (int)emk_le32(h));
        emk_ub_puts(b, "]");
        return;
    }
    case IK_PU64_OUT: case IK_PLONG_OUT: {
        const uint8_t *h = a[2] ? GP(t, a[2], 8) : NULL;
        if (!h || ret < 0) emk_ub_printf(b, ", %#llx", (unsigned long long)a[2]);
        else emk_ub_printf(b, ", [%llu]", (unsigned long long)emk_le64(h));
        return;
    }
    case IK_RANGE_IN: {
        const uint8_t *h = a[2] ? GP(t, a[2], 16) : NULL;
        if (!h) emk_ub_printf(b, ", %#llx", (unsigned long long)a[2]);
        else emk_ub_printf(b, ", [%llu, %llu]", (unsigned long long)emk_le64(h),
                           (unsigned long long)emk_le64(h + 8));
        return;
    }
    case IK_IFCONF:
        emk_ub_puts(b, ", ");
        ifconf(b, t, a[2], ret);
        return;
    case IK_FIEMAP: {
        const uint8_t *g = a[2] ? GP(t, a[2], 32) : NULL;
        const emk_unames *ff = emk_us_fiemap.f[2].names;
        if (!g) {
            emk_ub_printf(b, ", %#llx", (unsigned long long)a[2]);
            return;
        }
        emk_ub_printf(b, ", {fm_start=%llu, fm_length=%llu, fm_flags=",
                      (unsigned long long)t->scratch[0], (unsigned long long)t->scratch[1]);
        emk_ub_flags(b, ff, t->scratch[2]);
        emk_ub_printf(b, ", fm_extent_count=%u}", (unsigned)t->scratch[3]);
        if (ret < 0)
            return;
        emk_ub_puts(b, " => {fm_flags=");
        emk_ub_flags(b, ff, emk_le32(g + 16));
        emk_ub_printf(b, ", fm_mapped_extents=%u, ...}", emk_le32(g + 20));
        return;
    }
    default:
        emk_ub_puts(b, ", ");
        if (d->kind == IK_S_OUT && ret < 0)
            emk_ub_printf(b, "%#llx", (unsigned long long)a[2]);
        else
            emk_user_print_struct(b, t, d->s, a[2]);
        return;
    }
}
