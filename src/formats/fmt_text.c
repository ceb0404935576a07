/* The `text` chapter format: one "HH:MM:SS Title" line per chapter, as the seeds and YouTube
   descriptions write them. Follows §1 of the chapter-formats reference: an optional bullet
   (- * •) or numbering ("1." "1)"), the time in H:MM:SS or M:SS (minutes may pass 59 there)
   with an optional . or , fraction, optionally in [] or (), an optional separator
   (- – — | :), then the title, the rest of the line; # comments and blank lines. Fractions are
   read as decimal digits, never through floating point, and rounded half up to ms. A title
   may end in a link, " <https://...>", which `dump` writes for a chapter's url: only an http
   or https address without blanks or angle brackets is one, so a title that ends in
   "<something else>" stays whole. A time alone on its line takes the next line, when that
   has no time, as its title: the two-line form of show notes ("(00:45)", then "Intro").
   chaptag_parse_skipping_prose() reads a pasted description: lines without a time are
   skipped, not refused. */
#include "formats.h"
#include "platforms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

/* Room for a quoted piece of a line in a message. */
#define EXCERPT_MAX 40

static const char *const bullets[] = {"-", "*", "\xe2\x80\xa2"};
static const char *const separators[] = {"-", "\xe2\x80\x93", "\xe2\x80\x94", "|", ":"};
static const char brackets[][2] = {{'[', ']'}, {'(', ')'}};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Lines are trimmed; blank ones and # comments are skipped. */
#define LINES (CT_LEX_TRIM | CT_LEX_SKIP_BLANK)

typedef enum { TIME_OK, TIME_NONE, TIME_SHAPE, TIME_DIGITS, TIME_RANGE, TIME_LARGE } time_verdict;

/* What is wrong with a time, after "... is not a valid time: ". */
static const char *const time_problems[] = {
    [TIME_SHAPE] = "write H:MM:SS or M:SS",
    [TIME_DIGITS] = "minutes and seconds have two digits",
    [TIME_RANGE] = "minutes and seconds go up to 59",
    [TIME_LARGE] = "times go up to 100000 hours",
};

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && ct_lex_is_blank(*p))
        p++;
    return p;
}

/* The length of the entry of SET that P starts with, or 0. */
static size_t match_any(const char *p, const char *end, const char *const *set, size_t n_set)
{
    for (size_t i = 0; i < n_set; i++) {
        size_t k = strlen(set[i]);
        if ((size_t)(end - p) >= k && memcmp(p, set[i], k) == 0)
            return k;
    }
    return 0;
}

/* The length of a separator at P that stands alone (followed by a blank or the end), or 0. */
static size_t separator_at(const char *p, const char *end)
{
    size_t k = match_any(p, end, separators, COUNT(separators));
    return k > 0 && (p + k == end || ct_lex_is_blank(p[k])) ? k : 0;
}

/* Skips a bullet and a number ("- ", "• ", "1. ", "2) ") before the time. */
static const char *skip_marks(const char *p, const char *end)
{
    size_t k = match_any(p, end, bullets, COUNT(bullets));
    if (k > 0)
        p = skip_ws(p + k, end);
    const char *q = p;
    while (q < end && ct_is_digit(*q))
        q++;
    if (q > p && end - q >= 2 && (*q == '.' || *q == ')') && ct_lex_is_blank(q[1]))
        p = skip_ws(q + 1, end);
    return p;
}

/* The closing bracket if P opens one, else 0. */
static char bracket_at(const char *p, const char *end)
{
    for (size_t i = 0; p < end && i < COUNT(brackets); i++)
        if (*p == brackets[i][0])
            return brackets[i][1];
    return 0;
}

/* The end of the time token at P: digits, colons and a fraction mark; a final ':' '.' or ','
   is punctuation after the time ("00:01:14: Intro"), not part of it. */
static const char *time_token_end(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && (ct_is_digit(*q) || *q == ':' || *q == '.' || *q == ','))
        q++;
    if (q > p && !ct_is_digit(q[-1]))
        q--;
    return q;
}

