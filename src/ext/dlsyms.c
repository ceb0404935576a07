/* The one lookup loop of the libraries opened at run time (dlsyms.h). */
#include "dlsyms.h"

#include <dlfcn.h>

const char *ct_dlsyms(void *lib, const ct_dlsym *syms, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        *syms[i].slot = dlsym(lib, syms[i].name);
        if (*syms[i].slot == NULL)
            return syms[i].name;
    }
    return NULL;
}
