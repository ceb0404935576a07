/* Tests of src/formats/fmt_audition.c: Adobe Audition marker lists (chapter-formats reference
   §12). The samples follow the exports quoted by the public readers: tab-separated rows under
   the six-column header, decimal M:SS.mmm and H:MM:SS.mmm times, Type Cue. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "editors.h"
#include "formats.h"

#define HEADER "Name\tStart\tDuration\tTime Format\tType\tDescription\r\n"

static chaptag_chapters *parse_ok(const char *text)
{
    return ct_test_parse("audition", text, strlen(text));
}

/* Fails unless TEXT is rejected at LINE with exactly MSG. */
static void assert_rejected(const char *text, unsigned line, const char *msg)
{
    ct_test_rejects("audition", text, strlen(text), line, 0, msg);
}

static void audition_reads_an_export_with_points_and_ranges(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(HEADER "Intro\t0:00.000\t0:00.000\tdecimal\tCue\t\r\n"
                                             "Marker 02\t9:39.590\t0:00.000\tdecimal\tCue\t\r\n"
                                             "Ad break\t12:00.000\t1:30.250\tdecimal\tCue\tsponsor\r\n"
                                             "\r\n"
                                             "Marker 01\t1:44:53.111\t0:00.000\tdecimal\tCue");
    assert_int_equal(chaptag_chapters_count(list), 4);
    static const uint64_t starts[] = {0, 579590, 720000, 6293111};
    static const char *const titles[] = {"Intro", "Marker 02", "Ad break", "Marker 01"};
    static const unsigned lines[] = {2, 3, 4, 6};
    for (size_t i = 0; i < 4; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        assert_int_equal(ch->start_ms, starts[i]);
        assert_string_equal(ch->title, titles[i]);
        assert_int_equal(ch->line, lines[i]);
        assert_int_equal(ch->end_ms, i == 2 ? 810250 : CHAPTAG_TIME_NONE);
    }
    chaptag_chapters_free(list);
}

static void audition_converts_samples_and_whole_frame_rates(void **state)
{
    (void)state;
    chaptag_chapters *list =
        parse_ok(HEADER "A\t0:00:01.235000\t0:00:00.175000\tdecimal\tCue\t0.873\n"
                        "B\t441000\t22050\t44100 Hz\tCue\t\n"
                        "C\t00:01:00:15\t00:00:00:00\t30 fps\tCue\t\n"
                        "D\t01:00:00:74\t\t75 fps\tCD Track\t\n"
                        "\t3:00:00:00\t0:00:00:12\t25fps\tSubclip\t\n");
    assert_int_equal(chaptag_chapters_count(list), 5);
    assert_int_equal(chaptag_chapters_get(list, 0)->start_ms, 1235);
    assert_int_equal(chaptag_chapters_get(list, 0)->end_ms, 1410);
    assert_int_equal(chaptag_chapters_get(list, 1)->start_ms, 10000);
    assert_int_equal(chaptag_chapters_get(list, 1)->end_ms, 10500);
    assert_int_equal(chaptag_chapters_get(list, 2)->start_ms, 60500);
    assert_int_equal(chaptag_chapters_get(list, 2)->end_ms, CHAPTAG_TIME_NONE);
    assert_int_equal(chaptag_chapters_get(list, 3)->start_ms, 3600987); /* 1 h and 74/75 s */
    assert_int_equal(chaptag_chapters_get(list, 4)->start_ms, 10800000);
    assert_int_equal(chaptag_chapters_get(list, 4)->end_ms, 10800480);
    assert_string_equal(chaptag_chapters_get(list, 4)->title, "");
    chaptag_chapters_free(list);
}

