/* Tests of src/formats/fmt_audacity.c: Audacity label tracks (chapter-formats reference §6). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "formats.h"

static chaptag_chapters *parse_ok(const char *text)
{
    return ct_test_parse("audacity", text, strlen(text));
}

/* Fails unless TEXT is rejected at LINE with exactly MSG. */
static void assert_rejected(const char *text, unsigned line, const char *msg)
{
    ct_test_rejects("audacity", text, strlen(text), line, 0, msg);
}

static void audacity_reads_the_example_of_the_reference(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("0.000000\t0.000000\tIntro\n"
                                      "74.000000\t74.000000\tTopic one: details\n"
                                      "3815.250000\t3840.000000\tRegion label\n"
                                      "\\\t1484.669312\t2969.338523\n");
    assert_int_equal(chaptag_chapters_count(list), 3);
    const chaptag_chapter *a = chaptag_chapters_get(list, 0), *b = chaptag_chapters_get(list, 1),
                          *c = chaptag_chapters_get(list, 2);
    assert_int_equal(a->start_ms, 0);
    assert_int_equal(a->end_ms, CHAPTAG_TIME_NONE); /* a point label */
    assert_string_equal(a->title, "Intro");
    assert_int_equal(b->start_ms, 74000);
    assert_string_equal(b->title, "Topic one: details");
    assert_int_equal(c->start_ms, 3815250);
    assert_int_equal(c->end_ms, 3840000); /* a region label */
    assert_string_equal(c->title, "Region label");
    assert_int_equal(c->line, 3);
    chaptag_chapters_free(list);
}

static void audacity_reads_commas_legacy_lines_and_empty_labels(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("0,5\t1,0005\tComma\r\n"
                                      "\n"
                                      "2\tLegacy\twith a tab\n"
                                      "3.25\t3.25\t\n"
                                      "4\n"
                                      "5\t6\n");
    assert_int_equal(chaptag_chapters_count(list), 5);
    assert_int_equal(chaptag_chapters_get(list, 0)->start_ms, 500);
    assert_int_equal(chaptag_chapters_get(list, 0)->end_ms, 1001);
    assert_int_equal(chaptag_chapters_get(list, 1)->start_ms, 2000);
    assert_int_equal(chaptag_chapters_get(list, 1)->line, 3);
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "Legacy with a tab");
    assert_string_equal(chaptag_chapters_get(list, 2)->title, "");
    assert_int_equal(chaptag_chapters_get(list, 3)->start_ms, 4000);
    assert_int_equal(chaptag_chapters_get(list, 4)->end_ms, 6000);
    assert_string_equal(chaptag_chapters_get(list, 4)->title, "");
    chaptag_chapters_free(list);
}

static void audacity_rejects_bad_times_naming_the_line(void **state)
{
    (void)state;
    assert_rejected("0\t0\tA\nabc\t1\tB\n", 2,
                    "\"abc\" is not a start in seconds up to 100000 hours");
    assert_rejected("-1\t0\tA\n", 1, "\"-1\" is not a start in seconds up to 100000 hours");
    assert_rejected("1e3\t0\tA\n", 1, "\"1e3\" is not a start in seconds up to 100000 hours");
    assert_rejected("360000000.001\t0\tA\n", 1,
                    "\"360000000.001\" is not a start in seconds up to 100000 hours");
    assert_rejected("5\t4\tA\n", 1, "the end 00:00:04 is before the start 00:00:05");
    assert_rejected("0\t0\tCaf\xe9\n", 1, "the label is not valid UTF-8");
    assert_rejected("\\\t1\t2\n\n", 0, "no labels");
}

static void audacity_rejects_overlapping_regions_naming_both_lines(void **state)
{
    (void)state;
    assert_rejected("0\t10\tA\n5\t5\tB\n", 1,
                    "the end 00:00:10 is after the next chapter's start 00:00:05 on line 2");
}

static void audacity_detect_is_sure_of_number_tab_number_lines(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int conf;
    } cases[] = {
        {"0.000000\t0.000000\tIntro\n", CT_DETECT_SURE},
        {"0,5\t1\t\n\\\t-1\t-1\n", CT_DETECT_SURE},
        {"12\t13\n", CT_DETECT_SURE},
        {"0\tIntro\n", CT_DETECT_NO}, /* legacy lines only by name: -f audacity */
        {"00:00:00\t00:01:00\tA\n", CT_DETECT_NO},
        {"", CT_DETECT_NO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(ct_fmt_audacity.detect(cases[i].text, strlen(cases[i].text)),
                         cases[i].conf);
}

static void audacity_format_writes_six_decimals_and_regions_only_for_given_ends(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter chs[] = {
        {.start_ms = 0, .end_ms = CHAPTAG_TIME_NONE, .title = "Intro"},
        {.start_ms = 74500, .end_ms = 80001, .title = "Tab\there"},
        {.start_ms = 3815250, .end_ms = CHAPTAG_TIME_NONE, .title = ""},
    };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(chaptag_chapters_add(list, &chs[i], NULL), CHAPTAG_OK);
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "audacity", 4000000, &out, NULL, &err), CHAPTAG_OK);
    assert_string_equal(out, "0.000000\t0.000000\tIntro\n"
                             "74.500000\t80.001000\tTab here\n"
                             "3815.250000\t3815.250000\t\n");
    free(out);
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(audacity_reads_the_example_of_the_reference),
        cmocka_unit_test(audacity_reads_commas_legacy_lines_and_empty_labels),
        cmocka_unit_test(audacity_rejects_bad_times_naming_the_line),
        cmocka_unit_test(audacity_rejects_overlapping_regions_naming_both_lines),
        cmocka_unit_test(audacity_detect_is_sure_of_number_tab_number_lines),
        cmocka_unit_test(audacity_format_writes_six_decimals_and_regions_only_for_given_ends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
