/* Tests of src/ext/avcodec.c and src/ext/avformat_audio.c on audio that ffmpeg makes in a
   temporary directory: tones of a known amplitude give that peak, silence gives none, a pause
   made at a known time is found there in the time a player shows, a window decoded after a
   reset gives the very samples a whole decode gives, and libavcodec missing or of another
   major version is an error that says so. The MP3 and AAC packets are cut here from the
   frame headers (MP3 frames, ADTS), as a packet source would hand them out. Every test that
   needs ffmpeg is skipped, never passed, when it is not installed. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "silence.h"

static const char *self; /* this program, run again to load libavcodec afresh */

#ifdef CHAPTAG_HAVE_FFMPEG /* else decoding is refused, and only that is tested */

/* Skips the test unless ffmpeg is there to make its files. */
static void need_ffmpeg(void)
{
    static int have = -1;
    if (have < 0)
        have = system("ffmpeg -version >/dev/null 2>&1") == 0;
    if (!have)
        skip();
}

/* Runs ffmpeg (quiet, overwriting) with ARGS; fails the test when it fails. */
static void ffmpeg(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "ffmpeg -nostdin -v error -y %s", args);
    if (system(cmd) != 0)
        fail_msg("%s failed", cmd);
}

/* SECONDS of a 440 Hz tone of amplitude 0.5 at RATE Hz, silent from PAUSE_FROM to PAUSE_TO
   (equal: no pause), encoded with CODEC into NAME in the test folder; its path. */
static const char *make_audio(const char *name, unsigned rate, double seconds,
                              double pause_from, double pause_to, const char *codec)
{
    const char *path = ct_test_path(name, 0);
    char args[1024];
    snprintf(args, sizeof args, "-f lavfi -i 'aevalsrc=0.5*sin(2*PI*440*t)*(lt(t\\,%g)+gte(t\\,"
             "%g)):s=%u:d=%g' %s '%s'", pause_from, pause_to, rate, seconds, codec, path);
    ffmpeg(args);
    return path;
}

/* ---- packets cut from the frame headers ---- */

typedef struct {
    uint8_t *data; /* the whole file */
    size_t len;
    size_t *off, *size;
    size_t n;
    ct_audio_info info;
    unsigned frame_samples;
} packets;

static void add_packet(packets *p, size_t off, size_t size)
{
    p->off = realloc(p->off, (p->n + 1) * sizeof *p->off);
    p->size = realloc(p->size, (p->n + 1) * sizeof *p->size);
    assert_true(p->off != NULL && p->size != NULL);
    p->off[p->n] = off;
    p->size[p->n] = size;
    p->n++;
}

/* The frames of the MP3 at PATH, which holds nothing else (no tag, no Xing frame): MPEG-1
   Layer III, or MPEG-2 or 2.5 Layer III. SKIP is LAME's encoder delay and the decoder's;
   PREROLL the frames the bit reservoir may reach back over (511 bytes of main data, 255 in
   MPEG-2 and 2.5, in frames as short as the shortest), and one for the overlap. */
static packets read_mp3(const char *path)
{
    static const unsigned kbps[2][16] = {
        {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0}, /* MPEG-1 */
        {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},    /* MPEG-2, 2.5 */
    };
    static const unsigned rates[3] = {44100, 48000, 32000};
    packets p = {0};
    p.data = (uint8_t *)ct_test_read_file(path, &p.len);
    size_t least = SIZE_MAX, reservoir = 0, side = 0;
    for (size_t i = 0; i + 4 <= p.len;) {
        const uint8_t *h = p.data + i;
        assert_true(h[0] == 0xFF && (h[1] & 0xE7) == 0xE3); /* sync, Layer III, no CRC */
        unsigned version = h[1] >> 3 & 3; /* 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5 */
        unsigned rate = rates[h[2] >> 2 & 3] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
        unsigned br = kbps[version == 3 ? 0 : 1][h[2] >> 4];
        size_t size = (version == 3 ? 144000 : 72000) * br / rate + (h[2] >> 1 & 1);
        assert_true(br != 0 && i + size <= p.len);
        add_packet(&p, i, size);
        p.frame_samples = version == 3 ? 1152 : 576;
        p.info.sample_rate = rate;
        p.info.channels = (h[3] >> 6) == 3 ? 1 : 2;
        reservoir = version == 3 ? 511 : 255;
        side = version == 3 ? (p.info.channels == 1 ? 17 : 32) : (p.info.channels == 1 ? 9 : 17);
        least = size < least ? size : least;
        i += size;
    }
    assert_true(p.n > 0 && least > 4 + side);
    p.info.codec = CT_CODEC_MP3;
    p.info.skip = 576 + 529; /* LAME's encoder delay, the decoder's delay */
    p.info.preroll = (unsigned)((reservoir + least - 4 - side - 1) / (least - 4 - side) + 1);
    return p;
}

