/* Building chaptag's chapter boxes: the QuickTime chapter track (a disabled text track of
   timescale 1000, with the gmhd, stsd and edit list Apple's players need; reference §4) with
   its text samples, each chapter's link in an href box (3GPP TS 26.245 TextHyperTextBox,
   reference §9), the chapter image track (a disabled video track of JPEG samples at the same
   times, reference §9), and the Nero chpl payload. */
#include <stdlib.h>
#include <string.h>

#include "mp4_int.h"
#include "picture.h"
#include "text.h"

/* QuickTime text samples carry a 16-bit length. */
#define QT_TITLE_MAX 65535

static const uint8_t encd_box[12] = {0, 0, 0, 12, 'e', 'n', 'c', 'd', 0, 0, 1, 0};

/* The characters (code points) of the N bytes of UTF-8 at S: the bytes that start one. */
static size_t utf8_chars(const char *s, size_t n)
{
    size_t chars = 0;
    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    return chars;
}

/* The link of a sample: an href box spanning the whole title (its LEN bytes), no alt text. */
static void put_href(const char *title, size_t len, const char *url, ct_buf *b)
{
    size_t at = ct_box_begin(b, "href");
    ct_buf_put_u16be(b, 0);                                 /* startCharOffset */
    ct_buf_put_u16be(b, (unsigned)utf8_chars(title, len)); /* endCharOffset */
    ct_buf_put_u8(b, (unsigned)strlen(url));
    ct_buf_put(b, url, strlen(url));
    ct_buf_put_u8(b, 0); /* altLength */
    ct_box_end(b, at);
}

/* One chapter sample: 16-bit length, UTF-8 title (cut on a character boundary), encd box,
   then the href box of URL (NULL: none, or at most CT_MP4_URL_MAX bytes). */
static void put_sample(const char *title, const char *url, ct_buf *b)
{
    size_t len = ct_utf8_cut(title, strlen(title), QT_TITLE_MAX);
    ct_buf_put_u16be(b, (unsigned)len);
    ct_buf_put(b, title, len);
    ct_buf_put(b, encd_box, sizeof encd_box);
    if (url != NULL)
        put_href(title, len, url, b);
}

/* Appends the pictures of LIST's chapters to Q's data after its text samples, one picture
   sample per text sample (filler included: the first picture). Each picture given is stored
   for its chapter, even when it equals the previous one; a chapter without one shares the
   previous chapter's bytes, leading ones the first picture's. No picture: nothing at all. */
static chaptag_status add_pictures(const chaptag_chapters *list, qt_samples *q,
                                   chaptag_error *err)
{
    size_t n = chaptag_chapters_count(list), first = q->n;
    unsigned best = 0;
    for (size_t i = 0; i < n; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        if (ch->image_data == NULL)
            continue;
        if (ch->image_mime == NULL || strcmp(ch->image_mime, "image/jpeg") != 0)
            return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the picture is %s; an MP4 "
                           "chapter image track holds JPEG only (convert it, e.g. ffmpeg -i "
                           "in.png out.jpg)", ch->image_mime ? ch->image_mime : "not JPEG");
        first = first < q->n ? first : i + q->filler;
    }
    if (first == q->n)
        return CHAPTAG_OK;
    q->pic_off = ct_calloc(q->n, sizeof *q->pic_off);
    q->pic_size = ct_calloc(q->n, sizeof *q->pic_size);
    if (q->pic_off == NULL || q->pic_size == NULL)
        return ct_fail_nomem(err);
    for (size_t k = q->filler; k < q->n; k++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, k - q->filler);
        unsigned w = 0, h = 0;
        if (ch->image_data == NULL) {
            q->pic_off[k] = k > first ? q->pic_off[k - 1] : 0;
            q->pic_size[k] = k > first ? q->pic_size[k - 1] : 0;
            continue;
        }
        q->pic_off[k] = q->data.len - q->text_len;
        q->pic_size[k] = (uint32_t)ch->image_len;
        ct_buf_put(&q->data, ch->image_data, ch->image_len);
        if (ct_picture_size(ch->image_data, ch->image_len, &w, &h) && (uint64_t)w * h > best) {
            best = w * h;
            q->width = w;
            q->height = h;
        }
    }
    for (size_t k = 0; k < first; k++) { /* the filler and leading chapters: the first one */
        q->pic_off[k] = q->pic_off[first];
        q->pic_size[k] = q->pic_size[first];
    }
    return ct_buf_ok(&q->data) ? CHAPTAG_OK : ct_fail_nomem(err);
}

