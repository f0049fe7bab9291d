/*
 * structs.c - the struct descriptor tables (one per struct) for the guest
 * ABI, with the host's offsets taken by offsetof from the host's own
 * types; conversion and printing both come from these tables (sdesc.c).
 */
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <time.h>
#include <fcntl.h>

#include "khost.h"
#include "names.h"
#include "structs.h"

#define HF(T, m) (uint16_t)offsetof(T, m), (uint16_t)sizeof(((T *)0)->m)
#define HA(T, m) (uint16_t)offsetof(T, m), (uint16_t)sizeof(((T *)0)->m[0])
#define NF(a) (uint16_t)(sizeof(a) / sizeof((a)[0]))
#define N(x, v) { (uint64_t)(v), #x }
#define END { 0, NULL }

/* ---- time ---- */
static const emk_ufield f_timespec[] = {
    { "tv_sec", UF_LONG, PR_DEC, 1, 0, HF(struct timespec, tv_sec), NULL, NULL, NULL },
    { "tv_nsec", UF_LONG, PR_DEC, 1, 0, HF(struct timespec, tv_nsec), NULL, NULL, NULL },
};
const emk_ustruct emk_us_timespec = { "timespec", f_timespec, NF(f_timespec),
                                      sizeof(struct timespec), 0, 0 };

static const emk_ufield f_timeval[] = {
    { "tv_sec", UF_LONG, PR_DEC, 1, 0, HF(struct timeval, tv_sec), NULL, NULL, NULL },
    { "tv_usec", UF_LONG, PR_DEC, 1, 0, HF(struct timeval, tv_usec), NULL, NULL, NULL },
};
const emk_ustruct emk_us_timeval = { "timeval", f_timeval, NF(f_timeval),
                                     sizeof(struct timeval), 0, 0 };

static const emk_ufield f_itimerspec[] = {
    { "it_interval", UF_STRUCT, PR_DEC, 1, 0, HF(struct itimerspec, it_interval), NULL, &emk_us_timespec, NULL },
    { "it_value", UF_STRUCT, PR_DEC, 1, 0, HF(struct itimerspec, it_value), NULL, &emk_us_timespec, NULL },
};
const emk_ustruct emk_us_itimerspec = { "itimerspec", f_itimerspec, NF(f_itimerspec),
                                        sizeof(struct itimerspec), 0, 0 };

static const emk_ufield f_itimerval[] = {
    { "it_interval", UF_STRUCT, PR_DEC, 1, 0, HF(struct itimerval, it_interval), NULL, &emk_us_timeval, NULL },
    { "it_value", UF_STRUCT, PR_DEC, 1, 0, HF(struct itimerval, it_value), NULL, &emk_us_timeval, NULL },
};
const emk_ustruct emk_us_itimerval = { "itimerval", f_itimerval, NF(f_itimerval),
                                       sizeof(struct itimerval), 0, 0 };

/* ---- stat (asm-generic struct stat) ---- */
static const emk_ufield f_stat[] = {
    { "st_dev", UF_ULONG, PR_DEV, 1, 0, HF(struct stat, st_dev), NULL, NULL, NULL },
    { "st_ino", UF_ULONG, PR_DEC, 1, 0, HF(struct stat, st_ino), NULL, NULL, NULL },
    { "st_mode", UF_U32, PR_MODE, 1, UFF_ABBR, HF(struct stat, st_mode), NULL, NULL, NULL },
    { "st_nlink", UF_U32, PR_DEC, 1, 0, HF(struct stat, st_nlink), NULL, NULL, NULL },
    { "st_uid", UF_U32, PR_DEC, 1, 0, HF(struct stat, st_uid), NULL, NULL, NULL },
    { "st_gid", UF_U32, PR_DEC, 1, 0, HF(struct stat, st_gid), NULL, NULL, NULL },
    { "st_rdev", UF_ULONG, PR_DEV, 1, UFF_ABBR | UFF_DEVONLY, HF(struct stat, st_rdev), NULL, NULL, NULL },
    { NULL, UF_ULONG, PR_HIDE, 1, 0, 0, 0, NULL, NULL, NULL },
    { "st_size", UF_LONG, PR_DEC, 1, UFF_ABBR | UFF_NODEV, HF(struct stat, st_size), NULL, NULL, NULL },
    { "st_blksize", UF_S32, PR_DEC, 1, 0, HF(struct stat, st_blksize), NULL, NULL, NULL },
    { NULL, UF_S32, PR_HIDE, 1, 0, 0, 0, NULL, NULL, NULL },
    { "st_blocks", UF_LONG, PR_DEC, 1, 0, HF(struct stat, st_blocks), NULL, NULL, NULL },
    { "st_atime", UF_LONG, PR_DEC, 1, 0, HF(struct stat, st_atim.tv_sec), NULL, NULL, NULL },
    { "st_atime_nsec", UF_ULONG, PR_DEC, 1, 0, HF(struct stat, st_atim.tv_nsec), NULL, NULL, NULL },
    { "st_mtime", UF_LONG, PR_DEC, 1, 0, HF(struct stat, st_mtim.tv_sec), NULL, NULL, NULL },
    { "st_mtime_nsec", UF_ULONG, PR_DEC, 1, 0, HF(struct stat, st_mtim.tv_nsec), NULL, NULL, NULL },
    { "st_ctime", UF_LONG, PR_DEC, 1, 0, HF(struct stat, st_ctim.tv_sec), NULL, NULL, NULL },
    { "st_ctime_nsec", UF_ULONG, PR_DEC, 1, 0, HF(struct stat, st_ctim.tv_nsec), NULL, NULL, NULL },
    { NULL, UF_U32, PR_HIDE, 2, 0, 0, 0, NULL, NULL, NULL },
};
const emk_ustruct emk_us_stat = { "stat", f_stat, NF(f_stat), sizeof(struct stat), US_ABBREV, 0 };

