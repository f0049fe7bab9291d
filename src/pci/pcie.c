/*
 * pcie.c - the PCI Express capability (device, link, slot, root and "2"
 * registers), and the ARI, ACS and AER extended capabilities.
 */
#include "pci/pci_int.h"

static int valid_width(unsigned w)
{
    return w == 1 || w == 2 || w == 4 || w == 8 || w == 12 || w == 16 ||
           w == 32;
}

static void write_lnksta(emk_pci_fn *fn, unsigned speed, unsigned width)
{
    unsigned c = fn->exp_cap;
    uint16_t sta = emk_pci_get_word(fn, c + EMK_PCIE_LNKSTA);

    sta = (uint16_t)((sta & ~0x03ffu) | speed | width << 4);
    emk_pci_set_word(fn, c + EMK_PCIE_LNKSTA, sta);
    /* Gen3 and faster: report equalization complete, phases 1-3 done */
    emk_pci_set_word(fn, c + EMK_PCIE_LNKSTA2,
                     speed >= EMK_PCIE_SPEED_8GT ? 0x001e : 0);
}

int emk_pcie_cap_init(emk_pci_fn *fn, unsigned type, const emk_pcie_link *link)
{
    unsigned cs, cw, speed_vec = 0, s;
    int port = type == EMK_PCIE_TYPE_ROOT_PORT ||
               type == EMK_PCIE_TYPE_DOWNSTREAM;
    int slot = port;
    uint32_t lnkcap;
    int c;

    if (fn->exp_cap || fn->cfg_size != EMK_PCIE_CFG_SIZE || !link)
        return -EINVAL;
    if (type == 2 || type == 3 || type > EMK_PCIE_TYPE_RC_EVENT_COLLECTOR ||
        link->max_speed < EMK_PCIE_SPEED_2_5GT ||
        link->max_speed > EMK_PCIE_SPEED_64GT || !valid_width(link->max_width))
        return -EINVAL;
    cs = link->cur_speed ? link->cur_speed : link->max_speed;
    cw = link->cur_width ? link->cur_width : link->max_width;
    if (cs > link->max_speed || cw > link->max_width || !valid_width(cw))
        return -EINVAL;
    c = emk_pci_cap_add(fn, EMK_PCI_CAP_ID_EXP, EMK_PCIE_CAP_SIZE);
    if (c < 0)
        return c;
    fn->exp_cap = (uint16_t)c;

    /* capabilities register: version 2, type, slot implemented */
    emk_pci_set_word(fn, c + EMK_PCIE_FLAGS,
                     (uint16_t)(0x2 | type << 4 | (slot ? 0x100 : 0)));
    /* device: MPS 256 bytes, extended tags, role-based error reporting;
     * endpoints: L0s/L1 acceptable latency "unlimited" */
    emk_pci_set_long(fn, c + EMK_PCIE_DEVCAP,
                     0x1u | 0x20u | 0x8000u | (port ? 0 : 0x0fc0u));
    /* endpoints offer Function Level Reset (DevCtl bit 15 starts it) */
    if (!port)
        emk_pci_set_long(fn, c + EMK_PCIE_DEVCAP,
                         emk_pci_get_long(fn, c + EMK_PCIE_DEVCAP) | 0x10000000u);
    emk_pci_set_masks(fn, c + EMK_PCIE_DEVCTL, 2, port ? 0x7fff : 0xffff, 0);
    emk_pci_set_masks(fn, c + EMK_PCIE_DEVSTA, 2, 0, 0x000f);

    /* link: max speed/width, ports report DLL active and surprise down */
    lnkcap = link->max_speed | (uint32_t)link->max_width << 4 |
             0x3u << 12 | 0x2u << 15 | 0x00400000u;   /* exit latencies, ASPM opt */
    if (port)
        lnkcap |= 0x00080000u | 0x00100000u | 0x00200000u;
    emk_pci_set_long(fn, c + EMK_PCIE_LNKCAP, lnkcap);
    emk_pci_set_masks(fn, c + EMK_PCIE_LNKCTL, 2, port ? 0x0fd3 : 0x03cb, 0);
    emk_pci_set_word(fn, c + EMK_PCIE_LNKSTA, 0x1000);  /* slot clock */
    emk_pci_set_masks(fn, c + EMK_PCIE_LNKSTA, 2, 0, port ? 0xc000 : 0);
    write_lnksta(fn, cs, cw);

    if (slot) {
        emk_pci_set_masks(fn, c + EMK_PCIE_SLTSTA, 2, 0, 0x011f);
    }
    if (type == EMK_PCIE_TYPE_ROOT_PORT) {
        emk_pci_set_masks(fn, c + EMK_PCIE_RTCTL, 2, 0x001f, 0);
        emk_pci_set_masks(fn, c + EMK_PCIE_RTSTA, 4, 0, 0x00010000u);
    }
    /* device 2: completion timeout disable; ports forward ARI */
    emk_pci_set_long(fn, c + EMK_PCIE_DEVCAP2,
                     0x10u | (port ? EMK_PCIE_DEVCAP2_ARI : 0));
    emk_pci_set_masks(fn, c + EMK_PCIE_DEVCTL2, 2,
                      0x10u | (port ? EMK_PCIE_DEVCTL2_ARI : 0), 0);
    /* link 2: supported speeds vector, target speed */
    for (s = 1; s <= link->max_speed; s++)
        speed_vec |= 1u << s;
    emk_pci_set_long(fn, c + EMK_PCIE_LNKCAP2, speed_vec);
    emk_pci_set_masks(fn, c + EMK_PCIE_LNKCTL2, 2, 0x007f, 0);
    emk_pcie__defaults(fn);
    return c;
}

