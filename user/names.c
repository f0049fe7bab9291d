/*
 * names.c - the names strace(1) prints: errnos, signals, and the flag and
 * enum sets of the asm-generic ABI riscv64 uses, looked up by short name
 * from the syscall table's argument formats.
 */
#include <string.h>

#include "sdesc.h"
#include "names.h"

static const char *const errnames[134] = {
    NULL, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC",
    "EBADF", "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY",
    "EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE",
    "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE",
    "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY",
    "ELOOP", NULL, "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST",
    "ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO",
    "EBADRQC", "EBADSLT", NULL, "EBFONT", "ENOSTR", "ENODATA", "ETIME", "ENOSR",
    "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT", "ECOMM", "EPROTO",
    "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG",
    "ELIBACC", "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART",
    "ESTRPIPE", "EUSERS", "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE",
    "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP",
    "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN",
    "ENETUNREACH", "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN",
    "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED",
    "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN",
    "ENOTNAM", "ENAVAIL", "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM",
    "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED",
    "EKEYREJECTED", "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON"
};

const char *emk_user_errname(int e)
{
    if (e == 512) return "ERESTARTSYS";
    if (e == 513) return "ERESTARTNOINTR";
    if (e == 514) return "ERESTARTNOHAND";
    if (e == 516) return "ERESTART_RESTARTBLOCK";
    if (e > 0 && e < 134)
        return errnames[e];
    return NULL;
}

static const char *const errmsgs[134] = {
    NULL, "Operation not permitted",
    "No such file or directory", "No such process",
    "Interrupted system call", "Input/output error",
    "No such device or address", "Argument list too long",
    "Exec format error", "Bad file descriptor",
    "No child processes", "Resource temporarily unavailable",
    "Cannot allocate memory", "Permission denied",
    "Bad address", "Block device required",
    "Device or resource busy", "File exists",
    "Invalid cross-device link", "No such device",
    "Not a directory", "Is a directory",
    "Invalid argument", "Too many open files in system",
    "Too many open files", "Inappropriate ioctl for device",
    "Text file busy", "File too large",
    "No space left on device", "Illegal seek",
    "Read-only file system", "Too many links",
    "Broken pipe", "Numerical argument out of domain",
    "Numerical result out of range", "Resource deadlock avoided",
    "File name too long", "No locks available",
    "Function not implemented", "Directory not empty",
    "Too many levels of symbolic links", NULL,
    "No message of desired type", "Identifier removed",
    "Channel number out of range", "Level 2 not synchronized",
    "Level 3 halted", "Level 3 reset",
    "Link number out of range", "Protocol driver not attached",
    "No CSI structure available", "Level 2 halted",
    "Invalid exchange", "Invalid request descriptor",
    "Exchange full", "No anode",
    "Invalid request code", "Invalid slot",
    NULL, "Bad font file format",
    "Device not a stream", "No data available",
    "Timer expired", "Out of streams resources",
    "Machine is not on the network", "Package not installed",
    "Object is remote", "Link has been severed",
    "Advertise error", "Srmount error",
    "Communication error on send", "Protocol error",
    "Multihop attempted", "RFS specific error",
    "Bad message", "Value too large for defined data type",
    "Name not unique on network", "File descriptor in bad state",
    "Remote address changed", "Can not access a needed shared library",
    "Accessing a corrupted shared library", ".lib section in a.out corrupted",
    "Attempting to link in too many shared libraries", "Cannot exec a shared library directly",
    "Invalid or incomplete multibyte or wide character", "Interrupted system call should be restarted",
    "Streams pipe error", "Too many users",
    "Socket operation on non-socket", "Destination address required",
    "Message too long", "Protocol wrong type for socket",
    "Protocol not available", "Protocol not supported",
    "Socket type not supported", "Operation not supported",
    "Protocol family not supported", "Address family not supported by protocol",
    "Address already in use", "Cannot assign requested address",
    "Network is down", "Network is unreachable",
    "Network dropped connection on reset", "Software caused connection abort",
    "Connection reset by peer", "No buffer space available",
    "Transport endpoint is already connected", "Transport endpoint is not connected",
    "Cannot send after transport endpoint shutdown", "Too many references: cannot splice",
    "Connection timed out", "Connection refused",
    "Host is down", "No route to host",
    "Operation already in progress", "Operation now in progress",
    "Stale file handle", "Structure needs cleaning",
    "Not a XENIX named type file", "No XENIX semaphores available",
    "Is a named type file", "Remote I/O error",
    "Disk quota exceeded", "No medium found",
    "Wrong medium type", "Operation canceled",
    "Required key not available", "Key has expired",
    "Key has been revoked", "Key was rejected by service",
    "Owner died", "State not recoverable",
    "Operation not possible due to RF-kill", "Memory page has hardware error",
};

