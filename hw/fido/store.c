/*
 * store.c - the state file (format in docs/fido.md, "State file"): an
 * atomic save (PATH.tmp, fsync, rename, fsync of the directory), a load
 * that refuses anything malformed, and the signature counter's
 * reservation ahead of use.
 *
 * One walker (xfer_state) describes the file's fields in order and runs
 * in both directions, so that the writer and the reader cannot drift
 * apart.  Saving streams through a small buffer (no allocation on the
 * I/O path); loading reads the whole file once, at creation.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fido_int.h"
#include "trace_int.h"

static emk_trace_event ev_save = EMK_TRACE_EVENT_INIT("fido_store_save");
static emk_trace_event ev_load = EMK_TRACE_EVENT_INIT("fido_store_load");

static const uint8_t magic[8] = { 'E', 'M', 'K', 'F', 'I', 'D', 'O', 0 };

enum {
    STORE_VERSION = 1,
    STORE_HDR = 16,                  /* magic, version, flags, payload length */
    STORE_SUM = 32,                  /* SHA-256 of header and payload */
    STORE_MAX = 64 * 1024,           /* the largest file we read */
    STORE_PATH_MAX = 4096,
    COUNTER_STEP = 64                /* counter values reserved per save */
};

/* A field stream: decoding from in[], or encoding to out[] (when set),
 * else to fd (fd < 0: counting only). */
typedef struct sio {
    int decode;
    int err;
    const uint8_t *in;
    size_t in_len, pos;
    uint8_t *out;
    size_t out_cap;
    int fd;
    size_t total;                    /* bytes encoded */
    emk_sha256_ctx sha;
    size_t n;
    uint8_t buf[512];
} sio;

static void sio_flush(sio *s)
{
    size_t off = 0;

    while (!s->err && off < s->n) {
        ssize_t w = write(s->fd, s->buf + off, s->n - off);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            s->err = w < 0 ? -errno : -EIO;
        else
            off += (size_t)w;
    }
    s->n = 0;
}

/* Moves n bytes between the stream and p, in the stream's direction. */
static void f_raw(sio *s, void *p, size_t n)
{
    const uint8_t *src = p;

    if (s->err)
        return;
    if (s->decode) {
        if (n > s->in_len - s->pos) {
            s->err = -EINVAL;
            return;
        }
        memcpy(p, s->in + s->pos, n);
        s->pos += n;
        return;
    }
    if (s->out) {
        if (n > s->out_cap - s->total) {
            s->err = -ENOSPC;
            return;
        }
        memcpy(s->out + s->total, p, n);
    }
    s->total += n;
    if (s->out || s->fd < 0)
        return;
    emk_sha256_update(&s->sha, p, n);
    while (n && !s->err) {
        size_t c = sizeof(s->buf) - s->n;

        if (c > n)
            c = n;
        memcpy(s->buf + s->n, src, c);
        s->n += c;
        src += c;
        n -= c;
        if (s->n == sizeof(s->buf))
            sio_flush(s);
    }
}

static void f_u8(sio *s, uint8_t *v)
{
    f_raw(s, v, 1);
}

/* a 0/1 flag: anything else in a file is malformed */
static void f_bool(sio *s, uint8_t *v)
{
    uint8_t b = *v != 0;

    if (s->decode)
        b = 0;
    f_raw(s, &b, 1);
    if (b > 1 && !s->err)
        s->err = -EINVAL;
    if (s->decode)
        *v = b;
}

static void f_u16(sio *s, uint16_t *v)
{
    uint8_t b[2];

    b[0] = (uint8_t)*v;
    b[1] = (uint8_t)(*v >> 8);
    f_raw(s, b, 2);
    *v = (uint16_t)(b[0] | b[1] << 8);
}

static void f_u32(sio *s, uint32_t *v)
{
    uint8_t b[4];

    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(*v >> 8 * i);
    f_raw(s, b, 4);
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
         (uint32_t)b[3] << 24;
}

/* A length then that many bytes of p (max bytes).  When decoding, the
 * rest of p is zeroed; a length over max is malformed. */
static void f_var(sio *s, size_t len, size_t max, void *p)
{
    if (s->err)
        return;
    if (len > max) {
        s->err = -EINVAL;
        return;
    }
    f_raw(s, p, len);
    if (s->decode && !s->err)
        memset((uint8_t *)p + len, 0, max - len);
}

static void f_var8(sio *s, uint8_t *len, size_t max, void *p)
{
    f_u8(s, len);
    f_var(s, *len, max, p);
}

static size_t str_len(const char *p, size_t max)
{
    size_t n = 0;

    while (n < max && p[n])
        n++;
    return n;
}

