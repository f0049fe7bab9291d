/* iothread.c - a POSIX thread running its own emk_loop. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/loop.h"

struct emk_iothread {
    pthread_t thread;
    emk_loop *loop;
    char name[32];
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int running;
};

static void *iothread_main(void *opaque)
{
    emk_iothread *it = (emk_iothread *)opaque;

    emk_loop_claim(it->loop);
    pthread_mutex_lock(&it->lock);
    it->running = 1;
    pthread_cond_signal(&it->cond);
    pthread_mutex_unlock(&it->lock);
    emk_loop_run(it->loop);
    return NULL;
}

emk_iothread *emk_iothread_start(const char *name, const emk_clock *clock,
                                 int *err)
{
    emk_iothread *it = (emk_iothread *)calloc(1, sizeof(*it));
    int ret = 0;

    if (!it) {
        ret = -ENOMEM;
        goto fail;
    }
    strncpy(it->name, name ? name : "iothread", sizeof(it->name) - 1);
    it->loop = emk_loop_new(clock, &ret);
    if (!it->loop)
        goto fail;
    pthread_mutex_init(&it->lock, NULL);
    pthread_cond_init(&it->cond, NULL);
    ret = -pthread_create(&it->thread, NULL, iothread_main, it);
    if (ret < 0) {
        emk_loop_free(it->loop);
        goto fail;
    }
    /* Wait until the thread owns the loop, so emk_loop_call from the
     * creator is never run in the wrong thread. */
    pthread_mutex_lock(&it->lock);
    while (!it->running)
        pthread_cond_wait(&it->cond, &it->lock);
    pthread_mutex_unlock(&it->lock);
    return it;
fail:
    free(it);
    if (err)
        *err = ret;
    return NULL;
}

emk_loop *emk_iothread_loop(emk_iothread *it)
{
    return it->loop;
}

void emk_iothread_stop(emk_iothread *it)
{
    if (!it)
        return;
    emk_loop_stop(it->loop);
    pthread_join(it->thread, NULL);
    emk_loop_free(it->loop);
    pthread_mutex_destroy(&it->lock);
    pthread_cond_destroy(&it->cond);
    free(it);
}
