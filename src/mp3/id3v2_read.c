/* ID3v2 tags read: v2.2, v2.3 and v2.4 headers (unsynchronisation, extended headers,
   footers, stacked tags back to back) and the frames in them, each kept as the bytes of its
   body, unsynchronisation undone; damaged frames end the list with a warning.
   Specs: ID3v2.2.0; ID3v2.3.0 §3; ID3v2.4.0 structure §3-§6. Where they are silent, or writers
   break them, this follows what FFmpeg (libavformat/id3v2.c), mutagen (mutagen/id3) and
   TagLib do, and says so where it matters. */
#include "id3v2_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Frame IDs are [A-Z0-9]{3} (v2.2) or {4}. */
static bool valid_id(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9')))
            return false;
    return true;
}

void ct_id3v2_frame_list_free(ct_id3_frame_list *fl)
{
    for (size_t i = 0; i < fl->n; i++)
        free(fl->v[i].body);
    free(fl->v);
    fl->v = NULL;
    fl->n = fl->cap = 0;
}

/* Appends F and takes over its body (freed when memory runs out). */
static chaptag_status frame_list_push(ct_id3_frame_list *fl, const ct_id3_frame *f,
                                      chaptag_error *err)
{
    ct_id3_frame *v = ct_grow(fl->v, fl->n, &fl->cap, sizeof *v);
    if (v == NULL) {
        free(f->body);
        return ct_fail_nomem(err);
    }
    fl->v = v;
    fl->v[fl->n++] = *f;
    return CHAPTAG_OK;
}

/* ---- reading frames ----------------------------------------------------------------------- */

/* Undoes unsynchronisation in place, dropping the 00 of every FF 00 (ID3v2.4.0 structure
   §6.1), and returns the new length. */
static size_t unsync_decode(uint8_t *p, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = p[i];
        p[o++] = b;
        if (b == 0xff && i + 1 < n && p[i + 1] == 0)
            i++;
    }
    return o;
}

/* Bytes that v2.4 frame flags add after the header: group ID, encryption method and data
   length indicator, in that order (ID3v2.4.0 structure §4.1.2). */
static size_t extras_v24(uint16_t flags)
{
    return ((flags & F24_GROUP) ? 1u : 0u) + ((flags & F24_ENCRYPT) ? 1u : 0u) +
           ((flags & F24_DLI) ? 4u : 0u);
}

/* True when a frame, padding or the end of the frames lies DIST bytes into the LEFT bytes at
   P: FFmpeg's check_tag, but padding must run to the end (FFmpeg takes four zero bytes, and
   so mistakes the zeros inside a body, a UTF-16 terminator say, for padding). */
static bool frame_follows(const uint8_t *p, size_t left, uint64_t dist)
{
    if (dist > left)
        return false;
    size_t at = (size_t)dist;
    if (left - at >= 4 && valid_id(p + at, 4))
        return true;
    while (at < left && p[at] == 0)
        at++;
    return at == left;
}

/* The size of a v2.4 frame from its size bytes RAW, REST being the LEFT bytes after its
   header. iTunes wrote plain sizes in v2.4 tags, and FFmpeg 5.1 writes CHAP/CTOC sizes so:
   when the readings differ, the one after which a frame or the end follows wins, sync-safe
   first (FFmpeg's rule; TagLib's is the same). *PLAIN says the plain reading won. */
static uint64_t size_v24(const uint8_t *raw, const uint8_t *rest, size_t left, bool *plain_won)
{
    uint32_t plain = ct_load_u32be(raw);
    *plain_won = true;
    if ((raw[0] | raw[1] | raw[2] | raw[3]) & 0x80)
        return plain;
    uint32_t safe = ct_id3v2_syncsafe_decode(raw);
    *plain_won = false;
    if (plain == safe || frame_follows(rest, left, safe))
        return safe;
    *plain_won = frame_follows(rest, left, plain);
    return *plain_won ? plain : safe;
}

