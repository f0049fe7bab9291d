/* cmd_anonymize.c - emkit-img anonymize. */
#include "tool.h"

#include <stdio.h>
#include <stdlib.h>

int tool_cmd_anonymize(tool_args *a)
{
    emk_img_ctx *c;
    int rw = a->o.in_place && !a->o.dry_run, rc;
    if (a->npos < 1)
        return tool_usage_error("Expecting SRC and DST (SRC alone with "
                                "--in-place or --dry-run)");
    if (a->npos == 1 && !a->o.in_place && !a->o.dry_run)
        return tool_usage_error("copy mode needs SRC and DST");
    if (a->npos == 2 && a->o.in_place)
        return tool_usage_error("--in-place takes SRC alone, not '%s'",
                                a->pos[1]);
    if (rw && a->force_share)
        return tool_usage_error("--force-share (-U) can only be used with "
                                "read-only images, not with --in-place");
    rc = tool_pick_secret(a);
    if (rc)
        return rc;
    c = calloc(1, sizeof(*c));
    if (!c)
        return 1;
    /* in place, the one descriptor that is parsed is the one written */
    rc = tool_open(c, a, a->pos[0], rw);
    if (rc == 0 && emk_img_anonymize(c, a->pos[0], a->pos[1], &a->o) < 0) {
        fprintf(stderr, "emkit-img: %s\n", c->err);
        rc = 1;
    } else if (rc == 0) {
        emk_img_print_report(c, &a->o, stdout, a->json);
    }
    emk_img_close(c);
    free(c);
    return rc;
}
