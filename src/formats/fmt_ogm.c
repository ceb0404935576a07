/* The `ogm` chapter format: OGM/Matroska "simple" chapters as OGMtools and mkvmerge read them,
   and the VorbisComment chapter keys of the Xiph wiki's Chapter Extension (§7 and §10 of the
   chapter-formats reference): CHAPTERnn=HH:MM:SS.mmm, CHAPTERnnNAME=title and
   CHAPTERnnURL=url, keys in any case, numbers of any digit count from 0 or 1, the lines of a
   chapter in any order: they are paired by number and the chapters ordered by it. Other
   KEY=value lines (the rest of a VorbisComment) are skipped. Written from CHAPTER01 with two
   digits, three from 100 chapters on (more digits when needed), as mkvmerge and mp4chaps -C
   write them. */
#include "formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A chapter number of more digits than this is no number a writer gives. */
#define NUMBER_DIGITS_MAX 9

/* What a CHAPTER key holds, by its suffix; the order chapters' lines are paired in. */
enum { KEY_TIME, KEY_NAME, KEY_URL, N_KINDS };

static const char *const suffixes[N_KINDS] = {"", "NAME", "URL"};

/* One CHAPTER line. */
typedef struct {
    uint64_t number;
    int kind;
    unsigned line;
    const char *value; /* in the data, N bytes */
    size_t n;
} entry;

typedef struct {
    entry *v;
    size_t n, cap;
} entries;

/* ---- parse ------------------------------------------------------------------------------ */

/* Parses KEY (N bytes) as CHAPTER<digits><suffix>: its number and kind. Returns 0 for a key
   of another field, -1 for a CHAPTER key whose number is too long, 1 for a chapter key. */
static int chapter_key(const char *key, size_t n, uint64_t *number, int *kind)
{
    const char *p = key + 7, *end = key + n;
    if (n < 8 || strncasecmp(key, "CHAPTER", 7) != 0 || !ct_is_digit(key[7]))
        return 0;
    size_t digits = ct_time_digits(&p, end, number);
    for (int k = 0; k < N_KINDS; k++) {
        size_t sn = strlen(suffixes[k]);
        if ((size_t)(end - p) == sn && strncasecmp(p, suffixes[k], sn) == 0) {
            *kind = k;
            return digits > NUMBER_DIGITS_MAX ? -1 : 1;
        }
    }
    return 0; /* CHAPTERnnSOMETHING: a key the model has no place for */
}

static bool push(entries *e, const entry *x)
{
    entry *v = ct_grow(e->v, e->n, &e->cap, sizeof *v);
    if (v == NULL)
        return false;
    e->v = v;
    e->v[e->n++] = *x;
    return true;
}

/* Reads line S (N bytes, not blank) into E when it is a chapter key. */
static chaptag_status read_line(const char *s, size_t n, unsigned line, entries *e,
                                chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE];
    const char *eq = memchr(s, '=', n);
    if (eq == NULL)
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "\"%s\" is not a KEY=value line",
                       ct_excerpt(s, n, q));
    entry x = {.line = line, .value = eq + 1, .n = (size_t)(s + n - eq - 1)};
    int r = chapter_key(s, (size_t)(eq - s), &x.number, &x.kind);
    if (r < 0)
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "the chapter number in \"%s\" is too long",
                       ct_excerpt(s, (size_t)(eq - s), q));
    if (r == 0)
        return CHAPTAG_OK;
    return push(e, &x) ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* By number, then kind (time first), then line: the lines of one chapter together. */
static int by_number(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Reads the time value of entry X into *MS: HH:MM:SS with an optional fraction. */
static chaptag_status read_time(const entry *x, uint64_t *ms, chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE];
    size_t colons = 0;
    for (size_t i = 0; i < x->n; i++)
        colons += x->value[i] == ':';
    if (colons != 2 || !ct_time_parse(x->value, x->n, ms) || *ms > CT_TIME_MAX_MS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, x->line,
                       "\"%s\" is not a time up to %u hours (write HH:MM:SS.mmm)",
                       ct_excerpt(x->value, x->n, q), CT_TIME_MAX_HOURS);
    return CHAPTAG_OK;
}

/* Adds the chapter whose lines are V[0..N) (sorted, one number) to LIST. */
static chaptag_status add_chapter(const entry *v, size_t n, ct_buf fields[N_KINDS],
                                  chaptag_chapters *list, chaptag_error *err)
{
    static const char *const what[N_KINDS] = {"time", "NAME", "URL"};
    for (size_t i = 1; i < n; i++)
        if (v[i].kind == v[i - 1].kind)
            return ct_fail(err, CHAPTAG_ERR_INPUT, v[i].line,
                           "a second %s line for chapter %llu (the first is on line %u)",
                           what[v[i].kind], (unsigned long long)v[i].number, v[i - 1].line);
    if (v[0].kind != KEY_TIME)
        return ct_fail(err, CHAPTAG_ERR_INPUT, v[0].line,
                       "chapter %llu has no time line (CHAPTERnn=HH:MM:SS.mmm)",
                       (unsigned long long)v[0].number);
    chaptag_chapter ch = {0};
    ch.end_ms = CHAPTAG_TIME_NONE;
    ch.line = v[0].line;
    ch.title = "";
    chaptag_status st = read_time(&v[0], &ch.start_ms, err);
    for (size_t i = 1; st == CHAPTAG_OK && i < n; i++)
        st = ct_field_text(v[i].value, v[i].n, v[i].line, v[i].kind == KEY_NAME ? "title" : "URL",
                           &fields[v[i].kind], err);
    for (size_t i = 1; st == CHAPTAG_OK && i < n; i++) {
        const char *f = (const char *)fields[v[i].kind].data;
        if (v[i].kind == KEY_NAME)
            ch.title = f;
        else if (f[0] != '\0')
            ch.url = f;
    }
    return st == CHAPTAG_OK ? chaptag_chapters_add(list, &ch, err) : st;
}

