/* Planning edits in place: a re-embed into the slots an earlier layout left (the chapter trak,
   the mdat of its titles and chpl, each followed by a free box), and strip by retyping the
   chapter boxes to free; every step is one write that leaves a valid file. A chapter image
   track whose pictures the new list has too (the same bytes, shared alike) is kept with its
   pictures where they are: only the titles before them (or after them, once moved) are
   rewritten, and its trak only when the times change (reference §9). */
#include <stdlib.h>
#include <string.h>

#include "mp4_int.h"

/* One of chaptag's boxes and the free box after it: ROOM bytes at OFF (the old box being
   OLD_SIZE of them), to hold the new box BOX (LEN bytes, header included). A TAIL slot is
   the end of the media mdat, from chaptag's first sample on (mp4_tail.c): no box, the
   samples, then zeros; up to the pictures, when they follow the titles. A FIXED tail slot is
   the titles before the pictures in an mdat of their own: titles too long for it cannot move
   past the end of the file. */
typedef struct {
    uint64_t off, room, old_size;
    uint8_t *box;
    size_t len;
    bool tail, fixed;
} slot;

/* The slots: the chapter trak, its titles, chpl, the chapter image trak. */
#define N_SLOTS 4

/* The chapter image track of the file, kept when the new pictures are its own. */
typedef struct {
    const ct_box *trak; /* NULL: the file has none */
    size_t index;       /* in the file's tracks */
    sample_ref *s;      /* its samples, N of them */
    size_t n;
} kept_pictures;

static bool slot_fits(const slot *s)
{
    return s->len == s->room || s->len + 8 <= s->room || (s->tail && s->len <= s->room);
}

/* The slot of box B among the children KIDS (N of them, B at index I): B and a free box right
   after it. */
static slot slot_of(const ct_box *kids, size_t n, size_t i)
{
    slot s = {kids[i].off, kids[i].size, kids[i].size, NULL, 0, false, false};
    if (i + 1 < n && ct_box_is(&kids[i + 1], "free") && kids[i + 1].hdr_len == 8)
        s.room += kids[i + 1].size;
    return s;
}

/* The new bytes of S as they will stand in the file: the box, then a free box of zeros for
   what is left (zeros, not whatever was there: old titles must not survive in the slack). */
static bool slot_bytes(const slot *s, ct_buf *out)
{
    ct_buf_put(out, s->box, s->len);
    if (s->tail)
        ct_buf_put_zeros(out, (size_t)(s->room - s->len));
    else if (s->room > s->len) {
        size_t at = ct_box_begin(out, "free");
        ct_buf_put_zeros(out, (size_t)(s->room - s->len - 8));
        ct_box_end(out, at);
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
    if (s->tail) /* media bytes nothing reads once the trak is hidden */
        return true;
    uint8_t h[8];
    ct_store_u32be(h, (uint32_t)s->room);
    memcpy(h + 4, "free", 4);
    return ct_plan_step(p, s->off, h, 8);
}

/* Step 2: the new content and the new slack's header, inside the hidden box. */
static bool slot_fill(ct_plan *p, const slot *s)
{
    ct_buf b = CT_BUF_INIT;
    size_t head = s->tail ? 0 : 8;
    bool ok = slot_bytes(s, &b) && ct_plan_step(p, s->off + head, b.data + head, b.len - head);
    ct_buf_free(&b);
    return ok;
}

/* Step 3: the new box's header: the box appears, complete. */
static bool slot_show(ct_plan *p, const slot *s)
{
    return s->tail || ct_plan_step(p, s->off, s->box, 8);
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
    size_t at = ct_box_begin(&b, type);
    ct_buf_put(&b, payload, len);
    ct_box_end(&b, at);
    return ct_buf_take(&b, out_len);
}

/* True when the chunks of the chapter track's tables T lie in the payload of mdat MD, with
   FIRST_AT_START the first at its start: chaptag's layout, one sample per chunk or (earlier
   versions) all in one. *LOWEST is the lowest of them. */
static bool chunks_in(const sample_tables *t, const ct_box *md, bool first_at_start,
                      uint64_t *lowest)
{
    unsigned v;
    ct_reader r = ct_mp4_full_box(t->stco, &v);
    uint32_t n = ct_reader_u32be(&r);
    if (r.bad || n == 0 || n > ct_reader_left(&r) / (t->co64 ? 8 : 4))
        return false;
    *lowest = UINT64_MAX;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t chunk = t->co64 ? ct_reader_u64be(&r) : ct_reader_u32be(&r);
        if ((i == 0 && first_at_start && chunk != md->off + md->hdr_len) ||
            chunk < md->off + md->hdr_len || chunk >= md->off + md->size)
            return false;
        *lowest = chunk < *lowest ? chunk : *lowest;
    }
    return true;
}

