/* Tests of src/mp4/mp4.c through the backend interface, on MP4 files built here in memory: both
   chapter flavours written and read back, the filler sample, chpl limits, the text samples,
   chunk offsets moved (and widened to co64) with the audio they point at, and the in-place
   steps leaving a valid file after every one. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "mp4_int.h"

#define AUDIO_BYTES 4000
#define CHUNKS 8

typedef struct {
    bool moov_first;
    uint32_t stco_base; /* 0: real offsets into mdat; else fake ones from this value */
    size_t free_after;  /* a free box after moov (moov first only) */
} spec;

static const uint8_t matrix[36] = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                                   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0};

/* A one-track AAC-like moov: 60 s, chunk offsets AUDIO_AT + k * 500 (or fake ones). */
static void put_moov(ct_buf *b, uint64_t audio_at, uint32_t stco_base)
{
    size_t moov = ct_box_begin(b, "moov"), at = ct_box_begin(b, "mvhd");
    ct_buf_put_zeros(b, 12);
    ct_buf_put_u32be(b, 1000);  /* timescale */
    ct_buf_put_u32be(b, 60000); /* duration */
    ct_buf_put_u32be(b, 0x00010000);
    ct_buf_put_u16be(b, 0x0100);
    ct_buf_put_zeros(b, 10);
    ct_buf_put(b, matrix, 36);
    ct_buf_put_zeros(b, 24);
    ct_buf_put_u32be(b, 2); /* next track ID */
    ct_box_end(b, at);
    size_t trak = ct_box_begin(b, "trak");
    at = ct_box_begin(b, "tkhd");
    ct_buf_put_u32be(b, 3); /* enabled, in movie */
    ct_buf_put_zeros(b, 8);
    ct_buf_put_u32be(b, 1); /* track ID */
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u32be(b, 60000);
    ct_buf_put_zeros(b, 16);
    ct_buf_put(b, matrix, 36);
    ct_buf_put_zeros(b, 8);
    ct_box_end(b, at);
    size_t mdia = ct_box_begin(b, "mdia");
    at = ct_box_begin(b, "mdhd");
    ct_buf_put_zeros(b, 12);
    ct_buf_put_u32be(b, 8000);
    ct_buf_put_u32be(b, 480000);
    ct_buf_put_zeros(b, 4);
    ct_box_end(b, at);
    at = ct_box_begin(b, "hdlr");
    ct_buf_put_zeros(b, 8);
    ct_buf_put(b, "soun", 4);
    ct_buf_put_zeros(b, 13);
    ct_box_end(b, at);
    size_t minf = ct_box_begin(b, "minf"), stbl = ct_box_begin(b, "stbl");
    at = ct_box_begin(b, "stsz");
    ct_buf_put_zeros(b, 4);
    ct_buf_put_u32be(b, 500); /* one 500-byte sample per chunk */
    ct_buf_put_u32be(b, CHUNKS);
    ct_box_end(b, at);
    at = ct_box_begin(b, "stco");
    ct_buf_put_zeros(b, 4);
    ct_buf_put_u32be(b, CHUNKS);
    for (uint32_t k = 0; k < CHUNKS; k++)
        ct_buf_put_u32be(b, stco_base ? stco_base + k * 500 : (uint32_t)(audio_at + k * 500));
    ct_box_end(b, at);
    ct_box_end(b, stbl);
    ct_box_end(b, minf);
    ct_box_end(b, mdia);
    ct_box_end(b, trak);
    size_t udta = ct_box_begin(b, "udta");
    at = ct_box_begin(b, "meta");
    ct_buf_put(b, "\0\0\0\0\0\0\0\x0cilst\0\0\0\0", 16);
    ct_box_end(b, at);
    ct_box_end(b, udta);
    ct_box_end(b, moov);
}

static uint8_t audio_byte(size_t i)
{
    return (uint8_t)(i * 13 + 7);
}

static uint8_t *make_mp4(const spec *s, size_t *len)
{
    ct_buf probe = CT_BUF_INIT;
    put_moov(&probe, 0, s->stco_base);
    size_t moov_len = probe.len;
    ct_buf_free(&probe);
    ct_buf b = CT_BUF_INIT;
    size_t at = ct_box_begin(&b, "ftyp");
    ct_buf_put(&b, "M4A \0\0\0\0M4A isom", 16);
    ct_box_end(&b, at);
    uint64_t audio_at = b.len + 8 + (s->moov_first ? moov_len + s->free_after : 0);
    if (s->moov_first) {
        put_moov(&b, audio_at, s->stco_base);
        if (s->free_after) {
            at = ct_box_begin(&b, "free");
            ct_buf_put_zeros(&b, s->free_after - 8);
            ct_box_end(&b, at);
        }
    }
    at = ct_box_begin(&b, "mdat");
    for (size_t i = 0; i < AUDIO_BYTES; i++)
        ct_buf_put_u8(&b, audio_byte(i));
    ct_box_end(&b, at);
    if (!s->moov_first)
        put_moov(&b, audio_at, s->stco_base);
    return ct_buf_take(&b, len);
}

static chaptag_chapters *chapters(size_t n, uint64_t first_ms, const char *title)
{
    chaptag_chapters *l = chaptag_chapters_new();
    for (size_t i = 0; i < n; i++) {
        char t[600];
        snprintf(t, sizeof t, "%s %zu", title, i + 1);
        chaptag_chapter ch = {0};
        ch.start_ms = first_ms + i * (50000 / n);
        ch.end_ms = CHAPTAG_TIME_NONE;
        ch.title = t;
        ch.line = (unsigned)i + 1;
        assert_int_equal(chaptag_chapters_add(l, &ch, NULL), CHAPTAG_OK);
    }
    return l;
}

typedef struct {
    ct_plan plan;
    struct chaptag_report rep;
} planned;

static void plan_embed(const uint8_t *data, size_t len, const chaptag_chapters *l, int style,
                       planned *p)
{
    memset(p, 0, sizeof *p);
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    o.mp4_style = style;
    ct_file *f = ct_file_memory(data, len);
    chaptag_error err = {0};
    chaptag_status st = ct_backend_plan(&ct_backend_mp4, f, l, &o, &p->plan, &p->rep, &err);
    if (st != CHAPTAG_OK)
        fprintf(stderr, "plan: %s\n", err.msg);
    assert_int_equal(st, CHAPTAG_OK);
    ct_file_close(f);
}

