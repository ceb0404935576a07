/* Tests of src/io/fileio.c: reading, in-place edits, rewrites, and every injected failure
   leaving the original byte-identical with no temporary file behind. */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

typedef struct {
    char *dir;
    char path[512];
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->dir = ct_test_tmpdir();
    snprintf(fx->path, sizeof fx->path, "%s/episode.mp3", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    ct_fileio_fail_at(0);
    ct_test_rmdir(fx->dir);
    free(fx);
    return 0;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static char *read_all(const char *path, size_t *len)
{
    return ct_test_read_file(path, len);
}

/* A file of N bytes: a pattern that makes misplaced bytes visible. */
static uint8_t *pattern(size_t n)
{
    uint8_t *p = malloc(n);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 7 + i / 251);
    return p;
}

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.' || strstr(e->d_name, "chaptag-tmp") != NULL;
    closedir(d);
    return n;
}

static void open_refuses_a_directory_and_a_missing_file(void **state)
{
    fixture *fx = *state;
    ct_file *f = NULL;
    chaptag_error err;
    assert_int_equal(ct_file_open(fx->dir, CT_OPEN_READ, &f, &err), CHAPTAG_ERR_IO);
    assert_string_equal(err.msg, "is a directory");
    assert_int_equal(ct_file_open(fx->path, CT_OPEN_READ, &f, &err), CHAPTAG_ERR_IO);
    assert_int_equal(err.sys_errno, ENOENT);
    assert_null(f);
}

static void open_refuses_a_fifo_without_waiting_for_a_writer(void **state)
{
    fixture *fx = *state;
    assert_int_equal(mkfifo(fx->path, 0644), 0);
    ct_file *f = NULL;
    chaptag_error err;
    assert_int_equal(ct_file_open(fx->path, CT_OPEN_READ, &f, &err), CHAPTAG_ERR_IO);
    assert_string_equal(err.msg, "is not a regular file");
}

static void open_for_editing_refuses_a_read_only_file(void **state)
{
    fixture *fx = *state;
    write_file(fx->path, "abc", 3);
    chmod(fx->path, 0444);
    ct_file *f = NULL;
    chaptag_error err;
    assert_int_equal(ct_file_open(fx->path, CT_OPEN_EDIT, &f, &err), CHAPTAG_ERR_IO);
    assert_non_null(strstr(err.msg, "read-only"));
    assert_int_equal(ct_file_open(fx->path, CT_OPEN_READ, &f, &err), CHAPTAG_OK);
    ct_file_close(f);
}

static void read_past_the_end_is_an_audio_error_unless_asked_for_a_count(void **state)
{
    fixture *fx = *state;
    write_file(fx->path, "0123456789", 10);
    ct_file *f;
    chaptag_error err;
    assert_int_equal(ct_file_open(fx->path, CT_OPEN_READ, &f, &err), CHAPTAG_OK);
    char buf[16];
    size_t got;
    assert_int_equal(ct_file_read(f, 6, buf, 8, &got, &err), CHAPTAG_OK);
    assert_int_equal(got, 4);
    assert_memory_equal(buf, "6789", 4);
    assert_int_equal(ct_file_read(f, 6, buf, 8, NULL, &err), CHAPTAG_ERR_AUDIO);
    ct_file_close(f);
}

static void steps_are_written_in_place_in_order(void **state)
{
    fixture *fx = *state;
    uint8_t *data = pattern(100000);
    write_file(fx->path, data, 100000);
    struct stat before;
    stat(fx->path, &before);
    ct_plan plan = CT_PLAN_INIT;
    ct_plan_add(&plan, 1000, 8, "ABCDEFGH", 8);
    ct_plan_step(&plan, 1000, "ABCD\0\0\0\0", 8); /* guard first */
    ct_plan_step(&plan, 1004, "EFGH", 4);
    ct_file *f;
    chaptag_error err;
    ct_apply_result res;
    assert_int_equal(ct_file_open(fx->path, CT_OPEN_EDIT, &f, &err), CHAPTAG_OK);
    assert_int_equal(ct_plan_apply(f, fx->path, &plan, NULL, &res, &err), CHAPTAG_OK);
    ct_file_close(f);
    assert_true(res.in_place);
    assert_int_equal(res.bytes_written, 12);
    size_t len;
    char *after = read_all(fx->path, &len);
    memcpy(data + 1000, "ABCDEFGH", 8);
    assert_bytes_equal(after, len, data, 100000);
    struct stat now;
    stat(fx->path, &now);
    assert_int_equal(now.st_ino, before.st_ino);
    free(after);
    free(data);
    ct_plan_free(&plan);
}

