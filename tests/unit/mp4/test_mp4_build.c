/* Tests of src/mp4/mp4_build.c on the bytes it builds: the chapter text samples with their
   href boxes, the 255-byte link limit, the chapter trak's one-sample-per-chunk tables, chpl
   titles cut to 127 bytes on a character boundary, and the chapter image track. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "mp4_int.h"

/* A list of the N titles in TITLES, 10 s apart from 0, with the N links in URLS (NULL: none),
   on lines 1, 2, ... */
static chaptag_chapters *linked(size_t n, const char *const *titles, const char *const *urls)
{
    chaptag_chapters *l = chaptag_chapters_new();
    for (size_t i = 0; i < n; i++) {
        chaptag_chapter ch = {.start_ms = i * 10000, .end_ms = CHAPTAG_TIME_NONE,
                              .title = titles[i], .url = urls[i], .line = (unsigned)i + 1};
        assert_int_equal(chaptag_chapters_add(l, &ch, NULL), CHAPTAG_OK);
    }
    return l;
}

static void a_link_is_an_href_box_after_encd_spanning_the_title_in_characters(void **state)
{
    (void)state;
    static const char *const titles[] = {"Caf\xc3\xa9 \xe6\x97\xa5", "Plain"};
    static const char *const urls[] = {"https://e.x/a", NULL};
    chaptag_chapters *l = linked(2, titles, urls);
    qt_samples q;
    ct_warnings w = {0};
    assert_int_equal(ct_mp4_make_samples(l, 30000, false, &q, &w, NULL), CHAPTAG_OK);
    static const uint8_t want[] = {
        0, 9, 'C', 'a', 'f', 0xc3, 0xa9, ' ', 0xe6, 0x97, 0xa5, /* length 9, "Café 日" */
        0, 0, 0, 12, 'e', 'n', 'c', 'd', 0, 0, 1, 0,            /* encd: UTF-8 */
        0, 0, 0, 27, 'h', 'r', 'e', 'f',                        /* href, 27 bytes */
        0, 0,                                                   /* startCharOffset 0 */
        0, 6,                                                   /* endCharOffset: 6 characters */
        13, 'h', 't', 't', 'p', 's', ':', '/', '/', 'e', '.', 'x', '/', 'a', /* the url */
        0,                                                      /* altLength 0 */
        0, 5, 'P', 'l', 'a', 'i', 'n',                          /* no link: no href */
        0, 0, 0, 12, 'e', 'n', 'c', 'd', 0, 0, 1, 0,
    };
    assert_bytes_equal(q.data.data, q.data.len, want, sizeof want);
    assert_int_equal(q.n, 2);
    assert_int_equal(q.sizes[0], 11 + 12 + 27); /* the stsz entry covers the href box */
    assert_int_equal(q.sizes[1], 7 + 12);
    assert_int_equal(w.n, 0);
    ct_mp4_free_samples(&q);
    chaptag_chapters_free(l);
}

static void a_link_over_255_bytes_is_an_input_error_on_its_line(void **state)
{
    (void)state;
    char url[300] = "https://e.x/";
    memset(url + 12, 'a', 255 - 12);
    static const char *const titles[] = {"One", "Two"};
    const char *urls[] = {NULL, url};
    chaptag_chapters *l = linked(2, titles, urls);
    qt_samples q;
    chaptag_error err = {0};
    assert_int_equal(ct_mp4_make_samples(l, 30000, false, &q, NULL, &err),
                     CHAPTAG_OK); /* 255: fits */
    assert_int_equal(q.data.data[q.sizes[0] + 5 + 12 + 12], 255);              /* urlLength */
    ct_mp4_free_samples(&q);
    chaptag_chapters_free(l);
    url[255] = 'a'; /* 256 bytes */
    l = linked(2, titles, urls);
    assert_int_equal(ct_mp4_make_samples(l, 30000, false, &q, NULL, &err), CHAPTAG_ERR_INPUT);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "256 bytes"));
    assert_non_null(strstr(err.msg, "255"));
    ct_mp4_free_samples(&q);
    chaptag_chapters_free(l);
}

/* The payload of box TYPE found first inside the LEN bytes at P (a linear scan), its size in
   *N. */
static const uint8_t *find_box(const uint8_t *p, size_t len, const char *type, size_t *n)
{
    for (size_t i = 4; i + 4 <= len; i++)
        if (memcmp(p + i, type, 4) == 0) {
            *n = ct_load_u32be(p + i - 4) - 8;
            return p + i + 4;
        }
    fail_msg("no %s box", type);
    return NULL;
}

