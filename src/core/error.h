/* Errors and warnings: filling the caller's chaptag_error, naming status codes, and the
   growable list of warnings that parsers and backends collect for the caller. */
#ifndef CHAPTAG_ERROR_H
#define CHAPTAG_ERROR_H

#include <stdbool.h>
#include <stddef.h>

#include "chaptag/chaptag.h"

#if defined(__GNUC__)
#define CT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CT_PRINTF(a, b)
#endif

/* Fills ERR (may be NULL) with CODE, LINE and the formatted message; returns CODE. */
chaptag_status ct_fail(chaptag_error *err, chaptag_status code, unsigned line, const char *fmt,
                       ...) CT_PRINTF(4, 5);

/* As ct_fail() with a column too (JSON, XML). */
chaptag_status ct_fail_at(chaptag_error *err, chaptag_status code, unsigned line, unsigned column,
                          const char *fmt, ...) CT_PRINTF(5, 6);

/* The text of errno value E in BUF (N bytes), thread-safe; returns BUF. */
const char *ct_strerror(int e, char *buf, size_t n);

/* CHAPTAG_ERR_IO from errno, which must be captured right after the failing call: the message
   is the formatted text, ": ", and strerror(errno). */
chaptag_status ct_fail_errno(chaptag_error *err, const char *fmt, ...) CT_PRINTF(2, 3);

/* CHAPTAG_ERR_NOMEM with a fixed message. */
chaptag_status ct_fail_nomem(chaptag_error *err);

/* Warnings gathered while parsing, reading or writing; the owner frees them. */
typedef struct {
    chaptag_warning *v;
    size_t n, cap;
} ct_warnings;

/* Appends a warning. Out of memory, the warning is dropped: a warning never fails a call. */
void ct_warn(ct_warnings *w, unsigned line, const char *fmt, ...) CT_PRINTF(3, 4);

/* Appends copies of every warning of FROM to TO. */
void ct_warnings_append(ct_warnings *to, const ct_warnings *from);

/* Frees the list and leaves it empty. */
void ct_warnings_clear(ct_warnings *w);

/* Allocation wrappers. Built with CHAPTAG_TESTING, ct_alloc_fail_at(N) makes the Nth
   allocation from then on fail (0 turns it off), for the out-of-memory tests. */
void *ct_malloc(size_t n);
void *ct_calloc(size_t count, size_t size);
void *ct_realloc(void *p, size_t n);
char *ct_strdup(const char *s);
char *ct_strndup(const char *s, size_t n);
void ct_alloc_fail_at(unsigned long n);

/* Room for one more element in the array V of N elements of SIZE bytes (capacity *CAP):
   V itself when there is room, else a grown copy (*CAP updated); NULL when memory runs out,
   V then untouched and still the caller's. */
void *ct_grow(void *v, size_t n, size_t *cap, size_t size);

#endif