/* The raw AAC frames of the ADTS file at PATH, with the AudioSpecificConfig its headers
   describe. SKIP is FFmpeg's AAC encoder's delay. */
static packets read_adts(const char *path)
{
    static const unsigned rates[13] = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                       22050, 16000, 12000, 11025, 8000, 7350};
    packets p = {0};
    p.data = (uint8_t *)ct_test_read_file(path, &p.len);
    for (size_t i = 0; i + 7 <= p.len;) {
        const uint8_t *h = p.data + i;
        assert_true(h[0] == 0xFF && (h[1] & 0xF6) == 0xF0); /* sync, layer 0 */
        size_t header = (h[1] & 1) ? 7 : 9; /* protection absent: no CRC */
        size_t size = (size_t)(h[3] & 3) << 11 | (size_t)h[4] << 3 | h[5] >> 5;
        assert_true(size > header && i + size <= p.len);
        add_packet(&p, i + header, size - header);
        unsigned type = (h[2] >> 6) + 1, index = h[2] >> 2 & 15;
        unsigned channels = (h[2] & 1) << 2 | h[3] >> 6;
        p.info.config[0] = (uint8_t)(type << 3 | index >> 1);
        p.info.config[1] = (uint8_t)((index & 1) << 7 | channels << 3);
        p.info.config_len = 2;
        p.info.sample_rate = rates[index];
        p.info.channels = channels;
        i += size;
    }
    p.info.codec = CT_CODEC_AAC;
    p.info.skip = 1024;
    p.info.preroll = 1;
    p.frame_samples = 1024;
    return p;
}

static void packets_free(packets *p)
{
    free(p->data);
    free(p->off);
    free(p->size);
}

/* ---- what the decoder gives ---- */

/* Peaks as they come: kept by player sample (from OFFSET before 0), with where the blocks
   started and ended and whether one did not follow the last. */
typedef struct {
    float *v;
    size_t len;
    int64_t offset;
    int64_t lo, hi, next;
    size_t blocks;
    bool gap;
    ct_silence *finder; /* fed too, when set */
} collect;

static void collect_init(collect *c, int64_t offset, size_t len)
{
    memset(c, 0, sizeof *c);
    c->v = calloc(len, sizeof *c->v);
    assert_non_null(c->v);
    c->len = len;
    c->offset = offset;
    c->lo = INT64_MAX;
    c->hi = c->next = INT64_MIN;
}

static chaptag_status collect_peaks(const float *peak, size_t n, int64_t first, void *ctx,
                                    chaptag_error *err)
{
    collect *c = ctx;
    if (c->next != INT64_MIN && first != c->next)
        c->gap = true;
    c->next = first + (int64_t)n;
    c->lo = first < c->lo ? first : c->lo;
    c->hi = c->next > c->hi ? c->next : c->hi;
    c->blocks++;
    for (size_t i = 0; i < n; i++) {
        int64_t at = first + (int64_t)i + c->offset;
        if (at >= 0 && (size_t)at < c->len)
            c->v[at] = peak[i];
    }
    return c->finder != NULL ? ct_silence_feed(peak, n, first, c->finder, err) : CHAPTAG_OK;
}

/* The largest peak kept for player samples [FROM, TO). */
static float max_peak(const collect *c, int64_t from, int64_t to)
{
    float m = 0;
    for (int64_t i = from; i < to; i++)
        if (c->v[i + c->offset] > m)
            m = c->v[i + c->offset];
    return m;
}

