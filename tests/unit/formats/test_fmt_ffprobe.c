/* Tests of src/formats/fmt_ffprobe.c: `ffprobe -show_chapters -of json` output (chapter-formats
   reference §12). The samples are what ffprobe 5.1 printed for an M4A and an MKA made with
   ffmpeg from an ffmetadata file. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "editors.h"
#include "formats.h"

static chaptag_chapters *parse_ok(const char *text)
{
    return ct_test_parse("ffprobe", text, strlen(text));
}

/* Fails unless TEXT is rejected at LINE with exactly MSG. */
static void assert_rejected(const char *text, unsigned line, const char *msg)
{
    ct_test_rejects("ffprobe", text, strlen(text), line, 0, msg);
}

/* ffprobe -v error -show_chapters -of json ep.m4a */
static const char m4a[] = "{\n"
                          "    \"chapters\": [\n"
                          "        {\n"
                          "            \"id\": 0,\n"
                          "            \"time_base\": \"1/1000\",\n"
                          "            \"start\": 0,\n"
                          "            \"start_time\": \"0.000000\",\n"
                          "            \"end\": 74000,\n"
                          "            \"end_time\": \"74.000000\",\n"
                          "            \"tags\": {\n"
                          "                \"title\": \"Intro\"\n"
                          "            }\n"
                          "        },\n"
                          "        {\n"
                          "            \"id\": 1,\n"
                          "            \"time_base\": \"1/1000\",\n"
                          "            \"start\": 74000,\n"
                          "            \"start_time\": \"74.000000\",\n"
                          "            \"end\": 120500,\n"
                          "            \"end_time\": \"120.500000\",\n"
                          "            \"tags\": {\n"
                          "                \"title\": \"Topic one: \\\"details\\\" & more\"\n"
                          "            }\n"
                          "        },\n"
                          "        {\n"
                          "            \"id\": 2,\n"
                          "            \"time_base\": \"1/1000\",\n"
                          "            \"start\": 120500,\n"
                          "            \"start_time\": \"120.500000\",\n"
                          "            \"end\": 180000,\n"
                          "            \"end_time\": \"180.000000\",\n"
                          "            \"tags\": {\n"
                          "                \"title\": \"Caf\xc3\xa9\"\n"
                          "            }\n"
                          "        }\n"
                          "    ]\n"
                          "}\n";

static void ffprobe_reads_what_it_prints_for_an_m4a(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(m4a);
    assert_int_equal(chaptag_chapters_count(list), 3);
    static const uint64_t starts[] = {0, 74000, 120500}, ends[] = {74000, 120500, 180000};
    static const unsigned lines[] = {3, 14, 25};
    static const char *const titles[] = {"Intro", "Topic one: \"details\" & more",
                                         "Caf\xc3\xa9"};
    for (size_t i = 0; i < 3; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        assert_int_equal(ch->start_ms, starts[i]);
        assert_int_equal(ch->end_ms, ends[i]);
        assert_string_equal(ch->title, titles[i]);
        assert_int_equal(ch->line, lines[i]);
    }
    chaptag_chapters_free(list);
}

static void ffprobe_reads_nanosecond_ticks_beside_other_sections(void **state)
{
    (void)state;
    /* ffprobe -show_chapters -show_format -of json=c=1 ep.mka, shortened */
    chaptag_chapters *list = parse_ok(
        "{\n"
        "\"streams\": [{\"index\": 0, \"time_base\": \"1/1000\", \"start_time\": \"0.000000\"}],\n"
        "\"chapters\": [\n"
        "{\"id\": 1, \"time_base\": \"1/1000000000\", \"start\": 0, \"start_time\": \"0.000000\", "
        "\"end\": 73975000000, \"end_time\": \"73.975000\", \"tags\": {\"title\": \"Intro\"}},\n"
        "{\"id\": 2, \"time_base\": \"1/1000000000\", \"start\": 73975499999, "
        "\"start_time\": \"73.975500\", \"end\": 120475000000, \"end_time\": \"120.475000\"}\n"
        "],\n"
        "\"format\": {\"filename\": \"ep.mka\", \"tags\": {\"title\": \"Ep\"}}\n"
        "}");
    assert_int_equal(chaptag_chapters_count(list), 2);
    assert_int_equal(chaptag_chapters_get(list, 0)->line, 4);
    assert_int_equal(chaptag_chapters_get(list, 0)->end_ms, 73975);
    /* the ticks decide, exactly: 73.975499999 s is 73975 ms, whatever start_time says */
    assert_int_equal(chaptag_chapters_get(list, 1)->start_ms, 73975);
    assert_int_equal(chaptag_chapters_get(list, 1)->end_ms, 120475);
    assert_string_equal(chaptag_chapters_get(list, 1)->title, ""); /* no tags */
    assert_int_equal(chaptag_chapters_get(list, 1)->line, 5);
    chaptag_chapters_free(list);
}

