/* Tests of src/formats/fmt_cue.c: CDRWIN cue sheets (chapter-formats reference §9). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

static chaptag_chapters *parse_ok(const char *text)
{
    return ct_test_parse("cue", text, strlen(text));
}

/* Fails unless TEXT is rejected at LINE with exactly MSG. */
static void assert_rejected(const char *text, unsigned line, const char *msg)
{
    ct_test_rejects("cue", text, strlen(text), line, 0, msg);
}

static const char reference_example[] = "PERFORMER \"John Doe\"\n"
                                        "TITLE \"Episode 7\"\n"
                                        "FILE \"episode7.mp3\" MP3\n"
                                        "  TRACK 01 AUDIO\n"
                                        "    TITLE \"Intro\"\n"
                                        "    INDEX 01 00:00:00\n"
                                        "  TRACK 02 AUDIO\n"
                                        "    TITLE \"Topic one: details\"\n"
                                        "    INDEX 01 01:14:00\n";

static void cue_reads_the_example_of_the_reference(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(reference_example);
    assert_int_equal(chaptag_chapters_count(list), 2);
    assert_int_equal(chaptag_chapters_get(list, 0)->start_ms, 0);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "Intro");
    assert_int_equal(chaptag_chapters_get(list, 0)->line, 4);
    assert_int_equal(chaptag_chapters_get(list, 1)->start_ms, 74000);
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "Topic one: details");
    assert_int_equal(chaptag_chapters_get(list, 1)->line, 7);
    assert_string_equal(chaptag_chapters_meta(list, "artist"), "John Doe");
    assert_string_equal(chaptag_chapters_meta(list, "title"), "Episode 7");
    assert_string_equal(chaptag_chapters_meta(list, "fileName"), "episode7.mp3");
    assert_int_equal(chaptag_chapters_warning_count(list), 0);
    chaptag_chapters_free(list);
}

static void cue_reads_frames_as_the_nearest_millisecond(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("FILE a.wav WAVE\n"
                                      "TRACK 1 AUDIO\nINDEX 01 00:00:01\n"
                                      "TRACK 2 AUDIO\nINDEX 01 00:00:02\n"
                                      "TRACK 3 AUDIO\nINDEX 01 00:01:74\n"
                                      "TRACK 4 AUDIO\nINDEX 00 00:02:00\nINDEX 01 00:03:00\n"
                                      "INDEX 02 00:04:00\n"
                                      "TRACK 5 AUDIO\nINDEX 01 6000:00:00\n");
    static const uint64_t want[] = {13, 27, 1987, 3000, 360000000};
    assert_int_equal(chaptag_chapters_count(list), 5);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(chaptag_chapters_get(list, i)->start_ms, want[i]);
    assert_string_equal(chaptag_chapters_meta(list, "fileName"), "a.wav");
    chaptag_chapters_free(list);
}

static void cue_skips_rem_and_the_other_cd_commands_in_any_case(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("REM GENRE Podcast\r\n"
                                      "CATALOG 1234567890123\r\n"
                                      "file \"a b.mp3\" mp3\r\n"
                                      "\r\n"
                                      "  track 01 audio\r\n"
                                      "    Title Unquoted words here \r\n"
                                      "    PERFORMER \"a track's own performer\"\r\n"
                                      "    FLAGS DCP\r\n    ISRC X\r\n    PREGAP 00:02:00\r\n"
                                      "    SONGWRITER \"s\"\r\n    POSTGAP 00:01:00\r\n"
                                      "    CDTEXTFILE \"x.cdt\"\r\n"
                                      "    index 01 00:00:00\r\n");
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "Unquoted words here");
    assert_null(chaptag_chapters_meta(list, "artist"));
    assert_string_equal(chaptag_chapters_meta(list, "fileName"), "a b.mp3");
    chaptag_chapters_free(list);
}

static void cue_reads_a_legacy_code_page_as_windows_1252_with_a_warning(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("FILE \"a.mp3\" MP3\nTRACK 01 AUDIO\n"
                                      "TITLE \"Caf\xe9 \x93quoted\x94\"\nINDEX 01 00:00:00\n");
    assert_string_equal(chaptag_chapters_get(list, 0)->title,
                        "Caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d");
    assert_int_equal(chaptag_chapters_warning_count(list), 1);
    assert_string_equal(chaptag_chapters_warning(list, 0)->msg,
                        "not valid UTF-8, read as Windows-1252");
    chaptag_chapters_free(list);
}

