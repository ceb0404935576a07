/* Tests of src/mp3/mp3_audio.c: streams built here frame by frame (headers with zeroed bodies
   that carry their own frame number, so a packet tells which frame it is), read by time: CBR
   by arithmetic with and without an Info frame, behind ID3v2 tags, padded as LAME pads; VBR
   by a walk of the headers' byte 2, every header of a stretch read whole where it doubts;
   junk between frames (seen by byte 2, or only at the next indexed header), a tag inside the
   stream, a damaged frame, a last frame cut short, a change of sample rate; windows at the
   start, middle and end and past it, and at every frame near the damage, as a walk of whole
   headers gives them; preroll, encoder delay, bytes read.
   Then the generated fixtures (scripts/make-fixtures.sh), when they are there: a whole pass
   counts the Xing header's frames, and a window's packets are the frames a walk finds. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "buf.h"
#include "fileio.h"
#include "id3v2.h"
#include "mpeg.h"

/* MPEG-1 Layer III, 44.1 kHz, joint stereo, no CRC, by bitrate index (byte 2 high nibble):
   128 kbit/s is index 9, 417 bytes (418 padded), 417.96 on average. */
#define HDR_B1 0xFF
#define HDR_B2 0xFB
#define HDR_B4 0x64
#define IDX128 9
#define SPF 1152
#define MARK_AT 40 /* where a frame's body holds its number: past the side information */

/* ---- building streams --------------------------------------------------------------------- */

/* The header of a frame at bitrate index IDX, PADDED or not, at 44.1 kHz (RATE_BITS 0) or
   48 kHz (1). */
static void header(uint8_t h[4], unsigned idx, unsigned padded, unsigned rate_bits)
{
    h[0] = HDR_B1;
    h[1] = HDR_B2;
    h[2] = (uint8_t)(idx << 4 | rate_bits << 2 | padded << 1);
    h[3] = HDR_B4;
}

/* A frame numbered N (in its body) of the stream described by H: its whole length. */
static size_t put_frame(ct_buf *b, const uint8_t h[4], uint32_t n)
{
    ct_mpeg_frame fr;
    assert_true(ct_mpeg_header_parse(h, &fr));
    ct_buf_put(b, h, 4);
    ct_buf_put_zeros(b, MARK_AT - 4);
    ct_buf_put_u32be(b, n);
    ct_buf_put_zeros(b, fr.length - MARK_AT - 4);
    return fr.length;
}

/* Frames FIRST..FIRST+N-1 at 128 kbit/s, padded as LAME pads: whenever the bytes so far fall a
   byte short of the average (417.96), so frame k ends at floor((k + 1) * 144000 * 128 / 44100). */
static void put_cbr(ct_buf *b, uint32_t first, uint32_t n)
{
    for (uint32_t k = first; k < first + n; k++) {
        uint64_t end = (uint64_t)(k + 1) * 144000 * 128 / 44100,
                 start = (uint64_t)k * 144000 * 128 / 44100;
        uint8_t h[4];
        header(h, IDX128, end - start == 418, 0);
        put_frame(b, h, k);
    }
}

/* Frames FIRST..FIRST+N-1 whose bitrates wander (index 5 to 12: 64 to 224 kbit/s). */
static void put_vbr(ct_buf *b, uint32_t first, uint32_t n)
{
    for (uint32_t k = first; k < first + n; k++) {
        uint8_t h[4];
        header(h, 5 + (k * 7 + k / 5) % 8, k % 2, 0);
        put_frame(b, h, k);
    }
}

/* The first frame of a LAME file: a Xing ("Xing" or "Info") header with FRAMES and BYTES and
   the LAME extension (delay 576, padding 1000) at 120. */
