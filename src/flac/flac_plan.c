/* Plans a new VORBIS_COMMENT block for a FLAC file (FLAC format, RFC 9639 §8.1-8.6).
   In place when a PADDING block gives it room: the new block is first written inside that
   padding's body, which every reader skips; then one 4-byte header write makes it the
   comment block and turns the old one into padding (or swallows it into the padding); then the
   old bytes, now padding no reader looks at, are zeroed. A reader sees the old comments or the
   new ones, never a torn block, and no old title survives. Otherwise the metadata is rewritten
   with padding for the next edit. Every other block keeps its bytes and its place. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flac_int.h"

/* What is being planned: the file, the new comment body, where it goes. */
typedef struct {
    const ct_flac_file *m;
    const uint8_t *body;
    size_t n;
    ct_plan *plan;
    struct chaptag_report *rep;
} job;

/* True when a padding body of ROOM bytes holds a comment block of N bytes, alone or with a
   padding block after it. */
static bool fits(uint64_t room, size_t n)
{
    return room == 4 + (uint64_t)n || room >= 8 + (uint64_t)n;
}

static void put_header(ct_buf *b, uint8_t type, bool last, uint64_t len)
{
    uint8_t h[4];
    ct_flac_header(h, type, last, (uint32_t)len);
    ct_buf_put(b, h, 4);
}

/* The comment block, then a padding block filling the rest of ROOM bytes when there is any;
   LAST is the flag of whatever ends ROOM. *PAD is that padding's body (0: none). */
static void put_comment_in(ct_buf *b, const job *j, uint64_t room, bool last, uint64_t *pad)
{
    bool more = room > 4 + (uint64_t)j->n;
    put_header(b, FLAC_VORBIS_COMMENT, last && !more, j->n);
    ct_buf_put(b, j->body, j->n);
    *pad = more ? room - 8 - j->n : 0;
    if (more) {
        put_header(b, FLAC_PADDING, last, *pad);
        ct_buf_put_zeros(b, (size_t)*pad);
    }
}

/* A step writing the LEN bytes at P at OFF, or LEN zeros when P is NULL. */
static bool step(ct_plan *plan, uint64_t off, const uint8_t *p, uint64_t len)
{
    if (p == NULL)
        return ct_plan_step_begin(plan, off) && ct_plan_zeros(plan, len);
    return ct_plan_step(plan, off, p, (size_t)len);
}

static void report(const job *j, uint64_t pad, bool padded, bool in_place, const char *how)
{
    struct chaptag_report *rep = j->rep;
    rep->tag_size = 4 + j->n + (padded ? 4 + pad : 0);
    rep->padding = pad;
    rep->in_place = in_place;
    snprintf(rep->what, sizeof rep->what, "VORBIS_COMMENT block");
    ct_buf_printf(&rep->plan, "VORBIS_COMMENT block: %zu bytes, %" PRIu64 " bytes of padding "
                  "after it, %s\n", j->n, pad, how);
}

/* The comment block C followed by the padding block P: the new block goes inside P's body,
   and C's header becomes a padding header covering C's body and P's header. */
static int plan_after(const job *j, const ct_flac_block *c, const ct_flac_block *p)
{
    if (!fits(p->len, j->n) || (uint64_t)c->len + 4 > FLAC_BLOCK_MAX)
        return 0;
    ct_buf fin = CT_BUF_INIT;
    uint64_t pad;
    put_header(&fin, FLAC_PADDING, false, c->len + 4);
    ct_buf_put_zeros(&fin, c->len + 4);
    put_comment_in(&fin, j, p->len, p->last, &pad);
    if (!ct_buf_ok(&fin)) {
        ct_buf_free(&fin); /* a failed buffer keeps what it held */
        return -1;
    }
    const uint8_t *staged = fin.data + 8 + c->len;
    bool ok = step(j->plan, p->off + 4, staged, p->len) &&
              step(j->plan, c->off, fin.data, 4) && step(j->plan, c->off + 4, NULL, c->len + 4) &&
              ct_plan_add(j->plan, c->off, fin.len, fin.data, fin.len);
    ct_buf_free(&fin);
    report(j, pad, p->len > 4 + j->n, true, "in place in the padding after the old one");
    return ok ? 1 : -1;
}

