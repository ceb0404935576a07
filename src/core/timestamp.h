/* Times as people write them: the one reader of digits, fractions and H:M:S fields every
   chapter format builds its own grammar on, the NPT and decimal-seconds parsers, and the
   HH:MM:SS[.mmm] printer of messages and formats. (Not "time.h": with src/core on the include
   path, that name would hide the C library's <time.h>.) */
#ifndef CHAPTAG_TIMESTAMP_H
#define CHAPTAG_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The latest time a chapter file may give, 100,000 hours: parsers reject anything later with
   a clear message (a typo, not an episode), so no arithmetic on a time can overflow, and
   formatters refuse it so that what they write always parses again. */
#define CT_TIME_MAX_HOURS 100000u
#define CT_TIME_MAX_MS ((uint64_t)CT_TIME_MAX_HOURS * 3600u * 1000u)

/* Room for any ct_time_str() result. */
#define CT_TIME_STR_MAX 32

/* Writes MS as HH:MM:SS, or HH:MM:SS.mmm when the milliseconds are not 0, into BUF (at
   least CT_TIME_STR_MAX bytes; hours grow past two digits as needed) and returns BUF. */
const char *ct_time_str(uint64_t ms, char *buf);

/* As ct_time_str(), always with milliseconds. */
const char *ct_time_str_ms(uint64_t ms, char *buf);

/* Writes MS as editors show it, M:SS.mmm, or H:MM:SS.mmm from an hour on, into BUF (at least
   CT_TIME_STR_MAX bytes) and returns BUF (Audition's decimal time, REAPER's m:ss.mmm). */
const char *ct_time_str_clock(uint64_t ms, char *buf);

/* True when C is an ASCII digit. */
bool ct_is_digit(char c);

/* Reads the digits at *P (before END) into *V and moves *P past them; returns how many there
   were. Exact up to 19 digits; a longer number saturates at UINT64_MAX, so a caller bounds a
   value before computing with it. */
size_t ct_time_digits(const char **p, const char *end, uint64_t *v);

/* Reads the digits of a fraction at *P (after its decimal mark) and moves *P past them;
   returns how many there were. *MS is the fraction in milliseconds, rounded half up on the
   fourth digit ("5" 500, "0005" 1, "00049" 0, "9995" 1000); 0 when there are no digits. */
size_t ct_time_fraction(const char **p, const char *end, uint64_t *ms);

/* The colon-separated fields of a time as written, [[F:]F:]F, leading field first. */
typedef struct {
    uint64_t v[3];     /* as ct_time_digits() reads them */
    size_t digits[3];  /* how many digits each has */
    int n;             /* how many fields: 1 to 3 */
} ct_time_fields;

/* Reads 1 to 3 colon-separated runs of digits at *P (before END) into *F and moves *P past
   them; false when a field has no digit or a fourth one follows. What the digit counts and
   ranges must be, and what may come after, is the caller's grammar. */
bool ct_time_read_fields(const char **p, const char *end, ct_time_fields *f);

/* The seconds of F (H:M:S, M:S or S); the caller has bounded the leading field. */
uint64_t ct_time_fields_seconds(const ct_time_fields *f);

/* Parses a time of the form [[H+:]MM:]SS[.fff] or plain seconds with a fraction (NPT, as
   PSC and the CLI's --duration use), N bytes at S, into *MS (fractions round half up).
   False when S is not such a time or is out of range. */
bool ct_time_parse(const char *s, size_t n, uint64_t *ms);

/* Parses a decimal number of seconds ("74", "120.5", "0.0005"; at most 12 digits before the
   fraction) exactly into milliseconds, rounding half up; MARKS are the characters that may
   stand before the fraction ("." or ".,"). False when S is not such a number. */
bool ct_seconds_parse(const char *s, size_t n, const char *marks, uint64_t *ms);

#endif
