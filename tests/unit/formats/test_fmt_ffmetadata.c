/* Tests of src/formats/fmt_ffmetadata.c: FFmpeg's FFMETADATA1 (chapter-formats reference §5). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

static chaptag_chapters *parse_ok(const char *text)
{
    return ct_test_parse("ffmetadata", text, strlen(text));
}

/* Fails unless TEXT is rejected at LINE with exactly MSG. */
static void assert_rejected(const char *text, unsigned line, const char *msg)
{
    ct_test_rejects("ffmetadata", text, strlen(text), line, 0, msg);
}

static void ffmetadata_reads_the_example_of_the_reference(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(";FFMETADATA1\n"
                                      "title=Episode 7\n"
                                      "artist=John Doe\n"
                                      "\n"
                                      "[CHAPTER]\n"
                                      "TIMEBASE=1/1000\n"
                                      "START=0\n"
                                      "END=74000\n"
                                      "title=Intro\n"
                                      "[CHAPTER]\n"
                                      "TIMEBASE=1/1000\n"
                                      "START=74000\n"
                                      "END=120500\n"
                                      "title=Topic one: details\n");
    assert_int_equal(chaptag_chapters_count(list), 2);
    const chaptag_chapter *a = chaptag_chapters_get(list, 0), *b = chaptag_chapters_get(list, 1);
    assert_int_equal(a->start_ms, 0);
    assert_int_equal(a->end_ms, 74000);
    assert_string_equal(a->title, "Intro");
    assert_int_equal(a->line, 5);
    assert_int_equal(b->start_ms, 74000);
    assert_int_equal(b->end_ms, 120500);
    assert_string_equal(b->title, "Topic one: details");
    assert_int_equal(b->line, 10);
    assert_string_equal(chaptag_chapters_meta(list, "title"), "Episode 7");
    assert_string_equal(chaptag_chapters_meta(list, "artist"), "John Doe");
    chaptag_chapters_free(list);
}

static void ffmetadata_honours_the_time_base_and_defaults_to_nanoseconds(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(";FFMETADATA1\n"
                                      "[CHAPTER]\nSTART=1500000000\nEND=2000000000\n"
                                      "[CHAPTER]\nTIMEBASE=1/44100\nSTART=88200\nEND=88223\n"
                                      "[CHAPTER]\nTIMEBASE=1001/30000\nSTART=3000\n"
                                      "[CHAPTER]\nTIMEBASE=1/2147483647\nSTART=2147483647000\n"
                                      "[CHAPTER]\nSTART=7200000000000\n"
                                      "[CHAPTER]\nSTART=359999998500000000\n"
                                      "[CHAPTER]\nTIMEBASE=2147483647/2147483647\n"
                                      "START=360000000\n");
    /* 88223 / 44100 s is 2000.52 ms: rounded to the nearest; the default is nanoseconds */
    static const uint64_t starts[] = {
        1500, 2000, 100100, 1000000, 7200000, 359999998500ull, 360000000000ull};
    static const uint64_t ends[] = {2000,
                                    2001,
                                    CHAPTAG_TIME_NONE,
                                    CHAPTAG_TIME_NONE,
                                    CHAPTAG_TIME_NONE,
                                    CHAPTAG_TIME_NONE,
                                    CHAPTAG_TIME_NONE};
    assert_int_equal(chaptag_chapters_count(list), 7);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(chaptag_chapters_get(list, i)->start_ms, starts[i]);
        assert_int_equal(chaptag_chapters_get(list, i)->end_ms, ends[i]);
    }
    chaptag_chapters_free(list);
}

static void ffmetadata_unescapes_keys_and_values_and_continues_lines(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(";FFMETADATA1\r\n"
                                      "ti\\=tle=not the title\r\n"
                                      "title=a\\=b\\;c\\#d\\\\e\\\n"
                                      "continued\n"
                                      "[CHAPTER]\r\n"
                                      "START=0\r\n"
                                      "END=5000000\r\n"
                                      "title=x = y\\\\\r\n"
                                      "[CHAPTER]\n"
                                      "START=10000000\n"
                                      "title=\\#1 \\;\\\r\n"
                                      "two\n");
    assert_string_equal(chaptag_chapters_meta(list, "title"), "a=b;c#d\\e continued");
    assert_int_equal(chaptag_chapters_get(list, 0)->line, 5);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "x = y\\");
    assert_int_equal(chaptag_chapters_get(list, 1)->line, 9);
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "#1 ; two");
    assert_int_equal(chaptag_chapters_get(list, 0)->end_ms, 5); /* 5,000,000 ns */
    assert_int_equal(chaptag_chapters_get(list, 1)->start_ms, 10);
    chaptag_chapters_free(list);
}

