/* test_sdesc.c - the struct descriptors: guest layouts at LP64 and ILP32,
 * little- and big-endian (offsets checked against the Linux UAPI layouts
 * of asm-generic), conversions both ways with sign extension, and every
 * table's LP64 little-endian layout checked against this host's own
 * struct where the two ABIs agree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sdesc.h"
#include "names.h"
#include "structs.h"

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static int field(const emk_ustruct *s, const char *name)
{
    int i;
    for (i = 0; i < s->nf; i++)
        if (s->f[i].name && !strcmp(s->f[i].name, name))
            return i;
    return -1;
}

static void layouts(void)
{
    uint32_t o[EMK_US_MAXF];
    size_t al;

    /* asm-generic struct stat, 64-bit: 128 bytes */
    CHECK(emk_ustruct_layout(&emk_us_stat, &emk_uabi_rv64, o, &al) == 128);
    CHECK(o[field(&emk_us_stat, "st_mode")] == 16);
    CHECK(o[field(&emk_us_stat, "st_size")] == 48);
    CHECK(o[field(&emk_us_stat, "st_blocks")] == 64);
    CHECK(o[field(&emk_us_stat, "st_mtime_nsec")] == 96);
    /* the same struct with 32-bit longs (asm-generic 32-bit struct stat): 80 */
    CHECK(emk_ustruct_layout(&emk_us_stat, &emk_uabi_ilp32, o, &al) == 80);
    CHECK(o[field(&emk_us_stat, "st_mode")] == 8);
    CHECK(o[field(&emk_us_stat, "st_size")] == 32);
    CHECK(o[field(&emk_us_stat, "st_blksize")] == 36);
    CHECK(o[field(&emk_us_stat, "st_blocks")] == 44);
    CHECK(o[field(&emk_us_stat, "st_ctime_nsec")] == 68);
    CHECK(emk_ustruct_gsize(&emk_us_timespec, &emk_uabi_ilp32) == 8);
    CHECK(emk_ustruct_gsize(&emk_us_timespec, &emk_uabi_rv64) == 16);
    /* u64 fields keep 8-byte alignment on ILP32 (arm, riscv32, mips o32) */
    CHECK(emk_ustruct_gsize(&emk_us_epoll_event, &emk_uabi_ilp32) == 16);
    CHECK(emk_ustruct_gsize(&emk_us_statx, &emk_uabi_ilp32be) == 256);
    CHECK(emk_ustruct_gsize(&emk_us_loop_info64, &emk_uabi_ilp32) == 232);
    CHECK(emk_ustruct_gsize(&emk_us_rusage, &emk_uabi_ilp32) == 72);
    CHECK(emk_ustruct_gsize(&emk_us_rusage, &emk_uabi_rv64) == 144);
}

static void convert(void)
{
    struct stat h, back;
    uint8_t g[256];
    uint32_t o[EMK_US_MAXF];
    const emk_uabi *abis[4] = { &emk_uabi_rv64, &emk_uabi_ilp32, &emk_uabi_ilp32be, &emk_uabi_lp64be };
    int i;

    memset(&h, 0, sizeof(h));
    h.st_mode = 0100644;
    h.st_size = 0x12345;
    h.st_nlink = 3;
    h.st_mtim.tv_sec = 1000;
    h.st_blocks = 8;
    for (i = 0; i < 4; i++) {
        emk_ustruct_to_guest(&emk_us_stat, abis[i], &h, g);
        emk_ustruct_layout(&emk_us_stat, abis[i], o, NULL);
        if (abis[i]->big_endian) {
            size_t n = abis[i]->long_size;
            CHECK(g[o[field(&emk_us_stat, "st_size")] + n - 1] == 0x45);
            CHECK(g[o[field(&emk_us_stat, "st_mode")] + 3] == 0xa4);
        } else {
            CHECK(g[o[field(&emk_us_stat, "st_size")]] == 0x45);
            CHECK(g[o[field(&emk_us_stat, "st_mode")]] == 0xa4);
        }
        CHECK(emk_ustruct_get(&emk_us_stat, abis[i], g, field(&emk_us_stat, "st_size")) == 0x12345);
        memset(&back, 0x55, sizeof(back));
        CHECK(emk_ustruct_to_host(&emk_us_stat, abis[i], g, &back, NULL, NULL) == 0);
        CHECK(back.st_mode == h.st_mode && back.st_size == h.st_size &&
              back.st_nlink == h.st_nlink && back.st_mtim.tv_sec == 1000 && back.st_blocks == 8);
    }
    /* a negative 32-bit long sign-extends into the host's 64-bit one */
    {
        uint8_t ts[8] = { 0xff, 0xff, 0xff, 0xfb, 0, 0, 0, 7 };
        struct timespec t;
        CHECK(emk_ustruct_to_host(&emk_us_timespec, &emk_uabi_ilp32be, ts, &t, NULL, NULL) == 0);
        CHECK(t.tv_sec == -5 && t.tv_nsec == 7);
    }
}

