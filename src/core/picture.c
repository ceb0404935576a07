/* Picture headers: PNG's IHDR (PNG spec §11.2.2) and JPEG's SOFn segment (ITU T.81 §B.2.2),
   found by walking the marker segments from SOI; nothing is decoded. */
#include "picture.h"

#include <string.h>

#include "buf.h"

/* The dimensions of a PNG: the signature, then IHDR's length, type, width and height. */
static bool png_size(const unsigned char *p, size_t n, unsigned *w, unsigned *h)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (n < 24 || memcmp(p, sig, sizeof sig) != 0 || memcmp(p + 12, "IHDR", 4) != 0)
        return false;
    *w = ct_load_u32be(p + 16);
    *h = ct_load_u32be(p + 20);
    return *w > 0 && *h > 0;
}

/* True for the start-of-frame markers that carry the frame size: C0-CF but DHT (C4), JPG (C8)
   and DAC (CC). */
static bool is_sof(unsigned char m)
{
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

/* The dimensions of a JPEG: segments after SOI until the first SOFn, whose payload is
   precision, height, width. Fill bytes (FF) between segments are skipped; a marker without a
   length (RSTn, TEM) stands alone; scan data is never reached before SOF in a valid file. */
static bool jpeg_size(const unsigned char *p, size_t n, unsigned *w, unsigned *h)
{
    if (n < 4 || p[0] != 0xFF || p[1] != 0xD8)
        return false;
    size_t i = 2;
    while (i + 1 < n) {
        if (p[i] != 0xFF)
            return false;
        unsigned char m = p[i + 1];
        if (m == 0xFF) { /* fill byte */
            i++;
            continue;
        }
        i += 2;
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7))
            continue;
        if (m == 0xD9 || m == 0xDA || i + 2 > n) /* end of image, scan: no frame header met */
            return false;
        size_t len = ct_load_u16be(p + i);
        if (len < 2 || len > n - i)
            return false;
        if (is_sof(m)) {
            if (len < 7)
                return false;
            *h = ct_load_u16be(p + i + 3);
            *w = ct_load_u16be(p + i + 5);
            return *w > 0 && *h > 0;
        }
        i += len;
    }
    return false;
}

bool ct_picture_size(const unsigned char *p, size_t n, unsigned *w, unsigned *h)
{
    if (p == NULL)
        return false;
    return png_size(p, n, w, h) || jpeg_size(p, n, w, h);
}
