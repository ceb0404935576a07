/* Tests of src/flac: recognising FLAC files, reading their CHAPTERnnn comments and duration,
   refusing damaged metadata, and planning embeds and strips that keep every other block, any
   ID3v2 tag in front and the audio, in place (valid after every step) or by a rewrite. Files
   are built in memory block by block. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "flac_int.h"

#define AUDIO_LEN 600 /* bytes of "frames" after the metadata */

/* One block to build: TYPE and LEN bytes of BODY (NULL: LEN bytes of a pattern). */
typedef struct {
    uint8_t type;
    const void *body;
    size_t len;
} blk;

/* A comment list of the vendor "test" and the N comments given. */
static void comments(ct_buf *b, size_t n, const char *const *v)
{
    static const uint8_t vendor[] = {4, 0, 0, 0, 't', 'e', 's', 't'};
    ct_buf_put(b, vendor, sizeof vendor);
    uint8_t c[4] = {(uint8_t)n, 0, 0, 0};
    ct_buf_put(b, c, 4);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]);
        uint8_t l[4] = {(uint8_t)len, (uint8_t)(len >> 8), 0, 0};
        ct_buf_put(b, l, 4);
        ct_buf_put(b, v[i], len);
    }
}

/* A FLAC file: PREFIX_LEN bytes of ID3v2 tag (0: none), "fLaC", STREAMINFO (44.1 kHz, 441000
   samples: 10 s), the N blocks, then AUDIO_LEN bytes of frames. */
static uint8_t *make_flac(size_t prefix_len, const blk *v, size_t n, size_t *len)
{
    ct_buf b = CT_BUF_INIT;
    if (prefix_len) {
        uint8_t id3[10] = {'I', 'D', '3', 3, 0, 0, 0, 0, 0, (uint8_t)(prefix_len - 10)};
        ct_buf_put(&b, id3, 10);
        ct_buf_put(&b, "TIT2", 4); /* not parsed: kept as bytes */
        ct_buf_put_zeros(&b, prefix_len - 14);
    }
    ct_buf_put(&b, "fLaC", 4);
    static const uint8_t si[34] = {
        0x10, 0x00, 0x10, 0x00, 0, 0, 0, 0, 0, 0, /* block sizes 4096, frame sizes unknown */
        0x0A, 0xC4, 0x42, 0xF0,                   /* 44100 Hz, 2 channels, 16 bits */
        0x00, 0x06, 0xBA, 0xA8,                   /* 441000 samples */
    };
    uint8_t h[4];
    ct_flac_header(h, FLAC_STREAMINFO, n == 0, 34);
    ct_buf_put(&b, h, 4);
    ct_buf_put(&b, si, 34);
    for (size_t i = 0; i < n; i++) {
        ct_flac_header(h, v[i].type, i + 1 == n, (uint32_t)v[i].len);
        ct_buf_put(&b, h, 4);
        for (size_t k = 0; k < v[i].len; k++)
            ct_buf_put_u8(&b, v[i].body ? ((const uint8_t *)v[i].body)[k]
                                        : (uint8_t)(v[i].type == FLAC_PADDING ? 0 : k * 7 + 1));
    }
    ct_buf_put_u8(&b, 0xFF);
    ct_buf_put_u8(&b, 0xF8);
    for (size_t i = 2; i < AUDIO_LEN; i++)
        ct_buf_put_u8(&b, (uint8_t)(i * 13));
    assert_true(ct_buf_ok(&b));
    return ct_buf_take(&b, len);
}

/* A comment block body holding a title and the comments given. */
static ct_buf comment_body(size_t n, const char *const *v)
{
    ct_buf b = CT_BUF_INIT;
    comments(&b, n, v);
    assert_true(ct_buf_ok(&b));
    return b;
}

/* The metadata of DATA, parsed; fails the test when it does not parse. */
static ct_flac_file parse(const uint8_t *data, size_t len)
{
    ct_file *f = ct_file_memory(data, len);
    ct_flac_file m;
    chaptag_error err = {0};
    if (ct_flac_file_read(f, &m, &err) != CHAPTAG_OK)
        fail_msg("FLAC read: %s", err.msg);
    ct_file_close(f);
    return m;
}

/* The audio of DATA: its last AUDIO_LEN bytes, which no plan may touch. */
static const uint8_t *audio_of(const uint8_t *data, size_t len)
{
    return data + len - AUDIO_LEN;
}

static uint8_t want_audio[AUDIO_LEN];

/* After every in-place step: the file parses, the audio is unchanged, and the comments are
   the old ones or the new ones (or, moving the block far, none for a moment). */