/* Parses the time token [P, END): two or three fields, then an optional fraction. */
static time_verdict parse_time(const char *p, const char *end, uint64_t *ms)
{
    ct_time_fields f;
    uint64_t frac = 0;
    if (!ct_time_read_fields(&p, end, &f))
        return TIME_SHAPE;
    if (f.n == 1)
        return TIME_NONE; /* a bare number ("2024 review") is not a time */
    if (p < end && (*p == '.' || *p == ',')) {
        p++;
        if (ct_time_fraction(&p, end, &frac) == 0)
            return TIME_SHAPE;
    }
    if (p != end)
        return TIME_SHAPE;
    for (int i = 1; i < f.n; i++)
        if (f.digits[i] != 2)
            return TIME_DIGITS;
    for (int i = 1; i < f.n; i++)
        if (f.v[i] > 59)
            return TIME_RANGE;
    /* the leading field is bounded before the seconds are computed, so nothing overflows */
    if (f.v[0] > CT_TIME_MAX_MS / 3600)
        return TIME_LARGE;
    uint64_t v = ct_time_fields_seconds(&f) * 1000 + frac;
    if (v > CT_TIME_MAX_MS)
        return TIME_LARGE;
    *ms = v;
    return TIME_OK;
}

/* Writes a one-line excerpt of S (N bytes of UTF-8) into BUF, cut at a character; "..."
   marks a cut, so a quoted piece never looks like the whole line. */
static const char *excerpt(const char *s, size_t n, char buf[EXCERPT_MAX + 4])
{
    ct_buf b = CT_BUF_INIT;
    ct_title_clean(s, n, &b);
    size_t k = ct_buf_ok(&b) ? ct_utf8_cut((const char *)b.data, b.len, EXCERPT_MAX) : 0;
    snprintf(buf, EXCERPT_MAX + 4, "%.*s%s", (int)k, k > 0 ? (const char *)b.data : "",
             k < b.len ? "..." : "");
    ct_buf_free(&b);
    return buf;
}

/* The length of the link that [S, S+N) ends with, "<http(s)://...>" with no blank or angle
   bracket inside and a blank (or nothing) before it; 0 when it ends in none. */
static size_t trailing_link(const char *s, size_t n)
{
    if (n < 2 || s[n - 1] != '>')
        return 0;
    size_t open = n - 1;
    while (open > 0 && s[open - 1] != '<' && s[open - 1] != '>' &&
           !ct_lex_is_blank(s[open - 1]) && (unsigned char)s[open - 1] >= 0x20)
        open--;
    if (open == 0 || s[open - 1] != '<')
        return 0;
    open--;
    const char *u = s + open + 1;
    size_t k = n - 1 - (open + 1);
    bool web = (k > 7 && strncasecmp(u, "http://", 7) == 0) ||
               (k > 8 && strncasecmp(u, "https://", 8) == 0);
    if (!web || (open > 0 && !ct_lex_is_blank(s[open - 1])))
        return 0;
    return n - open;
}

/* A chapter line split into its time and its title (not yet cleaned). */
typedef struct {
    uint64_t start_ms;
    const char *title;
    size_t title_len;
} chapter_line;

