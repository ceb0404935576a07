/* Tests of src/ogg: the page CRC, pagination, and the Ogg container's plans, on Ogg Opus files
   built in memory: an edit in place that leaves a valid file after every step, and a rewrite
   that renumbers the stream's later pages. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "ogg_int.h"

#define SERIAL 0x1234u
#define N_AUDIO 20
#define AUDIO_PAGE (27 + 2 + 300) /* a page of one 300-byte packet */

static void put_le32(ct_buf *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        ct_buf_put_u8(b, (v >> (8 * i)) & 0xFF);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Appends pages carrying one packet of LEN bytes at P, from sequence number SEQ. */
static size_t put_packet(ct_buf *out, const uint8_t *p, size_t len, uint32_t seq, uint8_t flags,
                         uint64_t granule)
{
    ct_buf lace = CT_BUF_INIT;
    ct_ogg_lace(len, &lace);
    ct_ogg_layout lo = {SERIAL, seq, flags, flags & CT_OGG_EOS, granule, NULL, NULL, 0};
    lo.first_flags &= CT_OGG_BOS;
    size_t n = ct_ogg_paginate(lace.data, lace.len, p, &lo, out);
    ct_buf_free(&lace);
    assert_true(n > 0);
    return n;
}

/* An OpusTags packet: vendor "test", the N comments of COMMENTS, PADDING zero bytes. */
static void opus_tags(ct_buf *b, const char *const *comments, size_t n, size_t padding)
{
    ct_buf_put_str(b, "OpusTags");
    put_le32(b, 4);
    ct_buf_put_str(b, "test");
    put_le32(b, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        put_le32(b, (uint32_t)strlen(comments[i]));
        ct_buf_put_str(b, comments[i]);
    }
    ct_buf_put_zeros(b, padding);
}

/* An Ogg Opus file: OpusHead, OpusTags (COMMENTS, PADDING), N_AUDIO pages of 1 s each. */
static uint8_t *make_opus(const char *const *comments, size_t n, size_t padding, size_t *len)
{
    static const uint8_t head[19] = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 1, 0x38, 1,
                                     0x80, 0xbb, 0, 0, 0, 0, 0};
    ct_buf file = CT_BUF_INIT, tags = CT_BUF_INIT;
    uint32_t seq = put_packet(&file, head, sizeof head, 0, CT_OGG_BOS, 0);
    opus_tags(&tags, comments, n, padding);
    seq += put_packet(&file, tags.data, tags.len, seq, 0, 0);
    for (int i = 0; i < N_AUDIO; i++) {
        uint8_t audio[300];
        memset(audio, 0x40 + i, sizeof audio);
        seq += put_packet(&file, audio, sizeof audio, seq, i == N_AUDIO - 1 ? CT_OGG_EOS : 0,
                          312 + 48000u * (i + 1));
    }
    ct_buf_free(&tags);
    assert_true(ct_buf_ok(&file));
    return ct_buf_take(&file, len);
}

/* Fails unless DATA is a chain of pages with good CRCs and consecutive sequence numbers;
   returns the number of pages. */
static size_t check_pages(const uint8_t *data, size_t len)
{
    size_t off = 0, n = 0;
    while (off < len) {
        ct_ogg_page pg;
        assert_true(ct_ogg_page_header(data + off, len - off, &pg));
        assert_true(pg.len <= len - off);
        assert_int_equal(le32(data + off + 22), ct_ogg_page_crc(data + off, pg.len));
        assert_int_equal(pg.seq, n);
        off += pg.len, n++;
    }
    return n;
}

static const uint8_t opus_head_page[47] = {
    0x4f, 0x67, 0x67, 0x53, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11,
    0x00, 0xdc, 0x31, 0x00, 0x00, 0x00, 0x00, 0x84, 0xf1, 0x7d, 0xde, 0x01, 0x13, 0x4f, 0x70,
    0x75, 0x73, 0x48, 0x65, 0x61, 0x64, 0x01, 0x01, 0x38, 0x01, 0x80, 0xbb, 0x00, 0x00, 0x00,
    0x00, 0x00};

/* The first page of an Ogg Opus file FFmpeg wrote (ogginfo accepts it). */
static void crc_of_a_page_ffmpeg_wrote(void **state)
{
    (void)state;
    assert_int_equal(ct_ogg_page_crc(opus_head_page, sizeof opus_head_page), 0xde7df184u);
    assert_int_equal(ct_ogg_crc(0, (const uint8_t *)"", 0), 0);
}

