/* The FLAC container's private model: the metadata blocks of a native FLAC stream (FLAC
   format, RFC 9639 §8), parsed once when the file is opened, and the planner that replaces its
   VORBIS_COMMENT block. */
#ifndef CHAPTAG_FLAC_INT_H
#define CHAPTAG_FLAC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "vorbis.h"

enum {
    FLAC_STREAMINFO = 0,
    FLAC_PADDING = 1,
    FLAC_VORBIS_COMMENT = 4,
    FLAC_BLOCK_MAX = 0xFFFFFF /* a block's length is 24 bits */
};

/* One metadata block as it stands in the file. */
typedef struct {
    uint8_t type;  /* 0-126 */
    bool last;     /* the last-metadata-block flag */
    uint64_t off;  /* offset of its 4-byte header */
    uint32_t len;  /* bytes of its body */
} ct_flac_block;

typedef struct {
    uint64_t start;      /* offset of "fLaC" (past any ID3v2 tags in front) */
    uint64_t audio_off;  /* offset of the first frame: where the metadata ends */
    ct_flac_block *v;    /* the blocks, in file order */
    size_t n, cap;
    size_t comment;      /* index of the VORBIS_COMMENT block; SIZE_MAX: none */
    uint8_t *comment_raw; /* its body */
    ct_vorbis_comments vc;
    uint64_t duration_ms; /* 0: STREAMINFO does not say */
} ct_flac_file;

/* The bytes of ID3v2 tags at F's start (0: none); *FLAC tells whether "fLaC" follows. */
uint64_t ct_flac_id3_prefix(ct_file *f, const uint8_t *head, size_t n, bool *flac);

/* Reads F's metadata blocks into OUT (free it with ct_flac_file_free()); a damaged file is
   CHAPTAG_ERR_AUDIO saying what is wrong where. */
chaptag_status ct_flac_file_read(ct_file *f, ct_flac_file *out, chaptag_error *err);

void ct_flac_file_free(ct_flac_file *m);

/* A block header: TYPE, LAST and a LEN of at most FLAC_BLOCK_MAX, in 4 bytes at P. */
void ct_flac_header(uint8_t p[4], uint8_t type, bool last, uint32_t len);

/* Plans replacing M's comment block by one with BODY (LEN bytes), in place when a padding
   block gives it room (steps valid one by one), else by rewriting the metadata with PADDING
   bytes of padding after it (-1: the policy). Fills REP's sizes, in_place and plan text. */
chaptag_status ct_flac_plan_comment(const ct_flac_file *m, const uint8_t *body, size_t len,
                                    int64_t padding, ct_plan *plan, struct chaptag_report *rep,
                                    chaptag_error *err);

#endif
