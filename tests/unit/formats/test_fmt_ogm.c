/* Tests of src/formats/fmt_ogm.c: OGM simple chapters and VorbisComment chapter keys
   (chapter-formats reference §7 and §10). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

static chaptag_chapters *parse_ok(const char *text)
{
    return ct_test_parse("ogm", text, strlen(text));
}

/* Fails unless TEXT is rejected at LINE with exactly MSG. */
static void assert_rejected(const char *text, unsigned line, const char *msg)
{
    ct_test_rejects("ogm", text, strlen(text), line, 0, msg);
}

static void ogm_reads_the_example_of_the_reference(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("CHAPTER01=00:00:00.000\n"
                                      "CHAPTER01NAME=Intro\n"
                                      "CHAPTER02=00:01:14.000\n"
                                      "CHAPTER02NAME=Topic one: details\n");
    assert_int_equal(chaptag_chapters_count(list), 2);
    assert_int_equal(chaptag_chapters_get(list, 0)->start_ms, 0);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "Intro");
    assert_int_equal(chaptag_chapters_get(list, 0)->line, 1);
    assert_int_equal(chaptag_chapters_get(list, 1)->start_ms, 74000);
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "Topic one: details");
    assert_int_equal(chaptag_chapters_get(list, 1)->line, 3);
    assert_null(chaptag_chapters_get(list, 1)->url);
    chaptag_chapters_free(list);
}

static void ogm_reads_vorbis_comment_keys_with_urls_from_zero(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("TITLE=Episode 7\n"
                                      "CHAPTER000=00:00:00.000\n"
                                      "CHAPTER000NAME=Intro = start\n"
                                      "CHAPTER000URL=https://example.com/0\n"
                                      "CHAPTER001=00:01:14.5\n"
                                      "CHAPTER001NAME=Topic\n"
                                      "CHAPTER001URL=\n"
                                      "CHAPTER001ARTIST=not kept\n");
    assert_int_equal(chaptag_chapters_count(list), 2);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "Intro = start");
    assert_string_equal(chaptag_chapters_get(list, 0)->url, "https://example.com/0");
    assert_int_equal(chaptag_chapters_get(list, 1)->start_ms, 74500);
    assert_null(chaptag_chapters_get(list, 1)->url); /* an empty URL is none */
    chaptag_chapters_free(list);
}

static void ogm_pairs_lines_by_number_in_any_order_case_and_digit_count(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("chapter2name=Second\r\n"
                                      "Chapter10=00:10:00.000\r\n"
                                      "\r\n"
                                      "CHAPTER001=00:00:00.000\r\n"
                                      "chapter02=00:02:00\r\n"
                                      "CHAPTER10Name=  Tenth\t\r\n");
    assert_int_equal(chaptag_chapters_count(list), 3);
    static const char *const titles[] = {"", "Second", "Tenth"};
    static const uint64_t starts[] = {0, 120000, 600000};
    static const unsigned lines[] = {4, 5, 2};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(chaptag_chapters_get(list, i)->title, titles[i]);
        assert_int_equal(chaptag_chapters_get(list, i)->start_ms, starts[i]);
        assert_int_equal(chaptag_chapters_get(list, i)->line, lines[i]);
    }
    chaptag_chapters_free(list);
}

