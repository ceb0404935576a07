/* Tests of src/core/transform.c: the time grammar of options, the transforms (with property
   tests over lists made by a seeded generator: shift then unshift is the identity; a cut then
   an insert of the same span is the identity for the chapters outside it), the intro, and
   the platform rules. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transform.h"

/* ---- the time grammar ------------------------------------------------------------------------ */

static void option_times_take_clock_times_and_units(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        uint64_t ms;
    } cases[] = {
        {"1:14", 74000},        {"01:02:03.5", 3723500}, {"90s", 90000}, {"1.5m", 90000},
        {"250ms", 250},         {"2h", 7200000},         {"74", 74000},  {"0.0005s", 1},
        {"1.0005ms", 1},        {"0:00", 0},             {"1.25h", 4500000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t ms = 0;
        if (!chaptag_parse_duration(cases[i].s, &ms) || ms != cases[i].ms)
            fail_msg("%s gave %llu", cases[i].s, (unsigned long long)ms);
    }
}

static void option_times_refuse_what_is_not_one(void **state)
{
    (void)state;
    static const char *const bad[] = {"", "s", "90x", "1:75", "1.m", "-90s", "+1:00", "1m30s",
                                      "9999999999999h", "100001h", "1 s", "1:2:3:4"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t ms;
        if (chaptag_parse_duration(bad[i], &ms))
            fail_msg("'%s' was taken for %llu ms", bad[i], (unsigned long long)ms);
    }
}

static void offsets_take_a_sign(void **state)
{
    (void)state;
    int64_t ms = 0;
    assert_true(chaptag_parse_offset("-00:01:30", &ms));
    assert_int_equal(ms, -90000);
    assert_true(chaptag_parse_offset("+90s", &ms));
    assert_int_equal(ms, 90000);
    assert_true(chaptag_parse_offset("1.5m", &ms));
    assert_int_equal(ms, 90000);
    assert_false(chaptag_parse_offset("--1s", &ms));
    assert_false(chaptag_parse_offset("-", &ms));
}

/* ---- helpers ----------------------------------------------------------------------------- */

/* The list of N chapters at STARTS (titled "c1", "c2", ..., on lines 1, 2, ...), with the
   ends ENDS when not NULL. */
static chaptag_chapters *make_list(const uint64_t *starts, const uint64_t *ends, size_t n)
{
    chaptag_chapters *l = chaptag_chapters_new();
    assert_non_null(l);
    for (size_t i = 0; i < n; i++) {
        char title[24];
        snprintf(title, sizeof title, "c%zu", i + 1);
        chaptag_chapter ch = {0};
        ch.start_ms = starts[i];
        ch.end_ms = ends != NULL ? ends[i] : CHAPTAG_TIME_NONE;
        ch.title = title;
        ch.line = (unsigned)i + 1;
        ch.hidden = i % 3 == 2;
        assert_int_equal(chaptag_chapters_add(l, &ch, NULL), CHAPTAG_OK);
    }
    return l;
}

static void assert_starts(const chaptag_chapters *l, const uint64_t *want, size_t n)
{
    assert_int_equal(chaptag_chapters_count(l), n);
    for (size_t i = 0; i < n; i++)
        if (chaptag_chapters_get(l, i)->start_ms != want[i])
            fail_msg("chapter %zu starts at %llu, not %llu", i + 1,
                     (unsigned long long)chaptag_chapters_get(l, i)->start_ms,
                     (unsigned long long)want[i]);
}

/* ---- the transforms, by example ------------------------------------------------------------- */

static void shift_moves_every_chapter_and_names_the_one_below_zero(void **state)
{
    (void)state;
    static const uint64_t s[] = {74000, 120000, 282000};
    chaptag_chapters *l = make_list(s, NULL, 3), *out = NULL;
    assert_int_equal(chaptag_chapters_shift(l, -74000, CHAPTAG_TIME_NONE, &out, NULL), CHAPTAG_OK);
    assert_starts(out, (const uint64_t[]){0, 46000, 208000}, 3);
    assert_int_equal(chaptag_chapters_get(out, 2)->hidden, 1); /* hidden ones move too */
    assert_string_equal(chaptag_chapters_get(out, 1)->title, "c2");
    chaptag_chapters_free(out);
    chaptag_error err = {0};
    assert_int_equal(chaptag_chapters_shift(l, -75000, CHAPTAG_TIME_NONE, &out, &err),
                     CHAPTAG_ERR_INPUT);
    assert_int_equal(err.line, 1);
    assert_string_equal(err.msg, "shifting by -00:01:15 moves chapter 1 (00:01:14 \"c1\") "
                                 "before 0:00");
    assert_int_equal(chaptag_chapters_shift(l, 20000, 300000, &out, &err), CHAPTAG_ERR_INPUT);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.msg, "shifting by +00:00:20 moves chapter 3 (00:04:42 \"c3\") to "
                                 "00:05:02, at or past the end of the audio (00:05:00.000)");
    chaptag_chapters_free(l);
}

