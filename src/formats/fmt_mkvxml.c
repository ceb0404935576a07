/* The `mkvxml` chapter format: Matroska XML chapters as mkvtoolnix reads and writes them
   (mkvmerge --chapters, mkvextract chapters; mkvtoolnix doc "matroskachapters.dtd", Matroska
   specification §Chapters; §12 of the chapter-formats reference), read with expat. The first
   <EditionEntry> of the <Chapters> root holds <ChapterAtom>s with <ChapterTimeStart> and
   <ChapterTimeEnd> (HH:MM:SS.nnnnnnnnn, rounded half up to the millisecond),
   <ChapterFlagHidden>, <ChapterFlagEnabled> and <ChapterDisplay><ChapterString> (the first
   display's string is the title). Atoms may nest: they are flattened in document order with a
   warning, a parent that starts where its first child does left out; disabled atoms are left
   out with a warning, later editions too. Written as mkvmerge accepts it: one edition, a
   ChapterTimeStart per atom, ChapterTimeEnd for a given end, ChapterFlagHidden for a hidden
   chapter, and a display with language "und". */
#include "formats.h"
#include "xml.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"


/* Where an XML declaration ends at the latest. */
#define DECL_MAX 256

/* The atom elements whose text is read. */
enum { F_START, F_END, F_HIDDEN, F_ENABLED, F_STRING, N_FIELDS };

static const char *const field_names[N_FIELDS] = {"ChapterTimeStart", "ChapterTimeEnd",
                                                  "ChapterFlagHidden", "ChapterFlagEnabled",
                                                  "ChapterString"};

/* One atom as read, in document order. */
typedef struct {
    uint64_t start_ms, end_ms;
    bool has_start, hidden, disabled;
    size_t displays; /* <ChapterDisplay>s begun in it */
    char *title; /* the first display's string; NULL when none */
    unsigned line;
    size_t depth; /* 0 for an atom of the edition, 1 for one inside it, ... */
} atom;

typedef struct {
    XML_Parser parser;
    atom *atoms;
    size_t n_atoms, cap;
    size_t *open;   /* indexes of the atoms being read, innermost last */
    size_t n_open;
    size_t depth;   /* of the element being read */
    int editions;   /* <EditionEntry> elements begun */
    bool root_ok;   /* the root is <Chapters> */
    int field;      /* the F_* whose text is being read, or -1 */
    ct_buf text;    /* the text of FIELD */
    ct_buf title;   /* scratch space for a cleaned title */
    chaptag_status st;
    chaptag_error *err;
} reader;

/* ---- parse ------------------------------------------------------------------------------ */

static void stop(reader *r, chaptag_status st)
{
    r->st = st;
    XML_StopParser(r->parser, XML_FALSE);
}

static unsigned current_line(const reader *r)
{
    return (unsigned)XML_GetCurrentLineNumber(r->parser);
}

/* Begins a <ChapterAtom> inside the first edition. */
static void begin_atom(reader *r)
{
    atom *grown = ct_grow(r->atoms, r->n_atoms, &r->cap, sizeof *r->atoms);
    size_t *open = grown != NULL ? ct_realloc(r->open, (r->n_open + 1) * sizeof *open) : NULL;
    if (grown != NULL)
        r->atoms = grown;
    if (open == NULL) {
        stop(r, ct_fail_nomem(r->err));
        return;
    }
    r->open = open;
    if (r->n_atoms >= CT_CHAPTERS_MAX + 1) {
        stop(r, ct_fail(r->err, CHAPTAG_ERR_INPUT, current_line(r), "more than %u chapters",
                        CT_CHAPTERS_MAX));
        return;
    }
    r->atoms[r->n_atoms] = (atom){0};
    r->atoms[r->n_atoms].end_ms = CHAPTAG_TIME_NONE;
    r->atoms[r->n_atoms].line = current_line(r);
    r->atoms[r->n_atoms].depth = r->n_open;
    r->open[r->n_open++] = r->n_atoms++;
}

