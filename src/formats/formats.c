/* The table of chapter-file formats, detection by content and file extension, and reading
   the text every parser gets. Follows the common rules of the chapter-formats reference
   (shared/reference/chapter-formats.md): a leading UTF-8 BOM is dropped, lines end in LF or
   CRLF, the last line may have no end. Beyond it, before any format sees the text: UTF-16
   (with a BOM, or without one when every other byte of the first line is 0) is decoded to
   UTF-8 and UTF-32 refused, and a file without a single LF has its lines end in CR. */
#include "formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "editors.h"
#include "platforms.h"
#include "text.h"

/* Every format, in the order that breaks detection ties: one X(name) per fmt_<name>.c; the
   editors' exports and the platform blocks are listed in their own headers. */
#define CT_FORMATS(X)                                                                          \
    X(text) X(json) X(psc) X(ffmetadata) X(mp4chaps) X(audacity) X(cue) X(vtt) X(ogm)          \
    CT_FORMATS_EDITORS(X) CT_FORMATS_PLATFORMS(X)

#define FORMAT_ROW(name) &ct_fmt_##name,
#define FORMAT_NAME(name) #name,
static const ct_format *const formats[] = {CT_FORMATS(FORMAT_ROW)};
static const char *const format_names[] = {CT_FORMATS(FORMAT_NAME) NULL};
#define N_FORMATS (sizeof formats / sizeof formats[0])

/* Other names people give formats: the file extension, the spec's or the tool's name. */
static const struct {
    const char *alias, *name;
} aliases[] = {
    {"txt", "text"},           {"podcasting2", "json"}, {"podcasting2.0", "json"},
    {"podlove", "psc"},        {"ffmeta", "ffmetadata"}, {"mp4v2", "mp4chaps"},
    {"labels", "audacity"},    {"webvtt", "vtt"},       {"matroska", "mkvxml"},
    {"mkvtoolnix", "mkvxml"},
};

const ct_format *ct_format_find(const char *name)
{
    for (size_t i = 0; name != NULL && i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcasecmp(aliases[i].alias, name) == 0)
            name = aliases[i].name;
    for (size_t i = 0; name != NULL && i < N_FORMATS; i++)
        if (strcasecmp(formats[i]->name, name) == 0)
            return formats[i];
    return NULL;
}

const char *chaptag_format_canonical(const char *name)
{
    const ct_format *f = ct_format_find(name);
    return f != NULL ? f->name : NULL;
}

const char *const *chaptag_format_names(void)
{
    return format_names;
}

/* ---- the text the parsers read ---------------------------------------------------------- */

/* The line of the end of the UTF-8 text S (N bytes): lines end in LF, or in CR when there is
   no LF, as read_text() splits them. */
static unsigned line_at_end(const char *s, size_t n)
{
    char eol = memchr(s, '\n', n) != NULL ? '\n' : '\r';
    unsigned line = 1;
    for (size_t i = 0; i < n; i++)
        line += s[i] == eol;
    return line;
}