static void cut_drops_what_lies_inside_and_moves_what_follows(void **state)
{
    (void)state;
    /* c1 0-100, c2 100-200 (starts before the cut), c3 200-250 (inside), c4 250-400 (starts
       inside, ends after), c5 400- (after); cut 150-300 */
    static const uint64_t s[] = {0, 100000, 200000, 250000, 400000};
    chaptag_chapters *l = make_list(s, NULL, 5), *out = NULL;
    assert_int_equal(chaptag_chapters_cut(l, 150000, 300000, CHAPTAG_TIME_NONE, &out, NULL),
                     CHAPTAG_OK);
    assert_starts(out, (const uint64_t[]){0, 100000, 150000, 250000}, 4);
    assert_string_equal(chaptag_chapters_get(out, 2)->title, "c4");
    assert_int_equal(chaptag_chapters_warning_count(out), 1);
    assert_int_equal(chaptag_chapters_warning(out, 0)->line, 3);
    assert_string_equal(chaptag_chapters_warning(out, 0)->msg,
                        "the cut 00:02:30-00:05:00 removes chapter 3 (00:03:20 \"c3\"), which "
                        "lies wholly inside it");
    chaptag_chapters_free(out);
    chaptag_error err = {0};
    static const uint64_t e[] = {100000, 200000, 250000, 400000, 450000};
    chaptag_chapters *ended = make_list(s, e, 5);
    assert_int_equal(chaptag_chapters_cut(ended, 0, 500000, CHAPTAG_TIME_NONE, &out, &err),
                     CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "the cut 00:00:00-00:08:20 removes every chapter");
    chaptag_chapters_free(ended);
    assert_int_equal(chaptag_chapters_cut(l, 5000, 5000, CHAPTAG_TIME_NONE, &out, &err),
                     CHAPTAG_ERR_INPUT);
    chaptag_chapters_free(l);
}

static void cut_shortens_given_ends(void **state)
{
    (void)state;
    static const uint64_t s[] = {0, 100000, 400000}, e[] = {90000, 350000, 500000};
    chaptag_chapters *l = make_list(s, e, 3), *out = NULL;
    assert_int_equal(chaptag_chapters_cut(l, 150000, 300000, CHAPTAG_TIME_NONE, &out, NULL),
                     CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_get(out, 0)->end_ms, 90000);
    assert_int_equal(chaptag_chapters_get(out, 1)->end_ms, 200000);
    assert_int_equal(chaptag_chapters_get(out, 2)->start_ms, 250000);
    assert_int_equal(chaptag_chapters_get(out, 2)->end_ms, 350000);
    chaptag_chapters_free(out);
    chaptag_chapters_free(l);
}

static void insert_moves_chapters_at_or_after_it_and_grows_the_one_holding_it(void **state)
{
    (void)state;
    static const uint64_t s[] = {0, 100000, 200000}, e[] = {100000, 200000, 300000};
    chaptag_chapters *l = make_list(s, e, 3), *out = NULL;
    assert_int_equal(chaptag_chapters_insert(l, 150000, 30000, CHAPTAG_TIME_NONE, &out, NULL),
                     CHAPTAG_OK);
    assert_starts(out, (const uint64_t[]){0, 100000, 230000}, 3);
    assert_int_equal(chaptag_chapters_get(out, 1)->end_ms, 230000);
    chaptag_chapters_free(out);
    assert_int_equal(chaptag_chapters_insert(l, 100000, 30000, CHAPTAG_TIME_NONE, &out, NULL),
                     CHAPTAG_OK);
    assert_starts(out, (const uint64_t[]){0, 130000, 230000}, 3);
    chaptag_chapters_free(out);
    chaptag_error err = {0};
    assert_int_equal(chaptag_chapters_insert(l, 150000, 30000, 220000, &out, &err),
                     CHAPTAG_ERR_INPUT);
    assert_int_equal(err.line, 3);
    chaptag_chapters_free(l);
}

