/*
 * info.c - what the adapter says about itself: board ID, configuration,
 * setup and extended setup information, firmware version 5.07B, model
 * "958", PCI information, installed devices, and the local RAM (BIOS area
 * at 0, AutoSCSI area at 64) that Fetch Local RAM reads.  The layouts are
 * those Linux's BusLogic.h declares (struct blogic_setup_info,
 * blogic_ext_setup, blogic_adapter_info, blogic_autoscsi).
 */
#include "bl_int.h"

enum {
    AUTOSCSI = 64,
    SETUP_INFO_LEN = 34,
    EXT_SETUP_LEN = 14
};

static const char model[] = "958 ";

static unsigned scsi_id(const bl_state *st)
{
    return st->s->opt.scsi_id ? st->s->opt.scsi_id & 15 : 7;
}

/* bitmap of targets with LUN 0 (first) or of LUNs 0-7 of target t */
static unsigned lun_bits(const bl_state *st, unsigned t)
{
    unsigned l, b = 0;

    for (l = 0; l < 8; l++)
        if (st->s->target[t].lun[l])
            b |= 1u << l;
    return b;
}

void emk_bl_local_ram_init(bl_state *st)
{
    uint8_t *a = st->local_ram + AUTOSCSI;

    memset(st->local_ram, 0, sizeof(st->local_ram));
    a[0] = 'F';
    a[1] = 'A';
    a[2] = 0x3f;                   /* information bytes */
    memcpy(a + 3, "958   ", 6);    /* adapter type */
    a[10] = 0x04;                  /* level-sensitive interrupt */
    a[12] = (uint8_t)(st->s->opt.irq_number & 0x7f);
    a[14] = (uint8_t)scsi_id(st);
    a[15] = 0x01 | 0x02 | 0x04 | 0x10 | 0x20 | 0x80; /* termination, parity,
                                        fast sync, bus reset, active neg. */
    emk_st_le16(a + 19, 0xffff);   /* devices enabled */
    emk_st_le16(a + 21, 0xffff);   /* wide permitted */
    emk_st_le16(a + 23, 0xffff);   /* fast permitted */
    emk_st_le16(a + 25, 0xffff);   /* synchronous permitted */
    emk_st_le16(a + 27, 0xffff);   /* disconnect permitted: tagged queuing
                                      is only allowed with it */
    a[33] = 0x10;                  /* strict round robin enabled */
    emk_st_le16(a + 34, 0xffff);   /* ultra permitted */
    a[41] = EMK_SCSI_MAX_LUNS - 1; /* maximum LUN */
}

/* Setup information (0x0D), 34 bytes. */
static void setup_info(const bl_state *st, uint8_t *r)
{
    memset(r, 0, SETUP_INFO_LEN);
    r[0] = 0x01 | 0x02;            /* synchronous initiation, parity */
    r[4] = (uint8_t)st->mbox_count;
    if (!st->mbox_wide) {
        r[5] = (uint8_t)(st->mbox_base >> 16);
        r[6] = (uint8_t)(st->mbox_base >> 8);
        r[7] = (uint8_t)st->mbox_base;
    }
    r[16] = 0xff;                  /* disconnect permitted 0-7 */
    r[17] = 'B';
    r[18] = 'D';
    r[19] = 'E';
    r[20] = 0xff;                  /* wide permitted 0-7 */
    r[30] = 0xff;                  /* disconnect permitted 8-15 */
    r[32] = 0xff;                  /* wide permitted 8-15 */
}

/* Extended setup information (0x8D), 14 bytes. */
static void ext_setup(const bl_state *st, uint8_t *r)
{
    memset(r, 0, EXT_SETUP_LEN);
    r[0] = 'E';                    /* bus type as BusLogic PCI boards say */
    r[1] = 0;                      /* BIOS address >> 12: no BIOS */
    emk_st_le16(r + 2, EMK_BUSLOGIC_SG_LIMIT);
    r[4] = (uint8_t)st->mbox_count;
    emk_st_le32(r + 5, st->mbox_wide ? st->mbox_base : 0);
    r[9] = 0x40;                   /* level-sensitive interrupt */
    memcpy(r + 10, "07B", 3);      /* firmware revision */
    r[13] = 0x01 | 0x08;           /* wide, ultra */
}

