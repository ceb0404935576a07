/* What ext/avcodec.c shares with ext/avformat_audio.c: libavcodec's (and libavutil's)
   functions, loaded once, and the decoder that turns packets into peaks with its times, for
   the packets of a native container (ct_decoder_decode) and of a libavformat demuxer alike.
   Only with FFmpeg's headers (CHAPTAG_HAVE_FFMPEG); without them ct_avcodec_load() alone is
   left, failing with what the build lacks. */
#ifndef CHAPTAG_AVCODEC_INT_H
#define CHAPTAG_AVCODEC_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "audio.h"
#include "error.h"

/* Loads libavcodec on first use (once per process, whatever the threads): CHAPTAG_OK, or
   CHAPTAG_ERR_AUDIO saying why it cannot be had (not installed, another major version than
   chaptag was built for, or a build without FFmpeg's headers). */
chaptag_status ct_avcodec_load(chaptag_error *err);

#ifdef CHAPTAG_HAVE_FFMPEG
#include <libavcodec/avcodec.h>
#include <libavutil/version.h>

/* FFmpeg 5.1 (libavutil 57.24) brought AVChannelLayout; older headers have the channel count */
#if LIBAVUTIL_VERSION_INT >= AV_VERSION_INT(57, 24, 100)
#define CT_AV_CH_LAYOUT 1
#endif

/* libavcodec's functions, and libavutil's that come with it (its dependency). */
typedef struct {
    const AVCodec *(*find_decoder)(enum AVCodecID);
    AVCodecContext *(*alloc_context)(const AVCodec *);
    void (*free_context)(AVCodecContext **);
    int (*parameters_to_context)(AVCodecContext *, const AVCodecParameters *);
    int (*open)(AVCodecContext *, const AVCodec *, AVDictionary **);
    int (*send_packet)(AVCodecContext *, const AVPacket *);
    int (*receive_frame)(AVCodecContext *, AVFrame *);
    void (*flush)(AVCodecContext *);
    AVPacket *(*packet_alloc)(void);
    void (*packet_free)(AVPacket **);
    void (*packet_unref)(AVPacket *);
    int (*new_packet)(AVPacket *, int);
    AVFrame *(*frame_alloc)(void);
    void (*frame_free)(AVFrame **);
    void (*frame_unref)(AVFrame *);
    void *(*mallocz)(size_t);
    int (*strerror)(int, char *, size_t);
    void (*log_level)(int);
    int64_t (*rescale_q)(int64_t, AVRational, AVRational);
    const char *(*codec_name)(enum AVCodecID);
#ifdef CT_AV_CH_LAYOUT
    void (*layout_default)(AVChannelLayout *, int);
#endif
} ct_avcodec_table;

/* The table, filled by ct_avcodec_load(); read only after it succeeded. */
extern ct_avcodec_table ct_avc;

/* CHAPTAG_ERR_AUDIO (CHAPTAG_ERR_NOMEM for ENOMEM) with libavcodec's reason for CODE. */
chaptag_status ct_avcodec_fail(chaptag_error *err, int code, const char *what);

/* How the times of a decoder's packets become the samples of player time its peaks are in:
   a packet time T in TB is sample (T - ORIGIN) * TB * RATE. Exact times (a native packet
   source's) are taken as they are; a demuxer's are rounded (Matroska's milliseconds) or
   estimated (Ogg Vorbis's, off by hundreds of samples where the block size changes), so a
   frame that starts less than its own length from where the last one ended follows it. */
typedef struct {
    AVRational tb;
    int64_t origin;
    uint32_t rate;
    bool exact;
} ct_peak_clock;

/* Opens a decoder for the stream PAR describes (its codec, rate, channels, extradata), its
   peaks given at CLOCK's rate in CLOCK's time. */
chaptag_status ct_decoder_open_par(const AVCodecParameters *par, const ct_peak_clock *clock,
                                   ct_decoder **out, chaptag_error *err);

/* Sends PKT (NULL: the end of the stream, whatever the decoder holds back is given) and calls
   FN with CTX for the peaks of every frame it gives. A packet the decoder finds damaged gives
   nothing, not an error. */
chaptag_status ct_decoder_send(ct_decoder *d, const AVPacket *pkt, ct_peak_fn fn, void *ctx,
                               chaptag_error *err);

/* The sample of player time the next frame starts at when it says nothing else: where the
   last one ended; INT64_MIN before the first frame and after a reset. */
int64_t ct_decoder_next(const ct_decoder *d);

/* Drops the peaks of the next frame, and of the frames after it until SAMPLES more have been
   dropped (the codec's preroll): after a seek and a reset, a codec with overlapping frames
   (AAC, Vorbis, Opus) gives them faded in from nothing. */
void ct_decoder_warm_up(ct_decoder *d, int64_t samples);

#endif /* CHAPTAG_HAVE_FFMPEG */
#endif