static void cue_rejects_what_a_sheet_cannot_say_naming_the_line(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        unsigned line;
        const char *msg;
    } cases[] = {
        {"TRACK 01 AUDIO\n", 1, "TRACK before any FILE"},
        {"FILE a MP3\nINDEX 01 00:00:00\n", 2, "INDEX before any TRACK"},
        {"FILE a MP3\nFILE b MP3\n", 2, "a second FILE: chapters are for one audio file"},
        {"FILE a MP3\nTRACK x AUDIO\n", 2, "TRACK needs a number, not \"x\""},
        {"FILE a MP3\nTRACK 01\n", 2, "TRACK needs a type (TRACK 01 AUDIO)"},
        {"FILE a MP3\nTRACK 01 AUDIO\nTITLE \"x\n", 3, "no closing \" on the line"},
        {"FILE a MP3\nTRACK 01 AUDIO\nTITLE x\nTRACK 02 AUDIO\nINDEX 01 00:00:00\n", 2,
         "the TRACK has no INDEX 01"},
        {"FILE a MP3\nTRACK 01 AUDIO\nINDEX 01 00:60:00\n", 3,
         "\"00:60:00\" is not a cue time mm:ss:ff (seconds up to 59, frames up to 74)"},
        {"FILE a MP3\nTRACK 01 AUDIO\nINDEX 01 00:00:75\n", 3,
         "\"00:00:75\" is not a cue time mm:ss:ff (seconds up to 59, frames up to 74)"},
        {"FILE a MP3\nTRACK 01 AUDIO\nINDEX 01 1:2\n", 3,
         "\"1:2\" is not a cue time mm:ss:ff (seconds up to 59, frames up to 74)"},
        {"FILE a MP3\nTRACK 01 AUDIO\nINDEX 01 6000001:00:00\n", 3,
         "\"6000001:00:00\" is past 100000 hours"},
        {"FILE a MP3\nTRACK 01 AUDIO\nINDEX 01 6000000:00:01\n", 3,
         "\"6000000:00:01\" is past 100000 hours"},
        {"FILE a MP3\nTRACK 01 AUDIO\nINDEX 01 99999999999999999999:00:00\n", 3,
         "\"99999999999999999999:00:00\" is past 100000 hours"},
        {"FILE a MP3\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nINDEX 01 00:01:00\n", 4,
         "a second INDEX 01 in the TRACK"},
        {"FILE a MP3\nTRACK 01 AUDIO\nINDEX one 00:00:00\n", 3,
         "INDEX needs a number, not \"one\""},
        {"FILE a MP3\nTRAK 01 AUDIO\n", 2, "unknown cue command \"TRAK\""},
        {"REM nothing\nFILE a MP3\n", 0, "no TRACK"},
        {"FILE a MP3\nTRACK 01 AUDIO\nINDEX 01 00:02:00\nTRACK 02 AUDIO\nINDEX 01 00:01:00\n", 4,
         "00:00:01 is not after 00:00:02 on line 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_rejected(cases[i].text, cases[i].line, cases[i].msg);
}

static void cue_detect_is_sure_of_a_file_or_an_audio_track(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int conf;
    } cases[] = {
        {"REM x\nFILE \"a.mp3\" MP3\n", CT_DETECT_SURE},
        {"  TRACK 01 AUDIO\n", CT_DETECT_SURE},
        {"FILE a.mp3 MP3\n", CT_DETECT_NO},
        {"00:00:00 FILE \"x\"\n", CT_DETECT_NO},
        {"", CT_DETECT_NO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(ct_fmt_cue.detect(cases[i].text, strlen(cases[i].text)), cases[i].conf);
}

/* Formats LIST as cue, with its warnings joined by '|' in WARNINGS. */
static char *format_cue(const chaptag_chapters *list, char *warnings, size_t size)
{
    char *out = NULL;
    chaptag_warning *w = NULL;
    size_t n = 0;
    chaptag_error err = {0};
    if (chaptag_format_with_warnings(list, "cue", CHAPTAG_TIME_NONE, &out, NULL, &w, &n, &err) !=
        CHAPTAG_OK)
        fail_msg("%s", err.msg);
    warnings[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(warnings + strlen(warnings), size - strlen(warnings), "%s%s", i ? "|" : "",
                 w[i].msg);
    free(w);
    return out;
}

static void cue_format_writes_frames_with_carry_and_warns_what_it_rounded(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter chs[] = {
        {.start_ms = 0, .end_ms = CHAPTAG_TIME_NONE, .title = "Intro"},
        {.start_ms = 59995, .end_ms = CHAPTAG_TIME_NONE, .title = "Carried \"over\""},
        {.start_ms = 74013, .end_ms = CHAPTAG_TIME_NONE, .title = ""},
        {.start_ms = 360000000, .end_ms = CHAPTAG_TIME_NONE, .title = "Late"},
    };
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(chaptag_chapters_add(list, &chs[i], NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_meta(list, "title", "Ep \"7\"", NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_meta(list, "fileName", "ep7.m4b", NULL), CHAPTAG_OK);
    char warnings[512];
    char *out = format_cue(list, warnings, sizeof warnings);
    assert_string_equal(out, "TITLE \"Ep '7'\"\n"
                             "FILE \"ep7.m4b\" WAVE\n"
                             "  TRACK 01 AUDIO\n    TITLE \"Intro\"\n    INDEX 01 00:00:00\n"
                             "  TRACK 02 AUDIO\n    TITLE \"Carried 'over'\"\n"
                             "    INDEX 01 01:00:00\n"
                             "  TRACK 03 AUDIO\n    TITLE \"\"\n    INDEX 01 01:14:01\n"
                             "  TRACK 04 AUDIO\n    TITLE \"Late\"\n    INDEX 01 6000:00:00\n");
    assert_string_equal(warnings, "cue times are in 1/75 s frames: starts moved by up to 5 ms to "
                                  "the nearest frame|cue strings have no escapes: \" became ' in "
                                  "2 of them");
    free(out);
    chaptag_chapters_free(list);
}

static void cue_format_names_an_mp3_file_and_defaults_to_one(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.start_ms = 74000, .end_ms = CHAPTAG_TIME_NONE, .title = "x"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    char warnings[256];
    char *out = format_cue(list, warnings, sizeof warnings);
    assert_string_equal(out, "FILE \"audio.mp3\" MP3\n  TRACK 01 AUDIO\n    TITLE \"x\"\n"
                             "    INDEX 01 01:14:00\n");
    assert_string_equal(warnings, ""); /* whole seconds are whole frames */
    free(out);
    chaptag_chapters_free(list);
}

static void cue_format_refuses_more_than_99_tracks_and_two_starts_in_one_frame(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    for (unsigned i = 0; i < 100; i++) {
        chaptag_chapter ch = {.start_ms = i * 1000u, .end_ms = CHAPTAG_TIME_NONE, .title = "x"};
        assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    }
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "cue", CHAPTAG_TIME_NONE, &out, NULL, &err),
                     CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "a cue sheet holds at most 99 tracks, and there are 100 chapters");
    chaptag_chapters_free(list);
    list = chaptag_chapters_new();
    chaptag_chapter a = {.start_ms = 1000, .end_ms = CHAPTAG_TIME_NONE, .title = "a", .line = 1};
    chaptag_chapter b = {.start_ms = 1006, .end_ms = CHAPTAG_TIME_NONE, .title = "b", .line = 2};
    assert_int_equal(chaptag_chapters_add(list, &a, NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_add(list, &b, NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_format(list, "cue", CHAPTAG_TIME_NONE, &out, NULL, &err),
                     CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "chapters 1 and 2 start within the same 1/75 s cue frame");
    assert_int_equal(err.line, 2);
    assert_null(out);
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cue_reads_the_example_of_the_reference),
        cmocka_unit_test(cue_reads_frames_as_the_nearest_millisecond),
        cmocka_unit_test(cue_skips_rem_and_the_other_cd_commands_in_any_case),
        cmocka_unit_test(cue_reads_a_legacy_code_page_as_windows_1252_with_a_warning),
        cmocka_unit_test(cue_rejects_what_a_sheet_cannot_say_naming_the_line),
        cmocka_unit_test(cue_detect_is_sure_of_a_file_or_an_audio_track),
        cmocka_unit_test(cue_format_writes_frames_with_carry_and_warns_what_it_rounded),
        cmocka_unit_test(cue_format_names_an_mp3_file_and_defaults_to_one),
        cmocka_unit_test(cue_format_refuses_more_than_99_tracks_and_two_starts_in_one_frame),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
