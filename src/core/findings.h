/* Findings: what verify and the container lints report about a file's chapters. */
#ifndef CHAPTAG_FINDINGS_H
#define CHAPTAG_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

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

#endif
