/* Tests of src/verify.c: the checks every container shares, the comparison with an expected
   chapter list, and the findings list. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

/* A list of N chapters starting at STARTS[i] ms titled TITLES[i] (NULL: "Chapter i"). */
static chaptag_chapters *make_list(size_t n, const uint64_t *starts, const char *const *titles)
{
    chaptag_chapters *list = chaptag_chapters_new();
    assert_non_null(list);
    for (size_t i = 0; i < n; i++) {
        char title[32];
        snprintf(title, sizeof title, "Chapter %zu", i + 1);
        chaptag_chapter ch = {0};
        ch.start_ms = starts[i];
        ch.end_ms = CHAPTAG_TIME_NONE;
        ch.title = titles ? titles[i] : title;
        ch.line = (unsigned)(i + 1);
        chaptag_error err;
        assert_int_equal(chaptag_chapters_add(list, &ch, &err), CHAPTAG_OK);
    }
    return list;
}

static chaptag_file_info info_of(uint64_t duration_ms)
{
    chaptag_file_info info = {0};
    info.duration_ms = duration_ms;
    return info;
}

/* The finding with CODE, or NULL. */
static const chaptag_finding *found(const ct_findings *f, const char *code)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->v[i].code, code) == 0)
            return &f->v[i];
    return NULL;
}

static void a_clean_list_has_no_findings(void **state)
{
    (void)state;
    uint64_t starts[] = {0, 60000, 120000};
    chaptag_chapters *list = make_list(3, starts, NULL);
    chaptag_file_info info = info_of(180000);
    ct_findings f = {0};
    ct_verify_chapters(list, &info, -1, list, &f);
    assert_int_equal(f.n, 0);
    assert_false(f.failed);
    ct_findings_clear(&f);
    chaptag_chapters_free(list);
}

static void an_empty_list_is_an_error(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_file_info info = info_of(1000);
    ct_findings f = {0};
    ct_verify_chapters(list, &info, -1, NULL, &f);
    const chaptag_finding *x = found(&f, "no-chapters");
    assert_non_null(x);
    assert_int_equal(x->severity, CHAPTAG_ERROR);
    ct_findings_clear(&f);
    chaptag_chapters_free(list);
}

static void players_trip_on_late_untitled_and_past_end_chapters(void **state)
{
    (void)state;
    uint64_t starts[] = {5000, 60000, 200000};
    const char *titles[] = {"Intro", "", "Outro"};
    chaptag_chapters *list = make_list(3, starts, titles);
    chaptag_file_info info = info_of(180000);
    ct_findings f = {0};
    ct_verify_chapters(list, &info, -1, NULL, &f);
    assert_int_equal(found(&f, "late-first-chapter")->severity, CHAPTAG_NOTE);
    const chaptag_finding *untitled = found(&f, "untitled");
    assert_int_equal(untitled->severity, CHAPTAG_WARNING);
    assert_non_null(strstr(untitled->msg, "chapter 2"));
    const chaptag_finding *past = found(&f, "past-end");
    assert_int_equal(past->severity, CHAPTAG_ERROR);
    assert_non_null(strstr(past->msg, "chapter 3"));
    assert_true(past->why[0] != '\0'); /* says which players care */
    assert_null(found(&f, "out-of-order"));
    ct_findings_clear(&f);
    assert_int_equal(f.n, 0);
    assert_null(f.v);
    chaptag_chapters_free(list);
}

static void an_unknown_duration_checks_nothing_against_the_end(void **state)
{
    (void)state;
    uint64_t starts[] = {0, 999999999};
    chaptag_chapters *list = make_list(2, starts, NULL);
    chaptag_file_info info = info_of(0);
    ct_findings f = {0};
    ct_verify_chapters(list, &info, -1, NULL, &f);
    assert_int_equal(f.n, 0);
    ct_findings_clear(&f);
    chaptag_chapters_free(list);
}

static void overlaps_and_ends_past_the_audio_are_warnings(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_error err;
    chaptag_chapter a = {.start_ms = 0, .end_ms = 70000, .title = "A"};
    chaptag_chapter b = {.start_ms = 60000, .end_ms = 500000, .title = "B"};
    assert_int_equal(chaptag_chapters_add(list, &a, &err), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_add(list, &b, &err), CHAPTAG_OK);
    chaptag_file_info info = info_of(120000);
    ct_findings f = {0};
    ct_verify_chapters(list, &info, -1, NULL, &f);
    assert_int_equal(found(&f, "overlap")->severity, CHAPTAG_WARNING);
    assert_int_equal(found(&f, "ends-past-end")->severity, CHAPTAG_WARNING);
    assert_null(found(&f, "past-end"));
    ct_findings_clear(&f);
    chaptag_chapters_free(list);
}

