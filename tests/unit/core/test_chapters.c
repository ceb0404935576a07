/* Tests of src/core/chapters.c: the chapter list, validation, end times, metadata and
   warnings. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chapters.h"

/* Adds a chapter (START_MS, END_MS, LINE) titled TITLE to LIST. */
static void add(chaptag_chapters *list, uint64_t start_ms, uint64_t end_ms, unsigned line,
                const char *title)
{
    chaptag_chapter ch = {.start_ms = start_ms, .end_ms = end_ms, .title = title, .line = line};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
}

#define NONE CHAPTAG_TIME_NONE

static void chapters_add_copies_every_string_and_makes_a_null_title_empty(void **state)
{
    (void)state;
    char title[] = "Intro", url[] = "https://example.com/", image[] = "cover.jpg";
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.start_ms = 5, .end_ms = NONE, .title = title, .url = url,
                          .image = image, .hidden = 1, .line = 7};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    ch.title = NULL;
    ch.url = NULL;
    ch.image = NULL;
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    title[0] = url[0] = image[0] = 'X';
    const chaptag_chapter *c0 = chaptag_chapters_get(list, 0), *c1 = chaptag_chapters_get(list, 1);
    assert_string_equal(c0->title, "Intro");
    assert_string_equal(c0->url, "https://example.com/");
    assert_string_equal(c0->image, "cover.jpg");
    assert_int_equal(c0->hidden, 1);
    assert_int_equal(c0->line, 7);
    assert_string_equal(c1->title, "");
    assert_null(c1->url);
    assert_null(c1->image);
    assert_int_equal(chaptag_chapters_count(list), 2);
    assert_null(chaptag_chapters_get(list, 2));
    chaptag_chapters_free(list);
    chaptag_chapters_free(NULL);
}

static void chapters_add_copies_image_bytes_and_keeps_a_mime_only_with_them(void **state)
{
    (void)state;
    unsigned char png[] = {0x89, 'P', 'N', 'G'};
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.end_ms = NONE, .image_data = png, .image_len = sizeof png,
                          .image_mime = "image/png"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    png[1] = 'X';
    ch = (chaptag_chapter){.start_ms = 1, .end_ms = NONE, .image_len = 99,
                           .image_mime = "image/png"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    const chaptag_chapter *c0 = chaptag_chapters_get(list, 0), *c1 = chaptag_chapters_get(list, 1);
    assert_int_equal(c0->image_len, 4);
    assert_memory_equal(c0->image_data, "\x89PNG", 4);
    assert_ptr_not_equal(c0->image_data, png);
    assert_string_equal(c0->image_mime, "image/png");
    assert_null(c1->image_data);
    assert_int_equal(c1->image_len, 0);
    assert_null(c1->image_mime);
    chaptag_chapters_free(list);
}

static void chapters_add_grows_past_its_first_allocation(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    for (unsigned i = 0; i < 1000; i++)
        add(list, i * 1000ull, NONE, i + 1, "x");
    assert_int_equal(chaptag_chapters_count(list), 1000);
    assert_int_equal(chaptag_chapters_get(list, 999)->start_ms, 999000);
    assert_int_equal(chaptag_chapters_validate(list, NONE, NULL), CHAPTAG_OK);
    chaptag_chapters_free(list);
}

static void chapters_add_fails_cleanly_when_memory_runs_out(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.end_ms = NONE, .title = "t", .url = "u", .image = "i"};
    for (unsigned long n = 1;; n++) {
        chaptag_error err = {0};
        ct_alloc_fail_at(n);
        chaptag_status st = chaptag_chapters_add(list, &ch, &err);
        ct_alloc_fail_at(0);
        if (st == CHAPTAG_OK)
            break;
        assert_int_equal(st, CHAPTAG_ERR_NOMEM);
        assert_string_equal(err.msg, "out of memory");
        assert_int_equal(chaptag_chapters_count(list), 0);
        assert_true(n < 100);
    }
    assert_int_equal(chaptag_chapters_count(list), 1);
    assert_string_equal(chaptag_chapters_get(list, 0)->url, "u");
    chaptag_chapters_free(list);
}

/* Fails unless LIST (with DURATION_MS) is invalid at LINE with exactly MSG. */
static void assert_invalid(const chaptag_chapters *list, uint64_t duration_ms, unsigned line,
                           const char *msg)
{
    chaptag_error err = {0};
    assert_int_equal(chaptag_chapters_validate(list, duration_ms, &err), CHAPTAG_ERR_INPUT);
    assert_int_equal(err.line, line);
    assert_string_equal(err.msg, msg);
}

