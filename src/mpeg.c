/* PLACEHOLDER: replaced by the MPEG helper. */
#include "mpeg.h"
#include <string.h>
bool ct_mpeg_header_parse(const uint8_t p[4], ct_mpeg_frame *out) { (void)p; (void)out; return false; }
bool ct_mpeg_vbr_parse(const uint8_t *p, size_t len, const ct_mpeg_frame *fr, ct_mpeg_vbr_info *out) { (void)p; (void)len; (void)fr; (void)out; return false; }
chaptag_status ct_mpeg_audio_end(ct_file *f, uint64_t s, uint64_t *end, chaptag_error *err) { (void)s; (void)err; *end = ct_file_size(f); return CHAPTAG_OK; }
chaptag_status ct_mpeg_probe(ct_file *f, uint64_t s, ct_mpeg_info *out, chaptag_error *err) { (void)err; memset(out, 0, sizeof *out); out->first_frame = s; out->audio_end = ct_file_size(f); out->duration_ms = 3600000; out->duration_source = "placeholder"; return CHAPTAG_OK; }
