/* Tests of src/formats/formats.c: the format table, detection, and the public
   parse/format entry points. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "text.h"

static void format_names_list_every_format_in_table_order(void **state)
{
    (void)state;
    static const char *const want[] = {"text", "json",     "psc", "ffmetadata", "mp4chaps",
                                       "audacity", "cue", "vtt", "ogm"};
    const char *const *names = chaptag_format_names();
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_string_equal(names[i], want[i]);
    /* the editors' exports next, then the platform blocks, which end the table */
    static const char *const platforms[] = {"youtube", "spotify", "apple"};
    size_t n = 0;
    while (names[n] != NULL)
        n++;
    assert_true(n >= sizeof want / sizeof want[0] + 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(names[n - 3 + i], platforms[i]);
        assert_null(ct_format_find(platforms[i])->parse); /* only written */
    }
    for (size_t i = 0; names[i] != NULL; i++) {
        const ct_format *f = ct_format_find(names[i]);
        assert_non_null(f);
        assert_string_equal(f->name, names[i]);
        assert_non_null(f->format);
    }
}

static void platform_blocks_are_written_and_never_read(void **state)
{
    (void)state;
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    static const char block[] = "0:00 Intro\n1:14 Talk\n2:00 End\n";
    assert_int_equal(chaptag_parse(block, sizeof block - 1, "youtube", &list, &err),
                     CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "chapter format 'youtube' can only be written");
    assert_null(list);
    /* what the platforms' writers produce reads back as text */
    assert_string_equal(chaptag_detect(block, sizeof block - 1, NULL), "text");
}

static void format_find_knows_nothing_else(void **state)
{
    (void)state;
    assert_null(ct_format_find("xml"));
    assert_null(ct_format_find(""));
    assert_null(ct_format_find("TEXTS"));
}

static void excerpts_stay_on_one_line_cut_at_a_character_even_with_nul_bytes(void **state)
{
    (void)state;
    char buf[CT_EXCERPT_SIZE];
    assert_string_equal(ct_excerpt("a\0b\tc\x7f" "d", 7, buf), "a b c d");
    assert_string_equal(ct_excerpt("", 0, buf), "");
    static const char long_line[] = "0123456789012345678901234567890123456789" "X";
    assert_string_equal(ct_excerpt(long_line, sizeof long_line - 1, buf),
                        "0123456789012345678901234567890123456789...");
    /* a 3-byte character across the 40th byte is left out whole */
    static const char wide[] = "012345678901234567890123456789012345678\xe2\x80\x94";
    assert_string_equal(ct_excerpt(wide, sizeof wide - 1, buf),
                        "012345678901234567890123456789012345678...");
}

static void detect_judges_by_content_before_the_extension(void **state)
{
    (void)state;
    static const char json[] = "  {\"version\": \"1.2.0\", \"chapters\": []}";
    static const char text[] = "00:00:00 Intro\n00:01:14 Topic\n";
    assert_string_equal(chaptag_detect(json, sizeof json - 1, "chapters.txt"), "json");
    assert_string_equal(chaptag_detect(text, sizeof text - 1, "chapters.json"), "text");
    assert_string_equal(chaptag_detect("\xef\xbb\xbf{\"chapters\":[]}", 18, NULL), "json");
}

static void detect_falls_back_to_the_extension_then_to_nothing(void **state)
{
    (void)state;
    assert_string_equal(chaptag_detect("", 0, "/x/ep7.JSON"), "json");
    assert_string_equal(chaptag_detect("hello", 5, "ep7.chapters"), "text");
    assert_string_equal(chaptag_detect("hello", 5, "notes.txt"), "text");
    assert_null(chaptag_detect("hello", 5, "ep7.mp3"));
    assert_null(chaptag_detect("hello", 5, "json"));
    assert_null(chaptag_detect("hello", 5, NULL));
    assert_null(chaptag_detect(NULL, 0, NULL));
}

/* One sample of every format, as its writer (or the reference) has it. */
static const struct {
    const char *name, *content;
} samples[] = {
    {"text", "00:00:00 Intro\n00:01:14 Topic one: details\n"},
    {"json", "{\"version\":\"1.2.0\",\"chapters\":[{\"startTime\":0}]}"},
    {"psc", "<?xml version=\"1.0\"?>\n<psc:chapters version=\"1.2\" "
            "xmlns:psc=\"http://podlove.org/simple-chapters\">\n"
            "<psc:chapter start=\"0\" title=\"Intro\"/></psc:chapters>\n"},
    {"ffmetadata", ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=A\n"},
    {"mp4chaps", "00:00:00.000 Intro\n00:01:14.000 Topic one: details\n"},
    {"audacity", "0.000000\t0.000000\tIntro\n74,5\t80,0\tRegion\n\\\t100\t200\n"},
    {"cue", "REM GENRE Podcast\nFILE \"ep7.mp3\" MP3\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n"},
    {"vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nIntro\n"},
    {"ogm", "CHAPTER01=00:00:00.000\nCHAPTER01NAME=Intro\n"},
};

static void detect_knows_every_format_by_its_content_whatever_the_name(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        const char *c = samples[i].content;
        const char *got = chaptag_detect(c, strlen(c), "chapters.json");
        if (got == NULL || strcmp(got, samples[i].name) != 0)
            fail_msg("%s detected as %s", samples[i].name, got ? got : "nothing");
        /* and every sample parses as what it was detected as */
        chaptag_chapters *list = NULL;
        chaptag_error err = {0};
        if (chaptag_parse(c, strlen(c), NULL, &list, &err) != CHAPTAG_OK)
            fail_msg("%s: %u: %s", samples[i].name, err.line, err.msg);
        chaptag_chapters_free(list);
    }
}

