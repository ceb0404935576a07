/* Tests of src/formats/fmt_psc.c: Podlove Simple Chapters (chapter-formats reference §4). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

#define HEAD "<psc:chapters version=\"1.2\" xmlns:psc=\"http://podlove.org/simple-chapters\">\n"
#define TAIL "</psc:chapters>\n"

static chaptag_chapters *parse_ok(const char *xml, size_t len)
{
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    if (chaptag_parse(xml, len, "psc", &list, &err) != CHAPTAG_OK)
        fail_msg("%u:%u: %s", err.line, err.column, err.msg);
    return list;
}

/* Fails unless XML is rejected at LINE and COLUMN with exactly MSG. */
static void assert_rejected(const char *xml, unsigned line, unsigned column, const char *msg)
{
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_parse(xml, strlen(xml), "psc", &list, &err), CHAPTAG_ERR_INPUT);
    assert_null(list);
    assert_string_equal(err.msg, msg);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
}

static void psc_reads_the_example_of_the_reference(void **state)
{
    (void)state;
    static const char xml[] =
        "<psc:chapters version=\"1.2\" xmlns:psc=\"http://podlove.org/simple-chapters\">\n"
        "  <psc:chapter start=\"00:00:00.000\" title=\"Intro\"/>\n"
        "  <psc:chapter start=\"00:01:14.000\" title=\"Topic one: details\" "
        "href=\"https://example.com/1\"/>\n"
        "</psc:chapters>";
    chaptag_chapters *list = parse_ok(xml, sizeof xml - 1);
    assert_int_equal(chaptag_chapters_count(list), 2);
    const chaptag_chapter *a = chaptag_chapters_get(list, 0), *b = chaptag_chapters_get(list, 1);
    assert_int_equal(a->start_ms, 0);
    assert_string_equal(a->title, "Intro");
    assert_null(a->url);
    assert_null(a->image);
    assert_int_equal(a->end_ms, CHAPTAG_TIME_NONE);
    assert_int_equal(a->line, 2);
    assert_int_equal(b->start_ms, 74000);
    assert_string_equal(b->title, "Topic one: details");
    assert_string_equal(b->url, "https://example.com/1");
    assert_int_equal(b->line, 3);
    assert_int_equal(chaptag_chapters_warning_count(list), 0);
    chaptag_chapters_free(list);
}

static void psc_reads_every_normal_play_time_of_the_spec(void **state)
{
    (void)state;
    static const char xml[] = HEAD "<psc:chapter start=\"37\" title=\"a\"/>\n"
                                   "<psc:chapter start=\"7:48\" title=\"b\"/>\n"
                                   "<psc:chapter start=\"35:12.250\" title=\"c\"/>\n"
                                   "<psc:chapter start=\"01:35:52\" title=\"d\"/>\n"
                                   "<psc:chapter start=\"05:12:03.500\" title=\"e\"/>\n"
                                   "<psc:chapter start=\"123:00:00.0005\" title=\"f\"/>\n" TAIL;
    static const uint64_t want[] = {37000, 468000, 2112250, 5752000, 18723500, 442800001};
    chaptag_chapters *list = parse_ok(xml, sizeof xml - 1);
    assert_int_equal(chaptag_chapters_count(list), 6);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(chaptag_chapters_get(list, i)->start_ms, want[i]);
    chaptag_chapters_free(list);
}

static void psc_takes_any_prefix_or_the_default_namespace(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "<chapters xmlns=\"http://podlove.org/simple-chapters\"><chapter start=\"1\" "
        "title=\"x\"/></chapters>",
        "<sc:chapters xmlns:sc=\"http://podlove.org/simple-chapters\"><sc:chapter start=\"1\" "
        "title=\"x\"/></sc:chapters>",
    };
    for (size_t i = 0; i < 2; i++) {
        chaptag_chapters *list = parse_ok(docs[i], strlen(docs[i]));
        assert_int_equal(chaptag_chapters_count(list), 1);
        assert_int_equal(chaptag_chapters_get(list, 0)->start_ms, 1000);
        chaptag_chapters_free(list);
    }
}

