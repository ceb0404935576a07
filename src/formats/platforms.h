/* The chapter blocks of platform descriptions (YouTube, Spotify, Apple Podcasts): one X(name)
   per fmt_<name>.c, last in the table's order. They are only written (parse is NULL): the
   text format reads them back. Each file also exports its platform's rules (transform.h),
   which verify --profile checks a file's chapters against. */
#ifndef CHAPTAG_PLATFORMS_H
#define CHAPTAG_PLATFORMS_H

#include <stddef.h>
#include <string.h>

#include "formats.h"
#include "transform.h"

#define CT_FORMATS_PLATFORMS(X) X(youtube) X(spotify) X(apple)

#define CT_PLATFORM_DECLARE(name)                                                              \
    extern const ct_format ct_fmt_##name;                                                      \
    extern const ct_platform ct_platform_##name;
CT_FORMATS_PLATFORMS(CT_PLATFORM_DECLARE)
#undef CT_PLATFORM_DECLARE

/* The rules of the platform called NAME ("youtube"), or NULL. */
static inline const ct_platform *ct_platform_find(const char *name)
{
#define CT_PLATFORM_ROW(name) &ct_platform_##name,
    static const ct_platform *const rows[] = {CT_FORMATS_PLATFORMS(CT_PLATFORM_ROW)};
#undef CT_PLATFORM_ROW
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (strcmp(rows[i]->name, name) == 0)
            return rows[i];
    return NULL;
}

/* What a pasted description holds besides its chapter block: replaces, in the UTF-8 text
   DATA (LEN bytes, lines ending in LF), every line the text format would refuse for having no
   time with blanks, keeping the line numbers, unless it is the title of the two-line form.
   The numbers of the lines blanked are appended to LINES (an unsigned each); returns how many
   lines with a time there are. */
size_t ct_text_blank_prose(char *data, size_t len, ct_buf *lines);

#endif
