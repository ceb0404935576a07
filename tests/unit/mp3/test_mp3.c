/* Tests of src/mp3/mp3.c, the MP3 backend: recognising MP3 files, reading their chapters and
   duration, and planning embeds and strips that keep the audio and every other tag. Files
   are built in memory from silent MPEG-1 Layer III frames. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
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
    chaptag_status st = ct_backend_plan(&ct_backend_mp3, f, l, &o, &plan, &rep, &err);
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

/* Whether the MP3 backend takes the LEN bytes at DATA, given the file and its first 4 KiB
   as api.c gives them; and given only those bytes (no file), when HEAD_ONLY. */
static bool sniffs(const uint8_t *data, size_t len, bool head_only)
{
    size_t n = len < CT_SNIFF_HEAD ? len : CT_SNIFF_HEAD;
    if (head_only)
        return ct_backend_mp3.sniff(NULL, data, n);
    ct_file *f = ct_file_memory(data, len);
    assert_non_null(f);
    bool yes = ct_backend_mp3.sniff(f, data, n);
    ct_file_close(f);
    return yes;
}

/* TAG_LEN bytes of tag (may be 0), then JUNK_LEN bytes of junk, in a new buffer: the prefix
   make_mp3() puts before the frames. Junk kinds: 0 zeros, 1 garbage with stray sync bytes and
   a valid header whose next frame is not there, 2 the first 200 bytes of a frame. */
static uint8_t *tag_and_junk(const uint8_t *tag, size_t tag_len, int kind, size_t junk_len)
{
    uint8_t *p = calloc(1, tag_len + junk_len);
    assert_non_null(p);
    memcpy(p, tag, tag_len);
    uint8_t *j = p + tag_len;
    static const uint8_t hdr[4] = {0xFF, 0xFB, 0x90, 0x00};
    if (kind == 1) {
        for (size_t i = 0; i < junk_len; i++)
            j[i] = (uint8_t)(i * 37 + 11);
        j[5] = 0xFF;
        memcpy(j + 40, hdr, 4);
    } else if (kind == 2) {
        memcpy(j + junk_len - 200, hdr, 4);
    }
    return p;
}

static void an_mp3_with_junk_before_its_first_frame_is_recognised(void **state)
{
    (void)state;
    size_t tag_len;
    uint8_t *tag = tpe1_tag(16, &tag_len);
    for (int with_tag = 0; with_tag <= 1; with_tag++)
        for (int kind = 0; kind <= 2; kind++) {
            uint8_t *prefix = tag_and_junk(tag, with_tag ? tag_len : 0, kind, 300);
            size_t len;
            uint8_t *data = make_mp3(prefix, (with_tag ? tag_len : 0) + 300, 20, false, &len);
            assert_true(sniffs(data, len, false));
            assert_true(sniffs(data, len, true));
            chaptag_file_info info;
            chaptag_chapters *l = ct_test_read(&ct_backend_mp3, data, len, &info);
            double want = 20 * FRAME_MS;
            assert_true(info.duration_ms + 30 >= want && info.duration_ms <= want + 30);
            chaptag_chapters_free(l);
            free(data);
            free(prefix);
        }
    free(tag);
}

static void a_wav_aiff_flac_ogg_or_mp4_behind_an_id3v2_tag_is_not_mp3(void **state)
{
    (void)state;
    static const uint8_t heads[][12] = {
        {'R', 'I', 'F', 'F', 0x24, 0, 1, 0, 'W', 'A', 'V', 'E'}, /* WAV */
        {'R', 'F', '6', '4', 0xFF, 0xFF, 0xFF, 0xFF, 'W', 'A', 'V', 'E'},
        {'F', 'O', 'R', 'M', 0, 1, 0, 0, 'A', 'I', 'F', 'F'},    /* AIFF */
        {'f', 'L', 'a', 'C', 0, 0, 0, 0x22},                     /* FLAC */
        {'O', 'g', 'g', 'S', 0, 2},                              /* Ogg */
        {0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'M', '4', 'A', ' '}, /* MP4 */
        {0xFF, 0xF1, 0x50, 0x80},                                /* ADTS AAC */
    };
    size_t tag_len;
    uint8_t *tag = tpe1_tag(100, &tag_len);
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        /* the payload is MPEG-looking frames, so only the magic can tell */
        size_t len;
        uint8_t *data = make_mp3(tag, tag_len, 20, false, &len);
        memcpy(data + tag_len, heads[i], sizeof heads[i]);
        assert_false(sniffs(data, len, false));
        assert_false(sniffs(data, len, true));
        free(data);
    }
    free(tag);
}