static void put_xing_frame(ct_buf *b, const char *tag, uint32_t frames, uint32_t bytes)
{
    size_t at = b->len;
    uint8_t h[4];
    header(h, IDX128, 0, 0);
    ct_buf_put(b, h, 4);               /* MPEG-1 Layer III, 128 kbit/s, 44.1 kHz */
    ct_buf_put_zeros(b, 32);           /* side information: the tag starts at 4 + 32 */
    ct_buf_put(b, tag, 4);             /* "Xing" VBR, "Info" CBR */
    ct_buf_put_u32be(b, 0x0F);         /* flags: frames, bytes, TOC, quality */
    ct_buf_put_u32be(b, frames);       /* audio frames, this one excluded */
    ct_buf_put_u32be(b, bytes);        /* stream bytes, this frame included */
    for (unsigned i = 0; i < 100; i++) /* TOC */
        ct_buf_put_u8(b, i * 256 / 100);
    ct_buf_put_u32be(b, 78);                /* quality */
    ct_buf_put(b, "LAME3.100", 9);          /* encoder */
    ct_buf_put_zeros(b, 12);                /* revision .. minimum bitrate */
    ct_buf_put_u24be(b, 576u << 12 | 1000); /* delay 576 samples, end padding 1000 */
    ct_buf_put_zeros(b, 417 - (b->len - at));
}

/* An ID3v2.3 tag of SIZE body bytes (zeros: padding). */
static void put_id3v2(ct_buf *b, uint32_t size)
{
    ct_buf_put(b, "ID3", 3);
    ct_buf_put_u8(b, 3);          /* version 2.3 */
    ct_buf_put_u8(b, 0);          /* revision */
    ct_buf_put_u8(b, 0);          /* flags */
    ct_buf_put_syncsafe(b, size); /* body size */
    ct_buf_put_zeros(b, size);
}

/* ---- reading packets ---------------------------------------------------------------------- */

#define MAX_PACKETS 8192

typedef struct {
    size_t n;
    uint64_t first[MAX_PACKETS];
    uint32_t samples[MAX_PACKETS];
    uint32_t number[MAX_PACKETS]; /* the frame number its body holds */
    size_t len[MAX_PACKETS];
    uint64_t bytes;
} packets;

static chaptag_status collect(const ct_packet *pkt, void *ctx, chaptag_error *err)
{
    (void)err;
    packets *p = ctx;
    assert_true(p->n < MAX_PACKETS);
    assert_true(pkt->len > MARK_AT + 4);
    p->first[p->n] = pkt->first;
    p->samples[p->n] = pkt->samples;
    p->number[p->n] = ct_load_u32be(pkt->data + MARK_AT);
    p->len[p->n] = pkt->len;
    p->bytes += pkt->len;
    p->n++;
    return CHAPTAG_OK;
}

/* An open source over the built stream; the file is *F (close it after the source). */
static ct_audio *open_ok(const ct_buf *b, ct_file **f)
{
    *f = ct_file_memory(b->data, b->len);
    assert_non_null(*f);
    ct_audio *a = NULL;
    chaptag_error err = {0};
    if (ct_mp3_audio_open(*f, &a, &err) != CHAPTAG_OK)
        fail_msg("open: %s", err.msg);
    return a;
}

static void close_both(ct_audio *a, ct_file *f)
{
    a->close(a);
    ct_file_close(f);
}

/* The packets of [FROM, TO) (a new record: free() it). */
static packets *window(ct_audio *a, uint64_t from, uint64_t to)
{
    packets *p = calloc(1, sizeof *p);
    assert_non_null(p);
    chaptag_error err = {0};
    if (a->packets(a, from, to, collect, p, &err) != CHAPTAG_OK)
        fail_msg("packets: %s", err.msg);
    return p;
}

/* The window [FROM, TO) gives frames FIRST_K..LAST_K, each placed at k * SPF and numbered
   k in its body, or k + 1 from LOST on (the frame built as LOST was lost to damage). */
