/* WAV markers: the cue chunk (cue points: ID, position, "data", chunk start 0, block start 0,
   sample offset at the fmt rate) and the LIST/adtl chunk that names them (labl: the title,
   NUL-terminated; ltxt with purpose "rgn " and a length: a region, so an end time survives).
   This is what Audition, REAPER, WaveLab and Logic read as markers. adtl sub-chunks that are
   not a labl or ltxt of a cue point we own (notes, labels of other cue chunks) are kept. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "wav_int.h"

/* The most bytes of a cue or adtl chunk that are read: 10,000 markers take well under 1 MiB. */
#define MARKERS_MAX (16u << 20)

/* The bytes of W's chunk I (its body, SIZE bytes), new. */
static chaptag_status chunk_body(const wav_file *w, int i, uint8_t **out, size_t *size,
                                 chaptag_error *err)
{
    const wav_chunk *c = &w->chunks[i];
    *out = NULL; /* the caller frees it on every path */
    *size = 0;
    if (c->size > MARKERS_MAX)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the '%s' chunk at offset %" PRIu64 " is %"
                       PRIu64 " bytes, more than markers ever take", c->id, c->off, c->size);
    *size = (size_t)c->size;
    *out = ct_malloc(*size + 1);
    if (*out == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = ct_file_read(w->f, c->off + 8, *out, *size, NULL, err);
    if (st != CHAPTAG_OK) {
        free(*out);
        *out = NULL;
    }
    return st;
}

static chaptag_status read_cue(wav_file *w, chaptag_error *err)
{
    uint8_t *b;
    size_t len;
    chaptag_status st = chunk_body(w, w->cue, &b, &len, err);
    if (st != CHAPTAG_OK)
        return st;
    uint64_t n = len >= 4 ? ct_load_u32le(b) : 0;
    if (len < 4 || n > (len - 4) / 24) {
        free(b);
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the cue chunk at offset %" PRIu64 " claims %"
                       PRIu64 " cue points in %zu bytes", w->chunks[w->cue].off, n, len);
    }
    w->markers = n > 0 ? ct_calloc((size_t)n, sizeof *w->markers) : NULL;
    if (n > 0 && w->markers == NULL) {
        free(b);
        return ct_fail_nomem(err);
    }
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = b + 4 + 24 * i;
        w->markers[i].id = ct_load_u32le(p);
        w->markers[i].sample = ct_load_u32le(p + 20);
    }
    w->n_markers = (size_t)n;
    free(b);
    return CHAPTAG_OK;
}

/* Marker order by start, or by cue ID; each then by place in the cue chunk (the array's). */
int ct_wav_by_sample(const void *a, const void *b)
{
    const wav_marker *x = *(const wav_marker *const *)a, *y = *(const wav_marker *const *)b;
    return x->sample != y->sample ? (x->sample > y->sample) - (x->sample < y->sample)
                                  : (x > y) - (x < y);
}

int ct_wav_by_id(const void *a, const void *b)
{
    const wav_marker *x = *(const wav_marker *const *)a, *y = *(const wav_marker *const *)b;
    return x->id != y->id ? (x->id > y->id) - (x->id < y->id) : (x > y) - (x < y);
}

const wav_marker **ct_wav_markers_sorted(const wav_file *w, int (*cmp)(const void *, const void *))
{
    const wav_marker **v = ct_malloc((w->n_markers + 1) * sizeof *v);
    if (v == NULL)
        return NULL;
    for (size_t i = 0; i < w->n_markers; i++)
        v[i] = &w->markers[i];
    qsort(v, w->n_markers, sizeof *v, cmp);
    return v;
}

