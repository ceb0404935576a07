/* Tests of src/io/keep.c: a new file gets the original's owner, group and mode, and on Linux
   its extended attributes; a portable build (-DCHAPTAG_PORTABLE=ON) keeps owner, group and
   mode only. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/xattr.h>
#endif

#include "keep.h"

/* A new empty file NAME in the group's folder with MODE, open for reading and writing. */
static int make_file(const char *name, mode_t mode)
{
    ct_test_write_file(ct_test_path(name, 0), "", 0);
    assert_int_equal(chmod(ct_test_path(name, 0), mode), 0);
    int fd = open(ct_test_path(name, 0), O_RDWR);
    assert_true(fd >= 0);
    return fd;
}

static void owner_group_and_mode_are_kept(void **state)
{
    (void)state;
    int from = make_file("mode-from", 0640), to = make_file("mode-to", 0600);
    /* root gives the file away, as the integration tests do; others keep their own */
    uid_t uid = geteuid() == 0 ? 1234 : geteuid();
    gid_t gid = geteuid() == 0 ? 2345 : getegid();
    assert_int_equal(fchown(from, uid, gid), 0);
    struct stat st, now;
    assert_int_equal(fstat(from, &st), 0);
    chaptag_error err;
    assert_int_equal(ct_keep_owner_and_mode(to, &st, true, "mode-to", &err), CHAPTAG_OK);
    assert_int_equal(fstat(to, &now), 0);
    assert_int_equal(now.st_uid, uid);
    assert_int_equal(now.st_gid, gid);
    assert_int_equal(now.st_mode & 07777, 0640);
    close(from);
    close(to);
}

static void extended_attributes_are_kept_unless_portable(void **state)
{
    (void)state;
#ifdef __linux__
    int from = make_file("attr-from", 0644), to = make_file("attr-to", 0644);
    if (fsetxattr(from, "user.podcast.note", "keep me", 7, 0) != 0) {
        assert_int_equal(errno, ENOTSUP); /* said, not passed in silence */
        skip();
    }
    chaptag_error err;
    assert_int_equal(ct_keep_attrs(from, to, "attr-to", &err), CHAPTAG_OK);
    char v[16];
    ssize_t n = fgetxattr(to, "user.podcast.note", v, sizeof v);
#ifdef CHAPTAG_PORTABLE
    assert_int_equal(n, -1); /* owner and mode only */
    assert_int_equal(errno, ENODATA);
#else
    assert_int_equal(n, 7);
    assert_memory_equal(v, "keep me", 7);
#endif
    close(from);
    close(to);
#else
    skip(); /* the attribute is set here with Linux's call */
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(owner_group_and_mode_are_kept),
        cmocka_unit_test(extended_attributes_are_kept_unless_portable),
    };
    return cmocka_run_group_tests(tests, ct_test_group_tmpdir, ct_test_group_rmdir);
}
