/* MPEG audio streams, measured without decoding: frame headers (ISO/IEC 11172-3 §2.4.2.3;
   ISO/IEC 13818-3 §2.4.2.3 for the half sample rates; Fraunhofer's MPEG-2.5 for the quarter
   ones), the Xing/Info header and LAME's Info tag rev. 1 extension, Fraunhofer's VBRI header,
   and the tags that may follow the audio: ID3v1 with Enhanced "TAG+", APEv2 and Lyrics3 v2.00.
   Byte layouts and the readers' rules (FFmpeg mp3dec.c, mutagen mp3/) as collected in
   reference/mpeg-audio.md and reference/id3v2.md §6. */
#include "mpeg.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "id3v2.h"

/* How far past the expected start the first frame may lie (junk, zero padding, a tag whose size
   is wrong): as far as mutagen looks; FFmpeg stops at 64 KiB. */
#define SEARCH_MAX (1u << 20)
#define SEARCH_BLOCK (64u << 10)
/* The search for the first frame reads this first, then twice as much each time up to
   SEARCH_BLOCK: a stream starting right after the tags is found in its first read (the longest
   frame and the header after it), so opening a small file does not read most of it. */
#define SEARCH_FIRST (4u << 10)
/* The frame scan reads this much at a time: one read per ~600 frames at 128 kbit/s. */
#define SCAN_BLOCK (256u << 10)
/* How far past a damaged frame the scan looks for the stream again: more than the longest
   frame (2881 bytes: MPEG-2.5 Layer II, 160 kbit/s at 8 kHz, padded). */
#define RESYNC_MAX 4096u
/* No real file ends in more tags than this; a crafted one must not make us loop for long. */
#define TRAILING_MAX 16

#define SYNC_BITS 0xFFE00000u

/* ---- frame headers ------------------------------------------------------------------------ */

/* By the version bits (20-19): 00 MPEG-2.5, 01 reserved, 10 MPEG-2, 11 MPEG-1. LSF (the low
   sample-rate extensions) halve or quarter MPEG-1's rates and share one bitrate table. */
static const struct {
    unsigned version, lsf, rate_shift;
} versions[4] = {{25, 1, 2}, {0, 0, 0}, {20, 1, 1}, {10, 0, 0}};

static const unsigned base_rates[3] = {44100, 48000, 32000};

