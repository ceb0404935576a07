/* The MP4 backend's own model and the calls between its files: mp4_file.c (the file model),
   mp4_chapters.c (reading both flavours), mp4_build.c (the chapter boxes), mp4_tree.c (edits of
   the moov tree), mp4_layout.c and mp4_slots.c (the planners), mp4_lint.c; mp4.c is the
   backend. Private to src/mp4/. */
#ifndef CHAPTAG_MP4_INT_H
#define CHAPTAG_MP4_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "mp4box.h"

/* An mdat this small, right after moov, may hold chaptag's chapter titles (and pictures) and
   nothing else; a larger one is media. */
#define CT_MP4_CHAPTER_MDAT_MAX (64u << 20)
/* Nero chpl times are in 100 ns units. */
#define CT_MP4_CHPL_UNITS_PER_MS 10000

/* chpl counts and title lengths are single bytes. */
#define CHPL_MAX 255
/* chaptag cuts chpl titles to 127 bytes: AntennaPod reads the length as a signed byte and
   loses every chapter after a longer title. */
#define CHPL_TITLE_MAX 127
/* A chapter link (href box) is a one-byte length and its bytes. */
#define CT_MP4_URL_MAX 255

/* What chaptag needs to know about one track. */
typedef struct {
    uint32_t id;
    uint32_t flags;        /* tkhd flags */
    uint64_t duration;     /* tkhd, movie timescale */
    char handler[4];       /* hdlr handler type: 'soun', 'vide', 'text', ... */
    uint32_t timescale;    /* mdhd */
    uint64_t media_duration;
    bool refs_chapters;    /* has tref/chap */
} mp4_track;

/* Bytes of the file: a sample's place. */
typedef struct {
    uint64_t off, len;
} sample_span;

typedef struct {
    ct_box *tops;
    size_t n_tops;
    size_t moov; /* index of moov in TOPS */
    uint32_t movie_timescale;
    uint64_t movie_duration;
    uint32_t next_track_id;
    mp4_track *tracks; /* in moov order of the trak boxes */
    size_t n_tracks;
    uint64_t old_chunks[16]; /* first chunk offsets of the chapter tracks removed */
    size_t n_old_chunks;
    sample_span *old_samples; /* where the removed chapter tracks' samples (titles) lie */
    size_t n_old_samples, cap_old_samples;
    size_t n_moov; /* more than 1: an edit was interrupted between its last two steps */
    uint64_t stale_end; /* the end of the last moov after the first */
} mp4_file;

/* The sample tables of a track, loaded. */
typedef struct {
    const ct_box *stts, *stsz, *stsc, *stco;
    bool co64;
} sample_tables;

/* One chapter sample: where it is and when it starts (media timescale). */
typedef struct {
    uint64_t off, time;
    uint32_t size;
} sample_ref;

/* What the QuickTime track holds: the chapters, after a filler at 0 when the first starts
   later (readers that ignore edit lists would otherwise put it at 0). */
typedef struct {
    size_t n;          /* samples */
    bool filler;
    ct_buf data;       /* the samples, back to back; then the pictures (reference §9) */
    uint32_t *sizes;
    uint64_t *deltas;  /* ms */
    size_t text_len;   /* bytes of DATA that are text samples */
    /* The picture sample of each text sample, at the same times: its offset in DATA and its
       size. A chapter without a picture of its own shares the previous one's bytes (the
       leading ones the first picture's). NULL: no chapter has a picture, no image track. */
    uint64_t *pic_off;
    uint32_t *pic_size;
    unsigned width, height; /* of the largest picture */
} qt_samples;

/* Sizes of the new region: moov, the chapter mdat, and what the chapter trak's chunk offset
   is (it depends on where the mdat lands). */
typedef struct {
    uint64_t moov, mdat;
    uint64_t tail; /* bytes of samples at the end of the media mdat (no mdat of their own) */
} new_sizes;

/* chaptag's samples at the end of the media mdat (mp4_tail.c): the FILL bytes at AT (the
   samples, then zeros) replace the OLD_LEN there, which run to the end of the file. */
typedef struct {
    size_t box; /* index of that mdat among the top-level boxes; n_tops: none */
    uint64_t at, old_len, fill;
} tail_place;

