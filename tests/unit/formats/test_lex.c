/* Tests of src/formats/lex.c: line ends, line numbers, blanks and whitespace, trimming,
   blank and comment lines, escaped line ends. */
#include "testutil.h"

#include <string.h>

#include "lex.h"

/* Reads every line of DATA (lexed with FLAGS and COMMENT) into LINES (joined with '|'). */
static void join_lines(const char *data, size_t len, unsigned flags, const char *comment,
                       char *lines, size_t size)
{
    ct_lexer lx = ct_lex_make(data, len, flags, comment);
    const char *s;
    size_t n, used = 0;
    lines[0] = '\0';
    while (ct_lex_next(&lx, &s, &n)) {
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
    join_lines(data, sizeof data - 1, 0, NULL, lines, sizeof lines);
    assert_string_equal(lines, "one|two|th\rree||last|");
}

static void lines_count_from_one_and_add_none_after_a_final_lf(void **state)
{
    (void)state;
    ct_lexer it = ct_lex_make("a\nb\n", 4, 0, NULL);
    const char *s;
    size_t n;
    assert_true(ct_lex_next(&it, &s, &n));
    assert_int_equal(it.line, 1);
    assert_true(ct_lex_next(&it, &s, &n));
    assert_int_equal(it.line, 2);
    assert_memory_equal(s, "b", 1);
    assert_false(ct_lex_next(&it, &s, &n));
    it = ct_lex_make(NULL, 0, 0, NULL);
    assert_false(ct_lex_next(&it, &s, &n));
    it = ct_lex_make("\r", 1, 0, NULL); /* a CR at the very end is a lone CR too */
    assert_true(ct_lex_next(&it, &s, &n));
    assert_int_equal(n, 1);
}

static void blank_is_space_or_tab_and_whitespace_adds_cr_vt_ff(void **state)
{
    (void)state;
    for (int c = 0; c < 256; c++) {
        bool blank = c == ' ' || c == '\t';
        bool space = blank || c == '\r' || c == '\v' || c == '\f';
        assert_int_equal(ct_lex_is_blank((char)c), blank);
        assert_int_equal(ct_lex_is_space((char)c), space);
    }
    assert_true(ct_lex_is_blank_line("", 0));
    assert_true(ct_lex_is_blank_line(" \t\r", 3));
    assert_false(ct_lex_is_blank_line(" \v", 2)); /* only blanks and stray CRs */
    assert_false(ct_lex_is_blank_line(" x", 2));
}

static void trimming_removes_whitespace_and_nul_only_when_asked(void **state)
{
    (void)state;
    const char *s = "\v \0a b\0\t\r";
    size_t n = 9;
    ct_lex_trim(&s, &n, CT_LEX_TRIM);
    assert_int_equal(n, 5);
    assert_memory_equal(s, "\0a b\0", 5);
    ct_lex_trim(&s, &n, CT_LEX_TRIM | CT_LEX_TRIM_NUL);
    assert_int_equal(n, 3);
    assert_memory_equal(s, "a b", 3);
}

static void trimmed_lines_skip_blanks_and_comments_and_count_the_comments(void **state)
{
    (void)state;
    static const char data[] = "  one \r\n\n \v\f\n # note\n#\ntwo\t";
    char lines[64];
    join_lines(data, sizeof data - 1, CT_LEX_TRIM | CT_LEX_SKIP_BLANK, "#", lines, sizeof lines);
    assert_string_equal(lines, "one|two|");
    ct_lexer lx = ct_lex_make(data, sizeof data - 1, CT_LEX_TRIM | CT_LEX_SKIP_BLANK, "#");
    const char *s;
    size_t n;
    assert_true(ct_lex_next(&lx, &s, &n));
    assert_int_equal(lx.line, 1);
    assert_true(ct_lex_next(&lx, &s, &n));
    assert_int_equal(lx.line, 6); /* skipped lines still count */
    assert_int_equal(lx.comments, 2);
}

static void untrimmed_lines_keep_their_blanks_and_skip_only_blank_lines(void **state)
{
    (void)state;
    static const char data[] = " a\n \t\r\n\\spectral\n\v\n";
    char lines[64];
    join_lines(data, sizeof data - 1, CT_LEX_SKIP_BLANK, "\\", lines, sizeof lines);
    assert_string_equal(lines, " a|\v|");
}

static void escaped_line_ends_continue_a_line_that_keeps_its_first_number(void **state)
{
    (void)state;
    static const char data[] = "a=1\\\nb\\\r\nc\r\nd=\\\\\nlast\\";
    ct_lexer lx = ct_lex_make(data, sizeof data - 1, CT_LEX_ESCAPES, NULL);
    const char *s;
    size_t n;
    assert_true(ct_lex_next(&lx, &s, &n));
    assert_int_equal(lx.line, 1);
    assert_int_equal(n, 10);
    assert_memory_equal(s, "a=1\\\nb\\\r\nc", 10);
    assert_true(ct_lex_next(&lx, &s, &n)); /* an escaped backslash does not escape the LF */
    assert_int_equal(lx.line, 4);
    assert_memory_equal(s, "d=\\\\", 4);
    assert_true(ct_lex_next(&lx, &s, &n)); /* a final backslash escapes nothing */
    assert_int_equal(lx.line, 5);
    assert_int_equal(n, 5);
    assert_false(ct_lex_next(&lx, &s, &n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lines_end_at_lf_or_crlf_and_keep_a_lone_cr),
        cmocka_unit_test(lines_count_from_one_and_add_none_after_a_final_lf),
        cmocka_unit_test(blank_is_space_or_tab_and_whitespace_adds_cr_vt_ff),
        cmocka_unit_test(trimming_removes_whitespace_and_nul_only_when_asked),
        cmocka_unit_test(trimmed_lines_skip_blanks_and_comments_and_count_the_comments),
        cmocka_unit_test(untrimmed_lines_keep_their_blanks_and_skip_only_blank_lines),
        cmocka_unit_test(escaped_line_ends_continue_a_line_that_keeps_its_first_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
