/* bench_json.c - the JSON result file of `emkit bench` (bench_json.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "bench_json.h"
#include "emkit/base.h"

static void jstr(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void jnum(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.10g", v);
    else
        fputs("null", f);
}

/* First line of FILE after "key<spaces>:" (for /proc/cpuinfo), or NULL. */
static char *proc_field(const char *file, const char *key, char *buf, size_t n)
{
    FILE *f = fopen(file, "r");
    char *r = NULL;
    size_t kl = strlen(key);

    if (!f)
        return NULL;
    while (fgets(buf, (int)n, f)) {
        char *p = buf + kl;
        if (strncmp(buf, key, kl) != 0)
            continue;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != ':')
            continue;
        p++;
        while (*p == ' ')
            p++;
        p[strcspn(p, "\n")] = '\0';
        r = p;
        break;
    }
    fclose(f);
    return r;
}

static void host(FILE *f)
{
    char buf[512], *s;
    struct utsname u;
    double la[3];
    time_t now = time(NULL);
    struct tm tm;
    FILE *lf;
    long ncpu = -1;

    fputs("  \"host\": {", f);
    if (gethostname(buf, sizeof(buf)) == 0) {
        buf[sizeof(buf) - 1] = '\0';
        fputs("\"hostname\": ", f);
        jstr(f, buf);
        fputs(", ", f);
    }
    if (uname(&u) == 0) {
        fputs("\"os\": ", f);
        jstr(f, u.sysname);
        fputs(", \"release\": ", f);
        jstr(f, u.release);
        fputs(", \"machine\": ", f);
        jstr(f, u.machine);
        fputs(", ", f);
    }
#ifdef _SC_NPROCESSORS_ONLN
    ncpu = sysconf(_SC_NPROCESSORS_ONLN);
#endif
    fputs("\"cpus\": ", f);
    if (ncpu > 0)
        fprintf(f, "%ld", ncpu);
    else
        fputs("null", f);
    s = proc_field("/proc/cpuinfo", "model name", buf, sizeof(buf));
    fputs(", \"cpu_model\": ", f);
    jstr(f, s);
    fputs(", \"load\": ", f);
    lf = fopen("/proc/loadavg", "r");
    if (lf && fscanf(lf, "%lf %lf %lf", &la[0], &la[1], &la[2]) == 3)
        fprintf(f, "[%.2f, %.2f, %.2f]", la[0], la[1], la[2]);
    else
        fputs("null", f);
    if (lf)
        fclose(lf);
    if (gmtime_r(&now, &tm)) {
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
        fputs(", \"date\": ", f);
        jstr(f, buf);
    }
    fputs(", \"emkit\": ", f);
    jstr(f, emk_version());
#if defined(__VERSION__) && !defined(__clang__) && defined(__GNUC__)
    fputs(", \"compiler\": ", f);
    jstr(f, "gcc " __VERSION__);
#elif defined(__VERSION__)
    fputs(", \"compiler\": ", f);
    jstr(f, __VERSION__);  /* clang's names itself */
#endif
    fputs("},\n", f);
}

int emk_bj_open(emk_bench_json *j, const char *path, const char *bench)
{
    memset(j, 0, sizeof(*j));
    if (!path)
        return 0;
    if ((size_t)snprintf(j->tmp, sizeof(j->tmp), "%s.tmp.%ld", path, (long)getpid()) >=
        sizeof(j->tmp)) {
        fprintf(stderr, "emkit: --json: %s: name too long\n", path);
        return -1;
    }
    j->f = fopen(j->tmp, "w");
    if (!j->f) {
        fprintf(stderr, "emkit: --json: %s: %s\n", path, strerror(errno));
        return -1;
    }
    j->path = path;
    fputs("{\n  \"bench\": ", j->f);
    jstr(j->f, bench);
    fputs(",\n", j->f);
    host(j->f);
    fputs("  \"config\": {", j->f);
    return 0;
}

static void config_key(emk_bench_json *j, const char *key)
{
    fputs(j->nconfig++ ? ", " : "", j->f);
    jstr(j->f, key);
    fputs(": ", j->f);
}

void emk_bj_config_str(emk_bench_json *j, const char *key, const char *val)
{
    if (!j->f || j->in_results)
        return;
    config_key(j, key);
    jstr(j->f, val);
}

void emk_bj_config_num(emk_bench_json *j, const char *key, double val)
{
    if (!j->f || j->in_results)
        return;
    config_key(j, key);
    jnum(j->f, val);
}

void emk_bj_config_bool(emk_bench_json *j, const char *key, int val)
{
    if (!j->f || j->in_results)
        return;
    config_key(j, key);
    fputs(val ? "true" : "false", j->f);
}

static void open_results(emk_bench_json *j)
{
    if (!j->in_results) {
        fputs("},\n  \"results\": [", j->f);
        j->in_results = 1;
    }
}

void emk_bj_result(emk_bench_json *j, const emk_bench_result *r)
{
    FILE *f = j->f;

    if (!f)
        return;
    open_results(j);
    fputs(j->nresults++ ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
    jstr(f, r->name);
    fputs(", \"case\": ", f);
    jstr(f, r->case_ ? r->case_ : "");
    fputs(", \"metric\": ", f);
    jstr(f, r->metric);
    fputs(", \"value\": ", f);
    jnum(f, r->value);
    fputs(", \"unit\": ", f);
    jstr(f, r->unit);
    fputs(", \"peer\": ", f);
    jstr(f, r->peer);
    fputs(", \"ratio\": ", f);
    jnum(f, r->peer ? r->ratio : NAN);
    fputc('}', f);
}

int emk_bj_close(emk_bench_json *j)
{
    int bad;

    if (!j->f)
        return 0;
    open_results(j);
    fputs(j->nresults ? "\n  ]\n}\n" : "]\n}\n", j->f);
    bad = ferror(j->f);
    if (fclose(j->f) != 0)
        bad = 1;
    j->f = NULL;
    if (bad || rename(j->tmp, j->path) != 0) {
        fprintf(stderr, "emkit: --json: %s: %s\n", j->path,
                bad ? "write error" : strerror(errno));
        unlink(j->tmp);
        return -1;
    }
    return 0;
}
