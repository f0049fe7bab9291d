/*
 * emkit-img - inspect and anonymize qcow2, VMDK and VHDX images.
 *
 *   emkit-img anonymize [-f fmt] [-p] [--output=human|json] [--dry-run]
 *                       [--in-place] [--scrub-names] [--allow-external-paths]
 *                       [--object ...] SRC [DST]
 *   emkit-img info|check|map [-f fmt] [--output=human|json] IMAGE
 */
#include "emkit/img.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
    fprintf(stderr,
            "usage: emkit-img anonymize [-f qcow2|vhdx|vmdk] [-p] "
            "[--output=human|json]\n"
            "                           [--dry-run] [--in-place] "
            "[--scrub-names] [--allow-external-paths]\n"
            "                           [--object secret,id=ID,data=TEXT] "
            "[-o encrypt.key-secret=ID] SRC [DST]\n"
            "       emkit-img info|check|map [-f fmt] [--output=human|json] "
            "IMAGE\n"
            "  --allow-external-paths: accept VMDK extent and qcow2 data-file "
            "names that are\n"
            "    absolute, contain '..' or pass through symbolic links "
            "(refused by default:\n"
            "    they are resolved inside the image's and DST's "
            "directories)\n");
    return 2;
}

enum { MAX_SECRETS = 8, SECRET_MAX = 4096 };

typedef struct secret {
    char id[64];
    char data[SECRET_MAX];
    size_t len;
} secret;

/* Parses "secret,id=ID,data=TEXT" or "secret,id=ID,file=PATH" (qemu-img
 * --object syntax; a comma inside a value is written ",,"). */
static int parse_secret(const char *arg, secret *s)
{
    const char *p;
    char key[16], val[SECRET_MAX];
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

static int parse_fmt(const char *s)
{
    if (strcmp(s, "qcow2") == 0)
        return EMK_IMG_FMT_QCOW2;
    if (strcmp(s, "vmdk") == 0)
        return EMK_IMG_FMT_VMDK;
    if (strcmp(s, "vhdx") == 0)
        return EMK_IMG_FMT_VHDX;
    return -1;
}

int main(int argc, char **argv)
{
    emk_img_opts o;
    emk_img_ctx *c;
    const char *cmd, *pos[2] = {NULL, NULL};
    int fmt = EMK_IMG_FMT_UNKNOWN, json = 0, npos = 0, i, r, rc = 0;
    static secret secrets[MAX_SECRETS];
    int nsecrets = 0;
    const char *key_secret = NULL;
    memset(&o, 0, sizeof(o));
    if (argc < 2)
        return usage();
    cmd = argv[1];
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-f") == 0 && i + 1 < argc) {
            fmt = parse_fmt(argv[++i]);
            if (fmt < 0) {
                fprintf(stderr, "emkit-img: unknown format '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "-p") == 0) {
            o.progress = 1;
        } else if (strcmp(a, "--output=json") == 0) {
            json = 1;
        } else if (strcmp(a, "--output=human") == 0) {
            json = 0;
        } else if (strcmp(a, "--dry-run") == 0) {
            o.dry_run = 1;
        } else if (strcmp(a, "--in-place") == 0) {
            o.in_place = 1;
        } else if (strcmp(a, "--scrub-names") == 0) {
            o.scrub_names = 1;
        } else if (strcmp(a, "--allow-external-paths") == 0) {
            o.allow_external_paths = 1;
        } else if ((strcmp(a, "--object") == 0 && i + 1 < argc) ||
                   strncmp(a, "--object=", 9) == 0) {
            const char *v = a[8] == '=' ? a + 9 : argv[++i];
            if (nsecrets == MAX_SECRETS ||
                parse_secret(v, &secrets[nsecrets]) < 0) {
                fprintf(stderr, "emkit-img: --object must be "
                        "secret,id=ID,data=TEXT or secret,id=ID,file=PATH\n");
                return 2;
            }
            nsecrets++;
        } else if (strcmp(a, "-o") == 0 && i + 1 < argc &&
                   strncmp(argv[i + 1], "encrypt.key-secret=", 19) == 0) {
            key_secret = argv[++i] + 19;
        } else if (strncmp(a, "--key-secret=", 13) == 0) {
            key_secret = a + 13;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "emkit-img: unknown option '%s'\n", a);
            return usage();
        } else if (npos < 2) {
            pos[npos++] = a;
        } else {
            return usage();
        }
    }
    if (npos < 1)
        return usage();
#ifdef EMK_IMG_TEST_HOOKS
    /* Crash test (tests/img/suite.sh): only the test build of this file,
     * tests/img/emkit-img-test, has it; the shipped emkit-img ignores the
     * variable. */
    if (getenv("EMKIT_IMG_TEST_KILL_AFTER"))
        o.kill_after = atoi(getenv("EMKIT_IMG_TEST_KILL_AFTER"));
#endif
    if (nsecrets) {
        int k, found = -1;
        if (!key_secret && nsecrets == 1)
            found = 0;
        for (k = 0; key_secret && k < nsecrets; k++)
            if (strcmp(secrets[k].id, key_secret) == 0)
                found = k;
        if (found < 0) {
            fprintf(stderr, "emkit-img: say which secret opens the image: "
                    "-o encrypt.key-secret=ID\n");
            return 2;
        }
        o.secret = secrets[found].data;
        o.secret_len = secrets[found].len;
    } else if (key_secret) {
        fprintf(stderr, "emkit-img: no --object secret,id=%s\n", key_secret);
        return 2;
    }
    c = calloc(1, sizeof(*c));
    if (!c)
        return 1;
    /* in place, the one descriptor that is parsed is the one written */
    if (strcmp(cmd, "anonymize") == 0 && o.in_place && !o.dry_run)
        r = emk_img_open_rw(c, pos[0], fmt);
    else
        r = emk_img_open(c, pos[0], fmt);
    if (r < 0) {
        fprintf(stderr, "emkit-img: %s\n", c->err);
        emk_img_close(c);
        free(c);
        return 1;
    }
    if (strcmp(cmd, "info") == 0) {
        emk_img_print_info(c, stdout, json);
    } else if (strcmp(cmd, "check") == 0) {
        rc = emk_img_print_check(c, stdout, json);
    } else if (strcmp(cmd, "map") == 0) {
        emk_img_print_map(c, stdout, json);
    } else if (strcmp(cmd, "anonymize") == 0) {
        if (!o.in_place && !o.dry_run && npos != 2) {
            fprintf(stderr, "emkit-img: copy mode needs SRC and DST\n");
            rc = 2;
        } else {
            r = emk_img_anonymize(c, pos[0], pos[1], &o);
            if (r < 0) {
                fprintf(stderr, "emkit-img: %s\n", c->err);
                rc = 1;
            } else {
                emk_img_print_report(c, &o, stdout, json);
            }
        }
    } else {
        rc = usage();
    }
    emk_img_close(c);
    free(c);
    return rc;
}
