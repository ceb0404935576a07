/* Decoding for the pause finder through FFmpeg's libavcodec, opened with dlopen on first use
   (as libavformat is, and for the same reason: linking it would slow every start of chaptag
   for the few commands that decode). It turns coded packets into peaks, the largest magnitude
   of each sample frame over its channels, in samples of the time a player shows: the MP3 and
   AAC packets the native containers find through their seek tables (container/audio.h), and
   whatever libavformat demuxes (avformat_audio.c). The library must be the major version of
   the headers chaptag was built with: its structures' fields move between majors.

   Without FFmpeg's headers (no CHAPTAG_HAVE_FFMPEG) every call fails, saying so. */
#include "avcodec_int.h"
#include "dlsyms.h"
#include "ffload.h"

#include <stdlib.h>

#ifndef CHAPTAG_HAVE_FFMPEG

#define NO_HEADERS "this chaptag was built without FFmpeg's headers (libavcodec-dev): it " \
                   "cannot decode audio to find pauses; rebuild it with them"

chaptag_status ct_avcodec_load(chaptag_error *err)
{
    return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, NO_HEADERS);
}

chaptag_status ct_decoder_open(const ct_audio_info *info, ct_decoder **out, chaptag_error *err)
{
    (void)info;
    (void)out;
    return ct_avcodec_load(err);
}

chaptag_status ct_decoder_decode(ct_decoder *d, const ct_packet *pkt, ct_peak_fn fn, void *ctx,
                                 chaptag_error *err)
{
    (void)d;
    (void)pkt;
    (void)fn;
    (void)ctx;
    return ct_avcodec_load(err);
}

void ct_decoder_reset(ct_decoder *d)
{
    (void)d;
}

void ct_decoder_close(ct_decoder *d)
{
    (void)d;
}

#else /* CHAPTAG_HAVE_FFMPEG */

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libavutil/error.h>
#include <libavutil/log.h>

/* ---- loading the library ---- */

ct_avcodec_table ct_avc;
static void *avc_lib;     /* NULL until loaded */
static char avc_why[300]; /* why it is not, then */
static pthread_once_t avc_once = PTHREAD_ONCE_INIT;

#define CANNOT "cannot decode audio: "

#define N_OF(a) (sizeof(a) / sizeof(a)[0])

/* Opens the library into AVC_LIB; false (with AVC_WHY) when it is not there or not the major
   built for (ffload.c). CHAPTAG_LIBAVCODEC names it instead (an FFmpeg built elsewhere). */
static bool open_library(void)
{
    static const ct_ff_major majors[] = {
        {"libavcodec", "avcodec_version", LIBAVCODEC_VERSION_MAJOR},
        {"libavutil", "avutil_version", LIBAVUTIL_VERSION_MAJOR},
    };
    char why[sizeof avc_why - sizeof CANNOT];
    bool missing;
    avc_lib = ct_ff_open("avcodec", "CHAPTAG_LIBAVCODEC", majors,
                         N_OF(majors), why, sizeof why, &missing);
    if (avc_lib == NULL)
        snprintf(avc_why, sizeof avc_why, CANNOT "%s", why);
    return avc_lib != NULL;
}

/* Fills CT_AVC from AVC_LIB; false (with AVC_WHY, the library closed) when a function is
   missing. */
