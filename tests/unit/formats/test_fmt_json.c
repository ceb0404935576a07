/* Tests of src/formats/fmt_json.c: Podcasting 2.0 JSON chapters (chapter-formats reference §3). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

static chaptag_chapters *parse_ok(const char *json)
{
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    chaptag_status st = chaptag_parse(json, strlen(json), "json", &list, &err);
    if (st != CHAPTAG_OK)
        fail_msg("%u:%u: %s", err.line, err.column, err.msg);
    return list;
}

/* Fails unless JSON is rejected at LINE and COLUMN with exactly MSG. */
static void assert_rejected(const char *json, unsigned line, unsigned column, const char *msg)
{
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_parse(json, strlen(json), "json", &list, &err), CHAPTAG_ERR_INPUT);
    assert_null(list);
    assert_string_equal(err.msg, msg);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
}

/* The example of the reference, §3. */
static const char reference_example[] =
    "{\"version\":\"1.2.0\",\"chapters\":[\n"
    "  {\"startTime\":0,\"title\":\"Intro\"},\n"
    "  {\"startTime\":74,\"title\":\"Topic one: details\",\"url\":\"https://example.com/1\"},\n"
    "  {\"startTime\":4826,\"img\":\"https://example.com/paris.jpg\",\"toc\":false,\n"
    "   \"location\":{\"name\":\"Eiffel Tower\",\"geo\":\"geo:48.858093,2.294694\"}}]}";

static void json_reads_the_example_of_the_reference(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(reference_example);
    assert_int_equal(chaptag_chapters_count(list), 3);
    const chaptag_chapter *c0 = chaptag_chapters_get(list, 0), *c1 = chaptag_chapters_get(list, 1),
                          *c2 = chaptag_chapters_get(list, 2);
    assert_int_equal(c0->start_ms, 0);
    assert_string_equal(c0->title, "Intro");
    assert_null(c0->url);
    assert_false(c0->hidden);
    assert_int_equal(c0->end_ms, CHAPTAG_TIME_NONE);
    assert_int_equal(c1->start_ms, 74000);
    assert_string_equal(c1->url, "https://example.com/1");
    assert_int_equal(c2->start_ms, 4826000);
    assert_string_equal(c2->title, "");
    assert_string_equal(c2->image, "https://example.com/paris.jpg");
    assert_null(c2->image_data);
    assert_true(c2->hidden);
    assert_int_equal(c0->line, 2);
    assert_int_equal(c1->line, 3);
    assert_int_equal(c2->line, 4);
    assert_int_equal(chaptag_chapters_warning_count(list), 0);
    chaptag_chapters_free(list);
}

static void json_keeps_a_location_whole_as_compact_json(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(reference_example);
    assert_null(chaptag_chapters_get(list, 0)->location);
    assert_string_equal(chaptag_chapters_get(list, 2)->location,
                        "{\"name\":\"Eiffel Tower\",\"geo\":\"geo:48.858093,2.294694\"}");
    chaptag_chapters_free(list);
    list = parse_ok("{\"version\":\"1.2.0\",\"chapters\":[{\"startTime\":0,\"location\":\n"
                    "  { \"geo\" : \"geo:1,2\", \"name\": \"Caf\\u00e9 \\\"Q\\\"\",\n"
                    "    \"osm\": \"R123\","
                    " \"x\": [1, {\"y\": null}] }}]}");
    assert_string_equal(chaptag_chapters_get(list, 0)->location,
                        "{\"geo\":\"geo:1,2\",\"name\":\"Caf\xc3\xa9 \\\"Q\\\"\",\"osm\":\"R123\","
                        "\"x\":[1,{\"y\":null}]}");
    chaptag_chapters_free(list);
}

