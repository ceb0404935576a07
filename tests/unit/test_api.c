/* Tests of src/api.c, src/avformat.c and src/taglib.c through the public API on files in a
   temporary directory: embed, read, verify and strip; the output, dry-run and error paths that
   must leave the input untouched; libavformat and TagLib for what the native backends do not
   cover. */
#include "testutil.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "chapters.h"
#include "taglib.h"

/* A v2.3 tag with TPE1 "Host", before the frames of the MP3s written here. */
static const uint8_t host_tag[] = {'I', 'D', '3', 3,   0,   0,   0,   0,   0,   15,  'T', 'P',
                                   'E', '1', 0,   0,   0,   5,   0,   0,   0,   'H', 'o', 's',
                                   't'};

static void write_mp3(const char *path, size_t n_frames)
{
    ct_test_write_mp3(path, host_tag, sizeof host_tag, n_frames);
}

/* One second of 8 kHz mono 16-bit silence as a WAV file: the native WAV container reads it. */
static void write_wav(const char *path)
{
    static const uint32_t rate = 8000, bytes = 16000;
    uint8_t h[44] = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E', 'f', 'm', 't', ' ',
                     16,  0,   0,   0,   1, 0, 1, 0};
    uint32_t riff = 36 + bytes, byte_rate = rate * 2;
    memcpy(h + 4, &riff, 4); /* little-endian host, as the build machines are */
    memcpy(h + 24, &rate, 4);
    memcpy(h + 28, &byte_rate, 4);
    h[32] = 2, h[34] = 16;
    memcpy(h + 36, "data", 4);
    memcpy(h + 40, &bytes, 4);
    uint8_t *p = calloc(1, sizeof h + bytes);
    memcpy(p, h, sizeof h);
    ct_test_write_file(path, p, sizeof h + bytes);
    free(p);
}

/* The same second as an AIFF file (big-endian, the rate an 80-bit float): no native
   container reads it, so it goes through libavformat. */
static void write_aiff(const char *path)
{
    static const uint8_t h[54] = {
        'F', 'O', 'R', 'M', 0, 0, 0x3E, 0xAE, 'A', 'I', 'F', 'F', 'C', 'O', 'M', 'M',
        0, 0, 0, 18, 0, 1, 0, 0, 0x1F, 0x40, 0, 16, 0x40, 0x0B, 0xFA, 0, 0, 0, 0, 0, 0, 0,
        'S', 'S', 'N', 'D', 0, 0, 0x3E, 0x88, 0, 0, 0, 0, 0, 0, 0, 0};
    uint8_t *p = calloc(1, sizeof h + 16000);
    memcpy(p, h, sizeof h);
    ct_test_write_file(path, p, sizeof h + 16000);
    free(p);
}

static chaptag_chapters *read_ok(const char *path, chaptag_file_info *info)
{
    chaptag_chapters *l = NULL;
    chaptag_error err = {0};
    if (chaptag_read(path, &l, info, &err) != CHAPTAG_OK)
        fail_msg("read %s: %s", path, err.msg);
    return l;
}

