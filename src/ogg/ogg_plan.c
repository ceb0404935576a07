/* Planning an Ogg embed or strip: the new comment packet, laid out into pages of the stream.
   When it is as long as the old one (Opus pads it to that length when it can) its pages keep
   their sizes and are written in place; else the old comment pages are replaced, and when
   their count changes every later page of the stream is renumbered (a rewrite). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ogg_state.h"

/* The largest page: header, 255 lacing values, 255 segments of 255 bytes. */
#define PAGE_MAX (CT_OGG_HEADER + 255 + 255 * 255)

/* The padding of an Opus packet whose comments take CONTENT bytes: what fills the old packet
   when they fit in it (an edit in place), else the user's figure or the policy. */
static uint64_t opus_padding(const ogg_state *s, size_t content, const chaptag_embed_opts *opts)
{
    if (opts->padding >= 0)
        return (uint64_t)opts->padding;
    if (content <= s->packet_len)
        return s->packet_len - content;
    return ct_padding_for(content, 0);
}

/* Renders the comment packet holding VC into OUT: the old packet's start (magic, FLAC block
   header), the list, then what followed the old list (Vorbis's framing bit, binary Opus data
   to be kept), or for Opus zero padding; *PADDING is its length. */
static chaptag_status render_packet(const ogg_state *s, const ct_vorbis_comments *vc,
                                    const chaptag_embed_opts *opts, ct_buf *out,
                                    uint64_t *padding, chaptag_error *err)
{
    const ct_ogg_codec *c = &ct_ogg_codecs[s->codec];
    const uint8_t *tail = s->data + s->list_end;
    size_t tail_len = s->packet_len - s->list_end;
    ct_buf_put(out, s->data, c->magic_len);
    ct_vorbis_render(vc, out);
    *padding = 0;
    /* RFC 7845: padding whose first byte is even may be dropped; odd is data to keep */
    if (s->codec == CT_OGG_OPUS && (tail_len == 0 || !(tail[0] & 1))) {
        *padding = opus_padding(s, out->len, opts);
        if (*padding > (64u << 20))
            return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "%" PRIu64 " bytes of padding: more "
                           "than 64 MiB", *padding);
        ct_buf_put_zeros(out, (size_t)*padding);
    } else {
        ct_buf_put(out, tail, tail_len);
    }
    if (!ct_buf_ok(out))
        return ct_fail_nomem(err);
    if (s->codec == CT_OGG_FLAC) {
        if (out->len - 4 >= (1u << 24))
            return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the comment block would be %zu bytes, "
                           "more than FLAC allows (16 MiB)", out->len - 4);
        out->data[1] = (uint8_t)((out->len - 4) >> 16);
        out->data[2] = (uint8_t)((out->len - 4) >> 8);
        out->data[3] = (uint8_t)(out->len - 4);
    }
    return CHAPTAG_OK;
}

/* Lays PACKET (LEN bytes), followed by what followed the old packet on its last page, out
   into pages: with the old pages' layout when SAME is true, else in pages of 255 segments. */
static size_t paginate(const ogg_state *s, const uint8_t *packet, size_t len, bool same,
                       ct_buf *out)
{
    ct_buf lace = CT_BUF_INIT, data = CT_BUF_INIT;
    size_t k = s->n_comment_pages, n = 0;
    const ct_ogg_page *first = &s->pages[1], *last = &s->pages[k];
    /* on the heap: K is the file's to choose (empty pages are 27 bytes each) */
    uint8_t *layout = ct_malloc(k);
    uint64_t *granules = ct_malloc(k * sizeof *granules);
    if (layout == NULL || granules == NULL) {
        free(layout);
        free(granules);
        return 0;
    }
    for (size_t i = 0; i < k; i++)
        layout[i] = s->pages[1 + i].n_segs, granules[i] = s->pages[1 + i].granule;
    ct_ogg_layout lo = {s->serial, first->seq, (uint8_t)(first->flags & CT_OGG_CONTINUED),
                        (uint8_t)(last->flags & CT_OGG_EOS), last->granule,
                        same ? layout : NULL, granules, k};
    ct_ogg_lace(len, &lace);
    ct_buf_put(&lace, s->lace + s->packet_segs, s->n_lace - s->packet_segs);
    ct_buf_put(&data, packet, len);
    ct_buf_put(&data, s->data + s->packet_len, s->data_len - s->packet_len);
    if (ct_buf_ok(&lace) && ct_buf_ok(&data))
        n = ct_ogg_paginate(lace.data, lace.len, data.data, &lo, out);
    ct_buf_free(&lace);
    ct_buf_free(&data);
    free(layout);
    free(granules);
    return ct_buf_ok(out) ? n : 0;
}

