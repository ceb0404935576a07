/* The table of chapter-file formats, detection, and the helpers the formats share (their
   line lexer is lex.h's, their time reading timestamp.h's). A format is one fmt_<name>.c
   exporting one ct_format. */
#ifndef CHAPTAG_FORMATS_H
#define CHAPTAG_FORMATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "chapters.h"
#include "lex.h"

/* The chapter fields a format carries besides the start and the title. */
enum {
    CT_CARRIES_END = 1u << 0,      /* a given end, and so a gap before the next chapter */
    CT_CARRIES_URL = 1u << 1,
    CT_CARRIES_IMAGE = 1u << 2,
    CT_CARRIES_HIDDEN = 1u << 3,
    CT_CARRIES_LOCATION = 1u << 4,
};

/* How surely content is in a format, from a format's detect(): ties go to the earlier row. */
enum {
    CT_DETECT_NO = 0,
    CT_DETECT_MAYBE = 1,  /* some of it looks right */
    CT_DETECT_LIKELY = 2, /* a pattern other formats may share (timestamp lines) */
    CT_DETECT_SURE = 3,   /* the format's own signature (a header, a namespace, a key) */
};

typedef struct {
    const char *name;       /* "text" */
    const char *extensions; /* ".txt .chapters": used when the content decides nothing */
    unsigned carries;       /* CT_CARRIES_* */
    /* How surely DATA is in this format: CT_DETECT_*. DATA here and in parse() is UTF-8 text
       (or bytes a format may read as Windows-1252) without a BOM, its lines ending in LF or CR
       LF: chaptag_parse() and chaptag_detect() decode UTF-16 and turn the CRs of a file that
       has no LF into LFs first. */
    int (*detect)(const char *data, size_t len);
    /* Parses DATA into the empty list OUT; errors name the line. OUT refuses a chapter out
       of order or past CT_CHAPTERS_MAX as it is added (ct_chapters_check()). NULL: the format
       can only be written. */
    chaptag_status (*parse)(const char *data, size_t len, chaptag_chapters *out,
                            chaptag_error *err);
    /* Appends LIST in this format to OUT. DURATION_MS (or CHAPTAG_TIME_NONE) ends the last
       chapter where the format needs an end. What the format had to change (rounding, a
       character it cannot write) goes to WARNINGS. Start and given end times are at most
       CT_TIME_MAX_MS, and so is DURATION_MS when given. */
    chaptag_status (*format)(const chaptag_chapters *list, uint64_t duration_ms, ct_buf *out,
                             ct_warnings *warnings, chaptag_error *err);
} ct_format;

/* The format called NAME, or NULL. */
const ct_format *ct_format_find(const char *name);

/* ---- helpers the formats share ------------------------------------------------------- */

/* Puts the N bytes at S into OUT (emptied first) as a NUL-terminated one-line field: valid
   UTF-8 is required (else an error naming LINE and WHAT, "title"), control characters become
   spaces and outer blanks are trimmed, as for every title. */
chaptag_status ct_field_text(const char *s, size_t n, unsigned line, const char *what, ct_buf *out,
                             chaptag_error *err);

/* Puts the string S, field WHAT of chapter INDEX (1-based; 0: of the list), into OUT (emptied
   first) as one line, NUL-terminated (the NUL not counted in OUT->len): control characters as
   spaces, outer blanks trimmed, so that a line format never writes a line a title did not
   mean. An error when S is not valid UTF-8. */
chaptag_status ct_field_out(const char *s, size_t index, const char *what, ct_buf *out,
                            chaptag_error *err);

/* Room for a ct_excerpt(). */
#define CT_EXCERPT_SIZE 48

/* Writes a one-line excerpt of S (N bytes) for a message into BUF and returns BUF: at most 40
   bytes, cut at a character boundary, with control bytes (NUL too) as spaces and "..." when
   cut, so that a quoted piece never looks like the whole line. */
const char *ct_excerpt(const char *s, size_t n, char buf[CT_EXCERPT_SIZE]);

/* True when the N bytes at S hold the string LIT. */
bool ct_contains(const char *s, size_t n, const char *lit);

extern const ct_format ct_fmt_text;
extern const ct_format ct_fmt_json;
extern const ct_format ct_fmt_psc;
extern const ct_format ct_fmt_ffmetadata;
extern const ct_format ct_fmt_mp4chaps;
extern const ct_format ct_fmt_audacity;
extern const ct_format ct_fmt_cue;
extern const ct_format ct_fmt_vtt;
extern const ct_format ct_fmt_ogm;

#endif