/* Decodes packets [FROM, TO) of P with D into C. */
static void decode(ct_decoder *d, const packets *p, size_t from, size_t to, collect *c)
{
    for (size_t k = from; k < to && k < p->n; k++) {
        ct_packet pkt = {p->data + p->off[k], p->size[k], (uint64_t)k * p->frame_samples,
                         p->frame_samples};
        chaptag_error err = {0};
        if (ct_decoder_decode(d, &pkt, collect_peaks, c, &err) != CHAPTAG_OK)
            fail_msg("packet %zu: %s", k, err.msg);
    }
}

static ct_decoder *open_decoder(const ct_audio_info *info)
{
    ct_decoder *d = NULL;
    chaptag_error err = {0};
    if (ct_decoder_open(info, &d, &err) != CHAPTAG_OK)
        fail_msg("ct_decoder_open: %s", err.msg);
    return d;
}

/* The pauses a finder is told of, in samples. */
typedef struct {
    int64_t start[8], end[8];
    size_t n;
} pauses;

static chaptag_status pause_found(int64_t start, int64_t end, void *ctx, chaptag_error *err)
{
    (void)err;
    pauses *p = ctx;
    if (p->n < 8) {
        p->start[p->n] = start;
        p->end[p->n] = end;
    }
    p->n++;
    return CHAPTAG_OK;
}

/* Fails unless P holds one pause, from FROM to TO seconds at RATE within TOLERANCE seconds. */
static void one_pause_at(const pauses *p, uint32_t rate, double from, double to,
                         double tolerance)
{
    if (p->n != 1)
        fail_msg("%zu pauses found, not 1", p->n);
    double s = (double)p->start[0] / rate, e = (double)p->end[0] / rate;
    if (s < from - tolerance || s > from + tolerance || e < to - tolerance || e > to + tolerance)
        fail_msg("pause found at %.4f-%.4f s, made at %.4f-%.4f s", s, e, from, to);
}

/* ---- the native packets: MP3 and AAC ---- */

/* Decodes all of P, the peaks also going to a pause finder; checks the times on the way. */
static void decode_all(const packets *p, collect *c, pauses *found)
{
    ct_silence finder;
    ct_silence_init(&finder, NULL, p->info.sample_rate, pause_found, found);
    c->finder = &finder;
    ct_decoder *d = open_decoder(&p->info);
    decode(d, p, 0, p->n, c);
    ct_decoder_close(d);
    chaptag_error err = {0};
    assert_int_equal(ct_silence_finish(&finder, &err), CHAPTAG_OK);
    c->finder = NULL;
    /* the first sample the decoder gives is SKIP before what a player plays; no gap after */
    assert_int_equal(c->lo, -(int64_t)p->info.skip);
    assert_int_equal(c->hi, (int64_t)(p->n * p->frame_samples) - (int64_t)p->info.skip);
    assert_false(c->gap);
    assert_int_equal(c->blocks, p->n);
}

static void mp3_tone_peaks_at_its_amplitude_and_its_pause_where_it_was_made(void **state)
{
    (void)state;
    need_ffmpeg();
    packets p = read_mp3(make_audio("tone.mp3", 44100, 3.0, 1.0, 1.8, "-c:a libmp3lame -b:a "
                                    "128k -write_xing 0 -id3v2_version 0 -f mp3"));
    collect c;
    collect_init(&c, 4096, 4096 + p.n * p.frame_samples);
    pauses found = {0};
    decode_all(&p, &c, &found);
    /* LAME at 128 kbit/s gives the tone 0.475 (so does ffmpeg's own decoder) */
    float tone = max_peak(&c, 4410, 44100 - 4410), quiet = max_peak(&c, 48510, 79380 - 4410);
    if (tone < 0.47f || tone > 0.52f || quiet > 0.001f)
        fail_msg("tone peaks at %.4f, the pause at %.4f", tone, quiet);
    one_pause_at(&found, 44100, 1.0, 1.8, 0.005);
    free(c.v);
    packets_free(&p);
}

static void mp3_silence_peaks_at_nothing(void **state)
{
    (void)state;
    need_ffmpeg();
    const char *path = ct_test_path("silence.mp3", 0);
    char args[1024];
    snprintf(args, sizeof args, "-f lavfi -i anullsrc=r=48000:cl=stereo -t 2 -c:a libmp3lame "
             "-write_xing 0 -id3v2_version 0 -f mp3 '%s'", path);
    ffmpeg(args);
    packets p = read_mp3(path);
    assert_int_equal(p.info.sample_rate, 48000);
    assert_int_equal(p.info.channels, 2);
    collect c;
    collect_init(&c, 4096, 4096 + p.n * p.frame_samples);
    pauses found = {0};
    decode_all(&p, &c, &found);
    assert_true(max_peak(&c, -(int64_t)p.info.skip, c.hi) < 1e-6f);
    assert_int_equal(found.n, 1); /* all of it one pause */
    free(c.v);
    packets_free(&p);
}

