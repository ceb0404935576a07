/* PLACEHOLDER: replaced by the ID3v2 helper. */
#include "id3v2.h"
#include <stdlib.h>
uint64_t ct_id3v2_tag_size(const uint8_t h[10]) { if (h[0] != 'I' || h[1] != 'D' || h[2] != '3') return 0; return 10 + (((uint64_t)h[6] << 21) | (h[7] << 14) | (h[8] << 7) | h[9]); }
chaptag_status ct_id3v2_parse(const uint8_t *d, size_t len, ct_id3_tag **out, chaptag_error *err) { (void)d; ct_id3_tag *t = ct_calloc(1, sizeof *t); if (!t) return ct_fail_nomem(err); t->version = 3; t->total_size = len; t->n_tags = 1; *out = t; return CHAPTAG_OK; }
void ct_id3v2_tag_free(ct_id3_tag *tag) { if (tag) { ct_warnings_clear(&tag->warnings); free(tag); } }
bool ct_id3v2_has_chapters(const ct_id3_tag *tag) { (void)tag; return false; }
chaptag_status ct_id3v2_chapters(const ct_id3_tag *tag, chaptag_chapters *list, chaptag_error *err) { (void)tag; (void)list; (void)err; return CHAPTAG_OK; }
bool ct_id3v2_text(const ct_id3_tag *tag, const char *id, ct_buf *out) { (void)tag; (void)id; (void)out; return false; }
chaptag_status ct_id3v2_render_frames(const ct_id3_tag *tag, const chaptag_chapters *list, const ct_id3_render_opts *o, ct_buf *out, ct_buf *desc, ct_warnings *w, chaptag_error *err) { (void)tag; (void)list; (void)o; (void)out; (void)desc; (void)w; (void)err; return CHAPTAG_OK; }
void ct_id3v2_render_header(int version, uint32_t s, ct_buf *out) { uint8_t h[6] = {'I', 'D', '3', (uint8_t)version, 0, 0}; ct_buf_put(out, h, 6); ct_buf_put_syncsafe(out, s); }