/* Splits chapter line [S, END) (UTF-8, trimmed, not a comment) or fails naming LINE. */
static chaptag_status split_line(const char *s, const char *end, unsigned line,
                                 chapter_line *cl, chaptag_error *err)
{
    char quote[EXCERPT_MAX + 4];
    const char *t = skip_marks(s, end);
    char close = bracket_at(t, end);
    t += close != 0;
    const char *p = time_token_end(t, end);
    time_verdict v = p > t && ct_is_digit(*t) ? parse_time(t, p, &cl->start_ms) : TIME_NONE;
    if (v == TIME_NONE)
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "no time at the start of the line (\"%s\")",
                       excerpt(s, (size_t)(end - s), quote));
    int tlen = p - t > EXCERPT_MAX ? EXCERPT_MAX : (int)(p - t);
    if (v != TIME_OK)
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "%.*s is not a valid time: %s", tlen, t,
                       time_problems[v]);
    if (close != 0 && (p == end || *p != close))
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "no '%c' after the time %.*s", close, tlen,
                       t);
    if (close != 0 || (p < end && memchr(":.,", *p, 3) != NULL))
        p++;
    if (close == 0 && p < end && !ct_lex_is_blank(*p))
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "no space after the time (\"%s\")",
                       excerpt(s, (size_t)(end - s), quote));
    p = skip_ws(p, end);
    size_t k = separator_at(p, end);
    if (k > 0)
        p = skip_ws(p + k, end);
    cl->title = p;
    cl->title_len = (size_t)(end - p);
    return CHAPTAG_OK;
}

/* Copies into BUF the word of S (N bytes of UTF-8) around its first non-ASCII byte. */
static const char *word_at_non_ascii(const char *s, size_t n, char buf[EXCERPT_MAX + 1])
{
    size_t i = 0;
    while (i < n && (unsigned char)s[i] < 0x80)
        i++;
    size_t a = i, b = i;
    while (a > 0 && (unsigned char)s[a - 1] > ' ')
        a--;
    while (b < n && (unsigned char)s[b] > ' ')
        b++;
    size_t k = ct_utf8_cut(s + a, b - a, EXCERPT_MAX);
    memcpy(buf, s + a, k);
    buf[k] = '\0';
    return buf;
}

/* Puts line S (N bytes) into OUT as UTF-8, read as Windows-1252 (with a warning naming LINE)
   when it is not UTF-8. */
static chaptag_status decode_line(const char *s, size_t n, unsigned line, ct_buf *out,
                                  ct_warnings *warnings, chaptag_error *err)
{
    char now[EXCERPT_MAX + 1];
    out->len = 0;
    if (ct_utf8_valid(s, n)) {
        ct_buf_put(out, s, n);
    } else if (ct_cp1252_to_utf8(s, n, out)) {
        ct_warn(warnings, line, "not valid UTF-8, read as Windows-1252 (\"%s\")",
                word_at_non_ascii((const char *)out->data, out->len, now));
    } else if (ct_buf_ok(out)) {
        return ct_fail(err, CHAPTAG_ERR_INPUT, line,
                       "not valid UTF-8, and Windows-1252 is not available to read it");
    }
    return ct_buf_ok(out) ? CHAPTAG_OK : ct_fail_nomem(err);
}

static void swap_bufs(ct_buf *a, ct_buf *b)
{
    ct_buf t = *a;
    *a = *b;
    *b = t;
}

/* Makes TITLE (valid UTF-8) final: repaired while it is UTF-8 encoded twice (or more: three
   times is common too) and cleaned, until neither changes it, so that a formatted title reads
   back the same. Each repair at least halves the non-ASCII bytes, so there are few rounds.
   TMP is scratch space. Returns whether anything was repaired. */
static bool settle_title(ct_buf *title, ct_buf *tmp)
{
    bool repaired = false;
    while (ct_buf_ok(title) && ct_buf_ok(tmp)) {
        tmp->len = 0;
        const char *t = title->len > 0 ? (const char *)title->data : "";
        if (ct_utf8_repair_mojibake(t, title->len, tmp)) {
            repaired = true;
        } else {
            ct_title_clean(t, title->len, tmp);
            if (tmp->len == title->len && (tmp->len == 0 || memcmp(tmp->data, t, tmp->len) == 0))
                break;
        }
        swap_bufs(title, tmp);
    }
    return repaired;
}