static bool find_functions(void)
{
    static const ct_dlsym syms[] = {
        {(void **)&ct_avc.find_decoder, "avcodec_find_decoder"},
        {(void **)&ct_avc.alloc_context, "avcodec_alloc_context3"},
        {(void **)&ct_avc.free_context, "avcodec_free_context"},
        {(void **)&ct_avc.parameters_to_context, "avcodec_parameters_to_context"},
        {(void **)&ct_avc.open, "avcodec_open2"},
        {(void **)&ct_avc.send_packet, "avcodec_send_packet"},
        {(void **)&ct_avc.receive_frame, "avcodec_receive_frame"},
        {(void **)&ct_avc.flush, "avcodec_flush_buffers"},
        {(void **)&ct_avc.packet_alloc, "av_packet_alloc"},
        {(void **)&ct_avc.packet_free, "av_packet_free"},
        {(void **)&ct_avc.packet_unref, "av_packet_unref"},
        {(void **)&ct_avc.new_packet, "av_new_packet"},
        {(void **)&ct_avc.frame_alloc, "av_frame_alloc"},
        {(void **)&ct_avc.frame_free, "av_frame_free"},
        {(void **)&ct_avc.frame_unref, "av_frame_unref"},
        {(void **)&ct_avc.mallocz, "av_mallocz"},
        {(void **)&ct_avc.strerror, "av_strerror"},
        {(void **)&ct_avc.log_level, "av_log_set_level"},
        {(void **)&ct_avc.rescale_q, "av_rescale_q"},
        {(void **)&ct_avc.codec_name, "avcodec_get_name"},
#ifdef CT_AV_CH_LAYOUT
        {(void **)&ct_avc.layout_default, "av_channel_layout_default"},
#endif
    };
    const char *missing = ct_dlsyms(avc_lib, syms, N_OF(syms));
    if (missing != NULL) {
        snprintf(avc_why, sizeof avc_why, CANNOT "the libavcodec installed lacks %s", missing);
        dlclose(avc_lib);
        avc_lib = NULL;
    }
    return missing == NULL;
}

static void load_once(void)
{
    if (!open_library() || !find_functions())
        return;
    ct_avc.log_level(AV_LOG_QUIET); /* a damaged frame is skipped, not printed about */
}

chaptag_status ct_avcodec_load(chaptag_error *err)
{
    pthread_once(&avc_once, load_once);
    if (avc_lib == NULL)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%s", avc_why);
    return CHAPTAG_OK;
}

chaptag_status ct_avcodec_fail(chaptag_error *err, int code, const char *what)
{
    if (code == AVERROR(ENOMEM))
        return ct_fail_nomem(err);
    char reason[128] = "unknown error";
    ct_avc.strerror(code, reason, sizeof reason);
    return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%s: %s (libavcodec)", what, reason);
}

/* ---- the decoder ---- */

struct ct_decoder {
    AVCodecContext *cx;
    AVPacket *pkt;
    AVFrame *frame;
    ct_peak_clock clock;
    int64_t next;       /* sample where the last frame ended; INT64_MIN: none since a reset */
    int64_t warm_up;    /* samples still to drop after a seek (ct_decoder_warm_up) */
    bool drop_frame;    /* the next frame is to be dropped, whatever its length */
    float *peak;        /* room for the peaks of one frame, and for them folded */
    size_t cap;
};

/* A new decoder of codec ID, its context allocated but not opened. */
static chaptag_status decoder_new(enum AVCodecID id, const ct_peak_clock *clock, ct_decoder **out,
                                  chaptag_error *err)
{
    chaptag_status st = ct_avcodec_load(err);
    if (st != CHAPTAG_OK)
        return st;
    const AVCodec *codec = ct_avc.find_decoder(id);
    if (codec == NULL)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "cannot decode audio: the libavcodec "
                       "installed has no %s decoder", ct_avc.codec_name(id));
    ct_decoder *d = ct_calloc(1, sizeof *d);
    if (d == NULL)
        return ct_fail_nomem(err);
    d->cx = ct_avc.alloc_context(codec);
    d->pkt = ct_avc.packet_alloc();
    d->frame = ct_avc.frame_alloc();
    if (d->cx == NULL || d->pkt == NULL || d->frame == NULL) {
        ct_decoder_close(d);
        return ct_fail_nomem(err);
    }
    d->clock = *clock;
    d->cx->pkt_timebase = clock->tb;
    d->next = INT64_MIN;
    *out = d;
    return CHAPTAG_OK;
}

/* Opens D's codec on its filled context. */
static chaptag_status decoder_start(ct_decoder *d, chaptag_error *err)
{
    int rc = ct_avc.open(d->cx, NULL, NULL);
    if (rc < 0)
        return ct_avcodec_fail(err, rc, "cannot open the audio decoder");
    return CHAPTAG_OK;
}

