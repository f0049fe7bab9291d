/* hid_int.h - CTAPHID state (hid.c owns it). */
#ifndef EMKIT_HW_FIDO_HID_INT_H
#define EMKIT_HW_FIDO_HID_INT_H

#include "emkit/loop.h"

typedef struct emk_fido_hid {
    int placeholder;                 /* hid.c defines the real fields */
} emk_fido_hid;

#endif