ct_id3_walk_result ct_id3v2_walk(ct_reader *r, int version, ct_id3_raw_frame *f)
{
    bool v22 = version == 2;
    size_t id_len = v22 ? 3 : 4, header = v22 ? V22_HEADER_SIZE : HEADER_SIZE;
    memset(f, 0, sizeof *f);
    f->off = f->end = r->pos;
    if (ct_reader_left(r) == 0)
        return CT_ID3_WALK_END;
    /* a frame ID starting with 00 is padding: every reader stops there */
    if (r->p[r->pos] == 0)
        return CT_ID3_WALK_PADDING;
    if (ct_reader_left(r) < header)
        return CT_ID3_WALK_STRAY;
    const uint8_t *h = r->p + r->pos, *rest = h + header;
    size_t left = ct_reader_left(r) - header;
    if (!valid_id(h, id_len))
        return CT_ID3_WALK_NO_ID;
    memcpy(f->id, h, id_len);
    f->size = v22 ? ct_load_u24be(h + 3)
            : version == 3 ? ct_load_u32be(h + 4)
                           : size_v24(h + 4, rest, left, &f->plain_size);
    f->flags = v22 ? 0 : ct_load_u16be(h + 8);
    f->body = rest;
    if (f->size > left) {
        f->len = left;
        return CT_ID3_WALK_TOO_BIG;
    }
    f->len = (size_t)f->size;
    ct_reader_skip(r, header + f->len);
    f->end = r->pos;
    return f->len == 0 ? CT_ID3_WALK_EMPTY : CT_ID3_WALK_FRAME;
}

/* Copies RF into FL with its unsynchronisation undone. In v2.4 that is per frame and starts
   after the extra header bytes, which are read raw (as mutagen and FFmpeg do); the flag is
   cleared because the stored body is plain. */
static chaptag_status store_frame(const ct_id3_frame_ctx *fc, const ct_id3_raw_frame *rf,
                                  ct_id3_frame_list *fl, chaptag_error *err)
{
    bool unsync = fc->version == 4 && (fc->unsync_all || (rf->flags & F24_UNSYNC));
    size_t keep = unsync ? extras_v24(rf->flags) : rf->len;
    if (keep > rf->len) {
        ct_warn(fc->w, 0, "%s: frame %s is shorter than its flags say; dropped", fc->where,
                rf->id);
        return CHAPTAG_OK;
    }
    ct_id3_frame f = {{0}, (uint8_t)fc->version, rf->flags, NULL, rf->len, rf->plain_size};
    memcpy(f.id, rf->id, sizeof f.id);
    if (fc->version == 4)
        f.flags = (uint16_t)(f.flags & ~F24_UNSYNC);
    f.body = ct_malloc(rf->len);
    if (f.body == NULL)
        return ct_fail_nomem(err);
    memcpy(f.body, rf->body, rf->len);
    if (unsync)
        f.len = keep + unsync_decode(f.body + keep, rf->len - keep);
    return frame_list_push(fl, &f, err);
}

/* Warns that the frames in FC end at byte AT, where the walk stopped with RES (R there). */
static void warn_stop(const ct_id3_frame_ctx *fc, ct_id3_walk_result res,
                      const ct_id3_raw_frame *rf, const ct_reader *r, size_t at)
{
    if (res == CT_ID3_WALK_STRAY)
        ct_warn(fc->w, 0, "%s: %zu stray bytes at byte %zu dropped", fc->where,
                ct_reader_left(r), at);
    else if (res == CT_ID3_WALK_NO_ID)
        ct_warn(fc->w, 0, "%s: no valid frame at byte %zu; it and what follows are dropped",
                fc->where, at);
    else if (res == CT_ID3_WALK_TOO_BIG)
        ct_warn(fc->w, 0,
                "%s: frame %s at byte %zu claims %" PRIu64 " bytes but %zu remain; it and "
                "the frames after it are dropped",
                fc->where, rf->id, at, rf->size, rf->len);
}

chaptag_status ct_id3v2_parse_frames(const ct_id3_frame_ctx *fc, ct_reader *r,
                                     ct_id3_frame_list *fl, uint64_t *padding, chaptag_error *err)
{
    *padding = 0;
    for (;;) {
        ct_id3_raw_frame rf;
        size_t at = fc->base + r->pos;
        ct_id3_walk_result res = ct_id3v2_walk(r, fc->version, &rf);
        if (res == CT_ID3_WALK_EMPTY) {
            ct_warn(fc->w, 0, "%s: empty frame %s at byte %zu dropped", fc->where, rf.id, at);
            continue;
        }
        if (res != CT_ID3_WALK_FRAME) {
            if (res == CT_ID3_WALK_PADDING)
                *padding = ct_reader_left(r);
            warn_stop(fc, res, &rf, r, at);
            return CHAPTAG_OK;
        }
        chaptag_status st = store_frame(fc, &rf, fl, err);
        if (st != CHAPTAG_OK)
            return st;
    }
}

