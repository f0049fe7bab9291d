/* json.c - the JSON parser and string quoting of emkit/json.h.  A
 * recursive-descent parser with an explicit depth limit; numbers by the
 * RFC's grammar, converted with strtod on a bounded copy. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/json.h"

typedef struct jp {
    const char *s;
    size_t len, pos;
    emk_json_node *n;
    unsigned cap, used, max_depth;
} jp;

static void ws(jp *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

static int new_node(jp *p, int type)
{
    emk_json_node *n;

    if (p->used >= p->cap)
        return -ENOSPC;
    n = &p->n[p->used];
    memset(n, 0, sizeof(*n));
    n->type = type;
    n->child = n->next = -1;
    n->off = (uint32_t)p->pos;
    return (int)p->used++;
}

/* Length of the valid UTF-8 sequence at s[0, n), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    uint32_t cp, min;
    size_t k, len;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) { len = 2; cp = s[0] & 0x1F; min = 0x80; }
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) { len = 3; cp = s[0] & 0x0F; min = 0x800; }
    else if (s[0] >= 0xF0 && s[0] <= 0xF4) { len = 4; cp = s[0] & 0x07; min = 0x10000; }
    else return 0;
    if (len > n)
        return 0;
    for (k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static int hex4(const char *s, unsigned *v)
{
    unsigned i, x = 0;

    for (i = 0; i < 4; i++) {
        char c = s[i];

        x <<= 4;
        if (c >= '0' && c <= '9') x |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') x |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') x |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *v = x;
    return 0;
}

/* Scans a string at p->pos (on the quote); sets *off and *len to its inside. */
static int scan_string(jp *p, uint32_t *off, uint32_t *len)
{
    size_t i = p->pos + 1;

    while (i < p->len) {
        unsigned char c = (unsigned char)p->s[i];

        if (c == '"') {
            *off = (uint32_t)(p->pos + 1);
            *len = (uint32_t)(i - p->pos - 1);
            p->pos = i + 1;
            return 0;
        }
        if (c < 0x20)
            return -EINVAL;
        if (c == '\\') {
            unsigned v;

            if (i + 1 >= p->len)
                return -EINVAL;
            c = (unsigned char)p->s[i + 1];
            if (c == 'u') {
                if (i + 6 > p->len || hex4(p->s + i + 2, &v) < 0)
                    return -EINVAL;
                i += 6;
            } else if (strchr("\"\\/bfnrt", c) && c) {
                i += 2;
            } else {
                return -EINVAL;
            }
            continue;
        }
        {
            size_t l = utf8_len((const unsigned char *)p->s + i, p->len - i);

            if (!l)
                return -EINVAL;
            i += l;
        }
    }
    return -EINVAL;
}

static int number(jp *p, int idx)
{
    size_t i = p->pos, start = i;
    char buf[64];

    if (i < p->len && p->s[i] == '-') i++;
    if (i >= p->len) return -EINVAL;
    if (p->s[i] == '0') i++;
    else if (p->s[i] >= '1' && p->s[i] <= '9') while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9') i++;
    else return -EINVAL;
    if (i < p->len && p->s[i] == '.') {
        i++;
        if (i >= p->len || p->s[i] < '0' || p->s[i] > '9') return -EINVAL;
        while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9') i++;
    }
    if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
        i++;
        if (i < p->len && (p->s[i] == '+' || p->s[i] == '-')) i++;
        if (i >= p->len || p->s[i] < '0' || p->s[i] > '9') return -EINVAL;
        while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9') i++;
    }
    if (i - start >= sizeof(buf))
        return -EINVAL;
    memcpy(buf, p->s + start, i - start);
    buf[i - start] = 0;
    p->n[idx].num = strtod(buf, NULL);
    p->pos = i;
    return 0;
}

static int value(jp *p, unsigned depth);

static int container(jp *p, int idx, unsigned depth, int obj)
{
    char close = obj ? '}' : ']';
    int prev = -1;

    if (depth >= p->max_depth)
        return -EINVAL;
    p->pos++;
    ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return 0;
    }
    for (;;) {
        uint32_t koff = 0, klen = 0;
        int c, r;

        ws(p);
        if (obj) {
            if (p->pos >= p->len || p->s[p->pos] != '"')
                return -EINVAL;
            if ((r = scan_string(p, &koff, &klen)) < 0)
                return r;
            ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':')
                return -EINVAL;
            p->pos++;
            ws(p);
        }
        c = (int)p->used;
        if ((r = value(p, depth + 1)) < 0)
            return r;
        p->n[c].key_off = koff;
        p->n[c].key_len = klen;
        if (prev < 0)
            p->n[idx].child = c;
        else
            p->n[prev].next = c;
        prev = c;
        ws(p);
        if (p->pos >= p->len)
            return -EINVAL;
        if (p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->s[p->pos] == close) {
            p->pos++;
            return 0;
        }
        return -EINVAL;
    }
}

static int literal(jp *p, const char *word)
{
    size_t n = strlen(word);

    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n))
        return -EINVAL;
    p->pos += n;
    return 0;
}

