/* verify: findings about a file's chapters, gathered by the container backends (what players
   trip on in their format) and by the generic checks and comparison in verify.c. */
#ifndef CHAPTAG_VERIFY_H
#define CHAPTAG_VERIFY_H

#include "chapters.h"

typedef struct {
    chaptag_finding *v;
    size_t n, cap;
    bool failed; /* a finding was lost for lack of memory: verify must not pass by accident */
} ct_findings;

/* Adds a finding. WHY may be NULL. */
void ct_find(ct_findings *f, chaptag_severity sev, const char *code, const char *why,
             const char *fmt, ...) CT_PRINTF(5, 6);

/* As ct_find(), naming LINE of the expected chapter file. */
void ct_find_line(ct_findings *f, chaptag_severity sev, const char *code, unsigned line,
                  const char *fmt, ...) CT_PRINTF(5, 6);

void ct_findings_clear(ct_findings *f);

struct chaptag_verdict {
    ct_findings findings;
    chaptag_chapters *list;
    chaptag_file_info info;
};

/* The checks every container shares, on the chapters LIST read from a file described by INFO,
   and, when EXPECTED is not NULL, every difference from it. */
void ct_verify_chapters(const chaptag_chapters *list, const chaptag_file_info *info,
                        const chaptag_chapters *expected, ct_findings *f);

#endif
