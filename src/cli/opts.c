/* opts.c - the strict number parser and option matching (opts.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "emkit/base.h"

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* A bound as the user would write it: "64M" for a size that is a whole
 * number of MiB, else decimal. */
static void fmt_bound(char *b, size_t n, uint64_t v, unsigned flags)
{
    static const char sfx[] = "KMGT";
    int i;

    if (flags & EMK_NUM_SIZE)
        for (i = 3; i >= 0; i--) {
            unsigned shift = 10u * (unsigned)(i + 1);
            if (v && (v & ((1ull << shift) - 1)) == 0) {
                snprintf(b, n, "%llu%c", (unsigned long long)(v >> shift), sfx[i]);
                return;
            }
        }
    snprintf(b, n, "%llu", (unsigned long long)v);
}

static int out_of_range(const char *opt, const char *text, uint64_t min, uint64_t max,
                        unsigned flags)
{
    char a[32], b[32];

    fmt_bound(a, sizeof(a), min, flags);
    fmt_bound(b, sizeof(b), max, flags);
    fprintf(stderr, "emkit: %s: '%s' is out of range (%s to %s)\n", opt, text, a, b);
    return -1;
}

int emk_cli_number(const char *opt, const char *text, uint64_t min, uint64_t max,
                   unsigned flags, uint64_t *out)
{
    uint64_t v = 0;
    int r;

    if (!text)
        text = "";
    if (flags & EMK_NUM_SIZE) {
        /* emk_parse_size: strtoull, whole text, optional suffix */
        r = emk_parse_size(text, &v);
    } else if (!all_digits(text)) {
        r = -EINVAL;
    } else {
        char *end;
        unsigned long long u;
        errno = 0;
        u = strtoull(text, &end, 10);
        r = errno == ERANGE ? -ERANGE : *end ? -EINVAL : 0;
        v = (uint64_t)u;
    }
    if (r == -EINVAL && text[0] == '-') {      /* a negative number */
        uint64_t neg;
        int rn = flags & EMK_NUM_SIZE ? emk_parse_size(text + 1, &neg)
                                      : all_digits(text + 1) ? 0 : -EINVAL;
        if (rn == 0 || rn == -ERANGE)
            return out_of_range(opt, text, min, max, flags);
    }
    if (r == -EINVAL) {
        fprintf(stderr, "emkit: %s: '%s' is not %s\n", opt, text,
                flags & EMK_NUM_SIZE ? "a size (a number, optionally with K, M, G or T)"
                                     : "a number");
        return -1;
    }
    if (r < 0 || v < min || v > max)
        return out_of_range(opt, text, min, max, flags);
    *out = v;
    return 0;
}

int emk_cli_unsigned(const char *opt, const char *text, unsigned min, unsigned max,
                     unsigned *out)
{
    uint64_t v;

    if (emk_cli_number(opt, text, min, max, 0, &v) < 0)
        return -1;
    *out = (unsigned)v;
    return 0;
}

int emk_cli_value(int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);

    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "emkit: %s: needs a value\n", name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

int emk_cli_bad_arg(const char *cmd, const char *arg)
{
    fprintf(stderr, "emkit: %s: unknown argument '%s' (see emkit help %s)\n", cmd, arg,
            cmd);
    return EMK_EXIT_USAGE;
}
