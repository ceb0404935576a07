/* Containers without a native backend (Matroska/WebM/MKA, Ogg Vorbis and Opus, FLAC, ...)
   through FFmpeg's libavformat, opened with dlopen on first use: linking it would make every
   run of chaptag start about 30 ms slower and 16 MB bigger, which would dwarf an MP3 or MP4
   edit that never needs it. Reading: chapters, duration and container name. Writing: a
   stream-copy remux with the new chapters into a temporary file (fileio's), then rename;
   libavformat puts the chapters where each container keeps them (Matroska Chapters,
   VorbisComment CHAPTERxxx keys in Ogg and FLAC). */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavformat/avformat.h>

#include "backend.h"
#include "taglib.h"

/* libavformat's functions, and libavcodec's and libavutil's that come with it. */
static struct {
    bool tried;
    void *lib;
    char why[200];
    int (*open_input)(AVFormatContext **, const char *, const AVInputFormat *, AVDictionary **);
    int (*find_stream_info)(AVFormatContext *, AVDictionary **);
    void (*close_input)(AVFormatContext **);
    int (*alloc_output)(AVFormatContext **, const AVOutputFormat *, const char *, const char *);
    void (*free_context)(AVFormatContext *);
    AVStream *(*new_stream)(AVFormatContext *, const AVCodec *);
    int (*copy_parameters)(AVCodecParameters *, const AVCodecParameters *);
    int (*write_header)(AVFormatContext *, AVDictionary **);
    int (*read_frame)(AVFormatContext *, AVPacket *);
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
} av;

/* Fills the function table once. False (with AV.WHY) when the library is not there. */
static bool load(void)
{
    if (av.tried)
        return av.lib != NULL;
    av.tried = true;
    static const char *const names[] = {"libavformat.so.59", "libavformat.so.60",
                                        "libavformat.so.61", "libavformat.so"};
    /* CHAPTAG_LIBAVFORMAT names the library instead (an FFmpeg built elsewhere) */
    const char *chosen = getenv("CHAPTAG_LIBAVFORMAT");
    for (size_t i = 0; chosen == NULL && i < sizeof names / sizeof names[0] && av.lib == NULL; i++)
        av.lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (chosen != NULL)
        av.lib = dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
    if (av.lib == NULL) {
        snprintf(av.why, sizeof av.why, "libavformat is not installed (Debian: apt-get install "
                 "libavformat59); chaptag reads and writes MP3 and MP4 without it");
        return false;
    }
    static const struct {
        void **slot;
        const char *name;
    } syms[] = {
        {(void **)&av.open_input, "avformat_open_input"},
        {(void **)&av.find_stream_info, "avformat_find_stream_info"},
        {(void **)&av.close_input, "avformat_close_input"},
        {(void **)&av.alloc_output, "avformat_alloc_output_context2"},
        {(void **)&av.free_context, "avformat_free_context"},
        {(void **)&av.new_stream, "avformat_new_stream"},
        {(void **)&av.copy_parameters, "avcodec_parameters_copy"},
        {(void **)&av.write_header, "avformat_write_header"},
        {(void **)&av.read_frame, "av_read_frame"},
        {(void **)&av.write_frame, "av_interleaved_write_frame"},
        {(void **)&av.write_trailer, "av_write_trailer"},
        {(void **)&av.packet_alloc, "av_packet_alloc"},
        {(void **)&av.packet_free, "av_packet_free"},
        {(void **)&av.packet_unref, "av_packet_unref"},
        {(void **)&av.rescale_ts, "av_packet_rescale_ts"},
        {(void **)&av.dict_get, "av_dict_get"},
        {(void **)&av.dict_set, "av_dict_set"},
        {(void **)&av.dict_copy, "av_dict_copy"},
        {(void **)&av.mallocz, "av_mallocz"},
        {(void **)&av.malloc, "av_malloc"},
        {(void **)&av.free, "av_free"},
        {(void **)&av.strerror, "av_strerror"},
        {(void **)&av.io_alloc, "avio_alloc_context"},
        {(void **)&av.io_free, "avio_context_free"},
        {(void **)&av.io_flush, "avio_flush"},
        {(void **)&av.guess_format, "av_guess_format"},
        {(void **)&av.log_level, "av_log_set_level"},
    };
    for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
        *syms[i].slot = dlsym(av.lib, syms[i].name);
        if (*syms[i].slot == NULL) {
            snprintf(av.why, sizeof av.why, "the installed libavformat lacks %s", syms[i].name);
            dlclose(av.lib);
            av.lib = NULL;
            return false;
        }
    }
    av.log_level(AV_LOG_QUIET); /* failures come back as codes; chaptag words them */
    return true;
}

