/* Tests of src/core/text.c: UTF-8 validation, mojibake repair, Windows-1252, ISO-8859-1, UTF-16,
   cutting and title cleaning. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Fails unless B holds exactly the string WANT; then empties B. */
static void assert_buf_is(ct_buf *b, const char *want)
{
    assert_true(ct_buf_ok(b));
    assert_bytes_equal(b->data, b->len, want, strlen(want));
    ct_buf_free(b);
}

#define VALID(lit) ct_utf8_valid(lit, sizeof lit - 1)

static void utf8_valid_accepts_every_sequence_length(void **state)
{
    (void)state;
    assert_true(VALID(""));
    assert_true(VALID("plain ASCII"));
    assert_true(VALID("\xc3\xa9"));         /* é, 2 bytes */
    assert_true(VALID("\xe2\x80\x91"));     /* U+2011, 3 bytes */
    assert_true(VALID("\xf0\x9f\x98\x80")); /* U+1F600, 4 bytes */
    assert_true(VALID("\xf4\x8f\xbf\xbf")); /* U+10FFFF, the last code point */
    assert_true(VALID("\xef\xbf\xbf"));     /* U+FFFF */
    assert_true(VALID("a\0b"));             /* NUL is a character like any other */
}

static void utf8_valid_rejects_overlongs_surrogates_and_values_past_10ffff(void **state)
{
    (void)state;
    assert_false(VALID("\xc0\x80"));         /* overlong NUL */
    assert_false(VALID("\xc1\xbf"));         /* overlong 7F */
    assert_false(VALID("\xe0\x9f\xbf"));     /* overlong 7FF */
    assert_false(VALID("\xf0\x8f\xbf\xbf")); /* overlong FFFF */
    assert_false(VALID("\xed\xa0\x80"));     /* U+D800 */
    assert_false(VALID("\xed\xbf\xbf"));     /* U+DFFF */
    assert_false(VALID("\xf4\x90\x80\x80")); /* U+110000 */
    assert_false(VALID("\xf5\x80\x80\x80")); /* lead byte past F4 */
    assert_false(VALID("\xff"));
}

static void utf8_valid_rejects_truncated_and_stray_bytes(void **state)
{
    (void)state;
    assert_false(VALID("\x80"));            /* continuation without a lead */
    assert_false(VALID("abc\xc3"));         /* truncated at the end */
    assert_false(VALID("\xe2\x80"));        /* truncated 3-byte */
    assert_false(VALID("\xe2\x28\xa1"));    /* bad second byte */
    assert_false(VALID("\xf0\x9f\x98\x28")); /* bad fourth byte */
    assert_false(VALID("Caf\xe9"));          /* Windows-1252 é */
}

static void ascii_is_true_only_below_0x80(void **state)
{
    (void)state;
    assert_true(ct_ascii("abc\x7f", 4));
    assert_true(ct_ascii("", 0));
    assert_false(ct_ascii("ab\xc3\xa9", 4));
}

static void mojibake_repair_restores_the_seed_line(void **state)
{
    (void)state;
    static const char in[] = "Non\xc3\xa2\xe2\x82\xac\xe2\x80\x98Technical Transitions";
    ct_buf b = CT_BUF_INIT;
    assert_true(ct_utf8_repair_mojibake(in, sizeof in - 1, &b));
    assert_buf_is(&b, "Non\xe2\x80\x91Technical Transitions"); /* U+2011 */
}

static void mojibake_repair_fixes_accents_encoded_twice(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    assert_true(ct_utf8_repair_mojibake("Caf\xc3\x83\xc2\xa9", 7, &b)); /* "CafÃ©" */
    assert_buf_is(&b, "Caf\xc3\xa9");
}

static void mojibake_repair_maps_c1_code_points_to_their_own_byte(void **state)
{
    (void)state;
    /* "Ã" + U+0081: C3 81 once the C1 character is its own byte, i.e. "Á" */
    ct_buf b = CT_BUF_INIT;
    assert_true(ct_utf8_repair_mojibake("\xc3\x83\xc2\x81", 4, &b));
    assert_buf_is(&b, "\xc3\x81");
}

static void mojibake_repair_leaves_legitimate_text_alone(void **state)
{
    (void)state;
    static const char *const legit[] = {
        "na\xc3\xafve",             /* naïve */
        "\xc3\x84",                 /* Ä */
        "Stra\xc3\x9f" "e",         /* Straße */
        "\xe2\x82\xac" "5",         /* €5 */
        "Team Size & On\xe2\x80\x91" "Call", /* U+2011 has no Windows-1252 byte */
        "\xc3\xa9 \xe2\x80\x94 \xc3\xa2\xe2\x82\xac\xe2\x80\x98", /* é — plus mojibake */
        "plain ASCII",
    };
    for (size_t i = 0; i < sizeof legit / sizeof legit[0]; i++) {
        ct_buf b = CT_BUF_INIT;
        assert_false(ct_utf8_repair_mojibake(legit[i], strlen(legit[i]), &b));
        assert_int_equal(b.len, 0);
        ct_buf_free(&b);
    }
}

