/* ID3v2 chapters: CHAP frames read into the chapter model and written from it, side by side
   (title from TIT2 or TIT3, url from WXXX, image from APIC), and the reading and writing of
   a tag's chapters as a whole.
   Spec: ID3v2 Chapter Frame Addendum 1.0 §3. */
#include "id3v2_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

/* ---- reading chapters --------------------------------------------------------------------- */

static void chap_set_free(ct_id3_chap_set *set)
{
    for (size_t i = 0; i < set->n_chaps; i++) {
        ct_id3_chap_entry *c = &set->chaps[i];
        free(c->eid);
        free(c->title);
        free(c->url);
        free(c->image);
        free(c->mime);
        free(c->image_data);
    }
    for (size_t i = 0; i < set->n_tocs; i++) {
        for (size_t k = 0; k < set->tocs[i].n_children; k++)
            free(set->tocs[i].children[k]);
        free(set->tocs[i].children);
        free(set->tocs[i].eid);
    }
    free(set->chaps);
    free(set->tocs);
    free(set->index);
}

/* Hands the bytes of B over as a new string in *OUT (NULL when B is empty). */
static chaptag_status take_string(ct_buf *b, char **out, chaptag_error *err)
{
    if (!ct_buf_ok(b)) {
        ct_buf_free(b);
        return ct_fail_nomem(err);
    }
    if (b->len == 0) {
        ct_buf_free(b); /* cleaning may have emptied a buffer that holds memory */
        return CHAPTAG_OK;
    }
    *out = (char *)ct_buf_take(b, NULL);
    return *out ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* The chapter's title: TIT2's, or TIT3's when there is no TIT2, made one line. */
static chaptag_status take_title(ct_id3_chap_entry *c, const ct_id3_frame *f, chaptag_error *err)
{
    ct_buf raw = CT_BUF_INIT, clean = CT_BUF_INIT;
    ct_id3_ref ref = ct_id3v2_ref_of(f);
    if (ct_id3v2_text_value(&ref, &raw) && raw.len > 0 && ct_buf_ok(&raw))
        ct_title_clean((const char *)raw.data, raw.len, &clean);
    bool ok = ct_buf_ok(&raw);
    ct_buf_free(&raw);
    if (!ok) {
        ct_buf_free(&clean);
        return ct_fail_nomem(err);
    }
    return take_string(&clean, &c->title, err);
}

/* The chapter's link from WXXX: encoding, description, then the URL, always ISO-8859-1. */
static chaptag_status take_url(ct_id3_chap_entry *c, const ct_id3_frame *f, chaptag_error *err)
{
    ct_id3_ref ref = ct_id3v2_ref_of(f);
    ct_id3_view v;
    if (!ct_id3v2_view_make(&ref, &v) || !ct_id3v2_view_readable(&v) || v.len == 0 || v.data[0] > 3)
        return CHAPTAG_OK;
    size_t term, n = ct_id3v2_string_len(v.data[0], v.data + 1, v.len - 1, &term);
    const uint8_t *url = v.data + 1 + n + term;
    size_t url_len = ct_id3v2_string_len(0, url, v.len - 1 - n - term, &term);
    ct_buf b = CT_BUF_INIT;
    ct_latin1_to_utf8(url, url_len, &b);
    return take_string(&b, &c->url, err);
}

/* A MIME type for picture bytes that came without one. */
static const char *sniff_mime(const uint8_t *p, size_t n)
{
    static const uint8_t png[] = {0x89, 'P', 'N', 'G'};
    return n >= 4 && memcmp(p, png, 4) == 0 ? "image/png" : "image/jpeg";
}

/* The chapter's picture from APIC: encoding, MIME type, picture type, description, data. The
   MIME type "-->" means the data is a link to the picture. */
static chaptag_status take_image(ct_id3_chap_entry *c, const ct_id3_frame *f, chaptag_error *err)
{
    ct_id3_ref ref = ct_id3v2_ref_of(f);
    ct_id3_view v;
    if (!ct_id3v2_view_make(&ref, &v) || !ct_id3v2_view_readable(&v))
        return CHAPTAG_OK;
    ct_reader r = ct_reader_make(v.data, v.len);
    int enc = ct_reader_u8(&r);
    size_t mime_len = 0, term;
    const uint8_t *mime = ct_id3v2_read_cstr(&r, &mime_len);
    ct_reader_skip(&r, 1); /* picture type */
    if (r.bad || enc > 3)
        return CHAPTAG_OK;
    ct_reader_skip(&r, ct_id3v2_string_len(enc, r.p + r.pos, ct_reader_left(&r), &term) + term);
    const uint8_t *data = r.p + r.pos;
    size_t len = ct_reader_left(&r);
    ct_buf b = CT_BUF_INIT;
    if (mime_len == 3 && memcmp(mime, "-->", 3) == 0) {
        ct_latin1_to_utf8(data, len, &b);
        return take_string(&b, &c->image, err);
    }
    if (len == 0)
        return CHAPTAG_OK;
    /* a MIME type is printable ASCII (RFC 2045); anything else is damage */
    bool printable_mime = mime_len > 0;
    for (size_t i = 0; i < mime_len; i++)
        printable_mime = printable_mime && mime[i] > 0x20 && mime[i] < 0x7f;
    if (printable_mime)
        ct_buf_put(&b, mime, mime_len);
    else
        ct_buf_put_str(&b, sniff_mime(data, len));
    chaptag_status st = take_string(&b, &c->mime, err);
    if (st != CHAPTAG_OK)
        return st;
    c->image_data = ct_malloc(len);
    if (c->image_data == NULL)
        return ct_fail_nomem(err);
    memcpy(c->image_data, data, len);
    c->image_len = len;
    return CHAPTAG_OK;
}

/* Fills C from the first TIT2 (or TIT3), WXXX and APIC among SUB. */
static chaptag_status chap_fields(ct_id3_chap_entry *c, const ct_id3_frame_list *sub,
                                  chaptag_error *err)
{
    const ct_id3_frame *tit2 = NULL, *tit3 = NULL, *wxxx = NULL, *apic = NULL;
    for (size_t i = sub->n; i-- > 0;) {
        const ct_id3_frame *f = &sub->v[i];
        if (strcmp(f->id, "TIT2") == 0)
            tit2 = f;
        else if (strcmp(f->id, "TIT3") == 0)
            tit3 = f;
        else if (strcmp(f->id, "WXXX") == 0)
            wxxx = f;
        else if (strcmp(f->id, "APIC") == 0)
            apic = f;
    }
    chaptag_status st = CHAPTAG_OK;
    if (tit2 != NULL || tit3 != NULL)
        st = take_title(c, tit2 ? tit2 : tit3, err);
    if (st == CHAPTAG_OK && wxxx != NULL)
        st = take_url(c, wxxx, err);
    if (st == CHAPTAG_OK && apic != NULL)
        st = take_image(c, apic, err);
    return st;
}

bool ct_id3v2_chap_parse(const uint8_t *p, size_t len, ct_id3_chap *out)
{
    ct_reader r = ct_reader_make(p, len);
    size_t n = 0;
    const uint8_t *eid = ct_id3v2_read_cstr(&r, &n);
    uint32_t start = ct_reader_u32be(&r), end = ct_reader_u32be(&r);
    ct_reader_skip(&r, 8); /* byte offsets: times are what every reader uses */
    if (r.bad)
        return false;
    *out = (ct_id3_chap){(const char *)eid, n, start, end, r.p + r.pos, ct_reader_left(&r)};
    return true;
}

/* Reads CHAP frame F (addendum §3) into SET: element ID, times, offsets, sub-frames read by the
   rules of its tag's version. A CHAP that cannot be read is skipped with a warning. */
static chaptag_status read_chap(ct_id3_chap_set *set, const ct_id3_frame *f, chaptag_error *err)
{
    ct_id3_ref ref = ct_id3v2_ref_of(f);
    ct_id3_view v;
    if (!ct_id3v2_view_make(&ref, &v) || !ct_id3v2_view_readable(&v) || v.len < CHAP_MIN_SIZE) {
        ct_warn(set->w, 0, "a CHAP frame of %zu bytes was skipped: it is compressed, "
                "encrypted or shorter than the 18 bytes the addendum requires", f->len);
        return CHAPTAG_OK;
    }
    ct_id3_chap chap;
    if (!ct_id3v2_chap_parse(v.data, v.len, &chap)) {
        ct_warn(set->w, 0, "a CHAP frame without a complete element ID and times was skipped");
        return CHAPTAG_OK;
    }
    ct_id3_chap_entry *chaps = ct_grow(set->chaps, set->n_chaps, &set->cap_chaps, sizeof *chaps);
    if (chaps == NULL)
        return ct_fail_nomem(err);
    set->chaps = chaps;
    ct_id3_chap_entry *c = &chaps[set->n_chaps];
    memset(c, 0, sizeof *c);
    c->eid = ct_strndup(chap.eid, chap.eid_len);
    if (c->eid == NULL)
        return ct_fail_nomem(err);
    c->order = set->n_chaps++;
    c->start_ms = chap.start_ms;
    c->end_ms = chap.end_ms;
    char where[48], id[40];
    snprintf(where, sizeof where, "CHAP %s", ct_id3v2_printable(c->eid, id));
    /* warnings count bytes from the start of the CHAP's content */
    ct_id3_frame_ctx fc = {f->version, false, where, (size_t)(chap.frames - v.data), set->w};
    ct_reader r = ct_reader_make(chap.frames, chap.frames_len);
    ct_id3_frame_list sub = {NULL, 0, 0};
    uint64_t padding;
    chaptag_status st = ct_id3v2_parse_frames(&fc, &r, &sub, &padding, err);
    if (st == CHAPTAG_OK)
        st = chap_fields(c, &sub, err);
    ct_id3v2_frame_list_free(&sub);
    return st;
}

static int cmp_chap(const void *a, const void *b)
{
    const ct_id3_chap_entry *x = a, *y = b;
    if (x->start_ms != y->start_ms)
        return x->start_ms < y->start_ms ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Appends SET's chapters to LIST in time order. */
static chaptag_status add_chapters(ct_id3_chap_set *set, chaptag_chapters *list, chaptag_error *err)
{
    if (set->n_chaps > 0)
        qsort(set->chaps, set->n_chaps, sizeof *set->chaps, cmp_chap);
    char a[CT_TIME_STR_MAX], b[CT_TIME_STR_MAX], id[40];
    for (size_t i = 0; i < set->n_chaps; i++) {
        const ct_id3_chap_entry *c = &set->chaps[i];
        if (c->end_ms < c->start_ms)
            ct_warn(set->w, 0, "CHAP %s ends at %s, before its start %s",
                    ct_id3v2_printable(c->eid, id), ct_time_str(c->end_ms, a),
                    ct_time_str(c->start_ms, b));
        chaptag_chapter ch = {.start_ms = c->start_ms, .end_ms = c->end_ms, .title = c->title,
                              .url = c->url, .image = c->image, .image_data = c->image_data,
                              .image_len = c->image_len, .image_mime = c->mime,
                              .hidden = set->n_tocs > 0 && !c->reached};
        chaptag_status st = chaptag_chapters_add(list, &ch, err);
        if (st != CHAPTAG_OK)
            return st;
    }
    return CHAPTAG_OK;
}

chaptag_status ct_id3v2_chapters(const ct_id3_tag *tag, chaptag_chapters *list,
                                 chaptag_error *err)
{
    ct_id3_chap_set set;
    memset(&set, 0, sizeof set);
    set.w = ct_chapters_warnings(list);
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; tag != NULL && i < tag->n_frames && st == CHAPTAG_OK; i++) {
        const ct_id3_frame *f = &tag->frames[i];
        if (!ct_id3v2_owned(f))
            continue;
        st =
            strcmp(f->id, "CHAP") == 0 ? read_chap(&set, f, err) : ct_id3v2_read_ctoc(&set, f, err);
    }
    if (st == CHAPTAG_OK)
        st = ct_id3v2_build_index(&set, err);
    if (st == CHAPTAG_OK)
        st = ct_id3v2_mark_reached(&set, err);
    if (st == CHAPTAG_OK)
        st = add_chapters(&set, list, err);
    chap_set_free(&set);
    return st;
}

/* ---- rendering: chapters ------------------------------------------------------------------ */

/* Appends UTF-8 URL S as the URL field of WXXX, which is ISO-8859-1 whatever the encoding
   byte says: characters past U+00FF are percent-encoded as their UTF-8 bytes (RFC 3987 §3.1). */
static void put_url_latin1(ct_buf *out, const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    while (*p != 0) {
        size_t n = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
        if (*p < 0x80)
            ct_buf_put_u8(out, *p);
        else if ((*p == 0xc2 || *p == 0xc3) && p[1] != 0)
            ct_buf_put_u8(out, (unsigned)(((p[0] & 0x1f) << 6) | (p[1] & 0x3f)));
        else
            for (size_t k = 0; k < n && p[k] != 0; k++)
                ct_buf_printf(out, "%%%02X", p[k]);
        for (size_t k = 0; k < n && *p != 0; k++)
            p++;
    }
}

void ct_id3v2_put_title(ct_id3_render_ctx *c, const chaptag_chapter *ch)
{
    ct_id3v2_put_text(c, ch->title);
}

static void put_url(ct_id3_render_ctx *c, const chaptag_chapter *ch)
{
    ct_buf_put_u8(c->out, 0); /* ISO-8859-1 */
    ct_buf_put_u8(c->out, 0); /* empty description */
    put_url_latin1(c->out, ch->url);
}

static void put_image(ct_id3_render_ctx *c, const chaptag_chapter *ch)
{
    const char *mime = ch->image_mime ? ch->image_mime : sniff_mime(ch->image_data, ch->image_len);
    ct_buf_put_u8(c->out, 0);                       /* ISO-8859-1 */
    ct_buf_put(c->out, mime, strlen(mime) + 1);     /* MIME type */
    ct_buf_put_u8(c->out, 0);                       /* picture type: other */
    ct_buf_put_u8(c->out, 0);                       /* empty description */
    ct_buf_put(c->out, ch->image_data, ch->image_len);
}

/* A linked picture (ID3v2.3.0 §4.15): the MIME type "-->" says the data is the picture's URL,
   ISO-8859-1 without a terminator (check_image_link made sure it is ASCII). */
static void put_image_link(ct_id3_render_ctx *c, const chaptag_chapter *ch)
{
    ct_buf_put_u8(c->out, 0);          /* ISO-8859-1 */
    ct_buf_put(c->out, "-->", 4);      /* MIME type: a link */
    ct_buf_put_u8(c->out, 0);          /* picture type: other */
    ct_buf_put_u8(c->out, 0);          /* empty description */
    ct_buf_put_str(c->out, ch->image); /* the URL */
}

/* True when CH's picture is written as a link: an image given as a URL, without bytes. */
static bool image_linked(const chaptag_chapter *ch)
{
    return chaptag_chapter_image_kind(ch) == CHAPTAG_IMAGE_LINK;
}

chaptag_status ct_id3v2_put_subframe(ct_id3_render_ctx *c, const char *id, ct_id3_body_fn put,
                                     const chaptag_chapter *ch, const char *owner,
                                     chaptag_error *err)
{
    size_t off = ct_id3v2_begin_frame(c, id, 0), body;
    put(c, ch);
    char what[64];
    snprintf(what, sizeof what, "%s in %s", id, owner);
    if (!ct_id3v2_end_frame(c, off, &body))
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "%s is %zu bytes, more than ID3v2.%d "
                       "allows", what, body, c->version);
    ct_id3v2_warn_v24(c, ch->line, what, body);
    return CHAPTAG_OK;
}