static void ogm_rejects_broken_pairs_and_times_naming_the_line(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        unsigned line;
        const char *msg;
    } cases[] = {
        {"CHAPTER01=00:00:00.000\nCHAPTER02NAME=x\n", 2,
         "chapter 2 has no time line (CHAPTERnn=HH:MM:SS.mmm)"},
        {"CHAPTER01=00:00:00.000\nCHAPTER1=00:00:01.000\n", 2,
         "a second time line for chapter 1 (the first is on line 1)"},
        {"CHAPTER01=00:00:00.000\nCHAPTER01NAME=a\nchapter01name=b\n", 3,
         "a second NAME line for chapter 1 (the first is on line 2)"},
        {"CHAPTER01=74.5\n", 1, "\"74.5\" is not a time up to 100000 hours (write HH:MM:SS.mmm)"},
        {"CHAPTER01=00:61:00.000\n", 1,
         "\"00:61:00.000\" is not a time up to 100000 hours (write HH:MM:SS.mmm)"},
        {"CHAPTER01=100000:00:00.001\n", 1,
         "\"100000:00:00.001\" is not a time up to 100000 hours (write HH:MM:SS.mmm)"},
        {"CHAPTER01=00:00:00.000\nIntro\n", 2, "\"Intro\" is not a KEY=value line"},
        {"CHAPTER0123456789=00:00:00.000\n", 1,
         "the chapter number in \"CHAPTER0123456789\" is too long"},
        {"CHAPTER01=00:00:00.000\nCHAPTER01NAME=Caf\xe9\n", 2, "the title is not valid UTF-8"},
        {"TITLE=x\n\n", 0, "no CHAPTERnn= lines"},
        {"CHAPTER01=00:05:00.000\nCHAPTER02=00:01:00.000\n", 2,
         "00:01:00 is not after 00:05:00 on line 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_rejected(cases[i].text, cases[i].line, cases[i].msg);
}

static void ogm_quotes_a_nul_byte_as_a_space(void **state)
{
    (void)state;
    static const char text[] = "CHAPTER01=00:00\0:00.000\n";
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_parse(text, sizeof text - 1, "ogm", &list, &err), CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg,
                        "\"00:00 :00.000\" is not a time up to 100000 hours (write HH:MM:SS.mmm)");
    assert_null(list);
}

static void ogm_detect_is_sure_of_a_chapter_key(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int conf;
    } cases[] = {
        {"CHAPTER01=00:00:00.000\n", CT_DETECT_SURE},
        {"ARTIST=x\nchapter001name=Intro\n", CT_DETECT_SURE},
        {"CHAPTER=1\nCHAPTERS01=x\n", CT_DETECT_NO},
        {"00:00:00 CHAPTER01=x\n", CT_DETECT_NO},
        {"", CT_DETECT_NO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(ct_fmt_ogm.detect(cases[i].text, strlen(cases[i].text)), cases[i].conf);
}

/* A list of N chapters, a second apart; the first has a URL. */
static chaptag_chapters *numbered_list(size_t n)
{
    chaptag_chapters *list = chaptag_chapters_new();
    for (size_t i = 0; i < n; i++) {
        chaptag_chapter ch = {.start_ms = i * 1000 + 500 * (i == 0),
                              .end_ms = CHAPTAG_TIME_NONE,
                              .title = i == 0 ? "Intro: = x\ty" : "",
                              .url = i == 0 ? "https://e.x/a" : NULL};
        assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    }
    return list;
}

static void ogm_format_writes_two_digits_from_01_and_three_from_100_chapters(void **state)
{
    (void)state;
    chaptag_chapters *list = numbered_list(2);
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "ogm", CHAPTAG_TIME_NONE, &out, NULL, &err), CHAPTAG_OK);
    assert_string_equal(out, "CHAPTER01=00:00:00.500\n"
                             "CHAPTER01NAME=Intro: = x y\n"
                             "CHAPTER01URL=https://e.x/a\n"
                             "CHAPTER02=00:00:01.000\n"
                             "CHAPTER02NAME=\n");
    free(out);
    chaptag_chapters_free(list);
    list = numbered_list(100);
    assert_int_equal(chaptag_format(list, "ogm", CHAPTAG_TIME_NONE, &out, NULL, &err), CHAPTAG_OK);
    assert_non_null(strstr(out, "CHAPTER001=00:00:00.500\n"));
    assert_non_null(strstr(out, "\nCHAPTER100=00:01:39.000\nCHAPTER100NAME=\n"));
    chaptag_chapters *back = parse_ok(out);
    assert_int_equal(chaptag_chapters_count(back), 100);
    free(out);
    chaptag_chapters_free(back);
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ogm_reads_the_example_of_the_reference),
        cmocka_unit_test(ogm_reads_vorbis_comment_keys_with_urls_from_zero),
        cmocka_unit_test(ogm_pairs_lines_by_number_in_any_order_case_and_digit_count),
        cmocka_unit_test(ogm_rejects_broken_pairs_and_times_naming_the_line),
        cmocka_unit_test(ogm_quotes_a_nul_byte_as_a_space),
        cmocka_unit_test(ogm_detect_is_sure_of_a_chapter_key),
        cmocka_unit_test(ogm_format_writes_two_digits_from_01_and_three_from_100_chapters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
