/* Pointer chase through a random cyclic permutation of 64-byte nodes
 * (4 MiB): nearly every step misses L1 and many miss the LL. */
#include "rt.h"
enum { NODES = 65536, STEPS = 400000 };
struct node { struct node *next; u64 pad[7]; };
static struct node nodes[NODES];
static unsigned perm[NODES];

u64 wl_main(void)
{
    u64 x = 88172645463325252ull, s = 0;
    struct node *p;
    unsigned i;
    for (i = 0; i < NODES; i++)
        perm[i] = i;
    for (i = NODES - 1; i > 0; i--) { /* Fisher-Yates with xorshift */
        unsigned j, t;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        j = (unsigned)(x % (i + 1));
        t = perm[i]; perm[i] = perm[j]; perm[j] = t;
    }
    for (i = 0; i < NODES; i++)
        nodes[perm[i]].next = &nodes[perm[(i + 1) % NODES]];
    p = &nodes[perm[0]];
    for (i = 0; i < STEPS * REPS; i++) {
        p = p->next;
        s += (u64)(p - nodes);
    }
    return s;
}
