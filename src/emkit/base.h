/*
 * emkit/base.h - conventions shared by every emkit header.
 *
 * Errors: every function that can fail returns an int; 0 (or a count) on
 * success and a negative errno value (-EINVAL, -EFAULT, ...) on failure.
 * Pointer-returning functions return NULL and, where they take one, store a
 * negative errno in *err.
 *
 * Names: every public symbol starts with emk_ (types, functions) or EMK_
 * (enum constants).  Constants are enums, never macros, so Zig's @cImport
 * and debuggers see them.  Public headers are plain C99: no bitfields, no
 * GNU extensions (those live in the private src/compat.h only).
 */
#ifndef EMKIT_BASE_H
#define EMKIT_BASE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

/* EMK_API marks the public API.  libemkit is compiled with hidden
 * visibility and EMK_BUILD_LIB, so the shared library exports only what
 * carries EMK_API; for every user of the headers it expands to nothing. */
#if defined(EMK_BUILD_LIB) && (defined(__GNUC__) || defined(__clang__))
#define EMK_API __attribute__((visibility("default")))
#else
#define EMK_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the library, as numbers and as a string. */
enum emk_version_parts {
    EMK_VERSION_MAJOR = 0,
    EMK_VERSION_MINOR = 1,
    EMK_VERSION_PATCH = 0
};

/** Returns "MAJOR.MINOR.PATCH". */
EMK_API const char *emk_version(void);

/** Returns a static, human-readable text for a negative errno value. */
EMK_API const char *emk_strerror(int err);

/** Parses a size such as "512", "64K", "64M", "2G" or "1T" (binary units).
 *  Returns 0 and stores the byte count, or -EINVAL / -ERANGE. */
EMK_API int emk_parse_size(const char *text, uint64_t *out);

#ifdef __cplusplus
}
#endif

#endif
