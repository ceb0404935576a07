/* Containers without a native backend (Matroska/WebM/MKA, Ogg Opus, FLAC, ...) through
   FFmpeg's libavformat, opened with dlopen on first use: linking it would make every run of
   chaptag start about 30 ms slower and 16 MB bigger, which would dwarf an MP3 or MP4 edit that
   never needs it. Reading: chapters, duration and container name. Writing: a bit-exact
   stream-copy remux with the new chapters into a temporary file (fileio's), read back through
   libavformat before it replaces the original. Matroska gets Chapters; FLAC and Ogg Opus get
   VorbisComment CHAPTERxxx keys written by us (the Xiph chapter extension, which FFmpeg's
   demuxers read as chapters). What FFmpeg 5.1 cannot write (chapters in WAV, AIFF, raw
   streams, Ogg Vorbis and Ogg FLAC; cover art in Ogg; FLAC CUESHEET and APPLICATION blocks;
   RIFF chunks) is refused before anything is written.
   The library loaded must be the major version of FFmpeg's libraries chaptag was built for
   (their structures' fields move between majors); another is refused, naming both. Built
   without FFmpeg's headers, this file is a stub backend that says so at run time. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "avlib.h"
#include "dlsyms.h"
#include "ffload.h"
#include "taglib.h"

#ifndef CHAPTAG_HAVE_FFMPEG
/* Built without FFmpeg's headers: the backend stays last in api.c's list and takes whatever
   the native containers do not recognise, to say what this build lacks. Its open always
   fails, so nothing else of it is ever called. */

static bool none_sniff(ct_file *f, const uint8_t *head, size_t n)
{
    (void)f;
    (void)head;
    (void)n;
    return true;
}

static chaptag_status none_open(ct_file *f, const char *path, void **state, chaptag_error *err)
{
    (void)f;
    (void)path;
    *state = NULL;
    return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "this chaptag was built without FFmpeg's headers "
                   "(libavformat-dev): it reads and writes MP3, MP4/M4A/M4B, Ogg, FLAC and WAV "
                   "natively; rebuild it with them for Matroska/WebM/MKA and other containers");
}

bool ct_avformat_loaded(void)
{
    return false;
}

const ct_backend ct_backend_avformat = {"libavformat", none_sniff, none_open, NULL, NULL,
                                        NULL, NULL, NULL, NULL, NULL};

#else /* CHAPTAG_HAVE_FFMPEG */

/* What the native containers already cover, said before why libavformat is not there. */
#define NOT_NATIVE "not MP3, MP4, Ogg, FLAC or WAV, and "

/* Filled once, under pthread_once, and only read after: threads share it safely. */
ct_av_table ct_av;
static pthread_once_t av_once = PTHREAD_ONCE_INIT;
static atomic_bool av_loaded; /* for ct_avformat_loaded(), which must not load it */

/* Opens the library into CT_AV.LIB; false (with CT_AV.WHY) when it is not there or is not the
   major chaptag was built for (ffload.c: chaptag reads these libraries' structures). */
static bool open_library(void)
{
    static const ct_ff_major majors[] = {
        {"libavformat", "avformat_version", LIBAVFORMAT_VERSION_MAJOR},
        {"libavcodec", "avcodec_version", LIBAVCODEC_VERSION_MAJOR},
        {"libavutil", "avutil_version", LIBAVUTIL_VERSION_MAJOR},
    };
    char why[sizeof ct_av.why - sizeof NOT_NATIVE];
    bool missing;
    ct_av.lib = ct_ff_open("avformat", "CHAPTAG_LIBAVFORMAT", majors,
                           sizeof majors / sizeof majors[0], why, sizeof why, &missing);
    if (ct_av.lib == NULL) /* what is native is said first when libavformat is not there */
        snprintf(ct_av.why, sizeof ct_av.why, "%s%s", missing ? NOT_NATIVE : "", why);
    return ct_av.lib != NULL;
}

/* Fills the table from CT_AV.LIB; false (with CT_AV.WHY, the library closed) when a function
   is missing. */