static int value(jp *p, unsigned depth)
{
    int idx, r;
    char c;

    ws(p);
    if (p->pos >= p->len)
        return -EINVAL;
    c = p->s[p->pos];
    switch (c) {
    case '{': idx = new_node(p, EMK_JSON_OBJECT); break;
    case '[': idx = new_node(p, EMK_JSON_ARRAY); break;
    case '"': idx = new_node(p, EMK_JSON_STRING); break;
    case 't': idx = new_node(p, EMK_JSON_TRUE); break;
    case 'f': idx = new_node(p, EMK_JSON_FALSE); break;
    case 'n': idx = new_node(p, EMK_JSON_NULL); break;
    default: idx = new_node(p, EMK_JSON_NUMBER); break;
    }
    if (idx < 0)
        return idx;
    switch (c) {
    case '{': r = container(p, idx, depth, 1); break;
    case '[': r = container(p, idx, depth, 0); break;
    case '"': r = scan_string(p, &p->n[idx].off, &p->n[idx].len); return r;
    case 't': r = literal(p, "true"); break;
    case 'f': r = literal(p, "false"); break;
    case 'n': r = literal(p, "null"); break;
    default: r = number(p, idx); break;
    }
    if (r < 0)
        return r;
    p->n[idx].len = (uint32_t)(p->pos - p->n[idx].off);
    return 0;
}

int emk_json_parse(const char *text, size_t len, emk_json_node *nodes, unsigned cap,
                   unsigned max_depth)
{
    jp p;
    int r;

    if (!text || !nodes || len > UINT32_MAX)
        return -EINVAL;
    p.s = text;
    p.len = len;
    p.pos = 0;
    p.n = nodes;
    p.cap = cap;
    p.used = 0;
    p.max_depth = max_depth;
    if ((r = value(&p, 0)) < 0)
        return r;
    ws(&p);
    if (p.pos != len)
        return -EINVAL;
    return (int)p.used;
}

/* Unescapes s[0, n) into out; returns length or negative errno. */
static int unescape(const char *s, size_t n, char *out, size_t cap)
{
    size_t i = 0, o = 0;

    while (i < n) {
        unsigned v, lo;
        char c = s[i];

        if (c != '\\') {
            if (o + 1 >= cap) return -ENOSPC;
            out[o++] = c;
            i++;
            continue;
        }
        c = s[i + 1];
        i += 2;
        switch (c) {
        case 'b': v = '\b'; break;
        case 'f': v = '\f'; break;
        case 'n': v = '\n'; break;
        case 'r': v = '\r'; break;
        case 't': v = '\t'; break;
        case 'u':
            if (hex4(s + i, &v) < 0) return -EINVAL;
            i += 4;
            if (v >= 0xD800 && v <= 0xDBFF && i + 6 <= n && s[i] == '\\' && s[i + 1] == 'u' &&
                hex4(s + i + 2, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
                v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            } else if (v >= 0xD800 && v <= 0xDFFF) {
                v = 0xFFFD;
            }
            break;
        default: v = (unsigned char)c; break;
        }
        if (v == 0)
            return -EINVAL;
        if (o + 5 >= cap)
            return -ENOSPC;
        if (v < 0x80) {
            out[o++] = (char)v;
        } else if (v < 0x800) {
            out[o++] = (char)(0xC0 | v >> 6);
            out[o++] = (char)(0x80 | (v & 0x3F));
        } else if (v < 0x10000) {
            out[o++] = (char)(0xE0 | v >> 12);
            out[o++] = (char)(0x80 | ((v >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (v & 0x3F));
        } else {
            out[o++] = (char)(0xF0 | v >> 18);
            out[o++] = (char)(0x80 | ((v >> 12) & 0x3F));
            out[o++] = (char)(0x80 | ((v >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (v & 0x3F));
        }
    }
    if (o >= cap)
        return -ENOSPC;
    out[o] = 0;
    return (int)o;
}

int emk_json_string(const char *text, const emk_json_node *n, char *out, size_t cap)
{
    if (!n || n->type != EMK_JSON_STRING || cap == 0)
        return -EINVAL;
    return unescape(text + n->off, n->len, out, cap);
}

int emk_json_member(const char *text, const emk_json_node *nodes, int obj, const char *key)
{
    char buf[256];
    int c;

    if (obj < 0 || nodes[obj].type != EMK_JSON_OBJECT)
        return -ENOENT;
    for (c = nodes[obj].child; c >= 0; c = nodes[c].next) {
        const emk_json_node *m = &nodes[c];

        if (unescape(text + m->key_off, m->key_len, buf, sizeof(buf)) >= 0 && !strcmp(buf, key))
            return c;
    }
    return -ENOENT;
}

int emk_json_quote(char *out, size_t cap, const char *s, size_t n)
{
    static const char hexd[] = "0123456789abcdef";
    size_t i = 0, o = 0;

#define PUT(ch) do { if (o + 1 >= cap) return -ENOSPC; out[o++] = (ch); } while (0)
    PUT('"');
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t l;

        if (c == '"' || c == '\\') {
            PUT('\\');
            PUT((char)c);
            i++;
        } else if (c < 0x20) {
            PUT('\\');
            if (c == '\n') PUT('n');
            else if (c == '\r') PUT('r');
            else if (c == '\t') PUT('t');
            else { PUT('u'); PUT('0'); PUT('0'); PUT(hexd[c >> 4]); PUT(hexd[c & 15]); }
            i++;
        } else if ((l = utf8_len((const unsigned char *)s + i, n - i)) == 0) {
            PUT('\xEF'); PUT('\xBF'); PUT('\xBD');    /* U+FFFD */
            i++;
        } else {
            while (l--)
                PUT(s[i++]);
        }
    }
    PUT('"');
#undef PUT
    out[o] = 0;
    return (int)o;
}
