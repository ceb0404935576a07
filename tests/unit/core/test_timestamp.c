/* Tests of src/core/timestamp.c: the digit, fraction and field readers, the NPT and seconds
   parsers and the HH:MM:SS printer. */
#include "testutil.h"

#include <string.h>

#include "timestamp.h"

static void time_str_writes_milliseconds_only_when_needed_and_grows_hours(void **state)
{
    (void)state;
    char buf[CT_TIME_STR_MAX];
    assert_string_equal(ct_time_str(0, buf), "00:00:00");
    assert_string_equal(ct_time_str(74000, buf), "00:01:14");
    assert_string_equal(ct_time_str(74500, buf), "00:01:14.500");
    assert_string_equal(ct_time_str(3815001, buf), "01:03:35.001");
    assert_string_equal(ct_time_str(360000000, buf), "100:00:00");
    assert_string_equal(ct_time_str_ms(74000, buf), "00:01:14.000");
    assert_string_equal(chaptag_time_str(59999, buf), "00:00:59.999");
    assert_string_equal(ct_time_str_ms(UINT64_MAX, buf), "5124095576030:25:51.615");
}

static void time_parse_reads_every_npt_form(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        uint64_t ms;
    } cases[] = {
        {"74", 74000},        {"1:14", 74000},           {"01:14.5", 74500},
        {"75:30", 4530000},   {"1:02:03.004", 3723004},  {"3815.25", 3815250},
        {"0.0005", 1},        {"0.00049", 0},            {"00:00:59.9995", 60000},
        {"100:00:00", 360000000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t ms = 0;
        if (!ct_time_parse(cases[i].s, strlen(cases[i].s), &ms) || ms != cases[i].ms)
            fail_msg("%s gave %llu", cases[i].s, (unsigned long long)ms);
    }
    uint64_t ms = 0;
    assert_int_equal(chaptag_parse_time("1:14", &ms), 1);
    assert_int_equal(ms, 74000);
}

static void time_parse_rejects_what_is_not_a_time(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", ":", "1:", ":14", "1:60", "1:00:60", "1:60:00", "1:2:3:4", "1.2.3", "abc", "1:14 ",
        " 1:14", "1:140", "-1", "1:14.", "1,5", "9999999999999", "1e3",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t ms = 12345;
        if (ct_time_parse(bad[i], strlen(bad[i]), &ms))
            fail_msg("\"%s\" parsed as %llu", bad[i], (unsigned long long)ms);
        assert_int_equal(ms, 12345); /* written only on success */
    }
}

static void seconds_parse_is_exact_and_rounds_half_up(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        uint64_t ms;
    } cases[] = {
        {"74", 74000}, {"120.5", 120500}, {"0.0005", 1},      {"0.00049999", 0},
        {"0.9995", 1000}, {"0", 0},       {"000012.010", 12010}, {"999999999999", 999999999999000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t ms = 0;
        if (!ct_seconds_parse(cases[i].s, strlen(cases[i].s), ".", &ms) || ms != cases[i].ms)
            fail_msg("%s gave %llu", cases[i].s, (unsigned long long)ms);
    }
    static const char *const bad[] = {"", "-1", "1e3", ".5", "1.", "1:00", " 1", "1 ", "0x10",
                                      "1,5", "9999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t ms = 7;
        if (ct_seconds_parse(bad[i], strlen(bad[i]), ".", &ms))
            fail_msg("\"%s\" parsed", bad[i]);
        assert_int_equal(ms, 7);
    }
}

static void digits_are_exact_to_19_and_saturate_beyond(void **state)
{
    (void)state;
    static const char nineteen[] = "9999999999999999999x", twenty_one[] = "123456789012345678901";
    const char *p = nineteen;
    uint64_t v = 1;
    assert_int_equal(ct_time_digits(&p, nineteen + sizeof nineteen - 1, &v), 19);
    assert_true(v == 9999999999999999999u);
    assert_int_equal(*p, 'x'); /* stops at the first byte that is no digit */
    p = twenty_one;
    assert_int_equal(ct_time_digits(&p, twenty_one + sizeof twenty_one - 1, &v), 21);
    assert_true(v == UINT64_MAX);
    p = "x";
    assert_int_equal(ct_time_digits(&p, p + 1, &v), 0);
    assert_true(v == 0);
}

