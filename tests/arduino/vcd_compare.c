/* vcd_compare.c - compares two value change dumps signal by signal:
 * every signal of B (by name) present in A must make the same transitions
 * (value sequence) and each transition within TOL_NS of A's.  Initial
 * unknown ('x') values and the initial dump are skipped; only changes of a
 * known value count.  Usage: vcd-compare A.vcd B.vcd TOL_NS [SIGNAL...]
 * (default: every common signal).  Prints the largest offset per signal;
 * exit 0 if all match, 1 if not, 2 on bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAXSIG = 64, MAXT = 100000 };

typedef struct sig {
    char name[32], id[16];
    long long *t;
    char *v;
    unsigned n;
    char cur;
} sig;

typedef struct vcd {
    sig s[MAXSIG];
    unsigned ns;
    double scale;     /* ns per unit */
} vcd;

static int load(vcd *d, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];
    long long now = 0;
    int defs = 1;

    if (!f) {
        perror(path);
        return -1;
    }
    d->ns = 0;
    d->scale = 1;
    while (fgets(line, sizeof(line), f)) {
        char a[64], b[64], c[64], e[64];
        unsigned i;

        if (defs) {
            if (sscanf(line, "$timescale %63s", a) == 1) {
                d->scale = atof(a);
                if (strstr(a, "us")) d->scale *= 1000;
                else if (strstr(a, "ps")) d->scale /= 1000;
                if (d->scale == 0) d->scale = 1;
            } else if (sscanf(line, "$var %63s %63s %63s %63s", a, b, c, e) == 4 &&
                       d->ns < MAXSIG) {
                sig *s = &d->s[d->ns++];

                snprintf(s->id, sizeof(s->id), "%.15s", c);
                snprintf(s->name, sizeof(s->name), "%.31s", e);
                s->t = malloc(sizeof(long long) * MAXT);
                s->v = malloc(MAXT);
                s->n = 0;
                s->cur = 'x';
            } else if (strstr(line, "$enddefinitions")) {
                defs = 0;
            }
            continue;
        }
        if (line[0] == '#') {
            now = (long long)(atof(line + 1) * d->scale);
            continue;
        }
        if (line[0] != '0' && line[0] != '1' && line[0] != 'x' && line[0] != 'z')
            continue;
        line[strcspn(line, "\r\n")] = 0;
        for (i = 0; i < d->ns; i++) {
            sig *s = &d->s[i];

            if (strcmp(line + 1, s->id))
                continue;
            if ((s->cur == '0' || s->cur == '1') && line[0] != s->cur &&
                (line[0] == '0' || line[0] == '1') && s->n < MAXT) {
                s->t[s->n] = now;
                s->v[s->n++] = line[0];
            }
            s->cur = line[0];
        }
    }
    fclose(f);
    return 0;
}

static sig *find(vcd *d, const char *name)
{
    unsigned i;

    for (i = 0; i < d->ns; i++)
        if (!strcmp(d->s[i].name, name))
            return &d->s[i];
    return NULL;
}

static int compare(sig *a, sig *b, long long tol)
{
    unsigned i, n = a->n < b->n ? a->n : b->n;
    long long worst = 0;

    /* one run may end a transition earlier than the other */
    if (a->n > b->n + 1 || b->n > a->n + 1) {
        printf("%s: %u transitions against %u\n", a->name, a->n, b->n);
        return 1;
    }
    for (i = 0; i < n; i++) {
        long long d = a->t[i] - b->t[i];

        if (a->v[i] != b->v[i]) {
            printf("%s: transition %u goes to %c against %c\n", a->name, i, a->v[i], b->v[i]);
            return 1;
        }
        if (d < 0)
            d = -d;
        if (d > worst)
            worst = d;
        if (d > tol) {
            printf("%s: transition %u at %lld ns against %lld ns (> %lld)\n", a->name, i,
                   a->t[i], b->t[i], tol);
            return 1;
        }
    }
    printf("%s: %u transitions, largest offset %lld ns\n", a->name, n, worst);
    return 0;
}

int main(int argc, char **argv)
{
    static vcd a, b;
    long long tol;
    int i, fail = 0, seen = 0;
    unsigned k;

    if (argc < 4 || load(&a, argv[1]) < 0 || load(&b, argv[2]) < 0)
        return 2;
    tol = atoll(argv[3]);
    if (argc > 4) {
        for (i = 4; i < argc; i++) {
            sig *x = find(&a, argv[i]), *y = find(&b, argv[i]);

            if (!x || !y) {
                printf("%s: missing\n", argv[i]);
                return 1;
            }
            fail |= compare(x, y, tol);
            seen++;
        }
    } else {
        for (k = 0; k < b.ns; k++) {
            sig *x = find(&a, b.s[k].name);

            if (x) {
                fail |= compare(x, &b.s[k], tol);
                seen++;
            }
        }
    }
    return fail || !seen;
}
