/* The audio of every container without a packet source of its own (Ogg Opus and Vorbis,
   FLAC, WAV, Matroska, ...) decoded for the pause finder: libavformat demuxes and seeks
   (avformat.c's loaded library), libavcodec decodes (avcodec.c). Times are those a player
   shows: from the stream's start time, with the codec's own trimming (Opus pre-skip, the
   skip-samples libavformat attaches) applied by libavformat and libavcodec. */
#include "audio.h"

#include <stdlib.h>

#include "avcodec_int.h"

#ifndef CHAPTAG_HAVE_FFMPEG

chaptag_status ct_avaudio_open(const char *path, ct_avaudio **out, uint32_t *rate,
                               chaptag_error *err)
{
    (void)path;
    (void)out;
    (void)rate;
    return ct_avcodec_load(err); /* says what the build lacks */
}

chaptag_status ct_avaudio_peaks(ct_avaudio *a, uint64_t from_ms, uint64_t to_ms, ct_peak_fn fn,
                                void *ctx, chaptag_error *err)
{
    (void)a;
    (void)from_ms;
    (void)to_ms;
    (void)fn;
    (void)ctx;
    return ct_avcodec_load(err);
}

uint64_t ct_avaudio_bytes_read(const ct_avaudio *a)
{
    (void)a;
    return 0;
}

uint64_t ct_avaudio_duration_ms(const ct_avaudio *a)
{
    (void)a;
    return 0;
}

void ct_avaudio_close(ct_avaudio *a)
{
    (void)a;
}

#else /* CHAPTAG_HAVE_FFMPEG */

#include <string.h>

#include "avlib.h"

/* After a seek, how much earlier than the window the decoding starts, in turn while the seek
   lands after it: a codec's first frame after a seek is dropped (faded in from nothing), and
   a demuxer may land after the time asked for. Past the last, from the stream's start. */
static const uint64_t lead_ms[] = {500, 3000, 15000};
#define N_LEADS (sizeof lead_ms / sizeof lead_ms[0])

/* Decoding from where the last window ended is cheaper than a seek when the next window
   starts this little after it. */
#define CONTINUE_MS 3000

struct ct_avaudio {
    AVFormatContext *ic;
    int stream;
    AVStream *st;
    ct_decoder *dec;
    AVPacket *pkt;
    uint32_t rate; /* Hz of the peaks */
    int64_t start; /* the stream's start, in its time base: player time 0 */
    bool moved;    /* packets have been read since the open or the last seek to the start */
    bool ended;    /* the stream was read to its end: the decoder is drained */
};

/* Picks A's audio stream (libavformat's best), the others left unread, and opens its decoder:
   peaks at the stream's rate, from its start time on. */