typedef struct {
    const chaptag_chapters *list;
    const chaptag_embed_opts *opts;
    uint64_t duration_ms;
    qt_samples q;
    bool qt, nero;
    bool images;        /* --mp4-images: a chapter image track for the pictures */
    uint32_t chapter_id;
    uint32_t image_id;  /* of the image track, when Q has pictures */
    size_t n_added;     /* boxes added last to moov: the chapter trak(s) and their slack */
} embed_job;

/* ---- mp4_file.c ------------------------------------------------------------------------- */

void ct_mp4_file_free(mp4_file *m);

ct_box *ct_mp4_moov(const mp4_file *m);

/* A loaded full box's version and a reader past its version and flags. */
ct_reader ct_mp4_full_box(const ct_box *b, unsigned *version);

chaptag_status ct_mp4_open(ct_file *f, mp4_file *m, chaptag_error *err);

/* The trak box of the track with ID, or NULL. */
ct_box *ct_mp4_trak_by_id(const mp4_file *m, uint32_t id, size_t *track_index);

/* The first sound track, or -1. */
long ct_mp4_audio_track(const mp4_file *m);

/* True when track T is a chapter text track: some track's tref/chap names it and it holds
   text (a video track named there is cover art over time, and stays). */
bool ct_mp4_is_chapter_track(ct_file *f, const mp4_file *m, const mp4_track *t);

/* True when T is a chapter image track: a video track some tref/chap names that is not
   enabled (chaptag's, Apple's and ATL's: enabled, it would be a film's picture). */
bool ct_mp4_is_image_track(ct_file *f, const mp4_file *m, const mp4_track *t);

/* The chapter text track the audio track names (or any), or NULL. */
ct_box *ct_mp4_find_chapter_trak(ct_file *f, const mp4_file *m, size_t *index);

/* The audio duration in milliseconds: the longest track that is not a chapter track. */
uint64_t ct_mp4_audio_duration_ms(ct_file *f, const mp4_file *m);

/* Where moov stands: "before" when the largest mdat (the media, not chapter titles) follows
   it. */
bool ct_mp4_moov_before_mdat(const mp4_file *m);

void ct_mp4_fill_info(chaptag_file_info *info, const mp4_file *m, uint64_t duration_ms,
                      uint64_t size);

/* ---- mp4_chapters.c --------------------------------------------------------------------- */

chaptag_status ct_mp4_load_tables(ct_file *f, ct_box *trak, sample_tables *t, chaptag_error *err);

/* Expands the sample tables into one entry per sample; *N is the count. */
chaptag_status ct_mp4_expand_samples(const sample_tables *t, sample_ref **out, size_t *n,
                                     chaptag_error *err);

/* Reads the QuickTime chapter track TRAK (track T) into LIST; the filler sample chaptag and
   TagLib put at 0 when the first chapter starts later is left out. */
chaptag_status ct_mp4_read_qt_chapters(ct_file *f, const mp4_file *m, ct_box *trak,
                                       const mp4_track *t, chaptag_chapters *list,
                                       chaptag_error *err);

/* The trak of the file's first chapter image track, *INDEX its track and its samples (*S, *N
   of them; the caller frees *S); NULL when there is none or its tables cannot be read. */
ct_box *ct_mp4_image_samples(ct_file *f, const mp4_file *m, size_t *index, sample_ref **s,
                             size_t *n);

/* True when two picture samples share their bytes: the later chapter has no picture of its
   own (reference §9). */
bool ct_mp4_same_picture(const sample_ref *a, const sample_ref *b);

/* The pictures among the N samples of an image track at S: those not sharing the previous
   sample's bytes. */
size_t ct_mp4_count_pictures(const sample_ref *s, size_t n);

/* Reads moov/udta/chpl into LIST (titles are at most 255 bytes). */
chaptag_status ct_mp4_read_chpl(ct_file *f, ct_box *chpl, chaptag_chapters *list,
                                chaptag_error *err);

/* Warns in W about every way the two flavours differ; starts 1 ms apart (100 ns chpl units
   rounded one way, milliseconds the other: many taggers) are summed up in one warning, not
   one per chapter. A chpl title that is the QuickTime title cut to 127 bytes (chaptag) or 255
   (older tools) on a character boundary is no difference: it goes to NOTES (may be NULL). */