chaptag_status ct_mp4_make_samples(const chaptag_chapters *list, uint64_t duration_ms,
                                   bool images, qt_samples *q, ct_warnings *w,
                                   chaptag_error *err)
{
    size_t n = chaptag_chapters_count(list);
    memset(q, 0, sizeof *q);
    for (size_t i = 0; i < n; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        if (ch->url != NULL && strlen(ch->url) > CT_MP4_URL_MAX)
            return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the link is %zu bytes; an MP4 "
                           "chapter link holds at most %d", strlen(ch->url), CT_MP4_URL_MAX);
    }
    q->filler = chaptag_chapters_get(list, 0)->start_ms > 0;
    q->n = n + q->filler;
    q->sizes = ct_calloc(q->n, sizeof *q->sizes);
    q->deltas = ct_calloc(q->n, sizeof *q->deltas);
    if (q->sizes == NULL || q->deltas == NULL)
        return ct_fail_nomem(err);
    size_t k = 0;
    if (q->filler) {
        put_sample("", NULL, &q->data);
        q->sizes[k] = 2 + sizeof encd_box;
        q->deltas[k++] = chaptag_chapters_get(list, 0)->start_ms;
    }
    for (size_t i = 0; i < n; i++, k++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        size_t before = q->data.len;
        if (strlen(ch->title) > QT_TITLE_MAX)
            ct_warn(w, ch->line, "the title is cut to %d bytes in the QuickTime chapter track",
                    QT_TITLE_MAX);
        put_sample(ch->title, ch->url, &q->data);
        q->sizes[k] = (uint32_t)(q->data.len - before);
        uint64_t next = i + 1 < n ? chaptag_chapters_get(list, i + 1)->start_ms : duration_ms;
        q->deltas[k] = next - ch->start_ms;
    }
    q->text_len = q->data.len;
    if (!ct_buf_ok(&q->data))
        return ct_fail_nomem(err);
    return images ? add_pictures(list, q, err) : CHAPTAG_OK;
}

void ct_mp4_free_samples(qt_samples *q)
{
    ct_buf_free(&q->data);
    free(q->sizes);
    free(q->deltas);
    free(q->pic_off);
    free(q->pic_size);
}

static const uint8_t identity_matrix[36] = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                            0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                                            0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0};

/* gmhd with gmin and the 'text' matrix that Apple's chapter tracks need (reference §4.5). */
static void put_gmhd(ct_buf *b)
{
    size_t gmhd = ct_box_begin(b, "gmhd"), gmin = ct_box_begin(b, "gmin");
    ct_buf_put_u32be(b, 0);         /* version, flags */
    ct_buf_put_u16be(b, 0x0040);    /* graphics mode: dither copy */
    ct_buf_put_u16be(b, 0x8000);    /* opcolor */
    ct_buf_put_u16be(b, 0x8000);
    ct_buf_put_u16be(b, 0x8000);
    ct_buf_put_u16be(b, 0);         /* balance */
    ct_buf_put_u16be(b, 0);         /* reserved */
    ct_box_end(b, gmin);
    size_t text = ct_box_begin(b, "text");
    ct_buf_put(b, identity_matrix, sizeof identity_matrix);
    ct_box_end(b, text);
    ct_box_end(b, gmhd);
}

