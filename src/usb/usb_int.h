/* usb_int.h - private to src/usb/: what desc.c, control.c, endpoint.c and
 * device.c share. */
#ifndef EMK_USB_INT_H
#define EMK_USB_INT_H

#include "emkit/usb.h"

/* desc.c */
int emk_usb_desc_check(const emk_usb_device_desc *d);
const emk_usb_config_desc *emk_usb_find_config(const emk_usb_device_desc *d, uint8_t value);
const emk_usb_iface_desc *emk_usb_find_iface(const emk_usb_config_desc *c, uint8_t number,
                                             uint8_t alt);

/* endpoint.c */
int emk_usb_ep_alloc(emk_usb_dev *u);
void emk_usb_ep_free(emk_usb_dev *u);
void emk_usb_ep_bind(emk_usb_dev *u);
void emk_usb_ep_unbind(emk_usb_dev *u);
emk_usb_ep *emk_usb_ep_get(emk_usb_dev *u, uint8_t ep_addr);
emk_usb_function *emk_usb_fn_of_iface(emk_usb_dev *u, uint8_t iface);

/* control.c */
int emk_usb_std_request(emk_usb_dev *u, const emk_usb_setup *s, uint8_t *data);

#endif
