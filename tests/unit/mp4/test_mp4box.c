/* Tests of src/mp4/mp4box.c: parsing a box tree from a file, rendering it back byte for byte,
   sizes after changes, 64-bit sizes, raw trailing bytes, and offset tables. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "mp4box.h"

/* ftyp, then moov holding: an unknown box, a trak with a 64-bit-size leaf and an stco, and
   udta ending in 4 zero bytes (QuickTime's terminator); then mdat. */
static uint8_t *sample_file(size_t *len)
{
    ct_buf b = CT_BUF_INIT;
    size_t at = ct_box_begin(&b, "ftyp");
    ct_buf_put(&b, "M4A \0\0\0\0isom", 12);
    ct_box_end(&b, at);
    size_t moov = ct_box_begin(&b, "moov");
    at = ct_box_begin(&b, "zzzz");
    ct_buf_put(&b, "unknown", 7);
    ct_box_end(&b, at);
    size_t trak = ct_box_begin(&b, "trak");
    ct_buf_put_u32be(&b, 1); /* a leaf with a 64-bit size */
    ct_buf_put(&b, "big!", 4);
    ct_buf_put_u64be(&b, 16 + 5);
    ct_buf_put(&b, "12345", 5);
    at = ct_box_begin(&b, "stco");
    ct_buf_put_u32be(&b, 0);
    ct_buf_put_u32be(&b, 2);
    ct_buf_put_u32be(&b, 1000);
    ct_buf_put_u32be(&b, 0xfffffff0);
    ct_box_end(&b, at);
    ct_box_end(&b, trak);
    size_t udta = ct_box_begin(&b, "udta");
    at = ct_box_begin(&b, "meta");
    ct_buf_put_zeros(&b, 12);
    ct_box_end(&b, at);
    ct_buf_put_u32be(&b, 0);
    ct_box_end(&b, udta);
    ct_box_end(&b, moov);
    at = ct_box_begin(&b, "mdat");
    ct_buf_put(&b, "audio", 5);
    ct_box_end(&b, at);
    return ct_buf_take(&b, len);
}

/* The first occurrence of the 4 bytes of TYPE in DATA, or NULL. */
static uint8_t *find(uint8_t *data, size_t len, const char *type)
{
    for (size_t i = 0; i + 4 <= len; i++)
        if (memcmp(data + i, type, 4) == 0)
            return data + i;
    return NULL;
}

typedef struct {
    uint8_t *data;
    size_t len;
    ct_file *f;
    ct_box *tops;
    size_t n_tops;
} tree;

static void open_tree(tree *t)
{
    t->data = sample_file(&t->len);
    t->f = ct_file_memory(t->data, t->len);
    chaptag_error err;
    assert_int_equal(ct_box_scan(t->f, &t->tops, &t->n_tops, &err), CHAPTAG_OK);
    assert_int_equal(t->n_tops, 3);
    assert_true(ct_box_is(&t->tops[1], "moov"));
    assert_int_equal(ct_box_parse(t->f, &t->tops[1], &err), CHAPTAG_OK);
}

static void close_tree(tree *t)
{
    ct_box_free_array(t->tops, t->n_tops);
    ct_file_close(t->f);
    free(t->data);
}

/* Renders T's moov to bytes. */
static uint8_t *render_moov(tree *t, size_t *len)
{
    ct_buf out = CT_BUF_INIT;
    chaptag_error err;
    assert_int_equal(ct_box_render_bytes(t->f, &t->tops[1], &out, &err), CHAPTAG_OK);
    return ct_buf_take(&out, len);
}

static void box_tree_renders_back_byte_for_byte(void **state)
{
    (void)state;
    tree t;
    open_tree(&t);
    ct_box *moov = &t.tops[1];
    assert_int_equal(moov->n_kids, 3);
    ct_box *big = ct_box_path(moov, "trak/big!");
    assert_non_null(big);
    assert_int_equal(big->hdr_len, 16);
    ct_box *udta = ct_box_child(moov, "udta");
    assert_int_equal(udta->n_kids, 2); /* meta, and the 4 raw bytes */
    assert_int_equal(udta->kids[1].hdr_len, 0);
    assert_false(ct_box_dirty(moov));
    size_t len;
    uint8_t *out = render_moov(&t, &len);
    assert_bytes_equal(out, len, t.data + moov->off, moov->size);
    free(out);
    close_tree(&t);
}

static void changing_a_leaf_resizes_every_ancestor(void **state)
{
    (void)state;
    tree t;
    open_tree(&t);
    ct_box *moov = &t.tops[1];
    uint64_t before = ct_box_size(moov);
    ct_box *zzzz = ct_box_child(moov, "zzzz");
    assert_true(ct_box_set_payload(zzzz, "a longer payload", 16));
    assert_true(ct_box_dirty(moov));
    assert_int_equal(ct_box_size(moov), before + 9);
    ct_box *udta = ct_box_child(moov, "udta");
    assert_non_null(ct_box_add_leaf(udta, "chpl", "x", 1));
    size_t len;
    uint8_t *out = render_moov(&t, &len);
    assert_int_equal(len, before + 9 + 9);
    assert_int_equal(ct_load_u32be(out), len); /* moov's own size */
    assert_memory_equal(out + 8, "\0\0\0\x18zzzza longer payload", 24);
    /* udta: its old bytes, then the raw terminator, then the new leaf */
    const uint8_t *u = out + len - (8 + 20 + 4 + 9);
    assert_int_equal(ct_load_u32be(u), 8 + 20 + 4 + 9);
    assert_memory_equal(u + 4, "udta", 4);
    assert_memory_equal(u + len - (u - out) - 9, "\0\0\0\x09" "chplx", 9);
    free(out);
    close_tree(&t);
}

