/* threads: pthreads (clone CLONE_THREAD|CLONE_SETTLS, futex,
 * set_tid_address), atomics (AMOs, LR/SC) contended across threads,
 * mutexes, condition variables, thread-local storage, join. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

enum { NT = 4, ITER = 20000 };

static atomic_long counter;
static atomic_int cas_counter;
static long locked_counter;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready;
static __thread int tls_id;

static void *worker(void *arg)
{
    int i, id = (int)(long)arg;

    tls_id = id;
    pthread_mutex_lock(&mu);
    while (!ready)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    for (i = 0; i < ITER; i++) {
        int old;
        atomic_fetch_add(&counter, 1);
        old = atomic_load(&cas_counter);
        while (!atomic_compare_exchange_weak(&cas_counter, &old, old + 1))
            ;
        pthread_mutex_lock(&mu);
        locked_counter++;
        pthread_mutex_unlock(&mu);
    }
    return (void *)(long)(tls_id * 10);
}

int main(void)
{
    pthread_t th[NT];
    long sum = 0;
    int i;

    for (i = 0; i < NT; i++)
        pthread_create(&th[i], NULL, worker, (void *)(long)(i + 1));
    pthread_mutex_lock(&mu);
    ready = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    for (i = 0; i < NT; i++) {
        void *r;
        pthread_join(th[i], &r);
        sum += (long)r;
    }
    printf("atomic %ld cas %d locked %ld sum %ld\n", (long)counter, (int)cas_counter,
           locked_counter, sum);
    return counter == NT * ITER && cas_counter == NT * ITER && locked_counter == NT * ITER ? 0 : 1;
}
