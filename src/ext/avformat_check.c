/* What a remux by libavformat cannot do, found before anything is written: which muxer writes
   what a demuxer reads, the containers FFmpeg 5.1 writes no chapters into, and what a remux
   would drop (RIFF chunks, FLAC blocks, an ID3v2 tag before FLAC, cover art in Ogg, streams
   the muxer cannot write). The file's own bytes are read through io (ct_file_read). */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "avlib.h"

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

/* Refuses, for an embed, a container FFmpeg 5.1 writes no chapters into (LOST: what a remux
   would drop besides, "" if nothing). */
static chaptag_status refuse_container(const AVFormatContext *ic, const AVOutputFormat *of,
                                       const char *label, const char *lost, chaptag_error *err)
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
    char also[96] = "";
    if (lost[0] != '\0')
        snprintf(also, sizeof also, " (a remux would also drop its %s)", lost);
    return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%s: FFmpeg 5.1 writes no chapters for it%s%s",
                   label, also,
                   raw       ? "; put it in an M4A (ffmpeg -i IN -c copy OUT.m4a)"
                   : planned ? "; a native writer is planned"
                             : "");
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
    for (unsigned k = 0; k < 100000 && off < size && size - off >= 8; k++) {
        if ((st = ct_file_read(f, off, c, sizeof c, &got, err)) != CHAPTAG_OK)
            return st;
        if (got < 8) /* a cut chunk header: nothing more to name */
            break;
        uint64_t len = ct_load_u32le(c + 4);
        if (memcmp(c, "ds64", 4) == 0 && got >= 24) /* RIFF size, then data size (64-bit) */
            data64 = ct_load_u64le(c + 16);
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
        if (len + (len & 1) > size - off - 8) /* the last chunk, or past the end: stop there */
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
chaptag_status ct_avformat_check_remux(ct_file *f, const AVFormatContext *ic,
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
    if (seektable)
        ct_warn(&rep->warnings, 0, "FLAC: libavformat does not keep the SEEKTABLE block; players "
                "seek without it, and metaflac --add-seekpoint=10s puts one back");
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
