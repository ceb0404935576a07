/* Tests of src/formats/fmt_text.c: the `text` chapter format (chapter-formats reference §1), on byte
   strings and on the two seed files. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "formats.h"

static chaptag_chapters *parse_ok(const char *text)
{
    return ct_test_parse("text", text, strlen(text));
}

/* Fails unless TEXT is rejected at LINE with exactly MSG. */
static void assert_rejected(const char *text, unsigned line, const char *msg)
{
    ct_test_rejects("text", text, strlen(text), line, 0, msg);
}

/* Fails unless the one-chapter TEXT starts at MS with TITLE. */
static void assert_one(const char *text, uint64_t ms, const char *title)
{
    chaptag_chapters *list = parse_ok(text);
    assert_int_equal(chaptag_chapters_count(list), 1);
    assert_int_equal(chaptag_chapters_get(list, 0)->start_ms, ms);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, title);
    chaptag_chapters_free(list);
}

static chaptag_chapters *parse_fixture(const char *path)
{
    size_t len;
    char *data = ct_test_read_file(path, &len);
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    chaptag_status st = chaptag_parse(data, len, NULL, &list, &err);
    free(data);
    if (st != CHAPTAG_OK)
        fail_msg("%s:%u: %s", path, err.line, err.msg);
    return list;
}

static void text_reads_seed_000_with_its_first_chapter_after_zero(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_fixture("fixtures/chapters/seed-000.txt");
    assert_int_equal(chaptag_chapters_count(list), 30);
    const chaptag_chapter *first = chaptag_chapters_get(list, 0);
    const chaptag_chapter *last = chaptag_chapters_get(list, 29);
    assert_int_equal(first->start_ms, 74000);
    assert_string_equal(first->title,
                        "Episode Introduction: MLOps & ML platform conversation with Simon");
    assert_int_equal(first->line, 1);
    assert_int_equal(last->start_ms, (59 * 60 + 39) * 1000);
    assert_string_equal(last->title, "Episode Wrap\xe2\x80\x91Up and Closing Remarks");
    assert_int_equal(last->line, 30);
    assert_int_equal(last->end_ms, CHAPTAG_TIME_NONE);
    /* U+2011 in "On‑Call" is legitimate: no repair, no warning */
    assert_string_equal(chaptag_chapters_get(list, 8)->title,
                        "Team Size & On\xe2\x80\x91" "Call: Staffing and operational considerations");
    assert_int_equal(chaptag_chapters_warning_count(list), 0);
    chaptag_chapters_free(list);
}

static void text_reads_seed_004_and_repairs_line_25_with_a_warning(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_fixture("fixtures/chapters/seed-004.txt");
    assert_int_equal(chaptag_chapters_count(list), 30);
    assert_int_equal(chaptag_chapters_get(list, 0)->start_ms, 0);
    assert_string_equal(chaptag_chapters_get(list, 0)->title,
                        "Episode Introduction: Product Management for Machine Learning");
    const chaptag_chapter *last = chaptag_chapters_get(list, 29);
    assert_int_equal(last->start_ms, (3600 + 3 * 60 + 35) * 1000);
    assert_string_equal(last->title, "Contact & Hiring: Geo on LinkedIn and Glovo opportunities");
    const chaptag_chapter *c25 = chaptag_chapters_get(list, 24);
    assert_int_equal(c25->line, 25);
    assert_string_equal(c25->title, "Non\xe2\x80\x91Technical Transitions: Feasibility of moving "
                                    "into ML product roles");
    assert_int_equal(chaptag_chapters_warning_count(list), 1);
    const chaptag_warning *w = chaptag_chapters_warning(list, 0);
    assert_int_equal(w->line, 25);
    assert_string_equal(w->msg, "repaired UTF-8 that was encoded twice: "
                                "\"Non\xc3\xa2\xe2\x82\xac\xe2\x80\x98Technical\" is now "
                                "\"Non\xe2\x80\x91Technical\"");
    chaptag_chapters_free(list);
}