void ct_mp4_compare_flavours(const chaptag_chapters *qt, const chaptag_chapters *nero,
                             ct_warnings *w, ct_warnings *notes);

/* The standard tags dump shows, from the iTunes ilst in moov/udta/meta. */
chaptag_status ct_mp4_read_standard_tags(ct_file *f, const mp4_file *m, chaptag_chapters *list,
                                         chaptag_error *err);

/* True when moov/udta/meta/ilst holds cover art (a covr item with data). */
bool ct_mp4_has_cover(ct_file *f, const mp4_file *m);

/* ---- mp4_build.c ------------------------------------------------------------------------ */

/* The text samples of LIST's chapters (and a filler first when the first starts after 0), each
   with its link as an href box; a link over 255 bytes is an input error on its line. With
   IMAGES, the chapters' JPEG pictures after them (a PNG is an input error on its line). */
chaptag_status ct_mp4_make_samples(const chaptag_chapters *list, uint64_t duration_ms,
                                   bool images, qt_samples *q, ct_warnings *w,
                                   chaptag_error *err);

void ct_mp4_free_samples(qt_samples *q);

/* The whole chapter trak: a disabled text track of timescale 1000 (reference §4), one sample
   per chunk, the samples back to back from SAMPLES_OFF. */
void ct_mp4_put_chapter_trak(ct_buf *b, const qt_samples *q, uint32_t id, uint64_t duration_ms,
                             uint32_t movie_timescale, uint64_t samples_off);

/* The chapter image track of Q's pictures: a disabled video track of 'jpeg' samples at the
   text samples' times (reference §9), the pictures from SAMPLES_OFF + Q's text_len on. */
void ct_mp4_put_image_trak(ct_buf *b, const qt_samples *q, uint32_t id, uint64_t duration_ms,
                           uint32_t movie_timescale, uint64_t samples_off);

/* The Nero chpl payload: version 1, a reserved word, a one-byte count, then for each chapter
   its start in 100 ns units and its title cut to 127 bytes on a character boundary. */
void ct_mp4_put_chpl(ct_buf *b, const chaptag_chapters *list, ct_warnings *w);

/* ---- mp4_tree.c ------------------------------------------------------------------------- */

/* The track IDs a chap box names, read into IDS (at most MAX); their count. */
size_t ct_mp4_chap_ids(const ct_box *chap, uint32_t *ids, size_t max);

/* True when ID is among the N in IDS. */
bool ct_mp4_has_id(const uint32_t *ids, size_t n, uint32_t id);

/* Index of child TYPE of BOX, or BOX->n_kids. */
size_t ct_mp4_child_index(const ct_box *box, const char *type);

/* Adds the places of the samples (the titles) of chapter track TRAK to M's old samples, which
   an edit zeroes once nothing points at them: a removed title must not stay in the file. A
   track whose tables cannot be read has nothing to find. */
chaptag_status ct_mp4_note_samples(ct_file *f, mp4_file *m, ct_box *trak);

/* Sorts M's old samples by offset and merges those that overlap or touch: pictures shared by
   several samples are one span, and each byte is zeroed by one edit. */
void ct_mp4_tidy_old_samples(mp4_file *m);

/* Room left after a chapter box for the next edit: a quarter of its size, at least MIN. */
size_t ct_mp4_slack_for(size_t len, size_t min);

/* Appends to BOX a free box of LEN bytes (at least 8). */
bool ct_mp4_add_free(ct_box *box, size_t len);

/* Changes the tree for JOB: old chapters out, new ones in, udta and the chapter trak last. */
chaptag_status ct_mp4_change_tree(ct_file *f, mp4_file *m, embed_job *j, ct_warnings *w,
                                  chaptag_error *err);

/* ---- mp4_layout.c ----------------------------------------------------------------------- */

/* *HIT is true when a track other than SKIP (may be NULL) has a chunk in top-level box B;
   ct_mp4_others_point_between() in the bytes [LO, HI). */
chaptag_status ct_mp4_others_point_into(ct_file *f, const mp4_file *m, const ct_box *b,
                                        const ct_box *skip, bool *hit, chaptag_error *err);
