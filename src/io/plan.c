/* Plans: an edit of a file as pieces (for a new file) and as steps (in place), and the
   padding policy for rewrites. */
#include "plan.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* Grows *V (of N elements of SIZE bytes, capacity *CAP) to hold one more. */
static bool grow(void **v, size_t n, size_t *cap, size_t size)
{
    void *nv = ct_grow(*v, n, cap, size);
    if (nv != NULL)
        *v = nv;
    return nv != NULL;
}

ct_edit *ct_plan_edit(ct_plan *p, uint64_t off, uint64_t old_len)
{
    assert(p->n == 0 || off >= p->v[p->n - 1].off + p->v[p->n - 1].old_len);
    if (!grow((void **)&p->v, p->n, &p->cap, sizeof *p->v)) {
        p->failed = true;
        return NULL;
    }
    ct_edit *e = &p->v[p->n++];
    memset(e, 0, sizeof *e);
    e->off = off;
    e->old_len = old_len;
    p->cur_is_step = false;
    return e;
}

ct_edit *ct_plan_step_begin(ct_plan *p, uint64_t off)
{
    if (!grow((void **)&p->steps, p->n_steps, &p->cap_steps, sizeof *p->steps)) {
        p->failed = true;
        return NULL;
    }
    ct_edit *e = &p->steps[p->n_steps++];
    memset(e, 0, sizeof *e);
    e->off = off;
    p->cur_is_step = true;
    return e;
}

/* The edit or step that pieces go to, or NULL. */
static ct_edit *current(ct_plan *p)
{
    if (p->cur_is_step)
        return p->n_steps ? &p->steps[p->n_steps - 1] : NULL;
    return p->n ? &p->v[p->n - 1] : NULL;
}

/* Appends PIECE to the current edit. */
static bool add_piece(ct_plan *p, const ct_piece *piece)
{
    ct_edit *e = current(p);
    if (p->failed || e == NULL) {
        p->failed = true;
        return false;
    }
    if (!grow((void **)&e->pieces, e->n_pieces, &e->cap_pieces, sizeof *e->pieces)) {
        p->failed = true;
        return false;
    }
    e->pieces[e->n_pieces++] = *piece;
    return true;
}

bool ct_plan_bytes_owned(ct_plan *p, uint8_t *data, size_t len)
{
    ct_piece piece = {data, 0, len, 0, 0, 0, 0, false};
    if (!add_piece(p, &piece)) {
        free(data);
        return false;
    }
    return true;
}

bool ct_plan_bytes(ct_plan *p, const void *data, size_t len)
{
    uint8_t *copy = ct_malloc(len);
    if (copy == NULL) {
        p->failed = true;
        return false;
    }
    if (len > 0)
        memcpy(copy, data, len);
    return ct_plan_bytes_owned(p, copy, len);
}

bool ct_plan_copy(ct_plan *p, uint64_t src_off, uint64_t len)
{
    if (len == 0)
        return !p->failed;
    ct_edit *e = current(p);
    ct_piece *last = e && e->n_pieces ? &e->pieces[e->n_pieces - 1] : NULL;
    if (last && !last->bytes && !last->width && !last->zeros &&
        last->src_off + last->len == src_off) {
        last->len += len; /* adjacent ranges copy as one */
        return !p->failed;
    }
    ct_piece piece = {NULL, src_off, len, 0, 0, 0, 0, false};
    return add_piece(p, &piece);
}

bool ct_plan_zeros(ct_plan *p, uint64_t len)
{
    if (len == 0)
        return !p->failed;
    ct_piece piece = {NULL, 0, len, 0, 0, 0, 0, true};
    return add_piece(p, &piece);
}

bool ct_plan_zero_range(ct_plan *p, uint64_t off, uint64_t len)
{
    /* the first edit ending after OFF, by bisection: edits are sorted and apart, and callers
       add thousands of ranges (old chapter titles), mostly in file order */
    size_t at = 0, hi = p->n;
    while (at < hi) {
        size_t mid = at + (hi - at) / 2;
        if (p->v[mid].off + p->v[mid].old_len <= off)
            at = mid + 1;
        else
            hi = mid;
    }
    if (len == 0 || (at < p->n && p->v[at].off < off + len))
        return !p->failed; /* an edit there already */
    if (!grow((void **)&p->v, p->n, &p->cap, sizeof *p->v)) {
        p->failed = true;
        return false;
    }
    memmove(&p->v[at + 1], &p->v[at], (p->n - at) * sizeof *p->v);
    p->n++;
    ct_edit *e = &p->v[at];
    memset(e, 0, sizeof *e);
    e->off = off;
    e->old_len = len;
    ct_piece piece = {NULL, 0, len, 0, 0, 0, 0, true};
    bool ok = grow((void **)&e->pieces, 0, &e->cap_pieces, sizeof *e->pieces);
    if (ok)
        e->pieces[e->n_pieces++] = piece;
    p->failed |= !ok;
    return ok;
}

bool ct_plan_copy_table(ct_plan *p, uint64_t src_off, uint64_t len, unsigned width,
                        unsigned out_width, int64_t delta, uint64_t from)
{
    assert((width == 4 || width == 8) && (out_width == 4 || out_width == 8));
    assert(len % width == 0);
    ct_piece piece = {NULL, src_off, len, (uint8_t)width, (uint8_t)out_width, delta, from, false};
    return add_piece(p, &piece);
}

ct_edit *ct_plan_add(ct_plan *p, uint64_t off, uint64_t old_len, const void *data, size_t len)
{
    ct_edit *e = ct_plan_edit(p, off, old_len);
    if (e == NULL || !ct_plan_bytes(p, data, len))
        return NULL;
    return e;
}

void ct_plan_step_shares_sync(ct_plan *p)
{
    if (p->n_steps > 0)
        p->steps[p->n_steps - 1].no_sync = true;
}

bool ct_plan_step(ct_plan *p, uint64_t off, const void *data, size_t len)
{
    return ct_plan_step_begin(p, off) && ct_plan_bytes(p, data, len);
}

uint64_t ct_edit_len(const ct_edit *e)
{
    uint64_t n = 0;
    for (size_t i = 0; i < e->n_pieces; i++) {
        const ct_piece *pc = &e->pieces[i];
        n += pc->width ? pc->len / pc->width * pc->out_width : pc->len;
    }
    return n;
}

uint64_t ct_plan_new_size(const ct_plan *p, uint64_t old_size)
{
    uint64_t size = old_size;
    for (size_t i = 0; i < p->n; i++)
        size = size - p->v[i].old_len + ct_edit_len(&p->v[i]);
    return size;
}

static void free_edits(ct_edit *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < v[i].n_pieces; j++)
            free(v[i].pieces[j].bytes);
        free(v[i].pieces);
    }
    free(v);
}

void ct_plan_free(ct_plan *p)
{
    free_edits(p->v, p->n);
    free_edits(p->steps, p->n_steps);
    memset(p, 0, sizeof *p);
}

uint64_t ct_padding_for(uint64_t content, uint64_t header)
{
    const uint64_t block = 4096;
    uint64_t pad = content / 4;
    if (pad < block)
        pad = block;
    uint64_t total = header + content + pad;
    return pad + (block - total % block) % block;
}