static void embed_read_verify_strip_an_mp3(void **state)
{
    (void)state;
    const char *mp3 = ct_test_path("ep.mp3", 0);
    write_mp3(mp3, 200); /* 5.2 s */
    chaptag_chapters *l = ct_test_chapters(4, 1000, "Part");
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    chaptag_report *rep = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_embed(mp3, l, &o, &rep, &err), CHAPTAG_OK);
    assert_int_equal(chaptag_report_kind(rep), CHAPTAG_WROTE_FILE); /* the tag had no room */
    assert_string_equal(chaptag_report_what(rep), "ID3v2.3 tag");
    assert_true(chaptag_report_padding(rep) > 0); /* room for the next edit */
    chaptag_report_free(rep);

    chaptag_chapters *back = read_ok(mp3, NULL);
    assert_int_equal(chaptag_chapters_count(back), 4);
    assert_string_equal(chaptag_chapters_get(back, 2)->title, "Part 3");
    chaptag_chapters_free(back);

    chaptag_chapters *again = ct_test_chapters(4, 1000, "Renamed");
    assert_int_equal(chaptag_embed(mp3, again, &o, &rep, &err), CHAPTAG_OK);
    assert_int_equal(chaptag_report_kind(rep), CHAPTAG_WROTE_IN_PLACE);
    assert_true(chaptag_report_in_place(rep));
    chaptag_report_free(rep);

    chaptag_verdict *v = NULL;
    assert_int_equal(chaptag_verify(mp3, again, &v, &err), CHAPTAG_OK);
    for (size_t i = 0; i < chaptag_verdict_count(v); i++)
        assert_int_not_equal(chaptag_verdict_get(v, i)->severity, CHAPTAG_ERROR);
    assert_string_equal(chaptag_verdict_info(v)->container, "MP3");
    char *json = NULL;
    assert_int_equal(chaptag_verdict_json(v, mp3, 1, &json, &err), CHAPTAG_OK);
    assert_non_null(strstr(json, "\"ok\": true"));
    free(json);
    chaptag_verdict_free(v);

    assert_int_equal(chaptag_verify(mp3, l, &v, &err), CHAPTAG_OK); /* the old titles */
    bool differs = false;
    for (size_t i = 0; i < chaptag_verdict_count(v); i++)
        differs |= strcmp(chaptag_verdict_get(v, i)->code, "title-differs") == 0;
    assert_true(differs);
    chaptag_verdict_free(v);

    assert_int_equal(chaptag_strip(mp3, &o, &rep, &err), CHAPTAG_OK);
    chaptag_report_free(rep);
    chaptag_file_info info;
    back = read_ok(mp3, &info);
    assert_int_equal(chaptag_chapters_count(back), 0);
    assert_string_equal(chaptag_chapters_meta(back, "artist"), "Host"); /* not ours: kept */
    chaptag_chapters_free(back);
    const char *empty = ct_test_path("empty.mp3", 1); /* said so, without asking FFmpeg */
    ct_test_write_file(empty, "", 0);
    chaptag_chapters *none = NULL;
    assert_int_equal(chaptag_read(empty, &none, NULL, &err), CHAPTAG_ERR_AUDIO);
    assert_string_equal(err.msg, "empty file");
    assert_false(ct_avformat_loaded()); /* MP3 never needs FFmpeg */
    chaptag_chapters_free(l);
    chaptag_chapters_free(again);
}

/* What a progress callback was told: the calls, the last DONE and TOTAL, and whether DONE
   ever went back or past the total. */
typedef struct {
    size_t calls;
    uint64_t done, total;
    bool wrong;
} told;

static void record_progress(uint64_t done, uint64_t total, void *ctx)
{
    told *t = ctx;
    t->wrong |= done < t->done || done > total || (t->calls > 0 && total != t->total);
    t->calls++;
    t->done = done;
    t->total = total;
}

