/* The coded audio of an MP4 file by time, for finding pauses (issue 20): the first enabled
   sound track holding AAC (or MP3), its AudioSpecificConfig from esds (ISO/IEC 14496-1
   §7.2.6.5-7, 14496-3 §1.6.2.1), its packets found through the sample tables (ISO/IEC
   14496-12 §8.6.1.2 stts, §8.7.3 stsz, §8.7.4 stsc, §8.7.5 stco/co64) and its start through
   the edit list (§8.6.6 elst). The tables are read in blocks as packets are wanted, never
   expanded: a window of a 10-hour book reads a few KiB of them, and memory stays flat.

   Times handed out are decoder-output samples at INFO.sample_rate: a sample's media time
   (stts) scaled from the media timescale to that rate, plus the delay of an empty edit
   first. An empty edit (media time -1) first is D samples of silence a player shows before
   the media: every packet's FIRST is moved D later and SKIP stays the first real edit's
   media time, so FIRST - SKIP is still the time a player shows. Edits after the first
   non-empty one are not followed (books and podcasts have one); tables that disagree on the
   number of samples hand out those all of them describe; an empty sample is passed over (an
   empty packet tells a decoder to drain); a packet's SAMPLES is its stts duration, so the
   last is shorter than the frame it decodes to when stts says so.

   HE-AAC: INFO.sample_rate is the SBR rate when the AudioSpecificConfig signals SBR, else
   its core rate. With implicit SBR the decoder finds SBR by itself and gives twice the
   samples: ext/avcodec.c folds what it decodes back to INFO.sample_rate, the rate of every
   time handed out here.

   A file this source does not hand out, another codec in every sound track (ALAC, AC-3, ...),
   movie fragments or compact sample sizes (stz2), opens as no source: the caller decodes it
   through libavformat. Damage is refused with its reason. */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "mp4_int.h"

/* Bytes of a table read at once when its box stays in the file. */
#define BLOCK 4096
/* Places remembered in stts and stsc, so that finding a time walks at most 1/MARKS of them. */
#define MARKS 256
/* No audio frame is larger: a bigger sample size is a damaged table. */
#define SAMPLE_MAX (1u << 20)
/* Samples back to back in the file are read together, up to this many bytes. */
#define READ_AHEAD (64u << 10)
/* A box chaptag loads whole to read a few fields of it. */
#define SMALL_BOX_MAX (1u << 20)
/* Packets decoded before a window and thrown away: AAC's overlap of one frame with the
   next, and its first output frame; an MP3 frame's bit reservoir reaches up to 511 bytes
   back, nine low-bitrate frames, and its overlap one more. */
#define AAC_PREROLL 2
#define MP3_PREROLL 10

/* One sample table: fixed-width entries in memory (a loaded box) or in the file. */
typedef struct {
    const uint8_t *mem; /* the entries, when the box is loaded */
    uint64_t off;       /* else where they start in the file */
    uint32_t n;
    unsigned width;
    uint8_t blk[BLOCK]; /* entries BLK_FIRST to BLK_FIRST + BLK_N - 1, read from the file */
    uint32_t blk_first, blk_n;
} table;

typedef struct {
    uint32_t entry;
    uint64_t sample, time;
} stts_mark;

typedef struct {
    uint32_t entry;
    uint64_t sample;
} stsc_mark;

/* Where a walk through the samples stands: one sample, its time and place. */
typedef struct {
    uint64_t sample;
    uint64_t time;    /* media timescale */
    uint64_t off;     /* in the file */
    uint32_t tt;      /* its stts entry */
    uint64_t tt_left; /* samples of that entry from this one on */
    uint32_t delta;
    uint32_t sc;         /* its stsc entry */
    uint64_t chunk;      /* 1-based, as stsc counts */
    uint64_t chunk_next; /* first chunk of the next stsc entry (N_CHUNKS + 1 after the last) */
    uint32_t per_chunk;
    uint32_t in_chunk; /* its index in its chunk */
} cursor;

typedef struct {
    ct_audio pub; /* first: the ct_audio handed out is this */
    ct_file *f;
    mp4_file m;
    table stts, stsc, stsz, stco;
    uint32_t fixed_size; /* stsz's one size for all samples; 0: a table */
    uint64_t n_samples;  /* what all tables agree on */
    uint32_t timescale;  /* mdhd */
    uint64_t delay;      /* decoder-output samples of an empty edit first */
    uint64_t end;        /* decoder-output index past the last sample */
    stts_mark tt_marks[MARKS];
    size_t n_tt_marks;
    stsc_mark sc_marks[MARKS];
    size_t n_sc_marks;
    uint8_t *buf; /* bytes BUF_OFF to BUF_OFF + BUF_LEN of the file */
    size_t cap, buf_len;
    uint64_t buf_off;
    chaptag_status io; /* the first failed read of a table; IO_ERR says why */
    chaptag_error io_err;
    bool foreign; /* the file holds what this source does not hand out and libavformat reads:
                     another codec, fragments, compact sample sizes */
} mp4_audio;

/* Stops opening a file this source does not hand out (not an error: ct_mp4_audio_open() gives
   no source, and the caller decodes the file through libavformat). */
static chaptag_status foreign(mp4_audio *a)
{
    a->foreign = true;
    return CHAPTAG_ERR_AUDIO;
}

/* ---- reading the tables ------------------------------------------------------------------ */

