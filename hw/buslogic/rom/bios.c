/*
 * bios.c - emkit's BusLogic BT-958 option ROM: INT 13h disk services for
 * the disk at SCSI target 0, LUN 0, through the adapter's 32-bit mailbox
 * interface, in the style of the BusLogic BIOS.  Built with gcc -m16
 * (freestanding, -Os; see build-rom.sh and rom.ld) into 16-bit real-mode
 * code that entry.S enters with CS = DS = ES = SS = the segment of the
 * copy in conventional memory.
 *
 *   bl_init   (POST)  enable I/O and bus mastering, hard reset, one
 *                     32-bit mailbox pair (0x81), adapter interrupts off
 *                     (0x25: the BIOS polls), TEST UNIT READY, INQUIRY,
 *                     READ CAPACITY(10), a banner through INT 10h
 *   bl_bcv    (boot)  takes the next hard disk number (BDA 0x475) and
 *                     hooks INT 13h
 *   bl_int13          AH = 00 reset, 01 status, 02/03 CHS read/write,
 *                     04 verify, 08 parameters, 0C seek, 0D alternate
 *                     reset, 10 ready, 11 recalibrate, 15 type, 41
 *                     extensions check, 42/43 extended read/write, 44
 *                     extended verify, 47 extended seek, 48 extended
 *                     parameters; others: AH = 01, CF set
 *
 * The CHS translation is the one Linux's BusLogic.c assumes of the BIOS:
 * 64 heads x 32 sectors, or with extended translation (geometry register
 * bit 7) 128 x 32 from 1 GiB and 255 x 63 from 2 GiB.
 *
 * Firmware, not library code: GNU C (inline assembly) and no libc.
 */
#include <stdint.h>

enum {
    P_STATUS = 0, P_CONTROL = 0, P_COMMAND = 1, P_DATAIN = 1, P_INTR = 2,
    P_GEOMETRY = 3,
    ST_DIAG = 0x80, ST_FAILED = 0x40, ST_READY = 0x10, ST_BUSY = 0x08,
    ST_DATAIN = 0x04, ST_INVALID = 0x01,
    IN_COMPLETE = 0x04,
    CT_HARD = 0x80, CT_IRST = 0x20,
    SPIN = 20000000
};

/* the caller's registers as entry.S saved them (es, ds, pushal, iret) */
struct regs {
    uint16_t es, ds;
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint16_t ip, cs, flags;
} __attribute__((packed));

struct regs bl_regs;
uint8_t bl_drive;
uint32_t bl_old_int13;
extern const char bl_str_product[];
extern char __bss_start[], __bss_end[];
void bl_int13_entry(void);

static uint16_t io, heads, spt;
static uint32_t capacity, cyls;
static uint8_t ready, last_status;
static volatile uint8_t mbox[16] __attribute__((aligned(16)));
static volatile uint8_t ccb[64 + 96] __attribute__((aligned(16)));
static uint8_t data[64] __attribute__((aligned(16)));

/* ---- machine access -------------------------------------------------- */
static inline uint8_t inb(uint16_t p)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p));
    return v;
}

static inline void outb(uint16_t p, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(p));
}

static inline uint32_t inl(uint16_t p)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p));
    return v;
}

static inline void outl(uint16_t p, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(p));
}

static inline uint16_t my_seg(void)
{
    uint16_t s;
    __asm__ volatile("mov %%cs, %0" : "=r"(s));
    return s;
}

static uint32_t phys(const volatile void *p)
{
    return ((uint32_t)my_seg() << 4) + (uint32_t)(uintptr_t)p;
}

static uint8_t peekb(uint16_t seg, uint16_t off)
{
    uint8_t v;
    __asm__ volatile("mov %w1, %%fs\n\tmovb %%fs:(%k2), %0"
                     : "=q"(v) : "r"(seg), "r"((uint32_t)off) : "memory");
    return v;
}

static void pokeb(uint16_t seg, uint16_t off, uint8_t v)
{
    __asm__ volatile("mov %w0, %%fs\n\tmovb %2, %%fs:(%k1)"
                     : : "r"(seg), "r"((uint32_t)off), "q"(v) : "memory");
}