/* With the pictures P kept, the titles' room from FROM on: up to the first picture there
   (*END, else where it was), no picture across FROM and every title of the tables T inside;
   false otherwise. */
static bool titles_before_pictures(const sample_tables *t, const kept_pictures *p,
                                   uint64_t from, uint64_t *end)
{
    for (size_t k = 0; k < p->n; k++) {
        const sample_ref *pic = &p->s[k];
        if (pic->off >= from && pic->off < *end)
            *end = pic->off;
        else if (pic->off < from && pic->size > from - pic->off)
            return false;
    }
    sample_ref *s = NULL;
    size_t n = 0;
    if (ct_mp4_expand_samples(t, &s, &n, NULL) != CHAPTAG_OK)
        return false;
    bool ok = true;
    for (size_t k = 0; k < n && ok; k++)
        ok = s[k].off >= from && s[k].off < *end && s[k].size <= *end - s[k].off;
    free(s);
    return ok;
}

/* The mdat slot of the chapter trak T (its tables TABS): an mdat of the titles alone right
   after moov, or the end of the media mdat when that is the file's last box; with the
   pictures P kept, only the titles' bytes before them. *FOUND false when the titles are
   elsewhere, or in an mdat of their own when the media mdat is the last box: a new layout
   moves them to its end, where music-metadata reads them. */
static chaptag_status find_mdat_slot(ct_file *f, const mp4_file *m, const ct_box *t,
                                     const sample_tables *tabs, const kept_pictures *p,
                                     slot *mdat, bool *found, chaptag_error *err)
{
    const ct_box *own = m->moov + 1 < m->n_tops && ct_box_is(&m->tops[m->moov + 1], "mdat")
                            ? &m->tops[m->moov + 1] : NULL;
    uint64_t lowest = 0;
    bool in_own = own != NULL && own->size <= CT_MP4_CHAPTER_MDAT_MAX &&
                  chunks_in(tabs, own, true, &lowest);
    size_t tb = ct_mp4_tail_mdat(m, in_own ? own->off : 0, in_own ? own->off + own->size : 0);
    const ct_box *md = in_own ? own : NULL;
    *found = false;
    if (tb < m->n_tops && in_own)
        return CHAPTAG_OK;
    if (tb < m->n_tops && chunks_in(tabs, &m->tops[tb], false, &lowest))
        md = &m->tops[tb];
    if (md == NULL)
        return CHAPTAG_OK;
    uint64_t lo = in_own ? md->off : lowest, end = md->off + md->size;
    uint64_t from = in_own ? md->off + md->hdr_len : lowest;
    if (p->trak != NULL && !titles_before_pictures(tabs, p, from, &end))
        return CHAPTAG_OK;
    bool hit;
    chaptag_status st = ct_mp4_others_point_between(f, m, lo, end, t, &hit, err);
    if (st != CHAPTAG_OK || hit)
        return st;
    if (p->trak != NULL)
        *mdat = (slot){from, end - from, end - from, NULL, 0, true, in_own};
    else
        *mdat = in_own ? slot_of(m->tops, m->n_tops, m->moov + 1)
                       : (slot){lo, end - lo, end - lo, NULL, 0, true, false};
    *found = true;
    return CHAPTAG_OK;
}

