/* The `audacity` chapter format: an Audacity label track exported as text (Audacity manual,
   "Importing and Exporting Labels"; src/LabelTrack.cpp, LabelStruct::Export and
   LabelTrack::Import; §6 of the chapter-formats reference). One label per line,
   "start<TAB>end<TAB>label" in seconds; "," or "." before the fraction, as Audacity's importer
   takes both; lines starting with a backslash (spectral data) are skipped; Audacity 1.2's
   "start<TAB>label" lines too. A region label's end (end > start) is the chapter's end, a point
   label (start == end) has none. Written with 6 decimals, the end only for a given end. */
#include "formats.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

/* A number of seconds longer than this is no time Audacity writes. */
#define NUMBER_MAX 32

/* A line starting with a backslash holds the frequencies of the label above (spectral
   data): no place for them. */
#define SPECTRAL "\\"

/* ---- parse ------------------------------------------------------------------------------ */

/* The field of [*P, END) up to the next tab (or the end); *P moves past the tab. */
static void next_field(const char **p, const char *end, const char **s, size_t *n)
{
    const char *tab = memchr(*p, '\t', (size_t)(end - *p));
    *s = *p;
    *n = (size_t)((tab != NULL ? tab : end) - *p);
    *p = tab != NULL ? tab + 1 : end;
}

/* Reads seconds S (N bytes, "," or "." before the fraction) into *MS; false when S is not
   such a number or is past CT_TIME_MAX_MS. */
static bool read_seconds(const char *s, size_t n, uint64_t *ms)
{
    return n > 0 && n <= NUMBER_MAX && ct_seconds_parse(s, n, ".,", ms) && *ms <= CT_TIME_MAX_MS;
}

/* Adds the label line [S, S + N) to LIST; TITLE is scratch space. */
static chaptag_status read_label(const char *s, size_t n, unsigned line, ct_buf *title,
                                 chaptag_chapters *list, chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE], a[CT_TIME_STR_MAX], b[CT_TIME_STR_MAX];
    const char *p = s, *end = s + n, *f, *label;
    size_t fn;
    uint64_t start, stop;
    next_field(&p, end, &f, &fn);
    if (!read_seconds(f, fn, &start))
        return ct_fail(err, CHAPTAG_ERR_INPUT, line,
                       "\"%s\" is not a start in seconds up to %u hours", ct_excerpt(f, fn, q),
                       CT_TIME_MAX_HOURS);
    label = p;
    next_field(&p, end, &f, &fn);
    if (read_seconds(f, fn, &stop)) {
        label = p;
    } else {
        stop = start; /* Audacity 1.2: no end column, the label follows the start */
    }
    if (stop < start)
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "the end %s is before the start %s",
                       ct_time_str(stop, a), ct_time_str(start, b));
    chaptag_status st = ct_field_text(label, (size_t)(end - label), line, "label", title, err);
    if (st != CHAPTAG_OK)
        return st;
    chaptag_chapter ch = {0};
    ch.start_ms = start;
    ch.end_ms = stop > start ? stop : CHAPTAG_TIME_NONE; /* a point label has no end */
    ch.title = (const char *)title->data;
    ch.line = line;
    return chaptag_chapters_add(list, &ch, err);
}

static chaptag_status audacity_parse(const char *data, size_t len, chaptag_chapters *list,
                                     chaptag_error *err)
{
    ct_lexer lx = ct_lex_make(data, len, CT_LEX_SKIP_BLANK, SPECTRAL);
    ct_buf title = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    const char *s;
    size_t n;
    while (st == CHAPTAG_OK && ct_lex_next(&lx, &s, &n))
        st = read_label(s, n, lx.line, &title, list, err);
    if (st == CHAPTAG_OK && chaptag_chapters_count(list) == 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no labels");
    ct_buf_free(&title);
    return st;
}

/* True when [*P, END) starts with digits, optionally a "." or "," and digits; moves *P past. */
static bool skip_number(const char **p, const char *end)
{
    uint64_t v;
    if (ct_time_digits(p, end, &v) == 0)
        return false;
    if (*p < end && (**p == '.' || **p == ','))
        return ++*p < end && ct_time_fraction(p, end, &v) > 0;
    return true;
}

/* True for "number<TAB>number" followed by a tab or the end of the line. */
static bool is_label_line(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    return skip_number(&p, end) && p < end && *p++ == '\t' && skip_number(&p, end) &&
           (p == end || *p == '\t' || *p == '\r');
}

/* Sure when most lines that are not blank or spectral are start<TAB>end<TAB> labels. */
static int audacity_detect(const char *data, size_t len)
{
    ct_lexer lx = ct_lex_make(data, len, CT_LEX_SKIP_BLANK, SPECTRAL);
    size_t lines = 0, labels = 0;
    const char *s;
    size_t n;
    while (ct_lex_next(&lx, &s, &n)) {
        lines++;
        labels += is_label_line(s, n);
    }
    return labels > 0 && labels > lines / 2 ? CT_DETECT_SURE : CT_DETECT_NO;
}

/* ---- format ----------------------------------------------------------------------------- */

/* Appends MS as seconds with 6 decimals, as Audacity writes them. */
static void put_seconds(ct_buf *out, uint64_t ms)
{
    ct_buf_printf(out, "%llu.%03u000", (unsigned long long)(ms / 1000), (unsigned)(ms % 1000));
}

static chaptag_status audacity_format(const chaptag_chapters *list, uint64_t duration_ms,
                                      ct_buf *out, ct_warnings *warnings, chaptag_error *err)
{
    (void)duration_ms; /* a chapter without its own end is a point label */
    (void)warnings;
    ct_buf tmp = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        bool region = ch->end_ms != CHAPTAG_TIME_NONE && ch->end_ms > ch->start_ms;
        st = ct_field_out(ch->title, i + 1, "title", &tmp, err);
        if (st != CHAPTAG_OK)
            break;
        put_seconds(out, ch->start_ms);
        ct_buf_put_u8(out, '\t');
        put_seconds(out, region ? ch->end_ms : ch->start_ms);
        ct_buf_put_u8(out, '\t');
        ct_buf_put(out, tmp.data, tmp.len);
        ct_buf_put_u8(out, '\n');
    }
    if (st == CHAPTAG_OK && !ct_buf_ok(&tmp))
        st = ct_fail_nomem(err);
    ct_buf_free(&tmp);
    return st;
}

const ct_format ct_fmt_audacity = {
    "audacity", "", CT_CARRIES_END, audacity_detect, audacity_parse, audacity_format};
