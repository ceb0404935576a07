/* The one grammar of times in options, the transforms of a chapter list (shift, cut, insert,
   an intro at 0:00) and the chapter rules of platform descriptions with the writer of their
   chapter blocks. Platform rules as their documentation states them: YouTube's video-chapters
   help (first at 0:00, at least 3, ascending, each at least 10 s), Spotify for Creators'
   "Creating and managing chapters" (first at 0, at least 3, chronological, one punctuation
   mark between time and title, titles under 40 characters, no emoji), Apple Podcasts for
   Creators' "Chapters on Apple Podcasts" (first at 00:00:00, at least 3). A transform never
   changes its input: it makes a new list, so a failure leaves the caller's list as it was. */
#include "transform.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* ---- times in options -------------------------------------------------------------------- */

static const struct {
    const char *unit;
    uint64_t ms;
} units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};

/* A number with an optional fraction and unit, [P, END): "90s", "1.5m", "250ms", "74.5". */
static bool number_with_unit(const char *p, const char *end, uint64_t *ms)
{
    uint64_t whole, frac = 0, scale = 1;
    size_t digits = ct_time_digits(&p, end, &whole);
    if (digits == 0 || digits > 12)
        return false;
    if (p < end && *p == '.') {
        p++;
        const char *f = p;
        for (; p < end && ct_is_digit(*p); p++)
            if (p - f < 9) {
                frac = frac * 10 + (uint64_t)(*p - '0');
                scale *= 10;
            }
        if (p == f)
            return false;
    }
    uint64_t unit = 1000; /* a bare number is seconds, as --duration always took */
    if (p < end) {
        size_t i = 0;
        while (i < sizeof units / sizeof units[0] &&
               ((size_t)(end - p) != strlen(units[i].unit) ||
                memcmp(p, units[i].unit, (size_t)(end - p)) != 0))
            i++;
        if (i == sizeof units / sizeof units[0])
            return false;
        unit = units[i].ms;
    }
    if (whole > CT_TIME_MAX_MS / unit)
        return false;
    /* frac < 10^9 and unit <= 3.6e6: the product stays far below 2^64; rounded half up */
    *ms = whole * unit + (frac * unit * 2 / scale + 1) / 2;
    return *ms <= CT_TIME_MAX_MS;
}

bool ct_option_time(const char *s, size_t n, bool is_signed, int64_t *ms)
{
    const char *p = s, *end = s + n;
    bool negative = false;
    if (is_signed && p < end && (*p == '+' || *p == '-'))
        negative = *p++ == '-';
    uint64_t v;
    bool ok = memchr(p, ':', (size_t)(end - p)) != NULL ? ct_time_parse(p, (size_t)(end - p), &v)
                                                        : number_with_unit(p, end, &v);
    if (!ok || v > CT_TIME_MAX_MS)
        return false;
    *ms = negative ? -(int64_t)v : (int64_t)v;
    return true;
}

int chaptag_parse_duration(const char *s, uint64_t *ms)
{
    int64_t v;
    if (s == NULL || !ct_option_time(s, strlen(s), false, &v))
        return 0;
    *ms = (uint64_t)v;
    return 1;
}

int chaptag_parse_offset(const char *s, int64_t *ms)
{
    return s != NULL && ct_option_time(s, strlen(s), true, ms);
}

/* ---- naming a chapter in a message ----------------------------------------------------------- */

/* Room for a chapter's name. */
#define NAME_MAX_LEN 96

/* "chapter 3 (00:04:42 "MLOps Definition: People, processes...")" in BUF: number, time and
   title (cut at 40 bytes on a character), for messages that must say which chapter. */
static const char *chapter_name(size_t i, const chaptag_chapter *ch, char buf[NAME_MAX_LEN])
{
    char t[CT_TIME_STR_MAX];
    size_t n = strlen(ch->title), k = ct_utf8_cut(ch->title, n, 40);
    snprintf(buf, NAME_MAX_LEN, "chapter %zu (%s \"%.*s%s\")", i + 1, ct_time_str(ch->start_ms, t),
             (int)k, ch->title, k < n ? "..." : "");
    return buf;
}

/* ---- transforms ----------------------------------------------------------------------------- */

/* Where a transform puts one chapter. */
typedef struct {
    uint64_t start_ms, end_ms;
    bool drop;
} placement;

