/*
 * report.c - human and JSON output of check, map and anonymize (info:
 * info.c; strings go through emk_img_json_str, json.c).
 */
#include "emkit/img.h"
#include "img_priv.h"

#include <string.h>

static void print_warnings(const emk_img_ctx *c, FILE *out, int json)
{
    int i;
    if (json) {
        fprintf(out, "    \"warnings\": [");
        for (i = 0; i < c->nwarn; i++) {
            fprintf(out, "%s", i ? ", " : "");
            emk_img_json_cstr(out, c->warn[i]);
        }
        fprintf(out, "]");
    } else {
        for (i = 0; i < c->nwarn; i++)
            fprintf(out, "warning: %s\n", c->warn[i]);
    }
}

int emk_img_print_check(const emk_img_ctx *c, FILE *out, int json)
{
    int rc = c->n_refcount_errors ? EMK_IMG_CHECK_CORRUPT
             : c->n_leaked ? EMK_IMG_CHECK_LEAKS : EMK_IMG_CHECK_CLEAN;
    int qcow2 = c->format == EMK_IMG_FMT_QCOW2;
    uint64_t total = qcow2 && c->cluster_size
        ? (c->virtual_size + c->cluster_size - 1) / c->cluster_size : 0;
    if (json) {
        /* qemu-img check's names; corruptions and leaks only when found */
        fprintf(out, "{\n    \"filename\": ");
        emk_img_json_cstr(out, c->filename ? c->filename : "");
        fprintf(out, ",\n    \"format\": \"%s\",\n    \"check-errors\": 0",
                emk_img_format_name(c->format));
        if (c->n_refcount_errors)
            fprintf(out, ",\n    \"corruptions\": %llu",
                    (unsigned long long)c->n_refcount_errors);
        if (c->n_leaked)
            fprintf(out, ",\n    \"leaks\": %llu",
                    (unsigned long long)c->n_leaked);
        if (qcow2)
            fprintf(out, ",\n    \"image-end-offset\": %llu,\n"
                    "    \"total-clusters\": %llu",
                    (unsigned long long)c->image_end_offset,
                    (unsigned long long)total);
        fprintf(out, ",\n    \"metadata-overlaps\": %llu,\n"
                "    \"zero-entries\": %llu,\n",
                (unsigned long long)c->n_overlaps,
                (unsigned long long)c->n_zero_entries);
        print_warnings(c, out, 1);
        fprintf(out, "\n}\n");
        return rc;
    }
    print_warnings(c, out, 0);
    if (rc == EMK_IMG_CHECK_CLEAN)
        fprintf(out, "No errors were found on the image.\n");
    if (c->n_refcount_errors)
        fprintf(out, "\n%llu errors were found on the image.\nData may be "
                "corrupted, or further writes to the image may corrupt it.\n",
                (unsigned long long)c->n_refcount_errors);
    if (c->n_leaked)
        fprintf(out, "\n%llu leaked clusters were found on the image.\nThis "
                "means waste of disk space, but no harm to data.\n",
                (unsigned long long)c->n_leaked);
    if (c->n_overlaps)
        fprintf(out, "%llu data references point at metadata.\n",
                (unsigned long long)c->n_overlaps);
    if (qcow2 && c->image_end_offset)
        fprintf(out, "Image end offset: %llu\n",
                (unsigned long long)c->image_end_offset);
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
                "  \"output\": {\"bytes-written\": %llu, \"bytes-copied\": %llu, "
                "\"bytes-allocated\": %llu, \"bytes-unwritten\": %llu},\n"
                "  \"encryption\": \"%s\",\n",
                (unsigned long long)c->slot_counts[0],
                (unsigned long long)c->slot_counts[1],
                (unsigned long long)c->slot_counts[2],
                (unsigned long long)c->n_unfit,
                (unsigned long long)c->n_scrubbed,
                (unsigned long long)c->patched.units,
                (unsigned long long)c->patched.bytes,
                (unsigned long long)c->bytes_written,
                (unsigned long long)c->bytes_copied,
                (unsigned long long)c->bytes_allocated,
                (unsigned long long)c->bytes_unwritten,
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
