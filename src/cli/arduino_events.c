/* arduino_events.c - `emkit arduino --events SPEC`: the board on the event
 * protocol (emkit/events.h, docs/events.md).  Commands: set-input,
 * set-adc, set-part, uart-write, query-nets, query-parts, query-status,
 * stop, cont, quit.  Events, checked after every 1 ms slice of emulated
 * time: GPIO (a net's voltage changed and it is not toggling as PWM),
 * PWM (a toggling net's duty moved by more than 0.2% or its frequency by
 * more than 1%, or it started or stopped toggling), UART (the text the
 * firmware sent during the slice), PWM-STREAM (a subscribed net's level
 * sampled at its rate over the slice, for an oscilloscope). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arduino_cli.h"

static int get_num(const char *t, const emk_json_node *n, int args, const char *key, double *v)
{
    int m = emk_json_member(t, n, args, key);

    if (m < 0 || n[m].type != EMK_JSON_NUMBER)
        return -EINVAL;
    *v = n[m].num;
    return 0;
}

static int get_str(const char *t, const emk_json_node *n, int args, const char *key,
                   char *out, size_t cap)
{
    int m = emk_json_member(t, n, args, key);

    if (m < 0 || n[m].type != EMK_JSON_STRING)
        return -EINVAL;
    return emk_json_string(t, &n[m], out, cap);
}

static int err(char *ret, size_t cap, const char *fmt, const char *what)
{
    snprintf(ret, cap, fmt, what);
    return -EINVAL;
}

static int net_arg(emk_ard_events *e, const char *t, const emk_json_node *n, int args,
                   char *ret, size_t cap)
{
    char name[64];
    int net;

    if (get_str(t, n, args, "net", name, sizeof(name)) < 0)
        return err(ret, cap, "%s", "missing \"net\" (a string)");
    net = emk_board_find_net(e->b, name);
    if (net < 0)
        return err(ret, cap, "no net called '%s'", name);
    return net;
}

static int query_nets(emk_ard_events *e, char *ret, size_t cap)
{
    size_t o = 0;
    unsigned i;

    o += (size_t)snprintf(ret + o, cap - o, "{\"nets\": [");
    for (i = 0; i < e->b->nnets && o < cap; i++) {
        const emk_board_net *nt = &e->b->net[i];
        double duty, hz;

        emk_board_net_pwm(e->b, (int)i, &duty, &hz);
        o += (size_t)snprintf(ret + o, cap - o,
                              "%s{\"net\": \"%s\", \"volts\": %.4f, \"duty\": %.4f, \"hz\": %.2f, "
                              "\"floating\": %s, \"pin\": %s}", i ? ", " : "", nt->name,
                              nt->volts, duty, hz, nt->floating ? "true" : "false",
                              nt->port >= 0 ? "true" : "false");
    }
    if (o + 3 >= cap)
        return err(ret, cap, "%s", "reply too long");
    snprintf(ret + o, cap - o, "]}");
    return 0;
}

static int query_parts(emk_ard_events *e, char *ret, size_t cap)
{
    static const char *const kind[] = { "", "led", "button", "switch", "pot", "lm35",
                                        "thermistor", "serial" };
    size_t o = 0;
    unsigned i;

    o += (size_t)snprintf(ret + o, cap - o, "{\"parts\": [");
    for (i = 0; i < e->b->nparts && o < cap; i++) {
        const emk_board_part *p = &e->b->part[i];

        o += (size_t)snprintf(ret + o, cap - o,
                              "%s{\"part\": \"%s\", \"kind\": \"%s\", \"net\": \"%s\", "
                              "\"value\": %.4f, \"brightness\": %.4f}", i ? ", " : "", p->name,
                              kind[p->kind], e->b->net[p->net].name, p->value,
                              emk_board_led_brightness(e->b, (int)i));
    }
    if (o + 3 >= cap)
        return err(ret, cap, "%s", "reply too long");
    snprintf(ret + o, cap - o, "]}");
    return 0;
}

static int command(void *opaque, emk_events *ev, const char *name, const char *t,
                   const emk_json_node *n, int args, char *ret, size_t cap)
{
    emk_ard_events *e = opaque;
    double v;
    int net, r;

    (void)ev;
    if (!strcmp(name, "set-input") || !strcmp(name, "set-adc")) {
        if ((net = net_arg(e, t, n, args, ret, cap)) < 0)
            return net;
        if (get_num(t, n, args, "volts", &v) < 0)
            return err(ret, cap, "%s", "missing \"volts\" (a number)");
        if (!strcmp(name, "set-adc") && (e->b->net[net].port != EMK_M328P_PORTC ||
                                         e->b->net[net].bit > 5))
            return err(ret, cap, "net '%s' is not on an ADC pin", e->b->net[net].name);
        if (v < 0 || v > e->b->mcu.vcc)
            return err(ret, cap, "%s", "volts out of range (0 to 5)");
        emk_board_set_input(e->b, net, v);
        snprintf(ret, cap, "{}");
        return 0;
    }
    if (!strcmp(name, "release-input")) {
        if ((net = net_arg(e, t, n, args, ret, cap)) < 0)
            return net;
        emk_board_set_input(e->b, net, -1.0);
        snprintf(ret, cap, "{}");
        return 0;
    }
    if (!strcmp(name, "set-part")) {
        char part[64];
        int p;

        if (get_str(t, n, args, "part", part, sizeof(part)) < 0)
            return err(ret, cap, "%s", "missing \"part\" (a string)");
        if ((p = emk_board_find_part(e->b, part)) < 0)
            return err(ret, cap, "no part called '%s'", part);
        if (get_num(t, n, args, "value", &v) < 0)
            return err(ret, cap, "%s", "missing \"value\" (a number)");
        r = emk_board_part_set(e->b, p, v);
        if (r == -ERANGE)
            return err(ret, cap, "value out of range for '%s'", part);
        if (r < 0)
            return err(ret, cap, "part '%s' has no value to set", part);
        snprintf(ret, cap, "{}");
        return 0;
    }
    if (!strcmp(name, "uart-write")) {
        char data[4096];

        if ((r = get_str(t, n, args, "data", data, sizeof(data))) < 0)
            return err(ret, cap, "%s", "missing \"data\" (a string)");
        if ((size_t)r > emk_m328p_uart_rx_room(&e->b->mcu))
            return err(ret, cap, "%s", "receive queue full");
        emk_m328p_uart_rx(&e->b->mcu, (const uint8_t *)data, (size_t)r);
        snprintf(ret, cap, "{\"queued\": %d}", r);
        return 0;
    }
    if (!strcmp(name, "pwm-stream")) {
        int on = 1, m, k, free_k = -1;
        double rate = 100000;

        if ((net = net_arg(e, t, n, args, ret, cap)) < 0)
            return net;
        if ((m = emk_json_member(t, n, args, "on")) >= 0) {
            if (n[m].type != EMK_JSON_TRUE && n[m].type != EMK_JSON_FALSE)
                return err(ret, cap, "%s", "\"on\" must be true or false");
            on = n[m].type == EMK_JSON_TRUE;
        }
        if (emk_json_member(t, n, args, "rate") >= 0 &&
            (get_num(t, n, args, "rate", &rate) < 0 || rate < 1000 || rate > 1000000))
            return err(ret, cap, "%s", "\"rate\" must be 1000 to 1000000 samples a second");
        for (k = 0; k < EMK_ARD_STREAMS; k++) {
            if (e->stream[k].net == net)
                break;
            if (e->stream[k].net < 0 && free_k < 0)
                free_k = k;
        }
        if (k == EMK_ARD_STREAMS) {
            if (!on) {
                snprintf(ret, cap, "{}");
                return 0;
            }
            if (free_k < 0)
                return err(ret, cap, "%s", "too many streams (4)");
            k = free_k;
        }
        e->stream[k].net = on ? net : -1;
        e->stream[k].rate = (uint32_t)rate;
        e->stream[k].nedges = 0;
        e->stream[k].level0 = e->b->net[net].level;
        snprintf(ret, cap, "{\"rate\": %u}", (unsigned)rate);
        return 0;
    }
    if (!strcmp(name, "query-nets"))
        return query_nets(e, ret, cap);
    if (!strcmp(name, "query-parts"))
        return query_parts(e, ret, cap);
    if (!strcmp(name, "query-status")) {
        snprintf(ret, cap, "{\"running\": %s, \"cycles\": %llu, \"time\": %.9f}",
                 e->stopped ? "false" : "true", (unsigned long long)e->b->mcu.cpu.cycle,
                 (double)e->b->mcu.cpu.cycle / e->b->clock_hz);
        return 0;
    }
    if (!strcmp(name, "stop") || !strcmp(name, "cont")) {
        e->stopped = name[0] == 's';
        snprintf(ret, cap, "{}");
        return 0;
    }
    if (!strcmp(name, "quit")) {
        e->quit = 1;
        snprintf(ret, cap, "{}");
        return 0;
    }
    return -ENOENT;
}

int emk_ard_events_open(emk_ard_events *e, const char *spec, emk_board *b)
{
    int r;
    unsigned i;

    memset(e, 0, sizeof(*e));
    e->b = b;
    for (i = 0; i < EMK_BOARD_MAX_NETS; i++)
        e->last_volts[i] = -1.0;
    for (i = 0; i < EMK_ARD_STREAMS; i++)
        e->stream[i].net = -1;
    r = emk_events_listen(&e->ev, spec, "arduino-uno", command, e);
    if (r < 0) {
        fprintf(stderr, "emkit: arduino: --events %s: %s\n", spec, strerror(-r));
        return -1;
    }
    e->open = 1;
    return 0;
}

void emk_ard_events_net(emk_ard_events *e, const emk_board_net *n, uint64_t cycle)
{
    unsigned k;
    int idx;

    if (!e->open)
        return;
    idx = (int)(n - e->b->net);
    for (k = 0; k < EMK_ARD_STREAMS; k++) {
        emk_ard_stream *s = &e->stream[k];

        if (s->net != idx || s->nedges == EMK_ARD_STREAM_EDGES)
            continue;
        if ((s->nedges ? s->lvl[s->nedges - 1] : s->level0) == n->level)
            continue;
        s->edge[s->nedges] = cycle;
        s->lvl[s->nedges++] = (uint8_t)n->level;
    }
}

/* PWM-STREAM events: each subscribed net sampled over [slice_start, now). */
static void streams(emk_ard_events *e, double now_s)
{
    uint64_t now = e->b->mcu.cpu.cycle, start = e->slice_start;
    unsigned k;

    for (k = 0; k < EMK_ARD_STREAMS; k++) {
        emk_ard_stream *s = &e->stream[k];
        uint64_t ns, j;
        unsigned ei = 0;
        int lvl = s->level0;
        char *buf;
        size_t o;

        if (s->net < 0)
            continue;
        ns = (now - start) * s->rate / e->b->clock_hz;
        if (ns > 20000)
            ns = 20000;
        buf = malloc((size_t)ns + 160);
        if (!buf)
            continue;
        o = (size_t)snprintf(buf, 160, "{\"net\": \"%s\", \"rate\": %u, \"t0\": %.9f, "
                             "\"samples\": \"", e->b->net[s->net].name, (unsigned)s->rate,
                             (double)start / e->b->clock_hz);
        for (j = 0; j < ns; j++) {
            uint64_t at = start + j * e->b->clock_hz / s->rate;

            while (ei < s->nedges && s->edge[ei] <= at)
                lvl = s->lvl[ei++];
            buf[o++] = lvl ? '1' : '0';
        }
        memcpy(buf + o, "\"}", 3);
        if (ns)
            emk_events_emit(&e->ev, "PWM-STREAM", buf, now_s);
        free(buf);
        s->level0 = e->b->net[s->net].level;
        s->nedges = 0;
    }
}