static bool find_functions(void)
{
    static const ct_dlsym syms[] = {
        {(void **)&ct_av.open_input, "avformat_open_input"},
        {(void **)&ct_av.find_stream_info, "avformat_find_stream_info"},
        {(void **)&ct_av.close_input, "avformat_close_input"},
        {(void **)&ct_av.alloc_output, "avformat_alloc_output_context2"},
        {(void **)&ct_av.free_context, "avformat_free_context"},
        {(void **)&ct_av.new_stream, "avformat_new_stream"},
        {(void **)&ct_av.copy_parameters, "avcodec_parameters_copy"},
        {(void **)&ct_av.write_header, "avformat_write_header"},
        {(void **)&ct_av.read_frame, "av_read_frame"},
        {(void **)&ct_av.seek_frame, "av_seek_frame"},
        {(void **)&ct_av.find_best_stream, "av_find_best_stream"},
        {(void **)&ct_av.write_frame, "av_interleaved_write_frame"},
        {(void **)&ct_av.write_trailer, "av_write_trailer"},
        {(void **)&ct_av.packet_alloc, "av_packet_alloc"},
        {(void **)&ct_av.packet_free, "av_packet_free"},
        {(void **)&ct_av.packet_unref, "av_packet_unref"},
        {(void **)&ct_av.rescale_ts, "av_packet_rescale_ts"},
        {(void **)&ct_av.dict_get, "av_dict_get"},
        {(void **)&ct_av.dict_set, "av_dict_set"},
        {(void **)&ct_av.dict_copy, "av_dict_copy"},
        {(void **)&ct_av.mallocz, "av_mallocz"},
        {(void **)&ct_av.malloc, "av_malloc"},
        {(void **)&ct_av.free, "av_free"},
        {(void **)&ct_av.strerror, "av_strerror"},
        {(void **)&ct_av.io_alloc, "avio_alloc_context"},
        {(void **)&ct_av.io_free, "avio_context_free"},
        {(void **)&ct_av.io_flush, "avio_flush"},
        {(void **)&ct_av.guess_format, "av_guess_format"},
        {(void **)&ct_av.log_level, "av_log_set_level"},
        {(void **)&ct_av.codec_name, "avcodec_get_name"},
    };
    const char *missing = ct_dlsyms(ct_av.lib, syms, sizeof syms / sizeof syms[0]);
    if (missing != NULL) {
        snprintf(ct_av.why, sizeof ct_av.why, "the libavformat installed lacks %s", missing);
        dlclose(ct_av.lib);
        ct_av.lib = NULL;
        return false;
    }
    *(void **)&ct_av.query_codec = dlsym(ct_av.lib, "avformat_query_codec"); /* optional */
    return true;
}

static void load_once(void)
{
    if (!open_library() || !find_functions())
        return;
    ct_av.log_level(AV_LOG_QUIET); /* failures come back as codes; chaptag words them */
    atomic_store(&av_loaded, true);
}

/* Fills the function table on first use, once per process whatever the threads. False (with
   CT_AV.WHY) when the library is not there. */
static bool load(void)
{
    pthread_once(&av_once, load_once);
    return ct_av.lib != NULL;
}

bool ct_avformat_loaded(void)
{
    return atomic_load(&av_loaded);
}

chaptag_status ct_avformat_fail(chaptag_error *err, int code, const char *what)
{
    char reason[128] = "unknown error";
    ct_av.strerror(code, reason, sizeof reason);
    return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%s: %s (libavformat)", what, reason);
}

static bool av_sniff(ct_file *f, const uint8_t *head, size_t n)
{
    (void)f;
    (void)head;
    (void)n;
    return true; /* the last backend: whatever the native ones do not recognise */
}

chaptag_status ct_avformat_open_input(const char *path, AVFormatContext **ic,
                                      chaptag_error *err)
{
    if (!load())
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%s", ct_av.why);
    *ic = NULL;
    int rc = ct_av.open_input(ic, path, NULL, NULL);
    if (rc < 0)
        return ct_avformat_fail(err, rc, "cannot open the file");
    rc = ct_av.find_stream_info(*ic, NULL);
    if (rc < 0) {
        ct_av.close_input(ic);
        return ct_avformat_fail(err, rc, "cannot read the streams");
    }
    bool audio = false;
    for (unsigned i = 0; i < (*ic)->nb_streams; i++)
        audio |= (*ic)->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
    if (!audio) {
        ct_av.close_input(ic);
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the file has no audio stream");
    }
    return CHAPTAG_OK;
}

/* A time in TB units as milliseconds (negative times are 0). */
static uint64_t to_ms(int64_t t, AVRational tb)
{
    if (t <= 0 || tb.den <= 0 || tb.num <= 0)
        return 0;
    if (t <= INT64_MAX / 1000 / tb.num)
        return (uint64_t)(t * tb.num * 1000 / tb.den);
    return (uint64_t)((double)t * tb.num * 1000.0 / tb.den); /* past 2^53 ms: nobody's file */
}

