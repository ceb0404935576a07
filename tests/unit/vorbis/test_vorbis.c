/* Tests of src/vorbis/vorbis.c: the comment list read and written byte for byte, chapters as
   CHAPTERnnn keys read in number order and replaced in place, and the lint of chapter keys. */
#include "testutil.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "vorbis.h"

/* A comment list of the N comments in C, vendor "v". */
static uint8_t *make_list(const char *const *c, size_t n, size_t *len)
{
    ct_buf b = CT_BUF_INIT;
    static const uint8_t head[] = {1, 0, 0, 0, 'v'};
    ct_buf_put(&b, head, sizeof head);
    uint8_t count[4] = {(uint8_t)n, 0, 0, 0};
    ct_buf_put(&b, count, 4);
    for (size_t i = 0; i < n; i++) {
        uint8_t l[4] = {(uint8_t)strlen(c[i]), 0, 0, 0};
        ct_buf_put(&b, l, 4);
        ct_buf_put(&b, c[i], strlen(c[i]));
    }
    return ct_buf_take(&b, len);
}

static ct_vorbis_comments parse_ok(const uint8_t *p, size_t len)
{
    ct_vorbis_comments vc;
    size_t used = 0;
    chaptag_error err = {0};
    assert_int_equal(ct_vorbis_parse(p, len, &vc, &used, &err), CHAPTAG_OK);
    assert_int_equal(used, len);
    return vc;
}

static void a_comment_list_renders_back_to_its_bytes(void **state)
{
    (void)state;
    static const char *const c[] = {"TITLE=Episode", "ARTIST=Host", "METADATA_BLOCK_PICTURE=AAAA"};
    size_t len;
    uint8_t *p = make_list(c, 3, &len);
    ct_vorbis_comments vc = parse_ok(p, len);
    ct_buf out = CT_BUF_INIT;
    ct_vorbis_render(&vc, &out);
    assert_bytes_equal(out.data, out.len, p, len);
    ct_buf_free(&out);
    ct_vorbis_free(&vc);
    chaptag_error err = {0};
    size_t used;
    assert_int_equal(ct_vorbis_parse(p, len - 3, &vc, &used, &err), CHAPTAG_ERR_AUDIO);
    free(p);
}

static void chapter_keys_are_read_in_number_order_whatever_their_case(void **state)
{
    (void)state;
    static const char *const c[] = {"chapter002=00:01:00.500", "CHAPTER002NAME=Second",
                                    "TITLE=x", "CHAPTER001=00:00:00.000", "CHAPTER001NAME=First",
                                    "CHAPTER001URL=https://example.com/a", "CHAPTER01X=kept"};
    size_t len;
    uint8_t *p = make_list(c, 7, &len);
    ct_vorbis_comments vc = parse_ok(p, len);
    chaptag_chapters *l = chaptag_chapters_new();
    chaptag_error err = {0};
    assert_true(ct_vorbis_has_chapters(&vc));
    assert_int_equal(ct_vorbis_chapters(&vc, l, &err), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_count(l), 2);
    assert_string_equal(chaptag_chapters_get(l, 0)->title, "First");
    assert_string_equal(chaptag_chapters_get(l, 0)->url, "https://example.com/a");
    assert_int_equal(chaptag_chapters_get(l, 1)->start_ms, 60500);
    chaptag_chapters_free(l);
    ct_vorbis_free(&vc);
    free(p);
}

static void new_chapters_replace_the_old_keys_where_they_stood(void **state)
{
    (void)state;
    static const char *const c[] = {"TITLE=x", "CHAPTER001=00:00:00.000", "CHAPTER001NAME=Old",
                                    "ARTIST=y"};
    size_t len;
    uint8_t *p = make_list(c, 4, &len);
    ct_vorbis_comments vc = parse_ok(p, len);
    chaptag_chapters *l = ct_test_chapters(2, 1500, "New");
    chaptag_error err = {0};
    assert_int_equal(ct_vorbis_set_chapters(&vc, l, &err), CHAPTAG_OK);
    static const char *const want[] = {"TITLE=x", "CHAPTER001=00:00:00.000", "CHAPTER001NAME=New 1",
                                       "CHAPTER002=00:00:01.500", "CHAPTER002NAME=New 2",
                                       "ARTIST=y"};
    assert_int_equal(vc.n, 6);
    for (size_t i = 0; i < 6; i++)
        assert_bytes_equal(vc.v[i].p, vc.v[i].n, want[i], strlen(want[i]));
    assert_int_equal(ct_vorbis_set_chapters(&vc, NULL, &err), CHAPTAG_OK); /* strip */
    assert_int_equal(vc.n, 2);
    assert_false(ct_vorbis_has_chapters(&vc));
    chaptag_chapters_free(l);
    ct_vorbis_free(&vc);
    free(p);
}

static void the_lint_finds_gaps_repeats_and_untitled_chapters(void **state)
{
    (void)state;
    static const char *const c[] = {"CHAPTER003=00:00:05.000", "CHAPTER001=00:00:00.000",
                                    "CHAPTER001NAME=A", "CHAPTER001NAME=A again",
                                    "CHAPTER003NAME=C", "CHAPTER004=00:00:09.000"};
    size_t len;
    uint8_t *p = make_list(c, 6, &len);
    ct_vorbis_comments vc = parse_ok(p, len);
    ct_findings f = {0};
    ct_vorbis_lint(&vc, 8000, &f);
    const char *codes[] = {"keys-out-of-order", "key-gap", "duplicate-key", "untitled", "past-end"};
    for (size_t k = 0; k < 5; k++) {
        bool found = false;
        for (size_t i = 0; i < f.n; i++)
            found |= strcmp(f.v[i].code, codes[k]) == 0;
        if (!found)
            fail_msg("no %s finding", codes[k]);
    }
    ct_findings_clear(&f);
    ct_vorbis_free(&vc);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_comment_list_renders_back_to_its_bytes),
        cmocka_unit_test(chapter_keys_are_read_in_number_order_whatever_their_case),
        cmocka_unit_test(new_chapters_replace_the_old_keys_where_they_stood),
        cmocka_unit_test(the_lint_finds_gaps_repeats_and_untitled_chapters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