static uint16_t peekw(uint16_t seg, uint16_t off)
{
    return (uint16_t)(peekb(seg, off) | peekb(seg, (uint16_t)(off + 1)) << 8);
}

static void pokew(uint16_t seg, uint16_t off, uint16_t v)
{
    pokeb(seg, off, (uint8_t)v);
    pokeb(seg, (uint16_t)(off + 1), (uint8_t)(v >> 8));
}

static uint32_t peekl(uint16_t seg, uint16_t off)
{
    return peekw(seg, off) | (uint32_t)peekw(seg, (uint16_t)(off + 2)) << 16;
}

static void pokel(uint16_t seg, uint16_t off, uint32_t v)
{
    pokew(seg, off, (uint16_t)v);
    pokew(seg, (uint16_t)(off + 2), (uint16_t)(v >> 16));
}

void *memset(void *d, int c, unsigned long n);
void *memset(void *d, int c, unsigned long n)
{
    uint8_t *p = (uint8_t *)d;

    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n)
{
    uint8_t *p = (uint8_t *)d;
    const uint8_t *q = (const uint8_t *)s;

    while (n--)
        *p++ = *q++;
    return d;
}

/* ---- console: INT 10h teletype -------------------------------------- */
static void putc10(char c)
{
    __asm__ volatile("push %%bp\n\tint $0x10\n\tpop %%bp"
                     : : "a"((uint16_t)(0x0e00 | (uint8_t)c)), "b"((uint16_t)7)
                     : "cc", "memory");
}

static void puts10(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            putc10('\r');
        putc10(*s);
    }
}

static void putdec(uint32_t v)
{
    char b[11];
    int i = 10;

    b[i] = 0;
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v && i);
    puts10(b + i);
}

static void puthex(uint32_t v, int digits)
{
    while (digits--)
        putc10("0123456789abcdef"[(v >> (4 * digits)) & 15]);
}

/* ---- the adapter ----------------------------------------------------- */
static int wait_status(uint8_t mask, uint8_t want)
{
    uint32_t i;

    for (i = 0; i < SPIN; i++)
        if ((inb((uint16_t)(io + P_STATUS)) & mask) == want)
            return 0;
    return -1;
}

/* a host adapter command, as Linux's blogic_cmd does it */
static int command(uint8_t op, const uint8_t *p, unsigned n, uint8_t *r,
                   unsigned rn)
{
    unsigned got = 0;
    uint32_t i;
    uint8_t st = 0;

    if (wait_status(ST_READY | ST_BUSY, ST_READY) < 0)
        return -1;
    outb((uint16_t)(io + P_COMMAND), op);
    while (n) {
        if (wait_status(ST_BUSY, 0) < 0)
            return -1;
        outb((uint16_t)(io + P_COMMAND), *p++);
        n--;
    }
    for (i = 0; i < SPIN; i++) {
        st = inb((uint16_t)(io + P_STATUS));
        if (st & ST_DATAIN) {
            uint8_t b = inb((uint16_t)(io + P_DATAIN));
            if (got < rn)
                r[got] = b;
            got++;
            continue;
        }
        if (inb((uint16_t)(io + P_INTR)) & IN_COMPLETE)
            break;
    }
    outb((uint16_t)(io + P_CONTROL), CT_IRST);
    if (i == SPIN || (st & ST_INVALID))
        return -1;
    return (int)got;
}

/* one CCB for target 0 LUN 0: 0 GOOD, 2 CHECK CONDITION (sense in
 * ccb + 64), 8 BUSY, -1 adapter or host error */