static void a_plan_without_edits_writes_nothing(void **state)
{
    fixture *fx = *state;
    write_file(fx->path, "0123456789", 10);
    ct_plan plan = CT_PLAN_INIT;
    ct_file *f;
    chaptag_error err;
    ct_apply_result res;
    assert_int_equal(ct_file_open(fx->path, CT_OPEN_EDIT, &f, &err), CHAPTAG_OK);
    assert_int_equal(ct_plan_apply(f, fx->path, &plan, NULL, &res, &err), CHAPTAG_OK);
    ct_file_close(f);
    assert_int_equal(res.bytes_written, 0);
}

static void tables_of_offsets_are_shifted_and_widened_while_copied(void **state)
{
    fixture *fx = *state;
    static const uint8_t data[] = {
        'h', 'e', 'a', 'd',     /* kept */
        0x00, 0x00, 0x10, 0x00, /* stco entry 4096 */
        0xff, 0xff, 0xff, 0x00, /* stco entry 0xffffff00 */
        't', 'a', 'i', 'l',     /* kept */
    };
    write_file(fx->path, data, sizeof data);
    ct_plan plan = CT_PLAN_INIT;
    ct_plan_edit(&plan, 4, 8);
    ct_plan_copy_table(&plan, 4, 8, 4, 8, 0x200, 0);
    ct_file *f;
    chaptag_error err;
    ct_apply_result res;
    assert_int_equal(ct_file_open(fx->path, CT_OPEN_EDIT, &f, &err), CHAPTAG_OK);
    assert_int_equal(ct_plan_apply(f, fx->path, &plan, NULL, &res, &err), CHAPTAG_OK);
    ct_file_close(f);
    static const uint8_t want[] = {
        'h', 'e', 'a', 'd',                             /* kept */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x00, /* 4096 + 512, 64-bit */
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, /* past 4 GiB: needs 64 bits */
        't', 'a', 'i', 'l',                             /* kept */
    };
    size_t len;
    char *after = read_all(fx->path, &len);
    assert_bytes_equal(after, len, want, sizeof want);
    free(after);
    ct_plan_free(&plan);
}

/* Applies PLAN to the fixture's file, failing the Nth write, sync or rename for N = 1, 2, ...
   until it succeeds; after every failure the file must be unchanged with no temporary file
   left. Returns the result of the successful run. */
static ct_apply_result apply_with_faults(fixture *fx, const ct_plan *plan, const uint8_t *orig,
                                         size_t orig_len, const char *output)
{
    size_t entries = count_entries(fx->dir);
    for (unsigned long n = 1;; n++) {
        ct_file *f;
        chaptag_error err;
        ct_apply_result res;
        assert_int_equal(ct_file_open(fx->path, output ? CT_OPEN_READ : CT_OPEN_EDIT, &f, &err),
                         CHAPTAG_OK);
        ct_fileio_fail_at(n);
        chaptag_status st = ct_plan_apply(f, fx->path, plan, output, &res, &err);
        ct_fileio_fail_at(0);
        ct_file_close(f);
        if (st == CHAPTAG_OK)
            return res;
        assert_int_equal(st, CHAPTAG_ERR_IO);
        size_t len;
        char *now = read_all(fx->path, &len);
        assert_bytes_equal(now, len, orig, orig_len);
        free(now);
        assert_int_equal(count_entries(fx->dir), entries);
        assert_true(n < 1000);
    }
}

/* What a progress callback was told. */
typedef struct {
    uint64_t done[256], total[256];
    size_t n;
} told;

static void record_progress(uint64_t done, uint64_t total, void *ctx)
{
    told *t = ctx;
    assert_true(t->n < 256);
    t->done[t->n] = done;
    t->total[t->n++] = total;
}

/* The calls T got for a new file of SIZE bytes: at least MIN_CALLS, DONE never going back,
   never past the total, a MiB or more apart, the last one the whole file. */
