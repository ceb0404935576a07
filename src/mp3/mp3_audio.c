/* The frames of an MP3 file as packets by time, for finding pauses near chapter starts
   without reading the whole file. The stream is the one ct_mpeg_locate() finds after the ID3v2
   tags; decoder-output sample 0 is the first sample of the first frame after the Xing/Info/VBRI
   frame, which is not audio. A constant-bitrate stream places frame k by arithmetic and a
   local resync; any other is walked once into a sparse index of frame offsets, reading only
   byte 2 of each frame's header: within one stream the version and layer (byte 1) are fixed,
   and byte 2 holds the rest of what a frame's length depends on (bitrate index, sample rate,
   padding). Each indexed header, and the one after each stretch between them, is read whole;
   at any doubt (a byte 2 no frame of the stream has: another rate or private bit, a bitrate
   index of 0 or 15, a frame past the end) or an indexed header that is none of the stream's,
   that stretch is walked again reading each header whole and stepping over junk and damage.
   What byte 2 alone cannot see: a header damaged only in its sync, version or layer bits with
   the frames still in step (the whole walk drops such a frame), and junk whose bytes pass as
   frames by byte 2 and lead exactly onto a frame of the stream; both number the frames after
   them one off. Frame headers: ISO/IEC 11172-3 §2.4.2.3, 13818-3 §2.4.2.3;
   the bit reservoir: 11172-3 §2.4.1.7 (main_data_begin); encoder delay and the decoder's 529
   samples as FFmpeg's mp3dec.c counts them (reference/mpeg-audio.md). */
#include "audio.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "id3v2.h"
#include "mpeg.h"

/* Frames are read ahead in blocks of at most this (a whole pass); a window reads about what
   its frames hold. */
#define BLOCK (64u << 10)
/* After damage, how far the stream is looked for again (as mpeg.c's scan): more than the
   longest frame. */
#define RESYNC_MAX 4096u
/* Either side of a CBR frame's estimated offset, where its header is looked for. */
#define CBR_SEARCH 256u
/* A header-less stream is CBR when its first frames and a few frames at each of these places
   through it all share one bitrate (a VBR stream often starts with a run of silent frames at
   its lowest). */
#define CBR_FIRST 16u
#define CBR_PLACES 4u
#define CBR_RUN 4u
/* The walk keeps the offset of every INDEX_EVERY-th frame: 8 bytes per ~1.5 s of audio. Those
   headers are read whole, the others' byte 2 alone. */
#define INDEX_EVERY 64u
/* Decoder delay after the encoder's (FFmpeg: start_skip_samples = delay + 528 + 1). */
#define DECODER_DELAY 529u
/* More preroll frames than this would be a stream of nearly empty frames. */
#define PREROLL_MAX 32u
/* Main data the reservoir may reach back: main_data_begin is 9 bits (MPEG-1), 8 (MPEG-2/2.5). */
#define RESERVOIR_MPEG1 511u
#define RESERVOIR_LSF 255u
/* The longest frame: MPEG-2.5 Layer II, 160 kbit/s at 8 kHz, padded. */
#define MAX_FRAME_BYTES 2881u

typedef struct {
    ct_audio api; /* first: the interface's pointer is this struct's */
    ct_file *f;
    ct_mpeg_frame like;  /* the first frame: the stream's version, layer and rate */
    uint8_t like_hdr[4]; /* its header bytes, to derive the stream's shortest frame */
    uint64_t start, end; /* offset of frame 0; where the audio ends (trailing tags) */
    bool cbr;
    uint64_t avg_num, avg_den; /* a frame averages AVG_NUM / AVG_DEN bytes (CBR: exactly) */
    bool walked;               /* the walk has run: N_FRAMES and INDEX are known */
    uint64_t n_frames;
    uint64_t *index; /* offset of frame i * INDEX_EVERY */
    size_t n_index, cap_index;
    uint16_t len_of[256]; /* a frame's length by byte 2 of its header; 0 for a byte no frame of
                             the stream has (another rate or private bit, no bitrate) */
    uint8_t *buf;         /* read-ahead: bytes [BUF_OFF, BUF_OFF + GOT) of the file */
    uint64_t buf_off;
    size_t got;
} mp3_audio;

