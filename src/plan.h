/* An edit of a file as data: a list of "replace bytes [off, off+old_len) with these", which
   fileio.c applies in place or by streaming a new file. Also the padding policy. */
#ifndef CHAPTAG_PLAN_H
#define CHAPTAG_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t off;     /* offset in the original file */
    uint64_t old_len; /* bytes of the original replaced (0: insert at OFF) */
    uint8_t *data;    /* the new bytes, owned by the plan */
    size_t len;
    /* In place, DATA[hold_off, hold_off+hold_len) is written last, and zeros stand there
       while the rest is written, so that a reader never sees half-new content (an ID3 tag
       whose first frame ID is zero reads as empty). hold_len 0: no hold. */
    size_t hold_off, hold_len;
} ct_edit;

/* Edits in increasing offset order, not overlapping. */
typedef struct {
    ct_edit *v;
    size_t n, cap;
    bool failed; /* an add ran out of memory */
} ct_plan;

#define CT_PLAN_INIT {NULL, 0, 0, false}

/* Adds a copy of LEN bytes DATA replacing [OFF, OFF+OLD_LEN). Edits must be added in
   increasing offset order without overlapping; returns the edit or NULL (and marks the plan
   failed) when memory runs out. */
ct_edit *ct_plan_add(ct_plan *p, uint64_t off, uint64_t old_len, const void *data, size_t len);

/* As ct_plan_add(), taking over DATA (malloc'ed) instead of copying it; DATA is freed on
   failure. */
ct_edit *ct_plan_add_owned(ct_plan *p, uint64_t off, uint64_t old_len, uint8_t *data,
                           size_t len);

/* True when every edit keeps its size, so the plan can be written in place. */
bool ct_plan_keeps_size(const ct_plan *p);

/* The size of the file after the plan, from the size before. */
uint64_t ct_plan_new_size(const ct_plan *p, uint64_t old_size);

/* Frees the edits and empties the plan. */
void ct_plan_free(ct_plan *p);

/* Bytes of padding to leave after CONTENT bytes of tag (or box) data when a file must be
   rewritten anyway, so that the next edit fits in place: a quarter of the content, at least
   4 KiB, rounded up so that content + padding + HEADER ends on a 4 KiB boundary. */
uint64_t ct_padding_for(uint64_t content, uint64_t header);

#endif
