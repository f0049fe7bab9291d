/*
 * report.c - human and JSON output of info, check, map and anonymize.
 */
#include "emkit/img.h"
#include "img_priv.h"

#include <string.h>

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7f)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

static const char *subformat_name(const emk_img_ctx *c)
{
    static const char *const vmdk[] = {"monolithicSparse", "monolithicFlat",
        "twoGbMaxExtentSparse", "twoGbMaxExtentFlat", "streamOptimized",
        "vmfs"};
    static const char *const vhdx[] = {"dynamic", "fixed", "differencing"};
    if (c->format == EMK_IMG_FMT_VMDK && c->subformat < 6)
        return vmdk[c->subformat];
    if (c->format == EMK_IMG_FMT_VHDX && c->subformat < 3)
        return vhdx[c->subformat];
    return "";
}

static void print_warnings(const emk_img_ctx *c, FILE *out, int json)
{
    int i;
    if (json) {
        fprintf(out, "  \"warnings\": [");
        for (i = 0; i < c->nwarn; i++) {
            fprintf(out, "%s", i ? ", " : "");
            json_str(out, c->warn[i]);
        }
        fprintf(out, "]");
    } else {
        for (i = 0; i < c->nwarn; i++)
            fprintf(out, "warning: %s\n", c->warn[i]);
    }
}

void emk_img_print_info(const emk_img_ctx *c, FILE *out, int json)
{
    uint32_t i, n = c->nb_snapshots < EMK_IMG_MAX_SNAPS ? c->nb_snapshots
                                                        : EMK_IMG_MAX_SNAPS;
    if (json) {
        fprintf(out, "{\n  \"format\": \"%s\",\n", emk_img_format_name(c->format));
        if (subformat_name(c)[0])
            fprintf(out, "  \"subformat\": \"%s\",\n", subformat_name(c));
        fprintf(out, "  \"version\": %u,\n  \"virtual-size\": %llu,\n"
                "  \"file-size\": %llu,\n  \"cluster-size\": %u,\n"
                "  \"unit\": %u,\n", c->version,
                (unsigned long long)c->virtual_size,
                (unsigned long long)c->file_size, c->cluster_size, c->unit);
        if (c->format == EMK_IMG_FMT_QCOW2)
            fprintf(out, "  \"refcount-bits\": %u,\n  \"compression\": \"%s\",\n"
                    "  \"extended-l2\": %s,\n  \"incompatible-features\": %llu,\n"
                    "  \"compatible-features\": %llu,\n"
                    "  \"autoclear-features\": %llu,\n  \"bitmaps\": %u,\n",
                    c->refcount_bits, c->compression ? "zstd" : "zlib",
                    c->extended_l2 ? "true" : "false",
                    (unsigned long long)c->incompat,
                    (unsigned long long)c->compat,
                    (unsigned long long)c->autoclear, c->nb_bitmaps);
        fprintf(out, "  \"encrypted\": %u,\n  \"backing-file\": ", c->encrypted);
        json_str(out, c->backing);
        fprintf(out, ",\n  \"data-file\": ");
        json_str(out, c->data_file);
        fprintf(out, ",\n  \"compressed-clusters\": %llu,\n  \"snapshots\": [",
                (unsigned long long)c->n_compressed);
        for (i = 0; i < n; i++) {
            const emk_img_snap *s = &c->snaps[i];
            fprintf(out, "%s\n    {\"id\": ", i ? "," : "");
            json_str(out, s->id);
            fprintf(out, ", \"name\": ");
            json_str(out, s->name);
            fprintf(out, ", \"vm-state-size\": %llu, \"disk-size\": %llu, "
                    "\"l1-offset\": %llu, \"l1-size\": %u}",
                    (unsigned long long)s->vm_state_size,
                    (unsigned long long)s->disk_size,
                    (unsigned long long)s->l1_offset, s->l1_size);
        }
        fprintf(out, "%s],\n", n ? "\n  " : "");
        print_warnings(c, out, 1);
        fprintf(out, "\n}\n");
        return;
    }
    fprintf(out, "file format: %s%s%s%s\n", emk_img_format_name(c->format),
            subformat_name(c)[0] ? " (" : "", subformat_name(c),
            subformat_name(c)[0] ? ")" : "");
    fprintf(out, "virtual size: %llu bytes\nfile size: %llu bytes\n",
            (unsigned long long)c->virtual_size,
            (unsigned long long)c->file_size);
    if (c->cluster_size)
        fprintf(out, "cluster_size: %u\n", c->cluster_size);
    if (c->format == EMK_IMG_FMT_QCOW2) {
        fprintf(out, "version: %u\nrefcount bits: %u\ncompression type: %s\n"
                "extended l2: %s\nincompatible features: 0x%llx%s%s\n"
                "compatible features: 0x%llx\nautoclear features: 0x%llx\n"
                "bitmaps: %u\n", c->version, c->refcount_bits,
                c->compression ? "zstd" : "zlib",
                c->extended_l2 ? "true" : "false",
                (unsigned long long)c->incompat,
                (c->incompat & 1) ? " dirty" : "",
                (c->incompat & 2) ? " corrupt" : "",
                (unsigned long long)c->compat,
                (unsigned long long)c->autoclear, c->nb_bitmaps);
    }
    if (c->encrypted)
        fprintf(out, "encrypted: %s\n", c->encrypted == 2 ? "luks" : "aes");
    if (c->backing[0])
        fprintf(out, "backing file: %s\n", c->backing);
    if (c->data_file[0])
        fprintf(out, "data file: %s\n", c->data_file);
    fprintf(out, "compressed clusters: %llu\n",
            (unsigned long long)c->n_compressed);
    if (n) {
        fprintf(out, "Snapshot list:\nID        TAG                 VM SIZE\n");
        for (i = 0; i < n; i++)
            fprintf(out, "%-9s %-19s %llu\n", c->snaps[i].id, c->snaps[i].name,
                    (unsigned long long)c->snaps[i].vm_state_size);
    }
    print_warnings(c, out, 0);
}