static void a_rewrite_tells_its_progress_up_to_the_new_size(void **state)
{
    (void)state;
    const char *mp3 = ct_test_path("long.mp3", 0), *out = ct_test_path("long-out.mp3", 1);
    write_mp3(mp3, 50000); /* 20.9 MB, 21:40 */
    chaptag_chapters *l = ct_test_chapters(4, 60000, "Part");
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    chaptag_report *rep = NULL;
    chaptag_error err = {0};
    told t = {0};
    assert_int_equal(chaptag_embed_progress(mp3, l, &o, record_progress, &t, &rep, &err),
                     CHAPTAG_OK);
    assert_int_equal(chaptag_report_kind(rep), CHAPTAG_WROTE_FILE);
    chaptag_report_free(rep);
    size_t len;
    free(ct_test_read_file(mp3, &len));
    assert_true(t.calls >= 2); /* a MiB or more apart, and the end */
    assert_false(t.wrong);
    assert_int_equal(t.done, len);
    assert_int_equal(t.total, len);

    t = (told){0}; /* in place (the tag has padding now): quick, nothing told */
    assert_int_equal(chaptag_strip_progress(mp3, &o, record_progress, &t, &rep, &err),
                     CHAPTAG_OK);
    assert_int_equal(chaptag_report_kind(rep), CHAPTAG_WROTE_IN_PLACE);
    chaptag_report_free(rep);
    assert_int_equal(t.calls, 0);

    o.output = out; /* into another file: a rewrite, told */
    assert_int_equal(chaptag_strip_progress(mp3, &o, record_progress, &t, &rep, &err),
                     CHAPTAG_OK);
    chaptag_report_free(rep);
    free(ct_test_read_file(out, &len));
    assert_true(t.calls >= 2);
    assert_false(t.wrong);
    assert_int_equal(t.done, len);
    chaptag_chapters_free(l);
}

static void output_and_dry_run_leave_the_input_untouched(void **state)
{
    (void)state;
    const char *mp3 = ct_test_path("in.mp3", 0), *out = ct_test_path("out.mp3", 1);
    write_mp3(mp3, 100);
    size_t before_len, after_len;
    char *before = ct_test_read_file(mp3, &before_len);
    chaptag_chapters *l = ct_test_chapters(2, 1000, "Chapter");
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    chaptag_report *rep = NULL;
    chaptag_error err = {0};
    o.dry_run = 1;
    assert_int_equal(chaptag_embed(mp3, l, &o, &rep, &err), CHAPTAG_OK);
    assert_int_equal(chaptag_report_bytes_written(rep), 0);
    assert_non_null(strstr(chaptag_report_plan(rep), "CHAP"));
    chaptag_report_free(rep);
    o.dry_run = 0;
    o.output = out;
    assert_int_equal(chaptag_embed(mp3, l, &o, &rep, &err), CHAPTAG_OK);
    chaptag_report_free(rep);
    char *after = ct_test_read_file(mp3, &after_len);
    assert_bytes_equal(after, after_len, before, before_len);
    chaptag_chapters *back = read_ok(out, NULL);
    assert_int_equal(chaptag_chapters_count(back), 2);
    chaptag_chapters_free(back);
    chaptag_chapters_free(l);
    free(before);
    free(after);
}

static void bad_input_fails_with_its_status_and_touches_nothing(void **state)
{
    (void)state;
    chaptag_chapters *l = ct_test_chapters(3, 1000, "Chapter");
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    chaptag_report *rep = NULL;
    chaptag_error err = {0};

    assert_int_equal(chaptag_embed(ct_test_path("missing.mp3", 0), l, &o, &rep, &err), CHAPTAG_ERR_IO);
    assert_int_equal(err.sys_errno, ENOENT);
    assert_null(rep);

    const char *short_mp3 = ct_test_path("short.mp3", 0); /* 0.26 s: chapter 3 starts past the end */
    write_mp3(short_mp3, 10);
    size_t before_len, after_len;
    char *before = ct_test_read_file(short_mp3, &before_len);
    assert_int_equal(chaptag_embed(short_mp3, l, &o, &rep, &err), CHAPTAG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "past the end"));
    char *after = ct_test_read_file(short_mp3, &after_len);
    assert_bytes_equal(after, after_len, before, before_len);
    free(before);
    free(after);

    const char *text = ct_test_path("notes.mp3", 0);
    ct_test_write_file(text, "00:00 this is a chapter list, not audio\n", 40);
    chaptag_chapters *none = NULL;
    assert_int_equal(chaptag_read(text, &none, NULL, &err), CHAPTAG_ERR_AUDIO);
    assert_null(none);
    assert_true(err.msg[0] != '\0');
    chaptag_chapters_free(l);
}

