/* The public entry points over pauses (issue 20): list every pause of a file in one streaming
   pass, snap chapter starts to the pauses near them, suggest chapters for a long book. MP3 and
   MP4 hand out the packets of a window through their seek tables and libavcodec decodes them
   (container/audio.h); every other container is decoded through libavformat, which seeks by
   itself. Times are a player's: encoder delay and edit lists taken off. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "audio.h"
#include "backend.h"
#include "silence.h"
#include "text.h"

/* Decoded past either edge of a window, so that a pause crossing the edge is measured whole
   (or nearly: one longer than this is cut where decoding began). */
#define MARGIN_MS 1000u

/* ---- reading audio --------------------------------------------------------------------- */

/* An audio file opened for decoding: natively (AUDIO and DEC) or through libavformat (AV). */
typedef struct {
    ct_file *f;
    const ct_backend *be;
    ct_audio *audio;
    ct_decoder *dec;
    ct_avaudio *av;
    uint32_t rate;
    uint64_t decoded; /* samples decoded, preroll included */
    uint64_t end_ms;  /* where the audio ends, once known (UINT64_MAX before): pauses are cut
                         there, and no chapter goes there */
} source;

static void source_close(source *s)
{
    ct_decoder_close(s->dec);
    if (s->audio != NULL)
        s->audio->close(s->audio);
    ct_avaudio_close(s->av);
    ct_file_close(s->f);
    memset(s, 0, sizeof *s);
}

static uint64_t in_ms(const source *s, uint64_t samples);

/* The packet sources, by the container they read. */
static const struct {
    const ct_backend *be;
    chaptag_status (*open)(ct_file *f, ct_audio **out, chaptag_error *err);
} packet_sources[] = {{&ct_backend_mp3, ct_mp3_audio_open}, {&ct_backend_mp4, ct_mp4_audio_open}};
#define N_PACKET_SOURCES (sizeof packet_sources / sizeof packet_sources[0])

/* Opens PATH for decoding: MP3 and MP4 through their packet sources and libavcodec, anything
   else through libavformat, and so a file a packet source opens as none (MP2 in an MP3
   file, ALAC in an MP4, a fragmented MP4). */
static chaptag_status source_open(const char *path, source *s, chaptag_error *err)
{
    memset(s, 0, sizeof *s);
    chaptag_status st = ct_file_open(path, CT_OPEN_READ, &s->f, err);
    if (st == CHAPTAG_OK)
        st = ct_pick_backend(s->f, &s->be, err);
    for (size_t i = 0; i < N_PACKET_SOURCES && st == CHAPTAG_OK; i++)
        if (s->be == packet_sources[i].be)
            st = packet_sources[i].open(s->f, &s->audio, err);
    if (st == CHAPTAG_OK && s->audio != NULL) {
        st = ct_decoder_open(&s->audio->info, &s->dec, err);
        s->rate = s->audio->info.sample_rate;
    } else if (st == CHAPTAG_OK) {
        st = ct_avaudio_open(path, &s->av, &s->rate, err);
    }
    if (st == CHAPTAG_OK && (s->rate == 0 || s->rate > 1000000))
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the audio stream's sample rate (%" PRIu32
                     " Hz) is not one of audio (the file is damaged)", s->rate);
    if (st != CHAPTAG_OK)
        source_close(s);
    else
        s->end_ms = s->audio != NULL && s->audio->info.samples > 0
                        ? in_ms(s, s->audio->info.samples) : UINT64_MAX;
    return st;
}

