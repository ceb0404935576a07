/* Tests of src/io/platform.c: each call does what it says on Linux, and a portable build
   (-DCHAPTAG_PORTABLE=ON) takes the POSIX fallback of each: no copy inside the kernel, no
   holes found, mkstemp with FD_CLOEXEC. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform.h"

/* The kernel's copy or the fallback can be taken; a portable build or a system without it
   must take the fallback. */
#if defined(__linux__) && !defined(CHAPTAG_PORTABLE)
#define KERNEL_COPY 1
#endif

/* A file of N bytes in the group's folder, open for reading and writing. */
static int make_file(const char *name, size_t n)
{
    uint8_t *p = malloc(n);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 7 + i / 251);
    ct_test_write_file(ct_test_path(name, 0), p, n);
    free(p);
    int fd = open(ct_test_path(name, 0), O_RDWR);
    assert_true(fd >= 0);
    return fd;
}

static void copy_range_copies_in_the_kernel_or_asks_for_a_buffer(void **state)
{
    (void)state;
    int in = make_file("copy-in", 65536), out = make_file("copy-out", 0);
    ssize_t n = ct_sys_copy_range(in, 100, out, 10, 1000);
#ifdef KERNEL_COPY
    assert_int_equal(n, 1000);
    uint8_t a[1000], b[1000];
    assert_int_equal(pread(in, a, 1000, 100), 1000);
    assert_int_equal(pread(out, b, 1000, 10), 1000);
    assert_memory_equal(a, b, 1000);
#else
    assert_int_equal(n, -1);
    assert_int_equal(errno, ENOSYS); /* write.c copies through a buffer on ENOSYS */
#endif
    close(in);
    close(out);
}

static void next_data_finds_the_holes_or_calls_it_all_data(void **state)
{
    (void)state;
    const uint64_t mib = 1u << 20;
    int fd = make_file("sparse", 4096); /* data, 8 MiB of hole, data, hole to 16 MiB */
    assert_int_equal(pwrite(fd, "x", 1, 8 * mib), 1);
    assert_int_equal(ftruncate(fd, (off_t)(16 * mib)), 0);
    uint64_t data, hole;
    ct_sys_next_data(fd, 0, 16 * mib, &data, &hole);
    assert_int_equal(data, 0);
#if defined(CHAPTAG_PORTABLE)
    assert_int_equal(hole, 16 * mib); /* no SEEK_DATA: all of it is data */
    ct_sys_next_data(fd, 3 * mib, 5 * mib, &data, &hole);
    assert_int_equal(data, 3 * mib);
    assert_int_equal(hole, 5 * mib);
#elif defined(__linux__)
    assert_true(hole >= 4096 && hole < 8 * mib);
    ct_sys_next_data(fd, hole, 16 * mib, &data, &hole);
    assert_true(data > 4096 && data <= 8 * mib);
    assert_true(hole > 8 * mib && hole < 16 * mib);
    ct_sys_next_data(fd, hole, 16 * mib, &data, &hole); /* a hole to the end */
    assert_int_equal(data, 16 * mib);
    assert_int_equal(hole, 16 * mib);
#endif
    close(fd);
}

static void sync_makes_a_file_and_its_folder_durable_or_says_why_not(void **state)
{
    (void)state;
    int fd = make_file("sync", 100);
    assert_int_equal(ct_sys_sync_data(fd), 0);
    assert_int_equal(ct_sys_sync(fd), 0);
    ct_sys_writeback(fd, 0, 100); /* a hint: nothing to check but that it returns */
    close(fd);
    int dir = open(ct_test_path("", 0), O_RDONLY);
    assert_true(dir >= 0);
    assert_int_equal(ct_sys_sync(dir), 0);
    close(dir);
    assert_int_equal(ct_sys_sync_data(fd), -1);
    assert_int_equal(errno, EBADF);
}

static void a_lock_held_is_refused_to_another_open_until_it_closes(void **state)
{
    (void)state;
    int a = make_file("lock", 10), b = open(ct_test_path("lock", 0), O_RDWR);
    assert_true(b >= 0);
    assert_int_equal(ct_sys_trylock(a, true), 0);
    assert_int_equal(ct_sys_trylock(b, false), -1);
    assert_true(errno == EWOULDBLOCK || errno == EAGAIN);
    close(a);
    assert_int_equal(ct_sys_trylock(b, false), 0);
    close(b);
}

static void mkstemp_makes_a_new_file_closed_on_exec(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/.tmp-XXXXXX", ct_test_path("", 0));
    int fd = ct_sys_mkstemp(path);
    assert_true(fd >= 0);
    assert_null(strstr(path, "XXXXXX"));
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    assert_int_equal(st.st_size, 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    close(fd);
    unlink(path);
}

static void realpath_resolves_dots_and_links(void **state)
{
    (void)state;
    close(make_file("real", 1));
    char link[600], *real = ct_sys_realpath(ct_test_path("real", 0));
    assert_non_null(real);
    snprintf(link, sizeof link, "%s/./link", ct_test_path("", 0));
    assert_int_equal(symlink(real, link), 0);
    char *via = ct_sys_realpath(link);
    assert_non_null(via);
    assert_string_equal(via, real);
    free(via);
    free(real);
    assert_null(ct_sys_realpath(ct_test_path("missing", 0)));
    assert_int_equal(errno, ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(copy_range_copies_in_the_kernel_or_asks_for_a_buffer),
        cmocka_unit_test(next_data_finds_the_holes_or_calls_it_all_data),
        cmocka_unit_test(sync_makes_a_file_and_its_folder_durable_or_says_why_not),
        cmocka_unit_test(a_lock_held_is_refused_to_another_open_until_it_closes),
        cmocka_unit_test(mkstemp_makes_a_new_file_closed_on_exec),
        cmocka_unit_test(realpath_resolves_dots_and_links),
    };
    return cmocka_run_group_tests(tests, ct_test_group_tmpdir, ct_test_group_rmdir);
}
