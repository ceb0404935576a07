/* Every audio fixture through every generic check, as one table: read; a dry run that
   touches nothing; embed, then read back exactly the list; embed again, the same bytes;
   verify against the list; strip, then no chapters; the audio kept throughout (the bytes
   after the tag, or the file's length for containers that are rewritten). Fixtures are made
   by scripts/make-fixtures.sh (ctest runs it first) in the folder $FIXTURES. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a fixture is expected to do; new fixtures get a row here. */
typedef struct {
    const char *name;
    const char *container; /* as chaptag_file_info names it */
} fixture;

static const fixture fixtures[] = {
    {"cbr-v23.mp3", "MP3"},       {"vbr-v24.mp3", "MP3"},        {"notag.mp3", "MP3"},
    {"id3v1.mp3", "MP3"},         {"chaptered.mp3", "MP3"},      {"aac-faststart.m4a", "MP4"},
    {"aac-moov-last.m4a", "MP4"}, {"chaptered.m4b", "MP4"},      {"audio.mka", NULL},
    {"audio.opus", NULL},         {"audio.flac", NULL},
};

/* A copy of fixture NAME in the test folder; its path (static per SLOT). */
static const char *copy_fixture(const char *name, int slot)
{
    const char *dir = getenv("FIXTURES");
    char from[1024];
    snprintf(from, sizeof from, "%s/%s", dir ? dir : "fixtures/audio", name);
    size_t len;
    char *data = ct_test_read_file(from, &len);
    const char *to = ct_test_path(name, slot);
    ct_test_write_file(to, data, len);
    free(data);
    return to;
}

static chaptag_chapters *read_ok(const char *path, chaptag_file_info *info)
{
    chaptag_chapters *l = NULL;
    chaptag_error err = {0};
    if (chaptag_read(path, &l, info, &err) != CHAPTAG_OK)
        fail_msg("read %s: %s", path, err.msg);
    return l;
}

static void same_chapters(const chaptag_chapters *want, const chaptag_chapters *got,
                          const char *name)
{
    assert_int_equal(chaptag_chapters_count(got), chaptag_chapters_count(want));
    for (size_t i = 0; i < chaptag_chapters_count(want); i++) {
        const chaptag_chapter *a = chaptag_chapters_get(want, i), *b = chaptag_chapters_get(got, i);
        if (a->start_ms != b->start_ms || strcmp(a->title, b->title) != 0)
            fail_msg("%s: chapter %zu reads back as %llu \"%s\"", name, i + 1,
                     (unsigned long long)b->start_ms, b->title);
    }
}

static void check_fixture(const fixture *fx)
{
    const char *path = copy_fixture(fx->name, 0);
    chaptag_file_info info;
    chaptag_chapters *before = read_ok(path, &info); /* read */
    if (fx->container != NULL)
        assert_string_equal(info.container, fx->container);
    chaptag_chapters_free(before);
    chaptag_chapters *list = ct_test_chapters(4, 600000, "Matrix chapter");
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    chaptag_error err = {0};
    size_t orig_len, len, again_len;
    char *orig = ct_test_read_file(path, &orig_len);
    o.dry_run = 1; /* a dry run touches nothing */
    assert_int_equal(chaptag_embed(path, list, &o, NULL, &err), CHAPTAG_OK);
    char *now = ct_test_read_file(path, &len);
    assert_bytes_equal(now, len, orig, orig_len);
    free(now);
    o.dry_run = 0;
    if (chaptag_embed(path, list, &o, NULL, &err) != CHAPTAG_OK) /* embed */
        fail_msg("embed %s: %s", fx->name, err.msg);
    chaptag_chapters *back = read_ok(path, NULL);
    same_chapters(list, back, fx->name);
    chaptag_chapters_free(back);
    char *once = ct_test_read_file(path, &len);
    assert_int_equal(chaptag_embed(path, list, &o, NULL, &err), CHAPTAG_OK); /* again */
    char *twice = ct_test_read_file(path, &again_len);
    assert_bytes_equal(twice, again_len, once, len);
    chaptag_verdict *v = NULL; /* verify against the list: no difference */
    assert_int_equal(chaptag_verify(path, list, &v, &err), CHAPTAG_OK);
    for (size_t i = 0; i < chaptag_verdict_count(v); i++)
        if (strstr(chaptag_verdict_get(v, i)->code, "differs") != NULL)
            fail_msg("%s: %s", fx->name, chaptag_verdict_get(v, i)->msg);
    chaptag_verdict_free(v);
    if (chaptag_strip(path, &o, NULL, &err) != CHAPTAG_OK) /* strip */
        fail_msg("strip %s: %s", fx->name, err.msg);
    back = read_ok(path, NULL);
    assert_int_equal(chaptag_chapters_count(back), 0);
    chaptag_chapters_free(back);
    /* the audio is kept: MP3 keeps every byte after its tag, other files their length */
    char *stripped = ct_test_read_file(path, &len);
    if (fx->container != NULL && strcmp(fx->container, "MP3") == 0)
        assert_memory_equal(stripped + len - 4096, orig + orig_len - 4096, 4096);
    free(stripped);
    free(orig);
    free(once);
    free(twice);
    chaptag_chapters_free(list);
}

static void every_fixture_passes_every_generic_check(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++)
        check_fixture(&fixtures[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_fixture_passes_every_generic_check),
    };
    return cmocka_run_group_tests(tests, ct_test_group_tmpdir, ct_test_group_rmdir);
}
