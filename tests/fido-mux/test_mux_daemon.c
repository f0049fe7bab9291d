/*
 * test_mux_daemon.c - `emkit fido mux` in front of `emkit fido serve
 * --hid-socket` (touched 200 ms after each test of presence): two libfido2
 * clients in two processes each run 10 makeCredential + getAssertion
 * rounds through the mux at the same time, verified with the credential's
 * key, while a raw client starts a wait for the user and is killed in the
 * middle of it.  Nobody is wedged; every signature verifies.
 *
 * Usage: test-fido-mux-daemon PATH-TO-EMKIT
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mux_rounds.h"

static const char *emkit;
static char dir[64], key_path[96], mux_path[96];
static pid_t serve_pid, mux_pid;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

    nanosleep(&ts, NULL);
}

static int connect_to(const char *path)
{
    struct sockaddr_un a;
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, path);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Runs `emkit fido ARGS...` (NULL-terminated, at most 8) and waits until
 * wait_for accepts connections. */
static pid_t spawn(const char *const *args, const char *wait_for)
{
    char *argv[12];
    pid_t pid;
    int fd = -1, i, n = 0;

    argv[n++] = (char *)emkit;
    argv[n++] = (char *)"fido";
    for (i = 0; args[i] && n < 11; i++)
        argv[n++] = (char *)args[i];
    argv[n] = NULL;
    pid = fork();
    if (pid == 0) {
        execv(emkit, argv);
        _exit(127);
    }
    for (i = 0; i < 500 && fd < 0; i++) {
        fd = connect_to(wait_for);
        if (fd < 0)
            sleep_ms(10);
    }
    if (fd < 0) {
        fprintf(stderr, "test-fido-mux-daemon: %s never listened\n", wait_for);
        kill(pid, SIGKILL);
        exit(1);
    }
    close(fd);
    return pid;
}

/* One libfido2 client: 10 rounds, verified (mux_rounds.c). */
static int client(int who)
{
    return mux_rounds(mux_path, who, 10);
}

/* A raw client: INIT, then authenticatorSelection (a wait for the user),
 * then it is killed before the answer. */
static pid_t doomed_client(void)
{
    pid_t pid = fork();

    if (pid == 0) {
        unsigned char r[64];
        int fd = connect_to(mux_path);

        if (fd < 0)
            _exit(2);
        memset(r, 0, sizeof(r));
        memset(r, 0xff, 4);
        r[4] = 0x86;
        r[6] = 8;
        if (send(fd, r, 64, 0) != 64 || recv(fd, r, 64, 0) != 64)
            _exit(3);
        memcpy(r, r + 15, 4);                   /* our channel */
        memset(r + 4, 0, 60);
        r[4] = 0x90;
        r[6] = 1;
        r[7] = 0x0b;
        if (send(fd, r, 64, 0) != 64)
            _exit(4);
        pause();
        _exit(0);
    }
    return pid;
}

int main(int argc, char **argv)
{
    pid_t a, b, doomed;
    int sa = -1, sb = -1, fails = 0;

    if (argc != 2) {
        fputs("usage: test-fido-mux-daemon PATH-TO-EMKIT\n", stderr);
        return 2;
    }
    emkit = argv[1];
    signal(SIGPIPE, SIG_IGN);
    strcpy(dir, "/tmp/emkit-mux-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    snprintf(key_path, sizeof(key_path), "%s/key.sock", dir);
    snprintf(mux_path, sizeof(mux_path), "%s/mux.sock", dir);
    {
        const char *serve[] = {"serve", "--hid-socket", key_path, "--presence", "after:200",
                               NULL};
        const char *mux[] = {"mux", "--socket", mux_path, "--key-socket", key_path, NULL};

        serve_pid = spawn(serve, key_path);
        mux_pid = spawn(mux, mux_path);
    }
    doomed = doomed_client();
    sleep_ms(50);
    if ((a = fork()) == 0)
        _exit(client(1));
    if ((b = fork()) == 0)
        _exit(client(2));
    sleep_ms(100);
    kill(doomed, SIGKILL);
    waitpid(doomed, NULL, 0);
    waitpid(a, &sa, 0);
    waitpid(b, &sb, 0);
    if (!WIFEXITED(sa) || WEXITSTATUS(sa)) {
        fprintf(stderr, "test-fido-mux-daemon: client 1 failed\n");
        fails++;
    }
    if (!WIFEXITED(sb) || WEXITSTATUS(sb)) {
        fprintf(stderr, "test-fido-mux-daemon: client 2 failed\n");
        fails++;
    }
    kill(mux_pid, SIGTERM);
    kill(serve_pid, SIGTERM);
    waitpid(mux_pid, NULL, 0);
    waitpid(serve_pid, NULL, 0);
    unlink(mux_path);
    unlink(key_path);
    rmdir(dir);
    if (!fails)
        printf("test-fido-mux-daemon: 2 clients x 10 rounds through the mux, one killed mid-wait: ok\n");
    return fails ? 1 : 0;
}
