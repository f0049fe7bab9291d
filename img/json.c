/*
 * json.c - the JSON string escaper and the size formatter shared by every
 * report the library prints.
 */
#include "img_priv.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at s[0, n), or 0 if s[0] does not
 * start one (shortest form only, no surrogates, at most U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    uint32_t cp, min;
    size_t k, len;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2; cp = s[0] & 0x1f; min = 0x80;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3; cp = s[0] & 0x0f; min = 0x800;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4; cp = s[0] & 0x07; min = 0x10000;
    } else {
        return 0;       /* continuation byte, 0xc0/0xc1 or 0xf5.. */
    }
    if (len > n)
        return 0;
    for (k = 1; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void emk_img_json_str(FILE *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    fputc('"', out);
    while (i < n) {
        unsigned char ch = s[i];
        size_t k = utf8_len(s + i, n - i);
        if (k == 0) {
            fputs("\\ufffd", out);
            i++;
            continue;
        }
        if (k > 1) {
            fwrite(s + i, 1, k, out);
        } else if (ch == '"' || ch == '\\') {
            fputc('\\', out);
            fputc(ch, out);
        } else if (ch == '\b') {
            fputs("\\b", out);
        } else if (ch == '\f') {
            fputs("\\f", out);
        } else if (ch == '\n') {
            fputs("\\n", out);
        } else if (ch == '\r') {
            fputs("\\r", out);
        } else if (ch == '\t') {
            fputs("\\t", out);
        } else if (ch < 0x20 || ch == 0x7f) {
            fprintf(out, "\\u%04x", ch);
        } else {
            fputc(ch, out);
        }
        i += k;
    }
    fputc('"', out);
}

void emk_img_json_cstr(FILE *out, const char *s)
{
    emk_img_json_str(out, s, strlen(s));
}

void emk_img_size_str(char *buf, size_t cap, uint64_t v)
{
    static const char *const unit[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    int i = 0;
    /* the next unit once the number would reach 1000 (qemu's
     * size_to_str: "1000 KiB" is written "0.977 MiB") */
    while (i < 6 && v >= (uint64_t)1000 << (10 * i))
        i++;
    snprintf(buf, cap, "%0.3g %sB", (double)v / (double)((uint64_t)1 << (10 * i)),
             unit[i]);
}
