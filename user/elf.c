/*
 * elf.c - loads a riscv64 ELF executable (static, static-pie, or dynamic
 * with its PT_INTERP found under -L) into the guest and builds the initial
 * stack: argc, argv, envp and the auxiliary vector.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "compat.h"
#include "user.h"

enum { ET_EXEC_ = 2, ET_DYN_ = 3, EM_RISCV_ = 243, PT_LOAD_ = 1, PT_INTERP_ = 3,
       PT_PHDR_ = 6, PF_X_ = 1, PF_W_ = 2, PF_R_ = 4 };
enum { AT_NULL_ = 0, AT_PHDR_ = 3, AT_PHENT_ = 4, AT_PHNUM_ = 5, AT_PAGESZ_ = 6,
       AT_BASE_ = 7, AT_FLAGS_ = 8, AT_ENTRY_ = 9, AT_UID_ = 11, AT_EUID_ = 12,
       AT_GID_ = 13, AT_EGID_ = 14, AT_HWCAP_ = 16, AT_CLKTCK_ = 17, AT_SECURE_ = 23,
       AT_RANDOM_ = 25, AT_HWCAP2_ = 26, AT_EXECFN_ = 31 };
/* misa-style letters: I M A F D C */
static const uint64_t HWCAP_RV64GC = (1u << ('I' - 'A')) | (1u << ('M' - 'A')) |
    (1u << ('A' - 'A')) | (1u << ('F' - 'A')) | (1u << ('D' - 'A')) | (1u << ('C' - 'A'));
static const uint64_t PIE_BASE = 0x2aaaaaa000ull;
static const uint64_t STACK_SIZE = 8u << 20;

typedef struct {
    uint16_t type, machine;
    uint64_t entry, phoff;
    uint16_t phentsize, phnum;
} ehdr_t;
typedef struct {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz;
} phdr_t;

static int read_hdrs(int fd, ehdr_t *eh, phdr_t **ph)
{
    uint8_t b[64];
    uint8_t *raw;
    int i;

    if (pread(fd, b, 64, 0) != 64)
        return -ENOEXEC;
    if (memcmp(b, "\177ELF", 4) || b[4] != 2 || b[5] != 1)
        return -ENOEXEC;
    eh->type = emk_le16(b + 16);
    eh->machine = emk_le16(b + 18);
    eh->entry = emk_le64(b + 24);
    eh->phoff = emk_le64(b + 32);
    eh->phentsize = emk_le16(b + 54);
    eh->phnum = emk_le16(b + 56);
    if (eh->machine != EM_RISCV_ || (eh->type != ET_EXEC_ && eh->type != ET_DYN_) ||
        eh->phentsize != 56 || eh->phnum == 0 || eh->phnum > 256)
        return -ENOEXEC;
    raw = malloc((size_t)eh->phnum * 56);
    *ph = calloc(eh->phnum, sizeof(phdr_t));
    if (!raw || !*ph) {
        free(raw);
        return -ENOMEM;
    }
    if (pread(fd, raw, (size_t)eh->phnum * 56, (off_t)eh->phoff) != (ssize_t)eh->phnum * 56) {
        free(raw);
        return -ENOEXEC;
    }
    for (i = 0; i < eh->phnum; i++) {
        const uint8_t *q = raw + i * 56;
        (*ph)[i].type = emk_le32(q);
        (*ph)[i].flags = emk_le32(q + 4);
        (*ph)[i].offset = emk_le64(q + 8);
        (*ph)[i].vaddr = emk_le64(q + 16);
        (*ph)[i].filesz = emk_le64(q + 32);
        (*ph)[i].memsz = emk_le64(q + 40);
    }
    free(raw);
    return 0;
}

static int prot_of(uint32_t f)
{
    return ((f & PF_R_) ? PROT_READ : 0) | ((f & PF_W_) ? PROT_WRITE : 0) |
           ((f & PF_X_) ? PROT_EXEC : 0);
}