/* Decodes the UTF-16 text DATA (LEN bytes) after its BOM (BOM bytes) into COPY. */
static chaptag_status decode_utf16(const char *data, size_t len, size_t bom, bool big_endian,
                                   ct_buf *copy, chaptag_error *err)
{
    size_t bad;
    if (!ct_utf16_decode((const uint8_t *)data + bom, len - bom, big_endian, copy, &bad))
        return ct_fail(err, CHAPTAG_ERR_INPUT,
                       line_at_end(copy->len > 0 ? (const char *)copy->data : "", copy->len),
                       "UTF-16 with %s at byte %zu: save as UTF-8",
                       len - bom - bad < 2 ? "an odd last byte" : "an unpaired surrogate",
                       bom + bad);
    return ct_buf_ok(copy) ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* Makes *DATA, *LEN the text every parser reads: UTF-8 without a BOM whose lines end in LF or
   CR LF. UTF-16 (Windows Notepad's "Unicode") is decoded, UTF-32 refused; in a file without a
   single LF, each CR ends a line (classic Mac OS) and becomes an LF, so that every format
   splits and counts lines the same way. COPY holds the text when it had to change. */
static chaptag_status read_text(const char **data, size_t *len, ct_buf *copy, chaptag_error *err)
{
    size_t bom;
    if (*data == NULL)
        *data = "";
    ct_text_encoding enc = ct_text_sniff((const uint8_t *)*data, *len, &bom);
    if (enc == CT_TEXT_UTF32)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "UTF-32: save as UTF-8");
    if (enc == CT_TEXT_UTF16LE || enc == CT_TEXT_UTF16BE) {
        chaptag_status st = decode_utf16(*data, *len, bom, enc == CT_TEXT_UTF16BE, copy, err);
        if (st != CHAPTAG_OK)
            return st;
        *data = copy->len > 0 ? (const char *)copy->data : "";
        *len = copy->len;
    } else if (*len >= 3 && memcmp(*data, "\xef\xbb\xbf", 3) == 0) {
        *data += 3;
        *len -= 3;
    }
    if (memchr(*data, '\n', *len) != NULL || memchr(*data, '\r', *len) == NULL)
        return CHAPTAG_OK;
    if (*data != (const char *)copy->data) {
        copy->len = 0;
        ct_buf_put(copy, *data, *len);
        if (!ct_buf_ok(copy))
            return ct_fail_nomem(err);
    }
    for (size_t i = 0; i < copy->len; i++)
        if (copy->data[i] == '\r')
            copy->data[i] = '\n';
    *data = (const char *)copy->data;
    *len = copy->len;
    return CHAPTAG_OK;
}

/* ---- detection -------------------------------------------------------------------------- */

/* The length of the longest of EXTENSIONS (space-separated, with the dot) that FILENAME ends
   in, in any case; 0 for none. */
static size_t extension_match(const char *filename, const char *extensions)
{
    size_t flen = strlen(filename), best = 0;
    for (const char *e = extensions; *e != '\0';) {
        size_t elen = strcspn(e, " ");
        if (elen > best && elen <= flen && strncasecmp(filename + flen - elen, e, elen) == 0)
            best = elen;
        e += elen;
        e += strspn(e, " ");
    }
    return best;
}

/* The format whose extension FILENAME ends in, the longest one winning (".chapters.txt" is
   mp4chaps, ".txt" text), or NULL. */
static const ct_format *detect_extension(const char *filename)
{
    const ct_format *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < N_FORMATS; i++) {
        size_t k = extension_match(filename, formats[i]->extensions);
        if (k > best_len) {
            best = formats[i];
            best_len = k;
        }
    }
    return best;
}

/* The format DATA (BOM removed) most surely is, or NULL; ties go to the earlier format. */
static const ct_format *detect_content(const char *data, size_t len)
{
    const ct_format *best = NULL;
    int best_conf = 0;
    for (size_t i = 0; i < N_FORMATS; i++) {
        int conf = formats[i]->detect != NULL ? formats[i]->detect(data, len) : 0;
        if (conf > best_conf) {
            best = formats[i];
            best_conf = conf;
        }
    }
    return best;
}

const char *chaptag_detect(const char *data, size_t len, const char *filename)
{
    ct_buf text = CT_BUF_INIT;
    /* text that cannot be read is judged by its name; parsing it says what is wrong */
    const ct_format *f =
        read_text(&data, &len, &text, NULL) == CHAPTAG_OK ? detect_content(data, len) : NULL;
    ct_buf_free(&text);
    if (f != NULL)
        return f->name;
    f = filename != NULL ? detect_extension(filename) : NULL;
    return f != NULL ? f->name : NULL;
}

/* ---- parse and format --------------------------------------------------------------------- */

/* Room for every format's name in a list. */
#define NAME_LIST_SIZE 200

/* Writes "text, json, ..." into BUF: every format, or (READABLE) those that parse. */
static const char *name_list(char *buf, size_t size, bool readable)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < N_FORMATS && used < size; i++) {
        if (readable && formats[i]->parse == NULL)
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used > 0 ? ", " : "", formats[i]->name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return buf;
}

/* The format named NAME, or an error naming the valid names. */
static chaptag_status find_named(const char *name, const ct_format **f, chaptag_error *err)
{
    char names[NAME_LIST_SIZE];
    if (name == NULL)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no chapter format given (known: %s)",
                       name_list(names, sizeof names, false));
    *f = ct_format_find(name);
    if (*f == NULL)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "unknown chapter format '%s' (known: %s)", name,
                       name_list(names, sizeof names, false));
    return CHAPTAG_OK;
}

/* The format DATA (read_text() done) is in, or an error naming the formats tried. */
static chaptag_status detect_or_fail(const char *data, size_t len, const ct_format **f,
                                     chaptag_error *err)
{
    char names[NAME_LIST_SIZE];
    *f = detect_content(data, len);
    if (*f == NULL)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0,
                       "not a chapter file in any known format (tried %s)",
                       name_list(names, sizeof names, true));
    return CHAPTAG_OK;
}

