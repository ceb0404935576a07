/* Planning new markers into a WAV file. The new cue and LIST/adtl chunks go in place of the
   old ones when they fit in the old chunks plus the JUNK or PAD chunks next to them (the rest
   becomes one zeroed JUNK chunk); otherwise the file is rewritten with the old chunks removed
   and the new ones appended after everything else, with a JUNK chunk of padding so the next
   edit fits, and the RIFF size (RF64: the one in ds64) updated. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wav_int.h"

/* The most bytes of old chunks an in-place edit rewrites (held in memory twice). */
#define REGION_MAX (16u << 20)

/* The run of chunks an in-place edit may rewrite: [FIRST, LAST], OFF and LEN in bytes. */
typedef struct {
    bool found;
    size_t first, last;
    uint64_t off, len;
} region;

static bool is_filler(const wav_chunk *c)
{
    return memcmp(c->id, "JUNK", 4) == 0 || memcmp(c->id, "junk", 4) == 0 ||
           memcmp(c->id, "PAD ", 4) == 0;
}

static bool is_ours(const wav_file *w, size_t i)
{
    return (int)i == w->cue || (int)i == w->adtl;
}

/* The cue and adtl chunks with the fillers around them, when they lie in one run; without
   either, the fillers that end the RIFF after the audio (what a strip left). */
static region find_region(const wav_file *w)
{
    region r = {false, 0, 0, 0, 0};
    size_t n = w->n_chunks;
    int anchor = w->cue != WAV_NONE ? w->cue : w->adtl;
    if (anchor == WAV_NONE) {
        size_t i = n;
        while (i > 0 && (int)(i - 1) > w->data && is_filler(&w->chunks[i - 1]))
            i--;
        if (i == n)
            return r;
        r.first = i, r.last = n - 1;
    } else {
        r.first = r.last = (size_t)anchor;
        while (r.first > 0 && (is_filler(&w->chunks[r.first - 1]) || is_ours(w, r.first - 1)))
            r.first--;
        while (r.last + 1 < n && (is_filler(&w->chunks[r.last + 1]) || is_ours(w, r.last + 1)))
            r.last++;
        if ((w->cue != WAV_NONE && ((size_t)w->cue < r.first || (size_t)w->cue > r.last)) ||
            (w->adtl != WAV_NONE && ((size_t)w->adtl < r.first || (size_t)w->adtl > r.last)))
            return r; /* apart: a rewrite removes both */
    }
    r.off = w->chunks[r.first].off;
    r.len = w->chunks[r.last].off + w->chunks[r.last].total - r.off;
    r.found = r.len <= REGION_MAX;
    return r;
}

/* Bytes a JUNK chunk with BODY bytes takes; 0 for none. */
static uint64_t junk_total(uint64_t body)
{
    return body == 0 ? 0 : 8 + body + (body & 1);
}

/* Appends a JUNK chunk of BODY zero bytes (BODY 0: none) to B. */
static void put_junk(ct_buf *b, uint64_t body)
{
    if (body == 0)
        return;
    ct_buf_put(b, "JUNK", 4);
    ct_buf_put_u32le(b, (uint32_t)body);
    ct_buf_put_zeros(b, (size_t)(body + (body & 1)));
}

/* The steps that turn OLD into NEW (LEN bytes at OFF) so that the file is valid after each:
   every chunk of the run retyped to JUNK (4-byte writes; any order is valid), the first one
   sized over the whole run, the new bytes written behind it, then the first new chunk's size
   and last its ID. A reader sees the old markers, none, or the new ones. */