/* The entry I of T (I below T->n); zeros when the file cannot be read (A->io says so). */
static const uint8_t *entry(mp4_audio *a, table *t, uint32_t i)
{
    static const uint8_t zeros[12];
    assert(t->width <= sizeof zeros && (i < t->n || a->io != CHAPTAG_OK));
    if (i >= t->n)
        return zeros; /* only after a failed read gave a walk zeros to follow */
    if (t->mem != NULL)
        return t->mem + (size_t)i * t->width;
    if (i < t->blk_first || i - t->blk_first >= t->blk_n) {
        uint32_t per = BLOCK / t->width, n = t->n - i < per ? t->n - i : per;
        chaptag_status st = a->io != CHAPTAG_OK
                                ? a->io
                                : ct_file_read(a->f, t->off + (uint64_t)i * t->width, t->blk,
                                               (size_t)n * t->width, NULL, &a->io_err);
        if (st != CHAPTAG_OK) {
            a->io = st;
            t->blk_n = 0;
            return zeros;
        }
        t->blk_first = i;
        t->blk_n = n;
    }
    return t->blk + (size_t)(i - t->blk_first) * t->width;
}

static uint32_t u32_at(mp4_audio *a, table *t, uint32_t i, unsigned field)
{
    return ct_load_u32be(entry(a, t, i) + field);
}

static uint32_t sample_size(mp4_audio *a, uint64_t sample)
{
    return a->fixed_size ? a->fixed_size : u32_at(a, &a->stsz, (uint32_t)sample, 0);
}

/* The file offset of CHUNK (1-based). */
static uint64_t chunk_off(mp4_audio *a, uint64_t chunk)
{
    const uint8_t *e = entry(a, &a->stco, (uint32_t)(chunk - 1));
    return a->stco.width == 8 ? ct_load_u64be(e) : ct_load_u32be(e);
}

/* The next entry of stsc after index SC: its first chunk, or the chunk past the last. */
static uint64_t next_first_chunk(mp4_audio *a, uint32_t sc)
{
    return sc + 1 < a->stsc.n ? u32_at(a, &a->stsc, sc + 1, 0) : (uint64_t)a->stco.n + 1;
}

/* V * NUM / DEN rounded down; UINT64_MAX when it does not fit. */
static uint64_t muldiv(uint64_t v, uint32_t num, uint32_t den)
{
    uint64_t q = v / den, r = v % den;
    if (q != 0 && q > UINT64_MAX / num)
        return UINT64_MAX;
    uint64_t hi = q * num, lo = r * num / den; /* r < 2^32, num < 2^32 */
    return hi > UINT64_MAX - lo ? UINT64_MAX : hi + lo;
}

/* The decoder-output index of media time T. */
static uint64_t out_index(const mp4_audio *a, uint64_t t)
{
    return a->delay + muldiv(t, a->pub.info.sample_rate, a->timescale);
}

/* Reads the HEAD bytes of fields at the start of table box B into FIELDS. */
static chaptag_status table_fields(mp4_audio *a, const ct_box *b, unsigned head, uint8_t *fields,
                                   chaptag_error *err)
{
    if (b->size - b->hdr_len < head)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the %.4s box of the sound track is cut short",
                       b->type);
    if (!b->loaded)
        return ct_file_read(a->f, b->off + b->hdr_len, fields, head, NULL, err);
    memcpy(fields, b->data, head);
    return CHAPTAG_OK;
}

/* Sets up T over the N entries of WIDTH bytes after the HEAD bytes of fields of table box B,
   checking that the box holds them. */
static chaptag_status open_table(const ct_box *b, unsigned head, uint32_t n, unsigned width,
                                 table *t, chaptag_error *err)
{
    memset(t, 0, sizeof *t);
    t->n = n;
    t->width = width;
    if (n > (b->size - b->hdr_len - head) / width)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the %.4s box of the sound track counts %"
                       PRIu32 " entries, more than it holds (the file is damaged)", b->type, n);
    if (b->loaded)
        t->mem = b->data + head;
    else
        t->off = b->off + b->hdr_len + head;
    return CHAPTAG_OK;
}

/* The four tables of the track's stbl (stsz with one size for all has no table). */
static chaptag_status open_tables(mp4_audio *a, const ct_box *stbl, chaptag_error *err)
{
    const ct_box *b[4] = {ct_box_child(stbl, "stts"), ct_box_child(stbl, "stsc"),
                          ct_box_child(stbl, "stco"), ct_box_child(stbl, "stsz")};
    table *t[3] = {&a->stts, &a->stsc, &a->stco};
    unsigned widths[3] = {8, 12, 4};
    if (b[2] == NULL && (b[2] = ct_box_child(stbl, "co64")) != NULL)
        widths[2] = 8;
    if (b[3] == NULL && ct_box_child(stbl, "stz2") != NULL)
        return foreign(a); /* compact sample sizes */
    if (b[0] == NULL || b[1] == NULL || b[2] == NULL || b[3] == NULL)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track lacks one of its sample "
                       "tables (stts, stsc, stsz, stco)");
    uint8_t f[12];
    chaptag_status st = CHAPTAG_OK;
    for (int i = 0; i < 3 && st == CHAPTAG_OK; i++)
        if ((st = table_fields(a, b[i], 8, f, err)) == CHAPTAG_OK)
            st = open_table(b[i], 8, ct_load_u32be(f + 4), widths[i], t[i], err);
    if (st == CHAPTAG_OK)
        st = table_fields(a, b[3], 12, f, err);
    if (st != CHAPTAG_OK)
        return st;
    a->fixed_size = ct_load_u32be(f + 4);
    a->n_samples = ct_load_u32be(f + 8);
    if (a->fixed_size > SAMPLE_MAX)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's samples are %" PRIu32
                       " bytes each, more than any audio frame (the file is damaged)",
                       a->fixed_size);
    return a->fixed_size ? CHAPTAG_OK
                         : open_table(b[3], 12, ct_load_u32be(f + 8), 4, &a->stsz, err);
}

