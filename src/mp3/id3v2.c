/* ID3v2 tags. Reads v2.2, v2.3 and v2.4 tags (unsynchronisation, extended headers, footers,
   stacked tags) into one list of frames, reads the chapters of their CHAP/CTOC frames, and
   renders the frames of a v2.3 or v2.4 tag: every frame chaptag does not own, byte for byte
   when its version stays and converted when it changes, then TLEN, the CTOC tree and one CHAP
   per chapter.
   Specs: ID3v2.2.0; ID3v2.3.0 §3-§4; ID3v2.4.0 structure §3-§6 and frames §4; ID3v2 Chapter
   Frame Addendum 1.0. Where they are silent, or writers break them, this follows what FFmpeg
   (libavformat/id3v2.c), mutagen (mutagen/id3) and TagLib do, and says so where it matters. */
#include "id3v2.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

enum {
    HEADER_SIZE = 10,     /* tag header, footer, v2.3/v2.4 frame header */
    V22_HEADER_SIZE = 6,  /* v2.2 frame header: 3-byte ID, 3-byte size */
    CHAP_MIN_SIZE = 18,   /* 1-byte element ID, NUL, four times/offsets (TagLib's minimum) */
    CTOC_MAX_CHILDREN = 255, /* the entry count is one byte */
    CTOC_TOP_LEVEL = 0x02,
    CTOC_ORDERED = 0x01,
    V24_TRAP_SIZE = 128,  /* the first size whose sync-safe and plain encodings differ */
    DESC_TITLE_MAX = 60,  /* bytes of a title quoted in a plan line */
    MAX_TREE_LEVELS = 16, /* 255^16 chapters: more than memory can hold */
};
#define SYNCSAFE_MAX 0x0FFFFFFFu
/* the largest time we write; 0xFFFFFFFF is the addendum's "unused" marker */
#define TIME_MAX_MS 0xFFFFFFFEu

/* Tag header flags (ID3v2.3.0 §3.1, ID3v2.4.0 structure §3.1). */
enum { H_UNSYNC = 0x80, H_EXTENDED = 0x40, H_FOOTER = 0x10 };

/* Frame flags: v2.3 layout (ID3v2.3.0 §3.3.1) and v2.4 layout (ID3v2.4.0 structure §4.1). */
enum {
    F23_COMPRESS = 0x0080,
    F23_ENCRYPT = 0x0040,
    F23_GROUP = 0x0020,
    F24_GROUP = 0x0040,
    F24_COMPRESS = 0x0008,
    F24_ENCRYPT = 0x0004,
    F24_UNSYNC = 0x0002,
    F24_DLI = 0x0001,
};

/* The status flags (tag alter, file alter, read only) in both layouts. */
static const struct {
    uint16_t v23, v24;
} status_flags[] = {{0x8000, 0x4000}, {0x4000, 0x2000}, {0x2000, 0x1000}};

/* ---- small helpers ---------------------------------------------------------------------- */

static uint32_t syncsafe_encode(uint32_t v)
{
    return (v & 0x7f) | ((v & 0x3f80) << 1) | ((v & 0x1fc000) << 2) | ((v & 0x0fe00000) << 3);
}

static uint32_t syncsafe_decode(const uint8_t *p)
{
    return ((uint32_t)(p[0] & 0x7f) << 21) | ((uint32_t)(p[1] & 0x7f) << 14) |
           ((uint32_t)(p[2] & 0x7f) << 7) | (uint32_t)(p[3] & 0x7f);
}

/* Frame IDs are [A-Z0-9]{3} (v2.2) or {4}. */
static bool valid_id(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9')))
            return false;
    return true;
}

/* A NUL-terminated string at R: its start and length *N, R advanced past the NUL; NULL (and
   R bad) when there is no NUL. */
static const uint8_t *read_cstr(ct_reader *r, size_t *n)
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

/* S (an element ID from a file) made printable for a message: other bytes become '?'. */
static const char *printable(const char *s, char buf[40])
{
    size_t i = 0;
    for (; s[i] != '\0' && i < 32; i++)
        buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
    if (s[i] != '\0')
        buf[i++] = '~';
    buf[i] = '\0';
    return buf;
}

/* ---- frame lists -------------------------------------------------------------------------- */

typedef struct {
    ct_id3_frame *v;
    size_t n, cap;
} frame_list;

static void frame_list_free(frame_list *fl)
{
    for (size_t i = 0; i < fl->n; i++)
        free(fl->v[i].body);
    free(fl->v);
    fl->v = NULL;
    fl->n = fl->cap = 0;
}

/* Appends F and takes over its body (freed when memory runs out). */
static chaptag_status frame_list_push(frame_list *fl, const ct_id3_frame *f, chaptag_error *err)
{
    ct_id3_frame *v = ct_grow(fl->v, fl->n, &fl->cap, sizeof *v);
    if (v == NULL) {
        free(f->body);
        return ct_fail_nomem(err);
    }
    fl->v = v;
    fl->v[fl->n++] = *f;
    return CHAPTAG_OK;
}

/* ---- reading frames ----------------------------------------------------------------------- */

/* Undoes unsynchronisation in place, dropping the 00 of every FF 00 (ID3v2.4.0 structure
   §6.1), and returns the new length. */
static size_t unsync_decode(uint8_t *p, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = p[i];
        p[o++] = b;
        if (b == 0xff && i + 1 < n && p[i + 1] == 0)
            i++;
    }
    return o;
}

/* Bytes that v2.4 frame flags add after the header: group ID, encryption method and data
   length indicator, in that order (ID3v2.4.0 structure §4.1.2). */
static size_t extras_v24(uint16_t flags)
{
    return ((flags & F24_GROUP) ? 1u : 0u) + ((flags & F24_ENCRYPT) ? 1u : 0u) +
           ((flags & F24_DLI) ? 4u : 0u);
}

/* How a list of frames is read: the version's header layout, and what to name in warnings. */
typedef struct {
    int version;
    bool unsync_all;   /* v2.4 header flag 0x80: every frame is unsynchronised */
    const char *where; /* "ID3v2 tag", "CHAP chp3" */
    size_t base;       /* offset of the first byte, for warnings */
    ct_warnings *w;
} frame_ctx;

typedef struct {
    char id[5];
    uint16_t flags;
    bool plain_size;
    const uint8_t *body;
    size_t len;
} raw_frame;

typedef enum { FRAME_OK, FRAME_SKIP, FRAME_END } frame_result;

/* True when a frame, padding or the end of the frames lies DIST bytes into the LEFT bytes at
   P: FFmpeg's check_tag, but padding must run to the end (FFmpeg takes four zero bytes, and
   so mistakes the zeros inside a body, a UTF-16 terminator say, for padding). */
static bool frame_follows(const uint8_t *p, size_t left, uint64_t dist)
{
    if (dist > left)
        return false;
    size_t at = (size_t)dist;
    if (left - at >= 4 && valid_id(p + at, 4))
        return true;
    while (at < left && p[at] == 0)
        at++;
    return at == left;
}

/* The size of a v2.4 frame from its size bytes RAW, REST being the LEFT bytes after its
   header. iTunes wrote plain sizes in v2.4 tags, and FFmpeg 5.1 writes CHAP/CTOC sizes so:
   when the readings differ, the one after which a frame or the end follows wins, sync-safe
   first (FFmpeg's rule; TagLib's is the same). *PLAIN says the plain reading won. */
static uint64_t size_v24(const uint8_t *raw, const uint8_t *rest, size_t left, bool *plain_won)
{
    uint32_t plain = ct_load_u32be(raw);
    *plain_won = true;
    if ((raw[0] | raw[1] | raw[2] | raw[3]) & 0x80)
        return plain;
    uint32_t safe = syncsafe_decode(raw);
    *plain_won = false;
    if (plain == safe || frame_follows(rest, left, safe))
        return safe;
    *plain_won = frame_follows(rest, left, plain);
    return *plain_won ? plain : safe;
}

/* Reads the next frame at R into *RF. FRAME_SKIP: an empty frame, dropped with a warning;
   FRAME_END: a damaged frame, which ends the list with a warning. */
static frame_result read_frame(const frame_ctx *fc, ct_reader *r, raw_frame *rf)
{
    size_t at = fc->base + r->pos;
    bool v22 = fc->version == 2;
    size_t id_len = v22 ? 3 : 4;
    const uint8_t *h = ct_reader_bytes(r, v22 ? V22_HEADER_SIZE : HEADER_SIZE);
    if (h == NULL || !valid_id(h, id_len)) {
        ct_warn(fc->w, 0, "%s: no valid frame at byte %zu; it and what follows are dropped",
                fc->where, at);
        return FRAME_END;
    }
    memset(rf->id, 0, sizeof rf->id);
    memcpy(rf->id, h, id_len);
    rf->plain_size = false;
    uint64_t size = v22 ? ct_load_u24be(h + 3)
                  : fc->version == 3 ? ct_load_u32be(h + 4)
                                     : size_v24(h + 4, r->p + r->pos, ct_reader_left(r),
                                                &rf->plain_size);
    rf->flags = v22 ? 0 : ct_load_u16be(h + 8);
    if (size > ct_reader_left(r)) {
        ct_warn(fc->w, 0,
                "%s: frame %s at byte %zu claims %" PRIu64 " bytes but %zu remain; it and "
                "the frames after it are dropped",
                fc->where, rf->id, at, size, ct_reader_left(r));
        return FRAME_END;
    }
    rf->len = (size_t)size;
    rf->body = ct_reader_bytes(r, rf->len);
    if (size == 0) {
        ct_warn(fc->w, 0, "%s: empty frame %s at byte %zu dropped", fc->where, rf->id, at);
        return FRAME_SKIP;
    }
    return FRAME_OK;
}

/* Copies RF into FL with its unsynchronisation undone. In v2.4 that is per frame and starts
   after the extra header bytes, which are read raw (as mutagen and FFmpeg do); the flag is
   cleared because the stored body is plain. */
static chaptag_status store_frame(const frame_ctx *fc, const raw_frame *rf, frame_list *fl,
                                  chaptag_error *err)
{
    bool unsync = fc->version == 4 && (fc->unsync_all || (rf->flags & F24_UNSYNC));
    size_t keep = unsync ? extras_v24(rf->flags) : rf->len;
    if (keep > rf->len) {
        ct_warn(fc->w, 0, "%s: frame %s is shorter than its flags say; dropped", fc->where,
                rf->id);
        return CHAPTAG_OK;
    }
    ct_id3_frame f = {{0}, (uint8_t)fc->version, rf->flags, NULL, rf->len, rf->plain_size};
    memcpy(f.id, rf->id, sizeof f.id);
    if (fc->version == 4)
        f.flags = (uint16_t)(f.flags & ~F24_UNSYNC);
    f.body = ct_malloc(rf->len);
    if (f.body == NULL)
        return ct_fail_nomem(err);
    memcpy(f.body, rf->body, rf->len);
    if (unsync)
        f.len = keep + unsync_decode(f.body + keep, rf->len - keep);
    return frame_list_push(fl, &f, err);
}

/* Reads the frames at R into FL until padding, the end, or a damaged frame (which ends the
   list with a warning). *PADDING gets the bytes of padding found. Only memory can fail. */
static chaptag_status parse_frames(const frame_ctx *fc, ct_reader *r, frame_list *fl,
                                   uint64_t *padding, chaptag_error *err)
{
    size_t header = fc->version == 2 ? V22_HEADER_SIZE : HEADER_SIZE;
    *padding = 0;
    while (ct_reader_left(r) > 0) {
        /* a frame ID starting with 00 is padding: every reader stops there */
        if (r->p[r->pos] == 0) {
            *padding = ct_reader_left(r);
            return CHAPTAG_OK;
        }
        if (ct_reader_left(r) < header) {
            ct_warn(fc->w, 0, "%s: %zu stray bytes at byte %zu dropped", fc->where,
                    ct_reader_left(r), fc->base + r->pos);
            return CHAPTAG_OK;
        }
        raw_frame rf;
        frame_result res = read_frame(fc, r, &rf);
        if (res == FRAME_END)
            return CHAPTAG_OK;
        if (res == FRAME_OK) {
            chaptag_status st = store_frame(fc, &rf, fl, err);
            if (st != CHAPTAG_OK)
                return st;
        }
    }
    return CHAPTAG_OK;
}