/* ---- reading -------------------------------------------------------------------------------- */

/* Points *P at the N bytes at OFF, or NULL when they are not all before the audio end. When
   they are not buffered, reads from OFF about AHEAD bytes (at least N, at most a block). */
static chaptag_status get(mp3_audio *a, uint64_t off, size_t n, uint64_t ahead, const uint8_t **p,
                          chaptag_error *err)
{
    assert(n <= BLOCK);
    *p = NULL;
    if (off >= a->buf_off && off - a->buf_off <= a->got && n <= a->got - (off - a->buf_off)) {
        *p = a->buf + (off - a->buf_off);
        return CHAPTAG_OK;
    }
    if (off > a->end || n > a->end - off)
        return CHAPTAG_OK;
    uint64_t want = ahead < n ? n : ahead;
    want = want < BLOCK ? want : BLOCK;
    want = want < a->end - off ? want : a->end - off;
    size_t keep = 0; /* the buffered bytes from OFF on are moved, not read again */
    if (off >= a->buf_off && off - a->buf_off < a->got) {
        keep = a->got - (size_t)(off - a->buf_off);
        memmove(a->buf, a->buf + (off - a->buf_off), keep);
    }
    size_t got = 0;
    a->got = 0;
    a->buf_off = off;
    chaptag_status st =
        ct_file_read(a->f, off + keep, a->buf + keep, (size_t)want - keep, &got, err);
    a->got = st == CHAPTAG_OK ? keep + got : 0;
    if (n <= a->got)
        *p = a->buf;
    return st;
}

/* What starts at an offset. */
typedef enum { FRAME_NONE, FRAME_OK, FRAME_CUT } frame_kind;

/* Whether a frame of the stream starts at OFF (*FR its header): a header of the first frame's
   version, layer and sample rate with a length (free format has none), ending by the audio
   end (FRAME_OK) or not (FRAME_CUT). */
static chaptag_status frame_at(mp3_audio *a, uint64_t off, uint64_t ahead, ct_mpeg_frame *fr,
                               frame_kind *kind, chaptag_error *err)
{
    const uint8_t *p;
    chaptag_status st = get(a, off, 4, ahead, &p, err);
    *kind = FRAME_NONE;
    if (st != CHAPTAG_OK || p == NULL || !ct_mpeg_header_parse(p, fr) || fr->length == 0 ||
        !ct_mpeg_same_stream(fr, &a->like))
        return st;
    *kind = fr->length <= a->end - off ? FRAME_OK : FRAME_CUT;
    return st;
}

/* Whether a frame at OFF is followed by another at its length (whole or cut short by the
   end), or ends the audio exactly: a sync word in junk or inside a frame's body rarely points
   at a second one. */
static chaptag_status chained(mp3_audio *a, uint64_t off, uint64_t ahead, bool *ok,
                              chaptag_error *err)
{
    ct_mpeg_frame fr, next;
    frame_kind kind;
    *ok = false;
    chaptag_status st = frame_at(a, off, ahead, &fr, &kind, err);
    if (st != CHAPTAG_OK || kind != FRAME_OK)
        return st;
    if (fr.length == a->end - off) {
        *ok = true;
        return st;
    }
    st = frame_at(a, off + fr.length, 4, &next, &kind, err);
    *ok = kind != FRAME_NONE;
    return st;
}

/* The chained frame nearest NEAR in [LO, HI) (within the audio), looking outward from NEAR;
   *OK false when there is none. The span is read at once, with EXTRA bytes after it for the
   frames that follow. */