/* One pass over stts: no sample without a duration, a total that fits, MARKS places kept. */
static chaptag_status check_stts(mp4_audio *a, uint64_t *samples, uint64_t *time,
                                 chaptag_error *err)
{
    uint32_t stride = a->stts.n / MARKS + 1;
    uint64_t s = 0, t = 0;
    for (uint32_t e = 0; e < a->stts.n && a->io == CHAPTAG_OK; e++) {
        uint32_t count = u32_at(a, &a->stts, e, 0), delta = u32_at(a, &a->stts, e, 4);
        if (e % stride == 0)
            a->tt_marks[a->n_tt_marks++] = (stts_mark){e, s, t};
        if (count > 0 && delta == 0)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's stts gives %" PRIu32
                           " samples no duration (the file is damaged)", count);
        if ((uint64_t)count * delta > (UINT64_MAX >> 2) - t)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's stts adds up to an "
                           "impossible duration (the file is damaged)");
        s += count;
        t += (uint64_t)count * delta;
    }
    *samples = s;
    *time = t;
    return CHAPTAG_OK;
}

/* One pass over stsc: chunks counted from 1, in order, within stco, none empty; *SAMPLES is
   how many samples the chunks hold. */
static chaptag_status check_stsc(mp4_audio *a, uint64_t *samples, chaptag_error *err)
{
    uint32_t stride = a->stsc.n / MARKS + 1;
    uint64_t s = 0;
    if (a->stsc.n == 0 && a->stco.n > 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's stsc is empty but it "
                       "has %" PRIu32 " chunks (the file is damaged)", a->stco.n);
    uint32_t prev = 0;
    for (uint32_t e = 0; e < a->stsc.n && a->io == CHAPTAG_OK; e++) {
        uint32_t first = u32_at(a, &a->stsc, e, 0), per = u32_at(a, &a->stsc, e, 4);
        if (e % stride == 0)
            a->sc_marks[a->n_sc_marks++] = (stsc_mark){e, s};
        if ((e == 0 ? first != 1 : first <= prev) || first > a->stco.n || per == 0)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "entry %" PRIu32 " of the sound track's "
                           "stsc (chunk %" PRIu32 ", %" PRIu32 " samples each, of %" PRIu32
                           " chunks) is impossible (the file is damaged)",
                           e + 1, first, per, a->stco.n);
        uint64_t next = next_first_chunk(a, e);
        if (next > first) /* else the next entry is refused */
            s += (next - first) * per;
        prev = first;
    }
    *samples = s;
    return CHAPTAG_OK;
}

/* ---- walking the samples ----------------------------------------------------------------- */

/* Places C's stts fields at sample KEY, or at the sample holding media time KEY (BY_TIME);
   past the last entry, at the end. */
static void seek_stts(mp4_audio *a, cursor *c, uint64_t key, bool by_time)
{
    size_t lo = 0, hi = a->n_tt_marks;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if ((by_time ? a->tt_marks[mid].time : a->tt_marks[mid].sample) <= key)
            lo = mid;
        else
            hi = mid;
    }
    uint32_t e = lo < a->n_tt_marks ? a->tt_marks[lo].entry : 0;
    uint64_t s = lo < a->n_tt_marks ? a->tt_marks[lo].sample : 0;
    uint64_t t = lo < a->n_tt_marks ? a->tt_marks[lo].time : 0;
    for (; e < a->stts.n && a->io == CHAPTAG_OK; e++) {
        uint32_t count = u32_at(a, &a->stts, e, 0), delta = u32_at(a, &a->stts, e, 4);
        uint64_t span = by_time ? (uint64_t)count * delta : count, at = by_time ? t : s;
        if (count > 0 && key - at < span) {
            uint64_t j = by_time ? (key - t) / delta : key - s;
            *c = (cursor){.sample = s + j, .time = t + j * delta, .tt = e,
                          .tt_left = count - j, .delta = delta};
            return;
        }
        s += count;
        t += (uint64_t)count * delta;
    }
    *c = (cursor){.sample = s, .time = t, .tt = a->stts.n};
}

/* Places C's chunk fields and offset at its sample (below the track's count). */
static void seek_chunk(mp4_audio *a, cursor *c)
{
    size_t lo = 0, hi = a->n_sc_marks;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->sc_marks[mid].sample <= c->sample)
            lo = mid;
        else
            hi = mid;
    }
    uint32_t e = a->sc_marks[lo].entry;
    uint64_t s = a->sc_marks[lo].sample;
    for (; e < a->stsc.n && a->io == CHAPTAG_OK; e++) {
        uint32_t first = u32_at(a, &a->stsc, e, 0), per = u32_at(a, &a->stsc, e, 4);
        uint64_t next = next_first_chunk(a, e);
        if (c->sample - s < (next - first) * per) {
            c->sc = e;
            c->chunk = first + (c->sample - s) / per;
            c->chunk_next = next;
            c->per_chunk = per;
            c->in_chunk = (uint32_t)((c->sample - s) % per);
            break;
        }
        s += (next - first) * per;
    }
    assert(e < a->stsc.n || a->io != CHAPTAG_OK); /* the count is what stsc holds, or less */
    c->off = a->io == CHAPTAG_OK ? chunk_off(a, c->chunk) : 0;
    uint64_t from = c->sample - c->in_chunk;
    if (a->fixed_size)
        c->off += (uint64_t)c->in_chunk * a->fixed_size;
    for (uint64_t k = from; !a->fixed_size && k < c->sample && a->io == CHAPTAG_OK; k++)
        c->off += sample_size(a, k);
}

