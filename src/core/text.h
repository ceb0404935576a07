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

/* The encodings a chapter file may come in, as ct_text_sniff() tells them apart. */
typedef enum { CT_TEXT_UTF8, CT_TEXT_UTF16LE, CT_TEXT_UTF16BE, CT_TEXT_UTF32 } ct_text_encoding;

/* How the N bytes at S are encoded: a UTF-32 or UTF-16 byte order mark says it (its length
   goes to *BOM_LEN), or else the first line does, when every other byte of it is 0 (UTF-16
   without a BOM, as some Windows tools save) or three of every four are (UTF-32); anything
   else is taken for UTF-8 (or Windows-1252), with *BOM_LEN 0. */
ct_text_encoding ct_text_sniff(const uint8_t *s, size_t n, size_t *bom_len);

/* Appends UTF-16 S (N bytes, no BOM; big-endian when BIG_ENDIAN) to OUT as UTF-8, strictly:
   false, with *BAD the offset of the first unit that is not text, for an unpaired surrogate
   or an odd final byte (what was decoded before it stays in OUT). */
bool ct_utf16_decode(const uint8_t *s, size_t n, bool big_endian, ct_buf *out, size_t *bad);

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