/* The slots SL of a file chaptag laid out, for JOB: the chapter trak (named first by the
   audio track's tref, then at most the image track of P; *INDEX its track), the mdat of its
   titles (find_mdat_slot), chpl in udta, P's trak. False when the file is not laid out so, or
   JOB wants other flavours than it has. */
static chaptag_status find_slots(ct_file *f, const mp4_file *m, const embed_job *j,
                                 const kept_pictures *p, slot sl[N_SLOTS], size_t *index,
                                 bool *found, chaptag_error *err)
{
    const ct_box *moov = ct_mp4_moov(m);
    ct_box *t = ct_mp4_find_chapter_trak(f, m, index);
    ct_box *udta = ct_box_child(moov, "udta");
    size_t ci = udta ? ct_mp4_child_index(udta, "chpl") : 0;
    *found = false;
    if ((t != NULL) != j->qt || (udta != NULL && ci < udta->n_kids) != j->nero)
        return CHAPTAG_OK;
    if (j->nero)
        sl[2] = slot_of(udta->kids, udta->n_kids, ci);
    if (!j->qt) {
        *found = true;
        return CHAPTAG_OK;
    }
    long a = ct_mp4_audio_track(m);
    ct_box *chap = a >= 0 ? ct_box_path(ct_mp4_trak_by_id(m, m->tracks[a].id, NULL), "tref/chap")
                          : NULL;
    /* the audio track names our text track first; a chapter image track may follow */
    if (chap == NULL || !chap->loaded || chap->len < 4 ||
        ct_load_u32be(chap->data) != m->tracks[*index].id)
        return CHAPTAG_OK;
    bool names_images = p->trak == NULL;
    for (size_t k = 4; k + 4 <= chap->len; k += 4) {
        size_t other = 0;
        if (ct_mp4_trak_by_id(m, ct_load_u32be(chap->data + k), &other) == NULL ||
            ct_mp4_is_chapter_track(f, m, &m->tracks[other]))
            return CHAPTAG_OK;
        names_images = names_images || other == p->index;
    }
    sample_tables tabs;
    if (!names_images || ct_mp4_load_tables(f, t, &tabs, NULL) != CHAPTAG_OK)
        return CHAPTAG_OK;
    chaptag_status st = find_mdat_slot(f, m, t, &tabs, p, &sl[1], found, err);
    if (st == CHAPTAG_OK && *found)
        sl[0] = slot_of(moov->kids, moov->n_kids, (size_t)(t - moov->kids));
    if (st == CHAPTAG_OK && *found && p->trak != NULL)
        sl[3] = slot_of(moov->kids, moov->n_kids, (size_t)(p->trak - moov->kids));
    return st;
}

/* A tail slot too small for the new samples: they go past the end of the file, the mdat
   grown over them (MOVE), and the old ones (OLD) are zeroed once the trak is hidden. */
typedef struct {
    tail_place move; /* box n_tops: none */
    sample_span old;
} tail_move;

/* Where the samples of the slots SL go: the slot of the mdat, past its header, or its start
   for a tail slot; past the end of the file (*TM) when a tail slot is too small for LEN (a
   fixed one then does not fit: a new layout). */
static uint64_t samples_at(ct_file *f, const mp4_file *m, slot sl[N_SLOTS], size_t len,
                           tail_move *tm)
{
    if (!sl[1].tail)
        return sl[1].off + 8;
    if (len <= sl[1].room || sl[1].fixed)
        return sl[1].off;
    size_t box = m->n_tops - 1;
    uint64_t fill = ct_mp4_tail_room(len);
    if (!ct_mp4_tail_fits(&m->tops[box], 0, fill))
        return sl[1].off; /* past 4 GiB with a 32-bit size: the slot cannot take them */
    tm->move = (tail_place){box, ct_file_size(f), 0, fill};
    tm->old = (sample_span){sl[1].off, sl[1].room};
    sl[1].room = 0; /* not written as a slot */
    return tm->move.at;
}