static chaptag_status search(mp3_audio *a, uint64_t lo, uint64_t hi, uint64_t near, uint64_t extra,
                             uint64_t *at, bool *ok, chaptag_error *err)
{
    *ok = false;
    lo = lo > a->start ? lo : a->start;
    hi = hi < a->end ? hi : a->end;
    if (lo >= hi)
        return CHAPTAG_OK;
    near = near < lo ? lo : near >= hi ? hi - 1 : near;
    const uint8_t *p;
    chaptag_status st = get(a, lo, 1, hi - lo + extra, &p, err);
    for (uint64_t d = 0; st == CHAPTAG_OK && (d <= near - lo || d < hi - near); d++) {
        uint64_t tries[2];
        unsigned n = 0;
        if (d < hi - near)
            tries[n++] = near + d;
        if (d > 0 && d <= near - lo)
            tries[n++] = near - d;
        for (unsigned i = 0; i < n && st == CHAPTAG_OK; i++) {
            uint64_t at_buf = tries[i] - a->buf_off; /* a sync byte first: most bytes are not */
            if (tries[i] >= a->buf_off && at_buf < a->got && a->buf[at_buf] != 0xFF)
                continue;
            st = chained(a, tries[i], hi - lo + extra, ok, err);
            if (st == CHAPTAG_OK && *ok) {
                *at = tries[i];
                return st;
            }
        }
    }
    return st;
}

/* The frame at *OFF, or the next one the stream resumes with after damage there (*OFF moved
   to it); *FR its header. A frame not followed by another is kept unless a chained frame starts
   inside it (then it was a false sync in junk). *OK false at the end of the stream: no more
   bytes, a last frame cut short, or no frame of the stream soon after damage (which is also
   how a change of sample rate or layer ends it). AHEAD: the bytes about to be wanted; fewer
   than the frame's when only its header is (the walk), else the frame and the header after
   it are read at once. */
static chaptag_status next_frame(mp3_audio *a, uint64_t *off, uint64_t ahead, ct_mpeg_frame *fr,
                                 bool *ok, chaptag_error *err)
{
    for (;;) { /* each turn moves on to a chained frame, which ends the next */
        frame_kind kind;
        bool linked = false;
        chaptag_status st = frame_at(a, *off, ahead, fr, &kind, err);
        if (st == CHAPTAG_OK && kind == FRAME_OK && ahead > 4) {
            uint64_t whole = a->end - *off < fr->length + 4 ? a->end - *off : fr->length + 4;
            const uint8_t *p;
            st = get(a, *off, (size_t)whole, ahead > whole ? ahead : whole, &p, err);
        }
        if (st == CHAPTAG_OK && kind == FRAME_OK)
            st = chained(a, *off, ahead, &linked, err);
        *ok = kind == FRAME_OK;
        if (st != CHAPTAG_OK || kind == FRAME_CUT || linked)
            return st;
        uint64_t at, span = kind == FRAME_OK ? fr->length : RESYNC_MAX;
        bool found;
        st = search(a, *off + 1, *off + span, *off + 1, 2 * MAX_FRAME_BYTES, &at, &found, err);
        if (st != CHAPTAG_OK || !found) {
            *ok = *ok && st == CHAPTAG_OK; /* a frame junk follows is still a frame */
            return st;
        }
        *off = at;
    }
}

/* ---- the walk ------------------------------------------------------------------------------- */

/* Keeps OFF, the offset of frame n_index * INDEX_EVERY. */
static chaptag_status keep(mp3_audio *a, uint64_t off, chaptag_error *err)
{
    uint64_t *v = ct_grow(a->index, a->n_index, &a->cap_index, sizeof *v);
    if (v == NULL)
        return ct_fail_nomem(err);
    a->index = v;
    a->index[a->n_index++] = off;
    return CHAPTAG_OK;
}

/* A stretch of INDEX_EVERY frames from *OFF, where the first is looked for, each header read
   whole and junk or damage stepped over (next_frame); fewer (*GOT) only where the stream ends.
   *FIRST is where the first was found, *OFF where the one after the last is to be looked for. */
