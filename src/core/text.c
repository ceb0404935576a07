/* Text encodings. UTF-8 as the Unicode Standard defines it (chapter 3, table 3-7: no
   overlongs, no surrogates, nothing past U+10FFFF); Windows-1252 through iconv, with the five
   bytes it leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) mapped to the C1 code points of the
   same value, as the WHATWG Encoding Standard does; repair of UTF-8 that was read as
   Windows-1252 and encoded again; ISO-8859-1 and UTF-16 (RFC 2781) for ID3v2 frames. */
#include "text.h"

#include <iconv.h>
#include <string.h>

#define REPLACEMENT_CHAR 0xFFFDu

/* Well-formed UTF-8 sequences by lead byte: the length and the range of the second byte
   (the others are always 80..BF). Leads missing here (80..C1, F5..FF) start nothing. */
static const struct {
    uint8_t lead_lo, lead_hi, len, second_lo, second_hi;
} utf8_forms[] = {
    {0xC2, 0xDF, 2, 0x80, 0xBF},
    {0xE0, 0xE0, 3, 0xA0, 0xBF}, /* E0 80..9F would be overlong */
    {0xE1, 0xEC, 3, 0x80, 0xBF},
    {0xED, 0xED, 3, 0x80, 0x9F}, /* ED A0..BF would be a surrogate */
    {0xEE, 0xEF, 3, 0x80, 0xBF},
    {0xF0, 0xF0, 4, 0x90, 0xBF}, /* F0 80..8F would be overlong */
    {0xF1, 0xF3, 4, 0x80, 0xBF},
    {0xF4, 0xF4, 4, 0x80, 0x8F}, /* F4 90.. would be past U+10FFFF */
};

/* Decodes the sequence at S (N >= 1 bytes left) into *CP and returns its length, or 0 when it
   is not well-formed. */
static size_t utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    for (size_t f = 0; f < sizeof utf8_forms / sizeof utf8_forms[0]; f++) {
        if (s[0] < utf8_forms[f].lead_lo || s[0] > utf8_forms[f].lead_hi)
            continue;
        size_t len = utf8_forms[f].len;
        if (n < len || s[1] < utf8_forms[f].second_lo || s[1] > utf8_forms[f].second_hi)
            return 0;
        uint32_t v = s[0] & (0x7Fu >> len);
        for (size_t i = 1; i < len; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return 0;
            v = (v << 6) | (s[i] & 0x3Fu);
        }
        *cp = v;
        return len;
    }
    return 0;
}