/* A + B, or UINT64_MAX when that overflows (a chapter given at an absurd time). */
static uint64_t plus(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* MS of audio at the source's rate, in samples (whole ones: rounded down). */
static uint64_t in_samples(const source *s, uint64_t ms)
{
    if (ms > CT_TIME_MAX_MS)
        ms = CT_TIME_MAX_MS; /* past any audio; and ms * rate stays in range */
    return ms * s->rate / 1000;
}

/* SAMPLES at the source's rate, in ms, rounded to the nearest (no product that can wrap,
   whatever a damaged header counts). */
static uint64_t in_ms(const source *s, uint64_t samples)
{
    return samples / s->rate * 1000 + (samples % s->rate * 1000 + s->rate / 2) / s->rate;
}

/* The audio's duration in ms as the file says (0 when it does not): the packet source's
   count, else the container's own measure (which may read much of the file: only for what
   needs the duration before it starts). */
static uint64_t source_duration(source *s, const char *path)
{
    if (s->end_ms != UINT64_MAX)
        return s->end_ms;
    if (s->av != NULL && s->be == &ct_backend_avformat) /* measured when it was opened */
        return ct_avaudio_duration_ms(s->av);
    void *state = NULL;
    uint64_t ms = 0;
    if (s->be->open(s->f, path, &state, NULL) == CHAPTAG_OK)
        ms = s->be->duration(state);
    s->be->close(state);
    return ms == CHAPTAG_TIME_NONE ? 0 : ms; /* libavformat's way of saying unknown */
}

/* Where decoded peaks go: to FINDER, from player sample FROM on (a decoder's preroll before
   it is warming up, its output not to be trusted). LAST is one past the last sample seen. */
typedef struct {
    source *src;
    ct_silence *finder;
    int64_t from;
    int64_t last;
} feed_ctx;

static chaptag_status feed_from(const float *peak, size_t n, int64_t first, void *ctx,
                                chaptag_error *err)
{
    feed_ctx *c = ctx;
    c->src->decoded += n;
    if (first + (int64_t)n > c->last)
        c->last = first + (int64_t)n;
    if (first + (int64_t)n <= c->from)
        return CHAPTAG_OK;
    if (first < c->from) {
        peak += c->from - first;
        n -= (size_t)(c->from - first);
        first = c->from;
    }
    return ct_silence_feed(peak, n, first, c->finder, err);
}

static chaptag_status decode_packet(const ct_packet *pkt, void *ctx, chaptag_error *err)
{
    feed_ctx *c = ctx;
    return ct_decoder_decode(c->src->dec, pkt, feed_from, c, err);
}

/* Decodes [FROM_MS, TO_MS) of player time (TO_MS UINT64_MAX: to the end) into FINDER, which
   it finishes: the pauses found there go to the finder's callback. Audio ending before TO_MS
   tells the source where it ends. */
static chaptag_status decode_span(source *s, uint64_t from_ms, uint64_t to_ms, ct_silence *finder,
                                  chaptag_error *err)
{
    feed_ctx c = {s, finder, (int64_t)in_samples(s, from_ms), INT64_MIN};
    chaptag_status st;
    if (s->av != NULL) {
        st = ct_avaudio_peaks(s->av, from_ms, to_ms, feed_from, &c, err);
    } else {
        uint64_t skip = s->audio->info.skip;
        /* rounded up: the window's last sample is in */
        uint64_t to = to_ms == UINT64_MAX ? UINT64_MAX : in_samples(s, to_ms) + 1 + skip;
        ct_decoder_reset(s->dec); /* a window does not follow on from the one before */
        st = s->audio->packets(s->audio, (uint64_t)c.from + skip, to, decode_packet, &c, err);
    }
    /* both sources decode up to TO_MS at least while there is audio */
    if (st == CHAPTAG_OK && to_ms != UINT64_MAX) {
        /* nothing at all from FROM_MS on (a header promising more than the file holds): the
           audio ends before the window */
        uint64_t end = c.last == INT64_MIN ? from_ms
                       : c.last > c.from && (uint64_t)c.last < in_samples(s, to_ms)
                           ? in_ms(s, (uint64_t)c.last)
                           : UINT64_MAX;
        if (end < s->end_ms)
            s->end_ms = end;
    }
    if (st == CHAPTAG_OK)
        st = ct_silence_finish(finder, err);
    return st;
}

static void fill_stats(const source *s, chaptag_audio_stats *stats)
{
    if (stats == NULL)
        return;
    memset(stats, 0, sizeof *stats);
    stats->bytes_read = ct_file_bytes_read(s->f) + (s->av ? ct_avaudio_bytes_read(s->av) : 0);
    stats->file_size = ct_file_size(s->f);
    stats->decoded_ms = in_ms(s, s->decoded);
    stats->duration_ms = s->end_ms != UINT64_MAX ? s->end_ms : 0;
    snprintf(stats->seek, sizeof stats->seek, "%s", s->av ? "libavformat" : s->audio->info.seek);
}

/* ---- options ----------------------------------------------------------------------------- */

void chaptag_snap_opts_init(chaptag_snap_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->silence.threshold_db = CHAPTAG_SILENCE_THRESHOLD_DB;
    opts->silence.min_ms = CHAPTAG_MIN_SILENCE_MS;
    opts->window_ms = CHAPTAG_SNAP_WINDOW_MS;
    opts->place = CHAPTAG_SNAP_MIDDLE;
}

static chaptag_status check_silence_opts(const chaptag_silence_opts *o, chaptag_error *err)
{
    /* written so that NaN fails too */
    if (!(o->threshold_db >= -120.0 && o->threshold_db < 0.0))
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the silence threshold %g dBFS is not "
                       "between -120 and 0", o->threshold_db);
    if (o->min_ms < 1 || o->min_ms > CT_TIME_MAX_MS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the shortest pause must be 1 ms or more "
                       "(and under 100,000 hours)");
    return CHAPTAG_OK;
}