static void text_reads_h_mm_ss_and_m_ss_with_minutes_past_59(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("0:00 Zero\n1:02:03 A\n75:30 B\n100:00:00 C\n"
                                      "0000100:00:01 D\n");
    static const uint64_t want[] = {0, 3723000, 4530000, 360000000, 360001000};
    assert_int_equal(chaptag_chapters_count(list), 5);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(chaptag_chapters_get(list, i)->start_ms, want[i]);
    chaptag_chapters_free(list);
}

static void text_rounds_fractions_half_up_to_milliseconds(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        uint64_t ms;
    } cases[] = {
        {"00:00:01.5 x", 1500},     {"00:00:01,25 x", 1250},   {"0:01.0005 x", 1001},
        {"0:01.00049 x", 1000},     {"0:59.9995 x", 60000},    {"1:00.1234 x", 60123},
        {"0:00:00.000 x", 0},       {"1:00:00.999 x", 3600999},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_one(cases[i].line, cases[i].ms, "x");
}

static void text_accepts_brackets_bullets_numbering_and_separators(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "[00:01:14] Intro",       "(1:14) Intro",          "- 00:01:14 Intro",
        "* 00:01:14 Intro",       "\xe2\x80\xa2 00:01:14 Intro", "1. 00:01:14 Intro",
        "12) 00:01:14 Intro",     "00:01:14 - Intro",      "00:01:14 \xe2\x80\x93 Intro",
        "00:01:14 \xe2\x80\x94 Intro", "00:01:14 | Intro", "00:01:14 : Intro",
        "00:01:14: Intro",        "- 3. [00:01:14] \xe2\x80\x94 Intro", "\t00:01:14\tIntro  ",
        "[00:01:14]Intro",        "-00:01:14 Intro",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        assert_one(lines[i], 74000, "Intro");
}

static void text_never_splits_a_title_at_its_colons_or_dashes(void **state)
{
    (void)state;
    assert_one("00:01:14 Topic: details: more", 74000, "Topic: details: more");
    assert_one("00:01:14 -5 degrees", 74000, "-5 degrees");
    assert_one("00:01:14 - - dash", 74000, "- dash");
    assert_one("00:01:14 Q&A | wrap-up", 74000, "Q&A | wrap-up");
}

static void text_skips_comments_and_blank_lines_and_keeps_line_numbers(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("# file: ep7.mp3\n\n   \n  # indented\n00:00:00 A\n\n"
                                      "00:01:00 B # not a comment\n");
    assert_int_equal(chaptag_chapters_count(list), 2);
    assert_int_equal(chaptag_chapters_get(list, 0)->line, 5);
    assert_int_equal(chaptag_chapters_get(list, 1)->line, 7);
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "B # not a comment");
    chaptag_chapters_free(list);
}

static void text_reads_crlf_a_bom_and_no_final_newline(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("\xef\xbb\xbf" "00:00:00 A\r\n00:01:00 B\r\n\r\n00:02:00 C");
    assert_int_equal(chaptag_chapters_count(list), 3);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "A");
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "B");
    assert_string_equal(chaptag_chapters_get(list, 2)->title, "C");
    assert_int_equal(chaptag_chapters_get(list, 2)->line, 4);
    assert_int_equal(chaptag_chapters_get(list, 2)->start_ms, 120000);
    chaptag_chapters_free(list);
}

static void text_turns_a_lone_cr_and_other_controls_into_spaces(void **state)
{
    (void)state;
    /* with an LF in the file: without any, a CR ends a line (test_formats.c) */
    assert_one("00:00:00 A\rB\x01" "C\xc2\x85" "D\n", 0, "A B C D");
}

