/*
 * systab.c - the riscv64 (asm-generic) syscall table: number, name,
 * handler (or the host syscall for the generic passthrough), argument
 * kinds for the passthrough and the strace printer (see strace.c:
 * d int, l long, u unsigned, x/p pointer, o mode, A dirfd, k signal,
 * s path, S string, bN/BN in/out buffer sized by argument N, C out
 * string, F<set> flags, E<set> enum, I<struct>/R<struct> in/out struct,
 * m mode when O_CREAT, L loff_t *, Q socklen_t *, T timespec[2],
 * M sigset *, P int[2], W wait status, Y socket type, Z/z sockaddr
 * in/out, N/n socket option in/out, G dirents, H random bytes).
 * Numbers missing here return ENOSYS.
 */
#include <sys/syscall.h>

#include "sys.h"
#include "sysh.h"

/* x86-64 numbers of calls newer than some C libraries' headers */
#ifndef SYS_statx
#define SYS_statx 332
#endif
#ifndef SYS_copy_file_range
#define SYS_copy_file_range 326
#endif
#ifndef SYS_memfd_create
#define SYS_memfd_create 319
#endif
#ifndef SYS_getrandom
#define SYS_getrandom 318
#endif
#ifndef SYS_renameat2
#define SYS_renameat2 316
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif
#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define P(n, name, fmt, h) [n] = { #name, NULL, fmt, SYS_##h, 0, NULL, NULL }
#define H(n, name, fn, fmt) [n] = { #name, emk_user_sys_##fn, fmt, 0, 0, NULL, NULL }
#define X(n, name, fn, fmt, fl, pr, rp) [n] = { #name, emk_user_sys_##fn, fmt, 0, fl, pr, rp }

