/* The MPEG frame scanner: first frame, VBR headers, trailing tags, duration. */
#include "fuzz.h"
#include "mpeg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ct_file *f = ct_file_memory(data, size);
    if (f == NULL)
        return 0;
    chaptag_error err;
    ct_mpeg_info info;
    uint64_t end;
    if (ct_mpeg_audio_end(f, 0, &end, &err) == CHAPTAG_OK)
        FUZZ_CHECK(end <= size);
    if (ct_mpeg_probe(f, 0, &info, &err) == CHAPTAG_OK)
        FUZZ_CHECK(info.first_frame < size && info.audio_end <= size);
    ct_file_close(f);
    return 0;
}
