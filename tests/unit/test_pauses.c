/* Tests of src/pauses.c on the pause fixtures scripts/make-fixtures.sh makes (in $FIXTURES, or
   the source tree's fixtures/audio): every pause of each file, chapters snapped to them,
   chapters suggested, what was read, and the options refused; and MP2 made here from one
   (ffmpeg), which the MP3 packet source leaves to libavformat. A fixture not made yet skips.

   The fixtures (30 s): default pauses at 5.0-5.8, 12.0-12.5, 26.0-26.4 and 27.0-27.6 s; at
   -30 dBFS and 150 ms also 18.0-19.0 (-35 dBFS) and 24.0-24.2 (200 ms). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lossy coding smears a pause's edges by a few ms; the issue asks for middles within 20 ms. */
#define EDGE_MS 30
#define MIDDLE_MS 20

static const char *const fixtures[] = {"pauses.mp3", "pauses-vbr.mp3", "pauses.m4a",
                                       "pauses.opus", "pauses.flac"};
#define N_FIXTURES (sizeof fixtures / sizeof fixtures[0])

/* The path of fixture NAME (static per SLOT), or NULL when it has not been made. */
static const char *fixture(const char *name, int slot)
{
    static char path[2][1024];
    const char *dir = getenv("FIXTURES");
    snprintf(path[slot], sizeof path[slot], "%s/%s", dir ? dir : CT_SOURCE_DIR "/fixtures/audio",
             name);
    FILE *f = fopen(path[slot], "rb");
    if (f == NULL)
        return NULL;
    fclose(f);
    return path[slot];
}

/* Fails unless GOT is within TOLERANCE ms of WANT. */
static void near(uint64_t got, uint64_t want, uint64_t tolerance, const char *what,
                 const char *name)
{
    uint64_t d = got > want ? got - want : want - got;
    if (d > tolerance)
        fail_msg("%s: %s is %llu ms, not %llu (within %llu)", name, what, (unsigned long long)got,
                 (unsigned long long)want, (unsigned long long)tolerance);
}

/* ---- every pause --------------------------------------------------------------------------- */

#define MAX_PAUSES 16

typedef struct {
    chaptag_pause v[MAX_PAUSES];
    size_t n;
    size_t stop_at; /* return an error at this many; 0: never */
} pause_list;

static chaptag_status collect(const chaptag_pause *p, void *ctx)
{
    pause_list *l = ctx;
    if (l->n >= MAX_PAUSES)
        return CHAPTAG_ERR_INPUT;
    if (l->n > 0)
        assert_true(p->start_ms > l->v[l->n - 1].end_ms); /* in time order, apart */
    l->v[l->n++] = *p;
    return l->stop_at != 0 && l->n >= l->stop_at ? CHAPTAG_ERR_IO : CHAPTAG_OK;
}

static void check_pauses(const pause_list *l, const uint64_t (*want)[2], size_t n,
                         const char *name)
{
    if (l->n != n) {
        for (size_t i = 0; i < l->n; i++)
            print_message("  %s: %llu-%llu\n", name, (unsigned long long)l->v[i].start_ms,
                          (unsigned long long)l->v[i].end_ms);
        fail_msg("%s: %zu pauses, not %zu", name, l->n, n);
    }
    for (size_t i = 0; i < n; i++) {
        near(l->v[i].start_ms, want[i][0], EDGE_MS, "a pause's start", name);
        near(l->v[i].end_ms, want[i][1], EDGE_MS, "a pause's end", name);
    }
}