chaptag_status ct_decoder_open(const ct_audio_info *info, ct_decoder **out, chaptag_error *err)
{
    if (info->sample_rate == 0 || info->sample_rate > INT32_MAX)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "cannot decode audio at %u Hz",
                       (unsigned)info->sample_rate);
    enum AVCodecID id = info->codec == CT_CODEC_AAC ? AV_CODEC_ID_AAC : AV_CODEC_ID_MP3;
    /* packet times count samples at the stream's rate, from the first the decoder gives */
    ct_peak_clock clock = {{1, (int)info->sample_rate},
                           info->skip > INT64_MAX ? INT64_MAX : (int64_t)info->skip,
                           info->sample_rate, true};
    ct_decoder *d;
    chaptag_status st = decoder_new(id, &clock, &d, err);
    if (st != CHAPTAG_OK)
        return st;
    d->cx->sample_rate = (int)info->sample_rate;
    if (info->channels > 0 && info->channels <= 64) {
#ifdef CT_AV_CH_LAYOUT
        ct_avc.layout_default(&d->cx->ch_layout, (int)info->channels);
#else
        d->cx->channels = (int)info->channels;
#endif
    }
    size_t len = info->config_len < sizeof info->config ? info->config_len : sizeof info->config;
    if (len > 0) {
        d->cx->extradata = ct_avc.mallocz(len + AV_INPUT_BUFFER_PADDING_SIZE);
        if (d->cx->extradata == NULL) {
            ct_decoder_close(d);
            return ct_fail_nomem(err);
        }
        memcpy(d->cx->extradata, info->config, len);
        d->cx->extradata_size = (int)len;
    }
    st = decoder_start(d, err);
    if (st != CHAPTAG_OK) {
        ct_decoder_close(d);
        return st;
    }
    *out = d;
    return CHAPTAG_OK;
}

chaptag_status ct_decoder_open_par(const AVCodecParameters *par, const ct_peak_clock *clock,
                                   ct_decoder **out, chaptag_error *err)
{
    ct_decoder *d;
    chaptag_status st = decoder_new(par->codec_id, clock, &d, err);
    if (st != CHAPTAG_OK)
        return st;
    int rc = ct_avc.parameters_to_context(d->cx, par);
    st = rc < 0 ? ct_avcodec_fail(err, rc, "cannot set up the audio decoder")
                : decoder_start(d, err);
    if (st != CHAPTAG_OK) {
        ct_decoder_close(d);
        return st;
    }
    *out = d;
    return CHAPTAG_OK;
}

void ct_decoder_reset(ct_decoder *d)
{
    ct_avc.flush(d->cx);
    d->next = INT64_MIN;
    d->drop_frame = false;
    d->warm_up = 0;
}

void ct_decoder_warm_up(ct_decoder *d, int64_t samples)
{
    d->drop_frame = true;
    d->warm_up = samples;
}

int64_t ct_decoder_next(const ct_decoder *d)
{
    return d->next;
}

void ct_decoder_close(ct_decoder *d)
{
    if (d == NULL)
        return;
    ct_avc.free_context(&d->cx);
    ct_avc.packet_free(&d->pkt);
    ct_avc.frame_free(&d->frame);
    free(d->peak);
    free(d);
}

/* ---- peaks ---- */

/* Raises PEAK[i] (N of them) to the magnitude of sample i of one channel: its first at P, the
   next STEP bytes on, in the packed sample format FMT. Full scale is 1.0. */
static void channel_peaks(float *peak, size_t n, const uint8_t *p, size_t step,
                          enum AVSampleFormat fmt)
{
    for (size_t i = 0; i < n; i++, p += step) {
        float v;
        switch (fmt) {
        case AV_SAMPLE_FMT_U8:
            v = (float)(*p - 128) / 128.0f;
            break;
        case AV_SAMPLE_FMT_S16: {
            int16_t x;
            memcpy(&x, p, sizeof x);
            v = (float)x / 32768.0f;
            break;
        }
        case AV_SAMPLE_FMT_S32: {
            int32_t x;
            memcpy(&x, p, sizeof x);
            v = (float)x / 2147483648.0f;
            break;
        }
        case AV_SAMPLE_FMT_S64: {
            int64_t x;
            memcpy(&x, p, sizeof x);
            v = (float)x / 9223372036854775808.0f;
            break;
        }
        case AV_SAMPLE_FMT_DBL: {
            double x;
            memcpy(&x, p, sizeof x);
            v = (float)x;
            break;
        }
        default: {
            float x;
            memcpy(&x, p, sizeof x);
            v = x;
            break;
        }
        }
        if (v < 0)
            v = -v;
        if (v > peak[i])
            peak[i] = v;
    }
}