static void XMLCALL on_start(void *data, const char *name, const char **atts)
{
    reader *r = data;
    (void)atts;
    r->depth++;
    if (r->depth == 1) {
        r->root_ok = strcmp(name, "Chapters") == 0;
        if (!r->root_ok)
            stop(r, ct_fail(r->err, CHAPTAG_ERR_INPUT, current_line(r),
                            "the root element is <%s>, not <Chapters>", name));
        return;
    }
    if (r->depth == 2 && strcmp(name, "EditionEntry") == 0) {
        r->editions++;
        return;
    }
    if (r->editions != 1 || r->depth < 3)
        return;
    if (strcmp(name, "ChapterAtom") == 0 && r->depth == 3 + r->n_open) {
        begin_atom(r);
        return;
    }
    if (r->n_open == 0)
        return;
    atom *a = &r->atoms[r->open[r->n_open - 1]];
    if (strcmp(name, "ChapterDisplay") == 0)
        a->displays++;
    for (int k = 0; k < N_FIELDS; k++)
        if (strcmp(name, field_names[k]) == 0 && (k != F_STRING || a->displays == 1)) {
            r->field = k;
            r->text.len = 0;
        }
}

/* The text of FIELD, trimmed and NUL-terminated, in r->text. */
static const char *field_text(reader *r)
{
    const char *p = r->text.len > 0 ? (const char *)r->text.data : "";
    size_t n = r->text.len;
    ct_lex_trim(&p, &n, CT_LEX_TRIM);
    if (n > 0) /* an empty field may have no buffer yet, and memmove wants one */
        memmove(r->text.data, p, n);
    r->text.len = n;
    ct_buf_put_u8(&r->text, 0);
    return ct_buf_ok(&r->text) ? (const char *)r->text.data : NULL;
}

/* Reads the time of element NAME (text S) into *MS. */
static chaptag_status read_time(reader *r, const char *name, const char *s, uint64_t *ms)
{
    char q[CT_EXCERPT_SIZE];
    if (*s == '\0' || !ct_time_parse(s, strlen(s), ms) || *ms > CT_TIME_MAX_MS)
        return ct_fail(r->err, CHAPTAG_ERR_INPUT, current_line(r),
                       "<%s> \"%s\" is not a time up to %u hours (HH:MM:SS.nnnnnnnnn)", name,
                       ct_excerpt(s, strlen(s), q), CT_TIME_MAX_HOURS);
    return CHAPTAG_OK;
}

/* Stores the text of the field just ended in the innermost atom. */
static chaptag_status end_field(reader *r)
{
    atom *a = &r->atoms[r->open[r->n_open - 1]];
    const char *s = field_text(r);
    if (s == NULL)
        return ct_fail_nomem(r->err);
    switch (r->field) {
    case F_START:
        a->has_start = true;
        return read_time(r, field_names[F_START], s, &a->start_ms);
    case F_END:
        return read_time(r, field_names[F_END], s, &a->end_ms);
    case F_HIDDEN:
    case F_ENABLED:
        if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0)
            return ct_fail(r->err, CHAPTAG_ERR_INPUT, current_line(r), "<%s> is not 0 or 1",
                           field_names[r->field]);
        if (r->field == F_HIDDEN)
            a->hidden = s[0] == '1';
        else
            a->disabled = s[0] == '0';
        return CHAPTAG_OK;
    default: {
        chaptag_status st =
            ct_field_text(s, strlen(s), current_line(r), "title", &r->title, r->err);
        if (st != CHAPTAG_OK)
            return st;
        free(a->title);
        a->title = ct_strdup((const char *)r->title.data);
        return a->title != NULL ? CHAPTAG_OK : ct_fail_nomem(r->err);
    }
    }
}

