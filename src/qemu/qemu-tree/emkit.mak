# QEMU devices for emkit's tests and benchmarks (x86_64-softmmu):
#   tests/qemu/build-qemu.sh configures with --with-devices-x86_64=emkit
#   and copies this file to configs/devices/x86_64-softmmu/emkit.mak.
CONFIG_Q35=y
CONFIG_PCIE_PORT=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_BLK=y
CONFIG_NVME_PCI=y
CONFIG_EMKIT=y
CONFIG_HDA=y
# USB host controllers for emkit-fido (a USB device)
CONFIG_USB_XHCI_PCI=y
CONFIG_USB_EHCI_PCI=y
# QEMU's own SCSI adapters, beside emkit-buslogic in tests/qemu/bl-bench.sh
CONFIG_SCSI=y
CONFIG_LSI_SCSI_PCI=y
CONFIG_MEGASAS_SCSI_PCI=y