static void expect_frames_lost(ct_audio *a, uint64_t from, uint64_t to, uint32_t first_k,
                               uint32_t last_k, uint32_t lost)
{
    packets *p = window(a, from, to);
    if (p->n != (size_t)(last_k - first_k + 1))
        fail_msg("[%llu, %llu): %zu packets (first number %u), %u wanted from %u",
                 (unsigned long long)from, (unsigned long long)to, p->n, p->n ? p->number[0] : 0,
                 last_k - first_k + 1, first_k);
    for (size_t i = 0; i < p->n; i++) {
        uint32_t k = first_k + (uint32_t)i;
        if (p->number[i] != k + (k >= lost))
            fail_msg("[%llu, %llu): packet %u holds frame %u", (unsigned long long)from,
                     (unsigned long long)to, k, p->number[i]);
        assert_int_equal(p->first[i], (uint64_t)k * SPF);
        assert_int_equal(p->samples[i], SPF);
    }
    free(p);
}

/* The window [FROM, TO) gives frames FIRST_K..LAST_K, each numbered as its body says and
   placed at k * SPF. */
static void expect_frames(ct_audio *a, uint64_t from, uint64_t to, uint32_t first_k,
                          uint32_t last_k)
{
    expect_frames_lost(a, from, to, first_k, last_k, UINT32_MAX);
}

/* The window [FROM, TO) gives nothing. */
static void expect_none(ct_audio *a, uint64_t from, uint64_t to)
{
    packets *p = window(a, from, to);
    assert_int_equal(p->n, 0);
    free(p);
}

/* The frames every window of a stream of N frames should give, preroll P: at the start, the
   middle, the end (TO past it), past the end. */
static void expect_windows(ct_audio *a, uint32_t n, unsigned p)
{
    uint64_t mid = (uint64_t)n / 2 * SPF + 100;
    expect_frames(a, 0, 3 * SPF, 0, 2); /* no preroll before frame 0 */
    expect_frames(a, 2 * SPF, 2 * SPF + 1, 2 > p ? 2 - p : 0, 2);
    expect_frames(a, mid, mid + 10 * SPF, n / 2 - p, n / 2 + 10);
    expect_frames(a, (uint64_t)(n - 5) * SPF, UINT64_MAX, n - 5 - p, n - 1);
    expect_frames(a, 0, UINT64_MAX, 0, n - 1); /* the whole pass */
    expect_none(a, (uint64_t)n * SPF + 1, (uint64_t)n * SPF + 10 * SPF);
    expect_none(a, mid, mid); /* an empty window */
}

/* ---- CBR ---------------------------------------------------------------------------------- */

static void cbr_with_an_info_frame_is_placed_by_arithmetic(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_id3v2(&b, 3000);
    size_t xing = b.len;
    put_xing_frame(&b, "Info", 3000, 0);
    put_cbr(&b, 0, 3000);
    ct_buf_set_u32be(&b, xing + 48, (uint32_t)(b.len - xing)); /* the bytes field */
    ct_file *f;
    ct_audio *a = open_ok(&b, &f);
    assert_string_equal(a->info.seek, "CBR arithmetic");
    assert_int_equal(a->info.codec, CT_CODEC_MP3);
    assert_int_equal(a->info.sample_rate, 44100);
    assert_int_equal(a->info.channels, 2);
    assert_int_equal(a->info.skip, 576 + 529);
    assert_int_equal(a->info.samples, 3000 * SPF - 576 - 1000);
    /* 417-byte frames carry 381 bytes of main data: 511 of reservoir reach 2 back, + overlap */
    assert_int_equal(a->info.preroll, 3);
    expect_windows(a, 3000, 3);
    close_both(a, f);
    ct_buf_free(&b);
}

static void cbr_without_a_header_is_placed_by_arithmetic(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_cbr(&b, 0, 2000);
    ct_file *f;
    ct_audio *a = open_ok(&b, &f);
    assert_string_equal(a->info.seek, "CBR arithmetic");
    assert_int_equal(a->info.skip, 0);
    assert_int_equal(a->info.samples, 0); /* nothing counts the frames */
    expect_windows(a, 2000, 3);
    close_both(a, f);
    ct_buf_free(&b);
}

