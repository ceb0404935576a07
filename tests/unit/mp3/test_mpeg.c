/* Tests of src/mp3/mpeg.c: frame headers of every version and layer, Xing/Info/LAME and VBRI headers
   built here byte by byte, the first frame found behind junk, durations from a header or from a
   scan of every frame, trailing tags (ID3v1, TAG+, APEv2, Lyrics3v2) left out of the audio, and
   hostile bytes giving an error, never a crash; the ID3v2 tags before the stream, and which
   frames belong to one stream. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fileio.h"
#include "mpeg.h"

/* MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, joint stereo, no CRC: 417 bytes, 418 padded. */
static const uint8_t hdr128[4] = {0xFF, 0xFB, 0x90, 0x64};
static const uint8_t hdr128_padded[4] = {0xFF, 0xFB, 0x92, 0x64};
#define LEN128 417

/* ---- building streams --------------------------------------------------------------------- */

/* A frame: the header H, then zeros up to LEN bytes. */
static void put_frame(ct_buf *b, const uint8_t h[4], size_t len)
{
    ct_buf_put(b, h, 4);
    ct_buf_put_zeros(b, len - 4);
}

/* N frames at 128 kbit/s; every third one padded, as a CBR encoder keeps 417.96 bytes. */
static void put_cbr_frames(ct_buf *b, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        put_frame(b, k % 3 == 0 ? hdr128_padded : hdr128, k % 3 == 0 ? LEN128 + 1 : LEN128);
}

/* Zeros up to the end of the frame that started at AT and is LEN bytes long. */
static void end_frame(ct_buf *b, size_t at, size_t len)
{
    assert_true(b->len - at <= len);
    ct_buf_put_zeros(b, len - (b->len - at));
}

