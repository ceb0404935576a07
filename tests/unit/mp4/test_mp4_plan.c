/* Tests of the MP4 planners (src/mp4/mp4_layout.c, src/mp4/mp4_slots.c) on trees crafted here
   box by box: the rewrite, the shadow copy after moov, past the end of the file and in free
   space before moov, the re-embed into the slots and the strip by retyping. Every plan is
   carried out step by step with the file checked after each step, and must give the same
   bytes as its edits. */
#include "testutil.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "mp4_int.h"

#define CHUNKS 4
#define CHUNK_BYTES 500

/* A sound track of CHUNKS chunks of one 500-byte sample each, at AUDIO_AT on. */
static void put_audio_trak(ct_buf *b, uint64_t audio_at)
{
    size_t trak = ct_box_begin(b, "trak"), at = ct_box_begin(b, "tkhd");
    ct_buf_put_u32be(b, 3);     /* version 0, enabled, in movie */
    ct_buf_put_zeros(b, 8);     /* creation and modification times */
    ct_buf_put_u32be(b, 1);     /* track ID */
    ct_buf_put_u32be(b, 0);
    ct_buf_put_u32be(b, 60000); /* duration, movie timescale */
    ct_buf_put_zeros(b, 60);    /* reserved, layer, volume, matrix, width, height */
    ct_box_end(b, at);
    size_t mdia = ct_box_begin(b, "mdia");
    at = ct_box_begin(b, "mdhd");
    ct_buf_put_zeros(b, 12);
    ct_buf_put_u32be(b, 8000);   /* timescale */
    ct_buf_put_u32be(b, 480000); /* duration: 60 s */
    ct_buf_put_zeros(b, 4);
    ct_box_end(b, at);
    at = ct_box_begin(b, "hdlr");
    ct_buf_put_zeros(b, 8);
    ct_buf_put(b, "soun", 4);
    ct_buf_put_zeros(b, 13);
    ct_box_end(b, at);
    size_t minf = ct_box_begin(b, "minf"), stbl = ct_box_begin(b, "stbl");
    at = ct_box_begin(b, "stco");
    ct_buf_put_zeros(b, 4);
    ct_buf_put_u32be(b, CHUNKS);
    for (uint32_t k = 0; k < CHUNKS; k++)
        ct_buf_put_u32be(b, (uint32_t)(audio_at + k * CHUNK_BYTES));
    ct_box_end(b, at);
    ct_box_end(b, stbl);
    ct_box_end(b, minf);
    ct_box_end(b, mdia);
    ct_box_end(b, trak);
}

/* The JPEG bytes of a WxH picture marked MARK (headers only: what chaptag reads of it) in
   OUT; their count. */
static size_t fake_jpeg(uint8_t *out, unsigned w, unsigned h, uint8_t mark)
{
    const uint8_t jpeg[] = {0xFF, 0xD8,                               /* SOI */
                            0xFF, 0xC0, 0, 11, 8,                     /* SOF0, 8 bits */
                            (uint8_t)(h >> 8), (uint8_t)h, (uint8_t)(w >> 8), (uint8_t)w,
                            1, 1, 0x11, 0,                            /* one component */
                            0xFF, 0xFE, 0, 6, 'p', 'i', 'c', mark,    /* COM "pic" MARK */
                            0xFF, 0xD9};                              /* EOI */
    memcpy(out, jpeg, sizeof jpeg);
    return sizeof jpeg;
}

/* udta/meta/ilst with an iTunes cover art item (covr) holding the picture marked 'C'. */
static void put_cover(ct_buf *b)
{
    uint8_t pic[32];
    size_t n = fake_jpeg(pic, 16, 16, 'C');
    size_t udta = ct_box_begin(b, "udta"), meta = ct_box_begin(b, "meta");
    ct_buf_put_u32be(b, 0); /* version, flags: an ISO full box */
    size_t at = ct_box_begin(b, "hdlr");
    ct_buf_put_zeros(b, 8);
    ct_buf_put(b, "mdirappl", 8);
    ct_buf_put_zeros(b, 9);
    ct_box_end(b, at);
    size_t ilst = ct_box_begin(b, "ilst"), covr = ct_box_begin(b, "covr");
    at = ct_box_begin(b, "data");
    ct_buf_put_u32be(b, 13); /* well-known type: JPEG */
    ct_buf_put_u32be(b, 0);  /* locale */
    ct_buf_put(b, pic, n);
    ct_box_end(b, at);
    ct_box_end(b, covr);
    ct_box_end(b, ilst);
    ct_box_end(b, meta);
    ct_box_end(b, udta);
}

/* moov: mvhd (timescale 1000, 60 s, next track 2) and the sound track; COVER: cover art. */
static void put_moov(ct_buf *b, uint64_t audio_at, bool cover)
{
    size_t moov = ct_box_begin(b, "moov"), at = ct_box_begin(b, "mvhd");
    ct_buf_put_zeros(b, 12);
    ct_buf_put_u32be(b, 1000);
    ct_buf_put_u32be(b, 60000);
    ct_buf_put_zeros(b, 76);
    ct_buf_put_u32be(b, 2); /* next track ID */
    ct_box_end(b, at);
    put_audio_trak(b, audio_at);
    if (cover)
        put_cover(b);
    ct_box_end(b, moov);
}

static uint8_t audio_byte(size_t i)
{
    return (uint8_t)(i * 29 + 3);
}

/* Appends the top-level box LETTER stands for: y ftyp, m moov (c with cover art), a the audio
   mdat (A with a 64-bit size), f a free box of 64 bytes, F one of 40,000. */
static void put_top(ct_buf *b, char letter, uint64_t audio_at)
{
    size_t at;
    switch (letter) {
    case 'y':
        at = ct_box_begin(b, "ftyp");
        ct_buf_put(b, "M4A \0\0\0\0M4A isom", 16);
        ct_box_end(b, at);
        break;
    case 'm':
    case 'c':
        put_moov(b, audio_at, letter == 'c');
        break;
    case 'a':
        at = ct_box_begin(b, "mdat");
        for (size_t i = 0; i < CHUNKS * CHUNK_BYTES; i++)
            ct_buf_put_u8(b, audio_byte(i));
        ct_box_end(b, at);
        break;
    case 'A': /* the audio mdat with a 64-bit size */
        ct_buf_put_u32be(b, 1);
        ct_buf_put(b, "mdat", 4);
        ct_buf_put_u64be(b, 16 + CHUNKS * CHUNK_BYTES);
        for (size_t i = 0; i < CHUNKS * CHUNK_BYTES; i++)
            ct_buf_put_u8(b, audio_byte(i));
        break;
    default:
        at = ct_box_begin(b, "free");
        ct_buf_put_zeros(b, letter == 'F' ? 40000 - 8 : 64 - 8);
        ct_box_end(b, at);
    }
}

