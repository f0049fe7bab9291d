/*
 * emkit/pcie.h - PCI Express: the PCIe capability (link, Device
 * Capabilities/Control 2 with ARI forwarding, slot), the ARI, ACS and AER
 * extended capabilities, root ports, bridge windows, attach/detach and
 * slot hot-plug.
 * Part of the PCI core: read emkit/pci.h first (it includes this file).
 */
#ifndef EMKIT_PCIE_H
#define EMKIT_PCIE_H

#include "emkit/pci.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- PCI Express --------------------------------------------------------- */

/** Device/port types (PCIe capability register, bits 7:4). */
enum emk_pcie_type {
    EMK_PCIE_TYPE_ENDPOINT = 0x0,
    EMK_PCIE_TYPE_LEGACY_ENDPOINT = 0x1,
    EMK_PCIE_TYPE_ROOT_PORT = 0x4,
    EMK_PCIE_TYPE_UPSTREAM = 0x5,
    EMK_PCIE_TYPE_DOWNSTREAM = 0x6,
    EMK_PCIE_TYPE_RC_ENDPOINT = 0x9,
    EMK_PCIE_TYPE_RC_EVENT_COLLECTOR = 0xa
};

/** Link speeds (the Supported Link Speeds vector bit numbers). */
enum emk_pcie_speed {
    EMK_PCIE_SPEED_2_5GT = 1,
    EMK_PCIE_SPEED_5GT = 2,
    EMK_PCIE_SPEED_8GT = 3,     /**< Gen3 */
    EMK_PCIE_SPEED_16GT = 4,    /**< Gen4 */
    EMK_PCIE_SPEED_32GT = 5,    /**< Gen5 */
    EMK_PCIE_SPEED_64GT = 6     /**< Gen6 */
};

/** PCIe capability register offsets (from the capability). */
enum emk_pcie_reg {
    EMK_PCIE_FLAGS = 0x02,
    EMK_PCIE_DEVCAP = 0x04,
    EMK_PCIE_DEVCTL = 0x08,
    EMK_PCIE_DEVSTA = 0x0a,
    EMK_PCIE_LNKCAP = 0x0c,
    EMK_PCIE_LNKCTL = 0x10,
    EMK_PCIE_LNKSTA = 0x12,
    EMK_PCIE_SLTCAP = 0x14,
    EMK_PCIE_SLTCTL = 0x18,
    EMK_PCIE_SLTSTA = 0x1a,
    EMK_PCIE_RTCTL = 0x1c,
    EMK_PCIE_RTCAP = 0x1e,
    EMK_PCIE_RTSTA = 0x20,
    EMK_PCIE_DEVCAP2 = 0x24,
    EMK_PCIE_DEVCTL2 = 0x28,
    EMK_PCIE_DEVSTA2 = 0x2a,
    EMK_PCIE_LNKCAP2 = 0x2c,
    EMK_PCIE_LNKCTL2 = 0x30,
    EMK_PCIE_LNKSTA2 = 0x32,
    EMK_PCIE_SLTCAP2 = 0x34,
    EMK_PCIE_CAP_SIZE = 0x3c,
    EMK_PCIE_DEVCAP2_ARI = 0x20,     /**< ARI Forwarding Supported */
    EMK_PCIE_DEVCTL2_ARI = 0x20,     /**< ARI Forwarding Enable */
    EMK_PCIE_LNKSTA_DLLLA = 0x2000,  /**< Data Link Layer Link Active */
    EMK_PCIE_SLTSTA_PDS = 0x0040     /**< Presence Detect State */
};

/** Link of a PCIe function. */
typedef struct emk_pcie_link {
    uint8_t max_speed;   /**< emk_pcie_speed, e.g. EMK_PCIE_SPEED_8GT */
    uint8_t max_width;   /**< lanes: 1, 2, 4, 8, 12, 16 or 32 */
    uint8_t cur_speed;   /**< negotiated; 0: max_speed */
    uint8_t cur_width;   /**< negotiated; 0: max_width */
} emk_pcie_link;

