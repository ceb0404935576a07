/* An Ogg file as the Ogg container holds it between open and close, shared by its reader
   (ogg.c) and its planner (ogg_plan.c). Private to src/ogg. */
#ifndef CHAPTAG_OGG_STATE_H
#define CHAPTAG_OGG_STATE_H

#include "backend.h"
#include "ogg_int.h"
#include "vorbis.h"

enum { CT_OGG_VORBIS, CT_OGG_OPUS, CT_OGG_FLAC, CT_OGG_SPEEX };

typedef struct {
    const char *name;   /* "Ogg Opus": the container dump shows */
    const char *packet; /* "OpusTags packet" */
    const char *magic;  /* what the comment packet starts with ("" for FLAC and Speex) */
    size_t magic_len;   /* bytes before the comment list (FLAC: the block header) */
} ct_ogg_codec;

extern const ct_ogg_codec ct_ogg_codecs[];

typedef struct {
    ct_file *f;
    bool chosen;        /* a stream was found */
    int codec;          /* CT_OGG_VORBIS, ... */
    uint32_t serial, rate, pre_skip;
    ct_ogg_page *pages; /* every page of the stream, in file order */
    size_t n_pages, cap_pages;
    /* pages[1 .. n_comment_pages] carry the comment packet, from the first byte of the first,
       and maybe the start of what follows it (Vorbis's setup header) on the last */
    size_t n_comment_pages;
    uint8_t *raw;       /* those pages as they stand */
    size_t raw_len;
    uint8_t *lace;      /* their lacing values, N_LACE of them */
    size_t n_lace;
    uint8_t *data;      /* their bodies; the comment packet is the first PACKET_LEN bytes */
    size_t data_len;
    size_t packet_segs; /* segments of the comment packet */
    size_t packet_len;
    ct_vorbis_comments vc;
    size_t list_end;    /* where the comment list ends in the packet (padding or framing) */
    uint64_t duration_ms;
} ogg_state;

/* Reads the page PG whole into BUF (PG->len bytes) and checks its CRC. */
chaptag_status ct_ogg_read_page(ct_file *f, const ct_ogg_page *pg, uint8_t *buf,
                                chaptag_error *err);

/* Parses the comment list of the comment PACKET (LEN bytes) of S's codec into VC; *END is
   where the list ends in the packet. */
chaptag_status ct_ogg_parse_comments(const ogg_state *s, const uint8_t *packet, size_t len,
                                     ct_vorbis_comments *vc, size_t *end, chaptag_error *err);

/* Fills INFO for S holding N_CHAPTERS chapters. */
void ct_ogg_fill_info(const ogg_state *s, size_t n_chapters, chaptag_file_info *info);

/* The container's plan (backend.h). */
chaptag_status ct_ogg_plan(void *state, const chaptag_chapters *list,
                           const chaptag_embed_opts *opts, ct_plan *plan,
                           struct chaptag_report *rep, chaptag_error *err);

#endif