bool ct_avformat_loaded(void)
{
    return av.lib != NULL;
}

/* CHAPTAG_ERR_AUDIO with libavformat's reason for CODE. */
static chaptag_status fail_av(chaptag_error *err, int code, const char *what)
{
    char reason[128] = "unknown error";
    av.strerror(code, reason, sizeof reason);
    return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%s: %s (libavformat)", what, reason);
}

static bool av_sniff(ct_file *f, const uint8_t *head, size_t n)
{
    (void)f;
    (void)head;
    (void)n;
    return true; /* the last backend: whatever the native ones do not recognise */
}

/* Opens PATH for reading with its stream information. */
static chaptag_status open_input(const char *path, AVFormatContext **ic, chaptag_error *err)
{
    if (!load())
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "not MP3 or MP4, and %s", av.why);
    *ic = NULL;
    int rc = av.open_input(ic, path, NULL, NULL);
    if (rc < 0)
        return fail_av(err, rc, "cannot open the file");
    rc = av.find_stream_info(*ic, NULL);
    if (rc < 0) {
        av.close_input(ic);
        return fail_av(err, rc, "cannot read the streams");
    }
    bool audio = false;
    for (unsigned i = 0; i < (*ic)->nb_streams; i++)
        audio |= (*ic)->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
    if (!audio) {
        av.close_input(ic);
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

static void fill_info(const AVFormatContext *ic, chaptag_file_info *info, uint64_t size)
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
        const AVDictionaryEntry *e = av.dict_get(ic->metadata, keys[i][0], NULL, 0);
        for (unsigned k = 0; e == NULL && k < ic->nb_streams; k++)
            if (ic->streams[k]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO)
                e = av.dict_get(ic->streams[k]->metadata, keys[i][0], NULL, 0);
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

static chaptag_status av_read(ct_file *f, const char *path, chaptag_chapters *list,
                              chaptag_file_info *info, chaptag_error *err)
{
    AVFormatContext *ic;
    chaptag_status st = open_input(path, &ic, err);
    if (st != CHAPTAG_OK)
        return st;
    for (unsigned i = 0; i < ic->nb_chapters && st == CHAPTAG_OK; i++) {
        const AVChapter *c = ic->chapters[i];
        const AVDictionaryEntry *t = av.dict_get(c->metadata, "title", NULL, 0);
        chaptag_chapter ch = {0};
        ch.start_ms = to_ms(c->start, c->time_base);
        ch.end_ms = c->end > c->start ? to_ms(c->end, c->time_base) : CHAPTAG_TIME_NONE;
        ch.title = t ? t->value : "";
        st = chaptag_chapters_add(list, &ch, err);
    }
    fill_info(ic, info, ct_file_size(f));
    chaptag_error ignored;
    /* TagLib gives the standard tags; where it cannot read the container (TagLib 1.x has no
       Matroska), libavformat's own reading of them stands in */
    if (st == CHAPTAG_OK && ct_taglib_tags(path, list, &ignored) != CHAPTAG_OK)
        st = tags_from_metadata(ic, list, err);
    av.close_input(&ic);
    return st;
}

/* Writes for libavformat into our temporary file. */
typedef struct {
    int fd;
    int64_t pos, size;
    int errnum; /* errno of a failed write, 0 if none */
} sink;

static int sink_write(void *opaque, uint8_t *buf, int n)
{
    sink *s = opaque;
    for (int done = 0; done < n;) {
        ssize_t w = pwrite(s->fd, buf + done, (size_t)(n - done), (off_t)(s->pos + done));
        if (w <= 0) {
            s->errnum = w < 0 ? errno : EIO;
            return AVERROR(s->errnum);
        }
        done += (int)w;
    }
    s->pos += n;
    s->size = s->pos > s->size ? s->pos : s->size;
    return n;
}

static int64_t sink_seek(void *opaque, int64_t off, int whence)
{
    sink *s = opaque;
    switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE: return s->size;
    case SEEK_SET: s->pos = off; break;
    case SEEK_CUR: s->pos += off; break;
    case SEEK_END: s->pos = s->size + off; break;
    default: return AVERROR(EINVAL);
    }
    return s->pos;
}