static void detect_takes_mp4chaps_only_when_every_time_has_three_decimals(void **state)
{
    (void)state;
    static const struct {
        const char *content, *want;
    } cases[] = {
        {"00:00:00.000 A\n# note\n\n01:02:03.500\tB\n", "mp4chaps"},
        {"00:00:00.000 A\n00:01:00 B\n", "text"},       /* a whole second is text's */
        {"00:00:00.5 A\n00:00:01.250 B\n", "text"},     /* one decimal is text's */
        {"- 00:00:00.000 A\n- 00:00:01.000 B\n", "text"}, /* bullets are text's */
        {"## total-duration: 01:00:00.000\n00:00:00 A\n", "mp4chaps"},
        {"## title: Ep 7\n00:00:00 A\n", "text"},     /* a ## comment alone says nothing */
        {"[00:00:00.000] A\n", "text"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = chaptag_detect(cases[i].content, strlen(cases[i].content), NULL);
        if (got == NULL || strcmp(got, cases[i].want) != 0)
            fail_msg("case %zu detected as %s, not %s", i, got ? got : "nothing", cases[i].want);
    }
}

static void detect_by_extension_prefers_the_longest_match(void **state)
{
    (void)state;
    static const struct {
        const char *file, *want;
    } cases[] = {
        {"ep.psc", "psc"},           {"ep.FFMETADATA", "ffmetadata"}, {"ep.ffmeta", "ffmetadata"},
        {"ep.chapters.txt", "mp4chaps"}, {"ep.txt", "text"},        {"ep.chapters", "text"},
        {"ep.cue", "cue"},           {"ep.vtt", "vtt"},               {"ep.webvtt", "vtt"},
        {"ep.json", "json"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(chaptag_detect("?", 1, cases[i].file), cases[i].want);
    /* an XML file is psc only when its content says so */
    assert_null(chaptag_detect("<a/>", 4, "ep.xml"));
}

static void parse_with_a_named_format_overrides_detection(void **state)
{
    (void)state;
    static const char mp4chaps[] = "00:00:00.000 - Intro\n";
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    assert_string_equal(chaptag_detect(mp4chaps, sizeof mp4chaps - 1, NULL), "mp4chaps");
    assert_int_equal(chaptag_parse(mp4chaps, sizeof mp4chaps - 1, NULL, &list, &err), CHAPTAG_OK);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "- Intro");
    chaptag_chapters_free(list);
    assert_int_equal(chaptag_parse(mp4chaps, sizeof mp4chaps - 1, "text", &list, &err),
                     CHAPTAG_OK);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "Intro"); /* text's separator */
    chaptag_chapters_free(list);
    list = NULL;
    assert_int_equal(chaptag_parse("WEBVTT\n", 7, "ogm", &list, &err), CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "\"WEBVTT\" is not a KEY=value line");
    assert_int_equal(err.line, 1);
    assert_null(list);
}

/* A list with one chapter of every optional field, and a gap before the second. */
static chaptag_chapters *rich_list(void)
{
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter chs[] = {
        {.start_ms = 500, .end_ms = 1000, .title = "A", .url = "https://e.x/a",
         .image = "a.jpg", .hidden = 1, .location = "{\"name\":\"X\",\"geo\":\"geo:1,2\"}"},
        {.start_ms = 2000, .end_ms = CHAPTAG_TIME_NONE, .title = "B \"q\"",
         .url = "https://e.x/b"},
    };
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(chaptag_chapters_add(list, &chs[i], NULL), CHAPTAG_OK);
    return list;
}

/* Formats LIST as FMT and returns the warnings joined by '|' in BUF. */
static const char *format_warnings(const chaptag_chapters *list, const char *fmt, char *buf,
                                   size_t size)
{
    char *out = NULL;
    chaptag_warning *w = NULL;
    size_t n = 99;
    chaptag_error err = {0};
    if (chaptag_format_with_warnings(list, fmt, 3000, &out, NULL, &w, &n, &err) != CHAPTAG_OK)
        fail_msg("%s: %s", fmt, err.msg);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? "|" : "", w[i].msg);
    free(w);
    free(out);
    return buf;
}