/* ---- statx ---- */
static const emk_ufield f_statx_ts[] = {
    { "tv_sec", UF_S64, PR_DEC, 1, 0, HF(emk_k_statx_ts, tv_sec), NULL, NULL, NULL },
    { "tv_nsec", UF_U32, PR_DEC, 1, 0, HF(emk_k_statx_ts, tv_nsec), NULL, NULL, NULL },
    { NULL, UF_S32, PR_HIDE, 1, 0, 0, 0, NULL, NULL, NULL },
};
const emk_ustruct emk_us_statx_ts = { "statx_timestamp", f_statx_ts, NF(f_statx_ts),
                                      sizeof(emk_k_statx_ts), 0, 0 };
static const emk_ufield f_statx[] = {
    { "stx_mask", UF_U32, PR_CUSTOM, 1, UFF_ABBR, HF(emk_k_statx, stx_mask), emk_un_statx_mask, NULL, emk_user_print_statx_mask },
    { "stx_blksize", UF_U32, PR_DEC, 1, 0, HF(emk_k_statx, stx_blksize), NULL, NULL, NULL },
    { "stx_attributes", UF_U64, PR_HEX, 1, UFF_ABBR, HF(emk_k_statx, stx_attributes), NULL, NULL, NULL },
    { "stx_nlink", UF_U32, PR_DEC, 1, 0, HF(emk_k_statx, stx_nlink), NULL, NULL, NULL },
    { "stx_uid", UF_U32, PR_DEC, 1, 0, HF(emk_k_statx, stx_uid), NULL, NULL, NULL },
    { "stx_gid", UF_U32, PR_DEC, 1, 0, HF(emk_k_statx, stx_gid), NULL, NULL, NULL },
    { "stx_mode", UF_U16, PR_MODE, 1, UFF_ABBR, HF(emk_k_statx, stx_mode), NULL, NULL, NULL },
    { NULL, UF_U16, PR_HIDE, 1, 0, 0, 0, NULL, NULL, NULL },
    { "stx_ino", UF_U64, PR_DEC, 1, 0, HF(emk_k_statx, stx_ino), NULL, NULL, NULL },
    { "stx_size", UF_U64, PR_DEC, 1, UFF_ABBR, HF(emk_k_statx, stx_size), NULL, NULL, NULL },
    { "stx_blocks", UF_U64, PR_DEC, 1, 0, HF(emk_k_statx, stx_blocks), NULL, NULL, NULL },
    { "stx_attributes_mask", UF_U64, PR_HEX, 1, 0, HF(emk_k_statx, stx_attributes_mask), NULL, NULL, NULL },
    { "stx_atime", UF_STRUCT, PR_DEC, 1, 0, HF(emk_k_statx, stx_atime), NULL, &emk_us_statx_ts, NULL },
    { "stx_btime", UF_STRUCT, PR_DEC, 1, 0, HF(emk_k_statx, stx_btime), NULL, &emk_us_statx_ts, NULL },
    { "stx_ctime", UF_STRUCT, PR_DEC, 1, 0, HF(emk_k_statx, stx_ctime), NULL, &emk_us_statx_ts, NULL },
    { "stx_mtime", UF_STRUCT, PR_DEC, 1, 0, HF(emk_k_statx, stx_mtime), NULL, &emk_us_statx_ts, NULL },
    { "stx_rdev_major", UF_U32, PR_DEC, 1, 0, HF(emk_k_statx, stx_rdev_major), NULL, NULL, NULL },
    { "stx_rdev_minor", UF_U32, PR_DEC, 1, 0, HF(emk_k_statx, stx_rdev_minor), NULL, NULL, NULL },
    { "stx_dev_major", UF_U32, PR_DEC, 1, 0, HF(emk_k_statx, stx_dev_major), NULL, NULL, NULL },
    { "stx_dev_minor", UF_U32, PR_DEC, 1, 0, HF(emk_k_statx, stx_dev_minor), NULL, NULL, NULL },
    { "stx_mnt_id", UF_U64, PR_HEX, 1, 0, HF(emk_k_statx, stx_mnt_id), NULL, NULL, NULL },
    { "stx_dio_mem_align", UF_U32, PR_DEC, 1, 0, HF(emk_k_statx, stx_dio_mem_align), NULL, NULL, NULL },
    { "stx_dio_offset_align", UF_U32, PR_DEC, 1, 0, HF(emk_k_statx, stx_dio_offset_align), NULL, NULL, NULL },
    { NULL, UF_U64, PR_HIDE, 12, 0, 0, 0, NULL, NULL, NULL },
};
const emk_ustruct emk_us_statx = { "statx", f_statx, NF(f_statx), sizeof(emk_k_statx), US_ABBREV, 0 };

