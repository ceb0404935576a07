/* Containers without a native backend (Matroska/WebM/MKA, Ogg Opus, FLAC, ...) through
   FFmpeg's libavformat, opened with dlopen on first use: linking it would make every run of
   chaptag start about 30 ms slower and 16 MB bigger, which would dwarf an MP3 or MP4 edit that
   never needs it. Reading: chapters, duration and container name. Writing: a bit-exact
   stream-copy remux with the new chapters into a temporary file (fileio's), read back through
   libavformat before it replaces the original. Matroska gets Chapters; FLAC and Ogg Opus get
   VorbisComment CHAPTERxxx keys written by us (the Xiph chapter extension, which FFmpeg's
   demuxers read as chapters). What FFmpeg 5.1 cannot write (chapters in WAV, AIFF, raw
   streams, Ogg Vorbis and Ogg FLAC; cover art in Ogg; FLAC CUESHEET and APPLICATION blocks;
   RIFF chunks) is refused before anything is written. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
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
    const char *(*codec_name)(enum AVCodecID);
    int (*query_codec)(const AVOutputFormat *, enum AVCodecID, int); /* NULL if missing */
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
        {(void **)&av.codec_name, "avcodec_get_name"},
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
    *(void **)&av.query_codec = dlsym(av.lib, "avformat_query_codec"); /* optional */
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