/* ---- reading tags ------------------------------------------------------------------------- */

uint64_t ct_id3v2_tag_size(const uint8_t hdr[10])
{
    if (memcmp(hdr, "ID3", 3) != 0 || hdr[3] == 0xff || hdr[4] == 0xff)
        return 0;
    if ((hdr[6] | hdr[7] | hdr[8] | hdr[9]) & 0x80)
        return 0;
    uint64_t size = HEADER_SIZE + (uint64_t)ct_id3v2_syncsafe_decode(hdr + 6);
    /* only v2.4 has a footer (ID3v2.4.0 structure §3.4) */
    if (hdr[3] == 4 && (hdr[5] & H_FOOTER))
        size += HEADER_SIZE;
    return size;
}

/* Steps R past the extended header that header flag 0x40 announces. mutagen's rule: when a
   frame ID follows the tag header the flag is a lie (some taggers set it without writing one).
   False, with a warning, when the extended header does not fit. */
static bool skip_ext_header(ct_reader *r, int version, ct_warnings *w)
{
    if (ct_reader_left(r) >= 4 && valid_id(r->p + r->pos, 4))
        return true;
    const uint8_t *p = ct_reader_bytes(r, 4);
    uint64_t rest = UINT64_MAX;
    if (p != NULL && version == 3)
        rest = ct_load_u32be(p); /* plain, counts what follows it (ID3v2.3.0 §3.2) */
    else if (p != NULL && ct_id3v2_syncsafe_decode(p) >= 6)
        rest = ct_id3v2_syncsafe_decode(p) - 4; /* sync-safe, counts itself (v2.4 structure §3.2) */
    if (rest > ct_reader_left(r)) {
        ct_warn(w, 0, "the ID3v2 extended header is damaged; the tag's frames are dropped");
        return false;
    }
    ct_reader_skip(r, (size_t)rest);
    return true;
}

/* Parses the tag at P (the whole of it present), byte AT of the data, and appends its frames
   to FL. Only the first tag's header can fail the call. */
static chaptag_status parse_tag(ct_id3_tag *tag, const uint8_t *p, size_t at, ct_id3_frame_list *fl,
                                chaptag_error *err)
{
    unsigned version = p[3];
    uint8_t flags = p[5];
    if (version < 2 || version > 4) {
        if (at == 0)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "unsupported ID3v2 version 2.%u", version);
        ct_warn(&tag->warnings, 0, "ID3v2.%u tag at byte %zu skipped: unsupported version",
                version, at);
        return CHAPTAG_OK;
    }
    if (version == 2 && (flags & H_EXTENDED)) {
        /* v2.2 "compression" has no scheme defined; FFmpeg skips such tags too */
        ct_warn(&tag->warnings, 0, "ID3v2.2 tag at byte %zu is compressed; its frames are "
                "skipped", at);
        return CHAPTAG_OK;
    }
    size_t body_len = ct_id3v2_syncsafe_decode(p + 6);
    const uint8_t *body = p + HEADER_SIZE;
    uint8_t *decoded = NULL;
    if (version < 4 && (flags & H_UNSYNC)) {
        /* v2.2/v2.3 unsynchronise the whole body: decode it first and read frame sizes in the
           decoded bytes, as mutagen and TagLib do */
        decoded = ct_malloc(body_len);
        if (decoded == NULL)
            return ct_fail_nomem(err);
        memcpy(decoded, body, body_len);
        body_len = unsync_decode(decoded, body_len);
        body = decoded;
    }
    ct_reader r = ct_reader_make(body, body_len);
    ct_id3_frame_ctx fc = {(int)version, version == 4 && (flags & H_UNSYNC), "ID3v2 tag",
                           at + HEADER_SIZE, &tag->warnings};
    uint64_t padding = 0;
    chaptag_status st = CHAPTAG_OK;
    if (version == 2 || !(flags & H_EXTENDED) || skip_ext_header(&r, (int)version, fc.w))
        st = ct_id3v2_parse_frames(&fc, &r, fl, &padding, err);
    if (at == 0) {
        tag->padding = padding;
        tag->padding_off = decoded ? 0 : HEADER_SIZE + body_len - padding;
    }
    free(decoded);
    return st;
}

