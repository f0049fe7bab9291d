/*
 * up.c - the simulated user: answers tests of user presence by a policy
 * (always, deny, after a delay, or a manual touch), and ends the waits
 * of CTAP2 requests (emk_fido_hid_resume) when the user acts.
 *
 * A touch (emk_fido_touch, or the delay of EMK_FIDO_UP_AFTER elapsing)
 * is a grant that the next test consumes, if it comes within 10 s.  A
 * CTAP2 test with no grant under a waiting policy returns
 * EMK_FIDO_PENDING (k->up_state remembers the wait).  A U2F test never
 * waits: it answers 0 until the user has touched, and the client retries
 * on SW_CONDITIONS_NOT_SATISFIED as it does with a physical key.
 */
#include "fido_int.h"
#include "trace_int.h"

static emk_trace_event ev_test = EMK_TRACE_EVENT_INIT("fido_up_test");
static emk_trace_event ev_touch = EMK_TRACE_EVENT_INIT("fido_up_touch");

#define GRANT_NS ((int64_t)10 * 1000 * 1000 * 1000)

enum { UP_IDLE = 0, UP_WAITING = 1 };

/* Consumes a grant younger than 10 s. */
static int take_grant(emk_fido *k)
{
    int ok;

    if (!k->hid.up_granted)
        return 0;
    ok = emk_loop_now(k->loop) - k->hid.up_grant_ns <= GRANT_NS;
    k->hid.up_granted = 0;
    return ok;
}

static void grant(emk_fido *k)
{
    k->hid.up_granted = 1;
    k->hid.up_grant_ns = emk_loop_now(k->loop);
    emk_timer_del(&k->up_timer);
    if (k->up_state == UP_WAITING) {
        k->up_state = UP_IDLE;
        emk_fido_hid_resume(k);
    }
}

static void after_cb(void *opaque)
{
    emk_fido *k = opaque;

    EMK_TRACE(ev_touch, "after=%lu ms", (unsigned long)k->up_delay_ms);
    grant(k);
}

static int decide(emk_fido *k)
{
    if (take_grant(k))
        return 1;
    switch (k->up_policy) {
    case EMK_FIDO_UP_ALWAYS:
        return 1;
    case EMK_FIDO_UP_AFTER:
    case EMK_FIDO_UP_MANUAL:
        if (k->up_sync)
            return 1;
        if (k->up_policy == EMK_FIDO_UP_AFTER && !emk_timer_pending(&k->up_timer))
            emk_timer_mod(&k->up_timer,
                          emk_loop_now(k->loop) + (int64_t)k->up_delay_ms * 1000000);
        if (k->hid.in_u2f)
            return 0;
        k->up_state = UP_WAITING;
        return EMK_FIDO_PENDING;
    default:
        return 0;
    }
}

int emk_fido_up_test(emk_fido *k)
{
    int r = decide(k);

    if (r != EMK_FIDO_PENDING)
        k->up_state = UP_IDLE;
    EMK_TRACE(ev_test, "policy=%d result=%d", k->up_policy, r);
    return r;
}

void emk_fido_set_presence(emk_fido *k, int policy, uint32_t delay_ms)
{
    if (policy < EMK_FIDO_UP_ALWAYS || policy > EMK_FIDO_UP_MANUAL)
        return;
    k->up_policy = policy;
    k->up_delay_ms = delay_ms;
    emk_timer_del(&k->up_timer);
    if (k->up_state != UP_WAITING)
        return;
    if (policy == EMK_FIDO_UP_AFTER) {
        emk_timer_mod(&k->up_timer, emk_loop_now(k->loop) + (int64_t)delay_ms * 1000000);
    } else if (policy != EMK_FIDO_UP_MANUAL) {
        k->up_state = UP_IDLE;
        emk_fido_hid_resume(k);     /* the re-run's test answers at once */
    }
}

void emk_fido_touch(emk_fido *k)
{
    EMK_TRACE(ev_touch, "manual");
    grant(k);
}

void emk_fido_up_abort(emk_fido *k)
{
    k->up_state = UP_IDLE;
    k->hid.up_granted = 0;
    emk_timer_del(&k->up_timer);
}

void emk_fido_up_init(emk_fido *k)
{
    k->up_state = UP_IDLE;
    k->hid.up_granted = 0;
    emk_timer_init(&k->up_timer, k->loop, after_cb, k);
}

void emk_fido_up_cleanup(emk_fido *k)
{
    emk_timer_del(&k->up_timer);
}
