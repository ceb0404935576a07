/* A growable byte buffer for renderers and a bounded reader for untrusted bytes. */
#ifndef CHAPTAG_BUF_H
#define CHAPTAG_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Renderers append unchecked; a failed growth is remembered and checked once with
   ct_buf_ok(). Zero-initialise (CT_BUF_INIT) before use. */
typedef struct {
    uint8_t *data;
    size_t len, cap;
    bool failed;
} ct_buf;

#define CT_BUF_INIT {NULL, 0, 0, false}

/* False when any append failed for lack of memory. */
bool ct_buf_ok(const ct_buf *b);
/* Frees the bytes and empties the buffer. */
void ct_buf_free(ct_buf *b);
/* Makes room for N more bytes; false (and the buffer marked failed) if memory runs out. */
bool ct_buf_reserve(ct_buf *b, size_t n);
void ct_buf_put(ct_buf *b, const void *p, size_t n);
void ct_buf_put_u8(ct_buf *b, unsigned v);
void ct_buf_put_u16be(ct_buf *b, unsigned v);
void ct_buf_put_u24be(ct_buf *b, uint32_t v);
void ct_buf_put_u32be(ct_buf *b, uint32_t v);
void ct_buf_put_u64be(ct_buf *b, uint64_t v);
/* 28 bits in four 7-bit bytes (ID3v2); V must be below 2^28. */
void ct_buf_put_syncsafe(ct_buf *b, uint32_t v);
void ct_buf_put_zeros(ct_buf *b, size_t n);
/* The bytes of S without its NUL. */
void ct_buf_put_str(ct_buf *b, const char *s);
void ct_buf_printf(ct_buf *b, const char *fmt, ...) CT_PRINTF(2, 3);
/* Overwrites 4 bytes at OFF (already written) with V, big-endian. */
void ct_buf_set_u32be(ct_buf *b, size_t off, uint32_t v);
/* Hands the bytes over (NUL-terminated, so text can be used as a string): the caller frees
   them; the buffer is left empty. NULL when the buffer failed. */
uint8_t *ct_buf_take(ct_buf *b, size_t *len);

/* Reading past the end yields zeros and sets BAD, checked once per frame or box. */
typedef struct {
    const uint8_t *p;
    size_t len, pos;
    bool bad;
} ct_reader;

ct_reader ct_reader_make(const void *p, size_t len);
size_t ct_reader_left(const ct_reader *r);
uint8_t ct_reader_u8(ct_reader *r);
uint16_t ct_reader_u16be(ct_reader *r);
uint32_t ct_reader_u24be(ct_reader *r);
uint32_t ct_reader_u32be(ct_reader *r);
uint64_t ct_reader_u64be(ct_reader *r);
/* Four 7-bit bytes (ID3v2); a byte with its top bit set sets BAD. */
uint32_t ct_reader_syncsafe(ct_reader *r);
/* A pointer to the next N bytes, advancing past them; NULL (and BAD) if fewer remain, and
   NULL (not BAD) for 0 bytes of a reader over no buffer. */
const uint8_t *ct_reader_bytes(ct_reader *r, size_t n);
void ct_reader_skip(ct_reader *r, size_t n);

/* Big-endian loads from memory the caller knows is long enough. */
uint16_t ct_load_u16be(const uint8_t *p);
uint32_t ct_load_u24be(const uint8_t *p);
uint32_t ct_load_u32be(const uint8_t *p);
uint64_t ct_load_u64be(const uint8_t *p);
void ct_store_u32be(uint8_t *p, uint32_t v);
void ct_store_u64be(uint8_t *p, uint64_t v);

/* Little-endian, for the Xiph and RIFF formats (Ogg, Vorbis comments, WAV). */
uint16_t ct_load_u16le(const uint8_t *p);
uint32_t ct_load_u32le(const uint8_t *p);
uint64_t ct_load_u64le(const uint8_t *p);
void ct_store_u32le(uint8_t *p, uint32_t v);
void ct_buf_put_u32le(ct_buf *b, uint32_t v);

#endif
