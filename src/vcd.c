/* vcd.c - value change dump writer (see emkit/vcd.h). */
#include <string.h>

#include "emkit/vcd.h"

void emk_vcd_init(emk_vcd *v, FILE *out, emk_vcd_signal *storage,
                  unsigned cap)
{
    memset(v, 0, sizeof(*v));
    v->out = out;
    v->sig = storage;
    v->cap = cap;
    if (!out || (!storage && cap))
        v->err = -EINVAL;
}

/* Identifier codes: printable ASCII '!'..'~' as base-94 digits. */
static void make_id(char *id, unsigned index)
{
    unsigned n = 0;

    do {
        id[n++] = (char)('!' + index % 94);
        index /= 94;
    } while (index && n < EMK_VCD_ID_MAX - 1);
    id[n] = '\0';
}

static uint64_t width_mask(unsigned width)
{
    return width >= 64 ? UINT64_MAX : (((uint64_t)1 << width) - 1);
}

/* A VCD identifier or scope name: non-empty, no white space. */
static int valid_word(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (*s <= ' ' || *s > '~')
            return 0;
    return 1;
}

int emk_vcd_add(emk_vcd *v, const char *scope, const char *name,
                unsigned width, uint64_t initial)
{
    emk_vcd_signal *s;

    if (v->err)
        return v->err;
    if (v->started || width < 1 || width > EMK_VCD_MAX_WIDTH ||
        !valid_word(scope) || !valid_word(name))
        return -EINVAL;
    if (v->nsig >= v->cap)
        return -ENOSPC;
    s = &v->sig[v->nsig];
    s->scope = scope;
    s->name = name;
    s->width = width;
    s->value = initial & width_mask(width);
    make_id(s->id, v->nsig);
    return (int)v->nsig++;
}

static void put_value(emk_vcd *v, const emk_vcd_signal *s)
{
    char bits[EMK_VCD_MAX_WIDTH + 1];
    int i, n = 0;

    if (s->width == 1) {
        if (fprintf(v->out, "%c%s\n", s->value ? '1' : '0', s->id) < 0)
            v->err = -EIO;
        return;
    }
    /* binary, leading zeros dropped (at least one digit) */
    for (i = (int)s->width - 1; i >= 0; i--)
        if (n || (s->value >> i) & 1 || i == 0)
            bits[n++] = (char)('0' + ((s->value >> i) & 1));
    bits[n] = '\0';
    if (fprintf(v->out, "b%s %s\n", bits, s->id) < 0)
        v->err = -EIO;
}

int emk_vcd_begin(emk_vcd *v, int64_t t0_ns)
{
    const char *scope = NULL;
    unsigned i;

    if (v->err)
        return v->err;
    if (v->started || t0_ns < 0)
        return -EINVAL;
    v->started = 1;
    if (fprintf(v->out, "$version emkit %s $end\n$timescale 1ns $end\n",
                emk_version()) < 0)
        v->err = -EIO;
    for (i = 0; i < v->nsig && !v->err; i++) {
        const emk_vcd_signal *s = &v->sig[i];
        if (!scope || strcmp(scope, s->scope)) {
            if (scope && fprintf(v->out, "$upscope $end\n") < 0)
                v->err = -EIO;
            if (fprintf(v->out, "$scope module %s $end\n", s->scope) < 0)
                v->err = -EIO;
            scope = s->scope;
        }
        if (fprintf(v->out, "$var wire %u %s %s $end\n", s->width, s->id,
                    s->name) < 0)
            v->err = -EIO;
    }
    if (scope && fprintf(v->out, "$upscope $end\n") < 0)
        v->err = -EIO;
    if (fprintf(v->out, "$enddefinitions $end\n#%lld\n$dumpvars\n",
                (long long)t0_ns) < 0)
        v->err = -EIO;
    for (i = 0; i < v->nsig && !v->err; i++)
        put_value(v, &v->sig[i]);
    if (!v->err && fprintf(v->out, "$end\n") < 0)
        v->err = -EIO;
    v->now = t0_ns;
    v->stamped = 1;
    return v->err;
}

int emk_vcd_change(emk_vcd *v, int64_t t_ns, int sig, uint64_t value)
{
    emk_vcd_signal *s;

    if (v->err)
        return v->err;
    if (!v->started || sig < 0 || (unsigned)sig >= v->nsig || t_ns < v->now)
        return -EINVAL;
    s = &v->sig[sig];
    value &= width_mask(s->width);
    if (value == s->value)
        return 0;
    if (t_ns > v->now || !v->stamped) {
        if (fprintf(v->out, "#%lld\n", (long long)t_ns) < 0)
            return v->err = -EIO;
        v->now = t_ns;
        v->stamped = 1;
    }
    s->value = value;
    put_value(v, s);
    return v->err;
}

int emk_vcd_finish(emk_vcd *v, int64_t t_ns)
{
    if (v->err)
        return v->err;
    if (!v->started)
        return -EINVAL;
    if (t_ns > v->now) {
        if (fprintf(v->out, "#%lld\n", (long long)t_ns) < 0)
            v->err = -EIO;
        v->now = t_ns;
    }
    if (fflush(v->out) != 0 && !v->err)
        v->err = -EIO;
    return v->err;
}