/* The padding block P followed by the comment block C: the new block takes P's header and
   the start of its body, and a padding block covers the rest, C included. */
static int plan_before(const job *j, const ct_flac_block *p, const ct_flac_block *c)
{
    uint64_t rest = (uint64_t)p->len + c->len - j->n;
    if ((uint64_t)j->n + 4 > p->len || rest > FLAC_BLOCK_MAX)
        return 0;
    ct_buf fin = CT_BUF_INIT;
    put_header(&fin, FLAC_VORBIS_COMMENT, false, j->n);
    ct_buf_put(&fin, j->body, j->n);
    put_header(&fin, FLAC_PADDING, c->last, rest);
    ct_buf_put_zeros(&fin, (size_t)rest);
    if (!ct_buf_ok(&fin)) {
        ct_buf_free(&fin);
        return -1;
    }
    bool ok = step(j->plan, p->off + 4, fin.data + 4, j->n + 4) &&
              step(j->plan, p->off, fin.data, 4) && step(j->plan, p->off + 8 + j->n, NULL, rest) &&
              ct_plan_add(j->plan, p->off, fin.len, fin.data, fin.len);
    ct_buf_free(&fin);
    report(j, rest, true, true, "in place in the padding before the old one");
    return ok ? 1 : -1;
}

/* Any padding block P (C, the old comment block, elsewhere or NULL): the new block goes inside
   P's body behind an empty padding header; C becomes padding first, so a reader never sees two
   comment blocks (for a moment it sees none). */
static int plan_far(const job *j, const ct_flac_block *c, const ct_flac_block *p)
{
    if (!fits(p->len, j->n))
        return 0;
    ct_buf fin = CT_BUF_INIT, old = CT_BUF_INIT;
    uint64_t pad;
    put_header(&fin, FLAC_PADDING, false, 0);
    put_comment_in(&fin, j, p->len, p->last, &pad);
    if (c != NULL) {
        put_header(&old, FLAC_PADDING, c->last, c->len);
        ct_buf_put_zeros(&old, c->len);
    }
    bool ok = ct_buf_ok(&fin) && ct_buf_ok(&old) && step(j->plan, p->off + 4, fin.data + 4, p->len) &&
              (c == NULL || step(j->plan, c->off, old.data, 4)) && step(j->plan, p->off, fin.data, 4) &&
              (c == NULL || c->len == 0 || step(j->plan, c->off + 4, NULL, c->len));
    if (ok && c != NULL && c->off < p->off)
        ok = ct_plan_add(j->plan, c->off, old.len, old.data, old.len) != NULL;
    ok = ok && ct_plan_add(j->plan, p->off, fin.len, fin.data, fin.len);
    if (ok && c != NULL && c->off > p->off)
        ok = ct_plan_add(j->plan, c->off, old.len, old.data, old.len) != NULL;
    ct_buf_free(&fin);
    ct_buf_free(&old);
    report(j, pad, p->len > 4 + j->n, true, "in place in a padding block");
    return ok ? 1 : -1;
}

/* Tries the in-place plans, nearest padding first: 1 planned, 0 no room, -1 out of memory. */
static int plan_in_place(const job *j)
{
    const ct_flac_file *m = j->m;
    const ct_flac_block *c = m->comment != SIZE_MAX ? &m->v[m->comment] : NULL;
    int r = 0;
    if (c != NULL && m->comment + 1 < m->n && m->v[m->comment + 1].type == FLAC_PADDING)
        r = plan_after(j, c, &m->v[m->comment + 1]);
    if (r == 0 && c != NULL && m->v[m->comment - 1].type == FLAC_PADDING)
        r = plan_before(j, &m->v[m->comment - 1], c);
    for (size_t i = 1; r == 0 && i < m->n; i++)
        if (m->v[i].type == FLAC_PADDING)
            r = plan_far(j, c, &m->v[i]);
    return r;
}

