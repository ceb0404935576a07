/* Shared helpers of the cmocka unit tests. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void dump_around(const char *name, const uint8_t *p, size_t len, size_t at)
{
    size_t from = at > 16 ? (at - 16) & ~(size_t)15 : 0;
    size_t to = from + 48 < len ? from + 48 : len;
    fprintf(stderr, "%s (%zu bytes):\n", name, len);
    for (size_t i = from; i < to; i += 16) {
        fprintf(stderr, "  %06zx:", i);
        for (size_t j = i; j < i + 16 && j < to; j++)
            fprintf(stderr, "%s%02x", j == at ? ">" : " ", p[j]);
        fprintf(stderr, "\n");
    }
}

void ct_test_bytes_equal(const uint8_t *a, size_t len_a, const uint8_t *b, size_t len_b,
                         const char *file, int line)
{
    size_t n = len_a < len_b ? len_a : len_b, i = 0;
    while (i < n && a[i] == b[i])
        i++;
    if (i == n && len_a == len_b)
        return;
    fprintf(stderr, "%s:%d: bytes differ at offset %zu\n", file, line, i);
    dump_around("got", a, len_a, i);
    dump_around("want", b, len_b, i);
    fail();
}

char *ct_test_read_file(const char *path, size_t *len)
{
    char full[4096];
    if (path[0] == '/')
        snprintf(full, sizeof full, "%s", path);
    else
        snprintf(full, sizeof full, "%s/%s", CT_SOURCE_DIR, path);
    FILE *f = fopen(full, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", full);
        fail();
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *d = malloc((size_t)n + 1);
    assert_non_null(d);
    assert_int_equal(fread(d, 1, (size_t)n, f), (size_t)n);
    d[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return d;
}

char *ct_test_tmpdir(void)
{
    char *d = strdup("/tmp/chaptag-test-XXXXXX");
    assert_non_null(d);
    assert_non_null(mkdtemp(d));
    return d;
}

void ct_test_rmdir(char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    free(dir);
}