static void text_wav_and_mp4_files_without_a_tag_are_not_mp3(void **state)
{
    (void)state;
    size_t len = 70000;
    uint8_t *data = malloc(len);
    assert_non_null(data);
    for (size_t i = 0; i < len; i++)
        data[i] = (uint8_t)("00:00 Intro\n00:02 Next part\n"[i % 28]);
    assert_false(sniffs(data, len, false));
    /* noise behind a WAV header, with a valid frame header every 1000 bytes that no second
       frame follows */
    uint32_t x = 12345;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (uint8_t)(x >> 16);
    }
    for (size_t i = 100; i + 4 < len; i += 1000)
        memcpy(data + i, "\xFF\xFB\x90\x00", 4);
    memcpy(data, "RIFF\x24\x00\x01\x00WAVEfmt ", 16);
    assert_false(sniffs(data, len, false));
    memcpy(data, "\0\0\0 ftypM4A ", 12); /* size 32 */
    assert_false(sniffs(data, len, false));
    free(data);
}

static void an_id3v2_tag_before_nothing_decodable_is_mp3_without_frames(void **state)
{
    (void)state;
    size_t tag_len;
    uint8_t *tag = tpe1_tag(0, &tag_len);
    uint8_t *prefix = tag_and_junk(tag, tag_len, 1, 5000);
    assert_true(sniffs(prefix, tag_len + 5000, false));
    ct_file *f = ct_file_memory(prefix, tag_len + 5000);
    chaptag_chapters *l = chaptag_chapters_new();
    chaptag_error err = {0};
    chaptag_file_info info;
    assert_int_equal(ct_backend_read(&ct_backend_mp3, f, "x.mp3", l, &info, &err), CHAPTAG_ERR_AUDIO);
    assert_string_equal(err.msg, "no MPEG audio frames found");
    ct_file_close(f);
    chaptag_chapters_free(l);
    free(prefix);
    free(tag);
}

static void junk_between_the_tag_and_the_audio_stays_where_it_is(void **state)
{
    (void)state;
    size_t tag_len;
    uint8_t *tag = tpe1_tag(0, &tag_len);
    chaptag_chapters *l = ct_test_chapters(2, 100, "Part");
    for (int with_tag = 0; with_tag <= 1; with_tag++) {
        size_t skip = with_tag ? tag_len : 0, len, out_len;
        uint8_t *prefix = tag_and_junk(tag, skip, 2, 300);
        uint8_t *data = make_mp3(prefix, skip + 300, 20, true, &len);
        uint8_t *out = embed(data, len, l, 3, &out_len, NULL);
        uint64_t size = ct_id3v2_tag_size(out);
        assert_bytes_equal(out + size, out_len - size, data + skip, len - skip);
        chaptag_chapters *back = ct_test_read(&ct_backend_mp3, out, out_len, NULL);
        assert_int_equal(chaptag_chapters_count(back), 2);
        chaptag_chapters_free(back);
        free(out);
        free(data);
        free(prefix);
    }
    chaptag_chapters_free(l);
    free(tag);
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

/* Edits (in file order) in the plan for writing L (NULL: strip) into DATA: 0 when nothing
   would be written. */
static size_t n_edits(const uint8_t *data, size_t len, const chaptag_chapters *l)
{
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    ct_file *f = ct_file_memory(data, len);
    ct_plan plan;
    memset(&plan, 0, sizeof plan);
    struct chaptag_report rep;
    memset(&rep, 0, sizeof rep);
    chaptag_error err = {0};
    assert_int_equal(ct_backend_plan(&ct_backend_mp3, f, l, &o, &plan, &rep, &err), CHAPTAG_OK);
    size_t n = plan.n;
    ct_file_close(f);
    ct_plan_free(&plan);
    ct_buf_free(&rep.plan);
    ct_warnings_clear(&rep.warnings);
    return n;
}

/* The first place the N bytes at WHAT occur in the LEN bytes at DATA, or NULL. */
static uint8_t *find_bytes(uint8_t *data, size_t len, const void *what, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(data + i, what, n) == 0)
            return data + i;
    return NULL;
}

/* Fails when the LEN bytes at DATA hold WHAT anywhere, or when the padding of their tag holds
   anything but zeros. */