/* Copies LIST's metadata and warnings into the new list TO. */
static chaptag_status copy_list_data(const chaptag_chapters *list, chaptag_chapters *to,
                                     chaptag_error *err)
{
    const char *key, *value;
    for (size_t i = 0; (key = chaptag_chapters_meta_at(list, i, &value)) != NULL; i++)
        if (chaptag_chapters_set_meta(to, key, value, err) != CHAPTAG_OK)
            return CHAPTAG_ERR_NOMEM;
    for (size_t i = 0; i < chaptag_chapters_warning_count(list); i++) {
        const chaptag_warning *w = chaptag_chapters_warning(list, i);
        ct_warn(ct_chapters_warnings(to), w->line, "%s", w->msg);
    }
    return CHAPTAG_OK;
}

/* *OUT: a new list of LIST's chapters placed as AT says (hidden ones too, every field kept),
   with LIST's metadata and warnings and then WARNINGS. */
static chaptag_status rebuild(const chaptag_chapters *list, const placement *at,
                              const ct_warnings *warnings, chaptag_chapters **out,
                              chaptag_error *err)
{
    chaptag_chapters *to = chaptag_chapters_new();
    if (to == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = copy_list_data(list, to, err);
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(list); i++) {
        if (at[i].drop)
            continue;
        chaptag_chapter ch = *chaptag_chapters_get(list, i);
        ch.start_ms = at[i].start_ms;
        ch.end_ms = at[i].end_ms;
        st = chaptag_chapters_add(to, &ch, err);
    }
    if (st == CHAPTAG_OK && warnings != NULL)
        ct_warnings_append(ct_chapters_warnings(to), warnings);
    if (st == CHAPTAG_OK)
        st = chaptag_chapters_validate(to, CHAPTAG_TIME_NONE, err);
    if (st != CHAPTAG_OK) {
        chaptag_chapters_free(to);
        return st;
    }
    *out = to;
    return CHAPTAG_OK;
}

/* An error unless chapter I (now at START_MS, moved by WHAT) starts before DURATION_MS. */
static chaptag_status check_end(const chaptag_chapters *list, size_t i, uint64_t start_ms,
                                uint64_t duration_ms, const char *what, chaptag_error *err)
{
    char name[NAME_MAX_LEN], a[CT_TIME_STR_MAX], b[CT_TIME_STR_MAX];
    const chaptag_chapter *ch = chaptag_chapters_get(list, i);
    if (start_ms > CT_TIME_MAX_MS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "%s moves %s past %u hours", what,
                       chapter_name(i, ch, name), CT_TIME_MAX_HOURS);
    if (duration_ms != CHAPTAG_TIME_NONE && start_ms >= duration_ms)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line,
                       "%s moves %s to %s, at or past the end of the audio (%s)", what,
                       chapter_name(i, ch, name), ct_time_str(start_ms, a),
                       ct_time_str_ms(duration_ms, b));
    return CHAPTAG_OK;
}

/* Runs a transform: a placement per chapter, then the new list. */
static chaptag_status transform(const chaptag_chapters *list, chaptag_status (*place)(
                                    const chaptag_chapters *, const void *, placement *,
                                    ct_warnings *, chaptag_error *),
                                const void *how, chaptag_chapters **out, chaptag_error *err)
{
    size_t n = chaptag_chapters_count(list);
    placement *at = ct_calloc(n > 0 ? n : 1, sizeof *at);
    ct_warnings w = {0};
    if (at == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = place(list, how, at, &w, err);
    if (st == CHAPTAG_OK)
        st = rebuild(list, at, &w, out, err);
    ct_warnings_clear(&w);
    free(at);
    return st;
}

typedef struct {
    int64_t offset_ms;
    uint64_t duration_ms;
} shift_args;

static chaptag_status place_shift(const chaptag_chapters *list, const void *how, placement *at,
                                  ct_warnings *w, chaptag_error *err)
{
    const shift_args *a = how;
    char what[64], t[CT_TIME_STR_MAX], name[NAME_MAX_LEN];
    uint64_t by = a->offset_ms < 0 ? (uint64_t)(-(a->offset_ms + 1)) + 1 : (uint64_t)a->offset_ms;
    snprintf(what, sizeof what, "shifting by %c%s", a->offset_ms < 0 ? '-' : '+',
             ct_time_str(by, t));
    (void)w;
    for (size_t i = 0; i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        if (a->offset_ms < 0 && ch->start_ms < by)
            return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "%s moves %s before 0:00", what,
                           chapter_name(i, ch, name));
        at[i].start_ms = a->offset_ms < 0 ? ch->start_ms - by : ch->start_ms + by;
        at[i].end_ms = ch->end_ms == CHAPTAG_TIME_NONE ? CHAPTAG_TIME_NONE
                       : a->offset_ms < 0 ? ch->end_ms - by : ch->end_ms + by;
        chaptag_status st = check_end(list, i, at[i].start_ms, a->duration_ms, what, err);
        if (st != CHAPTAG_OK)
            return st;
    }
    return CHAPTAG_OK;
}

