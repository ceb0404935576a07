/* Tests of src/core/silence.c: the pause finder on peaks fed in blocks (runs across blocks,
   exactly the minimum, the threshold's edge, gaps, preroll before 0, an open run at the end)
   and the choices made from pauses (nearest with its ties and bounds, longest). */
#include "testutil.h"

#include <math.h> /* NAN only: the tests link no libm */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "silence.h"

/* ---- the finder ------------------------------------------------------------------------- */

#define MAX_FOUND 16

typedef struct {
    int64_t start[MAX_FOUND], end[MAX_FOUND];
    size_t n;
    size_t stop_after; /* fail the call after this many; 0: never */
} found_list;

static chaptag_status collect(int64_t start, int64_t end, void *ctx, chaptag_error *err)
{
    found_list *f = ctx;
    assert_true(f->n < MAX_FOUND);
    f->start[f->n] = start;
    f->end[f->n] = end;
    f->n++;
    if (f->stop_after != 0 && f->n >= f->stop_after)
        return ct_fail(err, CHAPTAG_ERR_IO, 0, "stopped");
    return CHAPTAG_OK;
}

/* A finder at 1000 Hz (a sample is a millisecond), -40 dBFS (0.01), pauses from MIN_MS. */
static void start_finder(ct_silence *s, found_list *f, uint64_t min_ms)
{
    chaptag_silence_opts o = {-40.0, min_ms};
    memset(f, 0, sizeof *f);
    ct_silence_init(s, &o, 1000, collect, f);
}

/* Peaks from a pattern: '.' silent (0.001), '#' sound (0.5). */
static size_t peaks(const char *pattern, float *out)
{
    size_t n = strlen(pattern);
    for (size_t i = 0; i < n; i++)
        out[i] = pattern[i] == '.' ? 0.001f : 0.5f;
    return n;
}

/* Feeds PATTERN as one block starting at FIRST. */
static void feed(ct_silence *s, const char *pattern, int64_t first)
{
    float p[256];
    size_t n = peaks(pattern, p);
    assert_int_equal(ct_silence_feed(p, n, first, s, NULL), CHAPTAG_OK);
}

static void the_threshold_is_the_level_in_dbfs_made_linear(void **state)
{
    (void)state;
    static const struct {
        double db;
        double linear;
    } cases[] = {{-40, 0.01}, {-60, 0.001}, {-20, 0.1}, {-35, 0.0177827941}, {-6, 0.501187234},
                 {-120, 1e-6}, {-0.5, 0.944060876}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        chaptag_silence_opts o = {cases[i].db, 300};
        ct_silence s;
        ct_silence_init(&s, &o, 44100, collect, NULL);
        double ratio = s.threshold / cases[i].linear;
        if (ratio < 1.0 - 1e-6 || ratio > 1.0 + 1e-6)
            fail_msg("%g dB gave %.9g", cases[i].db, (double)s.threshold);
    }
}

static void defaults_are_minus_40_dbfs_and_300_ms(void **state)
{
    (void)state;
    ct_silence s;
    ct_silence_init(&s, NULL, 44100, collect, NULL);
    assert_true(s.threshold == 0.01f);
    assert_int_equal(s.min_samples, 13230);
    ct_silence_init(&s, NULL, 22050, collect, NULL);
    assert_int_equal(s.min_samples, 6615);
    chaptag_silence_opts o = {-40.0, 1};
    ct_silence_init(&s, &o, 44100, collect, NULL); /* 44.1 samples: rounded up */
    assert_int_equal(s.min_samples, 45);
}

static void a_run_of_exactly_the_minimum_is_a_pause_one_less_is_not(void **state)
{
    (void)state;
    ct_silence s;
    found_list f;
    start_finder(&s, &f, 5);
    feed(&s, "##.....##....#", 0);
    assert_int_equal(ct_silence_finish(&s, NULL), CHAPTAG_OK);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.start[0], 2);
    assert_int_equal(f.end[0], 7); /* where sound is back */
}

static void a_run_across_blocks_is_one_pause(void **state)
{
    (void)state;
    ct_silence s;
    found_list f;
    start_finder(&s, &f, 5);
    feed(&s, "###..", 100);
    feed(&s, "..", 105);
    feed(&s, ".", 107);
    feed(&s, "...#", 108);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.start[0], 103);
    assert_int_equal(f.end[0], 111);
    assert_int_equal(ct_silence_finish(&s, NULL), CHAPTAG_OK);
    assert_int_equal(f.n, 1);
}

/* The float next below X (positive): its bits less one. */
static float one_step_down(float x)
{
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    bits--;
    memcpy(&x, &bits, sizeof x);
    return x;
}

