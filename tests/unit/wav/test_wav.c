/* Tests of src/wav/, the WAV container: recognising RIFF, RF64 and BW64 files, reading cue
   markers titled by LIST/adtl labels, and planning embeds and strips that keep every other
   chunk, in place (a valid file after every step) or by a rewrite. Files are built in memory
   from chunks. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"

#define RATE 8000u /* mono 16-bit: 2 bytes a frame */

typedef struct {
    const char *id;
    const void *body;
    size_t len;
} chunk;

static void put32(ct_buf *b, uint32_t v)
{
    uint8_t p[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    ct_buf_put(b, p, 4);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A file of MAGIC ("RIFF", "RF64") holding the N chunks given, padded; for RF64 a ds64 chunk
   first and the data chunk's size in it. */
static uint8_t *make_wav(const char *magic, const chunk *c, size_t n, size_t *len)
{
    bool rf64 = strcmp(magic, "RIFF") != 0;
    ct_buf b = CT_BUF_INIT;
    ct_buf_put(&b, magic, 4);
    put32(&b, 0);
    ct_buf_put(&b, "WAVE", 4);
    size_t ds64 = b.len;
    if (rf64) {
        ct_buf_put(&b, "ds64", 4);
        put32(&b, 28);
        ct_buf_put_zeros(&b, 28);
    }
    uint64_t data_len = 0;
    for (size_t i = 0; i < n; i++) {
        bool data = strcmp(c[i].id, "data") == 0;
        ct_buf_put(&b, c[i].id, 4);
        put32(&b, rf64 && data ? 0xFFFFFFFFu : (uint32_t)c[i].len);
        ct_buf_put(&b, c[i].body, c[i].len);
        if (c[i].len & 1)
            ct_buf_put_u8(&b, 0);
        data_len = data ? c[i].len : data_len;
    }
    assert_true(ct_buf_ok(&b));
    uint8_t *p = ct_buf_take(&b, len);
    if (rf64) {
        memset(p + 4, 0xFF, 4);
        uint64_t riff = *len - 8;
        for (int i = 0; i < 4; i++) {
            p[ds64 + 8 + i] = (uint8_t)(riff >> 8 * i);
            p[ds64 + 12 + i] = (uint8_t)(riff >> (32 + 8 * i));
            p[ds64 + 16 + i] = (uint8_t)(data_len >> 8 * i);
        }
    } else {
        uint32_t riff = (uint32_t)(*len - 8);
        memcpy(p + 4, (uint8_t[]){(uint8_t)riff, (uint8_t)(riff >> 8), (uint8_t)(riff >> 16),
                                  (uint8_t)(riff >> 24)}, 4);
    }
    return p;
}

static const uint8_t fmt_body[16] = {1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0};
static uint8_t audio[RATE * 2 * 10]; /* ten seconds */
static const char bext[] = "a bext chunk's description";
static const char info[] = "INFOINAM\x05\0\0\0Show\0\0IART\x03\0\0\0Me\0\0ICRD\x0b\0\0\0"
                           "2024-05-06\0";
static const char ixml[] = "<BWFXML/>";

/* A ten-second WAV with bext, LIST/INFO, data, iXML and an odd-sized id3 chunk. */
static uint8_t *plain_wav(const char *magic, size_t *len)
{
    for (size_t i = 0; i < sizeof audio; i++)
        audio[i] = (uint8_t)(i * 7);
    chunk c[] = {{"bext", bext, sizeof bext - 1},   {"fmt ", fmt_body, sizeof fmt_body},
                 {"LIST", info, sizeof info - 1},   {"data", audio, sizeof audio},
                 {"iXML", ixml, sizeof ixml - 1},   {"id3 ", "ID3odd", 5}};
    return make_wav(magic, c, sizeof c / sizeof c[0], len);
}

/* The offset of the first top-level chunk ID in DATA, or 0. */
static size_t find_chunk(const uint8_t *data, size_t len, const char *id)
{
    for (size_t off = 12; off + 8 <= len;) {
        if (memcmp(data + off, id, 4) == 0)
            return off;
        uint64_t size = get32(data + off + 4);
        if (size == 0xFFFFFFFFu)
            size = sizeof audio; /* RF64's data */
        off += 8 + (size_t)size + (size & 1);
    }
    return 0;
}

static bool holds(const uint8_t *data, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(data + i, s, n) == 0)
            return true;
    return false;
}

/* Plans writing L (NULL: strip) into DATA; PLAN and REP are the caller's to free. */
static void plan_for(const uint8_t *data, size_t len, const chaptag_chapters *l, int64_t padding,
                     ct_plan *plan, struct chaptag_report *rep)
{
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    o.padding = padding;
    ct_file *f = ct_file_memory(data, len);
    memset(plan, 0, sizeof *plan);
    memset(rep, 0, sizeof *rep);
    chaptag_error err = {0};
    if (ct_backend_plan(&ct_backend_wav, f, l, &o, plan, rep, &err) != CHAPTAG_OK)
        fail_msg("plan: %s", err.msg);
    ct_file_close(f);
}

static void report_free(struct chaptag_report *rep)
{
    ct_buf_free(&rep->plan);
    ct_warnings_clear(&rep->warnings);
}

/* The markers of each file after a step: the old ones, none, or the new ones. */
static size_t steps_old_n, steps_new_n;

static void check_step(const uint8_t *data, size_t len, size_t step)
{
    chaptag_chapters *l = ct_test_read(&ct_backend_wav, data, len, NULL);
    size_t n = chaptag_chapters_count(l);
    if (n != 0 && n != steps_old_n && n != steps_new_n)
        fail_msg("after step %zu the file holds %zu markers", step, n);
    chaptag_chapters_free(l);
}

/* Writes L into DATA (NULL: strips), applying the steps when there are some (each checked)
   and otherwise the edits; *IN_PLACE says which. */
static uint8_t *embed(const uint8_t *data, size_t len, const chaptag_chapters *l, size_t *out_len,
                      bool *in_place)
{
    ct_plan plan;
    struct chaptag_report rep;
    plan_for(data, len, l, -1, &plan, &rep);
    chaptag_chapters *old = ct_test_read(&ct_backend_wav, data, len, NULL);
    steps_old_n = chaptag_chapters_count(old);
    steps_new_n = l ? chaptag_chapters_count(l) : 0;
    chaptag_chapters_free(old);
    uint8_t *out = ct_test_apply_edits(data, len, &plan, out_len);
    if (plan.n_steps > 0) {
        size_t step_len;
        uint8_t *stepped = ct_test_apply_steps(data, len, &plan, &step_len, check_step);
        assert_bytes_equal(stepped, step_len, out, *out_len);
        free(stepped);
    }
    if (in_place)
        *in_place = rep.in_place;
    ct_plan_free(&plan);
    report_free(&rep);
    return out;
}

/* Fails unless BYTES (LEN) and the original DATA hold chunk ID with the same bytes. */
static void same_chunk(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
                       const char *id)
{
    size_t x = find_chunk(a, a_len, id), y = find_chunk(b, b_len, id);
    assert_true(x > 0 && y > 0);
    size_t n = 8 + get32(a + x + 4);
    assert_bytes_equal(a + x, n, b + y, 8 + (size_t)get32(b + y + 4));
}

static void wav_files_are_recognised_by_their_first_bytes(void **state)
{
    (void)state;
    assert_true(ct_backend_wav.sniff(NULL, (const uint8_t *)"RIFF\0\0\0\0WAVEfmt ", 16));
    assert_true(ct_backend_wav.sniff(NULL, (const uint8_t *)"RF64\xff\xff\xff\xffWAVE", 12));
    assert_true(ct_backend_wav.sniff(NULL, (const uint8_t *)"BW64\xff\xff\xff\xffWAVE", 12));
    assert_false(ct_backend_wav.sniff(NULL, (const uint8_t *)"RIFF\0\0\0\0AVI LIST", 16));
    assert_false(ct_backend_wav.sniff(NULL, (const uint8_t *)"ID3\3\0\0\0\0\0\0RIFF", 14));
    assert_false(ct_backend_wav.sniff(NULL, (const uint8_t *)"RIFF", 4));
}

static void a_wav_gets_cue_and_adtl_after_its_chunks_which_all_stay(void **state)
{
    (void)state;
    size_t len, out_len;
    uint8_t *data = plain_wav("RIFF", &len);
    chaptag_chapters *l = ct_test_chapters(3, 2500, "Part");
    bool in_place;
    uint8_t *out = embed(data, len, l, &out_len, &in_place);
    assert_false(in_place);
    assert_bytes_equal(out + 8, len - 8, data + 8, len - 8); /* everything before is kept */
    assert_int_equal(get32(out + 4), out_len - 8);
    assert_memory_equal(out + len, "cue ", 4);
    assert_int_equal((out_len - len) % 4096, 0); /* chunks and padding fill 4 KiB blocks */
    chaptag_file_info fi;
    chaptag_chapters *back = ct_test_read(&ct_backend_wav, out, out_len, &fi);
    assert_int_equal(chaptag_chapters_count(back), 3);
    assert_int_equal(chaptag_chapters_get(back, 2)->start_ms, 5000);
    assert_string_equal(chaptag_chapters_get(back, 2)->title, "Part 3");
    assert_string_equal(fi.container, "BWF");
    assert_string_equal(fi.tag, "cue + adtl");
    assert_string_equal(fi.flavours, "cue markers (3)");
    assert_string_equal(fi.duration_source, "data chunk");
    assert_int_equal(fi.duration_ms, 10000);
    assert_string_equal(chaptag_chapters_meta(back, "title"), "Show");
    assert_string_equal(chaptag_chapters_meta(back, "artist"), "Me");
    assert_string_equal(chaptag_chapters_meta(back, "year"), "2024");
    chaptag_chapters_free(back);
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

/* Every ms written at RATE reads back as the same ms. */
static void times_survive_the_conversion_to_frames(void **state)
{
    (void)state;
    static const uint32_t rates[] = {8000, 11025, 22050, 44100, 48000, 96000};
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
        uint8_t fmt[16];
        memcpy(fmt, fmt_body, sizeof fmt);
        for (int i = 0; i < 4; i++)
            fmt[4 + i] = (uint8_t)(rates[r] >> 8 * i);
        static uint8_t big[96000 * 2 * 4];
        chunk c[] = {{"fmt ", fmt, sizeof fmt}, {"data", big, sizeof big}};
        size_t len, out_len;
        uint8_t *data = make_wav("RIFF", c, 2, &len);
        chaptag_chapters *l = chaptag_chapters_new();
        for (uint64_t ms = 0; ms < 3000; ms += 1 + ms / 7) {
            chaptag_chapter ch = {.start_ms = ms, .end_ms = CHAPTAG_TIME_NONE, .title = "t"};
            assert_int_equal(chaptag_chapters_add(l, &ch, NULL), CHAPTAG_OK);
        }
        uint8_t *out = embed(data, len, l, &out_len, NULL);
        chaptag_chapters *back = ct_test_read(&ct_backend_wav, out, out_len, NULL);
        char why[200];
        if (!ct_chapters_match(l, back, SIZE_MAX, why, sizeof why))
            fail_msg("at %u Hz: %s", rates[r], why);
        chaptag_chapters_free(back);
        chaptag_chapters_free(l);
        free(out);
        free(data);
    }
}

static void a_re_embed_is_in_place_valid_at_every_step_and_leaves_no_old_title(void **state)
{
    (void)state;
    size_t len, out_len, again_len, twice_len;
    uint8_t *data = plain_wav("RIFF", &len);
    chaptag_chapters *first = ct_test_chapters(3, 1000, "Oldtitle");
    uint8_t *out = embed(data, len, first, &out_len, NULL);
    chaptag_chapters *second = ct_test_chapters(5, 1500, "New");
    bool in_place;
    uint8_t *again = embed(out, out_len, second, &again_len, &in_place);
    assert_true(in_place);
    assert_int_equal(again_len, out_len);
    assert_false(holds(again, again_len, "Oldtitle"));
    chaptag_chapters *back = ct_test_read(&ct_backend_wav, again, again_len, NULL);
    assert_int_equal(chaptag_chapters_count(back), 5);
    assert_string_equal(chaptag_chapters_get(back, 4)->title, "New 5");
    chaptag_chapters_free(back);
    ct_plan plan;
    struct chaptag_report rep;
    plan_for(again, again_len, second, -1, &plan, &rep); /* the same chapters: nothing */
    assert_int_equal(plan.n, 0);
    assert_true(rep.in_place);
    ct_plan_free(&plan);
    report_free(&rep);
    uint8_t *twice = embed(again, again_len, second, &twice_len, NULL);
    assert_bytes_equal(twice, twice_len, again, again_len);
    same_chunk(data, len, again, again_len, "iXML");
    same_chunk(data, len, again, again_len, "bext");
    same_chunk(data, len, again, again_len, "id3 ");
    free(twice);
    chaptag_chapters_free(first);
    chaptag_chapters_free(second);
    free(again);
    free(out);
    free(data);
}

static void a_strip_zeroes_the_markers_in_place_and_a_second_strip_plans_nothing(void **state)
{
    (void)state;
    size_t len, out_len, bare_len, re_len;
    uint8_t *data = plain_wav("RIFF", &len);
    chaptag_chapters *l = ct_test_chapters(4, 1000, "Secret");
    uint8_t *out = embed(data, len, l, &out_len, NULL);
    bool in_place;
    uint8_t *bare = embed(out, out_len, NULL, &bare_len, &in_place);
    assert_true(in_place);
    assert_int_equal(bare_len, out_len);
    assert_false(holds(bare, bare_len, "Secret"));
    assert_int_equal(find_chunk(bare, bare_len, "cue "), 0);
    chaptag_file_info fi;
    chaptag_chapters *back = ct_test_read(&ct_backend_wav, bare, bare_len, &fi);
    assert_int_equal(chaptag_chapters_count(back), 0);
    assert_string_equal(fi.flavours, "none");
    chaptag_chapters_free(back);
    ct_plan plan;
    struct chaptag_report rep;
    plan_for(bare, bare_len, NULL, -1, &plan, &rep);
    assert_int_equal(plan.n, 0);
    ct_plan_free(&plan);
    report_free(&rep);
    plan_for(data, len, NULL, -1, &plan, &rep); /* never had markers */
    assert_int_equal(plan.n, 0);
    ct_plan_free(&plan);
    report_free(&rep);
    uint8_t *re = embed(bare, bare_len, l, &re_len, &in_place); /* into the JUNK left */
    assert_true(in_place);
    assert_int_equal(re_len, bare_len);
    free(re);
    chaptag_chapters_free(l);
    free(bare);
    free(out);
    free(data);
}

static void markers_that_outgrow_their_padding_move_to_the_end_by_a_rewrite(void **state)
{
    (void)state;
    size_t len, out_len, big_len;
    uint8_t *data = plain_wav("RIFF", &len);
    chaptag_chapters *few = ct_test_chapters(2, 1000, "Few");
    uint8_t *out = embed(data, len, few, &out_len, NULL);
    chaptag_chapters *many = ct_test_chapters(300, 30, "A much longer title");
    bool in_place;
    uint8_t *big = embed(out, out_len, many, &big_len, &in_place);
    assert_false(in_place);
    assert_false(holds(big, big_len, "Few 1"));
    assert_bytes_equal(big + 8, len - 8, data + 8, len - 8); /* the old padding went too */
    assert_int_equal(get32(big + 4), big_len - 8);
    chaptag_chapters *back = ct_test_read(&ct_backend_wav, big, big_len, NULL);
    assert_int_equal(chaptag_chapters_count(back), 300);
    chaptag_chapters_free(back);
    chaptag_chapters_free(few);
    chaptag_chapters_free(many);
    free(big);
    free(out);
    free(data);
}

static void an_rf64_file_stays_rf64_with_its_size_in_ds64(void **state)
{
    (void)state;
    size_t len, out_len;
    uint8_t *data = plain_wav("RF64", &len);
    chaptag_chapters *l = ct_test_chapters(2, 3000, "Part");
    uint8_t *out = embed(data, len, l, &out_len, NULL);
    assert_memory_equal(out, "RF64\xff\xff\xff\xffWAVEds64", 16);
    uint64_t riff = get32(out + 20) | (uint64_t)get32(out + 24) << 32;
    assert_int_equal(riff, out_len - 8);
    chaptag_file_info fi;
    chaptag_chapters *back = ct_test_read(&ct_backend_wav, out, out_len, &fi);
    assert_int_equal(chaptag_chapters_count(back), 2);
    assert_string_equal(fi.container, "RF64");
    assert_int_equal(fi.duration_ms, 10000);
    chaptag_chapters_free(back);
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

/* A cue chunk of the (ID, frame) pairs given. */
static uint8_t *cue_body(const uint32_t *pairs, size_t n, size_t *len)
{
    ct_buf b = CT_BUF_INIT;
    put32(&b, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        put32(&b, pairs[2 * i]);
        put32(&b, pairs[2 * i + 1]);
        ct_buf_put(&b, "data", 4);
        put32(&b, 0);
        put32(&b, 0);
        put32(&b, pairs[2 * i + 1]);
    }
    assert_true(ct_buf_ok(&b));
    return ct_buf_take(&b, len);
}

static void notes_and_regions_in_adtl_are_read_and_foreign_sub_chunks_kept(void **state)
{
    (void)state;
    static const uint32_t pairs[] = {7, 16000, 3, 4000};
    size_t cue_len, len, out_len;
    uint8_t *cue = cue_body(pairs, 2, &cue_len);
    static const char adtl[] = "adtllabl\x0b\0\0\0\x07\0\0\0Second\0\0"
                               "ltxt\x14\0\0\0\x03\0\0\0\x40\x1f\0\0rgn \0\0\0\0\0\0\0\0"
                               "labl\x08\0\0\0\x03\0\0\0Fir\0"
                               "note\x09\0\0\0\x03\0\0\0Note\0\0";
    chunk c[] = {{"fmt ", fmt_body, sizeof fmt_body}, {"data", audio, sizeof audio},
                 {"cue ", cue, cue_len}, {"LIST", adtl, sizeof adtl - 1}};
    uint8_t *data = make_wav("RIFF", c, 4, &len);
    chaptag_chapters *back = ct_test_read(&ct_backend_wav, data, len, NULL);
    assert_int_equal(chaptag_chapters_count(back), 2);
    assert_string_equal(chaptag_chapters_get(back, 0)->title, "Fir");
    assert_int_equal(chaptag_chapters_get(back, 0)->start_ms, 500);
    assert_int_equal(chaptag_chapters_get(back, 0)->end_ms, 1500); /* the region's end */
    assert_int_equal(chaptag_chapters_get(back, 1)->start_ms, 2000);
    assert_true(chaptag_chapters_get(back, 1)->end_ms == CHAPTAG_TIME_NONE);
    uint8_t *out = embed(data, len, back, &out_len, NULL);
    assert_true(holds(out, out_len, "note\x09\0\0\0\x03\0\0\0Note"));
    chaptag_chapters *again = ct_test_read(&ct_backend_wav, out, out_len, NULL);
    char why[200];
    assert_true(ct_chapters_match(back, again, SIZE_MAX, why, sizeof why));
    assert_int_equal(chaptag_chapters_get(again, 0)->end_ms, 1500);
    size_t cue_at = find_chunk(out, out_len, "cue ");
    for (size_t i = 0; i < 2; i++) /* the note's cue ID 3 is not taken */
        assert_int_not_equal(get32(out + cue_at + 12 + 24 * i), 3);
    chaptag_chapters_free(again);
    chaptag_chapters_free(back);
    free(out);
    free(data);
    free(cue);
}

/* Fails unless opening DATA is an audio error whose message holds WANT. */
static void refused(const uint8_t *data, size_t len, const char *want)
{
    ct_file *f = ct_file_memory(data, len);
    chaptag_chapters *l = chaptag_chapters_new();
    chaptag_file_info fi;
    chaptag_error err = {0};
    assert_int_equal(ct_backend_read(&ct_backend_wav, f, "", l, &fi, &err), CHAPTAG_ERR_AUDIO);
    if (strstr(err.msg, want) == NULL)
        fail_msg("\"%s\" does not say \"%s\"", err.msg, want);
    chaptag_chapters_free(l);
    ct_file_close(f);
}

static void damaged_files_are_audio_errors_that_say_where(void **state)
{
    (void)state;
    size_t len;
    uint8_t *data = plain_wav("RIFF", &len);
    size_t data_at = find_chunk(data, len, "data");
    data[data_at + 6] = 0x7F; /* the data chunk claims megabytes more */
    refused(data, len, "the 'data' chunk at offset");
    free(data);
    chunk nofmt[] = {{"data", audio, 100}};
    data = make_wav("RIFF", nofmt, 1, &len);
    refused(data, len, "no fmt chunk");
    free(data);
    static const uint8_t cue[] = {9, 0, 0, 0};
    chunk badcue[] = {{"fmt ", fmt_body, 16}, {"data", audio, 100}, {"cue ", cue, 4}};
    data = make_wav("RIFF", badcue, 3, &len);
    refused(data, len, "claims 9 cue points in 4 bytes");
    free(data);
}

/* A ds64 RIFF size that ends the RIFF before the ds64 chunk itself does, or wraps past 2^64
   when 8 is added, is damage: the walk still ends at the file's end, so a chunk is still
   checked against what remains, and a rewrite's RIFF size counts the file's bytes. */
static void an_rf64_whose_ds64_riff_size_ends_before_it_is_walked_to_the_file_end(void **state)
{
    (void)state;
    static const uint64_t bad[] = {0, UINT64_MAX - 3};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        size_t len, out_len;
        uint8_t *data = plain_wav("RF64", &len);
        for (int i = 0; i < 8; i++)
            data[20 + i] = (uint8_t)(bad[k] >> 8 * i);
        chaptag_chapters *l = ct_test_chapters(2, 3000, "Part");
        uint8_t *out = embed(data, len, l, &out_len, NULL);
        uint64_t riff = get32(out + 20) | (uint64_t)get32(out + 24) << 32;
        assert_int_equal(riff, out_len - 8);
        chaptag_chapters_free(l);
        free(out);
        size_t ixml_at = find_chunk(data, len, "iXML");
        data[ixml_at + 6] = 0x7F; /* the iXML chunk claims megabytes past the file's end */
        refused(data, len, "the 'iXML' chunk at offset");
        free(data);
    }
}

/* An adtl list larger than markers ever take is refused by name, its body never read (the
   buffer it would have gone to was freed unset, and the read crashed). */
static void an_adtl_list_past_the_markers_limit_is_refused_without_a_crash(void **state)
{
    (void)state;
    size_t big = (16u << 20) + 2, len;
    uint8_t *adtl = calloc(big, 1);
    assert_non_null(adtl);
    memcpy(adtl, "adtl", 4);
    chunk c[] = {{"fmt ", fmt_body, 16}, {"data", audio, 100}, {"LIST", adtl, big}};
    uint8_t *data = make_wav("RIFF", c, 3, &len);
    refused(data, len, "more than markers ever take");
    free(data);
    free(adtl);
}

/* Labels and INFO tags are read alike: cut at the NUL, UTF-8 when valid, else Latin-1. */
static void labels_and_info_tags_in_latin1_or_utf8_read_as_utf8(void **state)
{
    (void)state;
    static const uint32_t pairs[] = {1, 8000, 2, 16000};
    size_t cue_len, len;
    uint8_t *cue = cue_body(pairs, 2, &cue_len);
    static const char adtl[] = "adtllabl\x0a\0\0\0\x01\0\0\0Caf\xe9\0x"
                               "labl\x0a\0\0\0\x02\0\0\0Caf\xc3\xa9\0";
    static const char inf[] = "INFOINAM\x05\0\0\0Br\xfbl\0\0";
    chunk c[] = {{"fmt ", fmt_body, 16}, {"data", audio, sizeof audio}, {"cue ", cue, cue_len},
                 {"LIST", adtl, sizeof adtl - 1}, {"LIST", inf, sizeof inf - 1}};
    uint8_t *data = make_wav("RIFF", c, 5, &len);
    chaptag_chapters *back = ct_test_read(&ct_backend_wav, data, len, NULL);
    assert_int_equal(chaptag_chapters_count(back), 2);
    assert_string_equal(chaptag_chapters_get(back, 0)->title, "Caf\xc3\xa9");
    assert_string_equal(chaptag_chapters_get(back, 1)->title, "Caf\xc3\xa9");
    assert_string_equal(chaptag_chapters_meta(back, "title"), "Br\xc3\xbbl");
    chaptag_chapters_free(back);
    free(data);
    free(cue);
}

static bool found(const ct_findings *f, const char *code)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->v[i].code, code) == 0)
            return true;
    return false;
}

