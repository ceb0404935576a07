/* The table of chapter-file formats, detection by content and file extension, and the line
   reader the text formats share. Follows the common rules of the chapter-formats reference
   (shared/reference/chapter-formats.md): a leading UTF-8 BOM is dropped, lines end in LF or
   CRLF, the last line may have no end. */
#include "formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Every format, in the order that breaks detection ties: one X(name) per fmt_<name>.c. */
#define CT_FORMATS(X) X(text) X(json)

#define FORMAT_ROW(name) &ct_fmt_##name,
#define FORMAT_NAME(name) #name,
static const ct_format *const formats[] = {CT_FORMATS(FORMAT_ROW)};
static const char *const format_names[] = {CT_FORMATS(FORMAT_NAME) NULL};
#define N_FORMATS (sizeof formats / sizeof formats[0])

const ct_format *ct_format_find(const char *name)
{
    for (size_t i = 0; i < N_FORMATS; i++)
        if (strcmp(formats[i]->name, name) == 0)
            return formats[i];
    return NULL;
}

const char *const *chaptag_format_names(void)
{
    return format_names;
}

/* ---- lines ---------------------------------------------------------------------------- */

ct_lines ct_lines_make(const char *data, size_t len)
{
    if (data == NULL)
        data = "";
    ct_lines it = {data, data + len, 0};
    return it;
}

bool ct_lines_next(ct_lines *it, const char **s, size_t *n)
{
    if (it->p >= it->end)
        return false;
    const char *lf = memchr(it->p, '\n', (size_t)(it->end - it->p));
    const char *stop = lf != NULL ? lf : it->end;
    /* only CR LF ends a line: a lone CR stays in it, for the parser to judge */
    if (lf != NULL && stop > it->p && stop[-1] == '\r')
        stop--;
    *s = it->p;
    *n = (size_t)(stop - it->p);
    it->p = lf != NULL ? lf + 1 : it->end;
    it->line++;
    return true;
}

/* ---- detection -------------------------------------------------------------------------- */

/* Drops a UTF-8 byte order mark from *DATA. */
static void skip_bom(const char **data, size_t *len)
{
    if (*len >= 3 && memcmp(*data, "\xef\xbb\xbf", 3) == 0) {
        *data += 3;
        *len -= 3;
    }
}

/* True when FILENAME ends in one of EXTENSIONS (space-separated, with the dot), in any case. */
static bool has_extension(const char *filename, const char *extensions)
{
    size_t flen = strlen(filename);
    for (const char *e = extensions; *e != '\0';) {
        size_t elen = strcspn(e, " ");
        if (elen > 0 && elen <= flen && strncasecmp(filename + flen - elen, e, elen) == 0)
            return true;
        e += elen;
        e += strspn(e, " ");
    }
    return false;
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
    if (data == NULL)
        data = "";
    skip_bom(&data, &len);
    const ct_format *f = detect_content(data, len);
    if (f != NULL)
        return f->name;
    for (size_t i = 0; filename != NULL && i < N_FORMATS; i++)
        if (has_extension(filename, formats[i]->extensions))
            return formats[i]->name;
    return NULL;
}

/* ---- parse and format --------------------------------------------------------------------- */

/* Writes "text, json, ..." into BUF. */
static const char *name_list(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < N_FORMATS && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i > 0 ? ", " : "", formats[i]->name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return buf;
}

/* The format named NAME, or an error naming the valid names. */
static chaptag_status find_named(const char *name, const ct_format **f, chaptag_error *err)
{
    char names[128];
    if (name == NULL)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no chapter format given (known: %s)",
                       name_list(names, sizeof names));
    *f = ct_format_find(name);
    if (*f == NULL)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "unknown chapter format '%s' (known: %s)", name,
                       name_list(names, sizeof names));
    return CHAPTAG_OK;
}

chaptag_status chaptag_parse(const char *data, size_t len, const char *fmt,
                             chaptag_chapters **out, chaptag_error *err)
{
    char names[128];
    const ct_format *f = NULL;
    if (data == NULL)
        data = "";
    skip_bom(&data, &len);
    if (fmt == NULL && (f = detect_content(data, len)) == NULL)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0,
                       "not a chapter file in any known format (tried %s)",
                       name_list(names, sizeof names));
    chaptag_status st = f != NULL ? CHAPTAG_OK : find_named(fmt, &f, err);
    if (st != CHAPTAG_OK)
        return st;
    if (f->parse == NULL)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "chapter format '%s' can only be written",
                       f->name);
    chaptag_chapters *list = chaptag_chapters_new();
    if (list == NULL)
        return ct_fail_nomem(err);
    st = f->parse(data, len, list, err);
    if (st != CHAPTAG_OK) {
        chaptag_chapters_free(list);
        return st;
    }
    *out = list;
    return CHAPTAG_OK;
}

chaptag_status chaptag_format(const chaptag_chapters *list, const char *fmt, uint64_t duration_ms,
                              char **out, size_t *out_len, chaptag_error *err)
{
    const ct_format *f;
    chaptag_status st = find_named(fmt, &f, err);
    if (st != CHAPTAG_OK)
        return st;
    ct_buf b = CT_BUF_INIT;
    st = f->format(list, duration_ms, &b, err);
    if (st != CHAPTAG_OK) {
        ct_buf_free(&b);
        return st;
    }
    size_t len;
    char *s = (char *)ct_buf_take(&b, &len);
    if (s == NULL)
        return ct_fail_nomem(err);
    *out = s;
    if (out_len != NULL)
        *out_len = len;
    return CHAPTAG_OK;
}
