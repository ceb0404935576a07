/* Tests of src/formats/fmt_mp4chaps.c: mp4v2's native chapter file (chapter-formats reference §2). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "formats.h"

static chaptag_chapters *parse_ok(const char *text)
{
    return ct_test_parse("mp4chaps", text, strlen(text));
}

/* Fails unless TEXT is rejected at LINE with exactly MSG. */
static void assert_rejected(const char *text, unsigned line, const char *msg)
{
    ct_test_rejects("mp4chaps", text, strlen(text), line, 0, msg);
}

static void mp4chaps_reads_the_example_of_the_reference(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("## album-artist: Some Artist\n"
                                      "## artist: Some Artist\n"
                                      "## album: The Book\n"
                                      "## title: The Book\n"
                                      "##\n"
                                      "## total-duration: 01:03:40.000\n"
                                      "##\n"
                                      "00:00:00.000 Intro\n"
                                      "00:01:14.000 Topic one: details\n");
    assert_int_equal(chaptag_chapters_count(list), 2);
    assert_int_equal(chaptag_chapters_get(list, 0)->start_ms, 0);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "Intro");
    assert_int_equal(chaptag_chapters_get(list, 0)->line, 8);
    assert_int_equal(chaptag_chapters_get(list, 1)->start_ms, 74000);
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "Topic one: details");
    assert_int_equal(chaptag_chapters_get(list, 1)->end_ms, CHAPTAG_TIME_NONE);
    assert_string_equal(chaptag_chapters_meta(list, "album-artist"), "Some Artist");
    assert_string_equal(chaptag_chapters_meta(list, "artist"), "Some Artist");
    assert_string_equal(chaptag_chapters_meta(list, "album"), "The Book");
    assert_string_equal(chaptag_chapters_meta(list, "title"), "The Book");
    assert_null(chaptag_chapters_meta(list, "total-duration"));
    chaptag_chapters_free(list);
}

static void mp4chaps_splits_the_title_at_the_first_space_or_tab(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("00:00:00.000\t  Tabbed: a - b\n"
                                      "# a comment\n"
                                      "\t\n"
                                      "00:00:01.5 One decimal\r\n"
                                      "  100:00:00.000   Hundred hours  \n"
                                      "100:00:00.001\n");
    assert_int_equal(chaptag_chapters_count(list), 4);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "Tabbed: a - b");
    assert_int_equal(chaptag_chapters_get(list, 1)->start_ms, 1500);
    assert_int_equal(chaptag_chapters_get(list, 1)->line, 4);
    assert_int_equal(chaptag_chapters_get(list, 2)->start_ms, 360000000);
    assert_string_equal(chaptag_chapters_get(list, 2)->title, "Hundred hours");
    assert_string_equal(chaptag_chapters_get(list, 3)->title, "");
    chaptag_chapters_free(list);
}

static void mp4chaps_refuses_frame_timestamps_naming_the_line(void **state)
{
    (void)state;
    assert_rejected("00:00:00.000 Intro\n00:01:14 Topic\n", 2,
                    "00:01:14 has no fraction: mp4chaps reads that as HH:MM:SS:FF frames, which "
                    "audio has no rate for (write 00:01:14.000)");
}

static void mp4chaps_rejects_what_is_not_a_chapter_line(void **state)
{
    (void)state;
    assert_rejected("00:00:00.000 A\nIntro at zero\n", 2,
                    "\"Intro at zero\" is not a chapter line (HH:MM:SS.fff Title), ## metadata "
                    "or a comment");
    assert_rejected("00:61:00.000 X\n", 1, "00:61:00.000 is not a valid time (write HH:MM:SS.fff)");
    assert_rejected("1:2:3:4.000 X\n", 1, "1:2:3:4.000 is not a valid time (write HH:MM:SS.fff)");
    assert_rejected("100000:00:00.001 X\n", 1, "100000:00:00.001 is past 100000 hours");
    assert_rejected("00:00:00.000 Caf\xe9\n", 1, "the title is not valid UTF-8");
    assert_rejected("## title: x\n# only comments\n", 0, "no chapter lines");
    assert_rejected("00:00:02.000 B\n00:00:01.000 A\n", 2,
                    "00:00:01 is not after 00:00:02 on line 1");
}

static void mp4chaps_detect_wants_three_decimals_on_every_line_or_a_total_duration(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int conf;
    } cases[] = {
        {"00:00:00.000 A\n00:01:00.500 B\n", CT_DETECT_SURE},
        {"## total-duration: 01:00:00.000\n", CT_DETECT_SURE},
        {"00:00:00.000 A\n00:01:00 B\n", CT_DETECT_NO},
        {"00:00:00.00 A\n", CT_DETECT_NO},
        {"0:00.000 A\n", CT_DETECT_NO},
        {"# comment only\n", CT_DETECT_NO},
        {"", CT_DETECT_NO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(ct_fmt_mp4chaps.detect(cases[i].text, strlen(cases[i].text)),
                         cases[i].conf);
}

static void mp4chaps_format_writes_metadata_the_duration_and_fff_times(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter chs[] = {
        {.start_ms = 74000, .end_ms = CHAPTAG_TIME_NONE, .title = "Intro # not a comment"},
        {.start_ms = 120500, .end_ms = CHAPTAG_TIME_NONE, .title = ""},
        {.start_ms = 3600000, .end_ms = CHAPTAG_TIME_NONE, .title = "Two\nlines\t"},
    };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(chaptag_chapters_add(list, &chs[i], NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_meta(list, "title", "The Book", NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_meta(list, "album-artist", "A B", NULL), CHAPTAG_OK);
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "mp4chaps", 3820000, &out, NULL, &err), CHAPTAG_OK);
    assert_string_equal(out, "## album-artist: A B\n"
                             "## title: The Book\n"
                             "## total-duration: 01:03:40.000\n"
                             "00:01:14.000 Intro # not a comment\n"
                             "00:02:00.500\n"
                             "01:00:00.000 Two lines\n");
    assert_string_equal(chaptag_detect(out, strlen(out), NULL), "mp4chaps");
    free(out);
    assert_int_equal(chaptag_format(list, "mp4chaps", CHAPTAG_TIME_NONE, &out, NULL, &err),
                     CHAPTAG_OK);
    assert_null(strstr(out, "total-duration"));
    free(out);
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mp4chaps_reads_the_example_of_the_reference),
        cmocka_unit_test(mp4chaps_splits_the_title_at_the_first_space_or_tab),
        cmocka_unit_test(mp4chaps_refuses_frame_timestamps_naming_the_line),
        cmocka_unit_test(mp4chaps_rejects_what_is_not_a_chapter_line),
        cmocka_unit_test(mp4chaps_detect_wants_three_decimals_on_every_line_or_a_total_duration),
        cmocka_unit_test(mp4chaps_format_writes_metadata_the_duration_and_fff_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