/* A cursor at SAMPLE (below the track's count). */
static void seek_sample(mp4_audio *a, cursor *c, uint64_t sample)
{
    seek_stts(a, c, sample, false);
    seek_chunk(a, c);
}

/* Moves C to the next sample; at the last, past it (its sample the count). */
static void next_sample(mp4_audio *a, cursor *c)
{
    c->off += sample_size(a, c->sample);
    c->time += c->delta;
    if (++c->sample >= a->n_samples)
        return;
    while (--c->tt_left == 0 && c->tt + 1 < a->stts.n && a->io == CHAPTAG_OK) {
        c->tt++;
        c->tt_left = (uint64_t)u32_at(a, &a->stts, c->tt, 0) + 1; /* runs of none are passed */
        c->delta = u32_at(a, &a->stts, c->tt, 4);
    }
    if (++c->in_chunk < c->per_chunk)
        return;
    c->in_chunk = 0;
    if (++c->chunk == c->chunk_next) {
        c->sc++;
        c->per_chunk = u32_at(a, &a->stsc, c->sc, 4);
        c->chunk_next = next_first_chunk(a, c->sc);
    }
    c->off = chunk_off(a, c->chunk);
}

/* The sample holding decoder-output index V (the first when V is before it). */
static uint64_t sample_at(mp4_audio *a, uint64_t v)
{
    if (v <= a->delay)
        return 0;
    uint64_t x = v - a->delay;
    cursor c;
    seek_stts(a, &c, muldiv(x, a->timescale, a->pub.info.sample_rate), true);
    /* rounding down both ways can land one sample early */
    while (c.sample + 1 < a->n_samples && c.tt_left > 1 &&
           muldiv(c.time + c.delta, a->pub.info.sample_rate, a->timescale) <= x) {
        c.sample++;
        c.time += c.delta;
        c.tt_left--;
    }
    return c.sample < a->n_samples ? c.sample : a->n_samples - 1;
}

static chaptag_status table_failure(const mp4_audio *a, chaptag_error *err)
{
    if (err != NULL)
        *err = a->io_err;
    return a->io;
}

/* The bytes of C's sample (LEN of them, checked to lie in the file), from the read-ahead
   buffer; on a miss, read with the samples after it that lie back to back and start before
   TO, up to READ_AHEAD bytes. */
static chaptag_status sample_bytes(mp4_audio *a, const cursor *c, uint32_t len, uint64_t to,
                                   const uint8_t **out, chaptag_error *err)
{
    if (c->off >= a->buf_off && c->off - a->buf_off <= a->buf_len &&
        len <= a->buf_len - (c->off - a->buf_off)) {
        *out = a->buf + (c->off - a->buf_off);
        return CHAPTAG_OK;
    }
    uint64_t end = c->off + len, size = ct_file_size(a->f);
    cursor n = *c;
    for (next_sample(a, &n); n.sample < a->n_samples && n.off == end && a->io == CHAPTAG_OK;
         next_sample(a, &n)) {
        uint32_t s = sample_size(a, n.sample);
        if (out_index(a, n.time) >= to || end - c->off + s > READ_AHEAD || s > size - end)
            break;
        end += s;
    }
    if (a->io != CHAPTAG_OK)
        return table_failure(a, err);
    size_t want = (size_t)(end - c->off);
    if (want > a->cap) {
        uint8_t *b = ct_realloc(a->buf, want);
        if (b == NULL)
            return ct_fail_nomem(err);
        a->buf = b;
        a->cap = want;
    }
    a->buf_len = 0;
    chaptag_status st = ct_file_read(a->f, c->off, a->buf, want, NULL, err);
    if (st != CHAPTAG_OK)
        return st;
    a->buf_off = c->off;
    a->buf_len = want;
    *out = a->buf;
    return CHAPTAG_OK;
}

static chaptag_status packets(ct_audio *pub, uint64_t from, uint64_t to, ct_packet_fn fn,
                              void *ctx, chaptag_error *err)
{
    mp4_audio *a = (mp4_audio *)pub;
    a->io = CHAPTAG_OK;
    if (from >= to || from >= a->end)
        return CHAPTAG_OK;
    uint64_t k = sample_at(a, from);
    cursor c;
    seek_sample(a, &c, k > a->pub.info.preroll ? k - a->pub.info.preroll : 0);
    uint64_t size = ct_file_size(a->f);
    for (; c.sample < a->n_samples && a->io == CHAPTAG_OK; next_sample(a, &c)) {
        uint64_t first = out_index(a, c.time);
        if (first >= to)
            break;
        uint32_t len = sample_size(a, c.sample);
        if (len > SAMPLE_MAX || c.off > size || len > size - c.off)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "sample %" PRIu64 " of the sound track "
                           "(%" PRIu32 " bytes at offset %" PRIu64 ") lies past the end of the "
                           "file or is larger than any audio frame (the file is damaged)",
                           c.sample + 1, len, c.off);
        if (len == 0 || a->io != CHAPTAG_OK)
            continue; /* an empty packet would tell a decoder to drain */
        uint64_t n = out_index(a, c.time + c.delta) - first; /* a damaged delta: cut, not wrapped */
        ct_packet p = {NULL, len, first, n > UINT32_MAX ? UINT32_MAX : (uint32_t)n};
        chaptag_status st = sample_bytes(a, &c, len, to, &p.data, err);
        if (st == CHAPTAG_OK)
            st = fn(&p, ctx, err);
        if (st != CHAPTAG_OK)
            return st;
    }
    return a->io == CHAPTAG_OK ? CHAPTAG_OK : table_failure(a, err);
}

