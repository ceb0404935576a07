/* PLACEHOLDER: replaced by the text-encoding helper. */
#include "text.h"
bool ct_utf8_valid(const char *s, size_t n) { (void)s; (void)n; return true; }
bool ct_ascii(const char *s, size_t n) { for (size_t i = 0; i < n; i++) if ((unsigned char)s[i] > 127) return false; return true; }
bool ct_utf8_repair_mojibake(const char *s, size_t n, ct_buf *out) { (void)s; (void)n; (void)out; return false; }
bool ct_cp1252_to_utf8(const char *s, size_t n, ct_buf *out) { ct_buf_put(out, s, n); return true; }
void ct_latin1_to_utf8(const uint8_t *s, size_t n, ct_buf *out) { ct_buf_put(out, s, n); }
bool ct_utf8_to_latin1(const char *s, size_t n, ct_buf *out) { ct_buf_put(out, s, n); return ct_ascii(s, n); }
void ct_utf16_to_utf8(const uint8_t *s, size_t n, bool be, ct_buf *out) { (void)s; (void)n; (void)be; (void)out; }
void ct_utf8_to_utf16le(const char *s, size_t n, ct_buf *out) { for (size_t i = 0; i < n; i++) { ct_buf_put_u8(out, (unsigned char)s[i]); ct_buf_put_u8(out, 0); } }
size_t ct_utf8_cut(const char *s, size_t n, size_t max) { (void)s; return n < max ? n : max; }
void ct_title_clean(const char *s, size_t n, ct_buf *out) { ct_buf_put(out, s, n); }