chaptag_status ct_mp4_others_point_between(ct_file *f, const mp4_file *m, uint64_t lo,
                                           uint64_t hi, const ct_box *skip, bool *hit,
                                           chaptag_error *err);

/* Zeroes, after the edit's last step and among its edits, the samples of the removed chapter
   tracks that lie outside [LO, HI) (what the edit rewrites anyway): titles that nothing
   reads any more must not stay in the file. */
bool ct_mp4_zero_old_samples(const mp4_file *m, uint64_t lo, uint64_t hi, bool steps,
                             ct_plan *plan);

/* A new layout: the tree changed, then the new moov written as a shadow copy (in the padding
   after the old one, or past the end of the file) or the file rewritten. */
chaptag_status ct_mp4_plan_layout(ct_file *f, mp4_file *m, embed_job *j,
                                  const chaptag_embed_opts *opts, new_sizes *ns, ct_plan *plan,
                                  struct chaptag_report *rep, chaptag_error *err);

/* ---- mp4_slots.c ------------------------------------------------------------------------ */

/* A re-embed into the slots of FILE, when everything fits; *DONE false otherwise. */
chaptag_status ct_mp4_plan_slots(ct_file *f, mp4_file *m, embed_job *j, ct_plan *plan,
                                 struct chaptag_report *rep, bool *done, chaptag_error *err);

/* Strip in place: first the titles are zeroed where they stand (the chapter samples, the
   chpl payload: chapters without titles, a chpl of none, are valid files, and a strip killed
   after this is finished by the next one, which finds the tracks still there); then every
   chapter track, every chpl and every tref/chap that names only chapter tracks becomes free
   space of the same size, each by one atomic write. *DONE false when a chap also names other
   tracks (it must shrink: a new layout). */
chaptag_status ct_mp4_plan_strip(ct_file *f, mp4_file *m, ct_plan *plan, bool *done,
                                 chaptag_error *err);
/* ---- mp4_tail.c ------------------------------------------------------------------------- */

/* The index of the file's last top-level box when it is an mdat after moov with a size of
   its own, and every other mdat lies in [LO, HI) (an old titles' mdat a new layout drops):
   chaptag's samples go at its end. Else n_tops. */
size_t ct_mp4_tail_mdat(const mp4_file *m, uint64_t lo, uint64_t hi);

/* Bytes for LEN bytes of samples at the end of the media mdat: zeros after them leave room
   for longer titles or links, written in place next time. */
uint64_t ct_mp4_tail_room(size_t len);

/* True when mdat MD's size field still holds its size once OLD_LEN bytes at its end are
   replaced by FILL (a 32-bit size past 4 GiB does not: then the titles get an mdat of their
   own). */
bool ct_mp4_tail_fits(const ct_box *md, uint64_t old_len, uint64_t fill);

/* Where chaptag's old samples at the end of top-level mdat BOX begin: LOWEST (the first of
   them) when it lies in its payload and no track other than SKIP has a chunk from there to
   its end; else the end of the mdat. */
chaptag_status ct_mp4_tail_start(ct_file *f, const mp4_file *m, size_t box, uint64_t lowest,
                                 const ct_box *skip, uint64_t *start, chaptag_error *err);

/* The steps that make room for T past the end of the file, each leaving a valid file: the
   file grown by zeros (a box running to the end), then the mdat's size grown over them.
   None when T ends inside the mdat. */
bool ct_mp4_tail_grow_steps(ct_plan *p, const mp4_file *m, const tail_place *t);

/* The step writing T's bytes: the LEN at DATA, then zeros. */
bool ct_mp4_tail_fill_step(ct_plan *p, const tail_place *t, const void *data, size_t len);

/* T as edits, in file order: the mdat's size (when it changes), OLD (may be NULL: old
   samples zeroed, between the two), then T's bytes. */
bool ct_mp4_tail_edits(ct_plan *p, const mp4_file *m, const tail_place *t, const void *data,
                       size_t len, const sample_span *old);

/* ---- mp4_lint.c ------------------------------------------------------------------------- */

/* Adds to OUT what Apple's players, FFmpeg and mutagen trip on in the chapters of M (open on
   F). */
chaptag_status ct_mp4_lint_file(ct_file *f, mp4_file *m, ct_findings *out, chaptag_error *err);

#endif
