/* Tests of src/core/error.c: the caller's error record, warnings, the allocation wrappers and the
   growable-array helper. */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static void fail_fills_the_record_and_returns_the_code(void **state)
{
    (void)state;
    chaptag_error err;
    assert_int_equal(ct_fail(&err, CHAPTAG_ERR_INPUT, 12, "%s is not after %s", "a", "b"),
                     CHAPTAG_ERR_INPUT);
    assert_int_equal(err.line, 12);
    assert_string_equal(err.msg, "a is not after b");
    assert_int_equal(ct_fail(NULL, CHAPTAG_ERR_AUDIO, 0, "no record"), CHAPTAG_ERR_AUDIO);
    assert_string_equal(chaptag_status_name(CHAPTAG_ERR_IO), "input/output error");
}

static void warnings_collect_and_copy(void **state)
{
    (void)state;
    ct_warnings a = {0}, b = {0};
    for (int i = 0; i < 20; i++)
        ct_warn(&a, (unsigned)i, "warning %d", i);
    ct_warnings_append(&b, &a);
    assert_int_equal(b.n, 20);
    assert_int_equal(b.v[19].line, 19);
    assert_string_equal(b.v[19].msg, "warning 19");
    ct_warnings_clear(&a);
    ct_warnings_clear(&b);
    assert_int_equal(a.n, 0);
}

static void fail_at_and_fail_errno_fill_column_and_errno(void **state)
{
    (void)state;
    chaptag_error err;
    assert_int_equal(ct_fail_at(&err, CHAPTAG_ERR_INPUT, 3, 14, "expected %s", "a value"),
                     CHAPTAG_ERR_INPUT);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 14);
    assert_string_equal(err.msg, "expected a value");
    errno = ENOSPC;
    assert_int_equal(ct_fail_errno(&err, "cannot write %s", "the copy"), CHAPTAG_ERR_IO);
    assert_int_equal(err.sys_errno, ENOSPC);
    assert_int_equal(err.line, 0);
    assert_non_null(strstr(err.msg, "cannot write the copy: "));
    assert_non_null(strstr(err.msg, strerror(ENOSPC)));
    assert_int_equal(ct_fail_nomem(&err), CHAPTAG_ERR_NOMEM);
    assert_true(err.msg[0] != '\0');
    assert_string_equal(chaptag_status_name(CHAPTAG_ERR_INPUT), "invalid chapter input");
    assert_string_equal(chaptag_status_name((chaptag_status)99), "unknown status");
}

static void a_long_message_is_cut_to_the_record(void **state)
{
    (void)state;
    char big[1000];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    chaptag_error err;
    ct_fail(&err, CHAPTAG_ERR_INPUT, 1, "%s", big);
    assert_int_equal(strlen(err.msg), sizeof err.msg - 1);
}

static void the_nth_allocation_fails_on_request(void **state)
{
    (void)state;
    ct_alloc_fail_at(2);
    void *a = ct_malloc(8);
    char *b = ct_strdup("fails");
    char *c = ct_strndup("works again", 5);
    ct_alloc_fail_at(0);
    assert_non_null(a);
    assert_null(b);
    assert_string_equal(c, "works");
    free(a);
    free(c);
    ct_warnings w = {0};
    ct_alloc_fail_at(1);
    ct_warn(&w, 1, "dropped"); /* a warning never fails a call */
    ct_alloc_fail_at(0);
    assert_int_equal(w.n, 0);
    ct_warnings_clear(&w);
}

static void grow_keeps_the_array_when_memory_runs_out(void **state)
{
    (void)state;
    int *v = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < 1000; i++) {
        int *g = ct_grow(v, n, &cap, sizeof *v);
        assert_non_null(g);
        v = g;
        v[n++] = i;
    }
    assert_true(cap >= n);
    while (n < cap)
        v[n++] = 0;
    ct_alloc_fail_at(1);
    int *g = ct_grow(v, n, &cap, sizeof *v);
    ct_alloc_fail_at(0);
    assert_null(g);
    assert_int_equal(v[999], 999); /* still the caller's, untouched */
    assert_int_equal(cap, n);
    free(v);
    size_t huge_cap = SIZE_MAX / 2;
    assert_null(ct_grow(NULL, SIZE_MAX / 2, &huge_cap, 16)); /* the size would overflow */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fail_fills_the_record_and_returns_the_code),
        cmocka_unit_test(warnings_collect_and_copy),
        cmocka_unit_test(fail_at_and_fail_errno_fill_column_and_errno),
        cmocka_unit_test(a_long_message_is_cut_to_the_record),
        cmocka_unit_test(the_nth_allocation_fails_on_request),
        cmocka_unit_test(grow_keeps_the_array_when_memory_runs_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
