/* Loading FFmpeg's libraries with dlopen, one way for all of them (avformat.c, avcodec.c):
   the major version chaptag was built for first, under each platform's names (full paths in
   Homebrew's and MacPorts' folders on macOS), or the path an environment variable names; the
   majors checked through the version functions before anything else is looked up, since
   chaptag reads FFmpeg's structures, whose fields move from one major to the next. Needs no
   FFmpeg header. */
#ifndef CHAPTAG_FFLOAD_H
#define CHAPTAG_FFLOAD_H

#include <stdbool.h>
#include <stddef.h>

/* A library whose major must be the one built for: its version function ("avcodec_version"),
   looked up through the handle opened (which also answers for the libraries it depends on). */
typedef struct {
    const char *lib; /* "libavcodec" */
    const char *fn;  /* "avcodec_version" */
    unsigned built;  /* LIBAVCODEC_VERSION_MAJOR */
} ct_ff_major;

/* Opens lib<NAME> ("avformat") of major MAJORS[0].built, or the file the environment variable
   ENV names, whose N MAJORS must all be those built for. The handle; or NULL with WHY (SIZE
   bytes, one clause naming what was found and what to install), *MISSING true when no such
   library is installed at all and false when one is there but not the one. */
void *ct_ff_open(const char *name, const char *env, const ct_ff_major *majors, size_t n,
                 char *why, size_t size, bool *missing);

#endif
