/* The `psc` chapter format: Podlove Simple Chapters 1.2 (podlove/podlove-specifications,
   podlove-simple-chapters.md; §4 of the chapter-formats reference), read with expat. The first
   <chapters> element of the namespace http://podlove.org/simple-chapters (any prefix), as the
   root of a .psc file or inside a feed item, holds <chapter start title href image> elements.
   Times are Normal Play Time ("01:35:52", "7:48", "35:12.250", "37"). The spec says clients
   must sort: a file out of order is sorted by start, with a warning; a start given twice is
   still an error naming both lines. Written as HH:MM:SS.mmm, attributes XML-escaped. */
#include "formats.h"
#include "xml.h"

#include <expat.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

#define PSC_NS "http://podlove.org/simple-chapters"
/* expat names a namespaced element "URI local" with this separator; a URI has no space */
#define NS_SEP ' '
#define EL_CHAPTERS PSC_NS " chapters"
#define EL_CHAPTER PSC_NS " chapter"

/* Where an XML declaration ends at the latest. */
#define DECL_MAX 256


/* The attributes of <chapter>, in the order of the table below. */
enum { ATT_START, ATT_TITLE, ATT_HREF, ATT_IMAGE, N_ATTS };

static const char *const att_names[N_ATTS] = {"start", "title", "href", "image"};

typedef struct {
    XML_Parser parser;
    chaptag_chapters *file_order; /* the chapters as the file has them */
    size_t depth;                 /* of the element being read */
    size_t chapters_depth;        /* of the <chapters> being read; 0 outside */
    bool seen_chapters;           /* a <chapters> was read: later ones are ignored */
    ct_buf fields[N_ATTS];        /* scratch space for the cleaned attributes */
    chaptag_status st;
    chaptag_error *err;
} psc_reader;

/* ---- parse ------------------------------------------------------------------------------ */

/* The value of attribute NAME in expat's ATTS (name, value, ..., NULL), or NULL. */
static const char *attribute(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i] != NULL; i += 2)
        if (strcmp(atts[i], name) == 0)
            return atts[i + 1];
    return NULL;
}

/* Stops expat with ST, which an error record already describes. */
static void stop(psc_reader *r, chaptag_status st)
{
    r->st = st;
    XML_StopParser(r->parser, XML_FALSE);
}

/* The start attribute S in ms, or an error at LINE and COLUMN. */
static chaptag_status read_start(const char *s, unsigned line, unsigned column, uint64_t *ms,
                                 chaptag_error *err)
{
    if (s == NULL)
        return ct_fail_at(err, CHAPTAG_ERR_INPUT, line, column, "<chapter> has no start attribute");
    char q[CT_EXCERPT_SIZE];
    if (!ct_time_parse(s, strlen(s), ms) || *ms > CT_TIME_MAX_MS)
        return ct_fail_at(err, CHAPTAG_ERR_INPUT, line, column,
                          "start \"%s\" is not a time up to %u hours "
                          "(write [h:]mm:ss[.fraction] or seconds)",
                          ct_excerpt(s, strlen(s), q), CT_TIME_MAX_HOURS);
    return CHAPTAG_OK;
}

/* Adds the <chapter> with attributes ATTS to the chapters in file order. */
static chaptag_status read_chapter(psc_reader *r, const char **atts)
{
    unsigned line = (unsigned)XML_GetCurrentLineNumber(r->parser);
    unsigned column = (unsigned)XML_GetCurrentColumnNumber(r->parser) + 1;
    chaptag_chapter ch = {0};
    ch.end_ms = CHAPTAG_TIME_NONE;
    ch.line = line;
    const char *v[N_ATTS];
    for (size_t k = 0; k < N_ATTS; k++)
        v[k] = attribute(atts, att_names[k]);
    chaptag_status st = read_start(v[ATT_START], line, column, &ch.start_ms, r->err);
    for (size_t k = ATT_TITLE; st == CHAPTAG_OK && k < N_ATTS; k++)
        if (v[k] != NULL)
            st = ct_field_text(v[k], strlen(v[k]), line, att_names[k], &r->fields[k], r->err);
    if (st != CHAPTAG_OK)
        return st;
    /* an empty href or image is none, as in JSON */
    const char *f[N_ATTS];
    for (size_t k = ATT_TITLE; k < N_ATTS; k++)
        f[k] =
            v[k] != NULL && r->fields[k].data[0] != '\0' ? (const char *)r->fields[k].data : NULL;
    ch.title = f[ATT_TITLE];
    ch.url = f[ATT_HREF];
    ch.image = f[ATT_IMAGE];
    if (ch.title == NULL) /* required by the spec, but a title is never essential */
        ct_warn(ct_chapters_warnings(r->file_order), line, "chapter has no title");
    return chaptag_chapters_add(r->file_order, &ch, r->err);
}

