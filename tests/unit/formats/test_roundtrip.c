/* Round trips through every chapter-file format: parse(format(list)) gives the list back for
   every field the format carries, and both seeds go text -> format -> text unchanged. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

enum { END = 1, URL = 2, IMAGE = 4, HIDDEN = 8, LOCATION = 16 };

/* Not a field: a tool's output that is only read, so it has no round trip. */
enum { READ_ONLY = 1u << 8 };

/* What each format carries besides start and title; written here from the reference, not
   read from the code, so that the two are checked against each other. */
static const struct {
    const char *name;
    unsigned fields;
    char quote_as; /* what a " in a title becomes; 0: it stays */
} formats[] = {
    {"text", URL, 0},        {"json", END | URL | IMAGE | HIDDEN | LOCATION, 0},
    {"psc", URL | IMAGE, 0}, {"ffmetadata", END, 0},
    {"mp4chaps", 0, 0},      {"audacity", END, 0},
    {"cue", 0, '\''},        {"vtt", END, 0},
    {"ogm", URL, 0},
    {"audition", END, 0},
    {"reaper", END, 0},
    {"mkvxml", END | HIDDEN, 0},
    {"csv", 0, 0},
    {"ffprobe", END | READ_ONLY, 0},
};

#define N_FORMATS (sizeof formats / sizeof formats[0])

/* Longer than any chapter of the lists below ends. */
#define DURATION_MS 8000000u

static void every_format_has_a_row_that_matches_what_the_format_says_it_carries(void **state)
{
    (void)state;
    static const unsigned flags[] = {CT_CARRIES_END, CT_CARRIES_URL, CT_CARRIES_IMAGE,
                                     CT_CARRIES_HIDDEN, CT_CARRIES_LOCATION};
    const char *const *names = chaptag_format_names();
    size_t n = 0;
    for (size_t i = 0; names[i] != NULL; i++) {
        if (ct_format_find(names[i])->parse == NULL)
            continue; /* a platform's description block is only written: no round trip */
        assert_true(n < N_FORMATS);
        assert_string_equal(names[i], formats[n].name);
        unsigned carries = ct_format_find(names[i])->carries, want = 0;
        for (size_t k = 0; k < 5; k++)
            want |= formats[n].fields & (1u << k) ? flags[k] : 0;
        assert_int_equal(carries, want);
        n++;
    }
    assert_int_equal(n, N_FORMATS);
}

/* Chapters with every field, the special characters of every format, a first start after
   0, millisecond fractions and a gap. The starts are whole CUE frames (1480 ms is 111 frames,
   3723440 ms is 279258), so that even cue gives them back exactly. */
static chaptag_chapters *rich_list(void)
{
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter chs[] = {
        {.start_ms = 1480,
         .end_ms = 60000,
         .title = "Intro = a; b # c \\ d",
         .url = "https://example.com/1?a=1&b=2",
         .image = "img/intro.jpg",
         .hidden = 1,
         .location = "{\"name\":\"Eiffel Tower\",\"geo\":\"geo:48.858093,2.294694\"}",
         .line = 1},
        {.start_ms = 61000,
         .end_ms = CHAPTAG_TIME_NONE,
         .title = "Caf\xc3\xa9 \"quoted\" <tag> & amp, comma: colon \xe2\x80\x94 \xc3\xbcn\xc3\xaf",
         .url = "https://example.com/\xc3\xa9",
         .line = 2},
        {.start_ms = 3723440,
         .end_ms = 3800000,
         .title = "Tab\there --> 00:00:01.000",
         .image = "https://example.com/3.png",
         .line = 3},
        {.start_ms = 7200000,
         .end_ms = CHAPTAG_TIME_NONE,
         .title = "CHAPTER01=00:00:00.000",
         .line = 4},
    };
    for (size_t i = 0; i < sizeof chs / sizeof chs[0]; i++)
        assert_int_equal(chaptag_chapters_add(list, &chs[i], NULL), CHAPTAG_OK);
    return list;
}

