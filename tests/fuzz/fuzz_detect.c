/* Detection and parsing of any chapter file, the way embed reads one it was not told the
   format of. */
#include "chaptag/chaptag.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *fmt = chaptag_detect((const char *)data, size, NULL);
    chaptag_chapters *list = NULL;
    chaptag_error err;
    if (chaptag_parse((const char *)data, size, fmt, &list, &err) == CHAPTAG_OK)
        FUZZ_CHECK(chaptag_chapters_validate(list, CHAPTAG_TIME_NONE, &err) == CHAPTAG_OK);
    chaptag_chapters_free(list);
    return 0;
}
