/* Reading chapters from MP4: the QuickTime chapter track (text samples through stts, stsz,
   stsc and stco/co64, shifted by its edit list; Apple QuickTime File Format, reference §4;
   each sample's link from its href box, 3GPP TS 26.245, reference §9),
   Nero moov/udta/chpl, and the iTunes tags dump shows from moov/udta/meta/ilst. */
#include <stdlib.h>
#include <string.h>

#include "chapters.h"
#include "mp4_int.h"
#include "text.h"

/* Chapter titles read from a file longer than this are cut: nobody writes such titles. */
#define READ_TITLE_MAX 4096

#define MAX_SAMPLES 1000000

/* Of the boxes after a sample's text (encd, href of at most 265 bytes, styl, ...), this many
   bytes are read. */
#define READ_BOXES_MAX 1024

chaptag_status ct_mp4_load_tables(ct_file *f, ct_box *trak, sample_tables *t, chaptag_error *err)
{
    ct_box *stbl = ct_box_path(trak, "mdia/minf/stbl");
    ct_box *b[4] = {NULL, NULL, NULL, NULL};
    static const char *const names[] = {"stts", "stsz", "stsc", "stco"};
    if (stbl == NULL)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the chapter track has no sample table");
    for (int i = 0; i < 4; i++) {
        b[i] = ct_box_child(stbl, names[i]);
        if (i == 3 && b[i] == NULL)
            b[i] = ct_box_child(stbl, "co64");
        chaptag_status st = b[i] ? ct_box_load(f, b[i], err)
                                 : ct_fail(err, CHAPTAG_ERR_AUDIO, 0,
                                           "the chapter track has no %s box", names[i]);
        if (st != CHAPTAG_OK)
            return st;
    }
    *t = (sample_tables){b[0], b[1], b[2], b[3], ct_box_is(b[3], "co64")};
    return CHAPTAG_OK;
}

chaptag_status ct_mp4_expand_samples(const sample_tables *t, sample_ref **out, size_t *n,
                                     chaptag_error *err)
{
    unsigned v;
    ct_reader sz = ct_mp4_full_box(t->stsz, &v), tt = ct_mp4_full_box(t->stts, &v);
    ct_reader sc = ct_mp4_full_box(t->stsc, &v), co = ct_mp4_full_box(t->stco, &v);
    uint32_t fixed = ct_reader_u32be(&sz), count = ct_reader_u32be(&sz);
    uint32_t n_tt = ct_reader_u32be(&tt), n_sc = ct_reader_u32be(&sc);
    uint32_t n_co = ct_reader_u32be(&co);
    if (count > MAX_SAMPLES || (fixed == 0 && count > ct_reader_left(&sz) / 4) ||
        n_tt > ct_reader_left(&tt) / 8 || n_sc > ct_reader_left(&sc) / 12 ||
        n_co > ct_reader_left(&co) / (t->co64 ? 8 : 4) || n_sc == 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the chapter track's sample tables are damaged");
    sample_ref *s = ct_calloc(count, sizeof *s);
    if (s == NULL)
        return ct_fail_nomem(err);
    size_t i = 0;
    uint64_t time = 0;
    uint32_t run = 0, delta = 0, chunk_left = 0, sc_next = 0, per_chunk = 0;
    uint64_t pos = 0;
    for (uint32_t chunk = 1; chunk <= n_co && i < count; chunk++) {
        pos = t->co64 ? ct_reader_u64be(&co) : ct_reader_u32be(&co);
        while (sc_next < n_sc && ct_load_u32be(t->stsc->data + 8 + 12 * (size_t)sc_next) <= chunk)
            per_chunk = ct_load_u32be(t->stsc->data + 8 + 12 * (size_t)sc_next++ + 4);
        for (chunk_left = per_chunk; chunk_left > 0 && i < count; chunk_left--, i++) {
            while (run == 0 && n_tt > 0) { /* runs of 0 samples are skipped */
                n_tt--;
                run = ct_reader_u32be(&tt);
                delta = ct_reader_u32be(&tt);
            }
            s[i].size = fixed ? fixed : ct_reader_u32be(&sz);
            s[i].off = pos;
            s[i].time = time;
            pos += s[i].size;
            time += delta;
            run -= run > 0;
        }
    }
    *out = s;
    *n = i;
    return CHAPTAG_OK;
}

/* The media-time shift of the chapter track's edit list: empty edits delay it, a first real
   edit starting at media time M advances it (FFmpeg writes both). In movie timescale units
   for the delay, media units for M. */
static void edit_shift(const ct_box *trak, const mp4_file *m, uint64_t *delay_ms,
                       uint64_t *media_start)
{
    *delay_ms = 0;
    *media_start = 0;
    ct_box *elst = ct_box_path(trak, "edts/elst");
    if (elst == NULL || !elst->loaded)
        return;
    unsigned v;
    ct_reader r = ct_mp4_full_box(elst, &v);
    uint32_t n = ct_reader_u32be(&r);
    for (uint32_t i = 0; i < n && !r.bad; i++) {
        uint64_t dur = v == 1 ? ct_reader_u64be(&r) : ct_reader_u32be(&r);
        int64_t media = v == 1 ? (int64_t)ct_reader_u64be(&r) : (int32_t)ct_reader_u32be(&r);
        ct_reader_skip(&r, 4);
        if (r.bad)
            return;
        if (media == -1) {
            *delay_ms += dur * 1000 / m->movie_timescale;
            continue;
        }
        *media_start = (uint64_t)media;
        return;
    }
}

/* Appends the text of a chapter sample (LEN bytes of UTF-8 or UTF-16 with BOM at S) to OUT
   as a one-line UTF-8 title. */
static void sample_title(const uint8_t *s, size_t len, ct_buf *out)
{
    ct_buf raw = CT_BUF_INIT;
    if (len >= 2 && ((s[0] == 0xFE && s[1] == 0xFF) || (s[0] == 0xFF && s[1] == 0xFE)))
        ct_utf16_to_utf8(s, len, true, &raw);
    else if (ct_utf8_valid((const char *)s, len))
        ct_buf_put(&raw, s, len);
    else
        ct_cp1252_to_utf8((const char *)s, len, &raw);
    ct_title_clean(raw.data ? (const char *)raw.data : "", raw.len, out);
    ct_buf_free(&raw);
}

/* True when the N bytes at P are a link a player may be handed: UTF-8, no control
   characters. */
static bool link_ok(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] == 0x7f)
            return false;
    return ct_utf8_valid((const char *)p, n);
}