/* ---- terminal ---- */
static const emk_ufield f_termios[] = {
    { "c_iflag", UF_U32, PR_CUSTOM, 1, UFF_ABBR, HF(emk_k_termios, c_iflag), NULL, NULL, emk_user_print_iflag },
    { "c_oflag", UF_U32, PR_CUSTOM, 1, UFF_ABBR, HF(emk_k_termios, c_oflag), NULL, NULL, emk_user_print_oflag },
    { "c_cflag", UF_U32, PR_CUSTOM, 1, UFF_ABBR, HF(emk_k_termios, c_cflag), NULL, NULL, emk_user_print_cflag },
    { "c_lflag", UF_U32, PR_CUSTOM, 1, UFF_ABBR, HF(emk_k_termios, c_lflag), NULL, NULL, emk_user_print_lflag },
    { "c_line", UF_U8, PR_DEC, 1, 0, HF(emk_k_termios, c_line), NULL, NULL, NULL },
    { "c_cc", UF_U8, PR_HEX, 19, 0, HA(emk_k_termios, c_cc), NULL, NULL, NULL },
};
const emk_ustruct emk_us_termios = { "termios", f_termios, NF(f_termios), sizeof(emk_k_termios), US_ABBREV, 0 };

static const emk_ufield f_winsize[] = {
    { "ws_row", UF_U16, PR_DEC, 1, 0, HF(emk_k_winsize, ws_row), NULL, NULL, NULL },
    { "ws_col", UF_U16, PR_DEC, 1, 0, HF(emk_k_winsize, ws_col), NULL, NULL, NULL },
    { "ws_xpixel", UF_U16, PR_DEC, 1, 0, HF(emk_k_winsize, ws_xpixel), NULL, NULL, NULL },
    { "ws_ypixel", UF_U16, PR_DEC, 1, 0, HF(emk_k_winsize, ws_ypixel), NULL, NULL, NULL },
};
const emk_ustruct emk_us_winsize = { "winsize", f_winsize, NF(f_winsize), sizeof(emk_k_winsize), 0, 0 };

/* ---- system ---- */
static const emk_ufield f_utsname[] = {
    { "sysname", UF_U8, PR_CHARS, 65, UFF_ABBR, HA(struct utsname, sysname), NULL, NULL, NULL },
    { "nodename", UF_U8, PR_CHARS, 65, UFF_ABBR, HA(struct utsname, nodename), NULL, NULL, NULL },
    { "release", UF_U8, PR_CHARS, 65, 0, HA(struct utsname, release), NULL, NULL, NULL },
    { "version", UF_U8, PR_CHARS, 65, 0, HA(struct utsname, version), NULL, NULL, NULL },
    { "machine", UF_U8, PR_CHARS, 65, 0, HA(struct utsname, machine), NULL, NULL, NULL },
    { "domainname", UF_U8, PR_CHARS, 65, 0, (uint16_t)(offsetof(struct utsname, machine) + 65), 1, NULL, NULL, NULL },
};
const emk_ustruct emk_us_utsname = { "utsname", f_utsname, NF(f_utsname), sizeof(struct utsname), US_ABBREV, 0 };

static const emk_ufield f_rlimit[] = {
    { "rlim_cur", UF_U64, PR_CUSTOM, 1, 0, HF(struct rlimit, rlim_cur), NULL, NULL, emk_user_print_rlim },
    { "rlim_max", UF_U64, PR_CUSTOM, 1, 0, HF(struct rlimit, rlim_max), NULL, NULL, emk_user_print_rlim },
};
const emk_ustruct emk_us_rlimit = { "rlimit", f_rlimit, NF(f_rlimit), sizeof(struct rlimit), 0, 0 };

static const emk_ufield f_sysinfo[] = {
    { "uptime", UF_LONG, PR_DEC, 1, 0, HF(struct sysinfo, uptime), NULL, NULL, NULL },
    { "loads", UF_ULONG, PR_DEC, 3, 0, HA(struct sysinfo, loads), NULL, NULL, NULL },
    { "totalram", UF_ULONG, PR_DEC, 1, 0, HF(struct sysinfo, totalram), NULL, NULL, NULL },
    { "freeram", UF_ULONG, PR_DEC, 1, 0, HF(struct sysinfo, freeram), NULL, NULL, NULL },
    { "sharedram", UF_ULONG, PR_DEC, 1, 0, HF(struct sysinfo, sharedram), NULL, NULL, NULL },
    { "bufferram", UF_ULONG, PR_DEC, 1, 0, HF(struct sysinfo, bufferram), NULL, NULL, NULL },
    { "totalswap", UF_ULONG, PR_DEC, 1, 0, HF(struct sysinfo, totalswap), NULL, NULL, NULL },
    { "freeswap", UF_ULONG, PR_DEC, 1, 0, HF(struct sysinfo, freeswap), NULL, NULL, NULL },
    { "procs", UF_U16, PR_DEC, 1, 0, HF(struct sysinfo, procs), NULL, NULL, NULL },
    { NULL, UF_U16, PR_HIDE, 1, 0, 0, 0, NULL, NULL, NULL },
    { "totalhigh", UF_ULONG, PR_DEC, 1, 0, HF(struct sysinfo, totalhigh), NULL, NULL, NULL },
    { "freehigh", UF_ULONG, PR_DEC, 1, 0, HF(struct sysinfo, freehigh), NULL, NULL, NULL },
    { "mem_unit", UF_U32, PR_DEC, 1, 0, HF(struct sysinfo, mem_unit), NULL, NULL, NULL },
};
const emk_ustruct emk_us_sysinfo = { "sysinfo", f_sysinfo, NF(f_sysinfo), sizeof(struct sysinfo), 0, 0 };