/* The comment page (0-based among them) holding byte AT of the packet. */
static size_t page_of(const ogg_state *s, size_t at)
{
    size_t i = 0, end = 0;
    for (; i < s->n_comment_pages; i++) {
        const ct_ogg_page *pg = &s->pages[1 + i];
        end += pg->len - CT_OGG_HEADER - pg->n_segs;
        if (at < end)
            break;
    }
    return i;
}

/* The packet OLD with its comment count cut to the comments it shares with NEW, from the
   first on: every reader then sees those and takes the rest for padding, whichever of the
   old and new pages it finds around them. NULL when that cannot be done: the count straddles
   two pages, or Vorbis's framing bit would not be set. */
static uint8_t *shared_prefix_packet(const ogg_state *s, const ct_vorbis_comments *nv,
                                     const uint8_t *new)
{
    const ct_vorbis_comments *ov = &s->vc;
    size_t count_off = ct_ogg_codecs[s->codec].magic_len + 4 + ov->vendor_len;
    size_t k = 0, end = count_off + 4;
    while (k < ov->n && k < nv->n && ov->v[k].n == nv->v[k].n &&
           memcmp(ov->v[k].p, nv->v[k].p, ov->v[k].n) == 0)
        end += 4 + ov->v[k++].n;
    if (page_of(s, count_off) != page_of(s, count_off + 3) || end >= s->packet_len)
        return NULL;
    if (s->codec == CT_OGG_VORBIS && (!(s->data[end] & 1) || !(new[end] & 1)))
        return NULL;
    uint8_t *p = ct_malloc(s->packet_len);
    if (p != NULL) {
        memcpy(p, s->data, s->packet_len);
        ct_store_u32le(p + count_off, (uint32_t)k);
    }
    return p;
}

/* Where each comment page starts within the raw comment pages (K+1 entries, the last their
   total), so that no loop over the pages walks them again; NULL when memory runs out. */
static size_t *raw_offsets(const ogg_state *s)
{
    size_t k = s->n_comment_pages, *at = ct_malloc((k + 1) * sizeof *at);
    if (at != NULL) {
        at[0] = 0;
        for (size_t i = 0; i < k; i++)
            at[i + 1] = at[i] + s->pages[1 + i].len;
    }
    return at;
}

static bool step_raw(ct_plan *plan, const ogg_state *s, const size_t *at, const uint8_t *pages,
                     size_t i)
{
    return ct_plan_step(plan, s->pages[1 + i].off, pages + at[i], s->pages[1 + i].len);
}

/* The in-place plan for NEW_PAGES, laid out as the old comment pages: an edit per page that
   changes, and the steps. One page changes: one step. More: first the page holding the
   comment count, cut to the comments old and new share, then the other pages, then that page
   as it is meant to be; a kill between steps leaves a file whose comment packet parses. When
   that cannot be done the edits are a rewrite. */