/* *SAME when the pictures of Q are the ones P holds: as many samples, each of the same
   bytes, sharing the previous one's where Q's does. */
static chaptag_status same_pictures(ct_file *f, const qt_samples *q, const kept_pictures *p,
                                    bool *same, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    uint8_t *have = NULL;
    *same = q->pic_off != NULL && p->trak != NULL && q->n == p->n;
    for (size_t k = 0; k < q->n && *same && st == CHAPTAG_OK; k++) {
        bool shares = k > 0 && q->pic_off[k] == q->pic_off[k - 1] &&
                      q->pic_size[k] == q->pic_size[k - 1];
        *same = q->pic_size[k] == p->s[k].size &&
                shares == (k > 0 && ct_mp4_same_picture(&p->s[k], &p->s[k - 1]));
        if (!*same || shares || q->pic_size[k] == 0)
            continue;
        size_t got = 0;
        free(have);
        if ((have = ct_malloc(q->pic_size[k])) == NULL)
            st = ct_fail_nomem(err);
        else
            st = ct_file_read(f, p->s[k].off, have, q->pic_size[k], &got, err);
        *same = st == CHAPTAG_OK && got == q->pic_size[k] &&
                memcmp(have, q->data.data + q->text_len + q->pic_off[k], got) == 0;
    }
    free(have);
    return st;
}

/* The image trak of Q's pictures where P's lie (its ID that of P's track); NULL when memory
   ran out. */
static uint8_t *kept_image_trak(const mp4_file *m, const embed_job *j, const kept_pictures *p,
                                size_t *len)
{
    qt_samples at = j->q;
    ct_buf b = CT_BUF_INIT;
    at.text_len = 0; /* offsets from 0: where they are */
    at.pic_off = ct_calloc(p->n ? p->n : 1, sizeof *at.pic_off);
    if (at.pic_off == NULL)
        return NULL;
    for (size_t k = 0; k < p->n; k++)
        at.pic_off[k] = p->s[k].off;
    ct_mp4_put_image_trak(&b, &at, j->image_id, j->duration_ms, m->movie_timescale, 0);
    free(at.pic_off);
    return ct_buf_take(&b, len);
}

/* The new boxes of the slots SL (trak, mdat, chpl, image trak) for JOB; a box left NULL when
   memory ran out. *KEEP false when JOB's pictures are not those of P, which then goes. */
static chaptag_status build_slots(ct_file *f, const mp4_file *m, embed_job *j,
                                  const kept_pictures *p, slot sl[N_SLOTS], tail_move *tm,
                                  ct_warnings *w, size_t index, bool *keep, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    *keep = true;
    if (j->qt) {
        j->chapter_id = m->tracks[index].id;
        ct_buf b = CT_BUF_INIT;
        st = ct_mp4_make_samples(j->list, j->duration_ms, j->images, &j->q, w, err);
        uint64_t at = st == CHAPTAG_OK ? samples_at(f, m, sl, j->q.text_len, tm) : 0;
        ct_mp4_put_chapter_trak(&b, &j->q, j->chapter_id, j->duration_ms, m->movie_timescale, at);
        sl[0].box = ct_buf_take(&b, &sl[0].len);
        if (sl[1].tail) {
            ct_buf raw = CT_BUF_INIT;
            ct_buf_put(&raw, j->q.data.data, j->q.text_len);
            sl[1].box = ct_buf_take(&raw, &sl[1].len);
        } else {
            sl[1].box = make_box("mdat", j->q.data.data, j->q.text_len, &sl[1].len);
        }
        *keep = (j->q.pic_off == NULL) == (p->trak == NULL);
        if (st == CHAPTAG_OK && *keep && p->trak != NULL)
            st = same_pictures(f, &j->q, p, keep, err);
        if (st == CHAPTAG_OK && *keep && p->trak != NULL) {
            j->image_id = m->tracks[p->index].id;
            sl[3].box = kept_image_trak(m, j, p, &sl[3].len);
        }
    }
    if (st == CHAPTAG_OK && j->nero) {
        ct_buf b = CT_BUF_INIT;
        ct_mp4_put_chpl(&b, j->list, w);
        sl[2].box = ct_buf_ok(&b) ? make_box("chpl", b.data, b.len, &sl[2].len) : NULL;
        ct_buf_free(&b);
    }
    return st;
}