static void XMLCALL on_end(void *data, const char *name)
{
    reader *r = data;
    chaptag_status st = CHAPTAG_OK;
    if (r->field >= 0 && strcmp(name, field_names[r->field]) == 0) {
        st = end_field(r);
        r->field = -1;
    } else if (r->n_open > 0 && strcmp(name, "ChapterAtom") == 0 &&
               r->depth == 2 + r->n_open) {
        atom *a = &r->atoms[r->open[--r->n_open]];
        if (!a->has_start)
            st = ct_fail(r->err, CHAPTAG_ERR_INPUT, a->line,
                         "<ChapterAtom> has no <ChapterTimeStart>");
    }
    if (st != CHAPTAG_OK)
        stop(r, st);
    r->depth--;
}

static void XMLCALL on_text(void *data, const char *s, int len)
{
    reader *r = data;
    if (r->field >= 0)
        ct_buf_put(&r->text, s, (size_t)len);
}

/* Feeds DATA to expat; an XML error names its line and column. */
static chaptag_status run_expat(reader *r, const char *data, size_t len)
{
    chaptag_status st = ct_xml_feed(r->parser, data, len, &r->st, r->err);
    return st == CHAPTAG_OK && !ct_buf_ok(&r->text) ? ct_fail_nomem(r->err) : st;
}

/* Adds the atoms of R to LIST, flattened, with the warnings that says. */
static chaptag_status add_atoms(const reader *r, chaptag_chapters *list, chaptag_error *err)
{
    ct_warnings *w = ct_chapters_warnings(list);
    bool nested = false;
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; st == CHAPTAG_OK && i < r->n_atoms; i++) {
        const atom *a = &r->atoms[i];
        if (a->depth > 0 && !nested) {
            ct_warn(w, a->line, "nested chapters are flattened: this one follows its parent");
            nested = true;
        }
        if (a->disabled) {
            ct_warn(w, a->line, "a disabled chapter (ChapterFlagEnabled 0) is left out");
            continue;
        }
        const atom *next = i + 1 < r->n_atoms ? &r->atoms[i + 1] : NULL;
        if (next != NULL && next->depth > a->depth && next->start_ms == a->start_ms) {
            ct_warn(w, a->line, "a chapter that starts with its first nested one is left out");
            continue;
        }
        chaptag_chapter ch = {0};
        ch.start_ms = a->start_ms;
        ch.end_ms = a->end_ms != CHAPTAG_TIME_NONE && a->end_ms > a->start_ms ? a->end_ms
                                                                              : CHAPTAG_TIME_NONE;
        ch.title = a->title;
        ch.hidden = a->hidden;
        ch.line = a->line;
        st = chaptag_chapters_add(list, &ch, err);
    }
    if (st == CHAPTAG_OK && r->editions > 1)
        ct_warn(w, 0, "only the first of %d editions is read", r->editions);
    return st;
}

/* "UTF-8" when the XML declaration of DATA names UTF-16, else NULL (the declaration decides):
   the text a format gets is never UTF-16 (chaptag_parse() decodes it), so such a declaration
   is the one of the file before, and expat would refuse the document for it. */
static const char *encoding_override(const char *data, size_t len)
{
    size_t n = len < DECL_MAX ? len : DECL_MAX;
    const char *close = n >= 5 && memcmp(data, "<?xml", 5) == 0 ? memchr(data, '>', n) : NULL;
    if (close == NULL)
        return NULL;
    for (const char *p = data; close - p >= 6; p++)
        if (strncasecmp(p, "UTF-16", 6) == 0)
            return "UTF-8";
    return NULL;
}