chaptag_status ct_id3v2_parse(const uint8_t *data, size_t len, ct_id3_tag **out,
                              chaptag_error *err)
{
    uint64_t size = len >= HEADER_SIZE ? ct_id3v2_tag_size(data) : 0;
    if (size == 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "no ID3v2 tag header");
    if (size > len)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0,
                       "the ID3v2 tag claims %" PRIu64 " bytes but %zu are there", size, len);
    ct_id3_tag *tag = ct_calloc(1, sizeof *tag);
    if (tag == NULL)
        return ct_fail_nomem(err);
    tag->version = data[3];
    tag->flags = data[5];
    ct_id3_frame_list fl = {NULL, 0, 0};
    ct_id3_tag_start *starts = NULL;
    size_t pos = 0, cap = 0;
    chaptag_status st;
    /* writers such as WMP stack tags back to back; FFmpeg and mutagen skip them all */
    for (;;) {
        ct_id3_tag_start *grown = ct_grow(starts, tag->n_tags, &cap, sizeof *starts);
        if (grown == NULL) {
            st = ct_fail_nomem(err);
            goto out;
        }
        starts = grown;
        starts[tag->n_tags] = (ct_id3_tag_start){pos, fl.n};
        st = parse_tag(tag, data + pos, pos, &fl, err);
        if (st != CHAPTAG_OK)
            goto out;
        pos += (size_t)size;
        tag->n_tags++;
        size = len - pos >= HEADER_SIZE ? ct_id3v2_tag_size(data + pos) : 0;
        if (size == 0)
            break;
        if (size > len - pos) {
            ct_warn(&tag->warnings, 0, "the ID3v2 tag at byte %zu claims %" PRIu64
                    " bytes, past the data; ignored", pos, size);
            break;
        }
    }
    tag->total_size = pos;
    st = tag->n_tags > 1 ? ct_id3v2_drop_repeats(tag, &fl, starts, tag->n_tags, err) : CHAPTAG_OK;
    if (st != CHAPTAG_OK)
        goto out;
    tag->frames = fl.v;
    tag->n_frames = fl.n;
    fl.v = NULL;
    fl.n = 0;
    *out = tag;
    tag = NULL;
out:
    free(starts);
    ct_id3v2_frame_list_free(&fl);
    ct_id3v2_tag_free(tag);
    return st;
}

void ct_id3v2_tag_free(ct_id3_tag *tag)
{
    if (tag == NULL)
        return;
    for (size_t i = 0; i < tag->n_frames; i++)
        free(tag->frames[i].body);
    free(tag->frames);
    ct_warnings_clear(&tag->warnings);
    free(tag);
}

bool ct_id3v2_owned(const ct_id3_frame *f)
{
    return f->version >= 3 && (strcmp(f->id, "CHAP") == 0 || strcmp(f->id, "CTOC") == 0);
}

bool ct_id3v2_has_chapters(const ct_id3_tag *tag)
{
    for (size_t i = 0; tag != NULL && i < tag->n_frames; i++)
        if (ct_id3v2_owned(&tag->frames[i]))
            return true;
    return false;
}

chaptag_status ct_id3v2_subframes(const uint8_t *p, size_t len, int version, ct_id3_frame **out,
                                  size_t *n, ct_warnings *w, chaptag_error *err)
{
    ct_warnings scratch = {0};
    ct_id3_frame_ctx fc = {version, false, "sub-frames", 0, w ? w : &scratch};
    ct_id3_frame_list sub = {NULL, 0, 0};
    ct_reader r = ct_reader_make(p, len);
    uint64_t padding;
    chaptag_status st = ct_id3v2_parse_frames(&fc, &r, &sub, &padding, err);
    ct_warnings_clear(&scratch);
    if (st != CHAPTAG_OK) {
        ct_id3v2_frame_list_free(&sub);
        return st;
    }
    *out = sub.v;
    *n = sub.n;
    return CHAPTAG_OK;
}

void ct_id3v2_frames_free(ct_id3_frame *frames, size_t n)
{
    ct_id3_frame_list fl = {frames, n, n};
    ct_id3v2_frame_list_free(&fl);
}