static void text_repairs_double_encoded_utf8_with_a_warning(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("00:00:00 Intro\n00:01:00 Caf\xc3\x83\xc2\xa9 au lait\n");
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "Caf\xc3\xa9 au lait");
    assert_int_equal(chaptag_chapters_warning_count(list), 1);
    assert_int_equal(chaptag_chapters_warning(list, 0)->line, 2);
    chaptag_chapters_free(list);
}

/* Fails unless TEXT's one chapter is titled WANT with one repair warning, and formatting it
   reads back the same title without warning. */
static void assert_settled(const char *text, const char *want)
{
    chaptag_chapters *list = parse_ok(text);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, want);
    assert_int_equal(chaptag_chapters_warning_count(list), 1);
    char *out = NULL;
    assert_int_equal(chaptag_format(list, "text", CHAPTAG_TIME_NONE, &out, NULL, NULL),
                     CHAPTAG_OK);
    chaptag_chapters *back = parse_ok(out);
    assert_string_equal(chaptag_chapters_get(back, 0)->title, want);
    assert_int_equal(chaptag_chapters_warning_count(back), 0);
    free(out);
    chaptag_chapters_free(back);
    chaptag_chapters_free(list);
}

static void text_repairs_utf8_encoded_three_times_so_that_it_reads_back_the_same(void **state)
{
    (void)state;
    /* é encoded three times: Ã ƒ Â © */
    assert_settled("00:00:00 Caf\xc3\x83\xc6\x92\xc3\x82\xc2\xa9", "Caf\xc3\xa9");
}

static void text_repairs_the_title_even_beside_a_real_bullet(void **state)
{
    (void)state;
    /* the bullet • has a Windows-1252 byte (0x95) that is not UTF-8: judged apart */
    assert_settled("\xe2\x80\xa2 00:00:00 Caf\xc3\x83\xc2\xa9", "Caf\xc3\xa9");
}

static void text_repairs_what_cleaning_a_control_character_reveals(void **state)
{
    (void)state;
    /* NEL before "Ã©" spoils the repair until cleaning turns it into a space and trims it */
    assert_settled("00:00:00 \xc2\x85\xc3\x83\xc2\xa9", "\xc3\xa9");
}

static void text_leaves_legitimate_accents_alone(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("00:00:00 na\xc3\xafve Stra\xc3\x9f" "e \xe2\x82\xac" "5\n");
    assert_string_equal(chaptag_chapters_get(list, 0)->title,
                        "na\xc3\xafve Stra\xc3\x9f" "e \xe2\x82\xac" "5");
    assert_int_equal(chaptag_chapters_warning_count(list), 0);
    chaptag_chapters_free(list);
}

static void text_reads_invalid_utf8_as_windows_1252_with_a_warning(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("00:00:00 Intro\n\x95 00:01:00 Caf\xe9 \x80" "5\n");
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "Caf\xc3\xa9 \xe2\x82\xac" "5");
    assert_int_equal(chaptag_chapters_warning_count(list), 1);
    const chaptag_warning *w = chaptag_chapters_warning(list, 0);
    assert_int_equal(w->line, 2);
    /* the bullet \x95 is • in Windows-1252, so it is the first word quoted */
    assert_string_equal(w->msg, "not valid UTF-8, read as Windows-1252 (\"\xe2\x80\xa2\")");
    chaptag_chapters_free(list);
}

static void text_warns_about_a_chapter_without_title(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("00:00:00\n00:01:00 -  \n00:02:00 [ok]\n");
    assert_int_equal(chaptag_chapters_count(list), 3);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "");
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "");
    assert_string_equal(chaptag_chapters_get(list, 2)->title, "[ok]");
    assert_int_equal(chaptag_chapters_warning_count(list), 2);
    assert_int_equal(chaptag_chapters_warning(list, 0)->line, 1);
    assert_int_equal(chaptag_chapters_warning(list, 1)->line, 2);
    assert_string_equal(chaptag_chapters_warning(list, 1)->msg, "chapter has no title");
    chaptag_chapters_free(list);
}

