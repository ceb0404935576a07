/* Standard tags through the TagLib C bindings (libtag_c), opened with dlopen on first use so
   that the MP3 and MP4 paths, which read their tags natively, never pay for loading it. */
#include "taglib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
    bool tried;
    void *lib;
    void *(*file_new)(const char *);
    int (*file_is_valid)(const void *);
    void *(*file_tag)(const void *);
    void (*file_free)(void *);
    char *(*title)(const void *);
    char *(*artist)(const void *);
    char *(*album)(const void *);
    unsigned (*year)(const void *);
    void (*free_strings)(void);
    void (*set_unicode)(int);
} tl;

static bool load(void)
{
    if (tl.tried)
        return tl.lib != NULL;
    tl.tried = true;
    const char *chosen = getenv("CHAPTAG_LIBTAG_C"); /* another TagLib than the system's */
    tl.lib = dlopen(chosen ? chosen : "libtag_c.so.0", RTLD_NOW | RTLD_LOCAL);
    if (tl.lib == NULL)
        return false;
    static const struct {
        void **slot;
        const char *name;
    } syms[] = {
        {(void **)&tl.file_new, "taglib_file_new"},
        {(void **)&tl.file_is_valid, "taglib_file_is_valid"},
        {(void **)&tl.file_tag, "taglib_file_tag"},
        {(void **)&tl.file_free, "taglib_file_free"},
        {(void **)&tl.title, "taglib_tag_title"},
        {(void **)&tl.artist, "taglib_tag_artist"},
        {(void **)&tl.album, "taglib_tag_album"},
        {(void **)&tl.year, "taglib_tag_year"},
        {(void **)&tl.free_strings, "taglib_tag_free_strings"},
        {(void **)&tl.set_unicode, "taglib_set_strings_unicode"},
    };
    for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
        *syms[i].slot = dlsym(tl.lib, syms[i].name);
        if (*syms[i].slot == NULL) {
            dlclose(tl.lib);
            tl.lib = NULL;
            return false;
        }
    }
    tl.set_unicode(1);
    return true;
}

bool ct_taglib_loaded(void)
{
    return tl.lib != NULL;
}

/* Sets KEY to VALUE in LIST when VALUE is not empty. */
static chaptag_status put(chaptag_chapters *list, const char *key, const char *value,
                          chaptag_error *err)
{
    if (value == NULL || value[0] == '\0')
        return CHAPTAG_OK;
    return chaptag_chapters_set_meta(list, key, value, err);
}

chaptag_status ct_taglib_tags(const char *path, chaptag_chapters *list, chaptag_error *err)
{
    if (!load())
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "TagLib is not installed (Debian: apt-get "
                       "install libtag1v5 libtagc0)");
    void *file = tl.file_new(path);
    if (file == NULL || !tl.file_is_valid(file)) {
        if (file != NULL)
            tl.file_free(file);
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "TagLib cannot read the file's tags");
    }
    const void *tag = tl.file_tag(file);
    chaptag_status st = CHAPTAG_OK;
    if (tag != NULL) {
        char year[16] = "";
        if (tl.year(tag) > 0)
            snprintf(year, sizeof year, "%u", tl.year(tag));
        st = put(list, "title", tl.title(tag), err);
        if (st == CHAPTAG_OK)
            st = put(list, "artist", tl.artist(tag), err);
        if (st == CHAPTAG_OK)
            st = put(list, "album", tl.album(tag), err);
        if (st == CHAPTAG_OK)
            st = put(list, "year", year, err);
        tl.free_strings();
    }
    tl.file_free(file);
    return st;
}