static void silences_finds_every_pause_by_the_defaults(void **state)
{
    (void)state;
    static const uint64_t want[][2] = {{5000, 5800}, {12000, 12500}, {26000, 26400},
                                       {27000, 27600}};
    size_t done = 0;
    for (size_t i = 0; i < N_FIXTURES; i++) {
        const char *path = fixture(fixtures[i], 0);
        if (path == NULL)
            continue;
        pause_list l = {0};
        chaptag_audio_stats stats;
        chaptag_error err = {0};
        if (chaptag_silences(path, NULL, collect, &l, &stats, &err) != CHAPTAG_OK)
            fail_msg("%s: %s", fixtures[i], err.msg);
        check_pauses(&l, want, 4, fixtures[i]);
        near(stats.decoded_ms, 30000, 200, "the audio decoded", fixtures[i]);
        assert_true(stats.bytes_read >= stats.file_size / 2);
        assert_true(stats.seek[0] != '\0');
        done++;
    }
    if (done == 0)
        skip();
}

static void silences_takes_a_threshold_and_a_shortest_pause(void **state)
{
    (void)state;
    static const uint64_t want[][2] = {{5000, 5800},   {12000, 12500}, {18000, 19000},
                                       {24000, 24200}, {26000, 26400}, {27000, 27600}};
    const char *path = fixture("pauses.mp3", 0);
    if (path == NULL)
        skip();
    chaptag_silence_opts o = {-30.0, 150};
    pause_list l = {0};
    chaptag_error err = {0};
    assert_int_equal(chaptag_silences(path, &o, collect, &l, NULL, &err), CHAPTAG_OK);
    check_pauses(&l, want, 6, "pauses.mp3 at -30 dBFS, 150 ms");
    /* longer than any pause: none */
    o.threshold_db = -40.0;
    o.min_ms = 900;
    l.n = 0;
    assert_int_equal(chaptag_silences(path, &o, collect, &l, NULL, &err), CHAPTAG_OK);
    assert_int_equal(l.n, 0);
}

static void silences_stops_when_the_callback_says_so(void **state)
{
    (void)state;
    const char *path = fixture("pauses.m4a", 0);
    if (path == NULL)
        skip();
    pause_list l = {0};
    l.stop_at = 2;
    chaptag_error err = {0};
    assert_int_equal(chaptag_silences(path, NULL, collect, &l, NULL, &err), CHAPTAG_ERR_IO);
    assert_int_equal(l.n, 2);
}

/* ---- snapping ------------------------------------------------------------------------------ */

/* A list of N chapters at AT (ms), titled "c1", "c2", ..., on lines 1, 2, ... */
static chaptag_chapters *chapters_at(const uint64_t *at, size_t n)
{
    chaptag_chapters *l = chaptag_chapters_new();
    assert_non_null(l);
    for (size_t i = 0; i < n; i++) {
        char title[24]; /* "c" and any size_t */
        snprintf(title, sizeof title, "c%zu", i + 1);
        chaptag_chapter ch = {0};
        ch.start_ms = at[i];
        ch.end_ms = CHAPTAG_TIME_NONE;
        ch.title = title;
        ch.line = (unsigned)i + 1;
        assert_int_equal(chaptag_chapters_add(l, &ch, NULL), CHAPTAG_OK);
    }
    return l;
}

static void snapping_moves_starts_to_the_middle_of_the_nearest_pause(void **state)
{
    (void)state;
    /* 4.0 -> 5.4; 9.0 has nothing within 2 s; 13.5 -> 12.25; 24.5 -> 26.2 (the nearer) */
    static const uint64_t at[] = {0, 4000, 9000, 13500, 24500};
    size_t done = 0;
    for (size_t i = 0; i < N_FIXTURES; i++) {
        const char *path = fixture(fixtures[i], 0);
        if (path == NULL)
            continue;
        chaptag_chapters *l = chapters_at(at, 5);
        chaptag_snap_move moves[5];
        chaptag_audio_stats stats;
        chaptag_error err = {0};
        if (chaptag_snap_to_silence(l, path, NULL, moves, &stats, &err) != CHAPTAG_OK)
            fail_msg("%s: %s", fixtures[i], err.msg);
        assert_int_equal(chaptag_chapters_get(l, 0)->start_ms, 0);
        assert_false(moves[0].moved);
        assert_string_equal(moves[0].why, "first chapter at 0:00");
        near(chaptag_chapters_get(l, 1)->start_ms, 5400, MIDDLE_MS, "chapter 2", fixtures[i]);
        assert_true(moves[1].moved);
        assert_int_equal(moves[1].from_ms, 4000);
        assert_int_equal(moves[1].to_ms, chaptag_chapters_get(l, 1)->start_ms);
        assert_int_equal(chaptag_chapters_get(l, 2)->start_ms, 9000);
        assert_false(moves[2].moved);
        assert_string_equal(moves[2].why, "no pause within 2 s");
        near(chaptag_chapters_get(l, 3)->start_ms, 12250, MIDDLE_MS, "chapter 4", fixtures[i]);
        near(chaptag_chapters_get(l, 4)->start_ms, 26200, MIDDLE_MS, "chapter 5", fixtures[i]);
        assert_int_equal(chaptag_chapters_warning_count(l), 1);
        const chaptag_warning *w = chaptag_chapters_warning(l, 0);
        assert_int_equal(w->line, 3);
        assert_string_equal(w->msg, "no pause within 2 s of 00:00:09 'c3'");
        assert_int_equal(chaptag_chapters_validate(l, 30000, NULL), CHAPTAG_OK);
        done++;
        chaptag_chapters_free(l);
    }
    if (done == 0)
        skip();
}

