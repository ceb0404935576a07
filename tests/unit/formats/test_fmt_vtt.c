/* Tests of src/formats/fmt_vtt.c: WebVTT chapter cues (chapter-formats reference §8). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

static chaptag_chapters *parse_ok(const char *text)
{
    return ct_test_parse("vtt", text, strlen(text));
}

/* Fails unless TEXT is rejected at LINE with exactly MSG. */
static void assert_rejected(const char *text, unsigned line, const char *msg)
{
    ct_test_rejects("vtt", text, strlen(text), line, 0, msg);
}

static void vtt_reads_the_example_of_the_reference(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("WEBVTT\n"
                                      "\n"
                                      "1\n"
                                      "00:00:00.000 --> 00:01:14.000\n"
                                      "Intro\n"
                                      "\n"
                                      "2\n"
                                      "00:01:14.000 --> 01:03:40.000\n"
                                      "Topic one: details\n");
    assert_int_equal(chaptag_chapters_count(list), 2);
    const chaptag_chapter *a = chaptag_chapters_get(list, 0), *b = chaptag_chapters_get(list, 1);
    assert_int_equal(a->start_ms, 0);
    assert_int_equal(a->end_ms, 74000);
    assert_string_equal(a->title, "Intro");
    assert_int_equal(a->line, 4);
    assert_int_equal(b->start_ms, 74000);
    assert_int_equal(b->end_ms, 3820000);
    assert_string_equal(b->title, "Topic one: details");
    assert_int_equal(b->line, 8);
    chaptag_chapters_free(list);
}

static void vtt_reads_notes_settings_short_times_and_multi_line_payloads(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("WEBVTT - chapters of ep 7\r\n"
                                      "Kind: chapters\r\n"
                                      "\r\n"
                                      "NOTE written by hand\r\n"
                                      "over two lines\r\n"
                                      "\r\n"
                                      "STYLE\r\n::cue { color: red }\r\n\r\n"
                                      "00:05.250 --> 01:00.000 align:start\r\n"
                                      "Line one\r\n"
                                      "line two\r\n"
                                      "\r\n\r\n"
                                      "intro-id\r\n"
                                      "100:00:00.000\t-->\t100:00:01.000\r\n"
                                      "Q&amp;A &lt;b&gt; &amp;lt; &nbsp;x &copy;\r\n"
                                      "\r\n"
                                      "3\n"
                                      "100:00:02.000 --> 100:00:03.000\n");
    assert_int_equal(chaptag_chapters_count(list), 3);
    const chaptag_chapter *a = chaptag_chapters_get(list, 0), *b = chaptag_chapters_get(list, 1),
                          *c = chaptag_chapters_get(list, 2);
    assert_int_equal(a->start_ms, 5250);
    assert_int_equal(a->end_ms, 60000);
    assert_string_equal(a->title, "Line one line two");
    assert_int_equal(a->line, 10);
    assert_int_equal(b->start_ms, 360000000);
    assert_string_equal(b->title, "Q&A <b> &lt; \xc2\xa0x &copy;");
    assert_int_equal(b->line, 16);
    assert_string_equal(c->title, "");
    chaptag_chapters_free(list);
}

static void vtt_keeps_a_gap_the_end_times_give(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("WEBVTT\n\n00:00.000 --> 00:10.000\nA\n\n"
                                      "00:20.000 --> 00:30.000\nB\n");
    assert_int_equal(chaptag_chapters_get(list, 0)->end_ms, 10000);
    assert_int_equal(chaptag_chapters_get(list, 1)->start_ms, 20000);
    chaptag_chapters_free(list);
}

static void vtt_rejects_timestamps_that_are_not_exactly_webvtt(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "00:00.00 --> 00:01.000",  "00:00.0000 --> 00:01.000",       "0:00.000 --> 00:01.000",
        "60:00.000 --> 61:00.000", "00:60.000 --> 01:00:00.000",     "1:00:00.000 --> 2:00:00.000",
        "00:00,000 --> 00:01,000", "00:00.000-->00:01.000",          "00:00.000 --> 00:01.000x",
        "00:00.000 -->",           "100001:00:00.000 --> 00:00.000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256], msg[256];
        snprintf(text, sizeof text, "WEBVTT\n\n%s\nx\n", bad[i]);
        snprintf(msg, sizeof msg,
                 "\"%s\" is not a cue timing \"start --> end\" with times [hh:]mm:ss.ttt "
                 "(minutes and seconds up to 59, three decimals)",
                 bad[i]);
        assert_rejected(text, 3, msg);
    }
}