/* A packet of 70,000 bytes: 274 segments of 255 and one of 130, on a page of 255 segments on
   which no packet ends (granule -1) and a continued page ending it. */
static void a_long_packet_takes_two_pages(void **state)
{
    (void)state;
    size_t len = 70000;
    uint8_t *p = malloc(len);
    assert_non_null(p);
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(i * 7);
    ct_buf out = CT_BUF_INIT;
    assert_int_equal(put_packet(&out, p, len, 0, 0, 99), 2);
    assert_int_equal(check_pages(out.data, out.len), 2);
    ct_ogg_page a, b;
    assert_true(ct_ogg_page_header(out.data, out.len, &a));
    assert_true(ct_ogg_page_header(out.data + a.len, out.len - a.len, &b));
    assert_int_equal(a.n_segs, 255);
    assert_int_equal(a.granule, CT_OGG_NO_GRANULE);
    assert_int_equal(a.flags, 0);
    assert_int_equal(b.n_segs, 20);
    assert_int_equal(b.flags, CT_OGG_CONTINUED);
    assert_int_equal(b.granule, 99);
    assert_int_equal(out.data[a.len + CT_OGG_HEADER + 19], 70000 - 274 * 255);
    assert_bytes_equal(out.data + CT_OGG_HEADER + 255, 255 * 255, p, 255 * 255);
    assert_bytes_equal(out.data + a.len + CT_OGG_HEADER + 20, len - 255 * 255, p + 255 * 255,
                       len - 255 * 255);
    ct_buf_free(&out);
    free(p);
}

/* Plans writing L (NULL: strip) into DATA; the plan and report are the caller's. */
static void plan_of(const uint8_t *data, size_t len, const chaptag_chapters *l, ct_plan *plan,
                    struct chaptag_report *rep)
{
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    memset(plan, 0, sizeof *plan);
    memset(rep, 0, sizeof *rep);
    ct_file *f = ct_file_memory(data, len);
    chaptag_error err = {0};
    if (ct_backend_plan(&ct_backend_ogg, f, l, &o, plan, rep, &err) != CHAPTAG_OK)
        fail_msg("plan: %s", err.msg);
    ct_file_close(f);
}

static void report_free(struct chaptag_report *rep)
{
    ct_buf_free(&rep->plan);
    ct_warnings_clear(&rep->warnings);
}

static bool contains(const uint8_t *d, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(d + i, s, n) == 0)
            return true;
    return false;
}

static size_t steps_seen;

/* After every step: valid pages, and chapters that read (the old, none, or the new). */
static void readable(const uint8_t *data, size_t len, size_t step)
{
    check_pages(data, len);
    chaptag_chapters *l = ct_test_read(&ct_backend_ogg, data, len, NULL);
    size_t n = chaptag_chapters_count(l);
    assert_true(n == 0 || n == 1 || n == 3);
    chaptag_chapters_free(l);
    steps_seen = step;
}

/* Re-embeds TAGS (a cover, or not) in place and checks the file after every step. */
static void in_place(const char *const *tags, size_t n_tags, size_t min_steps)
{
    size_t len, out_len;
    uint8_t *orig = make_opus(tags, n_tags, 3000, &len);
    chaptag_chapters *l = ct_test_chapters(3, 5000, "New");
    ct_plan plan;
    struct chaptag_report rep;
    plan_of(orig, len, l, &plan, &rep);
    assert_true(rep.in_place);
    assert_true(plan.n_steps >= min_steps);
    assert_string_equal(rep.what, "Ogg comment packet");
    steps_seen = 0;
    uint8_t *out = ct_test_apply_steps(orig, len, &plan, &out_len, readable);
    assert_int_equal(steps_seen, plan.n_steps);
    assert_int_equal(out_len, len);
    uint8_t *edited = ct_test_apply_edits(orig, len, &plan, &out_len);
    assert_bytes_equal(edited, out_len, out, len);
    chaptag_chapters *got = ct_test_read(&ct_backend_ogg, out, len, NULL);
    char why[200];
    assert_true(ct_chapters_match(l, got, SIZE_MAX, why, sizeof why));
    assert_false(contains(out, len, "Old title"));
    assert_true(contains(out, len, "TITLE=Show"));
    /* the audio pages keep every byte */
    size_t audio = N_AUDIO * AUDIO_PAGE;
    assert_bytes_equal(out + len - audio, audio, orig + len - audio, audio);
    ct_plan_free(&plan);
    report_free(&rep);
    plan_of(out, len, l, &plan, &rep); /* the same chapters again: nothing to do */
    assert_int_equal(plan.n, 0);
    ct_plan_free(&plan);
    report_free(&rep);
    chaptag_chapters_free(got);
    chaptag_chapters_free(l);
    free(edited);
    free(out);
    free(orig);
}

