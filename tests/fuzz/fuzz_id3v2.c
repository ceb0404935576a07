/* The ID3v2 reader: stacked tags, every version, unsynchronisation, CHAP/CTOC; then the
   chapters read and the tag rendered again (as strip and embed would) without them. */
#include "fuzz.h"
#include "id3v2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ct_id3_tag *tag = NULL;
    chaptag_error err;
    if (ct_id3v2_parse(data, size, &tag, &err) != CHAPTAG_OK)
        return 0;
    chaptag_chapters *list = chaptag_chapters_new();
    if (list != NULL && ct_id3v2_chapters(tag, list, &err) == CHAPTAG_OK) {
        for (int version = 3; version <= 4; version++) {
            ct_buf out = CT_BUF_INIT, desc = CT_BUF_INIT;
            ct_warnings w = {0};
            ct_id3_render_opts o = {version, "Chapters", 3600000};
            ct_id3v2_render_frames(tag, NULL, &o, &out, &desc, &w, &err);
            if (chaptag_chapters_count(list) > 0 &&
                chaptag_chapters_validate(list, CHAPTAG_TIME_NONE, &err) == CHAPTAG_OK)
                ct_id3v2_render_frames(tag, list, &o, &out, &desc, &w, &err);
            ct_buf_free(&out);
            ct_buf_free(&desc);
            ct_warnings_clear(&w);
        }
    }
    chaptag_chapters_free(list);
    ct_id3v2_tag_free(tag);
    return 0;
}