/* The block I as it is rewritten (not last: the new padding ends the metadata). */
static bool rewrite_block(const job *j, size_t i)
{
    const ct_flac_block *b = &j->m->v[i];
    uint8_t h[4];
    ct_flac_header(h, b->type, false, b->len);
    return ct_plan_bytes(j->plan, h, 4) && (b->len == 0 || ct_plan_copy(j->plan, b->off + 4, b->len));
}

/* Appends the new comment block to the current edit. */
static bool put_comment_block(const job *j)
{
    uint8_t h[4];
    ct_flac_header(h, FLAC_VORBIS_COMMENT, false, (uint32_t)j->n);
    return ct_plan_bytes(j->plan, h, 4) && ct_plan_bytes(j->plan, j->body, j->n);
}

/* One edit rewriting every block: the kept ones as they are (padding dropped), the new comment
   block where the old one stood (else after STREAMINFO), then PADDING bytes of padding: the
   policy's, but never too little for a next comment block a quarter larger, since an edit in
   place writes the whole new block inside the padding before it switches. */
static chaptag_status plan_rewrite(const job *j, int64_t padding, chaptag_error *err)
{
    const ct_flac_file *m = j->m;
    uint64_t content = m->start + 4 + 4 + j->n;
    for (size_t i = 0; i < m->n; i++)
        if (m->v[i].type != FLAC_PADDING && i != m->comment)
            content += 4 + (uint64_t)m->v[i].len;
    uint64_t pad = padding >= 0 ? (uint64_t)padding : ct_padding_for(content, 4);
    uint64_t room = 8 + j->n + j->n / 4; /* a next edit goes whole into the padding */
    if (padding < 0 && pad < room)
        pad += (room - pad + 4095) / 4096 * 4096; /* whole 4 KiB: the audio stays aligned */
    if (pad > FLAC_BLOCK_MAX)
        pad = FLAC_BLOCK_MAX;
    size_t at = m->comment != SIZE_MAX ? m->comment : 1;
    bool ok = ct_plan_edit(j->plan, m->start + 4, m->audio_off - m->start - 4) != NULL;
    for (size_t i = 0; i < m->n && ok; i++) {
        if (i == at)
            ok = put_comment_block(j);
        if (ok && m->v[i].type != FLAC_PADDING && i != m->comment)
            ok = rewrite_block(j, i);
    }
    uint8_t h[4];
    ct_flac_header(h, FLAC_PADDING, true, (uint32_t)pad);
    ok = ok && (at < m->n || put_comment_block(j)) && ct_plan_bytes(j->plan, h, 4) &&
         ct_plan_zeros(j->plan, pad);
    if (!ok)
        return ct_fail_nomem(err);
    report(j, pad, true, false, "the file is rewritten");
    return CHAPTAG_OK;
}

chaptag_status ct_flac_plan_comment(const ct_flac_file *m, const uint8_t *body, size_t len,
                                    int64_t padding, ct_plan *plan, struct chaptag_report *rep,
                                    chaptag_error *err)
{
    if (len > FLAC_BLOCK_MAX)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the VORBIS_COMMENT block would be %zu bytes, "
                       "more than FLAC allows (16 MiB)", len);
    job j = {m, body, len, plan, rep};
    int r = padding < 0 ? plan_in_place(&j) : 0;
    if (r < 0)
        return ct_fail_nomem(err);
    if (r > 0)
        return CHAPTAG_OK;
    ct_plan_free(plan); /* a plan that ran out of room part way leaves nothing behind */
    return plan_rewrite(&j, padding, err);
}