void ct_avformat_fill_info(const AVFormatContext *ic, chaptag_file_info *info, uint64_t size)
{
    memset(info, 0, sizeof *info);
    snprintf(info->container, sizeof info->container, "%s", ic->iformat->name);
    snprintf(info->tag, sizeof info->tag, "read by libavformat");
    snprintf(info->flavours, sizeof info->flavours, ic->nb_chapters ? "%s chapters" : "none",
             ic->iformat->name);
    info->duration_ms = ic->duration > 0 ? (uint64_t)ic->duration / 1000 : 0;
    snprintf(info->duration_source, sizeof info->duration_source, "libavformat");
    info->file_size = size;
}

/* The standard tags from libavformat's metadata (the container's, else the audio stream's). */
static chaptag_status tags_from_metadata(const AVFormatContext *ic, chaptag_chapters *list,
                                         chaptag_error *err)
{
    static const char *const keys[][2] = {{"title", "title"}, {"artist", "artist"},
                                          {"album", "album"}, {"date", "year"}};
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && st == CHAPTAG_OK; i++) {
        const AVDictionaryEntry *e = ct_av.dict_get(ic->metadata, keys[i][0], NULL, 0);
        for (unsigned k = 0; e == NULL && k < ic->nb_streams; k++)
            if (ic->streams[k]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO)
                e = ct_av.dict_get(ic->streams[k]->metadata, keys[i][0], NULL, 0);
        if (e == NULL || e->value[0] == '\0')
            continue;
        char year[5];
        const char *v = e->value;
        if (strcmp(keys[i][1], "year") == 0) { /* a date: the year is what players show */
            snprintf(year, sizeof year, "%s", e->value);
            v = year;
        }
        st = chaptag_chapters_set_meta(list, keys[i][1], v, err);
    }
    return st;
}

chaptag_status ct_avformat_read_chapters(const AVFormatContext *ic, chaptag_chapters *list,
                                         chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    for (unsigned i = 0; i < ic->nb_chapters && st == CHAPTAG_OK; i++) {
        const AVChapter *c = ic->chapters[i];
        const AVDictionaryEntry *t = ct_av.dict_get(c->metadata, "title", NULL, 0);
        chaptag_chapter ch = {0};
        ch.start_ms = to_ms(c->start, c->time_base);
        ch.end_ms = c->end > c->start ? to_ms(c->end, c->time_base) : CHAPTAG_TIME_NONE;
        ch.title = t ? t->value : "";
        st = chaptag_chapters_add(list, &ch, err);
    }
    return st;
}

/* ADIF, the other raw AAC, which FFmpeg 5.1 cannot even read: *ADIF says whether F is one. */
static chaptag_status sniff_adif(ct_file *f, bool *adif, chaptag_error *err)
{
    uint8_t h[4];
    size_t got;
    chaptag_status st = ct_file_read(f, 0, h, sizeof h, &got, err);
    *adif = st == CHAPTAG_OK && got == sizeof h && memcmp(h, "ADIF", 4) == 0;
    return st;
}

/* A file opened through libavformat: its context, opened once for every later call. ADIF,
   which FFmpeg 5.1 cannot open, has none; its calls say what each would have. */
typedef struct {
    ct_file *f;
    const char *path;
    AVFormatContext *ic; /* NULL for ADIF */
} av_state;

static void av_close(void *state)
{
    av_state *s = state;
    if (s == NULL)
        return;
    if (s->ic != NULL)
        ct_av.close_input(&s->ic);
    free(s);
}

static chaptag_status av_open(ct_file *f, const char *path, void **state, chaptag_error *err)
{
    av_state *s = ct_calloc(1, sizeof *s);
    if (s == NULL)
        return ct_fail_nomem(err);
    s->f = f;
    s->path = path;
    bool adif;
    chaptag_status st = sniff_adif(f, &adif, err);
    if (st == CHAPTAG_OK && !adif)
        st = ct_avformat_open_input(path, &s->ic, err);
    if (st != CHAPTAG_OK) {
        av_close(s);
        return st;
    }
    *state = s;
    return CHAPTAG_OK;
}

static uint64_t av_duration(void *state)
{
    const av_state *s = state;
    return s->ic != NULL && s->ic->duration > 0 ? (uint64_t)s->ic->duration / 1000
                                                 : CHAPTAG_TIME_NONE;
}

