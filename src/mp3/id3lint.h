/* verify's checks of an ID3v2 tag's chapters against what players read. */
#ifndef CHAPTAG_ID3LINT_H
#define CHAPTAG_ID3LINT_H

#include "id3v2.h"
#include "findings.h"

/* Adds to OUT what players trip on in TAG's CHAP/CTOC frames; DURATION_MS (0: unknown) is
   the measured audio length TLEN is checked against. Only memory can fail. */
chaptag_status ct_id3v2_lint(const ct_id3_tag *tag, uint64_t duration_ms, ct_findings *out,
                             chaptag_error *err);

#endif