int emk_img_print_check(const emk_img_ctx *c, FILE *out, int json)
{
    int rc = c->n_refcount_errors ? 2 : (c->n_leaked ? 1 : 0);
    if (json) {
        fprintf(out, "{\n  \"format\": \"%s\",\n  \"errors\": %llu,\n"
                "  \"leaks\": %llu,\n  \"metadata-overlaps\": %llu,\n"
                "  \"compressed-clusters\": %llu,\n  \"zero-entries\": %llu,\n",
                emk_img_format_name(c->format),
                (unsigned long long)c->n_refcount_errors,
                (unsigned long long)c->n_leaked,
                (unsigned long long)c->n_overlaps,
                (unsigned long long)c->n_compressed,
                (unsigned long long)c->n_zero_entries);
        print_warnings(c, out, 1);
        fprintf(out, "\n}\n");
        return rc;
    }
    print_warnings(c, out, 0);
    fprintf(out, "%llu errors, %llu leaked clusters, %llu data references "
            "onto metadata\n", (unsigned long long)c->n_refcount_errors,
            (unsigned long long)c->n_leaked, (unsigned long long)c->n_overlaps);
    if (rc == 0)
        fprintf(out, "No errors were found on the image.\n");
    return rc;
}

void emk_img_print_map(const emk_img_ctx *c, FILE *out, int json)
{
    uint64_t u = 0;
    int first = 1;
    if (json)
        fprintf(out, "[");
    while (u < c->nunits) {
        uint64_t v = u + 1, off = u * c->unit, end;
        while (v < c->nunits && c->cat[v] == c->cat[u])
            v++;
        end = v * c->unit < c->file_size ? v * c->unit : c->file_size;
        if (json)
            fprintf(out, "%s\n{ \"start\": %llu, \"length\": %llu, "
                    "\"kind\": \"%s\", \"action\": \"%s\"}", first ? "" : ",",
                    (unsigned long long)off, (unsigned long long)(end - off),
                    emk_img_cat_name(c->cat[u]),
                    c->cat[u] == EMK_IMG_CAT_META ? "keep"
                    : c->cat[u] == EMK_IMG_CAT_META_PART ? "keep-structures"
                    : c->cat[u] == EMK_IMG_CAT_COMPRESSED ? "zero-stream"
                                                          : "zero");
        else
            fprintf(out, "%#18llx %#18llx %s\n", (unsigned long long)off,
                    (unsigned long long)(end - off),
                    emk_img_cat_name(c->cat[u]));
        first = 0;
        u = v;
    }
    if (json)
        fprintf(out, "\n]\n");
}