chaptag_status chaptag_chapters_shift(const chaptag_chapters *list, int64_t offset_ms,
                                      uint64_t duration_ms, chaptag_chapters **out,
                                      chaptag_error *err)
{
    if (offset_ms > (int64_t)CT_TIME_MAX_MS || offset_ms < -(int64_t)CT_TIME_MAX_MS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "a shift goes up to %u hours",
                       CT_TIME_MAX_HOURS);
    shift_args a = {offset_ms, duration_ms};
    return transform(list, place_shift, &a, out, err);
}

typedef struct {
    uint64_t start_ms, end_ms, duration_ms;
} span_args;

/* The end of chapter I of LIST before a cut of LEN: given, the next start, or the audio's end
   before the cut (CHAPTAG_TIME_NONE: unknown, so it reaches past any cut). */
static uint64_t end_before(const chaptag_chapters *list, size_t i, uint64_t duration_ms,
                           uint64_t len)
{
    const chaptag_chapter *ch = chaptag_chapters_get(list, i);
    const chaptag_chapter *next = chaptag_chapters_get(list, i + 1);
    if (ch->end_ms != CHAPTAG_TIME_NONE)
        return ch->end_ms;
    if (next != NULL)
        return next->start_ms;
    return duration_ms != CHAPTAG_TIME_NONE ? duration_ms + len : CHAPTAG_TIME_NONE;
}

static chaptag_status place_cut(const chaptag_chapters *list, const void *how, placement *at,
                                ct_warnings *w, chaptag_error *err)
{
    const span_args *a = how;
    const uint64_t S = a->start_ms, E = a->end_ms, len = E - S;
    char what[80], t1[CT_TIME_STR_MAX], t2[CT_TIME_STR_MAX], name[NAME_MAX_LEN];
    snprintf(what, sizeof what, "the cut %s-%s", ct_time_str(S, t1), ct_time_str(E, t2));
    size_t kept = 0;
    for (size_t i = 0; i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        uint64_t s = ch->start_ms, e = ch->end_ms;
        if (s < S) { /* keeps its start; its end comes back by what was cut of it */
            at[i].start_ms = s;
            at[i].end_ms = e == CHAPTAG_TIME_NONE || e <= S ? e : e <= E ? S : e - len;
        } else if (s >= E) {
            at[i].start_ms = s - len;
            at[i].end_ms = e == CHAPTAG_TIME_NONE ? e : e - len;
        } else if (end_before(list, i, a->duration_ms, len) <= E) {
            at[i].drop = true;
            ct_warn(w, ch->line, "%s removes %s, which lies wholly inside it", what,
                    chapter_name(i, ch, name));
            continue;
        } else { /* starts inside, ends after: what is left of it starts where the cut was */
            at[i].start_ms = S;
            at[i].end_ms = e == CHAPTAG_TIME_NONE ? e : e - len;
        }
        kept++;
        chaptag_status st = check_end(list, i, at[i].start_ms, a->duration_ms, what, err);
        if (st != CHAPTAG_OK)
            return st;
    }
    if (kept == 0)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "%s removes every chapter", what);
    return CHAPTAG_OK;
}