static void assert_gone(uint8_t *data, size_t len, const char *what)
{
    assert_null(find_bytes(data, len, what, strlen(what)));
    ct_id3_tag *t = tag_of(data, len);
    for (uint64_t i = 0; i < t->padding; i++)
        assert_int_equal(data[t->padding_off + i], 0);
    ct_id3v2_tag_free(t);
}

/* A list of chapters titled "PREFIX n", each with a link and, for the first, a picture. */
static chaptag_chapters *rich_chapters(size_t n, const char *prefix)
{
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 'Q', 'u', 'x'};
    chaptag_chapters *l = chaptag_chapters_new();
    for (size_t i = 0; i < n; i++) {
        char title[64], url[64];
        snprintf(title, sizeof title, "%s %zu", prefix, i + 1);
        snprintf(url, sizeof url, "https://example.com/%s/%zu", prefix, i + 1);
        chaptag_chapter ch = {.start_ms = i * 100, .end_ms = CHAPTAG_TIME_NONE, .title = title,
                              .url = url, .line = (unsigned)(i + 1)};
        if (i == 0) {
            ch.image_data = png;
            ch.image_len = sizeof png;
            ch.image_mime = "image/png";
        }
        assert_int_equal(chaptag_chapters_add(l, &ch, NULL), CHAPTAG_OK);
    }
    return l;
}

static void an_in_place_re_embed_or_strip_leaves_no_byte_of_the_old_chapters(void **state)
{
    (void)state;
    size_t len, first_len, second_len, stripped_len;
    uint8_t *data = make_mp3(NULL, 0, 50, false, &len);
    chaptag_chapters *old = rich_chapters(4, "Walrus");
    chaptag_chapters *new = rich_chapters(2, "Zebra");
    uint8_t *first = embed(data, len, old, 3, &first_len, NULL);
    bool in_place;
    uint8_t *second = embed(first, first_len, new, 3, &second_len, &in_place);
    assert_true(in_place);
    assert_gone(second, second_len, "Walrus");
    assert_int_equal(n_edits(second, second_len, new), 0); /* the same again: nothing */
    uint8_t *stripped = embed(second, second_len, NULL, 3, &stripped_len, &in_place);
    assert_true(in_place);
    assert_gone(stripped, stripped_len, "Zebra");
    assert_null(find_bytes(stripped, stripped_len, "Qux", 3));
    assert_bytes_equal(stripped + stripped_len - len, len, data, len);
    chaptag_chapters_free(old);
    chaptag_chapters_free(new);
    free(stripped);
    free(second);
    free(first);
    free(data);
}

static void a_strip_cut_short_is_finished_by_the_next_strip(void **state)
{
    (void)state;
    size_t tag_len, len, out_len, again_len;
    uint8_t *tag = tpe1_tag(0, &tag_len);
    uint8_t *data = make_mp3(tag, tag_len, 50, false, &len);
    chaptag_chapters *l = rich_chapters(3, "Walrus");
    uint8_t *out = embed(data, len, l, 3, &out_len, NULL);
    /* the first step of a strip: the ID of the first chapter frame zeroed */
    uint8_t *ctoc = find_bytes(out, out_len, "CTOC", 4);
    assert_non_null(ctoc);
    memset(ctoc, 0, 4);
    chaptag_chapters *back = ct_test_read(&ct_backend_mp3, out, out_len, NULL);
    assert_int_equal(chaptag_chapters_count(back), 0);
    chaptag_chapters_free(back);

    bool in_place;
    uint8_t *again = embed(out, out_len, NULL, 3, &again_len, &in_place);
    assert_true(in_place);
    assert_int_equal(again_len, out_len);
    assert_gone(again, again_len, "Walrus");
    assert_null(find_bytes(again, again_len, "Qux", 3));
    ct_id3_tag *t = tag_of(again, again_len);
    ct_buf artist = CT_BUF_INIT;
    assert_true(ct_id3v2_text(t, "TPE1", &artist));
    ct_buf_free(&artist);
    ct_id3v2_tag_free(t);
    assert_bytes_equal(again + again_len - (len - tag_len), len - tag_len, data + tag_len,
                       len - tag_len);
    assert_int_equal(n_edits(again, again_len, NULL), 0); /* clean now: nothing to write */
    chaptag_chapters_free(l);
    free(again);
    free(out);
    free(data);
    free(tag);
}

static bool warned(const ct_warnings *w, const char *part)
{
    for (size_t i = 0; i < w->n; i++)
        if (strstr(w->v[i].msg, part) != NULL)
            return true;
    return false;
}

