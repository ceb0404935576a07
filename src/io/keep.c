/* What makes a file the user's, carried from an original to the new file that replaces it:
   owner and group, mode, and every extended attribute the process can read (user.*, the
   POSIX ACL; security.* is left to the system's policy, which labels new files itself).
   Linux (xattr), macOS (xattr with options, ACLs as the com.apple.* attributes and
   acl_get_fd) and FreeBSD (extattr, acl_get_fd); elsewhere owner and mode only. */
#if defined(__linux__)
#define _GNU_SOURCE
#elif defined(__APPLE__)
#define _DARWIN_C_SOURCE
#else
#define _BSD_SOURCE
#endif
#include "keep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__linux__) || defined(__APPLE__)
#include <sys/xattr.h>
#define HAVE_XATTR 1
#endif
#if defined(__APPLE__) || defined(__FreeBSD__)
#include <sys/acl.h>
#endif
#if defined(__FreeBSD__)
#include <sys/extattr.h>
#endif

/* Extended attributes are small; a name list or value past this is not one we copy blind. */
#define XATTR_MAX (1u << 20)

#ifdef HAVE_XATTR
static ssize_t list_attrs(int fd, char *buf, size_t n)
{
#ifdef __APPLE__
    return flistxattr(fd, buf, n, 0);
#else
    return flistxattr(fd, buf, n);
#endif
}

static ssize_t get_attr(int fd, const char *name, void *buf, size_t n)
{
#ifdef __APPLE__
    return fgetxattr(fd, name, buf, n, 0, 0);
#else
    return fgetxattr(fd, name, buf, n);
#endif
}

static int set_attr(int fd, const char *name, const void *buf, size_t n)
{
#ifdef __APPLE__
    return fsetxattr(fd, name, buf, n, 0, 0);
#else
    return fsetxattr(fd, name, buf, n, 0);
#endif
}

/* Copies attribute NAME of FROM to TO. */
static chaptag_status copy_attr(int from, int to, const char *name, const char *what,
                                chaptag_error *err)
{
    ssize_t n = get_attr(from, name, NULL, 0);
    if (n < 0 && (errno == ENODATA || errno == ENOTSUP))
        return CHAPTAG_OK; /* gone meanwhile, or not ours to read */
    char *v = n >= 0 && (size_t)n <= XATTR_MAX ? ct_malloc((size_t)n + 1) : NULL;
    if (n >= 0 && v == NULL)
        return (size_t)n > XATTR_MAX ? ct_fail(err, CHAPTAG_ERR_IO, 0, "the extended attribute "
                                               "%s of %s is too large to keep", name, what)
                                     : ct_fail_nomem(err);
    chaptag_status st = CHAPTAG_OK;
    if (n < 0 || (n = get_attr(from, name, v, (size_t)n)) < 0)
        st = ct_fail_errno(err, "cannot read the extended attribute %s of %s", name, what);
    else if (set_attr(to, name, v, (size_t)n) != 0)
        st = ct_fail_errno(err, "cannot keep the extended attribute %s of %s (nothing was "
                           "replaced; write the result elsewhere with -o)", name, what);
    free(v);
    return st;
}

/* Every readable attribute but security.*, the POSIX ACLs last: setting the access ACL sets
   the group bits of the mode to its mask, which the mode copied before must not undo. */