/* Adds chapter line S (N bytes of UTF-8) to LIST; TITLE and TMP are scratch space. */
static chaptag_status add_chapter(const char *s, size_t n, unsigned line, ct_buf *title,
                                  ct_buf *tmp, chaptag_chapters *list, chaptag_error *err)
{
    char was[EXCERPT_MAX + 1], now[EXCERPT_MAX + 1];
    chapter_line cl = {0};
    chaptag_status st = split_line(s, s + n, line, &cl, err);
    if (st != CHAPTAG_OK)
        return st;
    size_t link = trailing_link(cl.title, cl.title_len);
    char *url = link > 0 ? ct_strndup(cl.title + cl.title_len - link + 1, link - 2) : NULL;
    if (link > 0 && url == NULL)
        return ct_fail_nomem(err);
    cl.title_len -= link;
    title->len = 0;
    ct_buf_put(title, cl.title, cl.title_len);
    bool repaired = settle_title(title, tmp);
    ct_buf_put_u8(title, 0);
    if (!ct_buf_ok(title) || !ct_buf_ok(tmp)) {
        free(url);
        return ct_fail_nomem(err);
    }
    const char *t = (const char *)title->data;
    if (repaired)
        ct_warn(ct_chapters_warnings(list), line,
                "repaired UTF-8 that was encoded twice: \"%s\" is now \"%s\"",
                word_at_non_ascii(cl.title, cl.title_len, was),
                word_at_non_ascii(t, strlen(t), now));
    if (t[0] == '\0')
        ct_warn(ct_chapters_warnings(list), line, "chapter has no title");
    chaptag_chapter ch = {0};
    ch.start_ms = cl.start_ms;
    ch.end_ms = CHAPTAG_TIME_NONE;
    ch.title = t;
    ch.url = url;
    ch.line = line;
    st = chaptag_chapters_add(list, &ch, err);
    free(url);
    return st;
}

/* True when line [S, END) starts with something the parser reads as a time (maybe one it then
   refuses, "00:61:00"), not with words or a bare number. */
static bool starts_with_time(const char *s, const char *end)
{
    const char *t = skip_marks(s, end);
    t += bracket_at(t, end) != 0;
    const char *p = time_token_end(t, end);
    uint64_t ms;
    return p > t && ct_is_digit(*t) && parse_time(t, p, &ms) != TIME_NONE;
}

/* True when line [S, END) is a time and nothing else ("(00:45)", "00:45 -"): the first line
   of the two-line form. */
static bool time_alone(const char *s, const char *end)
{
    chapter_line cl = {0};
    return starts_with_time(s, end) && split_line(s, end, 0, &cl, NULL) == CHAPTAG_OK &&
           cl.title_len == 0;
}

/* Appends to LINE (decoded, time alone, line LX->line) the line after it when that one has no
   time: its title in the two-line form. LX moves past the line taken. */
static chaptag_status join_title(ct_lexer *lx, ct_buf *line, ct_buf *next, ct_warnings *w,
                                 chaptag_error *err)
{
    ct_lexer peek = *lx;
    const char *s;
    size_t n;
    if (!ct_lex_next(&peek, &s, &n) || starts_with_time(s, s + n))
        return CHAPTAG_OK;
    chaptag_status st = decode_line(s, n, peek.line, next, w, err);
    if (st != CHAPTAG_OK)
        return st;
    ct_buf_put_u8(line, ' ');
    ct_buf_put(line, next->data, next->len);
    *lx = peek;
    return ct_buf_ok(line) ? CHAPTAG_OK : ct_fail_nomem(err);
}

static chaptag_status text_parse(const char *data, size_t len, chaptag_chapters *list,
                                 chaptag_error *err)
{
    ct_lexer lx = ct_lex_make(data, len, LINES, "#");
    ct_buf line = CT_BUF_INIT, title = CT_BUF_INIT, tmp = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    const char *s;
    size_t n;
    while (st == CHAPTAG_OK && ct_lex_next(&lx, &s, &n)) {
        unsigned at = lx.line;
        st = decode_line(s, n, at, &line, ct_chapters_warnings(list), err);
        if (st == CHAPTAG_OK && time_alone(s, s + n))
            st = join_title(&lx, &line, &tmp, ct_chapters_warnings(list), err);
        if (st == CHAPTAG_OK)
            st = add_chapter((const char *)line.data, line.len, at, &title, &tmp, list, err);
    }
    if (st == CHAPTAG_OK && chaptag_chapters_count(list) == 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0,
                     lx.comments == 0 ? "the file is empty" : "no chapters, only comments");
    ct_buf_free(&line);
    ct_buf_free(&title);
    ct_buf_free(&tmp);
    return st;
}