static void stacked_tags_merge_into_one_tag_without_repeated_frames(void **state)
{
    (void)state;
    static const uint8_t tit2[] = {
        'T', 'I', 'T', '2', 0, 0, 0, 6, 0, 0, /* TIT2, size 6 */
        0, 'L', 'a', 't', 'e', 'r',           /* ISO-8859-1 "Later" */
    };
    size_t first_len, second_len, len;
    uint8_t *first = tpe1_tag(0, &first_len);
    uint8_t *second = tpe1_tag(sizeof tit2, &second_len); /* TPE1 "Host" again, then TIT2 */
    memcpy(second + second_len - sizeof tit2, tit2, sizeof tit2);
    uint8_t *both = malloc(first_len + second_len);
    assert_non_null(both);
    memcpy(both, first, first_len);
    memcpy(both + first_len, second, second_len);
    uint8_t *data = make_mp3(both, first_len + second_len, 20, false, &len);
    chaptag_chapters *back = ct_test_read(&ct_backend_mp3, data, len, NULL);
    assert_true(warned(ct_chapters_warnings(back), "the TPE1 frame of the tag at byte 25"));
    chaptag_chapters_free(back);

    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    chaptag_chapters *l = ct_test_chapters(2, 100, "Part");
    ct_file *f = ct_file_memory(data, len);
    ct_plan plan;
    memset(&plan, 0, sizeof plan);
    struct chaptag_report rep;
    memset(&rep, 0, sizeof rep);
    chaptag_error err = {0};
    assert_int_equal(ct_backend_plan(&ct_backend_mp3, f, l, &o, &plan, &rep, &err), CHAPTAG_OK);
    assert_true(warned(&rep.warnings, "TPE1"));
    size_t out_len;
    uint8_t *out = ct_test_apply_edits(data, len, &plan, &out_len);
    ct_id3_tag *t = tag_of(out, out_len);
    size_t n_tpe1 = 0;
    for (size_t i = 0; i < t->n_frames; i++)
        n_tpe1 += strcmp(t->frames[i].id, "TPE1") == 0;
    assert_int_equal(n_tpe1, 1);
    ct_buf title = CT_BUF_INIT;
    assert_true(ct_id3v2_text(t, "TIT2", &title)); /* what only the second tag had is kept */
    ct_buf_free(&title);
    ct_id3v2_tag_free(t);
    free(out);
    ct_file_close(f);
    ct_plan_free(&plan);
    ct_buf_free(&rep.plan);
    ct_warnings_clear(&rep.warnings);
    chaptag_chapters_free(l);
    free(data);
    free(both);
    free(second);
    free(first);
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
    chaptag_status st = ct_backend_read(&ct_backend_mp3, f, "junk.mp3", l, &info, &err);
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
    chaptag_status st = ct_backend_read(&ct_backend_mp3, f, "cut.mp3", l, &info, &err);
    ct_file_close(f);
    assert_int_not_equal(st, CHAPTAG_OK);
    chaptag_chapters_free(l);
    free(data);
    free(tag);
}

/* ---- pictures given as URLs -------------------------------------------------------------- */

/* A list of chapters 500 ms apart titled by their line, 1 up; chapter i's image is IMAGES[i]
   (NULL: none). */
static chaptag_chapters *with_images(const char *const *images, size_t n)
{
    chaptag_chapters *l = chaptag_chapters_new();
    for (size_t i = 0; i < n; i++) {
        char title[32];
        snprintf(title, sizeof title, "line %zu", i + 1);
        chaptag_chapter ch = {.start_ms = i * 500, .end_ms = CHAPTAG_TIME_NONE, .title = title,
                              .image = images[i], .line = (unsigned)(i + 1)};
        assert_int_equal(chaptag_chapters_add(l, &ch, NULL), CHAPTAG_OK);
    }
    return l;
}

/* How many of W's warnings hold PART; *LINE gets the line of the last such. */
static size_t n_warned(const ct_warnings *w, const char *part, unsigned *line)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++)
        if (strstr(w->v[i].msg, part) != NULL) {
            *line = w->v[i].line;
            n++;
        }
    return n;
}