static void check_step(const uint8_t *data, size_t len, size_t step)
{
    (void)step;
    ct_flac_file m = parse(data, len);
    assert_memory_equal(audio_of(data, len), want_audio, AUDIO_LEN);
    ct_flac_file_free(&m);
}

/* Plans writing L (NULL: strip) into DATA and applies it (its steps, checked one by one, when
   it has some); returns the new file. */
static uint8_t *embed(const uint8_t *data, size_t len, const chaptag_chapters *l, size_t *out_len,
                      struct chaptag_report *rep_out, size_t *n_edits)
{
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    ct_file *f = ct_file_memory(data, len);
    ct_plan plan = CT_PLAN_INIT;
    struct chaptag_report rep;
    memset(&rep, 0, sizeof rep);
    chaptag_error err = {0};
    if (ct_backend_plan(&ct_backend_flac, f, l, &o, &plan, &rep, &err) != CHAPTAG_OK)
        fail_msg("plan: %s", err.msg);
    ct_file_close(f);
    memcpy(want_audio, audio_of(data, len), AUDIO_LEN);
    uint8_t *out = ct_test_apply_edits(data, len, &plan, out_len);
    if (plan.n_steps > 0) {
        size_t steps_len;
        uint8_t *stepped = ct_test_apply_steps(data, len, &plan, &steps_len, check_step);
        assert_bytes_equal(stepped, steps_len, out, *out_len);
        free(stepped);
    }
    if (n_edits)
        *n_edits = plan.n;
    ct_plan_free(&plan);
    ct_buf_free(&rep.plan);
    ct_warnings_clear(&rep.warnings);
    if (rep_out)
        *rep_out = rep;
    return out;
}

/* True when the N bytes at NEEDLE occur in the LEN bytes at DATA. */
static bool contains(const uint8_t *data, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(data + i, needle, n) == 0)
            return true;
    return false;
}

/* Fails unless L and the chapters read from DATA have the same starts and titles. */
static void reads_back(const uint8_t *data, size_t len, const chaptag_chapters *l)
{
    chaptag_chapters *got = ct_test_read(&ct_backend_flac, data, len, NULL);
    assert_int_equal(chaptag_chapters_count(got), l ? chaptag_chapters_count(l) : 0);
    for (size_t i = 0; l && i < chaptag_chapters_count(l); i++) {
        assert_int_equal(chaptag_chapters_get(got, i)->start_ms, chaptag_chapters_get(l, i)->start_ms);
        assert_string_equal(chaptag_chapters_get(got, i)->title, chaptag_chapters_get(l, i)->title);
    }
    chaptag_chapters_free(got);
}

/* Fails unless the last-metadata-block flag is set on exactly the last block of M. */
static void last_flag_right(const ct_flac_file *m)
{
    for (size_t i = 0; i < m->n; i++)
        assert_int_equal(m->v[i].last, i + 1 == m->n);
}

static void flac_files_are_recognised_by_their_marker_even_behind_id3v2(void **state)
{
    (void)state;
    size_t len;
    uint8_t *plain = make_flac(0, NULL, 0, &len);
    assert_true(ct_backend_flac.sniff(NULL, plain, len));
    free(plain);
    uint8_t *tagged = make_flac(40, NULL, 0, &len);
    assert_true(ct_backend_flac.sniff(NULL, tagged, len));
    assert_false(ct_backend_mp3.sniff(NULL, tagged, len)); /* not taken for an MP3 first */
    free(tagged);
    static const uint8_t ogg[] = {'O', 'g', 'g', 'S', 0, 2, 0, 0};
    static const uint8_t id3_only[] = {'I', 'D', '3', 3, 0, 0, 0, 0, 0, 0, 0xFF, 0xFB};
    assert_false(ct_backend_flac.sniff(NULL, ogg, sizeof ogg));
    assert_false(ct_backend_flac.sniff(NULL, id3_only, sizeof id3_only));
    assert_false(ct_backend_flac.sniff(NULL, ogg, 2));
}

static const char *const tagged_comments[] = {
    "TITLE=Old title", "ARTIST=Host", "ALBUM=Show", "DATE=2024-05-01",
    "CHAPTER002=00:00:05.000", "CHAPTER002NAME=Second", "CHAPTER001=00:00:00.000",
    "CHAPTER001NAME=First"};

