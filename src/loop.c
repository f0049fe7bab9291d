/* loop.c - an event loop with timers, bottom halves, cross-thread calls
 * and wake-ups.  One loop per thread; see emkit/loop.h.  fds are watched
 * with epoll on Linux and poll() elsewhere (or when EMK_LOOP_POLL=1 is in
 * the environment, so both paths stay tested). */
#include <poll.h>
#include <pthread.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#define EMK_HAVE_EPOLL 1
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat.h"
#include "emkit/loop.h"

typedef struct loop_call {
    void (*fn)(void *arg);
    void *arg;
    int done;
    struct loop_call *next;
} loop_call;

struct emk_loop {
    emk_clock clock;
    int virtual_clock;
    pthread_t owner;
    pthread_mutex_t lock;     /* bh pending list, calls */
    pthread_cond_t call_done;
    emk_notifier wake;
    int stop;
    emk_fd_handler *fds;
    int fds_dirty;
    struct pollfd *pfd;
    emk_fd_handler **pfd_h;
    unsigned npfd, pfd_cap;
    int epfd;                 /* -1: use poll() */
    emk_timer *timers;        /* sorted by expire_ns */
    emk_bh *bh_head, *bh_tail;
    loop_call *calls;
    int running;              /* the owner is inside emk_loop_run_once
                                 (only the owner reads or writes it) */
    emk_loop_driver drv;      /* host loop driving this one, if any */
};

static int64_t host_now(void *opaque)
{
    (void)opaque;
    return emk_host_now_ns();
}

static int64_t vclock_now(void *opaque)
{
    return ((emk_vclock *)opaque)->now;
}

int64_t emk_host_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void emk_vclock_init(emk_vclock *vc, int64_t start_ns)
{
    vc->clock.now_ns = vclock_now;
    vc->clock.opaque = vc;
    vc->now = start_ns;
}

static void wake_cb(void *opaque)
{
    (void)opaque; /* the wake-up itself is the event */
}

emk_loop *emk_loop_new(const emk_clock *clock, int *err)
{
    emk_loop *loop = (emk_loop *)calloc(1, sizeof(*loop));
    int ret;

    if (!loop) {
        if (err)
            *err = -ENOMEM;
        return NULL;
    }
    if (clock) {
        loop->clock = *clock;
    } else {
        loop->clock.now_ns = host_now;
        loop->clock.opaque = NULL;
    }
    loop->virtual_clock = loop->clock.now_ns == vclock_now;
    loop->owner = pthread_self();
    loop->epfd = -1;
#ifdef EMK_HAVE_EPOLL
    {
        const char *force_poll = getenv("EMK_LOOP_POLL");
        if (!force_poll || strcmp(force_poll, "1") != 0)
            loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    }
#endif
    pthread_mutex_init(&loop->lock, NULL);
    pthread_cond_init(&loop->call_done, NULL);
    ret = emk_notifier_init(&loop->wake);
    if (ret == 0)
        ret = emk_loop_add_notifier(loop, &loop->wake, wake_cb, loop);
    if (ret < 0) {
        emk_notifier_cleanup(&loop->wake);
        if (loop->epfd >= 0)
            close(loop->epfd);
        pthread_mutex_destroy(&loop->lock);
        pthread_cond_destroy(&loop->call_done);
        free(loop);
        if (err)
            *err = ret;
        return NULL;
    }
    return loop;
}

void emk_loop_free(emk_loop *loop)
{
    if (!loop)
        return;
    emk_loop_claim(loop); /* its thread, if any, has stopped */
    emk_loop_del_notifier(&loop->wake);
    emk_notifier_cleanup(&loop->wake);
    if (loop->epfd >= 0)
        close(loop->epfd);
    pthread_mutex_destroy(&loop->lock);
    pthread_cond_destroy(&loop->call_done);
    free(loop->pfd);
    free(loop->pfd_h);
    free(loop);
}

int64_t emk_loop_now(const emk_loop *loop)
{
    return loop->clock.now_ns(loop->clock.opaque);
}

/* The owner changes hands (creator -> iothread) while other threads may
 * ask who owns the loop, so it is read and written under the lock. */