/* *FITS when every slot in use holds its new box; a slot whose bytes are already in the file
   is dropped (its ROOM set to 0); *ANY when some slot is left to write. */
static chaptag_status compare_slots(ct_file *f, slot sl[N_SLOTS], bool *fits, bool *any,
                                    chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    *fits = true;
    *any = false;
    for (int i = 0; i < N_SLOTS && st == CHAPTAG_OK; i++) {
        if (sl[i].room == 0)
            continue;
        if (sl[i].box == NULL) {
            st = ct_fail_nomem(err);
            break;
        }
        *fits = *fits && slot_fits(&sl[i]);
        bool same = false;
        if (*fits)
            st = slot_same(f, &sl[i], &same, err);
        if (same)
            sl[i].room = 0; /* nothing to write there */
        *any = *any || !same;
    }
    return st;
}

/* Marks the last step of PLAN as synced before the next. */
static void sync_here(ct_plan *plan)
{
    if (plan->n_steps > 0)
        plan->steps[plan->n_steps - 1].no_sync = false;
}

/* The steps and edits that write the slots SL in use (the edits only when ANY), and TM's
   samples past the end of the file. Four syncs whatever the slots: every hide is valid
   alone, every fill is hidden, the titles are shown before the trak that points at them. */
static bool put_slot_steps(ct_plan *plan, const mp4_file *m, const slot sl[N_SLOTS],
                           const tail_move *tm, bool any)
{
    bool move = tm->move.box < m->n_tops, ok = true;
    const uint8_t *samples = move ? sl[1].box : NULL;
    ok = !move || ct_mp4_tail_grow_steps(plan, m, &tm->move); /* each valid alone */
    for (int i = 0; i < N_SLOTS && ok; i++)
        if (sl[i].room && !sl[i].tail && (ok = slot_hide(plan, &sl[i])))
            ct_plan_step_shares_sync(plan);
    sync_here(plan); /* hidden on disk before anything is written inside */
    for (int i = 0; i < N_SLOTS && ok; i++)
        if (sl[i].room && (ok = slot_fill(plan, &sl[i])))
            ct_plan_step_shares_sync(plan);
    if (ok && move && (ok = ct_mp4_tail_fill_step(plan, &tm->move, samples, sl[1].len) &&
                            ct_plan_step_begin(plan, tm->old.off) &&
                            ct_plan_zeros(plan, tm->old.len)))
        ct_plan_step_shares_sync(plan);
    sync_here(plan); /* a sync after the fills */
    for (int i = 1; i < N_SLOTS && ok; i++)
        if (sl[i].room && !sl[i].tail && (ok = slot_show(plan, &sl[i])))
            ct_plan_step_shares_sync(plan);
    sync_here(plan); /* and one before the trak is shown */
    ok = ok && (!sl[0].room || slot_show(plan, &sl[0]));
    int order[N_SLOTS] = {0, 1, 2, 3}; /* the edits in file order */
    for (int a = 0; a < N_SLOTS; a++)
        for (int b = a + 1; b < N_SLOTS; b++)
            if (sl[order[b]].off < sl[order[a]].off) {
                int t = order[a];
                order[a] = order[b];
                order[b] = t;
            }
    for (int i = 0; i < N_SLOTS && ok && any; i++)
        ok = !sl[order[i]].room || slot_edit(plan, &sl[order[i]]);
    /* after moov, in the mdat at the end of the file */
    return ok && (!move || ct_mp4_tail_edits(plan, m, &tm->move, samples, sl[1].len, &tm->old));
}

