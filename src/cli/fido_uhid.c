/* fido_uhid.c - the key as a Linux HID device through /dev/uhid
 * (Documentation/hid/uhid.rst): UHID_CREATE2 with our report descriptor,
 * UHID_OUTPUT events into emk_fido_hid_input, replies as UHID_INPUT2.
 * The events are encoded by offset (fido_serve.h), so the file builds
 * anywhere; only opening the device is limited to Linux. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fido_serve.h"

static void put16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);                   /* host byte order, as the kernel's */
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static uint16_t get16(const uint8_t *p)
{
    uint16_t v;

    memcpy(&v, p, 2);
    return v;
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

void emk_uhid_create2(uint8_t *ev, const uint8_t *rd, size_t rd_len)
{
    static const char name[] = "emkit FIDO2 key";

    memset(ev, 0, EMK_UHID_EVENT_SIZE);
    put32(ev, EMK_UHID_CREATE2);
    memcpy(ev + EMK_UHID_C2_NAME, name, sizeof(name));
    memcpy(ev + EMK_UHID_C2_PHYS, "emkit", 5);
    if (rd_len > EMK_UHID_DATA_MAX)
        rd_len = EMK_UHID_DATA_MAX;
    put16(ev + EMK_UHID_C2_RD_SIZE, (uint16_t)rd_len);
    put16(ev + EMK_UHID_C2_BUS, EMK_UHID_BUS_USB);
    put32(ev + EMK_UHID_C2_VENDOR, EMK_FIDO_UHID_VENDOR);
    put32(ev + EMK_UHID_C2_PRODUCT, EMK_FIDO_UHID_PRODUCT);
    put32(ev + EMK_UHID_C2_VERSION, 0x0100);
    put32(ev + EMK_UHID_C2_COUNTRY, 0);
    memcpy(ev + EMK_UHID_C2_RD_DATA, rd, rd_len);
}

size_t emk_uhid_input2(uint8_t *ev, const uint8_t *data, size_t len)
{
    if (len > EMK_UHID_DATA_MAX)
        len = EMK_UHID_DATA_MAX;
    memset(ev, 0, EMK_UHID_IN2_DATA + len);
    put32(ev, EMK_UHID_INPUT2);
    put16(ev + EMK_UHID_IN2_SIZE, (uint16_t)len);
    memcpy(ev + EMK_UHID_IN2_DATA, data, len);
    return EMK_UHID_IN2_DATA + len;
}

static int write_ev(emk_fuhid *u, size_t len)
{
    ssize_t n;

    do
        n = write(u->fd, u->out, len);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    return (size_t)n == len ? 0 : -EIO;
}

/* GET_REPORT / SET_REPORT: a FIDO key has no feature reports; answer at
 * once so that the kernel does not wait for its timeout. */
static void refuse_report(emk_fuhid *u, uint32_t type)
{
    memset(u->out, 0, EMK_UHID_GRR_SIZE + 2);
    put32(u->out, type == EMK_UHID_GET_REPORT ? EMK_UHID_GET_REPORT_REPLY
                                              : EMK_UHID_SET_REPORT_REPLY);
    put32(u->out + EMK_UHID_GRR_ID, get32(u->ev + EMK_UHID_GR_ID));
    put16(u->out + EMK_UHID_GRR_ERR, EIO);
    write_ev(u, type == EMK_UHID_GET_REPORT ? EMK_UHID_GRR_SIZE + 2 : EMK_UHID_GRR_ERR + 2);
}

static void uhid_cb(void *opaque, unsigned revents)
{
    emk_fuhid *u = opaque;
    ssize_t n;
    uint32_t type;

    (void)revents;
    n = read(u->fd, u->ev, sizeof(u->ev));
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n < 4) {
        fprintf(stderr, "emkit: fido serve: /dev/uhid: %s\n",
                n < 0 ? strerror(errno) : "short read");
        emk_loop_del_fd(&u->h);
        return;
    }
    type = get32(u->ev);
    switch (type) {
    case EMK_UHID_START:
        u->started = 1;
        break;
    case EMK_UHID_STOP:
        u->started = 0;
        break;
    case EMK_UHID_OPEN:
        u->opened = 1;
        break;
    case EMK_UHID_CLOSE:
        u->opened = 0;
        break;
    case EMK_UHID_OUTPUT: {
        size_t size = get16(u->ev + EMK_UHID_OUT_SIZE);

        if (n < EMK_UHID_OUT_RTYPE + 1 || size > EMK_UHID_DATA_MAX)
            break;
        /* hidraw writes carry the report number first (0: we have none),
         * which emk_fido_hid_input drops */
        if (u->key && emk_fido_hid_input(u->key, u->ev + EMK_UHID_OUT_DATA, size) < 0)
            fprintf(stderr, "emkit: fido serve: ignored a %lu-byte output report\n",
                    (unsigned long)size);
        break;
    }
    case EMK_UHID_GET_REPORT:
    case EMK_UHID_SET_REPORT:
        refuse_report(u, type);
        break;
    default:
        break;
    }
}

void emk_fuhid_send(emk_fuhid *u, const uint8_t report[EMK_FIDO_REPORT])
{
    if (u->fd < 0 || !u->started)
        return;
    /* nobody listening (no hidraw open) is not an error: the kernel drops it */
    write_ev(u, emk_uhid_input2(u->out, report, EMK_FIDO_REPORT));
}

void emk_fuhid_set_key(emk_fuhid *u, emk_fido *key)
{
    u->key = key;
}

int emk_fuhid_open(emk_fuhid *u, emk_loop *loop, const char *path)
{
    const uint8_t *rd;
    size_t rd_len;
    int r;

    memset(u, 0, sizeof(*u));
    u->fd = -1;
    u->loop = loop;
#ifndef __linux__
    (void)path;
    (void)rd;
    (void)rd_len;
    (void)r;
    return -ENOTSUP;
#else
    u->fd = open(path ? path : "/dev/uhid", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (u->fd < 0)
        return -errno;
    rd = emk_fido_hid_descriptor(&rd_len);
    emk_uhid_create2(u->out, rd, rd_len);
    r = write_ev(u, EMK_UHID_EVENT_SIZE);
    if (r == 0) {
        u->h.fd = u->fd;
        u->h.events = EMK_FD_READ;
        u->h.cb = uhid_cb;
        u->h.opaque = u;
        r = emk_loop_add_fd(loop, &u->h);
    }
    if (r < 0) {
        close(u->fd);
        u->fd = -1;
    }
    return r;
#endif
}

void emk_fuhid_close(emk_fuhid *u)
{
    if (u->fd < 0)
        return;
    emk_loop_del_fd(&u->h);
    memset(u->out, 0, 4);
    put32(u->out, EMK_UHID_DESTROY);
    write_ev(u, 4);
    close(u->fd);
    u->fd = -1;
}