static void psc_reads_the_first_chapters_of_a_feed_and_nothing_else(void **state)
{
    (void)state;
    static const char xml[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<rss xmlns:psc=\"http://podlove.org/simple-chapters\" xmlns:o=\"urn:other\"><channel>\n"
        "<item><title>One</title>\n"
        "<o:chapters><o:chapter start=\"5\" title=\"other namespace\"/></o:chapters>\n"
        "<psc:chapters version=\"1.2\">\n"
        "  <psc:chapter start=\"0\" title=\"First\" image=\"https://e.x/1.jpg\"/>\n"
        "  <x><psc:chapter start=\"9\" title=\"not a child of chapters\"/></x>\n"
        "  <psc:chapter start=\"60\" title=\"Second\" href=\"\" image=\"\"/>\n"
        "</psc:chapters></item>\n"
        "<item><psc:chapters><psc:chapter start=\"1\" title=\"next item\"/></psc:chapters></item>\n"
        "</channel></rss>\n";
    chaptag_chapters *list = parse_ok(xml, sizeof xml - 1);
    assert_int_equal(chaptag_chapters_count(list), 2);
    const chaptag_chapter *a = chaptag_chapters_get(list, 0), *b = chaptag_chapters_get(list, 1);
    assert_string_equal(a->title, "First");
    assert_string_equal(a->image, "https://e.x/1.jpg");
    assert_int_equal(a->line, 6);
    assert_string_equal(b->title, "Second");
    assert_int_equal(b->start_ms, 60000);
    assert_null(b->url);   /* an empty href is no link */
    assert_null(b->image); /* nor an empty image */
    chaptag_chapters_free(list);
}

static void psc_reads_entities_and_keeps_titles_on_one_line(void **state)
{
    (void)state;
    static const char xml[] = HEAD "<psc:chapter start=\"0\" title=\" Q&amp;A &lt;live&gt; "
                                   "&quot;x&quot; &#233;&#10;t&#x9;\"/>\n" TAIL;
    chaptag_chapters *list = parse_ok(xml, sizeof xml - 1);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "Q&A <live> \"x\" \xc3\xa9 t");
    chaptag_chapters_free(list);
}

static void psc_reads_other_encodings_through_expat(void **state)
{
    (void)state;
    /* ISO-8859-1 as declared, and UTF-16LE with its BOM */
    static const char latin1[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" HEAD
                                 "<psc:chapter start=\"0\" title=\"Caf\xe9\"/>" TAIL;
    chaptag_chapters *list = parse_ok(latin1, sizeof latin1 - 1);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "Caf\xc3\xa9");
    chaptag_chapters_free(list);
    static const char ascii[] = HEAD "<psc:chapter start=\"2\" title=\"W\"/>" TAIL;
    char utf16[2 * sizeof ascii + 2] = {'\xff', '\xfe'};
    for (size_t i = 0; i < sizeof ascii - 1; i++)
        utf16[2 + 2 * i] = ascii[i];
    list = parse_ok(utf16, 2 + 2 * (sizeof ascii - 1));
    assert_int_equal(chaptag_chapters_get(list, 0)->start_ms, 2000);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "W");
    chaptag_chapters_free(list);
}

static void psc_sorts_chapters_out_of_order_as_the_spec_says_with_a_warning(void **state)
{
    (void)state;
    static const char xml[] = HEAD "<psc:chapter start=\"60\" title=\"B\"/>\n"
                                   "<psc:chapter start=\"0\" title=\"A\"/>\n"
                                   "<psc:chapter start=\"120\" title=\"C\"/>\n" TAIL;
    chaptag_chapters *list = parse_ok(xml, sizeof xml - 1);
    static const char *const want[] = {"A", "B", "C"};
    static const unsigned lines[] = {3, 2, 4};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(chaptag_chapters_get(list, i)->title, want[i]);
        assert_int_equal(chaptag_chapters_get(list, i)->line, lines[i]);
    }
    assert_int_equal(chaptag_chapters_warning_count(list), 1);
    assert_int_equal(chaptag_chapters_warning(list, 0)->line, 3);
    assert_string_equal(chaptag_chapters_warning(list, 0)->msg,
                        "chapters are not in time order (this one starts before the one on "
                        "line 2): sorted by start, as the spec says");
    chaptag_chapters_free(list);
}