static int scsi(const uint8_t *cdb, unsigned cdblen, unsigned dir,
                uint32_t buf, uint32_t len)
{
    uint32_t a = phys(ccb), s = phys(ccb + 64), i;
    unsigned k;

    for (k = 0; k < sizeof(ccb); k++)
        ccb[k] = 0;
    ccb[0] = 0x00;                  /* initiator CCB, no SG list */
    ccb[1] = (uint8_t)(dir << 3);   /* 1 in, 2 out, 3 none */
    ccb[2] = (uint8_t)cdblen;
    ccb[3] = 96;                    /* autosense bytes */
    for (k = 0; k < 4; k++) {
        ccb[4 + k] = (uint8_t)(len >> (8 * k));
        ccb[8 + k] = (uint8_t)(buf >> (8 * k));
        ccb[36 + k] = (uint8_t)(s >> (8 * k));
    }
    for (k = 0; k < cdblen; k++)
        ccb[18 + k] = cdb[k];
    mbox[8 + 7] = 0;
    for (k = 0; k < 4; k++)
        mbox[k] = (uint8_t)(a >> (8 * k));
    mbox[7] = 1;                    /* start */
    outb((uint16_t)(io + P_COMMAND), 0x02);
    for (i = 0; i < SPIN && mbox[8 + 7] == 0; i++)
        (void)inb((uint16_t)(io + P_INTR));
    outb((uint16_t)(io + P_CONTROL), CT_IRST);
    if (mbox[8 + 7] == 0)
        return -1;
    mbox[8 + 7] = 0;
    if (mbox[8 + 4] != 0)           /* host adapter status */
        return -1;
    return mbox[8 + 5];
}

static int rw10(int write, uint32_t lba, uint16_t n, uint32_t buf)
{
    uint8_t c[10];
    int tries, ret = -1;

    c[0] = write ? 0x2a : 0x28;
    c[1] = 0;
    c[2] = (uint8_t)(lba >> 24);
    c[3] = (uint8_t)(lba >> 16);
    c[4] = (uint8_t)(lba >> 8);
    c[5] = (uint8_t)lba;
    c[6] = 0;
    c[7] = (uint8_t)(n >> 8);
    c[8] = (uint8_t)n;
    c[9] = 0;
    /* a unit attention (reset, power on) is retried */
    for (tries = 0; tries < 3; tries++) {
        ret = scsi(c, 10, write ? 2 : 1, buf, (uint32_t)n * 512);
        if (!(ret == 2 && (ccb[64 + 2] & 15) == 6) && ret != 8)
            break;
    }
    return ret;
}

static void geometry(void)
{
    int ext = (inb((uint16_t)(io + P_GEOMETRY)) & 0x80) != 0;

    heads = 64;
    spt = 32;
    if (ext && capacity >= 0x200000ul) {
        heads = capacity >= 0x400000ul ? 255 : 128;
        spt = capacity >= 0x400000ul ? 63 : 32;
    }
    cyls = capacity / ((uint32_t)heads * spt);
}

/* ---- POST ------------------------------------------------------------ */
void bl_init(uint32_t bdf);
void bl_init(uint32_t bdf)
{
    uint32_t cfg = 0x80000000ul | (bdf & 0xffff) << 8, bar;
    uint8_t p[5], c[10];
    uint32_t m = phys(mbox);
    int i, ret = -1;

    memset(__bss_start, 0, (unsigned long)(__bss_end - __bss_start));
    bl_drive = 0xff;
    outl(0xcf8, cfg | 0x10);
    bar = inl(0xcfc);
    if (!(bar & 1) || (bar & ~3ul) == 0 || (bar & ~3ul) > 0xfffc)
        return;
    io = (uint16_t)(bar & ~3ul);
    outl(0xcf8, cfg | 0x04);
    outl(0xcfc, (inl(0xcfc) & 0xffff) | 0x05);     /* I/O, bus master */
    puts10("emkit BusLogic BT-958 BIOS at port 0x");
    puthex(io, 4);
    puts10("\n");
    outb((uint16_t)(io + P_CONTROL), CT_HARD);
    if (wait_status(ST_DIAG, 0) < 0 ||
        (inb((uint16_t)(io + P_STATUS)) & (ST_FAILED | ST_READY)) != ST_READY) {
        puts10("  BusLogic: adapter failed its diagnostics\n");
        return;
    }
    p[0] = 1;                       /* one outgoing, one incoming mailbox */
    for (i = 0; i < 4; i++)
        p[1 + i] = (uint8_t)(m >> (8 * i));
    for (i = 0; i < 16; i++)
        mbox[i] = 0;
    if (command(0x81, p, 5, 0, 0) < 0) {
        puts10("  BusLogic: mailbox initialisation refused\n");
        return;
    }
    p[0] = 0;
    (void)command(0x25, p, 1, 0, 0);  /* adapter interrupts off: we poll */
    memset(c, 0, sizeof(c));
    for (i = 0; i < 4 && ret != 0; i++)   /* TEST UNIT READY, past the UA */
        ret = scsi(c, 6, 3, 0, 0);
    if (ret != 0) {
        puts10("  BusLogic: no disk at target 0\n");
        return;
    }
    c[0] = 0x12;                    /* INQUIRY */
    c[4] = 36;
    if (scsi(c, 6, 1, phys(data), 36) != 0 || (data[0] & 0x1f) != 0) {
        puts10("  BusLogic: target 0 is not a disk\n");
        return;
    }
    memset(c, 0, sizeof(c));
    c[0] = 0x25;                    /* READ CAPACITY(10) */
    if (scsi(c, 10, 1, phys(data + 40), 8) != 0 ||
        data[44] != 0 || data[45] != 0 || data[46] != 2 || data[47] != 0) {
        puts10("  BusLogic: target 0: no 512-byte capacity\n");
        return;
    }
    capacity = ((uint32_t)data[40] << 24 | (uint32_t)data[41] << 16 |
                (uint32_t)data[42] << 8 | data[43]) + 1;
    if (capacity == 0)
        capacity = 0xffffffffu;
    geometry();
    data[36] = 0;
    puts10("  target 0 LUN 0: ");
    puts10((const char *)data + 8);
    puts10(", ");
    putdec(capacity >> 11);
    puts10(" MiB, CHS ");
    putdec(cyls > 1024 ? 1024 : cyls);
    puts10("/");
    putdec(heads);
    puts10("/");
    putdec(spt);
    puts10("\n");
    ready = 1;
}

