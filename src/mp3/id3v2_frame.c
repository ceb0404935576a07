/* Inside an ID3v2 frame: v2.2 IDs and their v2.3 names, the extra header bytes that frame
   flags add (group, encryption, data length, v2.3 decompressed size), and the text encodings
   (ISO-8859-1, UTF-16 with and without BOM, UTF-16BE, UTF-8).
   Specs: ID3v2.2.0 §4; ID3v2.3.0 §3.3; ID3v2.4.0 structure §4. */
#include "id3v2_int.h"

#include <string.h>

#include "text.h"

const ct_id3_status_flag ct_id3v2_status_flags[3] = {
    {0x8000, 0x4000}, {0x4000, 0x2000}, {0x2000, 0x1000}};

uint32_t ct_id3v2_syncsafe_decode(const uint8_t *p)
{
    return ((uint32_t)(p[0] & 0x7f) << 21) | ((uint32_t)(p[1] & 0x7f) << 14) |
           ((uint32_t)(p[2] & 0x7f) << 7) | (uint32_t)(p[3] & 0x7f);
}

const uint8_t *ct_id3v2_read_cstr(ct_reader *r, size_t *n)
{
    const uint8_t *p = r->p + r->pos;
    size_t left = ct_reader_left(r);
    const uint8_t *z = left > 0 ? memchr(p, 0, left) : NULL;
    if (z == NULL) {
        r->bad = true;
        return NULL;
    }
    *n = (size_t)(z - p);
    r->pos += *n + 1;
    return p;
}

const char *ct_id3v2_printable(const char *s, char buf[40])
{
    size_t i = 0;
    for (; s[i] != '\0' && i < 32; i++)
        buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
    if (s[i] != '\0')
        buf[i++] = '~';
    buf[i] = '\0';
    return buf;
}

/* ---- frame IDs and views ------------------------------------------------------------------ */

/* v2.2 IDs and their v2.3 names (ID3v2.2.0 §4 and mutagen's Frames_2_2, iTunes' own ones
   included). A v2.2 frame not here (CRM, LNK: different bodies) cannot be upgraded. */
static const struct {
    char v22[4];
    char v23[5];
} v22_ids[] = {
    {"BUF", "RBUF"}, {"CNT", "PCNT"}, {"COM", "COMM"}, {"CRA", "AENC"}, {"ETC", "ETCO"},
    {"EQU", "EQUA"}, {"GEO", "GEOB"}, {"IPL", "IPLS"}, {"MCI", "MCDI"}, {"MLL", "MLLT"},
    {"PIC", "APIC"}, {"POP", "POPM"}, {"REV", "RVRB"}, {"RVA", "RVAD"}, {"SLT", "SYLT"},
    {"STC", "SYTC"}, {"TAL", "TALB"}, {"TBP", "TBPM"}, {"TCM", "TCOM"}, {"TCO", "TCON"},
    {"TCR", "TCOP"}, {"TDA", "TDAT"}, {"TDY", "TDLY"}, {"TEN", "TENC"}, {"TFT", "TFLT"},
    {"TIM", "TIME"}, {"TKE", "TKEY"}, {"TLA", "TLAN"}, {"TLE", "TLEN"}, {"TMT", "TMED"},
    {"TOA", "TOPE"}, {"TOF", "TOFN"}, {"TOL", "TOLY"}, {"TOR", "TORY"}, {"TOT", "TOAL"},
    {"TP1", "TPE1"}, {"TP2", "TPE2"}, {"TP3", "TPE3"}, {"TP4", "TPE4"}, {"TPA", "TPOS"},
    {"TPB", "TPUB"}, {"TRC", "TSRC"}, {"TRD", "TRDA"}, {"TRK", "TRCK"}, {"TSI", "TSIZ"},
    {"TSS", "TSSE"}, {"TT1", "TIT1"}, {"TT2", "TIT2"}, {"TT3", "TIT3"}, {"TXT", "TEXT"},
    {"TXX", "TXXX"}, {"TYE", "TYER"}, {"UFI", "UFID"}, {"ULT", "USLT"}, {"WAF", "WOAF"},
    {"WAR", "WOAR"}, {"WAS", "WOAS"}, {"WCM", "WCOM"}, {"WCP", "WCOP"}, {"WPB", "WPUB"},
    {"WXX", "WXXX"}, {"TCP", "TCMP"}, {"TS2", "TSO2"}, {"TSA", "TSOA"}, {"TSC", "TSOC"},
    {"TSP", "TSOP"}, {"TST", "TSOT"}, {"PCS", "PCST"}, {"TDS", "TDES"}, {"TID", "TGID"},
    {"WFD", "WFED"}, {"MVN", "MVNM"}, {"MVI", "MVIN"}, {"GP1", "GRP1"},
};

/* The v2.3/v2.4 ID of F; NULL for a v2.2 frame with none. */
static const char *v23_id(const ct_id3_frame *f)
{
    if (f->version != 2)
        return f->id;
    for (size_t i = 0; i < sizeof v22_ids / sizeof v22_ids[0]; i++)
        if (memcmp(f->id, v22_ids[i].v22, sizeof v22_ids[i].v22) == 0)
            return v22_ids[i].v23;
    return NULL;
}

ct_id3_ref ct_id3v2_ref_of(const ct_id3_frame *f)
{
    ct_id3_ref r = {v23_id(f), NULL, f->version, f->flags, f->body, f->len};
    return r;
}