/* The 'text' sample entry (FFmpeg's and TagLib's layout, reference §4.7 A). */
static void put_stsd(ct_buf *b)
{
    static const uint8_t entry[59] = {
        0, 0, 0, 59, 't', 'e', 'x', 't', 0, 0, 0, 0, 0, 0, 0, 1, /* size, type, data ref 1 */
        0, 0, 0, 1,                                             /* display flags */
        0, 0,                                                   /* justification */
        0, 0, 0, 0,                                             /* background RGBA */
        0, 0, 0, 0, 0, 0, 0, 0,                                 /* text box */
        0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,                     /* style record, font 1 */
        0, 0, 0, 13, 'f', 't', 'a', 'b', 0, 1, 0, 1, 0,         /* ftab: one font, no name */
    };
    size_t stsd = ct_box_begin(b, "stsd");
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u32be(b, 1);
    ct_buf_put(b, entry, sizeof entry);
    ct_box_end(b, stsd);
}

/* stts, stsc and stsz for Q's samples of SIZES: one sample per chunk (music-metadata reads no
   other layout), one time entry per chapter, never run-length merged. */
static void put_sample_tables(ct_buf *b, const qt_samples *q, const uint32_t *sizes)
{
    size_t at = ct_box_begin(b, "stts");
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u32be(b, (uint32_t)q->n);
    for (size_t i = 0; i < q->n; i++) {
        ct_buf_put_u32be(b, 1);
        ct_buf_put_u32be(b, (uint32_t)q->deltas[i]);
    }
    ct_box_end(b, at);
    at = ct_box_begin(b, "stsc");
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u32be(b, 1);
    ct_buf_put_u32be(b, 1); /* first chunk */
    ct_buf_put_u32be(b, 1); /* samples per chunk */
    ct_buf_put_u32be(b, 1); /* sample description */
    ct_box_end(b, at);
    at = ct_box_begin(b, "stsz");
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u32be(b, 0); /* sizes differ: one per sample */
    ct_buf_put_u32be(b, (uint32_t)q->n);
    for (size_t i = 0; i < q->n; i++)
        ct_buf_put_u32be(b, sizes[i]);
    ct_box_end(b, at);
}

/* The chunk offsets: the N in OFFS (relative) plus BASE, 64-bit when one passes 4 GiB. */
static void put_chunk_offsets(ct_buf *b, const uint64_t *offs, size_t n, uint64_t base)
{
    bool co64 = false;
    for (size_t i = 0; i < n; i++)
        co64 = co64 || base + offs[i] > UINT32_MAX;
    size_t at = ct_box_begin(b, co64 ? "co64" : "stco");
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u32be(b, (uint32_t)n);
    for (size_t i = 0; i < n; i++)
        if (co64)
            ct_buf_put_u64be(b, base + offs[i]);
        else
            ct_buf_put_u32be(b, (uint32_t)(base + offs[i]));
    ct_box_end(b, at);
}

/* Sample tables for Q's text samples, back to back from SAMPLES_OFF. */
static void put_stbl(ct_buf *b, const qt_samples *q, uint64_t samples_off)
{
    size_t stbl = ct_box_begin(b, "stbl");
    put_stsd(b);
    put_sample_tables(b, q, q->sizes);
    uint64_t *offs = ct_calloc(q->n ? q->n : 1, sizeof *offs);
    if (offs == NULL) {
        b->failed = true; /* the caller checks the buffer once */
        return;
    }
    for (size_t i = 1; i < q->n; i++)
        offs[i] = offs[i - 1] + q->sizes[i - 1];
    put_chunk_offsets(b, offs, q->n, samples_off);
    free(offs);
    ct_box_end(b, stbl);
}

/* A field of a full box that is 64 bits wide in version 1, 32 bits in version 0. */
static void put_versioned(ct_buf *b, uint64_t v, bool v1)
{
    if (v1)
        ct_buf_put_u64be(b, v);
    else
        ct_buf_put_u32be(b, (uint32_t)v);
}

