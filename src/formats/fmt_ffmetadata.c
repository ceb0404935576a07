/* The `ffmetadata` chapter format: FFmpeg's FFMETADATA1 (doc/metadata.texi; reader
   libavformat/ffmetadec.c, writer libavformat/ffmetaenc.c; §5 of the chapter-formats
   reference). A ";FFMETADATA1" line, global key=value lines, then [CHAPTER] sections that open
   with an optional TIMEBASE=num/den, START= and an optional END=, then key=value lines
   (title=). A backslash escapes the next byte, a newline too (so a value continues on the next
   line); ; and # start a comment only at the start of a line. Without TIMEBASE the time base
   is 1/1000000000, as ffmetadec.c has it (older documentation says ms). END is kept as the
   chapter's end. Written as ffmetaenc.c writes it, with TIMEBASE=1/1000 and every END. */
#include "formats.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* FFmpeg reads TIMEBASE with %d and times as int64: beyond these, nothing it would read. */
#define TIMEBASE_MAX 2147483647u
#define TICKS_DIGITS_MAX 18

/* Global keys kept as list metadata: the FFmpeg key and the model's key. */
static const struct {
    const char *ffmpeg, *model;
} meta_keys[] = {
    {"title", "title"},
    {"artist", "artist"},
    {"album", "album"},
    {"date", "year"},
    {"album_artist", "album-artist"},
};

/* One logical line: raw bytes (escapes still in), and the file line it starts on. */
typedef struct {
    const char *s;
    size_t n;
    unsigned line;
} logical_line;

/* ---- parse ------------------------------------------------------------------------------ */

/* The next logical line: a backslash escapes the next byte, so an escaped newline belongs
   to the line. False at the end of the data. */
static bool next_line(ct_lexer *lx, logical_line *out)
{
    if (!ct_lex_next(lx, &out->s, &out->n))
        return false;
    out->line = lx->line;
    return true;
}

/* Where the first = that no backslash escapes is in L, or NULL. */
static const char *find_equals(const logical_line *l)
{
    for (const char *q = l->s, *end = l->s + l->n; q < end; q++) {
        if (*q == '\\')
            q++;
        else if (*q == '=')
            return q;
    }
    return NULL;
}

/* Appends [S, END) to OUT without its backslashes (each keeps the byte after it), as
   ffmetadec.c's unescape() does; then a NUL. */
static void unescape(const char *s, const char *end, ct_buf *out)
{
    out->len = 0;
    for (; s < end; s++) {
        if (*s == '\\') {
            if (++s == end)
                break;
            if (end - s > 1 && s[0] == '\r' && s[1] == '\n')
                s++; /* an escaped CR LF is one escaped newline */
        }
        ct_buf_put_u8(out, (unsigned char)*s);
    }
    ct_buf_put_u8(out, 0);
}

/* Reads the decimal number [S, S + N) (at most MAX_DIGITS digits, at most 19, so it fits)
   into *V, exactly: ticks of a nanosecond time base go far past what a time field holds. */
static bool read_number(const char *s, size_t n, size_t max_digits, uint64_t *v)
{
    const char *p = s;
    return n > 0 && n <= max_digits && ct_time_digits(&p, s + n, v) == n;
}

/* TICKS in time base NUM/DEN as ms, rounded half up, without overflow: the product
   TICKS * NUM * 1000 is taken apart by the remainders of DEN. False past CT_TIME_MAX_MS. */
static bool ticks_to_ms(uint64_t ticks, uint64_t num, uint64_t den, uint64_t *ms)
{
    uint64_t q = ticks / den, r = ticks % den;
    if (q > CT_TIME_MAX_MS / 1000 / num)
        return false;
    uint64_t rn = r * num; /* below 2^62: r < den and num are both below 2^31 */
    uint64_t r3 = rn % den;
    uint64_t v = q * num * 1000 + rn / den * 1000 + (2 * r3 * 1000 + den) / (2 * den);
    if (v > CT_TIME_MAX_MS)
        return false;
    *ms = v;
    return true;
}