/* A window decoded after a reset, from PREROLL packets before it, gives the samples a whole
   decode gives there, exactly: the bit reservoir and the overlap are filled by then. */
static void mp3_window_after_a_reset_is_the_whole_decode_there(void **state)
{
    (void)state;
    need_ffmpeg();
    packets p = read_mp3(make_audio("window.mp3", 44100, 6.0, 2.0, 2.6, "-c:a libmp3lame -q:a 4 "
                                    "-write_xing 0 -id3v2_version 0 -f mp3"));
    collect whole, part;
    size_t len = 4096 + p.n * p.frame_samples;
    collect_init(&whole, 4096, len);
    ct_decoder *d = open_decoder(&p.info);
    decode(d, &p, 0, p.n, &whole);
    assert_true(p.info.preroll > 3); /* frames as short as 32 kbit/s in the pause */
    for (size_t k = 40; k + 30 < p.n; k += 37) {
        collect_init(&part, 4096, len);
        ct_decoder_reset(d);
        decode(d, &p, k - p.info.preroll, k + 30, &part);
        assert_false(part.gap);
        int64_t from = (int64_t)(k * p.frame_samples) - (int64_t)p.info.skip;
        assert_int_equal(part.lo, from - (int64_t)(p.info.preroll * p.frame_samples));
        for (int64_t i = from; i < part.hi; i++)
            if (part.v[i + 4096] != whole.v[i + 4096])
                fail_msg("window at packet %zu: sample %lld peaks %.6f, %.6f in a whole decode",
                         k, (long long)i, part.v[i + 4096], whole.v[i + 4096]);
        free(part.v);
    }
    ct_decoder_close(d);
    free(whole.v);
    packets_free(&p);
}

/* A damaged frame gives nothing and no error; the frames after it decode. */
static void mp3_damaged_frame_is_skipped(void **state)
{
    (void)state;
    need_ffmpeg();
    packets p = read_mp3(make_audio("damaged.mp3", 44100, 2.0, 0, 0, "-c:a libmp3lame "
                                    "-write_xing 0 -id3v2_version 0 -f mp3"));
    memset(p.data + p.off[20], 0x55, 4); /* its header */
    memset(p.data + p.off[30], 0, p.size[30]);
    collect c;
    collect_init(&c, 4096, 4096 + p.n * p.frame_samples);
    ct_decoder *d = open_decoder(&p.info);
    decode(d, &p, 0, p.n, &c);
    ct_decoder_close(d);
    assert_int_equal(c.hi, (int64_t)(p.n * p.frame_samples) - (int64_t)p.info.skip);
    int64_t after = (int64_t)(35 * p.frame_samples) - (int64_t)p.info.skip;
    assert_true(max_peak(&c, after, after + 1152) > 0.45f);
    free(c.v);
    packets_free(&p);
}

/* Packet times no audio reaches (a damaged index) neither wrap the sums nor scatter the peaks:
   each such frame follows the one before (the sanitizer build traps an overflow). */
static void mp3_times_past_any_audio_follow_the_frame_before(void **state)
{
    (void)state;
    need_ffmpeg();
    packets p = read_mp3(make_audio("far.mp3", 44100, 1.0, 0, 0, "-c:a libmp3lame "
                                    "-write_xing 0 -id3v2_version 0 -f mp3"));
    collect c;
    collect_init(&c, 4096, 4096 + p.n * p.frame_samples);
    ct_decoder *d = open_decoder(&p.info);
    for (size_t k = 0; k < p.n; k++) {
        ct_packet pkt = {p.data + p.off[k], p.size[k],
                         (uint64_t)INT64_MAX - (k < 8 ? 100 : 1000000 * (uint64_t)k),
                         p.frame_samples};
        chaptag_error err = {0};
        if (ct_decoder_decode(d, &pkt, collect_peaks, &c, &err) != CHAPTAG_OK)
            fail_msg("packet %zu: %s", k, err.msg);
    }
    ct_decoder_close(d);
    assert_true(c.blocks > 0);
    assert_int_equal(c.lo, 0);
    assert_false(c.gap);
    assert_true(c.hi <= (int64_t)(p.n * p.frame_samples));
    free(c.v);
    packets_free(&p);
}

