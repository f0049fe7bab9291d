/* libFuzzer target: the ELF .debug_line reader on hostile input. */
#include <stddef.h>
#include <stdint.h>

#include "dwarf_line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct emk_dwarf_lines l;
    char err[128];
    const char *f;
    uint32_t line;
    size_t i;
    emk_dwarf_lines_parse(&l, data, size, err, sizeof(err));
    for (i = 0; i < l.nrows && i < 64; i++)
        emk_dwarf_lines_find(&l, l.rows[i].addr + 1, &f, &line);
    emk_dwarf_lines_find(&l, 0x401000, &f, &line);
    emk_dwarf_lines_fini(&l);
    return 0;
}