static void cbr_window_reads_little_more_than_its_frames(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_id3v2(&b, 100);
    put_cbr(&b, 0, 20000); /* 8 MB, 8:42 */
    ct_file *f;
    ct_audio *a = open_ok(&b, &f);
    uint64_t before = ct_file_bytes_read(f);
    packets *p = window(a, 10000 * SPF, 10000 * SPF + 4 * 44100); /* 4 s */
    uint64_t read = ct_file_bytes_read(f) - before;
    assert_int_equal(p->number[0], 10000 - 3);
    /* the frames, the search around the estimate and the frames after it */
    assert_true(read >= p->bytes);
    assert_true(read <= p->bytes + 2 * 256 + 4 * 420);
    free(p);
    close_both(a, f);
    ct_buf_free(&b);
}

/* A stream whose first frames share a bitrate (a VBR encoder's silent start) but not the rest
   is no CBR stream. */
static void cbr_needs_one_bitrate_through_the_stream(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_cbr(&b, 0, 100);
    put_vbr(&b, 100, 1900);
    ct_file *f;
    ct_audio *a = open_ok(&b, &f);
    assert_string_equal(a->info.seek, "frame-header walk");
    expect_windows(a, 2000, a->info.preroll);
    close_both(a, f);
    ct_buf_free(&b);
}

static void cbr_finds_frames_past_junk_shorter_than_half_a_frame(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_cbr(&b, 0, 1000);
    /* junk with a false sync: a valid header whose length points at no frame */
    static const uint8_t junk[] = {0xFF, 0xFB, 0x90, 0x64, 1, 2, 3, 0xFF, 0xF3, 0, 0, 0};
    ct_buf_put(&b, junk, sizeof junk);
    put_cbr(&b, 1000, 1000);
    ct_file *f;
    ct_audio *a = open_ok(&b, &f);
    assert_string_equal(a->info.seek, "CBR arithmetic");
    expect_windows(a, 2000, 3);
    expect_frames(a, 997 * SPF, 1003 * SPF, 994, 1002); /* across the junk */
    close_both(a, f);
    ct_buf_free(&b);
}

/* ---- VBR: the walk ------------------------------------------------------------------------ */

static void vbr_with_a_xing_header_is_walked_once(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_id3v2(&b, 500);
    size_t xing = b.len;
    put_xing_frame(&b, "Xing", 5000, 0);
    put_vbr(&b, 0, 5000);
    ct_buf_set_u32be(&b, xing + 48, (uint32_t)(b.len - xing));
    ct_file *f;
    ct_audio *a = open_ok(&b, &f);
    assert_string_equal(a->info.seek, "frame-header walk");
    assert_int_equal(a->info.skip, 576 + 529);
    assert_int_equal(a->info.samples, 5000 * SPF - 576 - 1000);
    /* the shortest frame (32 kbit/s, 104 bytes) carries 68 bytes: 511 reach 8 back, + 1 */
    assert_int_equal(a->info.preroll, 9);
    uint64_t before = ct_file_bytes_read(f);
    packets *p = window(a, 2500 * SPF, 2501 * SPF);
    uint64_t walked = ct_file_bytes_read(f) - before;
    /* byte 2 of each frame, 4 bytes of every 64th, then the window's frames (the headers
       from the indexed one to the window read again) */
    assert_true(walked <= 5000 + (5000 / 64 + 1) * 4 + p->bytes + 64 * 4);
    free(p);
    before = ct_file_bytes_read(f);
    p = window(a, 4000 * SPF, 4001 * SPF);
    uint64_t again = ct_file_bytes_read(f) - before;
    assert_true(again <= p->bytes + 64 * 4 + 4); /* no second walk */
    free(p);
    expect_windows(a, 5000, 9);
    close_both(a, f);
    ct_buf_free(&b);
}

static void vbr_walk_steps_over_junk_between_frames(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_vbr(&b, 0, 700);
    ct_buf_put_zeros(&b, 1000); /* zeros */
    put_vbr(&b, 700, 700);
    static const uint8_t junk[] = {0xFF, 0xFB, 0x50, 0x64, 0xFF, 0xFF, 'j', 'u', 'n', 'k'};
    ct_buf_put(&b, junk, sizeof junk); /* a false sync, then garbage */
    put_vbr(&b, 1400, 600);
    ct_file *f;
    ct_audio *a = open_ok(&b, &f);
    assert_string_equal(a->info.seek, "frame-header walk");
    unsigned p = a->info.preroll;
    expect_windows(a, 2000, p);
    expect_frames(a, 1398 * SPF, 1402 * SPF, 1398 - p, 1401);
    close_both(a, f);
    ct_buf_free(&b);
}