/* Maps the PT_LOADs of an opened ELF; stores the bias and the image end. */
static int map_image(emk_uproc *p, int fd, const ehdr_t *eh, const phdr_t *ph,
                     uint64_t want_bias, uint64_t *bias_out, uint64_t *end_out)
{
    uint64_t lo = ~(uint64_t)0, hi = 0, bias, pg = EMK_USER_PAGE - 1;
    long r;
    int i;

    for (i = 0; i < eh->phnum; i++) {
        if (ph[i].type != PT_LOAD_)
            continue;
        if (ph[i].filesz > ph[i].memsz || ph[i].vaddr + ph[i].memsz < ph[i].vaddr)
            return -ENOEXEC;
        if (ph[i].vaddr < lo) lo = ph[i].vaddr;
        if (ph[i].vaddr + ph[i].memsz > hi) hi = ph[i].vaddr + ph[i].memsz;
    }
    if (hi == 0 || hi - lo > p->size / 4)
        return -ENOEXEC;
    lo &= ~pg;
    hi = (hi + pg) & ~pg;
    if (eh->type == ET_EXEC_) {
        bias = 0;
        r = emk_user_mmap(p, lo, hi - lo, PROT_READ | PROT_WRITE, 0x02 | 0x20 | 0x100000, -1, 0);
    } else {
        r = emk_user_mmap(p, want_bias, hi - lo, PROT_READ | PROT_WRITE, 0x02 | 0x20, -1, 0);
        bias = (uint64_t)r - lo;
    }
    if (r < 0 && r > -4096)
        return (int)r;
    for (i = 0; i < eh->phnum; i++) {
        if (ph[i].type != PT_LOAD_ || ph[i].filesz == 0)
            continue;
        if (pread(fd, p->base + bias + ph[i].vaddr, ph[i].filesz, (off_t)ph[i].offset) !=
            (ssize_t)ph[i].filesz)
            return -ENOEXEC;
    }
    /* writable segments last, so a page two segments share stays writable */
    for (r = 0; r < 2; r++)
        for (i = 0; i < eh->phnum; i++) {
            uint64_t s, e;
            if (ph[i].type != PT_LOAD_ || (((ph[i].flags & PF_W_) != 0) != (r == 1)))
                continue;
            s = (bias + ph[i].vaddr) & ~pg;
            e = (bias + ph[i].vaddr + ph[i].memsz + pg) & ~pg;
            emk_user_mprotect(p, s, e - s, prot_of(ph[i].flags));
        }
    *bias_out = bias;
    *end_out = bias + hi;
    return 0;
}

static char *sysroot_path(emk_uproc *p, const char *path)
{
    char *s;

    if (!p->sysroot || path[0] != '/')
        return strdup(path);
    s = malloc(strlen(p->sysroot) + strlen(path) + 1);
    if (s) {
        strcpy(s, p->sysroot);
        strcat(s, path);
    }
    return s;
}

/* Pushes n bytes at the top of the stack being built; returns their address. */
static uint64_t push(emk_uproc *p, uint64_t *sp, const void *d, size_t n)
{
    *sp -= n;
    memcpy(p->base + *sp, d, n);
    return *sp;
}

static void random_bytes(uint8_t *b, size_t n)
{
    int fd = open("/dev/urandom", O_RDONLY);
    size_t i;

    if (fd >= 0 && read(fd, b, n) == (ssize_t)n) {
        close(fd);
        return;
    }
    if (fd >= 0)
        close(fd);
    for (i = 0; i < n; i++)
        b[i] = (uint8_t)(rand() >> 3);
}

static int build_stack(emk_uproc *p, char **argv, char **envp, const char *execfn,
                       uint64_t entry, uint64_t phdr, uint64_t phnum, uint64_t base)
{
    uint64_t top = p->size - EMK_USER_PAGE, sp, *ptrs, i, n = 0, argc = 0, envc = 0;
    uint64_t fn_addr, rnd_addr;
    uint8_t rnd[16];
    long r;
    uint64_t aux[2 * 24];
    int na = 0;

    r = emk_user_mmap(p, top - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE,
                      0x02 | 0x20 | 0x10, -1, 0);
    if (r < 0 && r > -4096)
        return (int)r;
    p->stack_top = top;
    while (argv[argc]) argc++;
    while (envp[envc]) envc++;
    ptrs = calloc(argc + envc + 2, sizeof(uint64_t));
    if (!ptrs)
        return -ENOMEM;
    sp = top;
    fn_addr = push(p, &sp, execfn, strlen(execfn) + 1);
    for (i = envc; i-- > 0;)
        ptrs[argc + 1 + i] = push(p, &sp, envp[i], strlen(envp[i]) + 1);
    for (i = argc; i-- > 0;)
        ptrs[i] = push(p, &sp, argv[i], strlen(argv[i]) + 1);
    random_bytes(rnd, sizeof(rnd));
    sp &= ~(uint64_t)15;
    rnd_addr = push(p, &sp, rnd, sizeof(rnd));
#define AUX(k, v) do { aux[na++] = (k); aux[na++] = (v); } while (0)
    AUX(AT_PHDR_, phdr);
    AUX(AT_PHENT_, 56);
    AUX(AT_PHNUM_, phnum);
    AUX(AT_PAGESZ_, EMK_USER_PAGE);
    AUX(AT_BASE_, base);
    AUX(AT_FLAGS_, 0);
    AUX(AT_ENTRY_, entry);
    AUX(AT_UID_, (uint64_t)getuid());
    AUX(AT_EUID_, (uint64_t)geteuid());
    AUX(AT_GID_, (uint64_t)getgid());
    AUX(AT_EGID_, (uint64_t)getegid());
    AUX(AT_HWCAP_, HWCAP_RV64GC);
    AUX(AT_HWCAP2_, 0);
    AUX(AT_CLKTCK_, 100);
    AUX(AT_SECURE_, 0);
    AUX(AT_RANDOM_, rnd_addr);
    AUX(AT_EXECFN_, fn_addr);
    AUX(AT_NULL_, 0);
#undef AUX
    n = 1 + argc + 1 + envc + 1 + (uint64_t)na;
    sp -= n * 8;
    sp &= ~(uint64_t)15;
    {
        uint8_t *q = p->base + sp;
        emk_st_le64(q, argc);
        q += 8;
        for (i = 0; i < argc; i++, q += 8) emk_st_le64(q, ptrs[i]);
        emk_st_le64(q, 0); q += 8;
        for (i = 0; i < envc; i++, q += 8) emk_st_le64(q, ptrs[argc + 1 + i]);
        emk_st_le64(q, 0); q += 8;
        for (i = 0; i < (uint64_t)na; i++, q += 8) emk_st_le64(q, aux[i]);
    }
    free(ptrs);
    p->threads->cpu.x[2] = sp;
    return 0;
}