static void XMLCALL on_start(void *data, const char *name, const char **atts)
{
    psc_reader *r = data;
    r->depth++;
    if (strcmp(name, EL_CHAPTERS) == 0 && r->chapters_depth == 0 && !r->seen_chapters) {
        r->chapters_depth = r->depth;
        r->seen_chapters = true;
    } else if (strcmp(name, EL_CHAPTER) == 0 && r->chapters_depth != 0 &&
               r->depth == r->chapters_depth + 1) {
        chaptag_status st = read_chapter(r, atts);
        if (st != CHAPTAG_OK)
            stop(r, st);
    }
}

static void XMLCALL on_end(void *data, const char *name)
{
    psc_reader *r = data;
    (void)name;
    if (r->depth == r->chapters_depth)
        r->chapters_depth = 0;
    r->depth--;
}

/* Feeds DATA to expat; an XML error names its line and column. */
static chaptag_status run_expat(psc_reader *r, const char *data, size_t len)
{
    return ct_xml_feed(r->parser, data, len, &r->st, r->err);
}

/* A chapter's start and its place in the file, for sorting. */
typedef struct {
    uint64_t start_ms;
    size_t index;
} start_key;

/* By start, then by place in the file: a stable order whatever qsort() does. */
static int by_start(const void *a, const void *b)
{
    const start_key *x = a, *y = b;
    if (x->start_ms != y->start_ms)
        return x->start_ms < y->start_ms ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The first chapter of FROM that starts before the one before it, for the warning. */
static size_t first_out_of_order(const chaptag_chapters *from)
{
    size_t i = 1;
    while (chaptag_chapters_get(from, i)->start_ms >= chaptag_chapters_get(from, i - 1)->start_ms)
        i++;
    return i;
}

/* Adds the chapters of FROM to OUT sorted by start, warning when that changed their order. */
static chaptag_status add_sorted(const chaptag_chapters *from, chaptag_chapters *out,
                                 chaptag_error *err)
{
    size_t n = chaptag_chapters_count(from);
    start_key *order = ct_calloc(n, sizeof *order);
    if (order == NULL)
        return ct_fail_nomem(err);
    for (size_t i = 0; i < n; i++)
        order[i] = (start_key){chaptag_chapters_get(from, i)->start_ms, i};
    qsort(order, n, sizeof *order, by_start);
    size_t moved = 0;
    while (moved < n && order[moved].index == moved)
        moved++;
    if (moved < n) {
        size_t k = first_out_of_order(from);
        ct_warn(ct_chapters_warnings(out), chaptag_chapters_get(from, k)->line,
                "chapters are not in time order (this one starts before the one on line %u): "
                "sorted by start, as the spec says",
                chaptag_chapters_get(from, k - 1)->line);
    }
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; st == CHAPTAG_OK && i < n; i++)
        st = chaptag_chapters_add(out, chaptag_chapters_get(from, order[i].index), err);
    free(order);
    return st;
}

/* The encoding to read DATA in against its XML declaration, or NULL to go by the document:
   "UTF-8" when the declaration names UTF-16. The text a format gets is never UTF-16
   (chaptag_parse() decodes it), so such a declaration is the one of the file before, and expat
   would refuse the document for it. */
static const char *encoding_override(const char *data, size_t len)
{
    static const char key[] = "encoding";
    const char *end = data + (len < DECL_MAX ? len : DECL_MAX);
    if (len < 5 || memcmp(data, "<?xml", 5) != 0)
        return NULL;
    for (const char *p = data; end - p > (ptrdiff_t)sizeof key; p++) {
        if (p[0] == '?' && p[1] == '>')
            return NULL;
        if (memcmp(p, key, sizeof key - 1) != 0)
            continue;
        p += sizeof key - 1;
        while (p < end && (*p == ' ' || *p == '=' || *p == '"' || *p == '\''))
            p++;
        return end - p >= 6 && strncasecmp(p, "UTF-16", 6) == 0 ? "UTF-8" : NULL;
    }
    return NULL;
}