/* strace(1) prints the GNU C library's texts: the same ones whatever C
 * library emkit-user was built with. */
const char *emk_user_errmsg(int e)
{
    if (e > 0 && e < 134 && errmsgs[e])
        return errmsgs[e];
    return "Unknown error";
}

static const char *const signames[32] = {
    NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
    "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
    "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
    "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
    "SIGIO", "SIGPWR", "SIGSYS"
};

const char *emk_user_signame(int sig)
{
    static const char *const rt[33] = {
        "SIGRTMIN", "SIGRT_1", "SIGRT_2", "SIGRT_3", "SIGRT_4", "SIGRT_5", "SIGRT_6",
        "SIGRT_7", "SIGRT_8", "SIGRT_9", "SIGRT_10", "SIGRT_11", "SIGRT_12",
        "SIGRT_13", "SIGRT_14", "SIGRT_15", "SIGRT_16", "SIGRT_17", "SIGRT_18",
        "SIGRT_19", "SIGRT_20", "SIGRT_21", "SIGRT_22", "SIGRT_23", "SIGRT_24",
        "SIGRT_25", "SIGRT_26", "SIGRT_27", "SIGRT_28", "SIGRT_29", "SIGRT_30",
        "SIGRT_31", "SIGRT_32" };
    if (sig > 0 && sig < 32)
        return signames[sig];
    if (sig >= 32 && sig <= 64)
        return rt[sig - 32];
    return NULL;
}

#define N(x, v) { (uint64_t)(v), #x }
#define END { 0, NULL }

/* open flags other than the access mode (printed first by hand) */
static const emk_unames n_open[] = {
    N(O_CREAT, 0100), N(O_EXCL, 0200), N(O_NOCTTY, 0400), N(O_TRUNC, 01000),
    N(O_APPEND, 02000), N(O_NONBLOCK, 04000), N(O_SYNC, 04010000), N(O_DSYNC, 010000),
    N(FASYNC, 020000), N(O_DIRECT, 040000), N(O_LARGEFILE, 0100000),
    N(O_NOFOLLOW, 0400000), N(O_NOATIME, 01000000), N(O_CLOEXEC, 02000000),
    N(O_PATH, 010000000), N(O_TMPFILE, 020200000), N(O_DIRECTORY, 0200000),
    END };
static const emk_unames n_statx_flags[] = {
    N(AT_STATX_SYNC_AS_STAT, 0), N(AT_SYMLINK_NOFOLLOW, 0x100), N(AT_NO_AUTOMOUNT, 0x800),
    N(AT_EMPTY_PATH, 0x1000), N(AT_STATX_FORCE_SYNC, 0x2000), N(AT_STATX_DONT_SYNC, 0x4000),
    END };
static const emk_unames n_ipproto[] = {
    N(IPPROTO_IP, 0), N(IPPROTO_ICMP, 1), N(IPPROTO_TCP, 6), N(IPPROTO_UDP, 17),
    N(IPPROTO_IPV6, 41), N(IPPROTO_ICMPV6, 58), N(IPPROTO_SCTP, 132), N(IPPROTO_RAW, 255),
    END };