/* The packed format of FMT, its bytes per sample and whether it is planar; false for a
   format that is not one of FFmpeg 5.1's. */
static bool sample_layout(int fmt, enum AVSampleFormat *packed, size_t *bytes, bool *planar)
{
    static const struct {
        enum AVSampleFormat fmt, packed;
        size_t bytes;
        bool planar;
    } formats[] = {
        {AV_SAMPLE_FMT_U8, AV_SAMPLE_FMT_U8, 1, false},
        {AV_SAMPLE_FMT_S16, AV_SAMPLE_FMT_S16, 2, false},
        {AV_SAMPLE_FMT_S32, AV_SAMPLE_FMT_S32, 4, false},
        {AV_SAMPLE_FMT_FLT, AV_SAMPLE_FMT_FLT, 4, false},
        {AV_SAMPLE_FMT_DBL, AV_SAMPLE_FMT_DBL, 8, false},
        {AV_SAMPLE_FMT_S64, AV_SAMPLE_FMT_S64, 8, false},
        {AV_SAMPLE_FMT_U8P, AV_SAMPLE_FMT_U8, 1, true},
        {AV_SAMPLE_FMT_S16P, AV_SAMPLE_FMT_S16, 2, true},
        {AV_SAMPLE_FMT_S32P, AV_SAMPLE_FMT_S32, 4, true},
        {AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT, 4, true},
        {AV_SAMPLE_FMT_DBLP, AV_SAMPLE_FMT_DBL, 8, true},
        {AV_SAMPLE_FMT_S64P, AV_SAMPLE_FMT_S64, 8, true},
    };
    for (size_t i = 0; i < N_OF(formats); i++)
        if (formats[i].fmt == fmt) {
            *packed = formats[i].packed;
            *bytes = formats[i].bytes;
            *planar = formats[i].planar;
            return true;
        }
    return false;
}

static int frame_channels(const AVFrame *f)
{
#ifdef CT_AV_CH_LAYOUT
    return f->ch_layout.nb_channels;
#else
    return f->channels;
#endif
}

/* Room in D->PEAK for N floats. */
static bool reserve(ct_decoder *d, size_t n)
{
    if (n <= d->cap)
        return true;
    float *p = ct_realloc(d->peak, n * sizeof *p);
    if (p == NULL)
        return false;
    d->peak = p;
    d->cap = n;
    return true;
}

/* Folds the N peaks at IN, at FROM Hz, into *M peaks at TO Hz at OUT (the larger of those
   that meet): HE-AAC's decoder gives twice the rate its packet times count in. */
static void fold_rate(const float *in, size_t n, uint32_t from, uint32_t to, float *out,
                      size_t *m)
{
    size_t len = (size_t)((uint64_t)n * to / from);
    if (len == 0)
        len = 1;
    for (size_t k = 0; k < len; k++)
        out[k] = 0.0f;
    for (size_t j = 0; j < n; j++) {
        size_t lo = (size_t)((uint64_t)j * to / from), hi = (size_t)((uint64_t)(j + 1) * to / from);
        if (hi == lo)
            hi = lo + 1;
        for (size_t k = lo; k < hi && k < len; k++)
            if (in[j] > out[k])
                out[k] = in[j];
    }
    *m = len;
}

/* Frame times past 2^48 samples (over 180 years at 48 kHz) are damage. */
#define CT_FRAME_TIME_MAX ((int64_t)1 << 48)

/* The sample of player time frame F, of N samples at the clock's rate, starts at. */
static int64_t frame_start(const ct_decoder *d, const AVFrame *f, size_t n)
{
    int64_t t = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
    int64_t since, first;
    /* nothing said, or a time no audio reaches (damage: the sums below would overflow): the
       frame follows the last, or starts the stream */
    if (t == AV_NOPTS_VALUE || __builtin_sub_overflow(t, d->clock.origin, &since) ||
        (first = ct_avc.rescale_q(since, d->clock.tb, (AVRational){1, (int)d->clock.rate})) <
            -CT_FRAME_TIME_MAX ||
        first > CT_FRAME_TIME_MAX)
        return d->next != INT64_MIN ? d->next : 0;
    if (!d->clock.exact && d->next != INT64_MIN && first - d->next < (int64_t)n &&
        d->next - first < (int64_t)n)
        first = d->next;
    return first;
}

