/* An edit of a file as data, which fileio.c carries out. Two views of the same change:
   - the edits: "replace bytes [off, off+old_len) of the original with these pieces", in
     offset order, used to stream a new file; a piece is bytes, or a range of the original
     (copied by the kernel), or a range holding a chunk-offset table (stco/co64) whose
     entries are shifted while it is copied, so memory stays flat whatever the file size;
   - the steps, present only when the change can be made in place: the exact writes, in
     order, each made durable before the next, chosen by the backend so that the file is
     valid after every one of them (a kill mid-edit leaves a file players open).
   Also the padding policy. */
#ifndef CHAPTAG_PLAN_H
#define CHAPTAG_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *bytes;    /* owned by the plan; NULL: a range of the original file */
    uint64_t src_off;  /* the range's offset in the original */
    uint64_t len;      /* bytes of the piece in the original (or of BYTES) */
    uint8_t width;     /* 0; or 4/8: the range is a table of big-endian offsets of WIDTH bytes */
    uint8_t out_width; /* with WIDTH: written as entries of OUT_WIDTH bytes (stco -> co64) */
    int64_t delta;     /* with WIDTH: added to every entry that is at least FROM */
    uint64_t from;
    bool zeros;        /* LEN zero bytes (BYTES NULL, no range of the original) */
} ct_piece;

typedef struct {
    uint64_t off;     /* offset in the original file */
    uint64_t old_len; /* bytes of the original replaced (0: insert at OFF) */
    ct_piece *pieces;
    size_t n_pieces, cap_pieces;
    bool no_sync;     /* a step that shares the next one's sync: the file is valid in any
                         order these two writes reach the disk */
} ct_edit;

typedef struct {
    ct_edit *v; /* in increasing offset order, not overlapping */
    size_t n, cap;
    /* The in-place script: each step writes its pieces at its OFF (OLD_LEN unused); ranges
       of the original are read from the file as it is then, so a step must not read what an
       earlier step wrote. None: the file must be rewritten. */
    ct_edit *steps;
    size_t n_steps, cap_steps;
    bool cur_is_step; /* the pieces added next go to the last step, else the last edit */
    bool failed;      /* an add ran out of memory */
} ct_plan;

#define CT_PLAN_INIT {NULL, 0, 0, NULL, 0, 0, false, false}

/* Starts an edit replacing [OFF, OFF+OLD_LEN) of the original; its content is the pieces
   added next. Edits are started in increasing offset order without overlapping. NULL (and
   the plan marked failed) when memory runs out. */
ct_edit *ct_plan_edit(ct_plan *p, uint64_t off, uint64_t old_len);

/* Starts an in-place step writing at OFF; its content is the pieces added next. */
ct_edit *ct_plan_step_begin(ct_plan *p, uint64_t off);

/* Appends to the current edit or step a copy of LEN bytes at DATA. */
bool ct_plan_bytes(ct_plan *p, const void *data, size_t len);

/* As ct_plan_bytes(), taking over DATA (malloc'ed; freed on failure). */
bool ct_plan_bytes_owned(ct_plan *p, uint8_t *data, size_t len);

/* Appends to the current edit LEN bytes of the original at SRC_OFF. */
bool ct_plan_copy(ct_plan *p, uint64_t src_off, uint64_t len);

/* Appends to the current edit the table of LEN bytes at SRC_OFF, entries of WIDTH bytes (4 or
   8), each written as OUT_WIDTH bytes (4 or 8; no narrower than needed) with DELTA added when
   it is at least FROM (offsets before an insertion do not move). */
bool ct_plan_copy_table(ct_plan *p, uint64_t src_off, uint64_t len, unsigned width,
                        unsigned out_width, int64_t delta, uint64_t from);

/* Appends to the current edit or step LEN zero bytes (written in blocks, never held). */
bool ct_plan_zeros(ct_plan *p, uint64_t len);

/* Adds an edit that zeroes [OFF, OFF+LEN) of the original in its place among the edits,
   unless an edit already covers any of it (that one rewrites those bytes anyway). For
   bytes nothing reads any more, which must not survive the edit (old chapter titles).
   Called after the other edits are complete: pieces added next go nowhere sensible. */
bool ct_plan_zero_range(ct_plan *p, uint64_t off, uint64_t len);

/* Shorthand: an edit whose content is a copy of LEN bytes at DATA. */
ct_edit *ct_plan_add(ct_plan *p, uint64_t off, uint64_t old_len, const void *data, size_t len);

/* Marks the last step as sharing the next step's sync (no barrier in between). */
void ct_plan_step_shares_sync(ct_plan *p);

/* Shorthand: a step writing a copy of LEN bytes at DATA at OFF. */
bool ct_plan_step(ct_plan *p, uint64_t off, const void *data, size_t len);

/* Bytes the edit writes in place of its OLD_LEN. */
uint64_t ct_edit_len(const ct_edit *e);

/* The size of the file after the plan, from the size before. */
uint64_t ct_plan_new_size(const ct_plan *p, uint64_t old_size);

/* Frees everything and empties the plan. */
void ct_plan_free(ct_plan *p);

/* Bytes of padding to leave after CONTENT bytes of tag (or box) data when a file must be
   rewritten anyway, so that the next edit fits in place: a quarter of the content, at least
   4 KiB, rounded up so that content + padding + HEADER ends on a 4 KiB boundary. */
uint64_t ct_padding_for(uint64_t content, uint64_t header);

#endif