static bool plan_steps(ct_plan *p, const wav_file *w, const region *r, const uint8_t *old,
                       const uint8_t *new)
{
    uint64_t len = r->len;
    bool ok = true, retyped = false;
    for (size_t i = r->first; i <= r->last && ok; i++) {
        uint64_t at = w->chunks[i].off - r->off;
        if (memcmp(old + at, "JUNK", 4) == 0)
            continue;
        if (retyped)
            ct_plan_step_shares_sync(p); /* the retypes only: any order of them is valid */
        ok = ct_plan_step(p, r->off + at, "JUNK", 4);
        retyped = true;
    }
    uint8_t whole[4];
    ct_store_u32le(whole, (uint32_t)(len - 8));
    if (ok && memcmp(old + 4, whole, 4) != 0)
        ok = ct_plan_step(p, r->off + 4, whole, 4);
    if (ok && memcmp(old + 8, new + 8, (size_t)len - 8) != 0)
        ok = ct_plan_step(p, r->off + 8, new + 8, (size_t)len - 8);
    if (ok && memcmp(new + 4, whole, 4) != 0)
        ok = ct_plan_step(p, r->off + 4, new + 4, 4);
    if (ok && memcmp(new, "JUNK", 4) != 0)
        ok = ct_plan_step(p, r->off, new, 4);
    return ok;
}

/* Plans CONTENT in place of region R when it fits (with the padding OPTS asks for, if any);
   *DONE false when it does not. */
static chaptag_status plan_in_place(const wav_file *w, const region *r, const ct_buf *content,
                                    const chaptag_embed_opts *opts, ct_plan *plan,
                                    uint64_t *padding, bool *done, chaptag_error *err)
{
    *done = false;
    uint64_t rest = r->len - (content->len <= r->len ? content->len : r->len);
    bool fits = content->len <= r->len && (rest == 0 || rest >= 8);
    if (opts->padding >= 0)
        fits = fits && rest == junk_total((uint64_t)opts->padding);
    if (!fits)
        return CHAPTAG_OK;
    ct_buf b = CT_BUF_INIT;
    ct_buf_put(&b, content->data, content->len);
    put_junk(&b, rest == 0 ? 0 : rest - 8);
    b.len = (size_t)r->len; /* a last JUNK without its pad byte, as the old run ended */
    uint8_t *old = ct_malloc((size_t)r->len);
    chaptag_status st = old && ct_buf_ok(&b) ? ct_file_read(w->f, r->off, old, (size_t)r->len,
                                                            NULL, err)
                                             : ct_fail_nomem(err);
    if (st == CHAPTAG_OK && memcmp(old, b.data, (size_t)r->len) != 0) {
        bool ok = plan_steps(plan, w, r, old, b.data) &&
                  ct_plan_add(plan, r->off, r->len, b.data, (size_t)r->len);
        st = ok ? CHAPTAG_OK : ct_fail_nomem(err);
    }
    *padding = rest == 0 ? 0 : rest - 8;
    *done = st == CHAPTAG_OK;
    free(old);
    ct_buf_free(&b);
    return st;
}

/* True when the rewrite drops chunk I: the old cue and adtl chunks, and the fillers of the run
   around them when it ends the chunks (the padding an earlier rewrite left). */
static bool dropped(const wav_file *w, const region *r, size_t i)
{
    if (is_ours(w, i))
        return true;
    return r->found && r->last == w->n_chunks - 1 && i >= r->first && i <= r->last;
}

/* The edit of the RIFF size: in the header, or for RF64 in ds64. */
static chaptag_status plan_riff_size(const wav_file *w, uint64_t riff_size, ct_plan *plan,
                                     chaptag_error *err)
{
    uint8_t b[8];
    bool ok;
    if (strcmp(w->magic, "RIFF") == 0) {
        if (riff_size > UINT32_MAX)
            return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the file would pass the 4 GiB a RIFF "
                           "file can hold");
        ct_store_u32le(b, (uint32_t)riff_size);
        ok = ct_plan_add(plan, 4, 4, b, 4) != NULL;
    } else {
        ct_wav_store_u64(b, riff_size);
        ok = ct_plan_add(plan, w->chunks[w->ds64].off + 8, 8, b, 8) != NULL;
    }
    return ok ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* Plans the rewrite: old chunks out, CONTENT and PADDING bytes of JUNK after the last chunk. */
