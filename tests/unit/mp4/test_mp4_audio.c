/* Tests of src/mp4/mp4_audio.c: MP4 files built here in memory (stts runs, stsc with several
   entries, stco and co64, a table of sizes and one size for all, edit lists v0 and v1, none)
   hand out the packets of windows at the start, middle and end and past the end as a model
   of the tables says; the esds and its AudioSpecificConfig; damaged tables refused with a
   message; and a real M4A from the fixtures walked whole against ffprobe -show_packets. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "mp4box.h"

#define MAX_PACKETS 20000
#define MOVIE_TIMESCALE 1000

/* AAC LC, 8000 Hz, mono: what FFmpeg writes for the fixtures (with its "no SBR" signal). */
static const uint8_t asc_lc_8k[] = {0x15, 0x88, 0x56, 0xe5};

typedef struct {
    uint32_t timescale;        /* mdhd */
    const uint32_t (*stts)[2]; /* count, delta */
    size_t n_stts;
    const uint32_t (*stsc)[2]; /* first chunk, samples per chunk */
    size_t n_stsc;
    uint32_t fixed_size; /* 0: a table of sizes */
    bool co64;
    int elst_version;   /* -1: no edit list */
    int64_t elst[4][2]; /* segment duration (movie timescale), media time */
    size_t n_elst;
    const uint8_t *asc; /* NULL: no DecoderSpecificInfo */
    size_t asc_len;
    uint8_t oti;         /* objectTypeIndication; 0: 0x40 */
    uint32_t gap;        /* bytes of something else before each chunk */
    const char *entry;   /* the sample entry's type; NULL: mp4a */
    bool fragmented;     /* a moof after the mdat */
    bool mvex;           /* moov says fragments may follow */
    uint32_t tkhd_flags; /* 0: 3 (enabled, in movie) */
    unsigned waves;      /* QuickTime 'wave' boxes nested around the esds */
} spec;

/* What the builder made: the file and where each sample is. */
typedef struct {
    uint8_t *data;
    size_t len;
    size_t n;
    uint64_t off[MAX_PACKETS];
    uint32_t size[MAX_PACKETS];
    uint64_t time[MAX_PACKETS + 1]; /* media time of each sample, and the end */
} built;

static uint32_t sample_size(const spec *s, size_t k)
{
    return s->fixed_size ? s->fixed_size : 6 + (uint32_t)(k * 7 % 13);
}

/* Samples per chunk for CHUNK (1-based) as stsc says. */
static uint32_t per_chunk(const spec *s, uint32_t chunk)
{
    uint32_t per = 0;
    for (size_t e = 0; e < s->n_stsc && s->stsc[e][0] <= chunk; e++)
        per = s->stsc[e][1];
    return per;
}

static void put_full(ct_buf *b, unsigned version, uint32_t flags)
{
    ct_buf_put_u8(b, version);
    ct_buf_put_u24be(b, flags);
}

/* A descriptor with a one-byte size. */
static void put_descriptor(ct_buf *b, unsigned tag, const ct_buf *body)
{
    ct_buf_put_u8(b, tag);
    ct_buf_put_u8(b, (unsigned)body->len);
    ct_buf_put(b, body->data, body->len);
}

static void put_esds(ct_buf *b, const spec *s)
{
    ct_buf dc = CT_BUF_INIT, es = CT_BUF_INIT, dsi = CT_BUF_INIT;
    ct_buf_put_u8(&dc, s->oti ? s->oti : 0x40);
    ct_buf_put_u8(&dc, 0x15);  /* audio stream */
    ct_buf_put_zeros(&dc, 11); /* buffer size, bitrates */
    if (s->asc != NULL) {
        ct_buf_put(&dsi, s->asc, s->asc_len);
        put_descriptor(&dc, 5, &dsi);
    }
    ct_buf_put_u16be(&es, 1); /* ES_ID */
    ct_buf_put_u8(&es, 0);
    put_descriptor(&es, 4, &dc);
    size_t at = ct_box_begin(b, "esds");
    put_full(b, 0, 0);
    put_descriptor(b, 3, &es);
    ct_box_end(b, at);
    ct_buf_free(&dc);
    ct_buf_free(&es);
    ct_buf_free(&dsi);
}

static void put_stsd(ct_buf *b, const spec *s)
{
    size_t at = ct_box_begin(b, "stsd");
    put_full(b, 0, 0);
    ct_buf_put_u32be(b, 1);
    size_t entry = ct_box_begin(b, s->entry ? s->entry : "mp4a");
    ct_buf_put_zeros(b, 6);
    ct_buf_put_u16be(b, 1);  /* data reference */
    ct_buf_put_zeros(b, 8);  /* version 0, revision, vendor */
    ct_buf_put_u16be(b, 1);  /* channels */
    ct_buf_put_u16be(b, 16); /* bits */
    ct_buf_put_zeros(b, 4);
    ct_buf_put_u32be(b, 8000u << 16);
    size_t *waves = s->waves ? calloc(s->waves, sizeof *waves) : NULL;
    for (unsigned i = 0; i < s->waves; i++)
        waves[i] = ct_box_begin(b, "wave");
    put_esds(b, s);
    for (unsigned i = s->waves; i > 0; i--)
        ct_box_end(b, waves[i - 1]);
    free(waves);
    ct_box_end(b, entry);
    ct_box_end(b, at);
}