/* The first marker with cue ID in BY_ID (N markers sorted by ct_wav_by_id), or NULL. */
static const wav_marker *marker_by_id(const wav_marker **by_id, size_t n, uint32_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (by_id[mid]->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && by_id[lo]->id == id ? by_id[lo] : NULL;
}

/* Takes the labl or ltxt sub-chunk P (ID, BODY bytes of body) for its marker M. */
static chaptag_status take_label(wav_marker *m, const uint8_t *p, size_t body, chaptag_error *err)
{
    if (memcmp(p, "ltxt", 4) == 0) {
        if (body >= 12 && memcmp(p + 16, "rgn ", 4) == 0)
            m->length = ct_load_u32le(p + 12);
        return CHAPTAG_OK;
    }
    if (m->title != NULL)
        return CHAPTAG_OK; /* a second label: the first one counts */
    ct_buf raw = CT_BUF_INIT, clean = CT_BUF_INIT;
    ct_wav_text(p + 12, body - 4, &raw);
    ct_title_clean((const char *)raw.data, raw.len, &clean);
    ct_buf_put_u8(&clean, 0);
    m->title = ct_buf_ok(&raw) ? (char *)ct_buf_take(&clean, NULL) : NULL;
    ct_buf_free(&raw);
    ct_buf_free(&clean);
    return m->title ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* Keeps the sub-chunk P (TOTAL bytes with its pad; its cue ID first when it has BODY >= 4). */
static chaptag_status keep_sub(wav_file *w, const uint8_t *p, size_t total, size_t body,
                               chaptag_error *err)
{
    uint8_t *k = realloc(w->adtl_kept, w->adtl_kept_len + total);
    if (k == NULL)
        return ct_fail_nomem(err);
    w->adtl_kept = k;
    memcpy(k + w->adtl_kept_len, p, total);
    w->adtl_kept_len += total;
    if (body < 4)
        return CHAPTAG_OK;
    uint32_t *ids = realloc(w->kept_ids, (w->n_kept_ids + 1) * sizeof *ids);
    if (ids == NULL)
        return ct_fail_nomem(err);
    w->kept_ids = ids;
    w->kept_ids[w->n_kept_ids++] = ct_load_u32le(p + 8);
    return CHAPTAG_OK;
}

/* Walks the sub-chunks of the adtl list B (LEN bytes after "adtl"); BY_ID: W's markers sorted
   by ct_wav_by_id. */
static chaptag_status read_adtl(wav_file *w, const wav_marker **by_id, const uint8_t *b,
                                size_t len, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    for (size_t pos = 0; st == CHAPTAG_OK && len - pos >= 8;) {
        const uint8_t *p = b + pos;
        uint32_t body = ct_load_u32le(p + 4);
        if (body > len - pos - 8)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the adtl list at offset %" PRIu64 " is "
                           "damaged: its '%.4s' sub-chunk claims %" PRIu32 " bytes of %zu",
                           w->chunks[w->adtl].off, (const char *)p, body, len - pos - 8);
        size_t total = 8 + (size_t)body + (body & 1);
        total = total > len - pos ? len - pos : total;
        bool label = memcmp(p, "labl", 4) == 0 || memcmp(p, "ltxt", 4) == 0;
        const wav_marker *m =
            label && body >= 4 ? marker_by_id(by_id, w->n_markers, ct_load_u32le(p + 8)) : NULL;
        st = m ? take_label((wav_marker *)m, p, body, err) : keep_sub(w, p, total, body, err);
        pos += total;
    }
    return st;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

chaptag_status ct_wav_read_markers(wav_file *w, chaptag_error *err)
{
    chaptag_status st = w->cue != WAV_NONE ? read_cue(w, err) : CHAPTAG_OK;
    if (st != CHAPTAG_OK || w->adtl == WAV_NONE)
        return st;
    const wav_marker **by_id = ct_wav_markers_sorted(w, ct_wav_by_id);
    if (by_id == NULL)
        return ct_fail_nomem(err);
    uint8_t *b;
    size_t len;
    st = chunk_body(w, w->adtl, &b, &len, err);
    if (st == CHAPTAG_OK)
        st = read_adtl(w, by_id, b + 4, len - 4, err);
    free(b);
    free(by_id);
    if (st == CHAPTAG_OK && w->n_kept_ids > 0) /* for id_kept()'s search */
        qsort(w->kept_ids, w->n_kept_ids, sizeof *w->kept_ids, cmp_u32);
    return st;
}

/* True when cue ID is named by a kept sub-chunk: a new cue point must not take it. */
static bool id_kept(const wav_file *w, uint32_t id)
{
    return w->n_kept_ids > 0 &&
           bsearch(&id, w->kept_ids, w->n_kept_ids, sizeof id, cmp_u32) != NULL;
}

/* The frame of START_MS at RATE, checked to read back as START_MS and to fit 32 bits. */
static chaptag_status frame_of(uint64_t ms, uint32_t rate, unsigned line, uint32_t *out,
                               chaptag_error *err)
{
    char t[CT_TIME_STR_MAX];
    uint64_t frames = ct_wav_ms_to_frames(ms, rate);
    if (frames > UINT32_MAX)
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "%s is past the last frame a cue point can "
                       "name at %" PRIu32 " Hz", ct_time_str(ms, t), rate);
    if (ct_wav_frames_to_ms(frames, rate) != ms)
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "at %" PRIu32 " Hz no frame reads back as "
                       "%s", rate, ct_time_str(ms, t));
    *out = (uint32_t)frames;
    return CHAPTAG_OK;
}

