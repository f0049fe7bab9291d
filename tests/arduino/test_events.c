/* test_events.c - the JSON parser (emkit/json.h) and the event protocol
 * of `emkit arduino --events` end to end: greeting and negotiation, the
 * error replies (malformed JSON, unknown commands, bad nets, volts out of
 * range, an over-long line) with the connection staying up, a client that
 * never reads not stalling the machine, GPIO events of Blink one emulated
 * second apart, AnalogInput's blink following the potentiometer set
 * through the protocol, and UART events of SerialEcho.
 * Usage: test-events EMKIT SKETCH-DIR (events.sh builds the sketches). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <poll.h>
#include <cmocka.h>

#include "emkit/http.h"
#include "emkit/json.h"

static const char *emkit, *dir;

static void test_json(void **st)
{
    emk_json_node n[32];
    char buf[64];
    const char *t = "{\"a\": [1, -2.5e1, true, null], \"b\\u00e9\": \"x\\ny\\u20ac\", \"c\": {}}";
    int cnt, a, b;
    (void)st;
    cnt = emk_json_parse(t, strlen(t), n, 32, 8);
    assert_int_equal(cnt, 8);
    a = emk_json_member(t, n, 0, "a");
    assert_int_equal(n[a].type, EMK_JSON_ARRAY);
    assert_true(n[n[n[a].child].next].num == -25.0);
    b = emk_json_member(t, n, 0, "b\xc3\xa9");
    assert_true(b >= 0);
    assert_int_equal(emk_json_string(t, &n[b], buf, sizeof(buf)), 6);
    assert_string_equal(buf, "x\ny\xe2\x82\xac");
    assert_int_equal(emk_json_member(t, n, 0, "zz"), -ENOENT);
    /* refusals */
    assert_int_equal(emk_json_parse("{\"a\":}", 6, n, 32, 8), -EINVAL);
    assert_int_equal(emk_json_parse("[1,]", 4, n, 32, 8), -EINVAL);
    assert_int_equal(emk_json_parse("01", 2, n, 32, 8), -EINVAL);
    assert_int_equal(emk_json_parse("\"\x01\"", 3, n, 32, 8), -EINVAL);
    assert_int_equal(emk_json_parse("\"\xc0\xaf\"", 4, n, 32, 8), -EINVAL);
    assert_int_equal(emk_json_parse("[[[[[[[[[1]]]]]]]]]", 19, n, 32, 8), -EINVAL);
    assert_int_equal(emk_json_parse("[1,2,3,4]", 9, n, 3, 8), -ENOSPC);
    assert_int_equal(emk_json_parse("{} x", 4, n, 32, 8), -EINVAL);
    /* quoting */
    assert_int_equal(emk_json_quote(buf, sizeof(buf), "a\"b\\\n\x01\xff", 7), 19);
    assert_string_equal(buf, "\"a\\\"b\\\\\\n\\u0001\xef\xbf\xbd\"");
}

/* RFC 6455's examples: the handshake (section 1.3) and a masked "Hello"
 * (section 5.7); frames the server refuses. */
