/* The `vtt` chapter format: WebVTT chapter cues (W3C WebVTT, w3.org/TR/webvtt1, for
   <track kind="chapters">; §8 of the chapter-formats reference). A "WEBVTT" line, then blocks
   apart by blank lines: NOTE, STYLE and REGION blocks are skipped; a cue is an optional
   identifier, "start --> end" (optional settings after), and payload lines, the title (several
   lines are joined with a space). Times are [hh+:]mm:ss.ttt exactly. Every cue's end is kept as
   the chapter's end. The payload is text: &amp; &lt; &gt; &nbsp; &lrm; &rlm; are read as the
   characters they stand for, and & < > are written escaped, so a title never reads as markup
   or as "-->". Written with numeric identifiers and HH:MM:SS.mmm; every cue needs an end, so
   the last chapter needs its own end or the audio duration (an error names what is missing). */
#include "formats.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The character references of cue text. */
static const struct {
    const char *ref, *text;
} entities[] = {
    {"&amp;", "&"},
    {"&lt;", "<"},
    {"&gt;", ">"},
    {"&nbsp;", "\xc2\xa0"},
    {"&lrm;", "\xe2\x80\x8e"},
    {"&rlm;", "\xe2\x80\x8f"},
};

/* Blocks that are not cues: their first word. */
static const char *const skipped_blocks[] = {"NOTE", "STYLE", "REGION"};

/* ---- parse ------------------------------------------------------------------------------ */

/* True when line S (N bytes) is WORD alone or WORD, a blank and more. */
static bool starts_word(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    return n >= k && memcmp(s, word, k) == 0 && (n == k || ct_lex_is_blank(s[k]));
}

/* Reads a timestamp [hh+:]mm:ss.ttt at *P into *MS; false when it is not one. */
static bool read_timestamp(const char **p, const char *end, uint64_t *ms)
{
    ct_time_fields f;
    uint64_t frac;
    if (!ct_time_read_fields(p, end, &f) || f.n < 2 || *p == end || **p != '.')
        return false;
    (*p)++;
    if (ct_time_fraction(p, end, &frac) != 3)
        return false;
    /* hours have at least two digits; minutes and seconds exactly two, up to 59 */
    int m = f.n - 2; /* the minutes' field */
    if ((f.n == 3 && (f.digits[0] < 2 || f.v[0] > CT_TIME_MAX_MS / 3600000)) ||
        f.digits[m] != 2 || f.digits[m + 1] != 2 || f.v[m] > 59 || f.v[m + 1] > 59)
        return false;
    *ms = ct_time_fields_seconds(&f) * 1000 + frac;
    return *ms <= CT_TIME_MAX_MS;
}

/* Moves *P past blanks; false when there were none. */
static bool skip_blanks(const char **p, const char *end)
{
    const char *s = *p;
    while (*p < end && ct_lex_is_blank(**p))
        (*p)++;
    return *p > s;
}

/* Reads the timing line S (N bytes) into *START and *END; cue settings may follow the end. */
static chaptag_status read_timing(const char *s, size_t n, unsigned line, uint64_t *start,
                                  uint64_t *end, chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE];
    const char *p = s, *e = s + n;
    bool ok = read_timestamp(&p, e, start) && skip_blanks(&p, e) && e - p >= 3 &&
              memcmp(p, "-->", 3) == 0;
    p += ok ? 3 : 0;
    ok = ok && skip_blanks(&p, e) && read_timestamp(&p, e, end) && (p == e || ct_lex_is_blank(*p));
    if (!ok)
        return ct_fail(err, CHAPTAG_ERR_INPUT, line,
                       "\"%s\" is not a cue timing \"start --> end\" with times [hh:]mm:ss.ttt "
                       "(minutes and seconds up to 59, three decimals)",
                       ct_excerpt(s, n, q));
    return CHAPTAG_OK;
}

