/* Filling a table of function pointers from a library opened with dlopen: one loop for every
   library chaptag loads at run time (libavformat, libavcodec, libcurl, TagLib). */
#ifndef CHAPTAG_DLSYMS_H
#define CHAPTAG_DLSYMS_H

#include <stddef.h>

/* One function to look up: where its address goes, and its name in the library. */
typedef struct {
    void **slot;
    const char *name;
} ct_dlsym;

/* Looks up the N functions of SYMS in LIB (a dlopen handle), filling their slots. NULL when all
   are there; else the name of the first one missing (the library is left open). */
const char *ct_dlsyms(void *lib, const ct_dlsym *syms, size_t n);

#endif