static void ffmetadata_skips_comments_streams_and_keys_it_has_no_place_for(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(";FFMETADATA1\n"
                                      "; a comment\n"
                                      "# another\n"
                                      "encoder=Lavf60\n"
                                      "date=2024\n"
                                      "album_artist=The Band\n"
                                      "[STREAM]\n"
                                      "title=a stream, not the episode\n"
                                      "[CHAPTER]\n"
                                      "TIMEBASE=1/1000\n"
                                      "START=1000\n"
                                      "artist=someone\n"
                                      "title=After END\n"
                                      " ;not a comment=kept as a key\n");
    assert_null(chaptag_chapters_meta(list, "title"));
    assert_null(chaptag_chapters_meta(list, "encoder"));
    assert_string_equal(chaptag_chapters_meta(list, "year"), "2024");
    assert_string_equal(chaptag_chapters_meta(list, "album-artist"), "The Band");
    const chaptag_chapter *ch = chaptag_chapters_get(list, 0);
    assert_int_equal(ch->start_ms, 1000);
    assert_int_equal(ch->end_ms, CHAPTAG_TIME_NONE); /* END left out: the end is unknown */
    assert_string_equal(ch->title, "After END");
    chaptag_chapters_free(list);
}

static void ffmetadata_rejects_a_file_without_its_header(void **state)
{
    (void)state;
    assert_rejected("[CHAPTER]\nSTART=0\n", 1, "no ;FFMETADATA1 header on the first line");
    assert_rejected("", 1, "no ;FFMETADATA1 header on the first line");
    assert_rejected(";FFMETADATA1\ntitle=x\n", 0, "no [CHAPTER] sections");
}

static void ffmetadata_rejects_a_chapter_without_start_first(void **state)
{
    (void)state;
    assert_rejected(";FFMETADATA1\n[CHAPTER]\ntitle=x\nSTART=0\n", 3,
                    "the [CHAPTER] on line 2 has no START= on its first line (after TIMEBASE=, "
                    "if any)");
    assert_rejected(";FFMETADATA1\n[CHAPTER]\n\n[CHAPTER]\nSTART=0\n", 2,
                    "the [CHAPTER] has no START=");
    /* END=1 ns would end the first chapter at its start, an error found first */
    assert_rejected(";FFMETADATA1\n[CHAPTER]\nSTART=0\nEND=1000000\n[CHAPTER]\n", 5,
                    "the [CHAPTER] has no START=");
}

static void ffmetadata_rejects_bad_numbers_naming_the_line(void **state)
{
    (void)state;
    static const struct {
        const char *lines;
        unsigned line;
        const char *msg;
    } cases[] = {
        {"TIMEBASE=1/0\nSTART=0", 3,
         "TIMEBASE=1/0 is not num/den with two whole numbers from 1 to 2147483647"},
        {"TIMEBASE=1000\nSTART=0", 3,
         "TIMEBASE=1000 is not num/den with two whole numbers from 1 to 2147483647"},
        {"TIMEBASE=1/2147483648\nSTART=0", 3,
         "TIMEBASE=1/2147483648 is not num/den with two whole numbers from 1 to 2147483647"},
        {"START=-5", 3, "START=-5 is not a whole number of ticks"},
        {"START=1.5", 3, "START=1.5 is not a whole number of ticks"},
        {"START=", 3, "START= is not a whole number of ticks"},
        {"START=0\nEND=x", 4, "END=x is not a whole number of ticks"},
        {"START=1000000000000000000", 3,
         "START=1000000000000000000 is not a whole number of ticks"},
        {"TIMEBASE=1/1\nSTART=360000001", 4, "START=360000001 is past 100000 hours"},
        {"TIMEBASE=2147483647/1\nSTART=999999999999999999", 4,
         "START=999999999999999999 is past 100000 hours"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, ";FFMETADATA1\n[CHAPTER]\n%s\n", cases[i].lines);
        assert_rejected(text, cases[i].line, cases[i].msg);
    }
}

static void ffmetadata_rejects_unknown_sections_and_lines_without_a_key(void **state)
{
    (void)state;
    assert_rejected(";FFMETADATA1\n[CHAPTERS]\n", 2,
                    "unknown section \"[CHAPTERS]\" (FFmpeg knows [CHAPTER] and [STREAM])");
    assert_rejected(";FFMETADATA1\ntitle=x\njust words\n", 3,
                    "\"just words\" is not key=value, a [SECTION] or a comment");
    assert_rejected(";FFMETADATA1\nescaped\\=equals\n", 2,
                    "\"escaped\\=equals\" is not key=value, a [SECTION] or a comment");
}

static void ffmetadata_rejects_chapters_out_of_order_and_ends_before_starts(void **state)
{
    (void)state;
    assert_rejected(";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1\nSTART=10\n"
                    "[CHAPTER]\nTIMEBASE=1/1\nSTART=5\n",
                    5, "00:00:05 is not after 00:00:10 on line 2");
    assert_rejected(";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1\nSTART=10\nEND=10\n", 2,
                    "the end 00:00:10 is not after the start 00:00:10");
    assert_rejected(";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1\nSTART=0\nEND=20\n"
                    "[CHAPTER]\nTIMEBASE=1/1\nSTART=10\n",
                    2, "the end 00:00:20 is after the next chapter's start 00:00:10 on line 6");
}