/* A [CHAPTER] section being read. */
typedef struct {
    unsigned line;     /* of its [CHAPTER] line */
    int stage;         /* 0: TIMEBASE may come, 1: START must, 2: END may, 3: metadata */
    uint64_t num, den; /* time base */
    uint64_t start_ms, end_ms;
    bool has_title;
    ct_buf title;
} section;

/* Reads "TIMEBASE=num/den" from VALUE. */
static chaptag_status read_timebase(section *c, const char *value, unsigned line,
                                    chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE];
    const char *slash = strchr(value, '/');
    uint64_t num = 0, den = 0;
    bool ok = slash != NULL && read_number(value, (size_t)(slash - value), 10, &num) &&
              read_number(slash + 1, strlen(slash + 1), 10, &den);
    if (!ok || num == 0 || den == 0 || num > TIMEBASE_MAX || den > TIMEBASE_MAX)
        return ct_fail(err, CHAPTAG_ERR_INPUT, line,
                       "TIMEBASE=%s is not num/den with two whole numbers from 1 to %u",
                       ct_excerpt(value, strlen(value), q), TIMEBASE_MAX);
    c->num = num;
    c->den = den;
    return CHAPTAG_OK;
}

/* Reads START= or END= (KEY) from VALUE into *MS, in the section's time base. */
static chaptag_status read_ticks(const section *c, const char *key, const char *value,
                                 unsigned line, uint64_t *ms, chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE];
    uint64_t ticks;
    ct_excerpt(value, strlen(value), q);
    if (!read_number(value, strlen(value), TICKS_DIGITS_MAX, &ticks))
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "%s=%s is not a whole number of ticks", key,
                       q);
    if (!ticks_to_ms(ticks, c->num, c->den, ms))
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "%s=%s is past %u hours", key, q,
                       CT_TIME_MAX_HOURS);
    return CHAPTAG_OK;
}

/* Takes KEY=VALUE on LINE into chapter C: TIMEBASE, START and END open the section, in that
   order, as ffmetadec.c's read_chapter() reads them; title is the title, other keys have no
   place in the model. */
static chaptag_status chapter_key(section *c, const char *key, const char *value, unsigned line,
                                  chaptag_error *err)
{
    if (c->stage == 0 && strcmp(key, "TIMEBASE") == 0) {
        c->stage = 1;
        return read_timebase(c, value, line, err);
    }
    if (c->stage <= 1) {
        if (strcmp(key, "START") != 0)
            return ct_fail(err, CHAPTAG_ERR_INPUT, line,
                           "the [CHAPTER] on line %u has no START= on its first line "
                           "(after TIMEBASE=, if any)",
                           c->line);
        c->stage = 2;
        return read_ticks(c, key, value, line, &c->start_ms, err);
    }
    if (c->stage == 2 && strcmp(key, "END") == 0) {
        c->stage = 3;
        return read_ticks(c, key, value, line, &c->end_ms, err);
    }
    c->stage = 3;
    if (strcmp(key, "title") != 0)
        return CHAPTAG_OK;
    c->has_title = true;
    return ct_field_text(value, strlen(value), line, "title", &c->title, err);
}

/* Adds the chapter C has read to LIST. */
static chaptag_status finish_chapter(section *c, chaptag_chapters *list, chaptag_error *err)
{
    if (c->stage < 2)
        return ct_fail(err, CHAPTAG_ERR_INPUT, c->line, "the [CHAPTER] has no START=");
    chaptag_chapter ch = {0};
    ch.start_ms = c->start_ms;
    ch.end_ms = c->end_ms;
    ch.title = c->has_title ? (const char *)c->title.data : "";
    ch.line = c->line;
    return chaptag_chapters_add(list, &ch, err);
}

/* Starts a new chapter section on LINE. */
static void open_chapter(section *c, unsigned line)
{
    c->line = line;
    c->stage = 0;
    c->num = 1;
    c->den = 1000000000; /* FFmpeg's default, {1, 1e9} in ffmetadec.c */
    c->start_ms = 0;
    c->end_ms = CHAPTAG_TIME_NONE;
    c->has_title = false;
}