static const emk_ufield f_tms[] = {
    { "tms_utime", UF_LONG, PR_DEC, 1, 0, HF(struct tms, tms_utime), NULL, NULL, NULL },
    { "tms_stime", UF_LONG, PR_DEC, 1, 0, HF(struct tms, tms_stime), NULL, NULL, NULL },
    { "tms_cutime", UF_LONG, PR_DEC, 1, 0, HF(struct tms, tms_cutime), NULL, NULL, NULL },
    { "tms_cstime", UF_LONG, PR_DEC, 1, 0, HF(struct tms, tms_cstime), NULL, NULL, NULL },
};
const emk_ustruct emk_us_tms = { "tms", f_tms, NF(f_tms), sizeof(struct tms), 0, 0 };

static const emk_ufield f_rusage[] = {
    { "ru_utime", UF_STRUCT, PR_DEC, 1, UFF_ABBR, HF(struct rusage, ru_utime), NULL, &emk_us_timeval, NULL },
    { "ru_stime", UF_STRUCT, PR_DEC, 1, UFF_ABBR, HF(struct rusage, ru_stime), NULL, &emk_us_timeval, NULL },
    { "ru_maxrss", UF_LONG, PR_DEC, 1, 0, HF(struct rusage, ru_maxrss), NULL, NULL, NULL },
    { "ru_ixrss", UF_LONG, PR_DEC, 1, 0, HF(struct rusage, ru_ixrss), NULL, NULL, NULL },
    { "ru_idrss", UF_LONG, PR_DEC, 1, 0, HF(struct rusage, ru_idrss), NULL, NULL, NULL },
    { "ru_isrss", UF_LONG, PR_DEC, 1, 0, HF(struct rusage, ru_isrss), NULL, NULL, NULL },
    { "ru_minflt", UF_LONG, PR_DEC, 1, 0, HF(struct rusage, ru_minflt), NULL, NULL, NULL },
    { "ru_majflt", UF_LONG, PR_DEC, 1, 0, HF(struct rusage, ru_majflt), NULL, NULL, NULL },
    { "ru_nswap", UF_LONG, PR_DEC, 1, 0, HF(struct rusage, ru_nswap), NULL, NULL, NULL },
    { "ru_inblock", UF_LONG, PR_DEC, 1, 0, HF(struct rusage, ru_inblock), NULL, NULL, NULL },
    { "ru_oublock", UF_LONG, PR_DEC, 1, 0, HF(struct rusage, ru_oublock), NULL, NULL, NULL },
    { "ru_msgsnd", UF_LONG, PR_DEC, 1, 0, HF(struct rusage, ru_msgsnd), NULL, NULL, NULL },
    { "ru_msgrcv", UF_LONG, PR_DEC, 1, 0, HF(struct rusage, ru_msgrcv), NULL, NULL, NULL },
    { "ru_nsignals", UF_LONG, PR_DEC, 1, 0, HF(struct rusage, ru_nsignals), NULL, NULL, NULL },
    { "ru_nvcsw", UF_LONG, PR_DEC, 1, 0, HF(struct rusage, ru_nvcsw), NULL, NULL, NULL },
    { "ru_nivcsw", UF_LONG, PR_DEC, 1, 0, HF(struct rusage, ru_nivcsw), NULL, NULL, NULL },
};
const emk_ustruct emk_us_rusage = { "rusage", f_rusage, NF(f_rusage), sizeof(struct rusage), US_ABBREV, 0 };

static const emk_ufield f_statfs[] = {
    { "f_type", UF_LONG, PR_HEX, 1, 0, HF(struct statfs, f_type), NULL, NULL, NULL },
    { "f_bsize", UF_LONG, PR_DEC, 1, 0, HF(struct statfs, f_bsize), NULL, NULL, NULL },
    { "f_blocks", UF_U64, PR_DEC, 1, 0, HF(struct statfs, f_blocks), NULL, NULL, NULL },
    { "f_bfree", UF_U64, PR_DEC, 1, 0, HF(struct statfs, f_bfree), NULL, NULL, NULL },
    { "f_bavail", UF_U64, PR_DEC, 1, 0, HF(struct statfs, f_bavail), NULL, NULL, NULL },
    { "f_files", UF_U64, PR_DEC, 1, 0, HF(struct statfs, f_files), NULL, NULL, NULL },
    { "f_ffree", UF_U64, PR_DEC, 1, 0, HF(struct statfs, f_ffree), NULL, NULL, NULL },
    { "f_fsid", UF_S32, PR_DEC, 2, 0, (uint16_t)offsetof(struct statfs, f_fsid), 4, NULL, NULL, NULL },
    { "f_namelen", UF_LONG, PR_DEC, 1, 0, HF(struct statfs, f_namelen), NULL, NULL, NULL },
    { "f_frsize", UF_LONG, PR_DEC, 1, 0, HF(struct statfs, f_frsize), NULL, NULL, NULL },
    { "f_flags", UF_LONG, PR_HEX, 1, 0, HF(struct statfs, f_flags), NULL, NULL, NULL },
    { NULL, UF_LONG, PR_HIDE, 4, 0, 0, 0, NULL, NULL, NULL },
};
const emk_ustruct emk_us_statfs = { "statfs", f_statfs, NF(f_statfs), sizeof(struct statfs), 0, 0 };

