/* sysheavy: many small syscalls (1-byte reads, fstatat over a tree, getpid);
 * the syscall-heavy benchmark.  Prints a count, not times. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1000, i, fd = open("/dev/zero", O_RDONLY);
    long sum = 0;
    char c;
    struct stat st;
    static const char *const paths[] = { "/", "/usr", "/usr/bin", "/etc", "/tmp", "/dev/null" };

    for (i = 0; i < n; i++) {
        sum += read(fd, &c, 1);
        sum += stat(paths[i % 6], &st) == 0;
        sum += getppid() > 0;
    }
    printf("%ld\n", sum);
    return 0;
}