static const emk_unames n_at[] = {
    N(AT_SYMLINK_NOFOLLOW, 0x100), N(AT_REMOVEDIR, 0x200), N(AT_SYMLINK_FOLLOW, 0x400),
    N(AT_NO_AUTOMOUNT, 0x800), N(AT_EMPTY_PATH, 0x1000), N(AT_STATX_FORCE_SYNC, 0x2000),
    N(AT_STATX_DONT_SYNC, 0x4000), N(AT_RECURSIVE, 0x8000), END };
static const emk_unames n_faccess[] = {
    N(AT_SYMLINK_NOFOLLOW, 0x100), N(AT_EACCESS, 0x200), N(AT_EMPTY_PATH, 0x1000), END };
static const emk_unames n_access[] = {
    N(R_OK, 4), N(W_OK, 2), N(X_OK, 1), N(F_OK, 0), END };
static const emk_unames n_prot[] = {
    N(PROT_READ, 1), N(PROT_WRITE, 2), N(PROT_EXEC, 4), N(PROT_SEM, 8),
    N(PROT_GROWSDOWN, 0x01000000), N(PROT_GROWSUP, 0x02000000), N(PROT_NONE, 0), END };
static const emk_unames n_map[] = {
    N(MAP_FIXED, 0x10), N(MAP_ANONYMOUS, 0x20), N(MAP_GROWSDOWN, 0x100),
    N(MAP_DENYWRITE, 0x800), N(MAP_EXECUTABLE, 0x1000), N(MAP_LOCKED, 0x2000),
    N(MAP_NORESERVE, 0x4000), N(MAP_POPULATE, 0x8000), N(MAP_NONBLOCK, 0x10000),
    N(MAP_STACK, 0x20000), N(MAP_HUGETLB, 0x40000), N(MAP_SYNC, 0x80000),
    N(MAP_FIXED_NOREPLACE, 0x100000), END };
static const emk_unames n_maptype[] = {
    N(MAP_SHARED, 1), N(MAP_PRIVATE, 2), N(MAP_SHARED_VALIDATE, 3), END };
static const emk_unames n_clone[] = {
    N(CLONE_VM, 0x100), N(CLONE_FS, 0x200), N(CLONE_FILES, 0x400),
    N(CLONE_SIGHAND, 0x800), N(CLONE_PIDFD, 0x1000), N(CLONE_PTRACE, 0x2000),
    N(CLONE_VFORK, 0x4000), N(CLONE_PARENT, 0x8000), N(CLONE_THREAD, 0x10000),
    N(CLONE_NEWNS, 0x20000), N(CLONE_SYSVSEM, 0x40000), N(CLONE_SETTLS, 0x80000),
    N(CLONE_PARENT_SETTID, 0x100000), N(CLONE_CHILD_CLEARTID, 0x200000),
    N(CLONE_DETACHED, 0x400000), N(CLONE_UNTRACED, 0x800000),
    N(CLONE_CHILD_SETTID, 0x1000000), N(CLONE_NEWCGROUP, 0x2000000),
    N(CLONE_NEWUTS, 0x4000000), N(CLONE_NEWIPC, 0x8000000),
    N(CLONE_NEWUSER, 0x10000000), N(CLONE_NEWPID, 0x20000000),
    N(CLONE_NEWNET, 0x40000000), N(CLONE_IO, 0x80000000), END };
static const emk_unames n_seek[] = {
    N(SEEK_SET, 0), N(SEEK_CUR, 1), N(SEEK_END, 2), N(SEEK_DATA, 3), N(SEEK_HOLE, 4), END };