static void assert_progress(const told *t, uint64_t size, size_t min_calls)
{
    assert_true(t->n >= min_calls);
    for (size_t i = 0; i < t->n; i++) {
        assert_int_equal(t->total[i], size);
        assert_true(t->done[i] <= t->total[i]);
        if (i > 0)
            assert_true(t->done[i] >= t->done[i - 1] + (i + 1 < t->n ? 1u << 20 : 0));
    }
    assert_int_equal(t->done[t->n - 1], size);
}

static void a_rewrite_tells_its_progress_and_steps_in_place_do_not(void **state)
{
    fixture *fx = *state;
    size_t n = 20 << 20;
    uint8_t *data = pattern(n);
    write_file(fx->path, data, n);
    ct_plan plan = CT_PLAN_INIT;
    ct_plan_add(&plan, 0, 10, "NEW HEADER WITH MORE BYTES", 26);
    ct_file *f;
    chaptag_error err;
    ct_apply_result res;
    told t = {0};
    ct_apply_hooks hooks = {NULL, NULL, record_progress, &t};
    /* through the kernel's copy, in chunks of up to 8 MiB */
    assert_int_equal(ct_file_open(fx->path, CT_OPEN_EDIT, &f, &err), CHAPTAG_OK);
    assert_int_equal(ct_plan_apply_hooked(f, fx->path, &plan, NULL, &hooks, &res, &err),
                     CHAPTAG_OK);
    ct_file_close(f);
    assert_false(res.in_place);
    assert_progress(&t, n + 16, 3);
    /* through a buffer (a memory file into an output path), a MiB at a time */
    char out[600];
    snprintf(out, sizeof out, "%s/out.mp3", fx->dir);
    f = ct_file_memory(data, n);
    t.n = 0;
    assert_int_equal(ct_plan_apply_hooked(f, fx->path, &plan, out, &hooks, &res, &err),
                     CHAPTAG_OK);
    ct_file_close(f);
    assert_progress(&t, n + 16, 20);
    /* in place: quick, nothing told */
    ct_plan_free(&plan);
    ct_plan_add(&plan, 0, 4, "STEP", 4);
    ct_plan_step(&plan, 0, "STEP", 4);
    t.n = 0;
    assert_int_equal(ct_file_open(fx->path, CT_OPEN_EDIT, &f, &err), CHAPTAG_OK);
    assert_int_equal(ct_plan_apply_hooked(f, fx->path, &plan, NULL, &hooks, &res, &err),
                     CHAPTAG_OK);
    ct_file_close(f);
    assert_true(res.in_place);
    assert_int_equal(t.n, 0);
    free(data);
    ct_plan_free(&plan);
}

static void rewrite_survives_every_failure_and_then_succeeds(void **state)
{
    fixture *fx = *state;
    size_t n = 3 << 20;
    uint8_t *data = pattern(n);
    write_file(fx->path, data, n);
    chmod(fx->path, 0640);
    ct_plan plan = CT_PLAN_INIT;
    ct_plan_add(&plan, 0, 10, "NEW HEADER WITH MORE BYTES", 26);
    ct_plan_add(&plan, n - 5, 5, "", 0);
    ct_apply_result res = apply_with_faults(fx, &plan, data, n, NULL);
    assert_false(res.in_place);
    size_t len;
    char *after = read_all(fx->path, &len);
    assert_int_equal(len, n + 16 - 5);
    assert_memory_equal(after, "NEW HEADER WITH MORE BYTES", 26);
    assert_memory_equal(after + 26, data + 10, n - 15);
    struct stat st;
    stat(fx->path, &st);
    assert_int_equal(st.st_mode & 0777, 0640);
    free(after);
    free(data);
    ct_plan_free(&plan);
}