/* *P: the file's chapter image track, when JOB may keep it (it asks for pictures and the
   file has one image track chaptag can read); *OK false when a new layout must remove it. */
static void find_kept_pictures(ct_file *f, const mp4_file *m, const embed_job *j,
                               kept_pictures *p, bool *ok)
{
    size_t n_images = 0;
    for (size_t t = 0; t < m->n_tracks; t++)
        n_images += ct_mp4_is_image_track(f, m, &m->tracks[t]);
    if (n_images == 1 && j->images)
        p->trak = ct_mp4_image_samples(f, m, &p->index, &p->s, &p->n);
    *ok = n_images == 0 || p->trak != NULL;
}

chaptag_status ct_mp4_plan_slots(ct_file *f, mp4_file *m, embed_job *j, ct_plan *plan,
                                 struct chaptag_report *rep, bool *done, chaptag_error *err)
{
    slot sl[N_SLOTS]; /* trak, mdat, chpl, image trak */
    tail_move tm = {{m->n_tops, 0, 0, 0}, {0, 0}};
    kept_pictures p = {NULL, 0, NULL, 0};
    bool found, fits = false, any = false, keep = false;
    size_t index = 0;
    memset(sl, 0, sizeof sl);
    *done = false;
    find_kept_pictures(f, m, j, &p, &found);
    chaptag_status st = found ? find_slots(f, m, j, &p, sl, &index, &found, err) : CHAPTAG_OK;
    if (st == CHAPTAG_OK && found)
        st = build_slots(f, m, j, &p, sl, &tm, &rep->warnings, index, &keep, err);
    found = found && keep;
    if (st == CHAPTAG_OK && found)
        st = compare_slots(f, sl, &fits, &any, err);
    if (st == CHAPTAG_OK && found && fits) {
        st = put_slot_steps(plan, m, sl, &tm, any || tm.move.box < m->n_tops)
                 ? CHAPTAG_OK : ct_fail_nomem(err);
        *done = st == CHAPTAG_OK;
        rep->padding = sl[1].room > sl[1].len ? sl[1].room - sl[1].len : 0;
    }
    for (int i = 0; i < N_SLOTS; i++)
        free(sl[i].box);
    free(p.s);
    if (!*done) { /* a new layout makes the samples again */
        ct_mp4_free_samples(&j->q);
        memset(&j->q, 0, sizeof j->q);
    }
    return st;
}

/* The 4-byte types strip turns to "free" (at most 64), in file order once sorted. */
typedef struct {
    uint64_t at[64];
    size_t n;
} retypes;

/* Notes every chapter track of M: its ID in IDS (at most 16), its type to retype, its samples
   to zero. */
static chaptag_status strip_tracks(ct_file *f, mp4_file *m, uint32_t ids[16], size_t *n_ids,
                                   retypes *r, chaptag_error *err)
{
    for (size_t t = 0; t < m->n_tracks && *n_ids < 16 && r->n < 64; t++)
        if (ct_mp4_is_chapter_track(f, m, &m->tracks[t]) ||
            ct_mp4_is_image_track(f, m, &m->tracks[t])) {
            ids[(*n_ids)++] = m->tracks[t].id;
            ct_box *trak = ct_mp4_trak_by_id(m, m->tracks[t].id, NULL);
            r->at[r->n++] = trak->off + 4;
            if (ct_mp4_note_samples(f, m, trak) != CHAPTAG_OK)
                return ct_fail_nomem(err);
        }
    return CHAPTAG_OK;
}

/* Notes every tref/chap naming the N_IDS tracks in IDS (or its tref, when the chap is all it
   holds) to retype; false when a chap names other tracks too (it must shrink). */
