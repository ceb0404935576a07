/* MP4, M4A, M4B and MOV files (ISO/IEC 14496-12, Apple QuickTime File Format): chapters as
   a QuickTime chapter track (a disabled text track referenced by tref/chap, read by Apple's
   players and FFmpeg) and as Nero moov/udta/chpl (read by mutagen, TagLib, FFmpeg).

   Layout chaptag keeps: moov, then a small mdat holding the chapter titles, then a free box
   of padding; in moov, the chapter trak followed by a free box, and chpl last in udta followed
   by a free box. Each of those three is a slot with room to grow, so that:
   - a re-embed rewrites only the slots, each in steps that leave a valid file: the box is
     retyped to free (hidden, an atomic 4-byte write), grown over its slack, given its new
     content, and shown again; nothing chaptag does not own is ever hidden, and moov keeps
     its size; strip retypes the chapter boxes to free and is done;
   - otherwise the new moov is written as a copy where nothing reads (the padding after the
     old region, or past the end of the file), exposed, and the old one retyped to free;
   - otherwise the file is rewritten once, everything after moov moved and every chunk offset
     table patched (stco widened to co64 where an offset passes 4 GiB). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "mp4box.h"
#include "findings.h"
#include "text.h"

/* chpl counts and title lengths are single bytes. */
#define CHPL_MAX CT_MP4_CHPL_TITLE_MAX
/* QuickTime text samples carry a 16-bit length. */
#define QT_TITLE_MAX 65535
/* Chapter titles read from a file longer than this are cut: nobody writes such titles. */
#define READ_TITLE_MAX 4096
#define MAX_SAMPLES 1000000

static const uint8_t encd_box[12] = {0, 0, 0, 12, 'e', 'n', 'c', 'd', 0, 0, 1, 0};

/* What chaptag needs to know about one track. */
typedef struct {
    uint32_t id;
    uint32_t flags;        /* tkhd flags */
    uint64_t duration;     /* tkhd, movie timescale */
    char handler[4];       /* hdlr handler type: 'soun', 'vide', 'text', ... */
    uint32_t timescale;    /* mdhd */
    uint64_t media_duration;
    bool refs_chapters;    /* has tref/chap */
} mp4_track;

/* Bytes of the file: a sample's place. */
typedef struct {
    uint64_t off, len;
} sample_span;

typedef struct {
    ct_box *tops;
    size_t n_tops;
    size_t moov; /* index of moov in TOPS */
    uint32_t movie_timescale;
    uint64_t movie_duration;
    uint32_t next_track_id;
    mp4_track *tracks; /* in moov order of the trak boxes */
    size_t n_tracks;
    uint64_t old_chunks[16]; /* first chunk offsets of the chapter tracks removed */
    size_t n_old_chunks;
    sample_span *old_samples; /* where the removed chapter tracks' samples (titles) lie */
    size_t n_old_samples, cap_old_samples;
    size_t n_moov; /* more than 1: an edit was interrupted between its last two steps */
    uint64_t stale_end; /* the end of the last moov after the first */
} mp4_file;

static void mp4_file_free(mp4_file *m)
{
    ct_box_free_array(m->tops, m->n_tops);
    free(m->tracks);
    free(m->old_samples);
    memset(m, 0, sizeof *m);
}

static ct_box *moov_of(const mp4_file *m)
{
    return &m->tops[m->moov];
}

static bool mp4_sniff(ct_file *f, const uint8_t *head, size_t n)
{
    (void)f;
    static const char *const first[] = {"ftyp", "moov", "mdat", "free", "wide", "skip"};
    if (n < 8 || ct_load_u32be(head) == 0 || (ct_load_u32be(head) < 8 && ct_load_u32be(head) != 1))
        return false;
    for (size_t i = 0; i < sizeof first / sizeof first[0]; i++)
        if (memcmp(head + 4, first[i], 4) == 0)
            return true;
    return false;
}

/* ---- reading boxes ----------------------------------------------------------------------- */

/* A loaded full box's version and a reader past its version and flags. */
static ct_reader full_box(const ct_box *b, unsigned *version)
{
    ct_reader r = ct_reader_make(b->data, b->loaded ? b->len : 0);
    *version = ct_reader_u8(&r);
    ct_reader_skip(&r, 3);
    return r;
}

static chaptag_status read_mvhd(ct_file *f, mp4_file *m, chaptag_error *err)
{
    ct_box *mvhd = ct_box_child(moov_of(m), "mvhd");
    chaptag_status st = mvhd ? ct_box_load(f, mvhd, err)
                             : ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "moov has no mvhd box");
    if (st != CHAPTAG_OK)
        return st;
    unsigned v;
    ct_reader r = full_box(mvhd, &v);
    ct_reader_skip(&r, v == 1 ? 16 : 8);
    m->movie_timescale = ct_reader_u32be(&r);
    m->movie_duration = v == 1 ? ct_reader_u64be(&r) : ct_reader_u32be(&r);
    ct_reader_skip(&r, 4 + 2 + 10 + 36 + 24);
    m->next_track_id = ct_reader_u32be(&r);
    if (r.bad || m->movie_timescale == 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the mvhd box is damaged");
    return CHAPTAG_OK;
}

/* A chunk-offset table whose count runs past its box is a damaged file: an edit would shift
   (or a reader follow) entries that are not there. Refused, never extended. */
static chaptag_status check_chunk_table(ct_file *f, const ct_box *trak, uint32_t id,
                                        chaptag_error *err)
{
    ct_box *stbl = ct_box_path(trak, "mdia/minf/stbl");
    ct_box *co = stbl ? ct_box_child(stbl, "stco") : NULL;
    unsigned width = 4;
    if (stbl != NULL && co == NULL && (co = ct_box_child(stbl, "co64")) != NULL)
        width = 8;
    if (co == NULL)
        return CHAPTAG_OK;
    uint8_t head[8];
    uint64_t payload = co->size - co->hdr_len;
    chaptag_status st = payload >= 8 ? ct_file_read(f, co->off + co->hdr_len, head, 8, NULL, err)
                                     : CHAPTAG_OK;
    if (st != CHAPTAG_OK)
        return st;
    if (payload < 8 || ct_load_u32be(head + 4) > (payload - 8) / width)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the chunk table (%.4s) of track %" PRIu32
                       " counts more entries than its box holds (the file is damaged)",
                       co->type, id);
    return CHAPTAG_OK;
}

static chaptag_status read_track(ct_file *f, ct_box *trak, mp4_track *t, chaptag_error *err)
{
    ct_box *tkhd = ct_box_child(trak, "tkhd"), *mdhd = ct_box_path(trak, "mdia/mdhd");
    ct_box *hdlr = ct_box_path(trak, "mdia/hdlr");
    memset(t, 0, sizeof *t);
    if (tkhd == NULL || mdhd == NULL || hdlr == NULL)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "a track lacks its tkhd, mdhd or hdlr box");
    chaptag_status st = ct_box_load(f, tkhd, err);
    if (st == CHAPTAG_OK)
        st = ct_box_load(f, mdhd, err);
    if (st == CHAPTAG_OK)
        st = ct_box_load(f, hdlr, err);
    if (st != CHAPTAG_OK)
        return st;
    unsigned v;
    ct_reader r = full_box(tkhd, &v);
    t->flags = tkhd->len >= 4 ? ct_load_u24be(tkhd->data + 1) : 0;
    ct_reader_skip(&r, v == 1 ? 16 : 8);
    t->id = ct_reader_u32be(&r);
    ct_reader_skip(&r, 4);
    t->duration = v == 1 ? ct_reader_u64be(&r) : ct_reader_u32be(&r);
    bool bad = r.bad || tkhd->len < 4;
    r = full_box(mdhd, &v);
    ct_reader_skip(&r, v == 1 ? 16 : 8);
    t->timescale = ct_reader_u32be(&r);
    t->media_duration = v == 1 ? ct_reader_u64be(&r) : ct_reader_u32be(&r);
    bad = bad || r.bad;
    r = full_box(hdlr, &v);
    ct_reader_skip(&r, 4);
    const uint8_t *h = ct_reader_bytes(&r, 4);
    if (bad || h == NULL || t->timescale == 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the header boxes of track %" PRIu32
                       " are damaged", t->id);
    memcpy(t->handler, h, 4);
    t->refs_chapters = ct_box_path(trak, "tref/chap") != NULL;
    return check_chunk_table(f, trak, t->id, err);
}

/* Tracks are matched to each other by ID and tref pairwise; real files hold a handful (a
   film with every subtitle language a few dozen), a crafted moov up to 100,000: refused, so
   that the pairwise work stays small. */
#define MAX_TRACKS 1024

static chaptag_status read_tracks(ct_file *f, mp4_file *m, chaptag_error *err)
{
    ct_box *moov = moov_of(m);
    size_t n = 0;
    for (size_t i = 0; i < moov->n_kids; i++)
        n += ct_box_is(&moov->kids[i], "trak");
    if (n > MAX_TRACKS)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%zu tracks: more than the %d a real file has "
                       "(the file is damaged)", n, MAX_TRACKS);
    m->tracks = ct_calloc(n, sizeof *m->tracks);
    if (m->tracks == NULL)
        return ct_fail_nomem(err);
    for (size_t i = 0; i < moov->n_kids; i++) {
        if (!ct_box_is(&moov->kids[i], "trak"))
            continue;
        mp4_track *t = &m->tracks[m->n_tracks];
        chaptag_status st = read_track(f, &moov->kids[i], t, err);
        if (st != CHAPTAG_OK)
            return st;
        /* tref and the chapter track are found by ID: with two tracks of one ID, an edit
           could hit the wrong one (or the same one twice) */
        for (size_t k = 0; k < m->n_tracks; k++)
            if (m->tracks[k].id == t->id)
                return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "two tracks have the ID %" PRIu32
                               " (the file is damaged)", t->id);
        m->n_tracks++;
    }
    return CHAPTAG_OK;
}

static chaptag_status mp4_open(ct_file *f, mp4_file *m, chaptag_error *err)
{
    memset(m, 0, sizeof *m);
    chaptag_status st = ct_box_scan(f, &m->tops, &m->n_tops, err);
    /* two moovs: a shadow copy was written and not yet made the only one; the first is the
       one every player reads (FFmpeg skips later ones), and the later one is free space */
    size_t n_moov = 0;
    for (size_t i = 0; st == CHAPTAG_OK && i < m->n_tops; i++) {
        if (!ct_box_is(&m->tops[i], "moov") || m->tops[i].hdr_len == 0)
            continue;
        if (n_moov++ == 0) {
            m->moov = i;
        } else {
            memcpy(m->tops[i].type, "free", 4); /* only for our reading: nothing is written */
            m->stale_end = m->tops[i].off + m->tops[i].size;
        }
    }
    m->n_moov = n_moov;
    if (st == CHAPTAG_OK && n_moov == 0)
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "no moov box (not a complete MP4 file)");
    if (st == CHAPTAG_OK)
        st = ct_box_parse(f, moov_of(m), err);
    if (st == CHAPTAG_OK)
        st = read_mvhd(f, m, err);
    if (st == CHAPTAG_OK)
        st = read_tracks(f, m, err);
    if (st != CHAPTAG_OK)
        mp4_file_free(m);
    return st;
}

/* The trak box of the track with ID, or NULL. */
static ct_box *trak_by_id(const mp4_file *m, uint32_t id, size_t *track_index)
{
    ct_box *moov = moov_of(m);
    size_t t = 0;
    for (size_t i = 0; i < moov->n_kids; i++) {
        if (!ct_box_is(&moov->kids[i], "trak"))
            continue;
        if (t < m->n_tracks && m->tracks[t].id == id) {
            if (track_index)
                *track_index = t;
            return &moov->kids[i];
        }
        t++;
    }
    return NULL;
}

/* The first sound track, or -1. */
static long audio_track(const mp4_file *m)
{
    for (size_t i = 0; i < m->n_tracks; i++)
        if (memcmp(m->tracks[i].handler, "soun", 4) == 0)
            return (long)i;
    return -1;
}

/* True when track T is a chapter text track: some track's tref/chap names it and it holds
   text (a video track named there is cover art over time, and stays). */