static void put_tables(ct_buf *b, const spec *s, const built *m, uint32_t n_chunks,
                       const uint64_t *chunks)
{
    size_t at = ct_box_begin(b, "stts");
    put_full(b, 0, 0);
    ct_buf_put_u32be(b, (uint32_t)s->n_stts);
    for (size_t i = 0; i < s->n_stts; i++) {
        ct_buf_put_u32be(b, s->stts[i][0]);
        ct_buf_put_u32be(b, s->stts[i][1]);
    }
    ct_box_end(b, at);
    at = ct_box_begin(b, "stsc");
    put_full(b, 0, 0);
    ct_buf_put_u32be(b, (uint32_t)s->n_stsc);
    for (size_t i = 0; i < s->n_stsc; i++) {
        ct_buf_put_u32be(b, s->stsc[i][0]);
        ct_buf_put_u32be(b, s->stsc[i][1]);
        ct_buf_put_u32be(b, 1); /* sample description */
    }
    ct_box_end(b, at);
    at = ct_box_begin(b, "stsz");
    put_full(b, 0, 0);
    ct_buf_put_u32be(b, s->fixed_size);
    ct_buf_put_u32be(b, (uint32_t)m->n);
    for (size_t k = 0; s->fixed_size == 0 && k < m->n; k++)
        ct_buf_put_u32be(b, m->size[k]);
    ct_box_end(b, at);
    at = ct_box_begin(b, s->co64 ? "co64" : "stco");
    put_full(b, 0, 0);
    ct_buf_put_u32be(b, n_chunks);
    for (uint32_t c = 0; c < n_chunks; c++)
        if (s->co64)
            ct_buf_put_u64be(b, chunks[c]);
        else
            ct_buf_put_u32be(b, (uint32_t)chunks[c]);
    ct_box_end(b, at);
}

static void put_elst(ct_buf *b, const spec *s)
{
    if (s->elst_version < 0)
        return;
    size_t edts = ct_box_begin(b, "edts"), at = ct_box_begin(b, "elst");
    put_full(b, (unsigned)s->elst_version, 0);
    ct_buf_put_u32be(b, (uint32_t)s->n_elst);
    for (size_t i = 0; i < s->n_elst; i++) {
        if (s->elst_version == 1) {
            ct_buf_put_u64be(b, (uint64_t)s->elst[i][0]);
            ct_buf_put_u64be(b, (uint64_t)s->elst[i][1]);
        } else {
            ct_buf_put_u32be(b, (uint32_t)s->elst[i][0]);
            ct_buf_put_u32be(b, (uint32_t)s->elst[i][1]);
        }
        ct_buf_put_u32be(b, 0x00010000); /* rate 1.0 */
    }
    ct_box_end(b, at);
    ct_box_end(b, edts);
}

static void put_moov(ct_buf *b, const spec *s, const built *m, uint32_t n_chunks,
                     const uint64_t *chunks)
{
    size_t moov = ct_box_begin(b, "moov"), at = ct_box_begin(b, "mvhd");
    put_full(b, 0, 0);
    ct_buf_put_zeros(b, 8);
    ct_buf_put_u32be(b, MOVIE_TIMESCALE);
    ct_buf_put_u32be(b, 1000); /* duration */
    ct_buf_put_zeros(b, 4 + 2 + 10 + 36 + 24);
    ct_buf_put_u32be(b, 2); /* next track ID */
    ct_box_end(b, at);
    size_t trak = ct_box_begin(b, "trak");
    at = ct_box_begin(b, "tkhd");
    put_full(b, 0, s->tkhd_flags ? s->tkhd_flags : 3);
    ct_buf_put_zeros(b, 8);
    ct_buf_put_u32be(b, 1); /* track ID */
    ct_buf_put_zeros(b, 4);
    ct_buf_put_u32be(b, 1000);
    ct_buf_put_zeros(b, 60);
    ct_box_end(b, at);
    put_elst(b, s);
    size_t mdia = ct_box_begin(b, "mdia");
    at = ct_box_begin(b, "mdhd");
    put_full(b, 0, 0);
    ct_buf_put_zeros(b, 8);
    ct_buf_put_u32be(b, s->timescale);
    ct_buf_put_u32be(b, (uint32_t)m->time[m->n]);
    ct_buf_put_zeros(b, 4);
    ct_box_end(b, at);
    at = ct_box_begin(b, "hdlr");
    put_full(b, 0, 0);
    ct_buf_put_zeros(b, 4);
    ct_buf_put(b, "soun", 4);
    ct_buf_put_zeros(b, 13);
    ct_box_end(b, at);
    size_t minf = ct_box_begin(b, "minf"), stbl = ct_box_begin(b, "stbl");
    put_stsd(b, s);
    put_tables(b, s, m, n_chunks, chunks);
    ct_box_end(b, stbl);
    ct_box_end(b, minf);
    ct_box_end(b, mdia);
    ct_box_end(b, trak);
    if (s->mvex) {
        at = ct_box_begin(b, "mvex");
        size_t mehd = ct_box_begin(b, "mehd");
        put_full(b, 0, 0);
        ct_buf_put_u32be(b, 1000);
        ct_box_end(b, mehd);
        ct_box_end(b, at);
    }
    ct_box_end(b, moov);
}

