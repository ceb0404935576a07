/* ID3v2.2/2.3/2.4 tags: parse every frame (unknown ones kept as bytes), read CHAP/CTOC into
   the chapter model, render a v2.3 or v2.4 tag with chaptag's CHAP/CTOC frames and every other
   frame kept (converted between versions where needed). Pure: bytes in, bytes out. */
#ifndef CHAPTAG_ID3V2_H
#define CHAPTAG_ID3V2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "chapters.h"

/* A frame as it stood in its tag. */
typedef struct {
    char id[5];       /* "TIT2"; 3 characters in a v2.2 tag */
    uint8_t version;  /* 2, 3 or 4: the version of the tag it came from */
    uint16_t flags;   /* frame flags in that version's layout (0 in v2.2) */
    uint8_t *body;    /* the body after the frame header, unsynchronisation undone */
    size_t len;
    bool plain_size;  /* a v2.4 frame whose size had to be read as a plain integer */
} ct_id3_frame;

/* The prepended tag(s) of a file. */
typedef struct {
    uint8_t version;      /* major version of the first tag: 2, 3 or 4 */
    uint8_t flags;        /* header flags of the first tag */
    uint64_t total_size;  /* bytes of every stacked tag, headers and footers included: the
                             offset where the rest of the file starts */
    uint64_t padding;     /* padding bytes at the end of the first tag */
    uint64_t padding_off; /* where they start in the data; 0 when unknown (a v2.2/v2.3 tag
                             unsynchronised as a whole: stored and read bytes differ) */
    unsigned n_tags;      /* stacked tags found (1 normally) */
    ct_id3_frame *frames; /* every frame of every stacked tag, in file order */
    size_t n_frames;
    ct_warnings warnings; /* what could not be kept or read */
} ct_id3_tag;

/* The whole size (header, body, footer) of the tag whose first 10 bytes are HDR, or 0 when
   HDR is not an ID3v2 header (FFmpeg's ff_id3v2_match rule). */
uint64_t ct_id3v2_tag_size(const uint8_t hdr[10]);

/* Parses LEN bytes that hold one or more stacked ID3v2 tags from their first byte (at least
   the sizes ct_id3v2_tag_size() gives). Damaged frames end the frame list with a warning;
   a damaged header is CHAPTAG_ERR_AUDIO. *OUT is new; free it with ct_id3v2_tag_free(). */
chaptag_status ct_id3v2_parse(const uint8_t *data, size_t len, ct_id3_tag **out,
                              chaptag_error *err);

/* Parses the LEN bytes at P as the frames embedded in a CHAP or CTOC of VERSION (sizes as
   that version has them, with the same plain-size rescue as top-level frames) into a new
   array *OUT of *N frames; free it with ct_id3v2_frames_free(). Damaged frames end the list
   (warnings go to W, may be NULL). */
chaptag_status ct_id3v2_subframes(const uint8_t *p, size_t len, int version, ct_id3_frame **out,
                                  size_t *n, ct_warnings *w, chaptag_error *err);
void ct_id3v2_frames_free(ct_id3_frame *frames, size_t n);

/* One frame where it stands in the walked bytes: nothing copied, nothing undone. */
typedef struct {
    char id[5];
    uint16_t flags;      /* in the layout of the walk's version (0 in v2.2) */
    bool plain_size;     /* a v2.4 size that had to be read as a plain integer */
    uint64_t size;       /* the body size its header gives */
    const uint8_t *body; /* LEN bytes after its header: the whole body, or for
                            CT_ID3_WALK_TOO_BIG what remains of the bytes */
    size_t len;
    size_t off, end;     /* where its header starts and its body ends in the walked bytes */
} ct_id3_raw_frame;

typedef enum {
    CT_ID3_WALK_FRAME,   /* a frame: R is past it */
    CT_ID3_WALK_EMPTY,   /* a frame of size 0, which readers drop: R is past it */
    CT_ID3_WALK_END,     /* no bytes left */
    CT_ID3_WALK_PADDING, /* a zero byte where a frame ID would start: padding to the end */
    CT_ID3_WALK_STRAY,   /* fewer bytes left than a frame header */
    CT_ID3_WALK_NO_ID,   /* no valid frame ID */
    CT_ID3_WALK_TOO_BIG, /* a frame that claims more bytes than remain */
} ct_id3_walk_result;