static void chapters_tags_and_duration_are_read(void **state)
{
    (void)state;
    ct_buf body = comment_body(8, tagged_comments);
    blk v[] = {{FLAC_VORBIS_COMMENT, body.data, body.len}, {FLAC_PADDING, NULL, 100}};
    size_t len;
    uint8_t *data = make_flac(0, v, 2, &len);
    chaptag_file_info info;
    chaptag_chapters *l = ct_test_read(&ct_backend_flac, data, len, &info);
    assert_int_equal(chaptag_chapters_count(l), 2);
    assert_string_equal(chaptag_chapters_get(l, 0)->title, "First");
    assert_int_equal(chaptag_chapters_get(l, 1)->start_ms, 5000);
    assert_string_equal(chaptag_chapters_meta(l, "title"), "Old title");
    assert_string_equal(chaptag_chapters_meta(l, "artist"), "Host");
    assert_string_equal(chaptag_chapters_meta(l, "album"), "Show");
    assert_string_equal(chaptag_chapters_meta(l, "year"), "2024");
    assert_string_equal(info.container, "FLAC");
    assert_string_equal(info.tag, "VORBIS_COMMENT");
    assert_string_equal(info.flavours, "VorbisComment CHAPTERxxx (2)");
    assert_int_equal(info.duration_ms, 10000);
    assert_string_equal(info.duration_source, "STREAMINFO");
    chaptag_chapters_free(l);
    free(data);
    ct_buf_free(&body);
}

/* Fails unless the LEN bytes at DATA are refused as damaged with a message saying WHY. */
static void refused(uint8_t *data, size_t len, const char *why)
{
    ct_file *f = ct_file_memory(data, len);
    ct_flac_file m;
    chaptag_error err = {0};
    assert_int_equal(ct_flac_file_read(f, &m, &err), CHAPTAG_ERR_AUDIO);
    if (strstr(err.msg, why) == NULL)
        fail_msg("\"%s\" does not say \"%s\"", err.msg, why);
    ct_file_close(f);
}

static void damaged_metadata_is_refused_saying_what_is_wrong(void **state)
{
    (void)state;
    ct_buf body = comment_body(1, tagged_comments);
    blk v[] = {{FLAC_VORBIS_COMMENT, body.data, body.len}, {FLAC_PADDING, NULL, 100}};
    size_t len;
    uint8_t *data = make_flac(0, v, 2, &len);
    size_t c = 4 + 38; /* the comment block's header */
    data[c + 3] = 0xF0, data[c + 2] = 0xFF; /* a length past the end */
    refused(data, len, "past the end of the file");
    data[c + 2] = 0, data[c + 3] = (uint8_t)body.len - 1; /* one short: the walk goes astray */
    refused(data, len, "FLAC");
    data[c + 3] = (uint8_t)body.len;
    data[4] = FLAC_PADDING; /* STREAMINFO not first */
    refused(data, len, "STREAMINFO");
    data[4] = FLAC_STREAMINFO;
    data[c + 4 + body.len] = FLAC_VORBIS_COMMENT | 0x80; /* the padding as a second comment */
    refused(data, len, "second VORBIS_COMMENT");
    data[c + 4 + body.len] = FLAC_PADDING | 0x80;
    data[len - AUDIO_LEN] = 0; /* no frame where the metadata ends */
    refused(data, len, "no FLAC frame follows");
    free(data);
    static const uint8_t cut[] = {'f', 'L', 'a', 'C', 0, 0, 0, 34, 1, 2};
    refused((uint8_t *)cut, sizeof cut, "past the end");
    ct_buf_free(&body);
}

static void an_embed_that_fits_the_padding_after_the_comments_is_made_in_place(void **state)
{
    (void)state;
    ct_buf body = comment_body(2, tagged_comments);
    blk v[] = {{6, NULL, 300}, {FLAC_VORBIS_COMMENT, body.data, body.len},
               {FLAC_PADDING, NULL, 2000}, {2, NULL, 20}};
    size_t len, out_len;
    uint8_t *data = make_flac(0, v, 4, &len);
    chaptag_chapters *l = ct_test_chapters(5, 1000, "Chapter");
    struct chaptag_report rep;
    uint8_t *out = embed(data, len, l, &out_len, &rep, NULL);
    assert_true(rep.in_place);
    assert_string_equal(rep.what, "VORBIS_COMMENT block");
    assert_int_equal(out_len, len);
    reads_back(out, out_len, l);
    /* the PICTURE and the APPLICATION block keep their bytes and order */
    assert_memory_equal(out, data, 4 + 38 + 304);
    assert_memory_equal(out + len - AUDIO_LEN - 24, data + len - AUDIO_LEN - 24, 24 + AUDIO_LEN);
    ct_flac_file m = parse(out, out_len);
    last_flag_right(&m);
    assert_int_equal(m.v[m.n - 1].type, 2);
    ct_flac_file_free(&m);
    /* the same chapters again: nothing to do */
    size_t again_len, n_edits;
    uint8_t *again = embed(out, out_len, l, &again_len, NULL, &n_edits);
    assert_int_equal(n_edits, 0);
    free(again);
    /* then more chapters: now in the padding before or after the new block */
    chaptag_chapters *more = ct_test_chapters(9, 1000, "Part");
    uint8_t *third = embed(out, out_len, more, &again_len, &rep, NULL);
    assert_true(rep.in_place);
    reads_back(third, again_len, more);
    assert_false(contains(third, again_len, "Chapter 1"));
    free(third);
    chaptag_chapters_free(more);
    chaptag_chapters_free(l);
    free(out);
    free(data);
    ct_buf_free(&body);
}