/* ftyp, mdat (each chunk after S->gap bytes of 0xEE; each sample its index in 4 bytes, then
   0xAB), moov; and a moof when S says so. */
static void build(const spec *s, built *m)
{
    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < s->n_stts; i++)
        for (uint32_t j = 0; j < s->stts[i][0]; j++) {
            assert_true(m->n < MAX_PACKETS);
            m->time[m->n + 1] = m->time[m->n] + s->stts[i][1];
            m->n++;
        }
    ct_buf b = CT_BUF_INIT;
    size_t at = ct_box_begin(&b, "ftyp");
    ct_buf_put(&b, "M4A \0\0\0\0isom", 12);
    ct_box_end(&b, at);
    at = ct_box_begin(&b, "mdat");
    static uint64_t chunks[MAX_PACKETS];
    uint32_t n_chunks = 0;
    for (size_t k = 0; k < m->n; n_chunks++) {
        for (uint32_t g = 0; g < s->gap; g++)
            ct_buf_put_u8(&b, 0xEE);
        chunks[n_chunks] = b.len;
        uint32_t per = per_chunk(s, n_chunks + 1);
        assert_true(per > 0);
        for (uint32_t j = 0; j < per && k < m->n; j++, k++) {
            m->off[k] = b.len;
            m->size[k] = sample_size(s, k);
            ct_buf_put_u32be(&b, (uint32_t)k);
            for (uint32_t x = 4; x < m->size[k]; x++)
                ct_buf_put_u8(&b, 0xAB);
        }
    }
    ct_box_end(&b, at);
    put_moov(&b, s, m, n_chunks, chunks);
    if (s->fragmented) {
        at = ct_box_begin(&b, "moof");
        ct_buf_put_zeros(&b, 8);
        ct_box_end(&b, at);
    }
    assert_true(ct_buf_ok(&b));
    m->data = ct_buf_take(&b, &m->len);
}

typedef struct {
    uint64_t first;
    uint32_t samples, len, index;
} pkt;

typedef struct {
    pkt v[MAX_PACKETS];
    size_t n;
    uint64_t bytes;
    const uint8_t *file;  /* when set, each packet's bytes are compared with the file's */
    const uint64_t *offs; /* ... at these offsets, one per packet handed out */
} got;

static chaptag_status collect(const ct_packet *p, void *ctx, chaptag_error *err)
{
    (void)err;
    got *g = ctx;
    assert_true(g->n < MAX_PACKETS);
    assert_non_null(p->data);
    assert_true(p->len >= 4);
    g->v[g->n++] = (pkt){p->first, p->samples, (uint32_t)p->len, ct_load_u32be(p->data)};
    g->bytes += p->len;
    return CHAPTAG_OK;
}

/* What packets() must hand out for [FROM, TO) of M, DELAY and RATE given: the model. */
static size_t expect(const spec *s, const built *m, uint64_t delay, uint32_t rate, uint64_t from,
                     uint64_t to, pkt *out)
{
    static uint64_t first[MAX_PACKETS + 1];
    for (size_t k = 0; k <= m->n; k++)
        first[k] = delay + m->time[k] * rate / s->timescale;
    if (from >= to || from >= first[m->n])
        return 0;
    size_t k0 = 0;
    while (k0 + 1 < m->n && first[k0 + 1] <= from)
        k0++;
    size_t n = 0;
    for (size_t k = k0 >= 2 ? k0 - 2 : 0; k < m->n && first[k] < to; k++)
        out[n++] = (pkt){first[k], (uint32_t)(first[k + 1] - first[k]), m->size[k], (uint32_t)k};
    return n;
}

typedef struct {
    built *m;
    ct_file *f;
    ct_audio *a;
} opened;

static void open_spec(const spec *s, opened *o)
{
    o->m = malloc(sizeof *o->m);
    assert_non_null(o->m);
    build(s, o->m);
    o->f = ct_file_memory(o->m->data, o->m->len);
    assert_non_null(o->f);
    chaptag_error err = {0};
    chaptag_status st = ct_mp4_audio_open(o->f, &o->a, &err);
    if (st != CHAPTAG_OK)
        fail_msg("ct_mp4_audio_open: %s", err.msg);
}

static void close_spec(opened *o)
{
    o->a->close(o->a);
    ct_file_close(o->f);
    free(o->m->data);
    free(o->m);
}

/* The window [FROM, TO) as the model says. */
static void check_window(const spec *s, opened *o, uint64_t delay, uint64_t from, uint64_t to)
{
    static got g;
    static pkt want[MAX_PACKETS];
    memset(&g, 0, sizeof g);
    chaptag_error err = {0};
    chaptag_status st = o->a->packets(o->a, from, to, collect, &g, &err);
    if (st != CHAPTAG_OK)
        fail_msg("packets(%llu, %llu): %s", (unsigned long long)from, (unsigned long long)to,
                 err.msg);
    size_t n = expect(s, o->m, delay, o->a->info.sample_rate, from, to, want);
    if (g.n != n)
        fail_msg("packets(%llu, %llu): %zu packets, %zu wanted", (unsigned long long)from,
                 (unsigned long long)to, g.n, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(g.v[i].index, want[i].index);
        assert_int_equal(g.v[i].first, want[i].first);
        assert_int_equal(g.v[i].samples, want[i].samples);
        assert_int_equal(g.v[i].len, want[i].len);
    }
}