/* Embeds L into the file at PATH with its Nth write of bytes corrupted, for N from 1 on, the
   file as it was before each run: each run either fails as an I/O error with the file
   byte-identical, or succeeds with exactly L in the file (the fault hit bytes a later step
   wrote again). Returns how many runs the read-back caught. */
static size_t corrupt_each_write(const char *path, const chaptag_chapters *l)
{
    size_t caught = 0, orig_len;
    char *orig = ct_test_read_file(path, &orig_len);
    for (unsigned long n = 1; n < 64; n++) {
        ct_test_write_file(path, orig, orig_len);
        size_t after_len;
        chaptag_error err = {0};
        chaptag_report *rep = NULL;
        ct_fileio_corrupt_at(n);
        chaptag_status st = chaptag_embed(path, l, NULL, &rep, &err);
        bool missed = ct_fileio_corrupt_at(0) != 0; /* fewer writes than N: all had a turn */
        char *after = ct_test_read_file(path, &after_len);
        if (st != CHAPTAG_OK) {
            assert_int_equal(st, CHAPTAG_ERR_IO);
            assert_non_null(strstr(err.msg, "read"));
            assert_bytes_equal(after, after_len, orig, orig_len);
            caught++;
        } else {
            chaptag_chapters *back = read_ok(path, NULL);
            char why[200];
            assert_true(ct_chapters_match(l, back, SIZE_MAX, why, sizeof why));
            chaptag_chapters_free(back);
        }
        free(after);
        chaptag_report_free(rep);
        if (missed)
            break;
    }
    free(orig);
    return caught;
}

static void a_write_that_reads_back_wrong_is_undone(void **state)
{
    (void)state;
    const char *mp3 = ct_test_path("corrupt.mp3", 0);
    write_mp3(mp3, 200);
    chaptag_chapters *a = ct_test_chapters(4, 1000, "First list");
    chaptag_chapters *b = ct_test_chapters(4, 1000, "Other list");
    /* a rewrite (the tag has no room): caught before the rename */
    assert_true(corrupt_each_write(mp3, a) > 0);
    /* an edit in place (now there is padding): caught after the steps, and put back */
    assert_true(corrupt_each_write(mp3, b) > 0);
    chaptag_chapters_free(a);
    chaptag_chapters_free(b);
}

/* The status of loading a one-chapter list whose picture is IMAGE, the chapter file being
   LIST_PATH, with the folders DIRS (N of them) allowed; the error's line must be 1. */
static chaptag_status load_one(const char *image, const char *list_path, const char *const *dirs,
                               size_t n, chaptag_error *err)
{
    chaptag_chapters *l = chaptag_chapters_new();
    chaptag_chapter ch = {0};
    ch.title = "A";
    ch.image = image;
    ch.line = 1;
    ch.end_ms = CHAPTAG_TIME_NONE;
    assert_int_equal(chaptag_chapters_add(l, &ch, NULL), CHAPTAG_OK);
    chaptag_status st = chaptag_chapters_load_images_from(l, list_path, dirs, n, err);
    if (st != CHAPTAG_OK)
        assert_int_equal(err->line, 1);
    chaptag_chapters_free(l);
    return st;
}

