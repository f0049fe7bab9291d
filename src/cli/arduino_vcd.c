/* arduino_vcd.c - `emkit arduino --vcd FILE`: one 1-bit signal per net on
 * an MCU pin (its digital level), in scope "board", time in ns of emulated
 * time (cycles x 10^9 / clock). */
#include <errno.h>
#include <string.h>

#include "arduino_cli.h"

static int64_t ns_of(uint64_t cycle, uint32_t hz)
{
    return (int64_t)(cycle / hz * 1000000000ull + (cycle % hz) * 1000000000ull / hz);
}

int emk_ard_vcd_open(emk_ard_vcd *w, const char *path, const emk_board *b)
{
    unsigned i;

    memset(w, 0, sizeof(*w));
    w->clock_hz = b->clock_hz;
    w->f = fopen(path, "w");
    if (!w->f) {
        fprintf(stderr, "emkit: arduino: --vcd %s: %s\n", path, strerror(errno));
        return -1;
    }
    emk_vcd_init(&w->v, w->f, w->sig, EMK_BOARD_MAX_NETS);
    for (i = 0; i < b->nnets; i++) {
        w->net_sig[i] = -1;
        if (b->net[i].port >= 0)
            w->net_sig[i] = emk_vcd_add(&w->v, "board", b->net[i].name, 1,
                                        (uint64_t)b->net[i].level);
    }
    return emk_vcd_begin(&w->v, 0) < 0 ? -1 : 0;
}

void emk_ard_vcd_net(emk_ard_vcd *w, const emk_board_net *n, const emk_board *b,
                     uint64_t cycle)
{
    int i = (int)(n - b->net);

    if (!w->f || i < 0 || (unsigned)i >= b->nnets || w->net_sig[i] < 0)
        return;
    emk_vcd_change(&w->v, ns_of(cycle, w->clock_hz), w->net_sig[i], (uint64_t)n->level);
}

void emk_ard_vcd_close(emk_ard_vcd *w, uint64_t cycle)
{
    if (!w->f)
        return;
    emk_vcd_finish(&w->v, ns_of(cycle, w->clock_hz));
    fclose(w->f);
    w->f = NULL;
}
