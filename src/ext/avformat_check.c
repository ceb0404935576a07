/* What a remux by libavformat cannot do, found before anything is written: which muxer writes
   what a demuxer reads, the containers FFmpeg 5.1 writes no chapters into, and what a remux
   would drop (cover art in Ogg, streams the muxer cannot write). WAV and FLAC, whose chunks
   and blocks a remux drops, are the native containers' and never come here. The file's own
   bytes (Ogg serials, ADIF) are read through io (ct_file_read). */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "avlib.h"

#ifdef CHAPTAG_HAVE_FFMPEG /* else avformat.c's stub stands for the whole backend */

/* The muxer that writes what each demuxer reads (demuxer name, muxer name). */
static const char *const muxer_for[][2] = {
    {"matroska,webm", "matroska"}, {"ogg", "ogg"}, {"flac", "flac"}, {"wav", "wav"},
    {"w64", "w64"}, {"aiff", "aiff"}, {"caf", "caf"}, {"au", "au"}, {"wv", "wv"},
    {"tta", "tta"}, {"voc", "voc"}, {"aac", "adts"}, {"loas", "latm"}, {"ac3", "ac3"},
    {"eac3", "eac3"}, {"dts", "dts"}, {"dtshd", "dts"}, {"truehd", "truehd"}, {"mlp", "mlp"},
    {"mp3", "mp3"}, {"amr", "amr"}, {"amrnb", "amr"}, {"amrwb", "amr"}, {"gsm", "gsm"},
    {"g722", "g722"}, {"g723_1", "g723_1"}, {"sbc", "sbc"},
};

bool ct_avformat_is_ogg(const AVOutputFormat *of)
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
    return strcmp(demuxer, "ogg") == 0 && ct_avformat_is_ogg(of);
}

/* The output format for TARGET: by its name (in place only when it names the container the
   file already is, so a misnamed file keeps its container), else the input's own. */
const AVOutputFormat *ct_avformat_output_format(const AVFormatContext *ic, const char *target,
                                                bool in_place)
{
    const AVOutputFormat *of = ct_av.guess_format(NULL, target, NULL);
    if (of != NULL && (!in_place || same_family(ic->iformat->name, of)))
        return of;
    for (size_t i = 0; i < sizeof muxer_for / sizeof muxer_for[0]; i++)
        if (strcmp(ic->iformat->name, muxer_for[i][0]) == 0)
            return ct_av.guess_format(muxer_for[i][1], NULL, NULL);
    char first[32];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(ic->iformat->name, ","),
             ic->iformat->name);
    const AVOutputFormat *own = ct_av.guess_format(first, NULL, NULL);
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
const char *ct_avformat_container_label(const AVFormatContext *ic, const AVOutputFormat *of)
{
    if (ct_avformat_is_ogg(of)) {
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

/* Refuses, for an embed, a container FFmpeg 5.1 writes no chapters into. */
static chaptag_status refuse_container(const AVFormatContext *ic, const AVOutputFormat *of,
                                       const char *label, chaptag_error *err)
{
    bool ogg = ct_avformat_is_ogg(of);
    bool raw = false, planned = ogg, refused = ogg && ogg_without_chapters(ic);
    for (size_t i = 0; i < sizeof no_chapters / sizeof no_chapters[0] && !refused; i++) {
        refused = strcmp(of->name, no_chapters[i].muxer) == 0;
        raw = no_chapters[i].raw;
        planned = no_chapters[i].planned;
    }
    if (!refused)
        return CHAPTAG_OK;
    return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%s: FFmpeg 5.1 writes no chapters for it%s", label,
                   raw       ? "; put it in an M4A (ffmpeg -i IN -c copy OUT.m4a)"
                   : planned ? "; a native writer is planned"
                             : "");
}

/* Refuses a remux of IC into OF that would drop a stream chaptag does not own, or (for an
   EMBED) into a container FFmpeg 5.1 writes no chapters into. */
chaptag_status ct_avformat_check_remux(const AVFormatContext *ic, const AVOutputFormat *of,
                                       const char *label, bool embed, chaptag_error *err)
{
    /* WAV chunks and FLAC blocks a remux would drop never come here: those files are the
       native containers' (src/wav, src/flac) */
    chaptag_status st = embed ? refuse_container(ic, of, label, err) : CHAPTAG_OK;
    if (st != CHAPTAG_OK)
        return st;
    for (unsigned i = 0; i < ic->nb_streams; i++) {
        const AVStream *is = ic->streams[i];
        if (ct_avformat_is_ogg(of) && (is->disposition & AV_DISPOSITION_ATTACHED_PIC ||
                           is->codecpar->codec_type == AVMEDIA_TYPE_VIDEO))
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%s: a remux by libavformat would drop its "
                           "cover art (FFmpeg 5.1's Ogg muxer cannot write it); a native writer "
                           "is planned", label);
        if (ct_av.query_codec != NULL && !ct_avformat_kept_as_attachment(is, of) &&
            ct_av.query_codec(of, is->codecpar->codec_id, 0 /* normal compliance */) == 0)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%s: a remux by libavformat would drop "
                           "stream %u (%s), which FFmpeg's %s muxer cannot write; a native "
                           "writer is planned", label, i, ct_av.codec_name(is->codecpar->codec_id),
                           of->name);
    }
    return CHAPTAG_OK;
}

/* The serial_offset that makes FFmpeg's Ogg muxer (which, bit-exact, numbers stream i
   serial_offset + i) keep the serials the N_STREAMS streams of F have; -1 when their first
   pages do not hold consecutive serials that fit the option (0 to INT_MAX). */
int64_t ct_avformat_ogg_serial_offset(ct_file *f, unsigned n_streams)
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
        uint32_t serial = ct_load_u32le(h + 14);
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

#endif /* CHAPTAG_HAVE_FFMPEG */