/* Windows at the start, every STEP samples, at the end and past it. */
static void check_windows_every(const spec *s, opened *o, uint64_t delay, uint64_t step)
{
    uint64_t end = delay + o->m->time[o->m->n] * o->a->info.sample_rate / s->timescale;
    check_window(s, o, delay, 0, 4000);
    check_window(s, o, delay, 0, UINT64_MAX);
    for (uint64_t from = 0; from < end + 3000; from += step)
        check_window(s, o, delay, from, from + 2500);
    check_window(s, o, delay, end - 1, UINT64_MAX);
    check_window(s, o, delay, end, UINT64_MAX);
    check_window(s, o, delay, end + 10, end + 20);
    check_window(s, o, delay, 5000, 5000);
    check_window(s, o, delay, 5000, 100);
}

/* ... around every sample of the track */
static void check_windows(const spec *s, opened *o, uint64_t delay)
{
    check_windows_every(s, o, delay, 997);
}

/* Three stts runs (and one of none), three stsc entries, sizes in a table, stco. */
static spec tables_spec(void)
{
    spec s = {0};
    s.timescale = 8000;
    static const uint32_t stts[][2] = {{40, 1024}, {0, 7}, {21, 960}, {1, 500}};
    static const uint32_t stsc[][2] = {{1, 7}, {4, 3}, {6, 5}};
    s.stts = stts;
    s.n_stts = 4;
    s.stsc = stsc;
    s.n_stsc = 3;
    s.elst_version = -1;
    s.asc = asc_lc_8k;
    s.asc_len = sizeof asc_lc_8k;
    s.gap = 3;
    return s;
}

static void packets_follow_stts_stsc_and_a_size_table(void **state)
{
    (void)state;
    spec s = tables_spec();
    opened o;
    open_spec(&s, &o);
    assert_int_equal(o.a->info.codec, CT_CODEC_AAC);
    assert_int_equal(o.a->info.sample_rate, 8000);
    assert_int_equal(o.a->info.channels, 1);
    assert_bytes_equal(o.a->info.config, o.a->info.config_len, asc_lc_8k, sizeof asc_lc_8k);
    assert_int_equal(o.a->info.skip, 0);
    assert_int_equal(o.a->info.samples, o.m->time[o.m->n]); /* no edit list: all of it */
    assert_int_equal(o.a->info.preroll, 2);
    assert_string_equal(o.a->info.seek, "MP4 sample tables");
    check_windows(&s, &o, 0);
    close_spec(&o);
}

static void packets_follow_co64_and_one_size_for_all(void **state)
{
    (void)state;
    spec s = tables_spec();
    s.co64 = true;
    s.fixed_size = 9;
    s.gap = 0; /* chunks back to back: read together */
    opened o;
    open_spec(&s, &o);
    check_windows(&s, &o, 0);
    close_spec(&o);
}

static void a_v0_edit_list_gives_skip_and_samples(void **state)
{
    (void)state;
    spec s = tables_spec();
    s.elst_version = 0;
    s.n_elst = 1;
    s.elst[0][0] = 7000; /* ms: 56000 samples at 8 kHz */
    s.elst[0][1] = 1024;
    opened o;
    open_spec(&s, &o);
    assert_int_equal(o.a->info.skip, 1024);
    assert_int_equal(o.a->info.samples, 56000);
    check_windows(&s, &o, 0);
    close_spec(&o);
}

static void a_v1_edit_list_after_an_empty_one_delays_every_packet(void **state)
{
    (void)state;
    spec s = tables_spec();
    s.elst_version = 1;
    s.n_elst = 2;
    s.elst[0][0] = 500; /* ms of silence first: 4000 samples */
    s.elst[0][1] = -1;
    s.elst[1][0] = 0; /* no duration: to the end */
    s.elst[1][1] = 2112;
    opened o;
    open_spec(&s, &o);
    assert_int_equal(o.a->info.skip, 2112);
    assert_int_equal(o.a->info.samples, 4000 + o.m->time[o.m->n] - 2112);
    check_windows(&s, &o, 4000);
    close_spec(&o);
}

static void a_media_timescale_other_than_the_rate_is_scaled(void **state)
{
    (void)state;
    spec s = tables_spec();
    s.timescale = 1000; /* ms: 1024 samples at 8 kHz are 128 */
    static const uint32_t stts[][2] = {{50, 128}, {12, 120}};
    s.stts = stts;
    s.n_stts = 2;
    s.elst_version = 0;
    s.n_elst = 1;
    s.elst[0][0] = 7000;
    s.elst[0][1] = 128;
    opened o;
    open_spec(&s, &o);
    assert_int_equal(o.a->info.skip, 1024);
    assert_int_equal(o.a->info.samples, 56000);
    check_windows(&s, &o, 0);
    close_spec(&o);
}

/* Tables too large to be loaded with the box tree (read in blocks from the file), with more
   entries than the places remembered in them: 17,000 samples of two durations by turns, one or
   two to a chunk by turns. */