static void format_warns_about_every_field_the_format_cannot_keep(void **state)
{
    (void)state;
    char buf[1024];
    chaptag_chapters *list = rich_list();
    assert_string_equal(format_warnings(list, "json", buf, sizeof buf), "");
    assert_string_equal(format_warnings(list, "text", buf, sizeof buf),
                        "text keeps no end times: 1 chapter loses its end (json keeps them)|"
                        "text keeps no images: 1 chapter loses it (json keeps them)|"
                        "text keeps no hidden chapters (toc: false): 1 chapter loses it (json "
                        "keeps them)|"
                        "text keeps no locations: 1 chapter loses it (json keeps them)");
    assert_string_equal(format_warnings(list, "ogm", buf, sizeof buf),
                        "ogm keeps no end times: 1 chapter loses its end (json keeps them)|"
                        "ogm keeps no images: 1 chapter loses it (json keeps them)|"
                        "ogm keeps no hidden chapters (toc: false): 1 chapter loses it (json "
                        "keeps them)|"
                        "ogm keeps no locations: 1 chapter loses it (json keeps them)");
    assert_string_equal(format_warnings(list, "cue", buf, sizeof buf),
                        "cue times are in 1/75 s frames: starts moved by up to 7 ms to the "
                        "nearest frame|"
                        "cue strings have no escapes: \" became ' in 1 of them|"
                        "cue keeps no end times: 1 chapter loses its end (json keeps them)|"
                        "cue keeps no links: 2 chapters lose them (text keeps them)|"
                        "cue keeps no images: 1 chapter loses it (json keeps them)|"
                        "cue keeps no hidden chapters (toc: false): 1 chapter loses it (json "
                        "keeps them)|"
                        "cue keeps no locations: 1 chapter loses it (json keeps them)");
    /* picture bytes read from an audio file have no name any chapter format could keep */
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0};
    chaptag_chapter pic = {.start_ms = 2000, .end_ms = CHAPTAG_TIME_NONE, .title = "p",
                           .image_data = jpeg, .image_len = sizeof jpeg,
                           .image_mime = "image/jpeg"};
    chaptag_chapters *bytes = chaptag_chapters_new();
    assert_int_equal(chaptag_chapters_add(bytes, &pic, NULL), CHAPTAG_OK);
    assert_string_equal(format_warnings(bytes, "json", buf, sizeof buf),
                        "no chapter format holds picture bytes: 1 chapter loses its picture here "
                        "(dump --images DIR saves them as files json and psc point at)");
    chaptag_chapters_free(bytes);
    chaptag_chapters_free(list);
}

static void format_refuses_times_no_parser_would_take_back(void **state)
{
    (void)state;
    const char *const *names = chaptag_format_names();
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.start_ms = CT_TIME_MAX_MS + 1, .end_ms = CHAPTAG_TIME_NONE,
                          .title = "x"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    for (size_t i = 0; names[i] != NULL; i++) {
        char *out = NULL;
        chaptag_error err = {0};
        assert_int_equal(chaptag_format(list, names[i], CHAPTAG_TIME_NONE, &out, NULL, &err),
                         CHAPTAG_ERR_INPUT);
        assert_string_equal(err.msg, "chapter 1 starts past 100000 hours");
        assert_null(out);
    }
    chaptag_chapters_free(list);
}

static void detect_breaks_ties_by_table_order_and_lets_certainty_win(void **state)
{
    (void)state;
    /* text says maybe (a third of the lines are timed), json maybe (an object, no "chapters") */
    static const char tie[] = "{\n00:01 x\n}";
    /* text still maybe, json sure */
    static const char json[] = "{\n00:01 x\n\"chapters\"}";
    assert_int_equal(ct_fmt_text.detect(tie, sizeof tie - 1), CT_DETECT_MAYBE);
    assert_int_equal(ct_fmt_json.detect(tie, sizeof tie - 1), CT_DETECT_MAYBE);
    assert_string_equal(chaptag_detect(tie, sizeof tie - 1, NULL), "text");
    assert_string_equal(chaptag_detect(json, sizeof json - 1, NULL), "json");
}

static void parse_detects_the_format_when_none_is_given(void **state)
{
    (void)state;
    static const char json[] = "\xef\xbb\xbf{\"version\":\"1.2.0\",\"chapters\":[{\"startTime\":74}]}";
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_parse(json, sizeof json - 1, NULL, &list, &err), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_count(list), 1);
    assert_int_equal(chaptag_chapters_get(list, 0)->start_ms, 74000);
    chaptag_chapters_free(list);
}

static void parse_says_which_formats_it_tried(void **state)
{
    (void)state;
    chaptag_chapters *list = (chaptag_chapters *)&list; /* must stay untouched */
    chaptag_error err = {0};
    assert_int_equal(chaptag_parse("hello\nworld\n", 12, NULL, &list, &err), CHAPTAG_ERR_INPUT);
    /* the nine chapter-file formats first; the editors' and platforms' names follow */
    static const char tried[] = "not a chapter file in any known format (tried text, json, "
                                "psc, ffmetadata, mp4chaps, audacity, cue, vtt, ogm";
    assert_memory_equal(err.msg, tried, sizeof tried - 1);
    assert_ptr_equal(list, (chaptag_chapters *)&list);
    assert_int_equal(chaptag_parse(NULL, 0, NULL, &list, &err), CHAPTAG_ERR_INPUT);
}