static void aac_tone_peaks_at_its_amplitude_and_its_pause_where_it_was_made(void **state)
{
    (void)state;
    need_ffmpeg();
    packets p = read_adts(make_audio("tone.aac", 48000, 3.0, 1.2, 2.0, "-c:a aac -b:a 128k "
                                     "-f adts"));
    assert_int_equal(p.info.sample_rate, 48000);
    collect c;
    collect_init(&c, 4096, 4096 + p.n * p.frame_samples);
    pauses found = {0};
    decode_all(&p, &c, &found);
    float tone = max_peak(&c, 4800, 57600 - 4800), quiet = max_peak(&c, 62400, 96000 - 4800);
    if (tone < 0.47f || tone > 0.53f || quiet > 0.001f)
        fail_msg("tone peaks at %.4f, the pause at %.4f", tone, quiet);
    one_pause_at(&found, 48000, 1.2, 2.0, 0.010);
    free(c.v);
    packets_free(&p);
}

/* A decoder giving twice the rate the packet times count in (HE-AAC's implicit SBR) has its
   peaks folded to that rate: the times and the pause stay those of the packets. Shown with
   packet times at half the rate of a plain AAC stream. */
static void aac_at_twice_the_packets_rate_is_folded_to_it(void **state)
{
    (void)state;
    need_ffmpeg();
    packets p = read_adts(make_audio("double.aac", 44100, 3.0, 1.0, 1.6, "-c:a aac -f adts"));
    p.info.sample_rate = 22050; /* the core rate of an SBR stream; the config says 44100 */
    p.info.skip /= 2;
    p.frame_samples /= 2;
    collect c;
    collect_init(&c, 4096, 4096 + p.n * p.frame_samples);
    pauses found = {0};
    decode_all(&p, &c, &found);
    one_pause_at(&found, 22050, 1.0, 1.6, 0.010);
    assert_true(max_peak(&c, 2205, 22050 - 2205) > 0.47f);
    free(c.v);
    packets_free(&p);
}

/* ---- every other container, through libavformat ---- */

/* The peaks of A (at RATE) from FROM_MS to TO_MS into C, and the pauses in them. */
static void av_peaks(ct_avaudio *a, uint64_t from_ms, uint64_t to_ms, collect *c, pauses *found,
                     uint32_t rate)
{
    ct_silence finder;
    ct_silence_init(&finder, NULL, rate, pause_found, found);
    c->finder = &finder;
    chaptag_error err = {0};
    if (ct_avaudio_peaks(a, from_ms, to_ms, collect_peaks, c, &err) != CHAPTAG_OK)
        fail_msg("ct_avaudio_peaks: %s", err.msg);
    assert_int_equal(ct_silence_finish(&finder, &err), CHAPTAG_OK);
    c->finder = NULL;
}

static ct_avaudio *av_open(const char *path, uint32_t *rate)
{
    ct_avaudio *a = NULL;
    chaptag_error err = {0};
    if (ct_avaudio_open(path, &a, rate, &err) != CHAPTAG_OK)
        fail_msg("ct_avaudio_open %s: %s", path, err.msg);
    return a;
}

/* A whole pass and windows of NAME (CODEC; a pause made at 2.5-3.3 s of 7) find the pause
   within TOLERANCE seconds (ffmpeg's silencedetect finds Opus's end 1.5 ms early too). */