static void vtt_rejects_broken_structure_naming_the_line(void **state)
{
    (void)state;
    assert_rejected("WEBVTTX\n\n", 1, "no WEBVTT header on the first line");
    assert_rejected("\nWEBVTT\n", 1, "no WEBVTT header on the first line");
    assert_rejected("", 1, "no WEBVTT header on the first line");
    assert_rejected("WEBVTT\n\nlonely id\n\n", 3,
                    "\"lonely id\" is not a cue: no timing line after it");
    assert_rejected("WEBVTT\n\n00:00.000 -> 00:01.000\nx\n", 3,
                    "\"00:00.000 -> 00:01.000\" is not a cue: no timing line after it");
    assert_rejected("WEBVTT\n\n00:00.000 --> 00:01.000\nA\n00:01.000 --> 00:02.000\nB\n", 5,
                    "\"-->\" in a cue's text: a blank line ends each cue");
    assert_rejected("WEBVTT\n\n00:00.000 --> 00:01.000\nCaf\xe9\n", 4,
                    "not valid UTF-8 (WebVTT is UTF-8)");
    assert_rejected("WEBVTT\n\nNOTE nothing else\n", 0, "no cues");
    assert_rejected("WEBVTT\n\n00:00.000 --> 00:10.000\nA\n\n00:05.000 --> 00:20.000\nB\n", 3,
                    "the end 00:00:10 is after the next chapter's start 00:00:05 on line 6");
    assert_rejected("WEBVTT\n\n00:05.000 --> 00:05.000\nA\n", 3,
                    "the end 00:00:05 is not after the start 00:00:05");
}

static void vtt_detect_is_sure_of_the_header_only(void **state)
{
    (void)state;
    assert_int_equal(ct_fmt_vtt.detect("WEBVTT\n", 7), CT_DETECT_SURE);
    assert_int_equal(ct_fmt_vtt.detect("WEBVTT\ttitle", 12), CT_DETECT_SURE);
    assert_int_equal(ct_fmt_vtt.detect("WEBVTTX", 7), CT_DETECT_NO);
    assert_int_equal(ct_fmt_vtt.detect("00:00.000 --> 00:01.000\n", 24), CT_DETECT_NO);
}

static chaptag_chapters *sample_list(void)
{
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter chs[] = {
        {.start_ms = 0, .end_ms = 10000, .title = "Q&A <live> --> next"},
        {.start_ms = 20000, .end_ms = CHAPTAG_TIME_NONE, .title = ""},
        {.start_ms = 360000000, .end_ms = CHAPTAG_TIME_NONE, .title = "Two\nlines", .line = 9},
    };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(chaptag_chapters_add(list, &chs[i], NULL), CHAPTAG_OK);
    return list;
}

static void vtt_format_writes_numbered_cues_with_every_end_escaped(void **state)
{
    (void)state;
    chaptag_chapters *list = sample_list();
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "vtt", 360000001, &out, NULL, &err), CHAPTAG_OK);
    assert_string_equal(out,
                        "WEBVTT\n"
                        "\n1\n00:00:00.000 --> 00:00:10.000\nQ&amp;A &lt;live&gt; --&gt; next\n"
                        "\n2\n00:00:20.000 --> 100:00:00.000\n"
                        "\n3\n100:00:00.000 --> 100:00:00.001\nTwo lines\n");
    chaptag_chapters *back = parse_ok(out);
    assert_string_equal(chaptag_chapters_get(back, 0)->title, "Q&A <live> --> next");
    assert_int_equal(chaptag_chapters_get(back, 0)->end_ms, 10000);
    assert_string_equal(chaptag_chapters_get(back, 1)->title, "");
    assert_int_equal(chaptag_chapters_get(back, 2)->end_ms, 360000001);
    free(out);
    chaptag_chapters_free(back);
    chaptag_chapters_free(list);
}

static void vtt_format_needs_the_duration_for_the_last_end(void **state)
{
    (void)state;
    chaptag_chapters *list = sample_list();
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "vtt", CHAPTAG_TIME_NONE, &out, NULL, &err),
                     CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "vtt needs the end of the last chapter: give the audio duration");
    assert_int_equal(err.line, 9);
    assert_int_equal(chaptag_format(list, "vtt", 360000000, &out, NULL, &err), CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "chapter 3 starts at 100:00:00, not before its end 100:00:00");
    assert_null(out);
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vtt_reads_the_example_of_the_reference),
        cmocka_unit_test(vtt_reads_notes_settings_short_times_and_multi_line_payloads),
        cmocka_unit_test(vtt_keeps_a_gap_the_end_times_give),
        cmocka_unit_test(vtt_rejects_timestamps_that_are_not_exactly_webvtt),
        cmocka_unit_test(vtt_rejects_broken_structure_naming_the_line),
        cmocka_unit_test(vtt_detect_is_sure_of_the_header_only),
        cmocka_unit_test(vtt_format_writes_numbered_cues_with_every_end_escaped),
        cmocka_unit_test(vtt_format_needs_the_duration_for_the_last_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
