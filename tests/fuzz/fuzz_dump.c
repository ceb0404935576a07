/* A whole-file dump and verify, as chaptag does on a file it did not write: the backend picked
   from the first bytes (MP3 or MP4; the libavformat fallback is FFmpeg's to fuzz), the
   chapters read, the lint run, and the chapters formatted as text and JSON. */
#include <string.h>

#include "api.h"
#include "verify.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const ct_backend *be = NULL;
    ct_file *f = ct_file_memory(data, size);
    size_t head = size < CT_SNIFF_HEAD ? size : CT_SNIFF_HEAD;
    if (f != NULL && ct_backend_mp3.sniff(f, data, head))
        be = &ct_backend_mp3;
    else if (f != NULL && ct_backend_mp4.sniff(f, data, head))
        be = &ct_backend_mp4;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_error err;
    chaptag_file_info info;
    if (be != NULL && list != NULL && ct_backend_read(be, f, "fuzz", list, &info, &err) == CHAPTAG_OK) {
        ct_findings findings = {0};
        if (be->lint != NULL)
            ct_backend_lint(be, f, &findings, &err);
        ct_verify_chapters(list, &info, 0, NULL, &findings);
        ct_findings_clear(&findings);
        static const char *const formats[] = {"text", "json"};
        for (size_t i = 0; i < 2 && chaptag_chapters_count(list) > 0; i++) {
            char *out = NULL;
            size_t len;
            chaptag_format(list, formats[i], info.duration_ms, &out, &len, &err);
            free(out);
        }
    }
    chaptag_chapters_free(list);
    ct_file_close(f);
    return 0;
}