/* A file of the top-level boxes LAYOUT names, in that order ("yma": moov before the audio). */
static uint8_t *craft(const char *layout, size_t *len)
{
    ct_buf b = CT_BUF_INIT;
    uint64_t audio_at = 0;
    for (int pass = 0; pass < 2; pass++) { /* the first pass finds where the audio lands */
        ct_buf_free(&b);
        for (const char *c = layout; *c; c++) {
            if (*c == 'a' || *c == 'A')
                audio_at = b.len + (*c == 'A' ? 16 : 8);
            put_top(&b, *c, audio_at);
        }
    }
    assert_true(ct_buf_ok(&b));
    return ct_buf_take(&b, len);
}

/* The offset of the first top-level box of TYPE in the LEN bytes at DATA; fails without one. */
static uint64_t top_offset(const uint8_t *data, size_t len, const char *type)
{
    ct_file *f = ct_file_memory(data, len);
    ct_box *tops;
    size_t n;
    chaptag_error err;
    assert_int_equal(ct_box_scan(f, &tops, &n, &err), CHAPTAG_OK);
    uint64_t off = UINT64_MAX;
    for (size_t i = n; i-- > 0;)
        if (ct_box_is(&tops[i], type))
            off = tops[i].off;
    ct_box_free_array(tops, n);
    ct_file_close(f);
    assert_true(off != UINT64_MAX);
    return off;
}

/* Checks chaptag's layout of a file whose audio mdat was its last box: that mdat is still
   the last and the only one, the audio first, then the titles (TITLE among them), so that
   music-metadata reads them; returns the mdat's growth. */
static uint64_t check_tail(const uint8_t *data, size_t len, const char *title)
{
    ct_file *f = ct_file_memory(data, len);
    ct_box *tops;
    size_t n, mdats = 0;
    chaptag_error err;
    assert_int_equal(ct_box_scan(f, &tops, &n, &err), CHAPTAG_OK);
    for (size_t i = 0; i < n; i++)
        mdats += ct_box_is(&tops[i], "mdat");
    const ct_box *md = &tops[n - 1];
    assert_int_equal(mdats, 1);
    assert_true(ct_box_is(md, "mdat"));
    assert_int_equal(md->off + md->size, len);
    uint64_t grown = md->size - md->hdr_len - CHUNKS * CHUNK_BYTES;
    const uint8_t *after = data + md->off + md->hdr_len + CHUNKS * CHUNK_BYTES;
    bool found = false;
    for (size_t i = 0; i + strlen(title) <= grown && !found; i++)
        found = memcmp(after + i, title, strlen(title)) == 0;
    assert_true(found);
    ct_box_free_array(tops, n);
    ct_file_close(f);
    return grown;
}

/* Every chunk of the sound track points at the audio bytes it pointed at. */
static void check_audio(const uint8_t *data, size_t len)
{
    ct_file *f = ct_file_memory(data, len);
    ct_box *tops;
    size_t n;
    chaptag_error err;
    assert_int_equal(ct_box_scan(f, &tops, &n, &err), CHAPTAG_OK);
    ct_box *moov = NULL;
    for (size_t i = n; i-- > 0;)
        moov = ct_box_is(&tops[i], "moov") ? &tops[i] : moov;
    assert_non_null(moov);
    assert_int_equal(ct_box_parse(f, moov, &err), CHAPTAG_OK);
    ct_box *co = ct_box_path(moov, "trak/mdia/minf/stbl/stco");
    assert_non_null(co);
    for (uint32_t k = 0; k < CHUNKS; k++) {
        uint64_t off = ct_load_u32be(co->data + 8 + 4 * (size_t)k);
        assert_true(off + CHUNK_BYTES <= len);
        for (size_t i = 0; i < CHUNK_BYTES; i += 61)
            assert_int_equal(data[off + i], audio_byte(k * CHUNK_BYTES + i));
    }
    ct_box_free_array(tops, n);
    ct_file_close(f);
}

/* After each step: the boxes cover the file, the backend reads it, the audio is in place. */
static void check_step(const uint8_t *data, size_t len, size_t step)
{
    ct_file *f = ct_file_memory(data, len);
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_file_info info;
    chaptag_error err = {0};
    if (ct_backend_read(&ct_backend_mp4, f, "step.m4a", list, &info, &err) != CHAPTAG_OK)
        fail_msg("after step %zu: %s", step, err.msg);
    chaptag_chapters_free(list);
    ct_file_close(f);
    check_audio(data, len);
}

/* What one plan did: its counts, the bytes its first 64 steps write, its warnings (one a
   line). */
typedef struct {
    size_t n_steps, n_edits;
    uint64_t padding;
    char warnings[2048];
    sample_span wrote[64];
} done_plan;

/* Plans L (NULL: strip) in STYLE with PADDING (-1: chaptag's choice) into DATA, carries it
   out step by step checking each, checks the steps and the edits give the same bytes and L
   reads back; returns the new file. */