static void tables_read_from_the_file_in_blocks(void **state)
{
    (void)state;
    enum { N = 17000, CHUNKS = N * 2 / 3 + 1 };
    static uint32_t stts[N][2], stsc[CHUNKS][2];
    for (uint32_t i = 0; i < N; i++) {
        stts[i][0] = 1;
        stts[i][1] = i % 2 ? 1024 : 960;
    }
    for (uint32_t i = 0; i < CHUNKS; i++) {
        stsc[i][0] = i + 1;
        stsc[i][1] = 1 + i % 2;
    }
    spec s = tables_spec();
    s.stts = (const uint32_t(*)[2])stts;
    s.n_stts = N;
    s.stsc = (const uint32_t(*)[2])stsc;
    s.n_stsc = CHUNKS;
    s.co64 = true;
    s.elst_version = 0;
    s.n_elst = 1;
    s.elst[0][0] = 1000000;
    s.elst[0][1] = 1024;
    opened o;
    open_spec(&s, &o);
    /* the tables lie in the file, beyond what the box tree loads */
    static const char *const big[] = {"stts", "stsc", "stsz", "co64"};
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i + 8 <= o.m->len; i++)
            if (memcmp(o.m->data + i + 4, big[k], 4) == 0) {
                assert_true(ct_load_u32be(o.m->data + i) > 64 * 1024);
                break;
            }
    check_windows_every(&s, &o, 0, 1000003);
    /* going back and forth */
    check_window(&s, &o, 0, 15000000, 15010000);
    check_window(&s, &o, 0, 100, 4000);
    check_window(&s, &o, 0, 8000000, 8004000);
    /* a window reads a few blocks of each table, not the tables */
    uint64_t before = ct_file_bytes_read(o.f);
    check_window(&s, &o, 0, 12000000, 12004000);
    assert_true(ct_file_bytes_read(o.f) - before < 6 * 4096);
    close_spec(&o);
}

/* A file whose open fails with CHAPTAG_ERR_AUDIO and a message holding WANT. */
static void check_refused(const spec *s, const char *want)
{
    built *m = malloc(sizeof *m);
    assert_non_null(m);
    build(s, m);
    ct_file *f = ct_file_memory(m->data, m->len);
    ct_audio *a = NULL;
    chaptag_error err = {0};
    assert_int_equal(ct_mp4_audio_open(f, &a, &err), CHAPTAG_ERR_AUDIO);
    if (strstr(err.msg, want) == NULL)
        fail_msg("'%s' does not say '%s'", err.msg, want);
    assert_null(a);
    ct_file_close(f);
    free(m->data);
    free(m);
}

/* A file this source does not hand out: it opens as no source (libavformat's to read). */
static void check_foreign(const spec *s)
{
    built *m = malloc(sizeof *m);
    assert_non_null(m);
    build(s, m);
    ct_file *f = ct_file_memory(m->data, m->len);
    ct_audio *a = (ct_audio *)m; /* anything but NULL */
    chaptag_error err = {0};
    assert_int_equal(ct_mp4_audio_open(f, &a, &err), CHAPTAG_OK);
    assert_null(a);
    ct_file_close(f);
    free(m->data);
    free(m);
}

/* The bytes of M->data with the first TYPE box's payload word at WORD set to V. */
static void poke(uint8_t *data, size_t len, const char *type, size_t word, uint32_t v)
{
    for (size_t i = 4; i + 4 <= len; i++)
        if (memcmp(data + i, type, 4) == 0) {
            ct_store_u32be(data + i + 4 + 4 * word, v);
            return;
        }
    fail_msg("no %s box", type);
}

/* Opens M's bytes poked; the error message must hold WANT (NULL: opens, but packets fails
   with it). */
static void check_poked(const char *type, size_t word, uint32_t v, const char *want,
                        bool at_packets)
{
    spec s = tables_spec();
    built *m = malloc(sizeof *m);
    assert_non_null(m);
    build(&s, m);
    poke(m->data, m->len, type, word, v);
    ct_file *f = ct_file_memory(m->data, m->len);
    ct_audio *a = NULL;
    chaptag_error err = {0};
    chaptag_status st = ct_mp4_audio_open(f, &a, &err);
    if (at_packets) {
        assert_int_equal(st, CHAPTAG_OK);
        static got g;
        memset(&g, 0, sizeof g);
        st = a->packets(a, 0, UINT64_MAX, collect, &g, &err);
        a->close(a);
    }
    if (st != CHAPTAG_ERR_AUDIO || strstr(err.msg, want) == NULL)
        fail_msg("%.4s word %zu = %u: status %d, '%s' does not say '%s'", type, word, v, (int)st,
                 err.msg, want);
    ct_file_close(f);
    free(m->data);
    free(m);
}

