/* The `apple` format: the chapter block of an Apple Podcasts episode description, as Apple
   Podcasts for Creators' "Chapters on Apple Podcasts" states it: "Start the first chapter at
   00:00:00 and include at least three chapters"; one "HH:MM:SS Title" line per chapter.
   Written only; the text format reads it back. */
#include "platforms.h"

const ct_platform ct_platform_apple = {
    .name = "apple",
    .label = "Apple Podcasts",
    .min_chapters = 3,
    .stamps = CT_STAMP_FULL,
};

static chaptag_status apple_format(const chaptag_chapters *list, uint64_t duration_ms,
                                   ct_buf *out, ct_warnings *warnings, chaptag_error *err)
{
    return ct_platform_write(&ct_platform_apple, list, duration_ms, out, warnings, err);
}

const ct_format ct_fmt_apple = {"apple", "", 0, NULL, NULL, apple_format};
