/*
 * fuzz_usb.c - the USB device core, the HID class and the FIDO key as a
 * USB device (hw/usb-fido/), with a fixed-seed key on a virtual clock.
 * A fresh device per input.  Input: an options byte (bit 0: enumerate
 * with the guest-side host driver first, bit 1: the key answers tests of
 * presence after a delay instead of at once, bit 2: mode=passthru, the
 * key's side of the link is the input's 'K' reports), then ops:
 *   'S' setup[8] cap: a control transfer (OUT stages take wLength bytes
 *                     of input), with a host buffer of cap * 16 + 1 bytes
 *   'I' ep cap        an IN packet
 *   'O' ep len data   an OUT packet of len bytes (any endpoint)
 *   'R' report[64]    a 64-byte report to the HID OUT endpoint 0x01
 *   'T' ms            let ms (virtual) milliseconds pass, running timers
 *   'B'               a bus reset
 *   'E'               enumerate again with the host driver
 *   'K' len data      pass-through: the "key" sends len bytes (hostile
 *                     sizes too); what the device wrote to it is drained
 * Checks the core's contracts: every transfer ends in an allowed status,
 * an IN stage never exceeds wLength or the host's buffer, an IN packet
 * never exceeds the endpoint's max packet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "emkit/guest/usb_host_drv.h"
#include "emkit/usb_fido.h"

static const uint8_t seed[32] = {0x55, 0xaa, 1, 2, 3};

typedef struct fz {
    emk_vclock vc;
    emk_loop *loop;
    emk_usb_fido f;
    emk_usb_host_drv h;
    int far;                   /* the key's end of a pass-through link, or -1 */
} fz;

static int64_t idle(void *opaque, int64_t max_ns)
{
    fz *z = opaque;

    z->vc.now += max_ns;
    emk_loop_run_once(z->loop, 0);
    return max_ns;
}

static void let_time_pass(fz *z, int64_t ns)
{
    int64_t end = z->vc.now + ns;

    for (;;) {
        int64_t next = emk_loop_next_timer(z->loop);

        if (next > end)
            break;
        if (next > z->vc.now)
            z->vc.now = next;
        emk_loop_run_once(z->loop, 0);
    }
    z->vc.now = end;
    emk_loop_run_once(z->loop, 0);
}

static void check(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t buf[EMK_USB_CTRL_MAX + 16];
    static fz z;
    emk_fido_config cfg;
    size_t i = 1;
    int r;

    if (size < 1)
        return 0;
    memset(&z, 0, sizeof(z));
    emk_vclock_init(&z.vc, 0);
    if (!(z.loop = emk_loop_new(&z.vc.clock, NULL)))
        return 0;
    memset(&cfg, 0, sizeof(cfg));
    cfg.seed = seed;
    cfg.seed_len = sizeof(seed);
    cfg.up_policy = data[0] & 2 ? EMK_FIDO_UP_AFTER : EMK_FIDO_UP_ALWAYS;
    cfg.up_delay_ms = 300;
    z.far = -1;
    if (data[0] & 4) {
        int sv[2];

        if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0) {
            emk_loop_free(z.loop);
            return 0;
        }
        z.far = sv[1];
        check(emk_usb_fido_init_passthru(&z.f, z.loop, sv[0], EMK_USB_FIDO_LINK_SEQPACKET,
                                         EMK_USB_SPEED_FULL, NULL, NULL) == 0);
    } else {
        check(emk_usb_fido_init(&z.f, z.loop, &cfg, EMK_USB_SPEED_FULL, NULL, NULL) == 0);
    }
    if (data[0] & 1)
        check(emk_usb_host_drv_enumerate(&z.h, &z.f.usb, 1, idle, &z) == 0);
    while (i < size) {
        uint8_t op = data[i++];

        if (op == 'S' && size - i >= 9) {
            emk_usb_setup s;
            size_t cap = (size_t)data[i + 8] * 16 + 1;

            emk_usb_setup_parse(&s, data + i);
            memset(buf, 0, sizeof(buf));
            if (!(s.request_type & EMK_USB_DIR_IN)) {
                size_t n = s.length < size - i - 9 ? s.length : size - i - 9;

                if (n > sizeof(buf))
                    n = sizeof(buf);
                memcpy(buf, data + i + 9, n);
            }
            r = emk_usb_control(&z.f.usb, data + i, buf, cap);
            check(r == -EPIPE || (r >= 0 && r <= s.length && (size_t)r <= cap));
            if (r >= 0 && !(s.request_type & EMK_USB_DIR_IN))
                check(r == s.length);
            i += 9;
            if (!(s.request_type & EMK_USB_DIR_IN))
                i += s.length < size - i ? s.length : size - i;
        } else if (op == 'I' && size - i >= 2) {
            size_t cap = data[i + 1];

            r = emk_usb_in(&z.f.usb, data[i], buf, cap);
            check(r == -EAGAIN || r == -EPIPE || r == -EOVERFLOW ||
                  (r >= 0 && (size_t)r <= cap && r <= EMK_FIDO_REPORT));
            i += 2;
        } else if (op == 'O' && size - i >= 2) {
            size_t n = data[i + 1];

            if (n > size - i - 2)
                n = size - i - 2;
            r = emk_usb_out(&z.f.usb, data[i], data + i + 2, n);
            check(r == 0 || r == -EAGAIN || r == -EPIPE || r == -EOVERFLOW);
            i += 2 + n;
        } else if (op == 'R' && size - i >= 64) {
            r = emk_usb_out(&z.f.usb, 1, data + i, 64);
            check(r == 0 || r == -EPIPE || (z.far >= 0 && r == -EAGAIN));
            i += 64;
        } else if (op == 'T' && size - i >= 1) {
            let_time_pass(&z, (int64_t)data[i++] * 1000000);
        } else if (op == 'B') {
            emk_usb_fido_reset(&z.f);
        } else if (op == 'K' && size - i >= 1 && z.far >= 0) {
            size_t n = data[i];
            uint8_t sink[128];

            if (n > size - i - 1)
                n = size - i - 1;
            (void)send(z.far, data + i + 1, n, MSG_DONTWAIT);
            while (recv(z.far, sink, sizeof(sink), MSG_DONTWAIT) > 0)
                ;
            emk_loop_run_once(z.loop, 0);
            i += 1 + n;
        } else if (op == 'E') {
            r = emk_usb_host_drv_enumerate(&z.h, &z.f.usb, 2, idle, &z);
            check(r == 0);
        }
        check(emk_usb_ep_pending(&z.f.usb, 0x81) <= EMK_USB_FIDO_QUEUE);
    }
    emk_usb_fido_cleanup(&z.f);
    if (z.far >= 0)
        close(z.far);
    emk_loop_free(z.loop);
    return 0;
}
