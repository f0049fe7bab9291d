/* test_block.c - RAM, null and file backends: asynchronous completion,
 * vectored I/O, range checks, short reads and injected errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>

#include <cmocka.h>

#include "emkit/block.h"

typedef struct done {
    int calls;
    int ret;
} done;

static void on_done(emk_blk_req *req, int ret)
{
    done *d = (done *)req->opaque;
    d->calls++;
    d->ret = ret;
}

/* Submits and runs the loop until the completion arrives (<= 5 s). */
static int run_req(emk_blk *blk, emk_loop *loop, emk_blk_op op, uint64_t off,
                   struct iovec *iov, int iovcnt, uint64_t len)
{
    emk_blk_req req;
    done d = {0, 0};
    int64_t deadline = emk_host_now_ns() + (int64_t)5000000000;
    int ret;

    memset(&req, 0, sizeof(req));
    req.op = op;
    req.offset = off;
    req.iov = iov;
    req.iovcnt = iovcnt;
    req.len = len;
    req.cb = on_done;
    req.opaque = &d;
    req.loop = loop;
    ret = emk_blk_submit(blk, &req);
    if (ret < 0)
        return ret;
    while (d.calls == 0 && emk_host_now_ns() < deadline)
        emk_loop_run_once(loop, 100000000);
    assert_int_equal(d.calls, 1);
    return d.ret;
}

static void open_specs(void **state)
{
    int err = 0;
    emk_blk *b;
    (void)state;
    assert_null(emk_blk_open("ram", 0, &err));
    assert_int_equal(err, -EINVAL);
    assert_null(emk_blk_open("tape:1M", 0, &err));
    assert_int_equal(err, -EINVAL);
    assert_null(emk_blk_open("ram:0", 0, &err));
    assert_null(emk_blk_open("ram:12Q", 0, &err));
    assert_null(emk_blk_open("file:/nonexistent/x", 0, &err));
    assert_int_equal(err, -ENOENT);
    b = emk_blk_open("null:1G", 0, &err);
    assert_non_null(b);
    assert_int_equal(emk_blk_size(b), 1ull << 30);
    assert_string_equal(emk_blk_kind(b), "null");
    emk_blk_close(b);
}

static void ram_vectored_roundtrip(void **state)
{
    emk_loop *loop = emk_loop_new(NULL, NULL);
    emk_blk *b = emk_blk_open("ram:1M", 0, NULL);
    uint8_t a[100], c[412], back[512];
    struct iovec iov[2];
    int i;
    (void)state;
    for (i = 0; i < 100; i++) a[i] = (uint8_t)i;
    for (i = 0; i < 412; i++) c[i] = (uint8_t)(200 + i);
    iov[0].iov_base = a; iov[0].iov_len = 100;
    iov[1].iov_base = c; iov[1].iov_len = 412;
    assert_int_equal(run_req(b, loop, EMK_BLK_WRITE, 4096, iov, 2, 0), 0);
    iov[0].iov_base = back; iov[0].iov_len = 512;
    assert_int_equal(run_req(b, loop, EMK_BLK_READ, 4096, iov, 1, 0), 0);
    assert_memory_equal(back, a, 100);
    assert_memory_equal(back + 100, c, 412);
    assert_int_equal(run_req(b, loop, EMK_BLK_WRITE_ZEROES, 4096 + 50, NULL, 0, 100), 0);
    assert_int_equal(emk_blk_pread(b, 4096, back, 512), 0);
    assert_int_equal(back[49], 49);
    assert_int_equal(back[50], 0);
    assert_int_equal(back[149], 0);
    assert_int_equal(back[150], (uint8_t)(200 + 50));
    assert_int_equal(run_req(b, loop, EMK_BLK_FLUSH, 0, NULL, 0, 0), 0);
    /* past the end is refused at submit: no callback */
    iov[0].iov_len = 2;
    assert_int_equal(run_req(b, loop, EMK_BLK_READ, (1 << 20) - 1, iov, 1, 0), -ERANGE);
    assert_int_equal(run_req(b, loop, EMK_BLK_DISCARD, UINT64_MAX, NULL, 0, 2), -ERANGE);
    assert_int_equal(emk_blk_inflight(b), 0);
    emk_blk_close(b);
    emk_loop_free(loop);
}