static void put_u32le(ct_buf *b, uint32_t v)
{
    uint8_t p[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    ct_buf_put(b, p, 4);
}

/* The first frame of a LAME VBR file: all four Xing fields, then the LAME extension at 120. */
static void put_lame_xing_frame(ct_buf *b, uint32_t frames, uint32_t bytes)
{
    size_t at = b->len;
    ct_buf_put(b, hdr128, 4);          /* MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, joint stereo */
    ct_buf_put_zeros(b, 32);           /* side information: the tag starts at 4 + 32 */
    ct_buf_put(b, "Xing", 4);          /* VBR */
    ct_buf_put_u32be(b, 0x0F);         /* flags: frames, bytes, TOC, quality */
    ct_buf_put_u32be(b, frames);       /* audio frames, this one excluded */
    ct_buf_put_u32be(b, bytes);        /* stream bytes, this frame included */
    for (unsigned i = 0; i < 100; i++) /* TOC: byte position at each percent, /256 */
        ct_buf_put_u8(b, i * 256 / 100);
    ct_buf_put_u32be(b, 78);                /* quality */
    ct_buf_put(b, "LAME3.100", 9);          /* encoder (extension offset 0) */
    ct_buf_put_u8(b, 0x05);                 /* tag revision 0, VBR method 5 */
    ct_buf_put_u8(b, 195);                  /* lowpass 19.5 kHz */
    ct_buf_put_u32be(b, 0);                 /* peak amplitude */
    ct_buf_put_u16be(b, 0);                 /* radio ReplayGain */
    ct_buf_put_u16be(b, 0);                 /* audiophile ReplayGain */
    ct_buf_put_u8(b, 0x02);                 /* encoding flags, ATH type */
    ct_buf_put_u8(b, 32);                   /* minimum bitrate */
    ct_buf_put_u24be(b, 576u << 12 | 1000); /* delay 576 samples, end padding 1000 */
    ct_buf_put_u8(b, 0);                    /* misc */
    ct_buf_put_u8(b, 0);                    /* MP3Gain */
    ct_buf_put_u16be(b, 0);                 /* preset, surround */
    ct_buf_put_u32be(b, bytes);             /* music length */
    ct_buf_put_u16be(b, 0);                 /* music CRC */
    ct_buf_put_u16be(b, 0);                 /* tag CRC (not checked) */
    end_frame(b, at, LEN128);
}

/* The Info frame FFmpeg writes for CBR: frames and bytes only, so the extension follows them
   at 52, not at 120. */
static void put_lavc_info_frame(ct_buf *b, uint32_t frames, uint32_t bytes)
{
    size_t at = b->len;
    ct_buf_put(b, hdr128, 4);              /* MPEG-1 Layer III, 128 kbit/s, 44.1 kHz */
    ct_buf_put_zeros(b, 32);               /* side information */
    ct_buf_put(b, "Info", 4);              /* CBR */
    ct_buf_put_u32be(b, 0x03);             /* flags: frames, bytes */
    ct_buf_put_u32be(b, frames);           /* audio frames */
    ct_buf_put_u32be(b, bytes);            /* stream bytes */
    ct_buf_put(b, "Lavc59.37", 9);         /* encoder */
    ct_buf_put_u8(b, 0);                   /* revision, method */
    ct_buf_put_u8(b, 0);                   /* lowpass */
    ct_buf_put_u32be(b, 0);                /* peak */
    ct_buf_put_zeros(b, 4);                /* ReplayGain */
    ct_buf_put_u8(b, 0);                   /* flags, ATH */
    ct_buf_put_u8(b, 0);                   /* bitrate */
    ct_buf_put_u24be(b, 576u << 12 | 600); /* delay 576, padding 600 */
    end_frame(b, at, LEN128);
}

/* A Fraunhofer VBRI frame. */
static void put_vbri_frame(ct_buf *b, uint32_t frames, uint32_t bytes)
{
    size_t at = b->len;
    ct_buf_put(b, hdr128, 4);  /* MPEG-1 Layer III, 128 kbit/s, 44.1 kHz */
    ct_buf_put_zeros(b, 32);   /* 32 bytes whatever the mode */
    ct_buf_put(b, "VBRI", 4);  /* tag */
    ct_buf_put_u16be(b, 1);    /* version */
    ct_buf_put_u16be(b, 1105); /* encoder delay (not used) */
    ct_buf_put_u16be(b, 75);   /* quality */
    ct_buf_put_u32be(b, bytes);
    ct_buf_put_u32be(b, frames);
    ct_buf_put_u16be(b, 0); /* TOC entries */
    ct_buf_put_u16be(b, 1); /* TOC scale */
    ct_buf_put_u16be(b, 2); /* bytes per TOC entry */
    ct_buf_put_u16be(b, 1); /* frames per TOC entry */
    end_frame(b, at, LEN128);
}

/* An ID3v1.1 tag. */
static void put_id3v1(ct_buf *b)
{
    size_t at = b->len;
    ct_buf_put(b, "TAG", 3);
    ct_buf_put(b, "Episode 1", 9);
    end_frame(b, at, 128);
}

/* An APEv2 tag with ITEMS bytes of items, with or without its header. */
static void put_apev2(ct_buf *b, bool header, uint32_t items)
{
    uint32_t flags = header ? 1u << 31 : 0;
    if (header) {
        ct_buf_put(b, "APETAGEX", 8);
        put_u32le(b, 2000);             /* version */
        put_u32le(b, items + 32);       /* items + footer */
        put_u32le(b, 1);                /* item count */
        put_u32le(b, flags | 1u << 29); /* has header, is the header */
        ct_buf_put_zeros(b, 8);
    }
    for (uint32_t i = 0; i < items; i++)
        ct_buf_put_u8(b, 'i');
    ct_buf_put(b, "APETAGEX", 8);
    put_u32le(b, 2000);
    put_u32le(b, items + 32);
    put_u32le(b, 1);
    put_u32le(b, flags);
    ct_buf_put_zeros(b, 8);
}

/* A Lyrics3 v2.00 tag of 36 bytes. */
static void put_lyrics3v2(ct_buf *b)
{
    ct_buf_put_str(b, "LYRICSBEGIN"); /* 11 */
    ct_buf_put_str(b, "IND00002"
                      "10");     /* an IND field: 3 + 5 + 2 = 10 */
    ct_buf_put_str(b, "000021"); /* size of the two above */
    ct_buf_put_str(b, "LYRICS200");
}

static chaptag_status probe_bytes(const void *data, size_t len, uint64_t start, ct_mpeg_info *info,
                                  chaptag_error *err)
{
    ct_file *f = ct_file_memory(data, len);
    assert_non_null(f);
    chaptag_status st = ct_mpeg_probe(f, start, info, err);
    ct_file_close(f);
    return st;
}

static uint64_t audio_end_of(const ct_buf *b, uint64_t start)
{
    ct_file *f = ct_file_memory(b->data, b->len);
    assert_non_null(f);
    uint64_t end = 0;
    chaptag_error err;
    assert_int_equal(ct_mpeg_audio_end(f, start, &end, &err), CHAPTAG_OK);
    ct_file_close(f);
    return end;
}

/* ---- frame headers ------------------------------------------------------------------------ */

static void mpeg_header_parse_decodes_a_128k_joint_stereo_frame(void **state)
{
    (void)state;
    ct_mpeg_frame fr;
    assert_true(ct_mpeg_header_parse(hdr128, &fr));
    assert_int_equal(fr.version, 10);
    assert_int_equal(fr.layer, 3);
    assert_int_equal(fr.bitrate_kbps, 128);
    assert_int_equal(fr.sample_rate, 44100);
    assert_int_equal(fr.channels, 2);
    assert_int_equal(fr.samples, 1152);
    assert_int_equal(fr.length, 417); /* 144000 * 128 / 44100 */
    assert_false(fr.crc);
    assert_true(ct_mpeg_header_parse(hdr128_padded, &fr));
    assert_int_equal(fr.length, 418);
    static const uint8_t with_crc[4] = {0xFF, 0xFA, 0x90, 0x64}; /* protection bit 0 */
    assert_true(ct_mpeg_header_parse(with_crc, &fr));
    assert_true(fr.crc);
    assert_int_equal(fr.length, 417);
}

static void mpeg_header_parse_decodes_every_version_and_layer(void **state)
{
    (void)state;
    static const struct {
        uint8_t h[4];
        unsigned version, layer, kbps, rate, channels, samples, length;
    } cases[] = {
        /* MPEG-1 Layer I, 384 kbit/s, 44.1 kHz, padded: (12000*384/44100 + 1) * 4 */
        {{0xFF, 0xFF, 0xC2, 0x00}, 10, 1, 384, 44100, 2, 384, 420},
        /* MPEG-1 Layer II, 160 kbit/s, 48 kHz, mono: 144000*160/48000 */
        {{0xFF, 0xFD, 0x94, 0xC0}, 10, 2, 160, 48000, 1, 1152, 480},
        /* MPEG-1 Layer III, 320 kbit/s, 32 kHz, dual channel: 144000*320/32000 */
        {{0xFF, 0xFB, 0xE8, 0x80}, 10, 3, 320, 32000, 2, 1152, 1440},
        /* MPEG-2 Layer I, 64 kbit/s, 22.05 kHz, padded: (12000*64/22050 + 1) * 4 */
        {{0xFF, 0xF7, 0x42, 0x00}, 20, 1, 64, 22050, 2, 384, 140},
        /* MPEG-2 Layer II, 160 kbit/s, 24 kHz: 144000*160/24000 */
        {{0xFF, 0xF5, 0xE4, 0x00}, 20, 2, 160, 24000, 2, 1152, 960},
        /* MPEG-2 Layer III, 64 kbit/s, 16 kHz, joint stereo: 72000*64/16000 */
        {{0xFF, 0xF3, 0x88, 0x44}, 20, 3, 64, 16000, 2, 576, 288},
        /* MPEG-2.5 Layer I, 32 kbit/s, 12 kHz: 12000*32/12000 * 4 */
        {{0xFF, 0xE7, 0x14, 0x00}, 25, 1, 32, 12000, 2, 384, 128},
        /* MPEG-2.5 Layer II, 160 kbit/s, 8 kHz, padded: the longest frame there is */
        {{0xFF, 0xE5, 0xEA, 0x00}, 25, 2, 160, 8000, 2, 1152, 2881},
        /* MPEG-2.5 Layer III, 8 kbit/s, 8 kHz, mono: 72000*8/8000 */
        {{0xFF, 0xE3, 0x18, 0xC4}, 25, 3, 8, 8000, 1, 576, 72},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ct_mpeg_frame fr;
        assert_true(ct_mpeg_header_parse(cases[i].h, &fr));
        assert_int_equal(fr.version, cases[i].version);
        assert_int_equal(fr.layer, cases[i].layer);
        assert_int_equal(fr.bitrate_kbps, cases[i].kbps);
        assert_int_equal(fr.sample_rate, cases[i].rate);
        assert_int_equal(fr.channels, cases[i].channels);
        assert_int_equal(fr.samples, cases[i].samples);
        assert_int_equal(fr.length, cases[i].length);
    }
}

static void mpeg_header_parse_rejects_reserved_values_and_broken_sync(void **state)
{
    (void)state;
    static const uint8_t bad[][4] = {
        {0xFF, 0xEB, 0x90, 0x64}, /* version 01 */
        {0xFF, 0xF9, 0x90, 0x64}, /* layer 00 */
        {0xFF, 0xFB, 0xF0, 0x64}, /* bitrate 1111 */
        {0xFF, 0xFB, 0x9C, 0x64}, /* sample rate 11 */
        {0xFE, 0xFB, 0x90, 0x64}, /* sync: first byte */
        {0xFF, 0xDB, 0x90, 0x64}, /* sync: 11th bit */
        {0xFF, 0xFF, 0xFF, 0xFF}, /* all ones: bitrate 1111 */
        {0x00, 0x00, 0x00, 0x00},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ct_mpeg_frame fr;
        assert_false(ct_mpeg_header_parse(bad[i], &fr));
    }
}

static void mpeg_header_parse_decodes_free_format_with_length_0(void **state)
{
    (void)state;
    static const uint8_t h[4] = {0xFF, 0xFB, 0x00, 0x64}; /* bitrate index 0 */
    ct_mpeg_frame fr;
    assert_true(ct_mpeg_header_parse(h, &fr));
    assert_int_equal(fr.bitrate_kbps, 0);
    assert_int_equal(fr.length, 0);
    assert_int_equal(fr.sample_rate, 44100);
}

/* ---- VBR headers -------------------------------------------------------------------------- */

static void vbr_parse_reads_xing_fields_and_the_lame_extension_at_120(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_lame_xing_frame(&b, 10, 11 * LEN128);
    ct_mpeg_frame fr;
    ct_mpeg_vbr_info v;
    assert_true(ct_mpeg_header_parse(b.data, &fr));
    assert_true(ct_mpeg_vbr_parse(b.data, b.len, &fr, &v));
    assert_int_equal(v.kind, CT_MPEG_VBR_XING);
    assert_true(v.has_frames);
    assert_int_equal(v.frames, 10);
    assert_true(v.has_bytes);
    assert_int_equal(v.bytes, 11 * LEN128);
    assert_true(v.has_lame);
    assert_string_equal(v.encoder, "LAME3.100");
    assert_int_equal(v.delay, 576);
    assert_int_equal(v.padding, 1000);
    ct_buf_free(&b);
}

static void vbr_parse_reads_the_extension_right_after_the_fields_present(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_lavc_info_frame(&b, 20, 21 * LEN128);
    ct_mpeg_frame fr;
    ct_mpeg_vbr_info v;
    assert_true(ct_mpeg_header_parse(b.data, &fr));
    assert_true(ct_mpeg_vbr_parse(b.data, b.len, &fr, &v));
    assert_int_equal(v.kind, CT_MPEG_VBR_INFO);
    assert_int_equal(v.frames, 20);
    assert_true(v.has_lame);
    assert_string_equal(v.encoder, "Lavc59.37");
    assert_int_equal(v.delay, 576);
    assert_int_equal(v.padding, 600);
    ct_buf_free(&b);
}

static void vbr_parse_trusts_delay_and_padding_only_from_lame_and_ffmpeg(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_lavc_info_frame(&b, 20, 21 * LEN128);
    memcpy(b.data + 52, "GOGO2.39b", 9); /* another encoder's string where LAME's goes */
    ct_mpeg_frame fr;
    ct_mpeg_vbr_info v;
    assert_true(ct_mpeg_header_parse(b.data, &fr));
    assert_true(ct_mpeg_vbr_parse(b.data, b.len, &fr, &v));
    assert_false(v.has_lame);
    assert_string_equal(v.encoder, "GOGO2.39b");
    assert_int_equal(v.delay, 0);
    assert_int_equal(v.padding, 0);
    b.data[52] = 0x01; /* not text: no encoder at all */
    assert_true(ct_mpeg_vbr_parse(b.data, b.len, &fr, &v));
    assert_string_equal(v.encoder, "");
    ct_buf_free(&b);
}

static void vbr_parse_finds_xing_at_the_side_info_offset_of_each_mode(void **state)
{
    (void)state;
    static const struct {
        uint8_t h[4];
        size_t at;
    } cases[] = {
        {{0xFF, 0xFB, 0x90, 0x64}, 36}, /* MPEG-1 joint stereo: 4 + 32 */
        {{0xFF, 0xFB, 0x90, 0xC4}, 21}, /* MPEG-1 mono: 4 + 17 */
        {{0xFF, 0xF3, 0x88, 0x44}, 21}, /* MPEG-2 joint stereo: 4 + 17 */
        {{0xFF, 0xF3, 0x88, 0xC4}, 13}, /* MPEG-2 mono: 4 + 9 */
        {{0xFF, 0xE3, 0x98, 0x04}, 21}, /* MPEG-2.5 stereo */
        {{0xFF, 0xE3, 0x98, 0xC4}, 13}, /* MPEG-2.5 mono */
    };
    static const size_t offsets[] = {13, 21, 36};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ct_mpeg_frame fr;
        assert_true(ct_mpeg_header_parse(cases[i].h, &fr));
        for (size_t k = 0; k < 3; k++) {
            uint8_t frame[200] = {0};
            memcpy(frame, cases[i].h, 4);
            memcpy(frame + offsets[k], "Xing", 4);
            frame[offsets[k] + 7] = 0x01; /* frames */
            frame[offsets[k] + 11] = 7;
            ct_mpeg_vbr_info v;
            bool found = ct_mpeg_vbr_parse(frame, sizeof frame, &fr, &v);
            assert_int_equal(found, offsets[k] == cases[i].at);
            if (found)
                assert_int_equal(v.frames, 7);
        }
    }
}

