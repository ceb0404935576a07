/* Building chaptag's chapter boxes: the QuickTime chapter track (a disabled text track of
   timescale 1000, with the gmhd, stsd and edit list Apple's players need; reference §4) with
   its text samples, each chapter's link in an href box (3GPP TS 26.245 TextHyperTextBox,
   reference §9), and the Nero chpl payload. */
#include <stdlib.h>
#include <string.h>

#include "mp4_int.h"
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

chaptag_status ct_mp4_make_samples(const chaptag_chapters *list, uint64_t duration_ms,
                                   qt_samples *q, ct_warnings *w, chaptag_error *err)
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
    return ct_buf_ok(&q->data) ? CHAPTAG_OK : ct_fail_nomem(err);
}

void ct_mp4_free_samples(qt_samples *q)
{
    ct_buf_free(&q->data);
    free(q->sizes);
    free(q->deltas);
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

/* Sample tables for Q: one sample per chunk (music-metadata reads no other layout), the
   samples back to back from SAMPLES_OFF. */
static void put_stbl(ct_buf *b, const qt_samples *q, uint64_t samples_off)
{
    size_t stbl = ct_box_begin(b, "stbl");
    put_stsd(b);
    size_t at = ct_box_begin(b, "stts");
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u32be(b, (uint32_t)q->n);
    for (size_t i = 0; i < q->n; i++) { /* one entry per chapter, never run-length merged */
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
        ct_buf_put_u32be(b, q->sizes[i]);
    ct_box_end(b, at);
    uint64_t last = samples_off + q->data.len - (q->n ? q->sizes[q->n - 1] : 0);
    bool co64 = last > UINT32_MAX;
    at = ct_box_begin(b, co64 ? "co64" : "stco");
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u32be(b, (uint32_t)q->n);
    uint64_t off = samples_off;
    for (size_t i = 0; i < q->n; off += q->sizes[i++])
        if (co64)
            ct_buf_put_u64be(b, off);
        else
            ct_buf_put_u32be(b, (uint32_t)off);
    ct_box_end(b, at);
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

static void put_tkhd(ct_buf *b, uint32_t id, uint64_t movie_dur, bool v1)
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
    ct_buf_put_zeros(b, 8); /* width, height */
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

/* The chapter track's media: mdhd of timescale 1000, hdlr "text", and minf. */
static void put_mdia(ct_buf *b, const qt_samples *q, uint64_t duration_ms, bool v1,
                     uint64_t samples_off)
{
    size_t mdia = ct_box_begin(b, "mdia"), at = ct_box_begin(b, "mdhd");
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
    ct_buf_put(b, "text", 4);
    ct_buf_put_zeros(b, 12);
    ct_buf_put(b, "Chapters", 9); /* name, NUL-terminated */
    ct_box_end(b, at);
    size_t minf = ct_box_begin(b, "minf");
    put_gmhd(b);
    static const uint8_t dinf[36] = {0, 0, 0, 36, 'd', 'i', 'n', 'f', 0, 0, 0, 28,
                                     'd', 'r', 'e', 'f', 0, 0, 0, 0,  0, 0, 0, 1,
                                     0, 0, 0, 12, 'u', 'r', 'l', ' ', 0, 0, 0, 1};
    ct_buf_put(b, dinf, sizeof dinf);
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
    put_tkhd(b, id, movie_dur, v1);
    put_edts(b, movie_dur, v1);
    put_mdia(b, q, duration_ms, v1, samples_off);
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
