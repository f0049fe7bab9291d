/* Two threads each bump their own counter 2000000 times, taking strict
 * turns (10000 turns each, 200 increments per turn).  With argument
 * "shared" the counters sit in one cache line (false sharing); with
 * "padded" they are 128 bytes apart.  The turn flags live in lines of
 * their own and cost the same in both modes, so the shared run shows one
 * extra coherence miss per turn whatever the host's scheduling: the
 * counter line was last written by the other thread.  Built against static
 * glibc (threads). */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

enum { TURNS = 10000, PER_TURN = 200 };

static struct {
    volatile unsigned long a;
    char pad[120];
    volatile unsigned long b;
} padded;
static struct {
    volatile unsigned long a, b;
} shared;
static struct {
    char before[128];
    volatile int turn; /* whose turn: 0 or 1 */
    char after[128];
} flag;
static volatile unsigned long *ctr[2];

static void *worker(void *arg)
{
    long me = (long)arg;
    volatile unsigned long *c = ctr[me];
    long t, i;
    for (t = 0; t < TURNS; t++) {
        while (flag.turn != me)
            sched_yield();
        for (i = 0; i < PER_TURN; i++)
            (*c)++;
        __atomic_store_n(&flag.turn, (int)(1 - me), __ATOMIC_RELEASE);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t[2];
    long i;
    int sh = argc > 1 && strcmp(argv[1], "shared") == 0;
    ctr[0] = sh ? &shared.a : &padded.a;
    ctr[1] = sh ? &shared.b : &padded.b;
    for (i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("%lu %lu\n", *ctr[0], *ctr[1]);
    return 0;
}