static void in_place_survives_every_failure_and_then_succeeds(void **state)
{
    fixture *fx = *state;
    uint8_t *data = pattern(20000);
    write_file(fx->path, data, 20000);
    uint8_t tag[8192], grown[100];
    memset(tag, 0x5a, sizeof tag);
    memset(grown, 0xa5, sizeof grown);
    ct_plan plan = CT_PLAN_INIT;
    ct_plan_add(&plan, 0, sizeof tag, tag, sizeof tag);
    ct_plan_add(&plan, 20000, 0, grown, sizeof grown);
    ct_plan_step(&plan, 20000, grown, sizeof grown); /* grows the file: undone on failure */
    ct_plan_step(&plan, 0, tag, 14);
    ct_plan_step(&plan, 14, tag + 14, sizeof tag - 14);
    ct_apply_result res = apply_with_faults(fx, &plan, data, 20000, NULL);
    assert_true(res.in_place);
    size_t len;
    char *after = read_all(fx->path, &len);
    assert_int_equal(len, 20100);
    memcpy(data, tag, sizeof tag);
    assert_bytes_equal(after, 20000, data, 20000);
    assert_memory_equal(after + 20000, grown, sizeof grown);
    free(after);
    free(data);
    ct_plan_free(&plan);
}

static void output_path_gets_the_result_and_the_input_stays(void **state)
{
    fixture *fx = *state;
    uint8_t *data = pattern(10000);
    write_file(fx->path, data, 10000);
    char out[600];
    snprintf(out, sizeof out, "%s/out.mp3", fx->dir);
    ct_plan plan = CT_PLAN_INIT;
    ct_plan_add(&plan, 0, 4, "WXYZ", 4); /* keeps size, but an output is never in place */
    ct_apply_result res = apply_with_faults(fx, &plan, data, 10000, out);
    assert_false(res.in_place);
    size_t len;
    char *in = read_all(fx->path, &len);
    assert_bytes_equal(in, len, data, 10000);
    char *o = read_all(out, &len);
    assert_memory_equal(o, "WXYZ", 4);
    assert_memory_equal(o + 4, data + 4, 10000 - 4);
    free(in);
    free(o);
    free(data);
    ct_plan_free(&plan);
}

static void rewrite_through_a_symlink_replaces_the_target_and_keeps_the_link(void **state)
{
    fixture *fx = *state;
    write_file(fx->path, "0123456789", 10);
    char link[600];
    snprintf(link, sizeof link, "%s/link.mp3", fx->dir);
    assert_int_equal(symlink(fx->path, link), 0);
    ct_plan plan = CT_PLAN_INIT;
    ct_plan_add(&plan, 0, 0, "ID3", 3);
    ct_file *f;
    chaptag_error err;
    ct_apply_result res;
    assert_int_equal(ct_file_open(link, CT_OPEN_EDIT, &f, &err), CHAPTAG_OK);
    assert_int_equal(ct_plan_apply(f, link, &plan, NULL, &res, &err), CHAPTAG_OK);
    ct_file_close(f);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    size_t len;
    char *after = read_all(fx->path, &len);
    assert_bytes_equal(after, len, "ID30123456789", 13);
    free(after);
    ct_plan_free(&plan);
}

static void slurp_reads_a_file_and_refuses_one_too_big(void **state)
{
    fixture *fx = *state;
    write_file(fx->path, "00:00 Intro\n", 12);
    char *data;
    size_t len;
    chaptag_error err;
    assert_int_equal(ct_slurp(fx->path, 100, &data, &len, &err), CHAPTAG_OK);
    assert_int_equal(len, 12);
    assert_string_equal(data, "00:00 Intro\n");
    free(data);
    assert_int_equal(ct_slurp(fx->path, 5, &data, &len, &err), CHAPTAG_ERR_INPUT);
    assert_int_equal(ct_slurp(fx->dir, 100, &data, &len, &err), CHAPTAG_ERR_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_refuses_a_directory_and_a_missing_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(open_refuses_a_fifo_without_waiting_for_a_writer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(open_for_editing_refuses_a_read_only_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            read_past_the_end_is_an_audio_error_unless_asked_for_a_count, setup, teardown),
        cmocka_unit_test_setup_teardown(steps_are_written_in_place_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(a_plan_without_edits_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(tables_of_offsets_are_shifted_and_widened_while_copied,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_rewrite_tells_its_progress_and_steps_in_place_do_not,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(rewrite_survives_every_failure_and_then_succeeds, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(in_place_survives_every_failure_and_then_succeeds,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(output_path_gets_the_result_and_the_input_stays, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            rewrite_through_a_symlink_replaces_the_target_and_keeps_the_link, setup, teardown),
        cmocka_unit_test_setup_teardown(slurp_reads_a_file_and_refuses_one_too_big, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