static void ffmetadata_rejects_a_title_that_is_not_utf8(void **state)
{
    (void)state;
    assert_rejected(";FFMETADATA1\n[CHAPTER]\nSTART=0\ntitle=Caf\xe9\n", 4,
                    "the title is not valid UTF-8");
}

static void ffmetadata_detect_is_sure_of_the_header_only(void **state)
{
    (void)state;
    assert_int_equal(ct_fmt_ffmetadata.detect(";FFMETADATA1\n", 13), CT_DETECT_SURE);
    assert_int_equal(ct_fmt_ffmetadata.detect(";FFMETADATA", 11), CT_DETECT_SURE);
    assert_int_equal(ct_fmt_ffmetadata.detect(" ;FFMETADATA1", 13), CT_DETECT_NO);
    assert_int_equal(ct_fmt_ffmetadata.detect("[CHAPTER]\n", 10), CT_DETECT_NO);
}

static void ffmetadata_format_writes_what_ffmetaenc_writes_escaped(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter chs[] = {
        {.start_ms = 74000, .end_ms = 100000, .title = "a=b;c#d\\e"},
        {.start_ms = 120500, .end_ms = CHAPTAG_TIME_NONE, .title = "", .url = "https://e.x"},
        {.start_ms = 130000, .end_ms = CHAPTAG_TIME_NONE, .title = "Two\nlines"},
    };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(chaptag_chapters_add(list, &chs[i], NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_meta(list, "title", "Ep; 7", NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_meta(list, "year", "2024", NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_meta(list, "fileName", "not here", NULL), CHAPTAG_OK);
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "ffmetadata", 200000, &out, NULL, &err), CHAPTAG_OK);
    assert_string_equal(out, ";FFMETADATA1\n"
                             "title=Ep\\; 7\n"
                             "date=2024\n"
                             "[CHAPTER]\nTIMEBASE=1/1000\nSTART=74000\nEND=100000\n"
                             "title=a\\=b\\;c\\#d\\\\e\n"
                             "[CHAPTER]\nTIMEBASE=1/1000\nSTART=120500\nEND=130000\n"
                             "[CHAPTER]\nTIMEBASE=1/1000\nSTART=130000\nEND=200000\n"
                             "title=Two lines\n");
    chaptag_chapters *back = parse_ok(out);
    assert_string_equal(chaptag_chapters_get(back, 0)->title, "a=b;c#d\\e");
    assert_int_equal(chaptag_chapters_get(back, 0)->end_ms, 100000); /* the gap is kept */
    assert_string_equal(chaptag_chapters_meta(back, "title"), "Ep; 7");
    free(out);
    chaptag_chapters_free(back);
    chaptag_chapters_free(list);
}

static void ffmetadata_format_needs_an_end_for_the_last_chapter(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.start_ms = 5000, .end_ms = CHAPTAG_TIME_NONE, .title = "x", .line = 3};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "ffmetadata", CHAPTAG_TIME_NONE, &out, NULL, &err),
                     CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg,
                        "ffmetadata needs the end of the last chapter: give the audio duration");
    assert_int_equal(err.line, 3);
    assert_int_equal(chaptag_format(list, "ffmetadata", 5000, &out, NULL, &err), CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "chapter 1 starts at 00:00:05, not before its end 00:00:05");
    assert_null(out);
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ffmetadata_reads_the_example_of_the_reference),
        cmocka_unit_test(ffmetadata_honours_the_time_base_and_defaults_to_nanoseconds),
        cmocka_unit_test(ffmetadata_unescapes_keys_and_values_and_continues_lines),
        cmocka_unit_test(ffmetadata_skips_comments_streams_and_keys_it_has_no_place_for),
        cmocka_unit_test(ffmetadata_rejects_a_file_without_its_header),
        cmocka_unit_test(ffmetadata_rejects_a_chapter_without_start_first),
        cmocka_unit_test(ffmetadata_rejects_bad_numbers_naming_the_line),
        cmocka_unit_test(ffmetadata_rejects_unknown_sections_and_lines_without_a_key),
        cmocka_unit_test(ffmetadata_rejects_chapters_out_of_order_and_ends_before_starts),
        cmocka_unit_test(ffmetadata_rejects_a_title_that_is_not_utf8),
        cmocka_unit_test(ffmetadata_detect_is_sure_of_the_header_only),
        cmocka_unit_test(ffmetadata_format_writes_what_ffmetaenc_writes_escaped),
        cmocka_unit_test(ffmetadata_format_needs_an_end_for_the_last_chapter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
