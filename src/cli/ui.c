/* ui.c - `emkit ui`: the user interface as its own process.  It connects
 * to a machine's event socket (emkit arduino --events), negotiates, and
 * serves a page on loopback HTTP (emkit/http.h); the page's WebSocket
 * gets every line the machine sends and its commands go to the machine.
 * Several pages may be open; the UI may start and stop while the machine
 * runs.  When the machine goes away the UI exits; with --quit-machine the
 * UI's own exit (SIGINT/SIGTERM) quits the machine. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include "commands.h"
#include "opts.h"
#include "ui.h"
#include "emkit/http.h"
#include "emkit/json.h"

void emk_help_ui(FILE *out)
{
    fputs("usage: emkit ui --machine unix:PATH|tcp:[HOST:]PORT [--port N] [--host ADDR]\n"
          "                [--quit-machine]\n"
          "  The board's user interface, a process of its own: connects to a machine's\n"
          "  event socket (emkit arduino --events ...) and serves a web page on\n"
          "  http://127.0.0.1:PORT/ (LEDs, buttons, pot, temperature, UART console,\n"
          "  oscilloscope) whose WebSocket (/ws) relays the event protocol.\n"
          "  --port N        HTTP port (default 8024; 0 picks one, printed on stderr)\n"
          "  --host ADDR     listen address (default 127.0.0.1: loopback only)\n"
          "  --quit-machine  quit the machine when the UI is closed (SIGINT/SIGTERM)\n"
          "  Waits up to 3 s for the machine to listen; exits when it goes away.\n", out);
}

static volatile sig_atomic_t ui_stop;

static void on_sig(int s)
{
    (void)s;
    ui_stop = 1;
}

static int dial(const char *spec)
{
    int fd;

    if (!strncmp(spec, "unix:", 5)) {
        struct sockaddr_un a;

        if (strlen(spec + 5) >= sizeof(a.sun_path))
            return -1;
        memset(&a, 0, sizeof(a));
        a.sun_family = AF_UNIX;
        strcpy(a.sun_path, spec + 5);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
            return fd;
    } else if (!strncmp(spec, "tcp:", 4)) {
        struct sockaddr_in a;
        const char *port = strrchr(spec + 4, ':');
        char host[64] = "127.0.0.1";

        if (port) {
            size_t hl = (size_t)(port - spec - 4);

            if (hl == 0 || hl >= sizeof(host))
                return -1;
            memcpy(host, spec + 4, hl);
            host[hl] = 0;
            port++;
        } else {
            port = spec + 4;
        }
        memset(&a, 0, sizeof(a));
        a.sin_family = AF_INET;
        a.sin_port = htons((uint16_t)atoi(port));
        if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
            return -1;
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
            return fd;
    } else {
        return -1;
    }
    if (fd >= 0)
        close(fd);
    return -1;
}

typedef struct ui_ctx {
    int mfd;
    char greeting[512];         /* the machine's, for every page that opens */
    char in[65536];
    size_t nin;
    emk_httpd http;
    emk_json_node nodes[256];
} ui_ctx;

static int get_page(void *opaque, const char *path, const char **type, const char **body,
                    size_t *len)
{
    (void)opaque;
    if (strcmp(path, "/") && strcmp(path, "/index.html"))
        return 404;
    *type = "text/html; charset=utf-8";
    *body = emk_ui_page_text(len);
    return 200;
}

static void on_open(void *opaque, emk_httpd *h, int id)
{
    ui_ctx *u = opaque;

    if (u->greeting[0])
        emk_httpd_ws_send(h, id, u->greeting, strlen(u->greeting));
}

static void to_machine(ui_ctx *u, const char *s, size_t n)
{
    size_t off = 0;

    while (off < n) {
        ssize_t w = write(u->mfd, s + off, n - off);

        if (w <= 0)
            return;
        off += (size_t)w;
    }
}