static void test_websocket(void **st)
{
    char acc[29];
    uint8_t f[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58 };
    uint8_t unmasked[] = { 0x81, 0x05, 'H', 'e', 'l', 'l', 'o' };
    uint8_t frag[] = { 0x01, 0x81, 0, 0, 0, 0, 'a' };
    uint8_t big[] = { 0x81, 0xff, 0, 0, 0, 0, 0x40, 0, 0, 0 };
    unsigned op;
    uint8_t *pl;
    size_t n;
    (void)st;
    emk_ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", 24, acc);
    assert_string_equal(acc, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    assert_int_equal(emk_ws_parse_frame(f, 5, 1024, &op, &pl, &n), 0);   /* partial */
    assert_int_equal(emk_ws_parse_frame(f, sizeof(f), 1024, &op, &pl, &n), (long)sizeof(f));
    assert_int_equal(op, 1);
    assert_int_equal(n, 5);
    assert_memory_equal(pl, "Hello", 5);
    assert_int_equal(emk_ws_parse_frame(unmasked, sizeof(unmasked), 1024, &op, &pl, &n), -EPROTO);
    assert_int_equal(emk_ws_parse_frame(frag, sizeof(frag), 1024, &op, &pl, &n), -EPROTO);
    assert_int_equal(emk_ws_parse_frame(big, sizeof(big), 65536, &op, &pl, &n), -EPROTO);
}

/* ---- a machine and a client ---- */

static pid_t child = -1;
static char sock[108];

static void start(const char *sketch, const char *mode)
{
    char fw[1024];
    int i;

    snprintf(sock, sizeof(sock), "/tmp/emkit-ev-%d.sock", (int)getpid());
    unlink(sock);
    snprintf(fw, sizeof(fw), "%s/%s/%s.hex", dir, sketch, sketch);
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        char spec[128];

        snprintf(spec, sizeof(spec), "unix:%s", sock);
        freopen("/dev/null", "w", stderr);
        execl(emkit, emkit, "arduino", "--uart", "none", mode, "--cycles", "1600000000",
              "--events", spec, fw, (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 1000 && access(sock, F_OK) != 0; i++)    /* 10 s: a loaded host */
        usleep(10000);
    assert_int_equal(access(sock, F_OK), 0);
}

static void stop(void)
{
    int status;

    if (child > 0) {
        kill(child, SIGTERM);
        waitpid(child, &status, 0);
    }
    child = -1;
    unlink(sock);
}

typedef struct conn {
    int fd;
    char buf[65536];
    size_t n;
} conn;

static void connect_to(conn *c)
{
    struct sockaddr_un a;

    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, sock);
    {
        int i, r = -1;

        /* the socket file appears at bind(), a moment before listen() */
        for (i = 0; i < 200 && r != 0; i++) {
            c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
            assert_true(c->fd >= 0);
            r = connect(c->fd, (struct sockaddr *)&a, sizeof(a));
            if (r != 0) {
                close(c->fd);
                usleep(10000);
            }
        }
        assert_int_equal(r, 0);
    }
    c->n = 0;
}

/* Next line (without '\n') into out; 0, or -1 after 5 s. */
static int line(conn *c, char *out, size_t cap)
{
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->n);
        struct pollfd p = { c->fd, POLLIN, 0 };
        ssize_t r;

        if (nl) {
            size_t l = (size_t)(nl - c->buf);

            if (l >= cap)
                l = cap - 1;
            memcpy(out, c->buf, l);
            out[l] = 0;
            memmove(c->buf, nl + 1, c->n - (size_t)(nl - c->buf) - 1);
            c->n -= (size_t)(nl - c->buf) + 1;
            return 0;
        }
        if (poll(&p, 1, 5000) <= 0)
            return -1;
        r = read(c->fd, c->buf + c->n, sizeof(c->buf) - c->n);
        if (r <= 0)
            return -1;
        c->n += (size_t)r;
    }
}

static void send_line(conn *c, const char *s)
{
    size_t n = strlen(s);

    assert_int_equal(write(c->fd, s, n), (ssize_t)n);
    assert_int_equal(write(c->fd, "\n", 1), 1);
}

/* Sends s and returns the first reply that is not an event. */
static void call(conn *c, const char *s, char *out, size_t cap)
{
    send_line(c, s);
    do
        assert_int_equal(line(c, out, cap), 0);
    while (!strncmp(out, "{\"event\"", 8));
}

/* Emulated times of GPIO events of net (volts > 2.5 if rising is 1). */
static unsigned gpio_times(conn *c, const char *net, double *t, unsigned max, double until)
{
    char l[4096], want[64];
    unsigned n = 0;

    snprintf(want, sizeof(want), "\"net\": \"%s\"", net);
    while (n < max && line(c, l, sizeof(l)) == 0) {
        const char *tm = strstr(l, "\"time\": ");

        if (!tm)
            continue;
        if (!strncmp(l, "{\"event\": \"GPIO\"", 16) && strstr(l, want))
            t[n++] = atof(tm + 8);
        if (atof(tm + 8) > until)
            break;
    }
    return n;
}