static void planned_free(planned *p)
{
    ct_plan_free(&p->plan);
    ct_buf_free(&p->rep.plan);
    ct_warnings_clear(&p->rep.warnings);
}

/* Embeds L into DATA through the edits (a rewrite); returns the new file. */
static uint8_t *embed(const uint8_t *data, size_t len, const chaptag_chapters *l, size_t *out_len)
{
    planned p;
    plan_embed(data, len, l, CHAPTAG_MP4_BOTH, &p);
    uint8_t *out = ct_test_apply_edits(data, len, &p.plan, out_len);
    planned_free(&p);
    return out;
}

static chaptag_chapters *read_back(const uint8_t *data, size_t len, chaptag_file_info *info)
{
    return ct_test_read(&ct_backend_mp4, data, len, info);
}

/* Every chunk of the audio track still points at the audio bytes it pointed at. */
static void check_audio_chunks(const uint8_t *data, size_t len)
{
    ct_file *f = ct_file_memory(data, len);
    ct_box *tops;
    size_t n;
    chaptag_error err;
    assert_int_equal(ct_box_scan(f, &tops, &n, &err), CHAPTAG_OK);
    ct_box *moov = NULL;
    for (size_t i = 0; i < n; i++)
        if (ct_box_is(&tops[i], "moov"))
            moov = &tops[i];
    assert_int_equal(ct_box_parse(f, moov, &err), CHAPTAG_OK);
    ct_box *stbl = ct_box_path(moov, "trak/mdia/minf/stbl");
    ct_box *co = ct_box_child(stbl, "stco");
    unsigned w = 4;
    if (co == NULL) {
        co = ct_box_child(stbl, "co64");
        w = 8;
    }
    assert_non_null(co);
    for (uint32_t k = 0; k < CHUNKS; k++) {
        const uint8_t *e = co->data + 8 + (size_t)k * w;
        uint64_t off = w == 4 ? ct_load_u32be(e) : ct_load_u64be(e);
        assert_true(off + 500 <= len);
        for (size_t i = 0; i < 500; i += 97)
            assert_int_equal(data[off + i], audio_byte(k * 500 + i));
    }
    ct_box_free_array(tops, n);
    ct_file_close(f);
}

static void both_flavours_are_written_and_read_back(void **state)
{
    (void)state;
    for (int moov_first = 0; moov_first < 2; moov_first++) {
        spec s = {moov_first, 0, 0};
        size_t len, out_len;
        uint8_t *data = make_mp4(&s, &len);
        chaptag_chapters *l = chapters(3, 0, "Chapter");
        uint8_t *out = embed(data, len, l, &out_len);
        chaptag_file_info info;
        chaptag_chapters *back = read_back(out, out_len, &info);
        assert_string_equal(info.flavours, "QuickTime chapter track (3) + Nero chpl (3)");
        assert_int_equal(chaptag_chapters_count(back), 3);
        assert_int_equal(chaptag_chapters_get(back, 2)->start_ms, 2 * 16666);
        assert_string_equal(chaptag_chapters_get(back, 1)->title, "Chapter 2");
        assert_int_equal(chaptag_chapters_warning_count(back), 0);
        assert_string_equal(info.tag, moov_first ? "moov before mdat" : "moov after mdat");
        check_audio_chunks(out, out_len);
        chaptag_chapters_free(back);
        chaptag_chapters_free(l);
        free(out);
        free(data);
    }
}