/* The output format for TARGET: by its name, else the input's own. */
static const AVOutputFormat *output_format(const AVFormatContext *ic, const char *target)
{
    const AVOutputFormat *of = av.guess_format(NULL, target, NULL);
    if (of != NULL)
        return of;
    static const char *const by_input[][2] = {{"matroska,webm", "matroska"}, {"ogg", "ogg"},
                                              {"flac", "flac"}, {"wav", "wav"}};
    for (size_t i = 0; i < sizeof by_input / sizeof by_input[0]; i++)
        if (strcmp(ic->iformat->name, by_input[i][0]) == 0)
            return av.guess_format(by_input[i][1], NULL, NULL);
    return NULL;
}

/* Gives OC the chapters of LIST (NULL: none), in milliseconds. */
static chaptag_status set_chapters(AVFormatContext *oc, const chaptag_chapters *list,
                                   uint64_t duration_ms, chaptag_error *err)
{
    size_t n = list ? chaptag_chapters_count(list) : 0;
    if (n == 0)
        return CHAPTAG_OK;
    oc->chapters = av.mallocz(n * sizeof *oc->chapters);
    if (oc->chapters == NULL)
        return ct_fail_nomem(err);
    for (size_t i = 0; i < n; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        AVChapter *c = av.mallocz(sizeof *c);
        if (c == NULL)
            return ct_fail_nomem(err);
        oc->chapters[oc->nb_chapters++] = c; /* freed with OC from here on */
        c->id = (int64_t)i;
        c->time_base = (AVRational){1, 1000};
        c->start = (int64_t)ch->start_ms;
        c->end = (int64_t)chaptag_chapters_end(list, i, duration_ms);
        if (av.dict_set(&c->metadata, "title", ch->title, 0) < 0)
            return ct_fail_nomem(err);
    }
    return CHAPTAG_OK;
}

/* FFmpeg's FLAC muxer writes no chapters; its demuxer reads VorbisComment CHAPTERxxx keys as
   chapters (the Xiph chapter extension), so FLAC gets those keys, numbered from 000 as
   FFmpeg's Ogg muxer numbers them. */
static chaptag_status set_chapter_keys(AVFormatContext *oc, const chaptag_chapters *list,
                                       chaptag_error *err)
{
    size_t n = list ? chaptag_chapters_count(list) : 0;
    for (size_t i = 0; i < n && i < 1000; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        char key[32], value[CT_TIME_STR_MAX];
        snprintf(key, sizeof key, "CHAPTER%03zu", i);
        if (av.dict_set(&oc->metadata, key, ct_time_str_ms(ch->start_ms, value), 0) < 0)
            return ct_fail_nomem(err);
        snprintf(key, sizeof key, "CHAPTER%03zuNAME", i);
        if (av.dict_set(&oc->metadata, key, ch->title, 0) < 0)
            return ct_fail_nomem(err);
    }
    if (n > 1000)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "FLAC chapter keys go up to 999 chapters");
    return CHAPTAG_OK;
}

/* Copies every stream and the tags of IC to OC. */
static chaptag_status copy_streams(const AVFormatContext *ic, AVFormatContext *oc,
                                   chaptag_error *err)
{
    for (unsigned i = 0; i < ic->nb_streams; i++) {
        const AVStream *is = ic->streams[i];
        AVStream *os = av.new_stream(oc, NULL);
        if (os == NULL || av.copy_parameters(os->codecpar, is->codecpar) < 0)
            return ct_fail_nomem(err);
        os->codecpar->codec_tag = 0;
        os->time_base = is->time_base;
        os->disposition = is->disposition;
        av.dict_copy(&os->metadata, is->metadata, 0);
    }
    av.dict_copy(&oc->metadata, ic->metadata, 0);
    return CHAPTAG_OK;
}

