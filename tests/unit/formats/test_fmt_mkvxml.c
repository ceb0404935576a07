/* Tests of src/formats/fmt_mkvxml.c: Matroska XML chapters (chapter-formats reference §12). The
   first sample is what mkvextract 74 wrote for chapters mkvmerge had read from this writer's
   output. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "editors.h"
#include "formats.h"

static chaptag_chapters *parse_ok(const char *text)
{
    return ct_test_parse("mkvxml", text, strlen(text));
}

/* Fails unless TEXT is rejected at LINE (and COLUMN, when not 0) with exactly MSG. */
static void assert_rejected(const char *text, unsigned line, unsigned column, const char *msg)
{
    ct_test_rejects("mkvxml", text, strlen(text), line, column, msg);
}

#define HEAD "<?xml version=\"1.0\"?>\n<Chapters>\n<EditionEntry>\n"
#define TAIL "</EditionEntry>\n</Chapters>\n"

/* An atom starting at START titled TITLE, on one line. */
#define ATOM(start, title)                                                                     \
    "<ChapterAtom><ChapterTimeStart>" start "</ChapterTimeStart><ChapterDisplay>"              \
    "<ChapterString>" title "</ChapterString></ChapterDisplay></ChapterAtom>\n"

static const char mkvextract[] =
    "\xef\xbb\xbf<?xml version=\"1.0\"?>\n"
    "<!-- <!DOCTYPE Chapters SYSTEM \"matroskachapters.dtd\"> -->\n"
    "<Chapters>\n"
    "  <EditionEntry>\n"
    "    <EditionUID>16686191235959845160</EditionUID>\n"
    "    <ChapterAtom>\n"
    "      <ChapterTimeStart>00:00:00.000000000</ChapterTimeStart>\n"
    "      <ChapterTimeEnd>00:01:00.000000000</ChapterTimeEnd>\n"
    "      <ChapterUID>13782783692917799470</ChapterUID>\n"
    "      <ChapterDisplay>\n"
    "        <ChapterString>Intro &amp; &lt;hello&gt;</ChapterString>\n"
    "        <ChapterLanguage>und</ChapterLanguage>\n"
    "        <ChapLanguageIETF>und</ChapLanguageIETF>\n"
    "      </ChapterDisplay>\n"
    "    </ChapterAtom>\n"
    "    <ChapterAtom>\n"
    "      <ChapterTimeStart>00:01:01.500000000</ChapterTimeStart>\n"
    "      <ChapterFlagHidden>1</ChapterFlagHidden>\n"
    "      <ChapterUID>8895289053206709689</ChapterUID>\n"
    "      <ChapterDisplay>\n"
    "        <ChapterString>Hidden</ChapterString>\n"
    "        <ChapterLanguage>und</ChapterLanguage>\n"
    "        <ChapLanguageIETF>und</ChapLanguageIETF>\n"
    "      </ChapterDisplay>\n"
    "    </ChapterAtom>\n"
    "    <ChapterAtom>\n"
    "      <ChapterTimeStart>00:09:49.880958333</ChapterTimeStart>\n"
    "      <ChapterFlagHidden>0</ChapterFlagHidden>\n"
    "      <ChapterFlagEnabled>1</ChapterFlagEnabled>\n"
    "      <ChapterDisplay>\n"
    "        <ChapterString>Teaser\n"
    "        </ChapterString>\n"
    "        <ChapterLanguage>eng</ChapterLanguage>\n"
    "      </ChapterDisplay>\n"
    "      <ChapterDisplay>\n"
    "        <ChapterString>Avance</ChapterString>\n"
    "        <ChapterLanguage>spa</ChapterLanguage>\n"
    "      </ChapterDisplay>\n"
    "    </ChapterAtom>\n"
    "  </EditionEntry>\n"
    "</Chapters>\n";