static chaptag_status check_snap_opts(const chaptag_snap_opts *o, chaptag_error *err)
{
    chaptag_status st = check_silence_opts(&o->silence, err);
    if (st != CHAPTAG_OK)
        return st;
    if (o->window_ms < 1 || o->window_ms > CT_TIME_MAX_MS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the snap window must be 1 ms or more (and "
                       "under 100,000 hours)");
    if (o->place != CHAPTAG_SNAP_MIDDLE && o->place != CHAPTAG_SNAP_START &&
        o->place != CHAPTAG_SNAP_END)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "unknown place in a pause (%d): start, "
                       "middle or end", (int)o->place);
    return CHAPTAG_OK;
}

/* ---- every pause ------------------------------------------------------------------------- */

/* The caller's callback, told of pauses in ms, those past the end (encoder padding a player
   does not play) cut off. */
typedef struct {
    const source *src;
    chaptag_pause_fn fn;
    void *ctx;
} report_ctx;

static chaptag_status report_pause(int64_t start, int64_t end, void *ctx, chaptag_error *err)
{
    report_ctx *r = ctx;
    chaptag_pause p = {in_ms(r->src, (uint64_t)start), in_ms(r->src, (uint64_t)end)};
    if (p.end_ms > r->src->end_ms)
        p.end_ms = r->src->end_ms;
    if (p.start_ms >= p.end_ms)
        return CHAPTAG_OK;
    chaptag_status st = r->fn(&p, r->ctx);
    if (st != CHAPTAG_OK)
        return ct_fail(err, st, 0, "the search for pauses was stopped by its caller");
    return CHAPTAG_OK;
}

chaptag_status chaptag_silences(const char *path, const chaptag_silence_opts *opts,
                                chaptag_pause_fn fn, void *ctx, chaptag_audio_stats *stats,
                                chaptag_error *err)
{
    chaptag_silence_opts defaults = {CHAPTAG_SILENCE_THRESHOLD_DB, CHAPTAG_MIN_SILENCE_MS};
    if (opts == NULL)
        opts = &defaults;
    chaptag_status st = check_silence_opts(opts, err);
    source s;
    if (st == CHAPTAG_OK)
        st = source_open(path, &s, err);
    if (st != CHAPTAG_OK)
        return st;
    report_ctx r = {&s, fn, ctx};
    ct_silence finder;
    ct_silence_init(&finder, opts, s.rate, report_pause, &r);
    st = decode_span(&s, 0, UINT64_MAX, &finder, err);
    if (st == CHAPTAG_OK)
        fill_stats(&s, stats);
    source_close(&s);
    return st;
}

/* ---- the pauses of a window -------------------------------------------------------------- */

/* Pauses found in a window, in time order; reused window after window, so memory stays that
   of the busiest window. */
typedef struct {
    const source *src;
    chaptag_pause *v;
    size_t n, cap;
    uint64_t lo_ms, hi_ms; /* only pauses reaching into [lo_ms, hi_ms] are kept */
} pauses;

static chaptag_status keep_pause(int64_t start, int64_t end, void *ctx, chaptag_error *err)
{
    pauses *w = ctx;
    chaptag_pause p = {in_ms(w->src, (uint64_t)start), in_ms(w->src, (uint64_t)end)};
    if (p.end_ms > w->src->end_ms)
        p.end_ms = w->src->end_ms;
    if (p.end_ms <= w->lo_ms || p.start_ms > w->hi_ms || p.start_ms >= p.end_ms)
        return CHAPTAG_OK;
    chaptag_pause *v = ct_grow(w->v, w->n, &w->cap, sizeof *v);
    if (v == NULL)
        return ct_fail_nomem(err);
    w->v = v;
    w->v[w->n++] = p;
    return CHAPTAG_OK;
}

/* Decodes around [LO_MS, HI_MS] (MARGIN_MS more either side) and keeps in W the pauses
   reaching into it. */