/* Likely when most lines that are neither blank nor comments start with a time, maybe when any
   does: other formats have timestamp lines too, and their signatures win. */
static int text_detect(const char *data, size_t len)
{
    ct_lexer lx = ct_lex_make(data, len, LINES, "#");
    size_t lines = 0, timed = 0;
    const char *s;
    size_t n;
    while (ct_lex_next(&lx, &s, &n)) {
        lines++;
        const char *end = s + n, *t = skip_marks(s, end);
        t += bracket_at(t, end) != 0;
        const char *p = time_token_end(t, end);
        timed += p > t && ct_is_digit(*t) && memchr(t, ':', (size_t)(p - t)) != NULL;
    }
    return timed == 0 ? CT_DETECT_NO : timed > lines / 2 ? CT_DETECT_LIKELY : CT_DETECT_MAYBE;
}

/* True when URL can stand in " <URL>" and read back as itself. */
static bool writable_link(const char *url)
{
    size_t n = strlen(url);
    char *wrapped = ct_malloc(n + 3);
    if (wrapped == NULL)
        return false;
    snprintf(wrapped, n + 3, "<%s>", url);
    bool ok = trailing_link(wrapped, n + 2) == n + 2;
    free(wrapped);
    return ok;
}

static chaptag_status text_format(const chaptag_chapters *list, uint64_t duration_ms, ct_buf *out,
                                  ct_warnings *warnings, chaptag_error *err)
{
    (void)duration_ms; /* the text format has no end times */
    char t[CT_TIME_STR_MAX];
    ct_buf title = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        if (ch->start_ms > CT_TIME_MAX_MS) {
            st = ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "chapter %zu starts past %u hours",
                         i + 1, CT_TIME_MAX_HOURS);
            break;
        }
        title.len = 0;
        ct_title_clean(ch->title, strlen(ch->title), &title);
        ct_buf_put_str(out, ct_time_str(ch->start_ms, t));
        const char *tt = (const char *)title.data;
        /* a title that starts like a separator gets one of its own, so it reads back whole */
        if (title.len > 0)
            ct_buf_put_str(out, separator_at(tt, tt + title.len) > 0 ? " - " : " ");
        ct_buf_put(out, title.data, title.len);
        bool linked = ch->url != NULL && ch->url[0] != '\0';
        if (linked && writable_link(ch->url)) {
            ct_buf_put_str(out, " <");
            ct_buf_put_str(out, ch->url);
            ct_buf_put_u8(out, '>');
        } else if (linked) {
            ct_warn(warnings, ch->line, "chapter %zu: the link \"%.60s\" has a blank or an "
                    "angle bracket, so text cannot hold it; json keeps it", i + 1, ch->url);
        } else if (trailing_link(tt, title.len) > 0) {
            ct_warn(warnings, ch->line, "chapter %zu: the title ends in a link, which text "
                    "reads back as the chapter's link; json keeps it as a title", i + 1);
        }
        ct_buf_put_u8(out, '\n');
    }
    if (st == CHAPTAG_OK && !ct_buf_ok(&title))
        st = ct_fail_nomem(err);
    ct_buf_free(&title);
    return st;
}

const ct_format ct_fmt_text = {"text", ".txt .text .chapters", CT_CARRIES_URL, text_detect, text_parse,
                               text_format};

/* ---- pasted descriptions ------------------------------------------------------------------ */

