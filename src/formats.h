/* The table of chapter-file formats, detection, and the line reader the text formats share.
   A format is one fmt_<name>.c exporting one ct_format. */
#ifndef CHAPTAG_FORMATS_H
#define CHAPTAG_FORMATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "chapters.h"

typedef struct {
    const char *name;       /* "text" */
    const char *extensions; /* ".txt .chapters": used when the content decides nothing */
    /* How surely DATA (BOM removed) is in this format: 0 not, 1 possibly, 2 certainly. */
    int (*detect)(const char *data, size_t len);
    /* Parses DATA (BOM removed) into the empty list OUT; errors name the line. NULL: the
       format can only be written. */
    chaptag_status (*parse)(const char *data, size_t len, chaptag_chapters *out,
                            chaptag_error *err);
    /* Appends LIST in this format to OUT. DURATION_MS (or CHAPTAG_TIME_NONE) ends the last
       chapter where the format needs an end. */
    chaptag_status (*format)(const chaptag_chapters *list, uint64_t duration_ms, ct_buf *out,
                             chaptag_error *err);
} ct_format;

/* The latest time a chapter file may give, 100,000 hours: parsers reject anything later with
   a clear message (a typo, not an episode), so no arithmetic on a time can overflow, and
   formatters refuse it so that what they write always parses again. */
#define CT_TIME_MAX_HOURS 100000u
#define CT_TIME_MAX_MS ((uint64_t)CT_TIME_MAX_HOURS * 3600u * 1000u)

/* The format called NAME, or NULL. */
const ct_format *ct_format_find(const char *name);

/* Splits text into lines: LF or CRLF ends a line, the last may have no end. */
typedef struct {
    const char *p, *end;
    unsigned line; /* number of the line last returned, 1-based */
} ct_lines;

ct_lines ct_lines_make(const char *data, size_t len);

/* The next line (without its end) in *S and *N; false at the end of the data. */
bool ct_lines_next(ct_lines *it, const char **s, size_t *n);

extern const ct_format ct_fmt_text;
extern const ct_format ct_fmt_json;

#endif