static bool strip_refs(ct_file *f, const mp4_file *m, const uint32_t *ids, size_t n_ids,
                       retypes *r, chaptag_error *err)
{
    ct_box *moov = ct_mp4_moov(m);
    for (size_t i = 0; i < moov->n_kids && r->n < 64; i++) {
        ct_box *trak = &moov->kids[i], *tref = ct_box_child(trak, "tref");
        ct_box *chap = ct_box_is(trak, "trak") && tref ? ct_box_child(tref, "chap") : NULL;
        if (chap == NULL || ct_box_load(f, chap, err) != CHAPTAG_OK)
            continue;
        uint32_t listed[64];
        size_t k = ct_mp4_chap_ids(chap, listed, 64), hits = 0;
        for (size_t x = 0; x < k; x++)
            hits += ct_mp4_has_id(ids, n_ids, listed[x]);
        if (hits == 0)
            continue;
        if (hits < k)
            return false;
        r->at[r->n++] = (tref->n_kids == 1 ? tref : chap)->off + 4;
    }
    return true;
}

/* Notes every chpl in moov/udta: its type to retype, its payload to zero. */
static chaptag_status strip_chpl(mp4_file *m, retypes *r, chaptag_error *err)
{
    ct_box *udta = ct_box_child(ct_mp4_moov(m), "udta");
    for (size_t i = 0; udta != NULL && i < udta->n_kids && r->n < 64; i++)
        if (ct_box_is(&udta->kids[i], "chpl")) {
            const ct_box *c = &udta->kids[i];
            r->at[r->n++] = c->off + 4;
            sample_span *v = ct_grow(m->old_samples, m->n_old_samples, &m->cap_old_samples,
                                     sizeof *v);
            if (v == NULL)
                return ct_fail_nomem(err);
            m->old_samples = v;
            v[m->n_old_samples++] = (sample_span){c->off + c->hdr_len, c->size - c->hdr_len};
        }
    return CHAPTAG_OK;
}

/* The strip's steps: the titles zeroed (one sync), then each retype; and the same as edits. */
static bool put_strip_steps(const mp4_file *m, retypes *r, ct_plan *plan)
{
    for (size_t a = 0; a < r->n; a++) /* the edits go in file order */
        for (size_t b = a + 1; b < r->n; b++)
            if (r->at[b] < r->at[a]) {
                uint64_t t = r->at[a];
                r->at[a] = r->at[b];
                r->at[b] = t;
            }
    bool ok = true;
    for (size_t i = 0; i < m->n_old_samples && ok; i++)
        if ((ok = ct_plan_step_begin(plan, m->old_samples[i].off) &&
                  ct_plan_zeros(plan, m->old_samples[i].len)))
            ct_plan_step_shares_sync(plan);
    if (plan->n_steps > 0) /* the titles are gone before any box is */
        plan->steps[plan->n_steps - 1].no_sync = false;
    for (size_t i = 0; i < r->n && ok; i++)
        ok = ct_plan_step(plan, r->at[i], "free", 4) && ct_plan_edit(plan, r->at[i], 4) &&
             ct_plan_bytes(plan, "free", 4);
    return ok && ct_mp4_zero_old_samples(m, 0, 0, false, plan);
}

chaptag_status ct_mp4_plan_strip(ct_file *f, mp4_file *m, ct_plan *plan, bool *done,
                                 chaptag_error *err)
{
    retypes r;
    uint32_t ids[16];
    size_t n_ids = 0;
    r.n = 0;
    *done = false;
    chaptag_status st = strip_tracks(f, m, ids, &n_ids, &r, err);
    if (st != CHAPTAG_OK)
        return st;
    if (!strip_refs(f, m, ids, n_ids, &r, err)) {
        m->n_old_samples = 0; /* the new layout notes them again */
        return CHAPTAG_OK; /* names other tracks too */
    }
    st = strip_chpl(m, &r, err);
    if (st != CHAPTAG_OK)
        return st;
    ct_mp4_tidy_old_samples(m);
    bool ok = put_strip_steps(m, &r, plan);
    *done = ok;
    return ok ? CHAPTAG_OK : ct_fail_nomem(err);
}