static chaptag_status stretch_whole(mp3_audio *a, uint64_t *off, uint64_t *first, uint64_t *got,
                                    chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    for (*got = 0; *got < INDEX_EVERY; ++*got) {
        ct_mpeg_frame fr;
        bool ok;
        st = next_frame(a, off, 4, &fr, &ok, err);
        if (st != CHAPTAG_OK || !ok)
            break;
        if (*got == 0)
            *first = *off;
        *off += fr.length;
    }
    return st;
}

/* The same stretch by byte 2 of each header, the first header and the one after the last read
   whole (4 bytes), that one then the next stretch's first, read once. *GOT is INDEX_EVERY, or
   fewer when the last frame ends the audio exactly. *SURE false at any doubt (a byte 2 no frame
   of the stream has, a frame past the audio end, a header read whole that is none of the
   stream's): then *OFF and *GOT are untouched and the stretch is to be walked whole. */
static chaptag_status stretch_by_byte2(mp3_audio *a, uint64_t *off, uint64_t *got, bool *sure,
                                       chaptag_error *err)
{
    ct_mpeg_frame fr;
    frame_kind kind;
    *sure = false;
    chaptag_status st = frame_at(a, *off, 4, &fr, &kind, err);
    if (st != CHAPTAG_OK || kind != FRAME_OK)
        return st;
    uint64_t at = *off + fr.length, n = 1;
    for (; n < INDEX_EVERY && at != a->end; n++) {
        const uint8_t *p = NULL;
        if (a->end - at >= 4)
            st = get(a, at + 2, 1, 1, &p, err);
        unsigned len = p != NULL ? a->len_of[*p] : 0;
        if (st != CHAPTAG_OK || len == 0 || len > a->end - at)
            return st;
        at += len;
    }
    if (at != a->end) {
        st = frame_at(a, at, 4, &fr, &kind, err);
        if (st != CHAPTAG_OK || kind != FRAME_OK)
            return st;
    }
    *off = at;
    *got = n;
    *sure = true;
    return st;
}

/* Walks every frame once, stretch by stretch (byte 2 of most headers read, every header of a
   stretch in doubt), keeping every INDEX_EVERY-th offset; a whole pass by packets() needs none
   of it. */
static chaptag_status walk(mp3_audio *a, chaptag_error *err)
{
    uint64_t off = a->start, n = 0, got;
    chaptag_status st;
    a->n_index = 0; /* a walk cut short by an error before starts again from nothing */
    do {
        uint64_t first = off;
        bool sure;
        got = 0;
        st = stretch_by_byte2(a, &off, &got, &sure, err);
        if (st == CHAPTAG_OK && !sure)
            st = stretch_whole(a, &off, &first, &got, err);
        if (st == CHAPTAG_OK && got > 0)
            st = keep(a, first, err);
        n += got;
    } while (st == CHAPTAG_OK && got == INDEX_EVERY);
    if (st != CHAPTAG_OK)
        return st;
    a->n_frames = n;
    a->walked = true;
    if (n > 0) {
        a->avg_num = a->end - a->start;
        a->avg_den = n;
    }
    return CHAPTAG_OK;
}

/* ---- placing a frame ------------------------------------------------------------------------ */

/* K * NUM / DEN without overflow for any offset a file can have. */
static uint64_t mul_div(uint64_t k, uint64_t num, uint64_t den)
{
    return k / den * num + k % den * num / den;
}

/* The number of the CBR frame at OFF: its offset in average frames, rounded (exact while the
   padding keeps the average, as encoders keep it, and past junk of less than half a frame). */
static uint64_t cbr_number(const mp3_audio *a, uint64_t off)
{
    uint64_t rel = off - a->start, q = rel / a->avg_num, r = rel % a->avg_num;
    return q * a->avg_den + (r * a->avg_den + a->avg_num / 2) / a->avg_num;
}

