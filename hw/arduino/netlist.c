/* netlist.c - the board netlist format (emkit/arduino.h, docs/arduino.md):
 * board, net, alias and part statements, one per line.  Errors name the
 * line and stop the parse. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/arduino.h"
#include "board_int.h"
#include "uno_net.h"


enum { MAX_TOK = 12, LINE_MAX_LEN = 256 };

const char *emk_board_uno_netlist(void)
{
    return uno_netlist;
}

int emk_board_parse_pin(const char *s, unsigned *port, unsigned *bit)
{
    if (strlen(s) != 3 || s[0] != 'P' || s[2] < '0' || s[2] > '7')
        return -EINVAL;
    switch (s[1]) {
    case 'B': *port = EMK_M328P_PORTB; break;
    case 'C': *port = EMK_M328P_PORTC; if (s[2] == '7') return -EINVAL; break;
    case 'D': *port = EMK_M328P_PORTD; break;
    default: return -EINVAL;
    }
    *bit = (unsigned)(s[2] - '0');
    return 0;
}

static int fail(emk_board *b, unsigned line, const char *why, const char *what)
{
    snprintf(b->error, sizeof(b->error), "line %u: %s%s%s", line, why,
             what ? ": " : "", what ? what : "");
    return -EINVAL;
}

static int name_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n >= EMK_BOARD_NAME_MAX)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
            return 0;
    return 1;
}

static int parse_num(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);

    if (end == s || *end || v != v)
        return -EINVAL;
    *out = v;
    return 0;
}

static const struct { const char *name; int kind; } kinds[] = {
    { "led", EMK_PART_LED }, { "button", EMK_PART_BUTTON }, { "switch", EMK_PART_SWITCH },
    { "pot", EMK_PART_POT }, { "lm35", EMK_PART_LM35 }, { "thermistor", EMK_PART_THERMISTOR },
    { "serial", EMK_PART_SERIAL },
};

static int parse_part(emk_board *b, unsigned line, char **tok, unsigned n)
{
    emk_board_part *p;
    unsigned i, k;

    if (n < 4)
        return fail(b, line, "part needs KIND NAME NET", NULL);
    if (b->nparts >= EMK_BOARD_MAX_PARTS)
        return fail(b, line, "too many parts", NULL);
    p = &b->part[b->nparts];
    memset(p, 0, sizeof(*p));
    for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
        if (!strcmp(tok[1], kinds[k].name))
            p->kind = kinds[k].kind;
    if (!p->kind)
        return fail(b, line, "unknown part kind", tok[1]);
    if (!name_ok(tok[2]) || emk_board_find_part(b, tok[2]) >= 0)
        return fail(b, line, "bad or duplicate part name", tok[2]);
    strcpy(p->name, tok[2]);
    p->net = emk_board_find_net(b, tok[3]);
    p->net2 = -1;
    if (p->net < 0)
        return fail(b, line, "unknown net", tok[3]);
    i = 4;
    if (p->kind == EMK_PART_SERIAL) {
        if (n < 5 || (p->net2 = emk_board_find_net(b, tok[4])) < 0)
            return fail(b, line, "serial needs RX and TX nets", NULL);
        i = 5;
    }
    /* defaults */
    p->r = p->kind == EMK_PART_THERMISTOR ? 10000 : 1000;
    p->vf = 2.0;
    p->beta = 3950;
    p->value = p->kind == EMK_PART_POT ? 0.5 : (p->kind == EMK_PART_LM35 ||
                                              p->kind == EMK_PART_THERMISTOR) ? 25 : 0;
    for (; i < n; i++) {
        char *eq = strchr(tok[i], '=');
        double v;

        if (!eq)
            return fail(b, line, "expected key=value", tok[i]);
        *eq = 0;
        if (!strcmp(tok[i], "pull")) {
            if (!strcmp(eq + 1, "ext")) p->pull_ext = 1;
            else if (strcmp(eq + 1, "int")) return fail(b, line, "pull is int or ext", eq + 1);
            continue;
        }
        if (parse_num(eq + 1, &v) < 0)
            return fail(b, line, "bad number", eq + 1);
        if (!strcmp(tok[i], "r") && v > 0) p->r = v;
        else if (!strcmp(tok[i], "vf") && v >= 0) p->vf = v;
        else if (!strcmp(tok[i], "beta") && v > 0) p->beta = v;
        else if (!strcmp(tok[i], "value")) p->value = v;
        else return fail(b, line, "unknown or out-of-range key", tok[i]);
    }
    b->nparts++;
    if (emk_board_part_check(p) < 0) {
        b->nparts--;
        return fail(b, line, "value out of range", p->name);
    }
    return 0;
}