static void the_chapter_track_stores_one_sample_per_chunk(void **state)
{
    (void)state;
    static const char *const titles[] = {"A", "Bb", "Ccc"};
    static const char *const urls[] = {NULL, "http://b.x/", NULL};
    chaptag_chapters *l = linked(3, titles, urls);
    qt_samples q;
    assert_int_equal(ct_mp4_make_samples(l, 30000, false, &q, NULL, NULL), CHAPTAG_OK);
    for (int wide = 0; wide < 2; wide++) {
        uint64_t at = wide ? 0x100000000ull : 5000; /* past 4 GiB: co64 */
        ct_buf b = CT_BUF_INIT;
        ct_mp4_put_chapter_trak(&b, &q, 2, 30000, 1000, at);
        size_t n = 0;
        const uint8_t *stsc = find_box(b.data, b.len, "stsc", &n);
        static const uint8_t one_per_chunk[] = {
            0, 0, 0, 0, /* version, flags */
            0, 0, 0, 1, /* one entry */
            0, 0, 0, 1, /* first chunk 1 */
            0, 0, 0, 1, /* one sample per chunk */
            0, 0, 0, 1, /* sample description 1 */
        };
        assert_bytes_equal(stsc, n, one_per_chunk, sizeof one_per_chunk);
        const uint8_t *co = find_box(b.data, b.len, wide ? "co64" : "stco", &n);
        assert_int_equal(n, 8 + 3 * (wide ? 8 : 4));
        assert_int_equal(ct_load_u32be(co + 4), 3); /* one chunk per sample */
        uint64_t want = at;
        for (size_t i = 0; i < 3; want += q.sizes[i++]) {
            const uint8_t *e = co + 8 + i * (wide ? 8 : 4);
            assert_int_equal(wide ? ct_load_u64be(e) : ct_load_u32be(e), want);
        }
        ct_buf_free(&b);
    }
    ct_mp4_free_samples(&q);
    chaptag_chapters_free(l);
}

static void chpl_titles_are_cut_to_127_bytes_on_a_character_boundary_with_a_warning(void **state)
{
    (void)state;
    char title[303] = "ab"; /* then 3-byte characters (€): 127 falls inside the 42nd */
    for (int i = 0; i < 100; i++)
        memcpy(title + 2 + 3 * i, "\xe2\x82\xac", 3);
    static const char *const fits = "127 bytes of ASCII, not cut ......................................"
                                    ".............................................................";
    assert_int_equal(strlen(fits), 127);
    const char *titles[] = {title, fits};
    static const char *const urls[] = {NULL, NULL};
    chaptag_chapters *l = linked(2, titles, urls);
    ct_buf b = CT_BUF_INIT;
    ct_warnings w = {0};
    ct_mp4_put_chpl(&b, l, &w);
    assert_int_equal(w.n, 1);
    assert_int_equal(w.v[0].line, 1);
    assert_non_null(strstr(w.v[0].msg, "cut to 125 bytes"));
    assert_non_null(strstr(w.v[0].msg, "AntennaPod"));
    assert_int_equal(b.data[8], 2);    /* two entries */
    assert_int_equal(b.data[17], 125); /* 2 + 41 * 3: the last whole character */
    assert_memory_equal(b.data + 18, title, 125);
    assert_int_equal(b.data[18 + 125 + 8], 127);
    assert_memory_equal(b.data + 18 + 125 + 9, fits, 127);
    assert_int_equal(b.len, 9 + 9 + 125 + 9 + 127);
    ct_buf_free(&b);
    ct_warnings_clear(&w);
    chaptag_chapters_free(l);
}

/* A JPEG of W x H pixels as far as a header reader sees: SOI, SOF0, EOI; and MARK to tell two
   apart. */
static size_t fake_jpeg(uint8_t *out, unsigned w, unsigned h, uint8_t mark)
{
    const uint8_t jpeg[] = {0xFF, 0xD8,                               /* SOI */
                            0xFF, 0xC0, 0, 11, 8,                     /* SOF0, 8 bits */
                            (uint8_t)(h >> 8), (uint8_t)h, (uint8_t)(w >> 8), (uint8_t)w,
                            1, 1, 0x11, 0,                            /* one component */
                            0xFF, 0xFE, 0, 3, mark,                   /* COM */
                            0xFF, 0xD9};                              /* EOI */
    memcpy(out, jpeg, sizeof jpeg);
    return sizeof jpeg;
}

/* The first box of TYPE in the LEN bytes at P (searched byte by byte), or NULL. */
static const uint8_t *box_at(const uint8_t *p, size_t len, const char *type)
{
    for (size_t i = 4; i + 4 <= len; i++)
        if (memcmp(p + i, type, 4) == 0)
            return p + i - 4;
    return NULL;
}