static void lint_names_disordered_late_untitled_and_twice_used_cue_points(void **state)
{
    (void)state;
    static const uint32_t pairs[] = {1, 8000, 2, 4000, 2, 400000};
    size_t cue_len, len;
    uint8_t *cue = cue_body(pairs, 3, &cue_len);
    chunk c[] = {{"fmt ", fmt_body, 16}, {"data", audio, sizeof audio}, {"cue ", cue, cue_len}};
    uint8_t *data = make_wav("RIFF", c, 3, &len);
    ct_file *f = ct_file_memory(data, len);
    ct_findings out = {NULL, 0, 0, false};
    assert_int_equal(ct_backend_lint(&ct_backend_wav, f, &out, NULL), CHAPTAG_OK);
    assert_true(found(&out, "cue-out-of-order"));
    assert_true(found(&out, "cue-past-end"));
    assert_true(found(&out, "cue-untitled"));
    assert_true(found(&out, "cue-duplicate-id"));
    ct_findings_clear(&out);
    ct_file_close(f);
    free(data);
    free(cue);
}

/* A crafted file's hundreds of thousands of cue points, in reverse time order and each
   labelled, are read, put in time order and linted in well under a second: no step is
   quadratic in them (this took minutes when each label searched the list and an insertion
   sort ordered it). */
