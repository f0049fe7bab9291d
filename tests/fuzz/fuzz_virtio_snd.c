/* fuzz_virtio_snd.c - libFuzzer: a fuzzer-driven guest drives the virtio
 * sound device behind virtio-pci: control requests (well-formed ones with
 * fuzzed fields, and raw bytes), tx and rx messages of fuzzed stream ids
 * and sizes, event buffers, the virtual clock (pacing, xruns), host jack
 * changes, transport registers and raw writes into guest RAM where the
 * rings and buffers live.  Exercises request decoding, the stream state
 * machine, message checks, holding and completion, conversion to the
 * sine/null backends, and the queues' bounds.
 *
 * Stateless: every input gets a fresh machine and device. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "emkit/testmachine.h"
#include "emkit/virtio_pci.h"
#include "emkit/virtio_snd.h"
#include "emkit/guest/pci_enum.h"
#include "emkit/guest/virtio_drv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { RAM = 2 << 20, SCRATCH = 1 << 20, SCRATCH_LEN = 1 << 20, SLOT = 0x4000 };

static const uint32_t codes[] = {
    EMK_VIRTIO_SND_R_JACK_INFO, EMK_VIRTIO_SND_R_JACK_REMAP,
    EMK_VIRTIO_SND_R_PCM_INFO, EMK_VIRTIO_SND_R_PCM_SET_PARAMS,
    EMK_VIRTIO_SND_R_PCM_PREPARE, EMK_VIRTIO_SND_R_PCM_RELEASE,
    EMK_VIRTIO_SND_R_PCM_START, EMK_VIRTIO_SND_R_PCM_STOP,
    EMK_VIRTIO_SND_R_CHMAP_INFO
};

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);   /* the fuzz targets run little-endian */
}

/* The next scratch slot of guest RAM for a chain's buffers. */
static uint64_t slot(unsigned *next)
{
    uint64_t a = SCRATCH + (uint64_t)(*next % (SCRATCH_LEN / SLOT)) * SLOT;

    (*next)++;
    return a;
}

static void reclaim(emk_virtio_drv *d)
{
    unsigned q;
    uint16_t h;
    uint32_t l;

    for (q = 0; q < EMK_VIRTIO_SND_VQ_COUNT; q++)
        while (emk_virtio_drv_used(d, q, &h, &l))
            ;
}

static void control(emk_tm *tm, emk_virtio_drv *d, unsigned *next,
                    uint8_t kind, uint64_t v)
{
    uint64_t a = slot(next);
    uint8_t *req = emk_tm_ram(tm, a, 64);
    emk_virtio_drv_buf b[2];
    uint32_t rlen = 24, resp = 4 + (uint32_t)((v >> 56) % 200);

    if (!req)
        return;
    memset(req, 0, 64);
    put32(req, codes[(v & 0xff) % (sizeof(codes) / sizeof(codes[0]))]);
    put32(req + 4, (uint32_t)((v >> 8) & 3));         /* stream, jack or start */
    if (kind & 0x10) {                                /* a plausible SET_PARAMS */
        uint32_t fb = 2 * (uint32_t)(((v >> 24) & 1) + 1);

        put32(req, EMK_VIRTIO_SND_R_PCM_SET_PARAMS);
        put32(req + 12, fb * (uint32_t)(((v >> 16) & 0xff) + 1));
        put32(req + 8, 4 * fb * (uint32_t)(((v >> 16) & 0xff) + 1));
        put32(req + 16, (uint32_t)(v >> 40) & 0x18);
        req[20] = (uint8_t)(((v >> 24) & 1) + 1);
        req[21] = (v >> 25) & 1 ? EMK_AUDIO_FMT_S16 : (uint8_t)((v >> 26) & 31);
        req[22] = (uint8_t)((v >> 32) % 15);
    } else {
        put32(req + 8, (uint32_t)((v >> 16) & 0xff));
        put32(req + 12, (uint32_t)((v >> 24) & 0xff));
        rlen = (uint32_t)((v >> 48) & 31);
    }
    b[0].gpa = a;
    b[0].len = rlen;
    b[0].writable = 0;
    b[1].gpa = a + 64;
    b[1].len = resp;
    b[1].writable = 1;
    if (emk_virtio_drv_add(d, EMK_VIRTIO_SND_VQ_CONTROL, rlen ? b : b + 1,
                           rlen ? 2 : 1, (int)(kind & 1)) >= 0)
        emk_virtio_drv_kick(d, EMK_VIRTIO_SND_VQ_CONTROL);
}

