/* demos.h - what the `emkit` main job runs: one function per component.
 * Each builds a test machine, attaches its device, drives it with its
 * in-tree guest driver and prints a few report lines.  Returns 0 when
 * everything it checked was right, else a negative errno. */
#ifndef EMK_CLI_DEMOS_H
#define EMK_CLI_DEMOS_H

#include <stdio.h>

typedef struct emk_demo_opts {
    const char *disk;   /* backend spec for block devices, e.g. "ram:16M" */
    int iothread;       /* run device work in an iothread */
} emk_demo_opts;

typedef struct emk_demo {
    const char *name;
    int (*fn)(FILE *out, const emk_demo_opts *o);
} emk_demo;

int emk_sblk_demo(FILE *out, const emk_demo_opts *o);
int emk_cache_demo(FILE *out, const emk_demo_opts *o);
int emk_snd_demo(FILE *out, const emk_demo_opts *o);
int emk_fido_demo(FILE *out, const emk_demo_opts *o);

#endif
