/* base.c - version, error texts and size parsing. */
#include <stdlib.h>
#include <string.h>

#include "emkit/base.h"

const char *emk_version(void)
{
    return "0.1.0";
}

const char *emk_strerror(int err)
{
    if (err > 0)
        err = -err;
    switch (err) {
    case 0: return "success";
    case -EINVAL: return "invalid argument";
    case -EFAULT: return "bad guest address";
    case -EPERM: return "DMA not permitted (bus mastering off)";
    case -ERANGE: return "out of range";
    case -ENOSPC: return "no space left";
    case -ENOMEM: return "out of memory";
    case -ENOSYS: return "not supported by this host";
    case -EIO: return "I/O error";
    case -EROFS: return "read-only";
    case -ENODEV: return "no such device";
    case -EBUSY: return "busy";
    case -EOVERFLOW: return "value too large";
    case -ELOOP: return "loop detected";
    case -ENOENT: return "not found";
    default: return strerror(-err);
    }
}

int emk_parse_size(const char *text, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v;
    unsigned shift = 0;

    if (!text || !out || *text < '0' || *text > '9')
        return -EINVAL;
    errno = 0;
    v = strtoull(text, &end, 10);
    if (errno == ERANGE)
        return -ERANGE;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    default: return -EINVAL;
    }
    if (*end == 'i' && shift)
        end++;
    if ((*end == 'B' || *end == 'b') && shift)
        end++;
    if (*end != '\0')
        return -EINVAL;
    if (shift && v > (UINT64_MAX >> shift))
        return -ERANGE;
    *out = (uint64_t)v << shift;
    return 0;
}