static void pictures_given_as_urls_become_linked_apics_noted_once(void **state)
{
    (void)state;
    size_t len, out_len;
    uint8_t *data = make_mp3(NULL, 0, 100, false, &len);
    const char *images[] = {NULL, "https://e.x/1.jpg", "http://e.x/2.png"};
    chaptag_chapters *l = with_images(images, 3);
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    ct_file *f = ct_file_memory(data, len);
    ct_plan plan;
    memset(&plan, 0, sizeof plan);
    struct chaptag_report rep;
    memset(&rep, 0, sizeof rep);
    chaptag_error err = {0};
    assert_int_equal(ct_backend_plan(&ct_backend_mp3, f, l, &o, &plan, &rep, &err), CHAPTAG_OK);
    ct_file_close(f);
    assert_true(rep.keeps & CT_KEEPS_PICTURE_LINKS);
    unsigned line = 0;
    assert_int_equal(n_warned(&rep.warnings, "most players show only embedded pictures", &line),
                     1);
    assert_int_equal(line, 2); /* the first chapter with a picture link */
    assert_int_equal(n_warned(&rep.warnings, "2 chapter pictures given as a URL are", &line), 1);
    assert_int_equal(n_warned(&rep.warnings, "--image-dir DIR", &line), 1);
    ct_buf_put_u8(&rep.plan, 0);
    assert_non_null(strstr((const char *)rep.plan.data, "\"line 2\", image link ("));
    assert_non_null(strstr((const char *)rep.plan.data, "\"line 3\", image link ("));
    assert_null(strstr((const char *)rep.plan.data, "\"line 1\", image"));
    uint8_t *out = ct_test_apply_edits(data, len, &plan, &out_len);
    ct_plan_free(&plan);
    ct_buf_free(&rep.plan);
    ct_warnings_clear(&rep.warnings);
    chaptag_chapters *back = ct_test_read(&ct_backend_mp3, out, out_len, NULL);
    assert_null(chaptag_chapters_get(back, 0)->image);
    assert_string_equal(chaptag_chapters_get(back, 1)->image, "https://e.x/1.jpg");
    assert_string_equal(chaptag_chapters_get(back, 2)->image, "http://e.x/2.png");
    assert_null(chaptag_chapters_get(back, 2)->image_data);
    assert_int_equal(n_edits(out, out_len, l), 0);    /* the same list again: nothing */
    assert_int_equal(n_edits(out, out_len, back), 0); /* and what it reads back as */
    chaptag_chapters_free(back);
    chaptag_chapters_free(l);
    free(out);
    free(data);
}

/* Loads the pictures of a one-chapter list (line 1) whose image is URL, the chapter file being
   LIST_PATH and the folders DIRS (N of them) given with --image-dir. Returns the status; on
   success *BYTES gets the first byte of the picture loaded, or -1 when it stayed a link. */
static chaptag_status load_link(const char *url, const char *list_path, const char *const *dirs,
                                size_t n, int *byte, chaptag_error *err)
{
    chaptag_chapters *l = with_images(&url, 1);
    chaptag_status st = chaptag_chapters_load_images_from(l, list_path, dirs, n, err);
    const chaptag_chapter *ch = chaptag_chapters_get(l, 0);
    if (st == CHAPTAG_OK) {
        assert_string_equal(ch->image, url); /* the image keeps its URL */
        *byte = ch->image_data ? ch->image_data[ch->image_len - 1] : -1;
        if (ch->image_data != NULL)
            assert_int_equal(chaptag_chapter_image_kind(ch), CHAPTAG_IMAGE_EMBEDDED);
    } else {
        assert_int_equal(err->line, 1);
    }
    chaptag_chapters_free(l);
    return st;
}

/* Writes a JPEG whose last byte is LAST to DIR/NAME. */
static void write_jpeg(const char *dir, const char *name, uint8_t last)
{
    uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0, last};
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ct_test_write_file(path, jpeg, sizeof jpeg);
}