static void a_chapter_file_reaches_no_picture_outside_its_folders(void **state)
{
    (void)state;
    char *dir = ct_test_tmpdir(), p[4][512];
    static const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0, 0};
    snprintf(p[0], sizeof p[0], "%s/list.json", dir);
    snprintf(p[1], sizeof p[1], "%s/in.jpg", dir);
    ct_test_write_file(p[1], jpeg, sizeof jpeg);
    snprintf(p[2], sizeof p[2], "%s/fifo.jpg", dir);
    assert_int_equal(mkfifo(p[2], 0600), 0);
    snprintf(p[3], sizeof p[3], "%s/out.jpg", ct_test_path("", 0));
    ct_test_write_file(p[3], jpeg, sizeof jpeg);
    chaptag_error err = {0};
    assert_int_equal(load_one("in.jpg", p[0], NULL, 0, &err), CHAPTAG_OK);
    assert_int_equal(load_one(p[3], p[0], NULL, 0, &err), CHAPTAG_ERR_INPUT); /* absolute */
    assert_non_null(strstr(err.msg, "--image-dir"));
    char up[600];
    snprintf(up, sizeof up, "../%s", strrchr(p[3], '/') + 1); /* ../ leading elsewhere */
    assert_int_equal(load_one(up, p[0], NULL, 0, &err), CHAPTAG_ERR_INPUT);
    const char *allowed[] = {ct_test_path("", 0)};
    assert_int_equal(load_one(p[3], p[0], allowed, 1, &err), CHAPTAG_OK);
    assert_int_equal(load_one("fifo.jpg", p[0], NULL, 0, &err), CHAPTAG_ERR_INPUT); /* no hang */
    assert_non_null(strstr(err.msg, "not a regular file"));
    snprintf(p[2], sizeof p[2], "%s/link.jpg", dir); /* a symlink out */
    assert_int_equal(symlink(p[3], p[2]), 0);
    assert_int_equal(load_one("link.jpg", p[0], NULL, 0, &err), CHAPTAG_ERR_INPUT);
    uint8_t *big = calloc(1, (16u << 20) + 1);
    memcpy(big, jpeg, sizeof jpeg);
    snprintf(p[2], sizeof p[2], "%s/big.jpg", dir);
    ct_test_write_file(p[2], big, (16u << 20) + 1);
    free(big);
    assert_int_equal(load_one("big.jpg", p[0], NULL, 0, &err), CHAPTAG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "16 MiB"));
    ct_test_rmdir(dir);
}

static void links_must_be_web_addresses(void **state)
{
    (void)state;
    const char *mp3 = ct_test_path("links.mp3", 0);
    write_mp3(mp3, 200);
    static const char *const bad[] = {"javascript:alert(1)", "data:text/html,x", "file:///etc/passwd",
                                      "https://example.com/\x01x"};
    for (size_t i = 0; i < 5; i++) {
        chaptag_chapters *l = chaptag_chapters_new();
        chaptag_chapter ch = {0};
        ch.title = "A";
        ch.url = i < 4 ? bad[i] : "https://example.com/ok";
        ch.line = 7;
        ch.end_ms = CHAPTAG_TIME_NONE;
        assert_int_equal(chaptag_chapters_add(l, &ch, NULL), CHAPTAG_OK);
        chaptag_error err = {0};
        chaptag_status st = chaptag_embed(mp3, l, NULL, NULL, &err);
        assert_int_equal(st, i < 4 ? CHAPTAG_ERR_INPUT : CHAPTAG_OK);
        if (i < 4)
            assert_int_equal(err.line, 7);
        chaptag_chapters_free(l);
    }
}

/* The warnings of REP joined by '|'. */
static const char *report_warnings(const chaptag_report *rep, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < chaptag_report_warning_count(rep); i++)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%u:%s", i ? "|" : "",
                 chaptag_report_warning(rep, i)->line, chaptag_report_warning(rep, i)->msg);
    return buf;
}