static chaptag_status find_pauses(source *s, const chaptag_silence_opts *opts, uint64_t lo_ms,
                                  uint64_t hi_ms, pauses *w, chaptag_error *err)
{
    ct_silence finder;
    w->n = 0;
    w->lo_ms = lo_ms;
    w->hi_ms = hi_ms;
    ct_silence_init(&finder, opts, s->rate, keep_pause, w);
    uint64_t from = lo_ms > MARGIN_MS ? lo_ms - MARGIN_MS : 0;
    uint64_t to = plus(hi_ms, MARGIN_MS);
    if (to > s->end_ms)
        to = s->end_ms;
    if (from >= to) /* past the audio's end (the wrong file given): nothing to decode */
        return CHAPTAG_OK;
    return decode_span(s, from, to, &finder, err);
}

/* "2 s" or "1500 ms": a window as messages give it. */
static const char *window_str(uint64_t ms, char buf[32])
{
    if (ms % 1000 == 0)
        snprintf(buf, 32, "%llu s", (unsigned long long)(ms / 1000));
    else
        snprintf(buf, 32, "%llu ms", (unsigned long long)ms);
    return buf;
}

/* ---- snapping ---------------------------------------------------------------------------- */

/* What snapping needs besides the list: the audio, the options, the pauses of the window under
   way, the warnings to give the list once all went well. */
typedef struct {
    source *src;
    const chaptag_snap_opts *opts;
    pauses w;
    ct_warnings warnings;
} snapper;

/* Warns that chapter CH, given at FROM_MS, stays for want of a pause; TAIL ends the message. */
static void warn_stays(snapper *sn, const chaptag_chapter *ch, uint64_t from_ms,
                       const char *tail)
{
    char t[CT_TIME_STR_MAX], win[32];
    size_t n = strlen(ch->title), k = ct_utf8_cut(ch->title, n, 40);
    ct_warn(&sn->warnings, ch->line, "no pause within %s of %s%s%.*s%s%s%s",
            window_str(sn->opts->window_ms, win), ct_time_str(from_ms, t), n ? " '" : "",
            (int)k, ch->title, k < n ? "..." : "", n ? "'" : "", tail);
}

static void bounds(const chaptag_chapters *list, size_t i, uint64_t prev_to, uint64_t end_ms,
                   uint64_t *lo, uint64_t *hi);

/* Chooses where chapter I of LIST goes, after PREV_TO, where the chapter before it goes, into
   MOVE. */
static chaptag_status snap_one(snapper *sn, const chaptag_chapters *list, size_t i,
                               uint64_t prev_to, chaptag_snap_move *move, chaptag_error *err)
{
    const chaptag_chapter *ch = chaptag_chapters_get(list, i);
    uint64_t at = ch->start_ms, win = sn->opts->window_ms;
    char ws[32];
    move->from_ms = move->to_ms = at;
    move->moved = 0;
    move->why[0] = '\0';
    if (i == 0 && at == 0) {
        snprintf(move->why, sizeof move->why, "first chapter at 0:00");
        return CHAPTAG_OK;
    }
    chaptag_status st = find_pauses(sn->src, &sn->opts->silence, at > win ? at - win : 0,
                                    plus(at, win), &sn->w, err);
    if (st != CHAPTAG_OK)
        return st;
    uint64_t lo, hi; /* after decoding, which may have found where the audio ends */
    bounds(list, i, prev_to, sn->src->end_ms, &lo, &hi);
    ptrdiff_t k = ct_silence_nearest(sn->w.v, sn->w.n, at, lo, hi, sn->opts->place);
    if (k < 0 && sn->w.n == 0) {
        snprintf(move->why, sizeof move->why, "no pause within %s", window_str(win, ws));
        warn_stays(sn, ch, at, "");
    } else if (k < 0) {
        snprintf(move->why, sizeof move->why, "no pause within %s between its neighbours",
                 window_str(win, ws));
        warn_stays(sn, ch, at, " between its neighbours");
    } else {
        move->to_ms = ct_silence_place(&sn->w.v[k], sn->opts->place);
        move->moved = move->to_ms != at;
        static const char *const names[] = {"middle", "start", "end"};
        if (!move->moved)
            snprintf(move->why, sizeof move->why, "already at the %s of a pause",
                     names[sn->opts->place]);
    }
    return CHAPTAG_OK;
}

/* The bounds chapter I's new start must lie strictly between: after the previous chapter's new
   start PREV_TO (and its given end, unless that end met this start and moves with it), before
   the next chapter's start as given, its own given end and the audio's end END_MS. */