static void test_protocol_errors(void **st)
{
    conn c, idle;
    char l[8192], *big;
    (void)st;
    start("Blink", "--realtime");
    connect_to(&c);
    assert_int_equal(line(&c, l, sizeof(l)), 0);
    assert_non_null(strstr(l, "\"emkit\": {\"version\""));
    assert_non_null(strstr(l, "\"machine\": \"arduino-uno\""));
    call(&c, "{\"execute\": \"query-status\"}", l, sizeof(l));
    assert_non_null(strstr(l, "CommandNotFound"));                /* not negotiated */
    call(&c, "{\"execute\": \"capabilities\"}", l, sizeof(l));
    assert_string_equal(l, "{\"return\": {}}");
    call(&c, "{\"execute\": \"set-input\", \"arguments\": {\"net\": ", l, sizeof(l));
    assert_non_null(strstr(l, "malformed JSON"));
    call(&c, "[1, 2]", l, sizeof(l));
    assert_non_null(strstr(l, "expected a JSON object"));
    call(&c, "{\"execute\": \"reboot\", \"id\": 3}", l, sizeof(l));
    assert_non_null(strstr(l, "CommandNotFound"));
    assert_non_null(strstr(l, "\"id\": 3"));
    call(&c, "{\"execute\": \"set-input\", \"arguments\": {\"net\": \"NOPE\", \"volts\": 1}}",
         l, sizeof(l));
    assert_non_null(strstr(l, "no net called 'NOPE'"));
    call(&c, "{\"execute\": \"set-input\", \"arguments\": {\"net\": \"D2\", \"volts\": 5.5}}",
         l, sizeof(l));
    assert_non_null(strstr(l, "out of range"));
    call(&c, "{\"execute\": \"set-input\", \"arguments\": {\"net\": \"D2\", \"volts\": -1}}",
         l, sizeof(l));
    assert_non_null(strstr(l, "out of range"));
    call(&c, "{\"execute\": \"set-part\", \"arguments\": {\"part\": \"POT1\", \"value\": 3}}",
         l, sizeof(l));
    assert_non_null(strstr(l, "out of range"));
    call(&c, "{\"execute\": \"set-input\", \"arguments\": \"D2\"}", l, sizeof(l));
    assert_non_null(strstr(l, "must be an object"));
    /* a 40 KiB line: refused, and the connection still answers */
    big = malloc(40000);
    memset(big, 'x', 39999);
    big[39999] = 0;
    call(&c, big, l, sizeof(l));
    free(big);
    assert_non_null(strstr(l, "line too long"));
    /* a second client that connects and never reads or writes */
    connect_to(&idle);
    call(&c, "{\"execute\": \"query-status\", \"id\": \"a\"}", l, sizeof(l));
    assert_non_null(strstr(l, "\"running\": true"));
    {
        unsigned long long c1 = strtoull(strstr(l, "\"cycles\": ") + 10, NULL, 10), c2;

        usleep(300000);
        call(&c, "{\"execute\": \"query-status\", \"id\": \"b\"}", l, sizeof(l));
        c2 = strtoull(strstr(l, "\"cycles\": ") + 10, NULL, 10);
        assert_true(c2 > c1 + 16000000ull / 10);                 /* still running */
    }
    call(&c, "{\"execute\": \"stop\"}", l, sizeof(l));
    call(&c, "{\"execute\": \"query-status\"}", l, sizeof(l));
    assert_non_null(strstr(l, "\"running\": false"));
    call(&c, "{\"execute\": \"cont\"}", l, sizeof(l));
    call(&c, "{\"execute\": \"quit\"}", l, sizeof(l));
    assert_string_equal(l, "{\"return\": {}}");
    {
        int status, i;

        for (i = 0; i < 500 && waitpid(child, &status, WNOHANG) == 0; i++)
            usleep(20000);
        assert_true(i < 500);                                   /* quit ended it */
        child = -1;
    }
    close(idle.fd);
    close(c.fd);
    stop();
}

static void test_blink_events(void **st)
{
    conn c;
    char l[4096];
    double t[8];
    unsigned n, i;
    (void)st;
    start("Blink", "--fast");
    connect_to(&c);
    line(&c, l, sizeof(l));
    call(&c, "{\"execute\": \"capabilities\"}", l, sizeof(l));
    n = gpio_times(&c, "D13", t, 6, 1e9);
    stop();
    close(c.fd);
    assert_int_equal(n, 6);
    /* t[0]: the state when negotiated, t[1]: the first HIGH after pinMode */
    for (i = 2; i < n; i++)
        assert_true(t[i] - t[i - 1] > 0.998 && t[i] - t[i - 1] < 1.002);   /* 1 ms slices */
}

static void test_analog_input_pot(void **st)
{
    conn c;
    char l[4096];
    double t[16];
    unsigned n;
    (void)st;
    start("AnalogInput", "--fast");
    connect_to(&c);
    line(&c, l, sizeof(l));
    call(&c, "{\"execute\": \"capabilities\"}", l, sizeof(l));
    call(&c, "{\"execute\": \"set-part\", \"arguments\": {\"part\": \"POT1\", \"value\": 0.2}}",
         l, sizeof(l));
    assert_string_equal(l, "{\"return\": {}}");
    n = gpio_times(&c, "D13", t, 12, 1e9);
    assert_int_equal(n, 12);
    /* analogRead = 204: half period 204 ms (+ ~0.1 ms), seen in 1 ms slices */
    assert_true((t[11] - t[3]) / 8 > 0.2025 && (t[11] - t[3]) / 8 < 0.2065);
    call(&c, "{\"execute\": \"set-adc\", \"arguments\": {\"net\": \"A0\", \"volts\": 0.5}}",
         l, sizeof(l));
    assert_string_equal(l, "{\"return\": {}}");
    n = gpio_times(&c, "D13", t, 12, 1e9);
    stop();
    close(c.fd);
    assert_int_equal(n, 12);
    /* 0.5 V: analogRead = 102 */
    assert_true((t[11] - t[3]) / 8 > 0.1005 && (t[11] - t[3]) / 8 < 0.1045);
}