static void readonly_refuses_writes(void **state)
{
    emk_loop *loop = emk_loop_new(NULL, NULL);
    emk_blk *b = emk_blk_open("ram:64K", EMK_BLK_RDONLY, NULL);
    uint8_t x[16] = {0};
    struct iovec iov = {x, 16};
    (void)state;
    assert_int_equal(run_req(b, loop, EMK_BLK_WRITE, 0, &iov, 1, 0), -EROFS);
    assert_int_equal(run_req(b, loop, EMK_BLK_READ, 0, &iov, 1, 0), 0);
    emk_blk_close(b);
    emk_loop_free(loop);
}

static void injected_faults(void **state)
{
    emk_loop *loop = emk_loop_new(NULL, NULL);
    emk_blk *b = emk_blk_open("ram:64K", 0, NULL);
    uint8_t x[4096], y[4096];
    struct iovec iov = {x, 4096};
    emk_blk_fault f;
    (void)state;
    memset(x, 0x5a, sizeof(x));
    memset(&f, 0, sizeof(f));
    f.op_mask = 1u << EMK_BLK_WRITE;
    f.offset = 8192;
    f.len = 1;
    f.err = EIO;
    f.count = 1;
    emk_blk_set_fault(b, &f);
    assert_int_equal(run_req(b, loop, EMK_BLK_WRITE, 0, &iov, 1, 0), 0); /* no overlap */
    assert_int_equal(run_req(b, loop, EMK_BLK_WRITE, 8192 - 100, &iov, 1, 0), -EIO);
    assert_int_equal(run_req(b, loop, EMK_BLK_WRITE, 8192, &iov, 1, 0), 0); /* count used up */
    /* a short read: only 1000 bytes arrive, the request reports -EIO */
    memset(&f, 0, sizeof(f));
    f.op_mask = 1u << EMK_BLK_READ;
    f.len = 65536;
    f.short_bytes = 1000;
    emk_blk_set_fault(b, &f);
    memset(y, 0xee, sizeof(y));
    iov.iov_base = y;
    assert_int_equal(run_req(b, loop, EMK_BLK_READ, 0, &iov, 1, 0), -EIO);
    assert_int_equal(y[999], 0x5a);
    assert_int_equal(y[1000], 0xee);
    emk_blk_set_fault(b, NULL);
    assert_int_equal(run_req(b, loop, EMK_BLK_READ, 0, &iov, 1, 0), 0);
    assert_int_equal(y[1000], 0x5a);
    emk_blk_close(b);
    emk_loop_free(loop);
}

static void null_backend(void **state)
{
    emk_loop *loop = emk_loop_new(NULL, NULL);
    emk_blk *b = emk_blk_open("null:1M", EMK_BLK_SYNC_POOL, NULL);
    uint8_t x[512];
    struct iovec iov = {x, 512};
    (void)state;
    memset(x, 1, sizeof(x));
    assert_int_equal(run_req(b, loop, EMK_BLK_WRITE, 0, &iov, 1, 0), 0);
    assert_int_equal(run_req(b, loop, EMK_BLK_READ, 0, &iov, 1, 0), 0);
    assert_int_equal(x[0] | x[511], 0);
    emk_blk_close(b);
    emk_loop_free(loop);
}