/* A picture link goes into a published episode as ISO-8859-1 bytes: an http or https address
   (no data:, file: or ftp:), ASCII (other characters percent-encoded, RFC 3986 §2.1), with no
   control characters a player could be fooled by. */
static chaptag_status check_image_link(const chaptag_chapter *ch, chaptag_error *err)
{
    const char *url = ch->image;
    size_t n = strlen(url);
    for (const unsigned char *p = (const unsigned char *)url; *p != 0; p++)
        if (*p < 0x20 || *p == 0x7f)
            return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the picture link holds control "
                           "characters");
    if (!ct_ascii(url, n)) {
        if (!ct_utf8_valid(url, n))
            return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the picture link is not valid "
                           "UTF-8");
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the picture link \"%.*s\" holds "
                       "characters other than ASCII, which an ID3v2 link cannot carry; "
                       "percent-encode them (RFC 3986)", (int)ct_utf8_cut(url, n, 80), url);
    }
    if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the picture link \"%.80s\" is not an "
                       "http or https address", url);
    return CHAPTAG_OK;
}

/* Checks what the CHAP of CH, ending at END, can hold. */
static chaptag_status check_chapter(const chaptag_chapter *ch, uint64_t end, chaptag_error *err)
{
    char a[CT_TIME_STR_MAX];
    if (ch->start_ms > TIME_MAX_MS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "%s is past the latest time an ID3v2 "
                       "chapter can hold", ct_time_str(ch->start_ms, a));
    if (end == CHAPTAG_TIME_NONE)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the chapter at %s has no end: the "
                       "audio duration is unknown", ct_time_str(ch->start_ms, a));
    if (end > TIME_MAX_MS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the end %s is past the latest time an "
                       "ID3v2 chapter can hold", ct_time_str(end, a));
    if (!ct_utf8_valid(ch->title, strlen(ch->title)) ||
        (ch->url != NULL && !ct_utf8_valid(ch->url, strlen(ch->url))))
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the chapter's text is not valid UTF-8");
    if (ch->image_data != NULL && ch->image_mime != NULL &&
        !ct_ascii(ch->image_mime, strlen(ch->image_mime)))
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the image's MIME type is not ASCII");
    return image_linked(ch) ? check_image_link(ch, err) : CHAPTAG_OK;
}

