/* names.h - name tables for the strace printer (names.c). */
#ifndef EMKIT_USER_NAMES_H
#define EMKIT_USER_NAMES_H

#include <stddef.h>
#include "sdesc.h"

const char *emk_user_errname(int e);
/* The message strace prints for errno e (glibc's wording). */
const char *emk_user_errmsg(int e);
const char *emk_user_signame(int sig);
/* The flag/enum table called name (len bytes of it), or NULL. */
const emk_unames *emk_user_names(const char *name, size_t len);

/* Tables the struct descriptors share. */
extern const emk_unames emk_un_poll[], emk_un_epoll_ev[], emk_un_statx_mask[];

#endif