/* kbit/s by [lsf][layer - 1][index]; index 0 is free format, 15 is invalid. */
static const uint16_t bitrates[2][3][15] = {
    {{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
     {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
     {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}},
    {{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
     {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
     {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}}};

static const uint16_t frame_samples[2][3] = {{384, 1152, 1152}, {384, 1152, 576}};

/* Frame bytes = (coef * kbit/s / Hz + padding) * slot, in integer arithmetic as FFmpeg's
   mpegaudiodecheader.c does; Layer I counts 4-byte slots. */
static const uint32_t length_coef[2][3] = {{12000, 144000, 144000}, {12000, 144000, 72000}};
static const unsigned slot_bytes[3] = {4, 1, 1};

/* Bytes of a frame of FR's version, layer and rate at KBPS, PADDED or not. */
static unsigned frame_length(const ct_mpeg_frame *fr, unsigned kbps, unsigned padded)
{
    unsigned lsf = fr->version != 10, layer = fr->layer - 1;
    return (length_coef[lsf][layer] * kbps / fr->sample_rate + padded) * slot_bytes[layer];
}

bool ct_mpeg_header_parse(const uint8_t p[4], ct_mpeg_frame *out)
{
    uint32_t h = ct_load_u32be(p);
    unsigned v = h >> 19 & 3, layer_bits = h >> 17 & 3, rate = h >> 10 & 3, br = h >> 12 & 15;
    if ((h & SYNC_BITS) != SYNC_BITS || v == 1 || layer_bits == 0 || br == 15 || rate == 3)
        return false;
    unsigned lsf = versions[v].lsf, layer = 4 - layer_bits;
    ct_mpeg_frame fr;
    fr.version = versions[v].version;
    fr.layer = layer;
    fr.bitrate_kbps = bitrates[lsf][layer - 1][br];
    fr.sample_rate = base_rates[rate] >> versions[v].rate_shift;
    fr.channels = (h >> 6 & 3) == 3 ? 1 : 2;
    fr.samples = frame_samples[lsf][layer - 1];
    /* free format: only the distance to the next sync tells */
    fr.length = br != 0 ? frame_length(&fr, fr.bitrate_kbps, h >> 9 & 1) : 0;
    fr.crc = (h >> 16 & 1) == 0;
    *out = fr;
    return true;
}

bool ct_mpeg_same_stream(const ct_mpeg_frame *a, const ct_mpeg_frame *b)
{
    return a->version == b->version && a->layer == b->layer && a->sample_rate == b->sample_rate;
}

chaptag_status ct_mpeg_tags_extent(ct_file *f, uint64_t *total, uint64_t *over,
                                   chaptag_error *err)
{
    uint64_t size = ct_file_size(f);
    *total = *over = 0;
    for (;;) {
        uint8_t hdr[10];
        size_t got;
        chaptag_status st = ct_file_read(f, *total, hdr, sizeof hdr, &got, err);
        if (st != CHAPTAG_OK)
            return st;
        uint64_t n = got == sizeof hdr ? ct_id3v2_tag_size(hdr) : 0;
        if (n > size - *total)
            *over = n;
        if (n == 0 || *over != 0)
            return CHAPTAG_OK;
        *total += n;
    }
}

/* ---- Xing/Info, LAME and VBRI ------------------------------------------------------------- */

enum { XING_FRAMES = 0x1, XING_BYTES = 0x2, XING_TOC = 0x4, XING_QUALITY = 0x8 };

/* The Xing tag follows the Layer III side information: by [lsf][mono]. No encoder puts a CRC
   in this frame, and neither FFmpeg nor mutagen allows for one. */
static const size_t xing_offsets[2][2] = {{4 + 32, 4 + 17}, {4 + 17, 4 + 9}};
/* VBRI sits 32 bytes after the header whatever the mode (FFmpeg, mutagen). */
#define VBRI_OFFSET 36
/* The LAME extension up to and including its delay/padding field. */
#define LAME_DELAY_END 24
#define LAME_DELAY_AT 21

/* FFmpeg's rule: only these encoders write delay and padding that mean what LAME's do. */
static const char *const gapless_encoders[] = {"LAME", "Lavf", "Lavc"};

/* The 9-byte encoder string, up to its first NUL; "" when it is not printable ASCII (then
   these bytes are no LAME extension but whatever followed the Xing fields). */
static void copy_encoder(char dst[10], const uint8_t *src)
{
    size_t n = 0;
    while (n < 9 && src[n] != 0) {
        if (src[n] < 0x20 || src[n] > 0x7E) {
            n = 0;
            break;
        }
        dst[n] = (char)src[n];
        n++;
    }
    dst[n] = '\0';
}

/* The LAME extension right after the Xing fields present (offset 120 when all four are). */
static void parse_lame(ct_reader *r, ct_mpeg_vbr_info *v)
{
    const uint8_t *ext = ct_reader_bytes(r, LAME_DELAY_END);
    if (ext == NULL)
        return;
    copy_encoder(v->encoder, ext);
    for (size_t i = 0; i < sizeof gapless_encoders / sizeof gapless_encoders[0]; i++)
        if (memcmp(ext, gapless_encoders[i], 4) == 0) {
            uint32_t dp = ct_load_u24be(ext + LAME_DELAY_AT);
            v->has_lame = true;
            v->delay = dp >> 12;
            v->padding = dp & 0xFFF;
        }
}

static bool parse_xing(const uint8_t *p, size_t len, const ct_mpeg_frame *fr, ct_mpeg_vbr_info *out)
{
    size_t at = xing_offsets[fr->version != 10][fr->channels == 1];
    if (len < at)
        return false;
    ct_reader r = ct_reader_make(p + at, len - at);
    const uint8_t *tag = ct_reader_bytes(&r, 4);
    if (tag == NULL || (memcmp(tag, "Xing", 4) != 0 && memcmp(tag, "Info", 4) != 0))
        return false;
    ct_mpeg_vbr_info v;
    memset(&v, 0, sizeof v);
    v.kind = tag[0] == 'X' ? CT_MPEG_VBR_XING : CT_MPEG_VBR_INFO;
    uint32_t flags = ct_reader_u32be(&r);
    v.has_frames = (flags & XING_FRAMES) != 0;
    if (v.has_frames)
        v.frames = ct_reader_u32be(&r);
    v.has_bytes = (flags & XING_BYTES) != 0;
    if (v.has_bytes)
        v.bytes = ct_reader_u32be(&r);
    ct_reader_skip(&r, flags & XING_TOC ? 100 : 0);
    ct_reader_skip(&r, flags & XING_QUALITY ? 4 : 0);
    if (r.bad) /* fields cut off by the end of the frame: no header, as for mutagen */
        return false;
    parse_lame(&r, &v);
    *out = v;
    return true;
}

static bool parse_vbri(const uint8_t *p, size_t len, ct_mpeg_vbr_info *out)
{
    if (len < VBRI_OFFSET)
        return false;
    ct_reader r = ct_reader_make(p + VBRI_OFFSET, len - VBRI_OFFSET);
    const uint8_t *tag = ct_reader_bytes(&r, 4);
    if (tag == NULL || memcmp(tag, "VBRI", 4) != 0 || ct_reader_u16be(&r) != 1)
        return false;
    ct_reader_skip(&r, 4); /* delay and quality: neither FFmpeg nor mutagen uses them */
    ct_mpeg_vbr_info v;
    memset(&v, 0, sizeof v);
    v.kind = CT_MPEG_VBR_VBRI;
    v.has_bytes = v.has_frames = true;
    v.bytes = ct_reader_u32be(&r);
    v.frames = ct_reader_u32be(&r);
    if (r.bad)
        return false;
    *out = v;
    return true;
}

bool ct_mpeg_vbr_parse(const uint8_t *p, size_t len, const ct_mpeg_frame *fr, ct_mpeg_vbr_info *out)
{
    if (fr->layer != 3) /* only Layer III encoders write these headers */
        return false;
    return parse_xing(p, len, fr, out) || parse_vbri(p, len, out);
}

/* ---- trailing tags ------------------------------------------------------------------------ */

#define ID3V1_SIZE 128
#define ID3V1_PLUS_SIZE 227
#define APE_SIZE 32
#define APE_HAS_HEADER (1u << 31)
#define APE_IS_HEADER (1u << 29)
#define LYRICS_TAIL 15 /* 6 size digits + "LYRICS200" */
#define LYRICS_BEGIN 11

/* Whether the N bytes at OFF are MAGIC. */
static chaptag_status has_magic(ct_file *f, uint64_t off, const char *magic, bool *yes,
                                chaptag_error *err)
{
    uint8_t b[16];
    size_t n = strlen(magic);
    assert(n <= sizeof b);
    chaptag_status st = ct_file_read(f, off, b, n, NULL, err);
    *yes = st == CHAPTAG_OK && memcmp(b, magic, n) == 0;
    return st;
}

/* Each finder sets *SIZE to the bytes of its tag ending at END (never more than END - START),
   or to 0 when there is none. */
typedef chaptag_status (*tag_finder)(ct_file *f, uint64_t start, uint64_t end, uint64_t *size,
                                     chaptag_error *err);

static chaptag_status find_id3v1(ct_file *f, uint64_t start, uint64_t end, uint64_t *size,
                                 chaptag_error *err)
{
    uint8_t b[3 + 3];
    *size = 0;
    if (end - start < ID3V1_SIZE)
        return CHAPTAG_OK;
    /* mutagen's check: "TAG" can be the middle of "APETAGEX", an APEv2 header or footer */
    size_t lead = end - start >= ID3V1_SIZE + 3 ? 3 : 0;
    chaptag_status st = ct_file_read(f, end - ID3V1_SIZE - lead, b, lead + 3, NULL, err);
    if (st != CHAPTAG_OK || memcmp(b + lead, "TAG", 3) != 0 ||
        (lead == 3 && memcmp(b, "APE", 3) == 0))
        return st;
    *size = ID3V1_SIZE;
    bool plus = false;
    if (end - start >= ID3V1_SIZE + ID3V1_PLUS_SIZE)
        st = has_magic(f, end - ID3V1_SIZE - ID3V1_PLUS_SIZE, "TAG+", &plus, err);
    *size += plus ? ID3V1_PLUS_SIZE : 0;
    return st;
}

/* The footer's size counts the items and the footer; a header, when flagged, comes first. */
static chaptag_status find_apev2(ct_file *f, uint64_t start, uint64_t end, uint64_t *size,
                                 chaptag_error *err)
{
    uint8_t b[APE_SIZE];
    *size = 0;
    if (end - start < APE_SIZE)
        return CHAPTAG_OK;
    chaptag_status st = ct_file_read(f, end - APE_SIZE, b, APE_SIZE, NULL, err);
    if (st != CHAPTAG_OK || memcmp(b, "APETAGEX", 8) != 0)
        return st;
    uint64_t tag_size = ct_load_u32le(b + 12);
    uint32_t flags = ct_load_u32le(b + 20);
    if ((flags & APE_IS_HEADER) || tag_size < APE_SIZE || tag_size > end - start)
        return CHAPTAG_OK; /* not a footer, or one whose tag is not there */
    bool header = false;
    if ((flags & APE_HAS_HEADER) && tag_size + APE_SIZE <= end - start)
        st = has_magic(f, end - tag_size - APE_SIZE, "APETAGEX", &header, err);
    /* a flagged header that is not there: the tag is the footer and its items */
    *size = tag_size + (header ? APE_SIZE : 0);
    return st;
}

/* "LYRICSBEGIN" ... then the size of all that in 6 digits, then "LYRICS200". */
static chaptag_status find_lyrics3v2(ct_file *f, uint64_t start, uint64_t end, uint64_t *size,
                                     chaptag_error *err)
{
    uint8_t b[LYRICS_TAIL];
    *size = 0;
    if (end - start < LYRICS_TAIL + LYRICS_BEGIN)
        return CHAPTAG_OK;
    chaptag_status st = ct_file_read(f, end - LYRICS_TAIL, b, LYRICS_TAIL, NULL, err);
    if (st != CHAPTAG_OK || memcmp(b + 6, "LYRICS200", 9) != 0)
        return st;
    uint64_t body = 0;
    for (size_t i = 0; i < 6; i++) {
        if (b[i] < '0' || b[i] > '9')
            return CHAPTAG_OK;
        body = body * 10 + (uint64_t)(b[i] - '0');
    }
    if (body < LYRICS_BEGIN || body > end - start - LYRICS_TAIL)
        return CHAPTAG_OK;
    bool begins = false;
    st = has_magic(f, end - LYRICS_TAIL - body, "LYRICSBEGIN", &begins, err);
    *size = begins ? body + LYRICS_TAIL : 0;
    return st;
}

static const tag_finder trailing_tags[] = {find_id3v1, find_apev2, find_lyrics3v2};

chaptag_status ct_mpeg_audio_end(ct_file *f, uint64_t audio_start, uint64_t *end,
                                 chaptag_error *err)
{
    uint64_t e = ct_file_size(f);
    if (audio_start > e)
        audio_start = e;
    /* the tags come in any order: take off whichever ends the file until none does */
    for (unsigned round = 0; round < TRAILING_MAX; round++) {
        uint64_t size = 0;
        for (size_t i = 0; i < sizeof trailing_tags / sizeof trailing_tags[0] && size == 0; i++) {
            chaptag_status st = trailing_tags[i](f, audio_start, e, &size, err);
            if (st != CHAPTAG_OK)
                return st;
        }
        if (size == 0)
            break;
        e -= size;
    }
    *end = e;
    return CHAPTAG_OK;
}

/* ---- reading the stream in blocks --------------------------------------------------------- */

/* A block of the file, refilled on demand; nothing at or past END is ever read. */
typedef struct {
    ct_file *f;
    uint64_t end;
    uint64_t base;  /* file offset of buf[0] */
    size_t got;     /* bytes in buf */
    size_t cap;     /* bytes read at a time (at most SCAN_BLOCK, the buffer's size) */
    size_t cap_max; /* CAP doubles after each read up to this */
    uint8_t *buf;
} window;

/* Points *P at the N bytes at OFF, reading a new block from OFF when they are not in the
   current one; *P is NULL when fewer than N bytes lie before the end. */
static chaptag_status window_get(window *w, uint64_t off, size_t n, const uint8_t **p,
                                 chaptag_error *err)
{
    assert(n <= w->cap);
    *p = NULL;
    if (off >= w->base && off - w->base <= w->got && n <= w->got - (off - w->base)) {
        *p = w->buf + (off - w->base);
        return CHAPTAG_OK;
    }
    if (off > w->end || n > w->end - off)
        return CHAPTAG_OK;
    size_t want = w->end - off < w->cap ? (size_t)(w->end - off) : w->cap;
    w->got = 0;
    chaptag_status st = ct_file_read(w->f, off, w->buf, want, &w->got, err);
    if (st != CHAPTAG_OK)
        return st;
    w->base = off;
    w->cap = w->cap < w->cap_max / 2 ? 2 * w->cap : w->cap_max;
    if (n <= w->got)
        *p = w->buf;
    return CHAPTAG_OK;
}

/* Whether a frame of the stream LIKE (any stream when NULL) starts at OFF: a valid header of a
   known length (free format cannot be followed from frame to frame). */
static chaptag_status frame_at(window *w, uint64_t off, const ct_mpeg_frame *like,
                               ct_mpeg_frame *fr, bool *ok, chaptag_error *err)
{
    const uint8_t *p;
    chaptag_status st = window_get(w, off, 4, &p, err);
    *ok = st == CHAPTAG_OK && p != NULL && ct_mpeg_header_parse(p, fr) && fr->length > 0 &&
          (like == NULL || ct_mpeg_same_stream(like, fr));
    return st;
}

/* Whether the frame at OFF starts the stream: it holds a Xing/Info/VBRI header, or the next
   frame follows it with the same version, layer and sample rate (FFmpeg's rule; a false sync
   in junk rarely points at a second one). */
static chaptag_status first_frame_at(window *w, uint64_t off, ct_mpeg_info *info, bool *ok,
                                     chaptag_error *err)
{
    ct_mpeg_frame fr, next;
    chaptag_status st = frame_at(w, off, NULL, &fr, ok, err);
    if (st != CHAPTAG_OK || !*ok)
        return st;
    size_t n = w->end - off < fr.length ? (size_t)(w->end - off) : fr.length;
    const uint8_t *p;
    st = window_get(w, off, n, &p, err);
    if (st != CHAPTAG_OK)
        return st;
    ct_mpeg_vbr_info vbr;
    memset(&vbr, 0, sizeof vbr);
    if (p == NULL || !ct_mpeg_vbr_parse(p, n, &fr, &vbr))
        st = frame_at(w, off + fr.length, &fr, &next, ok, err);
    if (st == CHAPTAG_OK && *ok) {
        info->first_frame = off;
        info->frame = fr;
        info->vbr = vbr;
    }
    return st;
}

/* The first frame that starts the stream (first_frame_at) within MAX bytes of FROM. */
static chaptag_status find_first_frame(window *w, uint64_t from, uint64_t max, ct_mpeg_info *info,
                                       bool *found, chaptag_error *err)
{
    *found = false;
    if (from >= w->end)
        return CHAPTAG_OK;
    uint64_t limit = w->end - from > max ? from + max : w->end;
    for (uint64_t off = from; off < limit; off++) {
        const uint8_t *p;
        chaptag_status st = window_get(w, off, 4, &p, err);
        if (st != CHAPTAG_OK || p == NULL)
            return st;
        if (p[0] != 0xFF || (p[1] & 0xE0) != 0xE0)
            continue;
        st = first_frame_at(w, off, info, found, err);
        if (st != CHAPTAG_OK || *found)
            return st;
    }
    return CHAPTAG_OK;
}

/* After a damaged frame at OFF: the next offset within RESYNC_MAX bytes where a frame of the
   stream is followed by another (or ends the stream exactly); *OK false when there is none. */
static chaptag_status resync(window *w, uint64_t off, const ct_mpeg_frame *like, uint64_t *at,
                             bool *ok, chaptag_error *err)
{
    *ok = false;
    if (off >= w->end)
        return CHAPTAG_OK;
    uint64_t limit = w->end - off > RESYNC_MAX ? off + RESYNC_MAX : w->end;
    for (uint64_t o = off + 1; o < limit; o++) {
        ct_mpeg_frame fr, next;
        chaptag_status st = frame_at(w, o, like, &fr, ok, err);
        if (st == CHAPTAG_OK && *ok && fr.length != w->end - o)
            st = frame_at(w, o + fr.length, like, &next, ok, err);
        if (st != CHAPTAG_OK || *ok) {
            *at = o;
            return st;
        }
    }
    return CHAPTAG_OK;
}

/* Counts the frames of the stream LIKE from OFF to the end. A damaged frame is skipped when the
   stream resumes soon after it; a last frame cut short is not counted (no decoder can play it
   whole); anything else ends the count. */
static chaptag_status scan_frames(window *w, uint64_t off, const ct_mpeg_frame *like,
                                  uint64_t *frames, chaptag_error *err)
{
    uint64_t n = 0;
    chaptag_status st = CHAPTAG_OK;
    for (;;) {
        ct_mpeg_frame fr;
        bool ok;
        st = frame_at(w, off, like, &fr, &ok, err);
        if (st != CHAPTAG_OK || (ok && fr.length > w->end - off))
            break;
        if (ok) {
            n++;
            off += fr.length;
            continue;
        }
        st = resync(w, off, like, &off, &ok, err);
        if (st != CHAPTAG_OK || !ok)
            break;
    }
    *frames = n;
    return st;
}

/* ---- duration ----------------------------------------------------------------------------- */

/* Whether N frames of the stream whose first frame is FR can fill HAVE bytes: no fewer than
   at its lowest bitrate, no more than one past its highest (a count of 1,000,000 frames in
   10 KB, or of 3 in 1 MB, is some other file's). */
static bool count_fits(const ct_mpeg_frame *fr, uint64_t n, uint64_t have)
{
    const uint16_t *kbps = bitrates[fr->version != 10][fr->layer - 1];
    uint64_t shortest = frame_length(fr, kbps[1], 0), longest = frame_length(fr, kbps[14], 1);
    return n * shortest <= have && (n + 1) * longest >= have;
}

/* Whether the header's frame count describes this stream. Like FFmpeg, not when the stream is
   more than 1/16 larger than the header's byte count (frames were appended: FFmpeg's "invalid
   concatenated file"); unlike FFmpeg, not either when it is more than 1/16 smaller (a download
   cut short), nor when the count cannot fill the stream. The scan is exact where the header
   is wrong, and costs nothing on sound files. */
static bool header_counts(const ct_mpeg_info *info)
{
    const ct_mpeg_vbr_info *v = &info->vbr;
    if (v->kind == CT_MPEG_VBR_NONE || !v->has_frames || v->frames == 0)
        return false;
    /* both count the header's own frame */
    uint64_t have = info->audio_end - info->first_frame, said = v->bytes;
    uint64_t audio = have > info->frame.length ? have - info->frame.length : 0;
    if (!count_fits(&info->frame, v->frames, audio))
        return false;
    if (!v->has_bytes || v->bytes == 0)
        return true;
    uint64_t lo = have < said ? have : said, hi = have < said ? said : have;
    return hi - lo <= lo / 16;
}

/* SAMPLES at RATE in ms, rounded half up, without overflow. */
static uint64_t samples_to_ms(uint64_t samples, unsigned rate)
{
    uint64_t rem = samples % rate;
    return samples / rate * 1000 + (2 * rem * 1000 + rate) / (2 * (uint64_t)rate);
}

static const char *const header_sources[] = {[CT_MPEG_VBR_XING] = "Xing header",
                                             [CT_MPEG_VBR_INFO] = "Info header",
                                             [CT_MPEG_VBR_VBRI] = "VBRI header"};

/* The samples the header counts: gapless when LAME's delay and padding are trusted, as
   mutagen reports. 0 when they cut away every frame (LAME 3.97 writes more than a short
   file holds): then the numbers describe no stream and only a scan tells. */
static uint64_t header_samples(const ct_mpeg_info *info)
{
    const ct_mpeg_vbr_info *v = &info->vbr;
    uint64_t samples = (uint64_t)v->frames * info->frame.samples;
    uint64_t cut = v->has_lame ? (uint64_t)v->delay + v->padding : 0;
    return samples > cut ? samples - cut : 0;
}

/* Frames and duration from the header when it can be believed; else they stay 0 (and the
   source NULL) for a scan to measure. */
static void measure_header(ct_mpeg_info *info)
{
    uint64_t samples = header_counts(info) ? header_samples(info) : 0;
    if (samples == 0)
        return;
    info->frames = info->vbr.frames;
    info->duration_source = header_sources[info->vbr.kind];
    info->duration_ms = samples_to_ms(samples, info->frame.sample_rate);
}

/* Frames and duration by walking every frame after the header frame (which decodes to silence
   and is never audio). A scan is not trimmed: delay and padding describe the header's count,
   which the scan is there to replace. */
static chaptag_status measure_scan(window *w, ct_mpeg_info *info, chaptag_error *err)
{
    uint64_t from = info->first_frame;
    if (info->vbr.kind != CT_MPEG_VBR_NONE)
        from += info->frame.length;
    w->cap = w->cap_max = SCAN_BLOCK;
    chaptag_status st = scan_frames(w, from, &info->frame, &info->frames, err);
    if (st != CHAPTAG_OK)
        return st;
    info->duration_source = "frame scan";
    info->duration_ms = samples_to_ms(info->frames * info->frame.samples, info->frame.sample_rate);
    return CHAPTAG_OK;
}

/* The audio end, the first frame and its VBR header, and what the header counts: everything
   but the scan. W is set up here; its buffer is the caller's to free. */
static chaptag_status locate(ct_file *f, uint64_t audio_start, window *w, ct_mpeg_info *info,
                             chaptag_error *err)
{
    memset(info, 0, sizeof *info);
    chaptag_status st = ct_mpeg_audio_end(f, audio_start, &info->audio_end, err);
    if (st != CHAPTAG_OK)
        return st;
    *w = (window){f, info->audio_end, 0, 0, SEARCH_FIRST, SEARCH_BLOCK, ct_malloc(SCAN_BLOCK)};
    if (w->buf == NULL)
        return ct_fail_nomem(err);
    bool found;
    st = find_first_frame(w, audio_start, SEARCH_MAX, info, &found, err);
    if (st == CHAPTAG_OK && !found)
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "no MPEG audio frames found");
    if (st == CHAPTAG_OK)
        measure_header(info);
    return st;
}

chaptag_status ct_mpeg_locate(ct_file *f, uint64_t audio_start, ct_mpeg_info *out,
                              chaptag_error *err)
{
    ct_mpeg_info info;
    window w = {0};
    chaptag_status st = locate(f, audio_start, &w, &info, err);
    free(w.buf);
    if (st == CHAPTAG_OK)
        *out = info;
    return st;
}

chaptag_status ct_mpeg_probe(ct_file *f, uint64_t audio_start, ct_mpeg_info *out,
                             chaptag_error *err)
{
    ct_mpeg_info info;
    window w = {0};
    chaptag_status st = locate(f, audio_start, &w, &info, err);
    if (st == CHAPTAG_OK && info.duration_source == NULL)
        st = measure_scan(&w, &info, err);
    free(w.buf);
    if (st == CHAPTAG_OK)
        *out = info;
    return st;
}

bool ct_mpeg_sniff(ct_file *f, uint64_t from, uint64_t max)
{
    window w = {f, ct_file_size(f), 0, 0, SEARCH_BLOCK, SEARCH_BLOCK, ct_malloc(SEARCH_BLOCK)};
    ct_mpeg_info info;
    memset(&info, 0, sizeof info);
    bool found = false;
    if (w.buf != NULL && find_first_frame(&w, from, max, &info, &found, NULL) != CHAPTAG_OK)
        found = false;
    free(w.buf);
    return found;
}