void emk_img_print_report(const emk_img_ctx *c, const emk_img_opts *o,
                          FILE *out, int json)
{
    int k;
    const char *mode = o->dry_run ? "dry-run" : o->in_place ? "in-place" : "copy";
    if (json) {
        fprintf(out, "{\n  \"format\": \"%s\",\n  \"mode\": \"%s\",\n"
                "  \"unit\": %u,\n  \"file-size\": %llu,\n",
                emk_img_format_name(c->format), mode, c->unit,
                (unsigned long long)c->file_size);
        fprintf(out, "  \"categories\": {");
        for (k = 0; k < EMK_IMG_CAT_COUNT; k++)
            fprintf(out, "%s\n    \"%s\": {\"units\": %llu, \"bytes\": %llu, "
                    "\"action\": \"%s\"}", k ? "," : "", emk_img_cat_name(k),
                    (unsigned long long)c->wiped[k].units,
                    (unsigned long long)c->wiped[k].bytes,
                    k == EMK_IMG_CAT_META ? "kept"
                    : k == EMK_IMG_CAT_META_PART ? "kept-structures-zeroed-rest"
                    : k == EMK_IMG_CAT_COMPRESSED ? "replaced" : "wiped");
        fprintf(out, "\n  },\n  \"compressed-streams\": {\"deflate\": %llu, "
                "\"zstd\": %llu, \"zlib\": %llu, \"unfit\": %llu},\n"
                "  \"names-scrubbed\": %llu,\n"
                "  \"metadata-patches\": {\"count\": %llu, \"bytes\": %llu},\n"
                "  \"encryption\": \"%s\",\n",
                (unsigned long long)c->slot_counts[0],
                (unsigned long long)c->slot_counts[1],
                (unsigned long long)c->slot_counts[2],
                (unsigned long long)c->n_unfit,
                (unsigned long long)c->n_scrubbed,
                (unsigned long long)c->patched.units,
                (unsigned long long)c->patched.bytes,
                !c->encrypted ? "none"
                : c->have_key ? "data clusters rewritten as encrypted zeros "
                                "(key given): the guest reads zeros"
                : "ciphertext overwritten with zeros (no key given): the "
                  "guest reads garbage, not zeros");
        print_warnings(c, out, 1);
        fprintf(out, "\n}\n");
        return;
    }
    fprintf(out, "anonymize (%s) of a %s image, unit %u bytes:\n", mode,
            emk_img_format_name(c->format), c->unit);
    for (k = 0; k < EMK_IMG_CAT_COUNT; k++)
        fprintf(out, "  %-20s %10llu units %14llu bytes %s\n",
                emk_img_cat_name(k), (unsigned long long)c->wiped[k].units,
                (unsigned long long)c->wiped[k].bytes,
                k == EMK_IMG_CAT_META ? "kept"
                : k == EMK_IMG_CAT_META_PART ? "structures kept, rest zeroed"
                : k == EMK_IMG_CAT_COMPRESSED ? "replaced by zero streams"
                                              : "wiped");
    if (c->n_unfit)
        fprintf(out, "  %llu compressed slots too small for a zero stream\n",
                (unsigned long long)c->n_unfit);
    if (c->patched.units)
        fprintf(out, "  %llu metadata patches (%llu bytes)\n",
                (unsigned long long)c->patched.units,
                (unsigned long long)c->patched.bytes);
    if (c->encrypted && c->have_key)
        fprintf(out, "  encrypted image: data rewritten as encrypted zeros "
                "with the given key\n");
    else if (c->encrypted)
        fprintf(out, "  encrypted image: no key given, ciphertext overwritten "
                "with zeros (the guest reads garbage, not zeros)\n");
    print_warnings(c, out, 0);
}
