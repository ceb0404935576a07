/* The `csv` chapter format: a plain Title,Timestamp list, as the Podcast Chapters app imports
   and exports it (§12 of the chapter-formats reference: "Title,mm:ss" per line), read as
   RFC 4180 comma-separated values: a field in double quotes may hold commas, doubled quotes
   and line breaks. A first row naming the columns (title or name; timestamp, time or start;
   any case, any order, other columns ignored) says where they are; without one each row is
   title, time. Times are [[H:]MM:]SS[.fraction]. Written as a Title,Timestamp header and one
   row per chapter, HH:MM:SS (.mmm when not whole), a title quoted when it holds a comma or a
   quote. */
#include "formats.h"

#include <string.h>
#include <strings.h>

#include "text.h"

/* The columns of a row looked at; later ones are counted but not kept. */
#define MAX_FIELDS 16

/* Names of the two columns a header row may give, compared in any case. */
static const char *const title_names[] = {"title", "name", "chapter", "chapter title"};
static const char *const time_names[] = {"timestamp", "time", "start", "start time"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The text still to read and the line it is on. */
typedef struct {
    const char *p, *end;
    unsigned line;
} cursor;

/* One row: its fields unquoted, each NUL-terminated in TEXT at OFF[i]. */
typedef struct {
    ct_buf text;
    size_t off[MAX_FIELDS];
    size_t n;      /* fields in the row, kept or not */
    unsigned line; /* where it starts */
} row;

static const char *field(const row *r, size_t i)
{
    return (const char *)r->text.data + r->off[i];
}

/* ---- reading rows ------------------------------------------------------------------------ */

/* Reads the quoted field at C (at its opening quote) into R->text. */
static chaptag_status read_quoted(cursor *c, row *r, chaptag_error *err)
{
    unsigned line = c->line;
    for (c->p++;; c->p++) {
        if (c->p == c->end)
            return ct_fail(err, CHAPTAG_ERR_INPUT, line, "a quoted field has no closing quote");
        if (*c->p == '"' && c->end - c->p > 1 && c->p[1] == '"') {
            c->p++;
        } else if (*c->p == '"') {
            c->p++;
            break;
        }
        c->line += *c->p == '\n';
        ct_buf_put_u8(&r->text, (unsigned char)*c->p);
    }
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r'))
        c->p++;
    if (c->p < c->end && *c->p != ',' && *c->p != '\n')
        return ct_fail(err, CHAPTAG_ERR_INPUT, c->line,
                       "text after a closing quote (write a quote inside quotes as \"\")");
    return CHAPTAG_OK;
}

/* Reads the next row at C into R; false at the end of the text. */
static bool read_row(cursor *c, row *r, chaptag_status *st, chaptag_error *err)
{
    r->text.len = 0;
    r->n = 0;
    r->line = c->line;
    *st = CHAPTAG_OK;
    if (c->p >= c->end)
        return false;
    for (;;) {
        if (r->n < MAX_FIELDS)
            r->off[r->n] = r->text.len;
        const char *s = c->p;
        while (s < c->end && (*s == ' ' || *s == '\t'))
            s++;
        if (s < c->end && *s == '"') {
            c->p = s;
            *st = read_quoted(c, r, err);
            if (*st != CHAPTAG_OK)
                return true;
        } else {
            while (c->p < c->end && *c->p != ',' && *c->p != '\n')
                ct_buf_put_u8(&r->text, (unsigned char)*c->p++);
        }
        ct_buf_put_u8(&r->text, 0);
        r->n++;
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end) {
            c->p++;
            c->line++;
        }
        break;
    }
    if (!ct_buf_ok(&r->text))
        *st = ct_fail_nomem(err);
    return true;
}

/* True for a row of one blank field. */
static bool is_blank_row(const row *r)
{
    return r->n == 1 && ct_lex_is_blank_line(field(r, 0), strlen(field(r, 0)));
}

/* ---- columns and times ------------------------------------------------------------------- */

/* The field S without outer whitespace, in *P and *N. */
static void trimmed(const char *s, const char **p, size_t *n)
{
    *p = s;
    *n = strlen(s);
    ct_lex_trim(p, n, CT_LEX_TRIM);
}

/* True when the field S is one of NAMES, in any case. */
static bool is_name(const char *s, const char *const *names, size_t n_names)
{
    const char *p;
    size_t n;
    trimmed(s, &p, &n);
    for (size_t k = 0; k < n_names; k++)
        if (strlen(names[k]) == n && strncasecmp(p, names[k], n) == 0)
            return true;
    return false;
}

/* True when R names a title and a time column; their places go to *TITLE and *TIME. */
static bool read_header(const row *r, size_t *title, size_t *time)
{
    size_t n = r->n < MAX_FIELDS ? r->n : MAX_FIELDS;
    bool has_title = false, has_time = false;
    for (size_t i = 0; i < n; i++) {
        if (!has_title && is_name(field(r, i), title_names, COUNT(title_names))) {
            *title = i;
            has_title = true;
        } else if (!has_time && is_name(field(r, i), time_names, COUNT(time_names))) {
            *time = i;
            has_time = true;
        }
    }
    return has_title && has_time;
}