static void close_audio(ct_audio *pub)
{
    mp4_audio *a = (mp4_audio *)pub;
    if (a == NULL)
        return;
    ct_mp4_file_free(&a->m);
    free(a->buf);
    free(a);
}

/* ---- what the track holds ---------------------------------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t n_bits, pos;
} bits;

static uint32_t get_bits(bits *b, unsigned n)
{
    uint32_t v = 0;
    for (; n > 0; n--, b->pos++)
        v = v << 1 | (b->pos < b->n_bits ? (b->p[b->pos >> 3] >> (7 - (b->pos & 7))) & 1u : 0);
    return v;
}

static unsigned object_type(bits *b)
{
    unsigned t = get_bits(b, 5);
    return t == 31 ? 32 + get_bits(b, 6) : t;
}

/* The sampling rates an AudioSpecificConfig names by index (ISO/IEC 14496-3). */
static const uint32_t rates[13] = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                   22050, 16000, 12000, 11025, 8000,  7350};

static uint32_t sampling_rate(bits *b)
{
    unsigned i = get_bits(b, 4);
    return i == 15 ? get_bits(b, 24) : i < 13 ? rates[i] : 0;
}

/* AAC object types libavcodec's AAC decoder takes (ISO/IEC 14496-3 Table 1.1). */
static bool aac_type(unsigned t)
{
    static const uint8_t types[] = {1, 2, 3, 4, 6, 17, 19, 20, 23, 39};
    for (size_t i = 0; i < sizeof types; i++)
        if (types[i] == t)
            return true;
    return false;
}

/* The fields of GASpecificConfig (§4.4.1) before the explicit SBR signal; false when a program
   config element (channel configuration 0) hides where they end. */
static bool skip_ga_config(bits *b, unsigned type, unsigned channels)
{
    get_bits(b, 1); /* frameLengthFlag */
    if (get_bits(b, 1))
        get_bits(b, 14); /* coreCoderDelay */
    unsigned ext = get_bits(b, 1);
    if (channels == 0)
        return false;
    if (type == 6 || type == 20)
        get_bits(b, 3);
    if (ext) {
        if (type == 22)
            get_bits(b, 16);
        if (type == 17 || type == 19 || type == 20 || type == 23)
            get_bits(b, 3);
        get_bits(b, 1);
    }
    if (type == 17 || type == 19 || type == 20 || type == 23)
        get_bits(b, 2); /* epConfig */
    return true;
}

/* The rate and channels of the AudioSpecificConfig in INFO (§1.6.2.1): the SBR rate when it is
   signalled (hierarchically, or after the sync word 0x2b7); the core rate when it is not
   (implicit SBR, which the decoder finds and reports itself). */
static chaptag_status read_asc(ct_audio_info *info, uint32_t entry_channels, chaptag_error *err)
{
    static const uint8_t layouts[15] = {0, 1, 2, 3, 4, 5, 6, 8, 0, 0, 0, 7, 8, 24, 8};
    bits b = {info->config, info->config_len * 8, 0};
    unsigned type = object_type(&b);
    uint32_t rate = sampling_rate(&b), sbr_rate = 0;
    unsigned layout = get_bits(&b, 4);
    bool ps = type == 29;
    if (type == 5 || type == 29) {
        sbr_rate = sampling_rate(&b);
        type = object_type(&b);
    }
    if (!aac_type(type)) { /* ALS, SLS, ...: another codec */
        info->codec = CT_CODEC_NONE;
        return CHAPTAG_OK;
    }
    if (b.pos > b.n_bits || rate == 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's AudioSpecificConfig is "
                       "damaged");
    /* a GASpecificConfig cut short (a coreCoderDelay flag with no delay after it, as some
       audiobook tools write) still has its rate and channels, and FFmpeg reads zeros past
       the end and plays the file: only the signal that would follow it is lost */
    bool ga = type != 39 && sbr_rate == 0 && skip_ga_config(&b, type, layout) &&
              b.pos <= b.n_bits;
    /* the backward-compatible signal after the config; cut short, it says nothing (FFmpeg
       writes its "no SBR" one without the last bit) */
    bits ext = b;
    if (ga && ext.pos + 16 <= ext.n_bits && get_bits(&ext, 11) == 0x2b7 &&
        object_type(&ext) == 5 && get_bits(&ext, 1)) {
        uint32_t r = sampling_rate(&ext);
        bool ext_ps = ext.pos + 12 <= ext.n_bits && get_bits(&ext, 11) == 0x548 &&
                      get_bits(&ext, 1);
        if (ext.pos <= ext.n_bits && r != 0) {
            sbr_rate = r;
            ps = ext_ps;
        }
    }
    info->sample_rate = sbr_rate ? sbr_rate : rate;
    info->channels = layout < sizeof layouts ? layouts[layout] : 0;
    if (info->channels == 0)
        info->channels = entry_channels;
    if (ps && info->channels == 1)
        info->channels = 2;
    return CHAPTAG_OK;
}

/* One descriptor (ISO/IEC 14496-1 §8.3.3): a tag, a size in 1 to 4 bytes of 7 bits, and its
   body. False when it does not fit in R. */
static bool descriptor(ct_reader *r, unsigned *tag, ct_reader *body)
{
    *tag = ct_reader_u8(r);
    uint32_t len = 0;
    for (int i = 0;; i++) {
        uint8_t x = ct_reader_u8(r);
        len = len << 7 | (x & 0x7fu);
        if (!(x & 0x80))
            break;
        if (i == 3)
            return false;
    }
    const uint8_t *p = r->bad || len > ct_reader_left(r) ? NULL : ct_reader_bytes(r, len);
    *body = ct_reader_make(p, p ? len : 0);
    return p != NULL;
}