/* Appends the payload line S (N bytes) to OUT with its character references read. */
static void put_unescaped(ct_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k = 0;
        while (k < COUNT(entities) &&
               !(s[i] == '&' && n - i >= strlen(entities[k].ref) &&
                 memcmp(s + i, entities[k].ref, strlen(entities[k].ref)) == 0))
            k++;
        if (k < COUNT(entities)) {
            ct_buf_put_str(out, entities[k].text);
            i += strlen(entities[k].ref);
        } else {
            ct_buf_put_u8(out, (unsigned char)s[i++]);
        }
    }
}

typedef struct {
    ct_lexer lx;
    const char *s; /* the line read last, N bytes */
    size_t n;
    bool have; /* S is a line not yet used */
    ct_buf raw, title;
} vtt_reader;

/* The next line, checked to be UTF-8; false at the end. */
static bool next_line(vtt_reader *r, chaptag_status *st, chaptag_error *err)
{
    if (r->have) {
        r->have = false;
        return true;
    }
    if (!ct_lex_next(&r->lx, &r->s, &r->n))
        return false;
    if (!ct_utf8_valid(r->s, r->n)) {
        *st = ct_fail(err, CHAPTAG_ERR_INPUT, r->lx.line, "not valid UTF-8 (WebVTT is UTF-8)");
        return false;
    }
    return true;
}

/* Reads the payload lines after a timing line into R->title, joined by spaces. */
static chaptag_status read_payload(vtt_reader *r, unsigned line, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    r->raw.len = 0;
    while (next_line(r, &st, err) && !ct_lex_is_blank_line(r->s, r->n)) {
        if (ct_contains(r->s, r->n, "-->"))
            return ct_fail(err, CHAPTAG_ERR_INPUT, r->lx.line,
                           "\"-->\" in a cue's text: a blank line ends each cue");
        if (r->raw.len > 0)
            ct_buf_put_u8(&r->raw, ' ');
        put_unescaped(&r->raw, r->s, r->n);
    }
    if (st != CHAPTAG_OK)
        return st;
    if (!ct_buf_ok(&r->raw))
        return ct_fail_nomem(err);
    return ct_field_text(r->raw.len > 0 ? (const char *)r->raw.data : "", r->raw.len, line, "title",
                         &r->title, err);
}

/* Reads the cue whose first line (an identifier or its timing) was just read. */
static chaptag_status read_cue(vtt_reader *r, chaptag_chapters *list, chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE];
    chaptag_status st = CHAPTAG_OK;
    if (!ct_contains(r->s, r->n, "-->")) {
        const char *id = r->s;
        size_t id_n = r->n;
        unsigned id_line = r->lx.line;
        /* an identifier is followed by the timing line, or the block is no cue */
        if (!next_line(r, &st, err) || !ct_contains(r->s, r->n, "-->"))
            return st != CHAPTAG_OK ? st
                                    : ct_fail(err, CHAPTAG_ERR_INPUT, id_line,
                                              "\"%s\" is not a cue: no timing line after it",
                                              ct_excerpt(id, id_n, q));
    }
    chaptag_chapter ch = {0};
    ch.line = r->lx.line;
    st = read_timing(r->s, r->n, ch.line, &ch.start_ms, &ch.end_ms, err);
    if (st == CHAPTAG_OK)
        st = read_payload(r, ch.line, err);
    if (st != CHAPTAG_OK)
        return st;
    ch.title = (const char *)r->title.data;
    return chaptag_chapters_add(list, &ch, err);
}

/* Skips the lines of a block up to a blank line. */
static chaptag_status skip_block(vtt_reader *r, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    while (next_line(r, &st, err) && !ct_lex_is_blank_line(r->s, r->n))
        ;
    return st;
}

/* Reads one block, at its first line. */
static chaptag_status read_block(vtt_reader *r, chaptag_chapters *list, chaptag_error *err)
{
    for (size_t k = 0; k < COUNT(skipped_blocks); k++)
        if (starts_word(r->s, r->n, skipped_blocks[k]))
            return skip_block(r, err);
    return read_cue(r, list, err);
}