static uint8_t *run(const uint8_t *data, size_t len, const chaptag_chapters *l, int style,
                    int64_t padding, size_t *out_len, done_plan *d)
{
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    o.mp4_style = style;
    o.padding = padding;
    ct_plan plan = CT_PLAN_INIT;
    struct chaptag_report rep;
    memset(&rep, 0, sizeof rep);
    chaptag_error err = {0};
    ct_file *f = ct_file_memory(data, len);
    if (ct_backend_plan(&ct_backend_mp4, f, l, &o, &plan, &rep, &err) != CHAPTAG_OK)
        fail_msg("plan: %s", err.msg);
    ct_file_close(f);
    memset(d, 0, sizeof *d);
    *d = (done_plan){plan.n_steps, plan.n, rep.padding, "", {{0, 0}}};
    for (size_t i = 0; i < plan.n_steps && i < 64; i++) {
        d->wrote[i].off = plan.steps[i].off;
        for (size_t k = 0; k < plan.steps[i].n_pieces; k++)
            d->wrote[i].len += plan.steps[i].pieces[k].len;
    }
    for (size_t i = 0; i < rep.warnings.n; i++)
        snprintf(d->warnings + strlen(d->warnings), sizeof d->warnings - strlen(d->warnings),
                 "%s\n", rep.warnings.v[i].msg);
    size_t edits_len;
    uint8_t *edits = ct_test_apply_edits(data, len, &plan, &edits_len);
    uint8_t *out = edits;
    *out_len = edits_len;
    if (plan.n_steps > 0) {
        out = ct_test_apply_steps(data, len, &plan, out_len, check_step);
        assert_bytes_equal(out, *out_len, edits, edits_len);
        free(edits);
    }
    ct_plan_free(&plan);
    ct_buf_free(&rep.plan);
    ct_warnings_clear(&rep.warnings);
    chaptag_chapters *back = ct_test_read(&ct_backend_mp4, out, *out_len, NULL);
    assert_int_equal(chaptag_chapters_count(back), l ? chaptag_chapters_count(l) : 0);
    for (size_t i = 0; l != NULL && i < chaptag_chapters_count(l); i++)
        assert_string_equal(chaptag_chapters_get(back, i)->title,
                            chaptag_chapters_get(l, i)->title);
    chaptag_chapters_free(back);
    check_audio(out, *out_len);
    return out;
}

/* True when NEEDLE occurs in the LEN bytes at DATA. */
static bool holds(const uint8_t *data, size_t len, const char *needle)
{
    for (size_t i = 0; i + strlen(needle) <= len; i++)
        if (memcmp(data + i, needle, strlen(needle)) == 0)
            return true;
    return false;
}