static void the_threshold_itself_is_sound_just_below_is_silence(void **state)
{
    (void)state;
    ct_silence s;
    found_list f;
    start_finder(&s, &f, 3);
    float at[] = {0.5f, 0.01f, 0.01f, 0.01f, 0.01f, 0.5f};
    assert_int_equal(ct_silence_feed(at, 6, 0, &s, NULL), CHAPTAG_OK);
    assert_int_equal(ct_silence_finish(&s, NULL), CHAPTAG_OK);
    assert_int_equal(f.n, 0);
    float below = one_step_down(0.01f);
    float under[] = {0.5f, below, below, below, 0.5f};
    start_finder(&s, &f, 3);
    assert_int_equal(ct_silence_feed(under, 5, 0, &s, NULL), CHAPTAG_OK);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.start[0], 1);
    assert_int_equal(f.end[0], 4);
}

static void nan_is_sound(void **state)
{
    (void)state;
    ct_silence s;
    found_list f;
    start_finder(&s, &f, 2);
    float p[] = {0.0f, 0.0f, NAN, 0.0f, 0.0f};
    assert_int_equal(ct_silence_feed(p, 5, 0, &s, NULL), CHAPTAG_OK);
    assert_int_equal(ct_silence_finish(&s, NULL), CHAPTAG_OK);
    assert_int_equal(f.n, 2);
    assert_int_equal(f.end[0], 2);
    assert_int_equal(f.start[1], 3);
}

static void a_gap_between_blocks_ends_the_run_there(void **state)
{
    (void)state;
    ct_silence s;
    found_list f;
    start_finder(&s, &f, 4);
    feed(&s, "#......", 0); /* ends at 7, silent since 1 */
    feed(&s, "...#", 20);   /* a gap: the run ended at 7; this one is too short */
    feed(&s, "..#", 10);    /* back in time: a gap too */
    assert_int_equal(ct_silence_finish(&s, NULL), CHAPTAG_OK);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.start[0], 1);
    assert_int_equal(f.end[0], 7);

    /* two short runs either side of a gap are not joined into one pause */
    start_finder(&s, &f, 4);
    feed(&s, "#...", 0);
    feed(&s, "...#", 5);
    assert_int_equal(ct_silence_finish(&s, NULL), CHAPTAG_OK);
    assert_int_equal(f.n, 0);
}

static void an_empty_block_changes_nothing(void **state)
{
    (void)state;
    ct_silence s;
    found_list f;
    start_finder(&s, &f, 4);
    feed(&s, "#...", 0);
    assert_int_equal(ct_silence_feed(NULL, 0, 99, &s, NULL), CHAPTAG_OK);
    feed(&s, "..#", 4);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.start[0], 1);
    assert_int_equal(f.end[0], 6);
}

static void preroll_samples_before_zero_count(void **state)
{
    (void)state;
    ct_silence s;
    found_list f;
    start_finder(&s, &f, 4);
    feed(&s, "##...", -5);
    feed(&s, "...#", 0);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.start[0], -3);
    assert_int_equal(f.end[0], 3);
}

static void finishing_ends_an_open_run_at_the_last_sample(void **state)
{
    (void)state;
    ct_silence s;
    found_list f;
    start_finder(&s, &f, 4);
    feed(&s, "#....", 50);
    assert_int_equal(f.n, 0);
    assert_int_equal(ct_silence_finish(&s, NULL), CHAPTAG_OK);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.start[0], 51);
    assert_int_equal(f.end[0], 55);
    /* too short at the end: nothing; finishing twice: nothing more */
    start_finder(&s, &f, 4);
    feed(&s, "#...", 0);
    assert_int_equal(ct_silence_finish(&s, NULL), CHAPTAG_OK);
    assert_int_equal(ct_silence_finish(&s, NULL), CHAPTAG_OK);
    assert_int_equal(f.n, 0);
    /* all silence from the first sample */
    start_finder(&s, &f, 4);
    feed(&s, "......", 0);
    assert_int_equal(ct_silence_finish(&s, NULL), CHAPTAG_OK);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.start[0], 0);
    assert_int_equal(f.end[0], 6);
}

static void a_finished_finder_starts_afresh(void **state)
{
    (void)state;
    ct_silence s;
    found_list f;
    start_finder(&s, &f, 3);
    feed(&s, "#....", 0);
    assert_int_equal(ct_silence_finish(&s, NULL), CHAPTAG_OK);
    feed(&s, "...#", 1000); /* no gap to close: a new stream */
    assert_int_equal(f.n, 2);
    assert_int_equal(f.start[1], 1000);
    assert_int_equal(f.end[1], 1003);
}

