/* The chapter model: the list every parser fills and every backend writes, its metadata and
   warnings. The time notation of messages and formats is timestamp.h's, included here. */
#ifndef CHAPTAG_CHAPTERS_H
#define CHAPTAG_CHAPTERS_H

#include <stdint.h>

#include "error.h"
#include "timestamp.h" /* ct_time_str() and the rest, for every user of the model */

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

/* Sets the start and the given end (CHAPTAG_TIME_NONE: none) of chapter INDEX of LIST, for a
   change made in place (snapping to pauses); the caller keeps the list in order. */
void ct_chapters_set_times(chaptag_chapters *list, size_t index, uint64_t start_ms,
                           uint64_t end_ms);

/* Gives chapter INDEX of LIST the picture DATA (LEN bytes, taken over: freed by the list)
   of type MIME (copied). */
bool ct_chapters_set_image(chaptag_chapters *list, size_t index, unsigned char *data, size_t len,
                           const char *mime);

/* Names the picture of chapter INDEX of LIST NAME (copied; its bytes stay): where it was saved. */
bool ct_chapters_set_image_name(chaptag_chapters *list, size_t index, const char *name);

/* The largest picture a chapter takes, and all of a list's pictures together (what an ID3v2
   tag can hold): whether read from a file or downloaded. */
#define CT_PICTURE_MAX (16u << 20)
#define CT_PICTURES_TOTAL_MAX (240u << 20)

/* The MIME type of a picture by its first N bytes at P, or NULL when it is neither JPEG nor
   PNG: the two kinds every chapter reader shows. */
const char *ct_image_mime(const unsigned char *p, size_t n);

/* True when S names a remote resource (scheme://...) or inline data (data:), not a local file. */
bool ct_is_url(const char *s);

/* True when GOT holds exactly the chapters of WANT (NULL: none): as many, the same starts to the
   millisecond and the same titles, a title of WANT cut to TITLE_MAX bytes on a character
   boundary counting as the same (SIZE_MAX: no cut). Otherwise WHY (N bytes) says the first
   difference. What a write is proven by before it is reported as done. */
bool ct_chapters_match(const chaptag_chapters *want, const chaptag_chapters *got,
                       size_t title_max, char *why, size_t n);

#endif