/* Where a CBR stream's frame K lies by arithmetic, found by a local resync: *AT a frame at or
   before it and *AT_K its number; *OK false when no frame is near the estimate. */
static chaptag_status cbr_place(mp3_audio *a, uint64_t k, uint64_t *at, uint64_t *at_k, bool *ok,
                                chaptag_error *err)
{
    uint64_t want = k, extra = 2 * (mul_div(1, a->avg_num, a->avg_den) + 2) + 8;
    chaptag_status st = CHAPTAG_OK;
    *ok = false;
    for (int tries = 0; tries < 3 && st == CHAPTAG_OK; tries++) {
        uint64_t est = a->start + mul_div(want, a->avg_num, a->avg_den);
        uint64_t lo = est > CBR_SEARCH ? est - CBR_SEARCH : 0;
        st = search(a, lo, est + CBR_SEARCH, est, extra, at, ok, err);
        if (st != CHAPTAG_OK || !*ok)
            return st;
        *at_k = cbr_number(a, *at);
        if (*at_k <= k)
            return st;
        want -= *at_k - k < want ? *at_k - k : want; /* landed late (junk): aim earlier */
    }
    *ok = false;
    return st;
}

/* A frame at or before frame K (its offset *AT and number *AT_K) from which reading forward
   reaches K; *OK false when the stream has no frame K (as far as a walk or the arithmetic
   knows). */
static chaptag_status place(mp3_audio *a, uint64_t k, uint64_t *at, uint64_t *at_k, bool *ok,
                            chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    *ok = true;
    *at = a->start;
    *at_k = 0;
    if (k == 0)
        return st;
    if (a->cbr) {
        /* no frame is shorter than a byte: a larger K is past the end (and cannot overflow) */
        if (k >= a->end - a->start || mul_div(k, a->avg_num, a->avg_den) >= a->end - a->start) {
            *ok = false;
            return st;
        }
        st = cbr_place(a, k, at, at_k, ok, err);
        if (st != CHAPTAG_OK || *ok)
            return st;
        /* damage the arithmetic cannot see past: walk this stream from now on */
        a->cbr = false;
        snprintf(a->api.info.seek, sizeof a->api.info.seek, "frame-header walk");
    }
    if (!a->walked)
        st = walk(a, err);
    if (st != CHAPTAG_OK)
        return st;
    *ok = k < a->n_frames;
    if (*ok) {
        *at = a->index[k / INDEX_EVERY];
        *at_k = k / INDEX_EVERY * INDEX_EVERY;
    }
    return st;
}

/* ---- packets -------------------------------------------------------------------------------- */

/* Bytes the frames [K, END) hold, about, as a read-ahead size (a block at most). */
static uint64_t bytes_for(const mp3_audio *a, uint64_t k, uint64_t end)
{
    uint64_t frames = end - k;
    if (frames >= BLOCK / 8)
        return BLOCK;
    return mul_div(frames, a->avg_num, a->avg_den) + frames + 4;
}

/* Reads the frames from OFF (number K) up to END, handing those from K0 on to FN; frames
   before K0 are stepped over by their headers alone. */
static chaptag_status stream(mp3_audio *a, uint64_t off, uint64_t k, uint64_t k0, uint64_t end,
                             ct_packet_fn fn, void *ctx, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    while (st == CHAPTAG_OK && k < end) {
        ct_mpeg_frame fr;
        bool ok;
        uint64_t was = off;
        st = next_frame(a, &off, k < k0 ? 4 : bytes_for(a, k, end), &fr, &ok, err);
        if (st != CHAPTAG_OK || !ok)
            break;
        if (off != was && a->cbr) { /* resynced: a damaged frame keeps its place in time */
            uint64_t at_k = cbr_number(a, off);
            k = at_k > k ? at_k : k;
        }
        if (k >= k0 && k < end) {
            const uint8_t *p;
            st = get(a, off, fr.length, bytes_for(a, k, end), &p, err);
            if (st != CHAPTAG_OK || p == NULL)
                break;
            ct_packet pkt = {p, fr.length, k * a->like.samples, fr.samples};
            st = fn(&pkt, ctx, err);
        }
        off += fr.length;
        k++;
    }
    return st;
}

