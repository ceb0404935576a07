/* Vorbis comments (Ogg Vorbis, Opus's OpusTags, FLAC's VORBIS_COMMENT block): one codec for
   every container that carries them, and chapters as the Xiph chapter extension that FFmpeg
   and AntennaPod read: CHAPTER001=HH:MM:SS.mmm, CHAPTER001NAME=Title, CHAPTER001URL=link. */
#ifndef CHAPTAG_VORBIS_H
#define CHAPTAG_VORBIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "chapters.h"
#include "findings.h"

/* One comment, "KEY=value" as it stands in the file (not NUL-terminated). */
typedef struct {
    uint8_t *p;
    size_t n;
} ct_vorbis_comment;

typedef struct {
    uint8_t *vendor;
    size_t vendor_len;
    ct_vorbis_comment *v; /* in file order */
    size_t n, cap;
} ct_vorbis_comments;

/* Parses the comment list of LEN bytes at P (little-endian vendor length, vendor, count, then
   each comment's length and bytes; what follows the last comment is not read: Vorbis's
   framing bit, Opus's padding). *USED is the bytes the list took. On success *OUT is filled;
   free it with ct_vorbis_free(). */
chaptag_status ct_vorbis_parse(const uint8_t *p, size_t len, ct_vorbis_comments *out,
                               size_t *used, chaptag_error *err);

/* Appends VC as a comment list (no framing bit) to OUT. */
void ct_vorbis_render(const ct_vorbis_comments *vc, ct_buf *out);

/* Frees what VC holds. */
void ct_vorbis_free(ct_vorbis_comments *vc);

/* True when VC holds any CHAPTERnnn key. */
bool ct_vorbis_has_chapters(const ct_vorbis_comments *vc);

/* Reads VC's CHAPTERnnn keys (any digit count and case, in number order) into LIST; keys that
   do not make chapters (a name without a time, a bad time) are warnings on LIST. */
chaptag_status ct_vorbis_chapters(const ct_vorbis_comments *vc, chaptag_chapters *list,
                                  chaptag_error *err);

/* Replaces every CHAPTERnnn key of VC by LIST's chapters (NULL: none), numbered from 001 with
   three digits (more past 999): the new keys stand where the first old one stood, or last;
   every other comment keeps its bytes and its place. */
chaptag_status ct_vorbis_set_chapters(ct_vorbis_comments *vc, const chaptag_chapters *list,
                                      chaptag_error *err);

/* What players trip on in VC's chapter keys: numbers out of order or with gaps, a number
   given twice, a CHAPTERnnn without its NAME, starts not increasing or past DURATION_MS. */
void ct_vorbis_lint(const ct_vorbis_comments *vc, uint64_t duration_ms, ct_findings *out);

#endif