static void mkvxml_reads_what_mkvextract_writes(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(mkvextract);
    assert_int_equal(chaptag_chapters_count(list), 3);
    const chaptag_chapter *a = chaptag_chapters_get(list, 0), *b = chaptag_chapters_get(list, 1),
                          *c = chaptag_chapters_get(list, 2);
    assert_int_equal(a->start_ms, 0);
    assert_int_equal(a->end_ms, 60000);
    assert_string_equal(a->title, "Intro & <hello>");
    assert_int_equal(a->hidden, 0);
    assert_int_equal(a->line, 6);
    assert_int_equal(b->start_ms, 61500);
    assert_int_equal(b->end_ms, CHAPTAG_TIME_NONE);
    assert_int_equal(b->hidden, 1);
    assert_int_equal(c->start_ms, 589881); /* nanoseconds round half up */
    assert_string_equal(c->title, "Teaser");  /* the first display's string, trimmed */
    assert_int_equal(c->line, 26);
    assert_int_equal(chaptag_chapters_warning_count(list), 0);
    chaptag_chapters_free(list);
}

static void mkvxml_flattens_nested_atoms_and_leaves_out_disabled_ones(void **state)
{
    (void)state;
    chaptag_chapters *list = parse_ok(
        HEAD "<ChapterAtom><ChapterTimeStart>00:00:00</ChapterTimeStart>\n"
             "<ChapterDisplay><ChapterString>Part 1</ChapterString></ChapterDisplay>\n"
             ATOM("00:00:00", "Chapter 1") ATOM("00:05:00", "Chapter 2")
             "</ChapterAtom>\n"
             "<ChapterAtom><ChapterTimeStart>00:10:00</ChapterTimeStart>"
             "<ChapterFlagEnabled>0</ChapterFlagEnabled></ChapterAtom>\n"
             ATOM("00:20:00", "Part 2")
        "</EditionEntry>\n<EditionEntry>" ATOM("00:00:00", "Other") "</EditionEntry></Chapters>");
    assert_int_equal(chaptag_chapters_count(list), 3);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "Chapter 1");
    assert_int_equal(chaptag_chapters_get(list, 0)->line, 6);
    assert_int_equal(chaptag_chapters_get(list, 1)->start_ms, 300000);
    assert_string_equal(chaptag_chapters_get(list, 2)->title, "Part 2");
    assert_int_equal(chaptag_chapters_warning_count(list), 4);
    const chaptag_warning *w[4];
    for (size_t i = 0; i < 4; i++)
        w[i] = chaptag_chapters_warning(list, i);
    assert_string_equal(w[0]->msg, "a chapter that starts with its first nested one is left out");
    assert_int_equal(w[0]->line, 4);
    assert_string_equal(w[1]->msg, "nested chapters are flattened: this one follows its parent");
    assert_int_equal(w[1]->line, 6);
    assert_string_equal(w[2]->msg, "a disabled chapter (ChapterFlagEnabled 0) is left out");
    assert_int_equal(w[2]->line, 9);
    assert_string_equal(w[3]->msg, "only the first of 2 editions is read");
    chaptag_chapters_free(list);
}

static void mkvxml_rejects_what_it_cannot_read_naming_the_line(void **state)
{
    (void)state;
    assert_rejected(HEAD ATOM("00:00:00", "A") ATOM("00:61:00", "B") TAIL, 5, 0,
                    "<ChapterTimeStart> \"00:61:00\" is not a time up to 100000 hours "
                    "(HH:MM:SS.nnnnnnnnn)");
    assert_rejected(HEAD "<ChapterAtom>\n<ChapterDisplay><ChapterString>A</ChapterString>"
                         "</ChapterDisplay></ChapterAtom>\n" TAIL,
                    4, 0, "<ChapterAtom> has no <ChapterTimeStart>");
    assert_rejected(HEAD "<ChapterAtom><ChapterTimeStart>0</ChapterTimeStart>\n"
                         "<ChapterFlagHidden>yes</ChapterFlagHidden></ChapterAtom>\n" TAIL,
                    5, 0, "<ChapterFlagHidden> is not 0 or 1");
    assert_rejected(HEAD ATOM("00:00:00", "A") "</Chapters>\n", 5, 3,
                    "not valid XML: mismatched tag");
    assert_rejected("<Tags><Tag/></Tags>", 1, 0, "the root element is <Tags>, not <Chapters>");
    assert_rejected("<Chapters/>", 0, 0, "no <EditionEntry> in <Chapters>");
    assert_rejected("<Chapters><EditionEntry/></Chapters>", 0, 0, "no chapters");
    assert_rejected(HEAD ATOM("00:01:00", "A") ATOM("00:00:30", "B") TAIL, 5, 0,
                    "00:00:30 is not after 00:01:00 on line 4");
}