static void damaged_tables_are_refused_with_a_reason(void **state)
{
    (void)state;
    /* counts past their boxes */
    check_poked("stts", 1, 1000, "stts box of the sound track counts 1000 entries", false);
    check_poked("stsc", 1, 0x10000000, "stsc box of the sound track counts", false);
    check_poked("stsz", 2, 5000, "stsz box of the sound track counts 5000", false);
    check_poked("stco", 1, 40000, "counts more entries than its box holds", false);
    /* a run of samples without a duration */
    check_poked("stts", 3, 0, "gives 40 samples no duration", false);
    /* stsc: not from chunk 1, not in order, no samples per chunk, past the chunks */
    check_poked("stsc", 2, 2, "entry 1 of the sound track's stsc", false);
    check_poked("stsc", 5, 1, "entry 2 of the sound track's stsc", false);
    check_poked("stsc", 3, 0, "entry 1 of the sound track's stsc", false);
    check_poked("stsc", 8, 99, "entry 3 of the sound track's stsc", false);
    /* a sample past the end of the file, one larger than any frame */
    check_poked("stco", 3, 0x7fffffff, "lies past the end of the file", true);
    check_poked("stsz", 3, 3u << 20, "larger than any audio frame", true);
    check_poked("stsz", 1, 3u << 20, "more than any audio frame", false);
}

static void damaged_edit_lists_are_refused(void **state)
{
    (void)state;
    spec s = tables_spec();
    s.elst_version = 0;
    s.n_elst = 1;
    s.elst[0][0] = 1000;
    s.elst[0][1] = -5;
    check_refused(&s, "edit list starts at media time -5");
    s.elst[0][1] = 1000000;
    check_refused(&s, "edit list starts at media time 1000000");
}

static void a_fragmented_file_is_libavformats(void **state)
{
    (void)state;
    spec s = tables_spec();
    s.fragmented = true;
    check_foreign(&s);
    /* fragments announced and none in the moov: as fragmented */
    s.fragmented = false;
    s.mvex = true;
    s.n_stts = 0;
    s.n_stsc = 0;
    check_foreign(&s);
    /* announced, but the moov holds the samples and no fragment follows: read */
    s = tables_spec();
    s.mvex = true;
    opened o;
    open_spec(&s, &o);
    check_window(&s, &o, 0, 0, UINT64_MAX);
    close_spec(&o);
}

/* Other codecs are libavformat's to decode; a damaged config is refused. */
static void other_codecs_are_libavformats(void **state)
{
    (void)state;
    spec s = tables_spec();
    s.entry = "alac";
    check_foreign(&s);
    s.entry = NULL;
    s.oti = 0xA9; /* DTS */
    check_foreign(&s);
    s.oti = 0x40;
    static const uint8_t als[] = {0xf8, 0x88, 0x00, 0x00}; /* object type 36 (ALS) */
    s.asc = als;
    s.asc_len = sizeof als;
    check_foreign(&s);
    s.asc = NULL;
    check_refused(&s, "esds has no AudioSpecificConfig");
    static const uint8_t big[65] = {0x15, 0x88};
    s.asc = big;
    s.asc_len = sizeof big;
    check_refused(&s, "AudioSpecificConfig is 65 bytes, more than 64");
}

static void mp3_in_mp4_is_handed_out_as_mp3(void **state)
{
    (void)state;
    spec s = tables_spec();
    s.oti = 0x6B;
    s.asc = NULL;
    opened o;
    open_spec(&s, &o);
    assert_int_equal(o.a->info.codec, CT_CODEC_MP3);
    assert_int_equal(o.a->info.config_len, 0);
    assert_int_equal(o.a->info.sample_rate, 8000);
    assert_int_equal(o.a->info.channels, 1);
    assert_true(o.a->info.preroll >= 2);
    close_spec(&o);
}

static void mpeg2_aac_without_a_config_gets_one(void **state)
{
    (void)state;
    spec s = tables_spec();
    s.oti = 0x67; /* MPEG-2 AAC LC */
    s.asc = NULL;
    opened o;
    open_spec(&s, &o);
    static const uint8_t want[] = {0x15, 0x88}; /* LC, 8000 Hz, mono */
    assert_int_equal(o.a->info.codec, CT_CODEC_AAC);
    assert_bytes_equal(o.a->info.config, o.a->info.config_len, want, sizeof want);
    close_spec(&o);
}

/* The rate and channels INFO gets from ASC. */
static void check_asc(const uint8_t *asc, size_t len, uint32_t rate, unsigned channels)
{
    spec s = tables_spec();
    s.asc = asc;
    s.asc_len = len;
    opened o;
    open_spec(&s, &o);
    assert_int_equal(o.a->info.sample_rate, rate);
    assert_int_equal(o.a->info.channels, channels);
    close_spec(&o);
}

static void the_rate_is_the_sbr_rate_only_when_signalled(void **state)
{
    (void)state;
    /* LC, 44100 Hz, stereo */
    check_asc((const uint8_t[]){0x12, 0x10}, 2, 44100, 2);
    /* HE-AAC, hierarchical: object type 5, core 22050 Hz stereo, SBR 44100 Hz, core LC */
    check_asc((const uint8_t[]){0x2b, 0x92, 0x08, 0x00}, 4, 44100, 2);
    /* HE-AAC v2 (object type 29): core 24000 Hz mono, SBR 48000 Hz, parametric stereo */
    check_asc((const uint8_t[]){0xeb, 0x09, 0x88, 0x00}, 4, 48000, 2);
    /* LC 22050 Hz stereo, then the sync extension 0x2b7: SBR present at 44100 Hz */
    check_asc((const uint8_t[]){0x13, 0x90, 0x56, 0xe5, 0xa0}, 5, 44100, 2);
    /* LC 22050 Hz stereo, nothing signalled: implicit SBR is the decoder's to report */
    check_asc((const uint8_t[]){0x13, 0x90}, 2, 22050, 2);
    /* an explicit rate (index 15) */
    check_asc((const uint8_t[]){0x17, 0x80, 0x0f, 0xa0, 0x08}, 5, 8000, 1);
    /* LC 44100 Hz stereo saying dependsOnCoreCoder with no delay after it (mutagen's ep7.m4b):
       FFmpeg plays it, so it is read */
    check_asc((const uint8_t[]){0x12, 0x12}, 2, 44100, 2);
}

