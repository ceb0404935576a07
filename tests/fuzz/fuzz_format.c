/* One chapter-file format's parser (CT_FUZZ_FORMAT, e.g. "text"), and its round trip: what it
   accepts, formatted in the same format, parses back to the same starts and titles. Built once
   per format. */
#include <string.h>

#include "chaptag/chaptag.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    chaptag_chapters *list = NULL, *again = NULL;
    chaptag_error err;
    if (chaptag_parse((const char *)data, size, CT_FUZZ_FORMAT, &list, &err) != CHAPTAG_OK)
        return 0;
    char *out = NULL;
    size_t len;
    if (chaptag_format(list, CT_FUZZ_FORMAT, 3600000000u, &out, &len, &err) == CHAPTAG_OK) {
        FUZZ_CHECK(chaptag_parse(out, len, CT_FUZZ_FORMAT, &again, &err) == CHAPTAG_OK);
        FUZZ_CHECK(chaptag_chapters_count(again) == chaptag_chapters_count(list));
        for (size_t i = 0; i < chaptag_chapters_count(list); i++) {
            const chaptag_chapter *a = chaptag_chapters_get(list, i);
            const chaptag_chapter *b = chaptag_chapters_get(again, i);
            /* cue keeps 1/75 s, so starts may move by less than a frame there */
            uint64_t d = a->start_ms > b->start_ms ? a->start_ms - b->start_ms
                                                   : b->start_ms - a->start_ms;
            FUZZ_CHECK(d <= (strcmp(CT_FUZZ_FORMAT, "cue") == 0 ? 7u : 0u));
        }
    }
    free(out);
    chaptag_chapters_free(again);
    chaptag_chapters_free(list);
    return 0;
}
