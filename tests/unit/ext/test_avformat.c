/* Tests of src/ext/avformat.c through the public API on small files that ffmpeg makes in a
   temporary directory: containers FFmpeg 5.1 writes no chapters into and remuxes that would
   drop data are refused before anything is written (the file byte for byte unchanged, no
   temporary file left), and what is written is read back exact and bit-exact. Every test is
   skipped, never passed, when ffmpeg is not installed. A libavformat of another major version
   (a stub library) is refused naming both majors, in a child process: the library is loaded
   once a process. */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "chapters.h"
#include "fileio.h"

/* Skips the test unless ffmpeg is there to make its files. */
static void need_ffmpeg(void)
{
    static int have = -1;
    if (have < 0)
        have = system("ffmpeg -version >/dev/null 2>&1") == 0;
    if (!have)
        skip();
}

/* Skips the test unless ffmpeg is there and chaptag was built with its libavformat backend
   (FFmpeg's headers): the test goes through libavformat. */
static void need_backend(void)
{
#ifndef CHAPTAG_HAVE_FFMPEG
    skip();
#endif
    need_ffmpeg();
}

/* Reads PATH with chaptag_read in a child process whose CHAPTAG_LIBAVFORMAT names LIB: the
   status, and the message in MSG (SIZE bytes). The child must be the first to load
   libavformat (the test runs before any other has loaded it). */
static chaptag_status read_in_child(const char *path, const char *lib, char *msg, size_t size)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        if (ct_avformat_loaded())
            _exit(100);
        setenv("CHAPTAG_LIBAVFORMAT", lib, 1);
        chaptag_chapters *l = NULL;
        chaptag_error err = {0};
        chaptag_status st = chaptag_read(path, &l, NULL, &err);
        size_t len = strlen(err.msg);
        _exit(write(fds[1], err.msg, len) == (ssize_t)len ? (int)st : 101);
    }
    close(fds[1]);
    size_t n = 0;
    for (ssize_t got; n + 1 < size && (got = read(fds[0], msg + n, size - 1 - n)) > 0;)
        n += (size_t)got;
    msg[n] = '\0';
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status)); /* a crash is what the check is there to prevent */
    if (WEXITSTATUS(status) == 100)
        fail_msg("libavformat was loaded before the test: it must run first");
    assert_int_not_equal(WEXITSTATUS(status), 101);
    return (chaptag_status)WEXITSTATUS(status);
}

/* A file only libavformat would read: a Matroska header and nothing of use after it. */
static const char *make_matroska_head(void)
{
    static const uint8_t head[64] = {0x1a, 0x45, 0xdf, 0xa3};
    const char *path = ct_test_path("head.mka", 0);
    ct_test_write_file(path, head, sizeof head);
    return path;
}

/* Fails unless MSG holds WANT. */
static void assert_says(const char *msg, const char *want)
{
    if (strstr(msg, want) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", msg, want);
}

/* libavformat 58 (a stub exporting avformat_version alone) when chaptag was built for
   another: refused naming both majors, before anything else of it is looked up. Built
   without FFmpeg's headers, chaptag never loads it and says what the build lacks. */
static void another_major_of_libavformat_is_refused_naming_both(void **state)
{
    (void)state;
    char msg[512], want[128];
    const char *mka = make_matroska_head();
    chaptag_status st = read_in_child(mka, CT_AVFORMAT_STUB58, msg, sizeof msg);
    assert_int_equal(st, CHAPTAG_ERR_AUDIO);
#ifdef CHAPTAG_HAVE_FFMPEG
    snprintf(want, sizeof want, "libavformat 58 found at %s, chaptag was built for %d",
             CT_AVFORMAT_STUB58, CT_AVFORMAT_MAJOR);
    assert_says(msg, want);
    snprintf(want, sizeof want, "install libavformat%d", CT_AVFORMAT_MAJOR);
    assert_says(msg, want);
#else
    (void)want;
    assert_says(msg, "this chaptag was built without FFmpeg's headers (libavformat-dev)");
#endif
}

/* The right major but none of FFmpeg's other functions: refused, never called. */
static void a_libavformat_of_the_right_major_lacking_the_rest_is_refused(void **state)
{
    (void)state;
#ifdef CHAPTAG_HAVE_FFMPEG
    char msg[512], want[128];
    const char *mka = make_matroska_head();
    chaptag_status st = read_in_child(mka, CT_AVFORMAT_STUB_SAME, msg, sizeof msg);
    assert_int_equal(st, CHAPTAG_ERR_AUDIO);
    snprintf(want, sizeof want, "the libavformat at %s lacks avcodec_version",
             CT_AVFORMAT_STUB_SAME);
    assert_says(msg, want);
#else
    skip();
#endif
}

/* Runs ffmpeg (quiet, overwriting) with ARGS; fails the test when it fails. */
static void ffmpeg(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "ffmpeg -nostdin -v error -y %s", args);
    if (system(cmd) != 0)
        fail_msg("%s failed", cmd);
}