/* ---- boot connection vector ------------------------------------------ */
void bl_bcv(uint32_t unused);
void bl_bcv(uint32_t unused)
{
    uint8_t n;

    (void)unused;
    if (!ready || bl_drive != 0xff)
        return;
    n = peekb(0x40, 0x75);
    bl_drive = (uint8_t)(0x80 + n);
    pokeb(0x40, 0x75, (uint8_t)(n + 1));
    bl_old_int13 = peekl(0, 0x13 * 4);
    pokel(0, 0x13 * 4, (uint32_t)my_seg() << 16 | (uint16_t)(uintptr_t)bl_int13_entry);
    puts10("  ");
    puts10(bl_str_product);
    puts10(": drive 0x");
    puthex(bl_drive, 2);
    puts10(" on INT 13h\n");
}

/* ---- INT 13h --------------------------------------------------------- */
static uint8_t rw_status(int ret, int write)
{
    if (ret == 0)
        return 0;
    if (ret == 2 && (ccb[64 + 2] & 15) == 5)
        return 0x04;                /* sector not found (ILLEGAL REQUEST) */
    if (ret < 0)
        return 0x20;                /* controller failure */
    return write ? 0xcc : 0x10;     /* write fault / read error */
}

static uint8_t chs_rw(struct regs *r, int write)
{
    uint8_t n = (uint8_t)r->eax, sec = (uint8_t)(r->ecx & 0x3f);
    uint32_t cyl = ((r->ecx >> 8) & 0xff) | ((r->ecx & 0xc0) << 2);
    uint32_t head = (r->edx >> 8) & 0xff, lba;
    uint32_t buf = ((uint32_t)r->es << 4) + (r->ebx & 0xffff);
    uint8_t st;

    if (n == 0 || sec == 0 || sec > spt || head >= heads)
        return 0x01;
    lba = (cyl * heads + head) * spt + sec - 1;
    if (lba >= capacity || n > capacity - lba)
        return 0x04;
    st = rw_status(rw10(write, lba, n, buf), write);
    if (st)
        r->eax &= ~0xffu;           /* AL: sectors transferred */
    return st;
}