/* The title TITLE reads back as in format row F: one line, quotes as the format has them. */
static void expected_title(const char *title, size_t f, char *buf, size_t size)
{
    snprintf(buf, size, "%s", title);
    for (char *p = buf; *p != '\0'; p++) {
        if (*p == '\t')
            *p = ' '; /* a title is one line in every format */
        if (*p == '"' && formats[f].quote_as != 0)
            *p = formats[f].quote_as;
    }
}

/* Fails unless A and B are both NULL or the same string, when CARRIED; else B is NULL. */
static void assert_field(const char *a, const char *b, bool carried, const char *what, size_t i)
{
    if (!carried)
        a = NULL;
    if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
        fail_msg("%s of chapter %zu: \"%s\", not \"%s\"", what, i + 1, b ? b : "(none)",
                 a ? a : "(none)");
}

/* Compares chapter I of BACK, read from format row F, with the one of LIST. */
static void assert_chapter(const chaptag_chapters *list, const chaptag_chapters *back, size_t i,
                           size_t f)
{
    const chaptag_chapter *a = chaptag_chapters_get(list, i), *b = chaptag_chapters_get(back, i);
    unsigned fields = formats[f].fields;
    char title[256];
    expected_title(a->title, f, title, sizeof title);
    assert_int_equal(b->start_ms, a->start_ms);
    assert_string_equal(b->title, title);
    if (fields & END)
        assert_int_equal(chaptag_chapters_end(back, i, DURATION_MS),
                         chaptag_chapters_end(list, i, DURATION_MS));
    else
        assert_int_equal(b->end_ms, CHAPTAG_TIME_NONE);
    assert_field(a->url, b->url, fields & URL, "url", i);
    assert_field(a->image, b->image, fields & IMAGE, "image", i);
    assert_field(a->location, b->location, fields & LOCATION, "location", i);
    assert_int_equal(b->hidden, fields & HIDDEN ? a->hidden : 0);
}

static void parse_of_format_gives_back_every_field_each_format_carries(void **state)
{
    (void)state;
    chaptag_chapters *list = rich_list();
    for (size_t f = 0; f < N_FORMATS; f++) {
        if (formats[f].fields & READ_ONLY)
            continue;
        char *out = NULL;
        size_t len;
        chaptag_chapters *back = NULL;
        chaptag_error err = {0};
        if (chaptag_format(list, formats[f].name, DURATION_MS, &out, &len, &err) != CHAPTAG_OK)
            fail_msg("%s: %s", formats[f].name, err.msg);
        if (chaptag_parse(out, len, formats[f].name, &back, &err) != CHAPTAG_OK)
            fail_msg("%s: %u: %s\n%s", formats[f].name, err.line, err.msg, out);
        assert_int_equal(chaptag_chapters_count(back), chaptag_chapters_count(list));
        for (size_t i = 0; i < chaptag_chapters_count(list); i++)
            assert_chapter(list, back, i, f);
        /* the gap after the first chapter survives where ends are carried */
        if (formats[f].fields & END)
            assert_int_equal(chaptag_chapters_get(back, 0)->end_ms, 60000);
        free(out);
        chaptag_chapters_free(back);
    }
    chaptag_chapters_free(list);
}

static void every_format_writes_the_same_bytes_twice(void **state)
{
    (void)state;
    chaptag_chapters *list = rich_list();
    for (size_t f = 0; f < N_FORMATS; f++) {
        if (formats[f].fields & READ_ONLY)
            continue;
        char *a = NULL, *b = NULL;
        size_t la, lb;
        assert_int_equal(chaptag_format(list, formats[f].name, DURATION_MS, &a, &la, NULL),
                         CHAPTAG_OK);
        assert_int_equal(chaptag_format(list, formats[f].name, DURATION_MS, &b, &lb, NULL),
                         CHAPTAG_OK);
        assert_bytes_equal(a, la, b, lb);
        free(a);
        free(b);
    }
    chaptag_chapters_free(list);
}

