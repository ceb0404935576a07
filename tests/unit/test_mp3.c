/* Tests of src/mp3.c, the MP3 backend: recognising MP3 files, reading their chapters and
   duration, and planning embeds and strips that keep the audio and every other tag. Files
   are built in memory from silent MPEG-1 Layer III frames. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "id3v2.h"

#define FRAME_LEN 417 /* MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding */
#define FRAME_MS (1152.0 * 1000 / 44100)

/* LEN bytes of file: an optional prefix (a tag), N_FRAMES frames, an optional ID3v1 tag. */
static uint8_t *make_mp3(const uint8_t *prefix, size_t prefix_len, size_t n_frames, bool id3v1,
                         size_t *len)
{
    *len = prefix_len + n_frames * FRAME_LEN + (id3v1 ? 128 : 0);
    uint8_t *p = calloc(1, *len);
    assert_non_null(p);
    if (prefix_len)
        memcpy(p, prefix, prefix_len);
    for (size_t i = 0; i < n_frames; i++) {
        uint8_t *f = p + prefix_len + i * FRAME_LEN;
        f[0] = 0xFF, f[1] = 0xFB, f[2] = 0x90, f[3] = 0x00;
        f[FRAME_LEN - 1] = (uint8_t)i; /* so moved audio would show */
    }
    if (id3v1) {
        uint8_t *t = p + *len - 128;
        memcpy(t, "TAG", 3);
        memcpy(t + 3, "Old title", 9);
    }
    return p;
}

/* An ID3v2.3 tag holding one TPE1 frame "Host" and PADDING bytes of padding. */
static uint8_t *tpe1_tag(size_t padding, size_t *len)
{
    static const uint8_t frame[] = {'T', 'P', 'E', '1', 0, 0, 0, 5, 0, 0, 0, 'H', 'o', 's', 't'};
    ct_buf b = CT_BUF_INIT;
    ct_id3v2_render_header(3, (uint32_t)(sizeof frame + padding), &b);
    ct_buf_put(&b, frame, sizeof frame);
    ct_buf_put_zeros(&b, padding);
    assert_true(ct_buf_ok(&b));
    return ct_buf_take(&b, len);
}

/* Plans writing L (NULL: strip) into DATA and applies it; returns the new file. *IN_PLACE
   tells whether the plan kept every size. */
static uint8_t *embed(const uint8_t *data, size_t len, const chaptag_chapters *l, int version,
                      size_t *out_len, bool *in_place)
{
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    o.id3v2_version = version;
    ct_file *f = ct_file_memory(data, len);
    ct_plan plan;
    memset(&plan, 0, sizeof plan);
    struct chaptag_report rep;
    memset(&rep, 0, sizeof rep);
    chaptag_error err = {0};
    chaptag_status st = ct_backend_mp3.plan(f, l, &o, &plan, &rep, &err);
    if (st != CHAPTAG_OK)
        fail_msg("plan: %s", err.msg);
    ct_file_close(f);
    if (in_place)
        *in_place = rep.in_place;
    uint8_t *out = ct_test_apply_edits(data, len, &plan, out_len);
    ct_plan_free(&plan);
    ct_buf_free(&rep.plan);
    ct_warnings_clear(&rep.warnings);
    return out;
}

/* The tag at the start of DATA, parsed. */
static ct_id3_tag *tag_of(const uint8_t *data, size_t len)
{
    uint64_t size = ct_id3v2_tag_size(data);
    assert_true(size > 0 && size <= len);
    ct_id3_tag *tag;
    chaptag_error err;
    assert_int_equal(ct_id3v2_parse(data, (size_t)size, &tag, &err), CHAPTAG_OK);
    return tag;
}

static void mp3_files_are_recognised_by_their_first_bytes(void **state)
{
    (void)state;
    static const uint8_t id3[] = {'I', 'D', '3', 3, 0, 0, 0, 0, 0, 10};
    static const uint8_t frame[] = {0xFF, 0xFB, 0x90, 0x00};
    static const uint8_t mp4[] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'M', '4', 'A', ' '};
    static const uint8_t text[] = "00:00 Intro\n";
    assert_true(ct_backend_mp3.sniff(NULL, id3, sizeof id3));
    assert_true(ct_backend_mp3.sniff(NULL, frame, sizeof frame));
    assert_false(ct_backend_mp3.sniff(NULL, mp4, sizeof mp4));
    assert_false(ct_backend_mp3.sniff(NULL, text, sizeof text - 1));
    assert_false(ct_backend_mp3.sniff(NULL, id3, 0));
}

