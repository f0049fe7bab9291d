#!/bin/sh
# user/gen-sysh.sh - regenerates user/sysh.h, the declarations of the
# syscall handlers and printers defined in user/sys_*.c.
cd "$(dirname "$0")" || exit 1
{
    echo '/* sysh.h - the handlers and printers of the syscall table, declared'
    echo ' * from user/sys_*.c by user/gen-sysh.sh (run it after adding one). */'
    echo '#ifndef EMKIT_USER_SYSH_H'
    echo '#define EMKIT_USER_SYSH_H'
    echo '#include "sys.h"'
    grep -h "^long emk_user_sys_\|^void emk_user_print_\|^void emk_user_ret_" sys_*.c |
        sed -e 's/) {.*$/)/' -e 's/$/;/'
    echo '#endif'
} >sysh.h
