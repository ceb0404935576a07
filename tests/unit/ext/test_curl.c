/* Tests of src/ext/curl.c: chaptag_chapters_fetch_images() against a small HTTP server on
   127.0.0.1 in a thread of the test (no network): a picture arrives byte for byte with its
   type, and each way a download fails (timeout, too large, too many redirects, an HTTP error,
   not a picture, no libcurl) is CHAPTAG_ERR_INPUT on the chapter's line naming the URL and
   the reason. Every test is skipped, never passed, when libcurl is not installed. */
#include "testutil.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chapters.h"
#include "curl.h"

/* Skips the test unless libcurl is there to be loaded. */
static void need_libcurl(void)
{
    static int have = -1;
    if (have < 0) {
        void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
        if (h == NULL)
            h = dlopen("libcurl.4.dylib", RTLD_NOW | RTLD_LOCAL);
        have = h != NULL;
        if (h != NULL)
            dlclose(h);
    }
    if (!have)
        skip();
}

/* Writes the answer to the request for PATH on the connection FD. */
typedef void (*responder)(int fd, const char *path);

/* A server on 127.0.0.1 that answers every connection with RESPOND until none comes for 3 s
   or it is stopped. */
typedef struct {
    int fd;
    unsigned port;
    responder respond;
    pthread_t thread;
} server;

static const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0,
                               1,    1,    0,    0,    1, 0,    1,   0,   0,   0xFF, 0xD9};

/* Sends all LEN bytes at P; false when the client has gone. */
static bool send_all(int fd, const void *p, size_t len)
{
    const char *c = p;
    while (len > 0) {
        ssize_t n = send(fd, c, len, 0);
        if (n <= 0)
            return false;
        c += n;
        len -= (size_t)n;
    }
    return true;
}

static void send_text(int fd, const char *s)
{
    send_all(fd, s, strlen(s));
}

static void answer_jpeg(int fd, const char *path)
{
    char head[256];
    (void)path;
    snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n", sizeof jpeg);
    send_text(fd, head);
    send_all(fd, jpeg, sizeof jpeg);
}

static void answer_html(int fd, const char *path)
{
    (void)path;
    send_text(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n"
                  "Connection: close\r\n\r\n<html></html>");
}