static void put_utf8(ct_buf *out, uint32_t cp)
{
    uint8_t b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t)(0xC0 | cp >> 6);
        b[1] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xE0 | cp >> 12);
        b[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        b[2] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (uint8_t)(0xF0 | cp >> 18);
        b[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
        b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        b[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    ct_buf_put(out, b, n);
}

/* The code point at *I of S (N bytes), advancing *I; a byte that starts no well-formed
   sequence reads as U+FFFD, so callers promised valid UTF-8 still never loop or overrun. */
static uint32_t next_cp(const char *s, size_t n, size_t *i)
{
    uint32_t cp;
    size_t len = utf8_decode((const uint8_t *)s + *i, n - *i, &cp);
    if (len == 0) {
        (*i)++;
        return REPLACEMENT_CHAR;
    }
    *i += len;
    return cp;
}

bool ct_utf8_valid(const char *s, size_t n)
{
    const uint8_t *u = (const uint8_t *)s;
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_decode(u + i, n - i, &cp);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

bool ct_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

/* ---- Windows-1252 ------------------------------------------------------------------------ */

/* The bytes Windows-1252 leaves undefined; iconv rejects them, browsers read them as C1. */
static bool cp1252_undefined(uint8_t b)
{
    return b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D;
}

/* Converts the N bytes at S with CD and appends the result to OUT, which grows by at most
   MAX_OUT bytes. False when a character does not convert. */
static bool iconv_append(iconv_t cd, const char *s, size_t n, size_t max_out, ct_buf *out)
{
    if (n == 0)
        return true;
    if (!ct_buf_reserve(out, max_out))
        return false;
    char *in = (char *)s, *o = (char *)out->data + out->len;
    size_t in_left = n, out_left = max_out;
    /* strict conversion: no //TRANSLIT, so nothing converts irreversibly (a count above 0) */
    if (iconv(cd, &in, &in_left, &o, &out_left) != 0 || in_left != 0)
        return false;
    out->len = max_out - out_left + out->len;
    return true;
}

bool ct_cp1252_to_utf8(const char *s, size_t n, ct_buf *out)
{
    if (n > SIZE_MAX / 4)
        return false;
    iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
    if (cd == (iconv_t)-1)
        return false;
    size_t start = out->len, run = 0;
    bool ok = true;
    for (size_t i = 0; ok && i <= n; i++) {
        if (i < n && !cp1252_undefined((uint8_t)s[i]))
            continue;
        /* at most 3 UTF-8 bytes per Windows-1252 byte (U+20AC and friends) */
        ok = iconv_append(cd, s + run, i - run, 3 * (i - run), out);
        if (i < n)
            put_utf8(out, (uint8_t)s[i]);
        run = i + 1;
    }
    iconv_close(cd);
    if (!ok)
        out->len = start;
    return ok && ct_buf_ok(out);
}

/* Appends S (valid UTF-8) as Windows-1252 to OUT, U+0080..U+009F as the byte of the same
   value. False when a character has no single-byte form. */
static bool utf8_to_cp1252(const char *s, size_t n, ct_buf *out)
{
    iconv_t cd = iconv_open("WINDOWS-1252", "UTF-8");
    if (cd == (iconv_t)-1)
        return false;
    size_t run = 0;
    bool ok = true;
    for (size_t i = 0; ok && i <= n; i++) {
        /* in valid UTF-8, C2 is always a lead byte: C2 80..9F is U+0080..U+009F */
        bool c1 = i + 1 < n && (uint8_t)s[i] == 0xC2 && (uint8_t)s[i + 1] <= 0x9F;
        if (i < n && !c1)
            continue;
        ok = iconv_append(cd, s + run, i - run, i - run, out);
        if (c1)
            ct_buf_put_u8(out, (uint8_t)s[++i]);
        run = i + 1;
    }
    iconv_close(cd);
    return ok;
}

bool ct_utf8_repair_mojibake(const char *s, size_t n, ct_buf *out)
{
    if (ct_ascii(s, n))
        return false;
    ct_buf bytes = CT_BUF_INIT;
    /* only when every character maps back and the bytes are UTF-8: "naïve" gives "na\xEFve",
       not UTF-8, and stays as it is. S has a non-ASCII character, which maps to a byte of
       0x80 or more, so valid bytes always hold a multi-byte sequence. */
    bool repaired = utf8_to_cp1252(s, n, &bytes) && ct_buf_ok(&bytes) &&
                    ct_utf8_valid((const char *)bytes.data, bytes.len);
    if (repaired)
        ct_buf_put(out, bytes.data, bytes.len);
    /* out of memory is not "nothing to repair": OUT carries the failure to the caller */
    if (!ct_buf_ok(&bytes))
        out->failed = true;
    ct_buf_free(&bytes);
    return repaired;
}

/* ---- ISO-8859-1 and UTF-16 ---------------------------------------------------------------- */

void ct_latin1_to_utf8(const uint8_t *s, size_t n, ct_buf *out)
{
    for (size_t i = 0; i < n; i++)
        put_utf8(out, s[i]);
}

bool ct_utf8_to_latin1(const char *s, size_t n, ct_buf *out)
{
    for (size_t i = 0; i < n;)
        if (next_cp(s, n, &i) > 0xFF)
            return false;
    for (size_t i = 0; i < n;)
        ct_buf_put_u8(out, next_cp(s, n, &i));
    return true;
}

static uint32_t utf16_unit(const uint8_t *p, bool big_endian)
{
    return big_endian ? (uint32_t)(p[0] << 8 | p[1]) : (uint32_t)(p[1] << 8 | p[0]);
}

void ct_utf16_to_utf8(const uint8_t *s, size_t n, bool big_endian, ct_buf *out)
{
    size_t i = 0;
    if (n >= 2 && ((s[0] == 0xFE && s[1] == 0xFF) || (s[0] == 0xFF && s[1] == 0xFE))) {
        big_endian = s[0] == 0xFE;
        i = 2;
    }
    for (; n - i >= 2; i += 2) {
        uint32_t u = utf16_unit(s + i, big_endian);
        if (u >= 0xD800 && u <= 0xDBFF && n - i >= 4) {
            uint32_t lo = utf16_unit(s + i + 2, big_endian);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                put_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                i += 2;
                continue;
            }
        }
        put_utf8(out, u >= 0xD800 && u <= 0xDFFF ? REPLACEMENT_CHAR : u);
    }
}

/* True when the first line of S (N bytes, units of UNIT bytes) has at least two units and
   in every unit only the byte at LOW is not 0: ASCII in UTF-16 or UTF-32 of that byte order. */
static bool first_line_is_wide(const uint8_t *s, size_t n, size_t unit, size_t low)
{
    size_t units = 0;
    /* a first line longer than this has long shown what it is */
    for (size_t i = 0; n - i >= unit && units < 256; i += unit, units++) {
        for (size_t k = 0; k < unit; k++) {
            bool zero = s[i + k] == 0;
            if (k == low ? zero : !zero)
                return false;
        }
        if (s[i + low] == '\n' || s[i + low] == '\r')
            break;
    }
    return units >= 2;
}

ct_text_encoding ct_text_sniff(const uint8_t *s, size_t n, size_t *bom_len)
{
    static const struct {
        uint8_t bom[4];
        size_t len;
        ct_text_encoding enc;
    } boms[] = {
        /* UTF-32 first: FF FE 00 00 also starts like a UTF-16LE BOM */
        {{0xFF, 0xFE, 0x00, 0x00}, 4, CT_TEXT_UTF32},
        {{0x00, 0x00, 0xFE, 0xFF}, 4, CT_TEXT_UTF32},
        {{0xFF, 0xFE}, 2, CT_TEXT_UTF16LE},
        {{0xFE, 0xFF}, 2, CT_TEXT_UTF16BE},
    };
    for (size_t k = 0; k < sizeof boms / sizeof boms[0]; k++) {
        if (n >= boms[k].len && memcmp(s, boms[k].bom, boms[k].len) == 0) {
            *bom_len = boms[k].len;
            return boms[k].enc;
        }
    }
    *bom_len = 0;
    if (first_line_is_wide(s, n, 4, 0) || first_line_is_wide(s, n, 4, 3))
        return CT_TEXT_UTF32;
    if (first_line_is_wide(s, n, 2, 0))
        return CT_TEXT_UTF16LE;
    if (first_line_is_wide(s, n, 2, 1))
        return CT_TEXT_UTF16BE;
    return CT_TEXT_UTF8;
}

bool ct_utf16_decode(const uint8_t *s, size_t n, bool big_endian, ct_buf *out, size_t *bad)
{
    /* valid UTF-16 never grows by more than half in UTF-8: one growth, not one per unit */
    if (!ct_buf_reserve(out, n / 2 * 3))
        return true; /* OUT is marked failed: out of memory, not bad text */
    size_t i = 0;
    for (; n - i >= 2; i += 2) {
        uint32_t u = utf16_unit(s + i, big_endian);
        if (u >= 0xD800 && u <= 0xDFFF) {
            uint32_t lo = u <= 0xDBFF && n - i >= 4 ? utf16_unit(s + i + 2, big_endian) : 0;
            if (lo < 0xDC00 || lo > 0xDFFF)
                break; /* a low surrogate first, or a high one without its pair */
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            i += 2;
        }
        put_utf8(out, u);
    }
    if (i == n)
        return true;
    *bad = i;
    return false;
}

void ct_utf8_to_utf16le(const char *s, size_t n, ct_buf *out)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp = next_cp(s, n, &i);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            uint32_t hi = 0xD800 + (cp >> 10), lo = 0xDC00 + (cp & 0x3FF);
            uint8_t b[4] = {(uint8_t)hi, (uint8_t)(hi >> 8), (uint8_t)lo, (uint8_t)(lo >> 8)};
            ct_buf_put(out, b, 4);
        } else {
            uint8_t b[2] = {(uint8_t)cp, (uint8_t)(cp >> 8)};
            ct_buf_put(out, b, 2);
        }
    }
}

