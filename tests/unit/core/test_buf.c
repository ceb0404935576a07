/* Tests of src/core/buf.c: the growable buffer and the bounded reader. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

static void buf_writes_big_endian_fields_and_sync_safe_sizes(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    ct_buf_put_u8(&b, 0x01);
    ct_buf_put_u16be(&b, 0x0203);
    ct_buf_put_u24be(&b, 0x040506);
    ct_buf_put_u32be(&b, 0x0708090a);
    ct_buf_put_u64be(&b, 0x0b0c0d0e0f101112ull);
    ct_buf_put_syncsafe(&b, 200);
    ct_buf_put_zeros(&b, 2);
    static const uint8_t want[] = {
        0x01,                                           /* u8 */
        0x02, 0x03,                                     /* u16 */
        0x04, 0x05, 0x06,                               /* u24 */
        0x07, 0x08, 0x09, 0x0a,                         /* u32 */
        0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, /* u64 */
        0x00, 0x00, 0x01, 0x48,                         /* 200 sync-safe */
        0x00, 0x00,                                     /* zeros */
    };
    assert_true(ct_buf_ok(&b));
    assert_bytes_equal(b.data, b.len, want, sizeof want);
    ct_buf_free(&b);
}

static void buf_grows_past_its_first_allocation_and_hands_over_a_string(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        ct_buf_printf(&b, "%d,", i);
    ct_buf_set_u32be(&b, 0, 0x41424344);
    size_t len;
    char *s = (char *)ct_buf_take(&b, &len);
    assert_non_null(s);
    assert_int_equal(strlen(s), len);
    assert_memory_equal(s, "ABCD", 4);
    assert_string_equal(s + len - 4, "999,");
    assert_null(b.data);
    free(s);
}

static void buf_remembers_a_failed_growth(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    ct_alloc_fail_at(1);
    ct_buf_put_str(&b, "hello");
    assert_false(ct_buf_ok(&b));
    ct_buf_put_str(&b, "more"); /* ignored once failed */
    assert_false(ct_buf_ok(&b));
    assert_null(ct_buf_take(&b, NULL));
    ct_buf_free(&b);
}

static void reader_yields_zeros_and_marks_itself_bad_past_the_end(void **state)
{
    (void)state;
    static const uint8_t data[] = {0x00, 0x00, 0x01, 0x48, 0xff};
    ct_reader r = ct_reader_make(data, sizeof data);
    assert_int_equal(ct_reader_syncsafe(&r), 200);
    assert_false(r.bad);
    assert_int_equal(ct_reader_left(&r), 1);
    assert_int_equal(ct_reader_u32be(&r), 0);
    assert_true(r.bad);
    assert_null(ct_reader_bytes(&r, 1));
}

static void reader_rejects_a_sync_safe_byte_with_its_top_bit_set(void **state)
{
    (void)state;
    static const uint8_t data[] = {0x00, 0x00, 0x00, 0xc8};
    ct_reader r = ct_reader_make(data, sizeof data);
    ct_reader_syncsafe(&r);
    assert_true(r.bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_writes_big_endian_fields_and_sync_safe_sizes),
        cmocka_unit_test(buf_grows_past_its_first_allocation_and_hands_over_a_string),
        cmocka_unit_test(buf_remembers_a_failed_growth),
        cmocka_unit_test(reader_yields_zeros_and_marks_itself_bad_past_the_end),
        cmocka_unit_test(reader_rejects_a_sync_safe_byte_with_its_top_bit_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