chaptag_status chaptag_chapters_cut(const chaptag_chapters *list, uint64_t start_ms,
                                    uint64_t end_ms, uint64_t duration_ms,
                                    chaptag_chapters **out, chaptag_error *err)
{
    char a[CT_TIME_STR_MAX], b[CT_TIME_STR_MAX];
    if (end_ms <= start_ms || end_ms > CT_TIME_MAX_MS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the cut %s-%s removes nothing: its end must "
                       "be after its start", ct_time_str(start_ms, a), ct_time_str(end_ms, b));
    span_args s = {start_ms, end_ms, duration_ms};
    return transform(list, place_cut, &s, out, err);
}

static chaptag_status place_insert(const chaptag_chapters *list, const void *how, placement *at,
                                   ct_warnings *w, chaptag_error *err)
{
    const span_args *a = how;
    const uint64_t AT = a->start_ms, len = a->end_ms - a->start_ms;
    char what[80], t1[CT_TIME_STR_MAX], t2[CT_TIME_STR_MAX];
    snprintf(what, sizeof what, "inserting %s at %s", ct_time_str(len, t1), ct_time_str(AT, t2));
    (void)w;
    for (size_t i = 0; i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        uint64_t s = ch->start_ms, e = ch->end_ms;
        /* at or after AT: moves; before it, a chapter whose end passes AT holds the insert */
        at[i].start_ms = s >= AT ? s + len : s;
        at[i].end_ms = e != CHAPTAG_TIME_NONE && e > AT ? e + len : e;
        chaptag_status st = check_end(list, i, at[i].start_ms, a->duration_ms, what, err);
        if (st != CHAPTAG_OK)
            return st;
    }
    return CHAPTAG_OK;
}

chaptag_status chaptag_chapters_insert(const chaptag_chapters *list, uint64_t at_ms,
                                       uint64_t length_ms, uint64_t duration_ms,
                                       chaptag_chapters **out, chaptag_error *err)
{
    if (length_ms == 0 || at_ms > CT_TIME_MAX_MS || length_ms > CT_TIME_MAX_MS - at_ms)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "an insert needs a length above 0 and ends "
                       "within %u hours", CT_TIME_MAX_HOURS);
    span_args s = {at_ms, at_ms + length_ms, duration_ms};
    return transform(list, place_insert, &s, out, err);
}

chaptag_status chaptag_chapters_add_intro(const chaptag_chapters *list, const char *title,
                                          chaptag_chapters **out, chaptag_error *err)
{
    const chaptag_chapter *first = chaptag_chapters_get(list, 0);
    chaptag_chapters *to = chaptag_chapters_new();
    if (to == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = copy_list_data(list, to, err);
    if (st == CHAPTAG_OK && first != NULL && first->start_ms == 0) {
        ct_warn(ct_chapters_warnings(to), first->line,
                "the first chapter already starts at 0:00: no intro added");
    } else if (st == CHAPTAG_OK) {
        chaptag_chapter intro = {0};
        intro.end_ms = CHAPTAG_TIME_NONE;
        intro.title = title != NULL ? title : "";
        st = chaptag_chapters_add(to, &intro, err);
    }
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(list); i++)
        st = chaptag_chapters_add(to, chaptag_chapters_get(list, i), err);
    if (st != CHAPTAG_OK) {
        chaptag_chapters_free(to);
        return st;
    }
    *out = to;
    return CHAPTAG_OK;
}

/* ---- platform descriptions -------------------------------------------------------------------- */

/* The code point of the UTF-8 sequence at *P (before END), moving *P past it; a stray byte
   is itself. */
static uint32_t next_code_point(const unsigned char **p, const unsigned char *end)
{
    uint32_t c = *(*p)++;
    int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    c &= more == 3 ? 0x07 : more == 2 ? 0x0f : more == 1 ? 0x1f : 0xff;
    while (more-- > 0 && *p < end && (**p & 0xc0) == 0x80)
        c = c << 6 | (*(*p)++ & 0x3f);
    return c;
}

/* True for pictographs, symbols and the emoji variation selector: what Spotify calls emoji. */
static bool is_emoji(uint32_t c)
{
    return (c >= 0x1f000 && c <= 0x1faff) || (c >= 0x2600 && c <= 0x27bf) || c == 0xfe0f ||
           (c >= 0x2b00 && c <= 0x2bff);
}