static void xfer_rk(sio *s, emk_fido_rk *r)
{
    f_u8(s, &r->cred_protect);
    f_bool(s, &r->has_large_blob_key);
    f_u32(s, &r->seq);
    f_raw(s, r->rp_id_hash, sizeof(r->rp_id_hash));
    f_raw(s, r->cred_id, sizeof(r->cred_id));
    f_var8(s, &r->user_id_len, sizeof(r->user_id), r->user_id);
    f_var8(s, &r->rp_id_len, sizeof(r->rp_id), r->rp_id);
    f_var8(s, &r->user_name_len, sizeof(r->user_name), r->user_name);
    f_var8(s, &r->display_name_len, sizeof(r->display_name), r->display_name);
    f_var8(s, &r->cred_blob_len, sizeof(r->cred_blob), r->cred_blob);
    f_raw(s, r->large_blob_key, sizeof(r->large_blob_key));
}

/* The payload, field by field (docs/fido.md, "State file"). */
static void xfer_state(sio *s, emk_fido_persist *st)
{
    uint16_t n_rk = 0;

    f_raw(s, st->master, sizeof(st->master));
    f_raw(s, st->pin_hash, sizeof(st->pin_hash));
    f_bool(s, &st->pin_set);
    f_u8(s, &st->pin_retries);
    f_u8(s, &st->pin_code_points);
    f_u8(s, &st->min_pin_len);
    f_bool(s, &st->force_pin_change);
    f_bool(s, &st->always_uv);
    f_u8(s, &st->min_pin_rp_count);
    f_u32(s, &st->counter_limit);
    f_u32(s, &st->rk_seq);
    for (int i = 0; i < EMK_FIDO_MIN_PIN_RPS; i++) {
        uint8_t len = (uint8_t)str_len(st->min_pin_rps[i], EMK_FIDO_RP_ID_MAX - 1);

        f_var8(s, &len, EMK_FIDO_RP_ID_MAX - 1, st->min_pin_rps[i]);
    }
    if (s->decode && !s->err && st->min_pin_rp_count > EMK_FIDO_MIN_PIN_RPS)
        s->err = -EINVAL;
    /* resident credentials: count, then (slot, fields) for each in use */
    for (int i = 0; i < EMK_FIDO_MAX_RK; i++)
        n_rk = (uint16_t)(n_rk + (st->rk[i].in_use != 0));
    f_u16(s, &n_rk);
    if (s->decode && !s->err && n_rk > EMK_FIDO_MAX_RK)
        s->err = -EINVAL;
    for (int i = 0, slot = 0; i < n_rk && !s->err; i++, slot++) {
        uint8_t idx;

        while (!s->decode && !st->rk[slot].in_use)
            slot++;
        idx = (uint8_t)slot;
        f_u8(s, &idx);
        if (s->decode && !s->err && (idx >= EMK_FIDO_MAX_RK || st->rk[idx].in_use))
            s->err = -EINVAL;           /* out of range, or a slot twice */
        if (s->err)
            break;
        if (s->decode)
            st->rk[idx].in_use = 1;
        xfer_rk(s, &st->rk[idx]);
    }
    f_u16(s, &st->large_blob_len);
    f_var(s, st->large_blob_len, sizeof(st->large_blob), st->large_blob);
}