/** Adds the PCI Express capability (version 2) for a function of type
 *  type with the given link: LnkCap/LnkCap2 report max speed and width,
 *  LnkSta the current ones.  Ports (root/downstream) get DevCap2 ARI
 *  Forwarding Supported and a writable ARI Forwarding Enable in DevCtl2.
 *  Returns the offset or -EINVAL / -ENOSPC.  fn must be express. */
EMK_API int emk_pcie_cap_init(emk_pci_fn *fn, unsigned type,
                      const emk_pcie_link *link);

/** Updates the current (negotiated) link speed and width in LnkSta.
 *  -EINVAL if above the capabilities. */
EMK_API int emk_pcie_link_set(emk_pci_fn *fn, unsigned speed, unsigned width);

/** 1 if the port's ARI Forwarding Enable is set. */
EMK_API int emk_pcie_ari_forwarding(const emk_pci_fn *fn);

/** Adds the ARI extended capability; next_fn is the Next Function Number
 *  (0 ends the chain).  Returns the offset or an error. */
EMK_API int emk_pcie_ari_init(emk_pci_fn *fn, uint8_t next_fn);

/** ACS capability/control bits. */
enum emk_pcie_acs_bits {
    EMK_PCIE_ACS_SV = 0x01,   /**< source validation */
    EMK_PCIE_ACS_TB = 0x02,   /**< translation blocking */
    EMK_PCIE_ACS_RR = 0x04,   /**< P2P request redirect */
    EMK_PCIE_ACS_CR = 0x08,   /**< P2P completion redirect */
    EMK_PCIE_ACS_UF = 0x10,   /**< upstream forwarding */
    EMK_PCIE_ACS_EC = 0x20,   /**< P2P egress control */
    EMK_PCIE_ACS_DT = 0x40,   /**< direct translated P2P */
    EMK_PCIE_ACS_ALL_PORT = 0x1f
};

/** Adds the ACS extended capability advertising caps (emk_pcie_acs_bits;
 *  egress control is not offered); each control bit is writable only if
 *  its capability bit is set.  Returns the offset or an error. */
EMK_API int emk_pcie_acs_init(emk_pci_fn *fn, unsigned caps);

/** The ACS control register (0 if no ACS capability). */
EMK_API unsigned emk_pcie_acs_ctrl(const emk_pci_fn *fn);

/** Adds the AER extended capability (uncorrectable/correctable status
 *  W1C, masks and severity RW; root ports also get the root error
 *  registers).  Returns the offset or an error. */
EMK_API int emk_pcie_aer_init(emk_pci_fn *fn);

/** Records an error in AER: sets bit `bit` of the uncorrectable (or, with
 *  correctable, the correctable) status register unless masked, and sets
 *  the matching Device Status error bit.  -ENOENT without AER. */
EMK_API int emk_pcie_aer_report(emk_pci_fn *fn, int correctable, unsigned bit);

/* ---- root port ---------------------------------------------------------- */

/** Configuration of a PCIe root port. */
typedef struct emk_pcie_root_port_config {
    uint16_t vendor_id;      /**< 0: 0x1b36 (Red Hat, Inc.) */
    uint16_t device_id;      /**< 0: 0x000c (QEMU PCIe Root port) */
    uint8_t port_number;     /**< LnkCap port number */
    uint16_t slot_number;    /**< physical slot number (SltCap) */
    uint16_t chassis;        /**< reserved for a slot ID capability */
    emk_pcie_link link;      /**< e.g. {EMK_PCIE_SPEED_16GT, 16, 0, 0} */
    unsigned acs_caps;       /**< 0: no ACS; else emk_pcie_acs_bits */
    int aer;                 /**< 1: add AER */
    int hotplug;             /**< 1: slot advertises hot-plug surprise/capable */
} emk_pcie_root_port_config;

/** Initialises rp as a PCIe root port (type 1 header, class 0x060400) of
 *  device dev: bus number registers, I/O, memory and prefetchable (64-bit)
 *  windows, bridge control, a PCIe capability (root port, with slot),
 *  one-vector MSI, ARI forwarding support, ACS and AER as configured.
 *  Returns 0 or -errno. */
