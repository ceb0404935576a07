/* The remux by libavformat: a bit-exact stream copy with the new chapters (Matroska's own, or
   VorbisComment CHAPTERxxx keys for FLAC and Ogg Opus) into a temporary file of io's, read
   back through libavformat before it replaces the original. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avlib.h"

#ifdef CHAPTAG_HAVE_FFMPEG /* else avformat.c's stub stands for the whole backend */

/* Writes for libavformat into our temporary file, through io: only io writes files, and its
   test builds' faults reach the remux too. */
typedef struct {
    ct_tmpfile *tmp;
    int64_t pos, size;
    int errnum; /* errno of a failed write, 0 if none */
} sink;

static int sink_write(void *opaque, uint8_t *buf, int n)
{
    sink *s = opaque;
    chaptag_error e;
    if (s->pos < 0) {
        s->errnum = EINVAL;
        return AVERROR(s->errnum);
    }
    if (ct_tmp_write(s->tmp, buf, (size_t)n, (uint64_t)s->pos, &e) != CHAPTAG_OK) {
        s->errnum = e.sys_errno != 0 ? e.sys_errno : EIO;
        return AVERROR(s->errnum);
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

/* ---- the remux -------------------------------------------------------------------------- */

/* Gives OC the chapters of LIST (NULL: none), in milliseconds. */
static chaptag_status set_chapters(AVFormatContext *oc, const chaptag_chapters *list,
                                   uint64_t duration_ms, chaptag_error *err)
{
    size_t n = list ? chaptag_chapters_count(list) : 0;
    if (n == 0)
        return CHAPTAG_OK;
    oc->chapters = ct_av.mallocz(n * sizeof *oc->chapters);
    if (oc->chapters == NULL)
        return ct_fail_nomem(err);
    for (size_t i = 0; i < n; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        AVChapter *c = ct_av.mallocz(sizeof *c);
        if (c == NULL)
            return ct_fail_nomem(err);
        oc->chapters[oc->nb_chapters++] = c; /* freed with OC from here on */
        c->id = (int64_t)i;
        c->time_base = (AVRational){1, 1000};
        c->start = (int64_t)ch->start_ms;
        c->end = (int64_t)chaptag_chapters_end(list, i, duration_ms);
        if (ct_av.dict_set(&c->metadata, "title", ch->title, 0) < 0)
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
        if (ct_av.dict_set(m, key, ct_time_str_ms(ch->start_ms, value), 0) < 0)
            return ct_fail_nomem(err);
        snprintf(key, sizeof key, "CHAPTER%03zuNAME", i);
        if (ct_av.dict_set(m, key, ch->title, 0) < 0)
            return ct_fail_nomem(err);
    }
    return CHAPTAG_OK;
}

/* Makes output stream OS an attachment holding input stream IS's picture: a Matroska
   attachment (cover art) comes out of FFmpeg 5.1's demuxer as an attached-picture video
   stream, which its muxer does not take back; as an attachment (the bytes as extradata, the
   filename and MIME type tags copied below) it does, and reads back the same. */
static chaptag_status as_attachment(const AVStream *is, AVStream *os, chaptag_error *err)
{
    int n = is->attached_pic.size;
    uint8_t *copy = ct_av.mallocz((size_t)n + AV_INPUT_BUFFER_PADDING_SIZE);
    if (copy == NULL)
        return ct_fail_nomem(err);
    memcpy(copy, is->attached_pic.data, (size_t)n);
    ct_av.free(os->codecpar->extradata);
    os->codecpar->extradata = copy;
    os->codecpar->extradata_size = n;
    os->codecpar->codec_type = AVMEDIA_TYPE_ATTACHMENT;
    os->disposition = 0;
    return CHAPTAG_OK;
}

bool ct_avformat_kept_as_attachment(const AVStream *is, const AVOutputFormat *of)
{
    return strcmp(of->name, "matroska") == 0 && (is->disposition & AV_DISPOSITION_ATTACHED_PIC) &&
           is->attached_pic.size > 0;
}

/* Copies every stream and the tags of IC to OC; stream KEYS_IN (-1: none) gets LIST as
   chapter keys first. */
static chaptag_status copy_streams(const AVFormatContext *ic, AVFormatContext *oc, int keys_in,
                                   const chaptag_chapters *list, const char *label,
                                   chaptag_error *err)
{
    for (unsigned i = 0; i < ic->nb_streams; i++) {
        const AVStream *is = ic->streams[i];
        AVStream *os = ct_av.new_stream(oc, NULL);
        if (os == NULL || ct_av.copy_parameters(os->codecpar, is->codecpar) < 0)
            return ct_fail_nomem(err);
        os->codecpar->codec_tag = 0;
        os->time_base = is->time_base;
        os->disposition = is->disposition;
        if (ct_avformat_kept_as_attachment(is, oc->oformat)) {
            chaptag_status st = as_attachment(is, os, err);
            if (st != CHAPTAG_OK)
                return st;
        }
        if ((int)i == keys_in) {
            chaptag_status st = set_chapter_keys(&os->metadata, list, label, err);
            if (st != CHAPTAG_OK)
                return st;
        }
        ct_av.dict_copy(&os->metadata, is->metadata, 0);
    }
    ct_av.dict_copy(&oc->metadata, ic->metadata, 0);
    return CHAPTAG_OK;
}

/* Copies every packet of IC to OC, untouched but for their time base. */
static chaptag_status copy_packets(AVFormatContext *ic, AVFormatContext *oc, chaptag_error *err)
{
    AVPacket *pkt = ct_av.packet_alloc();
    if (pkt == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = CHAPTAG_OK;
    int rc;
    while ((rc = ct_av.read_frame(ic, pkt)) >= 0) {
        const AVStream *is = ic->streams[pkt->stream_index];
        if (oc->streams[pkt->stream_index]->codecpar->codec_type == AVMEDIA_TYPE_ATTACHMENT) {
            ct_av.packet_unref(pkt); /* the picture went into the attachment's header */
            continue;
        }
        ct_av.rescale_ts(pkt, is->time_base, oc->streams[pkt->stream_index]->time_base);
        pkt->pos = -1;
        rc = ct_av.write_frame(oc, pkt);
        if (rc < 0) {
            st = ct_avformat_fail(err, rc, "cannot write a packet");
            break;
        }
    }
    if (st == CHAPTAG_OK && rc != AVERROR_EOF)
        st = ct_avformat_fail(err, rc, "cannot read a packet");
    ct_av.packet_free(&pkt);
    return st;
}

/* Where LIST goes in a remux into OF: FLAC's global tags (-2), the first Opus stream's tags
   (its index), or the container's own chapters (-1). */
static int chapter_keys_in(const AVFormatContext *ic, const AVOutputFormat *of)
{
    if (strcmp(of->name, "flac") == 0)
        return -2;
    for (unsigned i = 0; ct_avformat_is_ogg(of) && i < ic->nb_streams; i++)
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
        ct_av.dict_set(&opts, "serial_offset", serial, 0) < 0)
        st = ct_fail_nomem(err);
    int rc;
    if (st == CHAPTAG_OK && (rc = ct_av.write_header(oc, &opts)) < 0)
        st = ct_avformat_fail(err, rc, "cannot write the new file's header");
    ct_av.dict_set(&opts, "serial_offset", NULL, 0); /* frees what the muxer left unused */
    return st;
}

/* Remuxes IC into OF with LIST's chapters into the temporary file T, bit-exact (no version
   string, no random IDs: the same input and chapters give the same bytes). *IO_ERRNO is the
   errno of a write that failed, 0 if none. */
static chaptag_status remux(AVFormatContext *ic, const AVOutputFormat *of, ct_tmpfile *t,
                            const chaptag_chapters *list, uint64_t duration_ms,
                            int64_t serial_offset, const char *label, int *io_errno,
                            chaptag_error *err)
{
    AVFormatContext *oc = NULL;
    int rc = ct_av.alloc_output(&oc, of, NULL, NULL);
    if (rc < 0)
        return ct_avformat_fail(err, rc, "cannot start the new file");
    sink s = {t, 0, 0, 0};
    unsigned char *buf = ct_av.malloc(1 << 16);
    oc->pb = buf ? ct_av.io_alloc(buf, 1 << 16, 1, &s, NULL, sink_write, sink_seek) : NULL;
    chaptag_status st = oc->pb ? CHAPTAG_OK : ct_fail_nomem(err);
    oc->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_BITEXACT;
    if (st == CHAPTAG_OK)
        st = start_output(ic, oc, list, duration_ms, serial_offset, label, err);
    if (st == CHAPTAG_OK)
        st = copy_packets(ic, oc, err);
    if (st == CHAPTAG_OK && (rc = ct_av.write_trailer(oc)) < 0)
        st = ct_avformat_fail(err, rc, "cannot finish the new file");
    if (oc->pb != NULL) {
        ct_av.io_flush(oc->pb);
        ct_av.free(oc->pb->buffer);
        ct_av.io_free(&oc->pb);
    } else {
        ct_av.free(buf);
    }
    ct_av.free_context(oc);
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
    size_t n = want ? chaptag_chapters_count(want) : 0, m = chaptag_chapters_count(got);
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
    if (ct_avformat_open_input(path, &nc, &e) != CHAPTAG_OK)
        return ct_fail(err, CHAPTAG_ERR_IO, 0, "the new file does not read back (%s); the "
                       "original is kept", e.msg);
    chaptag_chapters *got = chaptag_chapters_new();
    chaptag_status st = got ? CHAPTAG_OK : ct_fail_nomem(err);
    if (st == CHAPTAG_OK && nc->nb_streams != ic->nb_streams)
        st = ct_fail(err, CHAPTAG_ERR_IO, 0, "the new file reads back with %u streams, not %u; "
                     "the original is kept", nc->nb_streams, ic->nb_streams);
    for (unsigned i = 0; st == CHAPTAG_OK && i < ic->nb_streams; i++) {
        enum AVCodecID a = ic->streams[i]->codecpar->codec_id;
        enum AVCodecID b = nc->streams[i]->codecpar->codec_id;
        if (a != b)
            st = ct_fail(err, CHAPTAG_ERR_IO, 0, "stream %u of the new file reads back as %s, "
                         "not %s; the original is kept", i, ct_av.codec_name(b),
                         ct_av.codec_name(a));
    }
    /* a remux may round the last packet's end (Matroska: by some milliseconds), never
       lose a second of audio */
    if (st == CHAPTAG_OK && ic->duration > 0 && nc->duration < ic->duration - AV_TIME_BASE)
        st = ct_fail(err, CHAPTAG_ERR_IO, 0, "the new file reads back %lld ms shorter; the "
                     "original is kept", (long long)((ic->duration - nc->duration) / 1000));
    if (st == CHAPTAG_OK)
        st = ct_avformat_read_chapters(nc, got, err);
    char why[200];
    if (st == CHAPTAG_OK && !ct_chapters_match(list, got, SIZE_MAX, why, sizeof why))
        st = misread(list, got, label, why, err);
    chaptag_chapters_free(got);
    ct_av.close_input(&nc);
    return st;
}

/* ---- write ------------------------------------------------------------------------------ */

/* Remuxes IC (F) into a temporary file beside TARGET, proves it and puts it in place. */
chaptag_status ct_avformat_write_proven(ct_file *f, AVFormatContext *ic,
                                        const AVOutputFormat *of, const char *target,
                                        const chaptag_chapters *list, uint64_t duration_ms,
                                        const char *label, chaptag_error *err)
{
    ct_tmpfile *t = NULL;
    int fd, io_errno = 0; /* fd unused: the remux writes through ct_tmp_write() */
    int64_t serial_offset =
        ct_avformat_is_ogg(of) ? ct_avformat_ogg_serial_offset(f, ic->nb_streams) : -1;
    chaptag_status st = ct_tmp_open(target, &t, &fd, err);
    if (st != CHAPTAG_OK)
        return st;
    (void)fd;
    st = remux(ic, of, t, list, duration_ms, serial_offset, label, &io_errno, err);
    if (io_errno != 0) { /* even one libavformat did not report: the file is not whole */
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

#endif /* CHAPTAG_HAVE_FFMPEG */