static void snapping_reads_only_the_windows_of_a_native_file(void **state)
{
    (void)state;
    static const char *const native[] = {"pauses.mp3", "pauses-vbr.mp3", "pauses.m4a"};
    static const uint64_t at[] = {0, 13500};
    size_t done = 0;
    for (size_t i = 0; i < sizeof native / sizeof native[0]; i++) {
        const char *path = fixture(native[i], 0);
        if (path == NULL)
            continue;
        chaptag_chapters *l = chapters_at(at, 2);
        chaptag_audio_stats stats;
        chaptag_error err = {0};
        if (chaptag_snap_to_silence(l, path, NULL, NULL, &stats, &err) != CHAPTAG_OK)
            fail_msg("%s: %s", native[i], err.msg);
        /* a window of 2 s either side and a margin of 1 s: about 6 s of 30, and some preroll;
           what opening the file reads (tens of KiB) is most of so small a file, so the bytes
           are only checked to be fewer than all (the benchmark measures long files) */
        if (stats.decoded_ms > 7000 || stats.bytes_read >= stats.file_size)
            fail_msg("%s: decoded %llu ms, read %llu of %llu bytes (%s)", native[i],
                     (unsigned long long)stats.decoded_ms,
                     (unsigned long long)stats.bytes_read, (unsigned long long)stats.file_size,
                     stats.seek);
        assert_true(stats.decoded_ms >= 6000);
        done++;
        chaptag_chapters_free(l);
    }
    if (done == 0)
        skip();
}

static void snapping_never_moves_a_chapter_past_its_neighbours(void **state)
{
    (void)state;
    /* 25.0's nearest pause (26.2) lies past the next chapter (26.1), the other one too: it
       stays; 26.1 lies inside 26.0-26.4 and goes to its middle */
    static const uint64_t at[] = {1000, 25000, 26100};
    const char *path = fixture("pauses.mp3", 0);
    if (path == NULL)
        skip();
    chaptag_chapters *l = chapters_at(at, 3);
    chaptag_snap_move moves[3];
    chaptag_error err = {0};
    assert_int_equal(chaptag_snap_to_silence(l, path, NULL, moves, NULL, &err), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_get(l, 0)->start_ms, 1000); /* nothing within 2 s */
    assert_int_equal(chaptag_chapters_get(l, 1)->start_ms, 25000);
    assert_string_equal(moves[1].why, "no pause within 2 s between its neighbours");
    near(chaptag_chapters_get(l, 2)->start_ms, 26200, MIDDLE_MS, "chapter 3", "pauses.mp3");
    assert_int_equal(chaptag_chapters_warning_count(l), 2);
    assert_string_equal(chaptag_chapters_warning(l, 1)->msg,
                        "no pause within 2 s of 00:00:25 'c2' between its neighbours");
    chaptag_chapters_free(l);
}

