/* A frame of the old tag written in the output version: byte for byte when the version
   stays; v2.2 frames upgraded to v2.3 (PIC's image format becomes a MIME type); v2.4 strings
   re-encoded for v2.3; the frames whose content changes with the version converted as
   mutagen's update_to_v23/update_to_v24 do (TDRC and TYER/TDAT/TIME, TDOR and TORY,
   TIPL/TMCL and IPLS); what cannot be converted carried as it is.
   Specs: ID3v2.2.0 §4; ID3v2.3.0 §3.3, §4; ID3v2.4.0 structure §4 and frames §4. */
#include "id3v2_int.h"

#include <stdio.h>
#include <string.h>

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

static void put_terminator(int enc, ct_buf *out)
{
    ct_buf_put_zeros(out, enc == 1 || enc == 2 ? 2 : 1);
}

/* Re-encodes one string (ALL: every string to the end, joined with "/"). */
static conv_result recode_strings(recoder *rc, bool all, bool terminate)
{
    rc->tmp.len = 0;
    for (bool first = true;; first = false) {
        size_t term,
            n = ct_id3v2_string_len(rc->enc, rc->r.p + rc->r.pos, ct_reader_left(&rc->r), &term);
        if (!first)
            ct_buf_put(&rc->tmp, "/", 1);
        ct_id3v2_decode_string(rc->enc, rc->r.p + rc->r.pos, n, &rc->tmp);
        ct_reader_skip(&rc->r, n + term);
        if (!all || ct_reader_left(&rc->r) == 0)
            break;
    }
    if (!ct_buf_ok(&rc->tmp))
        return CONV_NOMEM;
    if (!ct_id3v2_encode_string(rc->target, rc->tmp.len ? (const char *)rc->tmp.data : "",
                                rc->tmp.len, rc->out))
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
        if ((p = ct_id3v2_read_cstr(&rc->r, &n)) == NULL)
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

typedef struct {
    ct_id3_render_ctx *c;
    const ct_id3_tag *tag;
    const ct_id3_ref *ref;
    const ct_id3_view *view;
    ct_id3_convert_state *state;
    const char *new_id;
} conv_job;

/* Starts frame ID with V's status flags and extra header bytes, moved to the output version's
   layout (v2.3: decompressed size, method, group; v2.4: group, method, data length). False,
   with a warning, for a compressed frame whose size cannot be given. */
static bool begin_converted(ct_id3_render_ctx *c, const char *id, const ct_id3_view *v, size_t *off)
{
    if (v->compressed && (!v->has_len || (c->version == 4 && v->data_len > SYNCSAFE_MAX))) {
        ct_warn(c->w, 0, "dropped compressed frame %s: its decompressed size is unknown", id);
        return false;
    }
    uint16_t flags = c->version == 4 ? v->status : 0;
    for (size_t i = 0;
         c->version == 3 && i < sizeof ct_id3v2_status_flags / sizeof ct_id3v2_status_flags[0]; i++)
        if (v->status & ct_id3v2_status_flags[i].v24)
            flags |= ct_id3v2_status_flags[i].v23;
    if (c->version == 3)
        flags |= (v->compressed ? F23_COMPRESS : 0) | (v->method >= 0 ? F23_ENCRYPT : 0) |
                 (v->group >= 0 ? F23_GROUP : 0);
    else /* v2.4 compression requires a data length indicator */
        flags |= (v->compressed ? F24_COMPRESS | F24_DLI : 0) |
                 (v->method >= 0 ? F24_ENCRYPT : 0) | (v->group >= 0 ? F24_GROUP : 0);
    *off = ct_id3v2_begin_frame(c, id, flags);
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
    return ct_id3v2_finish_kept(job->c, off, id, &body, err);
}

/* Writes the content of a frame converted to the other version under its ID (or NEW_ID):
   v2.4 to v2.3 re-encodes its strings; what cannot be read or re-encoded is carried as it is
   (a v2.3 reader skips a frame it does not know, so nothing is dropped). */
static chaptag_status convert_generic(const conv_job *job, chaptag_error *err)
{
    ct_id3_render_ctx *c = job->c;
    const ct_id3_ref *ref = job->ref;
    const char *id = job->new_id ? job->new_id : ref->id;
    const char *fields = c->version == 3 && ref->version == 4 ? layout_of(ref->id) : NULL;
    ct_buf body = CT_BUF_INIT;
    conv_result res = fields && ct_id3v2_view_readable(job->view)
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
        st = ct_id3v2_finish_kept(c, off, id, &n, err);
        if (st == CHAPTAG_OK && n > 0 && ref->v22_id)
            ct_id3v2_describe(c, "upgraded %s -> %s (%zu bytes)", ref->v22_id, id, n);
        else if (st == CHAPTAG_OK && n > 0)
            ct_id3v2_describe(c, "converted %s%s%s (%zu bytes)", ref->id, job->new_id ? " -> " : "",
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
static chaptag_status read_timestamp(const ct_id3_ref *ref, int f[5], int *n, chaptag_error *err)
{
    ct_buf b = CT_BUF_INIT;
    *n = ct_id3v2_text_value(ref, &b) && ct_buf_ok(&b)
             ? parse_timestamp((const char *)b.data, b.len, f)
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
        ct_id3v2_describe(job->c, "converted TDRC -> TYER%s%s", n >= 3 ? ", TDAT" : "",
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
        ct_id3v2_describe(job->c, "converted TDOR -> TORY");
    return st;
}

/* Re-encodes the values of every readable v2.4 TIPL and TMCL of TAG as one list. */
static conv_result recode_people(const ct_id3_tag *tag, int target, ct_buf *out)
{
    recoder rc = {ct_reader_make(NULL, 0), 0, target, false, out, CT_BUF_INIT};
    conv_result res = CONV_OK;
    ct_buf_put_u8(out, (unsigned)target);
    for (size_t i = 0; i < tag->n_frames && res == CONV_OK; i++) {
        ct_id3_ref ref = ct_id3v2_ref_of(&tag->frames[i]);
        ct_id3_view v;
        if (ref.version != 4 || (strcmp(ref.id, "TIPL") != 0 && strcmp(ref.id, "TMCL") != 0) ||
            !ct_id3v2_view_make(&ref, &v) || !ct_id3v2_view_readable(&v) || v.len == 0 ||
            v.data[0] > 3)
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
        st = ct_id3v2_finish_kept(job->c, off, "IPLS", &n, err);
        if (st == CHAPTAG_OK)
            ct_id3v2_describe(job->c, "converted TIPL, TMCL -> IPLS (%zu bytes)", n);
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
    ct_id3v2_find_text(job->tag, "TYER", 3, false, &y);
    ct_id3v2_find_text(job->tag, "TDAT", 3, false, &d);
    ct_id3v2_find_text(job->tag, "TIME", 3, false, &t);
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
        ct_id3v2_describe(job->c, "converted TYER%s%s -> TDRC", date ? ", TDAT" : "",
                          time ? ", TIME" : "");
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
static chaptag_status convert_frame(ct_id3_render_ctx *c, const ct_id3_tag *tag,
                                    const ct_id3_ref *ref, ct_id3_convert_state *state,
                                    chaptag_error *err)
{
    ct_id3_view v;
    if (!ct_id3v2_view_make(ref, &v)) {
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
        if (ct_id3v2_view_readable(&v))
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
static bool upgrade_v22(ct_id3_render_ctx *c, const ct_id3_frame *f, ct_id3_ref *ref, ct_buf *pic)
{
    *ref = ct_id3v2_ref_of(f);
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
static chaptag_status put_verbatim(ct_id3_render_ctx *c, const ct_id3_ref *ref, chaptag_error *err)
{
    size_t off = ct_id3v2_begin_frame(c, ref->id, ref->flags), n;
    ct_buf_put(c->out, ref->body, ref->len);
    chaptag_status st = ct_id3v2_finish_kept(c, off, ref->id, &n, err);
    if (st == CHAPTAG_OK && ref->v22_id)
        ct_id3v2_describe(c, "upgraded %s -> %s (%zu bytes)", ref->v22_id, ref->id, n);
    else if (st == CHAPTAG_OK)
        ct_id3v2_describe(c, "kept %s (%zu bytes)", ref->id, n);
    return st;
}

chaptag_status ct_id3v2_render_kept_frame(ct_id3_render_ctx *c, const ct_id3_tag *tag,
                                          const ct_id3_frame *f, ct_id3_convert_state *state,
                                          chaptag_error *err)
{
    ct_buf pic = CT_BUF_INIT;
    ct_id3_ref ref = ct_id3v2_ref_of(f);
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