static void answer_404(int fd, const char *path)
{
    (void)path;
    send_text(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

/* "/rN" redirects to "/r(N-1)"; "/r0" is the picture. */
static void answer_redirects(int fd, const char *path)
{
    unsigned n = 0;
    if (sscanf(path, "/r%u", &n) != 1 || n == 0) {
        answer_jpeg(fd, path);
        return;
    }
    char head[256];
    snprintf(head, sizeof head, "HTTP/1.1 302 Found\r\nLocation: /r%u\r\nContent-Length: 0\r\n"
             "Connection: close\r\n\r\n", n - 1);
    send_text(fd, head);
}

/* 17 MiB of picture, its size announced when PATH is "/announced". */
static void answer_17_mib(int fd, const char *path)
{
    static uint8_t block[1 << 16];
    memcpy(block, jpeg, 4);
    send_text(fd, strcmp(path, "/announced") == 0
                      ? "HTTP/1.1 200 OK\r\nContent-Length: 17825792\r\n\r\n"
                      : "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    for (int i = 0; i < 17 * 16 && send_all(fd, block, sizeof block); i++)
        memset(block, 0, 4);
}

/* Says nothing until the client gives up (at most 10 s). */
static void answer_nothing(int fd, const char *path)
{
    (void)path;
    struct pollfd p = {fd, POLLIN, 0};
    char c;
    while (poll(&p, 1, 10000) == 1 && recv(fd, &c, 1, 0) == 1)
        ;
}

static void *serve(void *opaque)
{
    server *s = opaque;
    struct pollfd p = {s->fd, POLLIN, 0};
    while (poll(&p, 1, 3000) == 1 && (p.revents & POLLIN)) {
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            break;
        char req[4096] = "", path[256] = "/";
        size_t n = 0;
        ssize_t got;
        while (n < sizeof req - 1 && strstr(req, "\r\n\r\n") == NULL &&
               (got = recv(c, req + n, sizeof req - 1 - n, 0)) > 0)
            req[n += (size_t)got] = '\0';
        sscanf(req, "GET %255s", path);
        s->respond(c, path);
        close(c);
    }
    return NULL;
}

static void server_start(server *s, responder respond)
{
    struct sockaddr_in a = {0};
    socklen_t len = sizeof a;
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->fd >= 0);
    assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s->fd, 16), 0);
    assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
    s->port = ntohs(a.sin_port);
    s->respond = respond;
    assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_stop(server *s)
{
    shutdown(s->fd, SHUT_RDWR); /* wakes the poll on Linux; elsewhere it times out */
    pthread_join(s->thread, NULL);
    close(s->fd);
}

/* Two chapters on lines 1 and 2; the second's picture is the link http://127.0.0.1:PORT/PATH. */
static chaptag_chapters *linked_list(const server *s, const char *path)
{
    static const char text[] = "00:00:00 One\n00:01:00 Two\n";
    chaptag_chapters *list = ct_test_parse("text", text, sizeof text - 1);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", s->port, path);
    assert_int_equal(chaptag_chapters_set_image_link(list, 1, url, NULL), CHAPTAG_OK);
    return list;
}

/* Fails unless fetching the picture at PATH from a server answering with RESPOND is
   CHAPTAG_ERR_INPUT on line 2 with a message naming the URL and holding WHY. */
static void assert_fetch_fails(responder respond, const char *path, const char *why)
{
    need_libcurl();
    server s;
    server_start(&s, respond);
    chaptag_chapters *list = linked_list(&s, path);
    chaptag_error err = {0};
    assert_int_equal(chaptag_chapters_fetch_images(list, &err), CHAPTAG_ERR_INPUT);
    assert_int_equal(err.line, 2);
    if (strstr(err.msg, why) == NULL || strstr(err.msg, "http://127.0.0.1:") == NULL)
        fail_msg("\"%s\" does not name the URL and say \"%s\"", err.msg, why);
    assert_null(chaptag_chapters_get(list, 1)->image_data);
    chaptag_chapters_free(list);
    server_stop(&s);
}

static void a_picture_arrives_byte_for_byte_and_keeps_its_url(void **state)
{
    (void)state;
    need_libcurl();
    server s;
    server_start(&s, answer_jpeg);
    chaptag_chapters *list = linked_list(&s, "/ep1.jpg");
    chaptag_error err = {0};
    assert_int_equal(chaptag_chapters_fetch_images(list, &err), CHAPTAG_OK);
    const chaptag_chapter *ch = chaptag_chapters_get(list, 1);
    assert_bytes_equal(ch->image_data, ch->image_len, jpeg, sizeof jpeg);
    assert_string_equal(ch->image_mime, "image/jpeg");
    assert_non_null(strstr(ch->image, "/ep1.jpg"));
    assert_int_equal(chaptag_chapter_image_kind(ch), CHAPTAG_IMAGE_EMBEDDED);
    assert_int_equal(chaptag_chapter_image_kind(chaptag_chapters_get(list, 0)),
                     CHAPTAG_IMAGE_NONE);
    chaptag_chapters_free(list);
    server_stop(&s);
}

static void five_redirects_are_followed(void **state)
{
    (void)state;
    need_libcurl();
    server s;
    server_start(&s, answer_redirects);
    chaptag_chapters *list = linked_list(&s, "/r5");
    chaptag_error err = {0};
    assert_int_equal(chaptag_chapters_fetch_images(list, &err), CHAPTAG_OK);
    const chaptag_chapter *ch = chaptag_chapters_get(list, 1);
    assert_bytes_equal(ch->image_data, ch->image_len, jpeg, sizeof jpeg);
    chaptag_chapters_free(list);
    server_stop(&s);
}

static void six_redirects_are_too_many(void **state)
{
    (void)state;
    assert_fetch_fails(answer_redirects, "/r6", "more than 5 redirects");
}

static void an_http_error_names_its_status(void **state)
{
    (void)state;
    assert_fetch_fails(answer_404, "/gone.jpg", "the server answered HTTP 404");
}

static void a_page_is_not_a_picture(void **state)
{
    (void)state;
    assert_fetch_fails(answer_html, "/page.jpg",
                       "is neither JPEG nor PNG (the server calls it text/html)");
}

static void a_picture_announced_past_16_mib_is_refused(void **state)
{
    (void)state;
    assert_fetch_fails(answer_17_mib, "/announced", "larger than 16 MiB");
}

static void a_picture_past_16_mib_is_cut_short(void **state)
{
    (void)state;
    assert_fetch_fails(answer_17_mib, "/unannounced", "larger than 16 MiB");
}

static void a_silent_server_times_out_after_chaptag_fetch_timeout(void **state)
{
    (void)state;
    setenv("CHAPTAG_FETCH_TIMEOUT", "1", 1);
    time_t t0 = time(NULL);
    assert_fetch_fails(answer_nothing, "/slow.jpg", "timed out");
    unsetenv("CHAPTAG_FETCH_TIMEOUT");
    assert_true(time(NULL) - t0 <= 4);
}

static void a_closed_port_is_an_error_on_the_line(void **state)
{
    (void)state;
    need_libcurl();
    server s;
    server_start(&s, answer_404);
    chaptag_chapters *list = linked_list(&s, "/x.png");
    server_stop(&s); /* nothing listens there any more */
    chaptag_error err = {0};
    assert_int_equal(chaptag_chapters_fetch_images(list, &err), CHAPTAG_ERR_INPUT);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "cannot fetch the picture http://127.0.0.1:"));
    chaptag_chapters_free(list);
}

