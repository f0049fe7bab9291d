/* structs.h - the struct descriptor tables (structs.c) and the custom field
 * printers they use (strace.c). */
#ifndef EMKIT_USER_STRUCTS_H
#define EMKIT_USER_STRUCTS_H

#include "sdesc.h"

extern const emk_ustruct emk_us_timespec, emk_us_timeval, emk_us_itimerspec, emk_us_stat,
    emk_us_statx, emk_us_statx_ts, emk_us_termios, emk_us_winsize, emk_us_utsname,
    emk_us_rlimit, emk_us_sysinfo, emk_us_tms, emk_us_rusage, emk_us_statfs,
    emk_us_pollfd, emk_us_epoll_event, emk_us_iovec, emk_us_flock, emk_us_fsxattr,
    emk_us_fiemap, emk_us_fiemap_extent, emk_us_loop_info64, emk_us_dm_ioctl,
    emk_us_ifreq_flags, emk_us_ifreq_index, emk_us_ifreq_tun, emk_us_ifreq_addr,
    emk_us_ifconf, emk_us_stack, emk_us_itimerval;

/* Every table, NULL-terminated (tests and the fuzzer walk them). */
const emk_ustruct *const *emk_user_structs(void);

void emk_user_print_iflag(emk_ubuf *b, uint64_t v);
void emk_user_print_oflag(emk_ubuf *b, uint64_t v);
void emk_user_print_cflag(emk_ubuf *b, uint64_t v);
void emk_user_print_lflag(emk_ubuf *b, uint64_t v);
void emk_user_print_rlim(emk_ubuf *b, uint64_t v);
void emk_user_print_statx_mask(emk_ubuf *b, uint64_t v);
void emk_user_print_epoll_data(emk_ubuf *b, uint64_t v);

#endif