static void what_a_container_cannot_hold_is_said_once_per_kind(void **state)
{
    (void)state;
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10};
    const char *wav = ct_test_path("unkept.wav", 0);
    write_wav(wav);
    chaptag_chapters *l = chaptag_chapters_new();
    for (unsigned i = 0; i < 4; i++) {
        chaptag_chapter ch = {.start_ms = 100 * i, .end_ms = CHAPTAG_TIME_NONE, .title = "A",
                              .line = 10 + i};
        ch.url = i > 0 ? "https://example.com/x" : NULL;
        ch.image = i == 2 ? "https://example.com/p.jpg" : NULL;
        ch.image_data = i == 3 ? jpeg : NULL;
        ch.image_len = i == 3 ? sizeof jpeg : 0;
        ch.image_mime = i == 3 ? "image/jpeg" : NULL;
        assert_int_equal(chaptag_chapters_add(l, &ch, NULL), CHAPTAG_OK);
    }
    chaptag_report *rep = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_embed(wav, l, NULL, &rep, &err), CHAPTAG_OK);
    char buf[1024];
    assert_string_equal(report_warnings(rep, buf, sizeof buf),
                        "11:3 chapter links are not written: WAV chapters as chaptag writes them "
                        "have no place for links|"
                        "13:1 chapter picture is not written: WAV chapters as chaptag writes "
                        "them have no place for pictures|"
                        "12:1 chapter picture given as a URL is not written: WAV chapters hold "
                        "no picture links");
    chaptag_report_free(rep);
    chaptag_chapters *back = read_ok(wav, NULL);
    assert_int_equal(chaptag_chapters_count(back), 4);
    assert_null(chaptag_chapters_get(back, 1)->url);
    chaptag_chapters_free(back);
    chaptag_chapters_free(l);
}

static void file_kinds_are_told_by_content(void **state)
{
    (void)state;
    const char *mp3 = ct_test_path("kind.mp3", 0), *txt = ct_test_path("kind.txt", 1);
    const char *u16 = ct_test_path("kind-utf16.txt", 2);
    write_mp3(mp3, 20);
    ct_test_write_file(txt, "00:00 Intro\n", 12);
    static const char utf16[] = "\xff\xfe" "0\0" "0\0" ":\0" "0\0" "0\0" " \0" "A\0" "\n\0";
    ct_test_write_file(u16, utf16, sizeof utf16 - 1);
    assert_int_equal(chaptag_file_kind(mp3), CHAPTAG_KIND_AUDIO);
    assert_int_equal(chaptag_file_kind(txt), CHAPTAG_KIND_CHAPTERS);
    assert_int_equal(chaptag_file_kind(u16), CHAPTAG_KIND_CHAPTERS); /* NUL bytes, yet text */
    assert_int_equal(chaptag_file_kind(ct_test_path("missing", 3)), CHAPTAG_KIND_NONE);
}

/* One thread's work: embed, read back, verify and strip its own MP3, and read the shared
   AIFF through libavformat (loaded once, whichever thread comes first). */
static void *thread_work(void *arg)
{
    const char *mp3 = ((const char **)arg)[0], *aiff = ((const char **)arg)[1];
    chaptag_chapters *l = ct_test_chapters(5, 500, "Thread chapter"), *back = NULL;
    chaptag_error err = {0};
    chaptag_verdict *v = NULL;
    bool ok = true;
    for (int round = 0; round < 5 && ok; round++) {
        ok = chaptag_embed(mp3, l, NULL, NULL, &err) == CHAPTAG_OK &&
             chaptag_read(mp3, &back, NULL, &err) == CHAPTAG_OK &&
             chaptag_chapters_count(back) == 5 &&
             chaptag_verify(mp3, l, &v, &err) == CHAPTAG_OK &&
             chaptag_strip(mp3, NULL, NULL, &err) == CHAPTAG_OK;
        chaptag_chapters_free(back);
        chaptag_verdict_free(v);
        back = NULL;
        v = NULL;
        chaptag_chapters *w = NULL;
#ifdef CHAPTAG_HAVE_FFMPEG
        ok = ok && chaptag_read(aiff, &w, NULL, &err) == CHAPTAG_OK;
#else /* no libavformat backend in this build: what it says, in every thread */
        ok = ok && chaptag_read(aiff, &w, NULL, &err) == CHAPTAG_ERR_AUDIO &&
             strstr(err.msg, "built without FFmpeg's headers") != NULL;
#endif
        chaptag_chapters_free(w);
    }
    chaptag_chapters_free(l);
    return ok ? arg : NULL;
}

