/* fuzz_user_struct - emkit-user's struct descriptors on random guest
 * memory: the first input byte picks a table and an ABI, the rest is the
 * guest struct; it is converted to the host, printed, and converted back.
 * A field that fits both sides must come back as it went in. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdesc.h"
#include "structs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const emk_uabi *const abis[4] = { &emk_uabi_rv64, &emk_uabi_ilp32,
                                             &emk_uabi_ilp32be, &emk_uabi_lp64be };
    const emk_ustruct *const *all = emk_user_structs();
    uint8_t g[1024], g2[1024], h[1024];
    const emk_ustruct *s;
    const emk_uabi *abi;
    emk_ubuf *b;
    size_t n = 0, gs;

    if (size < 1)
        return 0;
    while (all[n])
        n++;
    s = all[data[0] % n];
    abi = abis[(data[0] / n) % 4];
    gs = emk_ustruct_gsize(s, abi);
    if (gs > sizeof(g) || s->hsize > sizeof(h))
        abort();
    memset(g, 0, sizeof(g));
    memcpy(g, data + 1, size - 1 < gs ? size - 1 : gs);
    if (emk_ustruct_to_host(s, abi, g, h, NULL, NULL) < 0)
        return 0;
    b = malloc(sizeof(*b));
    if (!b)
        return 0;
    b->n = 0;
    b->s[0] = 0;
    emk_ustruct_print(b, s, abi, g, data[0] & 1);
    if (b->n >= sizeof(b->s))
        abort();
    free(b);
    emk_ustruct_to_guest(s, abi, h, g2);
    if (abi == &emk_uabi_rv64) {   /* LP64 guest on an LP64 host: lossless */
        uint32_t o[EMK_US_MAXF];
        int i;
        emk_ustruct_layout(s, abi, o, NULL);
        for (i = 0; i < s->nf; i++) {
            if (s->f[i].type == UF_PAD || s->f[i].hsize == 0 || s->f[i].type == UF_STRUCT)
                continue;
            if (emk_ustruct_get(s, abi, g, i) != emk_ustruct_get(s, abi, g2, i) &&
                sizeof(long) == 8)
                abort();
        }
    }
    return 0;
}