/* ---- cutting and cleaning ------------------------------------------------------------------ */

size_t ct_utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t k = max;
    /* the first byte left out must not be a continuation byte */
    while (k > 0 && ((uint8_t)s[k] & 0xC0) == 0x80)
        k--;
    return k;
}

/* True for what must not stay in a one-line title: C0, DEL, C1, LINE and PARAGRAPH
   SEPARATOR. */
static bool breaks_a_title(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

void ct_title_clean(const char *s, size_t n, ct_buf *out)
{
    size_t keep = out->len; /* the length after the last non-blank character written */
    bool started = false;
    if (!ct_buf_reserve(out, n)) /* valid UTF-8 never grows: one growth, not one per byte */
        return;
    for (size_t i = 0; i < n;) {
        if ((unsigned char)s[i] > ' ' && (unsigned char)s[i] < 0x7f && out->cap - out->len > 1) {
            out->data[out->len++] = (uint8_t)s[i++];
            keep = out->len;
            started = true;
            continue;
        }
        uint32_t cp = next_cp(s, n, &i);
        if (breaks_a_title(cp))
            cp = ' ';
        if (cp == ' ' && !started)
            continue;
        started = true;
        put_utf8(out, cp);
        if (cp != ' ')
            keep = out->len;
    }
    if (keep < out->len)
        out->len = keep;
}
