/* Stacked ID3v2 tags merged into one list of frames: a frame a tag may hold only once
   (ID3v2.4.0 frames §4, ID3v2.3.0 §4) that an earlier tag already holds is dropped, as
   FFmpeg and mutagen read only the first. */
#include "id3v2_int.h"

#include <stdlib.h>
#include <string.h>

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
    size_t n = ct_id3v2_string_len(k == 'L' || k == 'l' ? 0 : enc, p, left, &term);
    if (k == 's')
        ct_id3v2_decode_string(enc, p, n, out);
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
    ct_id3_ref ref = ct_id3v2_ref_of(f);
    const char *fields = ref.id != NULL ? unique_fields(f, ref.id) : NULL;
    if (fields == NULL)
        return false;
    ct_buf_put(out, ref.id, 4);
    if (*fields == '\0')
        return true;
    ct_id3_view v;
    if (!ct_id3v2_view_make(&ref, &v) || !ct_id3v2_view_readable(&v))
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
static size_t tag_of_frame(const ct_id3_tag_start *starts, size_t n_tags, size_t t, size_t i)
{
    while (t + 1 < n_tags && starts[t + 1].first <= i)
        t++;
    return t;
}

/* Sets DROP[i] for each frame of FL that a tag may hold once and an earlier stacked tag
   already holds: frames sorted by key, then by place, come in groups whose first is the one
   to keep, with any other of its own tag. */
static chaptag_status mark_repeats(const ct_id3_frame_list *fl, const ct_id3_tag_start *starts,
                                   size_t n_tags, bool *drop, chaptag_error *err)
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

chaptag_status ct_id3v2_drop_repeats(ct_id3_tag *tag, ct_id3_frame_list *fl,
                                     const ct_id3_tag_start *starts, size_t n_tags,
                                     chaptag_error *err)
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