/* Writes the CHAP of chapter I (addendum §3): element ID "chpI", times, no byte offsets (they
   would change whenever the tag grows), then TIT2 always first (TagLib stops at the first
   sub-frame it does not know), WXXX and APIC when given (a linked APIC for an image given as
   a URL). */
static chaptag_status render_chap(ct_id3_render_ctx *c, const chaptag_chapters *list, size_t i,
                                  uint64_t duration_ms, chaptag_error *err)
{
    const chaptag_chapter *ch = chaptag_chapters_get(list, i);
    uint64_t end = chaptag_chapters_end(list, i, duration_ms);
    chaptag_status st = check_chapter(ch, end, err);
    if (st != CHAPTAG_OK)
        return st;
    char eid[32], owner[40];
    snprintf(eid, sizeof eid, "chp%zu", i);
    snprintf(owner, sizeof owner, "CHAP %s", eid);
    size_t off = ct_id3v2_begin_frame(c, "CHAP", 0), body;
    ct_buf_put(c->out, eid, strlen(eid) + 1);
    ct_buf_put_u32be(c->out, (uint32_t)ch->start_ms);
    ct_buf_put_u32be(c->out, (uint32_t)end);
    ct_buf_put_u32be(c->out, 0xffffffff);
    ct_buf_put_u32be(c->out, 0xffffffff);
    st = ct_id3v2_put_subframe(c, "TIT2", ct_id3v2_put_title, ch, owner, err);
    if (st == CHAPTAG_OK && ch->url != NULL)
        st = ct_id3v2_put_subframe(c, "WXXX", put_url, ch, owner, err);
    if (st == CHAPTAG_OK && ch->image_data != NULL)
        st = ct_id3v2_put_subframe(c, "APIC", put_image, ch, owner, err);
    else if (st == CHAPTAG_OK && image_linked(ch))
        st = ct_id3v2_put_subframe(c, "APIC", put_image_link, ch, owner, err);
    if (st != CHAPTAG_OK)
        return st;
    if (!ct_id3v2_end_frame(c, off, &body))
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "%s is %zu bytes, more than ID3v2.%d "
                       "allows", owner, body, c->version);
    ct_id3v2_warn_v24(c, ch->line, owner, body);
    char a[CT_TIME_STR_MAX], b[CT_TIME_STR_MAX], t[DESC_TITLE_MAX + 4];
    const char *image = ch->image_data ? ", image" : image_linked(ch) ? ", image link" : "";
    ct_id3v2_describe(c, "CHAP %s: %s - %s \"%s\"%s%s%s (%zu bytes)", eid,
                      ct_time_str(ch->start_ms, a), ct_time_str(end, b),
                      ct_id3v2_short_title(ch->title, t), ch->url ? ", url" : "", image,
                      ch->hidden ? ", hidden" : "", body);
    return CHAPTAG_OK;
}