static void psc_rejects_a_start_given_twice_naming_both_lines(void **state)
{
    (void)state;
    assert_rejected(HEAD "<psc:chapter start=\"1:00\" title=\"A\"/>\n"
                         "<psc:chapter start=\"0\" title=\"Z\"/>\n"
                         "<psc:chapter start=\"60\" title=\"B\"/>\n" TAIL,
                    4, 0, "00:01:00 is the same start as on line 2");
}

static void psc_warns_about_a_chapter_without_title(void **state)
{
    (void)state;
    static const char xml[] = HEAD "<psc:chapter start=\"0\"/>\n" TAIL;
    chaptag_chapters *list = parse_ok(xml, sizeof xml - 1);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "");
    assert_int_equal(chaptag_chapters_warning_count(list), 1);
    assert_int_equal(chaptag_chapters_warning(list, 0)->line, 2);
    assert_string_equal(chaptag_chapters_warning(list, 0)->msg, "chapter has no title");
    chaptag_chapters_free(list);
}

static void psc_reports_xml_errors_with_line_and_column(void **state)
{
    (void)state;
    assert_rejected(HEAD "  <psc:chapter start=\"0\" title=\"A\">\n" TAIL, 3, 3,
                    "not valid XML: mismatched tag");
    assert_rejected(HEAD "  <psc:chapter start=\"0\" title=\"A & B\"/>\n" TAIL, 2, 36,
                    "not valid XML: not well-formed (invalid token)");
    assert_rejected("", 1, 1, "not valid XML: no element found");
    assert_rejected(HEAD "<psc:chapter start=\"0\" title=\"\xff\"/>" TAIL, 2, 31,
                    "not valid XML: not well-formed (invalid token)");
}

static void psc_rejects_a_missing_or_invalid_start_at_its_element(void **state)
{
    (void)state;
    assert_rejected(HEAD
                    "<psc:chapter start=\"0\" title=\"A\"/>\n   <psc:chapter title=\"B\"/>\n" TAIL,
                    3, 4, "<chapter> has no start attribute");
    static const char *const bad[] = {"1:2:3:4", "-5", "", "1:60", "00:00:01,5", "1h", "1:00 "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char xml[256], msg[256];
        snprintf(xml, sizeof xml, HEAD " <psc:chapter start=\"%s\" title=\"x\"/>\n" TAIL, bad[i]);
        snprintf(msg, sizeof msg,
                 "start \"%s\" is not a time up to 100000 hours (write [h:]mm:ss[.fraction] or "
                 "seconds)",
                 bad[i]);
        assert_rejected(xml, 2, 2, msg);
    }
    assert_rejected(HEAD "<psc:chapter start=\"100000:00:00.001\" title=\"x\"/>" TAIL, 2, 1,
                    "start \"100000:00:00.001\" is not a time up to 100000 hours (write "
                    "[h:]mm:ss[.fraction] or seconds)");
}

static void psc_rejects_a_document_without_podlove_chapters(void **state)
{
    (void)state;
    assert_rejected("<chapters><chapter start=\"0\" title=\"A\"/></chapters>", 0, 0,
                    "no <chapters> element of the namespace http://podlove.org/simple-chapters");
    assert_rejected(HEAD TAIL, 0, 0, "no chapters");
}

static void psc_detect_is_sure_of_xml_naming_the_namespace(void **state)
{
    (void)state;
    static const char yes[] = "\n <?xml version=\"1.0\"?><rss xmlns:psc="
                              "\"http://podlove.org/simple-chapters\"/>";
    assert_int_equal(ct_fmt_psc.detect(yes, sizeof yes - 1), CT_DETECT_SURE);
    assert_int_equal(ct_fmt_psc.detect("<chapters/>", 11), CT_DETECT_NO);
    assert_int_equal(ct_fmt_psc.detect("x http://podlove.org/simple-chapters", 36), CT_DETECT_NO);
}

/* A list of chapters for the formatter tests. */
static chaptag_chapters *sample_list(void)
{
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter chs[] = {
        {.start_ms = 0, .end_ms = CHAPTAG_TIME_NONE, .title = "Q&A <live> \"quoted\" 'it'"},
        {.start_ms = 74500,
         .end_ms = 80000,
         .title = "",
         .url = "https://e.x/?a=1&b=2",
         .image = "img/\xc3\xa9.jpg",
         .hidden = 1},
        {.start_ms = 360000000001ull - 1, .end_ms = CHAPTAG_TIME_NONE, .title = "Two\nlines"},
    };
    for (size_t i = 0; i < sizeof chs / sizeof chs[0]; i++)
        assert_int_equal(chaptag_chapters_add(list, &chs[i], NULL), CHAPTAG_OK);
    return list;
}