static void parse_names_the_valid_formats_for_an_unknown_one(void **state)
{
    (void)state;
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_parse("00:00 A", 7, "xml", &list, &err), CHAPTAG_ERR_INPUT);
    static const char known[] = "unknown chapter format 'xml' (known: text, json, psc, "
                                "ffmetadata, mp4chaps, audacity, cue, vtt, ogm";
    assert_memory_equal(err.msg, known, sizeof known - 1);
    assert_null(list);
}

static void parse_frees_the_list_on_error_and_reports_the_line(void **state)
{
    (void)state;
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_parse("00:00:00 A\nB\n", 13, "text", &list, &err),
                     CHAPTAG_ERR_INPUT);
    assert_null(list);
    assert_int_equal(err.line, 2);
}

static void format_hands_over_a_nul_terminated_string_and_its_length(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.start_ms = 74000, .end_ms = CHAPTAG_TIME_NONE, .title = "Intro"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    char *out = NULL;
    size_t len = 0;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "text", CHAPTAG_TIME_NONE, &out, &len, &err), CHAPTAG_OK);
    assert_string_equal(out, "00:01:14 Intro\n");
    assert_int_equal(len, strlen(out));
    free(out);
    out = NULL;
    assert_int_equal(chaptag_format(list, "srt", CHAPTAG_TIME_NONE, &out, &len, &err),
                     CHAPTAG_ERR_INPUT);
    static const char known[] = "unknown chapter format 'srt' (known: text, json, psc, "
                                "ffmetadata, mp4chaps, audacity, cue, vtt, ogm";
    assert_memory_equal(err.msg, known, sizeof known - 1);
    assert_int_equal(chaptag_format(list, NULL, CHAPTAG_TIME_NONE, &out, &len, &err),
                     CHAPTAG_ERR_INPUT);
    assert_null(out);
    chaptag_chapters_free(list);
}

static void format_reports_running_out_of_memory(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.start_ms = 0, .end_ms = CHAPTAG_TIME_NONE, .title = "Intro"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    char *out = NULL;
    chaptag_error err = {0};
    ct_alloc_fail_at(1);
    assert_int_equal(chaptag_format(list, "text", CHAPTAG_TIME_NONE, &out, NULL, &err),
                     CHAPTAG_ERR_NOMEM);
    ct_alloc_fail_at(0);
    assert_null(out);
    chaptag_chapters_free(list);
}

/* ---- documents of every format, made to measure ----------------------------------------- */

/* Appends chapter K (1-based) of a document, starting at S seconds, titled TITLE. */
typedef void put_chapter_fn(ct_buf *b, size_t k, uint64_t s, const char *title);

static void put_text(ct_buf *b, size_t k, uint64_t s, const char *title)
{
    char t[CT_TIME_STR_MAX];
    (void)k;
    ct_buf_printf(b, "%s %s\n", ct_time_str(s * 1000, t), title);
}

static void put_mp4chaps(ct_buf *b, size_t k, uint64_t s, const char *title)
{
    char t[CT_TIME_STR_MAX];
    (void)k;
    ct_buf_printf(b, "%s %s\n", ct_time_str_ms(s * 1000, t), title);
}

static void put_audacity(ct_buf *b, size_t k, uint64_t s, const char *title)
{
    (void)k;
    ct_buf_printf(b, "%llu.000000\t%llu.000000\t%s\n", (unsigned long long)s, (unsigned long long)s,
                  title);
}

static void put_ffmetadata(ct_buf *b, size_t k, uint64_t s, const char *title)
{
    (void)k;
    ct_buf_printf(b, "[CHAPTER]\nTIMEBASE=1/1000\nSTART=%llu\ntitle=%s\n",
                  (unsigned long long)s * 1000, title);
}

static void put_cue(ct_buf *b, size_t k, uint64_t s, const char *title)
{
    ct_buf_printf(b, "  TRACK %02zu AUDIO\n    TITLE \"%s\"\n    INDEX 01 %02llu:%02llu:00\n", k,
                  title, (unsigned long long)(s / 60), (unsigned long long)(s % 60));
}

static void put_vtt(ct_buf *b, size_t k, uint64_t s, const char *title)
{
    char t[CT_TIME_STR_MAX], u[CT_TIME_STR_MAX];
    ct_buf_printf(b, "\n%zu\n%s --> %s\n%s\n", k, ct_time_str_ms(s * 1000, t),
                  ct_time_str_ms(s * 1000 + 500, u), title);
}