/* ---- I/O ---- */
static const emk_ufield f_pollfd[] = {
    { "fd", UF_S32, PR_DEC, 1, 0, HF(struct pollfd, fd), NULL, NULL, NULL },
    { "events", UF_S16, PR_FLAGS, 1, 0, HF(struct pollfd, events), emk_un_poll, NULL, NULL },
    { "revents", UF_S16, PR_FLAGS, 1, 0, HF(struct pollfd, revents), emk_un_poll, NULL, NULL },
};
const emk_ustruct emk_us_pollfd = { "pollfd", f_pollfd, NF(f_pollfd), sizeof(struct pollfd), 0, 0 };

static const emk_ufield f_epoll_event[] = {
    { "events", UF_U32, PR_FLAGS, 1, 0, HF(struct epoll_event, events), emk_un_epoll_ev, NULL, NULL },
    { "data", UF_U64, PR_CUSTOM, 1, 0, HF(struct epoll_event, data.u64), NULL, NULL, emk_user_print_epoll_data },
};
const emk_ustruct emk_us_epoll_event = { "epoll_event", f_epoll_event, NF(f_epoll_event),
                                         sizeof(struct epoll_event), 0, 0 };

static const emk_ufield f_iovec[] = {
    { "iov_base", UF_PTR, PR_PTR, 1, 0, HF(struct iovec, iov_base), NULL, NULL, NULL },
    { "iov_len", UF_ULONG, PR_DEC, 1, 0, HF(struct iovec, iov_len), NULL, NULL, NULL },
};
const emk_ustruct emk_us_iovec = { "iovec", f_iovec, NF(f_iovec), sizeof(struct iovec), 0, 0 };

static const emk_unames n_flock_type[] = { N(F_RDLCK, 0), N(F_WRLCK, 1), N(F_UNLCK, 2), END };
static const emk_unames n_whence[] = { N(SEEK_SET, 0), N(SEEK_CUR, 1), N(SEEK_END, 2), END };
static const emk_ufield f_flock[] = {
    { "l_type", UF_S16, PR_ENUM, 1, 0, HF(struct flock, l_type), n_flock_type, NULL, NULL },
    { "l_whence", UF_S16, PR_ENUM, 1, 0, HF(struct flock, l_whence), n_whence, NULL, NULL },
    { "l_start", UF_S64, PR_DEC, 1, 0, HF(struct flock, l_start), NULL, NULL, NULL },
    { "l_len", UF_S64, PR_DEC, 1, 0, HF(struct flock, l_len), NULL, NULL, NULL },
    { "l_pid", UF_S32, PR_DEC, 1, 0, HF(struct flock, l_pid), NULL, NULL, NULL },
};
const emk_ustruct emk_us_flock = { "flock", f_flock, NF(f_flock), sizeof(struct flock), 0, 0 };

/* ---- filesystem, loop, device-mapper ioctls ---- */
static const emk_unames n_xflags[] = {
    N(FS_XFLAG_REALTIME, 1), N(FS_XFLAG_PREALLOC, 2), N(FS_XFLAG_IMMUTABLE, 8),
    N(FS_XFLAG_APPEND, 0x10), N(FS_XFLAG_SYNC, 0x20), N(FS_XFLAG_NOATIME, 0x40),
    N(FS_XFLAG_NODUMP, 0x80), N(FS_XFLAG_RTINHERIT, 0x100),
    N(FS_XFLAG_PROJINHERIT, 0x200), N(FS_XFLAG_NOSYMLINKS, 0x400),
    N(FS_XFLAG_EXTSIZE, 0x800), N(FS_XFLAG_EXTSZINHERIT, 0x1000),
    N(FS_XFLAG_NODEFRAG, 0x2000), N(FS_XFLAG_FILESTREAM, 0x4000),
    N(FS_XFLAG_DAX, 0x8000), N(FS_XFLAG_COWEXTSIZE, 0x10000),
    N(FS_XFLAG_HASATTR, 0x80000000), END };
static const emk_ufield f_fsxattr[] = {
    { "fsx_xflags", UF_U32, PR_FLAGS, 1, 0, HF(emk_k_fsxattr, fsx_xflags), n_xflags, NULL, NULL },
    { "fsx_extsize", UF_U32, PR_DEC, 1, 0, HF(emk_k_fsxattr, fsx_extsize), NULL, NULL, NULL },
    { "fsx_nextents", UF_U32, PR_DEC, 1, 0, HF(emk_k_fsxattr, fsx_nextents), NULL, NULL, NULL },
    { "fsx_projid", UF_U32, PR_DEC, 1, 0, HF(emk_k_fsxattr, fsx_projid), NULL, NULL, NULL },
    { "fsx_cowextsize", UF_U32, PR_DEC, 1, 0, HF(emk_k_fsxattr, fsx_cowextsize), NULL, NULL, NULL },
    { NULL, UF_U8, PR_HIDE, 8, 0, 0, 0, NULL, NULL, NULL },
};
const emk_ustruct emk_us_fsxattr = { "fsxattr", f_fsxattr, NF(f_fsxattr), sizeof(emk_k_fsxattr), 0, 0 };