static int parse_line(emk_board *b, unsigned line, char *s)
{
    char *tok[MAX_TOK];
    unsigned n = 0;
    char *h = strchr(s, '#');

    if (h)
        *h = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\r')
            s++;
        if (!*s)
            break;
        if (n == MAX_TOK)
            return fail(b, line, "too many words", NULL);
        tok[n++] = s;
        while (*s && *s != ' ' && *s != '\t' && *s != '\r')
            s++;
        if (*s)
            *s++ = 0;
    }
    if (!n)
        return 0;
    if (!strcmp(tok[0], "board")) {
        double hz;

        if (n != 4 || !name_ok(tok[1]) || strcmp(tok[2], "atmega328p") ||
            parse_num(tok[3], &hz) < 0 || hz < 1000 || hz > 32e6)
            return fail(b, line, "board NAME atmega328p HZ", NULL);
        strcpy(b->name, tok[1]);
        b->clock_hz = (uint32_t)hz;
        return 0;
    }
    if (!strcmp(tok[0], "net")) {
        emk_board_net *nt;
        unsigned port, bit;

        if (n < 2 || n > 3 || !name_ok(tok[1]))
            return fail(b, line, "net NAME [PIN]", NULL);
        if (emk_board_find_net(b, tok[1]) >= 0)
            return fail(b, line, "duplicate net", tok[1]);
        if (b->nnets >= EMK_BOARD_MAX_NETS)
            return fail(b, line, "too many nets", NULL);
        nt = &b->net[b->nnets];
        memset(nt, 0, sizeof(*nt));
        strcpy(nt->name, tok[1]);
        nt->port = nt->bit = -1;
        if (n == 3) {
            if (emk_board_parse_pin(tok[2], &port, &bit) < 0)
                return fail(b, line, "bad pin", tok[2]);
            if (b->pin_net[port][bit] >= 0)
                return fail(b, line, "pin already on a net", tok[2]);
            nt->port = (int)port;
            nt->bit = (int)bit;
            b->pin_net[port][bit] = (int)b->nnets;
        }
        b->nnets++;
        return 0;
    }
    if (!strcmp(tok[0], "alias")) {
        int t;

        if (n != 3 || !name_ok(tok[1]) || emk_board_find_net(b, tok[1]) >= 0)
            return fail(b, line, "alias NEWNAME NET", NULL);
        if ((t = emk_board_find_net(b, tok[2])) < 0)
            return fail(b, line, "unknown net", tok[2]);
        if (b->naliases >= EMK_BOARD_MAX_ALIASES)
            return fail(b, line, "too many aliases", NULL);
        strcpy(b->alias[b->naliases], tok[1]);
        b->alias_net[b->naliases++] = t;
        return 0;
    }
    if (!strcmp(tok[0], "part"))
        return parse_part(b, line, tok, n);
    return fail(b, line, "unknown statement", tok[0]);
}

int emk_board_parse(emk_board *b, const char *text, size_t len)
{
    char buf[LINE_MAX_LEN];
    size_t i = 0;
    unsigned line = 0, p, k;

    for (p = 0; p < EMK_M328P_NPORTS; p++)
        for (k = 0; k < 8; k++)
            b->pin_net[p][k] = -1;
    b->clock_hz = 0;
    while (i < len) {
        size_t n = 0;
        int r;

        line++;
        while (i < len && text[i] != '\n') {
            if (n + 1 >= sizeof(buf) || text[i] == 0)
                return fail(b, line, "line too long or NUL", NULL);
            buf[n++] = text[i++];
        }
        buf[n] = 0;
        i++;
        if ((r = parse_line(b, line, buf)) < 0)
            return r;
    }
    if (!b->clock_hz)
        return fail(b, line, "no board statement", NULL);
    return 0;
}

int emk_board_find_net(const emk_board *b, const char *name)
{
    unsigned i;

    for (i = 0; i < b->nnets; i++)
        if (!strcmp(b->net[i].name, name))
            return (int)i;
    for (i = 0; i < b->naliases; i++)
        if (!strcmp(b->alias[i], name))
            return b->alias_net[i];
    return -ENOENT;
}

int emk_board_find_part(const emk_board *b, const char *name)
{
    unsigned i;

    for (i = 0; i < b->nparts; i++)
        if (!strcmp(b->part[i].name, name))
            return (int)i;
    return -ENOENT;
}