static void fractions_round_to_the_millisecond_half_up_on_the_fourth_digit(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t digits;
        uint64_t ms;
    } cases[] = {
        {"5", 1, 500},     {"25", 2, 250},     {"125", 3, 125},       {"1254", 4, 125},
        {"1255", 4, 126},  {"0005", 4, 1},     {"00049999", 8, 0},    {"9995", 4, 1000},
        {"", 0, 0},        {"x", 0, 0},        {"12 ", 2, 120},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *p = cases[i].s;
        uint64_t ms = 7;
        size_t n = ct_time_fraction(&p, p + strlen(p), &ms);
        if (n != cases[i].digits || ms != cases[i].ms || p != cases[i].s + n)
            fail_msg("\"%s\" gave %zu digits, %llu ms", cases[i].s, n, (unsigned long long)ms);
    }
}

static void fields_read_one_to_three_and_leave_the_grammar_to_the_caller(void **state)
{
    (void)state;
    ct_time_fields f;
    const char *s = "1:02:003.5", *p = s;
    assert_true(ct_time_read_fields(&p, s + strlen(s), &f));
    assert_int_equal(f.n, 3);
    assert_int_equal(f.digits[0], 1);
    assert_int_equal(f.digits[2], 3);
    assert_true(f.v[2] == 3);
    assert_int_equal(*p, '.'); /* the fraction is the caller's */
    assert_true(ct_time_fields_seconds(&f) == 3723);
    s = "75:30";
    p = s;
    assert_true(ct_time_read_fields(&p, s + 5, &f));
    assert_true(ct_time_fields_seconds(&f) == 4530);
    static const char *const bad[] = {"", ":1", "1:", "1::2", "1:2:3:4", "x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p = bad[i];
        if (ct_time_read_fields(&p, p + strlen(p), &f))
            fail_msg("\"%s\" read as fields", bad[i]);
    }
}

static void seconds_take_the_decimal_marks_they_are_given(void **state)
{
    (void)state;
    uint64_t ms = 0;
    assert_true(ct_seconds_parse("1,5", 3, ".,", &ms));
    assert_true(ms == 1500);
    assert_true(ct_seconds_parse("1.5", 3, ".,", &ms));
    assert_true(ms == 1500);
    assert_false(ct_seconds_parse("1,5", 3, ".", &ms));
    assert_false(ct_seconds_parse("1,5,5", 5, ".,", &ms));
    assert_false(ct_seconds_parse("1\0" "5", 3, ".", &ms)); /* a NUL is no mark */
}

static void time_limits_are_100000_hours(void **state)
{
    (void)state;
    char buf[CT_TIME_STR_MAX];
    assert_true(CT_TIME_MAX_MS == 360000000000u);
    assert_string_equal(ct_time_str(CT_TIME_MAX_MS, buf), "100000:00:00");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(time_str_writes_milliseconds_only_when_needed_and_grows_hours),
        cmocka_unit_test(time_parse_reads_every_npt_form),
        cmocka_unit_test(time_parse_rejects_what_is_not_a_time),
        cmocka_unit_test(seconds_parse_is_exact_and_rounds_half_up),
        cmocka_unit_test(digits_are_exact_to_19_and_saturate_beyond),
        cmocka_unit_test(fractions_round_to_the_millisecond_half_up_on_the_fourth_digit),
        cmocka_unit_test(fields_read_one_to_three_and_leave_the_grammar_to_the_caller),
        cmocka_unit_test(seconds_take_the_decimal_marks_they_are_given),
        cmocka_unit_test(time_limits_are_100000_hours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