void emk_loop_claim(emk_loop *loop)
{
    pthread_mutex_lock(&loop->lock);
    loop->owner = pthread_self();
    pthread_mutex_unlock(&loop->lock);
}

static int owner_is_self_locked(const emk_loop *loop)
{
    return pthread_equal(loop->owner, pthread_self());
}

/* 1 if the caller may act as the loop's thread: it is that thread, or it
 * holds the lock a driving host loop runs the loop under (which keeps the
 * loop's thread out; see emk_loop_driver). */
static int in_loop_thread(emk_loop *loop)
{
    int mine;
    int (*held)(void *);
    void *opaque;

    pthread_mutex_lock(&loop->lock);
    mine = owner_is_self_locked(loop);
    held = loop->drv.lock_held;
    opaque = loop->drv.opaque;
    pthread_mutex_unlock(&loop->lock);
    return mine || (held && held(opaque));
}

int emk_loop_in_thread(emk_loop *loop)
{
    return in_loop_thread(loop);
}

int emk_loop_fd(const emk_loop *loop)
{
    return loop->epfd >= 0 ? loop->epfd : -ENOTSUP;
}

void emk_loop_set_driver(emk_loop *loop, const emk_loop_driver *d)
{
    pthread_mutex_lock(&loop->lock);
    if (d)
        loop->drv = *d;
    else
        memset(&loop->drv, 0, sizeof(loop->drv));
    pthread_mutex_unlock(&loop->lock);
}

/* Timers are touched only by the loop's thread (or a caller holding the
 * driver's lock), so the driver field needs no lock here. */
static void timers_changed(emk_loop *loop)
{
    if (loop->drv.timers_changed)
        loop->drv.timers_changed(loop->drv.opaque, emk_loop_next_timer(loop));
}

/* The wake-up itself: the driver's kick (read under loop->lock by the
 * caller) if it has one, else the loop's eventfd. */
static void wake(emk_loop *loop, void (*kick)(void *), void *opaque)
{
    if (kick)
        kick(opaque);
    else
        emk_notifier_set(&loop->wake);
}

void emk_loop_wake(emk_loop *loop)
{
    void (*kick)(void *);
    void *opaque;

    pthread_mutex_lock(&loop->lock);
    kick = loop->drv.kick;
    opaque = loop->drv.opaque;
    pthread_mutex_unlock(&loop->lock);
    wake(loop, kick, opaque);
}

void emk_loop_stop(emk_loop *loop)
{
    emk_store_release_int(&loop->stop, 1);
    emk_loop_wake(loop);
}

/* ---- fd handlers ---------------------------------------------------- */

typedef struct fd_call {
    emk_loop *loop;
    emk_fd_handler *h;
    int ret;
} fd_call;

static void add_fd_in_loop(void *arg)
{
    fd_call *c = (fd_call *)arg;
    c->ret = emk_loop_add_fd(c->loop, c->h);
}

static void del_fd_in_loop(void *arg)
{
    emk_loop_del_fd(((fd_call *)arg)->h);
}

int emk_loop_add_fd(emk_loop *loop, emk_fd_handler *h)
{
    if (h->fd < 0 || !h->cb)
        return -EINVAL;
    if (h->loop)
        return -EBUSY;
    if (!in_loop_thread(loop)) {
        fd_call c;
        c.loop = loop;
        c.h = h;
        c.ret = 0;
        emk_loop_call(loop, add_fd_in_loop, &c);
        return c.ret;
    }
#ifdef EMK_HAVE_EPOLL
    if (loop->epfd >= 0) {
        struct epoll_event ev;
        memset(&ev, 0, sizeof(ev));
        ev.events = ((h->events & EMK_FD_READ) ? EPOLLIN : 0u) |
                    ((h->events & EMK_FD_WRITE) ? EPOLLOUT : 0u);
        ev.data.ptr = h;
        if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, h->fd, &ev) < 0)
            return -errno;
    }
#endif
    h->loop = loop;
    h->next = loop->fds;
    loop->fds = h;
    loop->fds_dirty = 1;
    return 0;
}