static void json_rejects_a_location_without_a_name_and_a_geo_string(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\"x\"", "[]", "{}", "{\"name\":\"n\"}", "{\"geo\":\"geo:1,2\"}",
        "{\"name\":1,\"geo\":\"geo:1,2\"}", "{\"name\":\"n\",\"geo\":null}",
        "{\"name\":\"n\",\"geo\":\"g\",\"osm\":5}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char json[256];
        snprintf(json, sizeof json,
                 "{\"version\":\"1.2.0\",\n\"chapters\":[{\"startTime\":0},\n"
                 "  {\"startTime\":9,\"location\":%s}]}",
                 bad[i]);
        assert_rejected(json, 3, 3,
                        "location of chapter 2 is not an object with a name and a geo string");
    }
}

static void json_keeps_episode_keys_as_metadata_and_ignores_unknown_ones(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(
        "{\"version\":\"1.2.0\",\"author\":\"John Doe\",\"title\":\"Episode 7\","
        "\"podcastName\":\"The Show\",\"description\":\"Two\\nlines\",\"fileName\":\"ep7.mp3\","
        "\"waypoints\":true,\"x-custom\":{\"a\":[1,2]},"
        "\"chapters\":[{\"startTime\":0,\"title\":\"A\",\"extra\":[{\"startTime\":9}]}]}");
    assert_string_equal(chaptag_chapters_meta(list, "author"), "John Doe");
    assert_string_equal(chaptag_chapters_meta(list, "title"), "Episode 7");
    assert_string_equal(chaptag_chapters_meta(list, "podcastName"), "The Show");
    assert_string_equal(chaptag_chapters_meta(list, "description"), "Two\nlines");
    assert_string_equal(chaptag_chapters_meta(list, "fileName"), "ep7.mp3");
    assert_null(chaptag_chapters_meta(list, "waypoints"));
    assert_int_equal(chaptag_chapters_count(list), 1);
    assert_int_equal(chaptag_chapters_get(list, 0)->start_ms, 0);
    chaptag_chapters_free(list);
}

static void json_warns_about_a_missing_version_and_a_non_string_author(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok("{\"author\":7,\"chapters\":[{\"startTime\":0}]}");
    assert_null(chaptag_chapters_meta(list, "author"));
    assert_int_equal(chaptag_chapters_warning_count(list), 2);
    assert_string_equal(chaptag_chapters_warning(list, 0)->msg,
                        "no \"version\" string (1.2.0 assumed)");
    assert_string_equal(chaptag_chapters_warning(list, 1)->msg,
                        "\"author\" is not a string and was ignored");
    chaptag_chapters_free(list);
}

