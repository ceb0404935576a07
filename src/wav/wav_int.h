/* The WAV container's private model: a RIFF, RF64 or BW64 file as its list of top-level chunks,
   the audio format and length, and the markers of its cue chunk and LIST/adtl labels. */
#ifndef CHAPTAG_WAV_INT_H
#define CHAPTAG_WAV_INT_H

#include "backend.h"

/* A top-level chunk: its header at OFF, SIZE bytes of body (from ds64 for RF64's data), and
   TOTAL bytes in the file with header and pad byte (a last odd chunk may lack its pad). */
typedef struct {
    char id[5];
    uint64_t off, size, total;
    bool adtl; /* a LIST chunk of form type "adtl" */
    bool info; /* a LIST chunk of form type "INFO" */
} wav_chunk;

/* A cue point with what the adtl list says of it. */
typedef struct {
    uint32_t id;
    uint32_t sample;   /* dwSampleOffset, in frames at the fmt rate */
    uint32_t length;   /* an ltxt "rgn " length in frames; 0: a plain marker */
    char *title;       /* UTF-8; NULL when no labl names the cue point */
} wav_marker;

typedef struct {
    ct_file *f;
    uint64_t file_size;
    char magic[5];        /* "RIFF", "RF64" or "BW64" */
    uint64_t riff_end;    /* where the RIFF's chunks end (its size, or the file's end) */
    wav_chunk *chunks;
    size_t n_chunks;
    int fmt, data, cue, adtl, ds64, bext, info; /* chunk indexes; -1 when absent */
    uint16_t format_tag, block_align;
    uint32_t rate, byte_rate;
    uint64_t duration_ms;
    wav_marker *markers;  /* in the cue chunk's order */
    size_t n_markers;
    uint8_t *adtl_kept;   /* adtl sub-chunks that are not our labl/ltxt, as they stand */
    size_t adtl_kept_len;
    uint32_t *kept_ids;   /* the cue IDs those sub-chunks name */
    size_t n_kept_ids;
    ct_warnings warnings;
} wav_file;

#define WAV_NONE (-1)

/* RIFF is little-endian throughout: core's ct_load_u32le() and the rest, and this store,
   which core lacks. */
void ct_wav_store_u64(uint8_t *p, uint64_t v);

/* Walks the chunks of F into W, reads the format and measures the audio. CHAPTAG_ERR_AUDIO
   with a message naming the chunk and offset when the file is damaged. */
chaptag_status ct_wav_open(ct_file *f, wav_file *w, chaptag_error *err);

/* Frees what W holds. */
void ct_wav_free(wav_file *w);

/* Reads the cue chunk and the LIST/adtl chunk of W into its markers and kept sub-chunks. */
chaptag_status ct_wav_read_markers(wav_file *w, chaptag_error *err);

/* W's markers in the order CMP gives (ct_wav_by_sample: time order; ct_wav_by_id), those of
   equal keys in the cue chunk's order; new, NULL when memory runs out. */
const wav_marker **ct_wav_markers_sorted(const wav_file *w, int (*cmp)(const void *, const void *));
int ct_wav_by_sample(const void *a, const void *b);
int ct_wav_by_id(const void *a, const void *b);

/* Reads the LIST/INFO title, artist, album and year into LIST's metadata. */
chaptag_status ct_wav_read_info(const wav_file *w, chaptag_chapters *list, chaptag_error *err);

/* Appends the text of a RIFF string (P, N bytes, cut at its first NUL; in no stated encoding)
   as UTF-8: as it is when it is UTF-8, else read as Latin-1. */
void ct_wav_text(const uint8_t *p, size_t n, ct_buf *out);

/* Frames at RATE to ms, rounded to the nearest ms; and ms to frames, rounded likewise. */
uint64_t ct_wav_frames_to_ms(uint64_t frames, uint32_t rate);
uint64_t ct_wav_ms_to_frames(uint64_t ms, uint32_t rate);

/* Appends to OUT the cue chunk and the LIST/adtl chunk that hold LIST (NULL or empty: no cue
   chunk, and an adtl chunk only for W's kept sub-chunks), each padded to an even size. */
chaptag_status ct_wav_render(const wav_file *w, const chaptag_chapters *list, ct_buf *out,
                             chaptag_error *err);

/* Plans replacing W's markers with LIST (NULL: none). */
chaptag_status ct_wav_plan(wav_file *w, const chaptag_chapters *list,
                           const chaptag_embed_opts *opts, ct_plan *plan,
                           struct chaptag_report *rep, chaptag_error *err);

/* Fills INFO for W. */
void ct_wav_fill_info(const wav_file *w, chaptag_file_info *info);

#endif
