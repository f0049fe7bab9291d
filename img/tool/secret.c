/* secret.c - the --object secret,... arguments of emkit-img anonymize. */
#include "tool.h"

#include <stdio.h>
#include <string.h>

/* qemu-img --object syntax; a comma inside a value is written ",,". */
int tool_parse_secret(const char *arg, tool_secret *s)
{
    const char *p;
    char key[16], val[TOOL_SECRET_MAX];
    int have_id = 0, have_val = 0;
    memset(s, 0, sizeof(*s));
    if (strncmp(arg, "secret,", 7) != 0)
        return -1;
    p = arg + 7;
    while (*p) {
        size_t k = 0, v = 0;
        while (*p && *p != '=' && k + 1 < sizeof(key))
            key[k++] = *p++;
        key[k] = '\0';
        if (*p != '=')
            return -1;
        p++;
        while (*p && v + 1 < sizeof(val)) {
            if (*p == ',' && p[1] == ',') {
                val[v++] = ',';
                p += 2;
                continue;
            }
            if (*p == ',')
                break;
            val[v++] = *p++;
        }
        val[v] = '\0';
        if (*p == ',')
            p++;
        if (strcmp(key, "id") == 0) {
            if (v >= sizeof(s->id))
                return -1;
            memcpy(s->id, val, v + 1);
            have_id = 1;
        } else if (strcmp(key, "data") == 0) {
            memcpy(s->data, val, v);
            s->len = v;
            have_val = 1;
        } else if (strcmp(key, "file") == 0) {
            FILE *f = fopen(val, "rb");
            if (!f)
                return -1;
            s->len = fread(s->data, 1, sizeof(s->data), f);
            fclose(f);
            have_val = 1;
        } else if (strcmp(key, "format") == 0 && strcmp(val, "raw") == 0) {
            continue;
        } else {
            return -1;
        }
    }
    return have_id && have_val ? 0 : -1;
}

int tool_pick_secret(tool_args *a)
{
    int k, found = -1;
    if (!a->nsecrets) {
        if (a->key_secret)
            return tool_usage_error("No secret with id '%s' found",
                                    a->key_secret);
        return 0;
    }
    if (!a->key_secret && a->nsecrets == 1)
        found = 0;
    for (k = 0; a->key_secret && k < a->nsecrets; k++)
        if (strcmp(a->secrets[k].id, a->key_secret) == 0)
            found = k;
    if (found < 0)
        return tool_usage_error("say which secret opens the image: "
                                "-o encrypt.key-secret=ID");
    a->o.secret = a->secrets[found].data;
    a->o.secret_len = a->secrets[found].len;
    return 0;
}
