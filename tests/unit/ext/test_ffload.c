/* ffload.c: FFmpeg's libraries found, and refused when their major is not the one built for,
   with a stand-in libavformat of major 58 (avformat_stub.c) as the only library there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ffload.h"

static const ct_ff_major stub_as_59[] = {{"libavformat", "avformat_version", 59}};
static const ct_ff_major stub_as_58[] = {{"libavformat", "avformat_version", 58}};
static const ct_ff_major needs_codec[] = {{"libavformat", "avformat_version", 58},
                                          {"libavcodec", "avcodec_version", 58}};

static void another_major_is_refused_naming_both(void **state)
{
    (void)state;
    char why[256];
    bool missing = true;
    setenv("CT_TEST_LIB", CT_AVFORMAT_STUB58, 1);
    void *lib = ct_ff_open("avformat", "CT_TEST_LIB", stub_as_59, 1, why, sizeof why, &missing);
    assert_null(lib);
    assert_false(missing);
    assert_non_null(strstr(why, "libavformat 58 found at " CT_AVFORMAT_STUB58));
    assert_non_null(strstr(why, "chaptag was built for 59; install libavformat59"));
}

static void the_major_built_for_is_taken(void **state)
{
    (void)state;
    char why[256];
    bool missing = true;
    setenv("CT_TEST_LIB", CT_AVFORMAT_STUB58, 1);
    void *lib = ct_ff_open("avformat", "CT_TEST_LIB", stub_as_58, 1, why, sizeof why, &missing);
    assert_non_null(lib);
    assert_false(missing);
}

static void a_library_without_a_version_function_is_not_ffmpegs(void **state)
{
    (void)state;
    char why[256];
    bool missing = true;
    setenv("CT_TEST_LIB", CT_AVFORMAT_STUB58, 1);
    void *lib = ct_ff_open("avformat", "CT_TEST_LIB", needs_codec, 2, why, sizeof why, &missing);
    assert_null(lib);
    assert_false(missing);
    assert_non_null(strstr(why, "lacks avcodec_version: it is not FFmpeg's"));
}

static void nothing_installed_says_what_to_install(void **state)
{
    (void)state;
    char why[256];
    bool missing = false;
    setenv("CT_TEST_LIB", "/nonexistent/libavformat.so.59", 1);
    assert_null(ct_ff_open("avformat", "CT_TEST_LIB", stub_as_59, 1, why, sizeof why, &missing));
    assert_true(missing);
    assert_string_equal(why, "libavformat is not installed at /nonexistent/libavformat.so.59 "
                             "(CT_TEST_LIB)");
    unsetenv("CT_TEST_LIB");
    static const ct_ff_major none[] = {{"libchaptagnone", "chaptagnone_version", 7}};
    missing = false;
    assert_null(ct_ff_open("chaptagnone", "CT_TEST_LIB", none, 1, why, sizeof why, &missing));
    assert_true(missing);
    assert_non_null(strstr(why, "libchaptagnone 7 is not installed"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(another_major_is_refused_naming_both),
        cmocka_unit_test(the_major_built_for_is_taken),
        cmocka_unit_test(a_library_without_a_version_function_is_not_ffmpegs),
        cmocka_unit_test(nothing_installed_says_what_to_install),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
