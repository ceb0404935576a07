/* Standard tags (title, artist, album, year) through the TagLib C bindings, opened with
   dlopen on first use: for containers without a native reader, and as the tests' second
   opinion on the native readers. */
#ifndef CHAPTAG_TAGLIB_H
#define CHAPTAG_TAGLIB_H

#include <stdbool.h>

#include "chapters.h"

/* Adds the standard tags of the file at PATH to LIST's metadata ("title", "artist", "album",
   "year"). CHAPTAG_ERR_AUDIO when TagLib is missing or cannot read the file. */
chaptag_status ct_taglib_tags(const char *path, chaptag_chapters *list, chaptag_error *err);

/* True once TagLib has been loaded in this process. */
bool ct_taglib_loaded(void);

#endif