static void an_untagged_file_gets_a_v23_tag_and_keeps_its_audio(void **state)
{
    (void)state;
    size_t len, out_len;
    uint8_t *data = make_mp3(NULL, 0, 400, true, &len);
    chaptag_chapters *l = ct_test_chapters(4, 500, "Part");
    bool in_place;
    uint8_t *out = embed(data, len, l, 3, &out_len, &in_place);
    assert_false(in_place); /* a tag had to be inserted */
    assert_memory_equal(out, "ID3\x03", 4);
    uint64_t tag_size = ct_id3v2_tag_size(out);
    assert_bytes_equal(out + tag_size, out_len - tag_size, data, len); /* audio and ID3v1 */
    chaptag_file_info info;
    chaptag_chapters *back = ct_test_read(&ct_backend_mp3, out, out_len, &info);
    assert_int_equal(chaptag_chapters_count(back), 4);
    assert_string_equal(chaptag_chapters_get(back, 3)->title, "Part 4");
    assert_int_equal(chaptag_chapters_get(back, 3)->start_ms, 1500);
    assert_string_equal(info.container, "MP3");
    assert_string_equal(info.tag, "ID3v2.3");
    double want = 400 * FRAME_MS;
    assert_true(info.duration_ms + 30 >= want && info.duration_ms <= want + 30);
    chaptag_chapters_free(back);
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

static void a_re_embed_that_fits_the_padding_is_in_place(void **state)
{
    (void)state;
    size_t len, out_len, again_len;
    uint8_t *data = make_mp3(NULL, 0, 100, false, &len);
    chaptag_chapters *first = ct_test_chapters(3, 500, "First");
    uint8_t *out = embed(data, len, first, 3, &out_len, NULL);
    chaptag_chapters *second = ct_test_chapters(5, 500, "Second");
    bool in_place;
    uint8_t *again = embed(out, out_len, second, 3, &again_len, &in_place);
    assert_true(in_place);
    assert_int_equal(again_len, out_len);
    chaptag_chapters *back = ct_test_read(&ct_backend_mp3, again, again_len, NULL);
    assert_int_equal(chaptag_chapters_count(back), 5);
    assert_string_equal(chaptag_chapters_get(back, 0)->title, "Second 1");
    chaptag_chapters_free(back);
    chaptag_chapters_free(first);
    chaptag_chapters_free(second);
    free(again);
    free(out);
    free(data);
}

static void frames_chaptag_does_not_own_survive_embed_and_strip(void **state)
{
    (void)state;
    size_t tag_len, len, out_len, stripped_len;
    uint8_t *tag = tpe1_tag(64, &tag_len);
    uint8_t *data = make_mp3(tag, tag_len, 50, false, &len);
    chaptag_chapters *l = ct_test_chapters(2, 500, "Chapter");
    for (int version = 3; version <= 4; version++) {
        uint8_t *out = embed(data, len, l, version, &out_len, NULL);
        assert_int_equal(out[3], version);
        ct_id3_tag *t = tag_of(out, out_len);
        ct_buf artist = CT_BUF_INIT;
        assert_true(ct_id3v2_text(t, "TPE1", &artist));
        assert_bytes_equal(artist.data, artist.len, "Host", 4);
        assert_true(ct_id3v2_has_chapters(t));
        ct_buf_free(&artist);
        ct_id3v2_tag_free(t);

        uint8_t *stripped = embed(out, out_len, NULL, version, &stripped_len, NULL);
        t = tag_of(stripped, stripped_len);
        assert_false(ct_id3v2_has_chapters(t));
        assert_true(ct_id3v2_text(t, "TPE1", &artist));
        ct_buf_free(&artist);
        ct_id3v2_tag_free(t);
        chaptag_chapters *back = ct_test_read(&ct_backend_mp3, stripped, stripped_len, NULL);
        assert_int_equal(chaptag_chapters_count(back), 0);
        chaptag_chapters_free(back);
        uint64_t size = ct_id3v2_tag_size(stripped);
        assert_bytes_equal(stripped + size, stripped_len - size, data + tag_len, len - tag_len);
        free(stripped);
        free(out);
    }
    chaptag_chapters_free(l);
    free(data);
    free(tag);
}

static void a_file_that_is_not_mpeg_audio_is_an_audio_error(void **state)
{
    (void)state;
    uint8_t junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 7 + 3);
    junk[0] = 'x';
    chaptag_chapters *l = chaptag_chapters_new();
    ct_file *f = ct_file_memory(junk, sizeof junk);
    chaptag_error err = {0};
    chaptag_file_info info;
    chaptag_status st = ct_backend_mp3.read(f, "junk.mp3", l, &info, &err);
    ct_file_close(f);
    assert_int_equal(st, CHAPTAG_ERR_AUDIO);
    assert_true(err.msg[0] != '\0');
    chaptag_chapters_free(l);
}

static void a_tag_claiming_more_than_the_file_is_an_error_not_a_read_past_the_end(void **state)
{
    (void)state;
    size_t tag_len, len;
    uint8_t *tag = tpe1_tag(0, &tag_len);
    tag[6] = 0x7F; /* sync-safe size of about 256 MB */
    uint8_t *data = make_mp3(tag, tag_len, 3, false, &len);
    chaptag_chapters *l = chaptag_chapters_new();
    ct_file *f = ct_file_memory(data, len);
    chaptag_error err = {0};
    chaptag_file_info info;
    chaptag_status st = ct_backend_mp3.read(f, "cut.mp3", l, &info, &err);
    ct_file_close(f);
    assert_int_not_equal(st, CHAPTAG_OK);
    chaptag_chapters_free(l);
    free(data);
    free(tag);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mp3_files_are_recognised_by_their_first_bytes),
        cmocka_unit_test(an_untagged_file_gets_a_v23_tag_and_keeps_its_audio),
        cmocka_unit_test(a_re_embed_that_fits_the_padding_is_in_place),
        cmocka_unit_test(frames_chaptag_does_not_own_survive_embed_and_strip),
        cmocka_unit_test(a_file_that_is_not_mpeg_audio_is_an_audio_error),
        cmocka_unit_test(a_tag_claiming_more_than_the_file_is_an_error_not_a_read_past_the_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
