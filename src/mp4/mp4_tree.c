/* Changing the moov tree for an embed or strip: every chapter text track and chpl removed
   (their samples noted for zeroing), tref/chap references fixed, next_track_ID bumped, the new
   chpl added, and udta and the chapter trak put last in moov, each with a free box of slack. */
#include <stdlib.h>
#include <string.h>

#include "mp4_int.h"

size_t ct_mp4_chap_ids(const ct_box *chap, uint32_t *ids, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; k + 4 <= chap->len && n < max; k += 4)
        ids[n++] = ct_load_u32be(chap->data + k);
    return n;
}

bool ct_mp4_has_id(const uint32_t *ids, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

size_t ct_mp4_child_index(const ct_box *box, const char *type)
{
    size_t i = 0;
    while (i < box->n_kids && (box->kids[i].hdr_len == 0 || !ct_box_is(&box->kids[i], type)))
        i++;
    return i;
}

/* A new empty tref in TRAK, after tkhd and edts, where FFmpeg puts it; NULL when memory runs
   out. */
static ct_box *add_tref(ct_box *trak)
{
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
    return ct_box_insert(trak, at, &fresh) ? &trak->kids[at] : NULL;
}

/* Makes TRAK's tref/chap name ADD and ADD2 (0: none) first, then its old IDs minus the N_GONE
   in GONE, touching nothing when that is what it names already: one tref, one chap, never a
   second. */
static chaptag_status set_refs(ct_file *f, ct_box *trak, const uint32_t *gone, size_t n_gone,
                               uint32_t add, uint32_t add2, chaptag_error *err)
{
    size_t ti = ct_mp4_child_index(trak, "tref");
    ct_box *tref = ti < trak->n_kids ? &trak->kids[ti] : NULL;
    size_t ci = tref ? ct_mp4_child_index(tref, "chap") : 0;
    ct_box *chap = tref && ci < tref->n_kids ? &tref->kids[ci] : NULL;
    chaptag_status st = chap ? ct_box_load(f, chap, err) : CHAPTAG_OK;
    if (st != CHAPTAG_OK)
        return st;
    uint32_t old[64], want[66];
    size_t n_old = chap ? ct_mp4_chap_ids(chap, old, 64) : 0, n_want = 0;
    if (add != 0) /* the text track first, a chapter image track after it (Apple's order) */
        want[n_want++] = add;
    if (add2 != 0)
        want[n_want++] = add2;
    for (size_t i = 0; i < n_old; i++)
        if (!ct_mp4_has_id(gone, n_gone, old[i]) && old[i] != add && old[i] != add2)
            want[n_want++] = old[i];
    bool same = n_want == n_old && (chap == NULL || chap->len == 4 * n_old);
    for (size_t i = 0; same && i < n_old; i++)
        same = want[i] == old[i];
    if (same)
        return CHAPTAG_OK;
    uint8_t payload[66 * 4];
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
    if (tref == NULL && (tref = add_tref(trak)) == NULL)
        return ct_fail_nomem(err);
    return ct_box_add_leaf(tref, "chap", payload, 4 * n_want) ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* True when the LEN bytes at OFF lie inside the payload of one top-level mdat of M: only
   there may a sample be zeroed (a crafted chunk offset must not zero a box header, ftyp or
   moov, and leave a file nothing can read). The top-level boxes are in file order. */
static bool in_mdat_payload(const mp4_file *m, uint64_t off, uint64_t len)
{
    size_t lo = 0, hi = m->n_tops; /* the last top starting at or before OFF */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->tops[mid].off <= off)
            lo = mid;
        else
            hi = mid;
    }
    const ct_box *b = m->n_tops ? &m->tops[lo] : NULL;
    return b != NULL && ct_box_is(b, "mdat") && b->hdr_len > 0 && off >= b->off + b->hdr_len &&
           off - b->off <= b->size && len <= b->size - (off - b->off);
}

/* Old titles zeroed at most: more places than any real chapter track has (one per chapter);
   a crafted track of a million samples apart would plan a million writes, and placing each
   among the edits costs time in their number. Past this, titles are left where they are. */