static void with_no_room_after_moov_the_file_is_rewritten_and_the_audio_moved(void **state)
{
    (void)state;
    size_t len, out_len;
    uint8_t *data = craft("yma", &len);
    chaptag_chapters *l = ct_test_chapters(5, 10000, "Rewritten");
    done_plan d;
    uint8_t *out = run(data, len, l, CHAPTAG_MP4_BOTH, -1, &out_len, &d);
    assert_int_equal(d.n_steps, 0);
    assert_int_equal(d.n_edits, 3); /* the region (moov, padding), the mdat's size, titles */
    assert_true(out_len > len);
    assert_true(top_offset(out, out_len, "moov") < top_offset(out, out_len, "mdat"));
    check_tail(out, out_len, "Rewritten 5");
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

static void a_rewrite_with_padding_asked_leaves_exactly_that_much(void **state)
{
    (void)state;
    size_t len, out_len;
    uint8_t *data = craft("yma", &len);
    chaptag_chapters *l = ct_test_chapters(3, 10000, "Padded");
    done_plan d;
    uint8_t *out = run(data, len, l, CHAPTAG_MP4_BOTH, 3000, &out_len, &d);
    assert_int_equal(d.n_steps, 0);
    assert_int_equal(d.padding, 3000);
    /* moov, then a free box of 3000 bytes before the audio, the titles after it */
    uint64_t audio = top_offset(out, out_len, "mdat");
    assert_memory_equal(out + audio - 3000, "\0\0\x0b\xb8" "free", 8);
    check_tail(out, out_len, "Padded 3");
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

static void free_space_after_moov_takes_a_shadow_copy_in_steps(void **state)
{
    (void)state;
    size_t len, out_len;
    uint8_t *data = craft("ymFa", &len);
    uint64_t old_moov = top_offset(data, len, "moov");
    chaptag_chapters *l = ct_test_chapters(4, 10000, "Shadowed");
    done_plan d;
    uint8_t *out = run(data, len, l, CHAPTAG_MP4_BOTH, -1, &out_len, &d);
    assert_true(d.n_steps > 0);
    /* nothing moved: the copy stands in the free box, the titles after the audio */
    assert_int_equal(out_len, len + check_tail(out, out_len, "Shadowed 4"));
    assert_true(top_offset(out, out_len, "moov") > old_moov);
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

static void a_moov_at_the_end_is_copied_past_the_end_in_steps(void **state)
{
    (void)state;
    size_t len, out_len;
    uint8_t *data = craft("yam", &len);
    uint64_t old_moov = top_offset(data, len, "moov");
    chaptag_chapters *l = ct_test_chapters(4, 10000, "Appended");
    done_plan d;
    uint8_t *out = run(data, len, l, CHAPTAG_MP4_BOTH, -1, &out_len, &d);
    assert_true(d.n_steps > 0);
    assert_true(out_len > len);
    assert_true(top_offset(out, out_len, "moov") >= len); /* the old one is free space now */
    assert_memory_equal(out + old_moov + 4, "free", 4);
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

static void free_space_before_moov_takes_the_copy_when_none_follows(void **state)
{
    (void)state;
    size_t len, out_len;
    uint8_t *data = craft("yFma", &len);
    uint64_t free_at = top_offset(data, len, "free"), old_moov = top_offset(data, len, "moov");
    chaptag_chapters *l = ct_test_chapters(4, 10000, "Before");
    done_plan d;
    uint8_t *out = run(data, len, l, CHAPTAG_MP4_BOTH, -1, &out_len, &d);
    assert_true(d.n_steps > 0);
    assert_int_equal(out_len, len + check_tail(out, out_len, "Before 4"));
    /* behind an 8-byte free header in the old free space, ahead of the old moov */
    assert_int_equal(top_offset(out, out_len, "moov"), free_at + 8);
    assert_memory_equal(out + old_moov + 4, "free", 4);
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

static void free_space_before_moov_too_small_is_taken_into_a_rewrite(void **state)
{
    (void)state;
    size_t len, out_len;
    uint8_t *data = craft("yfma", &len);
    uint64_t free_at = top_offset(data, len, "free");
    chaptag_chapters *l = ct_test_chapters(4, 10000, "Reclaimed");
    done_plan d;
    uint8_t *out = run(data, len, l, CHAPTAG_MP4_BOTH, -1, &out_len, &d);
    assert_int_equal(d.n_steps, 0);
    assert_int_equal(top_offset(out, out_len, "moov"), free_at); /* the region starts there */
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

static void a_re_embed_that_fits_writes_the_slots_and_moves_nothing(void **state)
{
    (void)state;
    size_t len, one_len, two_len;
    uint8_t *data = craft("yma", &len);
    chaptag_chapters *a = ct_test_chapters(6, 9000, "First take");
    chaptag_chapters *b = ct_test_chapters(6, 9000, "Other, longer take");
    done_plan d;
    uint8_t *one = run(data, len, a, CHAPTAG_MP4_BOTH, -1, &one_len, &d);
    uint64_t moov = top_offset(one, one_len, "moov");
    uint8_t *two = run(one, one_len, b, CHAPTAG_MP4_BOTH, -1, &two_len, &d);
    assert_true(d.n_steps > 0);
    assert_int_equal(d.n_edits, 3); /* the trak, the titles at the mdat's end and chpl */
    assert_int_equal(two_len, one_len);
    assert_int_equal(top_offset(two, two_len, "moov"), moov);
    assert_false(holds(two, two_len, "First take"));
    assert_int_equal(check_tail(two, two_len, "longer take 6"), check_tail(one, one_len, "take"));
    chaptag_chapters_free(a);
    chaptag_chapters_free(b);
    free(two);
    free(one);
    free(data);
}

static void a_re_embed_of_one_flavour_uses_only_its_slot(void **state)
{
    (void)state;
    static const int styles[] = {CHAPTAG_MP4_QT, CHAPTAG_MP4_NERO};
    for (size_t s = 0; s < 2; s++) {
        size_t len, one_len, two_len;
        uint8_t *data = craft("yma", &len);
        chaptag_chapters *a = ct_test_chapters(3, 15000, "Alpha");
        chaptag_chapters *b = ct_test_chapters(3, 15000, "Gamma ray");
        done_plan d;
        uint8_t *one = run(data, len, a, styles[s], -1, &one_len, &d);
        uint8_t *two = run(one, one_len, b, styles[s], -1, &two_len, &d);
        assert_true(d.n_steps > 0);
        assert_int_equal(d.n_edits, styles[s] == CHAPTAG_MP4_QT ? 2 : 1);
        assert_int_equal(two_len, one_len);
        assert_int_equal(holds(two, two_len, "chpl"), styles[s] == CHAPTAG_MP4_NERO);
        chaptag_chapters_free(a);
        chaptag_chapters_free(b);
        free(two);
        free(one);
        free(data);
    }
}

static void a_re_embed_too_big_for_its_slots_lays_out_anew(void **state)
{
    (void)state;
    size_t len, one_len, two_len;
    uint8_t *data = craft("yma", &len);
    chaptag_chapters *a = ct_test_chapters(2, 20000, "Short");
    chaptag_chapters *b = ct_test_chapters(50, 1000, "A much longer title than the first ones");
    done_plan d;
    uint8_t *one = run(data, len, a, CHAPTAG_MP4_BOTH, -1, &one_len, &d);
    uint64_t moov = top_offset(one, one_len, "moov");
    uint8_t *two = run(one, one_len, b, CHAPTAG_MP4_BOTH, -1, &two_len, &d);
    /* not in the slots, which keep moov where it is and the file's size */
    assert_true(top_offset(two, two_len, "moov") != moov || two_len > one_len);
    assert_false(holds(two, two_len, "Short 1"));
    chaptag_chapters_free(a);
    chaptag_chapters_free(b);
    free(two);
    free(one);
    free(data);
}

static void strip_retypes_in_place_and_zeroes_every_title(void **state)
{
    (void)state;
    for (int moov_last = 0; moov_last < 2; moov_last++) {
        size_t len, one_len, two_len;
        uint8_t *data = craft(moov_last ? "yam" : "yma", &len);
        chaptag_chapters *a = ct_test_chapters(3, 10000, "Secret");
        done_plan d;
        uint8_t *one = run(data, len, a, CHAPTAG_MP4_BOTH, -1, &one_len, &d);
        uint8_t *two = run(one, one_len, NULL, CHAPTAG_MP4_BOTH, -1, &two_len, &d);
        assert_true(d.n_steps > 0);
        assert_int_equal(two_len, one_len);
        assert_false(holds(two, two_len, "Secret"));
        assert_false(holds(two, two_len, "chpl"));
        assert_false(holds(two, two_len, "tref"));
        chaptag_chapters_free(a);
        free(two);
        free(one);
        free(data);
    }
}

/* Points the first chunk of the chapter track (the last trak in moov) in the LEN bytes at
   DATA at offset AT. */
static void aim_chapter_chunk(uint8_t *data, size_t len, uint32_t at)
{
    uint64_t moov = top_offset(data, len, "moov");
    uint64_t end = moov + ct_load_u32be(data + moov), co = 0;
    for (uint64_t i = moov; i + 4 <= end; i++)
        co = memcmp(data + i, "stco", 4) == 0 ? i : co;
    assert_true(co > moov);
    ct_store_u32be(data + co + 4 + 8, at); /* past the type, version and flags, count */
}

static void a_chapter_sample_outside_mdat_is_never_zeroed(void **state)
{
    (void)state;
    size_t len, one_len, two_len, three_len;
    uint8_t *data = craft("yma", &len);
    chaptag_chapters *a = ct_test_chapters(3, 10000, "Aimed");
    chaptag_chapters *b = ct_test_chapters(3, 10000, "Again");
    done_plan d;
    uint8_t *one = run(data, len, a, CHAPTAG_MP4_BOTH, -1, &one_len, &d);
    aim_chapter_chunk(one, one_len, 0); /* at ftyp's header: zeroed, nothing could read */
    /* every step of the strip and of the re-embed leaves a file that reads */
    uint8_t *two = run(one, one_len, NULL, CHAPTAG_MP4_BOTH, -1, &two_len, &d);
    assert_memory_equal(two + 4, "ftyp", 4);
    uint8_t *three = run(one, one_len, b, CHAPTAG_MP4_BOTH, -1, &three_len, &d);
    assert_memory_equal(three + 4, "ftyp", 4);
    chaptag_chapters_free(a);
    chaptag_chapters_free(b);
    free(three);
    free(two);
    free(one);
    free(data);
}

static void a_strip_zeroes_titles_side_by_side_in_one_write(void **state)
{
    (void)state;
    size_t len, one_len, two_len;
    uint8_t *data = craft("yma", &len);
    chaptag_chapters *a = ct_test_chapters(40, 1000, "Many");
    done_plan d;
    uint8_t *one = run(data, len, a, CHAPTAG_MP4_QT, -1, &one_len, &d);
    uint8_t *two = run(one, one_len, NULL, CHAPTAG_MP4_QT, -1, &two_len, &d);
    assert_false(holds(two, two_len, "Many"));
    /* the titles (one span), the chapter trak and the tref retyped: not a write per title */
    assert_int_equal(d.n_steps, 3);
    chaptag_chapters_free(a);
    free(two);
    free(one);
    free(data);
}

static void a_size_0_media_mdat_past_4_gib_keeps_the_shadow_copy(void **state)
{
    (void)state;
    size_t len;
    uint8_t *data = craft("ymFa", &len);
    uint64_t mdat = top_offset(data, len, "mdat");
    ct_store_u32be(data + mdat, 0); /* the audio runs to the end of the file... */
    char *dir = ct_test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/big.m4a", dir);
    ct_test_write_file(path, data, len);
    assert_int_equal(truncate(path, (off_t)5 << 30), 0); /* ...5 GiB away (sparse) */
    ct_file *f = NULL;
    chaptag_error err = {0};
    assert_int_equal(ct_file_open(path, CT_OPEN_READ, &f, &err), CHAPTAG_OK);
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    ct_plan plan = CT_PLAN_INIT;
    struct chaptag_report rep;
    memset(&rep, 0, sizeof rep);
    chaptag_chapters *l = ct_test_chapters(4, 10000, "Big");
    if (ct_backend_plan(&ct_backend_mp4, f, l, &o, &plan, &rep, &err) != CHAPTAG_OK)
        fail_msg("plan: %s", err.msg);
    assert_true(plan.n_steps > 0); /* in the free box after moov; the mdat is not touched */
    for (size_t i = 0; i < plan.n_steps; i++)
        assert_true(plan.steps[i].off < mdat);
    ct_plan_free(&plan);
    ct_buf_free(&rep.plan);
    ct_warnings_clear(&rep.warnings);
    chaptag_chapters_free(l);
    ct_file_close(f);
    ct_test_rmdir(dir);
    free(data);
}

static void old_titles_apart_are_zeroed_under_one_sync(void **state)
{
    (void)state;
    sample_span spans[3] = {{1000, 20}, {5000, 20}, {9000, 20}};
    mp4_file m;
    memset(&m, 0, sizeof m);
    m.old_samples = spans;
    m.n_old_samples = 3;
    ct_plan plan = CT_PLAN_INIT;
    assert_true(ct_plan_step(&plan, 100, "free", 4)); /* the step that hid them */
    assert_true(ct_mp4_zero_old_samples(&m, 4000, 6000, true, &plan)); /* 5000: rewritten */
    assert_int_equal(plan.n_steps, 3);
    assert_false(plan.steps[0].no_sync); /* hidden on disk before any is zeroed */
    assert_int_equal(plan.steps[1].off, 1000);
    assert_true(plan.steps[1].no_sync);
    assert_int_equal(plan.steps[2].off, 9000);
    assert_false(plan.steps[2].no_sync);
    assert_int_equal(plan.n, 2); /* and as edits, for -o */
    ct_plan_free(&plan);
}

/* A text trak (as a top-level box, for ct_mp4_note_samples alone) of N one-byte samples, each
   its own chunk, every other byte from AT on. */
static void put_sparse_text_trak(ct_buf *b, uint32_t n, uint64_t at)
{
    size_t trak = ct_box_begin(b, "trak"), mdia = ct_box_begin(b, "mdia");
    size_t minf = ct_box_begin(b, "minf"), stbl = ct_box_begin(b, "stbl");
    size_t box = ct_box_begin(b, "stts");
    ct_buf_put_zeros(b, 4);
    ct_buf_put_u32be(b, 1);
    ct_buf_put_u32be(b, n);
    ct_buf_put_u32be(b, 1);
    ct_box_end(b, box);
    box = ct_box_begin(b, "stsz");
    ct_buf_put_zeros(b, 4);
    ct_buf_put_u32be(b, 1); /* every sample one byte */
    ct_buf_put_u32be(b, n);
    ct_box_end(b, box);
    box = ct_box_begin(b, "stsc");
    ct_buf_put_zeros(b, 4);
    ct_buf_put_u32be(b, 1);
    ct_buf_put_u32be(b, 1); /* from chunk 1 on: one sample a chunk */
    ct_buf_put_u32be(b, 1);
    ct_buf_put_u32be(b, 1);
    ct_box_end(b, box);
    box = ct_box_begin(b, "stco");
    ct_buf_put_zeros(b, 4);
    ct_buf_put_u32be(b, n);
    for (uint32_t i = 0; i < n; i++)
        ct_buf_put_u32be(b, (uint32_t)(at + 2 * (uint64_t)i));
    ct_box_end(b, box);
    ct_box_end(b, stbl);
    ct_box_end(b, minf);
    ct_box_end(b, mdia);
    ct_box_end(b, trak);
}

static void a_crafted_track_of_titles_apart_notes_a_bounded_number(void **state)
{
    (void)state;
    enum { N = 40000 };
    ct_buf b = CT_BUF_INIT;
    ct_buf probe = CT_BUF_INIT;
    put_sparse_text_trak(&probe, N, 0);
    uint64_t at = probe.len + 8; /* the mdat's payload, right after the trak */
    ct_buf_free(&probe);
    put_sparse_text_trak(&b, N, at);
    size_t box = ct_box_begin(&b, "mdat");
    ct_buf_put_zeros(&b, 2 * N);
    ct_box_end(&b, box);
    assert_true(ct_buf_ok(&b));
    ct_file *f = ct_file_memory(b.data, b.len);
    chaptag_error err;
    mp4_file m;
    memset(&m, 0, sizeof m);
    assert_int_equal(ct_box_scan(f, &m.tops, &m.n_tops, &err), CHAPTAG_OK);
    assert_int_equal(ct_box_parse(f, &m.tops[0], &err), CHAPTAG_OK);
    assert_int_equal(ct_mp4_note_samples(f, &m, &m.tops[0]), CHAPTAG_OK);
    assert_true(m.n_old_samples > 1000);
    assert_true(m.n_old_samples < N); /* bounded: placing each among the edits costs */
    assert_int_equal(m.old_samples[0].off, at);
    assert_int_equal(m.old_samples[1].off, at + 2);
    ct_mp4_file_free(&m);
    ct_file_close(f);
    ct_buf_free(&b);
}

static void strip_of_a_file_without_chapters_plans_nothing(void **state)
{
    (void)state;
    size_t len, out_len;
    uint8_t *data = craft("yma", &len);
    done_plan d;
    uint8_t *out = run(data, len, NULL, CHAPTAG_MP4_BOTH, -1, &out_len, &d);
    assert_int_equal(d.n_edits, 0);
    assert_bytes_equal(out, out_len, data, len);
    free(out);
    free(data);
}

static void titles_too_long_for_the_mdat_end_are_appended_and_the_old_ones_zeroed(void **state)
{
    (void)state;
    size_t len, one_len, two_len;
    uint8_t *data = craft("yma", &len);
    chaptag_chapters *a = ct_test_chapters(3, 10000, "Short");
    char title[201];
    memset(title, 'L', 200);
    title[200] = '\0';
    chaptag_chapters *b = ct_test_chapters(3, 10000, title);
    done_plan d;
    uint8_t *one = run(data, len, a, CHAPTAG_MP4_BOTH, -1, &one_len, &d);
    uint64_t grown = check_tail(one, one_len, "Short 3");
    uint8_t *two = run(one, one_len, b, CHAPTAG_MP4_BOTH, -1, &two_len, &d);
    assert_true(d.n_steps > 0); /* in place: the trak and chpl in their slots */
    /* the trak, chpl, the mdat's size, the old titles zeroed, the new ones past them */
    assert_int_equal(d.n_edits, 5);
    assert_int_equal(two_len - one_len, check_tail(two, two_len, "LLLL 3") - grown);
    assert_false(holds(two, two_len, "Short"));
    chaptag_chapters_free(a);
    chaptag_chapters_free(b);
    free(two);
    free(one);
    free(data);
}

static void a_64_bit_mdat_size_grows_in_its_largesize(void **state)
{
    (void)state;
    size_t len, out_len;
    uint8_t *data = craft("ymFA", &len);
    chaptag_chapters *l = ct_test_chapters(4, 10000, "Wide");
    done_plan d;
    uint8_t *out = run(data, len, l, CHAPTAG_MP4_BOTH, -1, &out_len, &d);
    uint64_t md = top_offset(out, out_len, "mdat");
    assert_int_equal(ct_load_u32be(out + md), 1);
    assert_int_equal(ct_load_u64be(out + md + 8), out_len - md);
    assert_int_equal(out_len, len + check_tail(out, out_len, "Wide 4"));
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

static void an_audio_mdat_that_is_not_the_last_box_keeps_an_mdat_of_titles(void **state)
{
    (void)state;
    size_t len, out_len;
    uint8_t *data = craft("ymaf", &len);
    chaptag_chapters *l = ct_test_chapters(4, 10000, "Apart");
    done_plan d;
    uint8_t *out = run(data, len, l, CHAPTAG_MP4_BOTH, -1, &out_len, &d);
    uint64_t titles = top_offset(out, out_len, "mdat");
    assert_true(ct_load_u32be(out + titles) < 200); /* the first mdat: the titles alone */
    assert_memory_equal(out + titles + 8, "\0\x07" "Apart 1", 9);
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

/* The pictures of the tests: red (64x64) and blue (80x72). */
static uint8_t red[32], blue[32];
static size_t n_red, n_blue;

/* Five chapters STEP_MS apart titled TITLE 1...: the first without a picture, red, a gap
   (none), red again (stored again), blue; with LINK, each a link too. */
static chaptag_chapters *pictured(const char *title, uint64_t step_ms, const char *link)
{
    n_red = fake_jpeg(red, 64, 64, 'r');
    n_blue = fake_jpeg(blue, 80, 72, 'b');
    chaptag_chapters *l = ct_test_chapters(5, step_ms, title);
    assert_int_equal(chaptag_chapters_set_image(l, 1, red, n_red, NULL, NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_image(l, 3, red, n_red, NULL, NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_image(l, 4, blue, n_blue, NULL, NULL), CHAPTAG_OK);
    for (size_t i = 0; link != NULL && i < 5; i++)
        assert_int_equal(chaptag_chapters_set_url(l, i, link, NULL), CHAPTAG_OK);
    return l;
}

#define IMAGES (CHAPTAG_MP4_BOTH | CHAPTAG_MP4_IMAGES)

/* The samples of the chapter image track in the LEN bytes at DATA (*N of them; free() them);
   NULL when it has none. */
static sample_ref *picture_samples(const uint8_t *data, size_t len, size_t *n)
{
    ct_file *f = ct_file_memory(data, len);
    mp4_file m;
    chaptag_error err = {0};
    size_t index;
    sample_ref *s = NULL;
    *n = 0;
    assert_int_equal(ct_mp4_open(f, &m, &err), CHAPTAG_OK);
    if (ct_mp4_image_samples(f, &m, &index, &s, n) == NULL)
        s = NULL;
    ct_mp4_file_free(&m);
    ct_file_close(f);
    return s;
}

/* The pictures of the LEN bytes at DATA are the N of WANT, at the same places, with the
   bytes pictured() gave them, read back as the chapters' own (the first chapter takes the
   first picture; the gap shares Red's); no step of D wrote a byte of them. */
static void check_pictures(const uint8_t *data, size_t len, const sample_ref *want, size_t n,
                           const done_plan *d)
{
    size_t have_n;
    sample_ref *have = picture_samples(data, len, &have_n);
    assert_int_equal(have_n, n);
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(have[k].off, want[k].off);
        assert_int_equal(have[k].size, want[k].size);
        assert_memory_equal(data + have[k].off, k == 4 ? blue : red, k == 4 ? n_blue : n_red);
        for (size_t i = 0; d != NULL && i < d->n_steps && i < 64; i++)
            assert_true(d->wrote[i].off >= want[k].off + want[k].size ||
                        d->wrote[i].off + d->wrote[i].len <= want[k].off);
    }
    free(have);
    chaptag_chapters *back = ct_test_read(&ct_backend_mp4, data, len, NULL);
    static const bool own[] = {true, false, false, true, true};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(chaptag_chapters_get(back, i)->image_data != NULL, own[i]);
    assert_memory_equal(chaptag_chapters_get(back, 4)->image_data, blue, n_blue);
    chaptag_chapters_free(back);
}

static void a_title_only_re_embed_keeps_every_picture_byte_where_it_is(void **state)
{
    (void)state;
    size_t len, one_len, two_len, three_len, four_len, five_len, n;
    uint8_t *data = craft("yma", &len);
    chaptag_chapters *a = pictured("First take", 9000, NULL);
    chaptag_chapters *b = pictured("Other take", 9000, NULL);
    chaptag_chapters *c = pictured("A longer title", 9000, NULL);
    chaptag_chapters *e = pictured("A longer title", 9000, "https://example.com/notes");
    done_plan d;
    uint8_t *one = run(data, len, a, IMAGES, -1, &one_len, &d);
    sample_ref *pics = picture_samples(one, one_len, &n);
    assert_int_equal(n, 5);
    /* titles of the same length: in place, the file as large as it was */
    uint8_t *two = run(one, one_len, b, IMAGES, -1, &two_len, &d);
    assert_true(d.n_steps > 0);
    assert_int_equal(two_len, one_len);
    assert_false(holds(two, two_len, "First take"));
    check_pictures(two, two_len, pics, n, &d);
    /* longer titles: appended past the pictures, the old ones zeroed; the file grows by the
       titles and their room alone */
    uint8_t *three = run(two, two_len, c, IMAGES, -1, &three_len, &d);
    assert_true(d.n_steps > 0);
    qt_samples q;
    assert_int_equal(ct_mp4_make_samples(c, 60000, false, &q, NULL, NULL), CHAPTAG_OK);
    assert_int_equal(three_len - two_len, ct_mp4_tail_room(q.text_len));
    ct_mp4_free_samples(&q);
    assert_false(holds(three, three_len, "Other take"));
    check_tail(three, three_len, "longer title 5");
    check_pictures(three, three_len, pics, n, &d);
    /* the same again writes nothing */
    uint8_t *four = run(three, three_len, c, IMAGES, -1, &four_len, &d);
    assert_int_equal(d.n_edits, 0);
    assert_bytes_equal(four, four_len, three, three_len);
    /* links added: in place, in the room the titles left */
    uint8_t *five = run(four, four_len, e, IMAGES, -1, &five_len, &d);
    assert_true(d.n_steps > 0);
    assert_int_equal(five_len, four_len);
    assert_true(holds(five, five_len, "https://example.com/notes"));
    check_pictures(five, five_len, pics, n, &d);
    free(pics);
    chaptag_chapters_free(a);
    chaptag_chapters_free(b);
    chaptag_chapters_free(c);
    chaptag_chapters_free(e);
    free(five);
    free(four);
    free(three);
    free(two);
    free(one);
    free(data);
}

static void titles_in_an_mdat_of_their_own_are_rewritten_before_the_pictures_when_they_fit(
    void **state)
{
    (void)state;
    size_t len, one_len, two_len, three_len, four_len, n;
    uint8_t *data = craft("yam", &len);
    chaptag_chapters *a = pictured("First take", 9000, NULL);
    chaptag_chapters *b = pictured("Other take", 9000, NULL);
    chaptag_chapters *c = pictured("A longer title", 9000, NULL);
    done_plan d;
    uint8_t *one = run(data, len, a, IMAGES, -1, &one_len, &d);
    sample_ref *pics = picture_samples(one, one_len, &n);
    uint8_t *two = run(one, one_len, b, IMAGES, -1, &two_len, &d);
    assert_true(d.n_steps > 0);
    assert_int_equal(two_len, one_len);
    assert_false(holds(two, two_len, "First take"));
    check_pictures(two, two_len, pics, n, &d);
    uint8_t *three = run(two, two_len, b, IMAGES, -1, &three_len, &d);
    assert_int_equal(d.n_edits, 0); /* the same again writes nothing */
    /* longer titles do not fit before the pictures: laid out anew, the pictures with them */
    uint8_t *four = run(three, three_len, c, IMAGES, -1, &four_len, &d);
    assert_false(holds(four, four_len, "Other take"));
    size_t n4;
    sample_ref *moved = picture_samples(four, four_len, &n4);
    assert_int_equal(n4, n);
    check_pictures(four, four_len, moved, n4, NULL);
    free(moved);
    free(pics);
    chaptag_chapters_free(a);
    chaptag_chapters_free(b);
    chaptag_chapters_free(c);
    free(four);
    free(three);
    free(two);
    free(one);
    free(data);
}

static void moved_chapters_keep_the_pictures_and_rewrite_only_the_image_track_times(
    void **state)
{
    (void)state;
    size_t len, one_len, two_len, n;
    uint8_t *data = craft("yma", &len);
    chaptag_chapters *a = pictured("Take", 9000, NULL), *b = pictured("Take", 8000, NULL);
    done_plan d;
    uint8_t *one = run(data, len, a, IMAGES, -1, &one_len, &d);
    sample_ref *pics = picture_samples(one, one_len, &n);
    uint8_t *two = run(one, one_len, b, IMAGES, -1, &two_len, &d);
    assert_true(d.n_steps > 0);
    assert_int_equal(two_len, one_len);
    /* the chapter trak and the image trak, their durations changed */
    assert_int_equal(d.n_edits, 3); /* and chpl */
    check_pictures(two, two_len, pics, n, &d);
    chaptag_chapters *back = ct_test_read(&ct_backend_mp4, two, two_len, NULL);
    assert_int_equal(chaptag_chapters_get(back, 4)->start_ms, 32000);
    chaptag_chapters_free(back);
    free(pics);
    chaptag_chapters_free(a);
    chaptag_chapters_free(b);
    free(two);
    free(one);
    free(data);
}

static void a_changed_picture_is_written_anew_and_the_old_ones_zeroed(void **state)
{
    (void)state;
    size_t len, one_len, two_len;
    uint8_t *data = craft("yma", &len);
    chaptag_chapters *a = pictured("Take", 9000, NULL), *b = pictured("Take", 9000, NULL);
    uint8_t green[32];
    size_t n_green = fake_jpeg(green, 80, 72, 'g');
    assert_int_equal(chaptag_chapters_set_image(b, 4, green, n_green, NULL, NULL), CHAPTAG_OK);
    done_plan d;
    uint8_t *one = run(data, len, a, IMAGES, -1, &one_len, &d);
    uint8_t *two = run(one, one_len, b, IMAGES, -1, &two_len, &d);
    chaptag_chapters *back = ct_test_read(&ct_backend_mp4, two, two_len, NULL);
    assert_memory_equal(chaptag_chapters_get(back, 4)->image_data, green, n_green);
    assert_false(holds(two, two_len, "picb"));
    chaptag_chapters_free(back);
    chaptag_chapters_free(a);
    chaptag_chapters_free(b);
    free(two);
    free(one);
    free(data);
}

/* The LEN bytes at DATA have cover art holding the picture marked 'C'. */
static void check_cover(const uint8_t *data, size_t len)
{
    ct_file *f = ct_file_memory(data, len);
    mp4_file m;
    chaptag_error err = {0};
    assert_int_equal(ct_mp4_open(f, &m, &err), CHAPTAG_OK);
    assert_true(ct_mp4_has_cover(f, &m));
    ct_mp4_file_free(&m);
    ct_file_close(f);
    assert_true(holds(data, len, "picC"));
}

static void strip_removes_the_image_track_its_reference_and_every_picture_not_the_cover(
    void **state)
{
    (void)state;
    for (int moov_last = 0; moov_last < 2; moov_last++) {
        size_t len, one_len, two_len, n;
        uint8_t *data = craft(moov_last ? "yac" : "yca", &len);
        chaptag_chapters *a = pictured("Secret", 9000, NULL);
        done_plan d;
        uint8_t *one = run(data, len, a, IMAGES, -1, &one_len, &d);
        assert_true(holds(one, one_len, "picr") && holds(one, one_len, "picb"));
        sample_ref *pics = picture_samples(one, one_len, &n);
        assert_non_null(pics);
        uint8_t *two = run(one, one_len, NULL, IMAGES, -1, &two_len, &d);
        assert_true(d.n_steps > 0);
        ct_file *f = ct_file_memory(two, two_len);
        mp4_file m;
        chaptag_error err = {0};
        assert_int_equal(ct_mp4_open(f, &m, &err), CHAPTAG_OK);
        assert_int_equal(m.n_tracks, 1); /* the sound track alone */
        assert_null(ct_box_path(ct_mp4_moov(&m), "trak/tref"));
        ct_mp4_file_free(&m);
        ct_file_close(f);
        for (size_t k = 0; k < n; k++) /* every picture byte zeroed, or cut off */
            for (uint64_t i = 0; i < pics[k].size && pics[k].off + i < two_len; i++)
                assert_int_equal(two[pics[k].off + i], 0);
        assert_false(holds(two, two_len, "picr") || holds(two, two_len, "picb"));
        assert_false(holds(two, two_len, "Secret"));
        check_cover(two, two_len);
        free(pics);
        chaptag_chapters_free(a);
        free(two);
        free(one);
        free(data);
    }
}

static void an_embed_without_pictures_removes_the_image_track_and_says_so(void **state)
{
    (void)state;
    size_t len, one_len, two_len, three_len, n;
    uint8_t *data = craft("yca", &len);
    chaptag_chapters *a = pictured("Take", 9000, NULL);
    done_plan d;
    uint8_t *one = run(data, len, a, IMAGES, -1, &one_len, &d);
    assert_null(strstr(d.warnings, "image track"));
    /* the same list with its pictures: no word about the track */
    uint8_t *two = run(one, one_len, a, IMAGES, -1, &two_len, &d);
    assert_null(strstr(d.warnings, "image track"));
    /* without --mp4-images: the track goes, and the warning says why */
    uint8_t *three = run(two, two_len, a, CHAPTAG_MP4_BOTH, -1, &three_len, &d);
    assert_non_null(strstr(d.warnings, "the chapter image track (3 pictures) is removed: the "
                                       "new chapters would show the old pictures; --mp4-images "
                                       "writes the list's own pictures"));
    assert_null(picture_samples(three, three_len, &n));
    assert_false(holds(three, three_len, "picr") || holds(three, three_len, "picb"));
    check_cover(three, three_len);
    chaptag_chapters_free(a);
    free(three);
    free(two);
    free(one);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(with_no_room_after_moov_the_file_is_rewritten_and_the_audio_moved),
        cmocka_unit_test(a_rewrite_with_padding_asked_leaves_exactly_that_much),
        cmocka_unit_test(free_space_after_moov_takes_a_shadow_copy_in_steps),
        cmocka_unit_test(a_moov_at_the_end_is_copied_past_the_end_in_steps),
        cmocka_unit_test(free_space_before_moov_takes_the_copy_when_none_follows),
        cmocka_unit_test(free_space_before_moov_too_small_is_taken_into_a_rewrite),
        cmocka_unit_test(a_re_embed_that_fits_writes_the_slots_and_moves_nothing),
        cmocka_unit_test(a_re_embed_of_one_flavour_uses_only_its_slot),
        cmocka_unit_test(titles_too_long_for_the_mdat_end_are_appended_and_the_old_ones_zeroed),
        cmocka_unit_test(a_64_bit_mdat_size_grows_in_its_largesize),
        cmocka_unit_test(an_audio_mdat_that_is_not_the_last_box_keeps_an_mdat_of_titles),
        cmocka_unit_test(a_re_embed_too_big_for_its_slots_lays_out_anew),
        cmocka_unit_test(strip_retypes_in_place_and_zeroes_every_title),
        cmocka_unit_test(strip_of_a_file_without_chapters_plans_nothing),
        cmocka_unit_test(a_chapter_sample_outside_mdat_is_never_zeroed),
        cmocka_unit_test(a_strip_zeroes_titles_side_by_side_in_one_write),
        cmocka_unit_test(a_size_0_media_mdat_past_4_gib_keeps_the_shadow_copy),
        cmocka_unit_test(old_titles_apart_are_zeroed_under_one_sync),
        cmocka_unit_test(a_crafted_track_of_titles_apart_notes_a_bounded_number),
        cmocka_unit_test(a_title_only_re_embed_keeps_every_picture_byte_where_it_is),
        cmocka_unit_test(
            titles_in_an_mdat_of_their_own_are_rewritten_before_the_pictures_when_they_fit),
        cmocka_unit_test(moved_chapters_keep_the_pictures_and_rewrite_only_the_image_track_times),
        cmocka_unit_test(a_changed_picture_is_written_anew_and_the_old_ones_zeroed),
        cmocka_unit_test(strip_removes_the_image_track_its_reference_and_every_picture_not_the_cover),
        cmocka_unit_test(an_embed_without_pictures_removes_the_image_track_and_says_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
