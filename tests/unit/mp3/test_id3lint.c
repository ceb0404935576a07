/* Tests of src/mp3/id3lint.c: what verify reports about a tag's CHAP/CTOC frames. Tags are
   rendered by id3v2_render.c, then damaged the way other taggers damage them. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "id3lint.h"

/* A parsed tag of VERSION holding N chapters a minute apart, titled TITLE_LEN 'x's (0: short
   titles), with TLEN DURATION_MS. */
static ct_id3_tag *make_tag(int version, size_t n, size_t title_len, uint64_t duration_ms)
{
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_error err;
    char *long_title = calloc(1, title_len + 1);
    memset(long_title, 'x', title_len);
    for (size_t i = 0; i < n; i++) {
        char title[32];
        snprintf(title, sizeof title, "Chapter %zu", i + 1);
        chaptag_chapter ch = {.start_ms = i * 60000, .end_ms = CHAPTAG_TIME_NONE,
                              .title = title_len ? long_title : title};
        assert_int_equal(chaptag_chapters_add(list, &ch, &err), CHAPTAG_OK);
    }
    free(long_title);
    ct_id3_render_opts opts = {version, "Chapters", duration_ms};
    ct_buf frames = CT_BUF_INIT, tag = CT_BUF_INIT;
    ct_warnings w = {0};
    assert_int_equal(ct_id3v2_render_frames(NULL, list, &opts, &frames, NULL, &w, &err),
                     CHAPTAG_OK);
    ct_id3v2_render_header(version, (uint32_t)frames.len, &tag);
    ct_buf_put(&tag, frames.data, frames.len);
    assert_true(ct_buf_ok(&tag));
    ct_id3_tag *parsed;
    assert_int_equal(ct_id3v2_parse(tag.data, tag.len, &parsed, &err), CHAPTAG_OK);
    ct_buf_free(&frames);
    ct_buf_free(&tag);
    ct_warnings_clear(&w);
    chaptag_chapters_free(list);
    return parsed;
}

/* The findings of linting TAG against DURATION_MS. */
static ct_findings lint(const ct_id3_tag *tag, uint64_t duration_ms)
{
    ct_findings f = {0};
    chaptag_error err;
    assert_int_equal(ct_id3v2_lint(tag, duration_ms, &f, &err), CHAPTAG_OK);
    assert_false(f.failed);
    return f;
}

static bool has(const ct_findings *f, const char *code, chaptag_severity sev)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->v[i].code, code) == 0 && f->v[i].severity == sev)
            return true;
    return false;
}

/* The first frame of TAG with ID. */
static ct_id3_frame *frame(ct_id3_tag *tag, const char *id)
{
    for (size_t i = 0; i < tag->n_frames; i++)
        if (strcmp(tag->frames[i].id, id) == 0)
            return &tag->frames[i];
    fail_msg("no %s frame", id);
    return NULL;
}

static void what_chaptag_writes_is_clean(void **state)
{
    (void)state;
    for (int version = 3; version <= 4; version++) {
        ct_id3_tag *tag = make_tag(version, 5, 0, 300000);
        ct_findings f = lint(tag, 300000);
        for (size_t i = 0; i < f.n; i++)
            fail_msg("v2.%d: unexpected %s: %s", version, f.v[i].code, f.v[i].msg);
        ct_findings_clear(&f);
        ct_id3v2_tag_free(tag);
    }
}

static void chapters_without_a_ctoc_are_an_error(void **state)
{
    (void)state;
    ct_id3_tag *tag = make_tag(3, 3, 0, 180000);
    memcpy(frame(tag, "CTOC")->id, "XXXX", 4); /* as taggers that write CHAP only leave it */
    ct_findings f = lint(tag, 180000);
    assert_true(has(&f, "no-ctoc", CHAPTAG_ERROR));
    ct_findings_clear(&f);
    ct_id3v2_tag_free(tag);
}

static void a_ctoc_neither_top_level_nor_ordered_is_reported(void **state)
{
    (void)state;
    ct_id3_tag *tag = make_tag(3, 3, 0, 180000);
    ct_id3_frame *toc = frame(tag, "CTOC");
    size_t flags_at = strlen((const char *)toc->body) + 1; /* after the element ID */
    toc->body[flags_at] = 0x00;
    ct_findings f = lint(tag, 180000);
    assert_true(has(&f, "no-top-level-ctoc", CHAPTAG_ERROR));
    ct_findings_clear(&f);
    toc->body[flags_at] = 0x02; /* top level, not ordered */
    f = lint(tag, 180000);
    assert_true(has(&f, "ctoc-not-ordered", CHAPTAG_WARNING));
    assert_false(has(&f, "no-top-level-ctoc", CHAPTAG_ERROR));
    ct_findings_clear(&f);
    ct_id3v2_tag_free(tag);
}

static void chaps_out_of_time_order_are_a_warning(void **state)
{
    (void)state;
    ct_id3_tag *tag = make_tag(3, 3, 0, 180000);
    size_t a = SIZE_MAX, b = SIZE_MAX;
    for (size_t i = 0; i < tag->n_frames; i++)
        if (strcmp(tag->frames[i].id, "CHAP") != 0)
            continue;
        else if (a == SIZE_MAX)
            a = i;
        else if (b == SIZE_MAX)
            b = i;
    assert_true(b != SIZE_MAX);
    ct_id3_frame t = tag->frames[a];
    tag->frames[a] = tag->frames[b];
    tag->frames[b] = t;
    ct_findings f = lint(tag, 180000);
    assert_true(has(&f, "chap-order", CHAPTAG_WARNING));
    ct_findings_clear(&f);
    ct_id3v2_tag_free(tag);
}