static chaptag_status plan_same_layout(const ogg_state *s, const ct_vorbis_comments *nv,
                                       const uint8_t *packet, const uint8_t *new_pages,
                                       ct_plan *plan, chaptag_error *err)
{
    size_t k = s->n_comment_pages, n_diff = 0, last_diff = 0, *at = raw_offsets(s);
    bool *diff = ct_malloc(k * sizeof *diff), ok = at != NULL && diff != NULL;
    for (size_t i = 0; i < k && ok; i++) {
        diff[i] = memcmp(s->raw + at[i], new_pages + at[i], s->pages[1 + i].len) != 0;
        n_diff += diff[i];
        last_diff = diff[i] ? i : last_diff;
    }
    uint8_t *mid = NULL;
    ct_buf mid_pages = CT_BUF_INIT;
    if (ok && n_diff == 1) {
        ok = step_raw(plan, s, at, new_pages, last_diff);
    } else if (ok && (mid = shared_prefix_packet(s, nv, packet)) != NULL &&
               paginate(s, mid, s->packet_len, true, &mid_pages) == k) {
        size_t c = page_of(s, ct_ogg_codecs[s->codec].magic_len + 4 + s->vc.vendor_len);
        ok = !diff[c] || step_raw(plan, s, at, mid_pages.data, c);
        for (size_t i = 0; i < k && ok; i++)
            ok = i == c || !diff[i] || step_raw(plan, s, at, new_pages, i);
        ok = ok && (!diff[c] || step_raw(plan, s, at, new_pages, c));
    }
    free(mid);
    ct_buf_free(&mid_pages);
    for (size_t i = 0; i < k && ok; i++)
        ok = !diff[i] || ct_plan_add(plan, s->pages[1 + i].off, s->pages[1 + i].len,
                                     new_pages + at[i], s->pages[1 + i].len);
    free(at);
    free(diff);
    return ok ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* Edits that add DELTA to the sequence number of every page of the stream after the comment
   pages, with its CRC made anew; each page is read and its old CRC checked first. */
static chaptag_status renumber(const ogg_state *s, uint32_t delta, ct_plan *plan,
                               size_t *n_renumbered, chaptag_error *err)
{
    uint8_t *buf = ct_malloc(PAGE_MAX);
    if (buf == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = CHAPTAG_OK;
    *n_renumbered = 0;
    for (size_t i = 1 + s->n_comment_pages; i < s->n_pages && st == CHAPTAG_OK; i++) {
        const ct_ogg_page *pg = &s->pages[i];
        st = ct_ogg_read_page(s->f, pg, buf, err);
        if (st != CHAPTAG_OK)
            break;
        ct_store_u32le(buf + 18, pg->seq + delta);
        ct_store_u32le(buf + 22, ct_ogg_page_crc(buf, pg->len));
        if (ct_plan_add(plan, pg->off + 18, 8, buf + 18, 8) == NULL)
            st = ct_fail_nomem(err);
        ++*n_renumbered;
    }
    free(buf);
    return st;
}

/* The rewrite: the first comment page's place takes every new page (N_NEW of them, LEN bytes
   at PAGES), the other old comment pages go, later pages are renumbered. */
static chaptag_status plan_rewrite(const ogg_state *s, uint8_t *pages, size_t len,
                                   size_t n_new, ct_plan *plan, size_t *n_renumbered,
                                   chaptag_error *err)
{
    const ct_ogg_page *first = &s->pages[1];
    *n_renumbered = 0;
    if (ct_plan_edit(plan, first->off, first->len) == NULL) {
        free(pages); /* not yet the plan's */
        return ct_fail_nomem(err);
    }
    if (!ct_plan_bytes_owned(plan, pages, len))
        return ct_fail_nomem(err);
    for (size_t i = 2; i <= s->n_comment_pages; i++)
        if (!ct_plan_edit(plan, s->pages[i].off, s->pages[i].len))
            return ct_fail_nomem(err);
    uint32_t delta = (uint32_t)n_new - (uint32_t)s->n_comment_pages;
    return delta != 0 ? renumber(s, delta, plan, n_renumbered, err) : CHAPTAG_OK;
}

static void report(struct chaptag_report *rep, const ogg_state *s, const ct_plan *plan,
                   size_t packet_len, uint64_t padding, size_t n_pages, size_t n_renumbered)
{
    rep->tag_size = packet_len;
    rep->padding = padding;
    rep->in_place = plan->n == 0 || plan->n_steps > 0;
    snprintf(rep->what, sizeof rep->what, "Ogg comment packet");
    rep->keeps = CT_KEEPS_LINKS; /* CHAPTERnnnURL */
    ct_buf_printf(&rep->plan, "%s of stream %08" PRIx32 " at offset %" PRIu64 ": %zu bytes (%"
                  PRIu64 " of padding) on %zu page%s, ", ct_ogg_codecs[s->codec].packet,
                  s->serial, s->pages[1].off, packet_len, padding, n_pages,
                  n_pages == 1 ? "" : "s");
    if (plan->n == 0)
        ct_buf_printf(&rep->plan, "unchanged\n");
    else if (rep->in_place)
        ct_buf_printf(&rep->plan, "in place of the old packet\n");
    else
        ct_buf_printf(&rep->plan, "replacing the old packet's %zu page%s (%zu later page%s "
                      "renumbered); the file is rewritten\n", s->n_comment_pages,
                      s->n_comment_pages == 1 ? "" : "s", n_renumbered,
                      n_renumbered == 1 ? "" : "s");
}

/* Plans replacing the comment packet by PACKET (comments NV). */
static chaptag_status plan_packet(const ogg_state *s, const ct_vorbis_comments *nv,
                                  const uint8_t *packet, size_t len, uint64_t padding,
                                  ct_plan *plan, struct chaptag_report *rep, chaptag_error *err)
{
    bool same = len == s->packet_len;
    size_t n_renumbered = 0;
    if (same && memcmp(packet, s->data, len) == 0) {
        report(rep, s, plan, len, padding, s->n_comment_pages, 0);
        return CHAPTAG_OK; /* the file already holds this packet: an empty plan */
    }
    ct_buf pages = CT_BUF_INIT;
    size_t n = paginate(s, packet, len, same, &pages);
    if (n == 0) {
        ct_buf_free(&pages);
        return ct_fail_nomem(err);
    }
    chaptag_status st;
    if (same) {
        st = plan_same_layout(s, nv, packet, pages.data, plan, err);
        ct_buf_free(&pages);
    } else {
        size_t plen;
        uint8_t *p = ct_buf_take(&pages, &plen);
        st = p ? plan_rewrite(s, p, plen, n, plan, &n_renumbered, err) : ct_fail_nomem(err);
    }
    if (st == CHAPTAG_OK)
        report(rep, s, plan, len, padding, n, n_renumbered);
    return st;
}

chaptag_status ct_ogg_plan(void *state, const chaptag_chapters *list,
                           const chaptag_embed_opts *opts, ct_plan *plan,
                           struct chaptag_report *rep, chaptag_error *err)
{
    const ogg_state *s = state;
    ct_ogg_fill_info(s, list ? chaptag_chapters_count(list) : 0, &rep->info);
    if (opts->duration_ms != CHAPTAG_TIME_NONE) {
        rep->info.duration_ms = opts->duration_ms;
        snprintf(rep->info.duration_source, sizeof rep->info.duration_source, "--duration");
    }
    if (list == NULL && !ct_vorbis_has_chapters(&s->vc))
        return CHAPTAG_OK; /* nothing to strip */
    ct_vorbis_comments nv;
    size_t end;
    ct_buf packet = CT_BUF_INIT;
    uint64_t padding = 0;
    chaptag_status st = ct_ogg_parse_comments(s, s->data, s->packet_len, &nv, &end, err);
    if (st != CHAPTAG_OK)
        return st;
    st = ct_vorbis_set_chapters(&nv, list, err);
    if (st == CHAPTAG_OK)
        st = render_packet(s, &nv, opts, &packet, &padding, err);
    if (st == CHAPTAG_OK)
        st = plan_packet(s, &nv, packet.data, packet.len, padding, plan, rep, err);
    ct_buf_free(&packet);
    ct_vorbis_free(&nv);
    return st;
}