void emk_ard_events_uart(emk_ard_events *e, unsigned char c)
{
    if (e->open && e->nuart < sizeof(e->uart))
        e->uart[e->nuart++] = (char)c;
}

void emk_ard_events_tick(emk_ard_events *e, int timeout_ms)
{
    double now;
    char data[1200];
    unsigned i;

    if (!e->open)
        return;
    emk_events_poll(&e->ev, timeout_ms);
    now = (double)e->b->mcu.cpu.cycle / e->b->clock_hz;
    if (!emk_events_clients(&e->ev)) {
        e->nuart = 0;
        e->slice_start = e->b->mcu.cpu.cycle;
        return;
    }
    if (e->b->mcu.cpu.cycle == e->slice_start)
        return;                /* no emulated time since the last tick */
    streams(e, now);
    e->slice_start = e->b->mcu.cpu.cycle;
    for (i = 0; i < e->b->nnets; i++) {
        const emk_board_net *nt = &e->b->net[i];
        double duty, hz;

        emk_board_net_pwm(e->b, (int)i, &duty, &hz);
        if (hz > 0 || e->last_hz[i] > 0) {
            if (fabs(duty - e->last_duty[i]) > 0.002 ||
                fabs(hz - e->last_hz[i]) > 0.01 * (hz > e->last_hz[i] ? hz : e->last_hz[i])) {
                snprintf(data, sizeof(data),
                         "{\"net\": \"%s\", \"duty\": %.4f, \"hz\": %.2f, \"volts\": %.4f}",
                         nt->name, duty, hz, emk_board_net_avg_volts(e->b, (int)i));
                emk_events_emit(&e->ev, "PWM", data, now);
                e->last_duty[i] = duty;
                e->last_hz[i] = hz;
            }
            if (hz > 0) {
                e->last_volts[i] = nt->volts;
                continue;
            }
        }
        if (nt->volts != e->last_volts[i]) {
            snprintf(data, sizeof(data), "{\"net\": \"%s\", \"volts\": %.4f}", nt->name,
                     nt->volts);
            emk_events_emit(&e->ev, "GPIO", data, now);
            e->last_volts[i] = nt->volts;
        }
    }
    if (e->nuart) {
        char q[sizeof(e->uart) * 6 + 16];

        if (emk_json_quote(q, sizeof(q), e->uart, e->nuart) > 0) {
            size_t cap = strlen(q) + 32;
            char *buf = malloc(cap);

            if (buf) {
                snprintf(buf, cap, "{\"text\": %s}", q);
                emk_events_emit(&e->ev, "UART", buf, now);
                free(buf);
            }
        }
        e->nuart = 0;
    }
}

void emk_ard_events_close(emk_ard_events *e)
{
    if (e->open)
        emk_events_close(&e->ev);
    e->open = 0;
}
