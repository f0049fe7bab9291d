/* progress.c - the progress line of the command-line tools (emkit/progress.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "emkit/loop.h"
#include "emkit/progress.h"

enum { REDRAW_NS = 100000000, MAX_LINE = 200 };

int emk_progress_wanted(void)
{
    const char *e = getenv("EMKIT_PROGRESS");

    if (e && !strcmp(e, "0"))
        return 0;
    return isatty(STDERR_FILENO);
}

/* Columns of the terminal on stderr (the line must not wrap: "\r" only
 * returns to the start of the last screen line). */
static size_t columns(void)
{
#ifdef TIOCGWINSZ
    struct winsize ws;

    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
        return ws.ws_col - 1u < MAX_LINE ? ws.ws_col - 1u : MAX_LINE;
#endif
    return 79;
}

static void fmt_bytes(char *b, size_t n, uint64_t v)
{
    static const char *const u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    double d = (double)v;
    unsigned i = 0;

    while (d >= 1024.0 && i < 4) {
        d /= 1024.0;
        i++;
    }
    if (i == 0)
        snprintf(b, n, "%llu B", (unsigned long long)v);
    else
        snprintf(b, n, "%.1f %s", d, u[i]);
}

static void fmt_secs(char *b, size_t n, double s)
{
    if (s < 60)
        snprintf(b, n, "%.0f s", s);
    else if (s < 3600)
        snprintf(b, n, "%d min %02d s", (int)s / 60, (int)s % 60);
    else
        snprintf(b, n, "%d h %02d min", (int)s / 3600, (int)s / 60 % 60);
}

static void erase(emk_progress *p)
{
    if (p->shown) {
        fprintf(stderr, "\r%*s\r", (int)p->width, "");
        fflush(stderr);
        p->shown = 0;
        p->width = 0;
    }
}

static void draw(emk_progress *p, const char *item, int64_t now)
{
    char line[MAX_LINE + 64], a[32], b[32], t[32];
    double el = (double)(now - p->t0) / 1e9;
    size_t len, cols = columns();
    int k;

    if (p->unit == EMK_PROGRESS_BYTES) {
        fmt_bytes(a, sizeof(a), p->done);
        fmt_bytes(b, sizeof(b), p->total);
        if (p->total)
            k = snprintf(line, sizeof(line), "%s: %3.0f%% (%s of %s)", p->label,
                         100.0 * (double)p->done / (double)p->total, a, b);
        else
            k = snprintf(line, sizeof(line), "%s: %s", p->label, a);
    } else if (p->total) {
        k = snprintf(line, sizeof(line), "%s: %llu/%llu%s%s (%.0f%%)", p->label,
                     (unsigned long long)p->done, (unsigned long long)p->total,
                     p->what ? " " : "", p->what ? p->what : "",
                     100.0 * (double)p->done / (double)p->total);
    } else {
        k = snprintf(line, sizeof(line), "%s: %llu%s%s", p->label,
                     (unsigned long long)p->done, p->what ? " " : "",
                     p->what ? p->what : "");
    }
    len = k < 0 ? 0 : (size_t)k < sizeof(line) ? (size_t)k : sizeof(line) - 1;
    if (p->total && p->done > 0 && p->done < p->total && el >= 1.0) {
        fmt_secs(t, sizeof(t), el * (double)(p->total - p->done) / (double)p->done);
        k = snprintf(line + len, sizeof(line) - len, ", %s left", t);
    } else {
        fmt_secs(t, sizeof(t), el);
        k = snprintf(line + len, sizeof(line) - len, ", %s", t);
    }
    len += k < 0 ? 0 : (size_t)k < sizeof(line) - len ? (size_t)k : sizeof(line) - len - 1;
    if (item && *item) {
        k = snprintf(line + len, sizeof(line) - len, ": %s", item);
        len += k < 0 ? 0 : (size_t)k < sizeof(line) - len ? (size_t)k : sizeof(line) - len - 1;
    }
    if (len > cols)
        len = cols;
    line[len] = '\0';
    fprintf(stderr, "\r%s%*s", line, p->width > len ? (int)(p->width - len) : 0, "");
    fflush(stderr);
    if (len > p->width)
        p->width = len;  /* what erase() must blank */
    p->shown = 1;
    p->last = now;
}

void emk_progress_start(emk_progress *p, const char *label, int unit,
                        const char *what, uint64_t total)
{
    memset(p, 0, sizeof(*p));
    p->on = emk_progress_wanted();
    p->unit = unit;
    p->label = label ? label : "";
    p->what = unit == EMK_PROGRESS_BYTES ? NULL : what;
    p->total = total;
    p->t0 = emk_host_now_ns();
}

void emk_progress_update(emk_progress *p, uint64_t done, const char *item)
{
    int64_t now;

    if (!p->on)
        return;
    p->done = done;
    now = emk_host_now_ns();
    if (!p->shown || now - p->last >= REDRAW_NS)
        draw(p, item, now);
}

void emk_progress_clear(emk_progress *p)
{
    if (p->on)
        erase(p);
}

void emk_progress_end(emk_progress *p)
{
    if (p->on)
        erase(p);
    p->on = 0;
}