typedef struct {
    uint64_t start_ms;
    size_t idx;
} start_ref;

static int cmp_start(const void *a, const void *b)
{
    const start_ref *x = a, *y = b;
    if (x->start_ms != y->start_ms)
        return x->start_ms < y->start_ms ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The indexes of LIST's N chapters in time order (stable), in a new array. */
static size_t *time_order(const chaptag_chapters *list, size_t n)
{
    start_ref *s = ct_calloc(n, sizeof *s);
    size_t *order = ct_calloc(n, sizeof *order);
    if (s != NULL && order != NULL) {
        for (size_t i = 0; i < n; i++)
            s[i] = (start_ref){chaptag_chapters_get(list, i)->start_ms, i};
        qsort(s, n, sizeof *s, cmp_start);
        for (size_t i = 0; i < n; i++)
            order[i] = s[i].idx;
    } else {
        free(order);
        order = NULL;
    }
    free(s);
    return order;
}

/* TLEN: the audio's length in milliseconds, as decimal text (ID3v2.3.0 §4.2.1). */
static chaptag_status render_tlen(ct_id3_render_ctx *c, uint64_t duration_ms, chaptag_error *err)
{
    char ms[32];
    snprintf(ms, sizeof ms, "%" PRIu64, duration_ms);
    size_t off = ct_id3v2_begin_frame(c, "TLEN", 0), body;
    ct_id3v2_put_text(c, ms);
    if (!ct_id3v2_end_frame(c, off, &body))
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "TLEN is too big");
    ct_id3v2_describe(c, "added TLEN %s ms (%zu bytes)", ms, body);
    return CHAPTAG_OK;
}

chaptag_status ct_id3v2_render_chapters(ct_id3_render_ctx *c, const chaptag_chapters *list,
                                        const ct_id3_render_opts *opts, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    if (!c->wrote_tlen && opts->duration_ms != CHAPTAG_TIME_NONE)
        st = render_tlen(c, opts->duration_ms, err);
    size_t n = chaptag_chapters_count(list);
    if (st != CHAPTAG_OK || n == 0)
        return st;
    size_t *order = time_order(list, n);
    if (order == NULL)
        return ct_fail_nomem(err);
    st = ct_id3v2_render_tocs(c, list, order, n, opts->toc_title ? opts->toc_title : "Chapters",
                              err);
    for (size_t k = 0; k < n && st == CHAPTAG_OK; k++)
        st = render_chap(c, list, order[k], opts->duration_ms, err);
    free(order);
    return st;
}