static void text_rejects_a_line_without_a_time(void **state)
{
    (void)state;
    assert_rejected("00:00:00 A\nIntro\n", 2, "no time at the start of the line (\"Intro\")");
    assert_rejected("2024 Review", 1, "no time at the start of the line (\"2024 Review\")");
    assert_rejected("1. Intro", 1, "no time at the start of the line (\"1. Intro\")");
    assert_rejected("74.5 Intro", 1, "no time at the start of the line (\"74.5 Intro\")");
    assert_rejected(":01:14 x", 1, "no time at the start of the line (\":01:14 x\")");
}

static void text_quotes_only_the_start_of_a_long_line(void **state)
{
    (void)state;
    assert_rejected("Intro, which goes on and on for much longer than anyone reads", 1,
                    "no time at the start of the line "
                    "(\"Intro, which goes on and on for much lon...\")");
    /* the cut falls before a 3-byte character, never inside it */
    assert_rejected("Intro, which goes on and on for much l\xe2\x80\x94ong", 1,
                    "no time at the start of the line "
                    "(\"Intro, which goes on and on for much l...\")");
}

static void text_rejects_an_impossible_time(void **state)
{
    (void)state;
    assert_rejected("00:61:00 X", 1, "00:61:00 is not a valid time: minutes and seconds go up to 59");
    assert_rejected("1:60 X", 1, "1:60 is not a valid time: minutes and seconds go up to 59");
    assert_rejected("00:00:00 A\n00:00:60 X", 2,
                    "00:00:60 is not a valid time: minutes and seconds go up to 59");
}

static void text_rejects_minutes_or_seconds_without_two_digits(void **state)
{
    (void)state;
    assert_rejected("1:2:3 X", 1, "1:2:3 is not a valid time: minutes and seconds have two digits");
    assert_rejected("1:5 X", 1, "1:5 is not a valid time: minutes and seconds have two digits");
    assert_rejected("0:100 X", 1, "0:100 is not a valid time: minutes and seconds have two digits");
}

static void text_rejects_malformed_times(void **state)
{
    (void)state;
    assert_rejected("1:00:00:00 X", 1, "1:00:00:00 is not a valid time: write H:MM:SS or M:SS");
    assert_rejected("1::00 X", 1, "1::00 is not a valid time: write H:MM:SS or M:SS");
    assert_rejected("00:01:14,5,6 X", 1, "00:01:14,5,6 is not a valid time: write H:MM:SS or M:SS");
    assert_rejected("00:01:14.5.6 X", 1, "00:01:14.5.6 is not a valid time: write H:MM:SS or M:SS");
    assert_rejected("00:01:14Intro", 1, "no space after the time (\"00:01:14Intro\")");
    assert_rejected("12:30pm Lunch", 1, "no space after the time (\"12:30pm Lunch\")");
    assert_rejected("[00:01:14 Intro", 1, "no ']' after the time 00:01:14");
    assert_rejected("(00:01:14] Intro", 1, "no ')' after the time 00:01:14");
}

static void text_rejects_absurd_times_without_overflowing(void **state)
{
    (void)state;
    assert_one("100000:00:00 Limit", 360000000000ull, "Limit");
    assert_one("6000000:00 Limit", 360000000000ull, "Limit");
    assert_rejected("100000:00:01 X", 1,
                    "100000:00:01 is not a valid time: times go up to 100000 hours");
    assert_rejected("6000000:00.001 X", 1,
                    "6000000:00.001 is not a valid time: times go up to 100000 hours");
    assert_rejected("99999999999999999999999999:00:00 X", 1,
                    "99999999999999999999999999:00:00 is not a valid time: times go up to "
                    "100000 hours");
    assert_rejected("184467440737095516:00 X", 1,
                    "184467440737095516:00 is not a valid time: times go up to 100000 hours");
}

static void text_rejects_a_time_that_goes_back(void **state)
{
    (void)state;
    assert_rejected("00:10:00 A\n# c\n00:05:00 B\n", 3, "00:05:00 is not after 00:10:00 on line 1");
}

