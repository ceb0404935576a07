/* The RIFF side of WAV files: the walk over the top-level chunks (word-aligned: an odd size is
   followed by a pad byte), the fmt chunk, the data chunk's length (from ds64 in RF64 and BW64
   files, whose 32-bit sizes say 0xFFFFFFFF), and the LIST/INFO tags. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "wav_int.h"

/* A 32-bit size that means "see the ds64 chunk". */
#define SIZE_IN_DS64 0xFFFFFFFFu

/* The most bytes of a LIST/INFO chunk read for its tags: a title is never longer. */
#define INFO_MAX (1u << 20)

void ct_wav_store_u64(uint8_t *p, uint64_t v)
{
    ct_store_u32le(p, (uint32_t)v);
    ct_store_u32le(p + 4, (uint32_t)(v >> 32));
}

void ct_wav_free(wav_file *w)
{
    for (size_t i = 0; i < w->n_markers; i++)
        free(w->markers[i].title);
    free(w->markers);
    free(w->chunks);
    free(w->adtl_kept);
    free(w->kept_ids);
    ct_warnings_clear(&w->warnings);
    memset(w, 0, sizeof *w);
}

/* The ds64 chunk of an RF64 file (its first chunk): the RIFF and data sizes, and the table of
   other chunks' sizes, looked up for a chunk ID whose 32-bit size is SIZE_IN_DS64. */
typedef struct {
    bool present;
    uint64_t riff_size, data_size;
    uint8_t *table; /* entries of 12 bytes: ID, 64-bit size */
    size_t n_table;
} ds64_info;

static chaptag_status read_ds64(ct_file *f, uint64_t off, uint64_t size, ds64_info *d,
                                chaptag_error *err)
{
    uint8_t b[28];
    if (size < sizeof b)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the ds64 chunk is %" PRIu64 " bytes, too "
                       "short for the RF64 sizes", size);
    chaptag_status st = ct_file_read(f, off + 8, b, sizeof b, NULL, err);
    if (st != CHAPTAG_OK)
        return st;
    d->present = true;
    d->riff_size = ct_load_u64le(b);
    d->data_size = ct_load_u64le(b + 8);
    uint32_t n = ct_load_u32le(b + 24);
    if (n == 0 || (uint64_t)n * 12 > size - sizeof b || n > 4096)
        return CHAPTAG_OK; /* no table, or one we cannot trust: only the data size is used */
    d->table = ct_malloc((size_t)n * 12);
    if (d->table == NULL)
        return ct_fail_nomem(err);
    d->n_table = n;
    return ct_file_read(f, off + 8 + sizeof b, d->table, (size_t)n * 12, NULL, err);
}

/* The size of chunk ID whose header says SIZE_IN_DS64; false when ds64 does not give it. */
static bool ds64_size(const ds64_info *d, const char *id, uint64_t *size)
{
    if (!d->present)
        return false;
    if (memcmp(id, "data", 4) == 0) {
        *size = d->data_size;
        return true;
    }
    for (size_t i = 0; i < d->n_table; i++)
        if (memcmp(d->table + 12 * i, id, 4) == 0) {
            *size = ct_load_u64le(d->table + 12 * i + 4);
            return true;
        }
    return false;
}

/* Appends the chunk at OFF to W, its size checked against the end of the RIFF. */
static chaptag_status add_chunk(wav_file *w, const uint8_t h[12], uint64_t off, const ds64_info *d,
                                chaptag_error *err)
{
    wav_chunk c;
    memset(&c, 0, sizeof c);
    memcpy(c.id, h, 4);
    for (int i = 0; i < 4; i++) /* the message names the ID; keep it printable */
        if (c.id[i] < 0x20 || c.id[i] > 0x7e)
            c.id[i] = '?';
    c.off = off;
    c.size = ct_load_u32le(h + 4);
    if (c.size == SIZE_IN_DS64 && strcmp(w->magic, "RIFF") != 0 && !ds64_size(d, (const char *)h, &c.size))
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the '%s' chunk at offset %" PRIu64 " has its "
                       "size in ds64, which does not give it", c.id, off);
    if (c.size > w->riff_end - off - 8)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the '%s' chunk at offset %" PRIu64 " claims %"
                       PRIu64 " bytes, past the end of the file (%" PRIu64 " bytes)", c.id, off,
                       c.size, w->file_size);
    c.total = 8 + c.size + (c.size & 1);
    if (c.total > w->riff_end - off)
        c.total = w->riff_end - off; /* a last odd chunk without its pad byte */
    c.adtl = memcmp(h, "LIST", 4) == 0 && c.size >= 4 && memcmp(h + 8, "adtl", 4) == 0;
    c.info = memcmp(h, "LIST", 4) == 0 && c.size >= 4 && memcmp(h + 8, "INFO", 4) == 0;
    wav_chunk *v = realloc(w->chunks, (w->n_chunks + 1) * sizeof *v);
    if (v == NULL)
        return ct_fail_nomem(err);
    w->chunks = v;
    w->chunks[w->n_chunks++] = c;
    return CHAPTAG_OK;
}