static void a_tlen_far_from_the_audio_is_a_warning(void **state)
{
    (void)state;
    ct_id3_tag *tag = make_tag(3, 2, 0, 120000);
    ct_findings f = lint(tag, 3600000);
    assert_true(has(&f, "tlen-wrong", CHAPTAG_WARNING));
    ct_findings_clear(&f);
    f = lint(tag, 0); /* duration unknown: nothing to check against */
    assert_false(has(&f, "tlen-wrong", CHAPTAG_WARNING));
    ct_findings_clear(&f);
    ct_id3v2_tag_free(tag);
}

static void big_v24_chapter_frames_hit_the_size_trap_and_v23_does_not(void **state)
{
    (void)state;
    ct_id3_tag *tag = make_tag(4, 2, 200, 120000);
    ct_findings f = lint(tag, 120000);
    assert_true(has(&f, "v24-size-trap", CHAPTAG_ERROR));
    ct_findings_clear(&f);
    ct_id3v2_tag_free(tag);
    tag = make_tag(3, 2, 200, 120000);
    f = lint(tag, 120000);
    assert_false(has(&f, "v24-size-trap", CHAPTAG_ERROR));
    ct_findings_clear(&f);
    ct_id3v2_tag_free(tag);
}

static void a_truncated_chap_is_damaged_not_a_crash(void **state)
{
    (void)state;
    ct_id3_tag *tag = make_tag(3, 2, 0, 120000);
    frame(tag, "CHAP")->len = 6; /* "chp0\0" and one byte of its times */
    ct_findings f = lint(tag, 120000);
    assert_true(has(&f, "chap-damaged", CHAPTAG_ERROR));
    ct_findings_clear(&f);
    ct_id3v2_tag_free(tag);
}

static void a_ctoc_whose_count_byte_wrapped_is_reported(void **state)
{
    (void)state;
    ct_id3_tag *tag = make_tag(3, 3, 0, 180000);
    ct_id3_frame *toc = frame(tag, "CTOC");
    assert_memory_equal(toc->body, "toc\0\x03\x03", 6); /* ID, top-level and ordered, 3 */
    toc->body[5] = 1; /* "chp1" and "chp2" now follow the counted children */
    ct_findings f = lint(tag, 180000);
    assert_true(has(&f, "ctoc-count-wrapped", CHAPTAG_ERROR));
    assert_false(has(&f, "ctoc-damaged", CHAPTAG_ERROR));
    ct_findings_clear(&f);
    ct_id3v2_tag_free(tag);
}

static void a_ctoc_cut_inside_its_children_is_damaged(void **state)
{
    (void)state;
    ct_id3_tag *tag = make_tag(3, 3, 0, 180000);
    frame(tag, "CTOC")->len = 6 + 5 + 3; /* ID, flags, count, "chp0", then "chp" cut short */
    ct_findings f = lint(tag, 180000);
    assert_true(has(&f, "ctoc-damaged", CHAPTAG_ERROR));
    assert_true(has(&f, "chap-not-in-toc", CHAPTAG_WARNING)); /* chp1 and chp2 */
    ct_findings_clear(&f);
    ct_id3v2_tag_free(tag);
}

static void more_than_255_chapters_nest_the_toc(void **state)
{
    (void)state;
    ct_id3_tag *tag = make_tag(3, 300, 0, 300 * 60000);
    ct_findings f = lint(tag, 300 * 60000);
    assert_true(has(&f, "nested-ctoc", CHAPTAG_NOTE));
    assert_false(has(&f, "ctoc-count-wrapped", CHAPTAG_ERROR));
    assert_false(has(&f, "chap-not-in-toc", CHAPTAG_WARNING));
    ct_findings_clear(&f);
    ct_id3v2_tag_free(tag);
}

static void out_of_memory_fails_cleanly(void **state)
{
    (void)state;
    ct_id3_tag *tag = make_tag(3, 20, 0, 1200000);
    for (unsigned long n = 1; n < 200; n++) {
        ct_findings f = {0};
        chaptag_error err;
        ct_alloc_fail_at(n);
        chaptag_status st = ct_id3v2_lint(tag, 1200000, &f, &err);
        ct_alloc_fail_at(0);
        assert_true(st == CHAPTAG_OK || st == CHAPTAG_ERR_NOMEM);
        ct_findings_clear(&f);
    }
    ct_id3v2_tag_free(tag);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(what_chaptag_writes_is_clean),
        cmocka_unit_test(chapters_without_a_ctoc_are_an_error),
        cmocka_unit_test(a_ctoc_neither_top_level_nor_ordered_is_reported),
        cmocka_unit_test(chaps_out_of_time_order_are_a_warning),
        cmocka_unit_test(a_tlen_far_from_the_audio_is_a_warning),
        cmocka_unit_test(big_v24_chapter_frames_hit_the_size_trap_and_v23_does_not),
        cmocka_unit_test(a_truncated_chap_is_damaged_not_a_crash),
        cmocka_unit_test(a_ctoc_whose_count_byte_wrapped_is_reported),
        cmocka_unit_test(a_ctoc_cut_inside_its_children_is_damaged),
        cmocka_unit_test(more_than_255_chapters_nest_the_toc),
        cmocka_unit_test(out_of_memory_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