/* Reads the time field S into *MS; false when it is no time up to CT_TIME_MAX_MS. */
static bool read_time(const char *s, uint64_t *ms)
{
    const char *p;
    size_t n;
    trimmed(s, &p, &n);
    return n > 0 && ct_time_parse(p, n, ms) && *ms <= CT_TIME_MAX_MS;
}

/* ---- parse ------------------------------------------------------------------------------ */

/* Adds the chapter of row R (columns TITLE and TIME) to LIST; TMP is scratch space. */
static chaptag_status read_chapter(const row *r, size_t title, size_t time, ct_buf *tmp,
                                   chaptag_chapters *list, chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE];
    size_t need = (title > time ? title : time) + 1;
    if (r->n < need)
        return ct_fail(err, CHAPTAG_ERR_INPUT, r->line,
                       "%zu field%s where a title and a time are expected (Title,Timestamp)",
                       r->n, r->n == 1 ? "" : "s");
    chaptag_chapter ch = {0};
    ch.end_ms = CHAPTAG_TIME_NONE;
    ch.line = r->line;
    const char *t;
    size_t tn;
    trimmed(field(r, time), &t, &tn);
    if (!read_time(t, &ch.start_ms))
        return ct_fail(err, CHAPTAG_ERR_INPUT, r->line,
                       "\"%s\" is not a time up to %u hours ([H:]MM:SS[.mmm])",
                       ct_excerpt(t, tn, q), CT_TIME_MAX_HOURS);
    chaptag_status st =
        ct_field_text(field(r, title), strlen(field(r, title)), r->line, "title", tmp, err);
    if (st != CHAPTAG_OK)
        return st;
    ch.title = (const char *)tmp->data;
    return chaptag_chapters_add(list, &ch, err);
}

static chaptag_status csv_parse(const char *data, size_t len, chaptag_chapters *list,
                                chaptag_error *err)
{
    cursor c = {data, data + len, 1};
    row r = {CT_BUF_INIT, {0}, 0, 0};
    ct_buf tmp = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    size_t title = 0, time = 1;
    bool first = true;
    while (st == CHAPTAG_OK && read_row(&c, &r, &st, err)) {
        if (st != CHAPTAG_OK || is_blank_row(&r))
            continue;
        if (first && read_header(&r, &title, &time)) {
            first = false;
            continue;
        }
        first = false;
        st = read_chapter(&r, title, time, &tmp, list, err);
    }
    if (st == CHAPTAG_OK && chaptag_chapters_count(list) == 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no chapters");
    ct_buf_free(&r.text);
    ct_buf_free(&tmp);
    return st;
}

/* Sure of a Title,Timestamp header; likely when most rows are text,time. */
static int csv_detect(const char *data, size_t len)
{
    cursor c = {data, data + len, 1};
    row r = {CT_BUF_INIT, {0}, 0, 0};
    chaptag_status st;
    size_t rows = 0, pairs = 0, title, time;
    uint64_t ms;
    int conf = CT_DETECT_NO;
    while (read_row(&c, &r, &st, NULL) && st == CHAPTAG_OK) {
        if (is_blank_row(&r))
            continue;
        if (rows++ == 0 && read_header(&r, &title, &time)) {
            conf = CT_DETECT_SURE;
            break;
        }
        pairs += r.n == 2 && read_time(field(&r, 1), &ms) && !read_time(field(&r, 0), &ms);
    }
    ct_buf_free(&r.text);
    if (conf == CT_DETECT_NO && pairs > 0 && pairs > rows / 2)
        conf = CT_DETECT_LIKELY;
    return conf;
}

/* ---- format ----------------------------------------------------------------------------- */

/* Appends the title S (N bytes, one line), quoted when it holds a comma or a quote. */
static void put_title(ct_buf *out, const char *s, size_t n)
{
    if (memchr(s, ',', n) == NULL && memchr(s, '"', n) == NULL) {
        ct_buf_put(out, s, n);
        return;
    }
    ct_buf_put_u8(out, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            ct_buf_put_u8(out, '"');
        ct_buf_put_u8(out, (unsigned char)s[i]);
    }
    ct_buf_put_u8(out, '"');
}

static chaptag_status csv_format(const chaptag_chapters *list, uint64_t duration_ms, ct_buf *out,
                                 ct_warnings *warnings, chaptag_error *err)
{
    (void)duration_ms; /* no end times */
    (void)warnings;
    char t[CT_TIME_STR_MAX];
    ct_buf tmp = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    ct_buf_put_str(out, "Title,Timestamp\n");
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        st = ct_field_out(ch->title, i + 1, "title", &tmp, err);
        if (st != CHAPTAG_OK)
            break;
        put_title(out, (const char *)tmp.data, tmp.len);
        ct_buf_printf(out, ",%s\n", ct_time_str(ch->start_ms, t));
    }
    if (st == CHAPTAG_OK && !ct_buf_ok(&tmp))
        st = ct_fail_nomem(err);
    ct_buf_free(&tmp);
    return st;
}

const ct_format ct_fmt_csv = {"csv", ".csv", 0, csv_detect, csv_parse, csv_format};
