/* Tests of the platform description formats (fmt_youtube.c, fmt_spotify.c, fmt_apple.c) and of
   reading descriptions back as text (fmt_text.c: the two-line form, skipping prose). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

/* FMT's output for the text chapter list TEXT; NULL (ERR filled) when FMT refuses it. */
static char *convert(const char *text, const char *fmt, uint64_t duration, chaptag_error *err)
{
    chaptag_chapters *list = ct_test_parse("text", text, strlen(text));
    char *out = NULL;
    if (chaptag_format(list, fmt, duration, &out, NULL, err) != CHAPTAG_OK)
        out = NULL;
    chaptag_chapters_free(list);
    return out;
}

static const char hour_list[] = "00:00:00 Intro\n00:01:14 Talk\n00:59:59 Late\n"
                                "01:03:35 Contact\n";

static void youtube_writes_short_times_and_hours_from_an_hour_on(void **state)
{
    (void)state;
    char *out = convert(hour_list, "youtube", CHAPTAG_TIME_NONE, NULL);
    assert_string_equal(out, "0:00 Intro\n1:14 Talk\n59:59 Late\n1:03:35 Contact\n");
    free(out);
}

static void spotify_pads_times_and_apple_always_writes_hours(void **state)
{
    (void)state;
    char *out = convert(hour_list, "spotify", CHAPTAG_TIME_NONE, NULL);
    assert_string_equal(out, "00:00:00 Intro\n00:01:14 Talk\n00:59:59 Late\n01:03:35 Contact\n");
    free(out);
    out = convert("0:00 A\n1:00 B\n2:00 C\n", "spotify", CHAPTAG_TIME_NONE, NULL);
    assert_string_equal(out, "00:00 A\n01:00 B\n02:00 C\n");
    free(out);
    out = convert("0:00 A\n1:00 B\n2:00 C\n", "apple", CHAPTAG_TIME_NONE, NULL);
    assert_string_equal(out, "00:00:00 A\n00:01:00 B\n00:02:00 C\n");
    free(out);
}

static void every_platform_refuses_a_first_chapter_after_zero_naming_it(void **state)
{
    (void)state;
    static const char *const fmts[] = {"youtube", "spotify", "apple"};
    static const char *const labels[] = {"YouTube", "Spotify", "Apple Podcasts"};
    for (size_t i = 0; i < 3; i++) {
        chaptag_error err = {0};
        char want[256];
        assert_null(convert("# seed 000 starts late\n01:14 Intro\n02:00 Talk\n04:42 End\n",
                            fmts[i], CHAPTAG_TIME_NONE, &err));
        assert_int_equal(err.code, CHAPTAG_ERR_INPUT);
        assert_int_equal(err.line, 2);
        snprintf(want, sizeof want, "chapter 1 (00:01:14 \"Intro\") starts at 00:01:14, not "
                 "0:00: %s needs the first chapter at 0:00 (add one, or shift the list)",
                 labels[i]);
        assert_string_equal(err.msg, want);
    }
}

static void platforms_refuse_too_few_and_youtube_too_short(void **state)
{
    (void)state;
    chaptag_error err = {0};
    assert_null(convert("0:00 A\n1:00 B\n", "apple", CHAPTAG_TIME_NONE, &err));
    assert_string_equal(err.msg, "2 chapters: Apple Podcasts needs at least 3");
    assert_null(convert("0:00 A\n0:05 B\n1:00 C\n", "youtube", CHAPTAG_TIME_NONE, &err));
    assert_int_equal(err.line, 1);
    assert_string_equal(err.msg, "chapter 1 (00:00:00 \"A\") lasts 5 s: YouTube needs every "
                                 "chapter to last at least 10 s");
    /* the last chapter is judged only when the duration is known */
    char *out = convert("0:00 A\n0:15 B\n1:00 C\n", "youtube", CHAPTAG_TIME_NONE, &err);
    assert_non_null(out);
    free(out);
    assert_null(convert("0:00 A\n0:15 B\n1:00 C\n", "youtube", 65000, &err));
    assert_int_equal(err.line, 3);
    /* a fraction the block cannot write would put two chapters on one second */
    assert_null(convert("0:00 A\n0:20 B\n0:20.5 C\n", "apple", CHAPTAG_TIME_NONE, &err));
    assert_int_equal(err.line, 3);
}

