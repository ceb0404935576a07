/* verify: the verdict on a file's chapters, from the findings the container backends gather
   (what players trip on in their format) and the generic checks and comparison in verify.c. */
#ifndef CHAPTAG_VERIFY_H
#define CHAPTAG_VERIFY_H

#include "chapters.h"
#include "findings.h"

struct chaptag_verdict {
    ct_findings findings;
    chaptag_chapters *list;
    chaptag_file_info info;
};

/* The checks every container shares, on the chapters LIST read from a file described by INFO
   that HAS_COVER (1), has no cover art (0) or cannot say (-1), and, when EXPECTED is not NULL,
   every difference from it. */
void ct_verify_chapters(const chaptag_chapters *list, const chaptag_file_info *info,
                        int has_cover, const chaptag_chapters *expected, ct_findings *f);

#endif