/* The first descriptor of TAG in R, its body in *BODY. */
static bool find_descriptor(ct_reader *r, unsigned want, ct_reader *body)
{
    unsigned tag;
    while (ct_reader_left(r) > 0)
        if (!descriptor(r, &tag, body))
            return false;
        else if (tag == want)
            return true;
    return false;
}

/* The codec and AudioSpecificConfig from the esds payload (full box) of LEN bytes at P. */
static chaptag_status read_esds(const uint8_t *p, size_t len, ct_audio_info *info,
                                uint32_t *type, chaptag_error *err)
{
    ct_reader r = ct_reader_make(p, len), es, dc = ct_reader_make(NULL, 0), dsi;
    unsigned tag;
    ct_reader_skip(&r, 4);
    bool ok = descriptor(&r, &tag, &es) && (tag == 3 || tag == 4);
    if (ok && tag == 3) {
        ct_reader_skip(&es, 2); /* ES_ID */
        unsigned flags = ct_reader_u8(&es);
        if (flags & 0x80)
            ct_reader_skip(&es, 2);
        if (flags & 0x40)
            ct_reader_skip(&es, ct_reader_u8(&es));
        if (flags & 0x20)
            ct_reader_skip(&es, 2);
        ok = !es.bad && find_descriptor(&es, 4, &dc);
    } else {
        dc = es;
    }
    *type = ok ? ct_reader_u8(&dc) : 0;
    ct_reader_skip(&dc, 12); /* stream type, buffer size, bitrates */
    if (!ok || dc.bad)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's esds box is damaged");
    if (find_descriptor(&dc, 5, &dsi)) {
        if (dsi.len > sizeof info->config)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's AudioSpecificConfig "
                           "is %zu bytes, more than %zu", dsi.len, sizeof info->config);
        memcpy(info->config, dsi.p, dsi.len);
        info->config_len = dsi.len;
    }
    return CHAPTAG_OK;
}

/* A two-byte AudioSpecificConfig for MPEG-2 AAC of object TYPE (1 to 3) at RATE, which carries
   none: what a decoder needs. */
static void make_asc(ct_audio_info *info, unsigned type, uint32_t rate, unsigned channels)
{
    unsigned i = 0;
    while (i < 12 && rates[i] > rate)
        i++;
    info->config[0] = (uint8_t)(type << 3 | i >> 1);
    info->config[1] = (uint8_t)((i & 1) << 7 | (channels & 15) << 3);
    info->config_len = 2;
}

/* The child boxes of the sample entry (or, IN_WAVE, of its QuickTime 'wave' box) between OFF
   and END, read by the box reader; *ESDS is the esds one, loaded, or NULL. QuickTime has one
   'wave' level: a 'wave' inside it is not followed (a hostile file could nest them deep enough
   to exhaust the stack). */
static chaptag_status entry_children(ct_file *f, uint64_t off, uint64_t end, bool in_wave,
                                     ct_box *holder, const ct_box **esds, chaptag_error *err)
{
    memset(holder, 0, sizeof *holder);
    memcpy(holder->type, "mp4a", 4);
    holder->off = off;
    holder->size = end - off;
    *esds = NULL;
    chaptag_status st = ct_box_parse(f, holder, err);
    ct_box *e = st == CHAPTAG_OK ? ct_box_child(holder, "esds") : NULL;
    ct_box *wave = st == CHAPTAG_OK ? ct_box_child(holder, "wave") : NULL;
    if (e == NULL && wave != NULL && !in_wave) {
        ct_box inner;
        uint64_t woff = wave->off + wave->hdr_len, wend = wave->off + wave->size;
        st = entry_children(f, woff, wend, true, &inner, esds, err);
        ct_box_clear(holder);
        *holder = inner;
        return st;
    }
    if (e != NULL && e->size - e->hdr_len > SMALL_BOX_MAX)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's esds box is too large");
    if (e != NULL && (st = ct_box_load(f, e, err)) == CHAPTAG_OK)
        *esds = e;
    return st;
}

/* The fields of an audio sample entry chaptag uses (ISO/IEC 14496-12 §12.2.3; QuickTime's
   sound versions 1 and 2 add fields before the child boxes). */
typedef struct {
    char type[4];
    uint32_t rate, channels;
    uint64_t children, end; /* where its child boxes lie in the file */
} sample_entry;

/* Reads the first sample entry of the track's loaded STSD (RATE 0: TIMESCALE). */
static chaptag_status read_entry_fields(const ct_box *stsd, uint32_t timescale, sample_entry *e,
                                        chaptag_error *err)
{
    ct_reader r = ct_reader_make(stsd->data, stsd->len);
    ct_reader_skip(&r, 4); /* version, flags */
    uint32_t n_entries = ct_reader_u32be(&r), size = ct_reader_u32be(&r);
    const uint8_t *type = ct_reader_bytes(&r, 4);
    ct_reader_skip(&r, 8); /* reserved, data reference */
    unsigned version = ct_reader_u16be(&r);
    ct_reader_skip(&r, 6);
    e->channels = ct_reader_u16be(&r);
    ct_reader_skip(&r, 6);
    e->rate = ct_reader_u32be(&r) >> 16;
    unsigned fields = version == 1 ? 16 : version == 2 ? 36 : 0;
    if (r.bad || n_entries == 0 || size < 36u + fields || size > stsd->len - 8)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's sample entry is damaged");
    if (version == 2) { /* the rate a double, the channels a word */
        ct_reader_skip(&r, 4);
        uint64_t bits64 = ct_reader_u64be(&r);
        double d;
        memcpy(&d, &bits64, sizeof d);
        e->rate = d >= 1 && d < 1e7 ? (uint32_t)d : 0;
        e->channels = ct_reader_u32be(&r);
    }
    if (e->rate == 0)
        e->rate = timescale;
    memcpy(e->type, type, 4);
    e->children = stsd->off + stsd->hdr_len + 8 + 36 + fields;
    e->end = stsd->off + stsd->hdr_len + 8 + size;
    return CHAPTAG_OK;
}