static void spotify_refuses_a_second_separator_and_warns_its_advice(void **state)
{
    (void)state;
    chaptag_error err = {0};
    assert_null(convert("0:00 A\n1:00 - - dash\n2:00 C\n", "spotify", CHAPTAG_TIME_NONE, &err));
    assert_int_equal(err.line, 2);
    static const char advice[] = "0:00 A\n1:00 A title well over forty characters, as seeds "
                                 "have\n2:00 Mic \xf0\x9f\x8e\x99\n";
    chaptag_chapters *list = ct_test_parse("text", advice, sizeof advice - 1);
    char *out = NULL;
    chaptag_warning *w = NULL;
    size_t n = 0;
    assert_int_equal(chaptag_format_with_warnings(list, "spotify", CHAPTAG_TIME_NONE, &out, NULL,
                                                  &w, &n, NULL),
                     CHAPTAG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(w[0].line, 2);
    assert_string_equal(w[0].msg, "chapter 2 (00:01:00 \"A title well over forty characters, "
                                  "as s...\") has a title of 49 characters: Spotify advises under "
                                  "40");
    assert_int_equal(w[1].line, 3);
    free(w);
    free(out);
    chaptag_chapters_free(list);
}

static void what_the_platforms_write_reads_back_as_text(void **state)
{
    (void)state;
    static const char *const fmts[] = {"youtube", "spotify", "apple"};
    chaptag_chapters *want = ct_test_parse("text", hour_list, strlen(hour_list));
    for (size_t i = 0; i < 3; i++) {
        char *out = convert(hour_list, fmts[i], CHAPTAG_TIME_NONE, NULL);
        assert_string_equal(chaptag_detect(out, strlen(out), NULL), "text");
        chaptag_chapters *got = ct_test_parse(NULL, out, strlen(out));
        char why[128];
        if (!ct_chapters_match(want, got, SIZE_MAX, why, sizeof why))
            fail_msg("%s: %s", fmts[i], why);
        chaptag_chapters_free(got);
        free(out);
    }
    chaptag_chapters_free(want);
}

/* ---- descriptions as they are written -------------------------------------------------------- */

static void text_reads_the_two_line_form(void **state)
{
    (void)state;
    static const char notes[] = "(00:00)\nIntro\n\n(00:45)\nThe news: today\n01:30\n02:00 End\n";
    chaptag_chapters *l = ct_test_parse("text", notes, sizeof notes - 1);
    assert_int_equal(chaptag_chapters_count(l), 4);
    assert_string_equal(chaptag_chapters_get(l, 0)->title, "Intro");
    assert_int_equal(chaptag_chapters_get(l, 1)->start_ms, 45000);
    assert_int_equal(chaptag_chapters_get(l, 1)->line, 4);
    assert_string_equal(chaptag_chapters_get(l, 1)->title, "The news: today");
    /* a time alone before another time stays untitled, as before */
    assert_string_equal(chaptag_chapters_get(l, 2)->title, "");
    assert_string_equal(chaptag_chapters_get(l, 3)->title, "End");
    chaptag_chapters_free(l);
}

static void text_stays_strict_about_prose_by_default(void **state)
{
    (void)state;
    ct_test_rejects("text", "Episode 12!\n00:00 Intro\n", 23, 1, 0,
                    "no time at the start of the line (\"Episode 12!\")");
}

static void skipping_prose_reads_a_pasted_description_and_says_which_lines(void **state)
{
    (void)state;
    static const char desc[] = "Episode 12 of the show!\nTimestamps:\n00:00 Intro\n"
                               "(01:00)\nTalk\nIn 2024 we met.\n# a comment\n02:00 End\n"
                               "Follow us <https://example.com>\n";
    chaptag_chapters *l = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_parse_skipping_prose(desc, sizeof desc - 1, &l, &err), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_count(l), 3);
    assert_string_equal(chaptag_chapters_get(l, 1)->title, "Talk");
    assert_int_equal(chaptag_chapters_get(l, 2)->line, 8);
    assert_int_equal(chaptag_chapters_warning_count(l), 1);
    assert_string_equal(chaptag_chapters_warning(l, 0)->msg,
                        "skipped 4 lines without a time: 1-2, 6, 9");
    chaptag_chapters_free(l);
    l = NULL;
    assert_int_equal(chaptag_parse_skipping_prose("just words\nno times\n", 20, &l, &err),
                     CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "none of the 2 lines has a time at its start");
    assert_null(l);
    /* a bad time is still an error on its line, not prose */
    assert_int_equal(chaptag_parse_skipping_prose("hi\n00:61:00 X\n", 14, &l, &err),
                     CHAPTAG_ERR_INPUT);
    assert_int_equal(err.line, 2);
}

static void skipping_prose_reads_utf16_and_classic_mac_lines(void **state)
{
    (void)state;
    static const char mac[] = "Notes\r00:00 A\r00:30 B\r";
    chaptag_chapters *l = NULL;
    assert_int_equal(chaptag_parse_skipping_prose(mac, sizeof mac - 1, &l, NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_count(l), 2);
    assert_int_equal(chaptag_chapters_get(l, 1)->line, 3);
    chaptag_chapters_free(l);
    static const char u16[] = "\xff\xfeh\0i\0\n\0" "0\0:\0" "0\0" "0\0 \0A\0\n\0";
    assert_int_equal(chaptag_parse_skipping_prose(u16, sizeof u16 - 1, &l, NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_count(l), 1);
    assert_string_equal(chaptag_chapters_get(l, 0)->title, "A");
    chaptag_chapters_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(youtube_writes_short_times_and_hours_from_an_hour_on),
        cmocka_unit_test(spotify_pads_times_and_apple_always_writes_hours),
        cmocka_unit_test(every_platform_refuses_a_first_chapter_after_zero_naming_it),
        cmocka_unit_test(platforms_refuse_too_few_and_youtube_too_short),
        cmocka_unit_test(spotify_refuses_a_second_separator_and_warns_its_advice),
        cmocka_unit_test(what_the_platforms_write_reads_back_as_text),
        cmocka_unit_test(text_reads_the_two_line_form),
        cmocka_unit_test(text_stays_strict_about_prose_by_default),
        cmocka_unit_test(skipping_prose_reads_a_pasted_description_and_says_which_lines),
        cmocka_unit_test(skipping_prose_reads_utf16_and_classic_mac_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