static chaptag_status mp3_packets(ct_audio *base, uint64_t from, uint64_t to, ct_packet_fn fn,
                                  void *ctx, chaptag_error *err)
{
    mp3_audio *a = (mp3_audio *)base;
    uint64_t spf = a->like.samples;
    if (to <= from)
        return CHAPTAG_OK;
    uint64_t first = from / spf, end = to / spf + (to % spf != 0);
    uint64_t k0 = first > a->api.info.preroll ? first - a->api.info.preroll : 0;
    uint64_t off, k;
    bool ok;
    chaptag_status st = place(a, k0, &off, &k, &ok, err);
    if (st != CHAPTAG_OK || !ok)
        return st;
    /* a window past the last whole frame holds nothing, preroll neither */
    if (a->cbr ? first >= mul_div(a->end - a->start + 2, a->avg_den, a->avg_num)
               : a->walked && first >= a->n_frames)
        return CHAPTAG_OK;
    return stream(a, off, k, k0, end, fn, ctx, err);
}

static void mp3_close(ct_audio *base)
{
    mp3_audio *a = (mp3_audio *)base;
    if (a == NULL)
        return;
    free(a->index);
    free(a->buf);
    free(a);
}

/* ---- opening -------------------------------------------------------------------------------- */

/* The unpadded frame of HDR's stream at bitrate index BR_INDEX (1 to 14). */
static ct_mpeg_frame frame_with(const uint8_t hdr[4], unsigned br_index)
{
    uint8_t h[4];
    memcpy(h, hdr, 4);
    h[2] = (uint8_t)((h[2] & 0x0D) | br_index << 4);
    ct_mpeg_frame fr;
    bool ok = ct_mpeg_header_parse(h, &fr);
    assert(ok);
    (void)ok;
    return fr;
}

/* A->len_of from HDR, a header of the stream: the length of a frame whose header is HDR with
   byte 2 set to each value, where that byte keeps HDR's sample rate and private bit (bits 3-2,
   0; a stream changes neither) and has a bitrate. */
static void fill_lengths(mp3_audio *a, const uint8_t hdr[4])
{
    for (unsigned b = 0; b < 256; b++) {
        uint8_t h[4] = {hdr[0], hdr[1], (uint8_t)b, hdr[3]};
        ct_mpeg_frame fr;
        bool same = (b & 0x0D) == (hdr[2] & 0x0D);
        a->len_of[b] = same && ct_mpeg_header_parse(h, &fr) ? (uint16_t)fr.length : 0;
    }
}

/* Frames to decode before a window: Layer III's bit reservoir reaches back up to 511 bytes of
   main data (255 in MPEG-2/2.5) over frames that may each carry little (the stream's shortest,
   SHORTEST), and one more for the overlap of the IMDCT. */
static unsigned preroll_for(const ct_mpeg_frame *shortest)
{
    static const unsigned side_info[2][2] = {{32, 17}, {17, 9}}; /* [lsf][mono] */
    unsigned lsf = shortest->version != 10;
    unsigned reservoir = lsf ? RESERVOIR_LSF : RESERVOIR_MPEG1;
    unsigned overhead = 4 + (shortest->crc ? 2 : 0) + side_info[lsf][shortest->channels == 1];
    if (shortest->length <= overhead)
        return PREROLL_MAX;
    unsigned main_data = shortest->length - overhead;
    unsigned n = (reservoir + main_data - 1) / main_data + 1;
    return n < PREROLL_MAX ? n : PREROLL_MAX;
}

/* Whether the CBR_RUN frames from OFF all have KBPS; *OK false when they do not or are not
   there. */