static void many_cue_points_are_read_and_linted_without_a_quadratic_step(void **state)
{
    (void)state;
    enum { N = 300000 };
    uint32_t *pairs = malloc(2 * N * sizeof *pairs);
    assert_non_null(pairs);
    ct_buf adtl = CT_BUF_INIT;
    ct_buf_put(&adtl, "adtl", 4);
    for (uint32_t i = 0; i < N; i++) {
        pairs[2 * i] = i + 1;
        pairs[2 * i + 1] = N - i;
        ct_buf_put(&adtl, "labl", 4);
        put32(&adtl, 8);
        put32(&adtl, i + 1);
        ct_buf_put(&adtl, i == N - 1 ? "Fst" : "Lbl", 4);
    }
    pairs[2 * (N - 1)] = 1; /* the last one reuses the first one's ID */
    size_t cue_len, len;
    uint8_t *cue = cue_body(pairs, N, &cue_len);
    assert_true(ct_buf_ok(&adtl));
    chunk c[] = {{"fmt ", fmt_body, 16}, {"data", audio, sizeof audio}, {"cue ", cue, cue_len},
                 {"LIST", adtl.data, adtl.len}};
    uint8_t *data = make_wav("RIFF", c, 4, &len);
    clock_t t0 = clock();
    chaptag_chapters *back = ct_test_read(&ct_backend_wav, data, len, NULL);
    assert_int_equal(chaptag_chapters_count(back), N);
    assert_int_equal(chaptag_chapters_get(back, 0)->start_ms, 0); /* frame 1 */
    assert_string_equal(chaptag_chapters_get(back, 1)->title, "Lbl");
    ct_file *f = ct_file_memory(data, len);
    ct_findings out = {NULL, 0, 0, false};
    assert_int_equal(ct_backend_lint(&ct_backend_wav, f, &out, NULL), CHAPTAG_OK);
    size_t twice = 0;
    for (size_t i = 0; i < out.n; i++)
        twice += strcmp(out.v[i].code, "cue-duplicate-id") == 0;
    assert_int_equal(twice, 1);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    if (secs > 20)
        fail_msg("reading and linting %d cue points took %.1f s", N, secs);
    ct_findings_clear(&out);
    ct_file_close(f);
    chaptag_chapters_free(back);
    ct_buf_free(&adtl);
    free(data);
    free(cue);
    free(pairs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wav_files_are_recognised_by_their_first_bytes),
        cmocka_unit_test(a_wav_gets_cue_and_adtl_after_its_chunks_which_all_stay),
        cmocka_unit_test(times_survive_the_conversion_to_frames),
        cmocka_unit_test(a_re_embed_is_in_place_valid_at_every_step_and_leaves_no_old_title),
        cmocka_unit_test(a_strip_zeroes_the_markers_in_place_and_a_second_strip_plans_nothing),
        cmocka_unit_test(markers_that_outgrow_their_padding_move_to_the_end_by_a_rewrite),
        cmocka_unit_test(an_rf64_file_stays_rf64_with_its_size_in_ds64),
        cmocka_unit_test(an_rf64_whose_ds64_riff_size_ends_before_it_is_walked_to_the_file_end),
        cmocka_unit_test(notes_and_regions_in_adtl_are_read_and_foreign_sub_chunks_kept),
        cmocka_unit_test(labels_and_info_tags_in_latin1_or_utf8_read_as_utf8),
        cmocka_unit_test(damaged_files_are_audio_errors_that_say_where),
        cmocka_unit_test(an_adtl_list_past_the_markers_limit_is_refused_without_a_crash),
        cmocka_unit_test(lint_names_disordered_late_untitled_and_twice_used_cue_points),
        cmocka_unit_test(many_cue_points_are_read_and_linted_without_a_quadratic_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