static void file_backend_and_real_short_read(void **state)
{
    char path[] = "/tmp/emk-blk-XXXXXX", spec[64];
    int fd = mkstemp(path);
    emk_loop *loop = emk_loop_new(NULL, NULL);
    emk_blk *b;
    uint8_t x[8192], y[8192];
    struct iovec iov[3];
    int err = 0, i;
    (void)state;
    assert_true(fd >= 0);
    close(fd);
    snprintf(spec, sizeof(spec), "file:%s:1M", path);
    b = emk_blk_open(spec, EMK_BLK_CREATE, &err);
    assert_non_null(b);
    assert_int_equal(emk_blk_size(b), 1 << 20);
    for (i = 0; i < 8192; i++) x[i] = (uint8_t)(i * 13);
    iov[0].iov_base = x; iov[0].iov_len = 1;
    iov[1].iov_base = x + 1; iov[1].iov_len = 4000;
    iov[2].iov_base = x + 4001; iov[2].iov_len = 4191;
    assert_int_equal(run_req(b, loop, EMK_BLK_WRITE, 12345, iov, 3, 0), 0);
    iov[0].iov_base = y; iov[0].iov_len = 8192;
    assert_int_equal(run_req(b, loop, EMK_BLK_READ, 12345, iov, 1, 0), 0);
    assert_memory_equal(x, y, 8192);
    assert_int_equal(run_req(b, loop, EMK_BLK_FLUSH, 0, NULL, 0, 0), 0);
    assert_int_equal(run_req(b, loop, EMK_BLK_WRITE_ZEROES, 12345, NULL, 0, 10), 0);
    assert_int_equal(emk_blk_pread(b, 12345, y, 20), 0);
    assert_int_equal(y[9], 0);
    assert_int_equal(y[10], x[10]);
    /* someone truncates the file under us: the tail now reads short */
    assert_int_equal(truncate(path, 16384), 0);
    iov[0].iov_base = y; iov[0].iov_len = 8192;
    assert_int_equal(run_req(b, loop, EMK_BLK_READ, 12288, iov, 1, 0), -EIO);
    assert_int_equal(run_req(b, loop, EMK_BLK_READ, 0, iov, 1, 0), 0);
    emk_blk_close(b);
    /* read-only open of the same file refuses writes */
    snprintf(spec, sizeof(spec), "file:%s", path);
    b = emk_blk_open(spec, EMK_BLK_RDONLY, &err);
    assert_non_null(b);
    assert_int_equal(emk_blk_size(b), 16384);
    assert_int_equal(emk_blk_pwrite(b, 0, x, 16), -EROFS);
    emk_blk_close(b);
    unlink(path);
    emk_loop_free(loop);
}

static void many_inflight_on_pool(void **state)
{
    emk_loop *loop = emk_loop_new(NULL, NULL);
    emk_blk *b = emk_blk_open("ram:1M", EMK_BLK_SYNC_POOL, NULL);
    emk_blk_req req[64];
    struct iovec iov[64];
    uint8_t buf[64][512];
    done d[64];
    int i, all;
    int64_t deadline = emk_host_now_ns() + (int64_t)10000000000;
    (void)state;
    for (i = 0; i < 64; i++) {
        memset(&req[i], 0, sizeof(req[i]));
        memset(buf[i], i, 512);
        iov[i].iov_base = buf[i];
        iov[i].iov_len = 512;
        d[i].calls = 0;
        req[i].op = EMK_BLK_WRITE;
        req[i].offset = (uint64_t)i * 512;
        req[i].iov = &iov[i];
        req[i].iovcnt = 1;
        req[i].cb = on_done;
        req[i].opaque = &d[i];
        req[i].loop = loop;
        assert_int_equal(emk_blk_submit(b, &req[i]), 0);
    }
    do {
        emk_loop_run_once(loop, 10000000);
        for (all = 1, i = 0; i < 64; i++)
            all &= d[i].calls == 1;
    } while (!all && emk_host_now_ns() < deadline);
    assert_true(all);
    for (i = 0; i < 64; i++)
        assert_int_equal(((uint8_t *)emk_blk_ram(b))[i * 512 + 17], i);
    emk_blk_close(b);
    emk_loop_free(loop);
}

/* A host backend that completes each request from a thread of its own,
 * as QEMU's block layer would. */
typedef struct hostbk {
    uint8_t mem[8192];
    int closed;
    unsigned submitted;
} hostbk;

typedef struct hostjob {
    hostbk *h;
    emk_blk_req *req;
} hostjob;

static void *host_worker(void *arg)
{
    hostjob *j = (hostjob *)arg;
    emk_blk_req *req = j->req;
    uint64_t off = req->offset;
    int i, ret = 0;

    usleep(2000);
    for (i = 0; i < req->iovcnt; i++) {
        if (req->op == EMK_BLK_READ)
            memcpy(req->iov[i].iov_base, j->h->mem + off, req->iov[i].iov_len);
        else if (req->op == EMK_BLK_WRITE)
            memcpy(j->h->mem + off, req->iov[i].iov_base, req->iov[i].iov_len);
        off += req->iov[i].iov_len;
    }
    if (req->op == EMK_BLK_DISCARD)
        ret = -EOPNOTSUPP;
    emk_blk_complete(req, ret);
    free(j);
    return NULL;
}