/* Appends to OUT the link of the boxes after a sample's text (N bytes at P): the URL of the
   first href box (3GPP TS 26.245 TextHyperTextBox) that holds one fit to use. Other boxes
   (encd, styl, ...) are stepped over; a box that does not fit ends the walk. */
static void sample_link(const uint8_t *p, size_t n, ct_buf *out)
{
    ct_reader r = ct_reader_make(p, n);
    while (ct_reader_left(&r) >= 8) {
        uint32_t size = ct_reader_u32be(&r);
        const uint8_t *type = ct_reader_bytes(&r, 4);
        if (size < 8 || size - 8 > ct_reader_left(&r))
            return;
        const uint8_t *body = ct_reader_bytes(&r, size - 8);
        if (memcmp(type, "href", 4) != 0 || size < 13)
            continue;
        size_t len = body[4]; /* after the start and end character offsets */
        if (len > 0 && len <= size - 13 && link_ok(body + 5, len)) {
            ct_buf_put(out, body + 5, len);
            return;
        }
    }
}

/* Reads sample S (a 16-bit length, the text, then boxes): its title, of at most
   READ_TITLE_MAX bytes of text, to TITLE; its link, if any, to URL. */
static chaptag_status read_sample(ct_file *f, const sample_ref *s, ct_buf *title, ct_buf *url,
                                  chaptag_error *err)
{
    uint8_t head[2 + READ_TITLE_MAX + READ_BOXES_MAX], tail[READ_BOXES_MAX];
    size_t n = s->size < sizeof head ? s->size : sizeof head;
    chaptag_status st = ct_file_read(f, s->off, head, n, NULL, err);
    if (st != CHAPTAG_OK || n < 2)
        return st;
    size_t len = ct_load_u16be(head);
    if (len > s->size - 2) /* damaged */
        len = s->size - 2;
    sample_title(head + 2, len < READ_TITLE_MAX ? len : READ_TITLE_MAX, title);
    size_t boxes = s->size - 2 - len < READ_BOXES_MAX ? s->size - 2 - len : READ_BOXES_MAX;
    if (2 + len + boxes <= n)
        sample_link(head + 2 + len, boxes, url);
    else if ((st = ct_file_read(f, s->off + 2 + len, tail, boxes, NULL, err)) == CHAPTAG_OK)
        sample_link(tail, boxes, url);
    return st;
}

