/* Ogg pages (RFC 3533): their CRC, their headers, and the pagination of packets, for the Ogg
   container (ogg.c). Private to src/ogg. */
#ifndef CHAPTAG_OGG_INT_H
#define CHAPTAG_OGG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* "OggS", version, flags, granule (8), serial (4), sequence (4), CRC (4), segment count. */
#define CT_OGG_HEADER 27
#define CT_OGG_MAX_SEGS 255
#define CT_OGG_CONTINUED 0x01
#define CT_OGG_BOS 0x02
#define CT_OGG_EOS 0x04
/* The granule position of a page on which no packet ends. */
#define CT_OGG_NO_GRANULE UINT64_MAX

/* One page as the scan found it. */
typedef struct {
    uint64_t off;     /* where "OggS" starts */
    uint32_t len;     /* header, segment table and body */
    uint32_t seq;     /* page sequence number */
    uint64_t granule;
    uint8_t flags;
    uint8_t n_segs;
} ct_ogg_page;

/* The Ogg CRC-32 (polynomial 0x04c11db7, not reflected, initial value 0, no final xor) of LEN
   bytes at P, continuing from CRC. */
uint32_t ct_ogg_crc(uint32_t crc, const uint8_t *p, size_t len);

/* The CRC a page of LEN bytes at P must carry (its CRC field counted as zeros). */
uint32_t ct_ogg_page_crc(const uint8_t *p, size_t len);

/* Reads the header of the page at P (AVAIL bytes there, at least CT_OGG_HEADER) into PG (its
   OFF left alone); its full length needs the segment table, so false when AVAIL does not
   hold it, or when P is not a page header (no "OggS", or a version other than 0). */
bool ct_ogg_page_header(const uint8_t *p, size_t avail, ct_ogg_page *pg);

/* Appends the lacing values of a packet of LEN bytes to LACE. */
void ct_ogg_lace(uint64_t len, ct_buf *lace);

/* How ct_ogg_paginate() lays out pages. */
typedef struct {
    uint32_t serial;
    uint32_t first_seq;      /* the sequence number of the first page */
    uint8_t first_flags;     /* the first page's flags (continued or not) */
    uint8_t last_flags;      /* flags added to the last page (EOS) */
    uint64_t last_granule;   /* the last page's granule position */
    const uint8_t *layout;   /* segments per page, N_LAYOUT pages; NULL: 255 per page */
    const uint64_t *granules; /* with LAYOUT: every page's granule position */
    size_t n_layout;
} ct_ogg_layout;

/* Appends to OUT the pages carrying the N_LACE segments with lacing values LACE and their
   DATA, laid out as LO says; a page on which no packet ends gets granule -1, another one
   granule 0, the last one LO's. Returns the number of pages (0 when the layout does not add
   up to N_LACE segments). */
size_t ct_ogg_paginate(const uint8_t *lace, size_t n_lace, const uint8_t *data,
                       const ct_ogg_layout *lo, ct_buf *out);

#endif
