/*
 * nvme_bench.c - `emkit bench nvme` (see nvme_demo.h): 4 KiB random
 * read/write on a RAM disk through the guest driver, QD1 and QD32, 0/1/2
 * iothreads, each optimisation switched on and off.  IOPS are host-time
 * measurements on a shared machine (compare within one run only); with
 * --callgrind each configuration is re-run under valgrind's callgrind at
 * two operation counts and the difference gives instructions per I/O,
 * printed next to the same measurement for a bare 4 KiB memcpy.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "bench_json.h"
#include "commands.h"
#include "nvme_demo.h"
#include "opts.h"
#include "emkit/guest/nvme_drv.h"
#include "emkit/nvme.h"
#include "emkit/progress.h"

enum { BENCH_BAR = 0x40000000, MAXQD = 32, MAX_OPS = 1000000000 };

/* the RAM disk's size (--disk-size; the backend spec is built from it) */
static char disk_spec[40] = "ram:64M";

typedef struct bcfg {
    const char *name;
    int shadow, notifier, poll, coalesce;
} bcfg;

static const bcfg configs[] = {
    { "trap", 0, 0, 0, 0 },
    { "shadow", 1, 0, 0, 0 },
    { "shadow+notify", 1, 1, 0, 0 },
    { "shadow+notify+poll", 1, 1, 1, 0 },
    { "shadow+notify+coalesce", 1, 1, 0, 1 },
};
enum { NCONFIGS = sizeof(configs) / sizeof(configs[0]) };

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* One run; returns 0 and IOPS, or -errno. */
typedef struct bres {
    double iops;
    double mmio_per_io;   /* doorbell MMIO writes by the guest (VM exits) */
    double irq_per_io;    /* interrupts raised */
} bres;