/* The characters of TITLE, and in *EMOJI whether one is an emoji. */
static size_t title_chars(const char *title, bool *emoji)
{
    const unsigned char *p = (const unsigned char *)title, *end = p + strlen(title);
    size_t n = 0;
    *emoji = false;
    while (p < end) {
        *emoji = is_emoji(next_code_point(&p, end)) || *emoji;
        n++;
    }
    return n;
}

/* The separator marks a description reader takes between a time and a title. */
static size_t leading_mark(const char *t)
{
    static const char *const marks[] = {"-", ":", "|", ".", ",", ";", "\xe2\x80\x93",
                                        "\xe2\x80\x94"};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (strncmp(t, marks[i], strlen(marks[i])) == 0)
            return strlen(marks[i]);
    return 0;
}

/* Adds a finding on chapter CH's line with a reason. */
static void find(ct_findings *f, chaptag_severity sev, const char *code, unsigned line,
                 const char *why, const char *msg)
{
    size_t n = f->n;
    ct_find_line(f, sev, code, line, "%s", msg);
    if (f->n > n)
        snprintf(f->v[n].why, sizeof f->v[n].why, "%s", why);
}

/* The rules on chapter I's start and length, in whole seconds. */
static void check_one(const ct_platform *p, const chaptag_chapters *list, size_t i,
                      uint64_t duration_ms, ct_findings *f)
{
    char name[NAME_MAX_LEN], msg[256], why[160], t[CT_TIME_STR_MAX];
    const chaptag_chapter *ch = chaptag_chapters_get(list, i);
    const chaptag_chapter *next = chaptag_chapters_get(list, i + 1);
    uint64_t s = ch->start_ms / 1000;
    chapter_name(i, ch, name);
    snprintf(why, sizeof why, "%s shows no chapters for the episode then", p->label);
    if (next != NULL && next->start_ms / 1000 <= s) {
        snprintf(msg, sizeof msg, "%s does not start after %s in whole seconds, as %s needs",
                 chapter_name(i + 1, next, name), ct_time_str(s * 1000, t), p->label);
        find(f, CHAPTAG_ERROR, "platform-order", next->line, why, msg);
        return;
    }
    uint64_t end = next != NULL ? next->start_ms / 1000
                   : duration_ms != CHAPTAG_TIME_NONE ? duration_ms / 1000 : UINT64_MAX;
    if (p->min_length_ms > 0 && end != UINT64_MAX && end > s && end - s < p->min_length_ms / 1000) {
        snprintf(msg, sizeof msg, "%s lasts %" PRIu64 " s: %s needs every chapter to last at "
                 "least %" PRIu64 " s", name, end - s, p->label, p->min_length_ms / 1000);
        find(f, CHAPTAG_ERROR, "platform-too-short", ch->line, why, msg);
    }
}

/* The rules on chapter I's title. */
static void check_title(const ct_platform *p, size_t i, const chaptag_chapter *ch, ct_findings *f)
{
    char name[NAME_MAX_LEN], msg[256], why[200];
    bool emoji;
    size_t chars = title_chars(ch->title, &emoji);
    chapter_name(i, ch, name);
    if (p->one_separator && leading_mark(ch->title) > 0) {
        snprintf(msg, sizeof msg, "%s has a title that starts with '%.*s': %s reads one "
                 "punctuation mark between the time and the title, and takes this one for it",
                 name, (int)leading_mark(ch->title), ch->title, p->label);
        snprintf(why, sizeof why, "the title %s shows loses its first mark", p->label);
        find(f, CHAPTAG_ERROR, "platform-separator", ch->line, why, msg);
    }
    if (p->title_advice > 0 && chars > p->title_advice) {
        snprintf(msg, sizeof msg, "%s has a title of %zu characters: %s advises under %zu",
                 name, chars, p->label, p->title_advice);
        find(f, CHAPTAG_WARNING, "platform-long-title", ch->line,
             "listeners skim over longer chapter titles", msg);
    }
    if (p->warn_emoji && emoji) {
        snprintf(msg, sizeof msg, "%s has an emoji in its title: %s asks for plain text", name,
                 p->label);
        find(f, CHAPTAG_WARNING, "platform-emoji", ch->line,
             "the platform may not read the chapter", msg);
    }
}