static void cp1252_reads_the_euro_sign_and_accents(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    ct_buf_put_str(&b, ">");
    assert_true(ct_cp1252_to_utf8("\x80 Caf\xe9 \x93q\x94 \x97", 12, &b));
    assert_buf_is(&b, ">\xe2\x82\xac Caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d \xe2\x80\x94");
}

static void cp1252_maps_its_five_undefined_bytes_to_c1_code_points(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    assert_true(ct_cp1252_to_utf8("\x81" "a\x8d\x8f\x90\x9d", 6, &b));
    assert_buf_is(&b, "\xc2\x81" "a\xc2\x8d\xc2\x8f\xc2\x90\xc2\x9d");
    assert_true(ct_cp1252_to_utf8("", 0, &b));
    assert_int_equal(b.len, 0);
    ct_buf_free(&b);
}

static void latin1_becomes_two_byte_utf8_above_0x7f(void **state)
{
    (void)state;
    static const uint8_t in[] = {'A', 0x80, 0xe9, 0xff};
    ct_buf b = CT_BUF_INIT;
    ct_latin1_to_utf8(in, sizeof in, &b);
    assert_buf_is(&b, "A\xc2\x80\xc3\xa9\xc3\xbf");
}

static void utf8_to_latin1_converts_or_appends_nothing(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    assert_true(ct_utf8_to_latin1("Caf\xc3\xa9 \xc3\xbf", 8, &b));
    assert_buf_is(&b, "Caf\xe9 \xff");
    assert_false(ct_utf8_to_latin1("Caf\xc3\xa9 \xe2\x82\xac", 9, &b)); /* € */
    assert_int_equal(b.len, 0);
    ct_buf_free(&b);
}

static void utf16_follows_the_bom_in_either_byte_order(void **state)
{
    (void)state;
    static const uint8_t le[] = {0xff, 0xfe, 'H', 0, 0xe9, 0, 0xac, 0x20};
    static const uint8_t be[] = {0xfe, 0xff, 0, 'H', 0, 0xe9, 0x20, 0xac};
    ct_buf b = CT_BUF_INIT;
    ct_utf16_to_utf8(le, sizeof le, true, &b); /* the BOM overrides the caller's guess */
    assert_buf_is(&b, "H\xc3\xa9\xe2\x82\xac");
    ct_utf16_to_utf8(be, sizeof be, false, &b);
    assert_buf_is(&b, "H\xc3\xa9\xe2\x82\xac");
}

static void utf16_without_bom_uses_the_given_byte_order(void **state)
{
    (void)state;
    static const uint8_t be[] = {0, 'O', 0, 'K'};
    static const uint8_t le[] = {'O', 0, 'K', 0};
    ct_buf b = CT_BUF_INIT;
    ct_utf16_to_utf8(be, sizeof be, true, &b);
    assert_buf_is(&b, "OK");
    ct_utf16_to_utf8(le, sizeof le, false, &b);
    assert_buf_is(&b, "OK");
}

static void utf16_joins_surrogate_pairs(void **state)
{
    (void)state;
    static const uint8_t in[] = {0x3d, 0xd8, 0x00, 0xde, '!', 0}; /* U+1F600 ! */
    ct_buf b = CT_BUF_INIT;
    ct_utf16_to_utf8(in, sizeof in, false, &b);
    assert_buf_is(&b, "\xf0\x9f\x98\x80!");
}

static void utf16_replaces_unpaired_surrogates(void **state)
{
    (void)state;
    static const uint8_t in[] = {
        0xd8, 0x3d, 0, 'a', /* high surrogate followed by a letter */
        0xde, 0x00,         /* low surrogate alone */
        0xd8, 0x3d,         /* high surrogate at the end */
    };
    ct_buf b = CT_BUF_INIT;
    ct_utf16_to_utf8(in, sizeof in, true, &b);
    assert_buf_is(&b, "\xef\xbf\xbd" "a\xef\xbf\xbd\xef\xbf\xbd");
}