/* Bytes a walk of N frames reads by byte 2 with one stretch walked again whole: a byte a frame,
   4 of every 64th and of the one after the last, 4 of each frame of the stretch; and the
   headers from an indexed frame to a window's first, read by the window. */
#define WALK_MAX(n) ((n) + ((n) / 64 + 2) * 4 + 64 * 4 + 64 * 4)

/* Frames of a stream built with junk or damage that a walk of whole headers steps over, N in
   all, LOST the one damage took (UINT32_MAX: none): every window near TROUBLE (a frame number)
   and around the stream, and at most MAX_WALK bytes read by the walk. */
static void expect_walked_like_whole_headers(const ct_buf *b, uint32_t n, uint32_t trouble,
                                             uint32_t lost, uint64_t max_walk)
{
    ct_file *f;
    ct_audio *a = open_ok(b, &f);
    assert_string_equal(a->info.seek, "frame-header walk");
    unsigned p = a->info.preroll;
    uint64_t before = ct_file_bytes_read(f);
    packets *w = window(a, (uint64_t)(n - 1) * SPF, (uint64_t)n * SPF); /* the walk runs */
    uint64_t walked = ct_file_bytes_read(f) - before - w->bytes;
    if (walked > max_walk)
        fail_msg("the walk read %llu bytes, more than %llu", (unsigned long long)walked,
                 (unsigned long long)max_walk);
    free(w);
    uint32_t n_packets = n - (lost != UINT32_MAX);
    expect_frames_lost(a, 0, UINT64_MAX, 0, n_packets - 1, lost);
    for (uint32_t k = trouble > 140 ? trouble - 140 : 0; k < trouble + 140 && k < n_packets; k++)
        expect_frames_lost(a, (uint64_t)k * SPF, (uint64_t)k * SPF + 1, k > p ? k - p : 0, k, lost);
    for (uint32_t k = 0; k < n_packets; k += 61)
        expect_frames_lost(a, (uint64_t)k * SPF + 5, (uint64_t)(k + 2) * SPF, k > p ? k - p : 0,
                           k + 1 < n_packets ? k + 1 : k, lost);
    close_both(a, f);
}

/* Byte 2 of each header alone, 4 bytes of each 64th: a clean stream's walk reads about a
   byte a frame. */
static void vbr_walk_reads_byte_2_of_each_header(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_vbr(&b, 0, 3000);
    expect_walked_like_whole_headers(&b, 3000, 1500, UINT32_MAX, WALK_MAX(3000) - 64 * 4);
    ct_buf_free(&b);
}

/* Junk whose bytes pass for frames by byte 2 (headers without a sync word, their byte 2 one
   of the stream's): the walk by byte 2 takes the first three for frames 1085 to 1087, then
   reads the indexed header of frame 1088 whole, the fourth, which is none; that stretch is
   walked again whole, stepping over the junk. (Had the junk ended before frame 1088, the walk
   by byte 2 would have gone on onto the frames after it, counting it: what it cannot see.) */
static void vbr_walk_finds_junk_at_the_next_indexed_header(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_vbr(&b, 0, 1085);
    for (unsigned i = 0; i < 8; i++) {
        static const uint8_t fake[4] = {0x00, 0x00, 0x10, HDR_B4}; /* no sync, 32 kbit/s */
        ct_buf_put(&b, fake, sizeof fake);
        ct_buf_put_zeros(&b, 104 - 4); /* 32 kbit/s at 44.1 kHz: 104 bytes */
    }
    put_vbr(&b, 1085, 915);
    /* a byte a frame, the indexed headers, the stretch again whole and the search past the
       junk (4 KiB and twice the longest MPEG frame after it, read at once) */
    expect_walked_like_whole_headers(&b, 2000, 1085, UINT32_MAX, WALK_MAX(2000) + 4096 + 2 * 2881);
    ct_buf_free(&b);
}

