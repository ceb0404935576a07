/* What makes a file the user's, carried from an original to the new file that replaces it:
   owner and group, mode, and every extended attribute the process can read (user.*, the
   POSIX ACL; security.* is left to the system's policy, which labels new files itself).
   Linux (xattr, the ACL among them), macOS (xattr with options, the extended ACL by
   acl_get_fd_np) and FreeBSD (extattr, acl_get_fd_np); elsewhere, where a header is missing
   (they are looked for with __has_include), or built with CHAPTAG_PORTABLE (a CMake option,
   for tests on Linux), owner and mode only. */
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE /* ENOATTR, acl_get_fd_np, ACL_TYPE_EXTENDED */
#elif defined(__FreeBSD__)
#define __BSD_VISIBLE 1 /* extattr_*, acl_*: _POSIX_C_SOURCE alone hides them */
#endif
#include "keep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__has_include) && !defined(CHAPTAG_PORTABLE)
#if (defined(__linux__) || defined(__APPLE__)) && __has_include(<sys/xattr.h>)
#include <sys/xattr.h>
#define HAVE_XATTR 1
#elif defined(__FreeBSD__) && __has_include(<sys/extattr.h>)
#include <sys/extattr.h>
#define HAVE_EXTATTR 1
#endif
#if (defined(__APPLE__) || defined(__FreeBSD__)) && __has_include(<sys/acl.h>)
#include <sys/acl.h>
#define HAVE_ACL_FD 1
#endif
#endif

/* Extended attributes are small; a name list or value past this is not one we copy blind. */
#define XATTR_MAX (1u << 20)

#if defined(ENOATTR)
#define NO_ATTR ENOATTR /* macOS and the BSDs: no attribute of that name */
#else
#define NO_ATTR ENODATA /* Linux */
#endif

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
    if (n < 0 && (errno == NO_ATTR || errno == ENOTSUP))
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
#elif defined(HAVE_EXTATTR)
/* Copies attribute NAME of FreeBSD's user namespace from FROM to TO. */
static chaptag_status copy_extattr(int from, int to, const char *name, const char *what,
                                   chaptag_error *err)
{
    ssize_t n = extattr_get_fd(from, EXTATTR_NAMESPACE_USER, name, NULL, 0);
    if (n < 0 && errno == NO_ATTR)
        return CHAPTAG_OK; /* gone meanwhile */
    if (n >= 0 && (size_t)n > XATTR_MAX)
        return ct_fail(err, CHAPTAG_ERR_IO, 0, "the extended attribute user.%s of %s is too "
                       "large to keep", name, what);
    char *v = n >= 0 ? ct_malloc((size_t)n + 1) : NULL;
    if (n >= 0 && v == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = CHAPTAG_OK;
    if (n < 0 || (n = extattr_get_fd(from, EXTATTR_NAMESPACE_USER, name, v, (size_t)n)) < 0)
        st = ct_fail_errno(err, "cannot read the extended attribute user.%s of %s", name, what);
    else if (extattr_set_fd(to, EXTATTR_NAMESPACE_USER, name, v, (size_t)n) < 0)
        st = ct_fail_errno(err, "cannot keep the extended attribute user.%s of %s (nothing was "
                           "replaced; write the result elsewhere with -o)", name, what);
    free(v);
    return st;
}

/* FreeBSD: the user namespace of extattr (the system one is root's and the kernel's); the
   list is of names each after its length byte, unterminated. */
static chaptag_status copy_attrs(int from, int to, const char *what, chaptag_error *err)
{
    ssize_t n = extattr_list_fd(from, EXTATTR_NAMESPACE_USER, NULL, 0);
    if (n < 0 && errno == EOPNOTSUPP)
        return CHAPTAG_OK; /* the file system has none */
    if (n < 0) /* as on Linux: a file whose attributes cannot be read is not replaced */
        return ct_fail_errno(err, "cannot list the extended attributes of %s", what);
    if (n == 0)
        return CHAPTAG_OK;
    unsigned char *list = (size_t)n <= XATTR_MAX ? ct_malloc((size_t)n) : NULL;
    if (list == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = CHAPTAG_OK;
    if ((n = extattr_list_fd(from, EXTATTR_NAMESPACE_USER, list, (size_t)n)) < 0)
        st = ct_fail_errno(err, "cannot list the extended attributes of %s", what);
    for (ssize_t i = 0; i < n && i + 1 + list[i] <= n && st == CHAPTAG_OK; i += 1 + list[i]) {
        char name[256];
        memcpy(name, list + i + 1, list[i]);
        name[list[i]] = '\0';
        st = copy_extattr(from, to, name, what, err);
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

#ifdef HAVE_ACL_FD
/* The ACL, which no attribute carries there: macOS's extended ACL; on FreeBSD the NFSv4 ACL
   where the file system has those (ZFS), else the POSIX.1e access ACL (UFS). */
static chaptag_status copy_acl(int from, int to, const char *what, chaptag_error *err)
{
#ifdef __APPLE__
    acl_type_t type = ACL_TYPE_EXTENDED;
#else
    acl_type_t type = fpathconf(from, _PC_ACL_NFS4) > 0 ? ACL_TYPE_NFS4 : ACL_TYPE_ACCESS;
#endif
    acl_t acl = acl_get_fd_np(from, type);
    if (acl == NULL)
        return CHAPTAG_OK; /* none, or the file system has none */
    int rc = acl_set_fd_np(to, acl, type);
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
