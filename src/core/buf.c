/* Growable byte buffer (renderers) and bounded reader (parsers of untrusted bytes). */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ct_buf_ok(const ct_buf *b)
{
    return !b->failed;
}

void ct_buf_free(ct_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

bool ct_buf_reserve(ct_buf *b, size_t n)
{
    if (b->failed)
        return false;
    /* one spare byte keeps room for the NUL that ct_buf_take() adds */
    if (b->cap - b->len > n)
        return true;
    if (n > SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return false;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1)
        cap *= 2;
    uint8_t *d = ct_realloc(b->data, cap);
    if (d == NULL) {
        b->failed = true;
        return false;
    }
    b->data = d;
    b->cap = cap;
    return true;
}

void ct_buf_put(ct_buf *b, const void *p, size_t n)
{
    if (n == 0 || !ct_buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void ct_buf_put_u8(ct_buf *b, unsigned v)
{
    uint8_t x = (uint8_t)v;
    ct_buf_put(b, &x, 1);
}

void ct_buf_put_u16be(ct_buf *b, unsigned v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    ct_buf_put(b, x, 2);
}

void ct_buf_put_u24be(ct_buf *b, uint32_t v)
{
    uint8_t x[3] = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    ct_buf_put(b, x, 3);
}

void ct_buf_put_u32be(ct_buf *b, uint32_t v)
{
    uint8_t x[4];
    ct_store_u32be(x, v);
    ct_buf_put(b, x, 4);
}

void ct_buf_put_u64be(ct_buf *b, uint64_t v)
{
    uint8_t x[8];
    ct_store_u64be(x, v);
    ct_buf_put(b, x, 8);
}

void ct_buf_put_syncsafe(ct_buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)((v >> 21) & 0x7f), (uint8_t)((v >> 14) & 0x7f),
                    (uint8_t)((v >> 7) & 0x7f), (uint8_t)(v & 0x7f)};
    ct_buf_put(b, x, 4);
}

void ct_buf_put_zeros(ct_buf *b, size_t n)
{
    if (n == 0 || !ct_buf_reserve(b, n))
        return;
    memset(b->data + b->len, 0, n);
    b->len += n;
}

void ct_buf_put_str(ct_buf *b, const char *s)
{
    ct_buf_put(b, s, strlen(s));
}

void ct_buf_printf(ct_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if (!ct_buf_reserve(b, (size_t)n + 1))
        return;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void ct_buf_set_u32be(ct_buf *b, size_t off, uint32_t v)
{
    if (b->failed || off > b->len || b->len - off < 4)
        return;
    ct_store_u32be(b->data + off, v);
}

uint8_t *ct_buf_take(ct_buf *b, size_t *len)
{
    if (b->failed || !ct_buf_reserve(b, 1)) {
        ct_buf_free(b);
        return NULL;
    }
    b->data[b->len] = 0;
    uint8_t *d = b->data;
    if (len != NULL)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

ct_reader ct_reader_make(const void *p, size_t len)
{
    ct_reader r = {p, len, 0, false};
    return r;
}

size_t ct_reader_left(const ct_reader *r)
{
    return r->len - r->pos;
}

const uint8_t *ct_reader_bytes(ct_reader *r, size_t n)
{
    if (n > ct_reader_left(r)) {
        r->bad = true;
        r->pos = r->len;
        return NULL;
    }
    /* a reader over nothing (p NULL) gives NULL for 0 bytes: NULL + 0 is undefined in C */
    const uint8_t *p = r->p != NULL ? r->p + r->pos : NULL;
    r->pos += n;
    return p;
}

void ct_reader_skip(ct_reader *r, size_t n)
{
    (void)ct_reader_bytes(r, n);
}

uint8_t ct_reader_u8(ct_reader *r)
{
    const uint8_t *p = ct_reader_bytes(r, 1);
    return p ? p[0] : 0;
}

uint16_t ct_reader_u16be(ct_reader *r)
{
    const uint8_t *p = ct_reader_bytes(r, 2);
    return p ? ct_load_u16be(p) : 0;
}

uint32_t ct_reader_u24be(ct_reader *r)
{
    const uint8_t *p = ct_reader_bytes(r, 3);
    return p ? ct_load_u24be(p) : 0;
}

uint32_t ct_reader_u32be(ct_reader *r)
{
    const uint8_t *p = ct_reader_bytes(r, 4);
    return p ? ct_load_u32be(p) : 0;
}

uint64_t ct_reader_u64be(ct_reader *r)
{
    const uint8_t *p = ct_reader_bytes(r, 8);
    return p ? ct_load_u64be(p) : 0;
}

uint32_t ct_reader_syncsafe(ct_reader *r)
{
    const uint8_t *p = ct_reader_bytes(r, 4);
    if (p == NULL)
        return 0;
    if ((p[0] | p[1] | p[2] | p[3]) & 0x80)
        r->bad = true;
    return ((uint32_t)(p[0] & 0x7f) << 21) | ((uint32_t)(p[1] & 0x7f) << 14) |
           ((uint32_t)(p[2] & 0x7f) << 7) | (uint32_t)(p[3] & 0x7f);
}

uint16_t ct_load_u16be(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

uint32_t ct_load_u24be(const uint8_t *p)
{
    return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}

uint32_t ct_load_u32be(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

uint64_t ct_load_u64be(const uint8_t *p)
{
    return ((uint64_t)ct_load_u32be(p) << 32) | ct_load_u32be(p + 4);
}

void ct_store_u32be(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void ct_store_u64be(uint8_t *p, uint64_t v)
{
    ct_store_u32be(p, (uint32_t)(v >> 32));
    ct_store_u32be(p + 4, (uint32_t)v);
}

uint16_t ct_load_u16le(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t ct_load_u32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t ct_load_u64le(const uint8_t *p)
{
    return (uint64_t)ct_load_u32le(p) | (uint64_t)ct_load_u32le(p + 4) << 32;
}

void ct_store_u32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

void ct_buf_put_u32le(ct_buf *b, uint32_t v)
{
    uint8_t p[4];
    ct_store_u32le(p, v);
    ct_buf_put(b, p, 4);
}