static int host_submit(void *opaque, emk_blk_req *req)
{
    hostbk *h = (hostbk *)opaque;
    hostjob *j = (hostjob *)malloc(sizeof(*j));
    pthread_t t;

    if (req->op == EMK_BLK_WRITE_ZEROES) {
        free(j);
        return -ENOSPC; /* refused at submit: completes with the error */
    }
    j->h = h;
    j->req = req;
    h->submitted++;
    if (pthread_create(&t, NULL, host_worker, j) != 0) {
        free(j);
        return -EAGAIN;
    }
    pthread_detach(t);
    return 0;
}

static void host_close(void *opaque)
{
    ((hostbk *)opaque)->closed = 1;
}

static const emk_blk_ops host_ops = {
    .kind = "host-test",
    .submit = host_submit,
    .close = host_close,
};

static void host_backend(void **state)
{
    hostbk h;
    emk_loop *loop = emk_loop_new(NULL, NULL);
    emk_blk *b;
    uint8_t x[512], y[512];
    struct iovec iov = {x, 512};
    emk_blk_fault f;
    int err = 0;
    (void)state;
    memset(&h, 0, sizeof(h));
    assert_null(emk_blk_new(NULL, &h, 8192, 0, &err));
    assert_int_equal(err, -EINVAL);
    b = emk_blk_new(&host_ops, &h, 8192, 0, &err);
    assert_non_null(b);
    assert_string_equal(emk_blk_kind(b), "host-test");
    assert_int_equal(emk_blk_size(b), 8192);
    memset(x, 0x77, sizeof(x));
    assert_int_equal(run_req(b, loop, EMK_BLK_WRITE, 1024, &iov, 1, 0), 0);
    assert_int_equal(h.mem[1024 + 511], 0x77);
    iov.iov_base = y;
    assert_int_equal(run_req(b, loop, EMK_BLK_READ, 1024, &iov, 1, 0), 0);
    assert_memory_equal(x, y, 512);
    /* validation happens before the host sees anything */
    assert_int_equal(run_req(b, loop, EMK_BLK_READ, 8000, &iov, 1, 0), -ERANGE);
    /* host errors: at submit, and at completion */
    assert_int_equal(run_req(b, loop, EMK_BLK_WRITE_ZEROES, 0, NULL, 0, 512), -ENOSPC);
    assert_int_equal(run_req(b, loop, EMK_BLK_DISCARD, 0, NULL, 0, 512), -EOPNOTSUPP);
    /* fault injection applies to host backends too */
    memset(&f, 0, sizeof(f));
    f.op_mask = 1u << EMK_BLK_READ;
    f.len = 8192;
    f.err = EIO;
    emk_blk_set_fault(b, &f);
    assert_int_equal(run_req(b, loop, EMK_BLK_READ, 0, &iov, 1, 0), -EIO);
    emk_blk_set_fault(b, NULL);
    assert_int_equal(emk_blk_pread(b, 0, y, 16), -ENOTSUP);
    assert_int_equal(h.submitted, 3);
    emk_blk_close(b);
    assert_int_equal(h.closed, 1);
    b = emk_blk_new(&host_ops, &h, 8192, EMK_BLK_RDONLY, &err);
    iov.iov_base = x;
    assert_int_equal(run_req(b, loop, EMK_BLK_WRITE, 0, &iov, 1, 0), -EROFS);
    emk_blk_close(b);
    emk_loop_free(loop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_specs),
        cmocka_unit_test(ram_vectored_roundtrip),
        cmocka_unit_test(readonly_refuses_writes),
        cmocka_unit_test(injected_faults),
        cmocka_unit_test(null_backend),
        cmocka_unit_test(file_backend_and_real_short_read),
        cmocka_unit_test(many_inflight_on_pool),
        cmocka_unit_test(host_backend),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