/* A config cut short before its rate or channels is refused. */
static void an_asc_without_rate_or_channels_is_refused(void **state)
{
    (void)state;
    spec s = tables_spec();
    s.asc = (const uint8_t[]){0x12};
    s.asc_len = 1;
    check_refused(&s, "AudioSpecificConfig is damaged");
}

/* An esds whose descriptor sizes take 4 bytes each (as Apple writes them). */
static void long_descriptor_sizes_are_read(void **state)
{
    (void)state;
    spec s = tables_spec();
    built *m = malloc(sizeof *m);
    assert_non_null(m);
    build(&s, m);
    /* rebuild the file with the esds written by hand */
    static const uint8_t esds[] = {
        0, 0, 0, 0,                             /* version, flags */
        0x03, 0x80, 0x80, 0x80, 0x22,           /* ES_Descriptor, 34 bytes */
        0, 1, 0,                                /* ES_ID, flags */
        0x04, 0x80, 0x80, 0x80, 0x14,           /* DecoderConfigDescriptor, 20 bytes */
        0x40, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* AAC, audio, sizes, bitrates */
        0x05, 0x80, 0x80, 0x80, 0x02, 0x15, 0x88, /* DecoderSpecificInfo, 2 bytes */
        0x06, 0x80, 0x80, 0x80, 0x01, 0x02,     /* SLConfigDescriptor */
    };
    uint8_t *at = NULL;
    for (size_t i = 0; i + 4 <= m->len && at == NULL; i++)
        if (memcmp(m->data + i, "esds", 4) == 0)
            at = m->data + i - 4;
    assert_non_null(at);
    uint32_t old = ct_load_u32be(at);
    /* the new file: everything before the esds, the new esds, everything after; sizes of the
       boxes around it (stsd, mp4a, stbl, minf, mdia, trak, moov) grow by the difference */
    size_t head = (size_t)(at - m->data), tail = m->len - head - old;
    uint32_t grow = (uint32_t)(8 + sizeof esds) - old;
    uint8_t *d = malloc(m->len + grow);
    assert_non_null(d);
    memcpy(d, m->data, head);
    ct_store_u32be(d + head, (uint32_t)(8 + sizeof esds));
    memcpy(d + head + 4, "esds", 4);
    memcpy(d + head + 8, esds, sizeof esds);
    memcpy(d + head + 8 + sizeof esds, at + old, tail);
    static const char *const around[] = {"moov", "trak", "mdia", "minf", "stbl", "stsd", "mp4a"};
    for (size_t k = 0; k < sizeof around / sizeof around[0]; k++)
        for (size_t i = 4; i < head; i++)
            if (memcmp(d + i, around[k], 4) == 0) {
                ct_store_u32be(d + i - 4, ct_load_u32be(d + i - 4) + grow);
                break;
            }
    ct_file *f = ct_file_memory(d, m->len + grow);
    ct_audio *a = NULL;
    chaptag_error err = {0};
    if (ct_mp4_audio_open(f, &a, &err) != CHAPTAG_OK)
        fail_msg("%s", err.msg);
    assert_bytes_equal(a->info.config, a->info.config_len, "\x15\x88", 2);
    a->close(a);
    ct_file_close(f);
    /* a size of five bytes is no descriptor */
    d[head + 8 + 8] = 0x80;
    f = ct_file_memory(d, m->len + grow);
    assert_int_equal(ct_mp4_audio_open(f, &a, &err), CHAPTAG_ERR_AUDIO);
    assert_non_null(strstr(err.msg, "esds box is damaged"));
    ct_file_close(f);
    free(d);
    free(m->data);
    free(m);
}

/* ---- a real file: the fixture against ffprobe -------------------------------------------- */

typedef struct {
    FILE *probe;
    const uint8_t *file;
    uint64_t skip;
    size_t n;
    uint64_t samples;
    int bad;
} probe_ctx;

/* Each packet must be ffprobe's next one: pts (player time), duration, size, and the bytes at
   its pos. */
static chaptag_status against_probe(const ct_packet *p, void *ctx, chaptag_error *err)
{
    (void)err;
    probe_ctx *c = ctx;
    long long pts, dur, size, pos;
    char line[256];
    do /* ffprobe ends a packet with side data in a line of its own */
        if (fgets(line, sizeof line, c->probe) == NULL)
            fail_msg("packet %zu: ffprobe has no more", c->n);
    while (sscanf(line, "%lld,%lld,%lld,%lld", &pts, &dur, &size, &pos) != 4);
    if ((long long)p->first - (long long)c->skip != pts || (long long)p->samples != dur ||
        (long long)p->len != size || memcmp(p->data, c->file + pos, p->len) != 0)
        fail_msg("packet %zu: first %llu (pts %lld), %u samples (%lld), %zu bytes (%lld)",
                 c->n, (unsigned long long)p->first, pts, p->samples, dur, p->len, size);
    c->n++;
    c->samples += p->samples;
    return CHAPTAG_OK;
}