static void audition_rejects_what_it_cannot_convert_naming_the_line(void **state)
{
    (void)state;
    assert_rejected(HEADER "A\t0:00.000\t0:00.000\tdecimal\tCue\t\n"
                           "B\t00:01:00;15\t00:00:00;00\t29.97 fps\tCue\t\n",
                    3, "time format \"29.97 fps\" is not one chaptag converts: set Audition's "
                       "time display to Decimal (View > Time Display) and export the markers "
                       "again");
    assert_rejected(HEADER "A\t1.1.00\t0.0.00\tBars and Beats\tCue\t\n", 2,
                    "time format \"Bars and Beats\" is not one chaptag converts: set Audition's "
                    "time display to Decimal (View > Time Display) and export the markers again");
    assert_rejected(HEADER "A\t0:61.000\t0:00.000\tdecimal\tCue\t\n", 2,
                    "start \"0:61.000\" is not a time in the row's format up to 100000 hours");
    assert_rejected(HEADER "A\t0:00.000\tlong\tdecimal\tCue\t\n", 2,
                    "duration \"long\" is not a time in the row's format up to 100000 hours");
    assert_rejected(HEADER "A\t00:00:01:30\t\t30 fps\tCue\t\n", 2,
                    "start \"00:00:01:30\" is not a time in the row's format up to 100000 hours");
    assert_rejected(HEADER "Caf\xe9\t0:00.000\t0:00.000\tdecimal\tCue\t\n", 2,
                    "the name is not valid UTF-8");
    assert_rejected("Name,Start,Duration\nA,0:00.000,0:00.000\n", 1,
                    "not an Audition marker list: the first line is not the header Name, Start, "
                    "Duration, Time Format, Type, Description (tab-separated)");
    assert_rejected(HEADER, 0, "no markers");
    assert_rejected(HEADER "A\t1:00.000\t0:00.000\tdecimal\tCue\t\n"
                           "B\t0:30.000\t0:00.000\tdecimal\tCue\t\n",
                    3, "00:00:30 is not after 00:01:00 on line 2");
}

static void audition_detect_is_sure_of_the_header_only(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int conf;
    } cases[] = {
        {HEADER, CT_DETECT_SURE},
        {"\n" HEADER "A\t0:00.000\t0:00.000\tdecimal\tCue\t\n", CT_DETECT_SURE},
        {"Name,Start,Duration,Time Format,Type,Description\n", CT_DETECT_NO},
        {"A\t0:00.000\t0:00.000\tdecimal\tCue\t\n", CT_DETECT_NO},
        {"0.000000\t0.000000\tIntro\n", CT_DETECT_NO},
        {"", CT_DETECT_NO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(ct_fmt_audition.detect(cases[i].text, strlen(cases[i].text)),
                         cases[i].conf);
    static const char marker_list[] = HEADER "Intro\t0:00.000\t0:00.000\tdecimal\tCue\t\n";
    assert_string_equal(chaptag_detect(marker_list, sizeof marker_list - 1, "Markers.csv"),
                        "audition");
}

static void audition_format_writes_decimal_cue_rows_with_durations_for_given_ends(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter chs[] = {
        {.start_ms = 0, .end_ms = CHAPTAG_TIME_NONE, .title = "Intro"},
        {.start_ms = 74500, .end_ms = 80001, .title = "Tab\there"},
        {.start_ms = 6293111, .end_ms = CHAPTAG_TIME_NONE, .title = ""},
    };
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(chaptag_chapters_add(list, &chs[i], NULL), CHAPTAG_OK);
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "audition", 8000000, &out, NULL, &err), CHAPTAG_OK);
    assert_string_equal(out, "Name\tStart\tDuration\tTime Format\tType\tDescription\n"
                             "Intro\t0:00.000\t0:00.000\tdecimal\tCue\t\n"
                             "Tab here\t1:14.500\t0:05.501\tdecimal\tCue\t\n"
                             "\t1:44:53.111\t0:00.000\tdecimal\tCue\t\n");
    free(out);
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(audition_reads_an_export_with_points_and_ranges),
        cmocka_unit_test(audition_converts_samples_and_whole_frame_rates),
        cmocka_unit_test(audition_rejects_what_it_cannot_convert_naming_the_line),
        cmocka_unit_test(audition_detect_is_sure_of_the_header_only),
        cmocka_unit_test(audition_format_writes_decimal_cue_rows_with_durations_for_given_ends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