static void image_dir_folders_are_searched_for_the_file_a_picture_url_names(void **state)
{
    (void)state;
    char *top = ct_test_tmpdir(), a[600], b[600], list[600], out[600];
    snprintf(a, sizeof a, "%s/a", top);
    snprintf(b, sizeof b, "%s/b", top);
    snprintf(list, sizeof list, "%s/chapters.json", top);
    snprintf(out, sizeof out, "%s/out.jpg", top);
    assert_int_equal(mkdir(a, 0700), 0);
    assert_int_equal(mkdir(b, 0700), 0);
    write_jpeg(a, "cover.jpg", 1);
    write_jpeg(b, "cover.jpg", 2); /* a comes first */
    write_jpeg(b, "only-b.jpg", 3);
    write_jpeg(b, "cover art.jpg", 4);
    write_jpeg(top, "beside-the-list.jpg", 5);
    write_jpeg(top, "out.jpg", 6);
    const char *dirs[] = {a, b};
    chaptag_error err = {0};
    int byte;
    struct {
        const char *url;
        int byte;
    } ok[] = {
        {"https://e.x/img/cover.jpg", 1},
        {"HTTPS://e.x/only-b.jpg", 3},
        {"https://e.x/img/cover.jpg?w=300&h=300#top", 1},  /* query and fragment cut */
        {"http://e.x/cover%20art.jpg", 4},                 /* percent-decoded */
        {"http://e.x/cover%20art.jpg?x=/a/b", 4},          /* a slash in the query */
        {"https://e.x/a/../cover.jpg", 1},                 /* the last segment counts */
        {"https://e.x/missing.jpg", -1},                   /* not found: stays a link */
        {"https://e.x/beside-the-list.jpg", -1},           /* the list's folder: not searched */
        {"https://e.x/cover%2.jpg", -1},                   /* a stray '%' stays */
        {"https://e.x/img/", -1},                          /* a folder: nothing to look for */
        {"https://e.x", -1},
        {"https://e.x?q=a.jpg", -1},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(load_link(ok[i].url, list, dirs, 2, &byte, &err), CHAPTAG_OK);
        if (byte != ok[i].byte)
            fail_msg("%s: got %d, want %d", ok[i].url, byte, ok[i].byte);
    }
    static const char *const refused[] = {
        "https://e.x/img/..%2F..%2Fout.jpg", "https://e.x/img/%2e%2E", "https://e.x/img/.",
        "https://e.x/a%2Fb.jpg", "https://e.x/a%00.jpg",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        if (load_link(refused[i], list, dirs, 2, &byte, &err) != CHAPTAG_ERR_INPUT)
            fail_msg("%s was not refused", refused[i]);
        assert_non_null(strstr(err.msg, "names no file"));
    }
    /* without --image-dir no URL is looked up, so none is refused */
    assert_int_equal(load_link("https://e.x/img/", list, NULL, 0, &byte, &err), CHAPTAG_OK);
    assert_int_equal(load_link("https://e.x/cover.jpg", list, NULL, 0, &byte, &err), CHAPTAG_OK);
    assert_int_equal(byte, -1);
    /* a file found is checked as a local one: JPEG or PNG, inside the folders given */
    char path[700];
    snprintf(path, sizeof path, "%s/text.jpg", a);
    ct_test_write_file(path, "hello", 5);
    assert_int_equal(load_link("https://e.x/text.jpg", list, dirs, 2, &byte, &err),
                     CHAPTAG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "neither JPEG nor PNG"));
    assert_non_null(strstr(err.msg, "a/text.jpg"));
    snprintf(path, sizeof path, "%s/link.jpg", a);
    assert_int_equal(symlink(out, path), 0);
    assert_int_equal(load_link("https://e.x/link.jpg", list, dirs, 2, &byte, &err),
                     CHAPTAG_ERR_INPUT);
    assert_non_null(strstr(err.msg, "outside the folders"));
    ct_test_rmdir(top);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mp3_files_are_recognised_by_their_first_bytes),
        cmocka_unit_test(an_mp3_with_junk_before_its_first_frame_is_recognised),
        cmocka_unit_test(a_wav_aiff_flac_ogg_or_mp4_behind_an_id3v2_tag_is_not_mp3),
        cmocka_unit_test(text_wav_and_mp4_files_without_a_tag_are_not_mp3),
        cmocka_unit_test(an_id3v2_tag_before_nothing_decodable_is_mp3_without_frames),
        cmocka_unit_test(junk_between_the_tag_and_the_audio_stays_where_it_is),
        cmocka_unit_test(an_untagged_file_gets_a_v23_tag_and_keeps_its_audio),
        cmocka_unit_test(a_re_embed_that_fits_the_padding_is_in_place),
        cmocka_unit_test(frames_chaptag_does_not_own_survive_embed_and_strip),
        cmocka_unit_test(an_in_place_re_embed_or_strip_leaves_no_byte_of_the_old_chapters),
        cmocka_unit_test(a_strip_cut_short_is_finished_by_the_next_strip),
        cmocka_unit_test(stacked_tags_merge_into_one_tag_without_repeated_frames),
        cmocka_unit_test(a_file_that_is_not_mpeg_audio_is_an_audio_error),
        cmocka_unit_test(a_tag_claiming_more_than_the_file_is_an_error_not_a_read_past_the_end),
        cmocka_unit_test(pictures_given_as_urls_become_linked_apics_noted_once),
        cmocka_unit_test(image_dir_folders_are_searched_for_the_file_a_picture_url_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
