/* Planning a new layout of moov: the region chaptag may rewrite (moov, free space before it,
   the mdat of old chapter titles and free space after it), then the new moov written as a
   shadow copy in free space (after the region, before moov, or past the end of the file) in
   steps that each leave a valid file, or else the file rewritten with every chunk offset
   after the region shifted. */
#include <string.h>

#include "mp4_int.h"

/* The region chaptag may rewrite: free/skip boxes nothing points into (old moovs an
   earlier layout left), moov, then an mdat holding only old chapter samples, then free/skip
   boxes. [START, END) in the file; the leading free space is [START, moov). */
typedef struct {
    uint64_t start, end;
    bool at_eof;
} region;

chaptag_status ct_mp4_others_point_into(ct_file *f, const mp4_file *m, const ct_box *b,
                                        const ct_box *skip, bool *hit, chaptag_error *err)
{
    return ct_mp4_others_point_between(f, m, b->off, b->off + b->size, skip, hit, err);
}

chaptag_status ct_mp4_others_point_between(ct_file *f, const mp4_file *m, uint64_t lo,
                                           uint64_t hi, const ct_box *skip, bool *hit,
                                           chaptag_error *err)
{
    ct_box *moov = ct_mp4_moov(m);
    *hit = false;
    for (size_t i = 0; i < moov->n_kids && !*hit; i++) {
        ct_box *stbl = ct_box_is(&moov->kids[i], "trak") && &moov->kids[i] != skip
                           ? ct_box_path(&moov->kids[i], "mdia/minf/stbl") : NULL;
        ct_box *co = stbl ? ct_box_child(stbl, "stco") : NULL;
        co = co ? co : stbl ? ct_box_child(stbl, "co64") : NULL;
        chaptag_status st = co ? ct_box_table_hits(f, co, lo, hi, hit, err)
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
    if (!ct_box_is(b, "mdat") || b->size > CT_MP4_CHAPTER_MDAT_MAX || !held_chapters)
        return CHAPTAG_OK;
    chaptag_status st = ct_mp4_others_point_into(f, m, b, NULL, &hit, err);
    *yes = st == CHAPTAG_OK && !hit;
    return st;
}

static chaptag_status find_region(ct_file *f, const mp4_file *m, region *r, chaptag_error *err)
{
    r->start = ct_mp4_moov(m)->off;
    r->end = r->start + ct_mp4_moov(m)->size;
    /* free space before moov is reclaimed, so that layouts do not pile up old moovs */
    for (size_t k = m->moov; k-- > 0;) {
        const ct_box *b = &m->tops[k];
        bool hit = true;
        if (b->hdr_len == 0 || !(ct_box_is(b, "free") || ct_box_is(b, "skip")))
            break;
        chaptag_status st = ct_mp4_others_point_into(f, m, b, NULL, &hit, err);
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
        size_t at = ct_box_begin(out, "mdat");
        ct_buf_put(out, q->data.data, q->data.len);
        ct_box_end(out, at);
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

/* Writes the chapter trak of JOB (if it has QuickTime chapters), its image trak when it has
   pictures, and their slack as the last children of MOOV, with the samples at SAMPLES_OFF
   (the pictures after the text). */
static chaptag_status set_chapter_trak(ct_box *moov, embed_job *j, uint32_t movie_ts,
                                       uint64_t samples_off, chaptag_error *err)
{
    if (!j->qt)
        return CHAPTAG_OK;
    for (; j->n_added > 0; j->n_added--)
        ct_box_remove_child(moov, moov->n_kids - 1);
    ct_buf b = CT_BUF_INIT, img = CT_BUF_INIT;
    ct_mp4_put_chapter_trak(&b, &j->q, j->chapter_id, j->duration_ms, movie_ts, samples_off);
    if (j->q.pic_off != NULL)
        ct_mp4_put_image_trak(&img, &j->q, j->image_id, j->duration_ms, movie_ts, samples_off);
    /* each rendered trak is one new leaf: its bytes are final */
    bool ok = ct_buf_ok(&b) && ct_buf_ok(&img) && ct_box_add_leaf(moov, "trak", b.data + 8,
                                                                  b.len - 8) != NULL;
    j->n_added += ok;
    ok = ok && (img.len == 0 || ct_box_add_leaf(moov, "trak", img.data + 8, img.len - 8));
    j->n_added += ok && img.len > 0;
    ok = ok && ct_mp4_add_free(moov, ct_mp4_slack_for(b.len, 512));
    j->n_added += ok;
    ct_buf_free(&b);
    ct_buf_free(&img);
    return ok ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* Lays out the new chapter trak for a region starting at START: the samples go right after
   moov, so their offset depends on moov's size, which depends on whether that offset needs
   64 bits. Two passes settle it. With a tail T (box < n_tops) they go at T's AT moved by
   DELTA instead, the media mdat's end. */
static chaptag_status place_samples(const mp4_file *m, embed_job *j, uint64_t start,
                                    const tail_place *t, int64_t delta, new_sizes *ns,
                                    chaptag_error *err)
{
    ct_box *moov = ct_mp4_moov(m);
    bool tail = t->box < m->n_tops;
    uint64_t off = tail ? t->at + (uint64_t)delta : 0;
    for (int pass = 0; pass < 3; pass++) {
        chaptag_status st = set_chapter_trak(moov, j, m->movie_timescale, off, err);
        if (st != CHAPTAG_OK)
            return st;
        ns->moov = ct_box_size(moov);
        ns->mdat = j->qt && !tail ? 8 + j->q.data.len : 0;
        ns->tail = j->qt && tail ? j->q.data.len : 0;
        uint64_t want = tail ? off : start + ns->moov + 8;
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

bool ct_mp4_zero_old_samples(const mp4_file *m, uint64_t lo, uint64_t hi, bool steps,
                             ct_plan *plan)
{
    bool ok = true;
    for (size_t i = 0; i < m->n_old_samples && ok; i++) {
        const sample_span *sp = &m->old_samples[i];
        if (sp->off < hi && sp->off + sp->len > lo)
            continue;
        /* any of them zeroed or not, the file is the same to readers: one sync for all */
        if (steps && (ok = ct_plan_step_begin(plan, sp->off) && ct_plan_zeros(plan, sp->len)))
            ct_plan_step_shares_sync(plan);
        ok = ok && ct_plan_zero_range(plan, sp->off, sp->len);
    }
    if (steps && plan->n_steps > 0) /* the last one syncs */
        plan->steps[plan->n_steps - 1].no_sync = false;
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
                                  const tail_place *t, ct_plan *plan, chaptag_error *err)
{
    const ct_box *moov = ct_mp4_moov(m), *last = open_ended(m);
    uint8_t h[8], zero = 0, size0[4];
    /* the old region, cleared once the copy is shown; with EXTEND it holds LAST too, so a LAST
       whose size is written in step 0 is no larger. A LAST out of the region (a size-0 media
       mdat past 4 GiB) is not touched: no limit on it */
    uint64_t old = old_end - moov->off;
    if (old > UINT32_MAX)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "moov and what follows it pass 4 GiB");
    bool tail = t->box < m->n_tops;
    /* the samples first, at the end of the media mdat, where nothing reads them yet */
    bool ok = !tail || (ct_mp4_tail_grow_steps(plan, m, t) &&
                        ct_mp4_tail_fill_step(plan, t, j->q.data.data, j->q.data.len));
    if (extend && last != NULL) {
        ct_store_u32be(size0, (uint32_t)last->size);
        ok = ct_plan_step(plan, last->off, size0, 4);
    }
    ok = ok && (!extend || ct_plan_step(plan, end - 1, &zero, 1));
    put_free_header(h, end - at);
    ok = ok && ct_plan_step(plan, at, h, 8);
    ct_buf full = CT_BUF_INIT;
    chaptag_status st = render_tail(f, moov, moov->n_kids, &j->q, j->qt && !tail, pad, true,
                                    &full, err);
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
    ok = ok && (!tail || ct_mp4_tail_edits(plan, m, t, j->q.data.data, j->q.data.len, NULL));
    ok = ok && ct_mp4_zero_old_samples(m, before ? at : moov->off, before ? old_end : end, true,
                                       plan);
    ct_buf_free(&full);
    if (st != CHAPTAG_OK)
        return st;
    return ok ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* Anything else: the file is rewritten with the new region, everything after it moved by
   DELTA and every chunk offset past the region shifted (stco widened where needed). */
static chaptag_status plan_rewrite(ct_file *f, const mp4_file *m, embed_job *j, const region *r,
                                   const tail_place *t, int64_t padding, ct_plan *plan,
                                   struct chaptag_report *rep, chaptag_error *err)
{
    ct_box *moov = ct_mp4_moov(m);
    new_sizes ns = {0, 0, 0};
    int64_t delta = 0;
    uint64_t pad = 0;
    /* moving mdat can push an offset past 4 GiB, widening a table, growing moov, moving
       mdat further: repeat until nothing changes (FFmpeg's faststart does the same) */
    for (int pass = 0; pass < 4; pass++) {
        chaptag_status st = place_samples(m, j, r->start, t, delta, &ns, err);
        if (st != CHAPTAG_OK)
            return st;
        uint64_t trak_len = j->n_added ? moov->kids[moov->n_kids - j->n_added].len : 0;
        pad = padding >= 0 ? (uint64_t)padding
                           : ct_padding_for(ns.mdat + trak_len + 1024, ns.moov + 8);
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
    bool tail = t->box < m->n_tops;
    chaptag_status st = render_tail(f, moov, moov->n_kids, &j->q, j->qt && !tail, pad, true,
                                    &rest, err);
    bool ok = st == CHAPTAG_OK && ct_plan_edit(plan, r->start, r->end - r->start) &&
              ct_box_render(moov, plan) && ct_plan_bytes(plan, rest.data, rest.len) &&
              (!tail || ct_mp4_tail_edits(plan, m, t, j->q.data.data, j->q.data.len, NULL)) &&
              ct_mp4_zero_old_samples(m, r->start, r->end, false, plan);
    ct_buf_free(&rest);
    rep->padding = pad;
    if (st != CHAPTAG_OK)
        return st;
    return ok ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* Where the samples go when the media mdat is the file's last box (mp4_tail.c): *SHADOW past
   the end of the file, for a copy of moov that leaves the old titles readable until it is
   shown; *REWRITE over the old titles at the mdat's end, for a rewrite. Both left with box
   n_tops when the titles get an mdat of their own. */
static chaptag_status choose_tail(ct_file *f, const mp4_file *m, const embed_job *j,
                                  const region *r, tail_place *shadow, tail_place *rewrite,
                                  chaptag_error *err)
{
    size_t box = j->qt ? ct_mp4_tail_mdat(m, r->start, r->end) : m->n_tops;
    *shadow = *rewrite = (tail_place){m->n_tops, 0, 0, 0};
    if (box == m->n_tops)
        return CHAPTAG_OK;
    const ct_box *md = &m->tops[box];
    uint64_t end = md->off + md->size, lowest = end, start;
    for (size_t i = 0; i < m->n_old_samples; i++)
        if (m->old_samples[i].off > md->off && m->old_samples[i].off < lowest)
            lowest = m->old_samples[i].off;
    chaptag_status st = ct_mp4_tail_start(f, m, box, lowest, NULL, &start, err);
    uint64_t len = ct_mp4_tail_room(j->q.data.len);
    if (st != CHAPTAG_OK || !ct_mp4_tail_fits(md, 0, len))
        return st;
    *shadow = (tail_place){box, end, 0, len};
    *rewrite = (tail_place){box, start, end - start, len};
    return CHAPTAG_OK;
}

chaptag_status ct_mp4_plan_layout(ct_file *f, mp4_file *m, embed_job *j,
                                  const chaptag_embed_opts *opts, new_sizes *ns, ct_plan *plan,
                                  struct chaptag_report *rep, chaptag_error *err)
{
    region r = {0, 0, false};
    tail_place shadow, rewrite;
    chaptag_status st = ct_mp4_change_tree(f, m, j, &rep->warnings, err);
    if (st == CHAPTAG_OK)
        st = find_region(f, m, &r, err);
    if (st == CHAPTAG_OK)
        st = choose_tail(f, m, j, &r, &shadow, &rewrite, err);
    if (st == CHAPTAG_OK && j->list == NULL && !ct_box_dirty(ct_mp4_moov(m)))
        return CHAPTAG_OK; /* nothing to strip */
    uint64_t asked = opts->padding > 0 && opts->padding < 8 ? 8 : (uint64_t)opts->padding;
    uint64_t old_end = ct_mp4_moov(m)->off + ct_mp4_moov(m)->size, eof = ct_file_size(f);
    /* a second moov must go: only a rewrite of a region that holds it is sure to */
    bool stale = m->n_moov > 1;
    if (st == CHAPTAG_OK && stale && m->stale_end > r.end)
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the file has %zu moov boxes, apart from each "
                     "other; remux it (ffmpeg -i IN -c copy OUT) first", m->n_moov);
    if (st != CHAPTAG_OK) {
    } else if (stale) {
        st = plan_rewrite(f, m, j, &r, &rewrite, opts->padding, plan, rep, err);
        ns->moov = ct_box_size(ct_mp4_moov(m));
        ns->tail = rewrite.box < m->n_tops ? rewrite.fill : 0;
    } else if ((st = place_samples(m, j, old_end + 8, &shadow, 0, ns, err)) != CHAPTAG_OK) {
    } else if (opts->padding < 0 && shadow_fits(r.end - old_end, ns->moov + ns->mdat)) {
        rep->padding = r.end - old_end - 8 - ns->moov - ns->mdat;
        st = plan_shadow(f, m, j, old_end, r.end, false, rep->padding, old_end, &shadow, plan,
                         err);
    } else if (opts->padding < 0 && r.start < ct_mp4_moov(m)->off &&
               (st = place_samples(m, j, r.start + 8, &shadow, 0, ns, err)) == CHAPTAG_OK &&
               shadow_fits(ct_mp4_moov(m)->off - r.start, ns->moov + ns->mdat)) {
        /* in the free space an earlier layout left before moov */
        rep->padding = ct_mp4_moov(m)->off - r.start - 8 - ns->moov - ns->mdat;
        st = plan_shadow(f, m, j, r.start, ct_mp4_moov(m)->off, false, rep->padding, r.end,
                         &shadow, plan, err);
    } else if (st != CHAPTAG_OK) {
    } else if (r.at_eof && shadow.box == m->n_tops &&
               (st = place_samples(m, j, eof + 8, &shadow, 0, ns, err)) == CHAPTAG_OK) {
        rep->padding = opts->padding >= 0 ? asked : ct_padding_for(ns->mdat + 1024, ns->moov + 8);
        st = plan_shadow(f, m, j, eof, eof + 8 + ns->moov + ns->mdat + rep->padding, true,
                         rep->padding, eof, &shadow, plan, err);
    } else if (st == CHAPTAG_OK) {
        st = plan_rewrite(f, m, j, &r, &rewrite, opts->padding, plan, rep, err);
        ns->moov = ct_box_size(ct_mp4_moov(m));
        ns->mdat = j->qt && rewrite.box == m->n_tops ? 8 + j->q.data.len : 0;
        ns->tail = rewrite.box < m->n_tops ? rewrite.fill : 0;
    }
    return st;
}