/* A 5 s sine tone of CODEC ("-c:a libopus -f ogg") at PATH. */
static const char *make_tone(const char *name, const char *codec)
{
    const char *path = ct_test_path(name, 0);
    char args[1024];
    snprintf(args, sizeof args, "-f lavfi -i sine=frequency=440:duration=5 %s '%s'", codec, path);
    ffmpeg(args);
    return path;
}

/* Chapters at 0, 1.700 and 3.250 s: two of them are what FFmpeg 5.1's Ogg muxer gets wrong. */
static chaptag_chapters *odd_chapters(void)
{
    static const char text[] = "00:00:00 Intro\n00:00:01.700 Middle part\n00:00:03.250 End\n";
    return ct_test_parse("text", text, sizeof text - 1);
}

/* No temporary file of chaptag's is left in the test folder. */
static void assert_no_temp_file(void)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", ct_test_path("x", 3));
    dir[strlen(dir) - 2] = '\0';
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strstr(e->d_name, "chaptag-tmp") != NULL)
            fail_msg("temporary file left: %s", e->d_name);
    closedir(d);
}

/* Embeds LIST into PATH (OUTPUT: elsewhere; NULL: in place), expecting CODE and a message
   holding WANT; the file must be unchanged and no temporary file left. */
static void refused(const char *path, const chaptag_chapters *list, const char *output,
                    chaptag_status code, const char *want)
{
    size_t before_len, after_len;
    char *before = ct_test_read_file(path, &before_len);
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    o.output = output;
    chaptag_error err = {0};
    assert_int_equal(chaptag_embed(path, list, &o, NULL, &err), code);
    if (strstr(err.msg, want) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
    char *after = ct_test_read_file(path, &after_len);
    assert_bytes_equal(before, before_len, after, after_len);
    assert_no_temp_file();
    free(before);
    free(after);
}

static void embed_ok(const char *path, const chaptag_chapters *list)
{
    chaptag_error err = {0};
    if (chaptag_embed(path, list, NULL, NULL, &err) != CHAPTAG_OK)
        fail_msg("embed %s: %s", path, err.msg);
}

/* Fails unless PATH reads back with exactly the chapters of WANT. */
static void reads_back(const char *path, const chaptag_chapters *want)
{
    chaptag_chapters *got = NULL;
    chaptag_error err = {0};
    if (chaptag_read(path, &got, NULL, &err) != CHAPTAG_OK)
        fail_msg("read %s: %s", path, err.msg);
    char why[256];
    if (!ct_chapters_match(want, got, SIZE_MAX, why, sizeof why))
        fail_msg("%s: %s", path, why);
    chaptag_chapters_free(got);
}

/* Copies the file at FROM to TO. */
static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *data = ct_test_read_file(from, &len);
    ct_test_write_file(to, data, len);
    free(data);
}

static void adts_aac_is_refused_with_the_m4a_advice(void **state)
{
    (void)state;
    need_backend();
    const char *aac = make_tone("tone.aac", "-c:a aac -f adts");
    chaptag_chapters *l = odd_chapters();
    refused(aac, l, NULL, CHAPTAG_ERR_AUDIO, "raw AAC (ADTS): FFmpeg 5.1 writes no chapters for "
            "it; put it in an M4A (ffmpeg -i IN -c copy OUT.m4a)");
    chaptag_chapters_free(l);
}