static chaptag_status open_stream(ct_avaudio *a, chaptag_error *err)
{
    a->stream = ct_av.find_best_stream(a->ic, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (a->stream < 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the file has no audio stream libavformat "
                       "can decode");
    a->st = a->ic->streams[a->stream];
    for (unsigned i = 0; i < a->ic->nb_streams; i++)
        if ((int)i != a->stream)
            a->ic->streams[i]->discard = AVDISCARD_ALL;
    const AVCodecParameters *par = a->st->codecpar;
    if (par->sample_rate <= 0 || a->st->time_base.num <= 0 || a->st->time_base.den <= 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the audio stream has no sample rate");
    a->rate = (uint32_t)par->sample_rate;
    a->start = a->st->start_time != AV_NOPTS_VALUE ? a->st->start_time : 0;
    ct_peak_clock clock = {a->st->time_base, a->start, a->rate, false};
    return ct_decoder_open_par(par, &clock, &a->dec, err);
}

chaptag_status ct_avaudio_open(const char *path, ct_avaudio **out, uint32_t *rate,
                               chaptag_error *err)
{
    chaptag_status st = ct_avcodec_load(err);
    if (st != CHAPTAG_OK)
        return st;
    ct_avaudio *a = ct_calloc(1, sizeof *a);
    if (a == NULL)
        return ct_fail_nomem(err);
    st = ct_avformat_open_input(path, &a->ic, err);
    if (st == CHAPTAG_OK)
        st = open_stream(a, err);
    if (st == CHAPTAG_OK && (a->pkt = ct_av.packet_alloc()) == NULL)
        st = ct_fail_nomem(err);
    if (st != CHAPTAG_OK) {
        ct_avaudio_close(a);
        return st;
    }
    *rate = a->rate;
    *out = a;
    return CHAPTAG_OK;
}

/* Samples at A's rate in MS milliseconds. */
static int64_t ms_to_samples(const ct_avaudio *a, uint64_t ms)
{
    if (ms >= (uint64_t)INT64_MAX / 1000 / a->rate)
        return INT64_MAX;
    return (int64_t)(ms * a->rate / 1000);
}

/* Seeks A to AT_MS of player time or before it (AT_MS 0: the stream's start), the decoder
   reset and, but at the start, its first frames after the seek dropped. */
static chaptag_status seek_to(ct_avaudio *a, uint64_t at_ms, chaptag_error *err)
{
    int64_t ts = a->start;
    if (at_ms > 0 && at_ms < (uint64_t)INT64_MAX &&
        __builtin_add_overflow(a->start, ct_avc.rescale_q((int64_t)at_ms, (AVRational){1, 1000},
                                                          a->st->time_base), &ts))
        ts = a->start; /* a damaged start time: from the start, then */
    int rc = ct_av.seek_frame(a->ic, a->stream, ts, AVSEEK_FLAG_BACKWARD);
    if (rc < 0 && at_ms > 0) { /* from the start, then, when it can */
        at_ms = 0;
        rc = ct_av.seek_frame(a->ic, a->stream, a->start, AVSEEK_FLAG_BACKWARD);
    }
    if (rc < 0)
        return ct_avformat_fail(err, rc, "cannot seek in the audio");
    ct_decoder_reset(a->dec);
    if (at_ms > 0)
        ct_decoder_warm_up(a->dec, a->st->codecpar->seek_preroll);
    a->moved = at_ms > 0;
    a->ended = false;
    return CHAPTAG_OK;
}

/* One window's decoding: FN with CTX gets the peaks, unless the first of them come after FROM
   (samples) when CHECK is set: the seek landed late, and LATE says so. */
typedef struct {
    ct_peak_fn fn;
    void *ctx;
    int64_t from;
    bool check;
    bool late;
} window;

static chaptag_status window_peaks(const float *peak, size_t n, int64_t first, void *ctx,
                                   chaptag_error *err)
{
    window *w = ctx;
    if (w->late)
        return CHAPTAG_OK;
    if (w->check) {
        w->check = false;
        if (first > w->from) {
            w->late = true;
            return CHAPTAG_OK;
        }
    }
    return w->fn(peak, n, first, w->ctx, err);
}

/* Reads and decodes A's packets into W until the peaks reach TO (samples) or the stream
   ends (then the decoder is drained), or W finds the seek landed late. */
static chaptag_status decode_until(ct_avaudio *a, int64_t to, window *w, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    while (st == CHAPTAG_OK && !w->late) {
        int64_t next = ct_decoder_next(a->dec);
        if (next != INT64_MIN && next >= to)
            break;
        int rc = ct_av.read_frame(a->ic, a->pkt);
        if (rc == AVERROR_EOF) {
            a->ended = true;
            return ct_decoder_send(a->dec, NULL, window_peaks, w, err);
        }
        if (rc < 0)
            return ct_avformat_fail(err, rc, "cannot read the audio");
        a->moved = true;
        if (a->pkt->stream_index == a->stream)
            st = ct_decoder_send(a->dec, a->pkt, window_peaks, w, err);
        ct_av.packet_unref(a->pkt);
    }
    return st;
}

/* True when A can go on decoding to reach FROM (samples) rather than seek: nothing read yet
   and FROM is the start, or the last window ended at most CONTINUE_MS before FROM. */
static bool can_continue(const ct_avaudio *a, int64_t from)
{
    if (!a->moved)
        return from == 0;
    int64_t next = ct_decoder_next(a->dec);
    return !a->ended && next != INT64_MIN && next <= from &&
           from - next <= ms_to_samples(a, CONTINUE_MS);
}

chaptag_status ct_avaudio_peaks(ct_avaudio *a, uint64_t from_ms, uint64_t to_ms, ct_peak_fn fn,
                                void *ctx, chaptag_error *err)
{
    int64_t from = ms_to_samples(a, from_ms);
    int64_t to = to_ms == UINT64_MAX ? INT64_MAX : ms_to_samples(a, to_ms);
    window w = {fn, ctx, from, false, false};
    if (can_continue(a, from))
        return decode_until(a, to, &w, err);
    /* seek earlier and earlier while the seek lands after FROM; at last from the start */
    for (size_t i = 0; i <= N_LEADS; i++) {
        uint64_t at_ms = i < N_LEADS && from_ms > lead_ms[i] ? from_ms - lead_ms[i] : 0;
        chaptag_status st = seek_to(a, at_ms, err);
        if (st != CHAPTAG_OK)
            return st;
        w.check = a->moved; /* from the start, whatever comes first is the stream's first */
        w.late = false;
        st = decode_until(a, to, &w, err);
        if (st != CHAPTAG_OK || !w.late || at_ms == 0)
            return st;
    }
    return CHAPTAG_OK;
}

uint64_t ct_avaudio_bytes_read(const ct_avaudio *a)
{
    /* every byte the demuxer read, its probing and seeks included, came through this context */
    return a->ic != NULL && a->ic->pb != NULL && a->ic->pb->bytes_read > 0
               ? (uint64_t)a->ic->pb->bytes_read
               : 0;
}

uint64_t ct_avaudio_duration_ms(const ct_avaudio *a)
{
    return a->ic != NULL && a->ic->duration > 0 ? (uint64_t)a->ic->duration / 1000 : 0;
}

void ct_avaudio_close(ct_avaudio *a)
{
    if (a == NULL)
        return;
    ct_decoder_close(a->dec);
    if (a->pkt != NULL)
        ct_av.packet_free(&a->pkt);
    if (a->ic != NULL)
        ct_av.close_input(&a->ic);
    free(a);
}

#endif /* CHAPTAG_HAVE_FFMPEG */
