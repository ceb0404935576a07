/* Tests of src/formats.c: the format table, the line reader, detection, and the public
   parse/format entry points. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "formats.h"

static void format_names_list_every_format_in_table_order(void **state)
{
    (void)state;
    const char *const *names = chaptag_format_names();
    assert_string_equal(names[0], "text");
    assert_string_equal(names[1], "json");
    assert_null(names[2]);
    for (size_t i = 0; names[i] != NULL; i++) {
        const ct_format *f = ct_format_find(names[i]);
        assert_non_null(f);
        assert_string_equal(f->name, names[i]);
        assert_non_null(f->format);
    }
}

static void format_find_knows_nothing_else(void **state)
{
    (void)state;
    assert_null(ct_format_find("xml"));
    assert_null(ct_format_find(""));
    assert_null(ct_format_find("TEXT"));
}

/* Reads every line of DATA into LINES (joined with '|'). */
static void join_lines(const char *data, size_t len, char *lines, size_t size)
{
    ct_lines it = ct_lines_make(data, len);
    const char *s;
    size_t n, used = 0;
    lines[0] = '\0';
    while (ct_lines_next(&it, &s, &n)) {
        assert_true(used + n + 2 < size);
        memcpy(lines + used, s, n);
        used += n;
        lines[used++] = '|';
        lines[used] = '\0';
    }
}

static void lines_end_at_lf_or_crlf_and_keep_a_lone_cr(void **state)
{
    (void)state;
    static const char data[] = "one\ntwo\r\nth\rree\r\n\nlast";
    char lines[64];
    join_lines(data, sizeof data - 1, lines, sizeof lines);
    assert_string_equal(lines, "one|two|th\rree||last|");
}

static void lines_count_from_one_and_add_none_after_a_final_lf(void **state)
{
    (void)state;
    ct_lines it = ct_lines_make("a\nb\n", 4);
    const char *s;
    size_t n;
    assert_true(ct_lines_next(&it, &s, &n));
    assert_int_equal(it.line, 1);
    assert_true(ct_lines_next(&it, &s, &n));
    assert_int_equal(it.line, 2);
    assert_memory_equal(s, "b", 1);
    assert_false(ct_lines_next(&it, &s, &n));
    it = ct_lines_make(NULL, 0);
    assert_false(ct_lines_next(&it, &s, &n));
    it = ct_lines_make("\r", 1); /* a CR at the very end is a lone CR too */
    assert_true(ct_lines_next(&it, &s, &n));
    assert_int_equal(n, 1);
}

static void detect_judges_by_content_before_the_extension(void **state)
{
    (void)state;
    static const char json[] = "  {\"version\": \"1.2.0\", \"chapters\": []}";
    static const char text[] = "00:00:00 Intro\n00:01:14 Topic\n";
    assert_string_equal(chaptag_detect(json, sizeof json - 1, "chapters.txt"), "json");
    assert_string_equal(chaptag_detect(text, sizeof text - 1, "chapters.json"), "text");
    assert_string_equal(chaptag_detect("\xef\xbb\xbf{\"chapters\":[]}", 18, NULL), "json");
}

static void detect_falls_back_to_the_extension_then_to_nothing(void **state)
{
    (void)state;
    assert_string_equal(chaptag_detect("", 0, "/x/ep7.JSON"), "json");
    assert_string_equal(chaptag_detect("hello", 5, "ep7.chapters"), "text");
    assert_string_equal(chaptag_detect("hello", 5, "notes.txt"), "text");
    assert_null(chaptag_detect("hello", 5, "ep7.mp3"));
    assert_null(chaptag_detect("hello", 5, "json"));
    assert_null(chaptag_detect("hello", 5, NULL));
    assert_null(chaptag_detect(NULL, 0, NULL));
}

static void detect_breaks_ties_by_table_order_and_lets_certainty_win(void **state)
{
    (void)state;
    /* text says 1 (a third of the lines are timed), json says 1 (an object, no "chapters") */
    static const char tie[] = "{\n00:01 x\n}";
    /* text still 1, json 2 */
    static const char json[] = "{\n00:01 x\n\"chapters\"}";
    assert_int_equal(ct_fmt_text.detect(tie, sizeof tie - 1), 1);
    assert_int_equal(ct_fmt_json.detect(tie, sizeof tie - 1), 1);
    assert_string_equal(chaptag_detect(tie, sizeof tie - 1, NULL), "text");
    assert_string_equal(chaptag_detect(json, sizeof json - 1, NULL), "json");
}

