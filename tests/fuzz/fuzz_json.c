/* libFuzzer target: the JSON parser and quoting (emkit/json.h) the event
 * protocol reads commands with: parse, walk every node, unescape every
 * string and key, look up the protocol's members, quote the input back
 * and parse the quoted form (which must succeed). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emkit/json.h"

static emk_json_node nodes[512];
static char buf[70000];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *t = (const char *)data;
    int n, i, q;

    if (size > 16384)
        return 0;
    n = emk_json_parse(t, size, nodes, 512, 32);
    for (i = 0; i < n; i++) {
        if (nodes[i].off + nodes[i].len > size || nodes[i].key_off + nodes[i].key_len > size)
            abort();
        if (nodes[i].type == EMK_JSON_STRING)
            emk_json_string(t, &nodes[i], buf, sizeof(buf));
        if (nodes[i].child >= n || nodes[i].next >= n)
            abort();
    }
    if (n > 0) {
        emk_json_member(t, nodes, 0, "execute");
        emk_json_member(t, nodes, 0, "arguments");
        emk_json_member(t, nodes, 0, "id");
    }
    q = emk_json_quote(buf, sizeof(buf), t, size);
    if (q < 0)
        abort();               /* 16 KiB quotes into 70000 bytes */
    if (emk_json_parse(buf, (size_t)q, nodes, 512, 32) != 1 || nodes[0].type != EMK_JSON_STRING)
        abort();
    return 0;
}
