/* buslogic_drv.c - guest-side driver for the BusLogic BT-958 (see
 * buslogic_drv.h): Linux's command handshake and probe sequence, mailbox
 * and CCB handling, on the test machine. */
#include <string.h>
#include <time.h>

#include "emkit/guest/buslogic_drv.h"

static uint8_t inb(emk_buslogic_drv *d, unsigned reg)
{
    uint64_t v = 0xff;

    emk_tm_pio_read(d->tm, d->io + reg, 1, &v);
    return (uint8_t)v;
}

static void outb(emk_buslogic_drv *d, unsigned reg, uint8_t v)
{
    emk_tm_pio_write(d->tm, d->io + reg, 1, v);
}

/* lets the device loop run a little (the adapter may be in an iothread) */
static void settle(emk_buslogic_drv *d)
{
    if (emk_tm_run_pending(d->tm, 100) == 0) {
        struct timespec ts = {0, 20000};
        nanosleep(&ts, NULL);
    }
}

int emk_buslogic_drv_command(emk_buslogic_drv *d, uint8_t opcode,
                             const void *param, unsigned plen, void *reply,
                             unsigned rlen)
{
    const uint8_t *p = (const uint8_t *)param;
    uint8_t *r = (uint8_t *)reply, st = 0, in;
    unsigned got = 0;
    int spins;

    for (spins = 0; spins < 10000; spins++) {
        st = inb(d, EMK_BUSLOGIC_REG_STATUS);
        if ((st & EMK_BUSLOGIC_STAT_READY) && !(st & EMK_BUSLOGIC_STAT_CMD_BUSY))
            break;
        settle(d);
    }
    if (spins == 10000)
        return -ETIMEDOUT;
    outb(d, EMK_BUSLOGIC_REG_COMMAND, opcode);
    while (plen) {
        in = inb(d, EMK_BUSLOGIC_REG_INTERRUPT);
        st = inb(d, EMK_BUSLOGIC_REG_STATUS);
        if ((in & EMK_BUSLOGIC_INT_CMD_COMPLETE) ||
            (st & EMK_BUSLOGIC_STAT_DATAIN_READY))
            break;
        if (st & EMK_BUSLOGIC_STAT_CMD_BUSY) {
            settle(d);
            continue;
        }
        outb(d, EMK_BUSLOGIC_REG_COMMAND, *p++);
        plen--;
    }
    if (opcode == EMK_BUSLOGIC_CMD_MODIFY_IO) {
        st = inb(d, EMK_BUSLOGIC_REG_STATUS);
        return (st & EMK_BUSLOGIC_STAT_CMD_INVALID) ? -EINVAL : 0;
    }
    for (spins = 0; spins < 100000; spins++) {
        in = inb(d, EMK_BUSLOGIC_REG_INTERRUPT);
        st = inb(d, EMK_BUSLOGIC_REG_STATUS);
        if (in & EMK_BUSLOGIC_INT_CMD_COMPLETE)
            break;
        if (st & EMK_BUSLOGIC_STAT_DATAIN_READY) {
            uint8_t b = inb(d, EMK_BUSLOGIC_REG_DATAIN);

            if (got < rlen)
                r[got] = b;
            got++;
            continue;
        }
        settle(d);
    }
    if (spins == 100000)
        return -ETIMEDOUT;
    outb(d, EMK_BUSLOGIC_REG_CONTROL, EMK_BUSLOGIC_CTRL_INT_RESET);
    d->commands++;
    if ((st & EMK_BUSLOGIC_STAT_CMD_INVALID) || plen)
        return -EINVAL;
    return (int)got;
}

static int hard_reset(emk_buslogic_drv *d)
{
    int i;
    uint8_t st = 0;

    outb(d, EMK_BUSLOGIC_REG_CONTROL, EMK_BUSLOGIC_CTRL_HARD_RESET);
    for (i = 0; i < 1000; i++) {
        st = inb(d, EMK_BUSLOGIC_REG_STATUS);
        if (st & EMK_BUSLOGIC_STAT_DIAG_ACTIVE)
            break;
        settle(d);
    }
    if (i == 1000)
        return -ETIMEDOUT;
    for (i = 0; i < 1000; i++) {
        st = inb(d, EMK_BUSLOGIC_REG_STATUS);
        if (!(st & EMK_BUSLOGIC_STAT_DIAG_ACTIVE))
            break;
        settle(d);
    }
    if (i == 1000 || (st & EMK_BUSLOGIC_STAT_DIAG_FAILED) ||
        !(st & EMK_BUSLOGIC_STAT_READY))
        return -EIO;
    return 0;
}