/* Copies every packet of IC to OC, untouched but for their time base. */
static chaptag_status copy_packets(AVFormatContext *ic, AVFormatContext *oc, chaptag_error *err)
{
    AVPacket *pkt = av.packet_alloc();
    if (pkt == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = CHAPTAG_OK;
    int rc;
    while ((rc = av.read_frame(ic, pkt)) >= 0) {
        const AVStream *is = ic->streams[pkt->stream_index];
        av.rescale_ts(pkt, is->time_base, oc->streams[pkt->stream_index]->time_base);
        pkt->pos = -1;
        rc = av.write_frame(oc, pkt);
        if (rc < 0) {
            st = fail_av(err, rc, "cannot write a packet");
            break;
        }
    }
    if (st == CHAPTAG_OK && rc != AVERROR_EOF)
        st = fail_av(err, rc, "cannot read a packet");
    av.packet_free(&pkt);
    return st;
}

/* Remuxes IC with LIST's chapters into the temporary file at FD. */
static chaptag_status remux(AVFormatContext *ic, const char *target, int fd,
                            const chaptag_chapters *list, uint64_t duration_ms, int *io_errno,
                            chaptag_error *err)
{
    const AVOutputFormat *of = output_format(ic, target);
    if (of == NULL)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "libavformat cannot write %s files",
                       ic->iformat->name);
    AVFormatContext *oc = NULL;
    int rc = av.alloc_output(&oc, of, NULL, NULL);
    if (rc < 0)
        return fail_av(err, rc, "cannot start the new file");
    sink s = {fd, 0, 0, 0};
    unsigned char *buf = av.malloc(1 << 16);
    oc->pb = buf ? av.io_alloc(buf, 1 << 16, 1, &s, NULL, sink_write, sink_seek) : NULL;
    chaptag_status st = oc->pb ? CHAPTAG_OK : ct_fail_nomem(err);
    oc->flags |= AVFMT_FLAG_CUSTOM_IO;
    /* the chapter keys go first: FFmpeg 5.1 replaces a tag (the muxer's own "encoder") by
       moving the last one into its place, which must not put a NAME before its CHAPTER */
    if (st == CHAPTAG_OK && strcmp(of->name, "flac") == 0)
        st = set_chapter_keys(oc, list, err);
    else if (st == CHAPTAG_OK)
        st = set_chapters(oc, list, duration_ms, err);
    if (st == CHAPTAG_OK)
        st = copy_streams(ic, oc, err);
    if (st == CHAPTAG_OK && (rc = av.write_header(oc, NULL)) < 0)
        st = fail_av(err, rc, "cannot write the new file's header");
    if (st == CHAPTAG_OK)
        st = copy_packets(ic, oc, err);
    if (st == CHAPTAG_OK && (rc = av.write_trailer(oc)) < 0)
        st = fail_av(err, rc, "cannot finish the new file");
    if (oc->pb != NULL) {
        av.io_flush(oc->pb);
        av.free(oc->pb->buffer);
        av.io_free(&oc->pb);
    } else {
        av.free(buf);
    }
    av.free_context(oc);
    *io_errno = s.errnum;
    return st;
}

static chaptag_status av_write(ct_file *f, const char *path, const chaptag_chapters *list,
                               const chaptag_embed_opts *opts, struct chaptag_report *rep,
                               chaptag_error *err)
{
    AVFormatContext *ic;
    chaptag_status st = open_input(path, &ic, err);
    if (st != CHAPTAG_OK)
        return st;
    fill_info(ic, &rep->info, ct_file_size(f));
    uint64_t duration = opts->duration_ms != CHAPTAG_TIME_NONE ? opts->duration_ms
                                                               : rep->info.duration_ms;
    if (list != NULL)
        st = chaptag_chapters_validate(list, duration ? duration : CHAPTAG_TIME_NONE, err);
    size_t n = list ? chaptag_chapters_count(list) : 0;
    snprintf(rep->what, sizeof rep->what, "%s", ic->iformat->name);
    if (st == CHAPTAG_OK)
        ct_buf_printf(&rep->plan, "%s: every stream copied by libavformat into a new file, "
                      "%zu chapters\n", ic->iformat->name, n);
    bool nothing = list == NULL && ic->nb_chapters == 0;
    if (st == CHAPTAG_OK && !opts->dry_run && !nothing) {
        ct_tmpfile *t = NULL;
        int fd, io_errno = 0;
        const char *target = opts->output ? opts->output : path;
        st = ct_tmp_open(target, &t, &fd, err);
        if (st == CHAPTAG_OK)
            st = remux(ic, target, fd, list, duration, &io_errno, err);
        if (st != CHAPTAG_OK && io_errno != 0) {
            errno = io_errno; /* a full disk is an I/O error, not a damaged file */
            st = ct_fail_errno(err, "cannot write the new file");
        }
        if (st == CHAPTAG_OK)
            st = ct_tmp_commit(t, f, err);
        else
            ct_tmp_abort(t);
        if (st == CHAPTAG_OK) {
            rep->kind = CHAPTAG_WROTE_FILE;
            struct stat sb;
            rep->bytes_written = stat(target, &sb) == 0 ? (uint64_t)sb.st_size : 0;
        }
    }
    av.close_input(&ic);
    return st;
}

const ct_backend ct_backend_avformat = {"libavformat", av_sniff, av_read, NULL, av_write, NULL};