/* A page's message: one JSON object, forwarded as one line. */
static void on_ws(void *opaque, emk_httpd *h, int id, const char *msg, size_t len)
{
    ui_ctx *u = opaque;
    char line[EMK_HTTP_FRAME_MAX + 2];
    size_t i;

    if (len > EMK_HTTP_FRAME_MAX || emk_json_parse(msg, len, u->nodes, 256, 32) < 0 ||
        u->nodes[0].type != EMK_JSON_OBJECT) {
        static const char bad[] =
            "{\"error\": {\"class\": \"GenericError\", \"desc\": \"malformed JSON\"}}";

        emk_httpd_ws_send(h, id, bad, sizeof(bad) - 1);
        return;
    }
    for (i = 0; i < len; i++)     /* JSON white space only: keep it one line */
        line[i] = (msg[i] == '\n' || msg[i] == '\r') ? ' ' : msg[i];
    line[len] = '\n';
    to_machine(u, line, len + 1);
}

int emk_cmd_ui(int argc, char **argv)
{
    static ui_ctx u;
    const char *machine = NULL, *host = "127.0.0.1", *val;
    unsigned port = 8024;
    int quit_machine = 0, i, m, r;
    struct sigaction sa;

    for (i = 1; i < argc; i++) {
        if ((m = emk_cli_value(argc, argv, &i, "--machine", &machine)) != 0 ||
            (m = emk_cli_value(argc, argv, &i, "--host", &host)) != 0) {
            if (m < 0)
                return EMK_EXIT_USAGE;
        } else if ((m = emk_cli_value(argc, argv, &i, "--port", &val)) != 0) {
            if (m < 0 || emk_cli_unsigned("--port", val, 0, 65535, &port) < 0)
                return EMK_EXIT_USAGE;
        } else if (!strcmp(argv[i], "--quit-machine")) {
            quit_machine = 1;
        } else {
            return emk_cli_bad_arg("ui", argv[i]);
        }
    }
    if (!machine) {
        fputs("emkit: ui: needs --machine (see emkit help ui)\n", stderr);
        return EMK_EXIT_USAGE;
    }
    memset(&u, 0, sizeof(u));
    /* the machine may be starting: its socket can exist before it listens */
    for (i = 0; i < 60 && (u.mfd = dial(machine)) < 0; i++)
        usleep(50000);
    if (u.mfd < 0) {
        fprintf(stderr, "emkit: ui: cannot reach the machine at %s\n", machine);
        return EMK_EXIT_FAIL;
    }
    to_machine(&u, "{\"execute\": \"capabilities\"}\n", 28);
    if ((r = emk_httpd_listen(&u.http, host, port, "/ws", get_page, on_ws, &u)) < 0) {
        fprintf(stderr, "emkit: ui: listen on %s:%u: %s\n", host, port, strerror(-r));
        close(u.mfd);
        return EMK_EXIT_FAIL;
    }
    u.http.on_open = on_open;
    fprintf(stderr, "emkit: ui: http://%s:%u/\n", host, emk_httpd_port(&u.http));
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sig;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    while (!ui_stop) {
        int ready = 0;
        ssize_t n;

        emk_httpd_poll(&u.http, 200, u.mfd, &ready);
        if (!ready)
            continue;
        n = read(u.mfd, u.in + u.nin, sizeof(u.in) - u.nin);
        if (n <= 0) {
            fputs("emkit: ui: the machine went away\n", stderr);
            break;
        }
        u.nin += (size_t)n;
        for (;;) {
            char *nl = memchr(u.in, '\n', u.nin);
            size_t l;

            if (!nl) {
                if (u.nin == sizeof(u.in))
                    u.nin = 0;            /* a line this long is not the protocol */
                break;
            }
            l = (size_t)(nl - u.in);
            if (!u.greeting[0] && l < sizeof(u.greeting) && !strncmp(u.in, "{\"emkit\"", 8)) {
                memcpy(u.greeting, u.in, l);
                u.greeting[l] = 0;
            }
            emk_httpd_ws_send(&u.http, -1, u.in, l);
            memmove(u.in, nl + 1, u.nin - l - 1);
            u.nin -= l + 1;
        }
    }
    if (ui_stop && quit_machine)
        to_machine(&u, "{\"execute\": \"quit\"}\n", 20);
    emk_httpd_close(&u.http);
    close(u.mfd);
    return EMK_EXIT_OK;
}