static void opus_reembedded_in_place_is_valid_after_every_step(void **state)
{
    (void)state;
    static const char *const tags[] = {"TITLE=Show", "CHAPTER001=00:00:00.000",
                                       "CHAPTER001NAME=Old title"};
    in_place(tags, 3, 1);
}

/* The comment packet spans two pages (a cover): the count is cut first, then the pages. */
static void opus_with_a_cover_across_pages_in_place(void **state)
{
    (void)state;
    size_t n = 80000;
    char *cover = malloc(n + 1);
    assert_non_null(cover);
    memcpy(cover, "METADATA_BLOCK_PICTURE=", 23);
    memset(cover + 23, 'A', n - 23);
    cover[n] = '\0';
    const char *tags[] = {"TITLE=Show", "CHAPTER001=00:00:00.000", "CHAPTER001NAME=Old title",
                          cover};
    in_place(tags, 4, 3);
    free(cover);
}

/* No padding and a longer list: the comment packet grows to several pages, and every audio
   page is renumbered with a new CRC, its body unchanged; a strip then keeps the pages. */
static void a_rewrite_renumbers_the_later_pages(void **state)
{
    (void)state;
    static const char *const tags[] = {"TITLE=Show"};
    size_t len, out_len;
    uint8_t *orig = make_opus(tags, 1, 0, &len);
    chaptag_chapters *l = ct_test_chapters(2500, 7, "A rather long chapter title");
    ct_plan plan;
    struct chaptag_report rep;
    plan_of(orig, len, l, &plan, &rep);
    assert_false(rep.in_place);
    assert_int_equal(plan.n_steps, 0);
    uint8_t *out = ct_test_apply_edits(orig, len, &plan, &out_len);
    size_t pages = check_pages(out, out_len);
    assert_true(pages > 2 + N_AUDIO);
    assert_bytes_equal(out + out_len - 300, 300, orig + len - 300, 300);
    chaptag_chapters *got = ct_test_read(&ct_backend_ogg, out, out_len, NULL);
    char why[200];
    assert_true(ct_chapters_match(l, got, SIZE_MAX, why, sizeof why));
    ct_plan_free(&plan);
    report_free(&rep);
    plan_of(out, out_len, NULL, &plan, &rep); /* strip: in place, the list's room is padding */
    assert_true(rep.in_place);
    uint8_t *stripped = ct_test_apply_edits(out, out_len, &plan, &len);
    assert_int_equal(check_pages(stripped, len), pages);
    assert_false(contains(stripped, len, "CHAPTER"));
    ct_plan_free(&plan);
    report_free(&rep);
    plan_of(stripped, len, NULL, &plan, &rep); /* nothing left to strip */
    assert_int_equal(plan.n, 0);
    ct_plan_free(&plan);
    report_free(&rep);
    chaptag_chapters_free(got);
    chaptag_chapters_free(l);
    free(stripped);
    free(out);
    free(orig);
}

/* An OpusTags packet of 320 bytes (lacing 255, 65) whose two segments lie N_EMPTY empty
   pages apart, as a crafted file may have them: planning is linear in the pages, and keeps
   no array of them on the stack. */
