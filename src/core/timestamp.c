/* Times as people write them: one reader of digits, one of fractions (to the millisecond,
   half up, never through floating point), one of H:M:S fields, and the parsers and printer
   built on them. Each chapter format adds only what its own grammar says on top (digit
   counts, ranges, its decimal mark, CUE's frames). */
#include "timestamp.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "error.h" /* the public header: chaptag_time_str(), chaptag_parse_time() */

const char *ct_time_str_ms(uint64_t ms, char *buf)
{
    uint64_t s = ms / 1000;
    snprintf(buf, CT_TIME_STR_MAX, "%02" PRIu64 ":%02u:%02u.%03u", s / 3600,
             (unsigned)(s / 60 % 60), (unsigned)(s % 60), (unsigned)(ms % 1000));
    return buf;
}

const char *ct_time_str(uint64_t ms, char *buf)
{
    ct_time_str_ms(ms, buf);
    if (ms % 1000 == 0)
        buf[strlen(buf) - 4] = '\0';
    return buf;
}

bool ct_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

size_t ct_time_digits(const char **p, const char *end, uint64_t *v)
{
    const char *s = *p;
    *v = 0;
    for (; *p < end && ct_is_digit(**p); (*p)++) {
        uint64_t d = (uint64_t)(**p - '0');
        *v = *v <= (UINT64_MAX - d) / 10 ? *v * 10 + d : UINT64_MAX;
    }
    return (size_t)(*p - s);
}

size_t ct_time_fraction(const char **p, const char *end, uint64_t *ms)
{
    uint64_t v = 0;
    size_t n = 0;
    bool round_up = false;
    for (; *p < end && ct_is_digit(**p); (*p)++, n++) {
        if (n < 3)
            v = v * 10 + (uint64_t)(**p - '0');
        else if (n == 3)
            round_up = **p >= '5';
    }
    for (size_t k = n; k < 3; k++)
        v *= 10;
    *ms = v + (round_up ? 1 : 0);
    return n;
}

bool ct_time_read_fields(const char **p, const char *end, ct_time_fields *f)
{
    f->n = 0;
    for (;;) {
        if (f->n == 3)
            return false;
        f->digits[f->n] = ct_time_digits(p, end, &f->v[f->n]);
        if (f->digits[f->n++] == 0)
            return false;
        if (*p == end || **p != ':')
            return true;
        (*p)++;
    }
}

uint64_t ct_time_fields_seconds(const ct_time_fields *f)
{
    uint64_t s = 0;
    for (int i = 0; i < f->n; i++)
        s = s * 60 + f->v[i];
    return s;
}

/* Reads an optional fraction at *P: one of MARKS, then at least one digit, into *MS (0 when
   there is none). False for a mark without digits. */
static bool optional_fraction(const char **p, const char *end, const char *marks, uint64_t *ms)
{
    *ms = 0;
    if (*p == end || memchr(marks, **p, strlen(marks)) == NULL)
        return true;
    (*p)++;
    return ct_time_fraction(p, end, ms) > 0;
}

bool ct_seconds_parse(const char *s, size_t n, const char *marks, uint64_t *ms)
{
    const char *p = s, *end = s + n;
    uint64_t sec, frac;
    size_t digits = ct_time_digits(&p, end, &sec);
    if (digits == 0 || digits > 12 || !optional_fraction(&p, end, marks, &frac) || p != end)
        return false;
    *ms = sec * 1000 + frac;
    return true;
}

bool ct_time_parse(const char *s, size_t n, uint64_t *ms)
{
    const char *p = s, *end = s + n;
    ct_time_fields f;
    uint64_t frac;
    /* the leading field may be any size up to 12 digits; the ones after it are minutes or
       seconds */
    if (!ct_time_read_fields(&p, end, &f) || f.digits[0] > 12)
        return false;
    for (int i = 1; i < f.n; i++)
        if (f.digits[i] > 2 || f.v[i] > 59)
            return false;
    if (!optional_fraction(&p, end, ".", &frac) || p != end)
        return false;
    *ms = ct_time_fields_seconds(&f) * 1000 + frac;
    return true;
}

const char *chaptag_time_str(uint64_t ms, char *buf)
{
    return ct_time_str(ms, buf);
}

int chaptag_parse_time(const char *s, uint64_t *ms)
{
    return ct_time_parse(s, strlen(s), ms);
}

const char *ct_time_str_clock(uint64_t ms, char *buf)
{
    uint64_t s = ms / 1000;
    if (s >= 3600)
        snprintf(buf, CT_TIME_STR_MAX, "%" PRIu64 ":%02u:%02u.%03u", s / 3600,
                 (unsigned)(s / 60 % 60), (unsigned)(s % 60), (unsigned)(ms % 1000));
    else
        snprintf(buf, CT_TIME_STR_MAX, "%u:%02u.%03u", (unsigned)(s / 60), (unsigned)(s % 60),
                 (unsigned)(ms % 1000));
    return buf;
}