/* ---- reading tags ------------------------------------------------------------------------- */

uint64_t ct_id3v2_tag_size(const uint8_t hdr[10])
{
    if (memcmp(hdr, "ID3", 3) != 0 || hdr[3] == 0xff || hdr[4] == 0xff)
        return 0;
    if ((hdr[6] | hdr[7] | hdr[8] | hdr[9]) & 0x80)
        return 0;
    uint64_t size = HEADER_SIZE + (uint64_t)syncsafe_decode(hdr + 6);
    /* only v2.4 has a footer (ID3v2.4.0 structure §3.4) */
    if (hdr[3] == 4 && (hdr[5] & H_FOOTER))
        size += HEADER_SIZE;
    return size;
}

/* Steps R past the extended header that header flag 0x40 announces. mutagen's rule: when a
   frame ID follows the tag header the flag is a lie (some taggers set it without writing one).
   False, with a warning, when the extended header does not fit. */
static bool skip_ext_header(ct_reader *r, int version, ct_warnings *w)
{
    if (ct_reader_left(r) >= 4 && valid_id(r->p + r->pos, 4))
        return true;
    const uint8_t *p = ct_reader_bytes(r, 4);
    uint64_t rest = UINT64_MAX;
    if (p != NULL && version == 3)
        rest = ct_load_u32be(p); /* plain, counts what follows it (ID3v2.3.0 §3.2) */
    else if (p != NULL && syncsafe_decode(p) >= 6)
        rest = syncsafe_decode(p) - 4; /* sync-safe, counts itself (v2.4 structure §3.2) */
    if (rest > ct_reader_left(r)) {
        ct_warn(w, 0, "the ID3v2 extended header is damaged; the tag's frames are dropped");
        return false;
    }
    ct_reader_skip(r, (size_t)rest);
    return true;
}

/* Parses the tag at P (the whole of it present), byte AT of the data, and appends its frames
   to FL. Only the first tag's header can fail the call. */
static chaptag_status parse_tag(ct_id3_tag *tag, const uint8_t *p, size_t at, frame_list *fl,
                                chaptag_error *err)
{
    unsigned version = p[3];
    uint8_t flags = p[5];
    if (version < 2 || version > 4) {
        if (at == 0)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "unsupported ID3v2 version 2.%u", version);
        ct_warn(&tag->warnings, 0, "ID3v2.%u tag at byte %zu skipped: unsupported version",
                version, at);
        return CHAPTAG_OK;
    }
    if (version == 2 && (flags & H_EXTENDED)) {
        /* v2.2 "compression" has no scheme defined; FFmpeg skips such tags too */
        ct_warn(&tag->warnings, 0, "ID3v2.2 tag at byte %zu is compressed; its frames are "
                "skipped", at);
        return CHAPTAG_OK;
    }
    size_t body_len = syncsafe_decode(p + 6);
    const uint8_t *body = p + HEADER_SIZE;
    uint8_t *decoded = NULL;
    if (version < 4 && (flags & H_UNSYNC)) {
        /* v2.2/v2.3 unsynchronise the whole body: decode it first and read frame sizes in the
           decoded bytes, as mutagen and TagLib do */
        decoded = ct_malloc(body_len);
        if (decoded == NULL)
            return ct_fail_nomem(err);
        memcpy(decoded, body, body_len);
        body_len = unsync_decode(decoded, body_len);
        body = decoded;
    }
    ct_reader r = ct_reader_make(body, body_len);
    frame_ctx fc = {(int)version, version == 4 && (flags & H_UNSYNC), "ID3v2 tag",
                    at + HEADER_SIZE, &tag->warnings};
    uint64_t padding = 0;
    chaptag_status st = CHAPTAG_OK;
    if (version == 2 || !(flags & H_EXTENDED) || skip_ext_header(&r, (int)version, fc.w))
        st = parse_frames(&fc, &r, fl, &padding, err);
    if (at == 0) {
        tag->padding = padding;
        tag->padding_off = decoded ? 0 : HEADER_SIZE + body_len - padding;
    }
    free(decoded);
    return st;
}

/* Where each stacked tag starts: its byte in the data and its first frame in the list. */
typedef struct {
    size_t at, first;
} tag_start;

static chaptag_status drop_repeats(ct_id3_tag *tag, frame_list *fl, const tag_start *starts,
                                   size_t n_tags, chaptag_error *err);

chaptag_status ct_id3v2_parse(const uint8_t *data, size_t len, ct_id3_tag **out,
                              chaptag_error *err)
{
    uint64_t size = len >= HEADER_SIZE ? ct_id3v2_tag_size(data) : 0;
    if (size == 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "no ID3v2 tag header");
    if (size > len)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0,
                       "the ID3v2 tag claims %" PRIu64 " bytes but %zu are there", size, len);
    ct_id3_tag *tag = ct_calloc(1, sizeof *tag);
    if (tag == NULL)
        return ct_fail_nomem(err);
    tag->version = data[3];
    tag->flags = data[5];
    frame_list fl = {NULL, 0, 0};
    tag_start *starts = NULL;
    size_t pos = 0, cap = 0;
    chaptag_status st;
    /* writers such as WMP stack tags back to back; FFmpeg and mutagen skip them all */
    for (;;) {
        tag_start *grown = ct_grow(starts, tag->n_tags, &cap, sizeof *starts);
        if (grown == NULL) {
            st = ct_fail_nomem(err);
            goto out;
        }
        starts = grown;
        starts[tag->n_tags] = (tag_start){pos, fl.n};
        st = parse_tag(tag, data + pos, pos, &fl, err);
        if (st != CHAPTAG_OK)
            goto out;
        pos += (size_t)size;
        tag->n_tags++;
        size = len - pos >= HEADER_SIZE ? ct_id3v2_tag_size(data + pos) : 0;
        if (size == 0)
            break;
        if (size > len - pos) {
            ct_warn(&tag->warnings, 0, "the ID3v2 tag at byte %zu claims %" PRIu64
                    " bytes, past the data; ignored", pos, size);
            break;
        }
    }
    tag->total_size = pos;
    st = tag->n_tags > 1 ? drop_repeats(tag, &fl, starts, tag->n_tags, err) : CHAPTAG_OK;
    if (st != CHAPTAG_OK)
        goto out;
    tag->frames = fl.v;
    tag->n_frames = fl.n;
    fl.v = NULL;
    fl.n = 0;
    *out = tag;
    tag = NULL;
out:
    free(starts);
    frame_list_free(&fl);
    ct_id3v2_tag_free(tag);
    return st;
}

void ct_id3v2_tag_free(ct_id3_tag *tag)
{
    if (tag == NULL)
        return;
    for (size_t i = 0; i < tag->n_frames; i++)
        free(tag->frames[i].body);
    free(tag->frames);
    ct_warnings_clear(&tag->warnings);
    free(tag);
}

/* True when F is a frame chaptag owns and replaces. */
static bool owned(const ct_id3_frame *f)
{
    return f->version >= 3 && (strcmp(f->id, "CHAP") == 0 || strcmp(f->id, "CTOC") == 0);
}