EMK_API int emk_pcie_root_port_init(emk_pci_fn *rp, emk_dev *dev,
                            const emk_pcie_root_port_config *cfg);

/** Window kinds of a bridge. */
typedef enum emk_pci_window {
    EMK_PCI_WINDOW_IO = 0,
    EMK_PCI_WINDOW_MEM = 1,
    EMK_PCI_WINDOW_PREF = 2
} emk_pci_window;

/** Reads the [base, limit] of a bridge window as programmed.  Returns 1
 *  if the window is open (base <= limit), 0 if closed, -EINVAL if fn is
 *  not a bridge. */
EMK_API int emk_pci_bridge_window(const emk_pci_fn *br, emk_pci_window w,
                          uint64_t *base, uint64_t *limit);

/** 1 if bridge br forwards a downstream access of len bytes at addr in
 *  space (its enable bit set and the range inside the I/O window, or
 *  inside the memory or prefetchable window). */
EMK_API int emk_pci_bridge_forwards(const emk_pci_fn *br, emk_space space,
                            uint64_t addr, uint64_t len);

/** Attaches fn to the secondary bus of bridge br at devfn (device << 3 |
 *  function; with ARI an 8-bit function number).  Presence is not
 *  changed: call emk_pcie_port_set_presence (cold plug) or
 *  emk_pcie_port_hotplug_event (hot plug) as well.  -EEXIST if taken,
 *  -EINVAL if br is not a bridge. */
EMK_API int emk_pci_bridge_attach(emk_pci_fn *br, emk_pci_fn *fn, uint8_t devfn);

/** Sets the Presence Detect State and Data Link Layer Link Active bits of
 *  a port without signalling anything (cold plug, before the guest runs;
 *  LnkSta then reports the link as trained). */
EMK_API void emk_pcie_port_set_presence(emk_pci_fn *port, int present);

/** Detaches fn from the secondary bus of bridge br (hot unplug): its BARs
 *  are unmapped and it no longer answers config requests.  -ENOENT if fn
 *  is not below br. */
EMK_API int emk_pci_bridge_detach(emk_pci_fn *br, emk_pci_fn *fn);

/** Slot Status / Slot Control bits used by hot-plug signalling. */
enum emk_pcie_slot_bits {
    EMK_PCIE_SLTCTL_ABPE = 0x0001,   /**< attention button pressed enable */
    EMK_PCIE_SLTCTL_PDCE = 0x0008,   /**< presence detect changed enable */
    EMK_PCIE_SLTCTL_HPIE = 0x0020,   /**< hot-plug interrupt enable */
    EMK_PCIE_SLTCTL_DLLSCE = 0x1000, /**< DLL state changed enable */
    EMK_PCIE_SLTSTA_ABP = 0x0001,    /**< attention button pressed */
    EMK_PCIE_SLTSTA_PDC = 0x0008,    /**< presence detect changed */
    EMK_PCIE_SLTSTA_DLLSC = 0x0100   /**< data link layer state changed */
};

/** A hot-plug event on a port: updates presence and link-active state
 *  like emk_pcie_port_set_presence and, if they changed, sets Presence
 *  Detect Changed and DLL State Changed in Slot Status.  While Hot-Plug
 *  Interrupt Enable and the matching event enables are set and an enabled
 *  event is pending, the port interrupts: one MSI when the condition
 *  becomes true (MSI enabled), else INTx held until software clears the
 *  status bits (W1C).  -EINVAL if port is not a downstream port with a
 *  hot-plug capable slot. */
EMK_API int emk_pcie_port_hotplug_event(emk_pci_fn *port, int present);

/** Presses the slot's attention button (Attention Button Pressed status,
 *  interrupt as above with ABPE).  -EINVAL without hot-plug. */
EMK_API int emk_pcie_port_attention(emk_pci_fn *port);

#ifdef __cplusplus
}
#endif

#endif