static bool is_chapter_track(ct_file *f, const mp4_file *m, const mp4_track *t)
{
    static const char *const text[] = {"text", "sbtl", "subt"};
    bool texty = false;
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        texty |= memcmp(t->handler, text[i], 4) == 0;
    if (!texty)
        return false;
    ct_box *moov = moov_of(m);
    for (size_t i = 0; i < moov->n_kids; i++) {
        ct_box *chap = ct_box_is(&moov->kids[i], "trak") ? ct_box_path(&moov->kids[i], "tref/chap")
                                                         : NULL;
        if (chap == NULL || ct_box_load(f, chap, NULL) != CHAPTAG_OK)
            continue;
        for (size_t k = 0; k + 4 <= chap->len; k += 4)
            if (ct_load_u32be(chap->data + k) == t->id)
                return true;
    }
    return false;
}

/* The audio duration in milliseconds: the longest track that is not a chapter track. */
static uint64_t audio_duration_ms(ct_file *f, const mp4_file *m)
{
    uint64_t best = 0;
    for (size_t i = 0; i < m->n_tracks; i++) {
        const mp4_track *t = &m->tracks[i];
        if (is_chapter_track(f, m, t))
            continue;
        uint64_t ms = t->media_duration * 1000 / t->timescale;
        if (t->duration > 0)
            ms = t->duration * 1000 / m->movie_timescale;
        if (ms > best)
            best = ms;
    }
    return best ? best : m->movie_duration * 1000 / m->movie_timescale;
}

/* ---- reading chapters ------------------------------------------------------------------- */

/* The sample tables of a track, loaded. */
typedef struct {
    const ct_box *stts, *stsz, *stsc, *stco;
    bool co64;
} sample_tables;

static chaptag_status load_tables(ct_file *f, ct_box *trak, sample_tables *t, chaptag_error *err)
{
    ct_box *stbl = ct_box_path(trak, "mdia/minf/stbl");
    ct_box *b[4] = {NULL, NULL, NULL, NULL};
    static const char *const names[] = {"stts", "stsz", "stsc", "stco"};
    if (stbl == NULL)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the chapter track has no sample table");
    for (int i = 0; i < 4; i++) {
        b[i] = ct_box_child(stbl, names[i]);
        if (i == 3 && b[i] == NULL)
            b[i] = ct_box_child(stbl, "co64");
        chaptag_status st = b[i] ? ct_box_load(f, b[i], err)
                                 : ct_fail(err, CHAPTAG_ERR_AUDIO, 0,
                                           "the chapter track has no %s box", names[i]);
        if (st != CHAPTAG_OK)
            return st;
    }
    *t = (sample_tables){b[0], b[1], b[2], b[3], ct_box_is(b[3], "co64")};
    return CHAPTAG_OK;
}

/* One chapter sample: where it is and when it starts (media timescale). */
typedef struct {
    uint64_t off, time;
    uint32_t size;
} sample_ref;

