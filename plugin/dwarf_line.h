/* A small, bounds-checked reader of ELF .debug_line (DWARF 2-5) that maps
 * code addresses to file:line.  Used by the cache plugin's reports. */
#ifndef EMK_PLUGIN_DWARF_LINE_H
#define EMK_PLUGIN_DWARF_LINE_H

#include <stddef.h>
#include <stdint.h>

enum {
    EMK_DWARF_MAX_FILE = 1 << 30 /* largest ELF file read */
};

/** One row: code from @addr up to the next row has @file:@line. */
struct emk_dwarf_row {
    uint64_t addr;
    const char *file; /* NULL: end of a sequence (no line info) */
    uint32_t line;
};

/** The table; caller-owned, filled by load/parse, freed by fini. */
struct emk_dwarf_lines {
    unsigned char *buf;   /* copy of the ELF image (strings point into it) */
    size_t len;
    struct emk_dwarf_row *rows;
    size_t nrows, cap;
    char **names;         /* composed "dir/file" strings */
    size_t nnames, capnames;
};

/**
 * Parse the ELF image @elf (@len bytes; copied).  Returns the number of
 * rows (>= 0), or a negative errno with a message in @err: -ENOEXEC for a
 * non-ELF or corrupt ELF, -ENOENT if there is no .debug_line, -EINVAL for
 * a corrupt line program (rows read before the error are kept).
 */
int emk_dwarf_lines_parse(struct emk_dwarf_lines *l, const void *elf, size_t len,
                          char *err, size_t errlen);

/** Read @path and parse it as above. */
int emk_dwarf_lines_load(struct emk_dwarf_lines *l, const char *path, char *err, size_t errlen);

/** Find @addr: 1 and *@file, *@line if covered, else 0. */
int emk_dwarf_lines_find(const struct emk_dwarf_lines *l, uint64_t addr, const char **file,
                         uint32_t *line);

/** Free everything. */
void emk_dwarf_lines_fini(struct emk_dwarf_lines *l);

#endif