/* Adds the chapters of IC to LIST. */
static chaptag_status read_chapters(const AVFormatContext *ic, chaptag_chapters *list,
                                    chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    for (unsigned i = 0; i < ic->nb_chapters && st == CHAPTAG_OK; i++) {
        const AVChapter *c = ic->chapters[i];
        const AVDictionaryEntry *t = av.dict_get(c->metadata, "title", NULL, 0);
        chaptag_chapter ch = {0};
        ch.start_ms = to_ms(c->start, c->time_base);
        ch.end_ms = c->end > c->start ? to_ms(c->end, c->time_base) : CHAPTAG_TIME_NONE;
        ch.title = t ? t->value : "";
        st = chaptag_chapters_add(list, &ch, err);
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
    st = read_chapters(ic, list, err);
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

/* ---- which muxer, and what it cannot do ------------------------------------------------ */

/* The muxer that writes what each demuxer reads (demuxer name, muxer name). */
static const char *const muxer_for[][2] = {
    {"matroska,webm", "matroska"}, {"ogg", "ogg"}, {"flac", "flac"}, {"wav", "wav"},
    {"w64", "w64"}, {"aiff", "aiff"}, {"caf", "caf"}, {"au", "au"}, {"wv", "wv"},
    {"tta", "tta"}, {"voc", "voc"}, {"aac", "adts"}, {"loas", "latm"}, {"ac3", "ac3"},
    {"eac3", "eac3"}, {"dts", "dts"}, {"dtshd", "dts"}, {"truehd", "truehd"}, {"mlp", "mlp"},
    {"mp3", "mp3"}, {"amr", "amr"}, {"amrnb", "amr"}, {"amrwb", "amr"}, {"gsm", "gsm"},
    {"g722", "g722"}, {"g723_1", "g723_1"}, {"sbc", "sbc"},
};

static bool is_ogg(const AVOutputFormat *of)
{
    static const char *const names[] = {"ogg", "oga", "opus", "spx", "ogv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(of->name, names[i]) == 0)
            return true;
    return false;
}

/* True when the muxer OF writes what the demuxer DEMUXER reads ("matroska,webm" and "webm"). */
static bool same_family(const char *demuxer, const AVOutputFormat *of)
{
    size_t len = strlen(of->name);
    for (const char *p = demuxer; p != NULL; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (strncmp(p, of->name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
            return true;
    for (size_t i = 0; i < sizeof muxer_for / sizeof muxer_for[0]; i++)
        if (strcmp(demuxer, muxer_for[i][0]) == 0 && strcmp(of->name, muxer_for[i][1]) == 0)
            return true;
    return strcmp(demuxer, "ogg") == 0 && is_ogg(of);
}

/* The output format for TARGET: by its name (in place only when it names the container the
   file already is, so a misnamed file keeps its container), else the input's own. */
static const AVOutputFormat *output_format(const AVFormatContext *ic, const char *target,
                                           bool in_place)
{
    const AVOutputFormat *of = av.guess_format(NULL, target, NULL);
    if (of != NULL && (!in_place || same_family(ic->iformat->name, of)))
        return of;
    for (size_t i = 0; i < sizeof muxer_for / sizeof muxer_for[0]; i++)
        if (strcmp(ic->iformat->name, muxer_for[i][0]) == 0)
            return av.guess_format(muxer_for[i][1], NULL, NULL);
    char first[32];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(ic->iformat->name, ","),
             ic->iformat->name);
    const AVOutputFormat *own = av.guess_format(first, NULL, NULL);
    return own != NULL ? own : of;
}

/* Muxers of FFmpeg 5.1 that write no chapters: RAW ones get the advice to use an M4A, PLANNED
   ones will get a native writer. */
static const struct {
    const char *muxer, *label;
    bool raw, planned;
} no_chapters[] = {
    {"wav", "WAV", false, true},        {"w64", "W64", false, false},
    {"aiff", "AIFF", false, false},     {"caf", "CAF", false, false},
    {"au", "Sun AU", false, false},     {"wv", "WavPack", false, false},
    {"tta", "TTA", false, false},       {"voc", "VOC", false, false},
    {"adts", "raw AAC (ADTS)", true, false}, {"latm", "raw AAC (LATM)", true, false},
    {"ac3", "raw AC-3", true, false},   {"eac3", "raw E-AC-3", true, false},
    {"dts", "raw DTS", true, false},    {"truehd", "raw TrueHD", true, false},
    {"mlp", "raw MLP", true, false},    {"mp2", "raw MPEG audio", true, false},
    {"mp3", "raw MPEG audio", true, false}, {"amr", "raw AMR", true, false},
    {"gsm", "raw GSM", true, false},    {"g722", "raw G.722", true, false},
    {"g723_1", "raw G.723.1", true, false}, {"sbc", "raw SBC", true, false},
};

/* The first audio stream of IC whose codec is not Opus (Ogg: FFmpeg 5.1 writes no chapters for
   Vorbis, FLAC or Speex in Ogg); NULL when every one is Opus. */
static const AVStream *ogg_without_chapters(const AVFormatContext *ic)
{
    for (unsigned i = 0; i < ic->nb_streams; i++) {
        const AVCodecParameters *p = ic->streams[i]->codecpar;
        if (p->codec_type == AVMEDIA_TYPE_AUDIO && p->codec_id != AV_CODEC_ID_OPUS)
            return ic->streams[i];
    }
    return NULL;
}

/* What users call the container OF writes with IC's streams: "Opus", "Ogg Vorbis", "WAV". */
static const char *container_label(const AVFormatContext *ic, const AVOutputFormat *of)
{
    if (is_ogg(of)) {
        const AVStream *st = ogg_without_chapters(ic);
        enum AVCodecID id = st ? st->codecpar->codec_id : AV_CODEC_ID_OPUS;
        return id == AV_CODEC_ID_OPUS     ? "Opus"
               : id == AV_CODEC_ID_VORBIS ? "Ogg Vorbis"
               : id == AV_CODEC_ID_FLAC   ? "Ogg FLAC"
               : id == AV_CODEC_ID_SPEEX  ? "Ogg Speex"
                                          : "Ogg";
    }
    for (size_t i = 0; i < sizeof no_chapters / sizeof no_chapters[0]; i++)
        if (strcmp(of->name, no_chapters[i].muxer) == 0)
            return no_chapters[i].label;
    static const char *const labels[][2] = {{"matroska", "Matroska"}, {"webm", "WebM"},
                                            {"flac", "FLAC"}};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(of->name, labels[i][0]) == 0)
            return labels[i][1];
    return of->name;
}

/* Refuses, for an embed, a container FFmpeg 5.1 writes no chapters into (LOST: what a remux
   would drop besides, "" if nothing). */
static chaptag_status refuse_container(const AVFormatContext *ic, const AVOutputFormat *of,
                                       const char *label, const char *lost, chaptag_error *err)
{
    bool raw = false, planned = is_ogg(of), refused = is_ogg(of) && ogg_without_chapters(ic);
    for (size_t i = 0; i < sizeof no_chapters / sizeof no_chapters[0] && !refused; i++) {
        refused = strcmp(of->name, no_chapters[i].muxer) == 0;
        raw = no_chapters[i].raw;
        planned = no_chapters[i].planned;
    }
    if (!refused)
        return CHAPTAG_OK;
    char also[96] = "";
    if (lost[0] != '\0')
        snprintf(also, sizeof also, " (a remux would also drop its %s)", lost);
    return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%s: FFmpeg 5.1 writes no chapters for it%s%s",
                   label, also,
                   raw       ? "; put it in an M4A (ffmpeg -i IN -c copy OUT.m4a)"
                   : planned ? "; a native writer is planned"
                             : "");
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Appends NAME to the comma-separated list LOST (N bytes) unless it is there. */
static void add_lost(char *lost, size_t n, const char *name)
{
    if (strstr(lost, name) != NULL)
        return;
    size_t len = strlen(lost);
    snprintf(lost + len, n - len, "%s%s", len ? ", " : "", name);
}

/* Names in LOST (N bytes) the chunks of the RIFF/RF64 WAVE file F that a remux by libavformat
   drops (bext, iXML, cue, LIST, id3, _PMX, ...: everything but the audio and its format), and
   an RF64 header that TO_WAV would turn into RIFF. Nothing for other files. */
static chaptag_status riff_losses(ct_file *f, bool to_wav, char *lost, size_t n,
                                  chaptag_error *err)
{
    static const char *const kept[] = {"fmt ", "data", "fact", "JUNK", "junk", "PAD ", "ds64"};
    uint8_t h[12], c[24];
    size_t got;
    chaptag_status st = ct_file_read(f, 0, h, sizeof h, &got, err);
    if (st != CHAPTAG_OK || got < sizeof h || memcmp(h + 8, "WAVE", 4) != 0)
        return st;
    bool rf64 = memcmp(h, "RF64", 4) == 0 || memcmp(h, "BW64", 4) == 0;
    if (!rf64 && memcmp(h, "RIFF", 4) != 0)
        return CHAPTAG_OK;
    uint64_t size = ct_file_size(f), off = 12, data64 = 0;
    for (unsigned k = 0; k < 100000 && size - off >= 8; k++) {
        if ((st = ct_file_read(f, off, c, sizeof c, &got, err)) != CHAPTAG_OK)
            return st;
        uint64_t len = le32(c + 4);
        if (memcmp(c, "ds64", 4) == 0 && got >= 24) /* RIFF size, then data size (64-bit) */
            data64 = le32(c + 16) | (uint64_t)le32(c + 20) << 32;
        if (memcmp(c, "data", 4) == 0 && len == 0xffffffffu)
            len = data64;
        bool keep = false;
        for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
            keep |= memcmp(c, kept[i], 4) == 0;
        if (!keep) {
            char name[16];
            size_t id_len = 4;
            while (id_len > 1 && c[id_len - 1] == ' ') /* "cue ", "id3 " */
                id_len--;
            snprintf(name, sizeof name, "%.*s chunk", (int)id_len, (const char *)c);
            for (size_t i = 0; i < id_len; i++)
                name[i] = name[i] >= ' ' && name[i] < 0x7f ? name[i] : '?';
            add_lost(lost, n, name);
        }
        if (len > size - off - 8)
            break;
        off += 8 + len + (len & 1);
    }
    if (rf64 && to_wav)
        add_lost(lost, n, "RF64 header (it would become RIFF)");
    return CHAPTAG_OK;
}

/* Names in LOST (N bytes) what a remux of the FLAC file F by libavformat drops: an ID3v2 tag
   before it, APPLICATION and CUESHEET blocks, blocks of unknown types; *SEEKTABLE tells
   whether it has a SEEKTABLE (dropped too, but players seek without it). */
static chaptag_status flac_losses(ct_file *f, char *lost, size_t n, bool *seektable,
                                  chaptag_error *err)
{
    uint8_t h[10];
    size_t got;
    uint64_t off = 0;
    chaptag_status st = ct_file_read(f, 0, h, sizeof h, &got, err);
    if (st == CHAPTAG_OK && got == sizeof h && memcmp(h, "ID3", 3) == 0) {
        off = 10 + ((uint64_t)(h[6] & 0x7f) << 21 | (h[7] & 0x7f) << 14 | (h[8] & 0x7f) << 7 |
                    (h[9] & 0x7f)) + (h[5] & 0x10 ? 10 : 0);
        st = ct_file_read(f, off, h, 4, &got, err);
        if (st == CHAPTAG_OK && got == 4 && memcmp(h, "fLaC", 4) == 0)
            add_lost(lost, n, "ID3v2 tag");
    }
    if (st != CHAPTAG_OK || got < 4 || memcmp(h, "fLaC", 4) != 0)
        return st;
    off += 4;
    for (unsigned k = 0; k < 100000; k++) {
        if ((st = ct_file_read(f, off, h, 4, &got, err)) != CHAPTAG_OK || got < 4)
            return st;
        unsigned type = h[0] & 0x7f;
        char name[32];
        snprintf(name, sizeof name, "metadata block of type %u", type);
        if (type == 2 || type == 5)
            add_lost(lost, n, type == 2 ? "APPLICATION block" : "CUESHEET block");
        else if (type == 3)
            *seektable = true;
        else if (type > 6)
            add_lost(lost, n, name);
        off += 4 + ((uint64_t)h[1] << 16 | h[2] << 8 | h[3]);
        if (h[0] & 0x80)
            break;
    }
    return CHAPTAG_OK;
}

/* Refuses a remux of F (read as IC) into OF that would drop what chaptag does not own, or (for
   an EMBED) that FFmpeg 5.1 writes no chapters into; warns in REP of what is lost but
   rebuilt by players. */
static chaptag_status check_remux(ct_file *f, const AVFormatContext *ic,
                                  const AVOutputFormat *of, const char *label, bool embed,
                                  struct chaptag_report *rep, chaptag_error *err)
{
    char lost[128] = "";
    bool seektable = false;
    chaptag_status st = riff_losses(f, strcmp(of->name, "wav") == 0, lost, sizeof lost, err);
    if (st == CHAPTAG_OK)
        st = flac_losses(f, lost, sizeof lost, &seektable, err);
    if (st == CHAPTAG_OK && embed)
        st = refuse_container(ic, of, label, lost, err);
    if (st != CHAPTAG_OK)
        return st;
    if (lost[0] != '\0')
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%s: a remux by libavformat would drop its %s; "
                       "a native writer is planned", label, lost);
    for (unsigned i = 0; i < ic->nb_streams; i++) {
        const AVStream *is = ic->streams[i];
        if (is_ogg(of) && (is->disposition & AV_DISPOSITION_ATTACHED_PIC ||
                           is->codecpar->codec_type == AVMEDIA_TYPE_VIDEO))
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%s: a remux by libavformat would drop its "
                           "cover art (FFmpeg 5.1's Ogg muxer cannot write it); a native writer "
                           "is planned", label);
        if (av.query_codec != NULL &&
            av.query_codec(of, is->codecpar->codec_id, 0 /* normal compliance */) == 0)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%s: a remux by libavformat would drop "
                           "stream %u (%s), which FFmpeg's %s muxer cannot write; a native "
                           "writer is planned", label, i, av.codec_name(is->codecpar->codec_id),
                           of->name);
    }
    if (seektable)
        ct_warn(&rep->warnings, 0, "FLAC: libavformat does not keep the SEEKTABLE block; players "
                "seek without it, and metaflac --add-seekpoint=10s puts one back");
    return CHAPTAG_OK;
}

/* The serial_offset that makes FFmpeg's Ogg muxer (which, bit-exact, numbers stream i
   serial_offset + i) keep the serials the N_STREAMS streams of F have; -1 when their first
   pages do not hold consecutive serials that fit the option (0 to INT_MAX). */
static int64_t ogg_serial_offset(ct_file *f, unsigned n_streams)
{
    uint64_t off = 0;
    uint32_t first = 0;
    for (unsigned k = 0; k < n_streams; k++) {
        uint8_t h[27 + 255];
        size_t got;
        chaptag_error ignored;
        if (ct_file_read(f, off, h, sizeof h, &got, &ignored) != CHAPTAG_OK || got < 27 ||
            memcmp(h, "OggS", 4) != 0 || !(h[5] & 2) || got < 27u + h[26])
            return -1;
        uint32_t serial = le32(h + 14);
        if (k == 0)
            first = serial;
        else if (serial != first + k)
            return -1;
        uint64_t body = 0;
        for (unsigned j = 0; j < h[26]; j++)
            body += h[27 + j];
        off += 27u + h[26] + body;
    }
    return n_streams > 0 && first <= (uint32_t)INT_MAX - n_streams ? (int64_t)first : -1;
}

/* ---- the remux -------------------------------------------------------------------------- */

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

/* Puts LIST (NULL: none) into M as VorbisComment CHAPTERxxx keys (the Xiph chapter
   extension), numbered from 000 as FFmpeg numbers them, times to the millisecond: FFmpeg
   5.1's FLAC muxer writes no chapters, and its Ogg muxer writes Opus chapter times of .500 s
   or more one second late (it rounds the seconds). They go before any other key: FFmpeg 5.1
   removes a tag (the "encoder") by moving the last one into its place, which must not put a
   NAME before its CHAPTER. */
static chaptag_status set_chapter_keys(AVDictionary **m, const chaptag_chapters *list,
                                       const char *label, chaptag_error *err)
{
    size_t n = list ? chaptag_chapters_count(list) : 0;
    if (n > 1000)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "%s: chapter keys go up to 1,000 chapters",
                       label);
    for (size_t i = 0; i < n; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        char key[32], value[CT_TIME_STR_MAX];
        snprintf(key, sizeof key, "CHAPTER%03zu", i);
        if (av.dict_set(m, key, ct_time_str_ms(ch->start_ms, value), 0) < 0)
            return ct_fail_nomem(err);
        snprintf(key, sizeof key, "CHAPTER%03zuNAME", i);
        if (av.dict_set(m, key, ch->title, 0) < 0)
            return ct_fail_nomem(err);
    }
    return CHAPTAG_OK;
}

