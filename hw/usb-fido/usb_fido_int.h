/* usb_fido_int.h - private to hw/usb-fido/: the USB side shared by the
 * emulated key (usb_fido.c) and the pass-through link (passthru.c). */
#ifndef EMK_USB_FIDO_INT_H
#define EMK_USB_FIDO_INT_H

#include "emkit/usb_fido.h"

/* Tables, core and HID function with hid_ops (opaque: f); serial is the
 * iSerialNumber string. */
int emk_usb_fido_setup(emk_usb_fido *f, emk_loop *loop, int speed, const char *serial,
                       const emk_usb_hid_ops *hid_ops, const emk_usb_host_ops *host,
                       void *host_opaque);
/* Stops watching and closes the pass-through fd (none: a no-op). */
void emk_usb_fido_link_close(emk_usb_fido *f);

#endif