/* The one walk over ID3v2 frames: reads the frame header at R in the layout of VERSION (2, 3 or
   4; a v2.4 size with the plain-size rescue) into *F and, for a frame, steps R past its body;
   R stays where it was for every other result, which ends the frames. F->off is R's position
   whatever the result. */
ct_id3_walk_result ct_id3v2_walk(ct_reader *r, int version, ct_id3_raw_frame *f);

/* Frees TAG. NULL does nothing. */
void ct_id3v2_tag_free(ct_id3_tag *tag);

/* True when TAG holds a CHAP or CTOC frame. */
bool ct_id3v2_has_chapters(const ct_id3_tag *tag);

/* The fields of a CHAP body (Chapter Frame Addendum §3), borrowed from it. */
typedef struct {
    const char *eid;       /* element ID, NUL-terminated in the body */
    size_t eid_len;
    uint32_t start_ms, end_ms;
    const uint8_t *frames; /* the embedded frames, after the (unused) byte offsets */
    size_t frames_len;
} ct_id3_chap;

/* The one CHAP parser: reads the LEN bytes of CHAP content at P into *OUT. False when the
   element ID has no NUL or fewer than 16 bytes of times and offsets follow it. */
bool ct_id3v2_chap_parse(const uint8_t *p, size_t len, ct_id3_chap *out);

/* The fields of a CTOC body (Chapter Frame Addendum §4), borrowed from it. */
typedef struct {
    const char *eid; /* element ID, NUL-terminated in the body */
    size_t eid_len;
    uint8_t flags;   /* 0x02 top-level, 0x01 ordered */
    unsigned count;  /* the entry count byte */
    ct_reader rest;  /* at the next child element ID; after the children, the embedded frames */
} ct_id3_ctoc;

/* The one CTOC parser: reads the LEN bytes of CTOC content at P into *OUT, up to its children.
   False when the element ID has no NUL or the flags and count bytes are missing. */
bool ct_id3v2_ctoc_parse(const uint8_t *p, size_t len, ct_id3_ctoc *out);

/* The next child element ID of TOC (NUL-terminated in the body, *N bytes), TOC->rest stepped
   past it; NULL when no NUL-terminated string is left (TOC->rest stays, marked bad). */
const char *ct_id3v2_ctoc_child(ct_id3_ctoc *toc, size_t *n);

/* Appends the chapters of TAG to LIST in time order: title from TIT2 (or TIT3 when no TIT2),
   url from the first WXXX, image from the first APIC (a linked one's URL into image); a CHAP that no top-level CTOC reaches is
   hidden when the tag has a CTOC. Warnings about what looks wrong go to LIST. */
chaptag_status ct_id3v2_chapters(const ct_id3_tag *tag, chaptag_chapters *list,
                                 chaptag_error *err);

/* The first value of text frame ID ("TIT2", "TPE1", "TALB", "TYER"/"TDRC", ...) as UTF-8,
   appended to OUT; false when TAG has no such frame. v2.2 IDs are matched through their v2.3
   names. */
bool ct_id3v2_text(const ct_id3_tag *tag, const char *id, ct_buf *out);

typedef struct {
    int version;           /* 3 or 4 */
    const char *toc_title; /* TIT2 of the top-level CTOC */
    uint64_t duration_ms;  /* written as TLEN when the tag has none; ends the last chapter */
} ct_id3_render_opts;

/* Appends to OUT the frames of a tag of OPTS->version: every frame of TAG (may be NULL) that
   chaptag does not own (all but CHAP and CTOC), converted to that version; TLEN when missing
   and LIST is not NULL; then a top-level ordered CTOC "toc" (nested CTOCs past 255 entries)
   listing the visible chapters, then one CHAP per chapter of LIST ("chp0"...; TIT2 first, then
   WXXX and APIC when given, a linked APIC (MIME type "-->") for an image given as an http or
   https URL, other URLs refused; byte offsets 0xFFFFFFFF). LIST NULL writes no chapters (strip).
   DESC (may be NULL) gets one line per frame written. Warnings (frames that could not be
   converted, v2.4 frames of 128 bytes or more) go to W. */
chaptag_status ct_id3v2_render_frames(const ct_id3_tag *tag, const chaptag_chapters *list,
                                      const ct_id3_render_opts *opts, ct_buf *out, ct_buf *desc,
                                      ct_warnings *w, chaptag_error *err);

/* Appends a 10-byte header of VERSION, no flags, for a body of BODY_SIZE bytes (frames and
   padding; below 2^28). */
void ct_id3v2_render_header(int version, uint32_t body_size, ct_buf *out);

#endif
