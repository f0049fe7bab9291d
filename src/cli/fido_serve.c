/* fido_serve.c - `emkit fido serve`: a FIDO2/U2F key (emkit/fido.h) on the
 * host clock, reachable through a SOCK_SEQPACKET socket (--hid-socket,
 * docs/fido-socket.md) and/or Linux UHID (--uhid).  SIGINT and SIGTERM
 * stop it; SIGUSR1 is a touch (for --presence manual). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fido_serve.h"
#include "opts.h"

typedef struct serve {
    emk_loop *loop;
    emk_fido *key;
    emk_fsock sock;
    emk_fuhid uhid;
    int have_sock, have_uhid;
} serve;

static emk_notifier stop_n, touch_n;

static void on_signal(int sig)
{
    emk_notifier_set(sig == SIGUSR1 ? &touch_n : &stop_n);
}

static void stop_cb(void *opaque)
{
    emk_loop_stop(((serve *)opaque)->loop);
}

static void touch_cb(void *opaque)
{
    serve *s = opaque;

    if (s->key)
        emk_fido_touch(s->key);
}

static void send_report(void *opaque, const uint8_t report[EMK_FIDO_REPORT])
{
    serve *s = opaque;

    if (s->have_sock)
        emk_fsock_send(&s->sock, report);
    if (s->have_uhid)
        emk_fuhid_send(&s->uhid, report);
}

static void wink(void *opaque)
{
    (void)opaque;
    fputs("emkit: fido serve: wink\n", stderr);
}

void emk_help_fido(FILE *out)
{
    fputs("usage: emkit fido serve [OPTIONS]\n"
          "  The emulated FIDO2/U2F security key (CTAP 2.1 and U2F over CTAPHID).\n"
          "  emkit help fido serve describes its transports.\n", out);
}

void emk_help_fido_serve(FILE *out)
{
    fputs("usage: emkit fido serve (--hid-socket PATH | --uhid) [--state FILE]\n"
          "                         [--presence always|deny|after:MS|manual]\n"
          "                         [--up-timeout MS]\n"
          "  Runs one FIDO2/U2F key until SIGINT or SIGTERM.\n"
          "  --hid-socket PATH  listen on a Unix SOCK_SEQPACKET socket: each\n"
          "                     connection is a device open, each message one\n"
          "                     64-byte CTAPHID report (docs/fido-socket.md);\n"
          "                     every connection sees every reply\n"
          "  --uhid             create a Linux HID device through /dev/uhid\n"
          "                     (needs the uhid module and write access)\n"
          "  --state FILE       keep the key (master secret, PIN, credentials,\n"
          "                     counter) in FILE; without it the key lives in\n"
          "                     memory only\n"
          "  --presence P       how the simulated user answers a test of\n"
          "                     presence: always (default), deny, after:MS (a\n"
          "                     touch MS ms after the test), manual (a touch\n"
          "                     per SIGUSR1: kill -USR1 PID)\n"
          "  --up-timeout MS    how long a request waits for the user\n"
          "                     (default 30000)\n", out);
}

int emk_cmd_fido(int argc, char **argv)
{
    if (argc > 1 && argv[1][0] != '-')
        fprintf(stderr, "emkit: fido: no command '%s'\n", argv[1]);
    else
        fputs("emkit: fido: name a command\n", stderr);
    emk_help_fido(stderr);
    return EMK_EXIT_USAGE;
}

static int parse_presence(const char *v, emk_fido_config *cfg)
{
    unsigned ms;

    if (!strcmp(v, "always"))
        cfg->up_policy = EMK_FIDO_UP_ALWAYS;
    else if (!strcmp(v, "deny"))
        cfg->up_policy = EMK_FIDO_UP_DENY;
    else if (!strcmp(v, "manual"))
        cfg->up_policy = EMK_FIDO_UP_MANUAL;
    else if (!strncmp(v, "after:", 6)) {
        if (emk_cli_unsigned("--presence after:", v + 6, 0, 3600000, &ms) < 0)
            return -1;
        cfg->up_policy = EMK_FIDO_UP_AFTER;
        cfg->up_delay_ms = ms;
    } else {
        fprintf(stderr, "emkit: --presence: '%s' is not always, deny, after:MS or manual\n", v);
        return -1;
    }
    return 0;
}

static int parse(int argc, char **argv, emk_fido_config *cfg, const char **sock, int *uhid)
{
    const char *val;
    unsigned ms;
    int m;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--uhid")) {
            *uhid = 1;
        } else if ((m = emk_cli_value(argc, argv, &i, "--hid-socket", sock)) != 0) {
            if (m < 0)
                return -1;
        } else if ((m = emk_cli_value(argc, argv, &i, "--state", &cfg->state_path)) != 0) {
            if (m < 0)
                return -1;
        } else if ((m = emk_cli_value(argc, argv, &i, "--presence", &val)) != 0) {
            if (m < 0 || parse_presence(val, cfg) < 0)
                return -1;
        } else if ((m = emk_cli_value(argc, argv, &i, "--up-timeout", &val)) != 0) {
            if (m < 0 || emk_cli_unsigned("--up-timeout", val, 1, 3600000, &ms) < 0)
                return -1;
            cfg->up_timeout_ms = ms;
        } else {
            emk_cli_bad_arg("fido serve", argv[i]);
            return -1;
        }
    }
    if (!*sock && !*uhid) {
        fputs("emkit: fido serve: name a transport: --hid-socket PATH or --uhid\n", stderr);
        return -1;
    }
    return 0;
}

static void on_signals(void (*fn)(int))
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);    /* a client gone: send fails, we close */
}