/* Notes where the chunks W needs are (the first of each kind), and reads ds64 into D. */
static chaptag_status note_chunk(wav_file *w, ds64_info *d, chaptag_error *err)
{
    int i = (int)w->n_chunks - 1;
    const wav_chunk *c = &w->chunks[i];
    int *slot = memcmp(c->id, "fmt ", 4) == 0 ? &w->fmt
                : memcmp(c->id, "data", 4) == 0 ? &w->data
                : memcmp(c->id, "cue ", 4) == 0 ? &w->cue
                : memcmp(c->id, "bext", 4) == 0 ? &w->bext
                : memcmp(c->id, "ds64", 4) == 0 ? &w->ds64
                : c->adtl                       ? &w->adtl
                : c->info                       ? &w->info
                                                : NULL;
    if (slot == NULL || *slot != WAV_NONE)
        return CHAPTAG_OK;
    *slot = i;
    if (slot == &w->ds64 && strcmp(w->magic, "RIFF") != 0 && i == 0)
        return read_ds64(w->f, c->off, c->size, d, err);
    return CHAPTAG_OK;
}

/* Walks the top-level chunks from offset 12 to the end of the RIFF. Fewer than 8 bytes left
   over at the end are no chunk, and stay. */
static chaptag_status walk(wav_file *w, ds64_info *d, chaptag_error *err)
{
    uint64_t off = 12;
    chaptag_status st = CHAPTAG_OK;
    while (st == CHAPTAG_OK && w->riff_end - off >= 8) {
        uint8_t h[12] = {0};
        size_t want = w->riff_end - off >= 12 ? 12 : 8;
        st = ct_file_read(w->f, off, h, want, NULL, err);
        if (st == CHAPTAG_OK)
            st = add_chunk(w, h, off, d, err);
        if (st == CHAPTAG_OK)
            st = note_chunk(w, d, err);
        if (st == CHAPTAG_OK)
            off += w->chunks[w->n_chunks - 1].total;
        if (st == CHAPTAG_OK && strcmp(w->magic, "RIFF") != 0 && w->n_chunks == 1 &&
            !d->present)
            st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the %s file does not start with a ds64 "
                         "chunk", w->magic);
        /* what follows the RIFF is not ours; a ds64 size that ends it before the ds64 chunk
           does (or wraps past 2^64) is damage, and the file's end stands */
        if (st == CHAPTAG_OK && d->present && w->n_chunks == 1 &&
            d->riff_size < w->riff_end - 8 && d->riff_size + 8 >= off)
            w->riff_end = d->riff_size + 8;
    }
    return st;
}

static bool is_pcm(uint16_t tag)
{
    return tag == 1 || tag == 3 || tag == 6 || tag == 7 || tag == 0xFFFE;
}

/* Reads the fmt chunk and measures the data chunk. */
static chaptag_status read_format(wav_file *w, chaptag_error *err)
{
    if (w->fmt == WAV_NONE)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the WAV file has no fmt chunk");
    if (w->data == WAV_NONE)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the WAV file has no data chunk");
    const wav_chunk *c = &w->chunks[w->fmt];
    uint8_t b[16];
    if (c->size < sizeof b)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the fmt chunk at offset %" PRIu64 " is %"
                       PRIu64 " bytes, too short", c->off, c->size);
    chaptag_status st = ct_file_read(w->f, c->off + 8, b, sizeof b, NULL, err);
    if (st != CHAPTAG_OK)
        return st;
    w->format_tag = ct_load_u16le(b);
    w->rate = ct_load_u32le(b + 4);
    w->byte_rate = ct_load_u32le(b + 8);
    w->block_align = ct_load_u16le(b + 12);
    if (w->rate == 0 || w->block_align == 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the fmt chunk gives a sample rate of %" PRIu32
                       " Hz and frames of %u bytes", w->rate, w->block_align);
    uint64_t bytes = w->chunks[w->data].size;
    if (is_pcm(w->format_tag)) {
        uint64_t frames = bytes / w->block_align;
        w->duration_ms = frames / w->rate * 1000 + frames % w->rate * 1000 / w->rate;
    } else if (w->byte_rate > 0) { /* compressed: the average byte rate is all there is */
        w->duration_ms = bytes / w->byte_rate * 1000 + bytes % w->byte_rate * 1000 / w->byte_rate;
    }
    return CHAPTAG_OK;
}