static int run_one(const bcfg *c, int is_write, unsigned qd, unsigned nit,
                   unsigned long ops, bres *res)
{
    emk_tm_config tc;
    emk_tm *tm;
    emk_iothread *its[2] = { NULL, NULL };
    emk_nvme_options o;
    static emk_nvme nvme;       /* one run at a time */
    emk_nvme *n = NULL;
    emk_irq vec[EMK_NVME_MAX_VECTORS];
    emk_nvme_drv d;
    emk_nvme_drv_opts dopt;
    emk_bus *bus;
    uint64_t buf, seed = 0x9e3779b97f4a7c15ull, nlbas, irq0 = 0;
    unsigned long done = 0, sent = 0;
    unsigned i;
    int64_t t0, t1;
    int err = 0;

    memset(&tc, 0, sizeof(tc));
    tc.ram_size = 16u << 20;
    tc.real_clock = 1;
    tm = emk_tm_new(&tc, &err);
    if (!tm)
        return err;
    emk_nvme_options_default(&o);
    o.max_queues = 2;
    o.max_queue_entries = 256;
    o.nns = 1;
    o.ns[0].backend = disk_spec;
    o.shadow_doorbells = c->shadow;
    o.notifier_doorbells = c->notifier;
    o.sq_poll_ns = c->poll ? 50000 : 0;
    o.coalescing = c->coalesce;
    for (i = 0; i < nit; i++) {
        its[i] = emk_iothread_start("nvme-bench", NULL, &err);
        if (!its[i])
            goto out;
        o.iothreads[i] = emk_iothread_loop(its[i]);
    }
    o.niothreads = nit;
    if ((err = emk_nvme_init(&nvme, &o, emk_tm_bus(tm), NULL)) != 0)
        goto out;
    n = &nvme;
    emk_irq_init_msis(vec, EMK_NVME_MAX_VECTORS, "nvme-msi", emk_nvme_dev(n),
                      0xfee00000u, 0);
    emk_nvme_set_irqs(n, vec, EMK_NVME_MAX_VECTORS, NULL);
    bus = emk_tm_bus(tm);
    if ((err = emk_bus_map_region(bus, emk_nvme_bar0(n), BENCH_BAR)) != 0)
        goto out;
    memset(&dopt, 0, sizeof(dopt));
    dopt.nioq = nit > 1 ? 2 : 1;
    dopt.qsize = 128;
    dopt.shadow = c->shadow;
    dopt.threaded = nit > 0;
    if ((err = emk_nvme_drv_init(&d, tm, BENCH_BAR, &dopt)) != 0)
        goto out;
    if (c->coalesce) {
        uint8_t cmd[64];
        emk_nvme_cqe cqe;
        emk_nvme_cmd_init(cmd, 0x09, 0);
        emk_nvme_cmd_dw(cmd, 10, 0x08);
        emk_nvme_cmd_dw(cmd, 11, (1u << 8) | (qd > 1 ? qd / 2 - 1 : 0));
        if ((err = emk_nvme_drv_exec(&d, &d.admin, cmd, &cqe)) != 0)
            goto out;
    }
    buf = emk_tm_alloc(tm, 4096ull * MAXQD * 2, 4096);
    if (!buf) {
        err = -ENOMEM;
        goto out;
    }
    memset(emk_tm_ram(tm, buf, 4096ull * MAXQD * 2), 0x5a, 4096ull * MAXQD * 2);
    nlbas = d.ns_nlbas[1] / 8;
    d.mmio_doorbells = 0;
    {
        emk_nvme_stats s0;
        emk_nvme_get_stats(n, &s0);
        irq0 = s0.interrupts;
    }
    t0 = emk_host_now_ns();
    while (done < ops) {
        unsigned q;
        for (q = 0; q < dopt.nioq; q++) {
            emk_nvme_drv_q *Q = &d.io[q];
            emk_nvme_cqe cs[MAXQD];
            int k, got;
            unsigned per_q = qd / dopt.nioq ? qd / dopt.nioq : 1;
            int rang = 0;
            while (Q->outstanding < per_q && sent < ops) {
                uint8_t cmd[64];
                uint64_t lba = (rng(&seed) % nlbas) * 8;
                uint64_t gpa = buf + 4096ull * ((q * MAXQD + Q->outstanding) % (2 * MAXQD));
                emk_nvme_cmd_rw(cmd, is_write ? 0x01 : 0x02, 1, lba, 8, gpa, 0);
                if (emk_nvme_drv_queue_cmd(&d, Q, cmd) < 0)
                    break;
                sent++;
                rang = 1;
            }
            if (rang)
                emk_nvme_drv_ring(&d, Q);
            got = emk_nvme_drv_reap(&d, Q, cs, MAXQD);
            for (k = 0; k < got; k++)
                if (cs[k].status) {
                    err = -EIO;
                    goto out;
                }
            done += (unsigned long)got;
        }
    }
    t1 = emk_host_now_ns();
    res->iops = (double)ops * 1e9 / (double)(t1 - t0 > 0 ? t1 - t0 : 1);
    res->mmio_per_io = (double)d.mmio_doorbells / (double)ops;
    {
        emk_nvme_stats s1;
        emk_nvme_get_stats(n, &s1);
        res->irq_per_io = (double)(s1.interrupts - irq0) / (double)ops;
    }
    emk_nvme_drv_disable(&d);
out:
    if (n) {
        bus = emk_tm_bus(tm);
        emk_bus_unmap_region(bus, emk_nvme_bar0(n));
        emk_nvme_cleanup(n);
    }
    for (i = 0; i < 2; i++)
        if (its[i])
            emk_iothread_stop(its[i]);
    emk_tm_free(tm);
    return err;
}

static void memcpy_loop(unsigned long ops)
{
    static unsigned char a[4096], b[4096];
    volatile unsigned char sink;
    unsigned long i;

    for (i = 0; i < ops; i++) {
        a[i & 4095] = (unsigned char)i;
        memcpy(b, a, sizeof(b));
        sink = b[(i * 7) & 4095];
    }
    (void)sink;
}

/* Runs this program under callgrind; returns total instructions or 0. */
/* Device entry points: with dev set, callgrind counts only inside them
 * (inclusive of what they call: block layer, DMA, the RAM copy). */
static const char *const dev_toggles[] = {
    "--toggle-collect=bar0_write", "--toggle-collect=bar0_read",
    "--toggle-collect=nvme_*", "--toggle-collect=io_done",
    "--toggle-collect=dbn_cb", "--toggle-collect=sq_bh",
    "--toggle-collect=state_bh", NULL
};