static void ffprobe_reads_odd_time_bases_and_the_time_strings_without_ticks(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(
        "{\"chapters\":[\n"
        "{\"time_base\":\"1/600\",\"start\":18523,\"end\":18523,\"tags\":{\"title\":\" A\\tB \"}},\n"
        "{\"start_time\":\"0:01:14.000500\",\"end_time\":\"0:02:00.000000\"},\n"
        "{\"time_base\":\"1/44100\",\"start_time\":\"130.5\"}\n"
        "]}");
    assert_int_equal(chaptag_chapters_count(list), 3);
    assert_int_equal(chaptag_chapters_get(list, 0)->start_ms, 30872); /* 30.871666... s */
    assert_int_equal(chaptag_chapters_get(list, 0)->end_ms, CHAPTAG_TIME_NONE);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "A B");
    assert_int_equal(chaptag_chapters_get(list, 1)->start_ms, 74001);
    assert_int_equal(chaptag_chapters_get(list, 1)->end_ms, 120000);
    assert_int_equal(chaptag_chapters_get(list, 2)->start_ms, 130500);
    chaptag_chapters_free(list);
    assert_rejected("{\"chapters\":[{\"start_time\":\"1\",\"end_time\":\"x\"}]}", 1,
                    "end_time of chapter 1 is not a time up to 100000 hours");
}

static void ffprobe_rejects_what_it_cannot_read_naming_the_line(void **state)
{
    (void)state;
    assert_rejected("{\"chapters\":[\n{\"start\":0,\"time_base\":\"1/1000\"},\n{\"id\":1}]}", 3,
                    "chapter 2 has no start or start_time");
    assert_rejected("{\"chapters\":[\n{\"start\":0,\"time_base\":\"1:1000\"}]}", 2,
                    "time_base \"1:1000\" of chapter 1 is not a fraction like 1/1000");
    assert_rejected("{\"chapters\":[\n{\"start\":0,\"time_base\":\"1/0\"}]}", 2,
                    "time_base \"1/0\" of chapter 1 is not a fraction like 1/1000");
    assert_rejected("{\"chapters\":[\n\n{\"start\":-5,\"time_base\":\"1/1000\"}]}", 3,
                    "start of chapter 1 is negative");
    assert_rejected("{\"chapters\":[{\"start\":360000000001,\"time_base\":\"1/1000\"}]}", 1,
                    "start of chapter 1 is past 100000 hours");
    assert_rejected("{\"chapters\":[{\"start\":9223372036854775807,\"time_base\":\"2147483647/1\"}]}",
                    1, "start of chapter 1 is past 100000 hours");
    assert_rejected("{\"chapters\":[1]}", 1, "chapter 1 is not an object");
    assert_rejected("{\"chapters\":[{\"start_time\":\"0\",\"tags\":{\"title\":5}}]}", 1,
                    "the title of chapter 1 is not a string");
    assert_rejected("{\"chapters\":[]}", 0, "no chapters");
    assert_rejected("{\"format\":{}}", 0, "no \"chapters\" array (run ffprobe with -show_chapters)");
    assert_rejected("[]", 1, "the top level is not an object");
    assert_rejected("{\"chapters\":[\n{\"start_time\":\"5\"},\n{\"start_time\":\"4\"}]}", 3,
                    "00:00:04 is not after 00:00:05 on line 2");
    ct_test_rejects("ffprobe", "{\n\"chapters\": [,]}", 17, 2, 14,
                    "not valid JSON: unexpected token near ','");
}

static void ffprobe_detect_is_sure_of_its_own_keys_only_and_json_yields(void **state)
{
    (void)state;
    assert_int_equal(ct_fmt_ffprobe.detect(m4a, strlen(m4a)), CT_DETECT_SURE);
    assert_int_equal(ct_fmt_json.detect(m4a, strlen(m4a)), CT_DETECT_MAYBE);
    static const char *const others[] = {
        "{\"version\":\"1.2.0\",\"chapters\":[{\"startTime\":0}]}",
        "{\"streams\":[{\"time_base\":\"1/1000\",\"start_time\":\"0.000000\"}]}",
        "00:00:00 Intro\n",
        "",
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        assert_int_equal(ct_fmt_ffprobe.detect(others[i], strlen(others[i])), CT_DETECT_NO);
    assert_string_equal(chaptag_detect(m4a, strlen(m4a), "chapters.json"), "ffprobe");
}

static void ffprobe_is_only_read(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(m4a);
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "ffprobe", CHAPTAG_TIME_NONE, &out, NULL, &err),
                     CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "ffprobe output is only read: write json or ffmetadata instead");
    assert_null(out);
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ffprobe_reads_what_it_prints_for_an_m4a),
        cmocka_unit_test(ffprobe_reads_nanosecond_ticks_beside_other_sections),
        cmocka_unit_test(ffprobe_reads_odd_time_bases_and_the_time_strings_without_ticks),
        cmocka_unit_test(ffprobe_rejects_what_it_cannot_read_naming_the_line),
        cmocka_unit_test(ffprobe_detect_is_sure_of_its_own_keys_only_and_json_yields),
        cmocka_unit_test(ffprobe_is_only_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