/* An ID3v2 tag between two frames (files joined with their tags): its byte 2 ('3') would be a
   frame of 157 bytes, 48 kbit/s padded, as long as this tag, but has the private bit set,
   which no frame of the stream has, so the walk doubts at once instead of counting it. */
static void vbr_walk_steps_over_a_tag_inside_the_stream(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_vbr(&b, 0, 700);
    put_id3v2(&b, 157 - 10);
    put_vbr(&b, 700, 1300);
    expect_walked_like_whole_headers(&b, 2000, 700, UINT32_MAX, WALK_MAX(2000) + 4096 + 2 * 2881);
    ct_buf_free(&b);
}

/* A frame whose byte 2 is damaged (bitrate index 15): the stretch is walked whole, which
   drops that frame as a walk of whole headers always did, and the frames after it come one
   earlier. */
static void vbr_walk_drops_a_frame_whose_byte_2_is_damaged(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_vbr(&b, 0, 1000);
    size_t damaged = b.len;
    put_vbr(&b, 1000, 1000);
    b.data[damaged + 2] |= 0xF0;
    expect_walked_like_whole_headers(&b, 2000, 1000, 1000, WALK_MAX(2000) + 4096 + 2 * 2881);
    ct_buf_free(&b);
}

static void a_last_frame_cut_short_is_not_a_packet(void **state)
{
    (void)state;
    for (int vbr = 0; vbr < 2; vbr++) {
        ct_buf b = CT_BUF_INIT;
        if (vbr)
            put_vbr(&b, 0, 1001);
        else
            put_cbr(&b, 0, 1001);
        b.len -= 100; /* frame 1000 loses its end */
        ct_file *f;
        ct_audio *a = open_ok(&b, &f);
        expect_frames(a, 0, UINT64_MAX, 0, 999);
        expect_frames(a, 998 * SPF, UINT64_MAX, 998 - a->info.preroll, 999);
        expect_none(a, 1000 * SPF, 1001 * SPF);
        close_both(a, f);
        ct_buf_free(&b);
    }
}

static void a_change_of_sample_rate_ends_the_stream(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_vbr(&b, 0, 1000);
    for (uint32_t k = 1000; k < 1200; k++) { /* then 48 kHz */
        uint8_t h[4];
        header(h, IDX128, 0, 1);
        put_frame(&b, h, k);
    }
    ct_file *f;
    ct_audio *a = open_ok(&b, &f);
    expect_frames(a, 0, UINT64_MAX, 0, 999);
    expect_frames(a, 990 * SPF, 1100 * SPF, 990 - a->info.preroll, 999);
    expect_none(a, 1050 * SPF, 1100 * SPF);
    close_both(a, f);
    ct_buf_free(&b);
}

/* A whole pass streams the file in blocks: every audio byte read once, no index kept. */
static void a_whole_pass_reads_each_byte_once(void **state)
{
    (void)state;
    for (int vbr = 0; vbr < 2; vbr++) {
        ct_buf b = CT_BUF_INIT;
        put_id3v2(&b, 1000);
        size_t audio = b.len;
        if (vbr)
            put_vbr(&b, 0, 3000);
        else
            put_cbr(&b, 0, 3000);
        ct_file *f;
        ct_audio *a = open_ok(&b, &f);
        uint64_t before = ct_file_bytes_read(f);
        packets *p = window(a, 0, UINT64_MAX);
        assert_int_equal(p->n, 3000);
        assert_int_equal(p->bytes, b.len - audio);
        assert_int_equal(ct_file_bytes_read(f) - before, b.len - audio);
        free(p);
        close_both(a, f);
        ct_buf_free(&b);
    }
}

/* ---- refusals ----------------------------------------------------------------------------- */