static int start(serve *s, const emk_fido_config *cfg, const char *sock, int uhid)
{
    static const emk_fido_ops ops = { send_report, wink };
    int r;

    if (sock) {
        r = emk_fsock_open(&s->sock, s->loop, sock);
        if (r < 0) {
            fprintf(stderr, "emkit: fido serve: %s: %s\n", sock, emk_strerror(r));
            return r;
        }
        s->have_sock = 1;
    }
    r = emk_fido_new(&s->key, s->loop, cfg, &ops, s);
    if (r < 0) {
        fprintf(stderr, "emkit: fido serve: %s%s%s\n", cfg->state_path ? cfg->state_path : "",
                cfg->state_path ? ": " : "", emk_strerror(r));
        return r;
    }
    emk_fsock_set_key(&s->sock, s->key);
    if (uhid) {
        r = emk_fuhid_open(&s->uhid, s->loop, NULL);
        if (r < 0) {
            fprintf(stderr, "emkit: fido serve: /dev/uhid: %s\n",
                    r == -ENOTSUP ? "UHID needs Linux" : emk_strerror(r));
            return r;
        }
        emk_fuhid_set_key(&s->uhid, s->key);
        s->have_uhid = 1;
    }
    if (sock)
        fprintf(stderr, "emkit: fido serve: listening on %s\n", sock);
    if (uhid)
        fputs("emkit: fido serve: UHID device \"emkit FIDO2 key\" created\n", stderr);
    return 0;
}

int emk_cmd_fido_serve(int argc, char **argv)
{
    emk_fido_config cfg;
    serve s;
    const char *sock = NULL;
    int uhid = 0, r, ret = EMK_EXIT_FAIL;

    memset(&cfg, 0, sizeof(cfg));
    memset(&s, 0, sizeof(s));
    s.sock.lfd = -1;
    s.uhid.fd = -1;
    if (parse(argc, argv, &cfg, &sock, &uhid) < 0)
        return EMK_EXIT_USAGE;
    s.loop = emk_loop_new(NULL, &r);
    if (!s.loop) {
        fprintf(stderr, "emkit: fido serve: %s\n", emk_strerror(r));
        return EMK_EXIT_FAIL;
    }
    if (emk_notifier_init(&stop_n) < 0 || emk_notifier_init(&touch_n) < 0 ||
        emk_loop_add_notifier(s.loop, &stop_n, stop_cb, &s) < 0 ||
        emk_loop_add_notifier(s.loop, &touch_n, touch_cb, &s) < 0) {
        fputs("emkit: fido serve: cannot create notifiers\n", stderr);
        emk_loop_free(s.loop);
        return EMK_EXIT_FAIL;
    }
    on_signals(on_signal);
    if (start(&s, &cfg, sock, uhid) == 0) {
        r = emk_loop_run(s.loop);
        ret = r < 0 ? EMK_EXIT_FAIL : EMK_EXIT_OK;
        if (emk_fido_error(s.key))
            fprintf(stderr, "emkit: fido serve: state file: %s\n",
                    emk_strerror(emk_fido_error(s.key)));
    }
    on_signals(SIG_DFL);
    if (s.have_uhid)
        emk_fuhid_close(&s.uhid);
    if (s.have_sock)
        emk_fsock_close(&s.sock);
    emk_fido_free(s.key);
    emk_loop_del_notifier(&stop_n);
    emk_loop_del_notifier(&touch_n);
    emk_notifier_cleanup(&stop_n);
    emk_notifier_cleanup(&touch_n);
    emk_loop_free(s.loop);
    return ret;
}
