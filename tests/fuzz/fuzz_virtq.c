/*
 * fuzz_virtq.c - libFuzzer target: the device side of a split virtqueue
 * walking chains in guest memory the fuzzer controls.
 *
 * Input: a 16-byte header, then the initial contents of guest RAM (1 MiB
 * from guest-physical 0; the rest of RAM is zero).  The three ring
 * addresses reach all of RAM and the first page past it.  The last page of RAM is a
 * DMA hole, and addresses past RAM fail too, so both kinds of refused DMA
 * are reachable.
 *
 *   [0]     log2 of the queue size (low 4 bits: 1 .. 32768)
 *   [1]     features (low 2 bits: EMK_VIRTQ_F_INDIRECT, _EVENT_IDX)
 *   [2..3]  descriptor table address / 16     (little-endian)
 *   [4..5]  available ring address / 16
 *   [6..7]  used ring address / 16
 *   [8..9]  available idx, stored into the available ring after the copy
 *   [10..11] starting index of the device (last_avail, used idx)
 *   [12]    max_total: 0 default (2^32), else 2^(v & 31)
 *   [13]    segments per direction the element can hold (1..32)
 *   [14]    operation bits: which of set_notification/should_notify run
 *   [15]    unused
 *
 * Checked on every pop: a popped chain respects the byte limit and the
 * element's capacity, its segments do not wrap, and once the queue reports
 * -EIO it stays broken.  ASan and UBSan check the memory side.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/testmachine.h"
#include "emkit/virtq.h"

enum {
    HDR = 16,
    RAM_SIZE = 1 << 20,
    HOLE = 4096,
    MAX_SEG = 32,
    MAX_ROUNDS = 64,
    TOUCH = 512
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static emk_tm *tm;
static unsigned char *ram;

static void check(int cond)
{
    if (!cond) {
        abort();
    }
}

static void setup_machine(void)
{
    emk_tm_config cfg;
    int err = 0;

    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_size = RAM_SIZE;
    tm = emk_tm_new(&cfg, &err);
    check(tm != NULL);
    ram = emk_tm_ram(tm, 0, RAM_SIZE);
    check(ram != NULL);
    check(emk_tm_dma_hole(tm, RAM_SIZE - HOLE, HOLE) == 0);
}

static unsigned le16(const uint8_t *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* Exercises one popped element the way a device would. */
static void use_elem(emk_dev *dev, emk_virtq *vq, const emk_virtq_elem *e,
                     unsigned cap, uint64_t max_total)
{
    unsigned char tmp[TOUCH];
    uint64_t n;
    unsigned i;
    int r;

    check(e->ndesc >= 1 && e->head < vq->size);
    check(e->out.nsg <= cap && e->in.nsg <= cap);
    check(e->out.total + e->in.total <= max_total);
    for (i = 0; i < e->out.nsg; i++) {
        check(e->out.sg[i].len && e->out.sg[i].addr + e->out.sg[i].len - 1 >=
                                  e->out.sg[i].addr);
    }
    for (i = 0; i < e->in.nsg; i++) {
        check(e->in.sg[i].len && e->in.sg[i].addr + e->in.sg[i].len - 1 >=
                                 e->in.sg[i].addr);
    }
    n = e->out.total < TOUCH ? e->out.total : TOUCH;
    (void)emk_dma_sg_rw(dev, &e->out, 0, tmp, n, 0);  /* may fault: fine */
    n = e->in.total < TOUCH ? e->in.total : TOUCH;
    memset(tmp, 0x5a, sizeof(tmp));
    r = emk_dma_sg_rw(dev, &e->in, 0, tmp, n, 1);
    r = emk_virtq_push(vq, e, r == 0 ? (uint32_t)n : 0);
    check(r == 0 || (r == -EIO && emk_virtq_broken(vq)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static emk_dev dev;
    static emk_virtq vq;
    static emk_virtq_elem elem;
    static emk_sg_entry out_sg[MAX_SEG], in_sg[MAX_SEG];
    unsigned qsize, cap, ops, round, start;
    uint64_t desc, avail, used;
    int r;

    if (size < HDR) {
        return 0;
    }
    /* the machine is kept (allocating 1 MiB per input is the cost of it),
     * but everything an input can change is reset: RAM, the device base,
     * the queue (stateless: a crash reproduces from its input alone) */
    if (!tm)
        setup_machine();
    emk_dev_init(&dev, "fuzz-virtq", emk_tm_bus(tm), NULL);
    memset(ram, 0, RAM_SIZE);
    memcpy(ram, data + HDR,
           size - HDR < RAM_SIZE ? size - HDR : (size_t)RAM_SIZE);

    qsize = 1u << (data[0] & 15);
    desc = (uint64_t)le16(data + 2) * 16;
    avail = (uint64_t)le16(data + 4) * 16;
    used = (uint64_t)le16(data + 6) * 16;
    if (avail + 2 + 2 <= RAM_SIZE) {
        ram[avail + 2] = data[8];
        ram[avail + 3] = data[9];
    }
    start = le16(data + 10);
    cap = (data[13] & (MAX_SEG - 1)) + 1;
    ops = data[14];

    emk_virtq_init(&vq, &dev);
    if (data[12]) {
        vq.max_total = (uint64_t)1 << (data[12] & 31);
    }
    r = emk_virtq_enable(&vq, qsize, desc, avail, used, data[1] & 3);
    check(r == 0);
    /* resume as if `start` chains had gone through already */
    vq.last_avail = vq.shadow_avail = (uint16_t)start;
    vq.used_idx = vq.used_flushed = (uint16_t)start;
    emk_sglist_init(&elem.out, out_sg, cap);
    emk_sglist_init(&elem.in, in_sg, cap);

    for (round = 0; round < MAX_ROUNDS; round++) {
        if (ops & 1) {
            r = emk_virtq_set_notification(&vq, (int)(round & 1));
            check(r == 0 || (r == -EIO && emk_virtq_broken(&vq)));
        }
        r = emk_virtq_pop(&vq, &elem);
        if (r == 0) {
            break;
        }
        if (r < 0) {
            check(r == -EIO && emk_virtq_broken(&vq));
            check(vq.fault != EMK_VIRTQ_OK && vq.fault_msg != NULL);
            check(emk_virtq_pop(&vq, &elem) == -EIO);
            check(emk_virtq_pending(&vq) == -EIO);
            check(emk_virtq_should_notify(&vq) == 0);
            break;
        }
        check(r == 1);
        use_elem(&dev, &vq, &elem, cap, vq.max_total);
        if (ops & 2) {
            r = emk_virtq_should_notify(&vq);
            check(r == 0 || r == 1);
        }
    }
    return 0;
}