/* Gives FN the peaks of frame F. */
static chaptag_status frame_peaks(ct_decoder *d, const AVFrame *f, ct_peak_fn fn, void *ctx,
                                  chaptag_error *err)
{
    enum AVSampleFormat packed;
    size_t bytes;
    bool planar;
    int channels = frame_channels(f);
    if (f->nb_samples <= 0 || channels <= 0 || f->sample_rate <= 0 ||
        (uint64_t)f->sample_rate * 4 < d->clock.rate)
        return CHAPTAG_OK; /* far below the stream's rate (a FLAC frame header may say 1 Hz):
                              damage, and folding it up would want a buffer of gigabytes */
    if (!sample_layout(f->format, &packed, &bytes, &planar))
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "cannot read decoded samples of format %d",
                       f->format);
    size_t n = (size_t)f->nb_samples;
    uint32_t rate = (uint32_t)f->sample_rate;
    size_t folded = rate == d->clock.rate ? 0 : (size_t)((uint64_t)n * d->clock.rate / rate) + 1;
    if (!reserve(d, n + folded))
        return ct_fail_nomem(err);
    float *peak = d->peak;
    memset(peak, 0, n * sizeof *peak);
    for (int c = 0; c < channels; c++) {
        const uint8_t *p = planar ? f->extended_data[c] : f->extended_data[0] + (size_t)c * bytes;
        channel_peaks(peak, n, p, planar ? bytes : bytes * (size_t)channels, packed);
    }
    if (rate != d->clock.rate) {
        float *out = peak + n;
        fold_rate(peak, n, rate, d->clock.rate, out, &n);
        peak = out;
    }
    int64_t first = frame_start(d, f, n);
    d->next = first + (int64_t)n;
    if (d->drop_frame || d->warm_up > 0) { /* faded in from nothing after a seek */
        d->drop_frame = false;
        d->warm_up -= (int64_t)n;
        return CHAPTAG_OK;
    }
    return fn(peak, n, first, ctx, err);
}

chaptag_status ct_decoder_send(ct_decoder *d, const AVPacket *pkt, ct_peak_fn fn, void *ctx,
                               chaptag_error *err)
{
    int rc = ct_avc.send_packet(d->cx, pkt);
    if (rc == AVERROR_INVALIDDATA)
        return CHAPTAG_OK; /* a damaged packet: nothing from it */
    if (rc < 0 && rc != AVERROR_EOF)
        return ct_avcodec_fail(err, rc, "cannot decode the audio");
    chaptag_status st = CHAPTAG_OK;
    while (st == CHAPTAG_OK) {
        rc = ct_avc.receive_frame(d->cx, d->frame);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            break;
        if (rc == AVERROR_INVALIDDATA)
            break; /* the damaged packet gives nothing more */
        if (rc < 0)
            return ct_avcodec_fail(err, rc, "cannot decode the audio");
        st = frame_peaks(d, d->frame, fn, ctx, err);
        ct_avc.frame_unref(d->frame);
    }
    return st;
}

chaptag_status ct_decoder_decode(ct_decoder *d, const ct_packet *pkt, ct_peak_fn fn, void *ctx,
                                 chaptag_error *err)
{
    if (pkt->len == 0)
        return CHAPTAG_OK;
    if (pkt->len > (size_t)(INT32_MAX - AV_INPUT_BUFFER_PADDING_SIZE) || pkt->first > INT64_MAX)
        return CHAPTAG_OK; /* no frame is that long or that far: a damaged one */
    int rc = ct_avc.new_packet(d->pkt, (int)pkt->len); /* padded, as the decoders read past */
    if (rc < 0)
        return ct_avcodec_fail(err, rc, "cannot decode the audio");
    memcpy(d->pkt->data, pkt->data, pkt->len);
    d->pkt->pts = d->pkt->dts = (int64_t)pkt->first;
    d->pkt->duration = pkt->samples;
    chaptag_status st = ct_decoder_send(d, d->pkt, fn, ctx, err);
    ct_avc.packet_unref(d->pkt);
    return st;
}

#endif /* CHAPTAG_HAVE_FFMPEG */