/* Fails unless adding (START_MS, END_MS, LINE) to LIST is refused at ERR_LINE with MSG, the
   list unchanged. */
static void assert_refused(chaptag_chapters *list, uint64_t start_ms, uint64_t end_ms,
                           unsigned line, unsigned err_line, const char *msg)
{
    size_t n = chaptag_chapters_count(list);
    chaptag_chapter ch = {.start_ms = start_ms, .end_ms = end_ms, .title = "t", .line = line};
    chaptag_error err = {0};
    assert_int_equal(chaptag_chapters_add(list, &ch, &err), CHAPTAG_ERR_INPUT);
    assert_int_equal(err.line, err_line);
    assert_string_equal(err.msg, msg);
    assert_int_equal(chaptag_chapters_count(list), n);
}

static void a_checked_list_refuses_as_it_is_added_what_validate_would(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    ct_chapters_check(list, CT_CHECK_ORDER);
    add(list, 1000, NONE, 1, "a");
    assert_refused(list, 1000, NONE, 2, 2, "00:00:01 is the same start as on line 1");
    assert_refused(list, 500, NONE, 2, 2, "00:00:00.500 is not after 00:00:01 on line 1");
    assert_refused(list, 2000, 2000, 2, 2, "the end 00:00:02 is not after the start 00:00:02");
    add(list, 2000, 3000, 2, "b");
    /* the end of the chapter before comes first, as validate() meets it first */
    assert_refused(list, 2500, NONE, 3, 2,
                   "the end 00:00:03 is after the next chapter's start 00:00:02.500 on line 3");
    char *title = malloc(CHAPTAG_TITLE_MAX + 2);
    assert_non_null(title);
    memset(title, 'x', CHAPTAG_TITLE_MAX + 1);
    title[CHAPTAG_TITLE_MAX + 1] = '\0';
    chaptag_chapter ch = {.start_ms = 4000, .end_ms = NONE, .title = title, .line = 7};
    chaptag_error err = {0};
    assert_int_equal(chaptag_chapters_add(list, &ch, &err), CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg,
                        "the title is 65536 bytes; chapter titles are at most 65535 bytes");
    title[CHAPTAG_TITLE_MAX] = '\0';
    assert_int_equal(chaptag_chapters_add(list, &ch, &err), CHAPTAG_OK);
    free(title);
    /* unchecked again: the caller's list takes chapters in any order */
    ct_chapters_check(list, 0);
    add(list, 0, NONE, 9, "first after all");
    assert_int_equal(chaptag_chapters_count(list), 4);
    chaptag_chapters_free(list);
}

static void a_counted_list_refuses_the_10001st_chapter_naming_its_line(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    ct_chapters_check(list, CT_CHECK_COUNT);
    /* out of order is fine here: only the count is checked */
    for (unsigned i = 0; i < CT_CHAPTERS_MAX; i++)
        add(list, (CT_CHAPTERS_MAX - i) * 1000u, NONE, i + 1, "c");
    assert_refused(list, 0, NONE, 10001, 10001, "more than 10,000 chapters");
    chaptag_chapters_free(list);
}

static void validate_rejects_an_empty_list(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    assert_invalid(list, NONE, 0, "no chapters");
    chaptag_chapters_free(list);
}