static void av_finds_the_pause(const char *name, const char *codec, double tolerance)
{
    const char *path = make_audio(name, 48000, 7.0, 2.5, 3.3, codec);
    uint32_t rate;
    ct_avaudio *a = av_open(path, &rate);
    assert_int_equal(rate, 48000);
    static const uint64_t windows[][2] = {{0, UINT64_MAX}, {2000, 4000}, {5000, 6000},
                                          {2400, 3500}, {0, UINT64_MAX}, {0, 1000}};
    for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++) {
        collect c;
        collect_init(&c, 48000, 48000 * 9);
        pauses found = {0};
        av_peaks(a, windows[i][0], windows[i][1], &c, &found, rate);
        int64_t from = (int64_t)(windows[i][0] * 48), to = (int64_t)(windows[i][1] * 48);
        int64_t slack = (int64_t)(tolerance * 48000); /* Matroska's first frame: 7 ms */
        if (c.lo > from + slack || (windows[i][1] != UINT64_MAX && c.hi < to))
            fail_msg("%s: window %d-%d ms gave %.4f-%.4f s", name, (int)windows[i][0],
                     (int)windows[i][1], c.lo / 48000.0, c.hi / 48000.0);
        assert_false(c.gap);
        if (from <= 2500 * 48 && (windows[i][1] == UINT64_MAX || to >= 3300 * 48))
            one_pause_at(&found, 48000, 2.5, 3.3, tolerance);
        if (windows[i][0] >= 5000 || windows[i][1] <= 1000)
            assert_int_equal(found.n, 0);
        if (windows[i][1] == UINT64_MAX)
            assert_true(c.hi >= 7 * 48000 - 1024 && c.hi <= 7 * 48000 + 1024);
        free(c.v);
    }
    assert_true(ct_avaudio_bytes_read(a) > 0);
    ct_avaudio_close(a);
}

static void opus_pause_found_where_it_was_made(void **state)
{
    (void)state;
    need_ffmpeg();
    av_finds_the_pause("pause.opus", "-c:a libopus", 0.002);
}

static void flac_pause_found_where_it_was_made(void **state)
{
    (void)state;
    need_ffmpeg();
    av_finds_the_pause("pause.flac", "-c:a flac", 0.0005);
}

static void wav_pause_found_where_it_was_made(void **state)
{
    (void)state;
    need_ffmpeg();
    av_finds_the_pause("pause.wav", "-c:a pcm_s16le", 0.0005);
}

/* Ogg Vorbis's packet times are estimates, off where the block size changes: the samples
   counted from the last frame stand, and no pause is cut there. */
static void vorbis_pause_found_where_it_was_made(void **state)
{
    (void)state;
    need_ffmpeg();
    av_finds_the_pause("pause.ogg", "-c:a libvorbis", 0.002);
}

/* Matroska's times are milliseconds: frames follow on regardless of the rounding. */
static void matroska_pause_found_where_it_was_made(void **state)
{
    (void)state;
    need_ffmpeg();
    av_finds_the_pause("pause.mka", "-c:a libopus", 0.010);
}

/* A window of a long FLAC file reads a small part of it. */
static void flac_window_reads_little_of_the_file(void **state)
{
    (void)state;
    need_ffmpeg();
    const char *path = make_audio("long.flac", 44100, 120.0, 60.5, 61.3, "-c:a flac");
    size_t len;
    free(ct_test_read_file(path, &len));
    uint32_t rate;
    ct_avaudio *a = av_open(path, &rate);
    collect c;
    collect_init(&c, 0, 44100 * 130);
    pauses found = {0};
    av_peaks(a, 59000, 63000, &c, &found, rate);
    one_pause_at(&found, 44100, 60.5, 61.3, 0.0005);
    uint64_t read = ct_avaudio_bytes_read(a); /* 13 %: the window, probing, a binary search */
    if (read == 0 || read > len / 4)
        fail_msg("%llu bytes read of %zu", (unsigned long long)read, len);
    free(c.v);
    ct_avaudio_close(a);
}

#endif /* CHAPTAG_HAVE_FFMPEG */

/* ---- the library missing, or of another major version ---- */

/* What opening a decoder says in a new run of this program with CHAPTAG_LIBAVCODEC=LIB
   (NULL: unset), into MSG. */
static chaptag_status open_in_a_new_process(const char *lib, char *msg, size_t size)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s%s%s '%s' open-decoder", lib ? "CHAPTAG_LIBAVCODEC='" : "",
             lib ? lib : "", lib ? "'" : "", self);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    char line[512] = "";
    if (fgets(line, sizeof line, f) == NULL)
        line[0] = '\0';
    assert_int_equal(pclose(f), 0);
    int code = -1;
    int used = 0;
    if (sscanf(line, "%d %n", &code, &used) < 1)
        fail_msg("%s printed \"%s\"", cmd, line);
    snprintf(msg, size, "%s", line + used);
    msg[strcspn(msg, "\n")] = '\0';
    return (chaptag_status)code;
}