chaptag_status ct_wav_open(ct_file *f, wav_file *w, chaptag_error *err)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    w->file_size = ct_file_size(f);
    w->fmt = w->data = w->cue = w->adtl = w->ds64 = w->bext = w->info = WAV_NONE;
    uint8_t h[12];
    chaptag_status st = ct_file_read(f, 0, h, sizeof h, NULL, err);
    if (st != CHAPTAG_OK)
        return st;
    memcpy(w->magic, h, 4);
    uint64_t declared = (uint64_t)ct_load_u32le(h + 4) + 8;
    w->riff_end = strcmp(w->magic, "RIFF") == 0 && declared < w->file_size ? declared
                                                                          : w->file_size;
    ds64_info d = {false, 0, 0, NULL, 0};
    st = walk(w, &d, err);
    free(d.table);
    if (st == CHAPTAG_OK)
        st = read_format(w, err);
    if (st == CHAPTAG_OK)
        st = ct_wav_read_markers(w, err);
    if (st != CHAPTAG_OK)
        ct_wav_free(w);
    return st;
}

uint64_t ct_wav_frames_to_ms(uint64_t frames, uint32_t rate)
{
    return frames / rate * 1000 + (frames % rate * 1000 + rate / 2) / rate;
}

uint64_t ct_wav_ms_to_frames(uint64_t ms, uint32_t rate)
{
    return ms / 1000 * rate + (ms % 1000 * rate + 500) / 1000;
}

void ct_wav_text(const uint8_t *p, size_t n, ct_buf *out)
{
    const uint8_t *nul = memchr(p, 0, n);
    if (nul != NULL)
        n = (size_t)(nul - p);
    if (ct_utf8_valid((const char *)p, n))
        ct_buf_put(out, p, n);
    else
        ct_latin1_to_utf8(p, n, out);
}

/* The value of the INFO sub-chunk KEY in BODY (LEN bytes after "INFO"), appended to OUT. */
static bool info_value(const uint8_t *body, size_t len, const char *key, ct_buf *out)
{
    for (size_t pos = 0; len - pos >= 8;) {
        uint32_t n = ct_load_u32le(body + pos + 4);
        if (n > len - pos - 8)
            return false;
        if (memcmp(body + pos, key, 4) == 0) {
            ct_wav_text(body + pos + 8, n, out);
            return true;
        }
        pos += 8 + (size_t)n + (n & 1);
        if (pos > len)
            return false;
    }
    return false;
}

chaptag_status ct_wav_read_info(const wav_file *w, chaptag_chapters *list, chaptag_error *err)
{
    static const struct {
        const char *id, *key;
    } map[] = {{"INAM", "title"}, {"IART", "artist"}, {"IPRD", "album"}, {"ICRD", "year"}};
    if (w->info == WAV_NONE || w->chunks[w->info].size > INFO_MAX)
        return CHAPTAG_OK;
    const wav_chunk *c = &w->chunks[w->info];
    size_t len = (size_t)c->size - 4;
    uint8_t *body = ct_malloc(len + 1);
    if (body == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = ct_file_read(w->f, c->off + 12, body, len, NULL, err);
    for (size_t i = 0; i < sizeof map / sizeof map[0] && st == CHAPTAG_OK; i++) {
        ct_buf b = CT_BUF_INIT;
        if (info_value(body, len, map[i].id, &b) && b.len > 0) {
            char *v = (char *)ct_buf_take(&b, NULL);
            if (v != NULL && strcmp(map[i].key, "year") == 0 && strlen(v) > 4)
                v[4] = '\0'; /* ICRD is a date; the year is what players show */
            st = v ? chaptag_chapters_set_meta(list, map[i].key, v, err) : ct_fail_nomem(err);
            free(v);
        }
        ct_buf_free(&b);
    }
    free(body);
    return st;
}

void ct_wav_fill_info(const wav_file *w, chaptag_file_info *info)
{
    memset(info, 0, sizeof *info);
    snprintf(info->container, sizeof info->container, "%s",
             strcmp(w->magic, "RIFF") != 0 ? "RF64" : w->bext != WAV_NONE ? "BWF" : "WAV");
    snprintf(info->tag, sizeof info->tag, "%s", w->cue != WAV_NONE ? "cue + adtl" : "none");
    if (w->n_markers > 0)
        snprintf(info->flavours, sizeof info->flavours, "cue markers (%zu)", w->n_markers);
    else
        snprintf(info->flavours, sizeof info->flavours, "none");
    info->duration_ms = w->duration_ms;
    snprintf(info->duration_source, sizeof info->duration_source, "data chunk");
    info->file_size = w->file_size;
}