/* Expands the sample tables into one entry per sample; *N is the count. */
static chaptag_status expand_samples(const sample_tables *t, sample_ref **out, size_t *n,
                                     chaptag_error *err)
{
    unsigned v;
    ct_reader sz = full_box(t->stsz, &v), tt = full_box(t->stts, &v);
    ct_reader sc = full_box(t->stsc, &v), co = full_box(t->stco, &v);
    uint32_t fixed = ct_reader_u32be(&sz), count = ct_reader_u32be(&sz);
    uint32_t n_tt = ct_reader_u32be(&tt), n_sc = ct_reader_u32be(&sc);
    uint32_t n_co = ct_reader_u32be(&co);
    if (count > MAX_SAMPLES || (fixed == 0 && count > ct_reader_left(&sz) / 4) ||
        n_tt > ct_reader_left(&tt) / 8 || n_sc > ct_reader_left(&sc) / 12 ||
        n_co > ct_reader_left(&co) / (t->co64 ? 8 : 4) || n_sc == 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the chapter track's sample tables are damaged");
    sample_ref *s = ct_calloc(count, sizeof *s);
    if (s == NULL)
        return ct_fail_nomem(err);
    size_t i = 0;
    uint64_t time = 0;
    uint32_t run = 0, delta = 0, chunk_left = 0, sc_next = 0, per_chunk = 0;
    uint64_t pos = 0;
    for (uint32_t chunk = 1; chunk <= n_co && i < count; chunk++) {
        pos = t->co64 ? ct_reader_u64be(&co) : ct_reader_u32be(&co);
        while (sc_next < n_sc && ct_load_u32be(t->stsc->data + 8 + 12 * (size_t)sc_next) <= chunk)
            per_chunk = ct_load_u32be(t->stsc->data + 8 + 12 * (size_t)sc_next++ + 4);
        for (chunk_left = per_chunk; chunk_left > 0 && i < count; chunk_left--, i++) {
            while (run == 0 && n_tt > 0) { /* runs of 0 samples are skipped */
                n_tt--;
                run = ct_reader_u32be(&tt);
                delta = ct_reader_u32be(&tt);
            }
            s[i].size = fixed ? fixed : ct_reader_u32be(&sz);
            s[i].off = pos;
            s[i].time = time;
            pos += s[i].size;
            time += delta;
            run -= run > 0;
        }
    }
    *out = s;
    *n = i;
    return CHAPTAG_OK;
}

/* The media-time shift of the chapter track's edit list: empty edits delay it, a first real
   edit starting at media time M advances it (FFmpeg writes both). In movie timescale units
   for the delay, media units for M. */
static void edit_shift(const ct_box *trak, const mp4_file *m, uint64_t *delay_ms,
                       uint64_t *media_start)
{
    *delay_ms = 0;
    *media_start = 0;
    ct_box *elst = ct_box_path(trak, "edts/elst");
    if (elst == NULL || !elst->loaded)
        return;
    unsigned v;
    ct_reader r = full_box(elst, &v);
    uint32_t n = ct_reader_u32be(&r);
    for (uint32_t i = 0; i < n && !r.bad; i++) {
        uint64_t dur = v == 1 ? ct_reader_u64be(&r) : ct_reader_u32be(&r);
        int64_t media = v == 1 ? (int64_t)ct_reader_u64be(&r) : (int32_t)ct_reader_u32be(&r);
        ct_reader_skip(&r, 4);
        if (r.bad)
            return;
        if (media == -1) {
            *delay_ms += dur * 1000 / m->movie_timescale;
            continue;
        }
        *media_start = (uint64_t)media;
        return;
    }
}

/* Appends the text of a chapter sample (16-bit length, then UTF-8 or UTF-16 with BOM) to OUT
   as a one-line UTF-8 title. */
static void sample_title(const uint8_t *p, size_t size, ct_buf *out)
{
    ct_buf raw = CT_BUF_INIT;
    size_t len = size >= 2 ? ct_load_u16be(p) : 0;
    if (size < 2)
        return;
    if (len > size - 2) /* cut by the caller at READ_TITLE_MAX, or damaged */
        len = size - 2;
    const uint8_t *s = p + 2;
    if (len >= 2 && ((s[0] == 0xFE && s[1] == 0xFF) || (s[0] == 0xFF && s[1] == 0xFE)))
        ct_utf16_to_utf8(s, len, true, &raw);
    else if (ct_utf8_valid((const char *)s, len))
        ct_buf_put(&raw, s, len);
    else
        ct_cp1252_to_utf8((const char *)s, len, &raw);
    ct_title_clean(raw.data ? (const char *)raw.data : "", raw.len, out);
    ct_buf_free(&raw);
}

/* Reads the QuickTime chapter track TRAK (track T) into LIST; the filler sample chaptag and
   TagLib put at 0 when the first chapter starts later is left out. */
static chaptag_status read_qt_chapters(ct_file *f, const mp4_file *m, ct_box *trak,
                                       const mp4_track *t, chaptag_chapters *list,
                                       chaptag_error *err)
{
    sample_tables tabs = {NULL, NULL, NULL, NULL, false};
    sample_ref *s = NULL;
    size_t n = 0;
    chaptag_status st = load_tables(f, trak, &tabs, err);
    if (st == CHAPTAG_OK)
        st = expand_samples(&tabs, &s, &n, err);
    uint64_t delay_ms, media_start;
    edit_shift(trak, m, &delay_ms, &media_start);
    uint8_t *buf = NULL;
    for (size_t i = 0; i < n && st == CHAPTAG_OK; i++) {
        size_t size = s[i].size > READ_TITLE_MAX + 2 ? READ_TITLE_MAX + 2 : s[i].size;
        uint8_t *nb = ct_realloc(buf, size ? size : 1);
        if (nb == NULL) {
            st = ct_fail_nomem(err);
            break;
        }
        buf = nb;
        st = ct_file_read(f, s[i].off, buf, size, NULL, err);
        ct_buf title = CT_BUF_INIT;
        if (st == CHAPTAG_OK)
            sample_title(buf, size, &title);
        ct_buf_put_u8(&title, 0);
        if (!ct_buf_ok(&title))
            st = ct_fail_nomem(err);
        uint64_t time = s[i].time >= media_start ? s[i].time - media_start : 0;
        chaptag_chapter ch = {0};
        ch.start_ms = delay_ms + time * 1000 / t->timescale;
        ch.end_ms = CHAPTAG_TIME_NONE;
        ch.title = (const char *)title.data;
        bool filler = i == 0 && n > 1 && ch.start_ms == 0 && title.len == 1;
        if (st == CHAPTAG_OK && !filler)
            st = chaptag_chapters_add(list, &ch, err);
        ct_buf_free(&title);
    }
    free(buf);
    free(s);
    return st;
}

/* Reads moov/udta/chpl into LIST (titles are at most 255 bytes). */
static chaptag_status read_chpl(ct_file *f, ct_box *chpl, chaptag_chapters *list,
                                chaptag_error *err)
{
    chaptag_status st = ct_box_load(f, chpl, err);
    if (st != CHAPTAG_OK)
        return st;
    unsigned v;
    ct_reader r = full_box(chpl, &v);
    if (v != 0)
        ct_reader_skip(&r, 4); /* FFmpeg and TagLib: the reserved word comes with version 1 */
    unsigned n = ct_reader_u8(&r);
    for (unsigned i = 0; i < n && st == CHAPTAG_OK; i++) {
        uint64_t start = ct_reader_u64be(&r);
        unsigned len = ct_reader_u8(&r);
        const uint8_t *p = ct_reader_bytes(&r, len);
        if (r.bad)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the chpl box is damaged");
        ct_buf raw = CT_BUF_INIT, title = CT_BUF_INIT;
        if (ct_utf8_valid((const char *)p, len))
            ct_buf_put(&raw, p, len);
        else
            ct_cp1252_to_utf8((const char *)p, len, &raw);
        ct_title_clean(raw.data ? (const char *)raw.data : "", raw.len, &title);
        ct_buf_put_u8(&title, 0);
        chaptag_chapter ch = {0};
        ch.start_ms = (start + 5000) / 10000;
        ch.end_ms = CHAPTAG_TIME_NONE;
        ch.title = (const char *)title.data;
        st = ct_buf_ok(&title) ? chaptag_chapters_add(list, &ch, err) : ct_fail_nomem(err);
        ct_buf_free(&raw);
        ct_buf_free(&title);
    }
    return st;
}

/* Warns about every way the two flavours differ. A chpl title cut to 255 bytes matches;
   starts 1 ms apart (100 ns chpl units rounded one way, milliseconds the other: many
   taggers) are summed up in one warning, not one per chapter. */
static void compare_flavours(const chaptag_chapters *qt, const chaptag_chapters *nero,
                             ct_warnings *w)
{
    size_t a = chaptag_chapters_count(qt), b = chaptag_chapters_count(nero), near = 0;
    char x[CT_TIME_STR_MAX], y[CT_TIME_STR_MAX];
    if (a != b)
        ct_warn(w, 0, "the QuickTime chapter track has %zu chapters but Nero chpl has %zu", a, b);
    for (size_t i = 0; i < a && i < b; i++) {
        const chaptag_chapter *p = chaptag_chapters_get(qt, i), *q = chaptag_chapters_get(nero, i);
        uint64_t d = p->start_ms > q->start_ms ? p->start_ms - q->start_ms
                                               : q->start_ms - p->start_ms;
        if (d == 1)
            near++;
        else if (d > 1)
            ct_warn(w, 0, "chapter %zu starts at %s in the QuickTime track but at %s in chpl",
                    i + 1, ct_time_str(p->start_ms, x), ct_time_str(q->start_ms, y));
        size_t lp = ct_utf8_cut(p->title, strlen(p->title), CHPL_MAX);
        if (strlen(q->title) != lp || strncmp(p->title, q->title, lp) != 0)
            ct_warn(w, 0, "chapter %zu is \"%s\" in the QuickTime track but \"%s\" in chpl", i + 1,
                    p->title, q->title);
    }
    if (near > 0)
        ct_warn(w, 0, "%zu chapter%s start%s 1 ms apart in the QuickTime track and chpl "
                "(rounding; players do not notice)", near, near == 1 ? "" : "s",
                near == 1 ? "s" : "");
}

/* Copies every chapter of FROM to the end of TO. */
static chaptag_status copy_chapters(chaptag_chapters *to, const chaptag_chapters *from,
                                    chaptag_error *err)
{
    for (size_t i = 0; i < chaptag_chapters_count(from); i++) {
        chaptag_status st = chaptag_chapters_add(to, chaptag_chapters_get(from, i), err);
        if (st != CHAPTAG_OK)
            return st;
    }
    return CHAPTAG_OK;
}

/* The chapter text track the audio track names (or any), or NULL. */
static ct_box *find_chapter_trak(ct_file *f, const mp4_file *m, size_t *index)
{
    for (size_t i = 0; i < m->n_tracks; i++) {
        if (!is_chapter_track(f, m, &m->tracks[i]))
            continue;
        *index = i;
        return trak_by_id(m, m->tracks[i].id, NULL);
    }
    return NULL;
}

/* The value of the first 'data' box of iTunes item TYPE in ILST (payload bytes), or NULL. */
static const uint8_t *ilst_item(const uint8_t *ilst, size_t len, const char *type, size_t *out)
{
    ct_reader r = ct_reader_make(ilst, len);
    while (ct_reader_left(&r) >= 8) {
        uint32_t size = ct_reader_u32be(&r);
        const uint8_t *t = ct_reader_bytes(&r, 4);
        if (size < 8 || size - 8 > ct_reader_left(&r))
            return NULL;
        const uint8_t *body = ct_reader_bytes(&r, size - 8);
        if (memcmp(t, type, 4) != 0 || size < 24 || memcmp(body + 4, "data", 4) != 0)
            continue;
        uint32_t dsize = ct_load_u32be(body);
        if (dsize < 16 || dsize > size - 8)
            return NULL;
        *out = dsize - 16;
        return body + 16;
    }
    return NULL;
}

/* The standard tags dump shows, from the iTunes ilst in moov/udta/meta. */
static chaptag_status read_standard_tags(ct_file *f, const mp4_file *m, chaptag_chapters *list,
                                         chaptag_error *err)
{
    static const struct {
        const char *type, *key;
    } map[] = {{"\xa9nam", "title"}, {"\xa9" "ART", "artist"}, {"\xa9" "alb", "album"},
               {"\xa9" "day", "year"}};
    ct_box *meta = ct_box_path(moov_of(m), "udta/meta");
    if (meta == NULL || meta->size > (16u << 20))
        return CHAPTAG_OK;
    chaptag_status st = ct_box_load(f, meta, err);
    if (st != CHAPTAG_OK)
        return st;
    /* ISO 'meta' is a full box; QuickTime's is not (its first child follows at once) */
    size_t skip = meta->len >= 8 && memcmp(meta->data + 4, "hdlr", 4) == 0 ? 0 : 4;
    ct_reader r = ct_reader_make(meta->data, meta->len);
    ct_reader_skip(&r, skip);
    while (ct_reader_left(&r) >= 8 && st == CHAPTAG_OK) {
        uint32_t size = ct_reader_u32be(&r);
        const uint8_t *t = ct_reader_bytes(&r, 4);
        if (size < 8 || size - 8 > ct_reader_left(&r))
            break;
        const uint8_t *body = ct_reader_bytes(&r, size - 8);
        if (memcmp(t, "ilst", 4) != 0)
            continue;
        for (size_t i = 0; i < sizeof map / sizeof map[0] && st == CHAPTAG_OK; i++) {
            size_t n;
            const uint8_t *v = ilst_item(body, size - 8, map[i].type, &n);
            if (v == NULL || !ct_utf8_valid((const char *)v, n))
                continue;
            ct_buf b = CT_BUF_INIT;
            ct_title_clean((const char *)v, strcmp(map[i].key, "year") == 0 && n > 4 ? 4 : n, &b);
            ct_buf_put_u8(&b, 0);
            st = ct_buf_ok(&b) ? chaptag_chapters_set_meta(list, map[i].key, (char *)b.data, err)
                               : ct_fail_nomem(err);
            ct_buf_free(&b);
        }
    }
    return st;
}

/* Where moov stands: "before" when the largest mdat (the media, not chapter titles) follows
   it. */
static bool moov_before_mdat(const mp4_file *m)
{
    size_t best = m->n_tops;
    for (size_t i = 0; i < m->n_tops; i++)
        if (ct_box_is(&m->tops[i], "mdat") && (best == m->n_tops || m->tops[i].size > m->tops[best].size))
            best = i;
    return best < m->n_tops && best > m->moov;
}

static void fill_info(chaptag_file_info *info, const mp4_file *m, uint64_t duration_ms,
                      uint64_t size)
{
    memset(info, 0, sizeof *info);
    snprintf(info->container, sizeof info->container, "MP4");
    snprintf(info->tag, sizeof info->tag, "moov %s mdat",
             moov_before_mdat(m) ? "before" : "after");
    snprintf(info->flavours, sizeof info->flavours, "none");
    info->duration_ms = duration_ms;
    snprintf(info->duration_source, sizeof info->duration_source, "track header");
    info->file_size = size;
}

/* Names the chapter flavours present and their counts. */
static void name_flavours(chaptag_file_info *info, bool has_qt, size_t n_qt, bool has_nero,
                          size_t n_nero)
{
    if (has_qt && has_nero)
        snprintf(info->flavours, sizeof info->flavours,
                 "QuickTime chapter track (%zu) + Nero chpl (%zu)", n_qt, n_nero);
    else if (has_qt)
        snprintf(info->flavours, sizeof info->flavours, "QuickTime chapter track (%zu)", n_qt);
    else if (has_nero)
        snprintf(info->flavours, sizeof info->flavours, "Nero chpl (%zu)", n_nero);
}

static chaptag_status mp4_read(ct_file *f, const char *path, chaptag_chapters *list,
                               chaptag_file_info *info,
                               chaptag_error *err)
{
    (void)path;
    mp4_file m;
    chaptag_status st = mp4_open(f, &m, err);
    if (st != CHAPTAG_OK)
        return st;
    chaptag_chapters *qt = chaptag_chapters_new(), *nero = chaptag_chapters_new();
    size_t index = 0;
    ct_box *trak = find_chapter_trak(f, &m, &index);
    ct_box *chpl = ct_box_path(moov_of(&m), "udta/chpl");
    if (qt == NULL || nero == NULL)
        st = ct_fail_nomem(err);
    chaptag_error qt_err = {0};
    chaptag_status qt_st = st == CHAPTAG_OK && trak != NULL
                               ? read_qt_chapters(f, &m, trak, &m.tracks[index], qt, &qt_err)
                               : CHAPTAG_OK;
    if (qt_st == CHAPTAG_ERR_NOMEM)
        st = ct_fail_nomem(err);
    if (st == CHAPTAG_OK && chpl != NULL)
        st = read_chpl(f, chpl, nero, err);
    /* an empty or damaged QuickTime track with chapters in chpl: players that fall back (FFmpeg,
       mutagen) show chpl's, so dump and verify do too, and say so */
    bool from_chpl = trak == NULL || (chpl != NULL && chaptag_chapters_count(nero) > 0 &&
                                      (qt_st != CHAPTAG_OK || chaptag_chapters_count(qt) == 0));
    if (st == CHAPTAG_OK && qt_st != CHAPTAG_OK && !from_chpl)
        st = ct_fail(err, qt_st, 0, "%s", qt_err.msg);
    if (st == CHAPTAG_OK && trak != NULL && from_chpl)
        ct_warn(ct_chapters_warnings(list), 0, "the QuickTime chapter track is %s (%s); the "
                "chapters are read from Nero chpl", qt_st != CHAPTAG_OK ? "damaged" : "empty",
                qt_st != CHAPTAG_OK ? qt_err.msg : "no samples");
    else if (st == CHAPTAG_OK && trak != NULL && chpl != NULL)
        compare_flavours(qt, nero, ct_chapters_warnings(list));
    if (st == CHAPTAG_OK && m.n_moov > 1)
        ct_warn(ct_chapters_warnings(list), 0, "the file has %zu moov boxes (an edit was "
                "interrupted); the first is read, as players do, and the next embed or strip "
                "turns the others into free space", m.n_moov);
    if (st == CHAPTAG_OK)
        st = copy_chapters(list, from_chpl ? nero : qt, err);
    if (st == CHAPTAG_OK)
        st = read_standard_tags(f, &m, list, err);
    if (st == CHAPTAG_OK) {
        fill_info(info, &m, audio_duration_ms(f, &m), ct_file_size(f));
        name_flavours(info, trak != NULL, chaptag_chapters_count(qt), chpl != NULL,
                      chaptag_chapters_count(nero));
    }
    chaptag_chapters_free(qt);
    chaptag_chapters_free(nero);
    mp4_file_free(&m);
    return st;
}

/* ---- building the chapter boxes ---------------------------------------------------------- */

/* One chapter sample: 16-bit length, UTF-8 title (cut on a character boundary), encd box. */
static void put_sample(const char *title, ct_buf *b)
{
    size_t len = ct_utf8_cut(title, strlen(title), QT_TITLE_MAX);
    ct_buf_put_u16be(b, (unsigned)len);
    ct_buf_put(b, title, len);
    ct_buf_put(b, encd_box, sizeof encd_box);
}

/* What the QuickTime track holds: the chapters, after a filler at 0 when the first starts
   later (readers that ignore edit lists would otherwise put it at 0). */
typedef struct {
    size_t n;          /* samples */
    bool filler;
    ct_buf data;       /* the samples, back to back */
    uint32_t *sizes;
    uint64_t *deltas;  /* ms */
} qt_samples;

static chaptag_status make_samples(const chaptag_chapters *list, uint64_t duration_ms,
                                   qt_samples *q, ct_warnings *w, chaptag_error *err)
{
    size_t n = chaptag_chapters_count(list);
    memset(q, 0, sizeof *q);
    q->filler = chaptag_chapters_get(list, 0)->start_ms > 0;
    q->n = n + q->filler;
    q->sizes = ct_calloc(q->n, sizeof *q->sizes);
    q->deltas = ct_calloc(q->n, sizeof *q->deltas);
    if (q->sizes == NULL || q->deltas == NULL)
        return ct_fail_nomem(err);
    size_t k = 0;
    if (q->filler) {
        put_sample("", &q->data);
        q->sizes[k] = 2 + sizeof encd_box;
        q->deltas[k++] = chaptag_chapters_get(list, 0)->start_ms;
    }
    for (size_t i = 0; i < n; i++, k++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        size_t before = q->data.len;
        if (strlen(ch->title) > QT_TITLE_MAX)
            ct_warn(w, ch->line, "the title is cut to %d bytes in the QuickTime chapter track",
                    QT_TITLE_MAX);
        put_sample(ch->title, &q->data);
        q->sizes[k] = (uint32_t)(q->data.len - before);
        uint64_t next = i + 1 < n ? chaptag_chapters_get(list, i + 1)->start_ms : duration_ms;
        q->deltas[k] = next - ch->start_ms;
    }
    return ct_buf_ok(&q->data) ? CHAPTAG_OK : ct_fail_nomem(err);
}

static void free_samples(qt_samples *q)
{
    ct_buf_free(&q->data);
    free(q->sizes);
    free(q->deltas);
}

/* Appends a full box header (size patched by end_box) and returns where it starts. */
static size_t begin_box(ct_buf *b, const char *type)
{
    size_t at = b->len;
    ct_buf_put_u32be(b, 0);
    ct_buf_put(b, type, 4);
    return at;
}

static void end_box(ct_buf *b, size_t at)
{
    ct_buf_set_u32be(b, at, (uint32_t)(b->len - at));
}

static const uint8_t identity_matrix[36] = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                            0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                                            0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0};

