/* Text encodings: UTF-8 validation, repair of double-encoded UTF-8 (mojibake), Windows-1252
   fallback (through iconv), and the ID3 encodings (ISO-8859-1, UTF-16 with or without BOM). */
#ifndef CHAPTAG_TEXT_H
#define CHAPTAG_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* True when the N bytes at S are well-formed UTF-8 (no overlongs, surrogates or values past
   U+10FFFF). */
bool ct_utf8_valid(const char *s, size_t n);

/* True when S (N bytes) is pure ASCII. */
bool ct_ascii(const char *s, size_t n);

/* If the N bytes at S are UTF-8 that was read as Windows-1252 and encoded to UTF-8 again
   ("Nonâ€‘Technical"), appends the repaired UTF-8 ("Non‑Technical") to OUT and returns true.
   Otherwise returns false and appends nothing (out of memory marks OUT failed). S must be
   valid UTF-8. */
bool ct_utf8_repair_mojibake(const char *s, size_t n, ct_buf *out);

/* Appends the N bytes at S, read as Windows-1252, to OUT as UTF-8 (bytes Windows-1252 leaves
   undefined become the C1 code point of the same value). False on an iconv failure. */
bool ct_cp1252_to_utf8(const char *s, size_t n, ct_buf *out);

/* Appends ISO-8859-1 bytes as UTF-8. */
void ct_latin1_to_utf8(const uint8_t *s, size_t n, ct_buf *out);

/* Appends UTF-8 S as ISO-8859-1 and returns true, or returns false (appending nothing) when S
   holds a character past U+00FF. S must be valid UTF-8. */
bool ct_utf8_to_latin1(const char *s, size_t n, ct_buf *out);

/* Appends UTF-16 (N bytes; BIG_ENDIAN unless a BOM says otherwise; a BOM is consumed) as UTF-8.
   Unpaired surrogates become U+FFFD; an odd final byte is ignored. */
void ct_utf16_to_utf8(const uint8_t *s, size_t n, bool big_endian, ct_buf *out);

/* Appends UTF-8 S as UTF-16LE (surrogate pairs past U+FFFF), no BOM, no terminator. S must
   be valid UTF-8. */
void ct_utf8_to_utf16le(const char *s, size_t n, ct_buf *out);

/* The length of S's longest prefix of at most MAX bytes that does not end inside a UTF-8
   sequence. */
size_t ct_utf8_cut(const char *s, size_t n, size_t max);

/* Makes S (N bytes, valid UTF-8) a one-line title: control characters (C0, DEL, C1, and
   U+2028/U+2029) become spaces and outer blanks are trimmed. Appends the result to OUT. */
void ct_title_clean(const char *s, size_t n, ct_buf *out);

#endif
