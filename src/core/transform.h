/* What the CLI does to a chapter list between reading and writing it: the one grammar of
   times and durations in options, the transforms (shift, cut, insert, an intro at 0:00), and
   the chapter rules of platform descriptions (YouTube, Spotify, Apple Podcasts) with the
   writer of their chapter blocks. The transforms themselves are public (chaptag.h). */
#ifndef CHAPTAG_TRANSFORM_H
#define CHAPTAG_TRANSFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "chapters.h"
#include "findings.h"

/* How a platform writes a chapter's time. */
typedef enum {
    CT_STAMP_SHORT,   /* M:SS under an hour, H:MM:SS from an hour on (YouTube) */
    CT_STAMP_PADDED,  /* MM:SS, or HH:MM:SS on every line once a chapter passes an hour */
    CT_STAMP_FULL,    /* HH:MM:SS */
} ct_stamp_style;

/* The chapter rules of one platform's description, as its documentation states them. */
typedef struct {
    const char *name;        /* the format's name: "youtube" */
    const char *label;       /* the platform as users know it: "YouTube" */
    unsigned min_chapters;   /* fewer: the platform shows none */
    uint64_t min_length_ms;  /* a shorter chapter breaks the list; 0: no rule */
    size_t title_advice;     /* titles over this many characters are warned; 0: none */
    bool warn_emoji;         /* emoji in titles are warned */
    bool one_separator;      /* one punctuation mark at most between time and title */
    ct_stamp_style stamps;
} ct_platform;

/* Adds to F every rule of P that LIST breaks, as errors (what makes the platform show no
   chapters) and warnings (its advice), each naming the chapter (number, time, title) and its
   line. Times are judged in whole seconds, as a description writes them. DURATION_MS
   (CHAPTAG_TIME_NONE: unknown) ends the last chapter. */
void ct_platform_check(const ct_platform *p, const chaptag_chapters *list, uint64_t duration_ms,
                       ct_findings *f);

/* Appends LIST as P's chapter block ("0:00 Title" lines) to OUT, after ct_platform_check():
   its first error fails (CHAPTAG_ERR_INPUT, on the chapter's line), its warnings go to
   WARNINGS, as does what the block cannot keep (milliseconds). */
chaptag_status ct_platform_write(const ct_platform *p, const chaptag_chapters *list,
                                 uint64_t duration_ms, ct_buf *out, ct_warnings *warnings,
                                 chaptag_error *err);

/* Parses a time or duration of an option, N bytes at S: [H:]MM:SS[.mmm] (or plain seconds)
   or a number with a unit, ms, s, m or h ("90s", "1.5m"), rounded half up to the
   millisecond; with SIGNED an optional + or - first. False when S is none of these or is
   past CT_TIME_MAX_MS. */
bool ct_option_time(const char *s, size_t n, bool is_signed, int64_t *ms);

#endif