/* Keeps the global KEY=VALUE as list metadata when the model has a place for it. */
static chaptag_status global_key(const char *key, const char *value, unsigned line,
                                 chaptag_chapters *list, ct_buf *tmp, chaptag_error *err)
{
    for (size_t k = 0; k < COUNT(meta_keys); k++) {
        if (strcmp(key, meta_keys[k].ffmpeg) != 0)
            continue;
        chaptag_status st = ct_field_text(value, strlen(value), line, key, tmp, err);
        return st == CHAPTAG_OK
                   ? chaptag_chapters_set_meta(list, meta_keys[k].model, (char *)tmp->data, err)
                   : st;
    }
    return CHAPTAG_OK;
}

typedef enum { IN_GLOBAL, IN_CHAPTER, IN_STREAM } place;

/* The parser's state between lines. */
typedef struct {
    place where;
    section chapter;
    ct_buf key, value, tmp;
    chaptag_chapters *list;
} reader;

/* A "[NAME]" line: closes the section being read and opens the next. */
static chaptag_status section_line(reader *r, const logical_line *l, chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE];
    chaptag_status st = CHAPTAG_OK;
    bool chapter = l->n == 9 && memcmp(l->s, "[CHAPTER]", 9) == 0;
    bool stream = l->n == 8 && memcmp(l->s, "[STREAM]", 8) == 0;
    if (!chapter && !stream)
        return ct_fail(err, CHAPTAG_ERR_INPUT, l->line,
                       "unknown section \"%s\" (FFmpeg knows [CHAPTER] and [STREAM])",
                       ct_excerpt(l->s, l->n, q));
    if (r->where == IN_CHAPTER)
        st = finish_chapter(&r->chapter, r->list, err);
    r->where = chapter ? IN_CHAPTER : IN_STREAM;
    if (chapter)
        open_chapter(&r->chapter, l->line);
    return st;
}

/* One logical line that is not the header. */
static chaptag_status read_line(reader *r, const logical_line *l, chaptag_error *err)
{
    char q[CT_EXCERPT_SIZE];
    if (l->n == 0 || l->s[0] == ';' || l->s[0] == '#')
        return CHAPTAG_OK;
    if (l->s[0] == '[')
        return section_line(r, l, err);
    const char *eq = find_equals(l);
    if (eq == NULL)
        return ct_fail(err, CHAPTAG_ERR_INPUT, l->line,
                       "\"%s\" is not key=value, a [SECTION] or a comment",
                       ct_excerpt(l->s, l->n, q));
    unescape(l->s, eq, &r->key);
    unescape(eq + 1, l->s + l->n, &r->value);
    if (!ct_buf_ok(&r->key) || !ct_buf_ok(&r->value))
        return ct_fail_nomem(err);
    const char *key = (const char *)r->key.data, *value = (const char *)r->value.data;
    if (r->where == IN_CHAPTER)
        return chapter_key(&r->chapter, key, value, l->line, err);
    if (r->where == IN_GLOBAL)
        return global_key(key, value, l->line, r->list, &r->tmp, err);
    return CHAPTAG_OK; /* stream metadata has no place in a chapter list */
}

