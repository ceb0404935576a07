/* Pauses in decoded audio and the choices made from them: the one definition of a pause
   (every sample of every channel below a threshold for at least a minimum time), found in a
   stream of blocks with flat memory; which pause a chapter snaps to; where a suggested chapter
   goes. Pure: no files, no decoding (the callers feed decoded peaks). */
#ifndef CHAPTAG_SILENCE_H
#define CHAPTAG_SILENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chaptag/chaptag.h"

/* Decoded audio as peaks: N sample frames, the first at FIRST (samples of player time, so
   negative in a decoder's preroll before the first sample a player plays), PEAK[i] the largest
   magnitude of frame i over its channels (full scale 1.0). */
typedef chaptag_status (*ct_peak_fn)(const float *peak, size_t n, int64_t first, void *ctx,
                                     chaptag_error *err);

/* Told of each pause found, in samples of player time, END exclusive (where sound is back). */
typedef chaptag_status (*ct_pause_found_fn)(int64_t start, int64_t end, void *ctx,
                                            chaptag_error *err);

/* A pause finder over one stream; state only, no memory of its own. */
typedef struct {
    float threshold;     /* linear: a sample is silent when its magnitude is below this */
    int64_t min_samples; /* a run this long or longer is a pause */
    int64_t run_start;   /* first sample of the silent run under way; INT64_MIN: none */
    int64_t next;        /* the sample expected next; INT64_MIN: none yet */
    ct_pause_found_fn found;
    void *ctx;
} ct_silence;

/* Starts a finder for audio at RATE Hz under OPTS (NULL: defaults), telling FOUND of pauses. */
void ct_silence_init(ct_silence *s, const chaptag_silence_opts *opts, uint32_t rate,
                     ct_pause_found_fn found, void *ctx);

/* Feeds peaks; its shape is ct_peak_fn's with the finder (a ct_silence) as CTX. A block that
   does not start where the last one ended ends the run under way there (no pause is assumed
   across audio not seen). */
chaptag_status ct_silence_feed(const float *peak, size_t n, int64_t first, void *silence,
                               chaptag_error *err);

/* Ends the stream: a silent run still open counts when it is long enough, ending at the last
   sample fed. */
chaptag_status ct_silence_finish(ct_silence *s, chaptag_error *err);

/* The time PLACE names in pause P: its start, middle (rounded down) or end. */
uint64_t ct_silence_place(const chaptag_pause *p, chaptag_snap_place place);

/* The pause of P (N of them, in time order) a chapter given at AT_MS snaps to: the nearest to
   it (0 when AT_MS lies inside; ties: the longer, then the earlier) among those whose place
   (PLACE) lies strictly between LO_MS and HI_MS; -1 when there is none. */
ptrdiff_t ct_silence_nearest(const chaptag_pause *p, size_t n, uint64_t at_ms, uint64_t lo_ms,
                             uint64_t hi_ms, chaptag_snap_place place);

/* The longest pause of P (N, in time order) whose place lies within [LO_MS, HI_MS] and
   strictly after AFTER_MS (ties: the nearest to TARGET_MS, then the earlier); -1 when none. */
ptrdiff_t ct_silence_longest(const chaptag_pause *p, size_t n, uint64_t target_ms,
                             uint64_t lo_ms, uint64_t hi_ms, uint64_t after_ms,
                             chaptag_snap_place place);

#endif