static void the_api_holds_in_several_threads_at_once(void **state)
{
    (void)state;
    enum { N = 4 };
    static char paths[N][2][600];
    const char *args[N][2];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        snprintf(paths[i][0], sizeof paths[i][0], "%s", ct_test_path("", 0));
        snprintf(paths[i][0] + strlen(paths[i][0]), 32, "thread-%d.mp3", i);
        snprintf(paths[i][1], sizeof paths[i][1], "%s", ct_test_path("threads.aiff", 1));
        write_mp3(paths[i][0], 200);
        args[i][0] = paths[i][0];
        args[i][1] = paths[i][1];
    }
    write_aiff(paths[0][1]);
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_create(&t[i], NULL, thread_work, (void *)args[i]), 0);
    for (int i = 0; i < N; i++) {
        void *res = NULL;
        assert_int_equal(pthread_join(t[i], &res), 0);
        assert_non_null(res);
    }
}

static void taglib_reads_the_standard_tags(void **state)
{
    (void)state;
    const char *mp3 = ct_test_path("tags.mp3", 0);
    write_mp3(mp3, 20);
    chaptag_chapters *l = chaptag_chapters_new();
    chaptag_error err = {0};
    assert_int_equal(ct_taglib_tags(mp3, l, &err), CHAPTAG_OK);
    assert_true(ct_taglib_loaded());
    assert_string_equal(chaptag_chapters_meta(l, "artist"), "Host");
    assert_int_equal(ct_taglib_tags(ct_test_path("missing.mp3", 0), l, &err), CHAPTAG_ERR_AUDIO);
    chaptag_chapters_free(l);
}

static void other_containers_go_through_libavformat(void **state)
{
    (void)state;
    const char *wav = ct_test_path("tone.wav", 0), *aiff = ct_test_path("tone.aiff", 1);
    write_wav(wav);
    write_aiff(aiff);
    chaptag_file_info info;
    chaptag_chapters *l = read_ok(wav, &info); /* WAV is native now */
    assert_string_equal(info.container, "WAV");
    assert_int_equal(info.duration_ms, 1000);
    chaptag_chapters_free(l);
#ifndef CHAPTAG_HAVE_FFMPEG
    skip(); /* built without FFmpeg's headers: tests/unit/ext/test_avformat.c says what then */
#endif
    l = read_ok(aiff, &info);
    assert_true(ct_avformat_loaded());
    assert_int_equal(chaptag_chapters_count(l), 0);
    assert_true(info.duration_ms >= 990 && info.duration_ms <= 1010);
    assert_string_not_equal(info.container, "MP3");
    assert_string_not_equal(info.container, "MP4");
    assert_string_not_equal(info.container, "WAV");
    chaptag_chapters_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(embed_read_verify_strip_an_mp3), /* first: checks FFmpeg is not loaded */
        cmocka_unit_test(a_rewrite_tells_its_progress_up_to_the_new_size),
        cmocka_unit_test(output_and_dry_run_leave_the_input_untouched),
        cmocka_unit_test(bad_input_fails_with_its_status_and_touches_nothing),
        cmocka_unit_test(a_write_that_reads_back_wrong_is_undone),
        cmocka_unit_test(a_chapter_file_reaches_no_picture_outside_its_folders),
        cmocka_unit_test(links_must_be_web_addresses),
        cmocka_unit_test(what_a_container_cannot_hold_is_said_once_per_kind),
        cmocka_unit_test(file_kinds_are_told_by_content),
        cmocka_unit_test(the_api_holds_in_several_threads_at_once),
        cmocka_unit_test(taglib_reads_the_standard_tags),
        cmocka_unit_test(other_containers_go_through_libavformat),
    };
    return cmocka_run_group_tests(tests, ct_test_group_tmpdir, ct_test_group_rmdir);
}