static void put_ogm(ct_buf *b, size_t k, uint64_t s, const char *title)
{
    char t[CT_TIME_STR_MAX];
    ct_buf_printf(b, "CHAPTER%05zu=%s\nCHAPTER%05zuNAME=%s\n", k, ct_time_str_ms(s * 1000, t), k,
                  title);
}

static void put_json(ct_buf *b, size_t k, uint64_t s, const char *title)
{
    ct_buf_printf(b, "%s{\"startTime\": %llu, \"title\": \"%s\"}\n", k > 1 ? "," : "",
                  (unsigned long long)s, title);
}

static void put_psc(ct_buf *b, size_t k, uint64_t s, const char *title)
{
    (void)k;
    ct_buf_printf(b, "<psc:chapter start=\"%llu\" title=\"%s\"/>\n", (unsigned long long)s, title);
}

/* How to write a document of each format, and where its chapters are: chapter K is on line
   HEAD_LINES + (K - 1) * LINES_EACH + OFFSET. */
static const struct {
    const char *fmt, *head, *tail;
    put_chapter_fn *put;
    unsigned head_lines, lines_each, offset;
    bool line_based; /* split by the line reader: a CR-only file means one line per CR */
} shapes[] = {
    {"text", "", "", put_text, 0, 1, 1, true},
    {"json", "{\"version\": \"1.2.0\", \"chapters\": [\n", "]}\n", put_json, 1, 1, 1, false},
    {"psc", "<psc:chapters version=\"1.2\" xmlns:psc=\"http://podlove.org/simple-chapters\">\n",
     "</psc:chapters>\n", put_psc, 1, 1, 1, false},
    {"ffmetadata", ";FFMETADATA1\n", "", put_ffmetadata, 1, 4, 1, true},
    {"mp4chaps", "", "", put_mp4chaps, 0, 1, 1, true},
    {"audacity", "", "", put_audacity, 0, 1, 1, true},
    {"cue", "FILE \"a.mp3\" MP3\n", "", put_cue, 1, 3, 1, true},
    {"vtt", "WEBVTT\n", "", put_vtt, 1, 4, 3, true},
    {"ogm", "", "", put_ogm, 0, 2, 1, true},
};

#define N_SHAPES (sizeof shapes / sizeof shapes[0])

/* A new NUL-terminated document of format SHAPES[F] with N chapters titled TITLE, chapter K
   starting at (K - 1) * STEP seconds; its length goes to *LEN. */
static char *make_doc(size_t f, size_t n, uint64_t step, const char *title, size_t *len)
{
    ct_buf b = CT_BUF_INIT;
    ct_buf_put_str(&b, shapes[f].head);
    for (size_t k = 1; k <= n; k++)
        shapes[f].put(&b, k, (k - 1) * step, title);
    ct_buf_put_str(&b, shapes[f].tail);
    ct_buf_put_u8(&b, 0);
    assert_true(ct_buf_ok(&b));
    size_t n_bytes;
    char *doc = (char *)ct_buf_take(&b, &n_bytes);
    *len = n_bytes - 1;
    return doc;
}

static unsigned line_of_chapter(size_t f, size_t k)
{
    return shapes[f].head_lines + (unsigned)(k - 1) * shapes[f].lines_each + shapes[f].offset;
}

/* ---- line ends ---------------------------------------------------------------------------- */

/* DOC (LEN bytes) with every LF a CR: a file saved on classic Mac OS. */
static void lf_to_cr(char *doc, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (doc[i] == '\n')
            doc[i] = '\r';
}

static void every_line_format_ends_lines_at_a_lone_cr_in_a_file_without_lf(void **state)
{
    (void)state;
    for (size_t f = 0; f < N_SHAPES; f++) {
        size_t len;
        char *doc = make_doc(f, 2, 60, "Chapter", &len);
        lf_to_cr(doc, len);
        chaptag_chapters *list = ct_test_parse(shapes[f].fmt, doc, len);
        assert_int_equal(chaptag_chapters_count(list), 2);
        for (size_t k = 1; k <= 2; k++) {
            const chaptag_chapter *ch = chaptag_chapters_get(list, k - 1);
            assert_int_equal(ch->start_ms, (k - 1) * 60000);
            assert_string_equal(ch->title, "Chapter");
            assert_int_equal(ch->line, line_of_chapter(f, k));
        }
        /* and detection sees the same lines */
        assert_string_equal(chaptag_detect(doc, len, NULL), shapes[f].fmt);
        chaptag_chapters_free(list);
        free(doc);
    }
}

static void a_cr_only_file_of_two_text_chapters_is_two_chapters(void **state)
{
    (void)state;
    static const char doc[] = "00:00:00 A\r00:01:00 B\r";
    chaptag_chapters *list = ct_test_parse(NULL, doc, sizeof doc - 1);
    assert_int_equal(chaptag_chapters_count(list), 2);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "A");
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "B");
    assert_int_equal(chaptag_chapters_get(list, 1)->line, 2);
    chaptag_chapters_free(list);
}