/* Copies every stream and the tags of IC to OC; stream KEYS_IN (-1: none) gets LIST as
   chapter keys first. */
static chaptag_status copy_streams(const AVFormatContext *ic, AVFormatContext *oc, int keys_in,
                                   const chaptag_chapters *list, const char *label,
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
        if ((int)i == keys_in) {
            chaptag_status st = set_chapter_keys(&os->metadata, list, label, err);
            if (st != CHAPTAG_OK)
                return st;
        }
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

/* Where LIST goes in a remux into OF: FLAC's global tags (-2), the first Opus stream's tags
   (its index), or the container's own chapters (-1). */
static int chapter_keys_in(const AVFormatContext *ic, const AVOutputFormat *of)
{
    if (strcmp(of->name, "flac") == 0)
        return -2;
    for (unsigned i = 0; is_ogg(of) && i < ic->nb_streams; i++)
        if (ic->streams[i]->codecpar->codec_id == AV_CODEC_ID_OPUS)
            return (int)i;
    return -1;
}

/* The remux's setup: muxer options (Ogg serials), chapters, streams, header. */
static chaptag_status start_output(AVFormatContext *ic, AVFormatContext *oc,
                                   const chaptag_chapters *list, uint64_t duration_ms,
                                   int64_t serial_offset, const char *label, chaptag_error *err)
{
    int keys_in = chapter_keys_in(ic, oc->oformat);
    chaptag_status st = CHAPTAG_OK;
    if (keys_in == -2)
        st = set_chapter_keys(&oc->metadata, list, label, err);
    else if (keys_in == -1)
        st = set_chapters(oc, list, duration_ms, err);
    if (st == CHAPTAG_OK)
        st = copy_streams(ic, oc, keys_in, list, label, err);
    AVDictionary *opts = NULL;
    char serial[24];
    snprintf(serial, sizeof serial, "%lld", (long long)serial_offset);
    if (st == CHAPTAG_OK && serial_offset >= 0 &&
        av.dict_set(&opts, "serial_offset", serial, 0) < 0)
        st = ct_fail_nomem(err);
    int rc;
    if (st == CHAPTAG_OK && (rc = av.write_header(oc, &opts)) < 0)
        st = fail_av(err, rc, "cannot write the new file's header");
    av.dict_set(&opts, "serial_offset", NULL, 0); /* frees what the muxer left unused */
    return st;
}

/* Remuxes IC into OF with LIST's chapters into the temporary file at FD, bit-exact (no
   version string, no random IDs: the same input and chapters give the same bytes). */
static chaptag_status remux(AVFormatContext *ic, const AVOutputFormat *of, int fd,
                            const chaptag_chapters *list, uint64_t duration_ms,
                            int64_t serial_offset, const char *label, int *io_errno,
                            chaptag_error *err)
{
    AVFormatContext *oc = NULL;
    int rc = av.alloc_output(&oc, of, NULL, NULL);
    if (rc < 0)
        return fail_av(err, rc, "cannot start the new file");
    sink s = {fd, 0, 0, 0};
    unsigned char *buf = av.malloc(1 << 16);
    oc->pb = buf ? av.io_alloc(buf, 1 << 16, 1, &s, NULL, sink_write, sink_seek) : NULL;
    chaptag_status st = oc->pb ? CHAPTAG_OK : ct_fail_nomem(err);
    oc->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_BITEXACT;
    if (st == CHAPTAG_OK)
        st = start_output(ic, oc, list, duration_ms, serial_offset, label, err);
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

/* ---- the proof -------------------------------------------------------------------------- */

/* Words why GOT (read back) is not WANT (written; WHY says how): a container failing FFmpeg
   5.1 is known for is unsupported audio, anything else an I/O fault or a bug. (FFmpeg 5.1's
   Ogg muxer writes Opus chapters of .500 s or more one second late, and none at all when
   bit-exact; chaptag writes them as keys, but says so should a muxer do it again.) */
static chaptag_status misread(const chaptag_chapters *want, const chaptag_chapters *got,
                              const char *label, const char *why, chaptag_error *err)
{
    size_t n = chaptag_chapters_count(want), m = chaptag_chapters_count(got);
    if (n > 0 && m == 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%s: FFmpeg 5.1 writes no chapters for it",
                       label);
    for (size_t i = 0; i < n && i < m; i++) {
        uint64_t w = chaptag_chapters_get(want, i)->start_ms;
        uint64_t g = chaptag_chapters_get(got, i)->start_ms;
        if (w != g && g == w + 1000 && w % 1000 >= 500)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%s: FFmpeg 5.1 writes chapter times with "
                           ".500 s or more one second late (chapter %zu)", label, i + 1);
        if (w != g)
            break;
    }
    return ct_fail(err, CHAPTAG_ERR_IO, 0, "the new file does not read back as written (%s); "
                   "the original is kept", why);
}

/* Reads the new file at PATH back: IC's streams with the same codecs, and exactly the chapters
   of LIST (none for NULL). */
static chaptag_status prove(const char *path, const AVFormatContext *ic,
                            const chaptag_chapters *list, const char *label, chaptag_error *err)
{
    AVFormatContext *nc = NULL;
    chaptag_error e;
    if (open_input(path, &nc, &e) != CHAPTAG_OK)
        return ct_fail(err, CHAPTAG_ERR_IO, 0, "the new file does not read back (%s); the "
                       "original is kept", e.msg);
    chaptag_chapters *got = chaptag_chapters_new(), *none = chaptag_chapters_new();
    const chaptag_chapters *want = list ? list : none;
    chaptag_status st = got && none ? CHAPTAG_OK : ct_fail_nomem(err);
    if (st == CHAPTAG_OK && nc->nb_streams != ic->nb_streams)
        st = ct_fail(err, CHAPTAG_ERR_IO, 0, "the new file reads back with %u streams, not %u; "
                     "the original is kept", nc->nb_streams, ic->nb_streams);
    for (unsigned i = 0; st == CHAPTAG_OK && i < ic->nb_streams; i++) {
        enum AVCodecID a = ic->streams[i]->codecpar->codec_id;
        enum AVCodecID b = nc->streams[i]->codecpar->codec_id;
        if (a != b)
            st = ct_fail(err, CHAPTAG_ERR_IO, 0, "stream %u of the new file reads back as %s, "
                         "not %s; the original is kept", i, av.codec_name(b), av.codec_name(a));
    }
    /* a remux may round the last packet's end (Matroska: by some milliseconds), never
       lose a second of audio */
    if (st == CHAPTAG_OK && ic->duration > 0 && nc->duration < ic->duration - AV_TIME_BASE)
        st = ct_fail(err, CHAPTAG_ERR_IO, 0, "the new file reads back %lld ms shorter; the "
                     "original is kept", (long long)((ic->duration - nc->duration) / 1000));
    if (st == CHAPTAG_OK)
        st = read_chapters(nc, got, err);
    char why[200];
    if (st == CHAPTAG_OK && !ct_chapters_match(want, got, SIZE_MAX, why, sizeof why))
        st = misread(want, got, label, why, err);
    chaptag_chapters_free(got);
    chaptag_chapters_free(none);
    av.close_input(&nc);
    return st;
}

/* ---- write ------------------------------------------------------------------------------ */

/* Remuxes IC (F) into a temporary file beside TARGET, proves it and puts it in place. */
static chaptag_status write_proven(ct_file *f, AVFormatContext *ic, const AVOutputFormat *of,
                                   const char *target, const chaptag_chapters *list,
                                   uint64_t duration_ms, const char *label, chaptag_error *err)
{
    ct_tmpfile *t = NULL;
    int fd, io_errno = 0;
    int64_t serial_offset = is_ogg(of) ? ogg_serial_offset(f, ic->nb_streams) : -1;
    chaptag_status st = ct_tmp_open(target, &t, &fd, err);
    if (st != CHAPTAG_OK)
        return st;
    st = remux(ic, of, fd, list, duration_ms, serial_offset, label, &io_errno, err);
    if (st != CHAPTAG_OK && io_errno != 0) {
        errno = io_errno; /* a full disk is an I/O error, not a damaged file */
        st = ct_fail_errno(err, "cannot write the new file");
    }
    if (st == CHAPTAG_OK)
        st = prove(ct_tmp_path(t), ic, list, label, err);
    if (st == CHAPTAG_OK)
        return ct_tmp_commit(t, f, err);
    ct_tmp_abort(t);
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

static chaptag_status av_write(ct_file *f, const char *path, const chaptag_chapters *list,
                               const chaptag_embed_opts *opts, struct chaptag_report *rep,
                               chaptag_error *err)
{
    bool adif;
    chaptag_status st = sniff_adif(f, &adif, err);
    if (st == CHAPTAG_OK && adif) { /* no chapters to remove; none can go in */
        snprintf(rep->what, sizeof rep->what, "raw AAC (ADIF)");
        return list == NULL ? CHAPTAG_OK
                            : ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "raw AAC (ADIF): FFmpeg 5.1 "
                                      "cannot read it, and raw AAC holds no chapters; convert "
                                      "it to an M4A");
    }
    AVFormatContext *ic;
    if (st == CHAPTAG_OK)
        st = open_input(path, &ic, err);
    if (st != CHAPTAG_OK)
        return st;
    fill_info(ic, &rep->info, ct_file_size(f));
    uint64_t duration = opts->duration_ms != CHAPTAG_TIME_NONE ? opts->duration_ms
                                                               : rep->info.duration_ms;
    if (list != NULL)
        st = chaptag_chapters_validate(list, duration ? duration : CHAPTAG_TIME_NONE, err);
    size_t n = list ? chaptag_chapters_count(list) : 0;
    snprintf(rep->what, sizeof rep->what, "%s", ic->iformat->name);
    bool nothing = list == NULL && ic->nb_chapters == 0; /* a strip with nothing to remove */
    const char *target = opts->output ? opts->output : path;
    const AVOutputFormat *of = NULL;
    if (st == CHAPTAG_OK && !nothing && (of = output_format(ic, target, !opts->output)) == NULL)
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "libavformat cannot write %s files",
                     ic->iformat->name);
    const char *label = of ? container_label(ic, of) : ic->iformat->name;
    if (st == CHAPTAG_OK && !nothing)
        st = check_remux(f, ic, of, label, list != NULL, rep, err);
    if (st == CHAPTAG_OK)
        ct_buf_printf(&rep->plan, "%s: every stream copied by libavformat into a new file, "
                      "%zu chapters\n", ic->iformat->name, n);
    if (st == CHAPTAG_OK && !opts->dry_run && !nothing) {
        st = write_proven(f, ic, of, target, list, duration, label, err);
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