int emk_buslogic_drv_init(emk_buslogic_drv *d, emk_tm *tm, uint64_t io,
                          unsigned nmbox)
{
    uint8_t st, in, geo, r[64], p[5], ext[14], id[4], model[5], d3, letter;
    int ret, i;

    memset(d, 0, sizeof(*d));
    d->tm = tm;
    d->io = io;
    if (nmbox == 0 || nmbox > 255)
        return -EINVAL;
    /* blogic_probe */
    st = inb(d, EMK_BUSLOGIC_REG_STATUS);
    in = inb(d, EMK_BUSLOGIC_REG_INTERRUPT);
    geo = inb(d, EMK_BUSLOGIC_REG_GEOMETRY);
    if (st == 0 || (st & (EMK_BUSLOGIC_STAT_DIAG_ACTIVE | EMK_BUSLOGIC_STAT_CMD_BUSY |
                          0x02 | EMK_BUSLOGIC_STAT_CMD_INVALID)) ||
        (in & 0x70) || geo == 0xff)
        return -ENODEV;
    ret = hard_reset(d);
    if (ret < 0)
        return ret;
    /* blogic_checkadapter, blogic_rdconfig */
    p[0] = sizeof(ext);
    if (emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_EXT_SETUP, p, 1, ext,
                                 sizeof(ext)) != (int)sizeof(ext))
        return -ENODEV;
    if ((ret = emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_BOARD_ID, NULL, 0,
                                        id, 4)) != 4)
        return ret < 0 ? ret : -EIO;
    if ((ret = emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_CONFIGURATION,
                                        NULL, 0, r, 3)) != 3)
        return ret < 0 ? ret : -EIO;
    p[0] = 34;
    if ((ret = emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_SETUP_INFO, p, 1,
                                        r, 34)) != 34)
        return ret < 0 ? ret : -EIO;
    if ((ret = emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_FW_DIGIT3, NULL,
                                        0, &d3, 1)) != 1)
        return ret < 0 ? ret : -EIO;
    p[0] = sizeof(model);
    if ((ret = emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_MODEL, p, 1,
                                        model, sizeof(model))) != (int)sizeof(model))
        return ret < 0 ? ret : -EIO;
    if ((ret = emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_FW_LETTER, NULL,
                                        0, &letter, 1)) != 1)
        return ret < 0 ? ret : -EIO;
    memcpy(d->model, "BT-", 3);
    for (i = 0; i < 4 && model[i] != ' ' && model[i]; i++)
        d->model[3 + i] = (char)model[i];
    d->fw[0] = (char)id[2];
    d->fw[1] = '.';
    d->fw[2] = (char)id[3];
    d->fw[3] = (char)d3;
    d->fw[4] = (char)letter;
    d->sg_limit = ext[2] | (unsigned)ext[3] << 8;
    if ((ret = emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_PCI_INFO, NULL, 0,
                                        r, 4)) != 4)
        return ret < 0 ? ret : -EIO;
    p[0] = 64;
    p[1] = 64;
    if ((ret = emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_FETCH_LOCAL_RAM,
                                        p, 2, r, 64)) != 64)
        return ret < 0 ? ret : -EIO;
    /* blogic_initadapter */
    d->nmbox = nmbox;
    d->mbox = (uint32_t)emk_tm_alloc(tm, (uint64_t)nmbox * 16, 16);
    d->ccbs = (uint32_t)emk_tm_alloc(tm, (uint64_t)EMK_BUSLOGIC_DRV_CCBS *
                                         EMK_BUSLOGIC_DRV_CCB_SIZE, 64);
    if (!d->mbox || !d->ccbs)
        return -ENOMEM;
    memset(emk_tm_ram(tm, d->mbox, (uint64_t)nmbox * 16), 0, (size_t)nmbox * 16);
    p[0] = (uint8_t)nmbox;
    p[1] = (uint8_t)d->mbox;
    p[2] = (uint8_t)(d->mbox >> 8);
    p[3] = (uint8_t)(d->mbox >> 16);
    p[4] = (uint8_t)(d->mbox >> 24);
    if ((ret = emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_INIT_EXT_MBOX, p, 5,
                                        NULL, 0)) < 0)
        return ret;
    p[0] = 1;
    if ((ret = emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_STRICT_RR, p, 1,
                                        NULL, 0)) < 0)
        return ret;
    if ((ret = emk_buslogic_drv_command(d, EMK_BUSLOGIC_CMD_CCB_FORMAT, p, 1,
                                        NULL, 0)) < 0)
        return ret;
    return 0;
}