static chaptag_status plan_rewrite(const wav_file *w, const region *r, const ct_buf *content,
                                   uint64_t padding, ct_plan *plan, chaptag_error *err)
{
    const wav_chunk *last = &w->chunks[w->n_chunks - 1];
    uint64_t end = last->off + last->total, removed = 0;
    for (size_t i = 0; i < w->n_chunks; i++)
        removed += dropped(w, r, i) ? w->chunks[i].total : 0;
    bool drop_last = dropped(w, r, w->n_chunks - 1);
    ct_buf b = CT_BUF_INIT;
    if ((end & 1) && !drop_last)
        ct_buf_put_u8(&b, 0); /* the last chunk's missing pad byte */
    ct_buf_put(&b, content->data, content->len);
    put_junk(&b, padding);
    if (!ct_buf_ok(&b))
        return ct_fail_nomem(err);
    chaptag_status st = plan_riff_size(w, w->riff_end - 8 - removed + b.len, plan, err);
    bool ok = st == CHAPTAG_OK;
    for (size_t i = 0; i < w->n_chunks && ok; i++) {
        if (!dropped(w, r, i))
            continue;
        ok = ct_plan_edit(plan, w->chunks[i].off, w->chunks[i].total) != NULL;
    }
    if (ok && !drop_last)
        ok = ct_plan_edit(plan, end, 0) != NULL;
    ok = ok && ct_plan_bytes(plan, b.data, b.len);
    ct_buf_free(&b);
    return st != CHAPTAG_OK ? st : ok ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* The report of CONTENT bytes of new chunks and PADDING bytes of JUNK. */
static void report(struct chaptag_report *rep, const ct_plan *plan, const region *r,
                   size_t n, size_t content, uint64_t padding, bool in_place)
{
    rep->tag_size = content + junk_total(padding);
    rep->padding = padding;
    rep->in_place = in_place;
    snprintf(rep->what, sizeof rep->what, "cue + adtl chunks");
    ct_buf_printf(&rep->plan, "cue + adtl chunks: %zu markers, %zu bytes and a JUNK chunk of %"
                  PRIu64 " bytes of padding, %s\n", n, content, padding,
                  plan->n == 0 ? "as the file holds them already"
                  : in_place   ? "in place of the old chunks"
                  : r->found   ? "after the audio; the file is rewritten"
                               : "new, after the audio; the file is rewritten");
    if (in_place && plan->n > 0)
        ct_buf_printf(&rep->plan, "  at offset %" PRIu64 ", %" PRIu64 " bytes\n", r->off,
                      r->len);
}

chaptag_status ct_wav_plan(wav_file *w, const chaptag_chapters *list,
                           const chaptag_embed_opts *opts, ct_plan *plan,
                           struct chaptag_report *rep, chaptag_error *err)
{
    size_t n = list ? chaptag_chapters_count(list) : 0;
    if (n == 0 && w->n_markers == 0 && w->cue == WAV_NONE) {
        snprintf(rep->what, sizeof rep->what, "cue + adtl chunks");
        rep->in_place = true;
        return CHAPTAG_OK; /* nothing to strip */
    }
    ct_buf content = CT_BUF_INIT;
    chaptag_status st = ct_wav_render(w, list, &content, err);
    region r = find_region(w);
    uint64_t padding = 0;
    bool done = false;
    if (st == CHAPTAG_OK && r.found)
        st = plan_in_place(w, &r, &content, opts, plan, &padding, &done, err);
    if (st == CHAPTAG_OK && !done) {
        padding = opts->padding >= 0 ? (uint64_t)opts->padding : ct_padding_for(content.len, 8);
        st = plan_rewrite(w, &r, &content, padding, plan, err);
    }
    if (st == CHAPTAG_OK)
        report(rep, plan, &r, n, content.len, padding, done);
    ct_buf_free(&content);
    return st;
}
