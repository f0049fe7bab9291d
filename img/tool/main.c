/*
 * emkit-img - inspect and anonymize qcow2, VMDK and VHDX images.
 *
 *   emkit-img anonymize [-f fmt] [-p] [--output=human|json] [--dry-run]
 *                       [--in-place] [--scrub-names] [--object ...] SRC [DST]
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
            "[--scrub-names] [--object secret,...] SRC [DST]\n"
            "       emkit-img info|check|map [-f fmt] [--output=human|json] "
            "IMAGE\n");
    return 2;
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
    int have_secret = 0;
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
        } else if (strcmp(a, "--object") == 0 && i + 1 < argc) {
            have_secret = 1;
            i++;
        } else if (strncmp(a, "--object=", 9) == 0) {
            have_secret = 1;
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
    if (getenv("EMKIT_IMG_TEST_KILL_AFTER"))
        o.kill_after = atoi(getenv("EMKIT_IMG_TEST_KILL_AFTER"));
    if (have_secret) {
        fprintf(stderr, "emkit-img: --object secret (writing encrypted zeros) "
                "is not implemented yet; run without it to overwrite the "
                "ciphertext\n");
        return 2;
    }
    c = calloc(1, sizeof(*c));
    if (!c)
        return 1;
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
