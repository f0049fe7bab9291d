/* qos_cmocka.h - cmocka for the graph's test files (after qos.h). */
#ifndef EMK_TESTS_QOS_CMOCKA_H
#define EMK_TESTS_QOS_CMOCKA_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#endif
