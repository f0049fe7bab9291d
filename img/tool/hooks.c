/*
 * hooks.c - test hooks of tests/img/emkit-img-test, the same sources built
 * with -DEMK_IMG_TEST_HOOKS by tests/img/meson.build.  The shipped
 * emkit-img has none of them (suite.sh checks that the names are not in
 * the binary).
 */
#include "tool.h"

#ifdef EMK_IMG_TEST_HOOKS
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

void tool_test_hooks(tool_args *a)
{
    /* crash test: SIGKILL itself after N writes */
    if (getenv("EMKIT_IMG_TEST_KILL_AFTER"))
        a->o.kill_after = atoi(getenv("EMKIT_IMG_TEST_KILL_AFTER"));
    /* tests/img/alloc.sh: copy mode with plain writes, to compare with */
    if (getenv("EMKIT_IMG_TEST_WRITE_ALL"))
        a->o.write_all = 1;
}

/* Lock test: once the image is open (and locked), create the file the
 * variable names and wait (at most 120 s) until it is removed. */
void tool_test_pause(void)
{
    const char *flag = getenv("EMKIT_IMG_TEST_PAUSE");
    struct timespec ts = {0, 20 * 1000 * 1000};
    FILE *f;
    int i;
    if (!flag || !(f = fopen(flag, "w")))
        return;
    fclose(f);
    for (i = 0; i < 6000 && access(flag, F_OK) == 0; i++)
        nanosleep(&ts, NULL);
}
#else
void tool_test_hooks(tool_args *a)
{
    (void)a;
}

void tool_test_pause(void)
{
}
#endif