static chaptag_status av_read(void *state, chaptag_chapters *list, chaptag_file_info *info,
                              chaptag_error *err)
{
    av_state *s = state;
    AVFormatContext *ic;
    if (s->ic == NULL) /* ADIF: libavformat's own word on it */
        return ct_avformat_open_input(s->path, &ic, err);
    chaptag_status st = ct_avformat_read_chapters(s->ic, list, err);
    ct_avformat_fill_info(s->ic, info, ct_file_size(s->f));
    chaptag_error ignored;
    /* TagLib gives the standard tags; where it cannot read the container (TagLib 1.x has no
       Matroska), libavformat's own reading of them stands in */
    if (st == CHAPTAG_OK && ct_taglib_tags(s->path, list, &ignored) != CHAPTAG_OK)
        st = tags_from_metadata(s->ic, list, err);
    return st;
}

/* True when IC holds exactly LIST: the same starts and titles, and the ends LIST gives. */
static bool holds_already(const AVFormatContext *ic, const chaptag_chapters *list,
                          uint64_t duration_ms)
{
    chaptag_chapters *have = chaptag_chapters_new();
    char why[8];
    bool same = have != NULL && ct_avformat_read_chapters(ic, have, NULL) == CHAPTAG_OK &&
                ct_chapters_match(list, have, SIZE_MAX, why, sizeof why);
    for (size_t i = 0; same && i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        same = ch->end_ms == CHAPTAG_TIME_NONE ||
               chaptag_chapters_end(have, i, duration_ms) == ch->end_ms;
    }
    chaptag_chapters_free(have);
    return same;
}

static chaptag_status av_write(void *state, const chaptag_chapters *list,
                               const chaptag_embed_opts *opts, struct chaptag_report *rep,
                               chaptag_error *err)
{
    av_state *s = state;
    if (s->ic == NULL) { /* ADIF: no chapters to remove; none can go in */
        snprintf(rep->what, sizeof rep->what, "raw AAC (ADIF)");
        return list == NULL ? CHAPTAG_OK
                            : ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "raw AAC (ADIF): FFmpeg 5.1 "
                                      "cannot read it, and raw AAC holds no chapters; convert "
                                      "it to an M4A");
    }
    AVFormatContext *ic = s->ic;
    chaptag_status st = CHAPTAG_OK;
    ct_avformat_fill_info(ic, &rep->info, ct_file_size(s->f));
    uint64_t duration = opts->duration_ms != CHAPTAG_TIME_NONE ? opts->duration_ms
                                                               : rep->info.duration_ms;
    size_t n = list ? chaptag_chapters_count(list) : 0;
    snprintf(rep->what, sizeof rep->what, "%s", ic->iformat->name);
    /* a strip with nothing to remove, or the very chapters the file holds: a remux would
       only change bytes (FFmpeg 5.1 gives Matroska new UIDs each time), so nothing is done */
    bool nothing = list == NULL ? ic->nb_chapters == 0 : holds_already(ic, list, duration);
    const char *target = opts->output ? opts->output : s->path;
    const AVOutputFormat *of = NULL;
    if (!nothing && (of = ct_avformat_output_format(ic, target, !opts->output)) == NULL)
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "libavformat cannot write %s files",
                     ic->iformat->name);
    const char *label = of ? ct_avformat_container_label(ic, of) : ic->iformat->name;
    if (st == CHAPTAG_OK && !nothing)
        st = ct_avformat_check_remux(ic, of, label, list != NULL, err);
    if (st == CHAPTAG_OK)
        ct_buf_printf(&rep->plan, "%s: every stream copied by libavformat into a new file, "
                      "%zu chapters\n", ic->iformat->name, n);
    if (st == CHAPTAG_OK && !opts->dry_run && !nothing) {
        st = ct_avformat_write_proven(s->f, ic, of, target, list, duration, label, err);
        if (st == CHAPTAG_OK) {
            rep->kind = CHAPTAG_WROTE_FILE;
            struct stat sb;
            rep->bytes_written = stat(target, &sb) == 0 ? (uint64_t)sb.st_size : 0;
        }
    }
    return st;
}

const ct_backend ct_backend_avformat = {"libavformat", av_sniff, av_open, av_duration, av_read,
                                        NULL, av_write, NULL, av_close, NULL};

#endif /* CHAPTAG_HAVE_FFMPEG */