static chaptag_status same_bitrate(mp3_audio *a, uint64_t off, unsigned n, unsigned kbps, bool *ok,
                                   chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    *ok = true;
    for (unsigned i = 0; i < n && st == CHAPTAG_OK && *ok; i++) {
        ct_mpeg_frame fr;
        frame_kind kind;
        st = frame_at(a, off, (uint64_t)(n - i) * (a->like.length + 2), &fr, &kind, err);
        *ok = st == CHAPTAG_OK && kind == FRAME_OK && fr.bitrate_kbps == kbps;
        if (*ok)
            off += fr.length;
    }
    return st;
}

/* Whether a stream without a VBR header is CBR: its first frames and a few at places through
   it share one bitrate. */
static chaptag_status looks_constant(mp3_audio *a, unsigned kbps, bool *cbr, chaptag_error *err)
{
    chaptag_status st = same_bitrate(a, a->start, CBR_FIRST, kbps, cbr, err);
    uint64_t span = a->end - a->start;
    for (unsigned i = 1; i <= CBR_PLACES && st == CHAPTAG_OK && *cbr; i++) {
        uint64_t est = a->start + mul_div(i, span, CBR_PLACES + 1), at;
        uint64_t lo = est > CBR_SEARCH ? est - CBR_SEARCH : 0;
        st = search(a, lo, est + CBR_SEARCH, est, CBR_RUN * (a->like.length + 2), &at, cbr, err);
        if (st == CHAPTAG_OK && *cbr)
            st = same_bitrate(a, at, CBR_RUN, kbps, cbr, err);
    }
    return st;
}

/* How packets are found: by arithmetic for a CBR stream (an Info header, or none and one
   bitrate throughout), else by a walk; the average frame size and the preroll either way. */
static chaptag_status choose_seek(mp3_audio *a, const ct_mpeg_info *mp, chaptag_error *err)
{
    ct_mpeg_frame fr;
    frame_kind kind;
    const uint8_t *p = NULL;
    chaptag_status st = frame_at(a, a->start, 4, &fr, &kind, err);
    if (st == CHAPTAG_OK && kind != FRAME_NONE)
        st = get(a, a->start, 4, 4, &p, err);
    if (st != CHAPTAG_OK)
        return st;
    uint8_t hdr[4]; /* frame 0's, or the first frame's when no frame follows it */
    memcpy(hdr, p != NULL ? p : a->like_hdr, 4);
    if (p == NULL)
        fr = a->like;
    a->cbr = mp->vbr.kind == CT_MPEG_VBR_INFO;
    if (mp->vbr.kind == CT_MPEG_VBR_NONE)
        st = looks_constant(a, fr.bitrate_kbps, &a->cbr, err);
    /* bytes per frame = samples / 8 * bit/s / Hz; a VBR stream's from its header's count */
    a->avg_num = (uint64_t)fr.samples * fr.bitrate_kbps * 125;
    a->avg_den = fr.sample_rate;
    if (!a->cbr && mp->vbr.has_frames && mp->vbr.frames > 0 && a->end > a->start) {
        a->avg_num = a->end - a->start;
        a->avg_den = mp->vbr.frames;
    }
    fill_lengths(a, hdr);
    ct_mpeg_frame shortest = frame_with(hdr, a->cbr ? hdr[2] >> 4 : 1);
    a->api.info.preroll = preroll_for(&shortest);
    snprintf(a->api.info.seek, sizeof a->api.info.seek, "%s",
             a->cbr ? "CBR arithmetic" : "frame-header walk");
    return st;
}

/* CHAPTAG_ERR_AUDIO when the first frame header in the MAX bytes at FROM is free format: such
   a stream has no frame lengths to follow, so ct_mpeg_locate() finds no first frame in it, or
   a false one further on. */
