/* Chapter pictures written out (`dump --images`): each picture a file of its own, the chapter
   pointing at it by a path a chapter file can carry and embed can load back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chapters.h"
#include "fileio.h"

/* The path of TARGET relative to the folder FROM, both absolute and resolved (no ".", "..",
   or doubled slashes): "../pics/chapter-001.jpg". New, or NULL when memory runs out. */
static char *relative_path(const char *from, const char *target)
{
    size_t i = 0, mark = 0; /* mark: where the last component both share ends */
    while (from[i] != '\0' && from[i] == target[i]) {
        i++;
        if ((from[i] == '/' || from[i] == '\0') && target[i] == '/')
            mark = i;
    }
    size_t ups = 0;
    for (const char *p = from + mark; *p != '\0'; p++)
        ups += *p == '/' && p[1] != '\0';
    const char *rest = target + mark + 1;
    char *out = ct_malloc(3 * ups + strlen(rest) + 1);
    if (out == NULL)
        return NULL;
    char *w = out;
    for (size_t k = 0; k < ups; k++, w += 3)
        memcpy(w, "../", 3);
    strcpy(w, rest);
    return out;
}

/* Writes the picture of chapter INDEX into DIR_REAL as chapter-<INDEX + 1> and points the
   chapter at it, relative to REL_REAL (NULL: absolute). */
static chaptag_status save_one(chaptag_chapters *list, size_t index, const char *dir_real,
                               const char *rel_real, chaptag_error *err)
{
    const chaptag_chapter *ch = chaptag_chapters_get(list, index);
    const char *mime = ct_image_mime(ch->image_data, ch->image_len);
    const char *ext = mime != NULL && strcmp(mime, "image/png") == 0 ? "png" : "jpg";
    size_t n = strlen(dir_real) + 32;
    char *path = ct_malloc(n);
    if (path == NULL)
        return ct_fail_nomem(err);
    snprintf(path, n, "%s/chapter-%03zu.%s", dir_real, index + 1, ext);
    chaptag_status st = ct_write_whole_file(path, ch->image_data, ch->image_len, err);
    if (st != CHAPTAG_OK) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        st = ct_fail(err, st, 0, "cannot write the picture %s: %s", path, why);
    }
    char *name = st == CHAPTAG_OK && rel_real != NULL ? relative_path(rel_real, path) : NULL;
    if (st == CHAPTAG_OK && rel_real != NULL && name == NULL)
        st = ct_fail_nomem(err);
    if (st == CHAPTAG_OK && !ct_chapters_set_image_name(list, index, name ? name : path))
        st = ct_fail_nomem(err);
    free(name);
    free(path);
    return st;
}

chaptag_status chaptag_chapters_save_images(chaptag_chapters *list, const char *dir,
                                            const char *rel_dir, chaptag_error *err)
{
    bool any = false;
    for (size_t i = 0; i < chaptag_chapters_count(list); i++)
        any = any || chaptag_chapters_get(list, i)->image_data != NULL;
    if (!any)
        return CHAPTAG_OK;
    chaptag_status st = ct_make_dir(dir, err);
    if (st != CHAPTAG_OK) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        return ct_fail(err, st, 0, "%s: %s", dir, why);
    }
    char *dir_real = ct_path_resolve(dir);
    char *rel_real = rel_dir != NULL ? ct_path_resolve(rel_dir) : NULL;
    if (dir_real == NULL || (rel_dir != NULL && rel_real == NULL))
        st = ct_fail_errno(err, "cannot resolve the picture folder");
    for (size_t i = 0; st == CHAPTAG_OK && i < chaptag_chapters_count(list); i++)
        if (chaptag_chapters_get(list, i)->image_data != NULL)
            st = save_one(list, i, dir_real, rel_real, err);
    free(dir_real);
    free(rel_real);
    return st;
}