static chaptag_status copy_attrs(int from, int to, const char *what, chaptag_error *err)
{
    ssize_t n = list_attrs(from, NULL, 0);
    if (n < 0 && (errno == ENOTSUP || errno == ENOSYS))
        return CHAPTAG_OK; /* the file system has none */
    if (n < 0)
        return ct_fail_errno(err, "cannot list the extended attributes of %s", what);
    if (n == 0)
        return CHAPTAG_OK;
    char *names = (size_t)n <= XATTR_MAX ? ct_malloc((size_t)n) : NULL;
    if (names == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = CHAPTAG_OK;
    if ((n = list_attrs(from, names, (size_t)n)) < 0)
        st = ct_fail_errno(err, "cannot list the extended attributes of %s", what);
    for (int acl = 0; acl < 2 && st == CHAPTAG_OK; acl++) {
        for (ssize_t i = 0; i < n && st == CHAPTAG_OK; i += (ssize_t)strlen(names + i) + 1) {
            const char *name = names + i;
            bool is_acl = strncmp(name, "system.posix_acl_", 17) == 0;
            if (strncmp(name, "security.", 9) == 0 || is_acl != (acl == 1))
                continue;
            st = copy_attr(from, to, name, what, err);
        }
    }
    free(names);
    return st;
}
#elif defined(__FreeBSD__)
/* FreeBSD: the user namespace of extattr (the system one is root's and the kernel's). */
static chaptag_status copy_attrs(int from, int to, const char *what, chaptag_error *err)
{
    ssize_t n = extattr_list_fd(from, EXTATTR_NAMESPACE_USER, NULL, 0);
    if (n <= 0)
        return CHAPTAG_OK;
    unsigned char *list = ct_malloc((size_t)n);
    if (list == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = CHAPTAG_OK;
    n = extattr_list_fd(from, EXTATTR_NAMESPACE_USER, list, (size_t)n);
    for (ssize_t i = 0; i < n && st == CHAPTAG_OK; i += 1 + list[i]) {
        char name[256];
        memcpy(name, list + i + 1, list[i]);
        name[list[i]] = '\0';
        ssize_t len = extattr_get_fd(from, EXTATTR_NAMESPACE_USER, name, NULL, 0);
        char *v = len >= 0 ? ct_malloc((size_t)len + 1) : NULL;
        if (v == NULL || extattr_get_fd(from, EXTATTR_NAMESPACE_USER, name, v, (size_t)len) < 0 ||
            extattr_set_fd(to, EXTATTR_NAMESPACE_USER, name, v, (size_t)len) < 0)
            st = ct_fail_errno(err, "cannot keep the extended attribute user.%s of %s (nothing "
                               "was replaced; write the result elsewhere with -o)", name, what);
        free(v);
    }
    free(list);
    return st;
}
#else
static chaptag_status copy_attrs(int from, int to, const char *what, chaptag_error *err)
{
    (void)from, (void)to, (void)what, (void)err;
    return CHAPTAG_OK;
}
#endif

#if defined(__APPLE__) || defined(__FreeBSD__)
/* The extended ACL (NFSv4-style on macOS and ZFS), which no attribute carries there. */
static chaptag_status copy_acl(int from, int to, const char *what, chaptag_error *err)
{
#ifdef __APPLE__
    acl_t acl = acl_get_fd_np(from, ACL_TYPE_EXTENDED);
#else
    acl_t acl = acl_get_fd(from);
#endif
    if (acl == NULL)
        return CHAPTAG_OK; /* none, or the file system has none */
#ifdef __APPLE__
    int rc = acl_set_fd_np(to, acl, ACL_TYPE_EXTENDED);
#else
    int rc = acl_set_fd(to, acl);
#endif
    acl_free(acl);
    return rc == 0 ? CHAPTAG_OK
                   : ct_fail_errno(err, "cannot keep the access control list of %s (nothing "
                                   "was replaced; write the result elsewhere with -o)", what);
}
#else
static chaptag_status copy_acl(int from, int to, const char *what, chaptag_error *err)
{
    (void)from, (void)to, (void)what, (void)err;
    return CHAPTAG_OK;
}
#endif

chaptag_status ct_keep_owner_and_mode(int to, const struct stat *st, bool strict, const char *what,
                                      chaptag_error *err)
{
    /* chown first: it may clear set-user-ID bits that the mode then puts back */
    if (fchown(to, st->st_uid, st->st_gid) != 0 && (strict || errno != EPERM))
        return ct_fail_errno(err, "cannot keep the owner (uid %ld) and group (gid %ld) of %s: "
                             "nothing was replaced; run as the file's owner, or write the "
                             "result elsewhere with -o", (long)st->st_uid, (long)st->st_gid,
                             what);
    if (fchmod(to, st->st_mode & 07777) != 0)
        return ct_fail_errno(err, "cannot set the mode of %s", what);
    return CHAPTAG_OK;
}

chaptag_status ct_keep_attrs(int from, int to, const char *what, chaptag_error *err)
{
    chaptag_status st = copy_attrs(from, to, what, err);
    return st == CHAPTAG_OK ? copy_acl(from, to, what, err) : st;
}
