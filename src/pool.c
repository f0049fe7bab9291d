/* pool.c - the shared worker pool that runs blocking block I/O, so device
 * threads never wait on a disk.  Jobs carry their own link storage: no
 * allocation per job. */
#include <pthread.h>
#include <stdlib.h>

#include "block_int.h"

enum { POOL_THREADS = 4 };

typedef struct pool_job {
    void (*fn)(void *arg);
    void *arg;
    struct pool_job *next;
} pool_job;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cond = PTHREAD_COND_INITIALIZER;
static pool_job *pool_head, *pool_tail;
static int pool_started;

static void *pool_worker(void *opaque)
{
    (void)opaque;
    for (;;) {
        pool_job *j;
        pthread_mutex_lock(&pool_lock);
        while (!pool_head)
            pthread_cond_wait(&pool_cond, &pool_lock);
        j = pool_head;
        pool_head = j->next;
        if (!pool_head)
            pool_tail = NULL;
        pthread_mutex_unlock(&pool_lock);
        j->fn(j->arg);
    }
    return NULL;
}

static int pool_start_locked(void)
{
    pthread_attr_t attr;
    int i, started = 0;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (i = 0; i < POOL_THREADS; i++) {
        pthread_t t;
        if (pthread_create(&t, &attr, pool_worker, NULL) == 0)
            started++;
    }
    pthread_attr_destroy(&attr);
    if (!started)
        return -EAGAIN;
    pool_started = 1;
    return 0;
}

int emk_pool_submit(void (*fn)(void *arg), void *arg, void *link_storage)
{
    pool_job *j = (pool_job *)link_storage;
    int ret = 0;

    j->fn = fn;
    j->arg = arg;
    j->next = NULL;
    pthread_mutex_lock(&pool_lock);
    if (!pool_started)
        ret = pool_start_locked();
    if (ret == 0) {
        if (pool_tail)
            pool_tail->next = j;
        else
            pool_head = j;
        pool_tail = j;
        pthread_cond_signal(&pool_cond);
    }
    pthread_mutex_unlock(&pool_lock);
    return ret;
}
