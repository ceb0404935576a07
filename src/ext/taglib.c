/* Standard tags through the TagLib C bindings (libtag_c), opened with dlopen on first use so
   that the MP3 and MP4 paths, which read their tags natively, never pay for loading it. The
   bindings' string management (one global list that taglib_tag_free_strings empties) is
   turned off: each string is freed by its reader, so threads do not free each other's. */
#include "taglib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlsyms.h"

/* Filled once, under pthread_once, and only read after. */
static struct {
    void *lib;
    void *(*file_new)(const char *);
    int (*file_is_valid)(const void *);
    void *(*file_tag)(const void *);
    void (*file_free)(void *);
    char *(*title)(const void *);
    char *(*artist)(const void *);
    char *(*album)(const void *);
    unsigned (*year)(const void *);
    void (*set_unicode)(int);
    void (*set_management)(int);
    void (*free)(void *); /* taglib_free (TagLib 1.11 on), else libc's: what strdup gave */
} tl;
static pthread_once_t tl_once = PTHREAD_ONCE_INIT;
static atomic_bool tl_loaded; /* for ct_taglib_loaded(), which must not load it */

/* TagLib's C bindings, 1.x (libtag_c 0) or 2.x (libtag_c 2), whose functions used here are
   the same. On macOS by whole paths, Homebrew's (Apple silicon, Intel) and MacPorts': a bare
   name is looked for in the working folder, and not under /opt/homebrew. */
static const char *const names[] = {
#ifdef __APPLE__
    "/opt/homebrew/lib/libtag_c.2.dylib", "/opt/homebrew/lib/libtag_c.0.dylib",
    "/usr/local/lib/libtag_c.2.dylib",    "/usr/local/lib/libtag_c.0.dylib",
    "/opt/local/lib/libtag_c.2.dylib",    "/opt/local/lib/libtag_c.0.dylib",
#else
    "libtag_c.so.0",
    "libtag_c.so.2",
#endif
};

/* Where the missing bindings come from. */
#if defined(__APPLE__)
#define TAGLIB_PACKAGE "Homebrew: brew install taglib"
#elif defined(__FreeBSD__)
#define TAGLIB_PACKAGE "FreeBSD: pkg install taglib"
#else
#define TAGLIB_PACKAGE "Debian: apt-get install libtag1v5 libtagc0"
#endif

static void load_once(void)
{
    const char *chosen = getenv("CHAPTAG_LIBTAG_C"); /* another TagLib than the system's */
    for (size_t i = 0; chosen == NULL && i < sizeof names / sizeof names[0] && tl.lib == NULL; i++)
        tl.lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (chosen != NULL)
        tl.lib = dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
    if (tl.lib == NULL)
        return;
    static const ct_dlsym syms[] = {
        {(void **)&tl.file_new, "taglib_file_new"},
        {(void **)&tl.file_is_valid, "taglib_file_is_valid"},
        {(void **)&tl.file_tag, "taglib_file_tag"},
        {(void **)&tl.file_free, "taglib_file_free"},
        {(void **)&tl.title, "taglib_tag_title"},
        {(void **)&tl.artist, "taglib_tag_artist"},
        {(void **)&tl.album, "taglib_tag_album"},
        {(void **)&tl.year, "taglib_tag_year"},
        {(void **)&tl.set_unicode, "taglib_set_strings_unicode"},
        {(void **)&tl.set_management, "taglib_set_string_management_enabled"},
    };
    if (ct_dlsyms(tl.lib, syms, sizeof syms / sizeof syms[0]) != NULL) {
        dlclose(tl.lib);
        tl.lib = NULL;
        return;
    }
    *(void **)&tl.free = dlsym(tl.lib, "taglib_free");
    if (tl.free == NULL)
        tl.free = free;
    tl.set_unicode(1);
    tl.set_management(0);
    atomic_store(&tl_loaded, true);
}

/* Loads TagLib on first use, once per process whatever the threads. */
static bool load(void)
{
    pthread_once(&tl_once, load_once);
    return tl.lib != NULL;
}

bool ct_taglib_loaded(void)
{
    return atomic_load(&tl_loaded);
}

chaptag_status ct_taglib_tags(const char *path, chaptag_chapters *list, chaptag_error *err)
{
    if (!load())
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "TagLib is not installed (" TAGLIB_PACKAGE ")");
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
        char *(*const get[])(const void *) = {tl.title, tl.artist, tl.album};
        static const char *const keys[] = {"title", "artist", "album"};
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            char *value = get[i](tag); /* ours to free: string management is off */
            if (st == CHAPTAG_OK && value != NULL && value[0] != '\0')
                st = chaptag_chapters_set_meta(list, keys[i], value, err);
            if (value != NULL)
                tl.free(value);
        }
        if (st == CHAPTAG_OK && year[0] != '\0')
            st = chaptag_chapters_set_meta(list, "year", year, err);
    }
    tl.file_free(file);
    return st;
}