/* A disabled track's header; WIDTH and HEIGHT in pixels (0 for text). */
static void put_tkhd(ct_buf *b, uint32_t id, uint64_t movie_dur, bool v1, unsigned width,
                     unsigned height)
{
    size_t at = ct_box_begin(b, "tkhd");
    ct_buf_put_u32be(b, (v1 ? 1u << 24 : 0) | 0x000002); /* in movie, not enabled */
    put_versioned(b, 0, v1); /* creation and modification times */
    put_versioned(b, 0, v1);
    ct_buf_put_u32be(b, id);
    ct_buf_put_u32be(b, 0);
    put_versioned(b, movie_dur, v1);
    ct_buf_put_zeros(b, 8 + 2 + 2 + 2 + 2); /* reserved, layer, group, volume, reserved */
    ct_buf_put(b, identity_matrix, sizeof identity_matrix);
    ct_buf_put_u32be(b, (uint32_t)width << 16); /* 16.16 */
    ct_buf_put_u32be(b, (uint32_t)height << 16);
    ct_box_end(b, at);
}

/* AVFoundation wants an edit list on the chapter track (TagLib's finding) */
static void put_edts(ct_buf *b, uint64_t movie_dur, bool v1)
{
    size_t edts = ct_box_begin(b, "edts"), at = ct_box_begin(b, "elst");
    ct_buf_put_u32be(b, v1 ? 1u << 24 : 0);
    ct_buf_put_u32be(b, 1);
    put_versioned(b, movie_dur, v1);
    put_versioned(b, 0, v1);
    ct_buf_put_u32be(b, 0x00010000);
    ct_box_end(b, at);
    ct_box_end(b, edts);
}

/* mdhd of timescale 1000 and hdlr of HANDLER named NAME, in the mdia open in B. */
static void put_media_header(ct_buf *b, uint64_t duration_ms, bool v1, const char *handler,
                             const char *name)
{
    size_t at = ct_box_begin(b, "mdhd");
    ct_buf_put_u32be(b, v1 ? 1u << 24 : 0);
    put_versioned(b, 0, v1); /* creation and modification times */
    put_versioned(b, 0, v1);
    ct_buf_put_u32be(b, 1000);
    put_versioned(b, duration_ms, v1);
    ct_buf_put_u16be(b, 0x55c4); /* language "und" */
    ct_buf_put_u16be(b, 0);
    ct_box_end(b, at);
    at = ct_box_begin(b, "hdlr");
    ct_buf_put_zeros(b, 8);
    ct_buf_put(b, handler, 4);
    ct_buf_put_zeros(b, 12);
    ct_buf_put(b, name, strlen(name) + 1); /* NUL-terminated */
    ct_box_end(b, at);
}

/* dinf/dref with one 'url ' entry: the media is in this file (reference §4.6). */
static const uint8_t dinf_self[36] = {0, 0, 0, 36, 'd', 'i', 'n', 'f', 0, 0, 0, 28,
                                      'd', 'r', 'e', 'f', 0, 0, 0, 0,  0, 0, 0, 1,
                                      0, 0, 0, 12, 'u', 'r', 'l', ' ', 0, 0, 0, 1};

/* The chapter track's media: mdhd of timescale 1000, hdlr "text", and minf. */
static void put_mdia(ct_buf *b, const qt_samples *q, uint64_t duration_ms, bool v1,
                     uint64_t samples_off)
{
    size_t mdia = ct_box_begin(b, "mdia");
    put_media_header(b, duration_ms, v1, "text", "Chapters");
    size_t minf = ct_box_begin(b, "minf");
    put_gmhd(b);
    ct_buf_put(b, dinf_self, sizeof dinf_self);
    put_stbl(b, q, samples_off);
    ct_box_end(b, minf);
    ct_box_end(b, mdia);
}

void ct_mp4_put_chapter_trak(ct_buf *b, const qt_samples *q, uint32_t id, uint64_t duration_ms,
                             uint32_t movie_timescale, uint64_t samples_off)
{
    uint64_t movie_dur = duration_ms * movie_timescale / 1000;
    bool v1 = movie_dur > UINT32_MAX || duration_ms > UINT32_MAX;
    size_t trak = ct_box_begin(b, "trak");
    put_tkhd(b, id, movie_dur, v1, 0, 0);
    put_edts(b, movie_dur, v1);
    put_mdia(b, q, duration_ms, v1, samples_off);
    ct_box_end(b, trak);
}