const emk_usys emk_user_systab[EMK_USER_NSYS] = {
    P(5, setxattr, "s,S,b3,u,d", setxattr),
    P(6, lsetxattr, "s,S,b3,u,d", lsetxattr),
    P(7, fsetxattr, "d,S,b3,u,d", fsetxattr),
    P(8, getxattr, "s,S,B3,u", getxattr),
    P(9, lgetxattr, "s,S,B3,u", lgetxattr),
    P(10, fgetxattr, "d,S,B3,u", fgetxattr),
    P(11, listxattr, "s,B2,u", listxattr),
    P(12, llistxattr, "s,B2,u", llistxattr),
    P(13, flistxattr, "d,B2,u", flistxattr),
    P(14, removexattr, "s,S", removexattr),
    P(15, lremovexattr, "s,S", lremovexattr),
    P(16, fremovexattr, "d,S", fremovexattr),
    P(17, getcwd, "C1,u", getcwd),
    P(19, eventfd2, "u,Fefd", eventfd2),
    P(20, epoll_create1, "Fepollc", epoll_create1),
    X(21, epoll_ctl, epoll_ctl, "d,d,d,p", 0, emk_user_print_epoll_ctl, NULL),
    X(22, epoll_pwait, epoll_pwait, "d,p,d,d,M,u", SF_NORESTART, emk_user_print_epoll_pwait, NULL),
    P(23, dup, "d", dup),
    P(24, dup3, "d,d,Fopenfl", dup3),
    X(25, fcntl, fcntl, "d,d,p", 0, emk_user_print_fcntl, emk_user_ret_fcntl),
    P(26, inotify_init1, "Fopenfl", inotify_init1),
    P(27, inotify_add_watch, "d,s,x", inotify_add_watch),
    P(28, inotify_rm_watch, "d,d", inotify_rm_watch),
    X(29, ioctl, ioctl, "d,x,x", 0, emk_user_print_ioctl, NULL),
    P(32, flock, "d,Fflock", flock),
    P(33, mknodat, "A,s,o,u", mknodat),
    P(34, mkdirat, "A,s,o", mkdirat),
    P(35, unlinkat, "A,s,Fat", unlinkat),
    P(36, symlinkat, "s,A,s", symlinkat),
    P(37, linkat, "A,s,A,s,Fat", linkat),
    P(39, umount2, "s,d", umount2),
    P(40, mount, "s,s,S,x,p", mount),
    P(43, statfs, "s,Rstatfs", statfs),
    P(44, fstatfs, "d,Rstatfs", fstatfs),
    P(45, truncate, "s,l", truncate),
    P(46, ftruncate, "d,l", ftruncate),
    P(47, fallocate, "d,d,l,l", fallocate),
    P(48, faccessat, "A,s,Faccess", faccessat),
    P(49, chdir, "s", chdir),
    P(50, fchdir, "d", fchdir),
    P(51, chroot, "s", chroot),
    P(52, fchmod, "d,o", fchmod),
    P(53, fchmodat, "A,s,o", fchmodat),
    P(54, fchownat, "A,s,d,d,Fat", fchownat),
    P(55, fchown, "d,d,d", fchown),
    P(56, openat, "A,s,Fopen,m", openat),
    P(57, close, "d", close),
    P(58, vhangup, "", vhangup),
    P(59, pipe2, "P,Fopenfl", pipe2),
    P(61, getdents64, "d,G,u", getdents64),
    P(62, lseek, "d,l,Eseek", lseek),
    P(63, read, "d,B2,u", read),
    P(64, write, "d,b2,u", write),
    X(65, readv, readv, "d,p,u", 0, emk_user_print_readv, NULL),
    X(66, writev, writev, "d,p,u", 0, emk_user_print_writev, NULL),
    P(67, pread64, "d,B2,u,l", pread64),
    P(68, pwrite64, "d,b2,u,l", pwrite64),
    X(69, preadv, preadv, "d,p,u,l", 0, emk_user_print_readv, NULL),
    X(70, pwritev, pwritev, "d,p,u,l", 0, emk_user_print_writev, NULL),
    P(71, sendfile, "d,d,L,u", sendfile),
    X(72, pselect6, pselect6, "d,p,p,p,Itimespec,p", SF_NORESTART, emk_user_print_pselect6, emk_user_ret_pselect6),
    X(73, ppoll, ppoll, "p,u,p,p,u", SF_NORESTART, emk_user_print_ppoll, emk_user_ret_ppoll),
    P(74, signalfd4, "d,M,u,Fsfd", signalfd4),
    P(76, splice, "d,L,d,L,u,x", splice),
    P(77, tee, "d,d,u,x", tee),
    H(78, readlinkat, readlinkat, "A,s,B3,u"),
    P(79, newfstatat, "A,s,Rstat,Fat", newfstatat),
    P(80, fstat, "d,Rstat", fstat),
    P(81, sync, "", sync),
    P(82, fsync, "d", fsync),
    P(83, fdatasync, "d", fdatasync),
    P(84, sync_file_range, "d,l,l,x", sync_file_range),
    P(85, timerfd_create, "Eclock,Ftfd", timerfd_create),
    P(86, timerfd_settime, "d,Ftfdset,Iitimerspec,Ritimerspec", timerfd_settime),
    P(87, timerfd_gettime, "d,Ritimerspec", timerfd_gettime),
    P(88, utimensat, "A,s,T,Fat", utimensat),
    P(90, capget, "p,p", capget),
    P(92, personality, "x", personality),
    X(93, exit, exit, "d", SF_ENTRY, NULL, NULL),
    X(94, exit_group, exit_group, "d", SF_ENTRY, NULL, NULL),
    P(95, waitid, "d,d,p,Fwait,p", waitid),
    H(96, set_tid_address, set_tid_address, "p"),
    P(97, unshare, "Fclone", unshare),
    X(98, futex, futex, "p,d,d,p,p,d", 0, emk_user_print_futex, NULL),
    H(99, set_robust_list, set_robust_list, "p,u"),
    H(100, get_robust_list, enosys, "d,p,p"),
    [101] = { "nanosleep", NULL, "Itimespec,Rtimespec", SYS_nanosleep, SF_NORESTART, NULL, NULL },
    P(102, getitimer, "Eitimer,Ritimerval", getitimer),
    P(103, setitimer, "Eitimer,Iitimerval,Ritimerval", setitimer),
    P(112, clock_settime, "Eclock,Itimespec", clock_settime),
    P(113, clock_gettime, "Eclock,Rtimespec", clock_gettime),
    P(114, clock_getres, "Eclock,Rtimespec", clock_getres),
    [115] = { "clock_nanosleep", NULL, "Eclock,Ftimerabs,Itimespec,Rtimespec", SYS_clock_nanosleep,
              SF_NORESTART, NULL, NULL },
    P(118, sched_setparam, "d,p", sched_setparam),
    P(120, sched_getscheduler, "d", sched_getscheduler),
    P(122, sched_setaffinity, "d,u,b1", sched_setaffinity),
    P(123, sched_getaffinity, "d,u,H", sched_getaffinity),
    P(124, sched_yield, "", sched_yield),
    P(125, sched_get_priority_max, "d", sched_get_priority_max),
    P(126, sched_get_priority_min, "d", sched_get_priority_min),
    H(129, kill, kill, "d,k"),
    H(130, tkill, tkill, "d,k"),
    H(131, tgkill, tgkill, "d,d,k"),
    H(132, sigaltstack, sigaltstack, "Istack_t,Rstack_t"),
    X(133, rt_sigsuspend, rt_sigsuspend, "M,u", SF_NORESTART, NULL, NULL),
    X(134, rt_sigaction, rt_sigaction, "k,p,p,u", 0, emk_user_print_rt_sigaction, NULL),
    H(135, rt_sigprocmask, rt_sigprocmask, "Esigprocmask,M,M,u"),
    H(136, rt_sigpending, rt_sigpending, "M,u"),
    X(137, rt_sigtimedwait, rt_sigtimedwait, "M,p,Itimespec,u", SF_NORESTART, NULL, NULL),
    X(139, rt_sigreturn, rt_sigreturn, "", SF_KEEPA0, emk_user_print_rt_sigreturn, NULL),
    P(140, setpriority, "d,d,d", setpriority),
    P(141, getpriority, "d,d", getpriority),
    P(143, setregid, "d,d", setregid),
    P(144, setgid, "d", setgid),
    P(145, setreuid, "d,d", setreuid),
    P(146, setuid, "d", setuid),
    P(147, setresuid, "d,d,d", setresuid),
    P(148, getresuid, "Q,Q,Q", getresuid),
    P(149, setresgid, "d,d,d", setresgid),
    P(150, getresgid, "Q,Q,Q", getresgid),
    P(153, times, "Rtms", times),
    P(154, setpgid, "d,d", setpgid),
    P(155, getpgid, "d", getpgid),
    P(156, getsid, "d", getsid),
    P(157, setsid, "", setsid),
    H(158, getgroups, getgroups, "d,p"),
    H(160, uname, uname, "Rutsname"),
    P(161, sethostname, "S,u", sethostname),
    P(163, getrlimit, "Erlimit,Rrlimit", getrlimit),
    P(164, setrlimit, "Erlimit,Irlimit", setrlimit),
    P(165, getrusage, "Erusage,Rrusage", getrusage),
    [166] = { "umask", NULL, "o", SYS_umask, 0, NULL, emk_user_ret_octal },
    X(167, prctl, prctl, "d,x,x,x,x", 0, emk_user_print_prctl, NULL),
    H(168, getcpu, getcpu, "Q,Q,p"),
    P(169, gettimeofday, "Rtimeval,p", gettimeofday),
    P(172, getpid, "", getpid),
    P(173, getppid, "", getppid),
    P(174, getuid, "", getuid),
    P(175, geteuid, "", geteuid),
    P(176, getgid, "", getgid),
    P(177, getegid, "", getegid),
    H(178, gettid, gettid, ""),
    P(179, sysinfo, "Rsysinfo", sysinfo),
    P(198, socket, "Eaf,Y,i", socket),
    P(199, socketpair, "Eaf,Y,i,P", socketpair),
    P(200, bind, "d,Z,u", bind),
    P(201, listen, "d,d", listen),
    P(202, accept, "d,z,Q", accept),
    P(203, connect, "d,Z,u", connect),
    P(204, getsockname, "d,z,Q", getsockname),
    P(205, getpeername, "d,z,Q", getpeername),
    P(206, sendto, "d,b2,u,Fmsg,Z,u", sendto),
    P(207, recvfrom, "d,B2,u,Fmsg,z,Q", recvfrom),
    P(208, setsockopt, "d,Esol,Eso,N,u", setsockopt),
    P(209, getsockopt, "d,Esol,Eso,n,Q", getsockopt),
    P(210, shutdown, "d,Eshut", shutdown),
    H(211, sendmsg, sendmsg, "d,p,Fmsg"),
    X(212, recvmsg, recvmsg, "d,p,Fmsg", 0, emk_user_print_recvmsg, NULL),
    P(213, readahead, "d,l,u", readahead),
    [214] = { "brk", emk_user_sys_brk, "x", 0, SF_HEXRET, NULL, NULL },
    H(215, munmap, munmap, "x,u"),
    [216] = { "mremap", emk_user_sys_mremap, "x,u,u,x,x", 0, SF_HEXRET, NULL, NULL },
    X(220, clone, clone, "x,x,x,x,x", 0, emk_user_print_clone, NULL),
    X(221, execve, execve, "s,p,p", SF_ENTRY, emk_user_print_execve, NULL),
    [222] = { "mmap", emk_user_sys_mmap, "x,u,Fprot,x,d,x", 0, SF_HEXRET, emk_user_print_mmap, NULL },
    P(223, fadvise64, "d,l,l,d", fadvise64),
    H(226, mprotect, mprotect, "x,u,Fprot"),
    H(227, msync, msync, "x,u,x"),
    H(233, madvise, madvise, "x,u,Emadv"),
    P(242, accept4, "d,z,Q,Fsockflags", accept4),
    H(258, riscv_hwprobe, enosys, "p,u,u,p,x"),
    H(259, riscv_flush_icache, flush_icache, "x,x,x"),
    X(260, wait4, wait4, "d,W,Fwait,Rrusage", 0, NULL, NULL),
    H(261, prlimit64, prlimit64, "d,Erlimit,Irlimit,Rrlimit"),
    P(267, syncfs, "d", syncfs),
    P(276, renameat2, "A,s,A,s,Frename", renameat2),
    P(278, getrandom, "H,u,Fgrnd", getrandom),
    P(279, memfd_create, "S,Fmfd", memfd_create),
    P(285, copy_file_range, "d,L,d,L,u,x", copy_file_range),
    P(291, statx, "A,s,Fstatxflags,Fstatxmask,Rstatx", statx),
    H(293, rseq, enosys, "p,u,x,x"),
    P(434, pidfd_open, "d,x", pidfd_open),
    P(436, close_range, "u,u,Fcloserange", close_range),
    X(437, openat2, openat2, "A,s,p,u", 0, emk_user_print_openat2, NULL),
    P(439, faccessat2, "A,s,Faccess,Ffaccess", faccessat2),
    X(441, epoll_pwait2, epoll_pwait2, "d,p,d,p,M,u", SF_NORESTART, emk_user_print_epoll_pwait2, NULL),
};
