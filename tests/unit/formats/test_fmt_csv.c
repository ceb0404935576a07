/* Tests of src/formats/fmt_csv.c: Title,Timestamp CSV as the Podcast Chapters app imports and
   exports it (chapter-formats reference §12), read as RFC 4180. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "editors.h"
#include "formats.h"

static chaptag_chapters *parse_ok(const char *text)
{
    return ct_test_parse("csv", text, strlen(text));
}

/* Fails unless TEXT is rejected at LINE with exactly MSG. */
static void assert_rejected(const char *text, unsigned line, const char *msg)
{
    ct_test_rejects("csv", text, strlen(text), line, 0, msg);
}

static void csv_reads_title_timestamp_rows_with_a_header(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("Title,Timestamp\r\n"
                                      "Intro,00:00\r\n"
                                      "Topic one: details,01:14\r\n"
                                      "\r\n"
                                      "\"Q&A, with \"\"guests\"\"\",1:02:03.5\r\n");
    assert_int_equal(chaptag_chapters_count(list), 3);
    const chaptag_chapter *a = chaptag_chapters_get(list, 0), *b = chaptag_chapters_get(list, 1),
                          *c = chaptag_chapters_get(list, 2);
    assert_int_equal(a->start_ms, 0);
    assert_string_equal(a->title, "Intro");
    assert_int_equal(a->line, 2);
    assert_int_equal(a->end_ms, CHAPTAG_TIME_NONE);
    assert_int_equal(b->start_ms, 74000);
    assert_string_equal(b->title, "Topic one: details");
    assert_int_equal(c->start_ms, 3723500);
    assert_string_equal(c->title, "Q&A, with \"guests\"");
    assert_int_equal(c->line, 5);
    chaptag_chapters_free(list);
}

static void csv_takes_the_columns_a_header_names_in_any_order_and_case(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("TIME, Notes ,title\n"
                                      "0:00,ignored,Intro\n"
                                      " 1:30 ,x,\"Two\nlines\"\n"
                                      "2:00,,Three\n");
    assert_int_equal(chaptag_chapters_count(list), 3);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "Intro");
    assert_int_equal(chaptag_chapters_get(list, 1)->start_ms, 90000);
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "Two lines");
    assert_int_equal(chaptag_chapters_get(list, 2)->line, 5); /* after the quoted line break */
    chaptag_chapters_free(list);
}

static void csv_reads_rows_without_a_header_as_title_then_time(void **state)
{
    (void)state;
    /* an unquoted comma splits the title */
    assert_rejected("Intro,0:00\nPart, two,1:00\n", 2,
                    "\"two\" is not a time up to 100000 hours ([H:]MM:SS[.mmm])");
    chaptag_chapters *list = parse_ok("Intro,0:00\n\"Part, two\",01:00:00.250");
    assert_int_equal(chaptag_chapters_count(list), 2);
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "Part, two");
    assert_int_equal(chaptag_chapters_get(list, 1)->start_ms, 3600250);
    chaptag_chapters_free(list);
}

static void csv_rejects_bad_rows_naming_the_line(void **state)
{
    (void)state;
    assert_rejected("Title,Timestamp\nIntro,0:00\nTopic,1:75\n", 3,
                    "\"1:75\" is not a time up to 100000 hours ([H:]MM:SS[.mmm])");
    assert_rejected("Title,Timestamp\nIntro\n", 2,
                    "1 field where a title and a time are expected (Title,Timestamp)");
    assert_rejected("Intro,0:00\n\"Open,1:00\n", 2, "a quoted field has no closing quote");
    assert_rejected("\"A\"B,1:00\n", 1,
                    "text after a closing quote (write a quote inside quotes as \"\")");
    assert_rejected("Caf\xe9,0:00\n", 1, "the title is not valid UTF-8");
    assert_rejected("Title,Timestamp\n\n", 0, "no chapters");
    assert_rejected("A,1:00\nB,0:30\n", 2, "00:00:30 is not after 00:01:00 on line 1");
}

static void csv_detect_is_sure_of_a_header_and_likely_of_title_time_rows(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int conf;
    } cases[] = {
        {"Title,Timestamp\n", CT_DETECT_SURE},
        {"time,title\n0:00,A\n", CT_DETECT_SURE},
        {"Intro,00:00\nTopic,01:14\n", CT_DETECT_LIKELY},
        {"00:00:00 Intro, part 2\n00:01:14 B\n", CT_DETECT_NO},
        {"0:00,Intro\n", CT_DETECT_NO},
        {"0.000000\t0.000000\tIntro\n", CT_DETECT_NO},
        {"", CT_DETECT_NO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(ct_fmt_csv.detect(cases[i].text, strlen(cases[i].text)), cases[i].conf);
    static const char rows[] = "Intro,00:00\nTopic one: details,01:14\n";
    assert_string_equal(chaptag_detect(rows, sizeof rows - 1, NULL), "csv");
    assert_string_equal(chaptag_detect("", 0, "chapters.CSV"), "csv");
}

static void csv_format_writes_a_header_and_quotes_only_where_needed(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter chs[] = {
        {.start_ms = 0, .end_ms = 5000, .title = "Intro"},
        {.start_ms = 74500, .end_ms = CHAPTAG_TIME_NONE, .title = "Q&A, with \"guests\""},
        {.start_ms = 3723000, .end_ms = CHAPTAG_TIME_NONE, .title = "Tab\there"},
    };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(chaptag_chapters_add(list, &chs[i], NULL), CHAPTAG_OK);
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "csv", 4000000, &out, NULL, &err), CHAPTAG_OK);
    assert_string_equal(out, "Title,Timestamp\n"
                             "Intro,00:00:00\n"
                             "\"Q&A, with \"\"guests\"\"\",00:01:14.500\n"
                             "Tab here,01:02:03\n");
    free(out);
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_reads_title_timestamp_rows_with_a_header),
        cmocka_unit_test(csv_takes_the_columns_a_header_names_in_any_order_and_case),
        cmocka_unit_test(csv_reads_rows_without_a_header_as_title_then_time),
        cmocka_unit_test(csv_rejects_bad_rows_naming_the_line),
        cmocka_unit_test(csv_detect_is_sure_of_a_header_and_likely_of_title_time_rows),
        cmocka_unit_test(csv_format_writes_a_header_and_quotes_only_where_needed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