static void mkvxml_detect_is_sure_of_chapters_with_an_edition(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int conf;
    } cases[] = {
        {HEAD TAIL, CT_DETECT_SURE},
        {"\n  <Chapters><EditionEntry/></Chapters>", CT_DETECT_SURE},
        {"<Tags><Tag/></Tags>", CT_DETECT_NO},
        {"<psc:chapters xmlns:psc=\"http://podlove.org/simple-chapters\"/>", CT_DETECT_NO},
        {"Chapters EditionEntry", CT_DETECT_NO},
        {"", CT_DETECT_NO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(ct_fmt_mkvxml.detect(cases[i].text, strlen(cases[i].text)),
                         cases[i].conf);
    assert_string_equal(chaptag_detect(mkvextract, sizeof mkvextract - 1, "ep.xml"), "mkvxml");
}

static void mkvxml_format_writes_what_mkvmerge_reads(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter chs[] = {
        {.start_ms = 0, .end_ms = 60000, .title = "Intro & <hello>"},
        {.start_ms = 61500, .end_ms = CHAPTAG_TIME_NONE, .title = "Hidden", .hidden = 1},
    };
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(chaptag_chapters_add(list, &chs[i], NULL), CHAPTAG_OK);
    char *out = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_format(list, "mkvxml", 120000, &out, NULL, &err), CHAPTAG_OK);
    assert_string_equal(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<!DOCTYPE Chapters SYSTEM \"matroskachapters.dtd\">\n"
                             "<Chapters>\n"
                             "  <EditionEntry>\n"
                             "    <ChapterAtom>\n"
                             "      <ChapterTimeStart>00:00:00.000000000</ChapterTimeStart>\n"
                             "      <ChapterTimeEnd>00:01:00.000000000</ChapterTimeEnd>\n"
                             "      <ChapterDisplay>\n"
                             "        <ChapterString>Intro &amp; &lt;hello&gt;</ChapterString>\n"
                             "        <ChapterLanguage>und</ChapterLanguage>\n"
                             "      </ChapterDisplay>\n"
                             "    </ChapterAtom>\n"
                             "    <ChapterAtom>\n"
                             "      <ChapterTimeStart>00:01:01.500000000</ChapterTimeStart>\n"
                             "      <ChapterFlagHidden>1</ChapterFlagHidden>\n"
                             "      <ChapterDisplay>\n"
                             "        <ChapterString>Hidden</ChapterString>\n"
                             "        <ChapterLanguage>und</ChapterLanguage>\n"
                             "      </ChapterDisplay>\n"
                             "    </ChapterAtom>\n"
                             "  </EditionEntry>\n"
                             "</Chapters>\n");
    free(out);
    chaptag_chapters_free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mkvxml_reads_what_mkvextract_writes),
        cmocka_unit_test(mkvxml_flattens_nested_atoms_and_leaves_out_disabled_ones),
        cmocka_unit_test(mkvxml_rejects_what_it_cannot_read_naming_the_line),
        cmocka_unit_test(mkvxml_detect_is_sure_of_chapters_with_an_edition),
        cmocka_unit_test(mkvxml_format_writes_what_mkvmerge_reads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
