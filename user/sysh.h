/* sysh.h - the handlers and printers of the syscall table, declared
 * from user/sys_*.c by user/gen-sysh.sh (run it after adding one). */
#ifndef EMKIT_USER_SYSH_H
#define EMKIT_USER_SYSH_H
#include "sys.h"
long emk_user_sys_fcntl(emk_uthread *t, uint64_t *a);
void emk_user_print_fcntl(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
void emk_user_ret_fcntl(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
long emk_user_sys_readv(emk_uthread *t, uint64_t *a);
long emk_user_sys_writev(emk_uthread *t, uint64_t *a);
long emk_user_sys_preadv(emk_uthread *t, uint64_t *a);
long emk_user_sys_pwritev(emk_uthread *t, uint64_t *a);
void emk_user_print_writev(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
void emk_user_print_readv(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
long emk_user_sys_ppoll(emk_uthread *t, uint64_t *a);
void emk_user_print_ppoll(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
void emk_user_ret_ppoll(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
long emk_user_sys_pselect6(emk_uthread *t, uint64_t *a);
long emk_user_sys_epoll_ctl(emk_uthread *t, uint64_t *a);
void emk_user_print_epoll_ctl(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
long emk_user_sys_epoll_pwait(emk_uthread *t, uint64_t *a);
void emk_user_print_epoll_pwait(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
long emk_user_sys_sendmsg(emk_uthread *t, uint64_t *a);
long emk_user_sys_recvmsg(emk_uthread *t, uint64_t *a);
long emk_user_sys_getgroups(emk_uthread *t, uint64_t *a);
void emk_user_print_pselect6(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
void emk_user_ret_pselect6(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
void emk_user_print_recvmsg(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
long emk_user_sys_brk(emk_uthread *t, uint64_t *a);
long emk_user_sys_mmap(emk_uthread *t, uint64_t *a);
long emk_user_sys_munmap(emk_uthread *t, uint64_t *a);
long emk_user_sys_mprotect(emk_uthread *t, uint64_t *a);
long emk_user_sys_mremap(emk_uthread *t, uint64_t *a);
long emk_user_sys_madvise(emk_uthread *t, uint64_t *a);
long emk_user_sys_msync(emk_uthread *t, uint64_t *a);
void emk_user_print_mmap(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
long emk_user_sys_exit(emk_uthread *t, uint64_t *a);
long emk_user_sys_exit_group(emk_uthread *t, uint64_t *a);
long emk_user_sys_clone(emk_uthread *t, uint64_t *a);
void emk_user_print_clone(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
long emk_user_sys_execve(emk_uthread *t, uint64_t *a);
void emk_user_print_execve(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
long emk_user_sys_wait4(emk_uthread *t, uint64_t *a);
long emk_user_sys_futex(emk_uthread *t, uint64_t *a);
void emk_user_print_futex(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
long emk_user_sys_set_tid_address(emk_uthread *t, uint64_t *a);
long emk_user_sys_set_robust_list(emk_uthread *t, uint64_t *a);
long emk_user_sys_gettid(emk_uthread *t, uint64_t *a);
long emk_user_sys_rt_sigaction(emk_uthread *t, uint64_t *a);
void emk_user_print_rt_sigaction(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
long emk_user_sys_rt_sigprocmask(emk_uthread *t, uint64_t *a);
long emk_user_sys_rt_sigreturn(emk_uthread *t, uint64_t *a);
long emk_user_sys_sigaltstack(emk_uthread *t, uint64_t *a);
long emk_user_sys_rt_sigsuspend(emk_uthread *t, uint64_t *a);
long emk_user_sys_rt_sigpending(emk_uthread *t, uint64_t *a);
long emk_user_sys_rt_sigtimedwait(emk_uthread *t, uint64_t *a);
long emk_user_sys_kill(emk_uthread *t, uint64_t *a);
long emk_user_sys_prlimit64(emk_uthread *t, uint64_t *a);
long emk_user_sys_prctl(emk_uthread *t, uint64_t *a);
void emk_user_print_prctl(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
long emk_user_sys_flush_icache(emk_uthread *t, uint64_t *a);
long emk_user_sys_enosys(emk_uthread *t, uint64_t *a);
long emk_user_sys_getcpu(emk_uthread *t, uint64_t *a);
void emk_user_ret_octal(emk_ubuf *b, emk_uthread *t, const uint64_t *a, long ret);
long emk_user_sys_uname(emk_uthread *t, uint64_t *a);
long emk_user_sys_readlinkat(emk_uthread *t, uint64_t *a);
#endif