/* Maps the sigreturn trampoline page (the kernel's vDSO has one). */
static int map_tramp(emk_uproc *p)
{
    static const uint8_t code[8] = { 0x93, 0x08, 0xb0, 0x08,   /* li a7, 139 */
                                     0x73, 0x00, 0x00, 0x00 }; /* ecall */
    long r = emk_user_mmap(p, 0, EMK_USER_PAGE, PROT_READ | PROT_WRITE, 0x02 | 0x20, -1, 0);

    if (r < 0 && r > -4096)
        return (int)r;
    memcpy(p->base + r, code, sizeof(code));
    emk_user_mprotect(p, (uint64_t)r, EMK_USER_PAGE, PROT_READ | PROT_EXEC);
    p->sigtramp = (uint64_t)r;
    return 0;
}

int emk_user_load(emk_uproc *p, const char *path, char **argv, char **envp,
                  const char *execfn)
{
    ehdr_t eh, ieh;
    phdr_t *ph = NULL, *iph = NULL;
    uint64_t bias, end, phdr = 0, entry, ibase = 0, iend;
    char *interp = NULL;
    int fd, r, i;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    r = read_hdrs(fd, &eh, &ph);
    if (r < 0)
        goto out;
    r = map_image(p, fd, &eh, ph, PIE_BASE, &bias, &end);
    if (r < 0)
        goto out;
    for (i = 0; i < eh.phnum; i++) {
        if (ph[i].type == PT_PHDR_)
            phdr = bias + ph[i].vaddr;
        if (ph[i].type == PT_LOAD_ && !phdr && eh.phoff >= ph[i].offset &&
            eh.phoff < ph[i].offset + ph[i].filesz)
            phdr = bias + ph[i].vaddr + (eh.phoff - ph[i].offset);
        if (ph[i].type == PT_INTERP_ && !interp && ph[i].filesz < 4096 && ph[i].filesz > 1) {
            char *s = calloc(1, ph[i].filesz + 1);
            if (!s || pread(fd, s, ph[i].filesz, (off_t)ph[i].offset) != (ssize_t)ph[i].filesz) {
                free(s);
                r = -ENOEXEC;
                goto out;
            }
            interp = s;
        }
    }
    p->brk_start = p->brk_cur = end;
    entry = bias + eh.entry;
    p->entry = entry;
    p->phdr = phdr;
    p->phnum = eh.phnum;
    p->load_bias = bias;
    if (interp) {
        char *ip = sysroot_path(p, interp);
        int ifd = ip ? open(ip, O_RDONLY | O_CLOEXEC) : -1;
        free(ip);
        if (ifd < 0) {
            r = -ENOENT;
            goto out;
        }
        r = read_hdrs(ifd, &ieh, &iph);
        if (r == 0)
            r = map_image(p, ifd, &ieh, iph, 0, &ibase, &iend);
        close(ifd);
        if (r < 0)
            goto out;
        p->threads->cpu.pc = ibase + ieh.entry;
        p->interp_base = ibase;
    } else {
        p->threads->cpu.pc = entry;
    }
    r = map_tramp(p);
    if (r == 0)
        r = build_stack(p, argv, envp, execfn, entry, phdr, eh.phnum, ibase);
out:
    free(ph);
    free(iph);
    free(interp);
    close(fd);
    return r;
}