static void validate_accepts_a_first_chapter_after_zero_and_touching_ends(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    add(list, 74000, 120000, 1, "a");
    add(list, 120000, NONE, 2, "b");
    add(list, 130000, 140000, 3, "c");
    assert_int_equal(chaptag_chapters_validate(list, 140001, NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_validate(list, NONE, NULL), CHAPTAG_OK);
    chaptag_chapters_free(list);
}

static void validate_names_both_lines_of_a_duplicate_start(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    add(list, 0, NONE, 1, "a");
    add(list, 600000, NONE, 4, "b");
    add(list, 600000, NONE, 9, "c");
    assert_invalid(list, NONE, 9, "00:10:00 is the same start as on line 4");
    chaptag_chapters_free(list);
}

static void validate_names_both_lines_of_a_start_that_goes_back(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    add(list, 600000, NONE, 9, "a");
    add(list, 300500, NONE, 12, "b");
    assert_invalid(list, NONE, 12, "00:05:00.500 is not after 00:10:00 on line 9");
    chaptag_chapters_free(list);
}

static void validate_rejects_a_start_at_or_past_the_end_of_the_audio(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    add(list, 0, NONE, 1, "a");
    add(list, 60000, NONE, 2, "b");
    assert_invalid(list, 60000, 2, "00:01:00 is at or past the end of the audio (00:01:00.000)");
    assert_int_equal(chaptag_chapters_validate(list, 60001, NULL), CHAPTAG_OK);
    chaptag_chapters_free(list);
}

static void validate_rejects_an_end_not_after_its_start(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    add(list, 10000, 10000, 3, "a");
    assert_invalid(list, NONE, 3, "the end 00:00:10 is not after the start 00:00:10");
    chaptag_chapters_free(list);
}

static void validate_rejects_an_end_past_the_next_start(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    add(list, 0, 60001, 2, "a");
    add(list, 60000, NONE, 5, "b");
    assert_invalid(list, NONE, 2, "the end 00:01:00.001 is after the next chapter's start "
                                  "00:01:00 on line 5");
    chaptag_chapters_free(list);
}

static void end_is_the_given_end_else_the_next_start_else_the_duration(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    add(list, 0, 5000, 1, "given");
    add(list, 10000, NONE, 2, "next");
    add(list, 20000, NONE, 3, "last");
    add(list, 30000, 90000, 4, "past the audio");
    assert_int_equal(chaptag_chapters_end(list, 0, 60000), 5000);
    assert_int_equal(chaptag_chapters_end(list, 1, 60000), 20000);
    assert_int_equal(chaptag_chapters_end(list, 3, 60000), 60000); /* cut at the duration */
    assert_int_equal(chaptag_chapters_end(list, 3, NONE), 90000);
    chaptag_chapters_free(list);
    list = chaptag_chapters_new();
    add(list, 0, NONE, 1, "only");
    assert_int_equal(chaptag_chapters_end(list, 0, 60000), 60000);
    assert_int_equal(chaptag_chapters_end(list, 0, NONE), NONE);
    chaptag_chapters_free(list);
}

static void meta_is_set_replaced_removed_and_listed_in_order(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    const char *value = NULL;
    assert_int_equal(chaptag_chapters_set_meta(list, "title", "Ep 7", NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_meta(list, "artist", "Jo", NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_meta(list, "album", "Show", NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_meta(list, "title", "Episode 7", NULL), CHAPTAG_OK);
    assert_string_equal(chaptag_chapters_meta(list, "title"), "Episode 7");
    assert_int_equal(chaptag_chapters_set_meta(list, "artist", NULL, NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_meta(list, "year", NULL, NULL), CHAPTAG_OK);
    assert_null(chaptag_chapters_meta(list, "artist"));
    assert_null(chaptag_chapters_meta(list, "year"));
    assert_string_equal(chaptag_chapters_meta_at(list, 0, &value), "title");
    assert_string_equal(value, "Episode 7");
    assert_string_equal(chaptag_chapters_meta_at(list, 1, &value), "album");
    assert_string_equal(value, "Show");
    assert_null(chaptag_chapters_meta_at(list, 2, &value));
    chaptag_chapters_free(list);
}

static void meta_grows_past_its_first_allocation(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    char key[16];
    for (int i = 0; i < 40; i++) {
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(chaptag_chapters_set_meta(list, key, key, NULL), CHAPTAG_OK);
    }
    assert_string_equal(chaptag_chapters_meta(list, "k39"), "k39");
    assert_string_equal(chaptag_chapters_meta(list, "k0"), "k0");
    chaptag_chapters_free(list);
}

static void warnings_added_by_parsers_are_listed_in_order(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    assert_int_equal(chaptag_chapters_warning_count(list), 0);
    ct_warn(ct_chapters_warnings(list), 25, "repaired %s", "line 25");
    ct_warn(ct_chapters_warnings(list), 0, "second");
    assert_int_equal(chaptag_chapters_warning_count(list), 2);
    assert_int_equal(chaptag_chapters_warning(list, 0)->line, 25);
    assert_string_equal(chaptag_chapters_warning(list, 0)->msg, "repaired line 25");
    assert_string_equal(chaptag_chapters_warning(list, 1)->msg, "second");
    assert_null(chaptag_chapters_warning(list, 2));
    chaptag_chapters_free(list);
}

static void chapters_get_and_set_links_and_tell_a_picture_link_from_bytes(void **state)
{
    (void)state;
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.end_ms = CHAPTAG_TIME_NONE, .title = "a"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    const chaptag_chapter *got = chaptag_chapters_get(list, 0);
    assert_null(chaptag_chapter_url(got));
    assert_int_equal(chaptag_chapter_image_kind(got), CHAPTAG_IMAGE_NONE);
    chaptag_error err = {0};
    assert_int_equal(chaptag_chapters_set_url(list, 0, "https://e.example/x", &err), CHAPTAG_OK);
    assert_string_equal(chaptag_chapter_url(got), "https://e.example/x");
    assert_int_equal(chaptag_chapters_set_url(list, 0, NULL, &err), CHAPTAG_OK);
    assert_null(chaptag_chapter_url(got));
    assert_int_equal(chaptag_chapters_set_url(list, 1, "https://e.example/", &err),
                     CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "there is no chapter 2");
    /* a local file not loaded yet, loaded bytes, then a link that drops the bytes */
    ch = (chaptag_chapter){.start_ms = 1, .end_ms = CHAPTAG_TIME_NONE, .image = "pics/a.png"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    got = chaptag_chapters_get(list, 1);
    assert_int_equal(chaptag_chapter_image_kind(got), CHAPTAG_IMAGE_FILE);
    unsigned char *bytes = malloc(sizeof png);
    memcpy(bytes, png, sizeof png);
    assert_true(ct_chapters_set_image(list, 1, bytes, sizeof png, "image/png"));
    assert_int_equal(chaptag_chapter_image_kind(got), CHAPTAG_IMAGE_EMBEDDED);
    assert_int_equal(chaptag_chapters_set_image_link(list, 1, "https://e.example/a.png", &err),
                     CHAPTAG_OK);
    assert_int_equal(chaptag_chapter_image_kind(got), CHAPTAG_IMAGE_LINK);
    assert_null(got->image_data);
    assert_null(got->image_mime);
    assert_string_equal(got->image, "https://e.example/a.png");
    assert_int_equal(chaptag_chapters_set_image_link(list, 1, NULL, &err), CHAPTAG_OK);
    assert_int_equal(chaptag_chapter_image_kind(got), CHAPTAG_IMAGE_NONE);
    /* bytes set through the API are copied, their type told by them when not given */
    assert_int_equal(chaptag_chapters_set_image(list, 1, png, sizeof png, NULL, &err), CHAPTAG_OK);
    assert_int_equal(chaptag_chapter_image_kind(got), CHAPTAG_IMAGE_EMBEDDED);
    assert_string_equal(got->image_mime, "image/png");
    assert_memory_equal(got->image_data, png, sizeof png);
    assert_true(got->image_data != png);
    static const unsigned char gif[] = {'G', 'I', 'F', '8', '9', 'a'};
    assert_int_equal(chaptag_chapters_set_image(list, 1, gif, sizeof gif, NULL, &err),
                     CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "the picture of chapter 2 is neither JPEG nor PNG");
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chapters_add_copies_every_string_and_makes_a_null_title_empty),
        cmocka_unit_test(chapters_get_and_set_links_and_tell_a_picture_link_from_bytes),
        cmocka_unit_test(chapters_add_copies_image_bytes_and_keeps_a_mime_only_with_them),
        cmocka_unit_test(chapters_add_grows_past_its_first_allocation),
        cmocka_unit_test(chapters_add_fails_cleanly_when_memory_runs_out),
        cmocka_unit_test(a_checked_list_refuses_as_it_is_added_what_validate_would),
        cmocka_unit_test(a_counted_list_refuses_the_10001st_chapter_naming_its_line),
        cmocka_unit_test(validate_rejects_an_empty_list),
        cmocka_unit_test(validate_accepts_a_first_chapter_after_zero_and_touching_ends),
        cmocka_unit_test(validate_names_both_lines_of_a_duplicate_start),
        cmocka_unit_test(validate_names_both_lines_of_a_start_that_goes_back),
        cmocka_unit_test(validate_rejects_a_start_at_or_past_the_end_of_the_audio),
        cmocka_unit_test(validate_rejects_an_end_not_after_its_start),
        cmocka_unit_test(validate_rejects_an_end_past_the_next_start),
        cmocka_unit_test(end_is_the_given_end_else_the_next_start_else_the_duration),
        cmocka_unit_test(meta_is_set_replaced_removed_and_listed_in_order),
        cmocka_unit_test(meta_grows_past_its_first_allocation),
        cmocka_unit_test(warnings_added_by_parsers_are_listed_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
