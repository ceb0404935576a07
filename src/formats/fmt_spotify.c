/* The `spotify` format: the chapter block of a Spotify episode description, as Spotify for
   Creators' "Creating and managing chapters" states it: the first at 0 ("00:00"), at least 3
   chapters on lines of their own in chronological order, "{timestamp}{title}" with MM:SS or
   HH:MM:SS and at most one punctuation mark between them. Its advice, titles under 40
   characters and no emoji, is warned. Written only; the text format reads it back. */
#include "platforms.h"

const ct_platform ct_platform_spotify = {
    .name = "spotify",
    .label = "Spotify",
    .min_chapters = 3,
    .title_advice = 40,
    .warn_emoji = true,
    .one_separator = true,
    .stamps = CT_STAMP_PADDED,
};

static chaptag_status spotify_format(const chaptag_chapters *list, uint64_t duration_ms,
                                     ct_buf *out, ct_warnings *warnings, chaptag_error *err)
{
    return ct_platform_write(&ct_platform_spotify, list, duration_ms, out, warnings, err);
}

const ct_format ct_fmt_spotify = {"spotify", "", 0, NULL, NULL, spotify_format};