static void test_serial_events(void **st)
{
    conn c;
    char l[4096], text[256] = "";
    unsigned i;
    (void)st;
    start("SerialEcho", "--realtime");
    connect_to(&c);
    line(&c, l, sizeof(l));
    call(&c, "{\"execute\": \"capabilities\"}", l, sizeof(l));
    usleep(200000);
    call(&c, "{\"execute\": \"uart-write\", \"arguments\": {\"data\": \"emkit\\n\"}}", l,
         sizeof(l));
    assert_string_equal(l, "{\"return\": {\"queued\": 6}}");
    for (i = 0; i < 200 && !strstr(text, "EMKIT\\n"); i++) {
        const char *p;

        if (line(&c, l, sizeof(l)) < 0)
            break;
        const char *q;

        if (strncmp(l, "{\"event\": \"UART\"", 16) || !(p = strstr(l, "\"text\": \"")) ||
            !(q = strstr(p + 9, "\"}")))
            continue;
        strncat(text, p + 9, (size_t)(q - p - 9) < sizeof(text) - strlen(text) - 1 ?
                (size_t)(q - p - 9) : sizeof(text) - strlen(text) - 1);
    }
    stop();
    close(c.fd);
    assert_non_null(strstr(text, "EMKIT\\n"));
}

/* pwm-stream: TIMER2 toggles OC2A (D11) every 200 us in hardware
 * (firmware/timers.c); sampled at 1 MHz the stream must show runs of 200
 * samples between edges, and stop when turned off. */
static void test_pwm_stream(void **st)
{
    conn c;
    char l[16384];
    unsigned got = 0, runs = 0, i;
    (void)st;
    start("timers", "--fast");
    connect_to(&c);
    line(&c, l, sizeof(l));
    call(&c, "{\"execute\": \"capabilities\"}", l, sizeof(l));
    call(&c, "{\"execute\": \"pwm-stream\", \"arguments\": {\"net\": \"D11\", \"rate\": 5}}",
         l, sizeof(l));
    assert_non_null(strstr(l, "must be 1000 to 1000000"));
    call(&c, "{\"execute\": \"pwm-stream\", \"arguments\": {\"net\": \"D11\", \"rate\": 1000000}}",
         l, sizeof(l));
    assert_string_equal(l, "{\"return\": {\"rate\": 1000000}}");
    while (got < 20 && line(&c, l, sizeof(l)) == 0) {
        const char *p = strstr(l, "\"samples\": \"");
        unsigned run = 0, first = 1;

        if (strncmp(l, "{\"event\": \"PWM-STREAM\"", 22) || !p)
            continue;
        got++;
        for (p += 12; *p == '0' || *p == '1'; p++) {
            if (p[1] == p[0] || (p[1] != '0' && p[1] != '1')) {
                run++;
                continue;
            }
            run++;
            if (!first) {                       /* a whole run between two edges */
                assert_true(run >= 199 && run <= 201);
                runs++;
            }
            first = 0;
            run = 0;
        }
    }
    assert_int_equal(got, 20);
    assert_true(runs >= 40);                    /* 1000 samples a slice: 4 whole runs */
    call(&c, "{\"execute\": \"pwm-stream\", \"arguments\": {\"net\": \"D11\", \"on\": false}}",
         l, sizeof(l));
    assert_string_equal(l, "{\"return\": {\"rate\": 100000}}");
    for (i = 0; i < 50; i++) {                  /* a stream already in flight may end */
        if (line(&c, l, sizeof(l)) < 0)
            break;
        if (i > 5)
            assert_null(strstr(l, "PWM-STREAM"));
    }
    stop();
    close(c.fd);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_websocket),
        cmocka_unit_test(test_protocol_errors),
        cmocka_unit_test(test_blink_events),
        cmocka_unit_test(test_analog_input_pot),
        cmocka_unit_test(test_serial_events),
        cmocka_unit_test(test_pwm_stream),
    };
    if (argc != 3) {
        fprintf(stderr, "usage: test-events EMKIT SKETCH-DIR\n");
        return 2;
    }
    emkit = argv[1];
    dir = argv[2];
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