static void the_padding_before_the_comments_or_any_padding_takes_them_in_place(void **state)
{
    (void)state;
    ct_buf body = comment_body(8, tagged_comments);
    blk before[] = {{FLAC_PADDING, NULL, 1000}, {FLAC_VORBIS_COMMENT, body.data, body.len}};
    blk far[] = {{FLAC_VORBIS_COMMENT, body.data, body.len}, {6, NULL, 50},
                 {FLAC_PADDING, NULL, 1000}};
    blk none[] = {{3, NULL, 36}, {FLAC_PADDING, NULL, 1000}};
    const blk *cases[] = {before, far, none};
    size_t counts[] = {2, 3, 2};
    chaptag_chapters *l = ct_test_chapters(3, 2000, "New");
    for (size_t i = 0; i < 3; i++) {
        size_t len, out_len;
        uint8_t *data = make_flac(0, cases[i], counts[i], &len);
        struct chaptag_report rep;
        uint8_t *out = embed(data, len, l, &out_len, &rep, NULL);
        assert_true(rep.in_place);
        assert_int_equal(out_len, len);
        reads_back(out, out_len, l);
        assert_false(contains(out, out_len, "First"));
        if (i < 2)
            assert_true(contains(out, out_len, "TITLE=Old title"));
        ct_flac_file m = parse(out, out_len);
        last_flag_right(&m);
        ct_flac_file_free(&m);
        free(out);
        free(data);
    }
    chaptag_chapters_free(l);
    ct_buf_free(&body);
}

/* A plan of L into DATA; its status. */
static chaptag_status plan_status(const uint8_t *data, size_t len, const chaptag_chapters *l)
{
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    ct_file *f = ct_file_memory(data, len);
    ct_plan plan = CT_PLAN_INIT;
    struct chaptag_report rep;
    memset(&rep, 0, sizeof rep);
    chaptag_error err = {0};
    chaptag_status st = f ? ct_backend_plan(&ct_backend_flac, f, l, &o, &plan, &rep, &err)
                          : CHAPTAG_ERR_NOMEM;
    ct_file_close(f);
    ct_plan_free(&plan);
    ct_buf_free(&rep.plan);
    ct_warnings_clear(&rep.warnings);
    return st;
}

/* Each in-place plan (padding after, before, far) with the Nth allocation failing, N upward
   until it succeeds: every failure is CHAPTAG_ERR_NOMEM (leaks show under the sanitizer). */
static void an_in_place_plan_out_of_memory_fails_cleanly(void **state)
{
    (void)state;
    ct_buf body = comment_body(8, tagged_comments);
    blk after[] = {{FLAC_VORBIS_COMMENT, body.data, body.len}, {FLAC_PADDING, NULL, 1000}};
    blk before[] = {{FLAC_PADDING, NULL, 1000}, {FLAC_VORBIS_COMMENT, body.data, body.len}};
    blk far[] = {{FLAC_VORBIS_COMMENT, body.data, body.len}, {6, NULL, 50},
                 {FLAC_PADDING, NULL, 1000}};
    const blk *cases[] = {after, before, far};
    size_t counts[] = {2, 2, 3};
    chaptag_chapters *l = ct_test_chapters(3, 2000, "New");
    for (size_t i = 0; i < 3; i++) {
        size_t len;
        uint8_t *data = make_flac(0, cases[i], counts[i], &len);
        for (unsigned long n = 1;; n++) {
            ct_alloc_fail_at(n);
            chaptag_status st = plan_status(data, len, l);
            ct_alloc_fail_at(0);
            if (st == CHAPTAG_OK)
                break;
            assert_int_equal(st, CHAPTAG_ERR_NOMEM);
        }
        free(data);
    }
    chaptag_chapters_free(l);
    ct_buf_free(&body);
}