static void a_stray_cr_in_a_file_with_lf_stays_in_its_line_as_a_space(void **state)
{
    (void)state;
    static const char doc[] = "00:00:00 A\rB\r\n00:01:00 C\n";
    chaptag_chapters *list = ct_test_parse("text", doc, sizeof doc - 1);
    assert_int_equal(chaptag_chapters_count(list), 2);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "A B");
    assert_int_equal(chaptag_chapters_get(list, 1)->line, 2);
    chaptag_chapters_free(list);
}

static void errors_count_cr_only_lines(void **state)
{
    (void)state;
    static const char text[] = "# list\r\r00:00:00 A\rno time here\r";
    ct_test_rejects("text", text, sizeof text - 1, 4, 0,
                    "no time at the start of the line (\"no time here\")");
    static const char ogm[] = "CHAPTER01=00:01:00.000\rCHAPTER01NAME=A\r\rCHAPTER02=00:00:30.000\r";
    ct_test_rejects("ogm", ogm, sizeof ogm - 1, 4, 0, "00:00:30 is not after 00:01:00 on line 1");
    static const char json[] = "{\r\"chapters\": [\r{\"startTime\": 1},\r{\"startTime\": x}]}";
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_parse(json, sizeof json - 1, "json", &list, &err), CHAPTAG_ERR_INPUT);
    assert_int_equal(err.line, 4);
    static const char psc[] = "<psc:chapters xmlns:psc=\"http://podlove.org/simple-chapters\">\r"
                              "<psc:chapter start=\"0\" title=\"A\"/>\r<psc:chapter/>\r";
    ct_test_rejects("psc", psc, sizeof psc - 1, 3, 0, "<chapter> has no start attribute");
}

/* ---- UTF-16 ------------------------------------------------------------------------------- */

/* A new copy of the ASCII or UTF-8 TEXT as UTF-16 (BIG_ENDIAN or not), after the BOM when
   BOM; its length goes to *LEN. */
static char *to_utf16(const char *text, bool big_endian, bool bom, size_t *len)
{
    ct_buf le = CT_BUF_INIT, b = CT_BUF_INIT;
    ct_utf8_to_utf16le(text, strlen(text), &le);
    if (bom)
        ct_buf_put(&b, big_endian ? "\xfe\xff" : "\xff\xfe", 2);
    for (size_t i = 0; i + 1 < le.len; i += 2) {
        uint8_t unit[2] = {le.data[i + big_endian], le.data[i + !big_endian]};
        ct_buf_put(&b, unit, 2);
    }
    ct_buf_free(&le);
    assert_true(ct_buf_ok(&b));
    return (char *)ct_buf_take(&b, len);
}

static void parse_reads_utf16_with_a_bom_in_either_byte_order(void **state)
{
    (void)state;
    /* as Notepad saves "Unicode": CR LF, a dash, an accent and a character past U+FFFF */
    static const char text[] = "00:00:00 Intro \xe2\x80\x94 caf\xc3\xa9\r\n00:01:00 "
                               "\xf0\x9f\x8e\x99 Mic\r\n";
    for (int be = 0; be <= 1; be++) {
        size_t len;
        char *doc = to_utf16(text, be, true, &len);
        assert_string_equal(chaptag_detect(doc, len, NULL), "text");
        chaptag_chapters *list = ct_test_parse(NULL, doc, len);
        assert_int_equal(chaptag_chapters_count(list), 2);
        assert_string_equal(chaptag_chapters_get(list, 0)->title, "Intro \xe2\x80\x94 caf\xc3\xa9");
        assert_string_equal(chaptag_chapters_get(list, 1)->title, "\xf0\x9f\x8e\x99 Mic");
        assert_int_equal(chaptag_chapters_get(list, 1)->line, 2);
        assert_int_equal(chaptag_chapters_warning_count(list), 0);
        chaptag_chapters_free(list);
        free(doc);
    }
}

static void parse_reads_utf16_without_a_bom_by_its_first_line(void **state)
{
    (void)state;
    for (int be = 0; be <= 1; be++) {
        size_t len;
        char *doc = to_utf16("00:00:00 A\n00:01:00 B\xc3\xa9\n", be, false, &len);
        chaptag_chapters *list = ct_test_parse(NULL, doc, len);
        assert_int_equal(chaptag_chapters_count(list), 2);
        assert_string_equal(chaptag_chapters_get(list, 1)->title, "B\xc3\xa9");
        chaptag_chapters_free(list);
        free(doc);
    }
}

static void every_format_reads_utf16_and_detection_sees_it_decoded(void **state)
{
    (void)state;
    for (size_t f = 0; f < N_SHAPES; f++) {
        size_t len, n16;
        char *doc = make_doc(f, 2, 60, "Caf\xc3\xa9", &len);
        char *doc16 = to_utf16(doc, false, true, &n16);
        assert_string_equal(chaptag_detect(doc16, n16, NULL), shapes[f].fmt);
        chaptag_chapters *list = ct_test_parse(shapes[f].fmt, doc16, n16);
        assert_int_equal(chaptag_chapters_count(list), 2);
        assert_string_equal(chaptag_chapters_get(list, 1)->title, "Caf\xc3\xa9");
        assert_int_equal(chaptag_chapters_get(list, 1)->line, line_of_chapter(f, 2));
        chaptag_chapters_free(list);
        free(doc16);
        free(doc);
    }
}

