/* hello: stdout, argv, environment, exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int i;

    printf("hello from riscv64, argc=%d\n", argc);
    for (i = 1; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    printf("HOME set: %s\n", getenv("HOME") ? "yes" : "no");
    return argc > 2 ? atoi(argv[2]) : 0;
}