static void vbr_parse_reads_a_vbri_header(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_vbri_frame(&b, 30, 31 * LEN128);
    ct_mpeg_frame fr;
    ct_mpeg_vbr_info v;
    assert_true(ct_mpeg_header_parse(b.data, &fr));
    assert_true(ct_mpeg_vbr_parse(b.data, b.len, &fr, &v));
    assert_int_equal(v.kind, CT_MPEG_VBR_VBRI);
    assert_int_equal(v.frames, 30);
    assert_int_equal(v.bytes, 31 * LEN128);
    assert_false(v.has_lame);
    b.data[41] = 2; /* version 2: unknown */
    assert_false(ct_mpeg_vbr_parse(b.data, b.len, &fr, &v));
    ct_buf_free(&b);
}

static void vbr_parse_rejects_cut_headers_and_other_layers(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_lame_xing_frame(&b, 10, 11 * LEN128);
    ct_mpeg_frame fr;
    ct_mpeg_vbr_info v;
    assert_true(ct_mpeg_header_parse(b.data, &fr));
    for (size_t len = 0; len < 36 + 4 + 4 + 4 + 4 + 100 + 4; len++)
        assert_false(ct_mpeg_vbr_parse(b.data, len, &fr, &v)); /* the flagged fields cut off */
    assert_true(ct_mpeg_vbr_parse(b.data, 156, &fr, &v));      /* no room for the extension */
    assert_false(v.has_lame);
    assert_string_equal(v.encoder, "");
    fr.layer = 2;
    assert_false(ct_mpeg_vbr_parse(b.data, b.len, &fr, &v));
    ct_buf_free(&b);
}