/* Appends the labl sub-chunk of cue ID titled TITLE, and an ltxt region of LENGTH frames when
   LENGTH is not 0. */
static void put_labels(ct_buf *b, uint32_t id, const char *title, uint32_t length)
{
    size_t n = strlen(title) + 1;
    ct_buf_put(b, "labl", 4);
    ct_buf_put_u32le(b, (uint32_t)(4 + n));
    ct_buf_put_u32le(b, id);
    ct_buf_put(b, title, n);
    if (n & 1)
        ct_buf_put_u8(b, 0);
    if (length == 0)
        return;
    ct_buf_put(b, "ltxt", 4);
    ct_buf_put_u32le(b, 20);
    ct_buf_put_u32le(b, id);
    ct_buf_put_u32le(b, length);
    ct_buf_put(b, "rgn ", 4);
    ct_buf_put_zeros(b, 8); /* country, language, dialect, code page: none */
}

/* The cue point of chapter CH with cue ID into CUE, and its labels into ADTL. */
static chaptag_status put_marker(const wav_file *w, const chaptag_chapter *ch, uint32_t id,
                                 ct_buf *cue, ct_buf *adtl, chaptag_error *err)
{
    uint32_t start, end = 0;
    chaptag_status st = frame_of(ch->start_ms, w->rate, ch->line, &start, err);
    if (st == CHAPTAG_OK && ch->end_ms != CHAPTAG_TIME_NONE && ch->end_ms > ch->start_ms)
        st = frame_of(ch->end_ms, w->rate, ch->line, &end, err);
    if (st != CHAPTAG_OK)
        return st;
    ct_buf_put_u32le(cue, id);
    ct_buf_put_u32le(cue, start); /* position: the sample offset, as without a playlist */
    ct_buf_put(cue, "data", 4);
    ct_buf_put_u32le(cue, 0);
    ct_buf_put_u32le(cue, 0);
    ct_buf_put_u32le(cue, start);
    put_labels(adtl, id, ch->title, end > start ? end - start : 0);
    return CHAPTAG_OK;
}

chaptag_status ct_wav_render(const wav_file *w, const chaptag_chapters *list, ct_buf *out,
                             chaptag_error *err)
{
    size_t n = list ? chaptag_chapters_count(list) : 0;
    ct_buf cue = CT_BUF_INIT, adtl = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    uint32_t id = 0;
    for (size_t i = 0; i < n && st == CHAPTAG_OK; i++) {
        do
            id++;
        while (id_kept(w, id));
        st = put_marker(w, chaptag_chapters_get(list, i), id, &cue, &adtl, err);
    }
    ct_buf_put(&adtl, w->adtl_kept, w->adtl_kept_len);
    if (st == CHAPTAG_OK && n > 0) {
        ct_buf_put(out, "cue ", 4);
        ct_buf_put_u32le(out, (uint32_t)(4 + cue.len));
        ct_buf_put_u32le(out, (uint32_t)n);
        ct_buf_put(out, cue.data, cue.len);
    }
    if (st == CHAPTAG_OK && adtl.len > 0) {
        ct_buf_put(out, "LIST", 4);
        ct_buf_put_u32le(out, (uint32_t)(4 + adtl.len));
        ct_buf_put(out, "adtl", 4);
        ct_buf_put(out, adtl.data, adtl.len);
        if (adtl.len & 1) /* a kept sub-chunk that lacked its pad byte */
            ct_buf_put_u8(out, 0);
    }
    if (st == CHAPTAG_OK && (!ct_buf_ok(&cue) || !ct_buf_ok(&adtl) || !ct_buf_ok(out)))
        st = ct_fail_nomem(err);
    ct_buf_free(&cue);
    ct_buf_free(&adtl);
    return st;
}