static void shifting_offsets_past_4_gib_widens_stco_to_co64(void **state)
{
    (void)state;
    tree t;
    open_tree(&t);
    ct_box *moov = &t.tops[1];
    bool widened = false;
    chaptag_error err;
    assert_int_equal(ct_box_shift_offsets(t.f, moov, 500, 0x100, &widened, &err), CHAPTAG_OK);
    assert_true(widened);
    size_t len;
    uint8_t *out = render_moov(&t, &len);
    assert_int_equal(len, moov->size + 8);
    static const uint8_t want[] = {
        0, 0, 0, 32, 'c', 'o', '6', '4', /* widened: 16 + 2 * 8 */
        0, 0, 0, 0,                      /* version, flags */
        0, 0, 0, 2,                      /* entries */
        0, 0, 0, 0, 0, 0, 0x04, 0xe8,    /* 1000 + 0x100 */
        0, 0, 0, 1, 0, 0, 0, 0xf0,       /* 0xfffffff0 + 0x100, past 4 GiB */
    };
    uint8_t *at = find(out, len, "co64");
    assert_non_null(at);
    assert_bytes_equal(at - 4, sizeof want, want, sizeof want);
    free(out);
    close_tree(&t);
}

static void offsets_before_the_insertion_point_stay(void **state)
{
    (void)state;
    tree t;
    open_tree(&t);
    bool widened = false;
    chaptag_error err;
    assert_int_equal(ct_box_shift_offsets(t.f, &t.tops[1], 2000, 8, &widened, &err), CHAPTAG_OK);
    assert_false(widened);
    size_t len;
    uint8_t *out = render_moov(&t, &len);
    uint8_t *at = find(out, len, "stco");
    assert_non_null(at);
    assert_int_equal(ct_load_u32be(at + 12), 1000);       /* before 2000: unchanged */
    assert_int_equal(ct_load_u32be(at + 16), 0xfffffff8); /* moved by 8, still 32 bits */
    free(out);
    close_tree(&t);
}

static void a_size_past_the_end_is_an_audio_error(void **state)
{
    (void)state;
    static const uint8_t data[] = {0, 0, 0, 100, 'm', 'o', 'o', 'v', 0, 0, 0, 0};
    ct_file *f = ct_file_memory(data, sizeof data);
    ct_box *tops;
    size_t n;
    chaptag_error err;
    assert_int_equal(ct_box_scan(f, &tops, &n, &err), CHAPTAG_ERR_AUDIO);
    assert_non_null(strstr(err.msg, "impossible size"));
    ct_file_close(f);
}

static void a_box_claiming_2_to_the_64_bytes_is_refused(void **state)
{
    (void)state;
    static const uint8_t data[] = {0, 0, 0, 1, 'm', 'd', 'a', 't',
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    ct_file *f = ct_file_memory(data, sizeof data);
    ct_box *tops;
    size_t n;
    chaptag_error err;
    assert_int_equal(ct_box_scan(f, &tops, &n, &err), CHAPTAG_ERR_AUDIO);
    ct_file_close(f);
}

static void begin_and_end_build_nested_boxes_with_their_sizes(void **state)
{
    (void)state;
    static const uint8_t want[] = {
        0, 0, 0, 28, 'm', 'o', 'o', 'v',     /* moov, 28 bytes */
        0, 0, 0, 12, 'm', 'v', 'h', 'd',     /* mvhd, 12 bytes */
        1, 2, 3, 4,                          /* its payload */
        0, 0, 0, 8, 'f', 'r', 'e', 'e',      /* an empty free box */
    };
    ct_buf b = CT_BUF_INIT;
    size_t moov = ct_box_begin(&b, "moov"), at = ct_box_begin(&b, "mvhd");
    ct_buf_put(&b, "\x01\x02\x03\x04", 4);
    ct_box_end(&b, at);
    ct_box_end(&b, ct_box_begin(&b, "free"));
    ct_box_end(&b, moov);
    assert_true(ct_buf_ok(&b));
    assert_bytes_equal(b.data, b.len, want, sizeof want);
    ct_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(box_tree_renders_back_byte_for_byte),
        cmocka_unit_test(begin_and_end_build_nested_boxes_with_their_sizes),
        cmocka_unit_test(changing_a_leaf_resizes_every_ancestor),
        cmocka_unit_test(shifting_offsets_past_4_gib_widens_stco_to_co64),
        cmocka_unit_test(offsets_before_the_insertion_point_stay),
        cmocka_unit_test(a_size_past_the_end_is_an_audio_error),
        cmocka_unit_test(a_box_claiming_2_to_the_64_bytes_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