bool ct_id3v2_has_chapters(const ct_id3_tag *tag)
{
    for (size_t i = 0; tag != NULL && i < tag->n_frames; i++)
        if (owned(&tag->frames[i]))
            return true;
    return false;
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

/* A frame as the renderer and the readers see it: its v2.3/v2.4 ID and the layout it is in. */
typedef struct {
    const char *id;
    const char *v22_id; /* the ID it had when it was upgraded from v2.2; else NULL */
    int version;
    uint16_t flags;
    const uint8_t *body;
    size_t len;
} frame_ref;

static frame_ref ref_of(const ct_id3_frame *f)
{
    frame_ref r = {v23_id(f), NULL, f->version, f->flags, f->body, f->len};
    return r;
}

/* A frame's body split into the extra header bytes its flags add and its content. */
typedef struct {
    uint16_t status;     /* tag alter, file alter, read only: v2.4 layout */
    int group, method;   /* group ID and encryption method; -1 when absent */
    bool compressed;
    bool has_len;        /* data_len holds the v2.4 data length or v2.3 decompressed size */
    uint32_t data_len;
    const uint8_t *data; /* the content */
    size_t len;
} frame_view;

/* Splits F into *V. False when its flags announce more bytes than it has. */
static bool view_make(const frame_ref *f, frame_view *v)
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
        v->data_len = dli ? syncsafe_decode(dli) : 0;
    } else if (f->version == 3) {
        for (size_t i = 0; i < sizeof status_flags / sizeof status_flags[0]; i++)
            if (f->flags & status_flags[i].v23)
                v->status |= status_flags[i].v24;
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

/* Compressed or encrypted content cannot be read or re-encoded, only carried. */
static bool view_readable(const frame_view *v)
{
    return !v->compressed && v->method < 0;
}

/* ---- text encodings (ID3v2.4.0 structure §4) ---------------------------------------------- */

/* Bytes of the string of encoding ENC at P (N bytes) before its terminator; *TERM gets the
   terminator's size, 0 when the string runs to the end. */
static size_t string_len(int enc, const uint8_t *p, size_t n, size_t *term)
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

/* Appends the N bytes at P, a string of encoding ENC, as UTF-8. False for an unknown ENC. */
static bool decode_string(int enc, const uint8_t *p, size_t n, ct_buf *out)
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

/* Appends UTF-8 S (N bytes) in encoding ENC (0, 1 or 3; 1 with a little-endian BOM), no
   terminator. False, appending nothing, when ENC is 0 and S does not fit ISO-8859-1. */
static bool encode_string(int enc, const char *s, size_t n, ct_buf *out)
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

static void put_terminator(int enc, ct_buf *out)
{
    ct_buf_put_zeros(out, enc == 1 || enc == 2 ? 2 : 1);
}

/* Appends the first value of text frame F as UTF-8; false when F cannot be read. */
static bool text_value(const frame_ref *f, ct_buf *out)
{
    frame_view v;
    if (!view_make(f, &v) || !view_readable(&v) || v.len == 0 || v.data[0] > 3)
        return false;
    size_t term, n = string_len(v.data[0], v.data + 1, v.len - 1, &term);
    return decode_string(v.data[0], v.data + 1, n, out);
}

/* Appends the first value of the first readable frame ID (v2.3 name) of version MAX_VERSION or
   older; YEAR_ONLY keeps its first four bytes. A failed append shows in OUT, as ever. */
static bool find_text(const ct_id3_tag *tag, const char *id, int max_version, bool year_only,
                      ct_buf *out)
{
    for (size_t i = 0; i < tag->n_frames; i++) {
        frame_ref ref = ref_of(&tag->frames[i]);
        size_t start = out->len;
        if (ref.id == NULL || strcmp(ref.id, id) != 0 || ref.version > max_version ||
            !text_value(&ref, out))
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
    if (find_text(tag, id, 4, false, out))
        return true;
    /* the year lives in TDRC in v2.4 and in TYER before */
    if (strcmp(id, "TDRC") == 0)
        return find_text(tag, "TYER", 4, false, out);
    if (strcmp(id, "TYER") == 0)
        return find_text(tag, "TDRC", 4, true, out);
    return false;
}

/* ---- stacked tags ------------------------------------------------------------------------- */

/* What a tag may hold only one of (ID3v2.4.0 frames §4, ID3v2.3.0 §4): frames of an ID given
   "" here, and of the others one per key, made of the fields named: e the encoding byte; s a
   string in it (decoded, so encodings compare equal); L an ISO-8859-1 string; 3 three bytes
   (a language); * the rest; and, read but not part of the key, z and l such strings and _ a
   byte. Every T*** frame but TXXX is one of a kind too. */
static const struct {
    const char *id, *key;
} uniques[] = {
    {"TXXX", "es"},   {"WXXX", "es"},  {"COMM", "e3s"}, {"USLT", "e3s"}, {"SYLT", "e3__s"},
    {"APIC", "el_s"}, {"GEOB", "elzs"}, {"USER", "e3"}, {"UFID", "L"},   {"POPM", "L"},
    {"AENC", "L"},    {"RVA2", "L"},   {"EQU2", "_L"},  {"PRIV", "L*"},  {"MCDI", ""},
    {"ETCO", ""},     {"MLLT", ""},    {"SYTC", ""},    {"RVRB", ""},    {"PCNT", ""},
    {"RBUF", ""},     {"POSS", ""},    {"OWNE", ""},    {"SEEK", ""},    {"ASPI", ""},
    {"IPLS", ""},     {"RVAD", ""},    {"EQUA", ""},    {"WCOP", ""},    {"WOAF", ""},
    {"WOAS", ""},     {"WORS", ""},    {"WPAY", ""},    {"WPUB", ""},
};

/* The key fields of frame F (v2.3 name ID); NULL when such frames may repeat. v2.2's PIC has a
   3-byte image format where APIC has a MIME type. */
static const char *unique_fields(const ct_id3_frame *f, const char *id)
{
    if (f->version == 2 && strcmp(id, "APIC") == 0)
        return "e____s";
    for (size_t i = 0; i < sizeof uniques / sizeof uniques[0]; i++)
        if (strcmp(id, uniques[i].id) == 0)
            return uniques[i].key;
    return id[0] == 'T' ? "" : NULL;
}

/* Appends one key field K read from R (strings in encoding ENC); false when R runs out. */
static bool put_key_field(char k, int enc, ct_reader *r, ct_buf *out)
{
    size_t term, left = ct_reader_left(r);
    const uint8_t *p = r->p + r->pos;
    if (k == '3' || k == '_' || k == '*') {
        size_t n = k == '3' ? 3 : k == '_' ? 1 : left;
        p = ct_reader_bytes(r, n);
        if (p != NULL && k != '_')
            ct_buf_put(out, p, n);
        return p != NULL;
    }
    size_t n = string_len(k == 'L' || k == 'l' ? 0 : enc, p, left, &term);
    if (k == 's')
        decode_string(enc, p, n, out);
    else if (k == 'L')
        ct_buf_put(out, p, n);
    ct_reader_skip(r, n + term);
    ct_buf_put_u8(out, 0); /* ends the field: "ab" + "c" is not "a" + "bc" */
    return !r->bad;
}

/* Appends to OUT what no two frames of one tag may share with F: its v2.3 ID, then its key
   fields. False when F may repeat, or when its fields cannot be read (compressed, encrypted,
   cut short): such frames are all kept. */
static bool unique_key(const ct_id3_frame *f, ct_buf *out)
{
    frame_ref ref = ref_of(f);
    const char *fields = ref.id != NULL ? unique_fields(f, ref.id) : NULL;
    if (fields == NULL)
        return false;
    ct_buf_put(out, ref.id, 4);
    if (*fields == '\0')
        return true;
    frame_view v;
    if (!view_make(&ref, &v) || !view_readable(&v))
        return false;
    ct_reader r = ct_reader_make(v.data, v.len);
    int enc = 0;
    for (const char *k = fields; *k != '\0'; k++) {
        if (*k == 'e')
            enc = ct_reader_u8(&r);
        else if (enc > 3 || !put_key_field(*k, enc, &r, out))
            return false;
    }
    return !r.bad;
}

/* A one-of-a-kind frame: its key (in a buffer of keys), its place in the list, its tag. */
typedef struct {
    size_t off, len;
    const uint8_t *key;
    size_t frame, tag;
} keyed;

static bool same_key(const keyed *x, const keyed *y)
{
    return x->len == y->len && memcmp(x->key, y->key, x->len) == 0;
}

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
    if (c == 0 && x->len != y->len)
        c = x->len < y->len ? -1 : 1;
    if (c == 0)
        c = x->frame < y->frame ? -1 : x->frame > y->frame;
    return c;
}

/* The index of the tag holding frame I, searched from tag T on (frames come in tag order). */
static size_t tag_of_frame(const tag_start *starts, size_t n_tags, size_t t, size_t i)
{
    while (t + 1 < n_tags && starts[t + 1].first <= i)
        t++;
    return t;
}

/* Sets DROP[i] for each frame of FL that a tag may hold once and an earlier stacked tag
   already holds: frames sorted by key, then by place, come in groups whose first is the one
   to keep, with any other of its own tag. */
static chaptag_status mark_repeats(const frame_list *fl, const tag_start *starts, size_t n_tags,
                                   bool *drop, chaptag_error *err)
{
    ct_buf keys = CT_BUF_INIT;
    keyed *v = ct_malloc(fl->n * sizeof *v + 1);
    if (v == NULL)
        return ct_fail_nomem(err);
    size_t n = 0, tag = 0;
    for (size_t i = 0; i < fl->n; i++) {
        size_t off = keys.len;
        tag = tag_of_frame(starts, n_tags, tag, i);
        if (unique_key(&fl->v[i], &keys))
            v[n++] = (keyed){off, keys.len - off, NULL, i, tag};
        else
            keys.len = off;
    }
    chaptag_status st = ct_buf_ok(&keys) ? CHAPTAG_OK : ct_fail_nomem(err);
    for (size_t i = 0; st == CHAPTAG_OK && i < n; i++)
        v[i].key = keys.data + v[i].off;
    if (st == CHAPTAG_OK)
        qsort(v, n, sizeof *v, cmp_keyed);
    for (size_t i = 1, first = 0; st == CHAPTAG_OK && i < n; i++) {
        if (!same_key(&v[first], &v[i]))
            first = i;
        drop[v[i].frame] = v[i].tag > v[first].tag;
    }
    free(v);
    ct_buf_free(&keys);
    return st;
}

/* Drops from FL each frame a tag may hold once that an earlier stacked tag already holds,
   with a warning naming it: the first tag's is the one readers show (FFmpeg and mutagen read
   the first), and a merged tag must not carry two titles. Repeats within one tag stay. */
static chaptag_status drop_repeats(ct_id3_tag *tag, frame_list *fl, const tag_start *starts,
                                   size_t n_tags, chaptag_error *err)
{
    bool *drop = ct_calloc(fl->n + 1, sizeof *drop);
    chaptag_status st = drop ? mark_repeats(fl, starts, n_tags, drop, err) : ct_fail_nomem(err);
    if (st != CHAPTAG_OK) {
        free(drop);
        return st;
    }
    size_t kept = 0, t = 0;
    for (size_t i = 0; i < fl->n; i++) {
        t = tag_of_frame(starts, n_tags, t, i);
        if (!drop[i]) {
            fl->v[kept++] = fl->v[i];
            continue;
        }
        ct_warn(&tag->warnings, 0, "stacked ID3v2 tags: the %s frame of the tag at byte %zu "
                "repeats one of an earlier tag and is dropped; the first is kept", fl->v[i].id,
                starts[t].at);
        free(fl->v[i].body);
    }
    fl->n = kept;
    free(drop);
    return CHAPTAG_OK;
}

/* ---- reading chapters --------------------------------------------------------------------- */

typedef struct {
    char *eid; /* element ID */
    uint32_t start_ms, end_ms;
    size_t order; /* position in the tag: the sort is stable */
    bool reached; /* a top-level CTOC leads to it */
    char *title, *url, *image, *mime;
    uint8_t *image_data;
    size_t image_len;
} chap_entry;

typedef struct {
    char *eid;
    uint8_t flags;
    char **children;
    size_t n_children;
    bool queued; /* walked already, or about to be: guards against cycles */
    bool listed; /* another CTOC names it as a child */
} toc_entry;

typedef struct {
    const char *eid;
    bool is_toc;
    size_t idx;
} eid_ref;

typedef struct {
    chap_entry *chaps;
    size_t n_chaps, cap_chaps;
    toc_entry *tocs;
    size_t n_tocs, cap_tocs;
    eid_ref *index; /* every element ID, sorted */
    size_t n_index;
    ct_warnings *w;
} chap_set;

static void chap_set_free(chap_set *set)
{
    for (size_t i = 0; i < set->n_chaps; i++) {
        chap_entry *c = &set->chaps[i];
        free(c->eid);
        free(c->title);
        free(c->url);
        free(c->image);
        free(c->mime);
        free(c->image_data);
    }
    for (size_t i = 0; i < set->n_tocs; i++) {
        for (size_t k = 0; k < set->tocs[i].n_children; k++)
            free(set->tocs[i].children[k]);
        free(set->tocs[i].children);
        free(set->tocs[i].eid);
    }
    free(set->chaps);
    free(set->tocs);
    free(set->index);
}

/* Hands the bytes of B over as a new string in *OUT (NULL when B is empty). */
static chaptag_status take_string(ct_buf *b, char **out, chaptag_error *err)
{
    if (!ct_buf_ok(b)) {
        ct_buf_free(b);
        return ct_fail_nomem(err);
    }
    if (b->len == 0) {
        ct_buf_free(b); /* cleaning may have emptied a buffer that holds memory */
        return CHAPTAG_OK;
    }
    *out = (char *)ct_buf_take(b, NULL);
    return *out ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* The chapter's title: TIT2's, or TIT3's when there is no TIT2, made one line. */
static chaptag_status take_title(chap_entry *c, const ct_id3_frame *f, chaptag_error *err)
{
    ct_buf raw = CT_BUF_INIT, clean = CT_BUF_INIT;
    frame_ref ref = ref_of(f);
    if (text_value(&ref, &raw) && raw.len > 0 && ct_buf_ok(&raw))
        ct_title_clean((const char *)raw.data, raw.len, &clean);
    bool ok = ct_buf_ok(&raw);
    ct_buf_free(&raw);
    if (!ok) {
        ct_buf_free(&clean);
        return ct_fail_nomem(err);
    }
    return take_string(&clean, &c->title, err);
}

/* The chapter's link from WXXX: encoding, description, then the URL, always ISO-8859-1. */
static chaptag_status take_url(chap_entry *c, const ct_id3_frame *f, chaptag_error *err)
{
    frame_ref ref = ref_of(f);
    frame_view v;
    if (!view_make(&ref, &v) || !view_readable(&v) || v.len == 0 || v.data[0] > 3)
        return CHAPTAG_OK;
    size_t term, n = string_len(v.data[0], v.data + 1, v.len - 1, &term);
    const uint8_t *url = v.data + 1 + n + term;
    size_t url_len = string_len(0, url, v.len - 1 - n - term, &term);
    ct_buf b = CT_BUF_INIT;
    ct_latin1_to_utf8(url, url_len, &b);
    return take_string(&b, &c->url, err);
}

/* A MIME type for picture bytes that came without one. */
static const char *sniff_mime(const uint8_t *p, size_t n)
{
    static const uint8_t png[] = {0x89, 'P', 'N', 'G'};
    return n >= 4 && memcmp(p, png, 4) == 0 ? "image/png" : "image/jpeg";
}

/* The chapter's picture from APIC: encoding, MIME type, picture type, description, data. The
   MIME type "-->" means the data is a link to the picture. */
static chaptag_status take_image(chap_entry *c, const ct_id3_frame *f, chaptag_error *err)
{
    frame_ref ref = ref_of(f);
    frame_view v;
    if (!view_make(&ref, &v) || !view_readable(&v))
        return CHAPTAG_OK;
    ct_reader r = ct_reader_make(v.data, v.len);
    int enc = ct_reader_u8(&r);
    size_t mime_len = 0, term;
    const uint8_t *mime = read_cstr(&r, &mime_len);
    ct_reader_skip(&r, 1); /* picture type */
    if (r.bad || enc > 3)
        return CHAPTAG_OK;
    ct_reader_skip(&r, string_len(enc, r.p + r.pos, ct_reader_left(&r), &term) + term);
    const uint8_t *data = r.p + r.pos;
    size_t len = ct_reader_left(&r);
    ct_buf b = CT_BUF_INIT;
    if (mime_len == 3 && memcmp(mime, "-->", 3) == 0) {
        ct_latin1_to_utf8(data, len, &b);
        return take_string(&b, &c->image, err);
    }
    if (len == 0)
        return CHAPTAG_OK;
    /* a MIME type is printable ASCII (RFC 2045); anything else is damage */
    bool printable_mime = mime_len > 0;
    for (size_t i = 0; i < mime_len; i++)
        printable_mime = printable_mime && mime[i] > 0x20 && mime[i] < 0x7f;
    if (printable_mime)
        ct_buf_put(&b, mime, mime_len);
    else
        ct_buf_put_str(&b, sniff_mime(data, len));
    chaptag_status st = take_string(&b, &c->mime, err);
    if (st != CHAPTAG_OK)
        return st;
    c->image_data = ct_malloc(len);
    if (c->image_data == NULL)
        return ct_fail_nomem(err);
    memcpy(c->image_data, data, len);
    c->image_len = len;
    return CHAPTAG_OK;
}

/* Fills C from the first TIT2 (or TIT3), WXXX and APIC among SUB. */
static chaptag_status chap_fields(chap_entry *c, const frame_list *sub, chaptag_error *err)
{
    const ct_id3_frame *tit2 = NULL, *tit3 = NULL, *wxxx = NULL, *apic = NULL;
    for (size_t i = sub->n; i-- > 0;) {
        const ct_id3_frame *f = &sub->v[i];
        if (strcmp(f->id, "TIT2") == 0)
            tit2 = f;
        else if (strcmp(f->id, "TIT3") == 0)
            tit3 = f;
        else if (strcmp(f->id, "WXXX") == 0)
            wxxx = f;
        else if (strcmp(f->id, "APIC") == 0)
            apic = f;
    }
    chaptag_status st = CHAPTAG_OK;
    if (tit2 != NULL || tit3 != NULL)
        st = take_title(c, tit2 ? tit2 : tit3, err);
    if (st == CHAPTAG_OK && wxxx != NULL)
        st = take_url(c, wxxx, err);
    if (st == CHAPTAG_OK && apic != NULL)
        st = take_image(c, apic, err);
    return st;
}

/* Reads CHAP frame F (addendum §3) into SET: element ID, times, offsets, sub-frames read by the
   rules of its tag's version. A CHAP that cannot be read is skipped with a warning. */
static chaptag_status read_chap(chap_set *set, const ct_id3_frame *f, chaptag_error *err)
{
    frame_ref ref = ref_of(f);
    frame_view v;
    if (!view_make(&ref, &v) || !view_readable(&v) || v.len < CHAP_MIN_SIZE) {
        ct_warn(set->w, 0, "a CHAP frame of %zu bytes was skipped: it is compressed, "
                "encrypted or shorter than the 18 bytes the addendum requires", f->len);
        return CHAPTAG_OK;
    }
    ct_reader r = ct_reader_make(v.data, v.len);
    size_t n = 0;
    const uint8_t *eid = read_cstr(&r, &n);
    uint32_t start = ct_reader_u32be(&r), end = ct_reader_u32be(&r);
    ct_reader_skip(&r, 8); /* byte offsets: times are what every reader uses */
    if (r.bad) {
        ct_warn(set->w, 0, "a CHAP frame without a complete element ID and times was skipped");
        return CHAPTAG_OK;
    }
    chap_entry *chaps = ct_grow(set->chaps, set->n_chaps, &set->cap_chaps, sizeof *chaps);
    if (chaps == NULL)
        return ct_fail_nomem(err);
    set->chaps = chaps;
    chap_entry *c = &chaps[set->n_chaps];
    memset(c, 0, sizeof *c);
    c->eid = ct_strndup((const char *)eid, n);
    if (c->eid == NULL)
        return ct_fail_nomem(err);
    c->order = set->n_chaps++;
    c->start_ms = start;
    c->end_ms = end;
    char where[48], id[40];
    snprintf(where, sizeof where, "CHAP %s", printable(c->eid, id));
    frame_ctx fc = {f->version, false, where, 0, set->w};
    frame_list sub = {NULL, 0, 0};
    uint64_t padding;
    chaptag_status st = parse_frames(&fc, &r, &sub, &padding, err);
    if (st == CHAPTAG_OK)
        st = chap_fields(c, &sub, err);
    frame_list_free(&sub);
    return st;
}

/* Reads CTOC frame F (addendum §4) into SET: element ID, flags, child element IDs. Its
   sub-frames (the TOC's own title) have no place in the chapter model. */
static chaptag_status read_ctoc(chap_set *set, const ct_id3_frame *f, chaptag_error *err)
{
    frame_ref ref = ref_of(f);
    frame_view v;
    ct_reader r = ct_reader_make(NULL, 0);
    size_t n = 0;
    const uint8_t *eid = NULL;
    if (view_make(&ref, &v) && view_readable(&v)) {
        r = ct_reader_make(v.data, v.len);
        eid = read_cstr(&r, &n);
    }
    uint8_t flags = ct_reader_u8(&r), count = ct_reader_u8(&r);
    if (eid == NULL || r.bad) {
        ct_warn(set->w, 0, "a CTOC frame of %zu bytes could not be read and was skipped", f->len);
        return CHAPTAG_OK;
    }
    toc_entry *tocs = ct_grow(set->tocs, set->n_tocs, &set->cap_tocs, sizeof *tocs);
    if (tocs == NULL)
        return ct_fail_nomem(err);
    set->tocs = tocs;
    toc_entry *t = &tocs[set->n_tocs];
    memset(t, 0, sizeof *t);
    t->flags = flags;
    t->eid = ct_strndup((const char *)eid, n);
    t->children = ct_calloc(count ? count : 1, sizeof *t->children);
    set->n_tocs++;
    if (t->eid == NULL || t->children == NULL)
        return ct_fail_nomem(err);
    char id[40];
    for (unsigned i = 0; i < count; i++) {
        const uint8_t *child = read_cstr(&r, &n);
        if (child == NULL) {
            ct_warn(set->w, 0, "CTOC %s says it has %u entries but holds %u",
                    printable(t->eid, id), count, i);
            break;
        }
        t->children[i] = ct_strndup((const char *)child, n);
        if (t->children[i] == NULL)
            return ct_fail_nomem(err);
        t->n_children++;
    }
    return CHAPTAG_OK;
}

chaptag_status ct_id3v2_subframes(const uint8_t *p, size_t len, int version, ct_id3_frame **out,
                                  size_t *n, ct_warnings *w, chaptag_error *err)
{
    ct_warnings scratch = {0};
    frame_ctx fc = {version, false, "sub-frames", 0, w ? w : &scratch};
    frame_list sub = {NULL, 0, 0};
    ct_reader r = ct_reader_make(p, len);
    uint64_t padding;
    chaptag_status st = parse_frames(&fc, &r, &sub, &padding, err);
    ct_warnings_clear(&scratch);
    if (st != CHAPTAG_OK) {
        frame_list_free(&sub);
        return st;
    }
    *out = sub.v;
    *n = sub.n;
    return CHAPTAG_OK;
}

void ct_id3v2_frames_free(ct_id3_frame *frames, size_t n)
{
    frame_list fl = {frames, n, n};
    frame_list_free(&fl);
}

static int cmp_eid(const void *a, const void *b)
{
    const eid_ref *x = a, *y = b;
    int c = strcmp(x->eid, y->eid);
    if (c != 0)
        return c;
    if (x->is_toc != y->is_toc)
        return x->is_toc ? 1 : -1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Sorts every element ID of SET into its index and warns about the ones used twice. */
static chaptag_status build_index(chap_set *set, chaptag_error *err)
{
    size_t n = set->n_chaps + set->n_tocs;
    set->index = ct_calloc(n, sizeof *set->index);
    if (set->index == NULL)
        return ct_fail_nomem(err);
    for (size_t i = 0; i < set->n_chaps; i++)
        set->index[i] = (eid_ref){set->chaps[i].eid, false, i};
    for (size_t i = 0; i < set->n_tocs; i++)
        set->index[set->n_chaps + i] = (eid_ref){set->tocs[i].eid, true, i};
    if (n > 0)
        qsort(set->index, n, sizeof *set->index, cmp_eid);
    set->n_index = n;
    char id[40];
    for (size_t i = 1; i < n; i++)
        if (strcmp(set->index[i - 1].eid, set->index[i].eid) == 0 &&
            (i == 1 || strcmp(set->index[i - 2].eid, set->index[i].eid) != 0))
            ct_warn(set->w, 0, "element ID %s is used by more than one CHAP or CTOC frame",
                    printable(set->index[i].eid, id));
    return CHAPTAG_OK;
}

/* The first index entry for EID, or n_index. */
static size_t index_find(const chap_set *set, const char *eid)
{
    size_t lo = 0, hi = set->n_index;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(set->index[mid].eid, eid) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Marks what the CTOC at STACK[*TOP - 1]'s children reach: CHAPs as reached, CTOCs queued. */
static void walk_children(chap_set *set, size_t *stack, size_t *top)
{
    const toc_entry *t = &set->tocs[stack[--*top]];
    char a[40], b[40];
    for (size_t i = 0; i < t->n_children; i++) {
        size_t k = index_find(set, t->children[i]);
        if (k == set->n_index || strcmp(set->index[k].eid, t->children[i]) != 0)
            ct_warn(set->w, 0, "CTOC %s lists %s, which no CHAP or CTOC has",
                    printable(t->eid, a), printable(t->children[i], b));
        for (; k < set->n_index && strcmp(set->index[k].eid, t->children[i]) == 0; k++) {
            const eid_ref *e = &set->index[k];
            if (!e->is_toc)
                set->chaps[e->idx].reached = true;
            else if (!set->tocs[e->idx].queued) {
                set->tocs[e->idx].queued = true;
                stack[(*top)++] = e->idx;
            }
        }
    }
}

/* Without a top-level CTOC (a writer's bug, not a choice to hide every chapter), the CTOCs
   that no other CTOC lists stand in as roots. */
static void queue_roots(chap_set *set, size_t *stack, size_t *top)
{
    for (size_t i = 0; i < set->n_tocs; i++)
        for (size_t c = 0; c < set->tocs[i].n_children; c++) {
            size_t k = index_find(set, set->tocs[i].children[c]);
            for (; k < set->n_index && strcmp(set->index[k].eid, set->tocs[i].children[c]) == 0;
                 k++)
                if (set->index[k].is_toc && set->index[k].idx != i)
                    set->tocs[set->index[k].idx].listed = true;
        }
    for (size_t i = 0; i < set->n_tocs; i++)
        if (!set->tocs[i].listed) {
            set->tocs[i].queued = true;
            stack[(*top)++] = i;
        }
}

/* Marks every CHAP that a top-level CTOC reaches, through nested CTOCs; each CTOC is walked
   once, so cycles end, and the walk uses a stack rather than recursion, so depth does not
   matter. Warns about TOC shapes players trip on. */
static chaptag_status mark_reached(chap_set *set, chaptag_error *err)
{
    size_t *stack = ct_calloc(set->n_tocs, sizeof *stack), top = 0, n_top = 0;
    if (stack == NULL)
        return ct_fail_nomem(err);
    for (size_t i = 0; i < set->n_tocs; i++)
        if (set->tocs[i].flags & CTOC_TOP_LEVEL) {
            set->tocs[i].queued = true;
            stack[top++] = i;
            n_top++;
        }
    if (n_top == 0)
        queue_roots(set, stack, &top);
    while (top > 0)
        walk_children(set, stack, &top);
    free(stack);
    if (set->n_chaps > 0 && set->n_tocs == 0)
        ct_warn(set->w, 0, "the ID3v2 tag has CHAP frames but no CTOC; some players (Overcast) "
                "list no chapters without one");
    else if (set->n_tocs > 0 && n_top == 0)
        ct_warn(set->w, 0, "no CTOC is marked top-level; Apple's players may list no chapters "
                "(the CTOCs no other CTOC lists are read as the table of contents)");
    else if (n_top > 1)
        ct_warn(set->w, 0, "%zu CTOC frames are marked top-level; the addendum allows one",
                n_top);
    return CHAPTAG_OK;
}

static int cmp_chap(const void *a, const void *b)
{
    const chap_entry *x = a, *y = b;
    if (x->start_ms != y->start_ms)
        return x->start_ms < y->start_ms ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Appends SET's chapters to LIST in time order. */
static chaptag_status add_chapters(chap_set *set, chaptag_chapters *list, chaptag_error *err)
{
    if (set->n_chaps > 0)
        qsort(set->chaps, set->n_chaps, sizeof *set->chaps, cmp_chap);
    char a[CT_TIME_STR_MAX], b[CT_TIME_STR_MAX], id[40];
    for (size_t i = 0; i < set->n_chaps; i++) {
        const chap_entry *c = &set->chaps[i];
        if (c->end_ms < c->start_ms)
            ct_warn(set->w, 0, "CHAP %s ends at %s, before its start %s", printable(c->eid, id),
                    ct_time_str(c->end_ms, a), ct_time_str(c->start_ms, b));
        chaptag_chapter ch = {.start_ms = c->start_ms, .end_ms = c->end_ms, .title = c->title,
                              .url = c->url, .image = c->image, .image_data = c->image_data,
                              .image_len = c->image_len, .image_mime = c->mime,
                              .hidden = set->n_tocs > 0 && !c->reached};
        chaptag_status st = chaptag_chapters_add(list, &ch, err);
        if (st != CHAPTAG_OK)
            return st;
    }
    return CHAPTAG_OK;
}

chaptag_status ct_id3v2_chapters(const ct_id3_tag *tag, chaptag_chapters *list,
                                 chaptag_error *err)
{
    chap_set set;
    memset(&set, 0, sizeof set);
    set.w = ct_chapters_warnings(list);
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; tag != NULL && i < tag->n_frames && st == CHAPTAG_OK; i++) {
        const ct_id3_frame *f = &tag->frames[i];
        if (!owned(f))
            continue;
        st = strcmp(f->id, "CHAP") == 0 ? read_chap(&set, f, err) : read_ctoc(&set, f, err);
    }
    if (st == CHAPTAG_OK)
        st = build_index(&set, err);
    if (st == CHAPTAG_OK)
        st = mark_reached(&set, err);
    if (st == CHAPTAG_OK)
        st = add_chapters(&set, list, err);
    chap_set_free(&set);
    return st;
}

/* ---- rendering: frames -------------------------------------------------------------------- */

typedef struct {
    int version; /* 3 or 4 */
    ct_buf *out;
    ct_buf *desc; /* may be NULL */
    ct_warnings *w;
    bool wrote_tlen; /* a TLEN of the old tag was written, right or wrong (verify's business) */
} render_ctx;

static void describe(render_ctx *c, const char *fmt, ...) CT_PRINTF(2, 3);

/* Adds one line to the plan the user reads. */
static void describe(render_ctx *c, const char *fmt, ...)
{
    if (c->desc == NULL)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    ct_buf_put_str(c->desc, line);
    ct_buf_put_u8(c->desc, '\n');
}

/* S cut to DESC_TITLE_MAX bytes, on a character boundary, for a plan line. */
static const char *short_title(const char *s, char buf[DESC_TITLE_MAX + 4])
{
    size_t n = strlen(s), k = ct_utf8_cut(s, n, DESC_TITLE_MAX);
    memcpy(buf, s, k);
    strcpy(buf + k, k < n ? "..." : "");
    return buf;
}

/* Starts a frame; end_frame() sets its size once the body is written. */
static size_t begin_frame(render_ctx *c, const char *id, uint16_t flags)
{
    size_t off = c->out->len;
    ct_buf_put(c->out, id, 4);
    ct_buf_put_u32be(c->out, 0);
    ct_buf_put_u16be(c->out, flags);
    return off;
}

/* Sets the size of the frame begun at OFF (*BODY gets it): sync-safe in v2.4 at every level,
   plain in v2.3. False when the body is past what that size field holds. */
static bool end_frame(render_ctx *c, size_t off, size_t *body)
{
    *body = 0;
    if (!ct_buf_ok(c->out))
        return true; /* the caller reports the failed buffer */
    size_t n = c->out->len - off - HEADER_SIZE;
    uint64_t max = c->version == 4 ? SYNCSAFE_MAX : UINT32_MAX;
    *body = n;
    if ((uint64_t)n > max)
        return false;
    ct_buf_set_u32be(c->out, off + 4,
                     c->version == 4 ? syncsafe_encode((uint32_t)n) : (uint32_t)n);
    return true;
}

/* end_frame() for a frame chaptag carries over from the old tag. One that converted to
   nothing (its flags' extra bytes were all it had) is taken back out: a frame is never empty,
   and readers drop empty ones. */
static chaptag_status finish_kept(render_ctx *c, size_t off, const char *id, size_t *body,
                                  chaptag_error *err)
{
    if (!end_frame(c, off, body))
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "frame %s (%zu bytes) is too big for ID3v2.%d",
                       id, *body, c->version);
    if (ct_buf_ok(c->out) && *body == 0) {
        c->out->len = off;
        ct_warn(c->w, 0, "dropped frame %s: nothing of it is left in ID3v2.%d", id, c->version);
    }
    c->wrote_tlen = c->wrote_tlen || (*body > 0 && strcmp(id, "TLEN") == 0);
    return CHAPTAG_OK;
}

/* Warns about a CHAP/CTOC frame or sub-frame whose v2.4 size reads differently as a plain
   integer: FFmpeg 5.1 reads these sizes so, and Apple's players lose the chapters. */
static void warn_v24(render_ctx *c, unsigned line, const char *what, size_t body)
{
    if (c->version == 4 && body >= V24_TRAP_SIZE)
        ct_warn(c->w, line, "%s is %zu bytes: FFmpeg 5.1 and Apple Podcasts misread ID3v2.4 "
                "frames of 128 bytes or more; ID3v2.3 avoids this", what, body);
}

/* Appends S as text chaptag writes it: ISO-8859-1 when ASCII (FFmpeg's rule, safe for old
   readers), else UTF-16 with BOM in v2.3 and UTF-8 in v2.4; encoding byte first, no NUL. */
static void put_text(render_ctx *c, const char *s)
{
    size_t n = strlen(s);
    int enc = ct_ascii(s, n) ? 0 : c->version == 4 ? 3 : 1;
    ct_buf_put_u8(c->out, (unsigned)enc);
    encode_string(enc, s, n, c->out);
}

/* ---- rendering: kept frames, converted between versions ----------------------------------- */

/* Field layouts of frames whose strings follow their encoding byte (ID3v2.4.0 frames §4), one
   character a field: e encoding byte; s string, terminated; S strings to the end, joined with
   "/" (v2.3 has one value); l ISO-8859-1 string, terminated; 1 3 8 bytes carried as they are;
   b the rest as it is; y (string, 4-byte time) pairs to the end. Other T*** frames are "eS". */
static const struct {
    const char *id, *fields;
} layouts[] = {
    {"TXXX", "esS"},  {"COMM", "e3sS"},  {"USLT", "e3sS"},       {"WXXX", "esb"},
    {"APIC", "el1sb"}, {"GEOB", "elssb"}, {"USER", "e3S"},        {"OWNE", "el8S"},
    {"COMR", "el8l1sslb"}, {"SYLT", "e311sy"},
};

static const char *layout_of(const char *id)
{
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
        if (strcmp(id, layouts[i].id) == 0)
            return layouts[i].fields;
    return id[0] == 'T' ? "eS" : NULL;
}

typedef enum { CONV_OK, CONV_NOFIT, CONV_BAD, CONV_NOMEM } conv_result;

/* Re-encodes a frame body field by field. */
typedef struct {
    ct_reader r;
    int enc;    /* the source's encoding byte */
    int target; /* the output's */
    bool any;   /* a value of a people list was written */
    ct_buf *out;
    ct_buf tmp; /* UTF-8 scratch */
} recoder;

/* Re-encodes one string (ALL: every string to the end, joined with "/"). */
static conv_result recode_strings(recoder *rc, bool all, bool terminate)
{
    rc->tmp.len = 0;
    for (bool first = true;; first = false) {
        size_t term, n = string_len(rc->enc, rc->r.p + rc->r.pos, ct_reader_left(&rc->r), &term);
        if (!first)
            ct_buf_put(&rc->tmp, "/", 1);
        decode_string(rc->enc, rc->r.p + rc->r.pos, n, &rc->tmp);
        ct_reader_skip(&rc->r, n + term);
        if (!all || ct_reader_left(&rc->r) == 0)
            break;
    }
    if (!ct_buf_ok(&rc->tmp))
        return CONV_NOMEM;
    if (!encode_string(rc->target, rc->tmp.len ? (const char *)rc->tmp.data : "", rc->tmp.len,
                       rc->out))
        return CONV_NOFIT;
    if (terminate)
        put_terminator(rc->target, rc->out);
    return CONV_OK;
}

/* Re-encodes every string to the end as a list of values (IPLS), a terminator between two. */
static conv_result recode_list(recoder *rc)
{
    while (ct_reader_left(&rc->r) > 0) {
        if (rc->any)
            put_terminator(rc->target, rc->out);
        rc->any = true;
        conv_result res = recode_strings(rc, false, false);
        if (res != CONV_OK)
            return res;
    }
    return CONV_OK;
}

static conv_result copy_bytes(recoder *rc, size_t n)
{
    const uint8_t *p = ct_reader_bytes(&rc->r, n);
    if (p == NULL)
        return CONV_BAD;
    ct_buf_put(rc->out, p, n);
    return CONV_OK;
}

static conv_result recode_field(recoder *rc, char kind)
{
    size_t n;
    const uint8_t *p;
    conv_result res = CONV_OK;
    switch (kind) {
    case 'e':
        rc->enc = ct_reader_u8(&rc->r);
        if (rc->r.bad || rc->enc > 3)
            return CONV_BAD;
        ct_buf_put_u8(rc->out, (unsigned)rc->target);
        return CONV_OK;
    case 's': return recode_strings(rc, false, true);
    case 'S': return recode_strings(rc, true, false);
    case 'l':
        if ((p = read_cstr(&rc->r, &n)) == NULL)
            return CONV_BAD;
        ct_buf_put(rc->out, p, n + 1);
        return CONV_OK;
    case '1': return copy_bytes(rc, 1);
    case '3': return copy_bytes(rc, 3);
    case '8': return copy_bytes(rc, 8);
    case 'b': return copy_bytes(rc, ct_reader_left(&rc->r));
    case 'y':
        while (res == CONV_OK && ct_reader_left(&rc->r) > 0) {
            res = recode_strings(rc, false, true);
            if (res == CONV_OK)
                res = copy_bytes(rc, 4);
        }
        return res;
    }
    return CONV_BAD;
}

/* Re-encodes the N bytes at DATA, laid out as FIELDS, into OUT with TARGET encoding. */
static conv_result recode_once(const char *fields, const uint8_t *data, size_t n, int target,
                               ct_buf *out)
{
    recoder rc = {ct_reader_make(data, n), 0, target, false, out, CT_BUF_INIT};
    conv_result res = CONV_OK;
    for (const char *k = fields; *k != '\0' && res == CONV_OK; k++)
        res = recode_field(&rc, *k);
    if (res == CONV_OK && rc.r.bad)
        res = CONV_BAD;
    ct_buf_free(&rc.tmp);
    return res;
}

/* Re-encodes a v2.4 body for v2.3, which knows neither UTF-8 nor UTF-16BE: ISO-8859-1 when
   every string fits, else UTF-16 with BOM (mutagen's choice too); UTF-16 stays UTF-16. */
static conv_result recode_body(const char *fields, const uint8_t *data, size_t n, ct_buf *out)
{
    int target = n > 0 && data[0] == 1 ? 1 : 0;
    conv_result res = recode_once(fields, data, n, target, out);
    if (res == CONV_NOFIT) {
        out->len = 0;
        res = recode_once(fields, data, n, 1, out);
    }
    return res;
}

/* What the conversion of a whole tag has done so far. */
typedef struct {
    bool dates_done;  /* TYER/TDAT/TIME went into one TDRC */
    bool people_done; /* every TIPL/TMCL went into one IPLS */
} convert_state;

typedef struct {
    render_ctx *c;
    const ct_id3_tag *tag;
    const frame_ref *ref;
    const frame_view *view;
    convert_state *state;
    const char *new_id;
} conv_job;

/* Starts frame ID with V's status flags and extra header bytes, moved to the output version's
   layout (v2.3: decompressed size, method, group; v2.4: group, method, data length). False,
   with a warning, for a compressed frame whose size cannot be given. */
static bool begin_converted(render_ctx *c, const char *id, const frame_view *v, size_t *off)
{
    if (v->compressed && (!v->has_len || (c->version == 4 && v->data_len > SYNCSAFE_MAX))) {
        ct_warn(c->w, 0, "dropped compressed frame %s: its decompressed size is unknown", id);
        return false;
    }
    uint16_t flags = c->version == 4 ? v->status : 0;
    for (size_t i = 0; c->version == 3 && i < sizeof status_flags / sizeof status_flags[0]; i++)
        if (v->status & status_flags[i].v24)
            flags |= status_flags[i].v23;
    if (c->version == 3)
        flags |= (v->compressed ? F23_COMPRESS : 0) | (v->method >= 0 ? F23_ENCRYPT : 0) |
                 (v->group >= 0 ? F23_GROUP : 0);
    else /* v2.4 compression requires a data length indicator */
        flags |= (v->compressed ? F24_COMPRESS | F24_DLI : 0) |
                 (v->method >= 0 ? F24_ENCRYPT : 0) | (v->group >= 0 ? F24_GROUP : 0);
    *off = begin_frame(c, id, flags);
    if (c->version == 4 && v->group >= 0)
        ct_buf_put_u8(c->out, (unsigned)v->group);
    if (c->version == 3 && v->compressed)
        ct_buf_put_u32be(c->out, v->data_len);
    if (v->method >= 0)
        ct_buf_put_u8(c->out, (unsigned)v->method);
    if (c->version == 3 && v->group >= 0)
        ct_buf_put_u8(c->out, (unsigned)v->group);
    if (c->version == 4 && v->compressed)
        ct_buf_put_syncsafe(c->out, v->data_len);
    return true;
}

/* Writes frame ID holding ASCII text S (a converted date), flags from V. */
static chaptag_status put_converted_text(const conv_job *job, const char *id, const char *s,
                                         chaptag_error *err)
{
    size_t off, body;
    if (!begin_converted(job->c, id, job->view, &off))
        return CHAPTAG_OK;
    ct_buf_put_u8(job->c->out, 0);
    ct_buf_put_str(job->c->out, s);
    return finish_kept(job->c, off, id, &body, err);
}

/* Writes the content of a frame converted to the other version under its ID (or NEW_ID):
   v2.4 to v2.3 re-encodes its strings; what cannot be read or re-encoded is carried as it is
   (a v2.3 reader skips a frame it does not know, so nothing is dropped). */
static chaptag_status convert_generic(const conv_job *job, chaptag_error *err)
{
    render_ctx *c = job->c;
    const frame_ref *ref = job->ref;
    const char *id = job->new_id ? job->new_id : ref->id;
    const char *fields = c->version == 3 && ref->version == 4 ? layout_of(ref->id) : NULL;
    ct_buf body = CT_BUF_INIT;
    conv_result res = fields && view_readable(job->view)
                          ? recode_body(fields, job->view->data, job->view->len, &body)
                          : CONV_BAD;
    if (res == CONV_NOMEM || !ct_buf_ok(&body)) {
        ct_buf_free(&body);
        return ct_fail_nomem(err);
    }
    if (res != CONV_OK && fields != NULL)
        ct_warn(c->w, 0, "frame %s could not be re-encoded for ID3v2.3; kept as it was", id);
    size_t off, n;
    chaptag_status st = CHAPTAG_OK;
    if (begin_converted(c, id, job->view, &off)) {
        if (res == CONV_OK)
            ct_buf_put(c->out, body.data, body.len);
        else
            ct_buf_put(c->out, job->view->data, job->view->len);
        st = finish_kept(c, off, id, &n, err);
        if (st == CHAPTAG_OK && n > 0 && ref->v22_id)
            describe(c, "upgraded %s -> %s (%zu bytes)", ref->v22_id, id, n);
        else if (st == CHAPTAG_OK && n > 0)
            describe(c, "converted %s%s%s (%zu bytes)", ref->id, job->new_id ? " -> " : "",
                     job->new_id ? job->new_id : "", n);
    }
    ct_buf_free(&body);
    return st;
}

/* Reads a v2.4 timestamp "yyyy[-MM[-dd[THH[:mm[:ss]]]]]" (ID3v2.4.0 structure §4) into F:
   year, month, day, hour, minute. Returns how many it holds; 0 when there is no year. */
static int parse_timestamp(const char *s, size_t n, int f[5])
{
    static const char seps[] = "--T:";
    size_t pos = 0;
    int k = 0;
    for (; k < 5; k++) {
        size_t digits = k == 0 ? 4 : 2, at = k == 0 ? 0 : pos + 1;
        if (at + digits > n || (k > 0 && s[pos] != seps[k - 1]))
            break;
        int v = 0;
        for (size_t i = at; i < at + digits; i++) {
            if (s[i] < '0' || s[i] > '9')
                return k;
            v = v * 10 + (s[i] - '0');
        }
        f[k] = v;
        pos = at + digits;
    }
    return k;
}

/* Reads the timestamp in text frame REF into F; *N gets how many fields it holds. */
static chaptag_status read_timestamp(const frame_ref *ref, int f[5], int *n, chaptag_error *err)
{
    ct_buf b = CT_BUF_INIT;
    *n = text_value(ref, &b) && ct_buf_ok(&b) ? parse_timestamp((const char *)b.data, b.len, f)
                                              : 0;
    bool ok = ct_buf_ok(&b);
    ct_buf_free(&b);
    return ok ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* TDRC (v2.4) -> TYER (yyyy), TDAT (ddMM), TIME (HHmm), as far as the timestamp goes. */
static chaptag_status conv_tdrc(const conv_job *job, chaptag_error *err)
{
    int f[5] = {0}, n;
    chaptag_status st = read_timestamp(job->ref, f, &n, err);
    if (st != CHAPTAG_OK)
        return st;
    if (n == 0) {
        ct_warn(job->c->w, 0, "TDRC holds no date; kept as TDRC");
        return convert_generic(job, err);
    }
    char s[16];
    snprintf(s, sizeof s, "%04d", f[0]);
    st = put_converted_text(job, "TYER", s, err);
    if (st == CHAPTAG_OK && n >= 3) {
        snprintf(s, sizeof s, "%02d%02d", f[2], f[1]);
        st = put_converted_text(job, "TDAT", s, err);
    }
    if (st == CHAPTAG_OK && n >= 5) {
        snprintf(s, sizeof s, "%02d%02d", f[3], f[4]);
        st = put_converted_text(job, "TIME", s, err);
    }
    if (st == CHAPTAG_OK)
        describe(job->c, "converted TDRC -> TYER%s%s", n >= 3 ? ", TDAT" : "",
                 n >= 5 ? ", TIME" : "");
    return st;
}

/* TDOR (v2.4 timestamp) -> TORY (the year). */
static chaptag_status conv_tdor(const conv_job *job, chaptag_error *err)
{
    int f[5] = {0}, n;
    chaptag_status st = read_timestamp(job->ref, f, &n, err);
    if (st != CHAPTAG_OK)
        return st;
    if (n == 0)
        return convert_generic(job, err);
    char s[16];
    snprintf(s, sizeof s, "%04d", f[0]);
    st = put_converted_text(job, "TORY", s, err);
    if (st == CHAPTAG_OK)
        describe(job->c, "converted TDOR -> TORY");
    return st;
}

/* Re-encodes the values of every readable v2.4 TIPL and TMCL of TAG as one list. */
static conv_result recode_people(const ct_id3_tag *tag, int target, ct_buf *out)
{
    recoder rc = {ct_reader_make(NULL, 0), 0, target, false, out, CT_BUF_INIT};
    conv_result res = CONV_OK;
    ct_buf_put_u8(out, (unsigned)target);
    for (size_t i = 0; i < tag->n_frames && res == CONV_OK; i++) {
        frame_ref ref = ref_of(&tag->frames[i]);
        frame_view v;
        if (ref.version != 4 || (strcmp(ref.id, "TIPL") != 0 && strcmp(ref.id, "TMCL") != 0) ||
            !view_make(&ref, &v) || !view_readable(&v) || v.len == 0 || v.data[0] > 3)
            continue;
        rc.r = ct_reader_make(v.data + 1, v.len - 1);
        rc.enc = v.data[0];
        res = recode_list(&rc);
    }
    ct_buf_free(&rc.tmp);
    return res;
}

/* TIPL and TMCL (v2.4) -> one IPLS, written where the first of them stood. */
static chaptag_status conv_people(const conv_job *job, chaptag_error *err)
{
    if (job->state->people_done)
        return CHAPTAG_OK;
    job->state->people_done = true;
    ct_buf body = CT_BUF_INIT;
    conv_result res = recode_people(job->tag, 0, &body);
    if (res == CONV_NOFIT) {
        body.len = 0;
        res = recode_people(job->tag, 1, &body);
    }
    chaptag_status st = CHAPTAG_OK;
    size_t off, n;
    if (res != CONV_OK || !ct_buf_ok(&body))
        st = ct_fail_nomem(err); /* lists are read leniently: only memory fails them */
    else if (begin_converted(job->c, "IPLS", job->view, &off)) {
        ct_buf_put(job->c->out, body.data, body.len);
        st = finish_kept(job->c, off, "IPLS", &n, err);
        if (st == CHAPTAG_OK)
            describe(job->c, "converted TIPL, TMCL -> IPLS (%zu bytes)", n);
    }
    ct_buf_free(&body);
    return st;
}

/* Two 2-digit numbers from the four digits of B ("ddMM", "HHmm"); false otherwise. */
static bool two_pairs(const ct_buf *b, int *first, int *second)
{
    if (b->len != 4)
        return false;
    for (size_t i = 0; i < 4; i++)
        if (b->data[i] < '0' || b->data[i] > '9')
            return false;
    *first = (b->data[0] - '0') * 10 + (b->data[1] - '0');
    *second = (b->data[2] - '0') * 10 + (b->data[3] - '0');
    return true;
}

/* TYER (yyyy), TDAT (ddMM), TIME (HHmm) (v2.3) -> one TDRC, written where the first of them
   stood. Without a year they stay as they are. */
static chaptag_status conv_dates(const conv_job *job, chaptag_error *err)
{
    if (job->state->dates_done)
        return CHAPTAG_OK;
    ct_buf y = CT_BUF_INIT, d = CT_BUF_INIT, t = CT_BUF_INIT;
    find_text(job->tag, "TYER", 3, false, &y);
    find_text(job->tag, "TDAT", 3, false, &d);
    find_text(job->tag, "TIME", 3, false, &t);
    int f[5] = {0};
    bool ok = ct_buf_ok(&y) && ct_buf_ok(&d) && ct_buf_ok(&t);
    bool year = ok && y.len == 4 && parse_timestamp((const char *)y.data, y.len, f) == 1;
    bool date = year && two_pairs(&d, &f[2], &f[1]);
    bool time = date && two_pairs(&t, &f[3], &f[4]);
    ct_buf_free(&y);
    ct_buf_free(&d);
    ct_buf_free(&t);
    if (!ok)
        return ct_fail_nomem(err);
    if (!year)
        return convert_generic(job, err);
    job->state->dates_done = true;
    char s[32];
    if (time)
        snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d", f[0], f[1], f[2], f[3], f[4]);
    else if (date)
        snprintf(s, sizeof s, "%04d-%02d-%02d", f[0], f[1], f[2]);
    else
        snprintf(s, sizeof s, "%04d", f[0]);
    chaptag_status st = put_converted_text(job, "TDRC", s, err);
    if (st == CHAPTAG_OK)
        describe(job->c, "converted TYER%s%s -> TDRC", date ? ", TDAT" : "", time ? ", TIME" : "");
    return st;
}

typedef chaptag_status (*conv_fn)(const conv_job *job, chaptag_error *err);

/* Frames whose content changes with the version, by output version (mutagen's
   update_to_v23/update_to_v24 do the same). Every other frame keeps its ID. */
static const struct {
    const char *id;
    int to;
    conv_fn fn;
    const char *new_id; /* for convert_generic */
} specials[] = {
    {"TDRC", 3, conv_tdrc, NULL},    {"TDOR", 3, conv_tdor, NULL},
    {"TIPL", 3, conv_people, NULL},  {"TMCL", 3, conv_people, NULL},
    {"TYER", 4, conv_dates, NULL},   {"TDAT", 4, conv_dates, NULL},
    {"TIME", 4, conv_dates, NULL},   {"TORY", 4, convert_generic, "TDOR"},
    {"IPLS", 4, convert_generic, "TIPL"},
};

/* Writes REF, a frame of the other version, converted to the output version. */
static chaptag_status convert_frame(render_ctx *c, const ct_id3_tag *tag, const frame_ref *ref,
                                    convert_state *state, chaptag_error *err)
{
    frame_view v;
    if (!view_make(ref, &v)) {
        ct_warn(c->w, 0, "dropped damaged frame %s: its flags announce more bytes than it has",
                ref->id);
        return CHAPTAG_OK;
    }
    conv_job job = {c, tag, ref, &v, state, NULL};
    for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++) {
        if (specials[i].to != c->version || strcmp(specials[i].id, ref->id) != 0)
            continue;
        job.new_id = specials[i].new_id;
        /* compressed or encrypted dates and lists cannot be read: carried as they are */
        if (view_readable(&v))
            return specials[i].fn(&job, err);
    }
    job.new_id = NULL;
    return convert_generic(&job, err);
}

/* The image format of a v2.2 PIC as a MIME type (ID3v2.2.0 §4.15). */
static void pic_mime(const uint8_t *fmt, ct_buf *out)
{
    static const struct {
        char fmt[4];
        const char *mime;
    } map[] = {{"JPG", "image/jpeg"}, {"PNG", "image/png"}, {"GIF", "image/gif"},
               {"BMP", "image/bmp"}, {"-->", "-->"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (memcmp(fmt, map[i].fmt, 3) == 0) {
            ct_buf_put_str(out, map[i].mime);
            return;
        }
    ct_buf_put_str(out, "image/");
    for (size_t i = 0; i < 3; i++)
        if ((fmt[i] >= 'A' && fmt[i] <= 'Z') || (fmt[i] >= '0' && fmt[i] <= '9'))
            ct_buf_put_u8(out, fmt[i] >= 'A' && fmt[i] <= 'Z' ? fmt[i] + 'a' - 'A' : fmt[i]);
}

/* Makes *REF the v2.3 form of v2.2 frame F (a PIC's new body goes in PIC). False, with a
   warning, when F has no v2.3 counterpart or is damaged. */
static bool upgrade_v22(render_ctx *c, const ct_id3_frame *f, frame_ref *ref, ct_buf *pic)
{
    *ref = ref_of(f);
    if (ref->id == NULL) {
        ct_warn(c->w, 0, "dropped ID3v2.2 frame %s: it has no ID3v2.3 counterpart", f->id);
        return false;
    }
    ref->v22_id = f->id;
    ref->version = 3; /* a v2.2 body is a v2.3 body, but PIC's */
    if (strcmp(f->id, "PIC") != 0)
        return true;
    if (f->len < 5) {
        ct_warn(c->w, 0, "dropped damaged ID3v2.2 frame PIC");
        return false;
    }
    ct_buf_put_u8(pic, f->body[0]); /* encoding */
    pic_mime(f->body + 1, pic);
    ct_buf_put_u8(pic, 0);
    ct_buf_put(pic, f->body + 4, f->len - 4); /* picture type, description, data */
    ref->body = pic->data;
    ref->len = pic->len;
    return true;
}

/* Writes REF, a frame of the output version, byte for byte, flags and all (its
   unsynchronisation was undone on reading). */
static chaptag_status put_verbatim(render_ctx *c, const frame_ref *ref, chaptag_error *err)
{
    size_t off = begin_frame(c, ref->id, ref->flags), n;
    ct_buf_put(c->out, ref->body, ref->len);
    chaptag_status st = finish_kept(c, off, ref->id, &n, err);
    if (st == CHAPTAG_OK && ref->v22_id)
        describe(c, "upgraded %s -> %s (%zu bytes)", ref->v22_id, ref->id, n);
    else if (st == CHAPTAG_OK)
        describe(c, "kept %s (%zu bytes)", ref->id, n);
    return st;
}

/* Writes a frame of the old tag in the output version. */
static chaptag_status render_kept_frame(render_ctx *c, const ct_id3_tag *tag,
                                        const ct_id3_frame *f, convert_state *state,
                                        chaptag_error *err)
{
    ct_buf pic = CT_BUF_INIT;
    frame_ref ref = ref_of(f);
    chaptag_status st = CHAPTAG_OK;
    if (f->version == 2 && !upgrade_v22(c, f, &ref, &pic))
        st = CHAPTAG_OK; /* dropped, with a warning */
    else if (!ct_buf_ok(&pic))
        st = ct_fail_nomem(err);
    else if (ref.version == c->version)
        st = put_verbatim(c, &ref, err);
    else
        st = convert_frame(c, tag, &ref, state, err);
    ct_buf_free(&pic);
    return st;
}

static chaptag_status render_kept(render_ctx *c, const ct_id3_tag *tag, chaptag_error *err)
{
    convert_state state = {false, false};
    size_t removed = 0;
    for (size_t i = 0; i < tag->n_frames; i++) {
        if (owned(&tag->frames[i])) {
            removed++;
            continue;
        }
        chaptag_status st = render_kept_frame(c, tag, &tag->frames[i], &state, err);
        if (st != CHAPTAG_OK)
            return st;
    }
    if (removed > 0)
        describe(c, "removed %zu old CHAP/CTOC frame%s", removed, removed == 1 ? "" : "s");
    return CHAPTAG_OK;
}

/* ---- rendering: chapters ------------------------------------------------------------------ */

/* Appends UTF-8 URL S as the URL field of WXXX, which is ISO-8859-1 whatever the encoding
   byte says: characters past U+00FF are percent-encoded as their UTF-8 bytes (RFC 3987 §3.1). */
static void put_url_latin1(ct_buf *out, const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    while (*p != 0) {
        size_t n = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
        if (*p < 0x80)
            ct_buf_put_u8(out, *p);
        else if ((*p == 0xc2 || *p == 0xc3) && p[1] != 0)
            ct_buf_put_u8(out, (unsigned)(((p[0] & 0x1f) << 6) | (p[1] & 0x3f)));
        else
            for (size_t k = 0; k < n && p[k] != 0; k++)
                ct_buf_printf(out, "%%%02X", p[k]);
        for (size_t k = 0; k < n && *p != 0; k++)
            p++;
    }
}

typedef void (*body_fn)(render_ctx *c, const chaptag_chapter *ch);

static void put_title(render_ctx *c, const chaptag_chapter *ch)
{
    put_text(c, ch->title);
}

static void put_url(render_ctx *c, const chaptag_chapter *ch)
{
    ct_buf_put_u8(c->out, 0); /* ISO-8859-1 */
    ct_buf_put_u8(c->out, 0); /* empty description */
    put_url_latin1(c->out, ch->url);
}

static void put_image(render_ctx *c, const chaptag_chapter *ch)
{
    const char *mime = ch->image_mime ? ch->image_mime : sniff_mime(ch->image_data, ch->image_len);
    ct_buf_put_u8(c->out, 0);                       /* ISO-8859-1 */
    ct_buf_put(c->out, mime, strlen(mime) + 1);     /* MIME type */
    ct_buf_put_u8(c->out, 0);                       /* picture type: other */
    ct_buf_put_u8(c->out, 0);                       /* empty description */
    ct_buf_put(c->out, ch->image_data, ch->image_len);
}

/* Writes sub-frame ID of OWNER ("CHAP chp3") with PUT's body. */
static chaptag_status put_subframe(render_ctx *c, const char *id, body_fn put,
                                   const chaptag_chapter *ch, const char *owner,
                                   chaptag_error *err)
{
    size_t off = begin_frame(c, id, 0), body;
    put(c, ch);
    char what[64];
    snprintf(what, sizeof what, "%s in %s", id, owner);
    if (!end_frame(c, off, &body))
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "%s is %zu bytes, more than ID3v2.%d "
                       "allows", what, body, c->version);
    warn_v24(c, ch->line, what, body);
    return CHAPTAG_OK;
}

/* Checks what the CHAP of CH, ending at END, can hold. */
static chaptag_status check_chapter(const chaptag_chapter *ch, uint64_t end, chaptag_error *err)
{
    char a[CT_TIME_STR_MAX];
    if (ch->start_ms > TIME_MAX_MS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "%s is past the latest time an ID3v2 "
                       "chapter can hold", ct_time_str(ch->start_ms, a));
    if (end == CHAPTAG_TIME_NONE)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the chapter at %s has no end: the "
                       "audio duration is unknown", ct_time_str(ch->start_ms, a));
    if (end > TIME_MAX_MS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the end %s is past the latest time an "
                       "ID3v2 chapter can hold", ct_time_str(end, a));
    if (!ct_utf8_valid(ch->title, strlen(ch->title)) ||
        (ch->url != NULL && !ct_utf8_valid(ch->url, strlen(ch->url))))
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the chapter's text is not valid UTF-8");
    if (ch->image_data != NULL && ch->image_mime != NULL &&
        !ct_ascii(ch->image_mime, strlen(ch->image_mime)))
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the image's MIME type is not ASCII");
    return CHAPTAG_OK;
}

/* Writes the CHAP of chapter I (addendum §3): element ID "chpI", times, no byte offsets (they
   would change whenever the tag grows), then TIT2 always first (TagLib stops at the first
   sub-frame it does not know), WXXX and APIC when given. */
static chaptag_status render_chap(render_ctx *c, const chaptag_chapters *list, size_t i,
                                  uint64_t duration_ms, chaptag_error *err)
{
    const chaptag_chapter *ch = chaptag_chapters_get(list, i);
    uint64_t end = chaptag_chapters_end(list, i, duration_ms);
    chaptag_status st = check_chapter(ch, end, err);
    if (st != CHAPTAG_OK)
        return st;
    char eid[32], owner[40];
    snprintf(eid, sizeof eid, "chp%zu", i);
    snprintf(owner, sizeof owner, "CHAP %s", eid);
    size_t off = begin_frame(c, "CHAP", 0), body;
    ct_buf_put(c->out, eid, strlen(eid) + 1);
    ct_buf_put_u32be(c->out, (uint32_t)ch->start_ms);
    ct_buf_put_u32be(c->out, (uint32_t)end);
    ct_buf_put_u32be(c->out, 0xffffffff);
    ct_buf_put_u32be(c->out, 0xffffffff);
    st = put_subframe(c, "TIT2", put_title, ch, owner, err);
    if (st == CHAPTAG_OK && ch->url != NULL)
        st = put_subframe(c, "WXXX", put_url, ch, owner, err);
    if (st == CHAPTAG_OK && ch->image_data != NULL)
        st = put_subframe(c, "APIC", put_image, ch, owner, err);
    if (st != CHAPTAG_OK)
        return st;
    if (!end_frame(c, off, &body))
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "%s is %zu bytes, more than ID3v2.%d "
                       "allows", owner, body, c->version);
    warn_v24(c, ch->line, owner, body);
    char a[CT_TIME_STR_MAX], b[CT_TIME_STR_MAX], t[DESC_TITLE_MAX + 4];
    describe(c, "CHAP %s: %s - %s \"%s\"%s%s%s (%zu bytes)", eid, ct_time_str(ch->start_ms, a),
             ct_time_str(end, b), short_title(ch->title, t), ch->url ? ", url" : "",
             ch->image_data ? ", image" : "", ch->hidden ? ", hidden" : "", body);
    return CHAPTAG_OK;
}

/* The CTOC tree over the visible chapters: level 0 holds the chapters, each node of level L+1
   holds up to 255 nodes of level L, and the top-level "toc" holds the nodes of level TOP. */
typedef struct {
    const size_t *visible; /* list indexes of the visible chapters, in time order */
    size_t n_visible;
    size_t counts[MAX_TREE_LEVELS]; /* nodes on each level */
    size_t spans[MAX_TREE_LEVELS];  /* chapters under one node of each level */
    unsigned top;
    const char *title;
} toc_tree;

static void toc_tree_init(toc_tree *t, const size_t *visible, size_t n, const char *title)
{
    memset(t, 0, sizeof *t);
    t->visible = visible;
    t->n_visible = n;
    t->title = title;
    t->counts[0] = n;
    t->spans[0] = 1;
    while (t->counts[t->top] > CTOC_MAX_CHILDREN && t->top + 1 < MAX_TREE_LEVELS) {
        t->counts[t->top + 1] = (t->counts[t->top] + CTOC_MAX_CHILDREN - 1) / CTOC_MAX_CHILDREN;
        t->spans[t->top + 1] = t->spans[t->top] * CTOC_MAX_CHILDREN;
        t->top++;
    }
}

/* The element ID of node K of LEVEL: "chpN" for chapters, "tocK" above them, "tocL.K" higher. */
static const char *node_name(const toc_tree *t, unsigned level, size_t k, char buf[48])
{
    if (level == 0)
        snprintf(buf, 48, "chp%zu", t->visible[k]);
    else if (level == 1)
        snprintf(buf, 48, "toc%zu", k);
    else
        snprintf(buf, 48, "toc%u.%zu", level, k);
    return buf;
}

/* Writes CTOC EID (addendum §4) whose children are nodes FIRST.. of LEVEL, N of them, with a
   TIT2 of TITLE. */
static chaptag_status render_ctoc(render_ctx *c, const toc_tree *t, const char *eid,
                                  uint8_t flags, unsigned level, size_t first, size_t n,
                                  const char *title, chaptag_error *err)
{
    char name[48], owner[64], q[DESC_TITLE_MAX + 4];
    size_t off = begin_frame(c, "CTOC", 0), body;
    ct_buf_put(c->out, eid, strlen(eid) + 1);
    ct_buf_put_u8(c->out, flags);
    ct_buf_put_u8(c->out, (unsigned)n);
    for (size_t k = 0; k < n; k++) {
        node_name(t, level, first + k, name);
        ct_buf_put(c->out, name, strlen(name) + 1);
    }
    snprintf(owner, sizeof owner, "CTOC %s", eid);
    chaptag_chapter named = {.title = title};
    chaptag_status st = put_subframe(c, "TIT2", put_title, &named, owner, err);
    if (st != CHAPTAG_OK)
        return st;
    if (!end_frame(c, off, &body))
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "%s is too big", owner);
    warn_v24(c, 0, owner, body);
    describe(c, "CTOC %s: %sordered, %zu entr%s, TIT2 \"%s\" (%zu bytes)", eid,
             (flags & CTOC_TOP_LEVEL) ? "top-level, " : "", n, n == 1 ? "y" : "ies",
             short_title(title, q), body);
    return CHAPTAG_OK;
}

/* Writes the sub-CTOCs of LEVEL: node K lists up to 255 nodes of the level below and is
   titled with the chapter numbers it covers ("Chapters 256-510"). */
static chaptag_status render_toc_level(render_ctx *c, const toc_tree *t, unsigned level,
                                       chaptag_error *err)
{
    ct_buf title = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    for (size_t k = 0; k < t->counts[level] && st == CHAPTAG_OK; k++) {
        size_t first = k * CTOC_MAX_CHILDREN, below = t->counts[level - 1];
        size_t n = below - first < CTOC_MAX_CHILDREN ? below - first : CTOC_MAX_CHILDREN;
        size_t from = k * t->spans[level] + 1, to = from - 1 + t->spans[level];
        char eid[48];
        title.len = 0;
        ct_buf_printf(&title, "%s %zu-%zu", t->title, from, to < t->n_visible ? to : t->n_visible);
        ct_buf_put_u8(&title, 0);
        if (!ct_buf_ok(&title)) {
            st = ct_fail_nomem(err);
            break;
        }
        st = render_ctoc(c, t, node_name(t, level, k, eid), CTOC_ORDERED, level - 1, first, n,
                         (const char *)title.data, err);
    }
    ct_buf_free(&title);
    return st;
}

/* Writes the top-level ordered CTOC "toc" listing the visible chapters in ORDER, and below it,
   past 255 of them, a tree of ordered CTOCs: never a wrapped count byte. */
static chaptag_status render_tocs(render_ctx *c, const chaptag_chapters *list,
                                  const size_t *order, size_t n, const char *title,
                                  chaptag_error *err)
{
    size_t *visible = ct_calloc(n, sizeof *visible), n_visible = 0;
    if (visible == NULL)
        return ct_fail_nomem(err);
    for (size_t k = 0; k < n; k++)
        if (!chaptag_chapters_get(list, order[k])->hidden)
            visible[n_visible++] = order[k];
    if (n_visible == 0)
        ct_warn(c->w, 0, "every chapter is hidden: the CTOC lists none");
    toc_tree t;
    toc_tree_init(&t, visible, n_visible, title);
    chaptag_status st = render_ctoc(c, &t, "toc", CTOC_TOP_LEVEL | CTOC_ORDERED, t.top, 0,
                                    t.counts[t.top], title, err);
    for (unsigned level = t.top; level >= 1 && st == CHAPTAG_OK; level--)
        st = render_toc_level(c, &t, level, err);
    free(visible);
    return st;
}

typedef struct {
    uint64_t start_ms;
    size_t idx;
} start_ref;

static int cmp_start(const void *a, const void *b)
{
    const start_ref *x = a, *y = b;
    if (x->start_ms != y->start_ms)
        return x->start_ms < y->start_ms ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The indexes of LIST's N chapters in time order (stable), in a new array. */
static size_t *time_order(const chaptag_chapters *list, size_t n)
{
    start_ref *s = ct_calloc(n, sizeof *s);
    size_t *order = ct_calloc(n, sizeof *order);
    if (s != NULL && order != NULL) {
        for (size_t i = 0; i < n; i++)
            s[i] = (start_ref){chaptag_chapters_get(list, i)->start_ms, i};
        qsort(s, n, sizeof *s, cmp_start);
        for (size_t i = 0; i < n; i++)
            order[i] = s[i].idx;
    } else {
        free(order);
        order = NULL;
    }
    free(s);
    return order;
}

/* TLEN: the audio's length in milliseconds, as decimal text (ID3v2.3.0 §4.2.1). */
static chaptag_status render_tlen(render_ctx *c, uint64_t duration_ms, chaptag_error *err)
{
    char ms[32];
    snprintf(ms, sizeof ms, "%" PRIu64, duration_ms);
    size_t off = begin_frame(c, "TLEN", 0), body;
    put_text(c, ms);
    if (!end_frame(c, off, &body))
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "TLEN is too big");
    describe(c, "added TLEN %s ms (%zu bytes)", ms, body);
    return CHAPTAG_OK;
}

/* TLEN when the old tag gave none, the CTOC tree, then the CHAPs in time order (FFmpeg lists
   chapters in tag order, so the order of the frames is the order players show). */
static chaptag_status render_chapters(render_ctx *c, const chaptag_chapters *list,
                                      const ct_id3_render_opts *opts, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    if (!c->wrote_tlen && opts->duration_ms != CHAPTAG_TIME_NONE)
        st = render_tlen(c, opts->duration_ms, err);
    size_t n = chaptag_chapters_count(list);
    if (st != CHAPTAG_OK || n == 0)
        return st;
    size_t *order = time_order(list, n);
    if (order == NULL)
        return ct_fail_nomem(err);
    st = render_tocs(c, list, order, n, opts->toc_title ? opts->toc_title : "Chapters", err);
    for (size_t k = 0; k < n && st == CHAPTAG_OK; k++)
        st = render_chap(c, list, order[k], opts->duration_ms, err);
    free(order);
    return st;
}

chaptag_status ct_id3v2_render_frames(const ct_id3_tag *tag, const chaptag_chapters *list,
                                      const ct_id3_render_opts *opts, ct_buf *out, ct_buf *desc,
                                      ct_warnings *w, chaptag_error *err)
{
    ct_warnings none = {NULL, 0, 0};
    render_ctx c = {opts->version, out, desc, w ? w : &none, false};
    const char *title = opts->toc_title ? opts->toc_title : "Chapters";
    size_t start = out->len;
    chaptag_status st = CHAPTAG_OK;
    if (opts->version != 3 && opts->version != 4)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "ID3v2 version 2.%d cannot be written; use 3 or 4",
                     opts->version);
    else if (!ct_utf8_valid(title, strlen(title)))
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the table of contents title is not valid UTF-8");
    if (st == CHAPTAG_OK && tag != NULL)
        st = render_kept(&c, tag, err);
    if (st == CHAPTAG_OK && list != NULL)
        st = render_chapters(&c, list, opts, err);
    if (st == CHAPTAG_OK && !ct_buf_ok(out))
        st = ct_fail_nomem(err);
    if (st == CHAPTAG_OK && out->len - start > SYNCSAFE_MAX)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the ID3v2 frames would be %zu bytes, more than "
                     "a tag can hold (256 MiB)", out->len - start);
    if (st != CHAPTAG_OK && ct_buf_ok(out))
        out->len = start; /* nothing half-rendered is left for the caller to write */
    ct_warnings_clear(&none);
    return st;
}

void ct_id3v2_render_header(int version, uint32_t body_size, ct_buf *out)
{
    ct_buf_put(out, "ID3", 3);
    ct_buf_put_u8(out, (unsigned)version);
    ct_buf_put_u8(out, 0); /* revision */
    ct_buf_put_u8(out, 0); /* flags: no unsynchronisation, extended header or footer */
    ct_buf_put_syncsafe(out, body_size);
}
