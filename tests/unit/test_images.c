/* Tests of src/images.c: chapter pictures saved as files, the chapters pointing at them. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3};
static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 9};

/* Three chapters: a JPEG, none, a PNG. */
static chaptag_chapters *pictured_list(void)
{
    chaptag_chapters *l = chaptag_chapters_new();
    for (size_t i = 0; i < 3; i++) {
        chaptag_chapter ch = {.start_ms = 1000 * i, .end_ms = CHAPTAG_TIME_NONE, .title = "t"};
        ch.image_data = i == 0 ? jpeg : i == 2 ? png : NULL;
        ch.image_len = i == 0 ? sizeof jpeg : i == 2 ? sizeof png : 0;
        ch.image_mime = i == 0 ? "image/jpeg" : i == 2 ? "image/png" : NULL;
        assert_int_equal(chaptag_chapters_add(l, &ch, NULL), CHAPTAG_OK);
    }
    return l;
}

/* Fails unless the file PATH holds exactly the N bytes at WANT, readable by others. */
static void assert_file(const char *path, const unsigned char *want, size_t n)
{
    size_t len;
    char *got = ct_test_read_file(path, &len);
    assert_int_equal(len, n);
    assert_memory_equal(got, want, n);
    free(got);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
}

static void pictures_are_saved_and_named_relative_to_the_chapter_files_folder(void **state)
{
    (void)state;
    char root[600], pics[700], out[700], path[800];
    snprintf(root, sizeof root, "%s", ct_test_path("saved", 0));
    mkdir(root, 0777);
    snprintf(pics, sizeof pics, "%s/pics", root);
    snprintf(out, sizeof out, "%s/lists/deep", root);
    snprintf(path, sizeof path, "%s/lists", root);
    mkdir(path, 0777);
    mkdir(out, 0777);
    chaptag_chapters *l = pictured_list();
    chaptag_error err = {0};
    assert_int_equal(chaptag_chapters_save_images(l, pics, out, &err), CHAPTAG_OK);
    assert_string_equal(chaptag_chapters_get(l, 0)->image, "../../pics/chapter-001.jpg");
    assert_null(chaptag_chapters_get(l, 1)->image);
    assert_string_equal(chaptag_chapters_get(l, 2)->image, "../../pics/chapter-003.png");
    snprintf(path, sizeof path, "%s/chapter-001.jpg", pics);
    assert_file(path, jpeg, sizeof jpeg);
    snprintf(path, sizeof path, "%s/chapter-003.png", pics);
    assert_file(path, png, sizeof png);
    /* the bytes stay with the list; relative to the pictures' own folder, and absolute */
    assert_int_equal(chaptag_chapter_image_kind(chaptag_chapters_get(l, 0)), CHAPTAG_IMAGE_EMBEDDED);
    assert_int_equal(chaptag_chapters_save_images(l, pics, pics, &err), CHAPTAG_OK);
    assert_string_equal(chaptag_chapters_get(l, 0)->image, "chapter-001.jpg");
    assert_int_equal(chaptag_chapters_save_images(l, pics, root, &err), CHAPTAG_OK);
    assert_string_equal(chaptag_chapters_get(l, 2)->image, "pics/chapter-003.png");
    assert_int_equal(chaptag_chapters_save_images(l, pics, NULL, &err), CHAPTAG_OK);
    assert_true(chaptag_chapters_get(l, 0)->image[0] == '/');
    assert_non_null(strstr(chaptag_chapters_get(l, 0)->image, "/saved/pics/chapter-001.jpg"));
    /* a sibling folder whose name starts like the other's is no common folder */
    snprintf(path, sizeof path, "%s/picsx", root);
    mkdir(path, 0777);
    assert_int_equal(chaptag_chapters_save_images(l, pics, path, &err), CHAPTAG_OK);
    assert_string_equal(chaptag_chapters_get(l, 0)->image, "../pics/chapter-001.jpg");
    /* loaded back from a chapter file in OUT, the names reach the same bytes */
    chaptag_chapters_save_images(l, pics, out, &err);
    snprintf(path, sizeof path, "%s/list.json", out);
    chaptag_chapters *back = chaptag_chapters_new();
    chaptag_chapter ch = {.end_ms = CHAPTAG_TIME_NONE, .title = "t",
                          .image = chaptag_chapters_get(l, 2)->image};
    assert_int_equal(chaptag_chapters_add(back, &ch, NULL), CHAPTAG_OK);
    const char *dirs[] = {pics};
    assert_int_equal(chaptag_chapters_load_images_from(back, path, dirs, 1, &err), CHAPTAG_OK);
    assert_int_equal(chaptag_chapters_get(back, 0)->image_len, sizeof png);
    chaptag_chapters_free(back);
    chaptag_chapters_free(l);
}

static void a_folder_that_cannot_be_made_is_an_error_naming_it(void **state)
{
    (void)state;
    char file[700], dir[800];
    snprintf(file, sizeof file, "%s", ct_test_path("plain-file", 0));
    FILE *f = fopen(file, "w");
    fclose(f);
    chaptag_chapters *l = pictured_list();
    chaptag_error err = {0};
    assert_int_equal(chaptag_chapters_save_images(l, file, NULL, &err), CHAPTAG_ERR_IO);
    assert_non_null(strstr(err.msg, "is not a folder"));
    snprintf(dir, sizeof dir, "%s/sub", file);
    assert_int_equal(chaptag_chapters_save_images(l, dir, NULL, &err), CHAPTAG_ERR_IO);
    assert_non_null(strstr(err.msg, dir));
    assert_null(chaptag_chapters_get(l, 0)->image);
    chaptag_chapters_free(l);
    /* no picture, nothing made */
    l = chaptag_chapters_new();
    assert_int_equal(chaptag_chapters_save_images(l, dir, NULL, &err), CHAPTAG_OK);
    chaptag_chapters_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pictures_are_saved_and_named_relative_to_the_chapter_files_folder),
        cmocka_unit_test(a_folder_that_cannot_be_made_is_an_error_naming_it),
    };
    return cmocka_run_group_tests(tests, ct_test_group_tmpdir, ct_test_group_rmdir);
}