/* ---- durations ---------------------------------------------------------------------------- */

static void probe_takes_the_gapless_duration_from_a_lame_xing_header(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    ct_buf_put_zeros(&b, 100); /* stands for the ID3v2 tag */
    put_lame_xing_frame(&b, 10, 11 * LEN128);
    for (int i = 0; i < 10; i++)
        put_frame(&b, hdr128, LEN128);
    ct_mpeg_info info;
    assert_int_equal(probe_bytes(b.data, b.len, 100, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.first_frame, 100);
    assert_int_equal(info.audio_end, b.len);
    assert_int_equal(info.vbr.kind, CT_MPEG_VBR_XING);
    assert_int_equal(info.frames, 10);
    /* 10 * 1152 - 576 - 1000 = 9944 samples = 225.49 ms */
    assert_int_equal(info.duration_ms, 225);
    assert_string_equal(info.duration_source, "Xing header");
    ct_buf_free(&b);
}

static void probe_takes_the_duration_from_an_info_header(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_lavc_info_frame(&b, 20, 21 * LEN128);
    for (int i = 0; i < 20; i++)
        put_frame(&b, hdr128, LEN128);
    ct_mpeg_info info;
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.frames, 20);
    /* 20 * 1152 - 576 - 600 = 21864 samples = 495.78 ms */
    assert_int_equal(info.duration_ms, 496);
    assert_string_equal(info.duration_source, "Info header");
    ct_buf_free(&b);
}

static void probe_takes_the_duration_from_a_vbri_header(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_vbri_frame(&b, 30, 31 * LEN128);
    for (int i = 0; i < 30; i++)
        put_frame(&b, hdr128, LEN128);
    ct_mpeg_info info;
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.frames, 30);
    assert_int_equal(info.duration_ms, 784); /* 34560 samples = 783.67 ms */
    assert_string_equal(info.duration_source, "VBRI header");
    ct_buf_free(&b);
}

static void probe_measures_a_stream_without_header_by_walking_every_frame(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_cbr_frames(&b, 100);
    ct_mpeg_info info;
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.vbr.kind, CT_MPEG_VBR_NONE);
    assert_int_equal(info.frames, 100);
    assert_int_equal(info.duration_ms, 2612); /* 115200 samples = 2612.24 ms */
    assert_string_equal(info.duration_source, "frame scan");
    ct_buf_free(&b);
}