/* copies min(want, have) bytes of src into the reply, zero-padded to want */
static unsigned sized(bl_state *st, const uint8_t *src, unsigned have,
                      unsigned want)
{
    memset(st->reply, 0, want);
    memcpy(st->reply, src, have < want ? have : want);
    return want;
}

unsigned emk_bl_info(bl_state *st, uint8_t opcode, const uint8_t *p)
{
    uint8_t *r = st->reply, tmp[SETUP_INFO_LEN];
    unsigned i, bits;

    switch (opcode) {
    case EMK_BUSLOGIC_CMD_BOARD_ID:
        r[0] = 'A';                /* board type */
        r[1] = 'A';                /* custom features */
        r[2] = '5';                /* firmware 5.0x: the "W" series */
        r[3] = '0';
        return 4;
    case EMK_BUSLOGIC_CMD_FW_DIGIT3:
        r[0] = '7';
        return 1;
    case EMK_BUSLOGIC_CMD_FW_LETTER:
        r[0] = 'B';
        return 1;
    case EMK_BUSLOGIC_CMD_CONFIGURATION: {
        unsigned irq = st->s->opt.irq_number;
        static const uint8_t irqbit[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                            0x01, 0x02, 0x04, 0x08, 0, 0x20, 0x40 };

        r[0] = 0;                  /* no ISA DMA channel */
        r[1] = irq < 16 ? irqbit[irq] : 0;
        r[2] = (uint8_t)scsi_id(st);
        return 3;
    }
    case EMK_BUSLOGIC_CMD_SETUP_INFO:
        setup_info(st, tmp);
        return sized(st, tmp, SETUP_INFO_LEN, p[0]);
    case EMK_BUSLOGIC_CMD_EXT_SETUP:
        ext_setup(st, tmp);
        return sized(st, tmp, EXT_SETUP_LEN, p[0]);
    case EMK_BUSLOGIC_CMD_MODEL:
        return sized(st, (const uint8_t *)model, sizeof(model) - 1, p[0]);
    case EMK_BUSLOGIC_CMD_SYNC_PERIOD:
        /* 10 ns units per target: 50 (20 MHz, ultra) where there is one */
        memset(tmp, 0, sizeof(tmp));
        for (i = 0; i < EMK_BUSLOGIC_TARGETS; i++)
            tmp[i] = lun_bits(st, i) ? 5 : 0;
        return sized(st, tmp, EMK_BUSLOGIC_TARGETS, p[0]);
    case EMK_BUSLOGIC_CMD_PCI_INFO:
        r[0] = st->isa_port;
        r[1] = (uint8_t)st->s->opt.irq_number;
        r[2] = 0x80 | 0x02 | 0x01;  /* generic info valid, high, low term */
        r[3] = 0;
        return 4;
    case EMK_BUSLOGIC_CMD_INSTALLED_0_7:
    case EMK_BUSLOGIC_CMD_INSTALLED_8_15:
        for (i = 0; i < 8; i++)
            r[i] = (uint8_t)lun_bits(st, i + (opcode == EMK_BUSLOGIC_CMD_INSTALLED_8_15 ? 8 : 0));
        return 8;
    case EMK_BUSLOGIC_CMD_TARGET_DEVICES:
        bits = 0;
        for (i = 0; i < EMK_BUSLOGIC_TARGETS; i++)
            if (st->s->target[i].lun[0])
                bits |= 1u << i;
        emk_st_le16(r, (uint16_t)bits);
        return 2;
    case EMK_BUSLOGIC_CMD_FETCH_LOCAL_RAM:
        for (i = 0; i < p[1]; i++)
            r[i] = st->local_ram[(p[0] + i) & 0xff];
        return p[1];
    default:
        return 0;
    }
}