static chaptag_status refuse_free_format(ct_file *f, uint64_t from, size_t max, chaptag_error *err)
{
    uint8_t b[4096];
    size_t got = 0;
    assert(max <= sizeof b);
    chaptag_status st = ct_file_read(f, from, b, max, &got, err);
    for (size_t i = 0; st == CHAPTAG_OK && i + 4 <= got; i++) {
        ct_mpeg_frame fr;
        if (b[i] != 0xFF || !ct_mpeg_header_parse(b + i, &fr))
            continue;
        if (fr.bitrate_kbps == 0)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "free-format MP3 is not supported");
        break;
    }
    return st;
}

/* The stream after the tags, found as mp3.c finds it, of any layer. A free-format stream is
   told apart by a header right after the tags when the stream was found further on, or by
   the first header of the next 4 KiB when none was. */
static chaptag_status find_stream(ct_file *f, ct_mpeg_info *mp, uint64_t *audio_start,
                                  chaptag_error *err)
{
    uint64_t over; /* an overclaiming tag is left for the stream search to step over */
    chaptag_status st = ct_mpeg_tags_extent(f, audio_start, &over, err);
    if (st != CHAPTAG_OK)
        return st;
    st = ct_mpeg_locate(f, *audio_start, mp, err);
    if ((st == CHAPTAG_OK && mp->first_frame > *audio_start) || st == CHAPTAG_ERR_AUDIO) {
        chaptag_error ff_err;
        chaptag_status ff =
            refuse_free_format(f, *audio_start, st == CHAPTAG_OK ? 4 : 4096, &ff_err);
        if (ff != CHAPTAG_OK) {
            if (err != NULL)
                *err = ff_err;
            return ff;
        }
    }
    return st;
}

/* What a decoder is told: skip and samples from the LAME extension and the header's count
   when they can be believed (ct_mpeg_locate() measured them), else unknown. */
static void fill_info(ct_audio_info *info, const ct_mpeg_info *mp)
{
    const ct_mpeg_vbr_info *v = &mp->vbr;
    info->codec = CT_CODEC_MP3;
    info->sample_rate = mp->frame.sample_rate;
    info->channels = mp->frame.channels;
    info->skip = v->has_lame ? (uint64_t)v->delay + DECODER_DELAY : 0;
    if (mp->duration_source != NULL) {
        uint64_t all = mp->frames * mp->frame.samples;
        uint64_t cut = v->has_lame ? (uint64_t)v->delay + v->padding : 0;
        info->samples = all > cut ? all - cut : 0;
    }
}

chaptag_status ct_mp3_audio_open(ct_file *f, ct_audio **out, chaptag_error *err)
{
    ct_mpeg_info mp;
    uint64_t audio_start;
    chaptag_status st = find_stream(f, &mp, &audio_start, err);
    if (st != CHAPTAG_OK)
        return st;
    if (mp.frame.layer != 3) { /* MP1, MP2: libavformat's to decode */
        *out = NULL;
        return CHAPTAG_OK;
    }
    mp3_audio *a = ct_calloc(1, sizeof *a);
    if (a == NULL)
        return ct_fail_nomem(err);
    a->buf = ct_malloc(BLOCK);
    if (a->buf == NULL) {
        free(a);
        return ct_fail_nomem(err);
    }
    a->api.packets = mp3_packets;
    a->api.close = mp3_close;
    a->f = f;
    a->like = mp.frame;
    a->end = mp.audio_end;
    a->start = mp.first_frame + (mp.vbr.kind != CT_MPEG_VBR_NONE ? mp.frame.length : 0);
    a->start = a->start < a->end ? a->start : a->end;
    fill_info(&a->api.info, &mp);
    st = ct_file_read(f, mp.first_frame, a->like_hdr, 4, NULL, err);
    if (st == CHAPTAG_OK)
        st = choose_seek(a, &mp, err);
    if (st != CHAPTAG_OK) {
        mp3_close(&a->api);
        return st;
    }
    *out = &a->api;
    return CHAPTAG_OK;
}