static void a_fixture_walks_like_ffprobe_shows_it(void **state)
{
    (void)state;
    const char *dir = getenv("FIXTURES");
    char path[4096], cmd[8192];
    snprintf(path, sizeof path, "%s/chaptered.m4b", dir ? dir : CT_SOURCE_DIR "/fixtures/audio");
    FILE *exists = fopen(path, "rb");
    if (exists == NULL || system("ffprobe -version >/dev/null 2>&1") != 0) {
        if (exists)
            fclose(exists);
        skip();
    }
    fclose(exists);
    size_t len;
    char *data = ct_test_read_file(path, &len);
    snprintf(cmd, sizeof cmd, "ffprobe -v error -select_streams a:0 -show_entries "
             "packet=pts,duration,size,pos -of csv=p=0 '%s'", path);
    probe_ctx c = {popen(cmd, "r"), (const uint8_t *)data, 0, 0, 0, 0};
    assert_non_null(c.probe);
    ct_file *f = ct_file_memory(data, len);
    ct_audio *a = NULL;
    chaptag_error err = {0};
    if (ct_mp4_audio_open(f, &a, &err) != CHAPTAG_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(a->info.codec, CT_CODEC_AAC);
    assert_int_equal(a->info.skip, 1024); /* FFmpeg's priming */
    c.skip = a->info.skip;
    assert_int_equal(a->packets(a, 0, UINT64_MAX, against_probe, &c, &err), CHAPTAG_OK);
    char line[256];
    long long extra;
    while (fgets(line, sizeof line, c.probe) != NULL)
        if (sscanf(line, "%lld", &extra) == 1)
            fail_msg("ffprobe has more packets than the %zu handed out", c.n);
    pclose(c.probe);
    /* the packets cover what a player plays, and the priming */
    assert_true(c.samples >= a->info.skip + a->info.samples);
    assert_true(c.samples < a->info.skip + a->info.samples + 1024);
    /* one window in the middle reads a few packets, not the file */
    uint64_t before = ct_file_bytes_read(f);
    got *g = calloc(1, sizeof *g);
    assert_non_null(g);
    uint64_t mid = a->info.samples / 2;
    assert_int_equal(a->packets(a, mid, mid + 4 * a->info.sample_rate, collect, g, &err),
                     CHAPTAG_OK);
    assert_true(g->n >= 4 * 8000 / 1024 && g->n <= 4 * 8000 / 1024 + 4);
    assert_true(ct_file_bytes_read(f) - before < 64 * 1024);
    free(g);
    a->close(a);
    ct_file_close(f);
    free(data);
}

/* QuickTime's one 'wave' level around the esds is read; 'wave' boxes nested deeper (a hostile
   file could nest a hundred thousand and exhaust the stack) are not followed. */
static void a_wave_box_is_followed_one_level_only(void **state)
{
    (void)state;
    spec s = tables_spec();
    s.waves = 1;
    opened o;
    open_spec(&s, &o);
    check_windows(&s, &o, 0);
    close_spec(&o);
    s.waves = 120000;
    built *m = malloc(sizeof *m);
    assert_non_null(m);
    build(&s, m);
    ct_file *f = ct_file_memory(m->data, m->len);
    ct_audio *a = NULL;
    chaptag_error err = {0};
    chaptag_status st = ct_mp4_audio_open(f, &a, &err);
    assert_true(st == CHAPTAG_ERR_AUDIO || (st == CHAPTAG_OK && a == NULL));
    ct_file_close(f);
    free(m->data);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(packets_follow_stts_stsc_and_a_size_table),
        cmocka_unit_test(packets_follow_co64_and_one_size_for_all),
        cmocka_unit_test(a_v0_edit_list_gives_skip_and_samples),
        cmocka_unit_test(a_v1_edit_list_after_an_empty_one_delays_every_packet),
        cmocka_unit_test(a_media_timescale_other_than_the_rate_is_scaled),
        cmocka_unit_test(tables_read_from_the_file_in_blocks),
        cmocka_unit_test(damaged_tables_are_refused_with_a_reason),
        cmocka_unit_test(damaged_edit_lists_are_refused),
        cmocka_unit_test(a_fragmented_file_is_libavformats),
        cmocka_unit_test(other_codecs_are_libavformats),
        cmocka_unit_test(mp3_in_mp4_is_handed_out_as_mp3),
        cmocka_unit_test(mpeg2_aac_without_a_config_gets_one),
        cmocka_unit_test(the_rate_is_the_sbr_rate_only_when_signalled),
        cmocka_unit_test(an_asc_without_rate_or_channels_is_refused),
        cmocka_unit_test(long_descriptor_sizes_are_read),
        cmocka_unit_test(a_wave_box_is_followed_one_level_only),
        cmocka_unit_test(a_fixture_walks_like_ffprobe_shows_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