static void probe_reads_mpeg2_and_mpeg25_mono_streams(void **state)
{
    (void)state;
    /* MPEG-2 Layer III, 64 kbit/s, 16 kHz, mono: 288-byte frames, Xing at 4 + 9 */
    static const uint8_t h2[4] = {0xFF, 0xF3, 0x88, 0xC4};
    ct_buf b = CT_BUF_INIT;
    ct_buf_put(&b, h2, 4);
    ct_buf_put_zeros(&b, 9);    /* side information, mono LSF */
    ct_buf_put(&b, "Xing", 4);  /* tag */
    ct_buf_put_u32be(&b, 0x01); /* flags: frames only */
    ct_buf_put_u32be(&b, 40);   /* frames */
    end_frame(&b, 0, 288);
    for (int i = 0; i < 40; i++)
        put_frame(&b, h2, 288);
    ct_mpeg_info info;
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.frame.version, 20);
    assert_string_equal(info.duration_source, "Xing header");
    assert_int_equal(info.duration_ms, 1440); /* 40 * 576 samples at 16 kHz */
    ct_buf_free(&b);

    /* MPEG-2.5 Layer III, 8 kbit/s, 8 kHz, mono: 72-byte frames, no header */
    static const uint8_t h25[4] = {0xFF, 0xE3, 0x18, 0xC4};
    for (int i = 0; i < 50; i++)
        put_frame(&b, h25, 72);
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.frames, 50);
    assert_int_equal(info.duration_ms, 3600); /* 50 * 576 samples at 8 kHz */
    ct_buf_free(&b);
}

static void probe_skips_a_false_sync_in_junk_before_the_first_frame(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    for (int i = 0; i < 300; i++)
        ct_buf_put_u8(&b, 0x11);
    memcpy(b.data + 10, hdr128, 4);  /* a valid header whose next frame is not there */
    memcpy(b.data + 200, hdr128, 4); /* nor here */
    b.data[250] = 0xFF;              /* a bare sync byte */
    put_cbr_frames(&b, 100);
    ct_mpeg_info info;
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.first_frame, 300);
    assert_int_equal(info.frames, 100);
    ct_buf_free(&b);
}

/* Junk of each kind that players skip before the first frame: zeros, garbage holding a valid
   header no frame follows, and a frame cut short. */
static void put_junk(ct_buf *b, int kind)
{
    size_t at = b->len;
    if (kind == 0) {
        ct_buf_put_zeros(b, 300);
        return;
    }
    for (int i = 0; i < 300; i++)
        ct_buf_put_u8(b, (uint8_t)(i * 37 + 11));
    if (kind == 1)
        memcpy(b->data + at + 40, hdr128, 4);
    else
        put_frame(b, hdr128, 200);
}

static void probe_finds_the_first_frame_behind_zeros_garbage_or_a_frame_cut_short(void **state)
{
    (void)state;
    for (int kind = 0; kind < 3; kind++) {
        ct_buf b = CT_BUF_INIT;
        ct_buf_put_zeros(&b, 64); /* stands for the ID3v2 tag */
        put_junk(&b, kind);
        size_t first = b.len;
        put_lavc_info_frame(&b, 20, 21 * LEN128);
        put_cbr_frames(&b, 20);
        ct_mpeg_info info;
        assert_int_equal(probe_bytes(b.data, b.len, 64, &info, NULL), CHAPTAG_OK);
        assert_int_equal(info.first_frame, first);
        assert_int_equal(info.frames, 20);
        ct_file *f = ct_file_memory(b.data, b.len);
        assert_true(ct_mpeg_sniff(f, 0, 64 << 10));
        assert_true(ct_mpeg_sniff(f, 64, first - 64 + 1));
        assert_false(ct_mpeg_sniff(f, 64, first - 64)); /* the window ends before it */
        ct_file_close(f);
        ct_buf_free(&b);
    }
}

static void sniff_finds_no_stream_in_junk_or_a_lone_frame(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_junk(&b, 1);
    put_junk(&b, 2);
    put_frame(&b, hdr128, LEN128); /* a whole frame, but no second one */
    put_junk(&b, 0);
    ct_file *f = ct_file_memory(b.data, b.len);
    assert_false(ct_mpeg_sniff(f, 0, 64 << 10));
    ct_file_close(f);
    f = ct_file_memory(b.data, 0);
    assert_false(ct_mpeg_sniff(f, 0, 64 << 10));
    ct_file_close(f);
    ct_buf_free(&b);
}

static void probe_does_not_read_the_audio_when_the_header_counts_the_frames(void **state)
{
    (void)state;
    /* the audio here is zeros: a scan would find no frame at all */
    ct_buf b = CT_BUF_INIT;
    ct_buf_put(&b, hdr128, 4);
    ct_buf_put_zeros(&b, 32);
    ct_buf_put(&b, "Xing", 4);
    ct_buf_put_u32be(&b, 0x03);          /* frames, bytes */
    ct_buf_put_u32be(&b, 1000);          /* frames */
    ct_buf_put_u32be(&b, 1001 * LEN128); /* bytes: matches the file */
    end_frame(&b, 0, LEN128);
    ct_buf_put_zeros(&b, 1000 * LEN128);
    ct_mpeg_info info;
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.frames, 1000);
    assert_false(info.vbr.has_lame);
    assert_int_equal(info.duration_ms, 26122); /* 1152000 samples = 26122.45 ms */
    ct_buf_free(&b);
}

