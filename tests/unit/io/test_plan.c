/* Tests of src/io/plan.c: edits and the padding policy. */
#include "testutil.h"

#include "error.h"
#include "plan.h"

static void padding_is_at_least_4_kib_and_ends_the_tag_on_a_4_kib_boundary(void **state)
{
    (void)state;
    for (uint64_t content = 0; content < 200000; content += 997) {
        uint64_t pad = ct_padding_for(content, 10);
        assert_true(pad >= 4096);
        assert_true(pad >= content / 4);
        assert_int_equal((10 + content + pad) % 4096, 0);
        assert_true(pad < content / 4 + 4096 + 4096); /* never much more than asked */
    }
}

static void padding_for_a_typical_30_chapter_tag(void **state)
{
    (void)state;
    /* 6,000 bytes of frames: 4 KiB of padding would end at 10,106; rounded to 12,288 */
    assert_int_equal(ct_padding_for(6000, 10), 12288 - 6010);
}

static void plan_sizes_count_bytes_ranges_and_widened_tables(void **state)
{
    (void)state;
    ct_plan p = CT_PLAN_INIT;
    assert_non_null(ct_plan_add(&p, 0, 4, "abcd", 4));
    assert_int_equal(ct_plan_new_size(&p, 1000), 1000);
    assert_non_null(ct_plan_edit(&p, 100, 2));
    assert_true(ct_plan_bytes(&p, "xyz", 3));
    assert_true(ct_plan_copy(&p, 500, 10));
    assert_true(ct_plan_copy(&p, 510, 6)); /* adjacent: merged with the range before */
    assert_int_equal(p.v[1].n_pieces, 2);
    assert_true(ct_plan_copy_table(&p, 600, 40, 4, 8, 16, 0)); /* 10 entries, widened */
    assert_int_equal(ct_edit_len(&p.v[1]), 3 + 16 + 80);
    assert_int_equal(ct_plan_new_size(&p, 1000), 1000 - 2 + 99);
    ct_plan_free(&p);
    assert_int_equal(p.n, 0);
}

static void plan_marks_itself_failed_when_memory_runs_out(void **state)
{
    (void)state;
    ct_plan p = CT_PLAN_INIT;
    ct_alloc_fail_at(1);
    assert_null(ct_plan_add(&p, 0, 0, "a", 1));
    assert_true(p.failed);
    ct_plan_free(&p);
}

static void zero_ranges_go_in_order_and_never_over_an_edit(void **state)
{
    (void)state;
    ct_plan p = CT_PLAN_INIT;
    assert_non_null(ct_plan_add(&p, 100, 10, "0123456789", 10));
    assert_true(ct_plan_zero_range(&p, 300, 5));
    assert_true(ct_plan_zero_range(&p, 20, 5));
    assert_true(ct_plan_zero_range(&p, 105, 50)); /* overlaps the edit at 100: it rewrites them */
    assert_true(ct_plan_zero_range(&p, 200, 5));
    assert_int_equal(p.n, 4);
    static const uint64_t offs[] = {20, 100, 200, 300};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(p.v[i].off, offs[i]);
    assert_true(p.v[3].pieces[0].zeros);
    assert_int_equal(ct_edit_len(&p.v[3]), 5);
    ct_plan_free(&p);
    for (uint64_t i = 0; i < 100000; i++) /* in file order, as callers add them: stays fast */
        assert_true(ct_plan_zero_range(&p, 1000 + 10 * i, 4));
    assert_int_equal(p.n, 100000);
    ct_plan_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(padding_is_at_least_4_kib_and_ends_the_tag_on_a_4_kib_boundary),
        cmocka_unit_test(padding_for_a_typical_30_chapter_tag),
        cmocka_unit_test(plan_sizes_count_bytes_ranges_and_widened_tables),
        cmocka_unit_test(plan_marks_itself_failed_when_memory_runs_out),
        cmocka_unit_test(zero_ranges_go_in_order_and_never_over_an_edit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