static void every_difference_from_the_expected_list_names_its_line(void **state)
{
    (void)state;
    uint64_t have_starts[] = {0, 61000, 120000};
    const char *have_titles[] = {"Intro", "News", "Talk"};
    uint64_t want_starts[] = {0, 60000, 120000, 150000};
    const char *want_titles[] = {"Intro", "News", "Chat", "End"};
    chaptag_chapters *have = make_list(3, have_starts, have_titles);
    chaptag_chapters *want = make_list(4, want_starts, want_titles);
    chaptag_file_info info = info_of(180000);
    ct_findings f = {0};
    ct_verify_chapters(have, &info, -1, want, &f);
    assert_int_equal(found(&f, "count-differs")->severity, CHAPTAG_ERROR);
    assert_int_equal(found(&f, "start-differs")->line, 2);
    const chaptag_finding *title = found(&f, "title-differs");
    assert_int_equal(title->line, 3);
    assert_non_null(strstr(title->msg, "\"Talk\""));
    assert_non_null(strstr(title->msg, "\"Chat\""));
    assert_int_equal(found(&f, "missing")->line, 4);
    assert_null(found(&f, "extra"));
    ct_findings_clear(&f);

    ct_verify_chapters(want, &info, -1, have, &f); /* the other way round: one too many */
    assert_non_null(found(&f, "extra"));
    assert_null(found(&f, "missing"));
    ct_findings_clear(&f);
    chaptag_chapters_free(have);
    chaptag_chapters_free(want);
}

static void findings_keep_code_severity_why_and_line(void **state)
{
    (void)state;
    ct_findings f = {0};
    for (int i = 0; i < 100; i++)
        ct_find(&f, CHAPTAG_NOTE, "n", NULL, "note %d", i);
    ct_find(&f, CHAPTAG_WARNING, "w", "because", "a warning");
    ct_find_line(&f, CHAPTAG_ERROR, "e", 7, "at line %u", 7u);
    assert_int_equal(f.n, 102);
    assert_string_equal(f.v[99].msg, "note 99");
    assert_string_equal(f.v[99].why, "");
    assert_string_equal(f.v[100].why, "because");
    assert_int_equal(f.v[101].line, 7);
    assert_int_equal(f.v[101].severity, CHAPTAG_ERROR);
    assert_string_equal(chaptag_severity_name(CHAPTAG_ERROR), "error");
    assert_string_equal(chaptag_severity_name(CHAPTAG_WARNING), "warning");
    assert_string_equal(chaptag_severity_name(CHAPTAG_NOTE), "note");
    ct_findings_clear(&f);
}

static void a_finding_lost_for_memory_marks_the_list_failed(void **state)
{
    (void)state;
    ct_findings f = {0};
    ct_alloc_fail_at(1);
    ct_find(&f, CHAPTAG_ERROR, "e", NULL, "lost");
    ct_alloc_fail_at(0);
    assert_true(f.failed); /* so verify cannot pass by accident */
    assert_int_equal(f.n, 0);
    ct_findings_clear(&f);
}

static void a_long_message_is_cut_not_overrun(void **state)
{
    (void)state;
    char long_title[1000];
    memset(long_title, 'x', sizeof long_title - 1);
    long_title[sizeof long_title - 1] = '\0';
    ct_findings f = {0};
    ct_find(&f, CHAPTAG_ERROR, "a-code-longer-than-its-thirty-two-byte-field", long_title,
            "%s", long_title);
    assert_int_equal(f.n, 1);
    assert_true(strlen(f.v[0].msg) < sizeof f.v[0].msg);
    assert_true(strlen(f.v[0].why) < sizeof f.v[0].why);
    assert_true(strlen(f.v[0].code) < sizeof f.v[0].code);
    ct_findings_clear(&f);
}

/* Two one-chapter lists that differ only in the link and picture link given. */
static chaptag_chapters *linked_list(const char *url, const char *image)
{
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.end_ms = CHAPTAG_TIME_NONE, .title = "A", .url = url, .image = image,
                          .line = 4};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    return list;
}