static const emk_unames n_clock[] = {
    N(CLOCK_REALTIME, 0), N(CLOCK_MONOTONIC, 1), N(CLOCK_PROCESS_CPUTIME_ID, 2),
    N(CLOCK_THREAD_CPUTIME_ID, 3), N(CLOCK_MONOTONIC_RAW, 4),
    N(CLOCK_REALTIME_COARSE, 5), N(CLOCK_MONOTONIC_COARSE, 6), N(CLOCK_BOOTTIME, 7),
    N(CLOCK_REALTIME_ALARM, 8), N(CLOCK_BOOTTIME_ALARM, 9), N(CLOCK_TAI, 11), END };
static const emk_unames n_af[] = {
    N(AF_UNSPEC, 0), N(AF_UNIX, 1), N(AF_INET, 2), N(AF_INET6, 10),
    N(AF_NETLINK, 16), N(AF_PACKET, 17), END };
static const emk_unames n_socktype[] = {
    N(SOCK_STREAM, 1), N(SOCK_DGRAM, 2), N(SOCK_RAW, 3), N(SOCK_RDM, 4),
    N(SOCK_SEQPACKET, 5), N(SOCK_PACKET, 10), END };
static const emk_unames n_sockflags[] = {
    N(SOCK_NONBLOCK, 04000), N(SOCK_CLOEXEC, 02000000), END };
static const emk_unames n_sol[] = {
    N(SOL_IP, 0), N(SOL_SOCKET, 1), N(SOL_TCP, 6), N(SOL_UDP, 17), N(SOL_IPV6, 41), END };
static const emk_unames n_so[] = {
    N(SO_DEBUG, 1), N(SO_REUSEADDR, 2), N(SO_TYPE, 3), N(SO_ERROR, 4),
    N(SO_DONTROUTE, 5), N(SO_BROADCAST, 6), N(SO_SNDBUF, 7), N(SO_RCVBUF, 8),
    N(SO_KEEPALIVE, 9), N(SO_OOBINLINE, 10), N(SO_NO_CHECK, 11), N(SO_PRIORITY, 12),
    N(SO_LINGER, 13), N(SO_BSDCOMPAT, 14), N(SO_REUSEPORT, 15), N(SO_PASSCRED, 16),
    N(SO_PEERCRED, 17), N(SO_RCVLOWAT, 18), N(SO_SNDLOWAT, 19), N(SO_ACCEPTCONN, 30),
    N(SO_PROTOCOL, 38), N(SO_DOMAIN, 39), END };
static const emk_unames n_msg[] = {
    N(MSG_OOB, 1), N(MSG_PEEK, 2), N(MSG_DONTROUTE, 4), N(MSG_CTRUNC, 8),
    N(MSG_PROXY, 0x10), N(MSG_TRUNC, 0x20), N(MSG_DONTWAIT, 0x40), N(MSG_EOR, 0x80),
    N(MSG_WAITALL, 0x100), N(MSG_FIN, 0x200), N(MSG_SYN, 0x400), N(MSG_CONFIRM, 0x800),
    N(MSG_RST, 0x1000), N(MSG_ERRQUEUE, 0x2000), N(MSG_NOSIGNAL, 0x4000),
    N(MSG_MORE, 0x8000), N(MSG_WAITFORONE, 0x10000), N(MSG_CMSG_CLOEXEC, 0x40000000), END };
static const emk_unames n_shut[] = {
    N(SHUT_RD, 0), N(SHUT_WR, 1), N(SHUT_RDWR, 2), END };
static const emk_unames n_efd[] = {
    N(EFD_SEMAPHORE, 1), N(EFD_NONBLOCK, 04000), N(EFD_CLOEXEC, 02000000), END };
static const emk_unames n_tfd[] = {
    N(TFD_NONBLOCK, 04000), N(TFD_CLOEXEC, 02000000), END };
static const emk_unames n_tfd_set[] = {
    N(TFD_TIMER_ABSTIME, 1), N(TFD_TIMER_CANCEL_ON_SET, 2), END };
static const emk_unames n_sfd[] = {
    N(SFD_NONBLOCK, 04000), N(SFD_CLOEXEC, 02000000), END };
