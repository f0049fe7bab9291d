/*
 * path.c - opening the files an image names (VMDK extents, the qcow2
 * external data file, and their copies in copy mode) relative to the
 * directory of the image, without leaving it: no absolute names, no ".."
 * components and no symbolic links on the way, unless the caller allows
 * external paths.
 */
#include "emkit/img.h"
#include "img_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

enum { COMP_MAX = 256 };

int emk_img_dir_open(emk_img_ctx *ctx, const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 1;
    int fd;
    if (n >= sizeof(dir))
        return emk_img_fail(ctx, -ENAMETOOLONG, "path %.64s... is too long",
                            path);
    if (!slash)
        memcpy(dir, ".", 2);
    else if (n == 0)
        memcpy(dir, "/", 2);
    else {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return emk_img_fail(ctx, -errno, "cannot open the directory %s", dir);
    return fd;
}

/* Refuses an absolute name, an empty one or one with a ".." component. */
static int check_name(emk_img_ctx *ctx, const char *name)
{
    const char *p = name;
    if (!name[0])
        return emk_img_fail(ctx, -EINVAL, "empty file name");
    if (name[0] == '/')
        return emk_img_fail(ctx, -EPERM, "'%s' is an absolute path (allowed "
                            "only with --allow-external-paths)", name);
    while (*p) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return emk_img_fail(ctx, -EPERM, "'%s' leaves the image's "
                                "directory (allowed only with "
                                "--allow-external-paths)", name);
        p += n;
        p += strspn(p, "/");
    }
    return 0;
}

static int open_fail(emk_img_ctx *ctx, const char *name, int flags, int err,
                     int strict)
{
    if (strict && (err == -ELOOP || err == -ENOTDIR || err == -EMLINK))
        return emk_img_fail(ctx, -ELOOP, "'%s': a symbolic link or a "
                            "non-directory on the path is refused (allowed "
                            "only with --allow-external-paths)", name);
    if (flags & O_CREAT)
        return emk_img_fail(ctx, err, "cannot create %s (it must not exist): "
                            "%s", name, strerror(-err));
    return emk_img_fail(ctx, err, "cannot open %s: %s", name, strerror(-err));
}

/* Opens name below dirfd one component at a time, never following a
 * symbolic link (O_NOFOLLOW, directories with O_DIRECTORY). */
static int walk(emk_img_ctx *ctx, int dirfd, const char *name, int flags)
{
    const char *p = name;
    int cur = dirfd, fd = -1;
    for (;;) {
        char comp[COMP_MAX];
        size_t n = strcspn(p, "/");
        const char *next = p + n + strspn(p + n, "/");
        if (n >= sizeof(comp)) {
            fd = emk_img_fail(ctx, -ENAMETOOLONG, "'%.64s...': a component "
                              "is too long", name);
            break;
        }
        memcpy(comp, p, n);
        comp[n] = '\0';
        if (!*next) {
            fd = openat(cur, comp, flags | O_NOFOLLOW | O_CLOEXEC, 0644);
            fd = fd < 0 ? open_fail(ctx, name, flags, -errno, 1) : fd;
            break;
        }
        fd = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            fd = open_fail(ctx, name, 0, -errno, 1);
            break;
        }
        if (cur != dirfd)
            close(cur);
        cur = fd;
        p = next;
    }
    if (cur != dirfd)
        close(cur);
    return fd;
}

int emk_img_openat(emk_img_ctx *ctx, int dirfd, const char *name, int flags,
                   int allow_external)
{
    int fd, r;
    if (allow_external) {
        fd = openat(dirfd, name, flags | O_CLOEXEC, 0644);
        return fd < 0 ? open_fail(ctx, name, flags, -errno, 0) : fd;
    }
    r = check_name(ctx, name);
    if (r < 0)
        return r;
    if (name[strlen(name) - 1] == '/')
        return emk_img_fail(ctx, -EISDIR, "'%s' names a directory", name);
    return walk(ctx, dirfd, name, flags);
}