static void psc_in_utf16_that_declares_utf16_is_read(void **state)
{
    (void)state;
    size_t len;
    char *doc = to_utf16("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
                         "<psc:chapters xmlns:psc=\"http://podlove.org/simple-chapters\">\n"
                         "<psc:chapter start=\"0\" title=\"Caf\xc3\xa9\"/></psc:chapters>\n",
                         true, true, &len);
    chaptag_chapters *list = ct_test_parse(NULL, doc, len);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "Caf\xc3\xa9");
    chaptag_chapters_free(list);
    free(doc);
}

static void parse_refuses_broken_utf16_and_utf32_saying_to_save_as_utf8(void **state)
{
    (void)state;
    /* a low surrogate alone on line 2 */
    static const char lone[] = "\xff\xfe"
                               "0\0:\0"
                               "0\0"
                               "1\0 \0A\0\n\0"
                               "0\0:\0"
                               "0\0"
                               "2\0 \0"
                               "\x00\xdc";
    ct_test_rejects(NULL, lone, sizeof lone - 1, 2, 0,
                    "UTF-16 with an unpaired surrogate at byte 26: save as UTF-8");
    /* a high surrogate at the end, then an odd last byte */
    ct_test_rejects("text", "\xfe\xff\0A\xd8\x3d", 6, 1, 0,
                    "UTF-16 with an unpaired surrogate at byte 4: save as UTF-8");
    ct_test_rejects("text", "\xfe\xff\0A\0", 5, 1, 0,
                    "UTF-16 with an odd last byte at byte 4: save as UTF-8");
    ct_test_rejects("text",
                    "\xff\xfe\0\0"
                    "0\0\0\0",
                    8, 0, 0, "UTF-32: save as UTF-8");
    ct_test_rejects(NULL,
                    "0\0\0\0"
                    "0\0\0\0"
                    ":\0\0\0",
                    12, 0, 0, "UTF-32: save as UTF-8");
    assert_null(chaptag_detect("\xff\xfe\0\xdc", 4, NULL));
    assert_string_equal(chaptag_detect("\xff\xfe\0\xdc", 4, "x.vtt"), "vtt");
}

/* ---- limits ------------------------------------------------------------------------------- */

static void every_format_reads_10000_chapters_and_refuses_the_10001st_naming_its_line(void **state)
{
    (void)state;
    for (size_t f = 0; f < N_SHAPES; f++) {
        size_t len;
        char *doc = make_doc(f, CT_CHAPTERS_MAX, 1, "C", &len);
        chaptag_chapters *list = ct_test_parse(shapes[f].fmt, doc, len);
        assert_int_equal(chaptag_chapters_count(list), CT_CHAPTERS_MAX);
        chaptag_chapters_free(list);
        free(doc);
        doc = make_doc(f, CT_CHAPTERS_MAX + 1, 1, "C", &len);
        ct_test_rejects(shapes[f].fmt, doc, len, line_of_chapter(f, CT_CHAPTERS_MAX + 1), 0,
                        "more than 10,000 chapters");
        free(doc);
    }
}

static void every_format_stops_at_the_first_repeated_start_without_reading_on(void **state)
{
    (void)state;
    for (size_t f = 0; f < N_SHAPES; f++) {
        size_t len;
        /* 100,000 chapters at 0:00: each used to be copied before the list was checked */
        char *doc = make_doc(f, 100000, 0, "A", &len);
        chaptag_chapters *list = NULL;
        chaptag_error err = {0};
        /* psc sorts its chapters before it checks them, so only the count stops it */
        bool sorted_first = strcmp(shapes[f].fmt, "psc") == 0;
        ct_alloc_fail_at(sorted_first ? 50000 : 2000);
        chaptag_status st = chaptag_parse(doc, len, shapes[f].fmt, &list, &err);
        ct_alloc_fail_at(0);
        if (st != CHAPTAG_ERR_INPUT)
            fail_msg("%s: status %d: %s", shapes[f].fmt, (int)st, err.msg);
        assert_null(list);
        if (sorted_first)
            assert_string_equal(err.msg, "more than 10,000 chapters");
        else /* the repeated start, or (vtt) the end of the first cue past it */
            assert_in_range(err.line, line_of_chapter(f, 1), line_of_chapter(f, 2));
        free(doc);
    }
    static const char text[] = "00:00:00 A\n00:00:00 A\n";
    ct_test_rejects("text", text, sizeof text - 1, 2, 0, "00:00:00 is the same start as on line 1");
}