static void parse_detects_the_format_when_none_is_given(void **state)
{
    (void)state;
    static const char json[] = "\xef\xbb\xbf{\"version\":\"1.2.0\",\"chapters\":[{\"startTime\":74}]}";
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_parse(json, sizeof json - 1, NULL, &list, &err), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_count(list), 1);
    assert_int_equal(chaptag_chapters_get(list, 0)->start_ms, 74000);
    chaptag_chapters_free(list);
}

static void parse_says_which_formats_it_tried(void **state)
{
    (void)state;
    chaptag_chapters *list = (chaptag_chapters *)&list; /* must stay untouched */
    chaptag_error err = {0};
    assert_int_equal(chaptag_parse("hello\nworld\n", 12, NULL, &list, &err), CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "not a chapter file in any known format (tried text, json)");
    assert_ptr_equal(list, (chaptag_chapters *)&list);
    assert_int_equal(chaptag_parse(NULL, 0, NULL, &list, &err), CHAPTAG_ERR_INPUT);
}

static void parse_names_the_valid_formats_for_an_unknown_one(void **state)
{
    (void)state;
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_parse("00:00 A", 7, "xml", &list, &err), CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "unknown chapter format 'xml' (known: text, json)");
    assert_null(list);
}

static void parse_frees_the_list_on_error_and_reports_the_line(void **state)
{
    (void)state;
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_parse("00:00:00 A\nB\n", 13, "text", &list, &err),
                     CHAPTAG_ERR_INPUT);
    assert_null(list);
    assert_int_equal(err.line, 2);
}

static void format_hands_over_a_nul_terminated_string_and_its_length(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.start_ms = 74000, .end_ms = CHAPTAG_TIME_NONE, .title = "Intro"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    char *out = NULL;
    size_t len = 0;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "text", CHAPTAG_TIME_NONE, &out, &len, &err), CHAPTAG_OK);
    assert_string_equal(out, "00:01:14 Intro\n");
    assert_int_equal(len, strlen(out));
    free(out);
    out = NULL;
    assert_int_equal(chaptag_format(list, "cue", CHAPTAG_TIME_NONE, &out, &len, &err),
                     CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "unknown chapter format 'cue' (known: text, json)");
    assert_int_equal(chaptag_format(list, NULL, CHAPTAG_TIME_NONE, &out, &len, &err),
                     CHAPTAG_ERR_INPUT);
    assert_null(out);
    chaptag_chapters_free(list);
}

static void format_reports_running_out_of_memory(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.start_ms = 0, .end_ms = CHAPTAG_TIME_NONE, .title = "Intro"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    char *out = NULL;
    chaptag_error err = {0};
    ct_alloc_fail_at(1);
    assert_int_equal(chaptag_format(list, "text", CHAPTAG_TIME_NONE, &out, NULL, &err),
                     CHAPTAG_ERR_NOMEM);
    ct_alloc_fail_at(0);
    assert_null(out);
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_names_list_every_format_in_table_order),
        cmocka_unit_test(format_find_knows_nothing_else),
        cmocka_unit_test(lines_end_at_lf_or_crlf_and_keep_a_lone_cr),
        cmocka_unit_test(lines_count_from_one_and_add_none_after_a_final_lf),
        cmocka_unit_test(detect_judges_by_content_before_the_extension),
        cmocka_unit_test(detect_falls_back_to_the_extension_then_to_nothing),
        cmocka_unit_test(detect_breaks_ties_by_table_order_and_lets_certainty_win),
        cmocka_unit_test(parse_detects_the_format_when_none_is_given),
        cmocka_unit_test(parse_says_which_formats_it_tried),
        cmocka_unit_test(parse_names_the_valid_formats_for_an_unknown_one),
        cmocka_unit_test(parse_frees_the_list_on_error_and_reports_the_line),
        cmocka_unit_test(format_hands_over_a_nul_terminated_string_and_its_length),
        cmocka_unit_test(format_reports_running_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