static void probe_scans_when_the_header_does_not_describe_the_stream(void **state)
{
    (void)state;
    /* frames appended after the header was written: 21 frames where it says 3 */
    ct_buf b = CT_BUF_INIT;
    put_lame_xing_frame(&b, 2, 3 * LEN128);
    for (int i = 0; i < 20; i++)
        put_frame(&b, hdr128, LEN128);
    ct_mpeg_info info;
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.frames, 20); /* the Xing frame is not audio */
    assert_string_equal(info.duration_source, "frame scan");
    assert_int_equal(info.duration_ms, 522); /* 23040 samples = 522.45 ms: no gapless trim */
    ct_buf_free(&b);

    /* a download cut short: the header promises 50 frames, 10 are there */
    put_lame_xing_frame(&b, 50, 51 * LEN128);
    for (int i = 0; i < 10; i++)
        put_frame(&b, hdr128, LEN128);
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.frames, 10);
    assert_string_equal(info.duration_source, "frame scan");
    ct_buf_free(&b);

    /* a count within 1/16 of the file is believed */
    put_lame_xing_frame(&b, 10, 11 * LEN128 + 200);
    for (int i = 0; i < 10; i++)
        put_frame(&b, hdr128, LEN128);
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_string_equal(info.duration_source, "Xing header");
    ct_buf_free(&b);

    /* no frame count, or a count of 0 */
    for (uint32_t flags = 0; flags < 2; flags++) {
        ct_buf_put(&b, hdr128, 4);
        ct_buf_put_zeros(&b, 32);
        ct_buf_put(&b, "Xing", 4);
        ct_buf_put_u32be(&b, flags); /* 0: no fields; 1: frames, which is 0 */
        ct_buf_put_u32be(&b, 0);
        end_frame(&b, 0, LEN128);
        put_cbr_frames(&b, 7);
        assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
        assert_int_equal(info.vbr.kind, CT_MPEG_VBR_XING);
        assert_int_equal(info.frames, 7);
        assert_string_equal(info.duration_source, "frame scan");
        ct_buf_free(&b);
    }
}

static void probe_scans_when_lame_delay_and_padding_cut_away_every_frame(void **state)
{
    (void)state;
    /* LAME 3.97 on a short file: 1 frame of 1152 samples, 576 + 1000 of them trimmed */
    ct_buf b = CT_BUF_INIT;
    put_lame_xing_frame(&b, 1, 2 * LEN128);
    put_frame(&b, hdr128, LEN128);
    ct_mpeg_info info;
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.frames, 1);
    assert_string_equal(info.duration_source, "frame scan");
    assert_int_equal(info.duration_ms, 26); /* 1152 samples = 26.12 ms, untrimmed */
    ct_buf_free(&b);
}

/* A Xing frame with a frame count and no byte count. */
static void put_xing_frames_only(ct_buf *b, uint32_t frames)
{
    size_t at = b->len;
    ct_buf_put(b, hdr128, 4);    /* MPEG-1 Layer III, 128 kbit/s, 44.1 kHz */
    ct_buf_put_zeros(b, 32);     /* side information */
    ct_buf_put(b, "Xing", 4);    /* tag */
    ct_buf_put_u32be(b, 0x01);   /* flags: frames */
    ct_buf_put_u32be(b, frames); /* frames */
    end_frame(b, at, LEN128);
}

static void probe_scans_when_the_frame_count_cannot_fill_the_stream(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_xing_frames_only(&b, 1000000); /* more than 10 frames' bytes can hold */
    put_cbr_frames(&b, 10);
    ct_mpeg_info info;
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.frames, 10);
    assert_string_equal(info.duration_source, "frame scan");
    ct_buf_free(&b);

    put_xing_frames_only(&b, 2); /* 200 frames at 128 kbit/s: 2 frames at 320 cannot fill it */
    put_cbr_frames(&b, 200);
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.frames, 200);
    assert_string_equal(info.duration_source, "frame scan");
    ct_buf_free(&b);

    put_xing_frames_only(&b, 30); /* a count that fits is believed */
    put_cbr_frames(&b, 30);
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_string_equal(info.duration_source, "Xing header");
    ct_buf_free(&b);
}

static void probe_skips_a_damaged_frame_and_not_a_last_frame_cut_short(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_cbr_frames(&b, 20);
    ct_mpeg_info info;
    memset(b.data + 5 * LEN128 + 2, 0xAA, 2); /* frame 5 (after one padded frame, at 5*417+2) */
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.frames, 19);
    assert_int_equal(probe_bytes(b.data, b.len - 100, 0, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.frames, 18);
    ct_buf_free(&b);
}

/* ---- trailing tags ------------------------------------------------------------------------ */

static void audio_end_leaves_out_id3v1_and_tag_plus(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_cbr_frames(&b, 10);
    size_t audio = b.len;
    put_id3v1(&b);
    assert_int_equal(audio_end_of(&b, 0), audio);
    b.len = audio;
    ct_buf_put(&b, "TAG+", 4);
    ct_buf_put_zeros(&b, 223);
    put_id3v1(&b);
    assert_int_equal(audio_end_of(&b, 0), audio);
    ct_buf_free(&b);
}

static void audio_end_leaves_out_apev2_with_and_without_header(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_cbr_frames(&b, 10);
    size_t audio = b.len;
    put_apev2(&b, false, 50);
    assert_int_equal(audio_end_of(&b, 0), audio);
    b.len = audio;
    put_apev2(&b, true, 50);
    assert_int_equal(audio_end_of(&b, 0), audio);
    b.len = audio;
    put_apev2(&b, true, 50);
    memset(b.data + audio, 0, 8); /* flagged header missing: the footer and items go */
    assert_int_equal(audio_end_of(&b, 0), audio + 32);
    ct_buf_free(&b);
}

