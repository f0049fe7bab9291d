/* Two threads each bump their own counter 2000000 times.  With argument
 * "shared" the counters sit in one cache line (false sharing); with
 * "padded" they are 128 bytes apart.  Built against static glibc (threads). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static struct {
    volatile unsigned long a;
    char pad[120];
    volatile unsigned long b;
} padded;
static struct {
    volatile unsigned long a, b;
} shared;
static volatile unsigned long *ctr[2];
static pthread_barrier_t start;

static void *worker(void *arg)
{
    volatile unsigned long *c = ctr[(long)arg];
    long i;
    pthread_barrier_wait(&start); /* both threads run the loop together */
    for (i = 0; i < 2000000; i++)
        (*c)++;
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t[2];
    long i;
    int sh = argc > 1 && strcmp(argv[1], "shared") == 0;
    ctr[0] = sh ? &shared.a : &padded.a;
    ctr[1] = sh ? &shared.b : &padded.b;
    pthread_barrier_init(&start, NULL, 2);
    for (i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("%lu %lu\n", *ctr[0], *ctr[1]);
    return 0;
}