static chaptag_status mkvxml_parse(const char *data, size_t len, chaptag_chapters *list,
                                   chaptag_error *err)
{
    reader r = {0};
    r.err = err;
    r.field = -1;
    r.parser = XML_ParserCreate(encoding_override(data, len));
    if (r.parser == NULL)
        return ct_fail_nomem(err);
    XML_SetUserData(r.parser, &r);
    XML_SetElementHandler(r.parser, on_start, on_end);
    XML_SetCharacterDataHandler(r.parser, on_text);
    chaptag_status st = run_expat(&r, data, len);
    XML_ParserFree(r.parser);
    if (st == CHAPTAG_OK && r.editions == 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no <EditionEntry> in <Chapters>");
    if (st == CHAPTAG_OK)
        st = add_atoms(&r, list, err);
    if (st == CHAPTAG_OK && chaptag_chapters_count(list) == 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no chapters");
    for (size_t i = 0; i < r.n_atoms; i++)
        free(r.atoms[i].title);
    free(r.atoms);
    free(r.open);
    ct_buf_free(&r.text);
    ct_buf_free(&r.title);
    return st;
}

/* Sure for XML whose <Chapters> holds an <EditionEntry>. */
static int mkvxml_detect(const char *data, size_t len)
{
    size_t i = 0;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    if (i == len || data[i] != '<')
        return CT_DETECT_NO;
    return ct_contains(data, len, "<Chapters") && ct_contains(data, len, "<EditionEntry")
               ? CT_DETECT_SURE
               : CT_DETECT_NO;
}

/* ---- format ----------------------------------------------------------------------------- */

/* Appends MS as HH:MM:SS.nnnnnnnnn, as mkvextract writes times. */
static void put_time(ct_buf *out, const char *name, uint64_t ms)
{
    char t[CT_TIME_STR_MAX];
    ct_buf_printf(out, "      <%s>%s000000</%s>\n", name, ct_time_str_ms(ms, t), name);
}

/* Appends S (N bytes) with XML's special characters escaped. */
static void put_escaped(ct_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': ct_buf_put_str(out, "&amp;"); break;
        case '<': ct_buf_put_str(out, "&lt;"); break;
        case '>': ct_buf_put_str(out, "&gt;"); break;
        default: ct_buf_put_u8(out, (unsigned char)s[i]);
        }
    }
}

static chaptag_status mkvxml_format(const chaptag_chapters *list, uint64_t duration_ms,
                                    ct_buf *out, ct_warnings *warnings, chaptag_error *err)
{
    (void)duration_ms; /* players end a chapter at the next one */
    (void)warnings;
    ct_buf tmp = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    ct_buf_put_str(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<!DOCTYPE Chapters SYSTEM \"matroskachapters.dtd\">\n"
                        "<Chapters>\n"
                        "  <EditionEntry>\n");
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        st = ct_field_out(ch->title, i + 1, "title", &tmp, err);
        if (st != CHAPTAG_OK)
            break;
        ct_buf_put_str(out, "    <ChapterAtom>\n");
        put_time(out, "ChapterTimeStart", ch->start_ms);
        if (ch->end_ms != CHAPTAG_TIME_NONE && ch->end_ms > ch->start_ms)
            put_time(out, "ChapterTimeEnd", ch->end_ms);
        if (ch->hidden)
            ct_buf_put_str(out, "      <ChapterFlagHidden>1</ChapterFlagHidden>\n");
        ct_buf_put_str(out, "      <ChapterDisplay>\n        <ChapterString>");
        put_escaped(out, (const char *)tmp.data, tmp.len);
        ct_buf_put_str(out, "</ChapterString>\n"
                            "        <ChapterLanguage>und</ChapterLanguage>\n"
                            "      </ChapterDisplay>\n"
                            "    </ChapterAtom>\n");
    }
    ct_buf_put_str(out, "  </EditionEntry>\n</Chapters>\n");
    if (st == CHAPTAG_OK && !ct_buf_ok(&tmp))
        st = ct_fail_nomem(err);
    ct_buf_free(&tmp);
    return st;
}

const ct_format ct_fmt_mkvxml = {"mkvxml",      "",           CT_CARRIES_END | CT_CARRIES_HIDDEN,
                                 mkvxml_detect, mkvxml_parse, mkvxml_format};