static const emk_unames n_fiemap_flags[] = {
    N(FIEMAP_FLAG_SYNC, 1), N(FIEMAP_FLAG_XATTR, 2), N(FIEMAP_FLAG_CACHE, 4), END };
static const emk_ufield f_fiemap[] = {
    { "fm_start", UF_U64, PR_DEC, 1, 0, HF(emk_k_fiemap, fm_start), NULL, NULL, NULL },
    { "fm_length", UF_U64, PR_DEC, 1, 0, HF(emk_k_fiemap, fm_length), NULL, NULL, NULL },
    { "fm_flags", UF_U32, PR_FLAGS, 1, 0, HF(emk_k_fiemap, fm_flags), n_fiemap_flags, NULL, NULL },
    { "fm_mapped_extents", UF_U32, PR_DEC, 1, 0, HF(emk_k_fiemap, fm_mapped_extents), NULL, NULL, NULL },
    { "fm_extent_count", UF_U32, PR_DEC, 1, 0, HF(emk_k_fiemap, fm_extent_count), NULL, NULL, NULL },
    { NULL, UF_U32, PR_HIDE, 1, 0, 0, 0, NULL, NULL, NULL },
};
const emk_ustruct emk_us_fiemap = { "fiemap", f_fiemap, NF(f_fiemap), sizeof(emk_k_fiemap), 0, 0 };

static const emk_unames n_fe_flags[] = {
    N(FIEMAP_EXTENT_LAST, 1), N(FIEMAP_EXTENT_UNKNOWN, 2),
    N(FIEMAP_EXTENT_DELALLOC, 4), N(FIEMAP_EXTENT_ENCODED, 8),
    N(FIEMAP_EXTENT_DATA_ENCRYPTED, 0x80), N(FIEMAP_EXTENT_NOT_ALIGNED, 0x100),
    N(FIEMAP_EXTENT_DATA_INLINE, 0x200), N(FIEMAP_EXTENT_DATA_TAIL, 0x400),
    N(FIEMAP_EXTENT_UNWRITTEN, 0x800), N(FIEMAP_EXTENT_MERGED, 0x1000),
    N(FIEMAP_EXTENT_SHARED, 0x2000), END };
static const emk_ufield f_fiemap_extent[] = {
    { "fe_logical", UF_U64, PR_DEC, 1, 0, HF(emk_k_fiemap_extent, fe_logical), NULL, NULL, NULL },
    { "fe_physical", UF_U64, PR_DEC, 1, 0, HF(emk_k_fiemap_extent, fe_physical), NULL, NULL, NULL },
    { "fe_length", UF_U64, PR_DEC, 1, 0, HF(emk_k_fiemap_extent, fe_length), NULL, NULL, NULL },
    { NULL, UF_U64, PR_HIDE, 2, 0, 0, 0, NULL, NULL, NULL },
    { "fe_flags", UF_U32, PR_FLAGS, 1, 0, HF(emk_k_fiemap_extent, fe_flags), n_fe_flags, NULL, NULL },
    { NULL, UF_U32, PR_HIDE, 3, 0, 0, 0, NULL, NULL, NULL },
};
const emk_ustruct emk_us_fiemap_extent = { "fiemap_extent", f_fiemap_extent, NF(f_fiemap_extent),
                                           sizeof(emk_k_fiemap_extent), 0, 0 };

static const emk_unames n_lo_flags[] = {
    N(LO_FLAGS_READ_ONLY, 1), N(LO_FLAGS_AUTOCLEAR, 4), N(LO_FLAGS_PARTSCAN, 8),
    N(LO_FLAGS_DIRECT_IO, 16), END };
static const emk_ufield f_loop_info64[] = {
    { "lo_device", UF_U64, PR_DEV, 1, 0, HF(emk_k_loop_info64, lo_device), NULL, NULL, NULL },
    { "lo_inode", UF_U64, PR_DEC, 1, 0, HF(emk_k_loop_info64, lo_inode), NULL, NULL, NULL },
    { "lo_rdevice", UF_U64, PR_DEV, 1, 0, HF(emk_k_loop_info64, lo_rdevice), NULL, NULL, NULL },
    { "lo_offset", UF_U64, PR_DEC, 1, UFF_ABBR, HF(emk_k_loop_info64, lo_offset), NULL, NULL, NULL },
    { "lo_sizelimit", UF_U64, PR_DEC, 1, 0, HF(emk_k_loop_info64, lo_sizelimit), NULL, NULL, NULL },
    { "lo_number", UF_U32, PR_DEC, 1, UFF_ABBR, HF(emk_k_loop_info64, lo_number), NULL, NULL, NULL },
    { "lo_encrypt_type", UF_U32, PR_DEC, 1, 0, HF(emk_k_loop_info64, lo_encrypt_type), NULL, NULL, NULL },
    { "lo_encrypt_key_size", UF_U32, PR_DEC, 1, 0, HF(emk_k_loop_info64, lo_encrypt_key_size), NULL, NULL, NULL },
    { "lo_flags", UF_U32, PR_FLAGS, 1, UFF_ABBR, HF(emk_k_loop_info64, lo_flags), n_lo_flags, NULL, NULL },
    { "lo_file_name", UF_U8, PR_CHARS, 64, UFF_ABBR, HA(emk_k_loop_info64, lo_file_name), NULL, NULL, NULL },
    { "lo_crypt_name", UF_U8, PR_CHARS, 64, 0, HA(emk_k_loop_info64, lo_crypt_name), NULL, NULL, NULL },
    { "lo_encrypt_key", UF_U8, PR_HIDE, 32, 0, HA(emk_k_loop_info64, lo_encrypt_key), NULL, NULL, NULL },
    { "lo_init", UF_U64, PR_HEX, 2, 0, HA(emk_k_loop_info64, lo_init), NULL, NULL, NULL },
};
const emk_ustruct emk_us_loop_info64 = { "loop_info64", f_loop_info64, NF(f_loop_info64),
                                         sizeof(emk_k_loop_info64), US_ABBREV, 0 };