chaptag_status chaptag_parse(const char *data, size_t len, const char *fmt, chaptag_chapters **out,
                             chaptag_error *err)
{
    const ct_format *f = NULL;
    ct_buf text = CT_BUF_INIT;
    chaptag_chapters *list = NULL;
    chaptag_status st = fmt != NULL ? find_named(fmt, &f, err) : CHAPTAG_OK;
    if (st == CHAPTAG_OK)
        st = read_text(&data, &len, &text, err);
    if (st == CHAPTAG_OK && f == NULL)
        st = detect_or_fail(data, len, &f, err);
    if (st == CHAPTAG_OK && f->parse == NULL)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "chapter format '%s' can only be written", f->name);
    if (st == CHAPTAG_OK && (list = chaptag_chapters_new()) == NULL)
        st = ct_fail_nomem(err);
    if (st == CHAPTAG_OK) {
        /* each chapter is checked as it is added, so that a huge file fails at its first bad
           (or 10,001st) chapter instead of being read whole first */
        ct_chapters_check(list, CT_CHECK_COUNT | CT_CHECK_ORDER);
        st = f->parse(data, len, list, err);
        ct_chapters_check(list, 0); /* the caller's list: it may add chapters in any order */
    }
    /* validated once here, for every format (psc sorts its chapters first, so its repeats and
       overlaps show only now); the messages name both lines */
    if (st == CHAPTAG_OK)
        st = chaptag_chapters_validate(list, CHAPTAG_TIME_NONE, err);
    ct_buf_free(&text);
    if (st != CHAPTAG_OK) {
        chaptag_chapters_free(list);
        return st;
    }
    *out = list;
    return CHAPTAG_OK;
}

/* Refuses times past CT_TIME_MAX_MS, so that no formatter writes what would not parse again. */
static chaptag_status check_times(const chaptag_chapters *list, uint64_t duration_ms,
                                  chaptag_error *err)
{
    if (duration_ms != CHAPTAG_TIME_NONE && duration_ms > CT_TIME_MAX_MS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the duration is past %u hours",
                       CT_TIME_MAX_HOURS);
    for (size_t i = 0; i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        if (ch->start_ms > CT_TIME_MAX_MS)
            return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "chapter %zu starts past %u hours",
                           i + 1, CT_TIME_MAX_HOURS);
        if (ch->end_ms != CHAPTAG_TIME_NONE && ch->end_ms > CT_TIME_MAX_MS)
            return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "chapter %zu ends past %u hours",
                           i + 1, CT_TIME_MAX_HOURS);
    }
    return CHAPTAG_OK;
}

/* True when chapter I of LIST has an end the next start (or the duration) does not imply. */
static bool has_own_end(const chaptag_chapters *list, size_t i, uint64_t duration_ms)
{
    const chaptag_chapter *ch = chaptag_chapters_get(list, i);
    const chaptag_chapter *next = chaptag_chapters_get(list, i + 1);
    uint64_t implied = next != NULL ? next->start_ms : duration_ms;
    return ch->end_ms != CHAPTAG_TIME_NONE && ch->end_ms != implied;
}

static bool has_url(const chaptag_chapter *ch)
{
    return ch->url != NULL && ch->url[0] != '\0';
}

/* An image the chapter file names (a path, or a URL a linked picture points at) */
static bool has_image(const chaptag_chapter *ch)
{
    return ch->image != NULL && ch->image[0] != '\0';
}

/* Picture bytes with no name: what an audio file embeds, and no chapter format holds */
static bool has_bytes_only(const chaptag_chapter *ch)
{
    return ch->image_data != NULL && !has_image(ch);
}

static bool is_hidden(const chaptag_chapter *ch)
{
    return ch->hidden != 0;
}

static bool has_location(const chaptag_chapter *ch)
{
    return ch->location != NULL;
}

/* The fields a format may not carry, and how to tell a chapter has one. A flag of 0 is a
   field no format carries. */
static const struct {
    unsigned flag;
    const char *what;
    bool (*has)(const chaptag_chapter *ch);
} fields[] = {
    {CT_CARRIES_URL, "links", has_url},
    {CT_CARRIES_IMAGE, "images", has_image},
    {CT_CARRIES_HIDDEN, "hidden chapters (toc: false)", is_hidden},
    {CT_CARRIES_LOCATION, "locations", has_location},
    {0, "picture bytes", has_bytes_only},
};

/* The name of the first format that carries FLAG (json for all but one), for a warning to
   point at. */
static const char *keeper(unsigned flag)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if ((formats[i]->carries & flag) == flag)
            return formats[i]->name;
    return "json";
}

/* Warns about every field of LIST that format F leaves out, with how many chapters lose it and
   which format keeps it: a dump that warns nothing embeds back as it was. */
