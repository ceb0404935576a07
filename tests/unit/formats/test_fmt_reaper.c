/* Tests of src/formats/fmt_reaper.c: REAPER's Region/Marker Manager CSV export (chapter-formats
   reference §12): the #,Name,Start,End,Length header, M rows for markers, R rows for regions. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "editors.h"
#include "formats.h"

static chaptag_chapters *parse_ok(const char *text)
{
    return ct_test_parse("reaper", text, strlen(text));
}

/* Fails unless TEXT is rejected at LINE with exactly MSG. */
static void assert_rejected(const char *text, unsigned line, const char *msg)
{
    ct_test_rejects("reaper", text, strlen(text), line, 0, msg);
}

#define HINT                                                                                   \
    "set the time unit of the Region/Marker Manager (or the ruler) to Minutes:Seconds and "   \
    "export again"

static void reaper_reads_markers_and_regions(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("#,Name,Start,End,Length,Color\r\n"
                                      "R1,Intro,0:00.000,1:23.500,1:23.500,FF0000\r\n"
                                      "M1,Topic one: details,1:23.500,,,\r\n"
                                      "M2,\"Q&A, with \"\"guests\"\"\",1:02:03.250,,\r\n"
                                      "\r\n"
                                      "R2,Outro,4000.5,4010,9.5\r\n");
    assert_int_equal(chaptag_chapters_count(list), 4);
    static const uint64_t starts[] = {0, 83500, 3723250, 4000500};
    static const uint64_t ends[] = {83500, CHAPTAG_TIME_NONE, CHAPTAG_TIME_NONE, 4010000};
    static const char *const titles[] = {"Intro", "Topic one: details", "Q&A, with \"guests\"",
                                         "Outro"};
    static const unsigned lines[] = {2, 3, 4, 6};
    for (size_t i = 0; i < 4; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        assert_int_equal(ch->start_ms, starts[i]);
        assert_int_equal(ch->end_ms, ends[i]);
        assert_string_equal(ch->title, titles[i]);
        assert_int_equal(ch->line, lines[i]);
    }
    chaptag_chapters_free(list);
}

static void reaper_refuses_measures_beats_and_timecode_saying_how_to_export(void **state)
{
    (void)state;
    assert_rejected("#,Name,Start,End,Length\nM1,Intro,0:00.000,,\nR1,Verse,5.1.00,9.1.00,4.0.00\n",
                    3, "start \"5.1.00\" is in measures.beats, which needs the project's tempo "
                       "map: " HINT);
    assert_rejected("#,Name,Start,End,Length\nM1,Intro,00:00:05:15,,\n", 2,
                    "start \"00:00:05:15\" is not a time up to 100000 hours (h:mm:ss.mmm or "
                    "seconds): " HINT);
    assert_rejected("#,Name,Start,End,Length\nR1,Intro,0:00.000,,\n", 2,
                    "end \"\" is not a time up to 100000 hours (h:mm:ss.mmm or seconds): " HINT);
}

static void reaper_rejects_bad_rows_naming_the_line(void **state)
{
    (void)state;
    assert_rejected("#,Name,Start,End,Length\nM1,Intro\n", 2,
                    "2 fields where #,Name,Start,End,Length are expected");
    assert_rejected("#,Name,Start,End,Length\nM1,\"Intro,0:00.000,,\n", 2,
                    "a quoted name has no closing quote");
    assert_rejected("#,Name,Start,End,Length\nM1,Caf\xe9,0:00.000,,\n", 2,
                    "the name is not valid UTF-8");
    assert_rejected("Name,Start\nIntro,0:00\n", 1,
                    "not a REAPER marker list: the first line is not #,Name,Start,End,Length");
    assert_rejected("#,Name,Start,End,Length\n", 0, "no markers or regions");
    assert_rejected("#,Name,Start,End,Length\nR1,A,0:00.000,1:00.000,1:00.000\n"
                    "M1,B,0:30.000,,\n",
                    2, "the end 00:01:00 is after the next chapter's start 00:00:30 on line 3");
}

static void reaper_detect_is_sure_of_the_header_only(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int conf;
    } cases[] = {
        {"#,Name,Start,End,Length\n", CT_DETECT_SURE},
        {"#,Name,Start,End,Length,Color\r\nM1,A,0:00.000,,,\r\n", CT_DETECT_SURE},
        {"M1,A,0:00.000,,\n", CT_DETECT_NO},
        {"#,Name,Start\n", CT_DETECT_NO},
        {"", CT_DETECT_NO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(ct_fmt_reaper.detect(cases[i].text, strlen(cases[i].text)),
                         cases[i].conf);
    /* the header also names a Name and a Start column, which csv reads: reaper comes first */
    static const char export[] = "#,Name,Start,End,Length\nM1,Intro,0:00.000,,\n";
    assert_string_equal(chaptag_detect(export, sizeof export - 1, "markers.csv"), "reaper");
}

static void reaper_format_writes_regions_for_given_ends_and_markers_otherwise(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter chs[] = {
        {.start_ms = 0, .end_ms = 83500, .title = "Intro"},
        {.start_ms = 83500, .end_ms = CHAPTAG_TIME_NONE, .title = "Q&A, with \"guests\""},
        {.start_ms = 3723250, .end_ms = 3800000, .title = "Tab\there"},
        {.start_ms = 3900000, .end_ms = CHAPTAG_TIME_NONE, .title = ""},
    };
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(chaptag_chapters_add(list, &chs[i], NULL), CHAPTAG_OK);
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "reaper", 4000000, &out, NULL, &err), CHAPTAG_OK);
    assert_string_equal(out, "#,Name,Start,End,Length\n"
                             "R1,Intro,0:00.000,1:23.500,1:23.500\n"
                             "M1,\"Q&A, with \"\"guests\"\"\",1:23.500,,\n"
                             "R2,Tab here,1:02:03.250,1:03:20.000,1:16.750\n"
                             "M2,,1:05:00.000,,\n");
    free(out);
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reaper_reads_markers_and_regions),
        cmocka_unit_test(reaper_refuses_measures_beats_and_timecode_saying_how_to_export),
        cmocka_unit_test(reaper_rejects_bad_rows_naming_the_line),
        cmocka_unit_test(reaper_detect_is_sure_of_the_header_only),
        cmocka_unit_test(reaper_format_writes_regions_for_given_ends_and_markers_otherwise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
