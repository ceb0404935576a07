/* Ogg pages: the CRC every page carries, reading a page header, and laying packets out into
   pages, as RFC 3533 and libogg do. */
#include <string.h>

#include "ogg_int.h"

static uint32_t crc_table[256];

/* The table is built once; building it twice writes the same values, so two threads that
   race here do no harm. */
static void crc_init(void)
{
    if (crc_table[1] != 0)
        return;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t r = i << 24;
        for (int k = 0; k < 8; k++)
            r = r & 0x80000000u ? (r << 1) ^ 0x04c11db7u : r << 1;
        crc_table[i] = r;
    }
}

uint32_t ct_ogg_crc(uint32_t crc, const uint8_t *p, size_t len)
{
    crc_init();
    for (size_t i = 0; i < len; i++)
        crc = (crc << 8) ^ crc_table[((crc >> 24) ^ p[i]) & 0xFF];
    return crc;
}

uint32_t ct_ogg_page_crc(const uint8_t *p, size_t len)
{
    static const uint8_t zeros[4] = {0, 0, 0, 0};
    uint32_t crc = ct_ogg_crc(0, p, 22);
    crc = ct_ogg_crc(crc, zeros, 4);
    return ct_ogg_crc(crc, p + 26, len - 26);
}

bool ct_ogg_page_header(const uint8_t *p, size_t avail, ct_ogg_page *pg)
{
    if (avail < CT_OGG_HEADER || memcmp(p, "OggS", 4) != 0 || p[4] != 0)
        return false;
    size_t n = p[26];
    if (avail < CT_OGG_HEADER + n)
        return false;
    uint32_t body = 0;
    for (size_t i = 0; i < n; i++)
        body += p[CT_OGG_HEADER + i];
    pg->flags = p[5];
    pg->granule = ct_load_u64le(p + 6);
    pg->seq = ct_load_u32le(p + 18);
    pg->n_segs = (uint8_t)n;
    pg->len = (uint32_t)(CT_OGG_HEADER + n + body);
    return true;
}

void ct_ogg_lace(uint64_t len, ct_buf *lace)
{
    for (; len >= 255; len -= 255)
        ct_buf_put_u8(lace, 255);
    ct_buf_put_u8(lace, (unsigned)len);
}

/* Appends one page: header, the N lacing values at LACE, their data at DATA. */
static void put_page(const ct_ogg_layout *lo, size_t index, uint8_t flags, uint64_t granule,
                     const uint8_t *lace, size_t n, const uint8_t *data, ct_buf *out)
{
    size_t body = 0;
    for (size_t i = 0; i < n; i++)
        body += lace[i];
    size_t start = out->len;
    uint8_t h[CT_OGG_HEADER];
    memcpy(h, "OggS", 4);
    h[4] = 0;
    h[5] = flags;
    ct_store_u32le(h + 6, (uint32_t)granule);
    ct_store_u32le(h + 10, (uint32_t)(granule >> 32));
    ct_store_u32le(h + 14, lo->serial);
    ct_store_u32le(h + 18, lo->first_seq + (uint32_t)index);
    ct_store_u32le(h + 22, 0);
    h[26] = (uint8_t)n;
    ct_buf_put(out, h, sizeof h);
    ct_buf_put(out, lace, n);
    ct_buf_put(out, data, body);
    if (ct_buf_ok(out))
        ct_store_u32le(out->data + start + 22, ct_ogg_page_crc(out->data + start, out->len - start));
}

size_t ct_ogg_paginate(const uint8_t *lace, size_t n_lace, const uint8_t *data,
                       const ct_ogg_layout *lo, ct_buf *out)
{
    size_t at = 0, page = 0;
    const uint8_t *d = data;
    uint8_t flags = lo->first_flags;
    while (at < n_lace || page == 0) {
        size_t n = n_lace - at < CT_OGG_MAX_SEGS ? n_lace - at : CT_OGG_MAX_SEGS;
        if (lo->layout != NULL) {
            if (page == lo->n_layout || lo->layout[page] > n_lace - at)
                return 0;
            n = lo->layout[page];
        }
        bool last = at + n == n_lace;
        bool ends = false;
        for (size_t i = 0; i < n; i++)
            ends = ends || lace[at + i] < 255;
        uint64_t granule = lo->layout != NULL ? lo->granules[page]
                           : last             ? lo->last_granule
                           : ends             ? 0
                                              : CT_OGG_NO_GRANULE;
        put_page(lo, page, (uint8_t)(flags | (last ? lo->last_flags : 0)), granule, lace + at, n,
                 d, out);
        for (size_t i = 0; i < n; i++)
            d += lace[at + i];
        flags = n > 0 && lace[at + n - 1] == 255 ? CT_OGG_CONTINUED : 0;
        at += n;
        page++;
    }
    return lo->layout != NULL && page != lo->n_layout ? 0 : page;
}