#define MAX_OLD_SPANS 16384

chaptag_status ct_mp4_note_samples(ct_file *f, mp4_file *m, ct_box *trak)
{
    sample_tables tabs;
    sample_ref *s = NULL;
    size_t n = 0;
    if (ct_mp4_load_tables(f, trak, &tabs, NULL) != CHAPTAG_OK ||
        ct_mp4_expand_samples(&tabs, &s, &n, NULL) != CHAPTAG_OK)
        return CHAPTAG_OK;
    for (size_t i = 0; i < n && m->n_old_samples < MAX_OLD_SPANS; i++) {
        if (s[i].size == 0 || !in_mdat_payload(m, s[i].off, s[i].size))
            continue;
        sample_span *last = m->n_old_samples ? &m->old_samples[m->n_old_samples - 1] : NULL;
        if (last != NULL && last->off + last->len == s[i].off &&
            in_mdat_payload(m, last->off, last->len + s[i].size)) {
            last->len += s[i].size; /* titles back to back: one span, one write */
            continue;
        }
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

static int by_offset(const void *a, const void *b)
{
    const sample_span *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

void ct_mp4_tidy_old_samples(mp4_file *m)
{
    if (m->n_old_samples < 2)
        return;
    qsort(m->old_samples, m->n_old_samples, sizeof *m->old_samples, by_offset);
    size_t n = 1;
    for (size_t i = 1; i < m->n_old_samples; i++) {
        sample_span *last = &m->old_samples[n - 1], *s = &m->old_samples[i];
        if (s->off > last->off + last->len) {
            m->old_samples[n++] = *s;
            continue;
        }
        if (s->off + s->len > last->off + last->len) /* overlapping or side by side */
            last->len = s->off + s->len - last->off;
    }
    m->n_old_samples = n;
}

/* Removes every chapter text and image track and chpl. The removed IDs go to GONE (at most 16);
   *N_GONE is their count. tref entries are fixed afterwards by set_refs(). */
static chaptag_status remove_chapters(ct_file *f, mp4_file *m, uint32_t *gone, size_t *n_gone)
{
    ct_box *moov = ct_mp4_moov(m);
    *n_gone = 0;
    for (size_t t = 0; t < m->n_tracks && *n_gone < 16;) {
        if (!ct_mp4_is_chapter_track(f, m, &m->tracks[t]) &&
            !ct_mp4_is_image_track(f, m, &m->tracks[t])) {
            t++;
            continue;
        }
        gone[(*n_gone)++] = m->tracks[t].id;
        ct_box *trak = ct_mp4_trak_by_id(m, m->tracks[t].id, NULL);
        size_t at = (size_t)(trak - moov->kids);
        sample_tables tabs;
        if (ct_mp4_load_tables(f, trak, &tabs, NULL) == CHAPTAG_OK &&
            tabs.stco->len >= (tabs.co64 ? 16 : 12))
            m->old_chunks[m->n_old_chunks++] = tabs.co64 ? ct_load_u64be(tabs.stco->data + 8)
                                                         : ct_load_u32be(tabs.stco->data + 8);
        chaptag_status st = ct_mp4_note_samples(f, m, trak);
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
    ct_mp4_tidy_old_samples(m);
    return CHAPTAG_OK;
}

/* Sets mvhd's next_track_ID to at least NEXT. */
static chaptag_status bump_next_track(mp4_file *m, uint32_t next, chaptag_error *err)
{
    if (m->next_track_id >= next)
        return CHAPTAG_OK;
    ct_box *mvhd = ct_box_child(ct_mp4_moov(m), "mvhd");
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

size_t ct_mp4_slack_for(size_t len, size_t min)
{
    return len / 4 > min ? len / 4 : min;
}

bool ct_mp4_add_free(ct_box *box, size_t len)
{
    uint8_t *zeros = ct_calloc(1, len - 8);
    bool ok = zeros && ct_box_add_leaf(box, "free", zeros, len - 8);
    free(zeros);
    return ok;
}

/* Adds to GONE the IDs that some tref/chap names but no track has (a chapter track retired
   by an edit that was interrupted): they go, and the first is reused. */
static void add_dangling(ct_file *f, const mp4_file *m, uint32_t *gone, size_t *n_gone)
{
    const ct_box *moov = ct_mp4_moov(m);
    for (size_t i = 0; i < moov->n_kids; i++) {
        ct_box *chap = ct_box_is(&moov->kids[i], "trak") ? ct_box_path(&moov->kids[i], "tref/chap")
                                                         : NULL;
        if (chap == NULL || ct_box_load(f, chap, NULL) != CHAPTAG_OK)
            continue;
        uint32_t ids[64];
        size_t n = ct_mp4_chap_ids(chap, ids, 64);
        for (size_t k = 0; k < n && *n_gone < 16; k++)
            if (ct_mp4_trak_by_id(m, ids[k], NULL) == NULL && !ct_mp4_has_id(gone, *n_gone, ids[k]))
                gone[(*n_gone)++] = ids[k];
    }
}

chaptag_status ct_mp4_change_tree(ct_file *f, mp4_file *m, embed_job *j, ct_warnings *w,
                                  chaptag_error *err)
{
    ct_box *moov = ct_mp4_moov(m);
    uint32_t gone[16];
    size_t n_gone;
    chaptag_status st = remove_chapters(f, m, gone, &n_gone);
    if (st == CHAPTAG_ERR_NOMEM)
        return ct_fail_nomem(err);
    if (st == CHAPTAG_OK)
        add_dangling(f, m, gone, &n_gone);
    long a = ct_mp4_audio_track(m);
    if (st == CHAPTAG_OK && a < 0 && j->list != NULL)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the file has no audio track");
    uint32_t max_id = 0;
    for (size_t i = 0; i < m->n_tracks; i++)
        max_id = m->tracks[i].id > max_id ? m->tracks[i].id : max_id;
    /* a re-embed keeps the old tracks' IDs, so the audio track's tref stays as it is */
    uint32_t fresh = max_id + 1 > m->next_track_id ? max_id + 1 : m->next_track_id;
    j->chapter_id = n_gone ? gone[0] : fresh++;
    j->image_id = n_gone > 1 ? gone[1] : fresh == j->chapter_id ? fresh + 1 : fresh;
    if (st == CHAPTAG_OK && j->qt && j->list != NULL)
        st = ct_mp4_make_samples(j->list, j->duration_ms, j->images, &j->q, w, err);
    bool pics = j->qt && j->q.pic_off != NULL;
    for (size_t i = 0; i < m->n_tracks && st == CHAPTAG_OK; i++) {
        uint32_t add = j->qt && (long)i == a ? j->chapter_id : 0;
        st = set_refs(f, ct_mp4_trak_by_id(m, m->tracks[i].id, NULL), gone, n_gone, add,
                      add && pics ? j->image_id : 0, err);
    }
    if (st != CHAPTAG_OK || j->list == NULL)
        return st;
    if (j->qt) {
        uint32_t last = pics && j->image_id > j->chapter_id ? j->image_id : j->chapter_id;
        st = bump_next_track(m, last + 1, err);
    }
    if (st == CHAPTAG_OK && j->nero) {
        ct_box *udta = ct_box_child(moov, "udta");
        if (udta == NULL && (udta = ct_box_add_container(moov, "udta")) == NULL)
            return ct_fail_nomem(err);
        ct_buf b = CT_BUF_INIT;
        ct_mp4_put_chpl(&b, j->list, w);
        bool ok = ct_buf_ok(&b) && ct_box_add_leaf(udta, "chpl", b.data, b.len) &&
                  ct_mp4_add_free(udta, ct_mp4_slack_for(b.len + 8, 256));
        ct_buf_free(&b);
        if (!ok)
            return ct_fail_nomem(err);
    }
    if (st == CHAPTAG_OK)
        st = move_to_end(moov, "udta", err);
    return st;
}