static unsigned long long callgrind_ir(char **args, int dev)
{
    char out[64], line[512];
    unsigned long long ir = 0;
    pid_t pid;
    int st;
    FILE *f;
    char *argv[48];
    int i = 0, k;

    snprintf(out, sizeof(out), "/tmp/emk-nvme-cg.%ld", (long)getpid());
    argv[i++] = "valgrind";
    argv[i++] = "--tool=callgrind";
    argv[i++] = "-q";
    for (k = 0; dev && dev_toggles[k]; k++)
        argv[i++] = (char *)dev_toggles[k];
    {
        static char of[96];
        snprintf(of, sizeof(of), "--callgrind-out-file=%s", out);
        argv[i++] = of;
    }
    {
        static char self[4096];
        ssize_t k2 = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (k2 <= 0)
            return 0;
        self[k2] = 0;                   /* resolve before valgrind execs */
        argv[i++] = self;
    }
    for (k = 0; args[k] && i < 47; k++)
        argv[i++] = args[k];
    argv[i] = NULL;
    pid = fork();
    if (pid == 0) {
        execvp("valgrind", argv);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
        WEXITSTATUS(st) != 0)
        return 0;
    f = fopen(out, "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "summary:", 8) == 0 || strncmp(line, "totals:", 7) == 0)
            ir = strtoull(line + (line[0] == 's' ? 8 : 7), NULL, 10);
    fclose(f);
    unlink(out);
    return ir;
}

static double per_op_ir(const char *cfg, const char *rw, const char *qd,
                        const char *nit, unsigned long n1, int dev)
{
    char a1[32], a2[32];
    char *args1[] = { "bench", "nvme", "--disk-size", disk_spec + 4, "--single",
                      (char *)cfg, (char *)rw, (char *)qd, (char *)nit, a1, NULL };
    char *args2[] = { "bench", "nvme", "--disk-size", disk_spec + 4, "--single",
                      (char *)cfg, (char *)rw, (char *)qd, (char *)nit, a2, NULL };
    unsigned long long i1, i2;

    snprintf(a1, sizeof(a1), "%lu", n1);
    snprintf(a2, sizeof(a2), "%lu", 2 * n1);
    i1 = callgrind_ir(args1, dev);
    i2 = callgrind_ir(args2, dev);
    if (!i1 || !i2 || i2 < i1)
        return -1;
    return (double)(i2 - i1) / (double)n1;
}

/* `--single CONFIG read|write QD IT OPS` or `--single memcpy N`: one run,
 * no output (what callgrind measures). */
static int single(int argc, char **argv, int i)
{
    unsigned qd, nit, c;
    uint64_t ops;
    bres res;

    if (i < argc && strcmp(argv[i], "memcpy") == 0) {
        if (i + 2 != argc) {
            fputs("emkit: bench nvme: --single memcpy N\n", stderr);
            return EMK_EXIT_USAGE;
        }
        if (emk_cli_number("--single memcpy", argv[i + 1], 1, MAX_OPS, 0, &ops) < 0)
            return EMK_EXIT_USAGE;
        memcpy_loop((unsigned long)ops);
        return EMK_EXIT_OK;
    }
    if (i + 5 != argc) {
        fputs("emkit: bench nvme: --single CONFIG read|write QD IT OPS\n", stderr);
        return EMK_EXIT_USAGE;
    }
    for (c = 0; c < NCONFIGS; c++)
        if (strcmp(configs[c].name, argv[i]) == 0)
            break;
    if (c == NCONFIGS) {
        fprintf(stderr, "emkit: bench nvme: --single: no config '%s'\n", argv[i]);
        return EMK_EXIT_USAGE;
    }
    if (strcmp(argv[i + 1], "read") && strcmp(argv[i + 1], "write")) {
        fprintf(stderr, "emkit: bench nvme: --single: '%s' is not read or write\n",
                argv[i + 1]);
        return EMK_EXIT_USAGE;
    }
    if (emk_cli_unsigned("--single QD", argv[i + 2], 1, MAXQD, &qd) < 0 ||
        emk_cli_unsigned("--single IT", argv[i + 3], 0, 2, &nit) < 0 ||
        emk_cli_number("--single OPS", argv[i + 4], 1, MAX_OPS, 0, &ops) < 0)
        return EMK_EXIT_USAGE;
    return run_one(&configs[c], strcmp(argv[i + 1], "write") == 0, qd, nit,
                   (unsigned long)ops, &res) ? EMK_EXIT_FAIL : EMK_EXIT_OK;
}

void emk_help_bench_nvme(FILE *out)
{
    fputs("usage: emkit bench nvme [--quick] [--ops N] [--disk-size SIZE] [--callgrind]\n"
          "                        [--json FILE]\n"
          "  4 KiB random reads and writes on a RAM disk through the in-tree guest\n"
          "  driver on the test machine: queue depth 1 and 32, the I/O queues on the\n"
          "  main loop or on 1 or 2 emkit iothreads, and five configurations (trap,\n"
          "  shadow, shadow+notify, shadow+notify+poll, shadow+notify+coalesce):\n"
          "  60 runs.  Prints IOPS, doorbell MMIO writes and interrupts per I/O.\n"
          "  How long: the default (20000 ops per run) about 10 s on 2 cores;\n"
          "  --quick 20 runs of 2000 ops, under a second; --callgrind several\n"
          "  minutes (3 on 2 cores).  A progress line shows on a terminal.\n"
          "  --quick           reads only, 0 and 2 iothreads, 2000 ops per run\n"
          "  --ops N           operations per run (1 to 1000000000; default 20000)\n"
          "  --disk-size SIZE  RAM disk size (1M to 4G, K/M/G suffix; default 64M)\n"
          "  --callgrind       also instructions per I/O under valgrind's callgrind\n"
          "                    (single-threaded runs), next to a bare 4 KiB memcpy\n"
          "  --json FILE       write the results as JSON (docs/perf/README.md): per\n"
          "                    run iops, mmio_per_io, irq_per_io (and ir_per_io,\n"
          "                    dev_ir_per_io), each with its ratio to trap\n"
          "  IOPS are host-time figures: compare within one run.  docs/perf/nvme.md\n"
          "  has results and how to read them.\n", out);
}

/* One JSON result, with its ratio to trap's figure of the same case. */
static void jres(emk_bench_json *j, const char *cfg, const char *cs, const char *metric,
                 const char *unit, double v, const double *trap)
{
    emk_bench_result r;

    memset(&r, 0, sizeof(r));
    r.name = cfg;
    r.case_ = cs;
    r.metric = metric;
    r.unit = unit;
    r.value = v;
    if (trap && strcmp(cfg, "trap") != 0) {
        r.peer = "trap";
        r.ratio = *trap != 0 ? v / *trap : NAN;
    }
    emk_bj_result(j, &r);
}

int emk_cmd_bench_nvme(int argc, char **argv)
{
    uint64_t ops = 20000, dsize = 64ull << 20;
    int quick = 0, cg = 0, ops_set = 0, i, rw, m, ret = EMK_EXIT_OK;
    unsigned c, qdi, nit, runs = 0, done = 0;
    static const unsigned qds[2] = { 1, 32 };
    const char *val, *json = NULL;
    emk_bench_json j;
    emk_progress pg;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--single") == 0)
            return single(argc, argv, i + 1);
        else if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--callgrind") == 0)
            cg = 1;
        else if ((m = emk_cli_value(argc, argv, &i, "--ops", &val)) != 0) {
            if (m < 0 || emk_cli_number("--ops", val, 1, MAX_OPS, 0, &ops) < 0)
                return EMK_EXIT_USAGE;
            ops_set = 1;
        } else if ((m = emk_cli_value(argc, argv, &i, "--disk-size", &val)) != 0) {
            if (m < 0 || emk_cli_number("--disk-size", val, 1u << 20, 4ull << 30,
                                        EMK_NUM_SIZE, &dsize) < 0)
                return EMK_EXIT_USAGE;
        } else if ((m = emk_cli_value(argc, argv, &i, "--json", &json)) != 0) {
            if (m < 0)
                return EMK_EXIT_USAGE;
        } else
            return emk_cli_bad_arg("bench nvme", argv[i]);
    }
    if (quick && !ops_set)
        ops = 2000;
    snprintf(disk_spec, sizeof(disk_spec), "ram:%llu", (unsigned long long)dsize);
    for (nit = 0; nit <= 2; nit++)
        for (qdi = 0; qdi < 2; qdi++)
            for (rw = 0; rw < 2; rw++)
                if (!(quick && (rw || nit == 1)))
                    runs += NCONFIGS;
    if (emk_bj_open(&j, json, "nvme") < 0)
        return EMK_EXIT_FAIL;
    emk_bj_config_num(&j, "ops", (double)ops);
    emk_bj_config_num(&j, "disk_size", (double)dsize);
    emk_bj_config_num(&j, "block_size", 4096);
    emk_bj_config_num(&j, "runs", runs);
    emk_bj_config_bool(&j, "quick", quick);
    emk_bj_config_bool(&j, "callgrind", cg);
    printf("# emkit bench nvme: %u runs (%u configs x %s x QD1/QD32 x %s iothreads), "
           "%llu ops each,\n# 4 KiB random I/O on a %llu MiB RAM disk%s\n"
           "%-24s %-5s %3s %3s %10s %8s %8s%s\n", runs, (unsigned)NCONFIGS,
           quick ? "read" : "read/write", quick ? "0/2" : "0/1/2", (unsigned long long)ops,
           (unsigned long long)(dsize >> 20), cg ? ", instructions under callgrind" : "",
           "config", "rw", "qd", "it", "IOPS", "MMIO/IO", "IRQ/IO",
           cg ? "   Ir/IO  dev-Ir" : "");
    fflush(stdout);
    emk_progress_start(&pg, "bench nvme", EMK_PROGRESS_ITEMS, "runs", runs);
    if (cg) {
        char n1[32];
        unsigned long long a, b;
        char *m1[] = { "bench", "nvme", "--single", "memcpy", n1, NULL };
        emk_progress_update(&pg, 0, "bare 4 KiB memcpy under callgrind");
        snprintf(n1, sizeof(n1), "%d", 20000);
        a = callgrind_ir(m1, 0);
        snprintf(n1, sizeof(n1), "%d", 40000);
        b = callgrind_ir(m1, 0);
        emk_progress_clear(&pg);
        if (a && b > a) {
            printf("%-24s %-5s %3s %3s %10s %8s %8s %7.0f %7s\n",
                   "bare 4KiB memcpy", "-", "-", "-", "-", "-", "-",
                   (double)(b - a) / 20000.0, "-");
            jres(&j, "bare 4KiB memcpy", "memcpy", "ir_per_io", "instructions/IO",
                 (double)(b - a) / 20000.0, NULL);
        } else
            printf("(callgrind unavailable: install valgrind)\n");
    }
    for (nit = 0; nit <= 2; nit++) {
        for (qdi = 0; qdi < 2; qdi++) {
            for (rw = 0; rw < 2; rw++) {
                bres trap = { 0, 0, 0 };
                int have_trap = 0;
                double trap_ir = 0, trap_dir = 0;
                char cs[48];
                if (quick && (rw || nit == 1))
                    continue;
                snprintf(cs, sizeof(cs), "rand%s-qd%u-it%u", rw ? "write" : "read",
                         qds[qdi], nit);
                for (c = 0; c < NCONFIGS; c++) {
                    bres res;
                    char item[96];
                    double ir, dir;
                    int err;
                    snprintf(item, sizeof(item), "%s %s qd%u it%u", configs[c].name,
                             rw ? "write" : "read", qds[qdi], nit);
                    emk_progress_update(&pg, done, item);
                    err = run_one(&configs[c], rw, qds[qdi], nit, (unsigned long)ops, &res);
                    ir = dir = -1;
                    if (!err && cg && nit == 0) {   /* the progress line stays up */
                        char q[8], t[8];
                        const char *w = rw ? "write" : "read";
                        snprintf(q, sizeof(q), "%u", qds[qdi]);
                        snprintf(t, sizeof(t), "%u", nit);
                        ir = per_op_ir(configs[c].name, w, q, t, 2000, 0);
                        dir = per_op_ir(configs[c].name, w, q, t, 2000, 1);
                    }
                    done++;
                    emk_progress_clear(&pg);
                    printf("%-24s %-5s %3u %3u ", configs[c].name,
                           rw ? "write" : "read", qds[qdi], nit);
                    if (err) {
                        printf("%10s\n", emk_strerror(err));
                        fflush(stdout);
                        ret = EMK_EXIT_FAIL;
                        continue;
                    }
                    if (c == 0) {
                        trap = res;
                        have_trap = 1;
                    }
                    printf("%10.0f %8.2f %8.2f", res.iops, res.mmio_per_io,
                           res.irq_per_io);
                    jres(&j, configs[c].name, cs, "iops", "IO/s", res.iops,
                         have_trap ? &trap.iops : NULL);
                    jres(&j, configs[c].name, cs, "mmio_per_io", "writes/IO",
                         res.mmio_per_io, have_trap ? &trap.mmio_per_io : NULL);
                    jres(&j, configs[c].name, cs, "irq_per_io", "interrupts/IO",
                         res.irq_per_io, have_trap ? &trap.irq_per_io : NULL);
                    if (ir > 0 && dir > 0) {
                        printf(" %7.0f %7.0f", ir, dir);
                        if (c == 0)
                            trap_ir = ir, trap_dir = dir;
                        jres(&j, configs[c].name, cs, "ir_per_io", "instructions/IO",
                             ir, trap_ir > 0 ? &trap_ir : NULL);
                        jres(&j, configs[c].name, cs, "dev_ir_per_io",
                             "instructions/IO", dir, trap_dir > 0 ? &trap_dir : NULL);
                    }
                    printf("\n");
                    fflush(stdout);
                }
            }
        }
    }
    emk_progress_end(&pg);
    if (emk_bj_close(&j) < 0)
        ret = EMK_EXIT_FAIL;
    return ret;
}