static void a_failing_callback_stops_the_feed(void **state)
{
    (void)state;
    ct_silence s;
    found_list f;
    start_finder(&s, &f, 2);
    f.stop_after = 1;
    float p[32];
    size_t n = peaks("#..#..#..#", p);
    chaptag_error e;
    assert_int_equal(ct_silence_feed(p, n, 0, &s, &e), CHAPTAG_ERR_IO);
    assert_string_equal(e.msg, "stopped");
    assert_int_equal(f.n, 1);
}

static void a_long_stream_keeps_flat_state(void **state)
{
    (void)state;
    /* a minute at 48 kHz in blocks of 1152, a 0.5 s pause every 7 s: every one found */
    ct_silence s;
    found_list f;
    chaptag_silence_opts o = {-40.0, 300};
    memset(&f, 0, sizeof f);
    ct_silence_init(&s, &o, 48000, collect, &f);
    static float block[1152];
    int64_t total = 48000LL * 60;
    for (int64_t t = 0; t < total; t += 1152) {
        for (int64_t i = 0; i < 1152; i++)
            block[i] = (t + i) % (7 * 48000) < 24000 ? 0.0001f : 0.3f;
        assert_int_equal(ct_silence_feed(block, 1152, t, &s, NULL), CHAPTAG_OK);
    }
    assert_int_equal(ct_silence_finish(&s, NULL), CHAPTAG_OK);
    assert_int_equal(f.n, 9); /* 0, 7, ... 56 s */
    for (size_t i = 0; i < f.n; i++) {
        assert_int_equal(f.start[i], (int64_t)i * 7 * 48000);
        assert_int_equal(f.end[i], (int64_t)i * 7 * 48000 + 24000);
    }
}

/* ---- the choices ------------------------------------------------------------------------ */

static void places_are_start_middle_rounded_down_and_end(void **state)
{
    (void)state;
    chaptag_pause p = {1000, 1301};
    assert_int_equal(ct_silence_place(&p, CHAPTAG_SNAP_START), 1000);
    assert_int_equal(ct_silence_place(&p, CHAPTAG_SNAP_MIDDLE), 1150);
    assert_int_equal(ct_silence_place(&p, CHAPTAG_SNAP_END), 1301);
}

static void nearest_is_the_closest_edge_or_the_pause_around(void **state)
{
    (void)state;
    const chaptag_pause p[] = {{1000, 1400}, {5000, 5300}, {9000, 9600}};
    const uint64_t hi = UINT64_MAX;
    assert_int_equal(ct_silence_nearest(p, 3, 5100, 0, hi, CHAPTAG_SNAP_MIDDLE), 1); /* inside */
    assert_int_equal(ct_silence_nearest(p, 3, 3000, 0, hi, CHAPTAG_SNAP_MIDDLE), 0); /* 1600 vs 2000 */
    assert_int_equal(ct_silence_nearest(p, 3, 3300, 0, hi, CHAPTAG_SNAP_MIDDLE), 1); /* 1900 vs 1700 */
    assert_int_equal(ct_silence_nearest(p, 3, 20000, 0, hi, CHAPTAG_SNAP_MIDDLE), 2);
    assert_int_equal(ct_silence_nearest(p, 3, 0, 0, hi, CHAPTAG_SNAP_MIDDLE), 0);
    assert_int_equal(ct_silence_nearest(p, 0, 0, 0, hi, CHAPTAG_SNAP_MIDDLE), -1);
}

static void nearest_ties_go_to_the_longer_then_the_earlier(void **state)
{
    (void)state;
    /* 3000 is 1000 from both edges: the longer wins, wherever it lies */
    const chaptag_pause longer_after[] = {{1700, 2000}, {4000, 4500}};
    assert_int_equal(ct_silence_nearest(longer_after, 2, 3000, 0, UINT64_MAX,
                                        CHAPTAG_SNAP_MIDDLE), 1);
    const chaptag_pause longer_before[] = {{1000, 2000}, {4000, 4300}};
    assert_int_equal(ct_silence_nearest(longer_before, 2, 3000, 0, UINT64_MAX,
                                        CHAPTAG_SNAP_MIDDLE), 0);
    const chaptag_pause same[] = {{1500, 2000}, {4000, 4500}};
    assert_int_equal(ct_silence_nearest(same, 2, 3000, 0, UINT64_MAX, CHAPTAG_SNAP_MIDDLE), 0);
}