size_t ct_text_blank_prose(char *data, size_t len, ct_buf *lines)
{
    ct_lexer lx = ct_lex_make(data, len, LINES, "#");
    const char *s;
    size_t n, kept = 0;
    bool title_next = false;
    while (ct_lex_next(&lx, &s, &n)) {
        bool timed = starts_with_time(s, s + n);
        if (timed || title_next) {
            kept += timed;
            title_next = timed && time_alone(s, s + n);
            continue;
        }
        memset(data + (s - data), ' ', n);
        ct_buf_put(lines, &lx.line, sizeof lx.line);
    }
    return kept;
}

/* Line number I of LINES (unsigned each). */
static unsigned line_no(const ct_buf *lines, size_t i)
{
    unsigned v;
    memcpy(&v, lines->data + i * sizeof v, sizeof v);
    return v;
}

/* Writes "1-3, 7, 12" for the line numbers of LINES (ascending) into OUT, at most SIZE bytes,
   "..." when they do not fit. */
static void line_ranges(const ct_buf *lines, char *out, size_t size)
{
    size_t n = lines->len / sizeof(unsigned), used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used + 16 < size;) {
        unsigned a = line_no(lines, i), b = a;
        size_t j = i + 1;
        while (j < n && line_no(lines, j) == b + 1)
            b = line_no(lines, j++);
        used += (size_t)snprintf(out + used, size - used, a == b ? "%s%u" : "%s%u-%u",
                                 i > 0 ? ", " : "", a, b);
        i = j;
        if (i < n && used + 16 >= size)
            snprintf(out + used, size - used, ", ...");
    }
}

/* Puts DATA (LEN bytes) into TEXT as UTF-8 whose lines end in LF: UTF-16 decoded, a BOM
   dropped, the CRs of a file without LF turned into LFs. False for text chaptag_parse() would
   refuse anyway (UTF-32, broken UTF-16), which it then says why. */
static bool utf8_lines(const char *data, size_t len, ct_buf *text)
{
    size_t bom;
    ct_text_encoding enc = ct_text_sniff((const uint8_t *)data, len, &bom);
    if (enc == CT_TEXT_UTF32)
        return false;
    if (enc == CT_TEXT_UTF16LE || enc == CT_TEXT_UTF16BE) {
        size_t bad;
        if (!ct_utf16_decode((const uint8_t *)data + bom, len - bom, enc == CT_TEXT_UTF16BE,
                             text, &bad))
            return false;
    } else {
        bom = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
        ct_buf_put(text, data + bom, len - bom);
    }
    if (text->len > 0 && memchr(text->data, '\n', text->len) == NULL)
        for (size_t i = 0; i < text->len; i++)
            if (text->data[i] == '\r')
                text->data[i] = '\n';
    return true;
}

chaptag_status chaptag_parse_skipping_prose(const char *data, size_t len, chaptag_chapters **out,
                                            chaptag_error *err)
{
    ct_buf text = CT_BUF_INIT, lines = CT_BUF_INIT;
    if (data == NULL)
        data = "";
    if (!utf8_lines(data, len, &text)) {
        ct_buf_free(&text);
        return chaptag_parse(data, len, "text", out, err);
    }
    size_t kept = text.len > 0 ? ct_text_blank_prose((char *)text.data, text.len, &lines) : 0;
    chaptag_status st = CHAPTAG_OK;
    if (!ct_buf_ok(&text) || !ct_buf_ok(&lines))
        st = ct_fail_nomem(err);
    else if (kept == 0 && lines.len > 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "none of the %zu lines has a time at its start",
                     lines.len / sizeof(unsigned));
    else
        st = chaptag_parse(text.len > 0 ? (const char *)text.data : "", text.len, "text", out,
                           err);
    if (st == CHAPTAG_OK && lines.len > 0) {
        char list[160];
        line_ranges(&lines, list, sizeof list);
        ct_warn(ct_chapters_warnings(*out), 0, "skipped %zu line%s without a time: %s",
                lines.len / sizeof(unsigned), lines.len == sizeof(unsigned) ? "" : "s", list);
    }
    ct_buf_free(&text);
    ct_buf_free(&lines);
    return st;
}