static void text_rejects_a_duplicate_time(void **state)
{
    (void)state;
    assert_rejected("00:10:00 A\n10:00 B\n", 2, "00:10:00 is the same start as on line 1");
}

static void text_rejects_an_empty_file(void **state)
{
    (void)state;
    assert_rejected("", 0, "the file is empty");
    assert_rejected("\xef\xbb\xbf\n  \r\n\t\n", 0, "the file is empty");
    assert_rejected("# only a comment\n", 0, "no chapters, only comments");
}

/* A list of the chapters (START_MS, TITLE), N of them. */
static chaptag_chapters *make_list(const uint64_t *start_ms, const char *const *titles, size_t n)
{
    chaptag_chapters *list = chaptag_chapters_new();
    assert_non_null(list);
    for (size_t i = 0; i < n; i++) {
        chaptag_chapter ch = {.start_ms = start_ms[i], .end_ms = CHAPTAG_TIME_NONE,
                              .title = titles[i]};
        assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    }
    return list;
}

static char *format_text(const chaptag_chapters *list)
{
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "text", 999999999, &out, NULL, &err), CHAPTAG_OK);
    return out;
}

static void text_format_writes_milliseconds_only_when_needed(void **state)
{
    (void)state;
    static const uint64_t starts[] = {0, 74500, 360000000, 360000001};
    static const char *const titles[] = {"Intro", "Topic: x", "Long", "Longer"};
    chaptag_chapters *list = make_list(starts, titles, 4);
    char *out = format_text(list);
    assert_string_equal(out, "00:00:00 Intro\n00:01:14.500 Topic: x\n100:00:00 Long\n"
                             "100:00:00.001 Longer\n");
    free(out);
    chaptag_chapters_free(list);
}

static void text_format_keeps_titles_on_one_line_and_readable_back(void **state)
{
    (void)state;
    static const uint64_t starts[] = {0, 1000, 2000, 3000, 4000};
    static const char *const titles[] = {"- dash", "line\nbreak", "", " \xe2\x80\x94", ": x"};
    chaptag_chapters *list = make_list(starts, titles, 5);
    char *out = format_text(list);
    assert_string_equal(out, "00:00:00 - - dash\n00:00:01 line break\n00:00:02\n"
                             "00:00:03 - \xe2\x80\x94\n00:00:04 - : x\n");
    chaptag_chapters *back = parse_ok(out);
    static const char *const want[] = {"- dash", "line break", "", "\xe2\x80\x94", ": x"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(chaptag_chapters_get(back, i)->title, want[i]);
    free(out);
    chaptag_chapters_free(back);
    chaptag_chapters_free(list);
}

static void text_format_refuses_a_time_past_the_limit(void **state)
{
    (void)state;
    static const uint64_t starts[] = {360000000001ull};
    static const char *const titles[] = {"Far"};
    chaptag_chapters *list = make_list(starts, titles, 1);
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "text", CHAPTAG_TIME_NONE, &out, NULL, &err),
                     CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "chapter 1 starts past 100000 hours");
    chaptag_chapters_free(list);
}

static void text_format_round_trips_both_seeds(void **state)
{
    (void)state;
    static const char *const seeds[] = {"fixtures/chapters/seed-000.txt",
                                        "fixtures/chapters/seed-004.txt"};
    for (size_t s = 0; s < 2; s++) {
        chaptag_chapters *list = parse_fixture(seeds[s]);
        char *out = format_text(list);
        chaptag_chapters *back = parse_ok(out);
        assert_int_equal(chaptag_chapters_count(back), chaptag_chapters_count(list));
        for (size_t i = 0; i < chaptag_chapters_count(list); i++) {
            assert_int_equal(chaptag_chapters_get(back, i)->start_ms,
                             chaptag_chapters_get(list, i)->start_ms);
            assert_string_equal(chaptag_chapters_get(back, i)->title,
                                chaptag_chapters_get(list, i)->title);
        }
        assert_int_equal(chaptag_chapters_warning_count(back), 0); /* repaired for good */
        free(out);
        chaptag_chapters_free(back);
        chaptag_chapters_free(list);
    }
}