static void audio_end_leaves_out_every_trailing_tag_in_any_order(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_cbr_frames(&b, 10);
    size_t audio = b.len;
    put_apev2(&b, true, 40);
    put_lyrics3v2(&b);
    put_id3v1(&b);
    assert_int_equal(audio_end_of(&b, 0), audio);
    b.len = audio;
    put_id3v1(&b); /* an ID3v1 tag before an APEv2 tag, as some taggers leave it */
    put_apev2(&b, false, 40);
    assert_int_equal(audio_end_of(&b, 0), audio);
    ct_mpeg_info info;
    assert_int_equal(probe_bytes(b.data, b.len, 0, &info, NULL), CHAPTAG_OK);
    assert_int_equal(info.audio_end, audio);
    assert_int_equal(info.frames, 10);
    ct_buf_free(&b);
}

static void audio_end_sees_that_tag_inside_apetagex_is_no_id3v1(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_cbr_frames(&b, 10);
    size_t audio = b.len;
    put_apev2(&b, true, 67); /* its header starts 131 bytes from the end: "TAG" at 128 */
    assert_memory_equal(b.data + b.len - 128, "TAG", 3);
    assert_int_equal(audio_end_of(&b, 0), audio);
    ct_buf_free(&b);
}

static void audio_end_checks_sizes_against_what_is_there(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_cbr_frames(&b, 3);
    size_t audio = b.len;
    put_apev2(&b, false, 10);
    ct_buf_set_u32be(&b, b.len - 20, 0xFFFFFFFF); /* an APEv2 size past the start */
    assert_int_equal(audio_end_of(&b, 0), b.len);
    assert_int_equal(audio_end_of(&b, b.len - 30), b.len);
    b.len = audio;
    put_lyrics3v2(&b);
    memcpy(b.data + b.len - 15, "999999", 6); /* a Lyrics3 size past the start */
    assert_int_equal(audio_end_of(&b, 0), b.len);
    memcpy(b.data + b.len - 15, "0000x1", 6); /* not digits */
    assert_int_equal(audio_end_of(&b, 0), b.len);
    b.len = audio;
    put_id3v1(&b);
    assert_int_equal(audio_end_of(&b, b.len - 100), b.len); /* never below the start */
    assert_int_equal(audio_end_of(&b, b.len + 5), b.len);
    ct_buf_free(&b);
}

/* ---- hostile bytes ------------------------------------------------------------------------ */

static void expect_no_frames(const void *data, size_t len, uint64_t start)
{
    ct_mpeg_info info;
    chaptag_error err;
    assert_int_equal(probe_bytes(data, len, start, &info, &err), CHAPTAG_ERR_AUDIO);
    assert_string_equal(err.msg, "no MPEG audio frames found");
}

static void probe_fails_cleanly_on_hostile_bytes(void **state)
{
    (void)state;
    expect_no_frames("", 0, 0);
    expect_no_frames(hdr128, 3, 0);
    expect_no_frames(hdr128, 4, 0);
    uint8_t one[LEN128 + 100] = {0}; /* one frame, then a frame cut short */
    memcpy(one, hdr128, 4);
    memcpy(one + LEN128, hdr128, 4);
    expect_no_frames(one, 300, 0);
    size_t n = 200 << 10;
    uint8_t *ff = malloc(n);
    assert_non_null(ff);
    memset(ff, 0xFF, n);
    expect_no_frames(ff, n, 0);
    memset(ff, 0, n);
    expect_no_frames(ff, n, 0);
    expect_no_frames(one, sizeof one, sizeof one + 10); /* starts past the end */
    free(ff);
}

static void probe_gives_up_after_1_mib_of_junk(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    ct_buf_put_zeros(&b, 1u << 20); /* the first frame 1 MiB after the start: too far */
    put_cbr_frames(&b, 10);
    expect_no_frames(b.data, b.len, 0);
    ct_mpeg_info info;
    assert_int_equal(probe_bytes(b.data, b.len, 1, &info, NULL), CHAPTAG_OK);
    ct_buf_free(&b);
}

/* Every byte of a header frame and the frame after it changed, and every length cut: an answer
   or an error, never a crash (run under ASan). */
static void probe_survives_every_corrupted_and_cut_header_frame(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_lame_xing_frame(&b, 3, 4 * LEN128);
    put_cbr_frames(&b, 3);
    static const uint8_t values[] = {0x00, 0xFF, 0x7F, 0x80, 0xE0};
    for (size_t i = 0; i < 2 * LEN128; i++)
        for (size_t k = 0; k < sizeof values; k++) {
            uint8_t keep = b.data[i];
            b.data[i] = values[k];
            ct_mpeg_info info;
            chaptag_status st = probe_bytes(b.data, b.len, 0, &info, NULL);
            assert_true(st == CHAPTAG_OK || st == CHAPTAG_ERR_AUDIO);
            if (st == CHAPTAG_OK)
                assert_true(info.audio_end <= b.len && info.first_frame < info.audio_end);
            b.data[i] = keep;
        }
    for (size_t len = 0; len <= b.len; len++) {
        uint8_t *cut = malloc(len + 1); /* exact size, so ASan sees any read past it */
        assert_non_null(cut);
        memcpy(cut, b.data, len);
        ct_mpeg_info info;
        chaptag_status st = probe_bytes(cut, len, 0, &info, NULL);
        assert_true(st == CHAPTAG_OK || st == CHAPTAG_ERR_AUDIO);
        free(cut);
    }
    ct_buf_free(&b);
}

/* ---- the tags before the stream ------------------------------------------------------------ */

/* An ID3v2.3 header whose tag holds BODY bytes (syncsafe size), then BODY zeros unless CUT. */
static void put_id3v2(ct_buf *b, uint32_t body, bool cut)
{
    const uint8_t h[10] = {'I', 'D', '3', 3, 0, 0, (uint8_t)(body >> 21 & 0x7F),
                           (uint8_t)(body >> 14 & 0x7F), (uint8_t)(body >> 7 & 0x7F),
                           (uint8_t)(body & 0x7F)};
    ct_buf_put(b, h, sizeof h);
    if (!cut)
        ct_buf_put_zeros(b, body);
}