int emk_buslogic_drv_start(emk_buslogic_drv *d, const emk_buslogic_drv_cmd *c)
{
    uint8_t *ccb, *ob;
    uint32_t a;
    int tag;
    unsigned i;

    if (c->cdb_len == 0 || c->cdb_len > 12 || c->nseg > EMK_BUSLOGIC_DRV_SG)
        return -EINVAL;
    for (tag = 0; tag < EMK_BUSLOGIC_DRV_CCBS && d->busy[tag]; tag++)
        ;
    if (tag == EMK_BUSLOGIC_DRV_CCBS)
        return -EBUSY;
    ob = (uint8_t *)emk_tm_ram(d->tm, d->mbox + 8u * d->out_next, 8);
    if (ob[7] != EMK_BUSLOGIC_ACTION_FREE)
        return -EBUSY;
    a = d->ccbs + (uint32_t)tag * EMK_BUSLOGIC_DRV_CCB_SIZE;
    ccb = (uint8_t *)emk_tm_ram(d->tm, a, EMK_BUSLOGIC_DRV_CCB_SIZE);
    memset(ccb, 0, EMK_BUSLOGIC_DRV_CCB_SIZE);
    if (c->nseg) {
        uint32_t per = c->len / c->nseg, off = 0;
        uint8_t *sg = ccb + 64;

        ccb[0] = c->residual ? EMK_BUSLOGIC_CCB_INITIATOR_SG_RESID
                             : EMK_BUSLOGIC_CCB_INITIATOR_SG;
        for (i = 0; i < c->nseg; i++) {
            uint32_t n = i + 1 == c->nseg ? c->len - off : per;

            sg[8 * i + 0] = (uint8_t)n;
            sg[8 * i + 1] = (uint8_t)(n >> 8);
            sg[8 * i + 2] = (uint8_t)(n >> 16);
            sg[8 * i + 3] = (uint8_t)(n >> 24);
            sg[8 * i + 4] = (uint8_t)(c->buf + off);
            sg[8 * i + 5] = (uint8_t)((c->buf + off) >> 8);
            sg[8 * i + 6] = (uint8_t)((c->buf + off) >> 16);
            sg[8 * i + 7] = (uint8_t)((c->buf + off) >> 24);
            off += n;
        }
        i = c->nseg * 8;
        ccb[4] = (uint8_t)i;
        ccb[5] = (uint8_t)(i >> 8);
        ccb[8] = (uint8_t)(a + 64);
        ccb[9] = (uint8_t)((a + 64) >> 8);
        ccb[10] = (uint8_t)((a + 64) >> 16);
        ccb[11] = (uint8_t)((a + 64) >> 24);
    } else {
        ccb[0] = c->residual ? EMK_BUSLOGIC_CCB_INITIATOR_RESID
                             : EMK_BUSLOGIC_CCB_INITIATOR;
        for (i = 0; i < 4; i++) {
            ccb[4 + i] = (uint8_t)(c->len >> (8 * i));
            ccb[8 + i] = (uint8_t)(c->buf >> (8 * i));
        }
    }
    ccb[2] = (uint8_t)c->cdb_len;
    ccb[3] = 96;                          /* sense bytes, as Linux asks */
    ccb[16] = (uint8_t)c->target;
    ccb[17] = (uint8_t)c->lun;
    memcpy(ccb + 18, c->cdb, c->cdb_len);
    for (i = 0; i < 4; i++)
        ccb[36 + i] = (uint8_t)((a + 64 + 8 * EMK_BUSLOGIC_DRV_SG) >> (8 * i));
    d->busy[tag] = 1;
    for (i = 0; i < 4; i++)
        ob[i] = (uint8_t)(a >> (8 * i));
    ob[7] = EMK_BUSLOGIC_ACTION_START;    /* the CCB address first */
    if (++d->out_next >= d->nmbox)
        d->out_next = 0;
    outb(d, EMK_BUSLOGIC_REG_COMMAND, EMK_BUSLOGIC_CMD_EXEC_MBOX);
    return tag;
}

