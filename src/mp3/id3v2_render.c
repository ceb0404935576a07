/* The frames of an ID3v2 tag written: every frame chaptag does not own carried over (see
   id3v2_convert.c), then TLEN, the CTOC tree and one CHAP per chapter (id3v2_chapters.c,
   id3v2_toc.c); frame headers and sizes, the lines of the plan, and the tag header.
   Specs: ID3v2.3.0 §3; ID3v2.4.0 structure §3-§4. */
#include "id3v2_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

static uint32_t syncsafe_encode(uint32_t v)
{
    return (v & 0x7f) | ((v & 0x3f80) << 1) | ((v & 0x1fc000) << 2) | ((v & 0x0fe00000) << 3);
}

void ct_id3v2_describe(ct_id3_render_ctx *c, const char *fmt, ...)
{
    if (c->desc == NULL)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    ct_buf_put_str(c->desc, line);
    ct_buf_put_u8(c->desc, '\n');
}

const char *ct_id3v2_short_title(const char *s, char buf[DESC_TITLE_MAX + 4])
{
    size_t n = strlen(s), k = ct_utf8_cut(s, n, DESC_TITLE_MAX);
    memcpy(buf, s, k);
    strcpy(buf + k, k < n ? "..." : "");
    return buf;
}

size_t ct_id3v2_begin_frame(ct_id3_render_ctx *c, const char *id, uint16_t flags)
{
    size_t off = c->out->len;
    ct_buf_put(c->out, id, 4);
    ct_buf_put_u32be(c->out, 0);
    ct_buf_put_u16be(c->out, flags);
    return off;
}

bool ct_id3v2_end_frame(ct_id3_render_ctx *c, size_t off, size_t *body)
{
    *body = 0;
    if (!ct_buf_ok(c->out))
        return true; /* the caller reports the failed buffer */
    size_t n = c->out->len - off - HEADER_SIZE;
    uint64_t max = c->version == 4 ? SYNCSAFE_MAX : UINT32_MAX;
    *body = n;
    if ((uint64_t)n > max)
        return false;
    ct_buf_set_u32be(c->out, off + 4,
                     c->version == 4 ? syncsafe_encode((uint32_t)n) : (uint32_t)n);
    return true;
}

chaptag_status ct_id3v2_finish_kept(ct_id3_render_ctx *c, size_t off, const char *id, size_t *body,
                                    chaptag_error *err)
{
    if (!ct_id3v2_end_frame(c, off, body))
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "frame %s (%zu bytes) is too big for ID3v2.%d",
                       id, *body, c->version);
    if (ct_buf_ok(c->out) && *body == 0) {
        c->out->len = off;
        ct_warn(c->w, 0, "dropped frame %s: nothing of it is left in ID3v2.%d", id, c->version);
    }
    c->wrote_tlen = c->wrote_tlen || (*body > 0 && strcmp(id, "TLEN") == 0);
    return CHAPTAG_OK;
}

void ct_id3v2_warn_v24(ct_id3_render_ctx *c, unsigned line, const char *what, size_t body)
{
    if (c->version == 4 && body >= V24_TRAP_SIZE)
        ct_warn(c->w, line, "%s is %zu bytes: FFmpeg 5.1 and Apple Podcasts misread ID3v2.4 "
                "frames of 128 bytes or more; ID3v2.3 avoids this", what, body);
}

void ct_id3v2_put_text(ct_id3_render_ctx *c, const char *s)
{
    size_t n = strlen(s);
    int enc = ct_ascii(s, n) ? 0 : c->version == 4 ? 3 : 1;
    ct_buf_put_u8(c->out, (unsigned)enc);
    ct_id3v2_encode_string(enc, s, n, c->out);
}

static chaptag_status render_kept(ct_id3_render_ctx *c, const ct_id3_tag *tag, chaptag_error *err)
{
    ct_id3_convert_state state = {false, false};
    size_t removed = 0;
    for (size_t i = 0; i < tag->n_frames; i++) {
        if (ct_id3v2_owned(&tag->frames[i])) {
            removed++;
            continue;
        }
        chaptag_status st = ct_id3v2_render_kept_frame(c, tag, &tag->frames[i], &state, err);
        if (st != CHAPTAG_OK)
            return st;
    }
    if (removed > 0)
        ct_id3v2_describe(c, "removed %zu old CHAP/CTOC frame%s", removed, removed == 1 ? "" : "s");
    return CHAPTAG_OK;
}

chaptag_status ct_id3v2_render_frames(const ct_id3_tag *tag, const chaptag_chapters *list,
                                      const ct_id3_render_opts *opts, ct_buf *out, ct_buf *desc,
                                      ct_warnings *w, chaptag_error *err)
{
    ct_warnings none = {NULL, 0, 0};
    ct_id3_render_ctx c = {opts->version, out, desc, w ? w : &none, false};
    const char *title = opts->toc_title ? opts->toc_title : "Chapters";
    size_t start = out->len;
    chaptag_status st = CHAPTAG_OK;
    if (opts->version != 3 && opts->version != 4)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "ID3v2 version 2.%d cannot be written; use 3 or 4",
                     opts->version);
    else if (!ct_utf8_valid(title, strlen(title)))
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the table of contents title is not valid UTF-8");
    if (st == CHAPTAG_OK && tag != NULL)
        st = render_kept(&c, tag, err);
    if (st == CHAPTAG_OK && list != NULL)
        st = ct_id3v2_render_chapters(&c, list, opts, err);
    if (st == CHAPTAG_OK && !ct_buf_ok(out))
        st = ct_fail_nomem(err);
    if (st == CHAPTAG_OK && out->len - start > SYNCSAFE_MAX)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the ID3v2 frames would be %zu bytes, more than "
                     "a tag can hold (256 MiB)", out->len - start);
    if (st != CHAPTAG_OK && ct_buf_ok(out))
        out->len = start; /* nothing half-rendered is left for the caller to write */
    ct_warnings_clear(&none);
    return st;
}

void ct_id3v2_render_header(int version, uint32_t body_size, ct_buf *out)
{
    ct_buf_put(out, "ID3", 3);
    ct_buf_put_u8(out, (unsigned)version);
    ct_buf_put_u8(out, 0); /* revision */
    ct_buf_put_u8(out, 0); /* flags: no unsynchronisation, extended header or footer */
    ct_buf_put_syncsafe(out, body_size);
}
