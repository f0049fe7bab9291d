/* DWARF .debug_line reader: a hand-assembled ELF with a version 4 line
 * program whose rows are worked out below, plus hostile variants. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "dwarf_line.h"

static unsigned char elf[512];
static size_t elf_len, line_off, line_len;

static void put(size_t off, uint64_t v, int n)
{
    int i;
    for (i = 0; i < n; i++)
        elf[off + (size_t)i] = (unsigned char)(v >> (8 * i));
}

/* Program: set_address 0x401000; advance_line 9; copy -> (0x401000, src/a.c, 10)
 * special 76 (= 13 + 5+2 + 14*4: addr+4, line+2) -> (0x401004, src/a.c, 12)
 * set_file 2; advance_pc 16; copy -> (0x401014, b.c, 12)
 * advance_pc 4; end_sequence -> end at 0x401018. */
static const unsigned char prog[] = {
    0x00, 0x09, 0x02, 0x00, 0x10, 0x40, 0, 0, 0, 0, 0,
    0x03, 0x09, 0x01,
    76,
    0x04, 0x02, 0x02, 0x10, 0x01,
    0x02, 0x04, 0x00, 0x01, 0x01
};

static void build(void)
{
    static const unsigned char hdr_tail[] = {
        1, 1, 1, (unsigned char)-5, 14, 13,        /* min_inst..opcode_base */
        0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1,        /* standard_opcode_lengths */
        's', 'r', 'c', 0, 0,                       /* include_directories */
        'a', '.', 'c', 0, 1, 0, 0,                 /* file 1: dir 1 */
        'b', '.', 'c', 0, 0, 0, 0,                 /* file 2: dir 0 */
        0
    };
    static const char names[] = "\0.shstrtab\0.debug_line";
    size_t p = 64, hl = sizeof(hdr_tail), sh;
    memset(elf, 0, sizeof(elf));
    memcpy(elf, "\177ELF", 4);
    elf[4] = 2; elf[5] = 1; elf[6] = 1;
    /* .debug_line at 64 */
    line_off = p;
    put(p + 4, 4, 2);
    put(p + 6, hl, 4);
    memcpy(elf + p + 10, hdr_tail, hl);
    memcpy(elf + p + 10 + hl, prog, sizeof(prog));
    line_len = 10 + hl + sizeof(prog);
    put(p, line_len - 4, 4);
    p += line_len;
    /* names */
    memcpy(elf + p, names, sizeof(names));
    sh = (p + sizeof(names) + 7) & ~(size_t)7;
    /* section headers: null, .shstrtab, .debug_line */
    put(sh + 64 + 0, 1, 4);
    put(sh + 64 + 4, 3, 4);
    put(sh + 64 + 24, p, 8);
    put(sh + 64 + 32, sizeof(names), 8);
    put(sh + 128 + 0, 11, 4);
    put(sh + 128 + 4, 1, 4);
    put(sh + 128 + 24, line_off, 8);
    put(sh + 128 + 32, line_len, 8);
    put(0x28, sh, 8);
    put(0x3a, 64, 2);
    put(0x3c, 3, 2);
    put(0x3e, 1, 2);
    elf_len = sh + 3 * 64;
    assert_true(elf_len <= sizeof(elf));
}

static void expect(const struct emk_dwarf_lines *l, uint64_t a, const char *file, uint32_t line)
{
    const char *f = NULL;
    uint32_t n = 0;
    int r = emk_dwarf_lines_find(l, a, &f, &n);
    if (!file) {
        assert_int_equal(r, 0);
        return;
    }
    assert_int_equal(r, 1);
    assert_string_equal(f, file);
    assert_int_equal(n, line);
}

static void test_known_rows(void **st)
{
    struct emk_dwarf_lines l;
    char err[128];
    (void)st;
    build();
    assert_int_equal(emk_dwarf_lines_parse(&l, elf, elf_len, err, sizeof(err)), 4);
    expect(&l, 0x400fff, NULL, 0);
    expect(&l, 0x401000, "src/a.c", 10);
    expect(&l, 0x401003, "src/a.c", 10);
    expect(&l, 0x401004, "src/a.c", 12);
    expect(&l, 0x401017, "b.c", 12);
    expect(&l, 0x401018, NULL, 0);
    emk_dwarf_lines_fini(&l);
}

static void test_hostile(void **st)
{
    struct emk_dwarf_lines l;
    char err[128];
    size_t cut;
    (void)st;
    build();
    /* Every truncation of the image is rejected or yields a subset, never a crash. */
    for (cut = 0; cut < elf_len; cut++) {
        int r = emk_dwarf_lines_parse(&l, elf, cut, err, sizeof(err));
        assert_true(r < 4);
        emk_dwarf_lines_fini(&l);
    }
    assert_int_equal(emk_dwarf_lines_parse(&l, "hello", 5, err, sizeof(err)), -ENOEXEC);
    assert_non_null(strstr(err, "not an ELF"));
    emk_dwarf_lines_fini(&l);
    /* unit_length larger than the section */
    build();
    put(line_off, 0x7fffffff, 4);
    assert_int_equal(emk_dwarf_lines_parse(&l, elf, elf_len, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "corrupt unit at offset 0"));
    emk_dwarf_lines_fini(&l);
    /* version 9 */
    build();
    put(line_off + 4, 9, 2);
    assert_int_equal(emk_dwarf_lines_parse(&l, elf, elf_len, err, sizeof(err)), -EINVAL);
    emk_dwarf_lines_fini(&l);
    /* header_length past the unit */
    build();
    put(line_off + 6, 0xffffff, 4);
    assert_int_equal(emk_dwarf_lines_parse(&l, elf, elf_len, err, sizeof(err)), -EINVAL);
    emk_dwarf_lines_fini(&l);
    /* line_range 0 would divide by zero */
    build();
    elf[line_off + 14] = 0;
    assert_int_equal(emk_dwarf_lines_parse(&l, elf, elf_len, err, sizeof(err)), -EINVAL);
    emk_dwarf_lines_fini(&l);
    /* section header table offset outside the file */
    build();
    put(0x28, 0xffffffffffull, 8);
    assert_int_equal(emk_dwarf_lines_parse(&l, elf, elf_len, err, sizeof(err)), -ENOEXEC);
    emk_dwarf_lines_fini(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_rows),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