static void snapping_to_the_start_or_end_and_moving_ends_along(void **state)
{
    (void)state;
    const char *path = fixture("pauses.m4a", 0);
    if (path == NULL)
        skip();
    static const uint64_t at[] = {0, 4500, 13000};
    chaptag_chapters *l = chapters_at(at, 3);
    /* the first chapter's end met the second's start: it moves with it */
    chaptag_chapters *with_ends = chaptag_chapters_new();
    for (size_t i = 0; i < 3; i++) {
        chaptag_chapter ch = *chaptag_chapters_get(l, i);
        ch.end_ms = i == 0 ? 4500 : i == 1 ? 10000 : CHAPTAG_TIME_NONE;
        assert_int_equal(chaptag_chapters_add(with_ends, &ch, NULL), CHAPTAG_OK);
    }
    chaptag_snap_opts o;
    chaptag_snap_opts_init(&o);
    o.place = CHAPTAG_SNAP_END;
    chaptag_error err = {0};
    assert_int_equal(chaptag_snap_to_silence(with_ends, path, &o, NULL, NULL, &err), CHAPTAG_OK);
    near(chaptag_chapters_get(with_ends, 1)->start_ms, 5800, EDGE_MS, "end place", "m4a");
    assert_int_equal(chaptag_chapters_get(with_ends, 0)->end_ms,
                     chaptag_chapters_get(with_ends, 1)->start_ms);
    assert_int_equal(chaptag_chapters_get(with_ends, 1)->end_ms, 10000); /* met nothing */
    /* the third's pause ends at 12.5, past chapter 2's own end: still after it */
    near(chaptag_chapters_get(with_ends, 2)->start_ms, 12500, EDGE_MS, "end place", "m4a");
    o.place = CHAPTAG_SNAP_START;
    assert_int_equal(chaptag_snap_to_silence(l, path, &o, NULL, NULL, &err), CHAPTAG_OK);
    near(chaptag_chapters_get(l, 1)->start_ms, 5000, EDGE_MS, "start place", "m4a");
    near(chaptag_chapters_get(l, 2)->start_ms, 12000, EDGE_MS, "start place", "m4a");
    chaptag_chapters_free(with_ends);
    chaptag_chapters_free(l);
}

/* ---- through libavformat -------------------------------------------------------------- */

/* MPEG audio Layer II, which the MP3 container holds but its packet source does not hand out:
   decoded through libavformat, its pauses and snaps as the MP3's. */
static void mp2_goes_through_libavformat(void **state)
{
    (void)state;
#ifndef CHAPTAG_HAVE_FFMPEG
    skip();
#else
    const char *mp3 = fixture("pauses.mp3", 0);
    if (mp3 == NULL || system("ffmpeg -version >/dev/null 2>&1") != 0)
        skip();
    char *dir = ct_test_tmpdir();
    char path[1100], cmd[3000];
    snprintf(path, sizeof path, "%s/pauses.mp2", dir);
    snprintf(cmd, sizeof cmd, "ffmpeg -nostdin -v error -y -i '%s' -c:a mp2 -b:a 128k '%s'", mp3,
             path);
    if (system(cmd) != 0)
        fail_msg("%s failed", cmd);
    static const uint64_t want[][2] = {
        {5000, 5800}, {12000, 12500}, {26000, 26400}, {27000, 27600}};
    pause_list l = {0};
    chaptag_audio_stats stats;
    chaptag_error err = {0};
    if (chaptag_silences(path, NULL, collect, &l, &stats, &err) != CHAPTAG_OK)
        fail_msg("pauses.mp2: %s", err.msg);
    check_pauses(&l, want, 4, "pauses.mp2");
    assert_string_equal(stats.seek, "libavformat");
    static const uint64_t at[] = {0, 4000, 13500};
    chaptag_chapters *list = chapters_at(at, 3);
    if (chaptag_snap_to_silence(list, path, NULL, NULL, &stats, &err) != CHAPTAG_OK)
        fail_msg("pauses.mp2: %s", err.msg);
    near(chaptag_chapters_get(list, 1)->start_ms, 5400, MIDDLE_MS, "chapter 2", "pauses.mp2");
    near(chaptag_chapters_get(list, 2)->start_ms, 12250, MIDDLE_MS, "chapter 3", "pauses.mp2");
    assert_string_equal(stats.seek, "libavformat");
    chaptag_chapters_free(list);
    ct_test_rmdir(dir);
#endif
}

