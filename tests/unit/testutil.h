/* Shared helpers of the cmocka unit tests. Include after <cmocka.h>'s prerequisites. */
#ifndef CHAPTAG_TESTUTIL_H
#define CHAPTAG_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* Fails the test, with a hex dump of both around the first difference, unless the LEN_A
   bytes at A equal the LEN_B bytes at B. */
#define assert_bytes_equal(a, len_a, b, len_b)                                                  \
    ct_test_bytes_equal((const uint8_t *)(a), (len_a), (const uint8_t *)(b), (len_b), __FILE__, \
                        __LINE__)
void ct_test_bytes_equal(const uint8_t *a, size_t len_a, const uint8_t *b, size_t len_b,
                         const char *file, int line);

/* Reads the file at PATH (relative to the source tree when not absolute) into a new buffer
   (free() it), NUL-terminated; fails the test when it cannot. */
char *ct_test_read_file(const char *path, size_t *len);

/* A new directory under /tmp for one test; remove it with ct_test_rmdir(). */
char *ct_test_tmpdir(void);
void ct_test_rmdir(char *dir);

/* Group setup and teardown that make and remove one directory for a whole test program;
   ct_test_path(NAME, SLOT) is NAME in it, in a static buffer per SLOT (0 to 3). */
int ct_test_group_tmpdir(void **state);
int ct_test_group_rmdir(void **state);
const char *ct_test_path(const char *name, int slot);

/* Writes the LEN bytes at DATA to PATH, replacing it; fails the test when it cannot. */
void ct_test_write_file(const char *path, const void *data, size_t len);

/* Writes an MP3 to PATH: the TAG_LEN bytes at TAG (may be NULL), then N_FRAMES silent
   MPEG-1 Layer III frames of 417 bytes (128 kbit/s, 44.1 kHz: about 26 ms each). */
void ct_test_write_mp3(const char *path, const void *tag, size_t tag_len, size_t n_frames);

#include "chaptag/chaptag.h"

/* The list FMT parses the LEN bytes at DATA into; fails the test, naming the error, when it
   does not parse. */
chaptag_chapters *ct_test_parse(const char *fmt, const char *data, size_t len);

/* Fails unless FMT rejects the LEN bytes at DATA as invalid input at LINE (and COLUMN, when
   not 0) with exactly MSG. */
void ct_test_rejects(const char *fmt, const char *data, size_t len, unsigned line,
                     unsigned column, const char *msg);

/* The file that applying PLAN's edits to the LEN bytes at ORIG gives (a new buffer of *OUT_LEN
   bytes; free() it), as a rewrite would write it. */
uint8_t *ct_test_apply_edits(const uint8_t *orig, size_t len, const void *plan, size_t *out_len);

/* Applies PLAN's in-place steps to a copy of ORIG one by one, calling CHECK on the file after
   every step (the backend promises a valid file each time); returns the final file. */
uint8_t *ct_test_apply_steps(const uint8_t *orig, size_t len, const void *plan, size_t *out_len,
                             void (*check)(const uint8_t *data, size_t len, size_t step));

/* A new list of N chapters STEP_MS apart from 0, titled "PREFIX 1", "PREFIX 2"..., each on
   line i + 1. */
chaptag_chapters *ct_test_chapters(size_t n, uint64_t step_ms, const char *prefix);

/* The chapters BACKEND (a const ct_backend *) reads from the LEN bytes at DATA, with INFO (may
   be NULL) filled in; fails the test, naming the error, when it cannot read them. */
chaptag_chapters *ct_test_read(const void *backend, const uint8_t *data, size_t len,
                               chaptag_file_info *info);

#endif