/* Reads DATA into R->file_order. */
static chaptag_status read_document(psc_reader *r, const char *data, size_t len)
{
    r->parser = XML_ParserCreateNS(encoding_override(data, len), NS_SEP);
    if (r->parser == NULL)
        return ct_fail_nomem(r->err);
    XML_SetUserData(r->parser, r);
    XML_SetElementHandler(r->parser, on_start, on_end);
    chaptag_status st = run_expat(r, data, len);
    XML_ParserFree(r->parser);
    if (st == CHAPTAG_OK && !r->seen_chapters)
        st = ct_fail(r->err, CHAPTAG_ERR_INPUT, 0, "no <chapters> element of the namespace %s",
                     PSC_NS);
    if (st == CHAPTAG_OK && chaptag_chapters_count(r->file_order) == 0)
        st = ct_fail(r->err, CHAPTAG_ERR_INPUT, 0, "no chapters");
    return st;
}

static chaptag_status psc_parse(const char *data, size_t len, chaptag_chapters *list,
                                chaptag_error *err)
{
    psc_reader r = {0};
    r.err = err;
    r.file_order = chaptag_chapters_new();
    if (r.file_order == NULL)
        return ct_fail_nomem(err);
    /* kept in file order to be sorted, but no longer than a list may be */
    ct_chapters_check(r.file_order, CT_CHECK_COUNT);
    chaptag_status st = read_document(&r, data, len);
    ct_warnings_append(ct_chapters_warnings(list), ct_chapters_warnings(r.file_order));
    if (st == CHAPTAG_OK)
        st = add_sorted(r.file_order, list, err);
    for (size_t k = 0; k < N_ATTS; k++)
        ct_buf_free(&r.fields[k]);
    chaptag_chapters_free(r.file_order);
    return st;
}

/* Sure for XML that names the PSC namespace. */
static int psc_detect(const char *data, size_t len)
{
    size_t i = 0;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    if (i == len || data[i] != '<')
        return CT_DETECT_NO;
    return ct_contains(data + i, len - i, PSC_NS) ? CT_DETECT_SURE : CT_DETECT_NO;
}

/* ---- format ----------------------------------------------------------------------------- */

/* XML's five special characters in attribute values; the rest of a cleaned string is safe. */
static const struct {
    char c;
    const char *entity;
} escapes[] = {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&apos;"}};

static void put_escaped(ct_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < sizeof escapes / sizeof escapes[0] && escapes[k].c != s[i])
            k++;
        if (k < sizeof escapes / sizeof escapes[0])
            ct_buf_put_str(out, escapes[k].entity);
        else
            ct_buf_put_u8(out, (unsigned char)s[i]);
    }
}

/* Appends ` NAME="VALUE"` for field VALUE of chapter INDEX, unless it is NULL or (ALWAYS
   false) empty; TMP is scratch space. */
static chaptag_status put_attribute(ct_buf *out, const char *name, const char *value, bool always,
                                    size_t index, ct_buf *tmp, chaptag_error *err)
{
    if (value == NULL || (value[0] == '\0' && !always))
        value = always ? "" : NULL;
    if (value == NULL)
        return CHAPTAG_OK;
    chaptag_status st = ct_field_out(value, index, name, tmp, err);
    if (st != CHAPTAG_OK)
        return st;
    ct_buf_printf(out, " %s=\"", name);
    put_escaped(out, (const char *)tmp->data, tmp->len);
    ct_buf_put_u8(out, '"');
    return CHAPTAG_OK;
}

static chaptag_status psc_format(const chaptag_chapters *list, uint64_t duration_ms, ct_buf *out,
                                 ct_warnings *warnings, chaptag_error *err)
{
    (void)duration_ms; /* PSC has no end times */
    (void)warnings;
    char t[CT_TIME_STR_MAX];
    ct_buf tmp = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    ct_buf_put_str(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<psc:chapters version=\"1.2\" xmlns:psc=\"" PSC_NS "\">\n");
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        ct_buf_printf(out, "  <psc:chapter start=\"%s\"", ct_time_str_ms(ch->start_ms, t));
        /* title is required by the spec, so it is written even when empty */
        st = put_attribute(out, "title", ch->title, true, i + 1, &tmp, err);
        if (st == CHAPTAG_OK)
            st = put_attribute(out, "href", ch->url, false, i + 1, &tmp, err);
        if (st == CHAPTAG_OK)
            st = put_attribute(out, "image", ch->image, false, i + 1, &tmp, err);
        ct_buf_put_str(out, "/>\n");
    }
    ct_buf_put_str(out, "</psc:chapters>\n");
    if (st == CHAPTAG_OK && !ct_buf_ok(&tmp))
        st = ct_fail_nomem(err);
    ct_buf_free(&tmp);
    return st;
}

const ct_format ct_fmt_psc = {"psc",      ".psc",    CT_CARRIES_URL | CT_CARRIES_IMAGE,
                              psc_detect, psc_parse, psc_format};
