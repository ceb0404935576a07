/* The `youtube` format: the chapter block of a YouTube video description, as YouTube's help
   on video chapters states it: "0:00 Title" first, then one "M:SS Title" line per chapter
   (H:MM:SS from an hour on), at least 3 chapters in ascending order, each at least 10 seconds
   long. A list that breaks a rule is refused naming the chapter, since YouTube would show no
   chapters at all. Written only; the text format reads it back. */
#include "platforms.h"

const ct_platform ct_platform_youtube = {
    .name = "youtube",
    .label = "YouTube",
    .min_chapters = 3,
    .min_length_ms = 10000,
    .stamps = CT_STAMP_SHORT,
};

static chaptag_status youtube_format(const chaptag_chapters *list, uint64_t duration_ms,
                                     ct_buf *out, ct_warnings *warnings, chaptag_error *err)
{
    return ct_platform_write(&ct_platform_youtube, list, duration_ms, out, warnings, err);
}

const ct_format ct_fmt_youtube = {"youtube", "", 0, NULL, NULL, youtube_format};