static void a_comment_packet_across_many_empty_pages_plans_quickly(void **state)
{
    (void)state;
    static const uint8_t head[19] = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 1, 0x38, 1,
                                     0x80, 0xbb, 0, 0, 0, 0, 0};
    const size_t n_empty = 200000, k = n_empty + 2;
    ct_buf file = CT_BUF_INIT, tags = CT_BUF_INIT, lace = CT_BUF_INIT;
    uint32_t seq = (uint32_t)put_packet(&file, head, sizeof head, 0, CT_OGG_BOS, 0);
    opus_tags(&tags, NULL, 0, 300);
    assert_int_equal(tags.len, 320);
    ct_ogg_lace(tags.len, &lace);
    uint8_t *layout = calloc(k, 1);
    uint64_t *granules = malloc(k * sizeof *granules);
    assert_non_null(layout);
    assert_non_null(granules);
    for (size_t i = 0; i < k; i++)
        granules[i] = CT_OGG_NO_GRANULE;
    layout[0] = layout[k - 1] = 1;
    granules[k - 1] = 0;
    ct_ogg_layout lo = {SERIAL, seq, 0, 0, 0, layout, granules, k};
    assert_int_equal(ct_ogg_paginate(lace.data, lace.len, tags.data, &lo, &file), k);
    seq += (uint32_t)k;
    uint8_t audio[300];
    memset(audio, 0x40, sizeof audio);
    put_packet(&file, audio, sizeof audio, seq, CT_OGG_EOS, 312 + 48000u);
    assert_true(ct_buf_ok(&file));
    size_t len, out_len;
    uint8_t *orig = ct_buf_take(&file, &len);
    chaptag_chapters *l = ct_test_chapters(1, 0, "A");
    ct_plan plan;
    struct chaptag_report rep;
    clock_t t0 = clock();
    plan_of(orig, len, l, &plan, &rep);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(secs < 3); /* quadratic in the pages, it took 20 s */
    assert_true(rep.in_place);
    uint8_t *out = ct_test_apply_edits(orig, len, &plan, &out_len);
    assert_int_equal(check_pages(out, out_len), 1 + k + 1);
    chaptag_chapters *got = ct_test_read(&ct_backend_ogg, out, out_len, NULL);
    assert_int_equal(chaptag_chapters_count(got), 1);
    chaptag_chapters_free(got);
    ct_plan_free(&plan);
    report_free(&rep);
    chaptag_chapters_free(l);
    free(out);
    free(orig);
    free(layout);
    free(granules);
    ct_buf_free(&lace);
    ct_buf_free(&tags);
}

static void reads_duration_and_tags(void **state)
{
    (void)state;
    static const char *const tags[] = {"title=Show", "DATE=2024-05-01",
                                       "CHAPTER001=00:00:01.500", "CHAPTER001NAME=One"};
    size_t len;
    uint8_t *data = make_opus(tags, 4, 0, &len);
    chaptag_file_info info;
    chaptag_chapters *l = ct_test_read(&ct_backend_ogg, data, len, &info);
    assert_int_equal(chaptag_chapters_count(l), 1);
    assert_int_equal(chaptag_chapters_get(l, 0)->start_ms, 1500);
    assert_string_equal(chaptag_chapters_meta(l, "title"), "Show");
    assert_string_equal(chaptag_chapters_meta(l, "year"), "2024");
    assert_string_equal(info.container, "Ogg Opus");
    assert_string_equal(info.flavours, "VorbisComment CHAPTERxxx (1)");
    assert_string_equal(info.duration_source, "granule position");
    assert_int_equal(info.duration_ms, 20000);
    data[len - 100] ^= 1; /* damage: the last page fails its CRC only when read whole */
    data[60] ^= 1;        /* the OpusTags page does */
    ct_file *f = ct_file_memory(data, len);
    chaptag_error err = {0};
    chaptag_chapters *none = chaptag_chapters_new();
    assert_int_equal(ct_backend_read(&ct_backend_ogg, f, "m", none, &info, &err),
                     CHAPTAG_ERR_AUDIO);
    assert_non_null(strstr(err.msg, "CRC"));
    ct_file_close(f);
    chaptag_chapters_free(none);
    chaptag_chapters_free(l);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc_of_a_page_ffmpeg_wrote),
        cmocka_unit_test(a_long_packet_takes_two_pages),
        cmocka_unit_test(opus_reembedded_in_place_is_valid_after_every_step),
        cmocka_unit_test(opus_with_a_cover_across_pages_in_place),
        cmocka_unit_test(a_rewrite_renumbers_the_later_pages),
        cmocka_unit_test(a_comment_packet_across_many_empty_pages_plans_quickly),
        cmocka_unit_test(reads_duration_and_tags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