static chaptag_status vtt_parse(const char *data, size_t len, chaptag_chapters *list,
                                chaptag_error *err)
{
    vtt_reader r = {.lx = ct_lex_make(data, len, 0, NULL)};
    chaptag_status st = CHAPTAG_OK;
    if (!next_line(&r, &st, err) || !starts_word(r.s, r.n, "WEBVTT"))
        st = st != CHAPTAG_OK
                 ? st
                 : ct_fail(err, CHAPTAG_ERR_INPUT, 1, "no WEBVTT header on the first line");
    if (st == CHAPTAG_OK) /* the header block ends at the first blank line */
        st = skip_block(&r, err);
    while (st == CHAPTAG_OK && next_line(&r, &st, err))
        if (!ct_lex_is_blank_line(r.s, r.n))
            st = read_block(&r, list, err);
    if (st == CHAPTAG_OK && chaptag_chapters_count(list) == 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no cues");
    ct_buf_free(&r.raw);
    ct_buf_free(&r.title);
    return st;
}

/* Sure for a WEBVTT first line. */
static int vtt_detect(const char *data, size_t len)
{
    ct_lexer lx = ct_lex_make(data, len, 0, NULL);
    const char *s;
    size_t n;
    return ct_lex_next(&lx, &s, &n) && starts_word(s, n, "WEBVTT") ? CT_DETECT_SURE
                                                                     : CT_DETECT_NO;
}

/* ---- format ----------------------------------------------------------------------------- */

/* Appends S (N bytes) with & < > as references. */
static void put_escaped(ct_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < 3 && entities[k].text[0] != s[i])
            k++;
        if (k < 3)
            ct_buf_put_str(out, entities[k].ref);
        else
            ct_buf_put_u8(out, (unsigned char)s[i]);
    }
}

/* The end of chapter I, which every cue needs. */
static chaptag_status cue_end(const chaptag_chapters *list, size_t i, uint64_t duration_ms,
                              uint64_t *end, chaptag_error *err)
{
    char a[CT_TIME_STR_MAX], b[CT_TIME_STR_MAX];
    const chaptag_chapter *ch = chaptag_chapters_get(list, i);
    *end = chaptag_chapters_end(list, i, duration_ms);
    if (*end == CHAPTAG_TIME_NONE)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line,
                       "vtt needs the end of the last chapter: give the audio duration");
    if (*end <= ch->start_ms)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line,
                       "chapter %zu starts at %s, not before its end %s", i + 1,
                       ct_time_str(ch->start_ms, a), ct_time_str(*end, b));
    return CHAPTAG_OK;
}

static chaptag_status vtt_format(const chaptag_chapters *list, uint64_t duration_ms, ct_buf *out,
                                 ct_warnings *warnings, chaptag_error *err)
{
    (void)warnings;
    char a[CT_TIME_STR_MAX], b[CT_TIME_STR_MAX];
    ct_buf tmp = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    ct_buf_put_str(out, "WEBVTT\n");
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        uint64_t end;
        st = cue_end(list, i, duration_ms, &end, err);
        if (st == CHAPTAG_OK)
            st = ct_field_out(ch->title, i + 1, "title", &tmp, err);
        if (st != CHAPTAG_OK)
            break;
        ct_buf_printf(out, "\n%zu\n%s --> %s\n", i + 1, ct_time_str_ms(ch->start_ms, a),
                      ct_time_str_ms(end, b));
        put_escaped(out, (const char *)tmp.data, tmp.len);
        ct_buf_put_str(out, tmp.len > 0 ? "\n" : "");
    }
    if (st == CHAPTAG_OK && !ct_buf_ok(&tmp))
        st = ct_fail_nomem(err);
    ct_buf_free(&tmp);
    return st;
}

const ct_format ct_fmt_vtt = {"vtt",      ".vtt .webvtt", CT_CARRIES_END,
                              vtt_detect, vtt_parse,      vtt_format};