static void add_intro_puts_a_chapter_at_zero_only_when_needed(void **state)
{
    (void)state;
    static const uint64_t s[] = {74000, 120000};
    chaptag_chapters *l = make_list(s, NULL, 2), *out = NULL, *again = NULL;
    assert_int_equal(chaptag_chapters_add_intro(l, "Intro", &out, NULL), CHAPTAG_OK);
    assert_starts(out, (const uint64_t[]){0, 74000, 120000}, 3);
    assert_string_equal(chaptag_chapters_get(out, 0)->title, "Intro");
    assert_int_equal(chaptag_chapters_add_intro(out, "Intro", &again, NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_count(again), 3);
    assert_int_equal(chaptag_chapters_warning_count(again), 1);
    chaptag_chapters_free(again);
    chaptag_chapters_free(out);
    chaptag_chapters_free(l);
}

/* ---- properties, over generated lists --------------------------------------------------------- */

/* xorshift64*: the same lists on every run and every machine. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

/* A list of 1 to 40 chapters, gaps of 1 ms to 10 min, given ends on every other list. */
static chaptag_chapters *random_list(uint64_t *seed)
{
    size_t n = 1 + next_random(seed) % 40;
    uint64_t starts[40], ends[40], at = next_random(seed) % 3 == 0 ? 0 : next_random(seed) % 60000;
    bool with_ends = next_random(seed) % 2 == 0;
    for (size_t i = 0; i < n; i++) {
        starts[i] = at;
        at += 1 + next_random(seed) % 600000;
        ends[i] = at - (next_random(seed) % 2 == 0 ? 0 : (at - starts[i]) / 2);
    }
    return make_list(starts, with_ends ? ends : NULL, n);
}

/* Fails unless chapter I of A and J of B are the same chapter at the same times. */
static void assert_same_chapter(const chaptag_chapters *a, size_t i, const chaptag_chapters *b,
                                size_t j, unsigned round)
{
    const chaptag_chapter *x = chaptag_chapters_get(a, i), *y = chaptag_chapters_get(b, j);
    if (x == NULL || y == NULL || x->start_ms != y->start_ms || x->end_ms != y->end_ms ||
        strcmp(x->title, y->title) != 0 || x->hidden != y->hidden || x->line != y->line)
        fail_msg("round %u: chapter %zu is not what it was", round, i + 1);
}

static void shift_then_unshift_is_the_identity(void **state)
{
    (void)state;
    uint64_t seed = 0x5eed000000000001ull;
    for (unsigned round = 0; round < 2000; round++) {
        chaptag_chapters *l = random_list(&seed), *there = NULL, *back = NULL;
        const chaptag_chapter *first = chaptag_chapters_get(l, 0);
        /* forward by anything; backward by at most the first start */
        int64_t by = next_random(&seed) % 2 == 0
                         ? (int64_t)(next_random(&seed) % 7200000)
                         : -(int64_t)(first->start_ms > 0 ? next_random(&seed) % (first->start_ms + 1) : 0);
        assert_int_equal(chaptag_chapters_shift(l, by, CHAPTAG_TIME_NONE, &there, NULL),
                         CHAPTAG_OK);
        assert_int_equal(chaptag_chapters_shift(there, -by, CHAPTAG_TIME_NONE, &back, NULL),
                         CHAPTAG_OK);
        assert_int_equal(chaptag_chapters_count(back), chaptag_chapters_count(l));
        for (size_t i = 0; i < chaptag_chapters_count(l); i++)
            assert_same_chapter(l, i, back, i, round);
        chaptag_chapters_free(back);
        chaptag_chapters_free(there);
        chaptag_chapters_free(l);
    }
}

/* True when chapter I of L lies wholly outside [S, E): it ends by S or starts at E or later. */
static bool outside(const chaptag_chapters *l, size_t i, uint64_t s, uint64_t e)
{
    const chaptag_chapter *ch = chaptag_chapters_get(l, i);
    uint64_t end = chaptag_chapters_end(l, i, CHAPTAG_TIME_NONE);
    return ch->start_ms >= e || (end != CHAPTAG_TIME_NONE && end <= s);
}

static void cut_then_insert_of_the_same_span_keeps_the_chapters_outside_it(void **state)
{
    (void)state;
    uint64_t seed = 0x5eed000000000002ull;
    unsigned checked = 0;
    for (unsigned round = 0; round < 2000; round++) {
        chaptag_chapters *l = random_list(&seed), *cut = NULL, *back = NULL;
        size_t n = chaptag_chapters_count(l);
        uint64_t last = chaptag_chapters_get(l, n - 1)->start_ms;
        uint64_t s = next_random(&seed) % (last + 600000);
        uint64_t e = s + 1 + next_random(&seed) % 900000;
        chaptag_status st = chaptag_chapters_cut(l, s, e, CHAPTAG_TIME_NONE, &cut, NULL);
        if (st != CHAPTAG_OK) { /* only when the cut took every chapter */
            for (size_t i = 0; i < n; i++)
                assert_false(outside(l, i, s, e));
            chaptag_chapters_free(l);
            continue;
        }
        assert_int_equal(chaptag_chapters_insert(cut, s, e - s, CHAPTAG_TIME_NONE, &back, NULL),
                         CHAPTAG_OK);
        /* each chapter outside the span is found again, as it was */
        for (size_t i = 0, j = 0; i < n; i++) {
            if (!outside(l, i, s, e))
                continue;
            while (j < chaptag_chapters_count(back) &&
                   chaptag_chapters_get(back, j)->line != chaptag_chapters_get(l, i)->line)
                j++;
            assert_same_chapter(l, i, back, j, round);
            checked++;
        }
        chaptag_chapters_free(back);
        chaptag_chapters_free(cut);
        chaptag_chapters_free(l);
    }
    assert_true(checked > 10000); /* the property was tested on many chapters, not few */
}

static void transforms_leave_their_input_and_keep_its_order(void **state)
{
    (void)state;
    uint64_t seed = 0x5eed000000000003ull;
    for (unsigned round = 0; round < 1000; round++) {
        chaptag_chapters *l = random_list(&seed), *out = NULL;
        uint64_t at = next_random(&seed) % 3600000, len = 1 + next_random(&seed) % 600000;
        size_t n = chaptag_chapters_count(l);
        uint64_t first = chaptag_chapters_get(l, 0)->start_ms;
        if (next_random(&seed) % 2 == 0)
            assert_int_equal(chaptag_chapters_insert(l, at, len, CHAPTAG_TIME_NONE, &out, NULL),
                             CHAPTAG_OK);
        else if (chaptag_chapters_cut(l, at, at + len, CHAPTAG_TIME_NONE, &out, NULL) != CHAPTAG_OK)
            out = NULL;
        assert_int_equal(chaptag_chapters_count(l), n);
        assert_int_equal(chaptag_chapters_get(l, 0)->start_ms, first);
        if (out != NULL)
            assert_int_equal(chaptag_chapters_validate(out, CHAPTAG_TIME_NONE, NULL), CHAPTAG_OK);
        chaptag_chapters_free(out);
        chaptag_chapters_free(l);
    }
}

/* ---- platform rules ----------------------------------------------------------------------- */

static const ct_platform rules = {
    .name = "test", .label = "Tube", .min_chapters = 3, .min_length_ms = 10000,
    .title_advice = 5, .warn_emoji = true, .one_separator = true, .stamps = CT_STAMP_SHORT,
};

/* The codes of what RULES find in the list of N chapters at STARTS, space-separated. */
static const char *codes(const uint64_t *starts, size_t n, uint64_t duration, const char *title)
{
    static char buf[512];
    chaptag_chapters *l = chaptag_chapters_new();
    for (size_t i = 0; i < n; i++) {
        chaptag_chapter ch = {0};
        ch.start_ms = starts[i];
        ch.end_ms = CHAPTAG_TIME_NONE;
        ch.title = i == 0 && title != NULL ? title : "ok";
        ch.line = (unsigned)i + 1;
        chaptag_chapters_add(l, &ch, NULL);
    }
    ct_findings f = {0};
    ct_platform_check(&rules, l, duration, &f);
    buf[0] = '\0';
    for (size_t i = 0; i < f.n; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s@%u", i ? " " : "",
                 f.v[i].code, f.v[i].line);
    ct_findings_clear(&f);
    chaptag_chapters_free(l);
    return buf;
}

static void platform_rules_name_the_chapter_that_breaks_them(void **state)
{
    (void)state;
    assert_string_equal(codes((const uint64_t[]){0, 10000, 20000}, 3, 30000, NULL), "");
    assert_string_equal(codes((const uint64_t[]){1000, 20000, 40000}, 3, 60000, NULL),
                        "platform-first-start@1");
    assert_string_equal(codes((const uint64_t[]){999, 20000, 40000}, 3, 60000, NULL), "");
    assert_string_equal(codes((const uint64_t[]){0, 20000}, 2, 60000, NULL), "platform-too-few@0");
    assert_string_equal(codes((const uint64_t[]){0, 9999, 20000}, 3, 60000, NULL),
                        "platform-too-short@1");
    assert_string_equal(codes((const uint64_t[]){0, 20000, 40000}, 3, 49000, NULL),
                        "platform-too-short@3");
    assert_string_equal(codes((const uint64_t[]){0, 20000, 20500}, 3, CHAPTAG_TIME_NONE, NULL),
                        "platform-order@3");
    assert_string_equal(codes((const uint64_t[]){0, 20000, 40000}, 3, 60000, "- x"),
                        "platform-separator@1");
    assert_string_equal(codes((const uint64_t[]){0, 20000, 40000}, 3, 60000, "longer"),
                        "platform-long-title@1");
    assert_string_equal(codes((const uint64_t[]){0, 20000, 40000}, 3, 60000, "\xf0\x9f\x8e\x99"),
                        "platform-emoji@1");
}

static void platform_blocks_write_whole_seconds_in_the_platform_form(void **state)
{
    (void)state;
    static const uint64_t s[] = {0, 74500, 3599000, 3600000};
    chaptag_chapters *l = make_list(s, NULL, 4);
    ct_buf out = CT_BUF_INIT;
    ct_warnings w = {0};
    ct_platform loose = rules;
    loose.min_length_ms = 0;
    assert_int_equal(ct_platform_write(&loose, l, CHAPTAG_TIME_NONE, &out, &w, NULL), CHAPTAG_OK);
    ct_buf_put_u8(&out, 0);
    assert_string_equal((const char *)out.data, "0:00 c1\n1:14 c2\n59:59 c3\n1:00:00 c4\n");
    assert_int_equal(w.n, 1);
    assert_string_equal(w.v[0].msg, "Tube descriptions give whole seconds: 1 chapter loses the "
                                    "milliseconds (chapter 2, 00:01:14.500, is written at second "
                                    "74)");
    ct_warnings_clear(&w);
    ct_platform padded = loose;
    padded.stamps = CT_STAMP_PADDED;
    out.len = 0;
    assert_int_equal(ct_platform_write(&padded, l, CHAPTAG_TIME_NONE, &out, &w, NULL), CHAPTAG_OK);
    ct_buf_put_u8(&out, 0);
    assert_string_equal((const char *)out.data,
                        "00:00:00 c1\n00:01:14 c2\n00:59:59 c3\n01:00:00 c4\n");
    ct_warnings_clear(&w);
    ct_buf_free(&out);
    chaptag_chapters_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(option_times_take_clock_times_and_units),
        cmocka_unit_test(option_times_refuse_what_is_not_one),
        cmocka_unit_test(offsets_take_a_sign),
        cmocka_unit_test(shift_moves_every_chapter_and_names_the_one_below_zero),
        cmocka_unit_test(cut_drops_what_lies_inside_and_moves_what_follows),
        cmocka_unit_test(cut_shortens_given_ends),
        cmocka_unit_test(insert_moves_chapters_at_or_after_it_and_grows_the_one_holding_it),
        cmocka_unit_test(add_intro_puts_a_chapter_at_zero_only_when_needed),
        cmocka_unit_test(shift_then_unshift_is_the_identity),
        cmocka_unit_test(cut_then_insert_of_the_same_span_keeps_the_chapters_outside_it),
        cmocka_unit_test(transforms_leave_their_input_and_keep_its_order),
        cmocka_unit_test(platform_rules_name_the_chapter_that_breaks_them),
        cmocka_unit_test(platform_blocks_write_whole_seconds_in_the_platform_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