/* SEED (a fixture path) as text, parsed and formatted again. */
static char *seed_as_text(const char *seed, chaptag_chapters **list)
{
    size_t len;
    char *data = ct_test_read_file(seed, &len), *text = NULL;
    assert_int_equal(chaptag_parse(data, len, "text", list, NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_format(*list, "text", CHAPTAG_TIME_NONE, &text, NULL, NULL),
                     CHAPTAG_OK);
    free(data);
    return text;
}

/* LIST through format row F and back to text; the format is also detected from its output. */
static char *through(const chaptag_chapters *list, size_t f)
{
    char *out = NULL, *text = NULL;
    size_t len;
    chaptag_chapters *back = NULL;
    chaptag_error err = {0};
    if (chaptag_format(list, formats[f].name, 3960000, &out, &len, &err) != CHAPTAG_OK)
        fail_msg("%s: %s", formats[f].name, err.msg);
    assert_string_equal(chaptag_detect(out, len, NULL), formats[f].name);
    if (chaptag_parse(out, len, NULL, &back, &err) != CHAPTAG_OK)
        fail_msg("%s: %u: %s", formats[f].name, err.line, err.msg);
    assert_int_equal(chaptag_format(back, "text", CHAPTAG_TIME_NONE, &text, NULL, NULL),
                     CHAPTAG_OK);
    free(out);
    chaptag_chapters_free(back);
    return text;
}

static void both_seeds_go_through_every_format_and_back_to_the_same_text(void **state)
{
    (void)state;
    static const char *const seeds[] = {"fixtures/chapters/seed-000.txt",
                                        "fixtures/chapters/seed-004.txt"};
    for (size_t s = 0; s < 2; s++) {
        chaptag_chapters *list = NULL;
        char *want = seed_as_text(seeds[s], &list);
        for (size_t f = 0; f < N_FORMATS; f++) {
            if (formats[f].fields & READ_ONLY)
                continue;
            char *got = through(list, f);
            /* cue strings have no escapes: seed 004's "Time to stakeholders" comes back in
               single quotes (the next test shows that is the only change) */
            char *expect = ct_strdup(want);
            for (char *p = expect; formats[f].quote_as != 0 && *p != '\0'; p++)
                *p = *p == '"' ? formats[f].quote_as : *p;
            if (strcmp(got, expect) != 0)
                fail_msg("%s through %s:\n%s", seeds[s], formats[f].name, got);
            free(expect);
            free(got);
        }
        free(want);
        chaptag_chapters_free(list);
    }
}

static void cue_changes_only_the_quotes_of_seed_004(void **state)
{
    (void)state;
    chaptag_chapters *list = NULL;
    char *want = seed_as_text("fixtures/chapters/seed-004.txt", &list);
    char *got = through(list, 6);
    assert_string_equal(formats[6].name, "cue");
    assert_non_null(strstr(want, "Adoption Strategy: \"Time to stakeholders\" and"));
    assert_non_null(strstr(got, "Adoption Strategy: 'Time to stakeholders' and"));
    assert_int_equal(strlen(got), strlen(want));
    size_t differ = 0;
    for (size_t i = 0; want[i] != '\0'; i++)
        differ += got[i] != want[i];
    assert_int_equal(differ, 2);
    free(got);
    free(want);
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_format_has_a_row_that_matches_what_the_format_says_it_carries),
        cmocka_unit_test(parse_of_format_gives_back_every_field_each_format_carries),
        cmocka_unit_test(every_format_writes_the_same_bytes_twice),
        cmocka_unit_test(both_seeds_go_through_every_format_and_back_to_the_same_text),
        cmocka_unit_test(cue_changes_only_the_quotes_of_seed_004),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