static void warn_lost_fields(const ct_format *f, const chaptag_chapters *list,
                             uint64_t duration_ms, ct_warnings *warnings)
{
    size_t n = chaptag_chapters_count(list), lost = 0;
    for (size_t i = 0; !(f->carries & CT_CARRIES_END) && i < n; i++)
        lost += has_own_end(list, i, duration_ms);
    if (lost > 0)
        ct_warn(warnings, 0, "%s keeps no end times: %zu chapter%s lose%s %s (%s keeps them)",
                f->name, lost, lost == 1 ? "" : "s", lost == 1 ? "s" : "",
                lost == 1 ? "its end" : "their ends", keeper(CT_CARRIES_END));
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
        if (fields[k].flag != 0 && (f->carries & fields[k].flag))
            continue;
        lost = 0;
        for (size_t i = 0; i < n; i++)
            lost += fields[k].has(chaptag_chapters_get(list, i));
        if (lost > 0 && fields[k].flag == 0)
            ct_warn(warnings, 0, "no chapter format holds %s: %zu chapter%s lose%s %s here "
                    "(dump --images DIR saves them as files json and psc point at)",
                    fields[k].what, lost, lost == 1 ? "" : "s", lost == 1 ? "s" : "",
                    lost == 1 ? "its picture" : "their pictures");
        else if (lost > 0)
            ct_warn(warnings, 0, "%s keeps no %s: %zu chapter%s lose%s %s (%s keeps them)",
                    f->name, fields[k].what, lost, lost == 1 ? "" : "s", lost == 1 ? "s" : "",
                    lost == 1 ? "it" : "them", keeper(fields[k].flag));
    }
}

chaptag_status chaptag_format_with_warnings(const chaptag_chapters *list, const char *fmt,
                                            uint64_t duration_ms, char **out, size_t *out_len,
                                            chaptag_warning **warnings, size_t *n_warnings,
                                            chaptag_error *err)
{
    const ct_format *f;
    ct_warnings w = {0};
    ct_buf b = CT_BUF_INIT;
    chaptag_status st = find_named(fmt, &f, err);
    if (st == CHAPTAG_OK)
        st = check_times(list, duration_ms, err);
    if (st == CHAPTAG_OK)
        st = f->format(list, duration_ms, &b, &w, err);
    if (st == CHAPTAG_OK)
        warn_lost_fields(f, list, duration_ms, &w);
    size_t len = 0;
    char *s = st == CHAPTAG_OK ? (char *)ct_buf_take(&b, &len) : NULL;
    if (st == CHAPTAG_OK && s == NULL)
        st = ct_fail_nomem(err);
    ct_buf_free(&b);
    if (st != CHAPTAG_OK) {
        ct_warnings_clear(&w);
        return st;
    }
    *out = s;
    if (out_len != NULL)
        *out_len = len;
    if (warnings != NULL) {
        *warnings = w.v; /* handed over: the caller frees the array */
        w.v = NULL;
    }
    if (n_warnings != NULL)
        *n_warnings = w.n;
    ct_warnings_clear(&w);
    return CHAPTAG_OK;
}

chaptag_status chaptag_format(const chaptag_chapters *list, const char *fmt, uint64_t duration_ms,
                              char **out, size_t *out_len, chaptag_error *err)
{
    return chaptag_format_with_warnings(list, fmt, duration_ms, out, out_len, NULL, NULL, err);
}

/* ---- helpers the formats share -------------------------------------------------------------- */

chaptag_status ct_field_text(const char *s, size_t n, unsigned line, const char *what, ct_buf *out,
                             chaptag_error *err)
{
    out->len = 0;
    if (!ct_utf8_valid(s, n))
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "the %s is not valid UTF-8", what);
    ct_title_clean(s, n, out);
    ct_buf_put_u8(out, 0);
    return ct_buf_ok(out) ? CHAPTAG_OK : ct_fail_nomem(err);
}

chaptag_status ct_field_out(const char *s, size_t index, const char *what, ct_buf *out,
                            chaptag_error *err)
{
    out->len = 0;
    if (!ct_utf8_valid(s, strlen(s)))
        return index > 0 ? ct_fail(err, CHAPTAG_ERR_INPUT, 0,
                                   "the %s of chapter %zu is not valid UTF-8", what, index)
                         : ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the %s is not valid UTF-8", what);
    ct_title_clean(s, strlen(s), out);
    ct_buf_put_u8(out, 0);
    if (!ct_buf_ok(out))
        return ct_fail_nomem(err);
    out->len--;
    return CHAPTAG_OK;
}

const char *ct_excerpt(const char *s, size_t n, char buf[CT_EXCERPT_SIZE])
{
    size_t k = ct_utf8_cut(s, n, CT_EXCERPT_SIZE - 8);
    for (size_t i = 0; i < k; i++)
        buf[i] = (unsigned char)s[i] < ' ' || s[i] == 0x7f ? ' ' : s[i];
    strcpy(buf + k, k < n ? "..." : "");
    return buf;
}

bool ct_contains(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    for (size_t i = 0; k <= n && i <= n - k; i++)
        if (memcmp(s + i, lit, k) == 0)
            return true;
    return false;
}
