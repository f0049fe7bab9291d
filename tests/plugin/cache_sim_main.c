/* Stand-alone driver for `emkit cache-sim` (used by tests and the suite
 * before/besides the emkit command). */
#include "emkit/cache_sim.h"

int main(int argc, char **argv)
{
    return emk_cmd_cache_sim(argc, argv);
}