static void nearest_keeps_the_place_strictly_between_the_neighbours(void **state)
{
    (void)state;
    const chaptag_pause p[] = {{1000, 1400}, {5000, 5300}};
    /* middles are 1200 and 5150 */
    assert_int_equal(ct_silence_nearest(p, 2, 1200, 1200, 9000, CHAPTAG_SNAP_MIDDLE), 1);
    assert_int_equal(ct_silence_nearest(p, 2, 1200, 1199, 9000, CHAPTAG_SNAP_MIDDLE), 0);
    assert_int_equal(ct_silence_nearest(p, 2, 5100, 0, 5150, CHAPTAG_SNAP_MIDDLE), 0);
    assert_int_equal(ct_silence_nearest(p, 2, 5100, 0, 5151, CHAPTAG_SNAP_MIDDLE), 1);
    assert_int_equal(ct_silence_nearest(p, 2, 5100, 1200, 5150, CHAPTAG_SNAP_MIDDLE), -1);
    /* the bounds judge the place asked for: the end 1400 passes where the middle would not */
    assert_int_equal(ct_silence_nearest(p, 2, 1200, 1300, 5000, CHAPTAG_SNAP_END), 0);
    assert_int_equal(ct_silence_nearest(p, 2, 1200, 1300, 5000, CHAPTAG_SNAP_START), -1);
}

static void longest_takes_the_longest_in_range_after_the_previous(void **state)
{
    (void)state;
    const chaptag_pause p[] = {{1000, 1300}, {2000, 3000}, {4000, 4500}, {6000, 7000}};
    /* middles 1150, 2500, 4250, 6500 */
    assert_int_equal(ct_silence_longest(p, 4, 4000, 1000, 7000, 0, CHAPTAG_SNAP_MIDDLE), 1);
    assert_int_equal(ct_silence_longest(p, 4, 4000, 1000, 7000, 2500, CHAPTAG_SNAP_MIDDLE), 3);
    assert_int_equal(ct_silence_longest(p, 4, 4000, 3000, 6000, 0, CHAPTAG_SNAP_MIDDLE), 2);
    /* the range is inclusive at both ends */
    assert_int_equal(ct_silence_longest(p, 4, 4000, 4250, 4250, 0, CHAPTAG_SNAP_MIDDLE), 2);
    assert_int_equal(ct_silence_longest(p, 4, 4000, 4251, 6499, 0, CHAPTAG_SNAP_MIDDLE), -1);
    assert_int_equal(ct_silence_longest(p, 4, 4000, 0, 9999, 6500, CHAPTAG_SNAP_MIDDLE), -1);
}

static void longest_ties_go_to_the_nearest_then_the_earlier(void **state)
{
    (void)state;
    const chaptag_pause p[] = {{1000, 1500}, {3000, 3500}, {5000, 5500}};
    /* places (middles) 1250, 3250, 5250 */
    assert_int_equal(ct_silence_longest(p, 3, 4900, 0, 9999, 0, CHAPTAG_SNAP_MIDDLE), 2);
    assert_int_equal(ct_silence_longest(p, 3, 3000, 0, 9999, 0, CHAPTAG_SNAP_MIDDLE), 1);
    assert_int_equal(ct_silence_longest(p, 3, 2250, 0, 9999, 0, CHAPTAG_SNAP_MIDDLE), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_threshold_is_the_level_in_dbfs_made_linear),
        cmocka_unit_test(defaults_are_minus_40_dbfs_and_300_ms),
        cmocka_unit_test(a_run_of_exactly_the_minimum_is_a_pause_one_less_is_not),
        cmocka_unit_test(a_run_across_blocks_is_one_pause),
        cmocka_unit_test(the_threshold_itself_is_sound_just_below_is_silence),
        cmocka_unit_test(nan_is_sound),
        cmocka_unit_test(a_gap_between_blocks_ends_the_run_there),
        cmocka_unit_test(an_empty_block_changes_nothing),
        cmocka_unit_test(preroll_samples_before_zero_count),
        cmocka_unit_test(finishing_ends_an_open_run_at_the_last_sample),
        cmocka_unit_test(a_finished_finder_starts_afresh),
        cmocka_unit_test(a_failing_callback_stops_the_feed),
        cmocka_unit_test(a_long_stream_keeps_flat_state),
        cmocka_unit_test(places_are_start_middle_rounded_down_and_end),
        cmocka_unit_test(nearest_is_the_closest_edge_or_the_pause_around),
        cmocka_unit_test(nearest_ties_go_to_the_longer_then_the_earlier),
        cmocka_unit_test(nearest_keeps_the_place_strictly_between_the_neighbours),
        cmocka_unit_test(longest_takes_the_longest_in_range_after_the_previous),
        cmocka_unit_test(longest_ties_go_to_the_nearest_then_the_earlier),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