static void pictures_share_the_previous_chapters_bytes_and_the_track_is_a_disabled_jpeg_one(
    void **state)
{
    (void)state;
    static const char *const titles[] = {"Lead", "Red", "Gap", "Red again", "Blue"};
    static const char *const urls[] = {NULL, NULL, NULL, NULL, NULL};
    chaptag_chapters *l = linked(5, titles, urls);
    uint8_t red[32], blue[32];
    size_t n_red = fake_jpeg(red, 64, 64, 'r'), n_blue = fake_jpeg(blue, 80, 72, 'b');
    assert_int_equal(chaptag_chapters_set_image(l, 1, red, n_red, NULL, NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_image(l, 3, red, n_red, NULL, NULL), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_set_image(l, 4, blue, n_blue, NULL, NULL), CHAPTAG_OK);
    qt_samples q;
    assert_int_equal(ct_mp4_make_samples(l, 60000, true, &q, NULL, NULL), CHAPTAG_OK);
    assert_int_equal(q.n, 5);
    /* red stored for Red and again for Red again; Lead and Gap share: 3 pictures */
    assert_int_equal(q.data.len - q.text_len, 2 * n_red + n_blue);
    const uint64_t want_off[] = {0, 0, 0, n_red, 2 * n_red};
    for (size_t k = 0; k < 5; k++) {
        assert_int_equal(q.pic_off[k], want_off[k]);
        assert_int_equal(q.pic_size[k], k == 4 ? n_blue : n_red);
    }
    assert_int_equal(q.width, 80);
    assert_int_equal(q.height, 72);
    ct_buf b = CT_BUF_INIT;
    ct_mp4_put_image_trak(&b, &q, 3, 60000, 1000, 5000);
    assert_true(ct_buf_ok(&b));
    const uint8_t *tkhd = box_at(b.data, b.len, "tkhd");
    assert_int_equal(ct_load_u32be(tkhd + 8) & 1, 0);           /* not enabled */
    assert_int_equal(ct_load_u32be(tkhd + 92 - 8), 80u << 16);  /* width 16.16 */
    assert_int_equal(ct_load_u32be(tkhd + 92 - 4), 72u << 16);  /* height */
    assert_memory_equal(box_at(b.data, b.len, "hdlr") + 16, "vide", 4);
    assert_memory_equal(box_at(b.data, b.len, "vmhd"), "\0\0\0\x14vmhd\0\0\0\x01", 12);
    const uint8_t *entry = box_at(b.data, b.len, "jpeg");
    assert_int_equal(ct_load_u32be(entry), 86);
    assert_int_equal(ct_load_u16be(entry + 32), 80);            /* width */
    assert_int_equal(ct_load_u16be(entry + 34), 72);            /* height */
    assert_int_equal(ct_load_u16be(entry + 82), 0x0018);        /* depth */
    const uint8_t *stco = box_at(b.data, b.len, "stco");
    uint64_t base = 5000 + q.text_len;
    for (size_t k = 0; k < 5; k++)
        assert_int_equal(ct_load_u32be(stco + 16 + 4 * k), base + want_off[k]);
    ct_buf_free(&b);
    ct_mp4_free_samples(&q);
    chaptag_chapters_free(l);
}

static void a_png_picture_is_refused_on_its_line_and_no_picture_makes_no_track(void **state)
{
    (void)state;
    static const char *const titles[] = {"One", "Two"};
    static const char *const urls[] = {NULL, NULL};
    chaptag_chapters *l = linked(2, titles, urls);
    qt_samples q;
    assert_int_equal(ct_mp4_make_samples(l, 60000, true, &q, NULL, NULL), CHAPTAG_OK);
    assert_null(q.pic_off); /* no picture: no image track */
    ct_mp4_free_samples(&q);
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                  'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0};
    assert_int_equal(chaptag_chapters_set_image(l, 1, png, sizeof png, NULL, NULL), CHAPTAG_OK);
    chaptag_error err = {0};
    assert_int_equal(ct_mp4_make_samples(l, 60000, true, &q, NULL, &err), CHAPTAG_ERR_INPUT);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "JPEG"));
    ct_mp4_free_samples(&q);
    chaptag_chapters_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_link_is_an_href_box_after_encd_spanning_the_title_in_characters),
        cmocka_unit_test(a_link_over_255_bytes_is_an_input_error_on_its_line),
        cmocka_unit_test(the_chapter_track_stores_one_sample_per_chunk),
        cmocka_unit_test(chpl_titles_are_cut_to_127_bytes_on_a_character_boundary_with_a_warning),
        cmocka_unit_test(
            pictures_share_the_previous_chapters_bytes_and_the_track_is_a_disabled_jpeg_one),
        cmocka_unit_test(a_png_picture_is_refused_on_its_line_and_no_picture_makes_no_track),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