/* The run of this program that open_in_a_new_process() asks for. */
static int open_decoder_and_say(void)
{
    ct_audio_info info = {.codec = CT_CODEC_MP3, .sample_rate = 44100, .channels = 2};
    ct_decoder *d = NULL;
    chaptag_error err = {0};
    chaptag_status st = ct_decoder_open(&info, &d, &err);
    printf("%d %s\n", (int)st, st == CHAPTAG_OK ? "" : err.msg);
    ct_decoder_close(d);
    return 0;
}

static void a_missing_library_is_an_error_naming_it(void **state)
{
    (void)state;
    char msg[512];
    assert_int_equal(open_in_a_new_process("/nonexistent/libavcodec.so", msg, sizeof msg),
                     CHAPTAG_ERR_AUDIO);
#ifdef CHAPTAG_HAVE_FFMPEG
    assert_string_equal(msg, "cannot decode audio: libavcodec is not installed at "
                             "/nonexistent/libavcodec.so (CHAPTAG_LIBAVCODEC)");
#else
    assert_non_null(strstr(msg, "built without FFmpeg's headers (libavcodec-dev)"));
#endif
}

#ifdef CHAPTAG_HAVE_FFMPEG
#ifdef CT_AVCODEC_STUB /* tests/CMakeLists.txt builds it with FFmpeg's headers */
static void another_major_version_is_refused_naming_both(void **state)
{
    (void)state;
    char msg[512], want[512];
    assert_int_equal(open_in_a_new_process(CT_AVCODEC_STUB, msg, sizeof msg),
                     CHAPTAG_ERR_AUDIO);
    snprintf(want, sizeof want, "cannot decode audio: libavcodec %d found at %s, chaptag was "
             "built for %d; install libavcodec%d, or rebuild chaptag against the FFmpeg "
             "installed", CT_AVCODEC_STUB_MAJOR, CT_AVCODEC_STUB, CT_AVCODEC_MAJOR,
             CT_AVCODEC_MAJOR);
    assert_string_equal(msg, want);
}
#endif

static void the_installed_library_loads(void **state)
{
    (void)state;
    need_ffmpeg(); /* the library comes with it */
    char msg[512];
    assert_int_equal(open_in_a_new_process(NULL, msg, sizeof msg), CHAPTAG_OK);
}
#endif

int main(int argc, char **argv)
{
    self = argv[0];
    if (argc > 1 && strcmp(argv[1], "open-decoder") == 0)
        return open_decoder_and_say();
    const struct CMUnitTest tests[] = {
#ifdef CHAPTAG_HAVE_FFMPEG
        cmocka_unit_test(mp3_tone_peaks_at_its_amplitude_and_its_pause_where_it_was_made),
        cmocka_unit_test(mp3_silence_peaks_at_nothing),
        cmocka_unit_test(mp3_window_after_a_reset_is_the_whole_decode_there),
        cmocka_unit_test(mp3_damaged_frame_is_skipped),
        cmocka_unit_test(mp3_times_past_any_audio_follow_the_frame_before),
        cmocka_unit_test(aac_tone_peaks_at_its_amplitude_and_its_pause_where_it_was_made),
        cmocka_unit_test(aac_at_twice_the_packets_rate_is_folded_to_it),
        cmocka_unit_test(opus_pause_found_where_it_was_made),
        cmocka_unit_test(flac_pause_found_where_it_was_made),
        cmocka_unit_test(wav_pause_found_where_it_was_made),
        cmocka_unit_test(vorbis_pause_found_where_it_was_made),
        cmocka_unit_test(matroska_pause_found_where_it_was_made),
        cmocka_unit_test(flac_window_reads_little_of_the_file),
#ifdef CT_AVCODEC_STUB
        cmocka_unit_test(another_major_version_is_refused_naming_both),
#endif
        cmocka_unit_test(the_installed_library_loads),
#endif
        cmocka_unit_test(a_missing_library_is_an_error_naming_it),
    };
    return cmocka_run_group_tests(tests, ct_test_group_tmpdir, ct_test_group_rmdir);
}
