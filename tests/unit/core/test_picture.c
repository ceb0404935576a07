/* Tests of src/core/picture.c: the size of a JPEG or PNG from its header. */
#include "testutil.h"

#include <string.h>

#include "picture.h"

/* A PNG signature and IHDR for W x H. */
static size_t make_png(unsigned char *p, unsigned w, unsigned h)
{
    static const unsigned char head[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A,
                                         0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    memcpy(p, head, sizeof head);
    const unsigned char dims[8] = {w >> 24, w >> 16, w >> 8, w, h >> 24, h >> 16, h >> 8, h};
    memcpy(p + 16, dims, 8);
    memset(p + 24, 0, 9);
    return 33;
}

static void png_size_comes_from_ihdr(void **state)
{
    (void)state;
    unsigned char p[40];
    unsigned w = 0, h = 0;
    size_t n = make_png(p, 3001, 70000);
    assert_true(ct_picture_size(p, n, &w, &h));
    assert_int_equal(w, 3001);
    assert_int_equal(h, 70000);
    assert_false(ct_picture_size(p, 23, &w, &h)); /* cut inside IHDR */
    memcpy(p + 12, "IDAT", 4);
    assert_false(ct_picture_size(p, n, &w, &h)); /* IHDR must come first */
    make_png(p, 0, 10);
    assert_false(ct_picture_size(p, n, &w, &h));
}

static void jpeg_size_comes_from_the_first_frame_header_past_other_segments(void **state)
{
    (void)state;
    /* SOI, APP0 (16 bytes), a fill byte, DHT, SOF2 (progressive) 1200 wide, 800 high */
    static const unsigned char jpeg[] = {
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
        0xFF, 0xFF, 0xC4, 0x00, 0x03, 0x00,
        0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x03, 0x20, 0x04, 0xB0, 0x01, 0x01, 0x11, 0x00};
    unsigned w = 0, h = 0;
    assert_true(ct_picture_size(jpeg, sizeof jpeg, &w, &h));
    assert_int_equal(w, 1200);
    assert_int_equal(h, 800);
    /* cut anywhere before the dimensions: no size, no read past the end */
    for (size_t n = 0; n < 35; n++)
        assert_false(ct_picture_size(jpeg, n, &w, &h));
}

static void damaged_or_other_pictures_have_no_size(void **state)
{
    (void)state;
    unsigned w = 7, h = 7;
    /* a scan before any frame header; a segment longer than the file; a length under 2 */
    static const unsigned char scan_first[] = {0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9};
    static const unsigned char too_long[] = {0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00, 0x00};
    static const unsigned char zero_len[] = {0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x00, 0xFF, 0xC0};
    static const unsigned char gif[] = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0};
    assert_false(ct_picture_size(scan_first, sizeof scan_first, &w, &h));
    assert_false(ct_picture_size(too_long, sizeof too_long, &w, &h));
    assert_false(ct_picture_size(zero_len, sizeof zero_len, &w, &h));
    assert_false(ct_picture_size(gif, sizeof gif, &w, &h));
    assert_false(ct_picture_size(NULL, 0, &w, &h));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(png_size_comes_from_ihdr),
        cmocka_unit_test(jpeg_size_comes_from_the_first_frame_header_past_other_segments),
        cmocka_unit_test(damaged_or_other_pictures_have_no_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