static void printer(void)
{
    emk_ubuf b;
    struct stat h;
    uint8_t g[128];

    memset(&h, 0, sizeof(h));
    h.st_mode = 0100644;
    h.st_size = 3;
    emk_ustruct_to_guest(&emk_us_stat, &emk_uabi_rv64, &h, g);
    b.n = 0;
    b.s[0] = 0;
    emk_ustruct_print(&b, &emk_us_stat, &emk_uabi_rv64, g, 0);
    CHECK(!strcmp(b.s, "{st_mode=S_IFREG|0644, st_size=3, ...}"));
    h.st_mode = 020620;
    h.st_rdev = (136 << 8) | 2;
    emk_ustruct_to_guest(&emk_us_stat, &emk_uabi_rv64, &h, g);
    b.n = 0;
    emk_ustruct_print(&b, &emk_us_stat, &emk_uabi_rv64, g, 0);
    CHECK(!strcmp(b.s, "{st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0x2), ...}"));
}

/* On an LP64 little-endian host whose structs match the guest's, the
 * computed guest offsets must be the host's own offsetof values. */
static void host_match(void)
{
    const emk_ustruct *same[] = { &emk_us_timespec, &emk_us_timeval, &emk_us_rlimit,
        &emk_us_pollfd, &emk_us_winsize, &emk_us_termios, &emk_us_statx, &emk_us_fsxattr,
        &emk_us_fiemap, &emk_us_fiemap_extent, &emk_us_loop_info64, &emk_us_dm_ioctl,
        &emk_us_utsname, &emk_us_tms, &emk_us_rusage, &emk_us_flock, &emk_us_sysinfo, NULL };
    uint32_t o[EMK_US_MAXF];
    int i, k;

    if (sizeof(long) != 8)
        return;
    for (k = 0; same[k]; k++) {
        const emk_ustruct *s = same[k];
        size_t gs = emk_ustruct_layout(s, &emk_uabi_rv64, o, NULL);
        if (gs != s->hsize) {
            printf("FAIL %s: guest size %zu, host %u\n", s->name, gs, s->hsize);
            failures++;
        }
        for (i = 0; i < s->nf; i++)
            if (s->f[i].hsize && s->f[i].type != UF_PAD && o[i] != s->f[i].hoff) {
                printf("FAIL %s.%s: guest offset %u, host %u\n", s->name,
                       s->f[i].name ? s->f[i].name : "?", o[i], s->f[i].hoff);
                failures++;
            }
    }
}

/* strace prints glibc's errno texts: ours must be those */
static void errmsgs(void)
{
#ifdef __GLIBC__
    int e;
    for (e = 1; e < 134; e++)
        if (emk_user_errname(e) && strcmp(emk_user_errmsg(e), strerror(e))) {
            printf("FAIL errno %d: '%s' vs '%s'\n", e, emk_user_errmsg(e), strerror(e));
            failures++;
        }
#endif
    CHECK(!strcmp(emk_user_errname(2), "ENOENT"));
    CHECK(!strcmp(emk_user_errmsg(25), "Inappropriate ioctl for device"));
}

int main(void)
{
    errmsgs();
    layouts();
    convert();
    printer();
    host_match();
    printf("%s\n", failures ? "FAILED" : "all passed");
    return failures != 0;
}
