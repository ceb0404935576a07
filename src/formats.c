/* PLACEHOLDER: replaced by the formats helper. */
#include "formats.h"
#include <string.h>
const ct_format *ct_format_find(const char *name) { if (strcmp(name, "text") == 0) return &ct_fmt_text; if (strcmp(name, "json") == 0) return &ct_fmt_json; return NULL; }
ct_lines ct_lines_make(const char *data, size_t len) { ct_lines it = {data, data + len, 0}; return it; }
bool ct_lines_next(ct_lines *it, const char **s, size_t *n) { if (it->p >= it->end) return false; const char *e = memchr(it->p, '\n', (size_t)(it->end - it->p)); if (!e) e = it->end; *s = it->p; *n = (size_t)(e - it->p); if (*n && (*s)[*n - 1] == '\r') (*n)--; it->p = e < it->end ? e + 1 : e; it->line++; return true; }
const char *const *chaptag_format_names(void) { static const char *const names[] = {"text", "json", NULL}; return names; }
const char *chaptag_detect(const char *data, size_t len, const char *filename) { (void)data; (void)len; (void)filename; return "text"; }
chaptag_status chaptag_parse(const char *data, size_t len, const char *fmt, chaptag_chapters **out, chaptag_error *err) {
  const ct_format *f = ct_format_find(fmt ? fmt : "text"); chaptag_chapters *l = chaptag_chapters_new(); if (!l) return ct_fail_nomem(err);
  chaptag_status st = f->parse(data, len, l, err); if (st) { chaptag_chapters_free(l); return st; } *out = l; return CHAPTAG_OK; }
chaptag_status chaptag_format(const chaptag_chapters *list, const char *fmt, uint64_t d, char **out, size_t *out_len, chaptag_error *err) {
  const ct_format *f = ct_format_find(fmt); ct_buf b = CT_BUF_INIT; chaptag_status st = f->format(list, d, &b, err); if (st) { ct_buf_free(&b); return st; } *out = (char *)ct_buf_take(&b, out_len); return CHAPTAG_OK; }
