/* chaptag's samples at the end of the file's media mdat. When that mdat is the file's last
   box and its only one, the chapter titles go inside it, after the media, and its size grows
   over them: no mdat of their own. music-metadata reads the chapter samples at every mdat
   after moov as if each held them all, and fails at any mdat after the one that does; a
   faststart file laid out moov, titles' mdat, media mdat is one it cannot read. The file
   grows at its end only, so nothing moves: each step below leaves a valid file. */
#include <string.h>

#include "mp4_int.h"

size_t ct_mp4_tail_mdat(const mp4_file *m, uint64_t lo, uint64_t hi)
{
    size_t last = m->n_tops ? m->n_tops - 1 : 0;
    const ct_box *md = m->n_tops ? &m->tops[last] : NULL;
    if (md == NULL || !ct_box_is(md, "mdat") || md->hdr_len == 0 || md->to_eof ||
        last < m->moov || md->off < hi)
        return m->n_tops;
    for (size_t i = 0; i < last; i++)
        if (ct_box_is(&m->tops[i], "mdat") && (m->tops[i].off < lo || m->tops[i].off >= hi))
            return m->n_tops; /* media in another mdat too: the layout of old stays */
    return last;
}

uint64_t ct_mp4_tail_room(size_t len)
{
    return len + ct_mp4_slack_for(len, 256);
}

bool ct_mp4_tail_fits(const ct_box *md, uint64_t old_len, uint64_t fill)
{
    uint64_t max = md->hdr_len == 16 ? UINT64_MAX - fill : UINT32_MAX - fill;
    return md->size - old_len <= max;
}

chaptag_status ct_mp4_tail_start(ct_file *f, const mp4_file *m, size_t box, uint64_t lowest,
                                 const ct_box *skip, uint64_t *start, chaptag_error *err)
{
    const ct_box *md = &m->tops[box];
    uint64_t end = md->off + md->size;
    bool hit = false;
    *start = end;
    if (lowest < md->off + md->hdr_len || lowest >= end)
        return CHAPTAG_OK;
    chaptag_status st = ct_mp4_others_point_between(f, m, lowest, end, skip, &hit, err);
    if (st == CHAPTAG_OK && !hit)
        *start = lowest;
    return st;
}

/* The mdat's size field as it reads with NEW_SIZE: 4 bytes at its start, or the 8 of its
   largesize; *AT where they go. */
static size_t size_field(const ct_box *md, uint64_t new_size, uint8_t out[8], uint64_t *at)
{
    if (md->hdr_len == 16) {
        ct_store_u64be(out, new_size);
        *at = md->off + 8;
        return 8;
    }
    ct_store_u32be(out, (uint32_t)new_size);
    *at = md->off;
    return 4;
}

static uint64_t new_size(const ct_box *md, const tail_place *t)
{
    return md->size - t->old_len + t->fill;
}

bool ct_mp4_tail_grow_steps(ct_plan *p, const mp4_file *m, const tail_place *t)
{
    const ct_box *md = &m->tops[t->box];
    uint64_t end = md->off + md->size, want = t->at + t->fill;
    if (want <= end)
        return true;
    uint8_t zero = 0, h[8];
    uint64_t at;
    size_t n = size_field(md, want - md->off, h, &at);
    /* the file grows by zeros, which read as one box running to the end; then the mdat
       takes them in: unreferenced bytes of media */
    return ct_plan_step(p, want - 1, &zero, 1) && ct_plan_step(p, at, h, n);
}

bool ct_mp4_tail_fill_step(ct_plan *p, const tail_place *t, const void *data, size_t len)
{
    return ct_plan_step_begin(p, t->at) && ct_plan_bytes(p, data, len) &&
           ct_plan_zeros(p, t->fill - len);
}

bool ct_mp4_tail_edits(ct_plan *p, const mp4_file *m, const tail_place *t, const void *data,
                       size_t len, const sample_span *old)
{
    const ct_box *md = &m->tops[t->box];
    uint8_t h[8];
    uint64_t at;
    size_t n = size_field(md, new_size(md, t), h, &at);
    bool ok = new_size(md, t) == md->size || ct_plan_add(p, at, n, h, n) != NULL;
    ok = ok && (old == NULL || old->len == 0 ||
                (ct_plan_edit(p, old->off, old->len) && ct_plan_zeros(p, old->len)));
    return ok && ct_plan_edit(p, t->at, t->old_len) && ct_plan_bytes(p, data, len) &&
           ct_plan_zeros(p, t->fill - len);
}