/* ---- suggesting ---------------------------------------------------------------------------- */

static void suggest_puts_a_chapter_at_the_longest_pause_near_each_multiple(void **state)
{
    (void)state;
    size_t done = 0;
    for (size_t i = 0; i < N_FIXTURES; i++) {
        const char *path = fixture(fixtures[i], 0);
        if (path == NULL)
            continue;
        /* every 13 s: 12.25 near 13; near 26, of 26.0-26.4 and 27.0-27.6 the longer */
        chaptag_chapters *l = chaptag_chapters_new();
        chaptag_error err = {0};
        if (chaptag_suggest(path, 13000, NULL, l, NULL, &err) != CHAPTAG_OK)
            fail_msg("%s: %s", fixtures[i], err.msg);
        assert_int_equal(chaptag_chapters_count(l), 3);
        assert_int_equal(chaptag_chapters_get(l, 0)->start_ms, 0);
        assert_string_equal(chaptag_chapters_get(l, 0)->title, "Chapter 1");
        near(chaptag_chapters_get(l, 1)->start_ms, 12250, MIDDLE_MS, "chapter 2", fixtures[i]);
        near(chaptag_chapters_get(l, 2)->start_ms, 27300, MIDDLE_MS, "chapter 3", fixtures[i]);
        assert_string_equal(chaptag_chapters_get(l, 2)->title, "Chapter 3");
        assert_int_equal(chaptag_chapters_warning_count(l), 0);
        chaptag_chapters_free(l);
        done++;
    }
    if (done == 0)
        skip();
}

static void suggest_puts_a_chapter_at_a_multiple_without_a_pause(void **state)
{
    (void)state;
    const char *path = fixture("pauses-vbr.mp3", 0);
    if (path == NULL)
        skip();
    /* every 6 s: 5.4, 12.25, then nothing near 18 (the -35 dBFS stretch) nor 24 (200 ms) */
    chaptag_chapters *l = chaptag_chapters_new();
    chaptag_audio_stats stats;
    chaptag_error err = {0};
    assert_int_equal(chaptag_suggest(path, 6000, NULL, l, &stats, &err), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_count(l), 5);
    near(chaptag_chapters_get(l, 1)->start_ms, 5400, MIDDLE_MS, "chapter 2", "vbr");
    near(chaptag_chapters_get(l, 2)->start_ms, 12250, MIDDLE_MS, "chapter 3", "vbr");
    assert_int_equal(chaptag_chapters_get(l, 3)->start_ms, 18000);
    assert_int_equal(chaptag_chapters_get(l, 4)->start_ms, 24000);
    assert_string_equal(chaptag_chapters_get(l, 4)->title, "Chapter 5");
    assert_int_equal(chaptag_chapters_warning_count(l), 2);
    assert_string_equal(chaptag_chapters_warning(l, 0)->msg,
                        "no pause within 2 s of 00:00:18: chapter 4 is placed there");
    assert_int_equal(chaptag_chapters_validate(l, 30000, NULL), CHAPTAG_OK);
    chaptag_chapters_free(l);
    /* the window grows to a tenth of the interval: 2.8 s either side of 28 s finds 27.3 */
    l = chaptag_chapters_new();
    assert_int_equal(chaptag_suggest(path, 28000, NULL, l, &stats, &err), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_count(l), 2);
    near(chaptag_chapters_get(l, 1)->start_ms, 27300, MIDDLE_MS, "chapter 2", "vbr");
    chaptag_chapters_free(l);
}

/* ---- what is refused ------------------------------------------------------------------- */