/* FFmpeg 5.1's Ogg muxer writes 1.700 as 2.700; chaptag writes the keys itself (the native
   Ogg container now: Ogg files no longer reach libavformat). */
static void opus_chapter_at_700_ms_is_written_to_the_millisecond(void **state)
{
    (void)state;
    need_ffmpeg();
    const char *opus = make_tone("tone.opus", "-c:a libopus");
    chaptag_chapters *l = odd_chapters();
    embed_ok(opus, l);
    reads_back(opus, l);
    chaptag_error err = {0};
    assert_int_equal(chaptag_strip(opus, NULL, NULL, &err), CHAPTAG_OK);
    chaptag_chapters *none = chaptag_chapters_new();
    reads_back(opus, none);
    chaptag_chapters_free(none);
    chaptag_chapters_free(l);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The LEN bytes at P in base64 (a new string; free() it). */
static char *base64(const uint8_t *p, size_t len)
{
    char *out = malloc(len / 3 * 4 + 5), *o = out;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? p[i + 1] << 8 : 0) |
                     (i + 2 < len ? p[i + 2] : 0);
        *o++ = b64[v >> 18 & 63];
        *o++ = b64[v >> 12 & 63];
        *o++ = i + 1 < len ? b64[v >> 6 & 63] : '=';
        *o++ = i + 2 < len ? b64[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

static void put_be32(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* An Opus file with a cover (a METADATA_BLOCK_PICTURE comment, as opusenc --picture writes). */
static const char *make_opus_with_cover(void)
{
    const char *png = ct_test_path("cover.png", 1);
    char args[1024];
    snprintf(args, sizeof args, "-f lavfi -i color=red:s=8x8 -frames:v 1 '%s'", png);
    ffmpeg(args);
    size_t png_len;
    char *img = ct_test_read_file(png, &png_len);
    size_t len = 4 + 4 + 9 + 4 + 4 * 4 + 4 + png_len;
    uint8_t *block = calloc(1, len), *p = block;
    put_be32(p, 3), p += 4;                       /* picture type: front cover */
    put_be32(p, 9), memcpy(p + 4, "image/png", 9), p += 13; /* MIME type */
    put_be32(p, 0), p += 4;                       /* no description */
    put_be32(p, 8), put_be32(p + 4, 8), put_be32(p + 8, 24), p += 16; /* 8x8, 24 bits */
    put_be32(p, png_len), memcpy(p + 4, img, png_len); /* the image */
    char *text = base64(block, len);
    const char *opus = ct_test_path("cover.opus", 0);
    char *cmd = malloc(strlen(text) + 512);
    sprintf(cmd, "-f lavfi -i sine=duration=5 -c:a libopus -metadata "
                 "METADATA_BLOCK_PICTURE=%s '%s'", text, opus);
    ffmpeg(cmd);
    free(cmd);
    free(text);
    free(block);
    free(img);
    return opus;
}

/* The picture comment of the Ogg file at PATH: a new string (free() it). */
static char *picture_comment(const char *path)
{
    size_t len;
    char *d = ct_test_read_file(path, &len), *end = d + len, *p = d;
    while (p + 23 < end && memcmp(p, "METADATA_BLOCK_PICTURE=", 23) != 0)
        p++;
    assert_true(p + 23 < end);
    char *q = p + 23;
    while (q < end && *q != 0 && strchr(b64, *q) != NULL) /* base64, then '=' or a length */
        q++;
    char *s = calloc(1, (size_t)(q - p) + 1);
    memcpy(s, p, (size_t)(q - p));
    free(d);
    return s;
}

/* A remux by libavformat would drop the cover; the native Ogg container keeps every comment. */
static void opus_with_cover_art_keeps_it(void **state)
{
    (void)state;
    need_ffmpeg();
    const char *opus = make_opus_with_cover();
    char *before = picture_comment(opus);
    chaptag_chapters *l = odd_chapters();
    embed_ok(opus, l);
    reads_back(opus, l);
    char *after = picture_comment(opus);
    assert_string_equal(before, after);
    free(before);
    free(after);
    chaptag_chapters_free(l);
}

/* Embeds L into two copies of PATH; the results must be the same bytes. */
static void embed_twice_same_bytes(const char *path, const chaptag_chapters *l)
{
    const char *a = ct_test_path("a", 1), *b = ct_test_path("b", 2);
    char ta[4096], tb[4096]; /* keep the extension: the container is chosen by the name */
    snprintf(ta, sizeof ta, "%s%s", a, strrchr(path, '.'));
    snprintf(tb, sizeof tb, "%s%s", b, strrchr(path, '.'));
    copy_file(path, ta);
    copy_file(path, tb);
    embed_ok(ta, l);
    embed_ok(tb, l);
    size_t la, lb;
    char *da = ct_test_read_file(ta, &la), *db = ct_test_read_file(tb, &lb);
    assert_bytes_equal(da, la, db, lb);
    reads_back(ta, l);
    free(da);
    free(db);
    remove(ta);
    remove(tb);
}

static void mka_embedded_twice_gives_the_same_bytes(void **state)
{
    (void)state;
    need_backend();
    chaptag_chapters *l = odd_chapters();
    embed_twice_same_bytes(make_tone("tone.mka", "-c:a libopus"), l);
    embed_twice_same_bytes(make_tone("tone2.opus", "-c:a libopus"), l);
    chaptag_chapters_free(l);
}

static void mka_cover_art_attachment_is_kept_byte_for_byte(void **state)
{
    (void)state;
    need_backend();
    static const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0,
                                   0, 1, 0, 1, 0, 0, 'c', 'h', 'a', 'p', 't', 'a', 'g', 0xFF,
                                   0xD9};
    const char *cover = ct_test_path("cover.jpg", 1), *mka = ct_test_path("cover.mka", 0);
    ct_test_write_file(cover, jpeg, sizeof jpeg);
    char args[1024];
    snprintf(args, sizeof args, "-f lavfi -i sine=frequency=440:duration=5 -c:a libopus "
             "-attach '%s' -metadata:s:t mimetype=image/jpeg '%s'", cover, mka);
    ffmpeg(args);
    chaptag_chapters *l = odd_chapters();
    embed_ok(mka, l); /* FFmpeg 5.1 alone refuses: its muxer takes no attached picture */
    reads_back(mka, l);
    size_t len;
    char *data = ct_test_read_file(mka, &len);
    bool found = false;
    for (size_t i = 0; i + sizeof jpeg <= len && !found; i++)
        found = memcmp(data + i, jpeg, sizeof jpeg) == 0;
    assert_true(found); /* the picture's bytes, whole */
    free(data);
    chaptag_chapters_free(l);
}

/* The serial of the first page of the Ogg file at PATH. */
static uint32_t ogg_serial(const char *path)
{
    size_t len;
    uint8_t *d = (uint8_t *)ct_test_read_file(path, &len);
    assert_true(len > 18 && memcmp(d, "OggS", 4) == 0);
    uint32_t s = (uint32_t)d[14] | (uint32_t)d[15] << 8 | (uint32_t)d[16] << 16 |
                 (uint32_t)d[17] << 24;
    free(d);
    return s;
}

static void opus_keeps_its_stream_serial(void **state)
{
    (void)state;
    need_ffmpeg();
    const char *opus = make_tone("serial.opus", "-c:a libopus -serial_offset 123456 "
                                                "-fflags +bitexact");
    assert_int_equal(ogg_serial(opus), 123456);
    chaptag_chapters *l = odd_chapters();
    embed_ok(opus, l);
    assert_int_equal(ogg_serial(opus), 123456);
    chaptag_chapters_free(l);
}

/* A FLAC file with an APPLICATION block after its STREAMINFO, which a remux by libavformat
   would drop: FLAC is written natively now (src/flac), never by libavformat, so the embed
   succeeds and the block keeps its bytes. The native container's own cases are in
   tests/unit/flac/test_flac.c. */
static void flac_is_written_natively_keeping_its_application_block(void **state)
{
    (void)state;
    need_ffmpeg();
    const char *flac = make_tone("app.flac", "-c:a flac");
    size_t len;
    uint8_t *d = (uint8_t *)ct_test_read_file(flac, &len);
    assert_true(len > 42 && memcmp(d, "fLaC", 4) == 0 && (d[4] & 0x7f) == 0 && !(d[4] & 0x80));
    static const uint8_t app[] = {0x02, 0, 0, 8, 'T', 'E', 'S', 'T', 1, 2, 3, 4};
    uint8_t *out = malloc(len + sizeof app);
    memcpy(out, d, 42); /* "fLaC", STREAMINFO (not the last block) */
    memcpy(out + 42, app, sizeof app);
    memcpy(out + 42 + sizeof app, d + 42, len - 42);
    ct_test_write_file(flac, out, len + sizeof app);
    chaptag_chapters *l = odd_chapters();
    chaptag_report *rep = NULL;
    chaptag_error err = {0};
    if (chaptag_embed(flac, l, NULL, &rep, &err) != CHAPTAG_OK)
        fail_msg("embed: %s", err.msg);
    assert_string_equal(chaptag_report_what(rep), "VORBIS_COMMENT block");
    reads_back(flac, l);
    size_t after_len;
    uint8_t *after = (uint8_t *)ct_test_read_file(flac, &after_len);
    assert_memory_equal(after, out, 42 + sizeof app);
    chaptag_report_free(rep);
    chaptag_chapters_free(l);
    free(after);
    free(out);
    free(d);
}

/* The remux writes through io: with each of its writes, syncs and renames failing in turn
   (the first being the muxer's first write), the embed fails as an I/O error, the original is
   byte-identical and no temporary file is left; once past them all, it succeeds. */
static void a_failed_write_during_a_remux_leaves_the_original(void **state)
{
    (void)state;
    need_backend();
    const char *mka = make_tone("fail.mka", "-c:a libopus");
    chaptag_chapters *l = odd_chapters();
    size_t orig_len;
    char *orig = ct_test_read_file(mka, &orig_len);
    unsigned long n = 1;
    for (;; n++) {
        assert_true(n < 1000);
        chaptag_error err = {0};
        ct_fileio_fail_at(n);
        chaptag_status st = chaptag_embed(mka, l, NULL, NULL, &err);
        ct_fileio_fail_at(0);
        if (st == CHAPTAG_OK)
            break;
        assert_int_equal(st, CHAPTAG_ERR_IO);
        if (n == 1 && strstr(err.msg, "cannot write the new file") == NULL)
            fail_msg("the first write failing gave \"%s\"", err.msg);
        size_t after_len;
        char *after = ct_test_read_file(mka, &after_len);
        assert_bytes_equal(after, after_len, orig, orig_len);
        assert_no_temp_file();
        free(after);
    }
    assert_true(n > 3); /* at least one write of the muxer's, then the sync and the rename */
    assert_no_temp_file();
    reads_back(mka, l);
    free(orig);
    chaptag_chapters_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* first: libavformat is loaded once a process, and these load it in a child */
        cmocka_unit_test(another_major_of_libavformat_is_refused_naming_both),
        cmocka_unit_test(a_libavformat_of_the_right_major_lacking_the_rest_is_refused),
        cmocka_unit_test(adts_aac_is_refused_with_the_m4a_advice),
        cmocka_unit_test(opus_chapter_at_700_ms_is_written_to_the_millisecond),
        cmocka_unit_test(opus_with_cover_art_keeps_it),
        cmocka_unit_test(mka_embedded_twice_gives_the_same_bytes),
        cmocka_unit_test(opus_keeps_its_stream_serial),
        cmocka_unit_test(mka_cover_art_attachment_is_kept_byte_for_byte),
        cmocka_unit_test(flac_is_written_natively_keeping_its_application_block),
        cmocka_unit_test(a_failed_write_during_a_remux_leaves_the_original),
    };
    return cmocka_run_group_tests(tests, ct_test_group_tmpdir, ct_test_group_rmdir);
}
