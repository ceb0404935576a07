/* Pauses in decoded audio: a sample frame is silent when its peak over the channels is
   strictly below the threshold (as ffmpeg's silencedetect compares with its noise level), and
   a pause is a maximal run of silent frames at least the minimum long. Found over a stream of
   blocks with a few words of state; then the choices made from the pauses found: the one a
   chapter snaps to, the one a suggested chapter goes to. */
#include "silence.h"

#include <string.h>

#include "timestamp.h"

#define NONE INT64_MIN

/* 10^(DB/20), a level in dBFS as a linear amplitude, without libm (one call does not earn
   the library a link dependency): whole powers of ten by multiplication, the rest by the
   series of exp, which converges quickly for |x| < ln 10. */
static double db_to_linear(double db)
{
    double tenths = db / 20.0;
    double whole = (double)(long long)tenths; /* toward zero */
    if (whole > tenths)
        whole -= 1.0;
    double x = (tenths - whole) * 2.302585092994045684; /* ln 10 */
    double term = 1.0, sum = 1.0;
    for (int i = 1; i < 40 && term > 1e-18; i++) {
        term *= x / i;
        sum += term;
    }
    double scale = 1.0; /* 10^|whole|, exact as far as it matters (to 10^22) */
    for (double k = whole < 0 ? -whole : whole; k > 0; k--)
        scale *= 10.0;
    return whole < 0 ? sum / scale : sum * scale;
}

void ct_silence_init(ct_silence *s, const chaptag_silence_opts *opts, uint32_t rate,
                     ct_pause_found_fn found, void *ctx)
{
    double db = opts != NULL ? opts->threshold_db : CHAPTAG_SILENCE_THRESHOLD_DB;
    uint64_t min_ms = opts != NULL ? opts->min_ms : CHAPTAG_MIN_SILENCE_MS;
    if (min_ms > CT_TIME_MAX_MS) /* longer than any audio; and min_ms * rate stays in range */
        min_ms = CT_TIME_MAX_MS;
    memset(s, 0, sizeof *s);
    s->threshold = (float)db_to_linear(db);
    /* rounded up: a run of min_samples lasts at least min_ms */
    uint64_t min = (min_ms * rate + 999) / 1000;
    s->min_samples = min < 1 ? 1 : (int64_t)min;
    s->run_start = NONE;
    s->next = NONE;
    s->found = found;
    s->ctx = ctx;
}

/* Ends the silent run under way at END (exclusive), telling of it when it is long enough. */
static chaptag_status end_run(ct_silence *s, int64_t end, chaptag_error *err)
{
    int64_t start = s->run_start;
    s->run_start = NONE;
    if (start == NONE || end - start < s->min_samples)
        return CHAPTAG_OK;
    return s->found(start, end, s->ctx, err);
}

chaptag_status ct_silence_feed(const float *peak, size_t n, int64_t first, void *silence,
                               chaptag_error *err)
{
    ct_silence *s = silence;
    chaptag_status st = CHAPTAG_OK;
    if (n == 0)
        return CHAPTAG_OK;
    if (s->next != NONE && first != s->next)
        st = end_run(s, s->next, err); /* audio not seen between: no pause across it */
    for (size_t i = 0; i < n && st == CHAPTAG_OK; i++) {
        bool silent = peak[i] < s->threshold; /* NaN counts as sound */
        if (silent && s->run_start == NONE)
            s->run_start = first + (int64_t)i;
        else if (!silent && s->run_start != NONE)
            st = end_run(s, first + (int64_t)i, err);
    }
    s->next = first + (int64_t)n;
    return st;
}

chaptag_status ct_silence_finish(ct_silence *s, chaptag_error *err)
{
    int64_t end = s->next;
    s->next = NONE; /* a finished finder starts afresh */
    return end_run(s, end, err);
}

uint64_t ct_silence_place(const chaptag_pause *p, chaptag_snap_place place)
{
    switch (place) {
    case CHAPTAG_SNAP_START: return p->start_ms;
    case CHAPTAG_SNAP_END: return p->end_ms;
    case CHAPTAG_SNAP_MIDDLE: break;
    }
    return p->start_ms + (p->end_ms - p->start_ms) / 2;
}

/* How far AT_MS lies from pause P: 0 inside it, else to its nearer edge. */
static uint64_t distance(const chaptag_pause *p, uint64_t at_ms)
{
    return at_ms < p->start_ms ? p->start_ms - at_ms : at_ms > p->end_ms ? at_ms - p->end_ms : 0;
}

static uint64_t length(const chaptag_pause *p)
{
    return p->end_ms - p->start_ms;
}

ptrdiff_t ct_silence_nearest(const chaptag_pause *p, size_t n, uint64_t at_ms, uint64_t lo_ms,
                             uint64_t hi_ms, chaptag_snap_place place)
{
    ptrdiff_t best = -1;
    for (size_t i = 0; i < n; i++) {
        uint64_t t = ct_silence_place(&p[i], place);
        if (t <= lo_ms || t >= hi_ms)
            continue;
        if (best >= 0) {
            uint64_t d = distance(&p[i], at_ms), bd = distance(&p[best], at_ms);
            /* in time order, so a tie in both keeps the earlier */
            if (d > bd || (d == bd && length(&p[i]) <= length(&p[best])))
                continue;
        }
        best = (ptrdiff_t)i;
    }
    return best;
}

/* How far apart A and B are. */
static uint64_t gap(uint64_t a, uint64_t b)
{
    return a > b ? a - b : b - a;
}

ptrdiff_t ct_silence_longest(const chaptag_pause *p, size_t n, uint64_t target_ms,
                             uint64_t lo_ms, uint64_t hi_ms, uint64_t after_ms,
                             chaptag_snap_place place)
{
    ptrdiff_t best = -1;
    for (size_t i = 0; i < n; i++) {
        uint64_t t = ct_silence_place(&p[i], place);
        if (t < lo_ms || t > hi_ms || t <= after_ms)
            continue;
        if (best >= 0) {
            uint64_t len = length(&p[i]), blen = length(&p[best]);
            uint64_t d = gap(t, target_ms), bd = gap(ct_silence_place(&p[best], place), target_ms);
            if (len < blen || (len == blen && d >= bd))
                continue;
        }
        best = (ptrdiff_t)i;
    }
    return best;
}