/* The codec from the esds of mp4a entry E: AAC or MP3 by its object type. */
static chaptag_status read_mp4a(ct_file *f, const sample_entry *e, ct_audio_info *info,
                                chaptag_error *err)
{
    ct_box holder;
    const ct_box *esds;
    uint32_t oti = 0;
    chaptag_status st = entry_children(f, e->children, e->end, false, &holder, &esds, err);
    if (st == CHAPTAG_OK && esds == NULL)
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's mp4a entry has no esds box");
    if (st == CHAPTAG_OK)
        st = read_esds(esds->data, esds->len, info, &oti, err);
    ct_box_clear(&holder);
    if (st != CHAPTAG_OK)
        return st;
    if (oti == 0x69 || oti == 0x6B) { /* MPEG-2 and MPEG-1 audio: layer III in practice */
        info->codec = CT_CODEC_MP3;
        info->config_len = 0;
        return CHAPTAG_OK;
    }
    if (oti != 0x40 && (oti < 0x66 || oti > 0x68)) { /* AC-3, Vorbis, ...: another codec */
        info->codec = CT_CODEC_NONE;
        return CHAPTAG_OK;
    }
    info->codec = CT_CODEC_AAC;
    if (info->config_len == 0 && oti != 0x40) /* MPEG-2 AAC Main, LC, SSR: object 1 to 3 */
        make_asc(info, oti - 0x65, e->rate, e->channels);
    if (info->config_len == 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's esds has no "
                       "AudioSpecificConfig");
    return read_asc(info, e->channels, err);
}

/* The codec of the sound track TRAK from its first sample entry: mp4a with an esds naming
   AAC or MP3, or QuickTime's '.mp3'; CT_CODEC_NONE for another codec (ALAC, AC-3, ...). */
static chaptag_status read_sample_entry(ct_file *f, ct_box *trak, uint32_t timescale,
                                        ct_audio_info *info, chaptag_error *err)
{
    ct_box *stsd = ct_box_path(trak, "mdia/minf/stbl/stsd");
    sample_entry e;
    if (stsd == NULL || stsd->size - stsd->hdr_len > SMALL_BOX_MAX)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track has no usable stsd box");
    chaptag_status st = ct_box_load(f, stsd, err);
    if (st == CHAPTAG_OK)
        st = read_entry_fields(stsd, timescale, &e, err);
    if (st != CHAPTAG_OK)
        return st;
    *info = (ct_audio_info){.codec = CT_CODEC_MP3, .sample_rate = e.rate, .channels = e.channels};
    if (memcmp(e.type, ".mp3", 4) == 0)
        return CHAPTAG_OK;
    if (memcmp(e.type, "mp4a", 4) != 0) {
        info->codec = CT_CODEC_NONE;
        return CHAPTAG_OK;
    }
    return read_mp4a(f, &e, info, err);
}

/* Picks the first enabled sound track whose codec chaptag can hand out (else the first such
   track at all: players play disabled ones too); its info in A's, its index in *INDEX. None,
   but a sound track of another codec: foreign(). */
static chaptag_status pick_track(mp4_audio *a, size_t *index, chaptag_error *err)
{
    chaptag_status first_st = CHAPTAG_OK;
    chaptag_error first_err = {0};
    bool other_codec = false;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < a->m.n_tracks; i++) {
            const mp4_track *t = &a->m.tracks[i];
            if (memcmp(t->handler, "soun", 4) != 0 || (pass == 0) != ((t->flags & 1) != 0))
                continue;
            chaptag_error e = {0};
            chaptag_status st = read_sample_entry(a->f, ct_mp4_trak_by_id(&a->m, t->id, NULL),
                                                  t->timescale, &a->pub.info, &e);
            if (st == CHAPTAG_OK && a->pub.info.codec != CT_CODEC_NONE) {
                *index = i;
                return CHAPTAG_OK;
            }
            other_codec |= st == CHAPTAG_OK;
            if (st != CHAPTAG_OK && first_st == CHAPTAG_OK) {
                first_st = st;
                first_err = e;
            }
        }
    }
    if (other_codec)
        return foreign(a);
    if (first_st == CHAPTAG_OK)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the file has no sound track");
    if (err != NULL)
        *err = first_err;
    return first_st;
}

/* SKIP, SAMPLES and the delay from the track's edit list (its first non-empty edit; later
   ones are not followed): without one, the media plays from its start to its end. TOTAL is
   the media's duration (timescale units). */
