/* pin_int.h - PIN/UV auth protocol state (pin_proto.c, client_pin.c) and
 * the credential management enumeration state (cred_mgmt.c). */
#ifndef EMKIT_HW_FIDO_PIN_INT_H
#define EMKIT_HW_FIDO_PIN_INT_H

#include "emkit/p256.h"

typedef struct emk_fido_pin {
    int placeholder;                 /* pin_proto.c defines the real fields */
} emk_fido_pin;

typedef struct emk_fido_cm_state {
    int placeholder;                 /* cred_mgmt.c defines the real fields */
} emk_fido_cm_state;

#endif