/* gmhd with gmin and the 'text' matrix that Apple's chapter tracks need (reference §4.5). */
static void put_gmhd(ct_buf *b)
{
    size_t gmhd = begin_box(b, "gmhd"), gmin = begin_box(b, "gmin");
    ct_buf_put_u32be(b, 0);         /* version, flags */
    ct_buf_put_u16be(b, 0x0040);    /* graphics mode: dither copy */
    ct_buf_put_u16be(b, 0x8000);    /* opcolor */
    ct_buf_put_u16be(b, 0x8000);
    ct_buf_put_u16be(b, 0x8000);
    ct_buf_put_u16be(b, 0);         /* balance */
    ct_buf_put_u16be(b, 0);         /* reserved */
    end_box(b, gmin);
    size_t text = begin_box(b, "text");
    ct_buf_put(b, identity_matrix, sizeof identity_matrix);
    end_box(b, text);
    end_box(b, gmhd);
}

/* The 'text' sample entry (FFmpeg's and TagLib's layout, reference §4.7 A). */
static void put_stsd(ct_buf *b)
{
    static const uint8_t entry[59] = {
        0, 0, 0, 59, 't', 'e', 'x', 't', 0, 0, 0, 0, 0, 0, 0, 1, /* size, type, data ref 1 */
        0, 0, 0, 1,                                             /* display flags */
        0, 0,                                                   /* justification */
        0, 0, 0, 0,                                             /* background RGBA */
        0, 0, 0, 0, 0, 0, 0, 0,                                 /* text box */
        0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,                     /* style record, font 1 */
        0, 0, 0, 13, 'f', 't', 'a', 'b', 0, 1, 0, 1, 0,         /* ftab: one font, no name */
    };
    size_t stsd = begin_box(b, "stsd");
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u32be(b, 1);
    ct_buf_put(b, entry, sizeof entry);
    end_box(b, stsd);
}

/* Sample tables for Q, all samples in one chunk at SAMPLES_OFF. */
static void put_stbl(ct_buf *b, const qt_samples *q, uint64_t samples_off)
{
    size_t stbl = begin_box(b, "stbl");
    put_stsd(b);
    size_t at = begin_box(b, "stts");
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u32be(b, (uint32_t)q->n);
    for (size_t i = 0; i < q->n; i++) { /* one entry per chapter, never run-length merged */
        ct_buf_put_u32be(b, 1);
        ct_buf_put_u32be(b, (uint32_t)q->deltas[i]);
    }
    end_box(b, at);
    at = begin_box(b, "stsc");
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u32be(b, 1);
    ct_buf_put_u32be(b, 1);              /* first chunk */
    ct_buf_put_u32be(b, (uint32_t)q->n); /* samples per chunk */
    ct_buf_put_u32be(b, 1);              /* sample description */
    end_box(b, at);
    at = begin_box(b, "stsz");
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u32be(b, 0); /* sizes differ: one per sample */
    ct_buf_put_u32be(b, (uint32_t)q->n);
    for (size_t i = 0; i < q->n; i++)
        ct_buf_put_u32be(b, q->sizes[i]);
    end_box(b, at);
    bool co64 = samples_off > UINT32_MAX;
    at = begin_box(b, co64 ? "co64" : "stco");
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u32be(b, 1);
    if (co64)
        ct_buf_put_u64be(b, samples_off);
    else
        ct_buf_put_u32be(b, (uint32_t)samples_off);
    end_box(b, at);
    end_box(b, stbl);
}

/* The whole chapter trak: a disabled text track of timescale 1000 (reference §4). */
static void put_chapter_trak(ct_buf *b, const qt_samples *q, uint32_t id, uint64_t duration_ms,
                             uint32_t movie_timescale, uint64_t samples_off)
{
    uint64_t movie_dur = duration_ms * movie_timescale / 1000;
    bool v1 = movie_dur > UINT32_MAX || duration_ms > UINT32_MAX;
    size_t trak = begin_box(b, "trak"), at = begin_box(b, "tkhd");
    ct_buf_put_u32be(b, (v1 ? 1u << 24 : 0) | 0x000002); /* in movie, not enabled */
    if (v1) {
        ct_buf_put_u64be(b, 0);
        ct_buf_put_u64be(b, 0);
    } else {
        ct_buf_put_u32be(b, 0);
        ct_buf_put_u32be(b, 0);
    }
    ct_buf_put_u32be(b, id);
    ct_buf_put_u32be(b, 0);
    if (v1)
        ct_buf_put_u64be(b, movie_dur);
    else
        ct_buf_put_u32be(b, (uint32_t)movie_dur);
    ct_buf_put_zeros(b, 8 + 2 + 2 + 2 + 2); /* reserved, layer, group, volume, reserved */
    ct_buf_put(b, identity_matrix, sizeof identity_matrix);
    ct_buf_put_zeros(b, 8); /* width, height */
    end_box(b, at);
    /* AVFoundation wants an edit list on the chapter track (TagLib's finding) */
    size_t edts = begin_box(b, "edts");
    at = begin_box(b, "elst");
    ct_buf_put_u32be(b, v1 ? 1u << 24 : 0);
    ct_buf_put_u32be(b, 1);
    if (v1) {
        ct_buf_put_u64be(b, movie_dur);
        ct_buf_put_u64be(b, 0);
    } else {
        ct_buf_put_u32be(b, (uint32_t)movie_dur);
        ct_buf_put_u32be(b, 0);
    }
    ct_buf_put_u32be(b, 0x00010000);
    end_box(b, at);
    end_box(b, edts);
    size_t mdia = begin_box(b, "mdia");
    at = begin_box(b, "mdhd");
    ct_buf_put_u32be(b, v1 ? 1u << 24 : 0);
    if (v1) {
        ct_buf_put_u64be(b, 0);
        ct_buf_put_u64be(b, 0);
        ct_buf_put_u32be(b, 1000);
        ct_buf_put_u64be(b, duration_ms);
    } else {
        ct_buf_put_zeros(b, 8);
        ct_buf_put_u32be(b, 1000);
        ct_buf_put_u32be(b, (uint32_t)duration_ms);
    }
    ct_buf_put_u16be(b, 0x55c4); /* language "und" */
    ct_buf_put_u16be(b, 0);
    end_box(b, at);
    at = begin_box(b, "hdlr");
    ct_buf_put_zeros(b, 8);
    ct_buf_put(b, "text", 4);
    ct_buf_put_zeros(b, 12);
    ct_buf_put(b, "Chapters", 9); /* name, NUL-terminated */
    end_box(b, at);
    size_t minf = begin_box(b, "minf");
    put_gmhd(b);
    static const uint8_t dinf[36] = {0, 0, 0, 36, 'd', 'i', 'n', 'f', 0, 0, 0, 28,
                                     'd', 'r', 'e', 'f', 0, 0, 0, 0,  0, 0, 0, 1,
                                     0, 0, 0, 12, 'u', 'r', 'l', ' ', 0, 0, 0, 1};
    ct_buf_put(b, dinf, sizeof dinf);
    put_stbl(b, q, samples_off);
    end_box(b, minf);
    end_box(b, mdia);
    end_box(b, trak);
}

/* The Nero chpl payload: version 1, a reserved word, a one-byte count, then for each chapter
   its start in 100 ns units and its title cut to 255 bytes on a character boundary. */
static void put_chpl(ct_buf *b, const chaptag_chapters *list, ct_warnings *w)
{
    size_t n = chaptag_chapters_count(list);
    ct_buf_put_u32be(b, 0x01000000);
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u8(b, (unsigned)n);
    for (size_t i = 0; i < n; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        size_t len = ct_utf8_cut(ch->title, strlen(ch->title), CHPL_MAX);
        if (len < strlen(ch->title))
            ct_warn(w, ch->line, "the title is cut to %zu bytes in Nero chpl (255 at most)", len);
        ct_buf_put_u64be(b, ch->start_ms * 10000);
        ct_buf_put_u8(b, (unsigned)len);
        ct_buf_put(b, ch->title, len);
    }
}

/* ---- changing the tree -------------------------------------------------------------------- */

/* The track IDs a chap box names, read into IDS (at most MAX); their count. */
static size_t chap_ids(const ct_box *chap, uint32_t *ids, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; k + 4 <= chap->len && n < max; k += 4)
        ids[n++] = ct_load_u32be(chap->data + k);
    return n;
}

