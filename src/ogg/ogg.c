/* The OGG container: to be written (issue 14). Until then it claims no file, and libavformat
   answers for these files as before. */
#include "backend.h"

static bool ogg_sniff(ct_file *f, const uint8_t *head, size_t n)
{
    (void)f, (void)head, (void)n;
    return false;
}

const ct_backend ct_backend_ogg = {"OGG", ogg_sniff, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