static chaptag_status read_edits(mp4_audio *a, const ct_box *trak, uint64_t total,
                                 chaptag_error *err)
{
    ct_box *elst = ct_box_path(trak, "edts/elst");
    uint64_t delay = 0, media = 0, dur = 0;
    uint32_t rate = a->pub.info.sample_rate, movie = a->m.movie_timescale;
    chaptag_status st = CHAPTAG_OK;
    /* every decoder-output index (out_index) stays far from wrapping, delay included */
    if (muldiv(total, rate, a->timescale) > (UINT64_MAX >> 2))
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track lasts impossibly long (the "
                       "file is damaged)");
    if (elst != NULL && elst->size - elst->hdr_len > SMALL_BOX_MAX)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's edit list is too large");
    if (elst != NULL && (st = ct_box_load(a->f, elst, err)) != CHAPTAG_OK)
        return st;
    unsigned v;
    ct_reader r = elst ? ct_mp4_full_box(elst, &v) : ct_reader_make(NULL, 0);
    uint32_t n = ct_reader_u32be(&r);
    if (elst != NULL && (r.bad || n > ct_reader_left(&r) / (v == 1 ? 20 : 12)))
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's edit list is damaged");
    for (uint32_t i = 0; elst != NULL && i < n; i++) {
        uint64_t d = v == 1 ? ct_reader_u64be(&r) : ct_reader_u32be(&r);
        int64_t t = v == 1 ? (int64_t)ct_reader_u64be(&r) : (int32_t)ct_reader_u32be(&r);
        ct_reader_skip(&r, 4); /* rate */
        if (t == -1) {
            delay = d > UINT64_MAX - delay ? UINT64_MAX : delay + d;
            continue;
        }
        if (t < 0 || (uint64_t)t >= total)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's edit list starts at "
                           "media time %" PRId64 ", outside its %" PRIu64 " (the file is "
                           "damaged)", t, total);
        media = (uint64_t)t;
        dur = d;
        break;
    }
    a->delay = muldiv(delay, rate, movie);
    a->pub.info.skip = muldiv(media, rate, a->timescale);
    uint64_t plays = muldiv(total, rate, a->timescale) - a->pub.info.skip;
    if (dur != 0 && muldiv(dur, rate, movie) < plays)
        plays = muldiv(dur, rate, movie);
    if (a->delay > (UINT64_MAX >> 2))
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's edit list delays it "
                       "impossibly long (the file is damaged)");
    a->pub.info.samples = a->delay + plays;
    return CHAPTAG_OK;
}

/* The sample tables of the track at TRAK, checked against each other. */
static chaptag_status read_tables(mp4_audio *a, const ct_box *trak, uint64_t *total,
                                  chaptag_error *err)
{
    const ct_box *stbl = ct_box_path(trak, "mdia/minf/stbl");
    assert(stbl != NULL); /* its stsd was read */
    /* samples in movie fragments (moof) are beyond the tables: the moov's are none or a few */
    bool moof = false, mvex = ct_box_child(ct_mp4_moov(&a->m), "mvex") != NULL;
    for (size_t i = 0; i < a->m.n_tops; i++)
        moof |= ct_box_is(&a->m.tops[i], "moof");
    if (moof)
        return foreign(a); /* fragmented */
    chaptag_status st = open_tables(a, stbl, err);
    uint64_t tt_samples = 0, sc_samples = 0;
    if (st == CHAPTAG_OK)
        st = check_stts(a, &tt_samples, total, err);
    if (st == CHAPTAG_OK)
        st = check_stsc(a, &sc_samples, err);
    if (st == CHAPTAG_OK && a->io != CHAPTAG_OK)
        st = table_failure(a, err);
    if (st != CHAPTAG_OK)
        return st;
    /* tables that disagree (a file cut short, a careless muxer): the samples all of them
       describe are the ones a player can play */
    if (tt_samples < a->n_samples)
        a->n_samples = tt_samples;
    if (sc_samples < a->n_samples)
        a->n_samples = sc_samples;
    if (a->n_samples < tt_samples) { /* the time the samples kept last for */
        cursor c;
        seek_stts(a, &c, a->n_samples, false);
        *total = c.time;
    }
    if (mvex && (a->n_samples == 0 || *total == 0))
        return foreign(a); /* fragmented */
    if (a->n_samples == 0 || *total == 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track has no samples");
    return CHAPTAG_OK;
}

chaptag_status ct_mp4_audio_open(ct_file *f, ct_audio **out, chaptag_error *err)
{
    mp4_audio *a = ct_calloc(1, sizeof *a);
    if (a == NULL)
        return ct_fail_nomem(err);
    a->f = f;
    size_t index = 0;
    uint64_t total = 0;
    chaptag_status st = ct_mp4_open(f, &a->m, err);
    if (st != CHAPTAG_OK) {
        free(a);
        return st;
    }
    st = pick_track(a, &index, err);
    const ct_box *trak = st == CHAPTAG_OK ? ct_mp4_trak_by_id(&a->m, a->m.tracks[index].id, NULL)
                                          : NULL;
    if (st == CHAPTAG_OK) {
        a->timescale = a->m.tracks[index].timescale;
        st = read_tables(a, trak, &total, err);
    }
    if (st == CHAPTAG_OK && (a->pub.info.sample_rate == 0 || a->pub.info.sample_rate > 1000000))
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the sound track's rate of %" PRIu32 " Hz is "
                     "impossible", a->pub.info.sample_rate);
    if (st == CHAPTAG_OK)
        st = read_edits(a, trak, total, err);
    if (st != CHAPTAG_OK) {
        bool other = a->foreign;
        close_audio(&a->pub);
        if (!other)
            return st;
        *out = NULL; /* another codec or layout: libavformat's */
        return CHAPTAG_OK;
    }
    a->end = out_index(a, total);
    a->pub.info.preroll = a->pub.info.codec == CT_CODEC_AAC ? AAC_PREROLL : MP3_PREROLL;
    snprintf(a->pub.info.seek, sizeof a->pub.info.seek, "MP4 sample tables");
    a->pub.packets = packets;
    a->pub.close = close_audio;
    *out = &a->pub;
    return CHAPTAG_OK;
}
