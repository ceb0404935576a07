/* What the libavformat files of ext/ share: the table of libavformat's functions (filled once,
   in avformat.c), the reading of a file, the checks before a remux (avformat_check.c) and
   the remux with its proof (avformat_write.c).

   FFmpeg's headers are optional: the build defines CHAPTAG_HAVE_FFMPEG (for the ext layer)
   only when libavformat's, libavcodec's and libavutil's pkg-config modules are found. Without
   it only backend.h's declarations remain, and avformat.c builds a stub backend whose open
   says at run time what the build lacks. */
#ifndef CHAPTAG_AVLIB_H
#define CHAPTAG_AVLIB_H

#include <stdbool.h>
#include <stdint.h>

#include "backend.h"

#ifdef CHAPTAG_HAVE_FFMPEG
#include <libavcodec/version.h>
#include <libavformat/avformat.h>
#include <libavformat/version.h>
#include <libavutil/version.h>

/* libavformat's functions, and libavcodec's and libavutil's that come with it. */
typedef struct {
    void *lib;
    char why[256]; /* why it is not loaded: a whole message */
    int (*open_input)(AVFormatContext **, const char *, const AVInputFormat *, AVDictionary **);
    int (*find_stream_info)(AVFormatContext *, AVDictionary **);
    void (*close_input)(AVFormatContext **);
    int (*alloc_output)(AVFormatContext **, const AVOutputFormat *, const char *, const char *);
    void (*free_context)(AVFormatContext *);
    AVStream *(*new_stream)(AVFormatContext *, const AVCodec *);
    int (*copy_parameters)(AVCodecParameters *, const AVCodecParameters *);
    int (*write_header)(AVFormatContext *, AVDictionary **);
    int (*read_frame)(AVFormatContext *, AVPacket *);
    int (*seek_frame)(AVFormatContext *, int, int64_t, int);
    int (*find_best_stream)(AVFormatContext *, enum AVMediaType, int, int, const AVCodec **,
                            int);
    int (*write_frame)(AVFormatContext *, AVPacket *);
    int (*write_trailer)(AVFormatContext *);
    AVPacket *(*packet_alloc)(void);
    void (*packet_free)(AVPacket **);
    void (*packet_unref)(AVPacket *);
    void (*rescale_ts)(AVPacket *, AVRational, AVRational);
    AVDictionaryEntry *(*dict_get)(const AVDictionary *, const char *, const AVDictionaryEntry *,
                                   int);
    int (*dict_set)(AVDictionary **, const char *, const char *, int);
    int (*dict_copy)(AVDictionary **, const AVDictionary *, int);
    void *(*mallocz)(size_t);
    void *(*malloc)(size_t);
    void (*free)(void *);
    int (*strerror)(int, char *, size_t);
    AVIOContext *(*io_alloc)(unsigned char *, int, int, void *, int (*)(void *, uint8_t *, int),
                             int (*)(void *, uint8_t *, int), int64_t (*)(void *, int64_t, int));
    void (*io_free)(AVIOContext **);
    void (*io_flush)(AVIOContext *);
    const AVOutputFormat *(*guess_format)(const char *, const char *, const char *);
    void (*log_level)(int);
    const char *(*codec_name)(enum AVCodecID);
    int (*query_codec)(const AVOutputFormat *, enum AVCodecID, int); /* NULL if missing */
} ct_av_table;

/* The table, filled once (pthread_once) by ct_avformat_open_input() on first use. */
extern ct_av_table ct_av;

/* CHAPTAG_ERR_AUDIO with libavformat's reason for CODE. */
chaptag_status ct_avformat_fail(chaptag_error *err, int code, const char *what);

/* Opens PATH for reading with its stream information (loading libavformat first). */
chaptag_status ct_avformat_open_input(const char *path, AVFormatContext **ic, chaptag_error *err);

/* Adds the chapters of IC to LIST. */
chaptag_status ct_avformat_read_chapters(const AVFormatContext *ic, chaptag_chapters *list,
                                         chaptag_error *err);

/* INFO for IC, a file of SIZE bytes. */
void ct_avformat_fill_info(const AVFormatContext *ic, chaptag_file_info *info, uint64_t size);

/* True when OF is one of the Ogg muxers. */
bool ct_avformat_is_ogg(const AVOutputFormat *of);

/* The output format for TARGET: by its name (in place only when it names the container the
   file already is, so a misnamed file keeps its container), else the input's own. */
const AVOutputFormat *ct_avformat_output_format(const AVFormatContext *ic, const char *target,
                                                bool in_place);

/* What users call the container OF writes with IC's streams: "Opus", "Ogg Vorbis", "WAV". */
const char *ct_avformat_container_label(const AVFormatContext *ic, const AVOutputFormat *of);

/* Refuses a remux of IC into OF that would drop a stream chaptag does not own, or (for an
   EMBED) into a container FFmpeg 5.1 writes no chapters into. */
chaptag_status ct_avformat_check_remux(const AVFormatContext *ic, const AVOutputFormat *of,
                                       const char *label, bool embed, chaptag_error *err);

/* The serial_offset that makes FFmpeg's Ogg muxer keep the serials the N_STREAMS streams of F
   have; -1 when their first pages do not hold consecutive serials that fit the option. */
int64_t ct_avformat_ogg_serial_offset(ct_file *f, unsigned n_streams);

/* Remuxes IC (F) into a temporary file beside TARGET, proves it and puts it in place. */
chaptag_status ct_avformat_write_proven(ct_file *f, AVFormatContext *ic,
                                        const AVOutputFormat *of, const char *target,
                                        const chaptag_chapters *list, uint64_t duration_ms,
                                        const char *label, chaptag_error *err);

/* True when IS, a Matroska attachment (cover art) that FFmpeg 5.1 reads as an attached
   picture, is written back into OF as an attachment. */
bool ct_avformat_kept_as_attachment(const AVStream *is, const AVOutputFormat *of);

#endif /* CHAPTAG_HAVE_FFMPEG */
#endif