void emk_loop_del_fd(emk_fd_handler *h)
{
    emk_loop *loop = h->loop;
    emk_fd_handler **pp;

    if (!loop)
        return;
    if (!in_loop_thread(loop)) {
        fd_call c;
        c.loop = loop;
        c.h = h;
        c.ret = 0;
        emk_loop_call(loop, del_fd_in_loop, &c);
        return;
    }
    for (pp = &loop->fds; *pp; pp = &(*pp)->next) {
        if (*pp == h) {
            *pp = h->next;
            break;
        }
    }
#ifdef EMK_HAVE_EPOLL
    if (loop->epfd >= 0)
        epoll_ctl(loop->epfd, EPOLL_CTL_DEL, h->fd, NULL);
#endif
    h->loop = NULL;
    h->next = NULL;
    loop->fds_dirty = 1;
}

static int rebuild_pollfds(emk_loop *loop)
{
    emk_fd_handler *h;
    unsigned n = 0;

    for (h = loop->fds; h; h = h->next)
        n++;
    if (n > loop->pfd_cap) {
        struct pollfd *p = (struct pollfd *)realloc(loop->pfd, n * sizeof(*p));
        emk_fd_handler **ph;
        if (!p)
            return -ENOMEM;
        loop->pfd = p;
        ph = (emk_fd_handler **)realloc(loop->pfd_h, n * sizeof(*ph));
        if (!ph)
            return -ENOMEM;
        loop->pfd_h = ph;
        loop->pfd_cap = n;
    }
    n = 0;
    for (h = loop->fds; h; h = h->next) {
        loop->pfd[n].fd = h->fd;
        loop->pfd[n].events = (short)(((h->events & EMK_FD_READ) ? POLLIN : 0) |
                                      ((h->events & EMK_FD_WRITE) ? POLLOUT : 0));
        loop->pfd[n].revents = 0;
        loop->pfd_h[n] = h;
        n++;
    }
    loop->npfd = n;
    loop->fds_dirty = 0;
    return 0;
}

static int fd_still_registered(emk_loop *loop, emk_fd_handler *h)
{
    emk_fd_handler *it;

    for (it = loop->fds; it; it = it->next)
        if (it == h)
            return 1;
    return 0;
}

/* ---- timers ---------------------------------------------------------- */

void emk_timer_init(emk_timer *t, emk_loop *loop, void (*cb)(void *opaque),
                    void *opaque)
{
    memset(t, 0, sizeof(*t));
    t->loop = loop;
    t->cb = cb;
    t->opaque = opaque;
}

