/* The MP4 file model (ISO/IEC 14496-12 §8.2-8.4): open a file's box tree, read mvhd and each
   track's tkhd, mdhd and hdlr, find the chapter text track (the one a tref/chap names), the
   audio duration and where moov stands. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp4_int.h"

/* Tracks are matched to each other by ID and tref pairwise; real files hold a handful (a
   film with every subtitle language a few dozen), a crafted moov up to 100,000: refused, so
   that the pairwise work stays small. */
#define MAX_TRACKS 1024

void ct_mp4_file_free(mp4_file *m)
{
    ct_box_free_array(m->tops, m->n_tops);
    free(m->tracks);
    free(m->old_samples);
    memset(m, 0, sizeof *m);
}

ct_box *ct_mp4_moov(const mp4_file *m)
{
    return &m->tops[m->moov];
}

ct_reader ct_mp4_full_box(const ct_box *b, unsigned *version)
{
    ct_reader r = ct_reader_make(b->data, b->loaded ? b->len : 0);
    *version = ct_reader_u8(&r);
    ct_reader_skip(&r, 3);
    return r;
}

static chaptag_status read_mvhd(ct_file *f, mp4_file *m, chaptag_error *err)
{
    ct_box *mvhd = ct_box_child(ct_mp4_moov(m), "mvhd");
    chaptag_status st = mvhd ? ct_box_load(f, mvhd, err)
                             : ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "moov has no mvhd box");
    if (st != CHAPTAG_OK)
        return st;
    unsigned v;
    ct_reader r = ct_mp4_full_box(mvhd, &v);
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
    ct_reader r = ct_mp4_full_box(tkhd, &v);
    t->flags = tkhd->len >= 4 ? ct_load_u24be(tkhd->data + 1) : 0;
    ct_reader_skip(&r, v == 1 ? 16 : 8);
    t->id = ct_reader_u32be(&r);
    ct_reader_skip(&r, 4);
    t->duration = v == 1 ? ct_reader_u64be(&r) : ct_reader_u32be(&r);
    bool bad = r.bad || tkhd->len < 4;
    r = ct_mp4_full_box(mdhd, &v);
    ct_reader_skip(&r, v == 1 ? 16 : 8);
    t->timescale = ct_reader_u32be(&r);
    t->media_duration = v == 1 ? ct_reader_u64be(&r) : ct_reader_u32be(&r);
    bad = bad || r.bad;
    r = ct_mp4_full_box(hdlr, &v);
    ct_reader_skip(&r, 4);
    const uint8_t *h = ct_reader_bytes(&r, 4);
    if (bad || h == NULL || t->timescale == 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the header boxes of track %" PRIu32
                       " are damaged", t->id);
    memcpy(t->handler, h, 4);
    t->refs_chapters = ct_box_path(trak, "tref/chap") != NULL;
    return check_chunk_table(f, trak, t->id, err);
}

static chaptag_status read_tracks(ct_file *f, mp4_file *m, chaptag_error *err)
{
    ct_box *moov = ct_mp4_moov(m);
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

chaptag_status ct_mp4_open(ct_file *f, mp4_file *m, chaptag_error *err)
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
        st = ct_box_parse(f, ct_mp4_moov(m), err);
    if (st == CHAPTAG_OK)
        st = read_mvhd(f, m, err);
    if (st == CHAPTAG_OK)
        st = read_tracks(f, m, err);
    if (st != CHAPTAG_OK)
        ct_mp4_file_free(m);
    return st;
}

ct_box *ct_mp4_trak_by_id(const mp4_file *m, uint32_t id, size_t *track_index)
{
    ct_box *moov = ct_mp4_moov(m);
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

long ct_mp4_audio_track(const mp4_file *m)
{
    for (size_t i = 0; i < m->n_tracks; i++)
        if (memcmp(m->tracks[i].handler, "soun", 4) == 0)
            return (long)i;
    return -1;
}

/* True when some track's tref/chap names track ID. */
static bool named_by_chap(ct_file *f, const mp4_file *m, uint32_t id)
{
    ct_box *moov = ct_mp4_moov(m);
    for (size_t i = 0; i < moov->n_kids; i++) {
        ct_box *chap = ct_box_is(&moov->kids[i], "trak") ? ct_box_path(&moov->kids[i], "tref/chap")
                                                         : NULL;
        if (chap == NULL || ct_box_load(f, chap, NULL) != CHAPTAG_OK)
            continue;
        for (size_t k = 0; k + 4 <= chap->len; k += 4)
            if (ct_load_u32be(chap->data + k) == id)
                return true;
    }
    return false;
}

bool ct_mp4_is_chapter_track(ct_file *f, const mp4_file *m, const mp4_track *t)
{
    static const char *const text[] = {"text", "sbtl", "subt"};
    bool texty = false;
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        texty |= memcmp(t->handler, text[i], 4) == 0;
    return texty && named_by_chap(f, m, t->id);
}

bool ct_mp4_is_image_track(ct_file *f, const mp4_file *m, const mp4_track *t)
{
    return memcmp(t->handler, "vide", 4) == 0 && !(t->flags & 1) && named_by_chap(f, m, t->id);
}

ct_box *ct_mp4_find_chapter_trak(ct_file *f, const mp4_file *m, size_t *index)
{
    for (size_t i = 0; i < m->n_tracks; i++) {
        if (!ct_mp4_is_chapter_track(f, m, &m->tracks[i]))
            continue;
        *index = i;
        return ct_mp4_trak_by_id(m, m->tracks[i].id, NULL);
    }
    return NULL;
}

uint64_t ct_mp4_audio_duration_ms(ct_file *f, const mp4_file *m)
{
    uint64_t best = 0;
    for (size_t i = 0; i < m->n_tracks; i++) {
        const mp4_track *t = &m->tracks[i];
        if (ct_mp4_is_chapter_track(f, m, t) || ct_mp4_is_image_track(f, m, t))
            continue;
        uint64_t ms = t->media_duration * 1000 / t->timescale;
        if (t->duration > 0)
            ms = t->duration * 1000 / m->movie_timescale;
        if (ms > best)
            best = ms;
    }
    return best ? best : m->movie_duration * 1000 / m->movie_timescale;
}

bool ct_mp4_moov_before_mdat(const mp4_file *m)
{
    size_t best = m->n_tops;
    for (size_t i = 0; i < m->n_tops; i++)
        if (ct_box_is(&m->tops[i], "mdat") &&
            (best == m->n_tops || m->tops[i].size > m->tops[best].size))
            best = i;
    return best < m->n_tops && best > m->moov;
}

void ct_mp4_fill_info(chaptag_file_info *info, const mp4_file *m, uint64_t duration_ms,
                      uint64_t size)
{
    memset(info, 0, sizeof *info);
    snprintf(info->container, sizeof info->container, "MP4");
    snprintf(info->tag, sizeof info->tag, "moov %s mdat",
             ct_mp4_moov_before_mdat(m) ? "before" : "after");
    snprintf(info->flavours, sizeof info->flavours, "none");
    info->duration_ms = duration_ms;
    snprintf(info->duration_source, sizeof info->duration_source, "track header");
    info->file_size = size;
}