void ct_platform_check(const ct_platform *p, const chaptag_chapters *list, uint64_t duration_ms,
                       ct_findings *f)
{
    char name[NAME_MAX_LEN], msg[256], why[160], t[CT_TIME_STR_MAX];
    size_t n = chaptag_chapters_count(list);
    snprintf(why, sizeof why, "%s shows no chapters for the episode then", p->label);
    if (n < p->min_chapters) {
        snprintf(msg, sizeof msg, "%zu chapter%s: %s needs at least %u", n, n == 1 ? "" : "s",
                 p->label, p->min_chapters);
        find(f, CHAPTAG_ERROR, "platform-too-few", 0, why, msg);
    }
    const chaptag_chapter *first = chaptag_chapters_get(list, 0);
    if (first != NULL && first->start_ms >= 1000) {
        snprintf(msg, sizeof msg, "%s starts at %s, not 0:00: %s needs the first chapter at "
                 "0:00 (add one, or shift the list)", chapter_name(0, first, name),
                 ct_time_str(first->start_ms, t), p->label);
        find(f, CHAPTAG_ERROR, "platform-first-start", first->line, why, msg);
    }
    for (size_t i = 0; i < n; i++) {
        check_one(p, list, i, duration_ms, f);
        check_title(p, i, chaptag_chapters_get(list, i), f);
    }
}

/* Appends second S as P writes it; HOURS: the list passes an hour. */
static void put_stamp(const ct_platform *p, uint64_t s, bool hours, ct_buf *out)
{
    char b[48];
    unsigned mm = (unsigned)(s / 60 % 60), ss = (unsigned)(s % 60);
    uint64_t hh = s / 3600;
    if (p->stamps == CT_STAMP_SHORT && hh == 0)
        snprintf(b, sizeof b, "%u:%02u", mm, ss);
    else if (p->stamps == CT_STAMP_SHORT)
        snprintf(b, sizeof b, "%" PRIu64 ":%02u:%02u", hh, mm, ss);
    else if (p->stamps == CT_STAMP_PADDED && !hours)
        snprintf(b, sizeof b, "%02u:%02u", mm, ss);
    else
        snprintf(b, sizeof b, "%02" PRIu64 ":%02u:%02u", hh, mm, ss);
    ct_buf_put_str(out, b);
}

chaptag_status ct_platform_write(const ct_platform *p, const chaptag_chapters *list,
                                 uint64_t duration_ms, ct_buf *out, ct_warnings *warnings,
                                 chaptag_error *err)
{
    ct_findings f = {0};
    ct_platform_check(p, list, duration_ms, &f);
    for (size_t i = 0; i < f.n; i++) {
        if (f.v[i].severity == CHAPTAG_ERROR) {
            chaptag_finding x = f.v[i];
            ct_findings_clear(&f);
            return ct_fail(err, CHAPTAG_ERR_INPUT, x.line, "%s", x.msg);
        }
        ct_warn(warnings, f.v[i].line, "%s", f.v[i].msg);
    }
    ct_findings_clear(&f);
    size_t n = chaptag_chapters_count(list), cut = 0, first_cut = 0;
    bool hours = n > 0 && chaptag_chapters_get(list, n - 1)->start_ms >= 3600000;
    ct_buf title = CT_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        if (ch->start_ms % 1000 != 0 && cut++ == 0)
            first_cut = i;
        put_stamp(p, ch->start_ms / 1000, hours, out);
        title.len = 0;
        ct_title_clean(ch->title, strlen(ch->title), &title);
        if (title.len > 0)
            ct_buf_put_u8(out, ' ');
        ct_buf_put(out, title.data, title.len);
        ct_buf_put_u8(out, '\n');
    }
    bool ok = ct_buf_ok(&title);
    ct_buf_free(&title);
    if (!ok)
        return ct_fail_nomem(err);
    if (cut > 0) {
        char t[CT_TIME_STR_MAX];
        const chaptag_chapter *ch = chaptag_chapters_get(list, first_cut);
        ct_warn(warnings, ch->line, "%s descriptions give whole seconds: %zu chapter%s lose%s "
                "the milliseconds (chapter %zu, %s, is written at second %" PRIu64 ")",
                p->label, cut, cut == 1 ? "" : "s", cut == 1 ? "s" : "", first_cut + 1,
                ct_time_str_ms(ch->start_ms, t), ch->start_ms / 1000);
    }
    return CHAPTAG_OK;
}