/* True when ID is among the N in IDS. */
static bool has_id(const uint32_t *ids, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

/* Index of child TYPE of BOX, or BOX->n_kids. */
static size_t child_index(const ct_box *box, const char *type)
{
    size_t i = 0;
    while (i < box->n_kids && (box->kids[i].hdr_len == 0 || !ct_box_is(&box->kids[i], type)))
        i++;
    return i;
}

/* Makes TRAK's tref/chap name its old IDs minus the N_GONE in GONE, plus ADD (0: none),
   touching nothing when that is what it names already: one tref, one chap, never a second. */
static chaptag_status set_refs(ct_file *f, ct_box *trak, const uint32_t *gone, size_t n_gone,
                               uint32_t add, chaptag_error *err)
{
    size_t ti = child_index(trak, "tref");
    ct_box *tref = ti < trak->n_kids ? &trak->kids[ti] : NULL;
    size_t ci = tref ? child_index(tref, "chap") : 0;
    ct_box *chap = tref && ci < tref->n_kids ? &tref->kids[ci] : NULL;
    chaptag_status st = chap ? ct_box_load(f, chap, err) : CHAPTAG_OK;
    if (st != CHAPTAG_OK)
        return st;
    uint32_t old[64], want[65];
    size_t n_old = chap ? chap_ids(chap, old, 64) : 0, n_want = 0;
    if (add != 0) /* the text track first, a chapter image track after it (Apple's order) */
        want[n_want++] = add;
    for (size_t i = 0; i < n_old; i++)
        if (!has_id(gone, n_gone, old[i]) && old[i] != add)
            want[n_want++] = old[i];
    bool same = n_want == n_old && (chap == NULL || chap->len == 4 * n_old);
    for (size_t i = 0; same && i < n_old; i++)
        same = want[i] == old[i];
    if (same)
        return CHAPTAG_OK;
    uint8_t payload[65 * 4];
    for (size_t i = 0; i < n_want; i++)
        ct_store_u32be(payload + 4 * i, want[i]);
    if (chap != NULL && n_want > 0)
        return ct_box_set_payload(chap, payload, 4 * n_want) ? CHAPTAG_OK : ct_fail_nomem(err);
    if (chap != NULL) {
        /* retired as free space of the same size: the track does not move, and the change is
           one atomic write; a tref left with nothing else goes the same way */
        ct_box_retype(chap, "free");
        bool empty = true;
        for (size_t i = 0; i < tref->n_kids; i++)
            empty = empty && (tref->kids[i].hdr_len == 0 || ct_box_is(&tref->kids[i], "free"));
        if (empty)
            ct_box_retype(tref, "free");
        return CHAPTAG_OK;
    }
    if (tref == NULL) { /* a new tref goes after tkhd and edts, where FFmpeg puts it */
        size_t at = 0;
        while (at < trak->n_kids && (ct_box_is(&trak->kids[at], "tkhd") ||
                                     ct_box_is(&trak->kids[at], "edts")))
            at++;
        ct_box fresh;
        memset(&fresh, 0, sizeof fresh);
        memcpy(fresh.type, "tref", 4);
        fresh.off = CT_BOX_NEW;
        fresh.hdr_len = 8;
        fresh.container = true;
        fresh.changed = true;
        if (!ct_box_insert(trak, at, &fresh))
            return ct_fail_nomem(err);
        tref = &trak->kids[at];
    }
    return ct_box_add_leaf(tref, "chap", payload, 4 * n_want) ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* Adds the places of the samples (the titles) of chapter track TRAK to M's old samples, which
   an edit zeroes once nothing points at them: a removed title must not stay in the file. A
   track whose tables cannot be read has nothing to find. */
static chaptag_status note_samples(ct_file *f, mp4_file *m, ct_box *trak)
{
    sample_tables tabs;
    sample_ref *s = NULL;
    size_t n = 0;
    if (load_tables(f, trak, &tabs, NULL) != CHAPTAG_OK ||
        expand_samples(&tabs, &s, &n, NULL) != CHAPTAG_OK)
        return CHAPTAG_OK;
    uint64_t size = ct_file_size(f);
    for (size_t i = 0; i < n; i++) {
        if (s[i].size == 0 || s[i].off >= size || s[i].size > size - s[i].off)
            continue;
        sample_span *v = ct_grow(m->old_samples, m->n_old_samples, &m->cap_old_samples,
                                 sizeof *v);
        if (v == NULL) {
            free(s);
            return CHAPTAG_ERR_NOMEM;
        }
        m->old_samples = v;
        v[m->n_old_samples++] = (sample_span){s[i].off, s[i].size};
    }
    free(s);
    return CHAPTAG_OK;
}

/* Removes every chapter text track and chpl. The removed IDs go to GONE (at most 16);
   *N_GONE is their count. tref entries are fixed afterwards by set_refs(). */
static chaptag_status remove_chapters(ct_file *f, mp4_file *m, uint32_t *gone, size_t *n_gone)
{
    ct_box *moov = moov_of(m);
    *n_gone = 0;
    for (size_t t = 0; t < m->n_tracks && *n_gone < 16;) {
        if (!is_chapter_track(f, m, &m->tracks[t])) {
            t++;
            continue;
        }
        gone[(*n_gone)++] = m->tracks[t].id;
        ct_box *trak = trak_by_id(m, m->tracks[t].id, NULL);
        size_t at = (size_t)(trak - moov->kids);
        sample_tables tabs;
        if (load_tables(f, trak, &tabs, NULL) == CHAPTAG_OK && tabs.stco->len >= (tabs.co64 ? 16 : 12))
            m->old_chunks[m->n_old_chunks++] = tabs.co64 ? ct_load_u64be(tabs.stco->data + 8)
                                                         : ct_load_u32be(tabs.stco->data + 8);
        chaptag_status st = note_samples(f, m, trak);
        if (st != CHAPTAG_OK)
            return st;
        ct_box_remove_child(moov, at);
        if (at < moov->n_kids && ct_box_is(&moov->kids[at], "free")) /* its slack goes too */
            ct_box_remove_child(moov, at);
        memmove(&m->tracks[t], &m->tracks[t + 1], (m->n_tracks - t - 1) * sizeof *m->tracks);
        m->n_tracks--;
    }
    ct_box *udta = ct_box_child(moov, "udta");
    for (size_t i = 0; udta != NULL && i < udta->n_kids; i++) {
        if (!ct_box_is(&udta->kids[i], "chpl"))
            continue;
        ct_box_remove_child(udta, i);
        if (i < udta->n_kids && ct_box_is(&udta->kids[i], "free")) /* its slack */
            ct_box_remove_child(udta, i);
        i--;
    }
    return CHAPTAG_OK;
}

/* Sets mvhd's next_track_ID to at least NEXT. */
static chaptag_status bump_next_track(mp4_file *m, uint32_t next, chaptag_error *err)
{
    if (m->next_track_id >= next)
        return CHAPTAG_OK;
    ct_box *mvhd = ct_box_child(moov_of(m), "mvhd");
    if (mvhd->len < 4)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the mvhd box is damaged");
    size_t at = mvhd->data[0] == 1 ? 108 : 96;
    if (mvhd->len < at + 4)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the mvhd box is damaged");
    ct_store_u32be(mvhd->data + at, next);
    mvhd->changed = true;
    m->next_track_id = next;
    return CHAPTAG_OK;
}

/* Puts udta and the chapter trak last in moov, in that order, so that re-embeds only change
   the end of moov. Moving a box that did not change is harmless: players look boxes up by
   type. */
static chaptag_status move_to_end(ct_box *moov, const char *type, chaptag_error *err)
{
    for (size_t i = 0; i + 1 < moov->n_kids; i++) {
        if (!ct_box_is(&moov->kids[i], type) || moov->kids[i].hdr_len == 0)
            continue;
        ct_box moved;
        ct_box_take_child(moov, i, &moved);
        if (!ct_box_append(moov, &moved))
            return ct_fail_nomem(err);
        return CHAPTAG_OK;
    }
    return CHAPTAG_OK;
}

/* ---- the plan ----------------------------------------------------------------------------- */

/* The region chaptag may rewrite: free/skip boxes nothing points into (old moovs an
   earlier layout left), moov, then an mdat holding only old chapter samples, then free/skip
   boxes. [START, END) in the file; the leading free space is [START, moov). */
typedef struct {
    uint64_t start, end;
    bool at_eof;
} region;

/* *HIT is true when a track other than SKIP (may be NULL) has a chunk in top-level box B. */
static chaptag_status others_point_into(ct_file *f, const mp4_file *m, const ct_box *b,
                                        const ct_box *skip, bool *hit, chaptag_error *err)
{
    ct_box *moov = moov_of(m);
    *hit = false;
    for (size_t i = 0; i < moov->n_kids && !*hit; i++) {
        ct_box *stbl = ct_box_is(&moov->kids[i], "trak") && &moov->kids[i] != skip
                           ? ct_box_path(&moov->kids[i], "mdia/minf/stbl") : NULL;
        ct_box *co = stbl ? ct_box_child(stbl, "stco") : NULL;
        co = co ? co : stbl ? ct_box_child(stbl, "co64") : NULL;
        chaptag_status st = co ? ct_box_table_hits(f, co, b->off, b->off + b->size, hit, err)
                               : CHAPTAG_OK;
        if (st != CHAPTAG_OK)
            return st;
    }
    return CHAPTAG_OK;
}

/* True when top-level box B is an mdat holding nothing but samples of removed chapter tracks:
   one of them pointed into it and no remaining track does. */
static chaptag_status is_chapter_mdat(ct_file *f, const mp4_file *m, const ct_box *b, bool *yes,
                                      chaptag_error *err)
{
    *yes = false;
    bool held_chapters = false, hit;
    for (size_t i = 0; i < m->n_old_chunks; i++)
        held_chapters |= m->old_chunks[i] >= b->off && m->old_chunks[i] < b->off + b->size;
    if (!ct_box_is(b, "mdat") || b->size > (1u << 20) || !held_chapters)
        return CHAPTAG_OK;
    chaptag_status st = others_point_into(f, m, b, NULL, &hit, err);
    *yes = st == CHAPTAG_OK && !hit;
    return st;
}

static chaptag_status find_region(ct_file *f, const mp4_file *m, region *r, chaptag_error *err)
{
    r->start = moov_of(m)->off;
    r->end = r->start + moov_of(m)->size;
    /* free space before moov is reclaimed, so that layouts do not pile up old moovs */
    for (size_t k = m->moov; k-- > 0;) {
        const ct_box *b = &m->tops[k];
        bool hit = true;
        if (b->hdr_len == 0 || !(ct_box_is(b, "free") || ct_box_is(b, "skip")))
            break;
        chaptag_status st = others_point_into(f, m, b, NULL, &hit, err);
        if (st != CHAPTAG_OK)
            return st;
        if (hit)
            break;
        r->start = b->off;
    }
    size_t i = m->moov + 1;
    if (i < m->n_tops) {
        bool ours;
        chaptag_status st = is_chapter_mdat(f, m, &m->tops[i], &ours, err);
        if (st != CHAPTAG_OK)
            return st;
        if (ours)
            r->end += m->tops[i++].size;
    }
    for (; i < m->n_tops; i++) {
        const ct_box *b = &m->tops[i];
        if (b->hdr_len == 0 || !(ct_box_is(b, "free") || ct_box_is(b, "skip")))
            break;
        r->end += b->size;
    }
    r->at_eof = r->end == ct_file_size(f);
    return CHAPTAG_OK;
}

/* A free box of SIZE bytes (at least 8): header only; the caller writes or keeps the rest. */
static void put_free_header(uint8_t out[8], uint64_t size)
{
    ct_store_u32be(out, (uint32_t)size);
    memcpy(out + 4, "free", 4);
}

/* Builds the new moov's D part (the children from index FIRST on) and what follows moov
   (chapter mdat, and a free box of PAD bytes) into OUT. The free box's payload is written as
   zeros only with ZEROS: in place its old bytes may stay, readers skip them. */
static chaptag_status render_tail(ct_file *f, const ct_box *moov, size_t first,
                                  const qt_samples *q, bool with_samples, uint64_t pad,
                                  bool zeros, ct_buf *out, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = first; i < moov->n_kids && st == CHAPTAG_OK; i++)
        st = ct_box_render_bytes(f, &moov->kids[i], out, err);
    if (st == CHAPTAG_OK && with_samples) {
        ct_buf_put_u32be(out, (uint32_t)(8 + q->data.len));
        ct_buf_put(out, "mdat", 4);
        ct_buf_put(out, q->data.data, q->data.len);
    }
    if (st == CHAPTAG_OK && pad > 0) {
        uint8_t h[8];
        put_free_header(h, pad);
        ct_buf_put(out, h, 8);
        if (zeros)
            ct_buf_put_zeros(out, (size_t)(pad - 8));
    }
    return st == CHAPTAG_OK && !ct_buf_ok(out) ? ct_fail_nomem(err) : st;
}

/* Sizes of the new region: moov, the chapter mdat, and what the chapter trak's chunk offset
   is (it depends on where the mdat lands). */
typedef struct {
    uint64_t moov, mdat;
} new_sizes;

/* Room left after a chapter box for the next edit: a quarter of its size, at least MIN. */
static size_t slack_for(size_t len, size_t min)
{
    return len / 4 > min ? len / 4 : min;
}

/* Appends to BOX a free box of LEN bytes (at least 8). */
static bool add_free(ct_box *box, size_t len)
{
    uint8_t *zeros = ct_calloc(1, len - 8);
    bool ok = zeros && ct_box_add_leaf(box, "free", zeros, len - 8);
    free(zeros);
    return ok;
}

/* Writes the chapter trak (if Q) and its slack as the last two children of MOOV with its
   samples at SAMPLES_OFF. */
static chaptag_status set_chapter_trak(ct_box *moov, const qt_samples *q, uint32_t id,
                                       uint64_t duration_ms, uint32_t movie_ts,
                                       uint64_t samples_off, bool *added, chaptag_error *err)
{
    if (q == NULL)
        return CHAPTAG_OK;
    if (*added) {
        ct_box_remove_child(moov, moov->n_kids - 1);
        ct_box_remove_child(moov, moov->n_kids - 1);
    }
    ct_buf b = CT_BUF_INIT;
    put_chapter_trak(&b, q, id, duration_ms, movie_ts, samples_off);
    if (!ct_buf_ok(&b))
        return ct_fail_nomem(err);
    /* the rendered trak is one new leaf: its bytes are final */
    ct_box *kid = ct_box_add_leaf(moov, "trak", b.data + 8, b.len - 8);
    bool ok = kid != NULL && add_free(moov, slack_for(b.len, 512));
    if (kid != NULL && !ok)
        ct_box_remove_child(moov, moov->n_kids - 1);
    ct_buf_free(&b);
    if (!ok)
        return ct_fail_nomem(err);
    *added = true;
    return CHAPTAG_OK;
}

typedef struct {
    const chaptag_chapters *list;
    const chaptag_embed_opts *opts;
    uint64_t duration_ms;
    qt_samples q;
    bool qt, nero;
    uint32_t chapter_id;
    bool trak_added;
} embed_job;

/* Lays out the new chapter trak for a region starting at START: the samples go right after
   moov, so their offset depends on moov's size, which depends on whether that offset needs
   64 bits. Two passes settle it. */
static chaptag_status place_samples(const mp4_file *m, embed_job *j, uint64_t start,
                                    new_sizes *ns, chaptag_error *err)
{
    ct_box *moov = moov_of(m);
    uint64_t off = 0;
    for (int pass = 0; pass < 3; pass++) {
        chaptag_status st = set_chapter_trak(moov, j->qt ? &j->q : NULL, j->chapter_id,
                                             j->duration_ms, m->movie_timescale, off,
                                             &j->trak_added, err);
        if (st != CHAPTAG_OK)
            return st;
        ns->moov = ct_box_size(moov);
        ns->mdat = j->qt ? 8 + j->q.data.len : 0;
        uint64_t want = start + ns->moov + 8;
        if (want == off)
            break;
        off = want;
    }
    return CHAPTAG_OK;
}

/* True when a copy of NEED bytes, behind an 8-byte free box, fits in ROOM bytes with what is
   left over either nothing or a free box of its own. */
static bool shadow_fits(uint64_t room, uint64_t need)
{
    return room >= 8 + need && (room - 8 - need == 0 || room - 8 - need >= 8);
}

/* Zeroes, after the edit's last step and among its edits, the samples of the removed chapter
   tracks that lie outside [LO, HI) (what the edit rewrites anyway): titles that nothing
   reads any more must not stay in the file. */
static bool zero_old_samples(const mp4_file *m, uint64_t lo, uint64_t hi, bool steps,
                             ct_plan *plan)
{
    bool ok = true;
    for (size_t i = 0; i < m->n_old_samples && ok; i++) {
        const sample_span *sp = &m->old_samples[i];
        if (sp->off < hi && sp->off + sp->len > lo)
            continue;
        if (steps)
            ok = ct_plan_step_begin(plan, sp->off) && ct_plan_zeros(plan, sp->len);
        ok = ok && ct_plan_zero_range(plan, sp->off, sp->len);
    }
    return ok;
}

/* The box at the end of the file when its size field is 0 ("to the end of the file"): it
   would swallow anything written after it. NULL when there is none. */
static const ct_box *open_ended(const mp4_file *m)
{
    return m->n_tops > 0 && m->tops[m->n_tops - 1].to_eof ? &m->tops[m->n_tops - 1] : NULL;
}

/* The new moov is written as a copy where nothing reads: in the padding after the old region
   (AT to END), or past the end of the file (EXTEND). Each step leaves a valid file:
   0. (EXTEND) a last box of size 0 gets its size written out, so that it ends where it did;
   1. (EXTEND) the file grows by zeros, which read as one box running to the end;
   2. a free header at AT covers [AT, END);                   the copy's space is hidden
   3. the new moov, its chapter mdat and a zeroed free box;   written inside that free
   4. a free header of 8 bytes at AT;                          two complete moovs, old first
   5. the old moov's type becomes free;                        only the new one
   6. one free header over the old region [moov, OLD_END) (moov, chapter mdat, padding), then
      zeros over it: the old titles and chpl are gone, not only hidden.
   The copy may also stand before the old moov, in free space there (AT < moov): it is then
   the first moov from step 4 on, the one players read. */
static chaptag_status plan_shadow(ct_file *f, const mp4_file *m, embed_job *j, uint64_t at,
                                  uint64_t end, bool extend, uint64_t pad, uint64_t old_end,
                                  ct_plan *plan, chaptag_error *err)
{
    const ct_box *moov = moov_of(m), *last = open_ended(m);
    uint8_t h[8], zero = 0, size0[4];
    uint64_t old = old_end - moov->off; /* the old region, cleared once the copy is shown */
    if (old > UINT32_MAX || (last != NULL && last->size > UINT32_MAX))
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "moov and what follows it pass 4 GiB");
    bool ok = true;
    if (extend && last != NULL) {
        ct_store_u32be(size0, (uint32_t)last->size);
        ok = ct_plan_step(plan, last->off, size0, 4);
    }
    ok = ok && (!extend || ct_plan_step(plan, end - 1, &zero, 1));
    put_free_header(h, end - at);
    ok = ok && ct_plan_step(plan, at, h, 8);
    ct_buf full = CT_BUF_INIT;
    chaptag_status st = render_tail(f, moov, moov->n_kids, &j->q, j->qt, pad, true, &full, err);
    ok = ok && st == CHAPTAG_OK && ct_plan_step_begin(plan, at + 8) && ct_box_render(moov, plan) &&
         ct_plan_bytes(plan, full.data, full.len);
    put_free_header(h, 8);
    ok = ok && ct_plan_step(plan, at, h, 8) && ct_plan_step(plan, moov->off + 4, "free", 4);
    uint8_t gone[8];
    put_free_header(gone, old);
    ok = ok && ct_plan_step(plan, moov->off, gone, 8) &&
         ct_plan_step_begin(plan, moov->off + 8) && ct_plan_zeros(plan, old - 8);
    /* the same result as edits, for -o; in file order */
    bool before = at < moov->off;
    ok = ok && (!before || (ct_plan_edit(plan, at, end - at) && ct_plan_bytes(plan, h, 8) &&
                            ct_box_render(moov, plan) && ct_plan_bytes(plan, full.data, full.len)));
    ok = ok && ct_plan_edit(plan, moov->off, old) && ct_plan_bytes(plan, gone, 8) &&
         ct_plan_zeros(plan, old - 8);
    ok = ok && (before || (ct_plan_edit(plan, at, extend ? 0 : end - at) &&
                           ct_plan_bytes(plan, h, 8) && ct_box_render(moov, plan) &&
                           ct_plan_bytes(plan, full.data, full.len)));
    ok = ok && zero_old_samples(m, before ? at : moov->off, before ? old_end : end, true, plan);
    ct_buf_free(&full);
    if (st != CHAPTAG_OK)
        return st;
    return ok ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* Anything else: the file is rewritten with the new region, everything after it moved by
   DELTA and every chunk offset past the region shifted (stco widened where needed). */
static chaptag_status plan_rewrite(ct_file *f, const mp4_file *m, embed_job *j, const region *r,
                                   int64_t padding, ct_plan *plan, struct chaptag_report *rep,
                                   chaptag_error *err)
{
    ct_box *moov = moov_of(m);
    new_sizes ns = {0, 0};
    int64_t delta = 0;
    uint64_t pad = 0;
    /* moving mdat can push an offset past 4 GiB, widening a table, growing moov, moving
       mdat further: repeat until nothing changes (FFmpeg's faststart does the same) */
    for (int pass = 0; pass < 4; pass++) {
        chaptag_status st = place_samples(m, j, r->start, &ns, err);
        if (st != CHAPTAG_OK)
            return st;
        pad = padding >= 0 ? (uint64_t)padding
                           : ct_padding_for(ns.mdat + (j->trak_added ? moov->kids[moov->n_kids - 2].len
                                                                     : 0) + 1024,
                                            ns.moov + 8);
        pad = pad > 0 && pad < 8 ? 8 : pad;
        int64_t want = (int64_t)(ns.moov + ns.mdat + pad) - (int64_t)(r->end - r->start);
        bool widened = false;
        st = ct_box_shift_offsets(f, moov, r->end, want, &widened, err);
        if (st != CHAPTAG_OK)
            return st;
        if (want == delta && !widened)
            break;
        delta = want;
    }
    ct_buf rest = CT_BUF_INIT;
    chaptag_status st = render_tail(f, moov, moov->n_kids, &j->q, j->qt, pad, true, &rest, err);
    bool ok = st == CHAPTAG_OK && ct_plan_edit(plan, r->start, r->end - r->start) &&
              ct_box_render(moov, plan) && ct_plan_bytes(plan, rest.data, rest.len) &&
              zero_old_samples(m, r->start, r->end, false, plan);
    ct_buf_free(&rest);
    rep->padding = pad;
    if (st != CHAPTAG_OK)
        return st;
    return ok ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* Adds to GONE the IDs that some tref/chap names but no track has (a chapter track retired
   by an edit that was interrupted): they go, and the first is reused. */
static void add_dangling(ct_file *f, const mp4_file *m, uint32_t *gone, size_t *n_gone)
{
    const ct_box *moov = moov_of(m);
    for (size_t i = 0; i < moov->n_kids; i++) {
        ct_box *chap = ct_box_is(&moov->kids[i], "trak") ? ct_box_path(&moov->kids[i], "tref/chap")
                                                         : NULL;
        if (chap == NULL || ct_box_load(f, chap, NULL) != CHAPTAG_OK)
            continue;
        uint32_t ids[64];
        size_t n = chap_ids(chap, ids, 64);
        for (size_t k = 0; k < n && *n_gone < 16; k++)
            if (trak_by_id(m, ids[k], NULL) == NULL && !has_id(gone, *n_gone, ids[k]))
                gone[(*n_gone)++] = ids[k];
    }
}

/* Changes the tree for JOB: old chapters out, new ones in, udta and the chapter trak last. */
static chaptag_status change_tree(ct_file *f, mp4_file *m, embed_job *j, ct_warnings *w,
                                  chaptag_error *err)
{
    ct_box *moov = moov_of(m);
    uint32_t gone[16];
    size_t n_gone;
    chaptag_status st = remove_chapters(f, m, gone, &n_gone);
    if (st == CHAPTAG_ERR_NOMEM)
        return ct_fail_nomem(err);
    if (st == CHAPTAG_OK)
        add_dangling(f, m, gone, &n_gone);
    long a = audio_track(m);
    if (st == CHAPTAG_OK && a < 0 && j->list != NULL)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the file has no audio track");
    uint32_t max_id = 0;
    for (size_t i = 0; i < m->n_tracks; i++)
        max_id = m->tracks[i].id > max_id ? m->tracks[i].id : max_id;
    /* a re-embed keeps the old track's ID, so the audio track's tref stays as it is */
    j->chapter_id = n_gone ? gone[0] : max_id + 1 > m->next_track_id ? max_id + 1
                                                                      : m->next_track_id;
    for (size_t i = 0; i < m->n_tracks && st == CHAPTAG_OK; i++) {
        uint32_t add = j->qt && (long)i == a ? j->chapter_id : 0;
        st = set_refs(f, trak_by_id(m, m->tracks[i].id, NULL), gone, n_gone, add, err);
    }
    if (st != CHAPTAG_OK || j->list == NULL)
        return st;
    if (j->qt) {
        st = bump_next_track(m, j->chapter_id + 1, err);
        if (st == CHAPTAG_OK)
            st = make_samples(j->list, j->duration_ms, &j->q, w, err);
    }
    if (st == CHAPTAG_OK && j->nero) {
        ct_box *udta = ct_box_child(moov, "udta");
        if (udta == NULL && (udta = ct_box_add_container(moov, "udta")) == NULL)
            return ct_fail_nomem(err);
        ct_buf b = CT_BUF_INIT;
        put_chpl(&b, j->list, w);
        bool ok = ct_buf_ok(&b) && ct_box_add_leaf(udta, "chpl", b.data, b.len) &&
                  add_free(udta, slack_for(b.len + 8, 256));
        ct_buf_free(&b);
        if (!ok)
            return ct_fail_nomem(err);
    }
    if (st == CHAPTAG_OK)
        st = move_to_end(moov, "udta", err);
    return st;
}

/* ---- re-embeds in the slots, strip by retyping ---------------------------------------- */

/* One of chaptag's boxes and the free box after it: ROOM bytes at OFF (the old box being
   OLD_SIZE of them), to hold the new box BOX (LEN bytes, header included). */
typedef struct {
    uint64_t off, room, old_size;
    uint8_t *box;
    size_t len;
} slot;

static bool slot_fits(const slot *s)
{
    return s->len == s->room || s->len + 8 <= s->room;
}

/* The slot of box B among the children KIDS (N of them, B at index I): B and a free box right
   after it. */
static slot slot_of(const ct_box *kids, size_t n, size_t i)
{
    slot s = {kids[i].off, kids[i].size, kids[i].size, NULL, 0};
    if (i + 1 < n && ct_box_is(&kids[i + 1], "free") && kids[i + 1].hdr_len == 8)
        s.room += kids[i + 1].size;
    return s;
}

/* The new bytes of S as they will stand in the file: the box, then a free box of zeros for
   what is left (zeros, not whatever was there: old titles must not survive in the slack). */
static bool slot_bytes(const slot *s, ct_buf *out)
{
    ct_buf_put(out, s->box, s->len);
    if (s->room > s->len) {
        ct_buf_put_u32be(out, (uint32_t)(s->room - s->len));
        ct_buf_put(out, "free", 4);
        ct_buf_put_zeros(out, (size_t)(s->room - s->len - 8));
    }
    return ct_buf_ok(out);
}

/* True when the file already holds S's new bytes. */
static chaptag_status slot_same(ct_file *f, const slot *s, bool *same, chaptag_error *err)
{
    ct_buf want = CT_BUF_INIT;
    uint8_t *have = NULL;
    chaptag_status st = slot_bytes(s, &want) ? CHAPTAG_OK : ct_fail_nomem(err);
    if (st == CHAPTAG_OK && (have = ct_malloc(want.len)) == NULL)
        st = ct_fail_nomem(err);
    if (st == CHAPTAG_OK)
        st = ct_file_read(f, s->off, have, want.len, NULL, err);
    *same = st == CHAPTAG_OK && memcmp(have, want.data, want.len) == 0;
    free(have);
    ct_buf_free(&want);
    return st;
}

/* Step 1: hide the old box: retype it to free and grow it over its slack, in one 8-byte
   write (size and type side by side, so the box is never half changed). */
static bool slot_hide(ct_plan *p, const slot *s)
{
    uint8_t h[8];
    ct_store_u32be(h, (uint32_t)s->room);
    memcpy(h + 4, "free", 4);
    return ct_plan_step(p, s->off, h, 8);
}

/* Step 2: the new content and the new slack's header, inside the hidden box. */
static bool slot_fill(ct_plan *p, const slot *s)
{
    ct_buf b = CT_BUF_INIT;
    bool ok = slot_bytes(s, &b) && ct_plan_step(p, s->off + 8, b.data + 8, b.len - 8);
    ct_buf_free(&b);
    return ok;
}

/* Step 3: the new box's header: the box appears, complete. */
static bool slot_show(ct_plan *p, const slot *s)
{
    return ct_plan_step(p, s->off, s->box, 8);
}

/* The same change as an edit, for -o and for the file's final bytes. */
static bool slot_edit(ct_plan *p, const slot *s)
{
    ct_buf b = CT_BUF_INIT;
    bool ok = slot_bytes(s, &b);
    ok = ok && ct_buf_ok(&b) && ct_plan_edit(p, s->off, s->room) &&
         ct_plan_bytes(p, b.data, b.len);
    ct_buf_free(&b);
    return ok;
}

/* A whole box of TYPE around PAYLOAD, new. */
static uint8_t *make_box(const char *type, const uint8_t *payload, size_t len, size_t *out_len)
{
    ct_buf b = CT_BUF_INIT;
    ct_buf_put_u32be(&b, (uint32_t)(len + 8));
    ct_buf_put(&b, type, 4);
    ct_buf_put(&b, payload, len);
    return ct_buf_take(&b, out_len);
}

/* The slots of a file chaptag laid out, for JOB: the chapter trak (named by the audio
   track's tref alone), the mdat of its titles right after moov, chpl in udta. False when
   the file is not laid out so, or JOB wants other flavours than it has. */
static chaptag_status find_slots(ct_file *f, const mp4_file *m, const embed_job *j, slot *trak,
                                 slot *mdat, slot *chpl, bool *found, chaptag_error *err)
{
    const ct_box *moov = moov_of(m);
    size_t index = 0;
    ct_box *t = find_chapter_trak(f, m, &index);
    ct_box *udta = ct_box_child(moov, "udta");
    size_t ci = udta ? child_index(udta, "chpl") : 0;
    *found = false;
    if ((t != NULL) != j->qt || (udta != NULL && ci < udta->n_kids) != j->nero)
        return CHAPTAG_OK;
    if (j->nero)
        *chpl = slot_of(udta->kids, udta->n_kids, ci);
    if (!j->qt) {
        *found = true;
        return CHAPTAG_OK;
    }
    long a = audio_track(m);
    ct_box *chap = a >= 0 ? ct_box_path(trak_by_id(m, m->tracks[a].id, NULL), "tref/chap") : NULL;
    /* the audio track names our text track first; a chapter image track may follow */
    if (chap == NULL || !chap->loaded || chap->len < 4 ||
        ct_load_u32be(chap->data) != m->tracks[index].id || m->moov + 1 >= m->n_tops ||
        !ct_box_is(&m->tops[m->moov + 1], "mdat"))
        return CHAPTAG_OK;
    for (size_t k = 4; k + 4 <= chap->len; k += 4) {
        size_t other = 0;
        if (trak_by_id(m, ct_load_u32be(chap->data + k), &other) == NULL ||
            is_chapter_track(f, m, &m->tracks[other]))
            return CHAPTAG_OK;
    }
    /* the mdat after moov holds the chapter titles (the trak's one chunk) and nothing else */
    const ct_box *md = &m->tops[m->moov + 1];
    sample_tables tabs;
    if (md->size > (1u << 20) || load_tables(f, t, &tabs, NULL) != CHAPTAG_OK ||
        tabs.stco->len < (tabs.co64 ? 16u : 12u) || ct_load_u32be(tabs.stco->data + 4) != 1)
        return CHAPTAG_OK;
    uint64_t chunk = tabs.co64 ? ct_load_u64be(tabs.stco->data + 8)
                               : ct_load_u32be(tabs.stco->data + 8);
    bool hit;
    chaptag_status st = others_point_into(f, m, md, t, &hit, err);
    if (st != CHAPTAG_OK || hit || chunk != md->off + md->hdr_len)
        return st;
    *trak = slot_of(moov->kids, moov->n_kids, (size_t)(t - moov->kids));
    *mdat = slot_of(m->tops, m->n_tops, m->moov + 1);
    *found = true;
    return CHAPTAG_OK;
}

/* A re-embed into the slots of FILE, when everything fits; *DONE false otherwise. */
static chaptag_status plan_slots(ct_file *f, mp4_file *m, embed_job *j, ct_plan *plan,
                                 struct chaptag_report *rep, bool *done, chaptag_error *err)
{
    slot sl[3]; /* trak, mdat, chpl */
    bool found;
    memset(sl, 0, sizeof sl);
    *done = false;
    chaptag_status st = find_slots(f, m, j, &sl[0], &sl[1], &sl[2], &found, err);
    if (st != CHAPTAG_OK || !found)
        return st;
    size_t index = 0;
    if (j->qt) {
        find_chapter_trak(f, m, &index);
        j->chapter_id = m->tracks[index].id;
        ct_buf b = CT_BUF_INIT;
        st = make_samples(j->list, j->duration_ms, &j->q, &rep->warnings, err);
        put_chapter_trak(&b, &j->q, j->chapter_id, j->duration_ms, m->movie_timescale,
                         sl[1].off + 8);
        sl[0].box = ct_buf_take(&b, &sl[0].len);
        sl[1].box = make_box("mdat", j->q.data.data, j->q.data.len, &sl[1].len);
    }
    if (st == CHAPTAG_OK && j->nero) {
        ct_buf b = CT_BUF_INIT;
        put_chpl(&b, j->list, &rep->warnings);
        sl[2].box = ct_buf_ok(&b) ? make_box("chpl", b.data, b.len, &sl[2].len) : NULL;
        ct_buf_free(&b);
    }
    bool fits = true, any = false;
    for (int i = 0; i < 3 && st == CHAPTAG_OK; i++) {
        if (sl[i].room == 0)
            continue;
        if (sl[i].box == NULL) {
            st = ct_fail_nomem(err);
            break;
        }
        fits = fits && slot_fits(&sl[i]);
        bool same = false;
        if (fits)
            st = slot_same(f, &sl[i], &same, err);
        if (same)
            sl[i].room = 0; /* nothing to write there */
        any = any || !same;
    }
    if (st == CHAPTAG_OK && fits) {
        /* Four syncs whatever the slots: every hide is valid alone, every fill is hidden, the
           titles are shown before the trak that points at them. */
        bool ok = true;
        for (int i = 0; i < 3 && ok; i++)
            if (sl[i].room && (ok = slot_hide(plan, &sl[i])))
                ct_plan_step_shares_sync(plan);
        if (plan->n_steps > 0) /* hidden on disk before anything is written inside */
            plan->steps[plan->n_steps - 1].no_sync = false;
        for (int i = 0; i < 3 && ok; i++)
            if (sl[i].room && (ok = slot_fill(plan, &sl[i])))
                ct_plan_step_shares_sync(plan);
        if (plan->n_steps > 0) /* a sync after the fills */
            plan->steps[plan->n_steps - 1].no_sync = false;
        for (int i = 1; i < 3 && ok; i++)
            if (sl[i].room && (ok = slot_show(plan, &sl[i])))
                ct_plan_step_shares_sync(plan);
        if (plan->n_steps > 0) /* and one before the trak is shown */
            plan->steps[plan->n_steps - 1].no_sync = false;
        ok = ok && (!sl[0].room || slot_show(plan, &sl[0]));
        int order[3] = {0, 1, 2}; /* the edits in file order */
        for (int a = 0; a < 3; a++)
            for (int b = a + 1; b < 3; b++)
                if (sl[order[b]].off < sl[order[a]].off) {
                    int t = order[a];
                    order[a] = order[b];
                    order[b] = t;
                }
        for (int i = 0; i < 3 && ok && any; i++)
            ok = !sl[order[i]].room || slot_edit(plan, &sl[order[i]]);
        st = ok ? CHAPTAG_OK : ct_fail_nomem(err);
        *done = st == CHAPTAG_OK;
        rep->padding = sl[1].room > sl[1].len ? sl[1].room - sl[1].len : 0;
    }
    for (int i = 0; i < 3; i++)
        free(sl[i].box);
    if (!*done) { /* a new layout makes the samples again */
        free_samples(&j->q);
        memset(&j->q, 0, sizeof j->q);
    }
    return st;
}

/* Strip in place: first the titles are zeroed where they stand (the chapter samples, the
   chpl payload: chapters without titles, a chpl of none, are valid files, and a strip killed
   after this is finished by the next one, which finds the tracks still there); then every
   chapter track, every chpl and every tref/chap that names only chapter tracks becomes free
   space of the same size, each by one atomic write. *DONE false when a chap also names other
   tracks (it must shrink: a new layout). */
static chaptag_status plan_strip(ct_file *f, mp4_file *m, ct_plan *plan, bool *done,
                                 chaptag_error *err)
{
    uint64_t at[64];
    size_t n = 0;
    uint32_t ids[16];
    size_t n_ids = 0;
    ct_box *moov = moov_of(m);
    *done = false;
    for (size_t t = 0; t < m->n_tracks && n_ids < 16 && n < 64; t++)
        if (is_chapter_track(f, m, &m->tracks[t])) {
            ids[n_ids++] = m->tracks[t].id;
            ct_box *trak = trak_by_id(m, m->tracks[t].id, NULL);
            at[n++] = trak->off + 4;
            if (note_samples(f, m, trak) != CHAPTAG_OK)
                return ct_fail_nomem(err);
        }
    for (size_t i = 0; i < moov->n_kids && n < 64; i++) {
        ct_box *trak = &moov->kids[i], *tref = ct_box_child(trak, "tref");
        ct_box *chap = ct_box_is(trak, "trak") && tref ? ct_box_child(tref, "chap") : NULL;
        if (chap == NULL || ct_box_load(f, chap, err) != CHAPTAG_OK)
            continue;
        uint32_t listed[64];
        size_t k = chap_ids(chap, listed, 64), hits = 0;
        for (size_t x = 0; x < k; x++)
            hits += has_id(ids, n_ids, listed[x]);
        if (hits == 0)
            continue;
        if (hits < k) {
            m->n_old_samples = 0; /* the new layout notes them again */
            return CHAPTAG_OK; /* names other tracks too */
        }
        at[n++] = (tref->n_kids == 1 ? tref : chap)->off + 4;
    }
    ct_box *udta = ct_box_child(moov, "udta");
    for (size_t i = 0; udta != NULL && i < udta->n_kids && n < 64; i++)
        if (ct_box_is(&udta->kids[i], "chpl")) {
            const ct_box *c = &udta->kids[i];
            at[n++] = c->off + 4;
            sample_span *v = ct_grow(m->old_samples, m->n_old_samples, &m->cap_old_samples,
                                     sizeof *v);
            if (v == NULL)
                return ct_fail_nomem(err);
            m->old_samples = v;
            v[m->n_old_samples++] = (sample_span){c->off + c->hdr_len, c->size - c->hdr_len};
        }
    for (size_t a = 0; a < n; a++) /* the edits go in file order */
        for (size_t b = a + 1; b < n; b++)
            if (at[b] < at[a]) {
                uint64_t t = at[a];
                at[a] = at[b];
                at[b] = t;
            }
    bool ok = true;
    for (size_t i = 0; i < m->n_old_samples && ok; i++)
        if ((ok = ct_plan_step_begin(plan, m->old_samples[i].off) &&
                  ct_plan_zeros(plan, m->old_samples[i].len)))
            ct_plan_step_shares_sync(plan);
    if (plan->n_steps > 0) /* the titles are gone before any box is */
        plan->steps[plan->n_steps - 1].no_sync = false;
    for (size_t i = 0; i < n && ok; i++)
        ok = ct_plan_step(plan, at[i], "free", 4) && ct_plan_edit(plan, at[i], 4) &&
             ct_plan_bytes(plan, "free", 4);
    ok = ok && zero_old_samples(m, 0, 0, false, plan);
    *done = ok;
    return ok ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* Adds the dry-run description of JOB to the report. */
static void describe(const embed_job *j, const new_sizes *ns, struct chaptag_report *rep)
{
    size_t n = j->list ? chaptag_chapters_count(j->list) : 0;
    char a[CT_TIME_STR_MAX];
    if (j->qt) {
        ct_buf_printf(&rep->plan, "trak %" PRIu32 ": QuickTime chapter track, text, disabled, "
                      "timescale 1000, %zu samples%s, duration %s\n", j->chapter_id, j->q.n,
                      j->q.filler ? " (an untitled filler at 0 first)" : "",
                      ct_time_str_ms(j->duration_ms, a));
        ct_buf_printf(&rep->plan, "tref/chap on the audio track -> %" PRIu32 "\n", j->chapter_id);
        ct_buf_printf(&rep->plan, "mdat: %" PRIu64 " bytes of chapter titles\n", ns->mdat);
    }
    if (j->nero)
        ct_buf_printf(&rep->plan, "udta/chpl: Nero chapters, %zu entries\n", n);
    for (size_t i = 0; i < n; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(j->list, i);
        ct_buf_printf(&rep->plan, "  chapter %zu: %s \"%s\"\n", i + 1, ct_time_str(ch->start_ms, a),
                      ch->title);
    }
}

/* A new layout: the tree changed, then the new moov written as a shadow copy (in the padding
   after the old one, or past the end of the file) or the file rewritten. */
static chaptag_status plan_layout(ct_file *f, mp4_file *m, embed_job *j,
                                  const chaptag_embed_opts *opts, new_sizes *ns, ct_plan *plan,
                                  struct chaptag_report *rep, chaptag_error *err)
{
    region r = {0, 0, false};
    chaptag_status st = change_tree(f, m, j, &rep->warnings, err);
    if (st == CHAPTAG_OK)
        st = find_region(f, m, &r, err);
    if (st == CHAPTAG_OK && j->list == NULL && !ct_box_dirty(moov_of(m)))
        return CHAPTAG_OK; /* nothing to strip */
    uint64_t asked = opts->padding > 0 && opts->padding < 8 ? 8 : (uint64_t)opts->padding;
    uint64_t old_end = moov_of(m)->off + moov_of(m)->size, eof = ct_file_size(f);
    /* a second moov must go: only a rewrite of a region that holds it is sure to */
    bool stale = m->n_moov > 1;
    if (st == CHAPTAG_OK && stale && m->stale_end > r.end)
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the file has %zu moov boxes, apart from each "
                     "other; remux it (ffmpeg -i IN -c copy OUT) first", m->n_moov);
    if (st != CHAPTAG_OK) {
    } else if (stale) {
        st = plan_rewrite(f, m, j, &r, opts->padding, plan, rep, err);
        ns->moov = ct_box_size(moov_of(m));
    } else if ((st = place_samples(m, j, old_end + 8, ns, err)) != CHAPTAG_OK) {
    } else if (opts->padding < 0 && shadow_fits(r.end - old_end, ns->moov + ns->mdat)) {
        rep->padding = r.end - old_end - 8 - ns->moov - ns->mdat;
        st = plan_shadow(f, m, j, old_end, r.end, false, rep->padding, old_end, plan, err);
    } else if (opts->padding < 0 && r.start < moov_of(m)->off &&
               (st = place_samples(m, j, r.start + 8, ns, err)) == CHAPTAG_OK &&
               shadow_fits(moov_of(m)->off - r.start, ns->moov + ns->mdat)) {
        /* in the free space an earlier layout left before moov */
        rep->padding = moov_of(m)->off - r.start - 8 - ns->moov - ns->mdat;
        st = plan_shadow(f, m, j, r.start, moov_of(m)->off, false, rep->padding, r.end, plan,
                         err);
    } else if (st != CHAPTAG_OK) {
    } else if (r.at_eof && (st = place_samples(m, j, eof + 8, ns, err)) == CHAPTAG_OK) {
        rep->padding = opts->padding >= 0 ? asked : ct_padding_for(ns->mdat + 1024, ns->moov + 8);
        st = plan_shadow(f, m, j, eof, eof + 8 + ns->moov + ns->mdat + rep->padding, true,
                         rep->padding, eof, plan, err);
    } else if (st == CHAPTAG_OK) {
        st = plan_rewrite(f, m, j, &r, opts->padding, plan, rep, err);
        ns->moov = ct_box_size(moov_of(m));
    }
    return st;
}

static chaptag_status mp4_plan(ct_file *f, const chaptag_chapters *list,
                               const chaptag_embed_opts *opts, ct_plan *plan,
                               struct chaptag_report *rep, chaptag_error *err)
{
    mp4_file m;
    chaptag_status st = mp4_open(f, &m, err);
    if (st != CHAPTAG_OK)
        return st;
    embed_job j = {list, opts, 0, {0, false, CT_BUF_INIT, NULL, NULL}, false, false, 0, false};
    j.duration_ms = opts->duration_ms != CHAPTAG_TIME_NONE ? opts->duration_ms
                                                           : audio_duration_ms(f, &m);
    fill_info(&rep->info, &m, j.duration_ms, ct_file_size(f));
    if (opts->duration_ms != CHAPTAG_TIME_NONE)
        snprintf(rep->info.duration_source, sizeof rep->info.duration_source, "--duration");
    size_t n = list ? chaptag_chapters_count(list) : 0;
    j.qt = list != NULL && opts->mp4_style != CHAPTAG_MP4_NERO;
    j.nero = list != NULL && opts->mp4_style != CHAPTAG_MP4_QT;
    if (j.nero && n > CHPL_MAX) {
        ct_warn(&rep->warnings, 0, "%zu chapters: Nero chpl holds at most 255, so it is left out "
                "(players that prefer it would hide the rest); the QuickTime track has them all",
                n);
        j.nero = false;
    }
    if (ct_box_child(moov_of(&m), "mvex") != NULL)
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "fragmented MP4 files are not supported");
    if (st == CHAPTAG_OK && list != NULL)
        st = chaptag_chapters_validate(list, j.duration_ms, err);
    bool done = false;
    /* with a second moov left by an interrupted edit, only a new layout clears it away */
    if (st == CHAPTAG_OK && list == NULL && m.n_moov == 1)
        st = plan_strip(f, &m, plan, &done, err);
    else if (st == CHAPTAG_OK && opts->padding < 0 && m.n_moov == 1)
        st = plan_slots(f, &m, &j, plan, rep, &done, err);
    new_sizes ns = {moov_of(&m)->size, 0};
    if (st == CHAPTAG_OK && !done)
        st = plan_layout(f, &m, &j, opts, &ns, plan, rep, err);
    if (st == CHAPTAG_OK) {
        describe(&j, &ns, rep);
        rep->tag_size = ns.moov + ns.mdat;
        rep->in_place = plan->n == 0 || plan->n_steps > 0;
        snprintf(rep->what, sizeof rep->what, "moov");
        ct_buf_printf(&rep->plan, "moov: %" PRIu64 " bytes, then %" PRIu64 " bytes of padding; "
                      "%s\n", ns.moov, rep->padding,
                      plan->n == 0 ? "unchanged"
                      : plan->n_steps ? "written in place" : "the file is rewritten");
    }
    free_samples(&j.q);
    mp4_file_free(&m);
    return st;
}

/* Counts the tref boxes of TRAK: AVFoundation discards a track with two. */
static size_t count_trefs(const ct_box *trak)
{
    size_t n = 0;
    for (size_t i = 0; i < trak->n_kids; i++)
        n += trak->kids[i].hdr_len != 0 && ct_box_is(&trak->kids[i], "tref");
    return n;
}

/* Checks the chapter track's sample tables agree on the number of samples. */
static void lint_tables(ct_file *f, ct_box *trak, ct_findings *out)
{
    sample_tables t;
    if (load_tables(f, trak, &t, NULL) != CHAPTAG_OK || t.stts->len < 8 || t.stsz->len < 12) {
        ct_find(out, CHAPTAG_ERROR, "chapter-track-damaged", "players drop the chapter track",
                "the chapter track's sample tables are missing or damaged");
        return;
    }
    uint64_t timed = 0;
    uint32_t n = ct_load_u32be(t.stts->data + 4), samples = ct_load_u32be(t.stsz->data + 8);
    for (uint32_t i = 0; i < n && 16 + 8 * (size_t)i <= t.stts->len; i++)
        timed += ct_load_u32be(t.stts->data + 8 + 8 * (size_t)i);
    if (timed != samples)
        ct_find(out, CHAPTAG_ERROR, "stts-mismatch", "AVFoundation rejects a chapter track whose "
                "time table and size table disagree", "the chapter track times %" PRIu64
                " samples (stts) but holds %" PRIu32 " (stsz)", timed, samples);
}

/* What Apple's players, FFmpeg and mutagen trip on in MP4 chapters. */
static chaptag_status mp4_lint(ct_file *f, ct_findings *out, chaptag_error *err)
{
    mp4_file m;
    chaptag_status st = mp4_open(f, &m, err);
    if (st != CHAPTAG_OK)
        return st;
    ct_box *moov = moov_of(&m);
    for (size_t i = 0; i < moov->n_kids; i++)
        if (ct_box_is(&moov->kids[i], "trak") && count_trefs(&moov->kids[i]) > 1)
            ct_find(out, CHAPTAG_ERROR, "second-tref", "AVFoundation discards a track with two "
                    "tref boxes, and its chapters with it", "a track has %zu tref boxes",
                    count_trefs(&moov->kids[i]));
    size_t index = 0;
    ct_box *trak = find_chapter_trak(f, &m, &index);
    ct_box *chpl = ct_box_path(moov, "udta/chpl");
    chaptag_chapters *qt = chaptag_chapters_new(), *nero = chaptag_chapters_new();
    if (qt == NULL || nero == NULL)
        st = ct_fail_nomem(err);
    if (st == CHAPTAG_OK && trak != NULL) {
        if (m.tracks[index].flags & 1)
            ct_find(out, CHAPTAG_WARNING, "chapter-track-enabled", "players show the titles "
                    "as subtitles", "the chapter track is enabled");
        lint_tables(f, trak, out);
        st = read_qt_chapters(f, &m, trak, &m.tracks[index], qt, err);
    }
    if (st == CHAPTAG_OK && chpl != NULL)
        st = read_chpl(f, chpl, nero, err);
    size_t a = chaptag_chapters_count(qt), b = chaptag_chapters_count(nero);
    if (st == CHAPTAG_OK && trak != NULL && chpl == NULL)
        ct_find(out, CHAPTAG_WARNING, "no-chpl", "mutagen and players that read only Nero "
                "chapters see none", "there is a QuickTime chapter track but no Nero chpl");
    else if (st == CHAPTAG_OK && trak == NULL && chpl != NULL)
        ct_find(out, CHAPTAG_WARNING, "no-qt-track", "Apple Podcasts and Apple Books read only "
                "the QuickTime chapter track", "there is Nero chpl but no QuickTime chapter "
                "track");
    else if (st == CHAPTAG_OK && trak != NULL && b < a)
        ct_find(out, CHAPTAG_WARNING, "chpl-short", "players that prefer chpl hide the rest",
                "Nero chpl holds %zu chapters, the QuickTime track %zu", b, a);
    if (st == CHAPTAG_OK && trak != NULL && chpl != NULL) {
        ct_warnings w = {0};
        compare_flavours(qt, nero, &w);
        for (size_t i = 0; i < w.n; i++)
            ct_find(out, CHAPTAG_WARNING, "flavours-disagree", "Apple's players and FFmpeg show "
                    "the QuickTime track, mutagen-based tools chpl", "%s", w.v[i].msg);
        ct_warnings_clear(&w);
    }
    if (st == CHAPTAG_OK && !moov_before_mdat(&m))
        ct_find(out, CHAPTAG_NOTE, "moov-at-end", "players must fetch the end of the file "
                "before they can start: no progressive download", "moov comes after mdat");
    chaptag_chapters_free(qt);
    chaptag_chapters_free(nero);
    mp4_file_free(&m);
    return st;
}

const ct_backend ct_backend_mp4 = {"MP4", mp4_sniff, mp4_read, mp4_plan, NULL, mp4_lint};
