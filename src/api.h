/* The API's own helpers that tests and fuzz targets use to drive one container the way the
   public functions do (open once, then read, plan or lint, then close). */
#ifndef CHAPTAG_API_H
#define CHAPTAG_API_H

#include "backend.h"

/* The backend for F, judged by its first bytes: native containers first, libavformat for
   the rest. CHAPTAG_ERR_AUDIO for an empty file or one nothing recognises. */
chaptag_status ct_pick_backend(ct_file *f, const ct_backend **out, chaptag_error *err);

/* Opens F (from PATH) with BE, reads its chapters into LIST and INFO, and closes it. */
chaptag_status ct_backend_read(const ct_backend *be, ct_file *f, const char *path,
                               chaptag_chapters *list, chaptag_file_info *info,
                               chaptag_error *err);

/* Opens F with BE, validates LIST (NULL: strip) against the duration OPTS gives or the file
   measures, plans writing it into PLAN and REP, and closes it. */
chaptag_status ct_backend_plan(const ct_backend *be, ct_file *f, const chaptag_chapters *list,
                               const chaptag_embed_opts *opts, ct_plan *plan,
                               struct chaptag_report *rep, chaptag_error *err);

/* Opens F with BE, adds its lint findings to OUT, and closes it. */
chaptag_status ct_backend_lint(const ct_backend *be, ct_file *f, ct_findings *out,
                               chaptag_error *err);

#endif