/* takes the completions in the incoming mailboxes */
static unsigned scan(emk_buslogic_drv *d, emk_buslogic_drv_done *out,
                     unsigned max)
{
    unsigned n = 0;

    while (n < max) {
        uint8_t *ib = (uint8_t *)emk_tm_ram(d->tm, d->mbox + 8u * d->nmbox +
                                                       8u * d->in_next, 8);
        uint32_t a = (uint32_t)ib[0] | (uint32_t)ib[1] << 8 |
                     (uint32_t)ib[2] << 16 | (uint32_t)ib[3] << 24;
        int tag;
        const uint8_t *ccb;

        if (ib[7] == EMK_BUSLOGIC_COMP_FREE)
            break;
        memset(&out[n], 0, sizeof(out[n]));
        tag = a >= d->ccbs ? (int)((a - d->ccbs) / EMK_BUSLOGIC_DRV_CCB_SIZE) : -1;
        if (tag >= EMK_BUSLOGIC_DRV_CCBS)
            tag = -1;
        out[n].tag = tag;
        out[n].comp = ib[7];
        out[n].hs = ib[4];
        out[n].ts = ib[5];
        if (tag >= 0) {
            ccb = (const uint8_t *)emk_tm_ram(d->tm, a, EMK_BUSLOGIC_DRV_CCB_SIZE);
            out[n].resid = (uint32_t)ccb[4] | (uint32_t)ccb[5] << 8 |
                           (uint32_t)ccb[6] << 16 | (uint32_t)ccb[7] << 24;
            memcpy(out[n].sense, ccb + 64 + 8 * EMK_BUSLOGIC_DRV_SG,
                   EMK_BUSLOGIC_SENSE_MAX);
            d->busy[tag] = 0;
        }
        ib[7] = EMK_BUSLOGIC_COMP_FREE;
        if (++d->in_next >= d->nmbox)
            d->in_next = 0;
        n++;
    }
    return n;
}

int emk_buslogic_drv_poll(emk_buslogic_drv *d, emk_buslogic_drv_done *out,
                          unsigned max, unsigned timeout_ms)
{
    int64_t deadline = emk_host_now_ns() + (int64_t)timeout_ms * 1000000;
    unsigned n = 0;

    for (;;) {
        uint8_t in = inb(d, EMK_BUSLOGIC_REG_INTERRUPT);

        if (in & EMK_BUSLOGIC_INT_VALID) {
            /* as blogic_inthandler: acknowledge, then scan */
            outb(d, EMK_BUSLOGIC_REG_CONTROL, EMK_BUSLOGIC_CTRL_INT_RESET);
            d->interrupts++;
        }
        n += scan(d, out + n, max - n);
        if (n == max || (n && !(in & EMK_BUSLOGIC_INT_VALID)))
            return (int)n;
        if (emk_host_now_ns() > deadline)
            return (int)n;
        settle(d);
    }
}

int emk_buslogic_drv_exec(emk_buslogic_drv *d, const emk_buslogic_drv_cmd *c,
                          emk_buslogic_drv_done *out)
{
    emk_buslogic_drv_done got[8];
    int tag = emk_buslogic_drv_start(d, c), n, i;
    int64_t deadline = emk_host_now_ns() + (int64_t)5000000000;

    if (tag < 0)
        return tag;
    while (emk_host_now_ns() < deadline) {
        n = emk_buslogic_drv_poll(d, got, 8, 100);
        for (i = 0; i < n; i++) {
            if (got[i].tag == tag) {
                *out = got[i];
                return 0;
            }
        }
    }
    return -ETIMEDOUT;
}
