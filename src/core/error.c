/* Errors and warnings: the caller's error record, status names, warning lists and the
   allocation wrappers that the fault tests can make fail. */
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

const char *chaptag_status_name(chaptag_status st)
{
    switch (st) {
    case CHAPTAG_OK: return "success";
    case CHAPTAG_ERR_INPUT: return "invalid chapter input";
    case CHAPTAG_ERR_AUDIO: return "unsupported or damaged audio file";
    case CHAPTAG_ERR_IO: return "input/output error";
    case CHAPTAG_ERR_NOMEM: return "out of memory";
    }
    return "unknown status";
}

const char *chaptag_version(void)
{
    return CHAPTAG_VERSION_STRING;
}

static chaptag_status vfail(chaptag_error *err, chaptag_status code, unsigned line,
                            unsigned column, const char *fmt, va_list ap)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->line = line;
    err->column = column;
    err->sys_errno = 0;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return code;
}

chaptag_status ct_fail(chaptag_error *err, chaptag_status code, unsigned line, const char *fmt,
                       ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(err, code, line, 0, fmt, ap);
    va_end(ap);
    return code;
}

chaptag_status ct_fail_at(chaptag_error *err, chaptag_status code, unsigned line, unsigned column,
                          const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(err, code, line, column, fmt, ap);
    va_end(ap);
    return code;
}

const char *ct_strerror(int e, char *buf, size_t n)
{
    if (strerror_r(e, buf, n) != 0) /* the XSI form: strerror's buffer is shared by threads */
        snprintf(buf, n, "error %d", e);
    return buf;
}

chaptag_status ct_fail_errno(chaptag_error *err, const char *fmt, ...)
{
    int e = errno;
    if (err == NULL)
        return CHAPTAG_ERR_IO;
    va_list ap;
    va_start(ap, fmt);
    vfail(err, CHAPTAG_ERR_IO, 0, 0, fmt, ap);
    va_end(ap);
    size_t used = strlen(err->msg);
    char reason[128];
    snprintf(err->msg + used, sizeof err->msg - used, ": %s", ct_strerror(e, reason, sizeof reason));
    err->sys_errno = e;
    return CHAPTAG_ERR_IO;
}

chaptag_status ct_fail_nomem(chaptag_error *err)
{
    return ct_fail(err, CHAPTAG_ERR_NOMEM, 0, "out of memory");
}

void ct_warn(ct_warnings *w, unsigned line, const char *fmt, ...)
{
    chaptag_warning *v = ct_grow(w->v, w->n, &w->cap, sizeof *v);
    if (v == NULL)
        return;
    w->v = v;
    chaptag_warning *x = &w->v[w->n++];
    x->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->msg, sizeof x->msg, fmt, ap);
    va_end(ap);
}

void ct_warnings_append(ct_warnings *to, const ct_warnings *from)
{
    for (size_t i = 0; i < from->n; i++)
        ct_warn(to, from->v[i].line, "%s", from->v[i].msg);
}

void ct_warnings_clear(ct_warnings *w)
{
    free(w->v);
    w->v = NULL;
    w->n = w->cap = 0;
}

#ifdef CHAPTAG_TESTING
static unsigned long fail_at;

void ct_alloc_fail_at(unsigned long n)
{
    fail_at = n;
}

/* True when this allocation is the one the test asked to fail. */
static bool alloc_should_fail(void)
{
    if (fail_at == 0)
        return false;
    if (--fail_at == 0) {
        errno = ENOMEM;
        return true;
    }
    return false;
}
#else
void ct_alloc_fail_at(unsigned long n)
{
    (void)n;
}

static bool alloc_should_fail(void)
{
    return false;
}
#endif

void *ct_malloc(size_t n)
{
    return alloc_should_fail() ? NULL : malloc(n ? n : 1);
}

void *ct_calloc(size_t count, size_t size)
{
    return alloc_should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1);
}

void *ct_realloc(void *p, size_t n)
{
    return alloc_should_fail() ? NULL : realloc(p, n ? n : 1);
}

void *ct_grow(void *v, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return v;
    size_t c = *cap ? *cap * 2 : 8;
    if (c > SIZE_MAX / size)
        return NULL;
    void *p = ct_realloc(v, c * size);
    if (p != NULL)
        *cap = c;
    return p;
}

char *ct_strndup(const char *s, size_t n)
{
    char *d = ct_malloc(n + 1);
    if (d == NULL)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ct_strdup(const char *s)
{
    return ct_strndup(s, strlen(s));
}