static void links_players_decode_again_are_warned_and_compared(void **state)
{
    (void)state;
    chaptag_file_info info = info_of(60000);
    static const char *const clean[] = {"https://e.example/a", "https://e.example/a?b=c"};
    static const char *const decoded[] = {"https://e.example/a+b", "https://e.example/a%20b"};
    for (size_t i = 0; i < 2; i++) {
        ct_findings f = {0};
        chaptag_chapters *list = linked_list(clean[i], NULL);
        ct_verify_chapters(list, &info, -1, list, &f);
        assert_int_equal(f.n, 0);
        ct_findings_clear(&f);
        chaptag_chapters_free(list);
        list = linked_list(decoded[i], NULL);
        ct_verify_chapters(list, &info, -1, NULL, &f);
        const chaptag_finding *x = found(&f, "url-decoded-again");
        assert_non_null(x);
        assert_int_equal(x->severity, CHAPTAG_WARNING);
        assert_non_null(strstr(x->why, "AntennaPod"));
        ct_findings_clear(&f);
        chaptag_chapters_free(list);
    }
    /* a file's link the chapter file lacks, and a picture link that differs */
    chaptag_chapters *have = linked_list("https://e.example/a", "https://e.example/1.jpg");
    chaptag_chapters *want = linked_list(NULL, "https://e.example/2.jpg");
    ct_findings f = {0};
    ct_verify_chapters(have, &info, -1, want, &f);
    assert_int_equal(found(&f, "url-extra")->severity, CHAPTAG_WARNING);
    assert_int_equal(found(&f, "image-differs")->severity, CHAPTAG_ERROR);
    assert_int_equal(found(&f, "image-differs")->line, 4);
    ct_findings_clear(&f);
    chaptag_chapters_free(have);
    chaptag_chapters_free(want);
}

/* A one-chapter list whose picture is the N bytes at P. */
static chaptag_chapters *pictured(const unsigned char *p, size_t n)
{
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.end_ms = CHAPTAG_TIME_NONE, .title = "A", .image_data = p,
                          .image_len = n, .image_mime = "image/png"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    return list;
}

static void pictures_players_trip_on_and_a_missing_cover_are_warned(void **state)
{
    (void)state;
    static unsigned char png[600000] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A,
                                        0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                        0, 0, 0x0B, 0xB8, 0, 0, 0x0B, 0xB8}; /* 3000 x 3000 */
    chaptag_file_info info = info_of(60000);
    ct_findings f = {0};
    chaptag_chapters *list = pictured(png, 1000);
    ct_verify_chapters(list, &info, 1, NULL, &f);
    assert_int_equal(f.n, 0); /* square, 3000 px, light, with a cover: nothing */
    ct_verify_chapters(list, &info, -1, NULL, &f);
    assert_int_equal(f.n, 0); /* a container that cannot say: no guess */
    ct_verify_chapters(list, &info, 0, NULL, &f);
    assert_non_null(found(&f, "no-cover-art"));
    assert_string_equal(found(&f, "no-cover-art")->msg,
                        "1 chapter has a picture but the file has no cover art");
    ct_findings_clear(&f);
    chaptag_chapters_free(list);
    png[23] = 0xB9; /* 3000 wide, 3001 high */
    list = pictured(png, sizeof png);
    ct_verify_chapters(list, &info, 1, NULL, &f);
    assert_string_equal(found(&f, "picture-heavy")->msg,
                        "the picture of chapter 1 is 600000 bytes, over 500 KB");
    assert_string_equal(found(&f, "picture-too-large")->msg,
                        "the picture of chapter 1 is 3000 x 3001 px, over 3000 px");
    assert_string_equal(found(&f, "picture-not-square")->msg,
                        "the picture of chapter 1 is 3000 x 3001 px, not square");
    assert_non_null(strstr(found(&f, "picture-too-large")->why, "Apple"));
    ct_findings_clear(&f);
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_clean_list_has_no_findings),
        cmocka_unit_test(links_players_decode_again_are_warned_and_compared),
        cmocka_unit_test(pictures_players_trip_on_and_a_missing_cover_are_warned),
        cmocka_unit_test(an_empty_list_is_an_error),
        cmocka_unit_test(players_trip_on_late_untitled_and_past_end_chapters),
        cmocka_unit_test(an_unknown_duration_checks_nothing_against_the_end),
        cmocka_unit_test(overlaps_and_ends_past_the_audio_are_warnings),
        cmocka_unit_test(every_difference_from_the_expected_list_names_its_line),
        cmocka_unit_test(findings_keep_code_severity_why_and_line),
        cmocka_unit_test(a_finding_lost_for_memory_marks_the_list_failed),
        cmocka_unit_test(a_long_message_is_cut_not_overrun),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