static chaptag_status ffmetadata_parse(const char *data, size_t len, chaptag_chapters *list,
                                       chaptag_error *err)
{
    ct_lexer lr = ct_lex_make(data, len, CT_LEX_ESCAPES, NULL);
    logical_line l;
    reader r = {.where = IN_GLOBAL, .list = list};
    chaptag_status st = CHAPTAG_OK;
    if (!next_line(&lr, &l) || l.n < 11 || memcmp(l.s, ";FFMETADATA", 11) != 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 1, "no ;FFMETADATA1 header on the first line");
    while (st == CHAPTAG_OK && next_line(&lr, &l))
        st = read_line(&r, &l, err);
    if (st == CHAPTAG_OK && r.where == IN_CHAPTER)
        st = finish_chapter(&r.chapter, list, err);
    if (st == CHAPTAG_OK && chaptag_chapters_count(list) == 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no [CHAPTER] sections");
    ct_buf_free(&r.chapter.title);
    ct_buf_free(&r.key);
    ct_buf_free(&r.value);
    ct_buf_free(&r.tmp);
    return st;
}

/* Sure when the data starts as FFmpeg's probe wants it. */
static int ffmetadata_detect(const char *data, size_t len)
{
    return len >= 11 && memcmp(data, ";FFMETADATA", 11) == 0 ? CT_DETECT_SURE : CT_DETECT_NO;
}

/* ---- format ----------------------------------------------------------------------------- */

/* Appends S (N bytes) with = ; # \ and newline escaped, as ffmetaenc.c's write_escape_str(). */
static void put_escaped(ct_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strchr("=;#\\\n", s[i]) != NULL && s[i] != '\0')
            ct_buf_put_u8(out, '\\');
        ct_buf_put_u8(out, (unsigned char)s[i]);
    }
}

/* Appends KEY=VALUE with both escaped; VALUE is field WHAT of chapter INDEX (0: the list). */
static chaptag_status put_tag(ct_buf *out, const char *key, const char *value, size_t index,
                              ct_buf *tmp, chaptag_error *err)
{
    chaptag_status st = ct_field_out(value, index, key, tmp, err);
    if (st != CHAPTAG_OK)
        return st;
    put_escaped(out, key, strlen(key));
    ct_buf_put_u8(out, '=');
    put_escaped(out, (const char *)tmp->data, tmp->len);
    ct_buf_put_u8(out, '\n');
    return CHAPTAG_OK;
}

/* The [CHAPTER] section of chapter I. */
static chaptag_status put_chapter(const chaptag_chapters *list, size_t i, uint64_t duration_ms,
                                  ct_buf *out, ct_buf *tmp, chaptag_error *err)
{
    char a[CT_TIME_STR_MAX], b[CT_TIME_STR_MAX];
    const chaptag_chapter *ch = chaptag_chapters_get(list, i);
    uint64_t end = chaptag_chapters_end(list, i, duration_ms);
    /* FFmpeg reads the line after START as END whatever it holds, so END is never left out */
    if (end == CHAPTAG_TIME_NONE)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line,
                       "ffmetadata needs the end of the last chapter: give the audio duration");
    if (end <= ch->start_ms)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line,
                       "chapter %zu starts at %s, not before its end %s", i + 1,
                       ct_time_str(ch->start_ms, a), ct_time_str(end, b));
    ct_buf_printf(out, "[CHAPTER]\nTIMEBASE=1/1000\nSTART=%llu\nEND=%llu\n",
                  (unsigned long long)ch->start_ms, (unsigned long long)end);
    return ch->title[0] != '\0' ? put_tag(out, "title", ch->title, i + 1, tmp, err) : CHAPTAG_OK;
}

static chaptag_status ffmetadata_format(const chaptag_chapters *list, uint64_t duration_ms,
                                        ct_buf *out, ct_warnings *warnings, chaptag_error *err)
{
    (void)warnings;
    ct_buf tmp = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    ct_buf_put_str(out, ";FFMETADATA1\n");
    for (size_t k = 0; st == CHAPTAG_OK && k < COUNT(meta_keys); k++) {
        const char *v = chaptag_chapters_meta(list, meta_keys[k].model);
        if (v != NULL && v[0] != '\0')
            st = put_tag(out, meta_keys[k].ffmpeg, v, 0, &tmp, err);
    }
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(list); i++)
        st = put_chapter(list, i, duration_ms, out, &tmp, err);
    if (st == CHAPTAG_OK && !ct_buf_ok(&tmp))
        st = ct_fail_nomem(err);
    ct_buf_free(&tmp);
    return st;
}

const ct_format ct_fmt_ffmetadata = {"ffmetadata",      ".ffmetadata .ffmeta", CT_CARRIES_END,
                                     ffmetadata_detect, ffmetadata_parse,      ffmetadata_format};