static void io(emk_tm *tm, emk_virtio_drv *d, unsigned *next, uint8_t kind,
               uint64_t v)
{
    unsigned q = (kind & 0x10) ? EMK_VIRTIO_SND_VQ_RX : EMK_VIRTIO_SND_VQ_TX;
    uint64_t a = slot(next);
    uint8_t *hdr = emk_tm_ram(tm, a, 4);
    emk_virtio_drv_buf b[3];
    uint32_t len = (uint32_t)((v >> 8) % (SLOT - 64));

    if (!hdr)
        return;
    put32(hdr, (uint32_t)(v & 0xff) % 4);
    b[0].gpa = a;
    b[0].len = 4;
    b[0].writable = 0;
    b[1].gpa = a + 64;
    b[1].len = len;
    b[1].writable = q == EMK_VIRTIO_SND_VQ_RX;
    b[2].gpa = a + 32;
    b[2].len = (v >> 40) & 1 ? 4 : 8;
    b[2].writable = 1;
    if (emk_virtio_drv_add(d, q, len ? b : (b[1] = b[2], b), len ? 3 : 2,
                           (int)(kind & 1)) >= 0)
        emk_virtio_drv_kick(d, q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static emk_virtio_snd snd;
    static emk_virtio_pci pci;
    static emk_pci_enum e;
    static emk_virtio_drv d;
    emk_tm_config cfg = {0, RAM, 0};
    emk_virtio_snd_options so;
    emk_audio_backend be;
    emk_virtio_pci_options po;
    emk_pci_host host;
    emk_pci_seg seg[1];
    emk_pci_enum_seg es = { 0, 0xb0000000u, 0, 1 };
    emk_tm *tm;
    unsigned next = 0, q;
    size_t i;
    int idx, inited = 0;

    if (size < 1)
        return 0;
    tm = emk_tm_new(&cfg, NULL);
    if (!tm)
        return 0;
    (void)emk_audio_backend_init(&be, data[0] & 8 ? "sine:440" : "null");
    memset(&so, 0, sizeof(so));
    so.backend = &be;
    memset(&po, 0, sizeof(po));
    po.no_ioeventfd = data[0] & 1;
    emk_pci_host_init(&host, emk_tm_bus(tm), seg, 1);
    if (emk_pci_host_add_segment(&host, 0, es.ecam_base, 0, 1) < 0 ||
        emk_virtio_snd_init(&snd, emk_tm_bus(tm), NULL, &so) < 0)
        goto out;
    inited = 1;
    if (emk_virtio_pci_init(&pci, &snd.vdev, &po) < 0)
        goto out_snd;
    if (emk_pci_seg_attach(&seg[0], &pci.fn, 1 << 3) < 0 ||
        emk_pci_enum_init(&e, tm, &es, 1, 0x80000000ull, 0x90000000ull,
                          0x100000000ull, 0x200000000ull, 0x1000, 0x2000) < 0 ||
        emk_pci_enum_run(&e) < 1 ||
        (idx = emk_pci_enum_find(&e, EMK_VIRTIO_PCI_VENDOR,
                                 EMK_VIRTIO_PCI_DEVICE_BASE + EMK_VIRTIO_ID_SOUND, 0)) < 0 ||
        emk_virtio_drv_init(&d, &e, (unsigned)idx) < 0)
        goto out_pci;
    if (data[0] & 2)
        (void)emk_pci_enum_msix_setup(&e, (unsigned)idx, 0xfee00000u, 0x30, 5);
    if (data[0] & 4) {
        /* a running device so the fuzzer reaches the queues */
        if (emk_virtio_drv_negotiate(&d, (uint64_t)(data[0] & 0x30) << 24 |
                                             (uint64_t)1 << 40) == 0) {
            for (q = 0; q < EMK_VIRTIO_SND_VQ_COUNT; q++)
                (void)emk_virtio_drv_queue(&d, q, 8, (data[0] & 2) ? (uint16_t)q
                                                                  : EMK_VIRTIO_NO_VECTOR);
            emk_virtio_drv_ok(&d);
        }
    }
    /* Each op: 1 byte kind, 1 byte offset, 8 bytes value. */
    for (i = 1; i + 10 <= size; i += 10) {
        uint8_t kind = data[i], off = data[i + 1];
        unsigned sz = 1u << (kind & 3);
        uint64_t v = 0;

        memcpy(&v, data + i + 2, 8);
        switch ((kind >> 5) & 7) {
        case 0:
            control(tm, &d, &next, kind, v);
            break;
        case 1:
            io(tm, &d, &next, kind, v);
            break;
        case 2: {
            emk_virtio_drv_buf b = { slot(&next), (uint32_t)(v & 15), 1 };

            if (emk_virtio_drv_add(&d, EMK_VIRTIO_SND_VQ_EVENT, &b, 1, 0) >= 0)
                emk_virtio_drv_kick(&d, EMK_VIRTIO_SND_VQ_EVENT);
            break;
        }
        case 3:
            emk_tm_advance(tm, (int64_t)(v & 0x3ffffff));
            break;
        case 4:
            (void)emk_virtio_snd_jack_set(&snd, off & 1, (int)(v & 1));
            break;
        case 5:
            if (kind & 16)
                emk_tm_mmio_write(tm, d.common + off % 0x40, sz, v);
            else
                emk_tm_mmio_read(tm, d.device + off % 16, sz, &v);
            break;
        case 6: { /* guest RAM: rings, descriptors, buffers */
            uint64_t a = (v >> 16) % (RAM - 8);
            uint8_t *p = emk_tm_ram(tm, a, 8);

            if (p)
                memcpy(p, data + i + 2, 8);
            break;
        }
        default:
            emk_tm_mmio_write(tm, d.notify + (off % 4) * 4, 2, off % 4);
            reclaim(&d);
            break;
        }
        emk_tm_run_pending(tm, 8);
    }
    emk_tm_advance(tm, 1000000000);
    emk_tm_run_pending(tm, 16);
out_pci:
    emk_virtio_pci_cleanup(&pci);
out_snd:
    if (inited)
        emk_virtio_snd_cleanup(&snd);
out:
    emk_audio_backend_cleanup(&be);
    emk_tm_run_pending(tm, 4);
    emk_tm_free(tm);
    return 0;
}