static void every_format_takes_a_65535_byte_title_and_refuses_one_byte_more(void **state)
{
    (void)state;
    char *title = malloc(CHAPTAG_TITLE_MAX + 2);
    assert_non_null(title);
    memset(title, 'a', CHAPTAG_TITLE_MAX + 1);
    for (size_t f = 0; f < N_SHAPES; f++) {
        size_t len;
        title[CHAPTAG_TITLE_MAX] = '\0';
        char *doc = make_doc(f, 2, 60, title, &len);
        chaptag_chapters *list = ct_test_parse(shapes[f].fmt, doc, len);
        assert_int_equal(strlen(chaptag_chapters_get(list, 1)->title), CHAPTAG_TITLE_MAX);
        chaptag_chapters_free(list);
        free(doc);
        title[CHAPTAG_TITLE_MAX] = 'a';
        title[CHAPTAG_TITLE_MAX + 1] = '\0';
        doc = make_doc(f, 2, 60, title, &len);
        ct_test_rejects(shapes[f].fmt, doc, len, line_of_chapter(f, 1), 0,
                        "the title is 65536 bytes; chapter titles are at most 65535 bytes");
        free(doc);
    }
    free(title);
}

static void format_names_take_any_case_and_the_usual_aliases(void **state)
{
    (void)state;
    assert_string_equal(chaptag_format_canonical("TXT"), "text");
    assert_string_equal(chaptag_format_canonical("Json"), "json");
    assert_string_equal(chaptag_format_canonical("podcasting2"), "json");
    assert_string_equal(chaptag_format_canonical("FFMeta"), "ffmetadata");
    assert_string_equal(chaptag_format_canonical("WebVTT"), "vtt");
    assert_string_equal(chaptag_format_canonical("podlove"), "psc");
    assert_null(chaptag_format_canonical("mp3"));
    assert_null(chaptag_format_canonical(""));
    /* every name is its own canonical name, and parse takes an alias */
    for (const char *const *f = chaptag_format_names(); *f != NULL; f++)
        assert_string_equal(chaptag_format_canonical(*f), *f);
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_parse("00:00 A\n", 8, "TXT", &list, &err), CHAPTAG_OK);
    chaptag_chapters_free(list);
    assert_int_equal(chaptag_parse("00:00 A\n", 8, "nope", &list, &err), CHAPTAG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "known: text, json"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_names_take_any_case_and_the_usual_aliases),
        cmocka_unit_test(format_names_list_every_format_in_table_order),
        cmocka_unit_test(platform_blocks_are_written_and_never_read),
        cmocka_unit_test(format_find_knows_nothing_else),
        cmocka_unit_test(excerpts_stay_on_one_line_cut_at_a_character_even_with_nul_bytes),
        cmocka_unit_test(detect_judges_by_content_before_the_extension),
        cmocka_unit_test(detect_falls_back_to_the_extension_then_to_nothing),
        cmocka_unit_test(detect_breaks_ties_by_table_order_and_lets_certainty_win),
        cmocka_unit_test(detect_knows_every_format_by_its_content_whatever_the_name),
        cmocka_unit_test(detect_takes_mp4chaps_only_when_every_time_has_three_decimals),
        cmocka_unit_test(detect_by_extension_prefers_the_longest_match),
        cmocka_unit_test(parse_with_a_named_format_overrides_detection),
        cmocka_unit_test(format_warns_about_every_field_the_format_cannot_keep),
        cmocka_unit_test(format_refuses_times_no_parser_would_take_back),
        cmocka_unit_test(parse_detects_the_format_when_none_is_given),
        cmocka_unit_test(parse_says_which_formats_it_tried),
        cmocka_unit_test(parse_names_the_valid_formats_for_an_unknown_one),
        cmocka_unit_test(parse_frees_the_list_on_error_and_reports_the_line),
        cmocka_unit_test(format_hands_over_a_nul_terminated_string_and_its_length),
        cmocka_unit_test(format_reports_running_out_of_memory),
        cmocka_unit_test(every_line_format_ends_lines_at_a_lone_cr_in_a_file_without_lf),
        cmocka_unit_test(a_cr_only_file_of_two_text_chapters_is_two_chapters),
        cmocka_unit_test(a_stray_cr_in_a_file_with_lf_stays_in_its_line_as_a_space),
        cmocka_unit_test(errors_count_cr_only_lines),
        cmocka_unit_test(parse_reads_utf16_with_a_bom_in_either_byte_order),
        cmocka_unit_test(parse_reads_utf16_without_a_bom_by_its_first_line),
        cmocka_unit_test(every_format_reads_utf16_and_detection_sees_it_decoded),
        cmocka_unit_test(psc_in_utf16_that_declares_utf16_is_read),
        cmocka_unit_test(parse_refuses_broken_utf16_and_utf32_saying_to_save_as_utf8),
        cmocka_unit_test(every_format_reads_10000_chapters_and_refuses_the_10001st_naming_its_line),
        cmocka_unit_test(every_format_stops_at_the_first_repeated_start_without_reading_on),
        cmocka_unit_test(every_format_takes_a_65535_byte_title_and_refuses_one_byte_more),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
