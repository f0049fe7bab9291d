/* assert_int.h - authenticatorGetNextAssertion state (get_assert.c). */
#ifndef EMKIT_HW_FIDO_ASSERT_INT_H
#define EMKIT_HW_FIDO_ASSERT_INT_H

typedef struct emk_fido_assert_state {
    int placeholder;                 /* get_assert.c defines the real fields */
} emk_fido_assert_state;

#endif
