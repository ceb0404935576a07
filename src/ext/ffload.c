/* FFmpeg's libraries opened with dlopen (see ffload.h). */
#include "ffload.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* lib<name> of a major (FORMS) and without one (BARE), best first; on macOS full paths only,
   since its dlopen tries a bare name in the working folder too, and never looks in Homebrew's
   folders by itself. */
#if defined(__APPLE__)
static const char *const forms[] = {"/opt/homebrew/lib/lib%s.%u.dylib",
                                    "/usr/local/lib/lib%s.%u.dylib",
                                    "/opt/local/lib/lib%s.%u.dylib"};
static const char *const bare[] = {"/opt/homebrew/lib/lib%s.dylib", "/usr/local/lib/lib%s.dylib",
                                   "/opt/local/lib/lib%s.dylib"};
#define NOT_INSTALLED(why, size, name, built)                                              \
    snprintf(why, size, "lib%s %u is not installed (brew install ffmpeg)", name, built)
#elif defined(__FreeBSD__)
static const char *const forms[] = {"lib%s.so.%u"};
static const char *const bare[] = {"lib%s.so"};
#define NOT_INSTALLED(why, size, name, built)                                              \
    snprintf(why, size, "lib%s %u is not installed (pkg install ffmpeg)", name, built)
#else
static const char *const forms[] = {"lib%s.so.%u"};
static const char *const bare[] = {"lib%s.so"};
#define NOT_INSTALLED(why, size, name, built)                                              \
    snprintf(why, size, "lib%s %u is not installed (Debian: apt-get install lib%s%u)", name,   \
             built, name, built)
#endif
#define N_OF(a) (sizeof(a) / sizeof(a)[0])

/* True when every one of the N MAJORS answers through LIB (opened as PATH) with the major built
   for; else false with WHY. Only version functions are called. */
static bool right_majors(void *lib, const char *name, const char *path,
                         const ct_ff_major *majors, size_t n, char *why, size_t size)
{
    for (size_t i = 0; i < n; i++) {
        unsigned (*version)(void);
        *(void **)&version = dlsym(lib, majors[i].fn);
        if (version == NULL) {
            snprintf(why, size, "the lib%s at %s lacks %s: it is not FFmpeg's", name, path,
                     majors[i].fn);
            return false;
        }
        unsigned major = version() >> 16; /* AV_VERSION_MAJOR */
        if (major != majors[i].built) {
            snprintf(why, size, "%s %u found at %s, chaptag was built for %u; install %s%u, "
                     "or rebuild chaptag against the FFmpeg installed", majors[i].lib, major,
                     path, majors[i].built, majors[i].lib, majors[i].built);
            return false;
        }
    }
    return true;
}

/* PATH opened when it is the one; else NULL, and WHY (when still empty) says why a library that
   loaded is not: the first such is the one told. */
static void *try_library(const char *name, const char *path, const ct_ff_major *majors,
                         size_t n, char *why, size_t size)
{
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL)
        return NULL;
    char reason[256];
    if (right_majors(lib, name, path, majors, n, reason, sizeof reason))
        return lib;
    dlclose(lib);
    if (why[0] == '\0')
        snprintf(why, size, "%s", reason);
    return NULL;
}

void *ct_ff_open(const char *name, const char *env, const ct_ff_major *majors, size_t n,
                 char *why, size_t size, bool *missing)
{
    const unsigned built = majors[0].built;
    void *lib = NULL;
    char path[96];
    why[0] = '\0';
    *missing = false;
    const char *chosen = getenv(env); /* an FFmpeg built elsewhere */
    if (chosen != NULL) {
        lib = try_library(name, chosen, majors, n, why, size);
        if (lib == NULL && why[0] == '\0') {
            *missing = true;
            snprintf(why, size, "lib%s is not installed at %s (%s)", name, chosen, env);
        }
        return lib;
    }
    for (size_t i = 0; lib == NULL && i < N_OF(forms); i++) {
        snprintf(path, sizeof path, forms[i], name, built);
        lib = try_library(name, path, majors, n, why, size);
    }
    for (size_t i = 0; lib == NULL && i < N_OF(bare); i++) {
        snprintf(path, sizeof path, bare[i], name);
        lib = try_library(name, path, majors, n, why, size);
    }
    /* only to name what a distribution's upgrade (or an older one) left: never the one */
    for (int d = -2; lib == NULL && d <= 3; d++) {
        snprintf(path, sizeof path, forms[0], name, built + (unsigned)d);
        if (d != 0)
            lib = try_library(name, path, majors, n, why, size);
    }
    if (lib == NULL && why[0] == '\0') {
        *missing = true;
        NOT_INSTALLED(why, size, name, built);
    }
    return lib;
}