static void bounds(const chaptag_chapters *list, size_t i, uint64_t prev_to, uint64_t end_ms,
                   uint64_t *lo, uint64_t *hi)
{
    const chaptag_chapter *ch = chaptag_chapters_get(list, i);
    const chaptag_chapter *prev = i > 0 ? chaptag_chapters_get(list, i - 1) : NULL;
    const chaptag_chapter *next = chaptag_chapters_get(list, i + 1);
    *lo = prev != NULL ? prev_to : 0;
    if (prev != NULL && prev->end_ms != CHAPTAG_TIME_NONE && prev->end_ms != ch->start_ms &&
        prev->end_ms - 1 > *lo)
        *lo = prev->end_ms - 1;
    *hi = end_ms;
    if (next != NULL && next->start_ms < *hi)
        *hi = next->start_ms;
    if (ch->end_ms != CHAPTAG_TIME_NONE && ch->end_ms < *hi)
        *hi = ch->end_ms;
}

/* Gives LIST the new starts of MOVES, moving each given end that met an old start along. */
static void apply_moves(chaptag_chapters *list, const chaptag_snap_move *moves)
{
    for (size_t i = 0; i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        const chaptag_chapter *next = chaptag_chapters_get(list, i + 1);
        uint64_t end = ch->end_ms;
        if (next != NULL && end == moves[i + 1].from_ms)
            end = moves[i + 1].to_ms;
        ct_chapters_set_times(list, i, moves[i].to_ms, end);
    }
}

chaptag_status chaptag_snap_to_silence(chaptag_chapters *list, const char *path,
                                       const chaptag_snap_opts *opts, chaptag_snap_move *moves,
                                       chaptag_audio_stats *stats, chaptag_error *err)
{
    chaptag_snap_opts defaults;
    chaptag_snap_opts_init(&defaults);
    if (opts == NULL)
        opts = &defaults;
    size_t n = chaptag_chapters_count(list);
    chaptag_status st = check_snap_opts(opts, err);
    if (st == CHAPTAG_OK && n > 0)
        st = chaptag_chapters_validate(list, CHAPTAG_TIME_NONE, err);
    source s;
    if (st == CHAPTAG_OK)
        st = source_open(path, &s, err);
    if (st != CHAPTAG_OK)
        return st;
    /* the moves are made aside and given to the list only when all went well */
    chaptag_snap_move *mv = ct_calloc(n + 1, sizeof *mv);
    /* the audio's end, when the packet source does not know it, is not looked for (that
       may read the whole file): a window reaching it finds it */
    snapper sn = {&s, opts, {&s, NULL, 0, 0, 0, 0}, {NULL, 0, 0}};
    if (mv == NULL)
        st = ct_fail_nomem(err);
    for (size_t i = 0; i < n && st == CHAPTAG_OK; i++)
        st = snap_one(&sn, list, i, i > 0 ? mv[i - 1].to_ms : 0, &mv[i], err);
    if (st == CHAPTAG_OK) {
        apply_moves(list, mv);
        ct_warnings_append(ct_chapters_warnings(list), &sn.warnings);
        if (moves != NULL)
            memcpy(moves, mv, n * sizeof *mv);
        fill_stats(&s, stats);
    }
    ct_warnings_clear(&sn.warnings);
    free(sn.w.v);
    free(mv);
    source_close(&s);
    return st;
}

/* ---- suggesting ------------------------------------------------------------------------- */

/* Adds "Chapter N" at AT_MS to OUT (N: its number). */
static chaptag_status add_numbered(chaptag_chapters *out, uint64_t at_ms, chaptag_error *err)
{
    char title[32];
    snprintf(title, sizeof title, "Chapter %zu", chaptag_chapters_count(out) + 1);
    chaptag_chapter ch;
    memset(&ch, 0, sizeof ch);
    ch.start_ms = at_ms;
    ch.end_ms = CHAPTAG_TIME_NONE;
    ch.title = title;
    return chaptag_chapters_add(out, &ch, err);
}

/* Places the chapter for the multiple TARGET_MS (window WIN either side) into OUT, after the
   chapter at PREV_MS and before the audio's end (S's, as far as it is known). */