static uint8_t ext_rw(struct regs *r, int write)
{
    uint16_t s = r->ds, o = (uint16_t)r->esi;
    uint8_t size = peekb(s, o);
    uint16_t n = peekw(s, (uint16_t)(o + 2));
    uint32_t bufp = peekl(s, (uint16_t)(o + 4)), buf;
    uint32_t lba = peekl(s, (uint16_t)(o + 8)), lba_hi = peekl(s, (uint16_t)(o + 12));
    uint8_t st;

    if (size < 16)
        return 0x01;
    if (bufp == 0xffffffffu) {      /* EDD 3.0: a flat 64-bit address */
        if (size < 24 || peekl(s, (uint16_t)(o + 20)) != 0)
            return 0x01;
        buf = peekl(s, (uint16_t)(o + 16));
    } else {
        buf = ((bufp >> 16) << 4) + (bufp & 0xffff);
    }
    if (n == 0)
        return 0;
    if (lba_hi || lba >= capacity || n > capacity - lba) {
        pokew(s, (uint16_t)(o + 2), 0);
        return 0x04;
    }
    if (n > 0x7f && bufp != 0xffffffffu)
        return 0x01;
    st = rw_status(rw10(write, lba, n, buf), write);
    if (st)
        pokew(s, (uint16_t)(o + 2), 0);
    return st;
}

static uint8_t ext_params(struct regs *r)
{
    uint16_t s = r->ds, o = (uint16_t)r->esi;
    uint16_t size = peekw(s, o);

    if (size < 26)
        return 0x01;
    pokew(s, o, size >= 30 ? 30 : 26);
    pokew(s, (uint16_t)(o + 2), 0x0002);        /* CHS information valid */
    pokel(s, (uint16_t)(o + 4), cyls);
    pokel(s, (uint16_t)(o + 8), heads);
    pokel(s, (uint16_t)(o + 12), spt);
    pokel(s, (uint16_t)(o + 16), capacity);
    pokel(s, (uint16_t)(o + 20), 0);
    pokew(s, (uint16_t)(o + 24), 512);
    if (size >= 30)
        pokel(s, (uint16_t)(o + 26), 0xffffffffu);  /* no DPTE */
    return 0;
}

void bl_int13(struct regs *r);
void bl_int13(struct regs *r)
{
    uint8_t ah = (uint8_t)(r->eax >> 8), st = 0;
    uint32_t c;

    switch (ah) {
    case 0x00: case 0x0d: case 0x10: case 0x11:
    case 0x04: case 0x0c: case 0x44: case 0x47:
        break;
    case 0x01:
        st = last_status;
        r->eax = (r->eax & ~0xff00u) | (uint32_t)st << 8;
        r->flags = (uint16_t)(st ? r->flags | 1 : r->flags & ~1);
        return;
    case 0x02:
        st = chs_rw(r, 0);
        break;
    case 0x03:
        st = chs_rw(r, 1);
        break;
    case 0x08:
        c = (cyls > 1024 ? 1024 : cyls) - 1;
        r->ecx = (r->ecx & 0xffff0000u) | (c & 0xff) << 8 | (c >> 2 & 0xc0) | spt;
        r->edx = (r->edx & 0xffff0000u) | (uint32_t)(heads - 1) << 8 | peekb(0x40, 0x75);
        r->eax &= 0xffff0000u;
        break;
    case 0x15:
        r->ecx = (r->ecx & 0xffff0000u) | (capacity >> 16);
        r->edx = (r->edx & 0xffff0000u) | (capacity & 0xffff);
        r->eax = (r->eax & ~0xff00u) | 0x0300;   /* fixed disk */
        r->flags &= (uint16_t)~1;
        last_status = 0;
        return;
    case 0x41:
        if ((uint16_t)r->ebx != 0x55aa) {
            st = 0x01;
            break;
        }
        r->ebx = (r->ebx & 0xffff0000u) | 0xaa55;
        r->ecx = (r->ecx & 0xffff0000u) | 0x0001;   /* extended access */
        r->eax = (r->eax & ~0xff00u) | 0x3000;      /* EDD 3.0 */
        r->flags &= (uint16_t)~1;
        last_status = 0;
        return;
    case 0x42:
        st = ext_rw(r, 0);
        break;
    case 0x43:
        st = ext_rw(r, 1);
        break;
    case 0x48:
        st = ext_params(r);
        break;
    default:
        st = 0x01;
        break;
    }
    last_status = st;
    r->eax = (r->eax & ~0xff00u) | (uint32_t)st << 8;
    r->flags = (uint16_t)(st ? r->flags | 1 : r->flags & ~1);
}