static void json_converts_seconds_exactly_rounding_half_up(void **state)
{
    (void)state;
    static const struct {
        const char *number;
        uint64_t ms;
    } cases[] = {
        {"74", 74000},      {"120.5", 120500},  {"0.001", 1},         {"0.0005", 1},
        {"0.00049", 0},     {"1.0005", 1001},   {"4826.123", 4826123}, {"0.9995", 1000},
        {"0", 0},           {"0.0", 0},         {"1.5e2", 150000},    {"1E-3", 1},
        {"5e-4", 1},        {"4.9e-4", 0},      {"-0", 0},            {"360000000", 360000000000ull},
        {"1.0005e0", 1001}, {"12.3456", 12346},
        /* as doubles these equal 1.0005 and 2.0005: only the digits as written say 1000 ms */
        {"1.0004999999999999999", 1000}, {"2.0004999999999999", 2000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[128];
        snprintf(json, sizeof json, "{\"version\":\"1.2.0\",\"chapters\":[{\"startTime\":%s}]}",
                 cases[i].number);
        chaptag_chapters *list = parse_ok(json);
        if (chaptag_chapters_get(list, 0)->start_ms != cases[i].ms)
            fail_msg("%s gave %llu ms", cases[i].number,
                     (unsigned long long)chaptag_chapters_get(list, 0)->start_ms);
        chaptag_chapters_free(list);
    }
}

static void json_reads_end_times_and_the_toc_flag(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(
        "{\"version\":\"1.2.0\",\"chapters\":[{\"startTime\":0,\"endTime\":60.25,\"toc\":true},"
        "{\"startTime\":60.25,\"toc\":false,\"url\":\"\",\"title\":\" Two\\u2028lines\\t\"}]}");
    const chaptag_chapter *c0 = chaptag_chapters_get(list, 0), *c1 = chaptag_chapters_get(list, 1);
    assert_int_equal(c0->end_ms, 60250);
    assert_false(c0->hidden);
    assert_int_equal(c1->start_ms, 60250);
    assert_int_equal(c1->end_ms, CHAPTAG_TIME_NONE);
    assert_true(c1->hidden);
    assert_null(c1->url); /* an empty URL is no URL */
    assert_string_equal(c1->title, "Two lines"); /* a title is one line */
    chaptag_chapters_free(list);
}

static void json_reports_syntax_errors_with_line_and_column(void **state)
{
    (void)state;
    assert_rejected("{\n  \"version\": \"1.2.0\",\n  \"chapters\": [,]\n}", 3, 16,
                    "not valid JSON: unexpected token near ','");
    assert_rejected("{\"version\": \"1.2.0\",\n\"chapters\": [\n", 3, 0,
                    "not valid JSON: ']' expected near end of file");
    assert_rejected("", 1, 0, "not valid JSON: '[' or '{' expected near end of file");
}

static void json_rejects_duplicate_keys(void **state)
{
    (void)state;
    /* jansson puts the column at the end of the token it read */
    assert_rejected("{\"chapters\":[{\"startTime\":1,\n\"startTime\":2}]}", 2, 11,
                    "not valid JSON: duplicate object key near '\"startTime\"'");
}

static void json_rejects_a_document_without_a_chapters_array(void **state)
{
    (void)state;
    assert_rejected("{\"version\":\"1.2.0\"}", 0, 0, "no \"chapters\" array");
    assert_rejected("{\"version\":\"1.2.0\",\"chapters\":{}}", 0, 0,
                    "\"chapters\" is not an array");
    assert_rejected("[{\"startTime\":0}]", 1, 0, "the top level is not an object");
    assert_rejected("{\"version\":\"1.2.0\",\"chapters\":[]}", 0, 0, "no chapters");
}

static void json_rejects_a_chapter_without_start_time_naming_its_line_and_column(void **state)
{
    (void)state;
    assert_rejected("{\"version\":\"1.2.0\",\"chapters\":[\n  {\"startTime\":0},\n"
                    "  {\"title\":\"No start\"}\n]}",
                    3, 3, "chapter 2 has no startTime");
}

static void json_rejects_values_of_the_wrong_type(void **state)
{
    (void)state;
    static const struct {
        const char *chapter, *msg;
    } cases[] = {
        {"{\"startTime\":\"74\"}", "startTime of chapter 2 is not a number"},
        {"{\"startTime\":null}", "startTime of chapter 2 is not a number"},
        {"{\"startTime\":-1}", "startTime of chapter 2 is negative"},
        {"{\"startTime\":-0.5}", "startTime of chapter 2 is negative"},
        {"{\"startTime\":360000000.001}", "startTime of chapter 2 is past 100000 hours"},
        {"{\"startTime\":1e300}", "startTime of chapter 2 is past 100000 hours"},
        {"{\"startTime\":9,\"endTime\":true}", "endTime of chapter 2 is not a number"},
        {"{\"startTime\":9,\"title\":3}", "title of chapter 2 is not a string"},
        {"{\"startTime\":9,\"url\":[]}", "url of chapter 2 is not a string"},
        {"{\"startTime\":9,\"img\":{}}", "img of chapter 2 is not a string"},
        {"{\"startTime\":9,\"toc\":\"no\"}", "toc of chapter 2 is not true or false"},
        {"5", "chapter 2 is not an object"},
        {"[]", "chapter 2 is not an object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[256];
        snprintf(json, sizeof json,
                 "{\"version\":\"1.2.0\",\n\"chapters\":[{\"startTime\":0},\n   %s]}",
                 cases[i].chapter);
        assert_rejected(json, 3, 4, cases[i].msg);
    }
}

static void json_rejects_chapters_out_of_order_naming_both_lines(void **state)
{
    (void)state;
    assert_rejected("{\"version\":\"1.2.0\",\"chapters\":[\n{\"startTime\":600},\n"
                    "{\"startTime\":300}]}",
                    3, 0, "00:05:00 is not after 00:10:00 on line 2");
    assert_rejected("{\"version\":\"1.2.0\",\"chapters\":[\n{\"startTime\":1.5},\n"
                    "{\"startTime\":1.5}]}",
                    3, 0, "00:00:01.500 is the same start as on line 2");
}

static void json_rejects_an_end_before_its_start(void **state)
{
    (void)state;
    assert_rejected("{\"version\":\"1.2.0\",\"chapters\":[\n{\"startTime\":10,\"endTime\":5}]}",
                    2, 0, "the end 00:00:05 is not after the start 00:00:10");
}

static void json_finds_chapter_lines_past_strings_escapes_and_nesting(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(
        "{\"description\":\"a } ] { [ \\\" , \\\\\",\n"
        "\"nested\":{\"chapters\":[{\"startTime\":99}]},\n"
        "\"list\":[1,[2,{\"x\":\"]\"}],3e2,true,null],\n"
        "\"version\":\"1.2.0\",\"chapters\":\n"
        "[\n"
        "{\"title\":\"{\\\"}\",\"location\":{\"name\":\"n\",\"geo\":\"geo:1,2\",\"startTime\":7},"
        "\"startTime\":1.0005},\n"
        "\n"
        "   {\"startTime\":2.5, \"endTime\" : 3.0005 }]}");
    assert_int_equal(chaptag_chapters_count(list), 2);
    const chaptag_chapter *c0 = chaptag_chapters_get(list, 0), *c1 = chaptag_chapters_get(list, 1);
    assert_int_equal(c0->line, 6);
    assert_int_equal(c0->start_ms, 1001); /* the chapter's own startTime, not the location's */
    assert_string_equal(c0->title, "{\"}");
    assert_int_equal(c1->line, 8);
    assert_int_equal(c1->start_ms, 2500);
    assert_int_equal(c1->end_ms, 3001);
    chaptag_chapters_free(list);
}

static void json_counts_columns_in_characters_like_jansson(void **state)
{
    (void)state;
    /* "5" is the 31st character of its line and its 33rd byte */
    assert_rejected("{\"version\":\"1.2.0\",\"chapters\":[\n"
                    "{\"startTime\":0,\"title\":\"\xc3\xa9\xc3\xa9\"}, 5]}",
                    2, 31, "chapter 2 is not an object");
}

/* A list of chapters for the formatter tests. */
static chaptag_chapters *sample_list(void)
{
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter chs[] = {
        {.start_ms = 0, .end_ms = CHAPTAG_TIME_NONE, .title = "Intro"},
        {.start_ms = 74000, .end_ms = 120500, .title = "Topic one: details",
         .url = "https://example.com/1"},
        {.start_ms = 120500, .end_ms = CHAPTAG_TIME_NONE, .title = "",
         .image = "https://example.com/paris.jpg", .hidden = 1},
        {.start_ms = 4826123, .end_ms = CHAPTAG_TIME_NONE, .title = "Tiny \"quoted\" \xe2\x80\x91"},
    };
    for (size_t i = 0; i < sizeof chs / sizeof chs[0]; i++)
        assert_int_equal(chaptag_chapters_add(list, &chs[i], NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_meta(list, "title", "Episode 7", NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_meta(list, "artist", "not a JSON key", NULL),
                     CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_meta(list, "author", "John Doe", NULL), CHAPTAG_OK);
    return list;
}

static char *format_json(const chaptag_chapters *list, uint64_t duration_ms)
{
    char *out = NULL;
    chaptag_error err = {0};
    if (chaptag_format(list, "json", duration_ms, &out, NULL, &err) != CHAPTAG_OK)
        fail_msg("%s", err.msg);
    return out;
}

static void json_format_writes_the_documented_shape(void **state)
{
    (void)state;
    chaptag_chapters *list = sample_list();
    char *out = format_json(list, 5000001);
    assert_string_equal(out, "{\n"
                             "  \"version\": \"1.2.0\",\n"
                             "  \"title\": \"Episode 7\",\n"
                             "  \"author\": \"John Doe\",\n"
                             "  \"duration\": 5000.001,\n" /* the audio's, beside the chapters */
                             "  \"chapters\": [\n"
                             "    {\n"
                             "      \"startTime\": 0,\n"
                             "      \"endTime\": 74,\n"
                             "      \"title\": \"Intro\"\n"
                             "    },\n"
                             "    {\n"
                             "      \"startTime\": 74,\n"
                             "      \"endTime\": 120.5,\n"
                             "      \"title\": \"Topic one: details\",\n"
                             "      \"url\": \"https://example.com/1\"\n"
                             "    },\n"
                             "    {\n"
                             "      \"startTime\": 120.5,\n"
                             "      \"endTime\": 4826.123,\n"
                             "      \"img\": \"https://example.com/paris.jpg\",\n"
                             "      \"toc\": false\n"
                             "    },\n"
                             "    {\n"
                             "      \"startTime\": 4826.123,\n"
                             "      \"endTime\": 5000.001,\n"
                             "      \"title\": \"Tiny \\\"quoted\\\" \xe2\x80\x91\"\n"
                             "    }\n"
                             "  ]\n"
                             "}\n");
    free(out);
    chaptag_chapters_free(list);
}

static void json_format_adds_a_files_tags_beside_the_chapters(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.start_ms = 0, .end_ms = CHAPTAG_TIME_NONE, .title = "Intro"};
    chaptag_chapters_add(list, &ch, NULL);
    chaptag_chapters_set_meta(list, "artist", "A Podcaster", NULL);
    chaptag_chapters_set_meta(list, "album", "The Show", NULL);
    chaptag_chapters_set_meta(list, "year", "2024", NULL);
    char *out = format_json(list, 60000);
    assert_non_null(strstr(out, "\"author\": \"A Podcaster\""));
    assert_non_null(strstr(out, "\"album\": \"The Show\""));
    assert_non_null(strstr(out, "\"year\": \"2024\""));
    assert_non_null(strstr(out, "\"duration\": 60,"));
    free(out);
    chaptag_chapters_free(list);
}

static void json_format_prints_milliseconds_without_float_noise(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    static const uint64_t starts[] = {1, 10, 999, 1001, 359999999999ull};
    for (size_t i = 0; i < 5; i++) {
        chaptag_chapter ch = {.start_ms = starts[i], .end_ms = CHAPTAG_TIME_NONE, .title = "x"};
        assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    }
    char *out = format_json(list, CHAPTAG_TIME_NONE);
    static const char *const want[] = {"\"startTime\": 0.001,", "\"startTime\": 0.01,",
                                       "\"startTime\": 0.999,", "\"startTime\": 1.001,",
                                       "\"startTime\": 359999999.999,"};
    for (size_t i = 0; i < 5; i++)
        if (strstr(out, want[i]) == NULL)
            fail_msg("no %s in\n%s", want[i], out);
    /* no duration: the last chapter's end is unknown and left out */
    assert_null(strstr(out, "359999999.999,\n      \"endTime\""));
    assert_non_null(strstr(out, "\"endTime\": 0.01,"));
    free(out);
    chaptag_chapters_free(list);
}

static void json_round_trips_url_img_hidden_and_end_times(void **state)
{
    (void)state;
    chaptag_chapters *list = sample_list();
    char *out = format_json(list, 5000001);
    chaptag_chapters *back = parse_ok(out);
    assert_int_equal(chaptag_chapters_count(back), chaptag_chapters_count(list));
    for (size_t i = 0; i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *a = chaptag_chapters_get(list, i), *b = chaptag_chapters_get(back, i);
        assert_int_equal(b->start_ms, a->start_ms);
        assert_int_equal(b->end_ms, chaptag_chapters_end(list, i, 5000001));
        assert_string_equal(b->title, a->title);
        assert_int_equal(b->hidden, a->hidden);
        assert_int_equal(a->url == NULL, b->url == NULL);
        assert_int_equal(a->image == NULL, b->image == NULL);
        if (a->url != NULL)
            assert_string_equal(b->url, a->url);
        if (a->image != NULL)
            assert_string_equal(b->image, a->image);
    }
    assert_string_equal(chaptag_chapters_meta(back, "title"), "Episode 7");
    assert_string_equal(chaptag_chapters_meta(back, "author"), "John Doe");
    assert_null(chaptag_chapters_meta(back, "artist"));
    free(out);
    chaptag_chapters_free(back);
    chaptag_chapters_free(list);
}

static void json_round_trips_the_seeds(void **state)
{
    (void)state;
    size_t len;
    char *data = ct_test_read_file("fixtures/chapters/seed-004.txt", &len);
    chaptag_chapters *list = NULL;
    assert_int_equal(chaptag_parse(data, len, NULL, &list, NULL), CHAPTAG_OK);
    char *out = format_json(list, 3900000);
    assert_string_equal(chaptag_detect(out, strlen(out), NULL), "json");
    chaptag_chapters *back = parse_ok(out);
    assert_int_equal(chaptag_chapters_count(back), 30);
    for (size_t i = 0; i < 30; i++) {
        assert_int_equal(chaptag_chapters_get(back, i)->start_ms,
                         chaptag_chapters_get(list, i)->start_ms);
        assert_string_equal(chaptag_chapters_get(back, i)->title,
                            chaptag_chapters_get(list, i)->title);
    }
    assert_int_equal(chaptag_chapters_get(back, 29)->end_ms, 3900000);
    free(out);
    free(data);
    chaptag_chapters_free(back);
    chaptag_chapters_free(list);
}

static void json_format_writes_a_location_back_as_an_object(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.start_ms = 0, .end_ms = CHAPTAG_TIME_NONE, .title = "x", .hidden = 1,
                          .location = "{\"name\":\"Eiffel Tower\",\"geo\":\"geo:48.85,2.29\"}"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    char *out = format_json(list, CHAPTAG_TIME_NONE);
    assert_non_null(strstr(out, "      \"toc\": false,\n"
                                "      \"location\": {\n"
                                "        \"name\": \"Eiffel Tower\",\n"
                                "        \"geo\": \"geo:48.85,2.29\"\n"
                                "      }\n"));
    chaptag_chapters *back = parse_ok(out);
    assert_string_equal(chaptag_chapters_get(back, 0)->location, ch.location);
    free(out);
    chaptag_chapters_free(back);
    chaptag_chapters_free(list);
}

static void json_format_refuses_a_location_that_is_not_an_object_with_name_and_geo(void **state)
{
    (void)state;
    static const char *const bad[] = {"not json", "[1]", "{\"name\":\"n\"}", "{\"a\":1,\"a\":2}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        chaptag_chapters *list = chaptag_chapters_new();
        chaptag_chapter ch = {.start_ms = 0, .end_ms = CHAPTAG_TIME_NONE, .location = bad[i]};
        assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
        char *out = NULL;
        chaptag_error err = {0};
        assert_int_equal(chaptag_format(list, "json", CHAPTAG_TIME_NONE, &out, NULL, &err),
                         CHAPTAG_ERR_INPUT);
        assert_string_equal(err.msg, "the location of chapter 1 is not a JSON object with a name "
                                     "and a geo string");
        assert_null(out);
        chaptag_chapters_free(list);
    }
}

static void json_format_leaves_out_an_end_the_duration_puts_before_the_start(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.start_ms = 10000, .end_ms = CHAPTAG_TIME_NONE, .title = "x"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    char *out = format_json(list, 5000);
    assert_null(strstr(out, "endTime"));
    free(out);
    chaptag_chapters_free(list);
}

static void json_format_refuses_invalid_utf8(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.start_ms = 0, .end_ms = CHAPTAG_TIME_NONE, .title = "Caf\xe9"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "json", CHAPTAG_TIME_NONE, &out, NULL, &err),
                     CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "the title of chapter 1 is not valid UTF-8");
    assert_null(out);
    chaptag_chapters_free(list);
}

static void json_detect_is_sure_of_an_object_that_names_chapters(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int conf;
    } cases[] = {
        {"{\"chapters\":[]}", CT_DETECT_SURE},
        {" \r\n\t{\n  \"version\": \"1.2.0\",\n  \"chapters\": []\n}", CT_DETECT_SURE},
        {"{\"version\":\"1.2.0\"}", CT_DETECT_MAYBE},
        {"[{\"chapters\":1}]", CT_DETECT_NO},
        {"00:00:00 {\"chapters\"}", CT_DETECT_NO},
        {"", CT_DETECT_NO},
        {"   ", CT_DETECT_NO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(ct_fmt_json.detect(cases[i].text, strlen(cases[i].text)),
                         cases[i].conf);
}

static void json_parse_survives_every_failed_allocation(void **state)
{
    (void)state;
    for (unsigned long n = 1;; n++) {
        chaptag_chapters *list = NULL;
        ct_alloc_fail_at(n);
        chaptag_status st =
            chaptag_parse(reference_example, sizeof reference_example - 1, "json", &list, NULL);
        ct_alloc_fail_at(0);
        if (st == CHAPTAG_OK) {
            assert_int_equal(chaptag_chapters_count(list), 3);
            chaptag_chapters_free(list);
            break;
        }
        assert_int_equal(st, CHAPTAG_ERR_NOMEM);
        assert_null(list);
        assert_true(n < 1000);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_reads_the_example_of_the_reference),
        cmocka_unit_test(json_keeps_a_location_whole_as_compact_json),
        cmocka_unit_test(json_rejects_a_location_without_a_name_and_a_geo_string),
        cmocka_unit_test(json_keeps_episode_keys_as_metadata_and_ignores_unknown_ones),
        cmocka_unit_test(json_warns_about_a_missing_version_and_a_non_string_author),
        cmocka_unit_test(json_converts_seconds_exactly_rounding_half_up),
        cmocka_unit_test(json_reads_end_times_and_the_toc_flag),
        cmocka_unit_test(json_reports_syntax_errors_with_line_and_column),
        cmocka_unit_test(json_rejects_duplicate_keys),
        cmocka_unit_test(json_rejects_a_document_without_a_chapters_array),
        cmocka_unit_test(json_rejects_a_chapter_without_start_time_naming_its_line_and_column),
        cmocka_unit_test(json_rejects_values_of_the_wrong_type),
        cmocka_unit_test(json_rejects_chapters_out_of_order_naming_both_lines),
        cmocka_unit_test(json_rejects_an_end_before_its_start),
        cmocka_unit_test(json_finds_chapter_lines_past_strings_escapes_and_nesting),
        cmocka_unit_test(json_counts_columns_in_characters_like_jansson),
        cmocka_unit_test(json_format_writes_the_documented_shape),
        cmocka_unit_test(json_format_adds_a_files_tags_beside_the_chapters),
        cmocka_unit_test(json_format_prints_milliseconds_without_float_noise),
        cmocka_unit_test(json_round_trips_url_img_hidden_and_end_times),
        cmocka_unit_test(json_round_trips_the_seeds),
        cmocka_unit_test(json_format_writes_a_location_back_as_an_object),
        cmocka_unit_test(json_format_refuses_a_location_that_is_not_an_object_with_name_and_geo),
        cmocka_unit_test(json_format_leaves_out_an_end_the_duration_puts_before_the_start),
        cmocka_unit_test(json_format_refuses_invalid_utf8),
        cmocka_unit_test(json_detect_is_sure_of_an_object_that_names_chapters),
        cmocka_unit_test(json_parse_survives_every_failed_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