static void put_le(uint8_t *p, uint32_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

static uint32_t get_le(const uint8_t *p, int n)
{
    uint32_t v = 0;

    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

int emk_fido_store_decode(emk_fido_persist *st, const uint8_t *buf, size_t len)
{
    uint8_t h[32];
    sio s;

    if (len < STORE_HDR + STORE_SUM || memcmp(buf, magic, sizeof(magic)) ||
        get_le(buf + 8, 2) != STORE_VERSION || get_le(buf + 10, 2) != 0 ||
        get_le(buf + 12, 4) != len - STORE_HDR - STORE_SUM)
        return -EINVAL;
    emk_sha256(buf, len - STORE_SUM, h);
    if (memcmp(h, buf + len - STORE_SUM, STORE_SUM))
        return -EINVAL;
    memset(st, 0, sizeof(*st));
    memset(&s, 0, sizeof(s));
    s.decode = 1;
    s.in = buf + STORE_HDR;
    s.in_len = len - STORE_HDR - STORE_SUM;
    xfer_state(&s, st);
    if (!s.err && s.pos != s.in_len)
        s.err = -EINVAL;                /* trailing bytes */
    if (s.err)
        emk_ct_wipe(st, sizeof(*st));
    return s.err;
}

int emk_fido_store_load(emk_fido *k)
{
    struct stat sb;
    uint8_t *buf;
    size_t got = 0;
    int fd, r;

    if (!k->state_path)
        return -ENOENT;
    fd = open(k->state_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (fstat(fd, &sb) < 0) {
        r = -errno;
        close(fd);
        return r;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size < STORE_HDR + STORE_SUM ||
        sb.st_size > STORE_MAX) {
        close(fd);
        return -EINVAL;
    }
    buf = malloc((size_t)sb.st_size);
    if (!buf) {
        close(fd);
        return -ENOMEM;
    }
    r = 0;
    while (!r && got < (size_t)sb.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            r = -errno;
        else if (n == 0)
            r = -EINVAL;                /* shrank under us */
        else
            got += (size_t)n;
    }
    close(fd);
    if (!r)
        r = emk_fido_store_decode(&k->st, buf, got);
    emk_ct_wipe(buf, got);
    free(buf);
    EMK_TRACE(ev_load, "bytes=%u r=%d", (unsigned)got, r);
    return r;
}

/* PATH's directory into dir ("." when PATH has no slash). */
static int dir_of(const char *path, char *dir, size_t cap)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 1;

    if (slash == path)
        n = 1;
    if (n >= cap)
        return -ENAMETOOLONG;
    memcpy(dir, slash ? path : ".", n);
    dir[n] = 0;
    return 0;
}

static int fsync_dir(const char *path)
{
    char dir[STORE_PATH_MAX];
    int fd, r;

    r = dir_of(path, dir, sizeof(dir));
    if (r < 0)
        return r;
    fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    r = fsync(fd) < 0 ? -errno : 0;
    close(fd);
    return r;
}

/* Header, payload and checksum into s (a buffer or an fd). */
static int write_stream(sio *s, emk_fido_persist *st)
{
    uint8_t hdr[STORE_HDR], h[32];
    sio count;

    memset(&count, 0, sizeof(count));
    count.fd = -1;                      /* first pass: the payload's length */
    xfer_state(&count, st);
    if (count.err)
        return count.err;
    memcpy(hdr, magic, sizeof(magic));
    put_le(hdr + 8, STORE_VERSION, 2);
    put_le(hdr + 10, 0, 2);
    put_le(hdr + 12, (uint32_t)count.total, 4);
    emk_sha256_init(&s->sha);
    f_raw(s, hdr, sizeof(hdr));
    xfer_state(s, st);
    if (s->out) {
        if (!s->err)
            emk_sha256(s->out, s->total, h);
    } else {
        emk_sha256_final(&s->sha, h);
    }
    f_raw(s, h, sizeof(h));
    if (!s->out && s->fd >= 0)
        sio_flush(s);
    emk_ct_wipe(s->buf, sizeof(s->buf));
    return s->err;
}

int emk_fido_store_encode(emk_fido_persist *st, uint8_t *buf, size_t cap, size_t *len)
{
    sio s;
    int r;

    memset(&s, 0, sizeof(s));
    s.out = buf;
    s.out_cap = cap;
    r = write_stream(&s, st);
    *len = r ? 0 : s.total;
    return r;
}

/* Streams the file to fd. */
static int write_file(int fd, emk_fido_persist *st)
{
    sio s;

    memset(&s, 0, sizeof(s));
    s.fd = fd;
    return write_stream(&s, st);
}

int emk_fido_store_save(emk_fido *k)
{
    char tmp[STORE_PATH_MAX];
    size_t plen;
    int fd, r;

    if (k->err)
        return k->err;
    if (!k->state_path)
        return 0;
    plen = strlen(k->state_path);
    if (plen + 5 > sizeof(tmp)) {
        k->err = -ENAMETOOLONG;
        return k->err;
    }
    memcpy(tmp, k->state_path, plen);
    memcpy(tmp + plen, ".tmp", 5);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        r = -errno;
        goto fail;
    }
    r = write_file(fd, &k->st);
    if (!r && fsync(fd) < 0)
        r = -errno;
    if (close(fd) < 0 && !r)
        r = -errno;
    if (!r && rename(tmp, k->state_path) < 0)
        r = -errno;
    if (r) {
        unlink(tmp);
        goto fail;
    }
    /* renamed: the new file is in place; the directory entry must be
     * durable before anything counts on it */
    r = fsync_dir(k->state_path);
    if (r)
        goto fail;
    EMK_TRACE(ev_save, "limit=%u", (unsigned)k->st.counter_limit);
    return 0;
fail:
    EMK_TRACE(ev_save, "error=%d", r);
    k->err = r;
    return r;
}

int emk_fido_counter_next(emk_fido *k, uint32_t *value)
{
    if (k->err)
        return k->err;
    if (k->counter == UINT32_MAX)
        return -EOVERFLOW;              /* nothing above it can be reserved */
    if (k->counter >= k->st.counter_limit) {
        uint32_t old = k->st.counter_limit;
        uint32_t room = UINT32_MAX - k->counter;
        int r;

        k->st.counter_limit = k->counter + (room < COUNTER_STEP ? room : COUNTER_STEP);
        r = emk_fido_store_save(k);
        if (r < 0) {
            k->st.counter_limit = old;
            return r;
        }
    }
    *value = k->counter++;
    return 0;
}