/* The 'jpeg' VisualSampleEntry of Q's pictures (ISO/IEC 14496-12 §12.1.3, reference §9). */
static void put_jpeg_stsd(ct_buf *b, const qt_samples *q)
{
    size_t stsd = ct_box_begin(b, "stsd");
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u32be(b, 1);
    size_t at = ct_box_begin(b, "jpeg");
    ct_buf_put_zeros(b, 6);            /* reserved */
    ct_buf_put_u16be(b, 1);            /* data reference index */
    ct_buf_put_zeros(b, 2 + 2 + 4);    /* version, revision, vendor */
    ct_buf_put_u32be(b, 0);            /* temporal quality */
    ct_buf_put_u32be(b, 0);            /* spatial quality */
    ct_buf_put_u16be(b, q->width);
    ct_buf_put_u16be(b, q->height);
    ct_buf_put_u32be(b, 0x00480000);   /* 72 dpi */
    ct_buf_put_u32be(b, 0x00480000);
    ct_buf_put_u32be(b, 0);            /* data size */
    ct_buf_put_u16be(b, 1);            /* frame count */
    ct_buf_put_zeros(b, 32);           /* compressor name */
    ct_buf_put_u16be(b, 0x0018);       /* depth */
    ct_buf_put_u16be(b, 0xFFFF);       /* no colour table */
    ct_box_end(b, at);
    ct_box_end(b, stsd);
}

void ct_mp4_put_image_trak(ct_buf *b, const qt_samples *q, uint32_t id, uint64_t duration_ms,
                           uint32_t movie_timescale, uint64_t samples_off)
{
    uint64_t movie_dur = duration_ms * movie_timescale / 1000;
    bool v1 = movie_dur > UINT32_MAX || duration_ms > UINT32_MAX;
    size_t trak = ct_box_begin(b, "trak");
    put_tkhd(b, id, movie_dur, v1, q->width, q->height);
    put_edts(b, movie_dur, v1);
    size_t mdia = ct_box_begin(b, "mdia");
    put_media_header(b, duration_ms, v1, "vide", "Chapter images");
    size_t minf = ct_box_begin(b, "minf"), at = ct_box_begin(b, "vmhd");
    ct_buf_put_u32be(b, 1);            /* version 0, flags 1 */
    ct_buf_put_zeros(b, 2 + 6);        /* graphics mode copy, opcolor */
    ct_box_end(b, at);
    ct_buf_put(b, dinf_self, sizeof dinf_self);
    size_t stbl = ct_box_begin(b, "stbl");
    put_jpeg_stsd(b, q);
    put_sample_tables(b, q, q->pic_size);
    put_chunk_offsets(b, q->pic_off, q->n, samples_off + q->text_len);
    ct_box_end(b, stbl);
    ct_box_end(b, minf);
    ct_box_end(b, mdia);
    ct_box_end(b, trak);
}

void ct_mp4_put_chpl(ct_buf *b, const chaptag_chapters *list, ct_warnings *w)
{
    size_t n = chaptag_chapters_count(list);
    ct_buf_put_u32be(b, 0x01000000);
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u8(b, (unsigned)n);
    for (size_t i = 0; i < n; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        size_t len = ct_utf8_cut(ch->title, strlen(ch->title), CHPL_TITLE_MAX);
        if (len < strlen(ch->title))
            ct_warn(w, ch->line, "the title is cut to %zu bytes in Nero chpl (%d at most: "
                    "AntennaPod loses every chapter after a longer one)", len, CHPL_TITLE_MAX);
        ct_buf_put_u64be(b, ch->start_ms * CT_MP4_CHPL_UNITS_PER_MS);
        ct_buf_put_u8(b, (unsigned)len);
        ct_buf_put(b, ch->title, len);
    }
}