static void psc_format_writes_escaped_attributes_and_milliseconds(void **state)
{
    (void)state;
    chaptag_chapters *list = sample_list();
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "psc", CHAPTAG_TIME_NONE, &out, NULL, &err), CHAPTAG_OK);
    assert_string_equal(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<psc:chapters version=\"1.2\" "
                             "xmlns:psc=\"http://podlove.org/simple-chapters\">\n"
                             "  <psc:chapter start=\"00:00:00.000\" title=\"Q&amp;A &lt;live&gt; "
                             "&quot;quoted&quot; &apos;it&apos;\"/>\n"
                             "  <psc:chapter start=\"00:01:14.500\" title=\"\" "
                             "href=\"https://e.x/?a=1&amp;b=2\" image=\"img/\xc3\xa9.jpg\"/>\n"
                             "  <psc:chapter start=\"100000:00:00.000\" title=\"Two lines\"/>\n"
                             "</psc:chapters>\n");
    chaptag_chapters *back = parse_ok(out, strlen(out));
    assert_string_equal(chaptag_chapters_get(back, 0)->title, "Q&A <live> \"quoted\" 'it'");
    assert_string_equal(chaptag_chapters_get(back, 1)->url, "https://e.x/?a=1&b=2");
    free(out);
    chaptag_chapters_free(back);
    chaptag_chapters_free(list);
}

static void psc_format_refuses_invalid_utf8(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {
        .start_ms = 0, .end_ms = CHAPTAG_TIME_NONE, .title = "ok", .url = "https://e.x/\xe9"};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "psc", CHAPTAG_TIME_NONE, &out, NULL, &err),
                     CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, "the href of chapter 1 is not valid UTF-8");
    assert_null(out);
    chaptag_chapters_free(list);
}

static void psc_parse_survives_every_failed_allocation(void **state)
{
    (void)state;
    static const char xml[] = HEAD "<psc:chapter start=\"60\" title=\"B\" href=\"u\"/>\n"
                                   "<psc:chapter start=\"0\" title=\"A\" image=\"i\"/>\n" TAIL;
    for (unsigned long n = 1;; n++) {
        chaptag_chapters *list = NULL;
        chaptag_error err = {0};
        ct_alloc_fail_at(n);
        chaptag_status st = chaptag_parse(xml, sizeof xml - 1, "psc", &list, &err);
        ct_alloc_fail_at(0);
        if (st == CHAPTAG_OK) {
            assert_int_equal(chaptag_chapters_count(list), 2);
            chaptag_chapters_free(list);
            break;
        }
        assert_int_equal(st, CHAPTAG_ERR_NOMEM);
        assert_null(list);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(psc_reads_the_example_of_the_reference),
        cmocka_unit_test(psc_reads_every_normal_play_time_of_the_spec),
        cmocka_unit_test(psc_takes_any_prefix_or_the_default_namespace),
        cmocka_unit_test(psc_reads_the_first_chapters_of_a_feed_and_nothing_else),
        cmocka_unit_test(psc_reads_entities_and_keeps_titles_on_one_line),
        cmocka_unit_test(psc_reads_other_encodings_through_expat),
        cmocka_unit_test(psc_sorts_chapters_out_of_order_as_the_spec_says_with_a_warning),
        cmocka_unit_test(psc_rejects_a_start_given_twice_naming_both_lines),
        cmocka_unit_test(psc_warns_about_a_chapter_without_title),
        cmocka_unit_test(psc_reports_xml_errors_with_line_and_column),
        cmocka_unit_test(psc_rejects_a_missing_or_invalid_start_at_its_element),
        cmocka_unit_test(psc_rejects_a_document_without_podlove_chapters),
        cmocka_unit_test(psc_detect_is_sure_of_xml_naming_the_namespace),
        cmocka_unit_test(psc_format_writes_escaped_attributes_and_milliseconds),
        cmocka_unit_test(psc_format_refuses_invalid_utf8),
        cmocka_unit_test(psc_parse_survives_every_failed_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