bool ct_id3v2_view_make(const ct_id3_ref *f, ct_id3_view *v)
{
    ct_reader r = ct_reader_make(f->body, f->len);
    memset(v, 0, sizeof *v);
    v->group = v->method = -1;
    if (f->version == 4) {
        v->status = f->flags & 0x7000;
        v->compressed = (f->flags & F24_COMPRESS) != 0;
        if (f->flags & F24_GROUP)
            v->group = ct_reader_u8(&r);
        if (f->flags & F24_ENCRYPT)
            v->method = ct_reader_u8(&r);
        const uint8_t *dli = (f->flags & F24_DLI) ? ct_reader_bytes(&r, 4) : NULL;
        v->has_len = dli != NULL;
        v->data_len = dli ? ct_id3v2_syncsafe_decode(dli) : 0;
    } else if (f->version == 3) {
        for (size_t i = 0; i < sizeof ct_id3v2_status_flags / sizeof ct_id3v2_status_flags[0]; i++)
            if (f->flags & ct_id3v2_status_flags[i].v23)
                v->status |= ct_id3v2_status_flags[i].v24;
        v->compressed = v->has_len = (f->flags & F23_COMPRESS) != 0;
        if (v->compressed)
            v->data_len = ct_reader_u32be(&r);
        if (f->flags & F23_ENCRYPT)
            v->method = ct_reader_u8(&r);
        if (f->flags & F23_GROUP)
            v->group = ct_reader_u8(&r);
    }
    v->data = f->body + r.pos;
    v->len = ct_reader_left(&r);
    return !r.bad;
}

bool ct_id3v2_view_readable(const ct_id3_view *v)
{
    return !v->compressed && v->method < 0;
}

/* ---- text encodings (ID3v2.4.0 structure §4) ---------------------------------------------- */

size_t ct_id3v2_string_len(int enc, const uint8_t *p, size_t n, size_t *term)
{
    *term = 0;
    if (enc == 1 || enc == 2) {
        for (size_t i = 0; i + 1 < n; i += 2)
            if (p[i] == 0 && p[i + 1] == 0) {
                *term = 2;
                return i;
            }
        return n;
    }
    const uint8_t *z = n > 0 ? memchr(p, 0, n) : NULL;
    if (z == NULL)
        return n;
    *term = 1;
    return (size_t)(z - p);
}

bool ct_id3v2_decode_string(int enc, const uint8_t *p, size_t n, ct_buf *out)
{
    switch (enc) {
    case 0:
        ct_latin1_to_utf8(p, n, out);
        return true;
    case 1: /* without a BOM, little-endian, as most readers assume */
        ct_utf16_to_utf8(p, n, false, out);
        return true;
    case 2:
        ct_utf16_to_utf8(p, n, true, out);
        return true;
    case 3: /* broken UTF-8 is most likely Latin-1 written by a confused tagger */
        if (ct_utf8_valid((const char *)p, n))
            ct_buf_put(out, p, n);
        else
            ct_latin1_to_utf8(p, n, out);
        return true;
    }
    return false;
}

bool ct_id3v2_encode_string(int enc, const char *s, size_t n, ct_buf *out)
{
    if (enc == 0)
        return ct_utf8_to_latin1(s, n, out);
    if (enc == 1) {
        ct_buf_put_u16be(out, 0xfffe); /* BOM FF FE: UTF-16LE follows */
        ct_utf8_to_utf16le(s, n, out);
        return true;
    }
    ct_buf_put(out, s, n);
    return true;
}

bool ct_id3v2_text_value(const ct_id3_ref *f, ct_buf *out)
{
    ct_id3_view v;
    if (!ct_id3v2_view_make(f, &v) || !ct_id3v2_view_readable(&v) || v.len == 0 || v.data[0] > 3)
        return false;
    size_t term, n = ct_id3v2_string_len(v.data[0], v.data + 1, v.len - 1, &term);
    return ct_id3v2_decode_string(v.data[0], v.data + 1, n, out);
}

bool ct_id3v2_find_text(const ct_id3_tag *tag, const char *id, int max_version, bool year_only,
                        ct_buf *out)
{
    for (size_t i = 0; i < tag->n_frames; i++) {
        ct_id3_ref ref = ct_id3v2_ref_of(&tag->frames[i]);
        size_t start = out->len;
        if (ref.id == NULL || strcmp(ref.id, id) != 0 || ref.version > max_version ||
            !ct_id3v2_text_value(&ref, out))
            continue;
        if (year_only && ct_buf_ok(out) && out->len - start > 4)
            out->len = start + 4;
        return true;
    }
    return false;
}

bool ct_id3v2_text(const ct_id3_tag *tag, const char *id, ct_buf *out)
{
    if (tag == NULL || id[0] != 'T' || strcmp(id, "TXXX") == 0)
        return false;
    if (ct_id3v2_find_text(tag, id, 4, false, out))
        return true;
    /* the year lives in TDRC in v2.4 and in TYER before */
    if (strcmp(id, "TDRC") == 0)
        return ct_id3v2_find_text(tag, "TYER", 4, false, out);
    if (strcmp(id, "TYER") == 0)
        return ct_id3v2_find_text(tag, "TDRC", 4, true, out);
    return false;
}
