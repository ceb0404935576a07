/* The coded audio of a file, for finding pauses without decoding it all: MP3 and MP4 hand out
   their packets by time through their seek tables (the backend's audio hook), ext/avcodec.c
   decodes them with libavcodec; every other container is decoded through libavformat, which
   seeks by itself (ext/avformat_audio.c). Times: "decoder-output" samples count from the first
   sample the decoder gives for the stream's first packet; a player shows them from SKIP on. */
#ifndef CHAPTAG_AUDIO_H
#define CHAPTAG_AUDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chaptag/chaptag.h"
#include "fileio.h"
#include "silence.h"

/* CT_CODEC_NONE: a codec the packet sources do not hand out. */
typedef enum { CT_CODEC_NONE = 0, CT_CODEC_MP3 = 1, CT_CODEC_AAC = 2 } ct_codec;

/* What a decoder needs to know of a stream, and how its packets are found. */
typedef struct {
    ct_codec codec;
    uint32_t sample_rate;    /* Hz of the decoder's output (AAC: the core rate with SBR applied
                                as the decoder reports it; see ct_decoder_open) */
    unsigned channels;
    uint8_t config[64];      /* AAC: the AudioSpecificConfig from esds (decoder extradata) */
    size_t config_len;
    uint64_t skip;           /* decoder-output samples before the first a player plays: LAME's
                                encoder delay + 529 (decoder delay), an MP4 edit's media time */
    uint64_t samples;        /* samples a player plays (padding off); 0 when unknown */
    unsigned preroll;        /* packets to decode before a window and throw away: MP3's bit
                                reservoir and overlap, AAC's overlap */
    char seek[48];           /* how packets are found: "CBR arithmetic", "frame-header walk",
                                "MP4 sample tables" */
} ct_audio_info;

/* One coded packet (borrowed for the call). */
typedef struct {
    const uint8_t *data;
    size_t len;
    uint64_t first;   /* decoder-output index of its first sample */
    uint32_t samples; /* samples it decodes to */
} ct_packet;

typedef chaptag_status (*ct_packet_fn)(const ct_packet *pkt, void *ctx, chaptag_error *err);

/* A container's packet source, made by its backend's audio hook; valid while the backend's
   state is open. */
typedef struct ct_audio ct_audio;
struct ct_audio {
    ct_audio_info info;
    /* Calls FN for each packet holding decoder-output samples in [FROM, TO) in order, starting
       INFO.preroll packets before the one holding FROM (as many as there are). TO past the
       end: to the last packet. A status other than OK from FN stops and is returned. */
    chaptag_status (*packets)(ct_audio *a, uint64_t from, uint64_t to, ct_packet_fn fn,
                              void *ctx, chaptag_error *err);
    void (*close)(ct_audio *a);
};

/* ---- the packet sources: mp3/mp3_audio.c, mp4/mp4_audio.c ----
   Both open a file that is sound but not theirs to hand out (another codec, a layout they do
   not follow) as no source: CHAPTAG_OK with *OUT NULL, and the caller decodes it through
   libavformat instead. Any other refusal is an error with its reason. */

/* Opens F, an MP3 file (ID3v2 tags before the frames skipped), as a packet source: constant
   bitrate streams by arithmetic, any other by a walk of the frame headers (about a byte read
   per frame). *OUT NULL for MPEG audio Layer I or II (MP1, MP2). CHAPTAG_ERR_AUDIO when F
   holds no MPEG audio frames, or free-format ones. F outlives *OUT. */
chaptag_status ct_mp3_audio_open(ct_file *f, ct_audio **out, chaptag_error *err);

/* Opens F, an MP4/M4A/M4B file, as a packet source over its first enabled AAC (or MP3) sound
   track's sample tables, the edit list's media time as SKIP. *OUT NULL when its sound tracks
   hold other codecs, or it is fragmented, or its sample sizes are compact (stz2).
   CHAPTAG_ERR_AUDIO when it has no sound track, or a damaged one. F outlives *OUT. */
chaptag_status ct_mp4_audio_open(ct_file *f, ct_audio **out, chaptag_error *err);

/* ---- ext/avcodec.c: libavcodec, opened with dlopen on first use ---- */

typedef struct ct_decoder ct_decoder;

/* Opens a decoder for INFO's stream (loading libavcodec first, its major version checked).
   CHAPTAG_ERR_AUDIO with the reason when it cannot be had. */
chaptag_status ct_decoder_open(const ct_audio_info *info, ct_decoder **out, chaptag_error *err);

/* Decodes PKT and calls FN with its peaks in player time (PKT.first - INFO.skip on); a packet
   the decoder cannot use (a damaged frame) gives silence-free nothing, never an error. Peaks
   come at INFO.sample_rate, the rate the packet times count in, whatever rate the decoder
   gives: HE-AAC's implicit SBR doubles it, and each two samples are given as one peak. */
chaptag_status ct_decoder_decode(ct_decoder *d, const ct_packet *pkt, ct_peak_fn fn, void *ctx,
                                 chaptag_error *err);

/* Forgets what came before: the next packet is not contiguous with the last. */
void ct_decoder_reset(ct_decoder *d);

/* Frees D. NULL does nothing. */
void ct_decoder_close(ct_decoder *d);

/* ---- ext/avformat_audio.c: every other container, through libavformat ---- */

typedef struct ct_avaudio ct_avaudio;

/* Opens the best audio stream of the file at PATH with libavformat and libavcodec; *RATE is
   the rate of its peaks (the stream's, as libavformat reads it; a decoder giving another is
   folded to it, as ct_decoder_decode does). */
chaptag_status ct_avaudio_open(const char *path, ct_avaudio **out, uint32_t *rate,
                               chaptag_error *err);

/* Decodes from FROM_MS (a seek lands on or before it; earlier peaks come too) to TO_MS
   (UINT64_MAX: the end) of player time, calling FN with peaks in player-time samples.
   A whole pass (0 to UINT64_MAX) reads the stream once. */
chaptag_status ct_avaudio_peaks(ct_avaudio *a, uint64_t from_ms, uint64_t to_ms, ct_peak_fn fn,
                                void *ctx, chaptag_error *err);

/* Bytes read from the file so far. */
uint64_t ct_avaudio_bytes_read(const ct_avaudio *a);

/* The container's duration in ms, as libavformat measured it on opening (0: unknown), what
   the avformat backend's duration() would give by opening the file again. */
uint64_t ct_avaudio_duration_ms(const ct_avaudio *a);

/* Closes A. NULL does nothing. */
void ct_avaudio_close(ct_avaudio *a);

#endif