/* A chapter picture read from a file larger than this is left out: chaptag takes at most
   16 MiB per picture in. */
#define READ_PICTURE_MAX (16u << 20)

/* Reads sample S of the image track as the picture of chapter INDEX of LIST: JPEG or PNG
   bytes, anything else left out. */
static chaptag_status read_picture(ct_file *f, const sample_ref *s, chaptag_chapters *list,
                                   size_t index, chaptag_error *err)
{
    if (s->size == 0 || s->size > READ_PICTURE_MAX)
        return CHAPTAG_OK;
    unsigned char *p = ct_malloc(s->size);
    if (p == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = ct_file_read(f, s->off, p, s->size, NULL, err);
    const char *mime = st == CHAPTAG_OK ? ct_image_mime(p, s->size) : NULL;
    if (mime == NULL) {
        free(p);
        return st;
    }
    return ct_chapters_set_image(list, index, p, s->size, mime) ? CHAPTAG_OK
                                                                : ct_fail_nomem(err);
}

/* Reads the chapter image track's pictures into the chapters of LIST from FIRST on, whose
   text samples began at sample SKIP (1 after a filler): a chapter has a picture of its own
   when its sample does not share its bytes with the previous chapter's (reference §9). */
static chaptag_status read_pictures(ct_file *f, const mp4_file *m, chaptag_chapters *list,
                                    size_t first, size_t skip, chaptag_error *err)
{
    size_t index = 0, n = 0;
    sample_ref *s = NULL;
    if (ct_mp4_image_samples(f, m, &index, &s, &n) == NULL)
        return CHAPTAG_OK; /* no image track, or one chaptag cannot read: no pictures */
    chaptag_status st = CHAPTAG_OK;
    size_t count = chaptag_chapters_count(list);
    for (size_t k = skip; k < n && first + k - skip < count && st == CHAPTAG_OK; k++)
        if (k == skip || !ct_mp4_same_picture(&s[k], &s[k - 1]))
            st = read_picture(f, &s[k], list, first + k - skip, err);
    free(s);
    return st;
}

ct_box *ct_mp4_image_samples(ct_file *f, const mp4_file *m, size_t *index, sample_ref **s,
                             size_t *n)
{
    size_t i = 0;
    while (i < m->n_tracks && !ct_mp4_is_image_track(f, m, &m->tracks[i]))
        i++;
    ct_box *trak = i < m->n_tracks ? ct_mp4_trak_by_id(m, m->tracks[i].id, NULL) : NULL;
    sample_tables tabs;
    if (trak == NULL || ct_mp4_load_tables(f, trak, &tabs, NULL) != CHAPTAG_OK ||
        ct_mp4_expand_samples(&tabs, s, n, NULL) != CHAPTAG_OK)
        return NULL;
    *index = i;
    return trak;
}

bool ct_mp4_same_picture(const sample_ref *a, const sample_ref *b)
{
    return a->off == b->off && a->size == b->size;
}

size_t ct_mp4_count_pictures(const sample_ref *s, size_t n)
{
    size_t pictures = 0;
    for (size_t k = 0; k < n; k++)
        pictures += s[k].size > 0 && (k == 0 || !ct_mp4_same_picture(&s[k], &s[k - 1]));
    return pictures;
}

chaptag_status ct_mp4_read_qt_chapters(ct_file *f, const mp4_file *m, ct_box *trak,
                                       const mp4_track *t, chaptag_chapters *list,
                                       chaptag_error *err)
{
    size_t first = chaptag_chapters_count(list), skip = 0;
    sample_tables tabs = {NULL, NULL, NULL, NULL, false};
    sample_ref *s = NULL;
    size_t n = 0;
    chaptag_status st = ct_mp4_load_tables(f, trak, &tabs, err);
    if (st == CHAPTAG_OK)
        st = ct_mp4_expand_samples(&tabs, &s, &n, err);
    uint64_t delay_ms, media_start;
    edit_shift(trak, m, &delay_ms, &media_start);
    for (size_t i = 0; i < n && st == CHAPTAG_OK; i++) {
        ct_buf title = CT_BUF_INIT, url = CT_BUF_INIT;
        st = read_sample(f, &s[i], &title, &url, err);
        ct_buf_put_u8(&title, 0);
        ct_buf_put_u8(&url, 0);
        if (st == CHAPTAG_OK && (!ct_buf_ok(&title) || !ct_buf_ok(&url)))
            st = ct_fail_nomem(err);
        uint64_t time = s[i].time >= media_start ? s[i].time - media_start : 0;
        chaptag_chapter ch = {0};
        ch.start_ms = delay_ms + time * 1000 / t->timescale;
        ch.end_ms = CHAPTAG_TIME_NONE;
        ch.title = (const char *)title.data;
        ch.url = url.len > 1 ? (const char *)url.data : NULL;
        bool filler = i == 0 && n > 1 && ch.start_ms == 0 && title.len == 1 && ch.url == NULL;
        skip += filler;
        if (st == CHAPTAG_OK && !filler)
            st = chaptag_chapters_add(list, &ch, err);
        ct_buf_free(&title);
        ct_buf_free(&url);
    }
    free(s);
    return st == CHAPTAG_OK ? read_pictures(f, m, list, first, skip, err) : st;
}

chaptag_status ct_mp4_read_chpl(ct_file *f, ct_box *chpl, chaptag_chapters *list,
                                chaptag_error *err)
{
    chaptag_status st = ct_box_load(f, chpl, err);
    if (st != CHAPTAG_OK)
        return st;
    unsigned v;
    ct_reader r = ct_mp4_full_box(chpl, &v);
    if (v != 0)
        ct_reader_skip(&r, 4); /* FFmpeg and TagLib: the reserved word comes with version 1 */
    unsigned n = ct_reader_u8(&r);
    for (unsigned i = 0; i < n && st == CHAPTAG_OK; i++) {
        uint64_t start = ct_reader_u64be(&r);
        unsigned len = ct_reader_u8(&r);
        const uint8_t *p = ct_reader_bytes(&r, len);
        if (r.bad)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the chpl box is damaged");
        ct_buf raw = CT_BUF_INIT, title = CT_BUF_INIT;
        if (ct_utf8_valid((const char *)p, len))
            ct_buf_put(&raw, p, len);
        else
            ct_cp1252_to_utf8((const char *)p, len, &raw);
        ct_title_clean(raw.data ? (const char *)raw.data : "", raw.len, &title);
        ct_buf_put_u8(&title, 0);
        chaptag_chapter ch = {0};
        ch.start_ms = (start + CT_MP4_CHPL_UNITS_PER_MS / 2) / CT_MP4_CHPL_UNITS_PER_MS;
        ch.end_ms = CHAPTAG_TIME_NONE;
        ch.title = (const char *)title.data;
        st = ct_buf_ok(&title) ? chaptag_chapters_add(list, &ch, err) : ct_fail_nomem(err);
        ct_buf_free(&raw);
        ct_buf_free(&title);
    }
    return st;
}

/* True when chpl title CUT is title FULL cut on a character boundary to 127 bytes (chaptag) or
   255 (older tools). */
static bool cut_for_chpl(const char *full, const char *cut)
{
    size_t n = strlen(full), k = strlen(cut);
    return k < n && strncmp(full, cut, k) == 0 &&
           (k == ct_utf8_cut(full, n, CHPL_TITLE_MAX) || k == ct_utf8_cut(full, n, CHPL_MAX));
}

void ct_mp4_compare_flavours(const chaptag_chapters *qt, const chaptag_chapters *nero,
                             ct_warnings *w, ct_warnings *notes)
{
    size_t a = chaptag_chapters_count(qt), b = chaptag_chapters_count(nero), near = 0;
    char x[CT_TIME_STR_MAX], y[CT_TIME_STR_MAX];
    if (a != b)
        ct_warn(w, 0, "the QuickTime chapter track has %zu chapters but Nero chpl has %zu", a, b);
    for (size_t i = 0; i < a && i < b; i++) {
        const chaptag_chapter *p = chaptag_chapters_get(qt, i), *q = chaptag_chapters_get(nero, i);
        uint64_t d = p->start_ms > q->start_ms ? p->start_ms - q->start_ms
                                               : q->start_ms - p->start_ms;
        if (d == 1)
            near++;
        else if (d > 1)
            ct_warn(w, 0, "chapter %zu starts at %s in the QuickTime track but at %s in chpl",
                    i + 1, ct_time_str(p->start_ms, x), ct_time_str(q->start_ms, y));
        if (cut_for_chpl(p->title, q->title) && notes != NULL)
            ct_warn(notes, 0, "chapter %zu's title is cut to %zu bytes in chpl; the QuickTime "
                    "track has it whole", i + 1, strlen(q->title));
        else if (!cut_for_chpl(p->title, q->title) && strcmp(p->title, q->title) != 0)
            ct_warn(w, 0, "chapter %zu is \"%s\" in the QuickTime track but \"%s\" in chpl", i + 1,
                    p->title, q->title);
    }
    if (near > 0)
        ct_warn(w, 0, "%zu chapter%s start%s 1 ms apart in the QuickTime track and chpl "
                "(rounding; players do not notice)", near, near == 1 ? "" : "s",
                near == 1 ? "s" : "");
}

/* The value of the first 'data' box of iTunes item TYPE in ILST (payload bytes), or NULL. */
static const uint8_t *ilst_item(const uint8_t *ilst, size_t len, const char *type, size_t *out)
{
    ct_reader r = ct_reader_make(ilst, len);
    while (ct_reader_left(&r) >= 8) {
        uint32_t size = ct_reader_u32be(&r);
        const uint8_t *t = ct_reader_bytes(&r, 4);
        if (size < 8 || size - 8 > ct_reader_left(&r))
            return NULL;
        const uint8_t *body = ct_reader_bytes(&r, size - 8);
        if (memcmp(t, type, 4) != 0 || size < 24 || memcmp(body + 4, "data", 4) != 0)
            continue;
        uint32_t dsize = ct_load_u32be(body);
        if (dsize < 16 || dsize > size - 8)
            return NULL;
        *out = dsize - 16;
        return body + 16;
    }
    return NULL;
}

/* The payload of the iTunes ilst in moov/udta/meta (*LEN bytes), or NULL (none, damaged, or
   over 16 MiB). */
static const uint8_t *find_ilst(ct_file *f, const mp4_file *m, size_t *len, chaptag_error *err,
                                chaptag_status *st)
{
    ct_box *meta = ct_box_path(ct_mp4_moov(m), "udta/meta");
    *st = CHAPTAG_OK;
    if (meta == NULL || meta->size > (16u << 20))
        return NULL;
    if ((*st = ct_box_load(f, meta, err)) != CHAPTAG_OK)
        return NULL;
    /* ISO 'meta' is a full box; QuickTime's is not (its first child follows at once) */
    size_t skip = meta->len >= 8 && memcmp(meta->data + 4, "hdlr", 4) == 0 ? 0 : 4;
    ct_reader r = ct_reader_make(meta->data, meta->len);
    ct_reader_skip(&r, skip);
    while (ct_reader_left(&r) >= 8) {
        uint32_t size = ct_reader_u32be(&r);
        const uint8_t *t = ct_reader_bytes(&r, 4);
        if (size < 8 || size - 8 > ct_reader_left(&r))
            break;
        const uint8_t *body = ct_reader_bytes(&r, size - 8);
        if (memcmp(t, "ilst", 4) == 0) {
            *len = size - 8;
            return body;
        }
    }
    return NULL;
}

bool ct_mp4_has_cover(ct_file *f, const mp4_file *m)
{
    size_t len = 0, n = 0;
    chaptag_status st;
    const uint8_t *ilst = find_ilst(f, m, &len, NULL, &st);
    return ilst != NULL && ilst_item(ilst, len, "covr", &n) != NULL && n > 0;
}

chaptag_status ct_mp4_read_standard_tags(ct_file *f, const mp4_file *m, chaptag_chapters *list,
                                         chaptag_error *err)
{
    static const struct {
        const char *type, *key;
    } map[] = {{"\xa9nam", "title"}, {"\xa9" "ART", "artist"}, {"\xa9" "alb", "album"},
               {"\xa9" "day", "year"}};
    size_t len = 0;
    chaptag_status st;
    const uint8_t *body = find_ilst(f, m, &len, err, &st);
    for (size_t i = 0; body != NULL && i < sizeof map / sizeof map[0] && st == CHAPTAG_OK; i++) {
        size_t n;
        const uint8_t *v = ilst_item(body, len, map[i].type, &n);
        if (v == NULL || !ct_utf8_valid((const char *)v, n))
            continue;
        ct_buf b = CT_BUF_INIT;
        ct_title_clean((const char *)v, strcmp(map[i].key, "year") == 0 && n > 4 ? 4 : n, &b);
        ct_buf_put_u8(&b, 0);
        st = ct_buf_ok(&b) ? chaptag_chapters_set_meta(list, map[i].key, (char *)b.data, err)
                           : ct_fail_nomem(err);
        ct_buf_free(&b);
    }
    return st;
}