static void expect_refused(const ct_buf *b, const char *msg)
{
    ct_file *f = ct_file_memory(b->data, b->len);
    assert_non_null(f);
    ct_audio *a = NULL;
    chaptag_error err = {0};
    assert_int_equal(ct_mp3_audio_open(f, &a, &err), CHAPTAG_ERR_AUDIO);
    assert_null(a);
    assert_string_equal(err.msg, msg);
    ct_file_close(f);
}

/* Free format and no frames are refused; Layers I and II open as no source (libavformat's). */
static void free_format_and_no_frames_are_refused_other_layers_are_not_mp3(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    put_id3v2(&b, 20);
    for (int i = 0; i < 50; i++) { /* bitrate index 0: frame lengths only the next sync tells */
        static const uint8_t h[4] = {0xFF, 0xFB, 0x00, 0x64};
        ct_buf_put(&b, h, 4);
        ct_buf_put_zeros(&b, 600);
    }
    expect_refused(&b, "free-format MP3 is not supported");
    ct_buf_free(&b);

    /* MPEG-1 Layer II at 128 kbit/s, Layer I at 256 kbit/s */
    static const uint8_t layers[2][4] = {{0xFF, 0xFD, 0x80, 0x04}, {0xFF, 0xFF, 0x80, 0x04}};
    for (int i = 0; i < 2; i++) {
        ct_buf other = CT_BUF_INIT;
        put_id3v2(&other, 20);
        for (uint32_t k = 0; k < 50; k++)
            put_frame(&other, layers[i], k);
        ct_file *f = ct_file_memory(other.data, other.len);
        ct_audio *a = (ct_audio *)&other; /* anything but NULL */
        chaptag_error err = {0};
        assert_int_equal(ct_mp3_audio_open(f, &a, &err), CHAPTAG_OK);
        assert_null(a);
        ct_file_close(f);
        ct_buf_free(&other);
    }

    ct_buf none = CT_BUF_INIT;
    put_id3v2(&none, 20);
    ct_buf_put_zeros(&none, 5000);
    expect_refused(&none, "no MPEG audio frames found");
    ct_buf_free(&none);
}

/* ---- the generated fixtures --------------------------------------------------------------- */

/* Fixture NAME read whole (NULL, after skip(), when the fixtures are not made). */
static uint8_t *fixture(const char *name, size_t *len)
{
    const char *dir = getenv("FIXTURES");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : CT_SOURCE_DIR "/fixtures/audio", name);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    fclose(fp);
    return (uint8_t *)ct_test_read_file(path, len);
}

typedef struct {
    size_t n;
    const uint8_t *data;  /* the file */
    const uint64_t *offs; /* the walk's frame offsets */
    uint64_t k0;          /* the number of the first packet wanted */
    uint64_t count;
} compare_ctx;

static chaptag_status same_as_walk(const ct_packet *pkt, void *ctx, chaptag_error *err)
{
    (void)err;
    compare_ctx *c = ctx;
    uint64_t k = c->k0 + c->n;
    assert_int_equal(pkt->first, k * pkt->samples);
    assert_true(k < c->count);
    assert_int_equal(pkt->len, c->offs[k + 1] - c->offs[k]);
    assert_memory_equal(pkt->data, c->data + c->offs[k], pkt->len);
    c->n++;
    return CHAPTAG_OK;
}

/* Offsets of every frame of DATA from START by its headers (this fixture has no junk): N + 1
   of them, the last where the audio ends. */
static uint64_t *walk_fixture(const uint8_t *data, uint64_t start, uint64_t end, uint64_t *n)
{
    uint64_t *offs = malloc(sizeof *offs * (end - start) / 24 + 16);
    assert_non_null(offs);
    uint64_t off = start;
    *n = 0;
    ct_mpeg_frame fr;
    while (end - off >= 4 && ct_mpeg_header_parse(data + off, &fr) && fr.length > 0 &&
           fr.length <= end - off) {
        offs[(*n)++] = off;
        off += fr.length;
    }
    offs[*n] = off;
    return offs;
}