static const emk_unames n_epoll_create[] = { N(EPOLL_CLOEXEC, 02000000), END };
static const emk_unames n_epoll_ctl[] = {
    N(EPOLL_CTL_ADD, 1), N(EPOLL_CTL_DEL, 2), N(EPOLL_CTL_MOD, 3), END };
const emk_unames emk_un_epoll_ev[] = {
    N(EPOLLIN, 1), N(EPOLLPRI, 2), N(EPOLLOUT, 4), N(EPOLLERR, 8), N(EPOLLHUP, 0x10),
    N(EPOLLNVAL, 0x20), N(EPOLLRDNORM, 0x40), N(EPOLLRDBAND, 0x80),
    N(EPOLLWRNORM, 0x100), N(EPOLLWRBAND, 0x200), N(EPOLLMSG, 0x400),
    N(EPOLLRDHUP, 0x2000), N(EPOLLEXCLUSIVE, 0x10000000), N(EPOLLWAKEUP, 0x20000000),
    N(EPOLLONESHOT, 0x40000000), N(EPOLLET, 0x80000000), END };
const emk_unames emk_un_poll[] = {
    N(POLLIN, 1), N(POLLPRI, 2), N(POLLOUT, 4), N(POLLERR, 8), N(POLLHUP, 0x10),
    N(POLLNVAL, 0x20), N(POLLRDNORM, 0x40), N(POLLRDBAND, 0x80), N(POLLWRNORM, 0x100),
    N(POLLWRBAND, 0x200), N(POLLMSG, 0x400), N(POLLRDHUP, 0x2000), END };
static const emk_unames n_grnd[] = {
    N(GRND_NONBLOCK, 1), N(GRND_RANDOM, 2), N(GRND_INSECURE, 4), END };
static const emk_unames n_mfd[] = {
    N(MFD_CLOEXEC, 1), N(MFD_ALLOW_SEALING, 2), N(MFD_HUGETLB, 4),
    N(MFD_NOEXEC_SEAL, 8), N(MFD_EXEC, 0x10), END };
static const emk_unames n_close_range[] = {
    N(CLOSE_RANGE_UNSHARE, 2), N(CLOSE_RANGE_CLOEXEC, 4), END };
static const emk_unames n_rlimit[] = {
    N(RLIMIT_CPU, 0), N(RLIMIT_FSIZE, 1), N(RLIMIT_DATA, 2), N(RLIMIT_STACK, 3),
    N(RLIMIT_CORE, 4), N(RLIMIT_RSS, 5), N(RLIMIT_NPROC, 6), N(RLIMIT_NOFILE, 7),
    N(RLIMIT_MEMLOCK, 8), N(RLIMIT_AS, 9), N(RLIMIT_LOCKS, 10), N(RLIMIT_SIGPENDING, 11),
    N(RLIMIT_MSGQUEUE, 12), N(RLIMIT_NICE, 13), N(RLIMIT_RTPRIO, 14),
    N(RLIMIT_RTTIME, 15), END };
static const emk_unames n_prctl[] = {
    N(PR_SET_PDEATHSIG, 1), N(PR_GET_PDEATHSIG, 2), N(PR_GET_DUMPABLE, 3),
    N(PR_SET_DUMPABLE, 4), N(PR_GET_KEEPCAPS, 7), N(PR_SET_KEEPCAPS, 8),
    N(PR_GET_TIMING, 13), N(PR_SET_NAME, 15), N(PR_GET_NAME, 16),
    N(PR_GET_SECCOMP, 21), N(PR_SET_SECCOMP, 22), N(PR_CAPBSET_READ, 23),
    N(PR_GET_TIMERSLACK, 30), N(PR_SET_TIMERSLACK, 29),
    N(PR_SET_CHILD_SUBREAPER, 36), N(PR_GET_CHILD_SUBREAPER, 37),
    N(PR_SET_NO_NEW_PRIVS, 38), N(PR_GET_NO_NEW_PRIVS, 39), N(PR_GET_TID_ADDRESS, 40),
    N(PR_SET_THP_DISABLE, 41), N(PR_GET_THP_DISABLE, 42), END };
