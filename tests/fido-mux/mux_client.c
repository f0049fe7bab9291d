/*
 * mux_client.c - `test-fido-mux-client SOCKET WHO ROUNDS`: one libfido2
 * client (mux_rounds.c) for mux_e2e.py, which runs several at once.
 * Prints the rounds and their wall time; exit 0 only if every round's
 * credential and assertion verified.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mux_rounds.h"

int main(int argc, char **argv)
{
    struct timespec t0, t1;
    int who, rounds;

    if (argc != 4 || (who = atoi(argv[2])) <= 0 || (rounds = atoi(argv[3])) <= 0) {
        fputs("usage: test-fido-mux-client SOCKET WHO ROUNDS (WHO, ROUNDS > 0)\n", stderr);
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (mux_rounds(argv[1], who, rounds))
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("client %d: %d rounds ok in %.3f s\n", who, rounds,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