static void tags_extent_of(const ct_buf *b, uint64_t want_total, uint64_t want_over)
{
    ct_file *f = ct_file_memory(b->data, b->len);
    assert_non_null(f);
    uint64_t total = 99, over = 99;
    chaptag_error err;
    assert_int_equal(ct_mpeg_tags_extent(f, &total, &over, &err), CHAPTAG_OK);
    assert_int_equal(total, want_total);
    assert_int_equal(over, want_over);
    ct_file_close(f);
}

static void tags_extent_counts_stacked_tags_and_reports_one_claiming_past_the_end(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_cbr_frames(&b, 3);
    tags_extent_of(&b, 0, 0); /* none */
    ct_buf_free(&b);
    put_id3v2(&b, 20, false);
    put_id3v2(&b, 5, false);
    put_cbr_frames(&b, 3);
    tags_extent_of(&b, 45, 0); /* two, stacked */
    ct_buf_free(&b);
    put_id3v2(&b, 20, false);
    put_id3v2(&b, 100000, true);
    put_cbr_frames(&b, 3);
    tags_extent_of(&b, 30, 100010); /* the second claims more than the file holds */
    ct_buf_free(&b);
    put_id3v2(&b, 0, false);
    tags_extent_of(&b, 10, 0); /* an empty tag, and nothing after it */
    ct_buf_free(&b);
}

static void same_stream_compares_version_layer_and_rate_only(void **state)
{
    (void)state;
    static const uint8_t mono_64k[4] = {0xFF, 0xFB, 0x50, 0xC4};
    static const uint8_t mpeg2[4] = {0xFF, 0xF3, 0x90, 0x64};
    static const uint8_t layer2[4] = {0xFF, 0xFD, 0x90, 0x64};
    static const uint8_t at_48k[4] = {0xFF, 0xFB, 0x94, 0x64};
    ct_mpeg_frame a, b;
    assert_true(ct_mpeg_header_parse(hdr128, &a));
    assert_true(ct_mpeg_header_parse(mono_64k, &b));
    assert_true(ct_mpeg_same_stream(&a, &b)); /* bitrate, padding and mode may change */
    assert_true(ct_mpeg_header_parse(hdr128_padded, &b));
    assert_true(ct_mpeg_same_stream(&a, &b));
    const uint8_t *other[] = {mpeg2, layer2, at_48k};
    for (size_t i = 0; i < 3; i++) {
        assert_true(ct_mpeg_header_parse(other[i], &b));
        assert_false(ct_mpeg_same_stream(&a, &b));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mpeg_header_parse_decodes_a_128k_joint_stereo_frame),
        cmocka_unit_test(mpeg_header_parse_decodes_every_version_and_layer),
        cmocka_unit_test(mpeg_header_parse_rejects_reserved_values_and_broken_sync),
        cmocka_unit_test(mpeg_header_parse_decodes_free_format_with_length_0),
        cmocka_unit_test(vbr_parse_reads_xing_fields_and_the_lame_extension_at_120),
        cmocka_unit_test(vbr_parse_reads_the_extension_right_after_the_fields_present),
        cmocka_unit_test(vbr_parse_trusts_delay_and_padding_only_from_lame_and_ffmpeg),
        cmocka_unit_test(vbr_parse_finds_xing_at_the_side_info_offset_of_each_mode),
        cmocka_unit_test(vbr_parse_reads_a_vbri_header),
        cmocka_unit_test(vbr_parse_rejects_cut_headers_and_other_layers),
        cmocka_unit_test(probe_takes_the_gapless_duration_from_a_lame_xing_header),
        cmocka_unit_test(probe_takes_the_duration_from_an_info_header),
        cmocka_unit_test(probe_takes_the_duration_from_a_vbri_header),
        cmocka_unit_test(probe_measures_a_stream_without_header_by_walking_every_frame),
        cmocka_unit_test(probe_reads_mpeg2_and_mpeg25_mono_streams),
        cmocka_unit_test(probe_skips_a_false_sync_in_junk_before_the_first_frame),
        cmocka_unit_test(probe_does_not_read_the_audio_when_the_header_counts_the_frames),
        cmocka_unit_test(probe_scans_when_the_header_does_not_describe_the_stream),
        cmocka_unit_test(probe_finds_the_first_frame_behind_zeros_garbage_or_a_frame_cut_short),
        cmocka_unit_test(sniff_finds_no_stream_in_junk_or_a_lone_frame),
        cmocka_unit_test(probe_scans_when_lame_delay_and_padding_cut_away_every_frame),
        cmocka_unit_test(probe_scans_when_the_frame_count_cannot_fill_the_stream),
        cmocka_unit_test(probe_skips_a_damaged_frame_and_not_a_last_frame_cut_short),
        cmocka_unit_test(audio_end_leaves_out_id3v1_and_tag_plus),
        cmocka_unit_test(audio_end_leaves_out_apev2_with_and_without_header),
        cmocka_unit_test(audio_end_leaves_out_every_trailing_tag_in_any_order),
        cmocka_unit_test(audio_end_sees_that_tag_inside_apetagex_is_no_id3v1),
        cmocka_unit_test(audio_end_checks_sizes_against_what_is_there),
        cmocka_unit_test(probe_fails_cleanly_on_hostile_bytes),
        cmocka_unit_test(probe_gives_up_after_1_mib_of_junk),
        cmocka_unit_test(probe_survives_every_corrupted_and_cut_header_frame),
        cmocka_unit_test(tags_extent_counts_stacked_tags_and_reports_one_claiming_past_the_end),
        cmocka_unit_test(same_stream_compares_version_layer_and_rate_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
