/*
 * main.c - runs the graph: every path (or those whose name contains one
 * of the arguments) as one cmocka test.  --list prints the paths, --dot
 * the graph, --check checks the tables (every node on some path, names
 * unique).
 */
#include <stdio.h>
#include <stdlib.h>

#include "qos.h"
#include "qos_cmocka.h"

typedef struct qos_case {
    qos_path path;
    qos_ctx ctx;
    int built[QOS_MAX_DEPTH + 1];   /* nodes built, in order */
    unsigned nbuilt;
} qos_case;

typedef struct collect {
    int argc;
    char **argv;
    qos_case *cases;
    unsigned n, cap;
    unsigned reached[QN_COUNT];
} collect;

static int selected(const collect *k, const char *name)
{
    int i, any = 0;

    for (i = 1; i < k->argc; i++) {
        if (k->argv[i][0] == '-')
            continue;
        any = 1;
        if (strstr(name, k->argv[i]))
            return 1;
    }
    return !any;
}

static void add_case(const qos_path *p, void *arg)
{
    collect *k = arg;
    unsigned i;

    k->reached[p->start]++;
    for (i = 0; i < p->n; i++)
        k->reached[p->edge[i]->to]++;
    if (!selected(k, p->name))
        return;
    if (k->n == k->cap) {
        k->cap = k->cap ? 2 * k->cap : 256;
        k->cases = realloc(k->cases, k->cap * sizeof(*k->cases));
        if (!k->cases) {
            perror("qos");
            exit(1);
        }
    }
    memset(&k->cases[k->n], 0, sizeof(k->cases[0]));
    k->cases[k->n++].path = *p;
}

static void teardown_built(qos_case *k)
{
    while (k->nbuilt) {
        const qos_node *n = &qos_nodes[k->built[--k->nbuilt]];
        if (n->teardown)
            n->teardown(&k->ctx);
    }
}

static int case_setup(void **state)
{
    static const qos_opts none;
    qos_case *k = *state;
    const qos_node *n = &qos_nodes[k->path.start];
    unsigned i;
    int err;

    memset(&k->ctx, 0, sizeof(k->ctx));
    k->nbuilt = 0;
    k->ctx.caps = k->path.caps;
    err = n->build(&k->ctx, &none);
    for (i = 0; err == 0 && i < k->path.n; i++) {
        k->built[k->nbuilt++] = k->path.edge[i]->from;
        n = &qos_nodes[k->path.edge[i]->to];
        if (k->path.opts[i])
            k->ctx.opts = *k->path.opts[i];
        if (n->build)
            err = n->build(&k->ctx, k->path.opts[i] ? k->path.opts[i] : &none);
    }
    if (err < 0) {
        fprintf(stderr, "qos: %s: building %s failed: %d\n", k->path.name,
                n->name, err);
        teardown_built(k);
        return -1;
    }
    return 0;
}

static void case_run(void **state)
{
    qos_case *k = *state;
    const qos_path *p = &k->path;

    qos_nodes[p->edge[p->n - 1]->to].run(&k->ctx);
}

static int case_teardown(void **state)
{
    teardown_built(*state);
    return 0;
}

static int check(const collect *k, unsigned npaths)
{
    unsigned i, j, bad = 0;

    for (i = 0; i < QN_COUNT; i++) {
        if (!qos_nodes[i].name) {
            fprintf(stderr, "qos: node %u has no row\n", i);
            return 1;
        }
        if (!k->reached[i]) {
            fprintf(stderr, "qos: node %s is on no path\n", qos_nodes[i].name);
            bad++;
        }
    }
    for (i = 0; i < k->n; i++)
        for (j = i + 1; j < k->n; j++)
            if (!strcmp(k->cases[i].path.name, k->cases[j].path.name)) {
                fprintf(stderr, "qos: two paths named %s\n", k->cases[i].path.name);
                bad++;
            }
    if (k->n != npaths) {
        fprintf(stderr, "qos: --check takes no filter\n");
        bad++;
    }
    printf("qos: %u nodes, %u edges, %u paths; %s\n", (unsigned)QN_COUNT,
           qos_nedges, npaths, bad ? "FAILED" : "ok");
    return bad != 0;
}

int main(int argc, char **argv)
{
    collect k;
    struct CMUnitTest *tests;
    unsigned i, npaths;
    int list = 0, dot = 0, chk = 0, ret;

    memset(&k, 0, sizeof(k));
    k.argc = argc;
    k.argv = argv;
    for (i = 1; i < (unsigned)argc; i++) {
        list |= !strcmp(argv[i], "--list");
        dot |= !strcmp(argv[i], "--dot");
        chk |= !strcmp(argv[i], "--check");
    }
    if (dot) {
        qos_print_dot();
        return 0;
    }
    npaths = qos_walk(add_case, &k);
    if (chk)
        return check(&k, npaths);
    if (list) {
        for (i = 0; i < k.n; i++)
            printf("%s\n", k.cases[i].path.name);
        fprintf(stderr, "qos: %u of %u paths (one test each)\n", k.n, npaths);
        return 0;
    }
    tests = calloc(k.n ? k.n : 1, sizeof(*tests));
    if (!tests)
        return 1;
    for (i = 0; i < k.n; i++) {
        tests[i].name = k.cases[i].path.name;
        tests[i].test_func = case_run;
        tests[i].setup_func = case_setup;
        tests[i].teardown_func = case_teardown;
        tests[i].initial_state = &k.cases[i];
    }
    fprintf(stderr, "qos: running %u of %u paths (one test each)\n", k.n, npaths);
    ret = _cmocka_run_group_tests("qos", tests, k.n, NULL, NULL);
    free(tests);
    free(k.cases);
    return ret;
}