static void text_detect_is_sure_when_most_lines_are_timed(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int conf;
    } cases[] = {
        {"00:00:00 A\n00:01:00 B\n", 2},
        {"# dump header\n\n1. [00:01:14] x\n- (1:14) y\nnotes\n", 2},
        {"Intro\n00:01 A\nB\nC\n", 1},
        {"hello\nworld\n", 0},
        {"# c\n\n", 0},
        {"", 0},
        {"{\"chapters\": []}", 0},
        {"2024 Review\n", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(ct_fmt_text.detect(cases[i].text, strlen(cases[i].text)),
                         cases[i].conf);
}

static void text_parse_survives_every_failed_allocation(void **state)
{
    (void)state;
    static const char text[] = "00:00:00 Intro\n00:01:00 Caf\xc3\x83\xc2\xa9\n00:02:00 Caf\xe9\n"
                               "00:03:00\n";
    for (unsigned long n = 1;; n++) {
        chaptag_chapters *list = NULL;
        chaptag_error err = {0};
        ct_alloc_fail_at(n);
        chaptag_status st = chaptag_parse(text, sizeof text - 1, "text", &list, &err);
        ct_alloc_fail_at(0);
        if (st == CHAPTAG_OK) {
            assert_int_equal(chaptag_chapters_count(list), 4);
            assert_string_equal(chaptag_chapters_get(list, 1)->title, "Caf\xc3\xa9");
            chaptag_chapters_free(list);
            break;
        }
        assert_int_equal(st, CHAPTAG_ERR_NOMEM);
        assert_null(list);
        assert_true(n < 1000);
    }
}

/* Fails unless chapter I of LIST has TITLE and URL (NULL: no link). */
static void assert_link(const chaptag_chapters *list, size_t i, const char *title, const char *url)
{
    const chaptag_chapter *ch = chaptag_chapters_get(list, i);
    assert_string_equal(ch->title, title);
    if (url == NULL)
        assert_null(ch->url);
    else
        assert_string_equal(ch->url, url);
}

static void text_reads_a_trailing_http_link_as_the_chapters_link(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("0:00 Intro <https://example.com/a?b=1&c=%20>\n"
                                      "1:00 - Sponsor <HTTP://Shop.example/>\n"
                                      "2:00 <https://only.example/link>\n"
                                      "3:00 Talk about <tags>\n"
                                      "4:00 Mail<https://glued.example>\n"
                                      "5:00 Space <https://a b>\n"
                                      "6:00 Not web <ftp://files.example/x>\n"
                                      "7:00 Two <https://a.example> <https://b.example>\n");
    assert_link(list, 0, "Intro", "https://example.com/a?b=1&c=%20");
    assert_link(list, 1, "Sponsor", "HTTP://Shop.example/");
    assert_link(list, 2, "", "https://only.example/link");
    assert_link(list, 3, "Talk about <tags>", NULL);
    assert_link(list, 4, "Mail<https://glued.example>", NULL);
    assert_link(list, 5, "Space <https://a b>", NULL);
    assert_link(list, 6, "Not web <ftp://files.example/x>", NULL);
    assert_link(list, 7, "Two <https://a.example>", "https://b.example");
    chaptag_chapters_free(list);
}

static void text_format_writes_links_that_read_back_and_says_which_it_cannot(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.end_ms = CHAPTAG_TIME_NONE, .title = "Intro",
                          .url = "https://example.com/x"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    ch = (chaptag_chapter){.start_ms = 1000, .end_ms = CHAPTAG_TIME_NONE, .title = "",
                           .url = "http://e.example/"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    ch = (chaptag_chapter){.start_ms = 2000, .end_ms = CHAPTAG_TIME_NONE, .title = "Gap",
                           .url = "https://e.example/a b"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    ch = (chaptag_chapter){.start_ms = 3000, .end_ms = CHAPTAG_TIME_NONE,
                           .title = "See <https://t.example>"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    char *out = NULL;
    chaptag_warning *w = NULL;
    size_t n = 0;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format_with_warnings(list, "text", CHAPTAG_TIME_NONE, &out, NULL, &w,
                                                  &n, &err), CHAPTAG_OK);
    assert_string_equal(out, "00:00:00 Intro <https://example.com/x>\n"
                             "00:00:01 <http://e.example/>\n"
                             "00:00:02 Gap\n"
                             "00:00:03 See <https://t.example>\n");
    assert_int_equal(n, 2);
    assert_non_null(strstr(w[0].msg, "chapter 3: the link"));
    assert_non_null(strstr(w[1].msg, "chapter 4: the title ends in a link"));
    chaptag_chapters *back = parse_ok(out);
    assert_link(back, 0, "Intro", "https://example.com/x");
    assert_link(back, 1, "", "http://e.example/");
    free(w);
    free(out);
    chaptag_chapters_free(back);
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_reads_seed_000_with_its_first_chapter_after_zero),
        cmocka_unit_test(text_reads_seed_004_and_repairs_line_25_with_a_warning),
        cmocka_unit_test(text_reads_h_mm_ss_and_m_ss_with_minutes_past_59),
        cmocka_unit_test(text_rounds_fractions_half_up_to_milliseconds),
        cmocka_unit_test(text_accepts_brackets_bullets_numbering_and_separators),
        cmocka_unit_test(text_never_splits_a_title_at_its_colons_or_dashes),
        cmocka_unit_test(text_skips_comments_and_blank_lines_and_keeps_line_numbers),
        cmocka_unit_test(text_reads_crlf_a_bom_and_no_final_newline),
        cmocka_unit_test(text_turns_a_lone_cr_and_other_controls_into_spaces),
        cmocka_unit_test(text_repairs_double_encoded_utf8_with_a_warning),
        cmocka_unit_test(text_repairs_utf8_encoded_three_times_so_that_it_reads_back_the_same),
        cmocka_unit_test(text_repairs_the_title_even_beside_a_real_bullet),
        cmocka_unit_test(text_repairs_what_cleaning_a_control_character_reveals),
        cmocka_unit_test(text_leaves_legitimate_accents_alone),
        cmocka_unit_test(text_reads_invalid_utf8_as_windows_1252_with_a_warning),
        cmocka_unit_test(text_warns_about_a_chapter_without_title),
        cmocka_unit_test(text_rejects_a_line_without_a_time),
        cmocka_unit_test(text_quotes_only_the_start_of_a_long_line),
        cmocka_unit_test(text_rejects_an_impossible_time),
        cmocka_unit_test(text_rejects_minutes_or_seconds_without_two_digits),
        cmocka_unit_test(text_rejects_malformed_times),
        cmocka_unit_test(text_rejects_absurd_times_without_overflowing),
        cmocka_unit_test(text_rejects_a_time_that_goes_back),
        cmocka_unit_test(text_rejects_a_duplicate_time),
        cmocka_unit_test(text_rejects_an_empty_file),
        cmocka_unit_test(text_format_writes_milliseconds_only_when_needed),
        cmocka_unit_test(text_format_keeps_titles_on_one_line_and_readable_back),
        cmocka_unit_test(text_format_refuses_a_time_past_the_limit),
        cmocka_unit_test(text_format_round_trips_both_seeds),
        cmocka_unit_test(text_detect_is_sure_when_most_lines_are_timed),
        cmocka_unit_test(text_parse_survives_every_failed_allocation),
        cmocka_unit_test(text_reads_a_trailing_http_link_as_the_chapters_link),
        cmocka_unit_test(text_format_writes_links_that_read_back_and_says_which_it_cannot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