void emk_pcie__defaults(emk_pci_fn *fn)
{
    unsigned c = fn->exp_cap;

    if (!c)
        return;
    /* relaxed ordering, no snoop, max read request 512 bytes */
    emk_pci_set_word(fn, c + EMK_PCIE_DEVCTL, 0x2810);
    /* target link speed: the maximum */
    emk_pci_set_word(fn, c + EMK_PCIE_LNKCTL2,
                     emk_pci_get_long(fn, c + EMK_PCIE_LNKCAP) & 0xf);
    /* hot-plug slot: attention indicator off, power indicator on */
    if (emk_pci__is_down_port(fn) &&
        (emk_pci_get_long(fn, c + EMK_PCIE_SLTCAP) & 0x40))
        emk_pci_set_word(fn, c + EMK_PCIE_SLTCTL, 0x01c0);
}

int emk_pcie_link_set(emk_pci_fn *fn, unsigned speed, unsigned width)
{
    uint32_t cap;

    if (!fn->exp_cap)
        return -EINVAL;
    cap = emk_pci_get_long(fn, fn->exp_cap + EMK_PCIE_LNKCAP);
    if (speed < 1 || speed > (cap & 0xf) || !valid_width(width) ||
        width > ((cap >> 4) & 0x3f))
        return -EINVAL;
    write_lnksta(fn, speed, width);
    return 0;
}

int emk_pcie_ari_forwarding(const emk_pci_fn *fn)
{
    return fn->exp_cap &&
           (emk_pci_get_word(fn, fn->exp_cap + EMK_PCIE_DEVCTL2) &
            EMK_PCIE_DEVCTL2_ARI);
}

int emk_pcie_ari_init(emk_pci_fn *fn, uint8_t next_fn)
{
    int off;

    if (fn->ari_cap)
        return -EINVAL;
    off = emk_pci_ext_cap_add(fn, EMK_PCI_EXT_CAP_ID_ARI, 1, 8);
    if (off < 0)
        return off;
    fn->ari_cap = (uint16_t)off;
    /* no MFVC / ACS function groups: control stays read-only zero */
    emk_pci_set_word(fn, off + 4, (uint16_t)(next_fn << 8));
    return off;
}

int emk_pcie_acs_init(emk_pci_fn *fn, unsigned caps)
{
    int off;

    caps &= EMK_PCIE_ACS_ALL_PORT | EMK_PCIE_ACS_DT;
    if (fn->acs_cap || !caps)
        return -EINVAL;
    off = emk_pci_ext_cap_add(fn, EMK_PCI_EXT_CAP_ID_ACS, 1, 8);
    if (off < 0)
        return off;
    fn->acs_cap = (uint16_t)off;
    emk_pci_set_word(fn, off + 4, (uint16_t)caps);
    emk_pci_set_masks(fn, off + 6, 2, caps, 0);
    return off;
}