static void the_timeout_is_60_s_unless_lowered_to_1_to_60(void **state)
{
    (void)state;
    static const struct {
        const char *env;
        long want;
    } cases[] = {{NULL, 60}, {"2", 2}, {"60", 60}, {"0", 60}, {"61", 60}, {"2s", 60}, {"", 60}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].env == NULL)
            unsetenv("CHAPTAG_FETCH_TIMEOUT");
        else
            setenv("CHAPTAG_FETCH_TIMEOUT", cases[i].env, 1);
        assert_int_equal(ct_curl_timeout(), cases[i].want);
    }
    unsetenv("CHAPTAG_FETCH_TIMEOUT");
}

/* Runs CHILD in a new process, where loading libcurl starts afresh; fails unless it exits 0. */
static void in_child(int (*child)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child());
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* Other links, local files and loaded pictures are left alone, without loading libcurl. */
static int nothing_to_fetch(void)
{
    static const char text[] = "00:00:00 One\n00:01:00 Two\n00:02:00 Three\n";
    chaptag_chapters *list = ct_test_parse("text", text, sizeof text - 1);
    chaptag_error err = {0};
    int bad = chaptag_chapters_set_image_link(list, 0, "ftp://example.org/a.jpg", NULL) != 0;
    chaptag_chapter ch = {0};
    ch.title = "Four";
    ch.start_ms = 180000;
    ch.image = "http://example.invalid/b.jpg";
    ch.image_data = jpeg;
    ch.image_len = sizeof jpeg;
    ch.image_mime = "image/jpeg";
    bad |= chaptag_chapters_add(list, &ch, NULL) != CHAPTAG_OK;
    bad |= chaptag_chapters_fetch_images(list, &err) != CHAPTAG_OK;
    bad |= chaptag_chapter_image_kind(chaptag_chapters_get(list, 0)) != CHAPTAG_IMAGE_LINK;
    bad |= chaptag_chapters_get(list, 3)->image_len != sizeof jpeg;
    bad |= ct_curl_loaded();
    chaptag_chapters_free(list);
    return bad;
}

static void nothing_to_fetch_loads_no_libcurl(void **state)
{
    (void)state;
    in_child(nothing_to_fetch);
}

/* With libcurl missing, the first chapter that needs it says which package to install. */
static int without_libcurl(void)
{
    setenv("CHAPTAG_LIBCURL", "/nonexistent/libcurl.so.4", 1);
    static const char text[] = "00:00:00 One\n00:01:00 Two\n";
    chaptag_chapters *list = ct_test_parse("text", text, sizeof text - 1);
    chaptag_error err = {0};
    chaptag_chapters_set_image_link(list, 1, "https://example.invalid/b.jpg", NULL);
    int bad = chaptag_chapters_fetch_images(list, &err) != CHAPTAG_ERR_INPUT;
    bad |= err.line != 2 || strstr(err.msg, "libcurl4") == NULL;
    if (bad)
        fprintf(stderr, "without libcurl: line %u: %s\n", err.line, err.msg);
    chaptag_chapters_free(list);
    return bad;
}

static void a_missing_libcurl_names_the_package(void **state)
{
    (void)state;
    in_child(without_libcurl);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN); /* the server's sends to a client that hung up */
    /* the test server is on 127.0.0.1: no proxy of the environment may stand in between */
    static const char *const proxies[] = {"http_proxy", "HTTP_PROXY", "https_proxy",
                                          "HTTPS_PROXY", "all_proxy", "ALL_PROXY"};
    for (size_t i = 0; i < sizeof proxies / sizeof proxies[0]; i++)
        unsetenv(proxies[i]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nothing_to_fetch_loads_no_libcurl),
        cmocka_unit_test(a_missing_libcurl_names_the_package),
        cmocka_unit_test(the_timeout_is_60_s_unless_lowered_to_1_to_60),
        cmocka_unit_test(a_picture_arrives_byte_for_byte_and_keeps_its_url),
        cmocka_unit_test(five_redirects_are_followed),
        cmocka_unit_test(six_redirects_are_too_many),
        cmocka_unit_test(an_http_error_names_its_status),
        cmocka_unit_test(a_page_is_not_a_picture),
        cmocka_unit_test(a_picture_announced_past_16_mib_is_refused),
        cmocka_unit_test(a_picture_past_16_mib_is_cut_short),
        cmocka_unit_test(a_silent_server_times_out_after_chaptag_fetch_timeout),
        cmocka_unit_test(a_closed_port_is_an_error_on_the_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