static void timer_unlink(emk_timer *t)
{
    emk_timer **pp;

    for (pp = &t->loop->timers; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->armed = 0;
    t->next = NULL;
}

void emk_timer_del(emk_timer *t)
{
    int was_first;

    if (!t->armed)
        return;
    was_first = t->loop->timers == t;
    timer_unlink(t);
    if (was_first)
        timers_changed(t->loop);
}

void emk_timer_mod(emk_timer *t, int64_t expire_ns)
{
    emk_timer **pp;
    int was_first = t->armed && t->loop->timers == t;

    if (t->armed)
        timer_unlink(t);
    t->expire_ns = expire_ns;
    for (pp = &t->loop->timers; *pp && (*pp)->expire_ns <= expire_ns;
         pp = &(*pp)->next)
        ;
    t->next = *pp;
    *pp = t;
    t->armed = 1;
    if (was_first || t->loop->timers == t)
        timers_changed(t->loop);
}

int emk_timer_pending(const emk_timer *t)
{
    return t->armed;
}

int64_t emk_loop_next_timer(const emk_loop *loop)
{
    return loop->timers ? loop->timers->expire_ns : INT64_MAX;
}

static int run_timers(emk_loop *loop)
{
    int64_t now = emk_loop_now(loop);
    int n = 0;

    while (loop->timers && loop->timers->expire_ns <= now) {
        emk_timer *t = loop->timers;
        loop->timers = t->next;
        t->next = NULL;
        t->armed = 0;
        t->cb(t->opaque);
        n++;
    }
    if (n)
        timers_changed(loop);   /* the expired ones left the head */
    return n;
}

/* ---- bottom halves ----------------------------------------------------- */

void emk_bh_init(emk_bh *bh, emk_loop *loop, void (*cb)(void *opaque),
                 void *opaque)
{
    memset(bh, 0, sizeof(*bh));
    bh->loop = loop;
    bh->cb = cb;
    bh->opaque = opaque;
}

void emk_bh_schedule(emk_bh *bh)
{
    emk_loop *loop = bh->loop;
    int queued = 0, mine;
    void (*kick)(void *);
    void *opaque;

    pthread_mutex_lock(&loop->lock);
    /* the owner's own loop picks it up if it is running; otherwise (a
     * host loop's callback outside emk_loop_run_once) it must be woken */
    mine = owner_is_self_locked(loop) && loop->running;
    if (!bh->scheduled) {
        bh->scheduled = 1;
        bh->next = NULL;
        if (loop->bh_tail)
            loop->bh_tail->next = bh;
        else
            loop->bh_head = bh;
        loop->bh_tail = bh;
        queued = 1;
    }
    kick = loop->drv.kick;
    opaque = loop->drv.opaque;
    /* wake before unlocking: once the owner can take the bh off the list
     * it may run it and free the loop (a pool worker's completion), so
     * this thread must not touch the loop after the unlock */
    if (queued && !mine)
        wake(loop, kick, opaque);
    pthread_mutex_unlock(&loop->lock);
}

void emk_bh_cancel(emk_bh *bh)
{
    emk_loop *loop = bh->loop;
    emk_bh *prev = NULL, *it;

    pthread_mutex_lock(&loop->lock);
    for (it = loop->bh_head; it; prev = it, it = it->next) {
        if (it == bh) {
            if (prev)
                prev->next = it->next;
            else
                loop->bh_head = it->next;
            if (loop->bh_tail == it)
                loop->bh_tail = prev;
            break;
        }
    }
    bh->scheduled = 0;
    bh->next = NULL;
    pthread_mutex_unlock(&loop->lock);
}

/* Runs the bottom halves queued when it started; ones scheduled meanwhile
 * wait for the next iteration, so a self-rescheduling bh cannot starve
 * the loop. */
static int run_bhs(emk_loop *loop)
{
    emk_bh *last;
    int n = 0;

    pthread_mutex_lock(&loop->lock);
    last = loop->bh_tail;
    pthread_mutex_unlock(&loop->lock);
    while (last) {
        emk_bh *bh;
        pthread_mutex_lock(&loop->lock);
        bh = loop->bh_head;
        if (bh) {
            loop->bh_head = bh->next;
            if (!loop->bh_head)
                loop->bh_tail = NULL;
            bh->next = NULL;
            bh->scheduled = 0;
        }
        pthread_mutex_unlock(&loop->lock);
        if (!bh)
            break;
        bh->cb(bh->opaque);
        n++;
        if (bh == last)
            break;
    }
    return n;
}

/* ---- cross-thread calls -------------------------------------------- */

int emk_loop_call(emk_loop *loop, void (*fn)(void *arg), void *arg)
{
    loop_call c;

    if (in_loop_thread(loop)) {
        fn(arg);
        return 0;
    }
    c.fn = fn;
    c.arg = arg;
    c.done = 0;
    pthread_mutex_lock(&loop->lock);
    c.next = loop->calls;
    loop->calls = &c;
    pthread_mutex_unlock(&loop->lock);
    emk_loop_wake(loop);
    pthread_mutex_lock(&loop->lock);
    while (!c.done)
        pthread_cond_wait(&loop->call_done, &loop->lock);
    pthread_mutex_unlock(&loop->lock);
    return 0;
}

static int run_calls(emk_loop *loop)
{
    loop_call *list, *c, *next;
    int n = 0;

    pthread_mutex_lock(&loop->lock);
    list = loop->calls;
    loop->calls = NULL;
    pthread_mutex_unlock(&loop->lock);
    for (c = list; c; c = next) {
        next = c->next;
        c->fn(c->arg);
        pthread_mutex_lock(&loop->lock);
        c->done = 1;
        pthread_mutex_unlock(&loop->lock);
        n++;
    }
    if (n) {
        pthread_mutex_lock(&loop->lock);
        pthread_cond_broadcast(&loop->call_done);
        pthread_mutex_unlock(&loop->lock);
    }
    return n;
}

/* ---- the loop ---------------------------------------------------------- */

static int work_pending(emk_loop *loop)
{
    int pending;

    pthread_mutex_lock(&loop->lock);
    pending = loop->bh_head != NULL || loop->calls != NULL;
    pthread_mutex_unlock(&loop->lock);
    return pending;
}

static void dispatch(emk_loop *loop, emk_fd_handler *h, unsigned ev, int *n)
{
    /* A callback may have removed a handler we have yet to run. */
    if (loop->fds_dirty && !fd_still_registered(loop, h))
        return;
    h->cb(h->opaque, ev);
    if (h != &loop->wake.h)
        (*n)++;
}

/* Waits up to ms for fds and runs their handlers; returns how many ran
 * (not counting the loop's own wake-ups) or -errno. */
static int wait_fds(emk_loop *loop, int ms)
{
    int r, n = 0, i;

#ifdef EMK_HAVE_EPOLL
    if (loop->epfd >= 0) {
        struct epoll_event evs[64];
        loop->fds_dirty = 0;
        r = epoll_wait(loop->epfd, evs, 64, ms);
        if (r < 0)
            return errno == EINTR ? 0 : -errno;
        for (i = 0; i < r; i++) {
            uint32_t e = evs[i].events;
            unsigned ev = ((e & (EPOLLIN | EPOLLHUP)) ? EMK_FD_READ : 0u) |
                          ((e & EPOLLOUT) ? EMK_FD_WRITE : 0u) |
                          ((e & EPOLLERR) ? EMK_FD_ERROR : 0u);
            dispatch(loop, (emk_fd_handler *)evs[i].data.ptr, ev, &n);
        }
        return n;
    }
#endif
    if (loop->fds_dirty && rebuild_pollfds(loop) < 0)
        return -ENOMEM;
    r = poll(loop->pfd, loop->npfd, ms);
    if (r < 0)
        return errno == EINTR ? 0 : -errno;
    for (i = 0; r > 0 && i < (int)loop->npfd; i++) {
        short re = loop->pfd[i].revents;
        unsigned ev = 0;
        if (!re)
            continue;
        if (re & (POLLIN | POLLHUP))
            ev |= EMK_FD_READ;
        if (re & POLLOUT)
            ev |= EMK_FD_WRITE;
        if (re & (POLLERR | POLLNVAL))
            ev |= EMK_FD_ERROR;
        loop->pfd[i].revents = 0;
        dispatch(loop, loop->pfd_h[i], ev, &n);
    }
    return n;
}

int emk_loop_run_once(emk_loop *loop, int64_t timeout_ns)
{
    int ms, r, n = 0;

    if (work_pending(loop))
        timeout_ns = 0;
    if (loop->timers && !loop->virtual_clock) {
        int64_t until = loop->timers->expire_ns - emk_loop_now(loop);
        if (until < 0)
            until = 0;
        if (timeout_ns < 0 || until < timeout_ns)
            timeout_ns = until;
    }
    if (timeout_ns < 0)
        ms = -1;
    else if (timeout_ns > (int64_t)1000 * 1000 * 1000 * 3600)
        ms = 3600 * 1000;
    else
        ms = (int)((timeout_ns + 999999) / 1000000);
    loop->running++;
    r = wait_fds(loop, ms);
    if (r >= 0) {
        n += r;
        n += run_calls(loop);
        n += run_timers(loop);
        n += run_bhs(loop);
    }
    loop->running--;
    return r < 0 ? r : n;
}

int emk_loop_run(emk_loop *loop)
{
    int ret = 0;

    emk_loop_claim(loop);
    while (!emk_load_acquire_int(&loop->stop)) {
        ret = emk_loop_run_once(loop, -1);
        if (ret < 0)
            break;
        ret = 0;
    }
    emk_store_release_int(&loop->stop, 0);
    return ret;
}