static const emk_unames n_fcntl[] = {
    N(F_DUPFD, 0), N(F_GETFD, 1), N(F_SETFD, 2), N(F_GETFL, 3), N(F_SETFL, 4),
    N(F_GETLK, 5), N(F_SETLK, 6), N(F_SETLKW, 7), N(F_SETOWN, 8), N(F_GETOWN, 9),
    N(F_SETSIG, 10), N(F_GETSIG, 11), N(F_SETOWN_EX, 15), N(F_GETOWN_EX, 16),
    N(F_OFD_GETLK, 36), N(F_OFD_SETLK, 37), N(F_OFD_SETLKW, 38),
    N(F_SETLEASE, 1024), N(F_GETLEASE, 1025), N(F_NOTIFY, 1026),
    N(F_DUPFD_CLOEXEC, 1030), N(F_SETPIPE_SZ, 1031), N(F_GETPIPE_SZ, 1032),
    N(F_ADD_SEALS, 1033), N(F_GET_SEALS, 1034), END };
static const emk_unames n_fdflags[] = { N(FD_CLOEXEC, 1), END };
static const emk_unames n_flock[] = {
    N(LOCK_SH, 1), N(LOCK_EX, 2), N(LOCK_NB, 4), N(LOCK_UN, 8), END };
static const emk_unames n_sigprocmask[] = {
    N(SIG_BLOCK, 0), N(SIG_UNBLOCK, 1), N(SIG_SETMASK, 2), END };
/* in strace's order */
static const emk_unames n_sa[] = {
    N(SA_ONSTACK, 0x08000000), N(SA_RESTART, 0x10000000), N(SA_NODEFER, 0x40000000),
    N(SA_RESETHAND, 0x80000000), N(SA_SIGINFO, 4), N(SA_NOCLDWAIT, 2), N(SA_NOCLDSTOP, 1),
    END };
static const emk_unames n_wait[] = {
    N(WNOHANG, 1), N(WUNTRACED, 2), N(WEXITED, 4), N(WCONTINUED, 8), N(WNOWAIT, 0x01000000),
    N(__WNOTHREAD, 0x20000000), N(__WALL, 0x40000000), N(__WCLONE, 0x80000000), END };
static const emk_unames n_futex[] = {
    N(FUTEX_WAIT, 0), N(FUTEX_WAKE, 1), N(FUTEX_FD, 2), N(FUTEX_REQUEUE, 3),
    N(FUTEX_CMP_REQUEUE, 4), N(FUTEX_WAKE_OP, 5), N(FUTEX_LOCK_PI, 6),
    N(FUTEX_UNLOCK_PI, 7), N(FUTEX_TRYLOCK_PI, 8), N(FUTEX_WAIT_BITSET, 9),
    N(FUTEX_WAKE_BITSET, 10), N(FUTEX_WAIT_REQUEUE_PI, 11),
    N(FUTEX_CMP_REQUEUE_PI, 12), N(FUTEX_LOCK_PI2, 13), END };
static const emk_unames n_madv[] = {
    N(MADV_NORMAL, 0), N(MADV_RANDOM, 1), N(MADV_SEQUENTIAL, 2), N(MADV_WILLNEED, 3),
    N(MADV_DONTNEED, 4), N(MADV_FREE, 8), N(MADV_REMOVE, 9), N(MADV_DONTFORK, 10),
    N(MADV_DOFORK, 11), N(MADV_MERGEABLE, 12), N(MADV_UNMERGEABLE, 13),
    N(MADV_HUGEPAGE, 14), N(MADV_NOHUGEPAGE, 15), N(MADV_DONTDUMP, 16),
    N(MADV_DODUMP, 17), END };
static const emk_unames n_rusage_who[] = {
    N(RUSAGE_SELF, 0), N(RUSAGE_CHILDREN, (uint64_t)-1), N(RUSAGE_THREAD, 1), END };