static void utf16_ignores_an_odd_final_byte_and_consumes_one_bom(void **state)
{
    (void)state;
    static const uint8_t in[] = {0xff, 0xfe, 0xff, 0xfe, 'x', 0, 'y'};
    ct_buf b = CT_BUF_INIT;
    ct_utf16_to_utf8(in, sizeof in, true, &b);
    assert_buf_is(&b, "\xef\xbb\xbfx"); /* the second BOM is a ZWNBSP character */
}

static void utf8_to_utf16le_writes_surrogate_pairs_past_ffff(void **state)
{
    (void)state;
    static const uint8_t want[] = {
        'A', 0,       /* A */
        0xe9, 0,      /* é */
        0xac, 0x20,   /* € */
        0x3d, 0xd8,   /* U+1F600, high surrogate */
        0x00, 0xde,   /* low surrogate */
    };
    ct_buf b = CT_BUF_INIT;
    ct_utf8_to_utf16le("A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10, &b);
    assert_true(ct_buf_ok(&b));
    assert_bytes_equal(b.data, b.len, want, sizeof want);
    ct_buf_free(&b);
}

static void utf16_round_trips_every_plane(void **state)
{
    (void)state;
    static const char s[] = "a\xc3\xa9\xe2\x80\x91\xef\xbf\xbd\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf";
    ct_buf u16 = CT_BUF_INIT, back = CT_BUF_INIT;
    ct_utf8_to_utf16le(s, sizeof s - 1, &u16);
    ct_utf16_to_utf8(u16.data, u16.len, false, &back);
    assert_bytes_equal(back.data, back.len, s, sizeof s - 1);
    ct_buf_free(&u16);
    ct_buf_free(&back);
}

static void utf8_cut_never_splits_a_sequence(void **state)
{
    (void)state;
    static const char s[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"; /* 1+2+3+4 bytes */
    size_t n = sizeof s - 1;
    assert_int_equal(ct_utf8_cut(s, n, 100), n);
    assert_int_equal(ct_utf8_cut(s, n, n), n);
    assert_int_equal(ct_utf8_cut(s, n, 0), 0);
    assert_int_equal(ct_utf8_cut(s, n, 1), 1);
    assert_int_equal(ct_utf8_cut(s, n, 2), 1);
    assert_int_equal(ct_utf8_cut(s, n, 3), 3);
    assert_int_equal(ct_utf8_cut(s, n, 5), 3);
    assert_int_equal(ct_utf8_cut(s, n, 6), 6);
    assert_int_equal(ct_utf8_cut(s, n, 9), 6);
}

static void title_clean_turns_controls_into_spaces_and_trims_the_ends(void **state)
{
    (void)state;
    static const char in[] = " \tOne\ntwo\x7f three\xc2\x85" "four\xe2\x80\xa8" "five\xe2\x80\xa9\r ";
    ct_buf b = CT_BUF_INIT;
    ct_title_clean(in, sizeof in - 1, &b);
    assert_buf_is(&b, "One two  three four five");
}

static void title_clean_keeps_inner_runs_and_other_blanks(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    ct_buf_put_str(&b, "kept ");
    ct_title_clean("\xc2\xa0" "a   b: c\xc2\xa0", 12, &b); /* NBSP is not trimmed */
    assert_buf_is(&b, "kept \xc2\xa0" "a   b: c\xc2\xa0");
    ct_title_clean(" \t\n ", 4, &b);
    assert_int_equal(b.len, 0);
    ct_buf_free(&b);
}

static void sniff_tells_utf16_and_utf32_by_their_bom(void **state)
{
    (void)state;
    size_t bom = 9;
    assert_int_equal(ct_text_sniff((const uint8_t *)"\xff\xfe"
                                                    "A\0",
                                   4, &bom),
                     CT_TEXT_UTF16LE);
    assert_int_equal(bom, 2);
    assert_int_equal(ct_text_sniff((const uint8_t *)"\xfe\xff\0A", 4, &bom), CT_TEXT_UTF16BE);
    assert_int_equal(bom, 2);
    assert_int_equal(ct_text_sniff((const uint8_t *)"\xff\xfe\0\0", 4, &bom), CT_TEXT_UTF32);
    assert_int_equal(bom, 4);
    assert_int_equal(ct_text_sniff((const uint8_t *)"\0\0\xfe\xff", 4, &bom), CT_TEXT_UTF32);
    assert_int_equal(ct_text_sniff((const uint8_t *)"\xef\xbb\xbf"
                                                    "A",
                                   4, &bom),
                     CT_TEXT_UTF8);
    assert_int_equal(bom, 0);
}

static void sniff_tells_utf16_without_a_bom_by_the_zeros_of_its_first_line(void **state)
{
    (void)state;
    size_t bom;
    /* the first line decides, whatever follows it */
    static const char le[] = "0\0:\0"
                             "0\0"
                             "1\0\n\0\x14\x20";
    assert_int_equal(ct_text_sniff((const uint8_t *)le, sizeof le - 1, &bom), CT_TEXT_UTF16LE);
    assert_int_equal(bom, 0);
    static const char be[] = "\0"
                             "0\0:\0"
                             "0";
    assert_int_equal(ct_text_sniff((const uint8_t *)be, sizeof be - 1, &bom), CT_TEXT_UTF16BE);
    static const char wide[] = "0\0\0\0:\0\0\0";
    assert_int_equal(ct_text_sniff((const uint8_t *)wide, sizeof wide - 1, &bom), CT_TEXT_UTF32);
    /* one character is too little to tell; a NUL in UTF-8 text is no pattern */
    assert_int_equal(ct_text_sniff((const uint8_t *)"A\0", 2, &bom), CT_TEXT_UTF8);
    assert_int_equal(ct_text_sniff((const uint8_t *)"00:00\0 A", 8, &bom), CT_TEXT_UTF8);
    assert_int_equal(ct_text_sniff((const uint8_t *)"\0\0\0\0", 4, &bom), CT_TEXT_UTF8);
    assert_int_equal(ct_text_sniff((const uint8_t *)"", 0, &bom), CT_TEXT_UTF8);
}

static void utf16_decode_is_strict_about_surrogates_and_odd_bytes(void **state)
{
    (void)state;
    ct_buf out = CT_BUF_INIT;
    size_t bad = 99;
    /* U+00E9 and U+1F399 (a surrogate pair), little-endian */
    assert_true(ct_utf16_decode((const uint8_t *)"\xe9\0\x3c\xd8\x99\xdf", 6, false, &out, &bad));
    assert_bytes_equal(out.data, out.len, "\xc3\xa9\xf0\x9f\x8e\x99", 6);
    assert_int_equal(bad, 99);
    static const struct {
        const char *s;
        size_t n, bad;
    } broken[] = {
        {"\0A\xdc\0", 4, 2},      /* a low surrogate first */
        {"\0A\xd8\x3d", 4, 2},    /* a high surrogate at the end */
        {"\xd8\x3d\0A\0B", 6, 0}, /* a high surrogate before a character */
        {"\0A\0", 3, 2},          /* an odd last byte */
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        out.len = 0;
        assert_false(ct_utf16_decode((const uint8_t *)broken[i].s, broken[i].n, true, &out, &bad));
        assert_int_equal(bad, broken[i].bad);
    }
    ct_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_valid_accepts_every_sequence_length),
        cmocka_unit_test(utf8_valid_rejects_overlongs_surrogates_and_values_past_10ffff),
        cmocka_unit_test(utf8_valid_rejects_truncated_and_stray_bytes),
        cmocka_unit_test(ascii_is_true_only_below_0x80),
        cmocka_unit_test(mojibake_repair_restores_the_seed_line),
        cmocka_unit_test(mojibake_repair_fixes_accents_encoded_twice),
        cmocka_unit_test(mojibake_repair_maps_c1_code_points_to_their_own_byte),
        cmocka_unit_test(mojibake_repair_leaves_legitimate_text_alone),
        cmocka_unit_test(cp1252_reads_the_euro_sign_and_accents),
        cmocka_unit_test(cp1252_maps_its_five_undefined_bytes_to_c1_code_points),
        cmocka_unit_test(latin1_becomes_two_byte_utf8_above_0x7f),
        cmocka_unit_test(utf8_to_latin1_converts_or_appends_nothing),
        cmocka_unit_test(utf16_follows_the_bom_in_either_byte_order),
        cmocka_unit_test(utf16_without_bom_uses_the_given_byte_order),
        cmocka_unit_test(utf16_joins_surrogate_pairs),
        cmocka_unit_test(utf16_replaces_unpaired_surrogates),
        cmocka_unit_test(utf16_ignores_an_odd_final_byte_and_consumes_one_bom),
        cmocka_unit_test(utf8_to_utf16le_writes_surrogate_pairs_past_ffff),
        cmocka_unit_test(utf16_round_trips_every_plane),
        cmocka_unit_test(utf8_cut_never_splits_a_sequence),
        cmocka_unit_test(title_clean_turns_controls_into_spaces_and_trims_the_ends),
        cmocka_unit_test(title_clean_keeps_inner_runs_and_other_blanks),
        cmocka_unit_test(sniff_tells_utf16_and_utf32_by_their_bom),
        cmocka_unit_test(sniff_tells_utf16_without_a_bom_by_the_zeros_of_its_first_line),
        cmocka_unit_test(utf16_decode_is_strict_about_surrogates_and_odd_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