static const emk_unames n_dm_flags[] = {
    N(DM_READONLY_FLAG, 1), N(DM_SUSPEND_FLAG, 2), N(DM_PERSISTENT_DEV_FLAG, 8),
    N(DM_STATUS_TABLE_FLAG, 0x10), N(DM_ACTIVE_PRESENT_FLAG, 0x20),
    N(DM_INACTIVE_PRESENT_FLAG, 0x40), N(DM_BUFFER_FULL_FLAG, 0x100),
    N(DM_SKIP_BDGET_FLAG, 0x200), N(DM_SKIP_LOCKFS_FLAG, 0x400),
    N(DM_NOFLUSH_FLAG, 0x800), N(DM_QUERY_INACTIVE_TABLE_FLAG, 0x1000),
    N(DM_UEVENT_GENERATED_FLAG, 0x2000), N(DM_UUID_FLAG, 0x4000),
    N(DM_SECURE_DATA_FLAG, 0x8000), N(DM_DATA_OUT_FLAG, 0x10000),
    N(DM_DEFERRED_REMOVE, 0x20000), N(DM_INTERNAL_SUSPEND_FLAG, 0x40000), END };
static const emk_ufield f_dm_ioctl[] = {
    { "version", UF_U32, PR_DEC, 3, 0, HA(emk_k_dm_ioctl, version), NULL, NULL, NULL },
    { "data_size", UF_U32, PR_DEC, 1, 0, HF(emk_k_dm_ioctl, data_size), NULL, NULL, NULL },
    { "data_start", UF_U32, PR_DEC, 1, 0, HF(emk_k_dm_ioctl, data_start), NULL, NULL, NULL },
    { "target_count", UF_U32, PR_DEC, 1, 0, HF(emk_k_dm_ioctl, target_count), NULL, NULL, NULL },
    { "open_count", UF_S32, PR_DEC, 1, 0, HF(emk_k_dm_ioctl, open_count), NULL, NULL, NULL },
    { "flags", UF_U32, PR_FLAGS, 1, 0, HF(emk_k_dm_ioctl, flags), n_dm_flags, NULL, NULL },
    { "event_nr", UF_U32, PR_DEC, 1, 0, HF(emk_k_dm_ioctl, event_nr), NULL, NULL, NULL },
    { NULL, UF_U32, PR_HIDE, 1, 0, 0, 0, NULL, NULL, NULL },
    { "dev", UF_U64, PR_DEV, 1, 0, HF(emk_k_dm_ioctl, dev), NULL, NULL, NULL },
    { "name", UF_U8, PR_CHARS, 128, 0, HA(emk_k_dm_ioctl, name), NULL, NULL, NULL },
    { "uuid", UF_U8, PR_CHARS, 129, 0, HA(emk_k_dm_ioctl, uuid), NULL, NULL, NULL },
    { NULL, UF_U8, PR_HIDE, 7, 0, HA(emk_k_dm_ioctl, data), NULL, NULL, NULL },
};
const emk_ustruct emk_us_dm_ioctl = { "dm_ioctl", f_dm_ioctl, NF(f_dm_ioctl), sizeof(emk_k_dm_ioctl), 0, 0 };

static const emk_unames n_iff[] = {
    N(IFF_UP, 1), N(IFF_BROADCAST, 2), N(IFF_DEBUG, 4), N(IFF_LOOPBACK, 8),
    N(IFF_POINTOPOINT, 0x10), N(IFF_NOTRAILERS, 0x20), N(IFF_RUNNING, 0x40),
    N(IFF_NOARP, 0x80), N(IFF_PROMISC, 0x100), N(IFF_ALLMULTI, 0x200),
    N(IFF_MASTER, 0x400), N(IFF_SLAVE, 0x800), N(IFF_MULTICAST, 0x1000),
    N(IFF_PORTSEL, 0x2000), N(IFF_AUTOMEDIA, 0x4000), N(IFF_DYNAMIC, 0x8000), END };