static chaptag_status suggest_one(source *s, const chaptag_snap_opts *opts, uint64_t target_ms,
                                  uint64_t win, uint64_t prev_ms, pauses *w,
                                  chaptag_chapters *out, ct_warnings *warnings,
                                  chaptag_error *err)
{
    uint64_t lo = target_ms > win ? target_ms - win : 0;
    uint64_t hi = plus(target_ms, win) < s->end_ms ? target_ms + win : s->end_ms - 1;
    char t[CT_TIME_STR_MAX], ws[32];
    chaptag_status st = find_pauses(s, &opts->silence, lo, hi, w, err);
    if (st != CHAPTAG_OK)
        return st;
    ptrdiff_t k = ct_silence_longest(w->v, w->n, target_ms, lo, hi, prev_ms, opts->place);
    if (k >= 0)
        return add_numbered(out, ct_silence_place(&w->v[k], opts->place), err);
    if (target_ms >= s->end_ms) /* the window found the audio ends before it */
        return CHAPTAG_OK;
    if (target_ms <= prev_ms) { /* a window wider than the interval: nothing left to place */
        ct_warn(warnings, 0, "no chapter near %s: the one before is past it",
                ct_time_str(target_ms, t));
        return CHAPTAG_OK;
    }
    ct_warn(warnings, 0, "no pause within %s of %s: chapter %zu is placed there",
            window_str(win, ws), ct_time_str(target_ms, t), chaptag_chapters_count(out) + 1);
    return add_numbered(out, target_ms, err);
}

/* Makes MADE "Chapter 1" at 0:00 and one chapter for each multiple of EVERY_MS before the
   audio's end (S's: the file's word for it, lowered where decoding finds it ends earlier),
   warning in WARNINGS of each placed without a pause. */
static chaptag_status suggest_all(source *s, const chaptag_snap_opts *opts, uint64_t every_ms,
                                  chaptag_chapters *made, ct_warnings *warnings,
                                  chaptag_error *err)
{
    uint64_t win = opts->window_ms > every_ms / 10 ? opts->window_ms : every_ms / 10;
    pauses w = {s, NULL, 0, 0, 0, 0};
    chaptag_status st = add_numbered(made, 0, err);
    for (uint64_t at = every_ms; st == CHAPTAG_OK && at < s->end_ms; at += every_ms) {
        size_t last = chaptag_chapters_count(made) - 1;
        st = suggest_one(s, opts, at, win, chaptag_chapters_get(made, last)->start_ms, &w, made,
                         warnings, err);
    }
    free(w.v);
    return st;
}

chaptag_status chaptag_suggest(const char *path, uint64_t every_ms, const chaptag_snap_opts *opts,
                               chaptag_chapters *out, chaptag_audio_stats *stats,
                               chaptag_error *err)
{
    chaptag_snap_opts defaults;
    chaptag_snap_opts_init(&defaults);
    if (opts == NULL)
        opts = &defaults;
    chaptag_status st = check_snap_opts(opts, err);
    if (st == CHAPTAG_OK && chaptag_chapters_count(out) > 0)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the list for suggested chapters is not empty");
    if (st == CHAPTAG_OK && (every_ms < 1 || every_ms > CT_TIME_MAX_MS))
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the interval between suggested chapters "
                     "must be 1 ms or more (and under 100,000 hours)");
    source s;
    if (st == CHAPTAG_OK)
        st = source_open(path, &s, err);
    if (st != CHAPTAG_OK)
        return st;
    uint64_t duration = source_duration(&s, path);
    s.end_ms = duration > 0 ? duration : UINT64_MAX;
    char t[CT_TIME_STR_MAX];
    if (duration == 0)
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the audio's duration is unknown");
    else if ((duration - 1) / every_ms + 1 > CT_CHAPTERS_MAX)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "a chapter every %s makes more than 10,000 "
                     "chapters", ct_time_str(every_ms, t));
    /* made aside, so that OUT stays empty when decoding fails half way */
    chaptag_chapters *made = st == CHAPTAG_OK ? chaptag_chapters_new() : NULL;
    ct_warnings warnings = {NULL, 0, 0};
    if (st == CHAPTAG_OK && made == NULL)
        st = ct_fail_nomem(err);
    if (st == CHAPTAG_OK)
        st = suggest_all(&s, opts, every_ms, made, &warnings, err);
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(made); i++)
        st = chaptag_chapters_add(out, chaptag_chapters_get(made, i), err);
    if (st == CHAPTAG_OK) {
        ct_warnings_append(ct_chapters_warnings(out), &warnings);
        fill_stats(&s, stats);
    }
    ct_warnings_clear(&warnings);
    chaptag_chapters_free(made);
    source_close(&s);
    return st;
}