static void an_embed_without_room_rewrites_the_metadata_and_leaves_padding(void **state)
{
    (void)state;
    ct_buf body = comment_body(8, tagged_comments);
    blk v[] = {{3, NULL, 18}, {FLAC_VORBIS_COMMENT, body.data, body.len}, {6, NULL, 500},
               {2, NULL, 12}};
    size_t len, out_len;
    uint8_t *data = make_flac(30, v, 4, &len);
    chaptag_chapters *l = ct_test_chapters(40, 200, "Long chapter title");
    struct chaptag_report rep;
    uint8_t *out = embed(data, len, l, &out_len, &rep, NULL);
    assert_false(rep.in_place);
    assert_true(rep.padding >= 4096);
    reads_back(out, out_len, l);
    assert_memory_equal(out, data, 30 + 4 + 38 + 22); /* ID3v2 tag, STREAMINFO, SEEKTABLE */
    assert_memory_equal(audio_of(out, out_len), audio_of(data, len), AUDIO_LEN);
    assert_int_equal((out_len - AUDIO_LEN) % 4096, 0); /* the audio starts on a 4 KiB boundary */
    ct_flac_file m = parse(out, out_len), old = parse(data, len);
    last_flag_right(&m);
    assert_int_equal(m.n, 6);
    static const uint8_t types[] = {0, 3, 4, 6, 2, 1};
    for (size_t i = 0; i < m.n; i++)
        assert_int_equal(m.v[i].type, types[i]);
    assert_memory_equal(out + m.v[3].off + 4, data + old.v[3].off + 4, 500);
    assert_memory_equal(out + m.v[4].off + 4, data + old.v[4].off + 4, 12);
    ct_flac_file_free(&m);
    ct_flac_file_free(&old);
    /* the same chapters again: nothing to do */
    size_t again_len, n_edits;
    free(embed(out, out_len, l, &again_len, NULL, &n_edits));
    assert_int_equal(n_edits, 0);
    chaptag_chapters_free(l);
    free(out);
    free(data);
    ct_buf_free(&body);
}

static void a_strip_removes_every_chapter_key_and_its_bytes(void **state)
{
    (void)state;
    ct_buf body = comment_body(8, tagged_comments);
    blk v[] = {{FLAC_VORBIS_COMMENT, body.data, body.len}, {FLAC_PADDING, NULL, 400}};
    size_t len, out_len, again_len, n_edits;
    uint8_t *data = make_flac(0, v, 2, &len);
    uint8_t *out = embed(data, len, NULL, &out_len, NULL, NULL);
    reads_back(out, out_len, NULL);
    assert_false(contains(out, out_len, "CHAPTER"));
    assert_false(contains(out, out_len, "Second"));
    assert_true(contains(out, out_len, "ARTIST=Host"));
    free(embed(out, out_len, NULL, &again_len, NULL, &n_edits)); /* nothing left to strip */
    assert_int_equal(n_edits, 0);
    free(out);
    free(data);
    ct_buf_free(&body);
}

static void lint_reports_what_players_trip_on(void **state)
{
    (void)state;
    static const char *const gap[] = {"CHAPTER001=00:00:00.000", "CHAPTER001NAME=A",
                                      "CHAPTER003=00:00:01.000", "CHAPTER003NAME=B"};
    ct_buf body = comment_body(4, gap);
    blk v[] = {{FLAC_VORBIS_COMMENT, body.data, body.len}};
    size_t len;
    uint8_t *data = make_flac(0, v, 1, &len);
    ct_file *f = ct_file_memory(data, len);
    ct_findings out = {0};
    chaptag_error err = {0};
    assert_int_equal(ct_backend_lint(&ct_backend_flac, f, &out, &err), CHAPTAG_OK);
    assert_int_equal(out.n, 1);
    assert_string_equal(out.v[0].code, "key-gap");
    ct_findings_clear(&out);
    ct_file_close(f);
    free(data);
    ct_buf_free(&body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flac_files_are_recognised_by_their_marker_even_behind_id3v2),
        cmocka_unit_test(chapters_tags_and_duration_are_read),
        cmocka_unit_test(damaged_metadata_is_refused_saying_what_is_wrong),
        cmocka_unit_test(an_embed_that_fits_the_padding_after_the_comments_is_made_in_place),
        cmocka_unit_test(the_padding_before_the_comments_or_any_padding_takes_them_in_place),
        cmocka_unit_test(an_in_place_plan_out_of_memory_fails_cleanly),
        cmocka_unit_test(an_embed_without_room_rewrites_the_metadata_and_leaves_padding),
        cmocka_unit_test(a_strip_removes_every_chapter_key_and_its_bytes),
        cmocka_unit_test(lint_reports_what_players_trip_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