static void bad_options_and_files_are_refused(void **state)
{
    (void)state;
    const char *path = fixture("pauses.mp3", 0);
    if (path == NULL)
        skip();
    pause_list l = {0};
    chaptag_error err = {0};
    static const chaptag_silence_opts bad[] = {{0.0, 300}, {-121.0, 300}, {5.0, 300},
                                               {-40.0, 0}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(chaptag_silences(path, &bad[i], collect, &l, NULL, &err),
                         CHAPTAG_ERR_INPUT);
    chaptag_snap_opts o;
    chaptag_snap_opts_init(&o);
    o.window_ms = 0;
    static const uint64_t at[] = {0, 4000};
    chaptag_chapters *list = chapters_at(at, 2);
    assert_int_equal(chaptag_snap_to_silence(list, path, &o, NULL, NULL, &err),
                     CHAPTAG_ERR_INPUT);
    chaptag_snap_opts_init(&o);
    o.place = (chaptag_snap_place)7;
    assert_int_equal(chaptag_snap_to_silence(list, path, &o, NULL, NULL, &err),
                     CHAPTAG_ERR_INPUT);
    assert_int_equal(chaptag_chapters_get(list, 1)->start_ms, 4000); /* untouched */
    /* suggest: a list not empty, an interval of 0, one making too many chapters */
    assert_int_equal(chaptag_suggest(path, 10000, NULL, list, NULL, &err), CHAPTAG_ERR_INPUT);
    chaptag_chapters *empty = chaptag_chapters_new();
    assert_int_equal(chaptag_suggest(path, 0, NULL, empty, NULL, &err), CHAPTAG_ERR_INPUT);
    assert_int_equal(chaptag_suggest(path, 2, NULL, empty, NULL, &err), CHAPTAG_ERR_INPUT);
    assert_int_equal(chaptag_chapters_count(empty), 0);
    /* not audio; not there */
    char *dir = ct_test_tmpdir();
    char text[1100];
    snprintf(text, sizeof text, "%s/chapters.txt", dir);
    ct_test_write_file(text, "00:00 Intro\n", 12);
    assert_int_equal(chaptag_silences(text, NULL, collect, &l, NULL, &err), CHAPTAG_ERR_AUDIO);
    snprintf(text, sizeof text, "%s/missing.mp3", dir);
    assert_int_equal(chaptag_silences(text, NULL, collect, &l, NULL, &err), CHAPTAG_ERR_IO);
    ct_test_rmdir(dir);
    chaptag_chapters_free(empty);
    chaptag_chapters_free(list);
}

static void opts_init_gives_the_defaults(void **state)
{
    (void)state;
    chaptag_snap_opts o;
    memset(&o, 0xff, sizeof o);
    chaptag_snap_opts_init(&o);
    assert_true(o.silence.threshold_db == -40.0);
    assert_int_equal(o.silence.min_ms, 300);
    assert_int_equal(o.window_ms, 2000);
    assert_int_equal(o.place, CHAPTAG_SNAP_MIDDLE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(silences_finds_every_pause_by_the_defaults),
        cmocka_unit_test(silences_takes_a_threshold_and_a_shortest_pause),
        cmocka_unit_test(silences_stops_when_the_callback_says_so),
        cmocka_unit_test(snapping_moves_starts_to_the_middle_of_the_nearest_pause),
        cmocka_unit_test(snapping_reads_only_the_windows_of_a_native_file),
        cmocka_unit_test(snapping_never_moves_a_chapter_past_its_neighbours),
        cmocka_unit_test(snapping_to_the_start_or_end_and_moving_ends_along),
        cmocka_unit_test(mp2_goes_through_libavformat),
        cmocka_unit_test(suggest_puts_a_chapter_at_the_longest_pause_near_each_multiple),
        cmocka_unit_test(suggest_puts_a_chapter_at_a_multiple_without_a_pause),
        cmocka_unit_test(bad_options_and_files_are_refused),
        cmocka_unit_test(opts_init_gives_the_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