static const emk_unames n_itimer[] = {
    N(ITIMER_REAL, 0), N(ITIMER_VIRTUAL, 1), N(ITIMER_PROF, 2), END };
static const emk_unames n_timer_abs[] = { N(TIMER_ABSTIME, 1), END };
static const emk_unames n_rename[] = {
    N(RENAME_NOREPLACE, 1), N(RENAME_EXCHANGE, 2), N(RENAME_WHITEOUT, 4), END };
const emk_unames emk_un_statx_mask[] = {
    N(STATX_ALL, 0xfff), N(STATX_BASIC_STATS, 0x7ff), N(STATX_TYPE, 1),
    N(STATX_MODE, 2), N(STATX_NLINK, 4), N(STATX_UID, 8), N(STATX_GID, 0x10),
    N(STATX_ATIME, 0x20), N(STATX_MTIME, 0x40), N(STATX_CTIME, 0x80),
    N(STATX_INO, 0x100), N(STATX_SIZE, 0x200), N(STATX_BLOCKS, 0x400),
    N(STATX_BTIME, 0x800), N(STATX_MNT_ID, 0x1000), N(STATX_DIOALIGN, 0x2000), END };
static const emk_unames n_dt[] = {
    N(DT_UNKNOWN, 0), N(DT_FIFO, 1), N(DT_CHR, 2), N(DT_DIR, 4), N(DT_BLK, 6),
    N(DT_REG, 8), N(DT_LNK, 10), N(DT_SOCK, 12), N(DT_WHT, 14), END };
static const emk_unames n_resolve[] = {
    N(RESOLVE_NO_XDEV, 1), N(RESOLVE_NO_MAGICLINKS, 2), N(RESOLVE_NO_SYMLINKS, 4),
    N(RESOLVE_BENEATH, 8), N(RESOLVE_IN_ROOT, 0x10), N(RESOLVE_CACHED, 0x20), END };

typedef struct { const char *name; const emk_unames *n; } table_t;
static const table_t tables[] = {
    { "open", n_open }, { "openfl", n_open }, { "statxflags", n_statx_flags },
    { "ipproto", n_ipproto }, { "at", n_at }, { "faccess", n_faccess }, { "access", n_access },
    { "prot", n_prot }, { "map", n_map }, { "maptype", n_maptype }, { "clone", n_clone },
    { "seek", n_seek }, { "clock", n_clock }, { "af", n_af }, { "socktype", n_socktype },
    { "sockflags", n_sockflags }, { "sol", n_sol }, { "so", n_so }, { "msg", n_msg },
    { "shut", n_shut }, { "efd", n_efd }, { "tfd", n_tfd }, { "tfdset", n_tfd_set },
    { "sfd", n_sfd }, { "epollc", n_epoll_create }, { "epollctl", n_epoll_ctl },
    { "epollev", emk_un_epoll_ev }, { "poll", emk_un_poll }, { "grnd", n_grnd }, { "mfd", n_mfd },
    { "closerange", n_close_range }, { "rlimit", n_rlimit }, { "prctl", n_prctl },
    { "fcntl", n_fcntl }, { "fdflags", n_fdflags }, { "flock", n_flock },
    { "sigprocmask", n_sigprocmask }, { "sa", n_sa }, { "wait", n_wait },
    { "futex", n_futex }, { "madv", n_madv }, { "rusage", n_rusage_who },
    { "timerabs", n_timer_abs }, { "itimer", n_itimer }, { "rename", n_rename }, { "statxmask", emk_un_statx_mask },
    { "dt", n_dt }, { "resolve", n_resolve },
    { NULL, NULL }
};

const emk_unames *emk_user_names(const char *name, size_t len)
{
    const table_t *t;

    for (t = tables; t->name; t++)
        if (strlen(t->name) == len && !memcmp(t->name, name, len))
            return t->n;
    return NULL;
}
