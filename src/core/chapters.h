/* The chapter model: the list every parser fills and every backend writes, its metadata and
   warnings, and the time notation shared by messages and formats. */
#ifndef CHAPTAG_CHAPTERS_H
#define CHAPTAG_CHAPTERS_H

#include <stdint.h>

#include "error.h"

/* The most chapters a chapter file may give: more is no episode but a mistake (a log, a
   block pasted a hundred times), and it would slow every reader of the file. */
#define CT_CHAPTERS_MAX 10000u

/* What chaptag_chapters_add() checks of a list, besides memory. */
enum {
    CT_CHECK_COUNT = 1u << 0, /* at most CT_CHAPTERS_MAX chapters */
    CT_CHECK_ORDER = 1u << 1, /* what chaptag_chapters_validate() checks without a duration */
};

/* Makes chaptag_chapters_add() refuse, from now on, a chapter that breaks CHECKS (CT_CHECK_*)
   with the error chaptag_chapters_validate() gives for it (the count: "more than 10,000
   chapters" on the chapter's line), so that a parser stops at the first bad chapter instead
   of reading a huge file to the end. */
void ct_chapters_check(chaptag_chapters *list, unsigned checks);

/* The warnings of LIST, for parsers and readers to add to. */
ct_warnings *ct_chapters_warnings(chaptag_chapters *list);

/* Gives chapter INDEX of LIST the picture DATA (LEN bytes, taken over: freed by the list)
   of type MIME (copied). */
bool ct_chapters_set_image(chaptag_chapters *list, size_t index, unsigned char *data, size_t len,
                           const char *mime);

/* True when GOT holds exactly the chapters of WANT: as many, the same starts to the
   millisecond and the same titles, a title of WANT cut to TITLE_MAX bytes on a character
   boundary counting as the same (SIZE_MAX: no cut). Otherwise WHY (N bytes) says the first
   difference. What a write is proven by before it is reported as done. */
bool ct_chapters_match(const chaptag_chapters *want, const chaptag_chapters *got,
                       size_t title_max, char *why, size_t n);

/* Room for any ct_time_str() result. */
#define CT_TIME_STR_MAX 32

/* Writes MS as HH:MM:SS, or HH:MM:SS.mmm when the milliseconds are not 0, into BUF (at
   least CT_TIME_STR_MAX bytes; hours grow past two digits as needed) and returns BUF. */
const char *ct_time_str(uint64_t ms, char *buf);

/* As ct_time_str(), always with milliseconds. */
const char *ct_time_str_ms(uint64_t ms, char *buf);

/* Parses a time of the form [[H+:]MM:]SS[.fff] or plain seconds with a fraction (NPT, as
   PSC and the CLI's --duration use), N bytes at S, into *MS (fractions round half up).
   False when S is not such a time or is out of range. */
bool ct_time_parse(const char *s, size_t n, uint64_t *ms);

/* Parses a decimal number of seconds ("74", "120.5", "0.0005") exactly into milliseconds,
   rounding half up. False when S is not a plain non-negative decimal number. */
bool ct_seconds_parse(const char *s, size_t n, uint64_t *ms);

#endif