static void a_first_chapter_after_zero_gets_a_filler_that_is_not_read_back(void **state)
{
    (void)state;
    spec s = {true, 0, 0};
    size_t len, out_len;
    uint8_t *data = make_mp4(&s, &len);
    chaptag_chapters *l = chapters(2, 5000, "Late");
    uint8_t *out = embed(data, len, l, &out_len);
    chaptag_chapters *back = read_back(out, out_len, NULL);
    assert_int_equal(chaptag_chapters_count(back), 2);
    assert_int_equal(chaptag_chapters_get(back, 0)->start_ms, 5000);
    /* in the track: an empty sample first, then the two titles */
    static const uint8_t want[] = {
        0, 0, 0, 0, 0, 12, 'e', 'n', 'c', 'd', 0, 0, 1, 0,            /* filler: no text */
        0, 6, 'L', 'a', 't', 'e', ' ', '1', 0, 0, 0, 12, 'e', 'n', 'c', 'd', 0, 0, 1, 0,
    };
    bool found = false;
    for (size_t i = 0; i + sizeof want <= out_len && !found; i++)
        found = memcmp(out + i, want, sizeof want) == 0;
    assert_true(found);
    chaptag_chapters_free(back);
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

static void chpl_titles_are_cut_at_127_bytes_on_a_character_boundary(void **state)
{
    (void)state;
    spec s = {true, 0, 0};
    size_t len;
    uint8_t *data = make_mp4(&s, &len);
    char title[401];
    for (int i = 0; i < 200; i++)
        memcpy(title + 2 * i, "\xc3\xa9", 2); /* é: 2 bytes each */
    title[400] = 0;
    chaptag_chapters *l = chaptag_chapters_new();
    chaptag_chapter ch = {0};
    ch.end_ms = CHAPTAG_TIME_NONE;
    ch.title = title;
    ch.line = 7;
    chaptag_chapters_add(l, &ch, NULL);
    planned p;
    plan_embed(data, len, l, CHAPTAG_MP4_NERO, &p);
    assert_int_equal(p.rep.warnings.n, 1);
    assert_int_equal(p.rep.warnings.v[0].line, 7);
    assert_int_equal(p.rep.title_cut, 127);
    size_t out_len;
    uint8_t *out = ct_test_apply_edits(data, len, &p.plan, &out_len);
    chaptag_file_info info;
    chaptag_chapters *back = read_back(out, out_len, &info);
    assert_string_equal(info.flavours, "Nero chpl (1)");
    assert_int_equal(strlen(chaptag_chapters_get(back, 0)->title), 126);
    assert_memory_equal(chaptag_chapters_get(back, 0)->title, title, 126);
    chaptag_chapters_free(back);
    planned_free(&p);
    free(out);
    /* both flavours: the QuickTime track keeps it whole, and the cut is no disagreement */
    plan_embed(data, len, l, CHAPTAG_MP4_BOTH, &p);
    assert_int_equal(p.rep.title_cut, 0);
    out = ct_test_apply_edits(data, len, &p.plan, &out_len);
    back = read_back(out, out_len, &info);
    assert_string_equal(chaptag_chapters_get(back, 0)->title, title);
    assert_int_equal(chaptag_chapters_warning_count(back), 0);
    chaptag_chapters_free(back);
    planned_free(&p);
    free(out);
    chaptag_chapters_free(l);
    free(data);
}

static void more_than_255_chapters_leave_chpl_out_or_are_refused_for_chpl_alone(void **state)
{
    (void)state;
    spec s = {true, 0, 0};
    size_t len, out_len;
    uint8_t *data = make_mp4(&s, &len);
    chaptag_chapters *l = chapters(300, 0, "C");
    planned p;
    plan_embed(data, len, l, CHAPTAG_MP4_BOTH, &p);
    assert_int_equal(p.rep.warnings.n, 1);
    assert_non_null(strstr(p.rep.warnings.v[0].msg, "chpl"));
    uint8_t *out = ct_test_apply_edits(data, len, &p.plan, &out_len);
    chaptag_file_info info;
    chaptag_chapters *back = read_back(out, out_len, &info);
    assert_string_equal(info.flavours, "QuickTime chapter track (300)");
    assert_int_equal(chaptag_chapters_count(back), 300);
    chaptag_chapters_free(back);
    planned_free(&p);
    free(out);
    /* chpl alone cannot hold them: refused before anything is written, not an empty file */
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    o.mp4_style = CHAPTAG_MP4_NERO;
    ct_file *f = ct_file_memory(data, len);
    ct_plan plan = CT_PLAN_INIT;
    struct chaptag_report rep;
    memset(&rep, 0, sizeof rep);
    chaptag_error err = {0};
    assert_int_equal(ct_backend_plan(&ct_backend_mp4, f, l, &o, &plan, &rep, &err),
                     CHAPTAG_ERR_AUDIO);
    assert_non_null(strstr(err.msg, "--mp4-style"));
    assert_int_equal(plan.n, 0);
    ct_plan_free(&plan);
    ct_buf_free(&rep.plan);
    ct_warnings_clear(&rep.warnings);
    ct_file_close(f);
    chaptag_chapters_free(l);
    free(data);
}

static void chunk_offsets_past_4_gib_make_the_audio_table_co64(void **state)
{
    (void)state;
    spec s = {true, 0xFFFFF000u, 0};
    size_t len, out_len;
    uint8_t *data = make_mp4(&s, &len);
    chaptag_chapters *l = chapters(2, 0, "Big");
    uint8_t *out = embed(data, len, l, &out_len);
    ct_file *f = ct_file_memory(out, out_len);
    ct_box *tops;
    size_t n;
    chaptag_error err;
    assert_int_equal(ct_box_scan(f, &tops, &n, &err), CHAPTAG_OK);
    ct_box *moov = &tops[1];
    assert_true(ct_box_is(moov, "moov"));
    assert_int_equal(ct_box_parse(f, moov, &err), CHAPTAG_OK);
    ct_box *co64 = ct_box_path(moov, "trak/mdia/minf/stbl/co64");
    assert_non_null(co64);
    /* the audio moved by moov's growth; the titles are past it */
    ct_file *was = ct_file_memory(data, len);
    ct_box *old_tops;
    size_t old_n;
    assert_int_equal(ct_box_scan(was, &old_tops, &old_n, &err), CHAPTAG_OK);
    uint64_t delta = tops[n - 1].off - old_tops[old_n - 1].off;
    assert_true(tops[n - 1].off + tops[n - 1].size == out_len);
    ct_box_free_array(old_tops, old_n);
    ct_file_close(was);
    assert_int_equal(ct_load_u64be(co64->data + 8), 0xFFFFF000u + delta);
    assert_int_equal(ct_load_u64be(co64->data + 8 + 7 * 8), 0xFFFFF000u + 7 * 500 + delta);
    assert_true(ct_load_u64be(co64->data + 8 + 7 * 8) > UINT32_MAX);
    ct_box_free_array(tops, n);
    ct_file_close(f);
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

/* After every in-place step: the top-level boxes cover the file exactly, there is one moov
   (or, while a new one is appended, two complete ones), and it holds mvhd and the audio
   track. */
static void check_valid(const uint8_t *data, size_t len, size_t step)
{
    ct_file *f = ct_file_memory(data, len);
    ct_box *tops;
    size_t n, moovs = 0;
    chaptag_error err;
    if (ct_box_scan(f, &tops, &n, &err) != CHAPTAG_OK) {
        fprintf(stderr, "after step %zu: %s\n", step, err.msg);
        fail();
    }
    for (size_t i = 0; i < n; i++) {
        if (!ct_box_is(&tops[i], "moov"))
            continue;
        moovs++;
        assert_int_equal(ct_box_parse(f, &tops[i], &err), CHAPTAG_OK);
        assert_non_null(ct_box_child(&tops[i], "mvhd"));
        assert_non_null(ct_box_path(&tops[i], "trak/mdia/minf/stbl/stco"));
    }
    assert_true(moovs == 1 || moovs == 2);
    ct_box_free_array(tops, n);
    ct_file_close(f);
}

/* Embeds A (a rewrite or append), then B through the in-place steps, checking the file after
   each; the result must equal the edits' result. */
static void re_embed_in_steps(const spec *s, bool expect_steps_first)
{
    size_t len, once_len;
    uint8_t *data = make_mp4(s, &len);
    chaptag_chapters *a = chapters(30, 1000, "First version of the title");
    chaptag_chapters *b = chapters(30, 1000, "Other version of the title");
    planned p;
    plan_embed(data, len, a, CHAPTAG_MP4_BOTH, &p);
    assert_int_equal(p.plan.n_steps > 0, expect_steps_first);
    uint8_t *once = p.plan.n_steps ? ct_test_apply_steps(data, len, &p.plan, &once_len, check_valid)
                                   : ct_test_apply_edits(data, len, &p.plan, &once_len);
    size_t want_len;
    uint8_t *want = ct_test_apply_edits(data, len, &p.plan, &want_len);
    if (p.plan.n_steps) { /* steps and edits agree, except free-box content */
        assert_int_equal(once_len, want_len);
    }
    planned_free(&p);
    free(want);
    plan_embed(once, once_len, b, CHAPTAG_MP4_BOTH, &p);
    assert_true(p.plan.n_steps > 0);
    size_t twice_len;
    uint8_t *twice = ct_test_apply_steps(once, once_len, &p.plan, &twice_len, check_valid);
    assert_int_equal(twice_len, once_len);
    chaptag_chapters *back = read_back(twice, twice_len, NULL);
    assert_string_equal(chaptag_chapters_get(back, 29)->title, "Other version of the title 30");
    check_audio_chunks(twice, twice_len);
    chaptag_chapters_free(back);
    planned_free(&p);
    /* embedding the same again plans nothing */
    plan_embed(twice, twice_len, b, CHAPTAG_MP4_BOTH, &p);
    assert_int_equal(p.plan.n, 0);
    planned_free(&p);
    chaptag_chapters_free(a);
    chaptag_chapters_free(b);
    free(twice);
    free(once);
    free(data);
}

static void re_embed_in_place_leaves_a_valid_file_after_every_step(void **state)
{
    (void)state;
    spec first = {true, 0, 0};
    re_embed_in_steps(&first, false); /* moov first, no room: the first embed rewrites */
    spec roomy = {true, 0, 20000};
    re_embed_in_steps(&roomy, true); /* a big free after moov: in place from the start */
    spec last = {false, 0, 0};
    re_embed_in_steps(&last, true); /* moov last: appended, the old one freed */
}

static void a_shadow_copy_cut_short_leaves_two_moovs_that_read_and_mend(void **state)
{
    (void)state;
    spec s = {true, 0, 20000};
    size_t len, cut_len, mended_len;
    uint8_t *data = make_mp4(&s, &len);
    chaptag_chapters *a = chapters(3, 0, "Old"), *b = chapters(3, 0, "New");
    uint8_t *once = embed(data, len, a, &cut_len);
    free(data);
    data = once;
    len = cut_len;
    /* lay out anew (strip, then embed into the room left): a shadow copy whose last step,
       the old moov retyped to free, never happens */
    spec roomy = {true, 0, 20000};
    size_t fresh_len;
    uint8_t *fresh = make_mp4(&roomy, &fresh_len);
    planned p;
    plan_embed(fresh, fresh_len, b, CHAPTAG_MP4_BOTH, &p);
    assert_true(p.plan.n_steps >= 2);
    size_t all_steps = p.plan.n_steps, retype = 0;
    for (size_t i = 0; i < all_steps; i++) /* the old moov's retype to free: 4 bytes "free" */
        if (p.plan.steps[i].n_pieces == 1 && p.plan.steps[i].pieces[0].len == 4 &&
            p.plan.steps[i].pieces[0].bytes && memcmp(p.plan.steps[i].pieces[0].bytes, "free", 4) == 0)
            retype = i;
    assert_true(retype > 0);
    p.plan.n_steps = retype; /* cut short before it */
    uint8_t *cut = ct_test_apply_steps(fresh, fresh_len, &p.plan, &cut_len, check_valid);
    p.plan.n_steps = all_steps; /* so the step never applied is freed too */
    planned_free(&p);
    chaptag_file_info info;
    chaptag_chapters *back = read_back(cut, cut_len, &info);
    assert_int_equal(chaptag_chapters_count(back), 0); /* the first moov: the old one */
    assert_true(chaptag_chapters_warning_count(back) > 0);
    chaptag_chapters_free(back);
    uint8_t *mended = embed(cut, cut_len, b, &mended_len);
    back = read_back(mended, mended_len, &info);
    assert_int_equal(chaptag_chapters_count(back), 3);
    assert_int_equal(chaptag_chapters_warning_count(back), 0); /* one moov again */
    check_audio_chunks(mended, mended_len);
    chaptag_chapters_free(back);
    chaptag_chapters_free(a);
    chaptag_chapters_free(b);
    free(mended);
    free(cut);
    free(fresh);
    free(data);
}

/* Plans L (NULL: strip) into DATA and carries it out step by step, checking the file after
   each step and that steps and edits give the same file; returns the new file. */
static uint8_t *apply_checked(const uint8_t *data, size_t len, const chaptag_chapters *l,
                              size_t *out_len)
{
    planned p;
    plan_embed(data, len, l, CHAPTAG_MP4_BOTH, &p);
    uint8_t *out = p.plan.n_steps ? ct_test_apply_steps(data, len, &p.plan, out_len, check_valid)
                                  : ct_test_apply_edits(data, len, &p.plan, out_len);
    size_t edits_len;
    uint8_t *edits = ct_test_apply_edits(data, len, &p.plan, &edits_len);
    assert_bytes_equal(out, *out_len, edits, edits_len);
    free(edits);
    planned_free(&p);
    chaptag_chapters *back = read_back(out, *out_len, NULL);
    assert_int_equal(chaptag_chapters_count(back), l ? chaptag_chapters_count(l) : 0);
    if (l != NULL)
        assert_string_equal(chaptag_chapters_get(back, 0)->title, chaptag_chapters_get(l, 0)->title);
    chaptag_chapters_free(back);
    check_audio_chunks(out, *out_len);
    return out;
}

/* True when NEEDLE occurs in the LEN bytes at DATA. */
static bool holds(const uint8_t *data, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(data + i, needle, n) == 0)
            return true;
    return false;
}

static void a_last_box_of_size_zero_survives_every_path(void **state)
{
    (void)state;
    spec s = {false, 0, 0}; /* moov last */
    size_t len, a_len, b_len, c_len, d_len;
    uint8_t *data = make_mp4(&s, &len);
    size_t mdat_at = ct_load_u32be(data); /* after ftyp */
    size_t moov_at = mdat_at + ct_load_u32be(data + mdat_at);
    assert_memory_equal(data + moov_at + 4, "moov", 4);
    ct_store_u32be(data + moov_at, 0); /* "to the end of the file" */
    chaptag_chapters *a = chapters(3, 0, "Short"), *b = chapters(40, 0, "A longer list");
    uint8_t *one = apply_checked(data, len, a, &a_len);   /* appended past the end */
    uint8_t *two = apply_checked(one, a_len, b, &b_len);  /* a new layout again */
    uint8_t *three = apply_checked(two, b_len, a, &c_len); /* in place */
    uint8_t *four = apply_checked(three, c_len, NULL, &d_len); /* strip */
    free(one);
    free(two);
    free(three);
    free(four);
    free(data);
    chaptag_chapters_free(a);
    chaptag_chapters_free(b);
}

static void removed_titles_are_zeroed_not_hidden(void **state)
{
    (void)state;
    for (int moov_first = 0; moov_first < 2; moov_first++) {
        spec s = {moov_first, 0, 0};
        size_t len, a_len, b_len, c_len, d_len;
        uint8_t *data = make_mp4(&s, &len);
        chaptag_chapters *a = chapters(3, 0, "SPOILER"), *b = chapters(40, 0, "Other list");
        chaptag_chapters *c = chapters(3, 0, "Second SPOILER");
        uint8_t *one = apply_checked(data, len, a, &a_len);
        assert_true(holds(one, a_len, "SPOILER 1"));
        uint8_t *two = apply_checked(one, a_len, b, &b_len); /* a new layout */
        assert_false(holds(two, b_len, "SPOILER"));
        uint8_t *three = apply_checked(two, b_len, c, &c_len); /* in the slots */
        assert_false(holds(three, c_len, "Other list"));
        uint8_t *four = apply_checked(three, c_len, NULL, &d_len); /* strip */
        assert_false(holds(four, d_len, "SPOILER"));
        free(one);
        free(two);
        free(three);
        free(four);
        free(data);
        chaptag_chapters_free(a);
        chaptag_chapters_free(b);
        chaptag_chapters_free(c);
    }
}

static void a_chunk_table_counting_past_its_box_is_refused(void **state)
{
    (void)state;
    spec s = {true, 0, 0};
    size_t len;
    uint8_t *data = make_mp4(&s, &len);
    uint8_t *stco = NULL;
    for (size_t i = 0; i + 4 <= len && stco == NULL; i++)
        if (memcmp(data + i, "stco", 4) == 0)
            stco = data + i;
    assert_non_null(stco);
    ct_store_u32be(stco + 8, CHUNKS + 1); /* one entry more than the box holds */
    ct_file *f = ct_file_memory(data, len);
    chaptag_chapters *list = chaptag_chapters_new(), *l = chapters(2, 0, "A");
    chaptag_file_info info;
    chaptag_error err = {0};
    assert_int_equal(ct_backend_read(&ct_backend_mp4, f, "x", list, &info, &err), CHAPTAG_ERR_AUDIO);
    assert_non_null(strstr(err.msg, "damaged"));
    ct_plan plan = CT_PLAN_INIT;
    struct chaptag_report rep;
    memset(&rep, 0, sizeof rep);
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    assert_int_equal(ct_backend_plan(&ct_backend_mp4, f, l, &o, &plan, &rep, &err), CHAPTAG_ERR_AUDIO);
    ct_plan_free(&plan);
    ct_buf_free(&rep.plan);
    ct_warnings_clear(&rep.warnings);
    chaptag_chapters_free(list);
    chaptag_chapters_free(l);
    ct_file_close(f);
    free(data);
}

static void strip_removes_the_track_its_reference_and_chpl(void **state)
{
    (void)state;
    spec s = {true, 0, 0};
    size_t len, out_len, stripped_len;
    uint8_t *data = make_mp4(&s, &len);
    chaptag_chapters *l = chapters(3, 0, "Gone");
    uint8_t *out = embed(data, len, l, &out_len);
    planned p;
    plan_embed(out, out_len, NULL, CHAPTAG_MP4_BOTH, &p);
    uint8_t *stripped = ct_test_apply_steps(out, out_len, &p.plan, &stripped_len, check_valid);
    chaptag_file_info info;
    chaptag_chapters *back = read_back(stripped, stripped_len, &info);
    assert_int_equal(chaptag_chapters_count(back), 0);
    assert_string_equal(info.flavours, "none");
    for (size_t i = 0; i + 4 <= stripped_len; i++) /* no tref, no chpl anywhere */
        assert_false(memcmp(stripped + i, "tref", 4) == 0 || memcmp(stripped + i, "chpl", 4) == 0);
    check_audio_chunks(stripped, stripped_len);
    chaptag_chapters_free(back);
    chaptag_chapters_free(l);
    planned_free(&p);
    free(stripped);
    free(out);
    free(data);
}

/* Found by fuzzing: two tracks of one ID made strip retype the same trak twice. The reader
   refuses such a file, since tref and the chapter track are found by ID. */
static void two_tracks_with_one_id_are_refused(void **state)
{
    (void)state;
    spec s = {1, 0, 0};
    size_t len, out_len;
    uint8_t *data = make_mp4(&s, &len);
    chaptag_chapters *l = chapters(2, 0, "Chapter");
    uint8_t *out = embed(data, len, l, &out_len);
    uint8_t *tkhd = NULL; /* the second tkhd: the chapter track's */
    for (size_t i = 0, seen = 0; i + 4 <= out_len && tkhd == NULL; i++)
        if (memcmp(out + i, "tkhd", 4) == 0 && ++seen == 2)
            tkhd = out + i;
    assert_non_null(tkhd);
    assert_int_equal(ct_load_u32be(tkhd + 16), 2);
    ct_store_u32be(tkhd + 16, 1); /* the audio track's ID */

    ct_file *f = ct_file_memory(out, out_len);
    chaptag_chapters *back = chaptag_chapters_new();
    chaptag_file_info info;
    chaptag_error err = {0};
    assert_int_equal(ct_backend_read(&ct_backend_mp4, f, "t.m4a", back, &info, &err), CHAPTAG_ERR_AUDIO);
    assert_string_equal(err.msg, "two tracks have the ID 1 (the file is damaged)");
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    ct_plan plan = CT_PLAN_INIT;
    struct chaptag_report rep = {0};
    assert_int_equal(ct_backend_plan(&ct_backend_mp4, f, NULL, &o, &plan, &rep, &err), CHAPTAG_ERR_AUDIO);
    ct_plan_free(&plan);
    ct_buf_free(&rep.plan);
    ct_warnings_clear(&rep.warnings);
    ct_file_close(f);
    chaptag_chapters_free(back);
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

/* A crafted moov of thousands of tracks is refused before any pairwise work on them (found
   in review: 99,000 text tracks kept dump busy for minutes). */
static void more_tracks_than_a_real_file_are_refused(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    size_t at = ct_box_begin(&b, "ftyp");
    ct_buf_put(&b, "M4A \0\0\0\0M4A isom", 16);
    ct_box_end(&b, at);
    size_t moov = ct_box_begin(&b, "moov");
    at = ct_box_begin(&b, "mvhd");
    ct_buf_put_zeros(&b, 12);
    ct_buf_put_u32be(&b, 1000);
    ct_buf_put_u32be(&b, 60000);
    ct_buf_put_zeros(&b, 80);
    ct_box_end(&b, at);
    for (uint32_t id = 1; id <= 1025; id++) {
        size_t trak = ct_box_begin(&b, "trak");
        at = ct_box_begin(&b, "tkhd");
        ct_buf_put_u32be(&b, 3);
        ct_buf_put_zeros(&b, 8);
        ct_buf_put_u32be(&b, id);
        ct_buf_put_zeros(&b, 68);
        ct_box_end(&b, at);
        size_t mdia = ct_box_begin(&b, "mdia");
        at = ct_box_begin(&b, "mdhd");
        ct_buf_put_zeros(&b, 12);
        ct_buf_put_u32be(&b, 1000);
        ct_buf_put_zeros(&b, 8);
        ct_box_end(&b, at);
        at = ct_box_begin(&b, "hdlr");
        ct_buf_put_zeros(&b, 8);
        ct_buf_put(&b, "text", 4);
        ct_buf_put_zeros(&b, 13);
        ct_box_end(&b, at);
        ct_box_end(&b, mdia);
        ct_box_end(&b, trak);
    }
    ct_box_end(&b, moov);
    ct_file *f = ct_file_memory(b.data, b.len);
    chaptag_chapters *back = chaptag_chapters_new();
    chaptag_file_info info;
    chaptag_error err = {0};
    assert_int_equal(ct_backend_read(&ct_backend_mp4, f, "t.m4a", back, &info, &err), CHAPTAG_ERR_AUDIO);
    assert_string_equal(err.msg, "1025 tracks: more than the 1024 a real file has (the file is "
                                 "damaged)");
    ct_file_close(f);
    chaptag_chapters_free(back);
    ct_buf_free(&b);
}

static void the_duration_measured_before_a_plan_is_the_one_it_reports(void **state)
{
    (void)state;
    spec s = {true, 0, 0};
    size_t len;
    uint8_t *data = make_mp4(&s, &len);
    ct_file *f = ct_file_memory(data, len);
    chaptag_error err = {0};
    void *st = NULL;
    assert_int_equal(ct_backend_mp4.open(f, "t.m4a", &st, &err), CHAPTAG_OK);
    uint64_t ms = ct_backend_mp4.duration(st);
    assert_true(ms > 0);
    assert_int_equal(ct_backend_mp4.duration(st), ms); /* asked again: the same */
    chaptag_chapters *l = chapters(3, 0, "Once");
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    ct_plan plan = CT_PLAN_INIT;
    struct chaptag_report rep;
    memset(&rep, 0, sizeof rep);
    assert_int_equal(ct_backend_mp4.plan(st, l, &o, &plan, &rep, &err), CHAPTAG_OK);
    assert_int_equal(rep.info.duration_ms, ms);
    assert_int_equal(ct_backend_mp4.duration(st), ms); /* the plan's tree edits change nothing */
    ct_backend_mp4.close(st);
    ct_plan_free(&plan);
    ct_buf_free(&rep.plan);
    ct_warnings_clear(&rep.warnings);
    chaptag_chapters_free(l);
    ct_file_close(f);
    free(data);
}

/* L with link URL (NULL: none) on every chapter, "?n" added for chapter n. */
static void set_links(chaptag_chapters *l, const char *url)
{
    for (size_t i = 0; i < chaptag_chapters_count(l); i++) {
        char u[300];
        snprintf(u, sizeof u, "%s?%zu", url ? url : "", i + 1);
        assert_int_equal(chaptag_chapters_set_url(l, i, url ? u : NULL, NULL), CHAPTAG_OK);
    }
}

/* The link of chapter I of LIST, "" for none. */
static const char *url_of(const chaptag_chapters *list, size_t i)
{
    const char *u = chaptag_chapter_url(chaptag_chapters_get(list, i));
    return u ? u : "";
}

static void links_are_written_read_back_and_kept_only_with_the_quicktime_track(void **state)
{
    (void)state;
    spec s = {true, 0, 20000};
    size_t len, out_len;
    uint8_t *data = make_mp4(&s, &len);
    chaptag_chapters *l = chapters(3, 0, "Linked");
    set_links(l, "https://example.com/a");
    for (int style = 0; style < 3; style++) {
        int styles[] = {CHAPTAG_MP4_BOTH, CHAPTAG_MP4_QT, CHAPTAG_MP4_NERO};
        planned p;
        plan_embed(data, len, l, styles[style], &p);
        assert_int_equal(p.rep.keeps, styles[style] == CHAPTAG_MP4_NERO ? 0 : CT_KEEPS_LINKS);
        assert_false(p.rep.keeps & CT_KEEPS_PICTURES);
        uint8_t *out = ct_test_apply_edits(data, len, &p.plan, &out_len);
        chaptag_chapters *back = read_back(out, out_len, NULL);
        assert_int_equal(chaptag_chapters_count(back), 3);
        assert_string_equal(url_of(back, 2), styles[style] == CHAPTAG_MP4_NERO
                                                 ? "" : "https://example.com/a?3");
        assert_string_equal(chaptag_chapters_get(back, 2)->title, "Linked 3");
        chaptag_chapters_free(back);
        planned_free(&p);
        free(out);
    }
    chaptag_chapters_free(l);
    free(data);
}

/* Plans L into DATA, carries it out step by step; returns the new file and, in *WROTE, the
   number of bytes the plan writes. */
static uint8_t *embed_counted(const uint8_t *data, size_t len, const chaptag_chapters *l,
                              size_t *out_len, size_t *wrote)
{
    planned p;
    plan_embed(data, len, l, CHAPTAG_MP4_BOTH, &p);
    *wrote = 0;
    for (size_t i = 0; i < p.plan.n_steps; i++)
        for (size_t k = 0; k < p.plan.steps[i].n_pieces; k++)
            *wrote += p.plan.steps[i].pieces[k].len;
    *wrote += p.plan.n; /* edits without steps: a rewrite */
    uint8_t *out = p.plan.n_steps ? ct_test_apply_steps(data, len, &p.plan, out_len, check_valid)
                                  : ct_test_apply_edits(data, len, &p.plan, out_len);
    planned_free(&p);
    return out;
}

static void adding_changing_and_removing_links_goes_in_place_and_the_same_again_writes_nothing(
    void **state)
{
    (void)state;
    spec s = {true, 0, 20000};
    size_t len, wrote;
    uint8_t *data = make_mp4(&s, &len);
    chaptag_chapters *l = chapters(5, 0, "Episode part");
    const char *links[] = {NULL, "https://example.com/one", "https://example.com/two", NULL};
    size_t cur_len = len;
    uint8_t *cur = embed_counted(data, len, l, &cur_len, &wrote); /* no links first */
    for (size_t k = 1; k < 4; k++) {
        set_links(l, links[k]);
        size_t next_len;
        uint8_t *next = embed_counted(cur, cur_len, l, &next_len, &wrote);
        assert_true(wrote > 0); /* a link added, changed, removed: written */
        assert_int_equal(next_len, cur_len); /* in the slots */
        chaptag_chapters *back = read_back(next, next_len, NULL);
        char want[300];
        snprintf(want, sizeof want, "%s?4", links[k]);
        assert_string_equal(url_of(back, 3), links[k] ? want : "");
        assert_int_equal(chaptag_chapters_warning_count(back), 0);
        chaptag_chapters_free(back);
        free(cur);
        cur = next;
        cur_len = next_len;
        if (links[k] == NULL)
            assert_false(holds(cur, cur_len, "example.com")); /* the old links zeroed */
        size_t again_len;
        uint8_t *again = embed_counted(cur, cur_len, l, &again_len, &wrote);
        assert_int_equal(wrote, 0); /* the same chapters and links again: nothing */
        free(again);
    }
    check_audio_chunks(cur, cur_len);
    free(cur);
    chaptag_chapters_free(l);
    free(data);
}

/* The offset of the first NEEDLE (N bytes) in the LEN bytes at DATA. */
static size_t find_bytes(const uint8_t *data, size_t len, const char *needle, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(data + i, needle, n) == 0)
            return i;
    fail_msg("not found: %s", needle);
    return 0;
}

static void the_reader_takes_a_link_after_other_boxes_and_ignores_a_bad_one(void **state)
{
    (void)state;
    spec s = {true, 0, 0};
    size_t len, out_len;
    uint8_t *data = make_mp4(&s, &len);
    chaptag_chapters *l = chapters(2, 0, "T");
    set_links(l, "http://a.b/c");
    uint8_t *out = embed(data, len, l, &out_len);
    size_t href = find_bytes(out, out_len, "href", 4);
    size_t encd = find_bytes(out, out_len, "encd", 4);
    memcpy(out + encd, "xyzw", 4); /* another box before the href: stepped over */
    chaptag_chapters *back = read_back(out, out_len, NULL);
    assert_string_equal(url_of(back, 0), "http://a.b/c?1");
    chaptag_chapters_free(back);
    out[href + 4 + 4 + 1 + 3] = 0x07; /* a control character in the url: not taken */
    back = read_back(out, out_len, NULL);
    assert_string_equal(url_of(back, 0), "");
    assert_string_equal(chaptag_chapters_get(back, 0)->title, "T 1");
    assert_string_equal(url_of(back, 1), "http://a.b/c?2");
    chaptag_chapters_free(back);
    out[href + 4 + 4 + 1 + 3] = 0xff; /* not UTF-8 */
    back = read_back(out, out_len, NULL);
    assert_string_equal(url_of(back, 0), "");
    chaptag_chapters_free(back);
    ct_store_u32be(out + href - 4, 0x7fffffff); /* a size past the sample: the walk ends */
    back = read_back(out, out_len, NULL);
    assert_string_equal(url_of(back, 0), "");
    assert_string_equal(chaptag_chapters_get(back, 0)->title, "T 1");
    assert_int_equal(chaptag_chapters_count(back), 2);
    chaptag_chapters_free(back);
    ct_store_u32be(out + href - 4, 12); /* an href too short for its url length */
    back = read_back(out, out_len, NULL);
    assert_string_equal(url_of(back, 0), "");
    chaptag_chapters_free(back);
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

/* Turns the chapter track of the file at DATA into the layout earlier chaptag versions wrote:
   every sample in one chunk (stsc 1, N, 1; one stco entry, the rest of the table a free box). */
static void make_one_chunk(uint8_t *data, size_t len, uint32_t n)
{
    size_t stsc = find_bytes(data, len, "stsc\0\0\0\0\0\0\0\x01\0\0\0\x01\0\0\0\x01", 20);
    ct_store_u32be(data + stsc + 16, n);
    size_t stco = 0; /* the chapter track's: after its stsc */
    stco = stsc + find_bytes(data + stsc, len - stsc, "stco", 4);
    uint32_t size = ct_load_u32be(data + stco - 4);
    assert_int_equal(size, 16 + 4 * n);
    ct_store_u32be(data + stco - 4, 20);
    ct_store_u32be(data + stco + 8, 1);
    ct_store_u32be(data + stco + 16, 4 * (n - 1)); /* a free box over the other entries */
    memcpy(data + stco + 20, "free", 4);
}

static void a_track_with_every_sample_in_one_chunk_still_reads_and_is_rewritten_per_chunk(
    void **state)
{
    (void)state;
    spec s = {true, 0, 20000};
    size_t len, out_len, wrote;
    uint8_t *data = make_mp4(&s, &len);
    chaptag_chapters *l = chapters(4, 0, "Old layout");
    set_links(l, "https://example.com/x");
    uint8_t *out = embed_counted(data, len, l, &out_len, &wrote);
    make_one_chunk(out, out_len, 4);
    chaptag_chapters *back = read_back(out, out_len, NULL);
    assert_int_equal(chaptag_chapters_count(back), 4);
    assert_string_equal(chaptag_chapters_get(back, 3)->title, "Old layout 4");
    assert_string_equal(url_of(back, 3), "https://example.com/x?4");
    assert_int_equal(chaptag_chapters_get(back, 3)->start_ms, 3 * 12500);
    chaptag_chapters_free(back);
    size_t again_len;
    uint8_t *again = embed_counted(out, out_len, l, &again_len, &wrote);
    assert_true(wrote > 0); /* the same chapters, but the layout changes */
    assert_int_equal(again_len, out_len); /* in the slots */
    back = read_back(again, again_len, NULL);
    assert_string_equal(url_of(back, 3), "https://example.com/x?4");
    chaptag_chapters_free(back);
    find_bytes(again, again_len, "stsc\0\0\0\0\0\0\0\x01\0\0\0\x01\0\0\0\x01\0\0\0\x01", 24);
    free(again);
    free(out);
    chaptag_chapters_free(l);
    free(data);
}

/* The findings of lint on the LEN bytes at DATA with CODE. */
static size_t count_findings(const uint8_t *data, size_t len, const char *code,
                             chaptag_severity *sev)
{
    ct_file *f = ct_file_memory(data, len);
    ct_findings out = {0};
    assert_int_equal(ct_backend_lint(&ct_backend_mp4, f, &out, NULL), CHAPTAG_OK);
    size_t n = 0;
    for (size_t i = 0; i < out.n; i++)
        if (strcmp(out.v[i].code, code) == 0) {
            n++;
            *sev = out.v[i].severity;
        }
    ct_findings_clear(&out);
    ct_file_close(f);
    return n;
}

/* A list of two chapters, the second titled TITLE. */
static chaptag_chapters *short_and(const char *title)
{
    chaptag_chapters *l = chapters(1, 0, "Short");
    chaptag_chapter ch = {.start_ms = 20000, .end_ms = CHAPTAG_TIME_NONE, .title = title,
                          .line = 2};
    assert_int_equal(chaptag_chapters_add(l, &ch, NULL), CHAPTAG_OK);
    return l;
}

static void a_chpl_title_cut_at_127_or_255_bytes_is_a_note_not_a_disagreement(void **state)
{
    (void)state;
    char title[401];
    for (int i = 0; i < 200; i++)
        memcpy(title + 2 * i, "\xc3\xa9", 2); /* é: 127 and 255 fall inside one */
    title[400] = 0;
    size_t cuts[] = {126, 254, 64, 127};
    for (int k = 0; k < 4; k++) {
        char cut[401];
        memcpy(cut, title, cuts[k]);
        cut[cuts[k]] = 0;
        chaptag_chapters *qt = short_and(title), *nero = short_and(cut);
        ct_warnings w = {0}, notes = {0};
        ct_mp4_compare_flavours(qt, nero, &w, &notes);
        bool note = k < 2; /* 64: not where anyone cuts; 127: not on a character boundary */
        assert_int_equal(notes.n, note ? 1 : 0);
        assert_int_equal(w.n, note ? 0 : 1);
        if (note)
            assert_non_null(strstr(notes.v[0].msg, "cut"));
        ct_warnings_clear(&w);
        ct_warnings_clear(&notes);
        chaptag_chapters_free(qt);
        chaptag_chapters_free(nero);
    }
    /* verify (lint) on a file: a note, not a disagreement */
    spec s = {true, 0, 0};
    size_t len, out_len;
    uint8_t *data = make_mp4(&s, &len);
    chaptag_chapters *l = short_and(title);
    uint8_t *out = embed(data, len, l, &out_len);
    chaptag_severity sev = CHAPTAG_ERROR;
    assert_int_equal(count_findings(out, out_len, "chpl-title-cut", &sev), 1);
    assert_int_equal(sev, CHAPTAG_NOTE);
    assert_int_equal(count_findings(out, out_len, "flavours-disagree", &sev), 0);
    chaptag_chapters *back = read_back(out, out_len, NULL); /* dump: no word either */
    assert_int_equal(chaptag_chapters_warning_count(back), 0);
    chaptag_chapters_free(back);
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(both_flavours_are_written_and_read_back),
        cmocka_unit_test(a_first_chapter_after_zero_gets_a_filler_that_is_not_read_back),
        cmocka_unit_test(chpl_titles_are_cut_at_127_bytes_on_a_character_boundary),
        cmocka_unit_test(more_than_255_chapters_leave_chpl_out_or_are_refused_for_chpl_alone),
        cmocka_unit_test(chunk_offsets_past_4_gib_make_the_audio_table_co64),
        cmocka_unit_test(re_embed_in_place_leaves_a_valid_file_after_every_step),
        cmocka_unit_test(a_shadow_copy_cut_short_leaves_two_moovs_that_read_and_mend),
        cmocka_unit_test(strip_removes_the_track_its_reference_and_chpl),
        cmocka_unit_test(a_last_box_of_size_zero_survives_every_path),
        cmocka_unit_test(a_chunk_table_counting_past_its_box_is_refused),
        cmocka_unit_test(removed_titles_are_zeroed_not_hidden),
        cmocka_unit_test(two_tracks_with_one_id_are_refused),
        cmocka_unit_test(more_tracks_than_a_real_file_are_refused),
        cmocka_unit_test(the_duration_measured_before_a_plan_is_the_one_it_reports),
        cmocka_unit_test(links_are_written_read_back_and_kept_only_with_the_quicktime_track),
        cmocka_unit_test(
            adding_changing_and_removing_links_goes_in_place_and_the_same_again_writes_nothing),
        cmocka_unit_test(the_reader_takes_a_link_after_other_boxes_and_ignores_a_bad_one),
        cmocka_unit_test(
            a_track_with_every_sample_in_one_chunk_still_reads_and_is_rewritten_per_chunk),
        cmocka_unit_test(a_chpl_title_cut_at_127_or_255_bytes_is_a_note_not_a_disagreement),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