/* Adds the chapters of E (sorted) to LIST in number order. */
static chaptag_status add_chapters(const entries *e, chaptag_chapters *list, chaptag_error *err)
{
    ct_buf fields[N_KINDS] = {CT_BUF_INIT, CT_BUF_INIT, CT_BUF_INIT};
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0, j; st == CHAPTAG_OK && i < e->n; i = j) {
        for (j = i + 1; j < e->n && e->v[j].number == e->v[i].number; j++)
            ;
        st = add_chapter(&e->v[i], j - i, fields, list, err);
    }
    for (int k = 0; k < N_KINDS; k++)
        ct_buf_free(&fields[k]);
    return st;
}

static chaptag_status ogm_parse(const char *data, size_t len, chaptag_chapters *list,
                                chaptag_error *err)
{
    ct_lexer lx = ct_lex_make(data, len, CT_LEX_SKIP_BLANK, NULL);
    entries e = {0};
    chaptag_status st = CHAPTAG_OK;
    const char *s;
    size_t n;
    /* More CHAPTER lines than this hold a chapter number twice or more chapters than a list
       may: the chapters made of these lines alone fail, so the rest need not be kept. */
    while (st == CHAPTAG_OK && e.n <= (size_t)N_KINDS * CT_CHAPTERS_MAX &&
           ct_lex_next(&lx, &s, &n))
        st = read_line(s, n, lx.line, &e, err);
    if (st == CHAPTAG_OK && e.n == 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no CHAPTERnn= lines");
    if (st == CHAPTAG_OK) {
        qsort(e.v, e.n, sizeof *e.v, by_number);
        st = add_chapters(&e, list, err);
    }
    free(e.v);
    return st;
}

/* Sure with any CHAPTERnn= or CHAPTERnnNAME= line. */
static int ogm_detect(const char *data, size_t len)
{
    ct_lexer lx = ct_lex_make(data, len, CT_LEX_SKIP_BLANK, NULL);
    const char *s;
    size_t n;
    uint64_t number;
    int kind;
    while (ct_lex_next(&lx, &s, &n)) {
        const char *eq = memchr(s, '=', n);
        if (eq != NULL && chapter_key(s, (size_t)(eq - s), &number, &kind) > 0 && kind != KEY_URL)
            return CT_DETECT_SURE;
    }
    return CT_DETECT_NO;
}

/* ---- format ----------------------------------------------------------------------------- */

/* Digits in the chapter numbers of N chapters: 2, 3 from 100 on, more when needed. */
static int number_width(size_t n)
{
    int w = 1;
    for (size_t x = n; x >= 10; x /= 10)
        w++;
    return w < 2 ? 2 : w;
}

static chaptag_status ogm_format(const chaptag_chapters *list, uint64_t duration_ms, ct_buf *out,
                                 ct_warnings *warnings, chaptag_error *err)
{
    (void)duration_ms; /* the format has no end times */
    (void)warnings;
    char t[CT_TIME_STR_MAX];
    ct_buf tmp = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    size_t n = chaptag_chapters_count(list);
    int w = number_width(n);
    for (size_t i = 0; st == CHAPTAG_OK && i < n; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        ct_buf_printf(out, "CHAPTER%0*zu=%s\n", w, i + 1, ct_time_str_ms(ch->start_ms, t));
        st = ct_field_out(ch->title, i + 1, "title", &tmp, err);
        if (st == CHAPTAG_OK)
            ct_buf_printf(out, "CHAPTER%0*zuNAME=%s\n", w, i + 1, (const char *)tmp.data);
        if (st == CHAPTAG_OK && ch->url != NULL && ch->url[0] != '\0')
            st = ct_field_out(ch->url, i + 1, "url", &tmp, err);
        if (st == CHAPTAG_OK && ch->url != NULL && ch->url[0] != '\0')
            ct_buf_printf(out, "CHAPTER%0*zuURL=%s\n", w, i + 1, (const char *)tmp.data);
    }
    if (st == CHAPTAG_OK && !ct_buf_ok(&tmp))
        st = ct_fail_nomem(err);
    ct_buf_free(&tmp);
    return st;
}

const ct_format ct_fmt_ogm = {"ogm", "", CT_CARRIES_URL, ogm_detect, ogm_parse, ogm_format};