static void fixture_windows_are_the_frames_a_walk_finds(const char *name, const char *seek)
{
    size_t len;
    uint8_t *data = fixture(name, &len);
    if (data == NULL) {
        print_message("no fixture %s (scripts/make-fixtures.sh makes it)\n", name);
        return;
    }
    ct_file *f = ct_file_memory(data, len);
    assert_non_null(f);
    ct_mpeg_info mp;
    chaptag_error err = {0};
    uint64_t tags = ct_id3v2_tag_size(data);
    assert_int_equal(ct_mpeg_locate(f, tags, &mp, &err), CHAPTAG_OK);
    uint64_t start = mp.first_frame + (mp.vbr.kind != CT_MPEG_VBR_NONE ? mp.frame.length : 0);
    uint64_t count;
    uint64_t *offs = walk_fixture(data, start, mp.audio_end, &count);
    ct_file_close(f);

    ct_audio *a = open_ok(&(ct_buf){.data = data, .len = len}, &f);
    assert_string_equal(a->info.seek, seek);
    uint32_t spf = mp.frame.samples;
    if (mp.vbr.has_frames)
        assert_int_equal(count, mp.vbr.frames);
    /* the whole pass: every frame */
    compare_ctx c = {0, data, offs, 0, count};
    assert_int_equal(a->packets(a, 0, UINT64_MAX, same_as_walk, &c, &err), CHAPTAG_OK);
    assert_int_equal(c.n, count);
    /* windows of 4 s through the file */
    for (unsigned i = 1; i < 10; i++) {
        uint64_t k = count * i / 10, from = k * spf + 7, to = from + 4 * mp.frame.sample_rate;
        uint64_t before = ct_file_bytes_read(f);
        c = (compare_ctx){0, data, offs, k - a->info.preroll, count};
        assert_int_equal(a->packets(a, from, to, same_as_walk, &c, &err), CHAPTAG_OK);
        uint64_t end = (to + spf - 1) / spf; /* a short file's last window ends with it */
        assert_int_equal(c.n, (end < count ? end : count) - c.k0);
        if (i == 5)
            print_message("%s (%s): a 4 s window read %llu bytes of %zu\n", name, seek,
                          (unsigned long long)(ct_file_bytes_read(f) - before), len);
    }
    close_both(a, f);
    free(offs);
    free(data);
}

static void fixtures_give_the_frames_a_walk_finds(void **state)
{
    (void)state;
    fixture_windows_are_the_frames_a_walk_finds("vbr-v24.mp3", "frame-header walk");
    fixture_windows_are_the_frames_a_walk_finds("pauses-vbr.mp3", "frame-header walk");
    fixture_windows_are_the_frames_a_walk_finds("cbr-v23.mp3", "CBR arithmetic");
    fixture_windows_are_the_frames_a_walk_finds("notag.mp3", "CBR arithmetic");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cbr_with_an_info_frame_is_placed_by_arithmetic),
        cmocka_unit_test(cbr_without_a_header_is_placed_by_arithmetic),
        cmocka_unit_test(cbr_window_reads_little_more_than_its_frames),
        cmocka_unit_test(cbr_needs_one_bitrate_through_the_stream),
        cmocka_unit_test(cbr_finds_frames_past_junk_shorter_than_half_a_frame),
        cmocka_unit_test(vbr_with_a_xing_header_is_walked_once),
        cmocka_unit_test(vbr_walk_steps_over_junk_between_frames),
        cmocka_unit_test(vbr_walk_reads_byte_2_of_each_header),
        cmocka_unit_test(vbr_walk_finds_junk_at_the_next_indexed_header),
        cmocka_unit_test(vbr_walk_steps_over_a_tag_inside_the_stream),
        cmocka_unit_test(vbr_walk_drops_a_frame_whose_byte_2_is_damaged),
        cmocka_unit_test(a_last_frame_cut_short_is_not_a_packet),
        cmocka_unit_test(a_change_of_sample_rate_ends_the_stream),
        cmocka_unit_test(a_whole_pass_reads_each_byte_once),
        cmocka_unit_test(free_format_and_no_frames_are_refused_other_layers_are_not_mp3),
        cmocka_unit_test(fixtures_give_the_frames_a_walk_finds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
