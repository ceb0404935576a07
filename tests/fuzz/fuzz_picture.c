/* The picture header reader verify runs on every chapter picture a file holds. */
#include "fuzz.h"
#include "picture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned w = 0, h = 0;
    if (ct_picture_size(data, size, &w, &h))
        FUZZ_CHECK(w > 0 && h > 0 && size >= 4);
    return 0;
}