static const emk_ufield f_ifreq_flags[] = {
    { "ifr_name", UF_U8, PR_CHARS, 16, 0, HA(emk_k_ifreq, ifr_name), NULL, NULL, NULL },
    { "ifr_flags", UF_S16, PR_FLAGS, 1, 0, HF(emk_k_ifreq, u.flags), n_iff, NULL, NULL },
    { NULL, UF_U8, PR_HIDE, 22, 0, 0, 0, NULL, NULL, NULL },
};
const emk_ustruct emk_us_ifreq_flags = { "ifreq", f_ifreq_flags, NF(f_ifreq_flags), sizeof(emk_k_ifreq), 0, 0 };

static const emk_ufield f_ifreq_index[] = {
    { "ifr_name", UF_U8, PR_CHARS, 16, 0, HA(emk_k_ifreq, ifr_name), NULL, NULL, NULL },
    { "ifr_ifindex", UF_S32, PR_DEC, 1, 0, HF(emk_k_ifreq, u.ivalue), NULL, NULL, NULL },
    { NULL, UF_U8, PR_HIDE, 20, 0, 0, 0, NULL, NULL, NULL },
};
const emk_ustruct emk_us_ifreq_index = { "ifreq", f_ifreq_index, NF(f_ifreq_index), sizeof(emk_k_ifreq), 0, 0 };

static const emk_unames n_tun[] = {
    N(IFF_TUN, 1), N(IFF_TAP, 2), N(IFF_NAPI, 0x10), N(IFF_NAPI_FRAGS, 0x20),
    N(IFF_MULTI_QUEUE, 0x100), N(IFF_ATTACH_QUEUE, 0x200), N(IFF_DETACH_QUEUE, 0x400),
    N(IFF_PERSIST, 0x800), N(IFF_VNET_HDR, 0x4000),
    N(IFF_TUN_EXCL, 0x8000), N(IFF_NO_PI, 0x1000), END };
static const emk_ufield f_ifreq_tun[] = {
    { "ifr_name", UF_U8, PR_CHARS, 16, 0, HA(emk_k_ifreq, ifr_name), NULL, NULL, NULL },
    { "ifr_flags", UF_S16, PR_FLAGS, 1, 0, HF(emk_k_ifreq, u.flags), n_tun, NULL, NULL },
    { NULL, UF_U8, PR_HIDE, 22, 0, 0, 0, NULL, NULL, NULL },
};
const emk_ustruct emk_us_ifreq_tun = { "ifreq", f_ifreq_tun, NF(f_ifreq_tun), sizeof(emk_k_ifreq), 0, 0 };

static const emk_ufield f_ifreq_addr[] = {
    { "ifr_name", UF_U8, PR_CHARS, 16, 0, HA(emk_k_ifreq, ifr_name), NULL, NULL, NULL },
    { "sa_family", UF_U16, PR_DEC, 1, 0, HF(emk_k_ifreq, u.addr.family), NULL, NULL, NULL },
    { "sa_data", UF_U8, PR_HIDE, 14, 0, HA(emk_k_ifreq, u.addr.data), NULL, NULL, NULL },
    { NULL, UF_U8, PR_HIDE, 8, 0, 0, 0, NULL, NULL, NULL },
};
const emk_ustruct emk_us_ifreq_addr = { "ifreq", f_ifreq_addr, NF(f_ifreq_addr), sizeof(emk_k_ifreq), 0, 0 };

static const emk_ufield f_ifconf[] = {
    { "ifc_len", UF_S32, PR_DEC, 1, 0, HF(emk_k_ifconf, ifc_len), NULL, NULL, NULL },
    { "ifc_buf", UF_PTR, PR_PTR, 1, 0, HF(emk_k_ifconf, ifc_buf), NULL, NULL, NULL },
};
const emk_ustruct emk_us_ifconf = { "ifconf", f_ifconf, NF(f_ifconf), sizeof(emk_k_ifconf), 0, 0 };

static const emk_ufield f_sigaltstack[] = {
    { "ss_sp", UF_PTR, PR_PTR, 1, 0, HF(stack_t, ss_sp), NULL, NULL, NULL },
    { "ss_flags", UF_S32, PR_DEC, 1, 0, HF(stack_t, ss_flags), NULL, NULL, NULL },
    { "ss_size", UF_ULONG, PR_DEC, 1, 0, HF(stack_t, ss_size), NULL, NULL, NULL },
};
const emk_ustruct emk_us_stack = { "stack_t", f_sigaltstack, NF(f_sigaltstack), sizeof(stack_t), 0, 0 };

static const emk_ustruct *const all[] = {
    &emk_us_timespec, &emk_us_timeval, &emk_us_itimerspec, &emk_us_stat, &emk_us_statx,
    &emk_us_statx_ts, &emk_us_termios, &emk_us_winsize, &emk_us_utsname, &emk_us_rlimit,
    &emk_us_sysinfo, &emk_us_tms, &emk_us_rusage, &emk_us_statfs, &emk_us_pollfd,
    &emk_us_epoll_event, &emk_us_iovec, &emk_us_flock, &emk_us_fsxattr, &emk_us_fiemap,
    &emk_us_fiemap_extent, &emk_us_loop_info64, &emk_us_dm_ioctl, &emk_us_ifreq_flags,
    &emk_us_ifreq_index, &emk_us_ifreq_tun, &emk_us_ifreq_addr, &emk_us_ifconf,
    &emk_us_stack, &emk_us_itimerval, NULL
};

const emk_ustruct *const *emk_user_structs(void)
{
    return all;
}
