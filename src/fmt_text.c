/* PLACEHOLDER: replaced by the formats helper. Parses only "HH:MM:SS Title". */
#include "formats.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static chaptag_status parse(const char *data, size_t len, chaptag_chapters *out, chaptag_error *err) {
  ct_lines it = ct_lines_make(data, len); const char *s; size_t n;
  while (ct_lines_next(&it, &s, &n)) { if (n < 9) continue; uint64_t ms; if (!ct_time_parse(s, 8, &ms)) return ct_fail(err, CHAPTAG_ERR_INPUT, it.line, "no time");
    char *t = ct_strndup(s + 9, n - 9); chaptag_chapter ch = {0}; ch.start_ms = ms; ch.end_ms = CHAPTAG_TIME_NONE; ch.title = t; ch.line = it.line;
    chaptag_status st = chaptag_chapters_add(out, &ch, err); free(t); if (st) return st; }
  return chaptag_chapters_count(out) ? CHAPTAG_OK : ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no chapters"); }
static chaptag_status format(const chaptag_chapters *l, uint64_t d, ct_buf *out, chaptag_error *err) { (void)d; (void)err; char b[CT_TIME_STR_MAX];
  for (size_t i = 0; i < chaptag_chapters_count(l); i++) { const chaptag_chapter *c = chaptag_chapters_get(l, i); ct_buf_printf(out, "%s %s\n", ct_time_str(c->start_ms, b), c->title); } return CHAPTAG_OK; }
const ct_format ct_fmt_text = {"text", ".txt", NULL, parse, format};