unsigned emk_pcie_acs_ctrl(const emk_pci_fn *fn)
{
    return fn->acs_cap ? emk_pci_get_word(fn, fn->acs_cap + 6) : 0;
}

enum {
    AER_UNCOR_STATUS = 0x04,
    AER_UNCOR_MASK = 0x08,
    AER_UNCOR_SEVER = 0x0c,
    AER_COR_STATUS = 0x10,
    AER_COR_MASK = 0x14,
    AER_CAP_CTRL = 0x18,
    AER_ROOT_CMD = 0x2c,
    AER_ROOT_STATUS = 0x30,
    AER_UNCOR_VALID = 0x007ff030,
    AER_COR_VALID = 0x0000f1c1
};

int emk_pcie_aer_init(emk_pci_fn *fn)
{
    int root = emk_pci__pcie_type(fn) == EMK_PCIE_TYPE_ROOT_PORT;
    int off;

    if (fn->aer_cap || !fn->exp_cap)
        return -EINVAL;
    off = emk_pci_ext_cap_add(fn, EMK_PCI_EXT_CAP_ID_AER, 2, root ? 0x38 : 0x2c);
    if (off < 0)
        return off;
    fn->aer_cap = (uint16_t)off;
    emk_pci_set_masks(fn, off + AER_UNCOR_STATUS, 4, 0, AER_UNCOR_VALID);
    emk_pci_set_masks(fn, off + AER_UNCOR_MASK, 4, AER_UNCOR_VALID, 0);
    emk_pci_set_long(fn, off + AER_UNCOR_SEVER, 0x00462030);
    emk_pci_set_masks(fn, off + AER_UNCOR_SEVER, 4, AER_UNCOR_VALID, 0);
    emk_pci_set_masks(fn, off + AER_COR_STATUS, 4, 0, AER_COR_VALID);
    emk_pci_set_long(fn, off + AER_COR_MASK, 0x2000);  /* advisory non-fatal */
    emk_pci_set_masks(fn, off + AER_COR_MASK, 4, AER_COR_VALID, 0);
    if (root) {
        emk_pci_set_masks(fn, off + AER_ROOT_CMD, 4, 0x7, 0);
        emk_pci_set_masks(fn, off + AER_ROOT_STATUS, 4, 0, 0x7f);
    }
    return off;
}

int emk_pcie_aer_report(emk_pci_fn *fn, int correctable, unsigned bit)
{
    unsigned a = fn->aer_cap, c = fn->exp_cap;
    uint32_t b, st;
    uint16_t devsta;

    if (!a)
        return -ENOENT;
    if (bit > 31)
        return -EINVAL;
    b = 1u << bit;
    devsta = emk_pci_get_word(fn, c + EMK_PCIE_DEVSTA);
    if (correctable) {
        if (!(b & AER_COR_VALID))
            return -EINVAL;
        devsta |= 0x1;
        if (!(emk_pci_get_long(fn, a + AER_COR_MASK) & b)) {
            st = emk_pci_get_long(fn, a + AER_COR_STATUS) | b;
            emk_pci_set_long(fn, a + AER_COR_STATUS, st);
        }
    } else {
        if (!(b & AER_UNCOR_VALID))
            return -EINVAL;
        devsta |= (emk_pci_get_long(fn, a + AER_UNCOR_SEVER) & b) ? 0x4 : 0x2;
        if (!(emk_pci_get_long(fn, a + AER_UNCOR_MASK) & b)) {
            st = emk_pci_get_long(fn, a + AER_UNCOR_STATUS);
            if (!st) {          /* first error pointer */
                uint32_t cc = emk_pci_get_long(fn, a + AER_CAP_CTRL);
                emk_pci_set_long(fn, a + AER_CAP_CTRL, (cc & ~0x1fu) | bit);
            }
            emk_pci_set_long(fn, a + AER_UNCOR_STATUS, st | b);
        }
    }
    emk_pci_set_word(fn, c + EMK_PCIE_DEVSTA, devsta);
    return 0;
}
