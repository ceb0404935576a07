/* Shared helpers of the cmocka unit tests. */
#include "testutil.h"

#include "api.h"
#include "buf.h"
#include "plan.h"

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

static char *group_dir;

int ct_test_group_tmpdir(void **state)
{
    (void)state;
    group_dir = ct_test_tmpdir();
    return 0;
}

int ct_test_group_rmdir(void **state)
{
    (void)state;
    ct_test_rmdir(group_dir);
    group_dir = NULL;
    return 0;
}

const char *ct_test_path(const char *name, int slot)
{
    static char paths[4][512];
    assert_true(group_dir != NULL && slot >= 0 && slot < 4);
    snprintf(paths[slot], sizeof paths[slot], "%s/%s", group_dir, name);
    return paths[slot];
}

void ct_test_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

void ct_test_write_mp3(const char *path, const void *tag, size_t tag_len, size_t n_frames)
{
    enum { FRAME = 417 };
    uint8_t *p = calloc(1, tag_len + n_frames * FRAME);
    assert_non_null(p);
    if (tag_len > 0)
        memcpy(p, tag, tag_len);
    for (size_t i = 0; i < n_frames; i++) {
        uint8_t *f = p + tag_len + i * FRAME;
        f[0] = 0xFF, f[1] = 0xFB, f[2] = 0x90, f[3] = 0x00;
    }
    ct_test_write_file(path, p, tag_len + n_frames * FRAME);
    free(p);
}

/* Appends the content of edit or step E, reading ranges from SRC (LEN bytes). */
static void put_pieces(const ct_edit *e, const uint8_t *src, size_t len, ct_buf *out)
{
    for (size_t i = 0; i < e->n_pieces; i++) {
        const ct_piece *pc = &e->pieces[i];
        if (pc->bytes != NULL || pc->zeros) {
            if (pc->zeros)
                ct_buf_put_zeros(out, (size_t)pc->len);
            else
                ct_buf_put(out, pc->bytes, pc->len);
            continue;
        }
        assert_true(pc->src_off + pc->len <= len);
        if (pc->width == 0) {
            ct_buf_put(out, src + pc->src_off, pc->len);
            continue;
        }
        for (uint64_t k = 0; k < pc->len; k += pc->width) {
            const uint8_t *p = src + pc->src_off + k;
            uint64_t v = pc->width == 4 ? ct_load_u32be(p) : ct_load_u64be(p);
            if (v >= pc->from)
                v += (uint64_t)pc->delta;
            if (pc->out_width == 4)
                ct_buf_put_u32be(out, (uint32_t)v);
            else
                ct_buf_put_u64be(out, v);
        }
    }
}

uint8_t *ct_test_apply_edits(const uint8_t *orig, size_t len, const void *plan_, size_t *out_len)
{
    const ct_plan *plan = plan_;
    ct_buf out = CT_BUF_INIT;
    uint64_t pos = 0;
    for (size_t i = 0; i < plan->n; i++) {
        const ct_edit *e = &plan->v[i];
        assert_true(e->off >= pos && e->off + e->old_len <= len);
        ct_buf_put(&out, orig + pos, e->off - pos);
        put_pieces(e, orig, len, &out);
        pos = e->off + e->old_len;
    }
    ct_buf_put(&out, orig + pos, len - pos);
    assert_true(ct_buf_ok(&out));
    return ct_buf_take(&out, out_len);
}

uint8_t *ct_test_apply_steps(const uint8_t *orig, size_t len, const void *plan_, size_t *out_len,
                             void (*check)(const uint8_t *data, size_t len, size_t step))
{
    const ct_plan *plan = plan_;
    ct_buf file = CT_BUF_INIT;
    ct_buf_put(&file, orig, len);
    for (size_t i = 0; i < plan->n_steps; i++) {
        ct_buf piece = CT_BUF_INIT;
        put_pieces(&plan->steps[i], file.data, file.len, &piece);
        uint64_t off = plan->steps[i].off;
        if (off + piece.len > file.len) /* pwrite past the end leaves zeros in the gap */
            ct_buf_put_zeros(&file, (size_t)(off + piece.len - file.len));
        if (piece.len > 0)
            memcpy(file.data + off, piece.data, piece.len);
        ct_buf_free(&piece);
        if (check != NULL)
            check(file.data, file.len, i + 1);
    }
    assert_true(ct_buf_ok(&file));
    return ct_buf_take(&file, out_len);
}

chaptag_chapters *ct_test_parse(const char *fmt, const char *data, size_t len)
{
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    if (chaptag_parse(data, len, fmt, &list, &err) != CHAPTAG_OK)
        fail_msg("%s: line %u:%u: %s", fmt, err.line, err.column, err.msg);
    return list;
}

void ct_test_rejects(const char *fmt, const char *data, size_t len, unsigned line,
                     unsigned column, const char *msg)
{
    chaptag_chapters *list = NULL;
    chaptag_error err = {0};
    assert_int_equal(chaptag_parse(data, len, fmt, &list, &err), CHAPTAG_ERR_INPUT);
    assert_null(list);
    assert_int_equal(err.code, CHAPTAG_ERR_INPUT);
    assert_string_equal(err.msg, msg);
    assert_int_equal(err.line, line);
    if (column != 0)
        assert_int_equal(err.column, column);
}

chaptag_chapters *ct_test_chapters(size_t n, uint64_t step_ms, const char *prefix)
{
    chaptag_chapters *l = chaptag_chapters_new();
    assert_non_null(l);
    for (size_t i = 0; i < n; i++) {
        char title[600];
        snprintf(title, sizeof title, "%s %zu", prefix, i + 1);
        chaptag_chapter ch = {.start_ms = i * step_ms, .end_ms = CHAPTAG_TIME_NONE,
                              .title = title, .line = (unsigned)(i + 1)};
        chaptag_error err = {0};
        if (chaptag_chapters_add(l, &ch, &err) != CHAPTAG_OK)
            fail_msg("add: %s", err.msg);
    }
    return l;
}

chaptag_chapters *ct_test_read(const void *backend, const uint8_t *data, size_t len,
                               chaptag_file_info *info)
{
    const ct_backend *b = backend;
    chaptag_chapters *l = chaptag_chapters_new();
    ct_file *f = ct_file_memory(data, len);
    chaptag_error err = {0};
    chaptag_file_info scratch;
    chaptag_status st = ct_backend_read(b, f, "memory", l, info ? info : &scratch, &err);
    ct_file_close(f);
    if (st != CHAPTAG_OK)
        fail_msg("%s read: %s", b->name, err.msg);
    return l;
}
