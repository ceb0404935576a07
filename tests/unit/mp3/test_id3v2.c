/* Tests of src/mp3/id3v2_*.c: reading v2.2/v2.3/v2.4 tags, reading chapters, rendering and
   converting tags. Expected bytes are written out field by field. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "id3v2.h"

/* ---- helpers ------------------------------------------------------------------------------ */

/* Appends a frame: ID, size (24-bit in v2.2, plain in v2.3, sync-safe in v2.4), flags, body. */
static void put_frame(ct_buf *b, int version, const char *id, unsigned flags, const void *body,
                      size_t len)
{
    if (version == 2) {
        ct_buf_put(b, id, 3);
        ct_buf_put_u24be(b, (uint32_t)len);
    } else {
        ct_buf_put(b, id, 4);
        if (version == 4)
            ct_buf_put_syncsafe(b, (uint32_t)len);
        else
            ct_buf_put_u32be(b, (uint32_t)len);
        ct_buf_put_u16be(b, flags);
    }
    ct_buf_put(b, body, len);
}

/* Appends a frame whose body is the N bytes of S (string literals with embedded NULs). */
#define PUT(b, version, id, flags, s) put_frame((b), (version), (id), (flags), (s), sizeof(s) - 1)

/* A tag: header of VERSION and FLAGS, the bytes of BODY, PADDING zeros. *LEN gets its size. */
static uint8_t *make_tag(int version, unsigned flags, const ct_buf *body, size_t padding,
                         size_t *len)
{
    ct_buf b = CT_BUF_INIT;
    uint8_t hdr[6] = {'I', 'D', '3', (uint8_t)version, 0, (uint8_t)flags};
    ct_buf_put(&b, hdr, sizeof hdr);
    ct_buf_put_syncsafe(&b, (uint32_t)(body->len + padding));
    ct_buf_put(&b, body->data, body->len);
    ct_buf_put_zeros(&b, padding);
    uint8_t *d = ct_buf_take(&b, len);
    assert_non_null(d);
    return d;
}

/* Appends a CHAP body: element ID, times, unused offsets, then SUB's bytes. */
static void put_chap_body(ct_buf *b, const char *eid, uint32_t start, uint32_t end,
                          const ct_buf *sub)
{
    ct_buf_put(b, eid, strlen(eid) + 1);
    ct_buf_put_u32be(b, start);
    ct_buf_put_u32be(b, end);
    ct_buf_put_u32be(b, 0xffffffff);
    ct_buf_put_u32be(b, 0xffffffff);
    if (sub != NULL)
        ct_buf_put(b, sub->data, sub->len);
}

/* Appends a CHAP frame titled TITLE (ISO-8859-1) of VERSION. */
static void put_chap(ct_buf *b, int version, const char *eid, uint32_t start, uint32_t end,
                     const char *title)
{
    ct_buf sub = CT_BUF_INIT, body = CT_BUF_INIT;
    if (title != NULL) {
        ct_buf t = CT_BUF_INIT;
        ct_buf_put_u8(&t, 0);
        ct_buf_put_str(&t, title);
        put_frame(&sub, version, "TIT2", 0, t.data, t.len);
        ct_buf_free(&t);
    }
    put_chap_body(&body, eid, start, end, &sub);
    put_frame(b, version, "CHAP", 0, body.data, body.len);
    ct_buf_free(&sub);
    ct_buf_free(&body);
}

/* Appends a CTOC frame of VERSION with FLAGS and the N children KIDS, no sub-frames. */
static void put_ctoc(ct_buf *b, int version, const char *eid, unsigned flags,
                     const char *const *kids, size_t n)
{
    ct_buf body = CT_BUF_INIT;
    ct_buf_put(&body, eid, strlen(eid) + 1);
    ct_buf_put_u8(&body, flags);
    ct_buf_put_u8(&body, (unsigned)n);
    for (size_t i = 0; i < n; i++)
        ct_buf_put(&body, kids[i], strlen(kids[i]) + 1);
    put_frame(b, version, "CTOC", 0, body.data, body.len);
    ct_buf_free(&body);
}

static ct_id3_tag *parse_ok(const uint8_t *data, size_t len)
{
    ct_id3_tag *tag = NULL;
    chaptag_error err;
    assert_int_equal(ct_id3v2_parse(data, len, &tag, &err), CHAPTAG_OK);
    assert_non_null(tag);
    return tag;
}

/* Parses BODY wrapped in a tag of VERSION and FLAGS. */
static ct_id3_tag *parse_body(int version, unsigned flags, const ct_buf *body, size_t padding)
{
    size_t len;
    uint8_t *data = make_tag(version, flags, body, padding, &len);
    ct_id3_tag *tag = parse_ok(data, len);
    free(data);
    return tag;
}

static const ct_id3_frame *find_frame(const ct_id3_tag *tag, const char *id)
{
    for (size_t i = 0; i < tag->n_frames; i++)
        if (strcmp(tag->frames[i].id, id) == 0)
            return &tag->frames[i];
    return NULL;
}

static bool has_warning(const ct_warnings *w, const char *part)
{
    for (size_t i = 0; i < w->n; i++)
        if (strstr(w->v[i].msg, part) != NULL)
            return true;
    return false;
}

static bool list_has_warning(chaptag_chapters *list, const char *part)
{
    return has_warning(ct_chapters_warnings(list), part);
}

/* Adds a chapter at START_MS titled TITLE (line LINE) to LIST. */
static void add(chaptag_chapters *list, uint64_t start_ms, const char *title, unsigned line)
{
    chaptag_chapter ch = {.start_ms = start_ms, .end_ms = CHAPTAG_TIME_NONE, .title = title,
                          .line = line};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
}

/* Renders TAG and LIST as VERSION (duration DURATION_MS) and returns the frames. */
static ct_buf render(const ct_id3_tag *tag, const chaptag_chapters *list, int version,
                     uint64_t duration_ms, ct_buf *desc, ct_warnings *w)
{
    ct_id3_render_opts opts = {version, "Chapters", duration_ms};
    ct_buf out = CT_BUF_INIT;
    chaptag_error err;
    chaptag_status st = ct_id3v2_render_frames(tag, list, &opts, &out, desc, w, &err);
    if (st != CHAPTAG_OK)
        fprintf(stderr, "render: %s\n", err.msg);
    assert_int_equal(st, CHAPTAG_OK);
    assert_true(ct_buf_ok(&out));
    return out;
}

/* Wraps FRAMES in a header of VERSION and parses the result. */
static ct_id3_tag *reparse(int version, const ct_buf *frames)
{
    ct_buf b = CT_BUF_INIT;
    ct_id3v2_render_header(version, (uint32_t)frames->len, &b);
    ct_buf_put(&b, frames->data, frames->len);
    assert_true(ct_buf_ok(&b));
    ct_id3_tag *tag = parse_ok(b.data, b.len);
    ct_buf_free(&b);
    return tag;
}

/* The chapters of TAG in a new list. */
static chaptag_chapters *chapters_of(const ct_id3_tag *tag)
{
    chaptag_chapters *list = chaptag_chapters_new();
    assert_non_null(list);
    chaptag_error err;
    assert_int_equal(ct_id3v2_chapters(tag, list, &err), CHAPTAG_OK);
    return list;
}

/* Unsynchronises N bytes at P into OUT (ID3v2.4.0 structure §6.1). */
static void unsync_encode(const uint8_t *p, size_t n, ct_buf *out)
{
    for (size_t i = 0; i < n; i++) {
        ct_buf_put_u8(out, p[i]);
        if (p[i] == 0xff && (i + 1 == n || p[i + 1] == 0 || p[i + 1] >= 0xe0))
            ct_buf_put_u8(out, 0);
    }
}

/* ---- tag headers -------------------------------------------------------------------------- */

static void id3v2_tag_size_follows_ffmpegs_match_rule(void **state)
{
    (void)state;
    static const uint8_t v3[10] = {'I', 'D', '3', 3, 0, 0x00, 0, 0, 0x02, 0x01};
    static const uint8_t footer[10] = {'I', 'D', '3', 4, 0, 0x10, 0, 0, 0, 0x20};
    static const uint8_t footer_v3[10] = {'I', 'D', '3', 3, 0, 0x10, 0, 0, 0, 0x20};
    static const uint8_t not_safe[10] = {'I', 'D', '3', 3, 0, 0, 0, 0, 0x80, 0};
    static const uint8_t bad_version[10] = {'I', 'D', '3', 0xff, 0, 0, 0, 0, 0, 1};
    static const uint8_t not_id3[10] = {'I', 'D', '4', 3, 0, 0, 0, 0, 0, 1};
    assert_int_equal(ct_id3v2_tag_size(v3), 10 + 0x101);
    assert_int_equal(ct_id3v2_tag_size(footer), 10 + 0x20 + 10);
    assert_int_equal(ct_id3v2_tag_size(footer_v3), 10 + 0x20); /* footers are v2.4 only */
    assert_int_equal(ct_id3v2_tag_size(not_safe), 0);
    assert_int_equal(ct_id3v2_tag_size(bad_version), 0);
    assert_int_equal(ct_id3v2_tag_size(not_id3), 0);
}

static void id3v2_renders_a_header_with_a_sync_safe_size(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    ct_id3v2_render_header(4, 200, &b);
    static const uint8_t want[] = {
        'I', 'D', '3',          /* magic */
        4, 0,                   /* version 2.4.0 */
        0,                      /* flags */
        0x00, 0x00, 0x01, 0x48, /* size 200, sync-safe */
    };
    assert_bytes_equal(b.data, b.len, want, sizeof want);
    ct_buf_free(&b);
}

static void id3v2_rejects_a_damaged_header(void **state)
{
    (void)state;
    static const uint8_t short_data[] = {'I', 'D', '3', 3, 0};
    static const uint8_t v5[] = {'I', 'D', '3', 5, 0, 0, 0, 0, 0, 0};
    static const uint8_t past_end[] = {'I', 'D', '3', 3, 0, 0, 0, 0, 0, 0x40, 'T'};
    static const uint8_t not_id3[] = {0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0, 0, 0};
    ct_id3_tag *tag = NULL;
    chaptag_error err;
    assert_int_equal(ct_id3v2_parse(short_data, sizeof short_data, &tag, &err),
                     CHAPTAG_ERR_AUDIO);
    assert_int_equal(ct_id3v2_parse(v5, sizeof v5, &tag, &err), CHAPTAG_ERR_AUDIO);
    assert_non_null(strstr(err.msg, "2.5"));
    assert_int_equal(ct_id3v2_parse(past_end, sizeof past_end, &tag, &err), CHAPTAG_ERR_AUDIO);
    assert_int_equal(ct_id3v2_parse(not_id3, sizeof not_id3, &tag, &err), CHAPTAG_ERR_AUDIO);
    assert_null(tag);
}

/* ---- reading frames ----------------------------------------------------------------------- */

static void id3v2_reads_a_v23_tag_and_records_its_shape(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    PUT(&body, 3, "TIT2", 0, "\0Title");
    PUT(&body, 3, "TPE1", 0x4000, "\0Artist");
    ct_id3_tag *tag = parse_body(3, 0, &body, 100);
    assert_int_equal(tag->version, 3);
    assert_int_equal(tag->flags, 0);
    assert_int_equal(tag->n_tags, 1);
    assert_int_equal(tag->total_size, 10 + body.len + 100);
    assert_int_equal(tag->padding, 100);
    assert_int_equal(tag->n_frames, 2);
    assert_string_equal(tag->frames[1].id, "TPE1");
    assert_int_equal(tag->frames[1].version, 3);
    assert_int_equal(tag->frames[1].flags, 0x4000);
    assert_bytes_equal(tag->frames[1].body, tag->frames[1].len, "\0Artist", 7);
    assert_int_equal(tag->warnings.n, 0);
    assert_false(ct_id3v2_has_chapters(tag));
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
}

static void id3v2_reads_a_v22_tag_and_upgrades_its_frames(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    PUT(&body, 2, "TT2", 0, "\0Song");
    PUT(&body, 2, "TP1", 0, "\0Band");
    PUT(&body, 2, "PIC", 0, "\0JPG\x03\0\xff\xd8");
    PUT(&body, 2, "CRM", 0, "owner\0x");
    ct_id3_tag *tag = parse_body(2, 0, &body, 0);
    assert_int_equal(tag->version, 2);
    assert_int_equal(tag->n_frames, 4);
    assert_string_equal(tag->frames[0].id, "TT2");

    ct_buf text = CT_BUF_INIT;
    assert_true(ct_id3v2_text(tag, "TIT2", &text)); /* matched through its v2.3 name */
    assert_bytes_equal(text.data, text.len, "Song", 4);
    ct_buf_free(&text);

    ct_warnings w = {0};
    ct_buf out = render(tag, NULL, 3, CHAPTAG_TIME_NONE, NULL, &w);
    static const uint8_t want[] = {
        'T', 'I', 'T', '2', 0, 0, 0, 5, 0, 0, /* TT2 -> TIT2, size 5 */
        0, 'S', 'o', 'n', 'g',                /* ISO-8859-1 "Song" */
        'T', 'P', 'E', '1', 0, 0, 0, 5, 0, 0, /* TP1 -> TPE1, size 5 */
        0, 'B', 'a', 'n', 'd',                /* ISO-8859-1 "Band" */
        'A', 'P', 'I', 'C', 0, 0, 0, 16, 0, 0, /* PIC -> APIC, size 16 */
        0,                                    /* encoding */
        'i', 'm', 'a', 'g', 'e', '/', 'j', 'p', 'e', 'g', 0, /* "JPG" -> MIME type */
        3,                                    /* picture type: front cover */
        0,                                    /* empty description */
        0xff, 0xd8,                           /* picture bytes */
    };
    assert_bytes_equal(out.data, out.len, want, sizeof want);
    assert_true(has_warning(&w, "CRM")); /* no v2.3 counterpart: dropped, and said so */
    ct_warnings_clear(&w);
    ct_buf_free(&out);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
}

static void id3v2_decodes_v23_whole_tag_unsynchronisation_before_reading_frames(void **state)
{
    (void)state;
    /* frame sizes count the decoded bytes, as mutagen and TagLib read them */
    ct_buf plain = CT_BUF_INIT, coded = CT_BUF_INIT;
    PUT(&plain, 3, "TIT2", 0, "\0a\xff\xe0\xff\0");
    PUT(&plain, 3, "TPE1", 0, "\0b");
    unsync_encode(plain.data, plain.len, &coded);
    assert_int_equal(coded.len, plain.len + 2);
    ct_id3_tag *tag = parse_body(3, 0x80, &coded, 0);
    assert_int_equal(tag->n_frames, 2);
    assert_bytes_equal(tag->frames[0].body, tag->frames[0].len, "\0a\xff\xe0\xff\0", 6);
    assert_string_equal(tag->frames[1].id, "TPE1");
    assert_int_equal(tag->warnings.n, 0);

    /* written back without unsynchronisation: the decoded frames, byte for byte */
    ct_buf out = render(tag, NULL, 3, CHAPTAG_TIME_NONE, NULL, NULL);
    assert_bytes_equal(out.data, out.len, plain.data, plain.len);
    ct_buf_free(&out);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&plain);
    ct_buf_free(&coded);
}

static void id3v2_undoes_v24_per_frame_unsynchronisation(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    /* TIT2, unsynchronised (flag 0x0002): "\0a" FF E1 "b" on disk as "\0a" FF 00 E1 "b" */
    PUT(&body, 4, "TIT2", 0x0002, "\0a\xff\x00\xe1" "b");
    /* TPE1 with a data length indicator (0x0001) too: the indicator is read raw */
    PUT(&body, 4, "TPE1", 0x0003, "\0\0\0\x05" "\0c\xff\x00\xe2" "d");
    PUT(&body, 4, "TALB", 0, "\0\xff\x00");         /* not unsynchronised: kept as is */
    ct_id3_tag *tag = parse_body(4, 0, &body, 0);
    assert_int_equal(tag->n_frames, 3);
    assert_bytes_equal(tag->frames[0].body, tag->frames[0].len, "\0a\xff\xe1" "b", 5);
    assert_int_equal(tag->frames[0].flags, 0); /* the stored body is plain */
    assert_bytes_equal(tag->frames[1].body, tag->frames[1].len, "\0\0\0\x05\0c\xff\xe2" "d", 9);
    assert_int_equal(tag->frames[1].flags, 0x0001);
    assert_bytes_equal(tag->frames[2].body, tag->frames[2].len, "\0\xff\x00", 3);

    ct_buf out = render(tag, NULL, 4, CHAPTAG_TIME_NONE, NULL, NULL);
    static const uint8_t want[] = {
        'T', 'I', 'T', '2', 0, 0, 0, 5, 0, 0,   /* size 5, unsync flag cleared */
        0, 'a', 0xff, 0xe1, 'b',                /* decoded body */
        'T', 'P', 'E', '1', 0, 0, 0, 9, 0, 1,   /* size 9, data length indicator kept */
        0, 0, 0, 5,                             /* data length 5 */
        0, 'c', 0xff, 0xe2, 'd',                /* decoded body */
        'T', 'A', 'L', 'B', 0, 0, 0, 3, 0, 0,   /* untouched */
        0, 0xff, 0x00,
    };
    assert_bytes_equal(out.data, out.len, want, sizeof want);
    ct_buf_free(&out);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
}

static void id3v2_undoes_unsynchronisation_of_every_frame_when_the_v24_header_says_so(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    PUT(&body, 4, "TIT2", 0, "\0\xff\x00\xf0");
    ct_id3_tag *tag = parse_body(4, 0x80, &body, 0);
    assert_int_equal(tag->n_frames, 1);
    assert_bytes_equal(tag->frames[0].body, tag->frames[0].len, "\0\xff\xf0", 3);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
}

static void id3v2_skips_v23_and_v24_extended_headers(void **state)
{
    (void)state;
    ct_buf b3 = CT_BUF_INIT, b4 = CT_BUF_INIT;
    /* v2.3: plain size 6 that excludes itself, flags, padding size */
    static const uint8_t ext3[] = {0, 0, 0, 6, 0, 0, 0, 0, 0, 0};
    ct_buf_put(&b3, ext3, sizeof ext3);
    PUT(&b3, 3, "TIT2", 0, "\0x");
    /* v2.4: sync-safe size 6 that includes itself, one flag byte, flags */
    static const uint8_t ext4[] = {0, 0, 0, 6, 1, 0};
    ct_buf_put(&b4, ext4, sizeof ext4);
    PUT(&b4, 4, "TIT2", 0, "\0y");
    ct_id3_tag *t3 = parse_body(3, 0x40, &b3, 0), *t4 = parse_body(4, 0x40, &b4, 0);
    assert_int_equal(t3->n_frames, 1);
    assert_bytes_equal(t3->frames[0].body, t3->frames[0].len, "\0x", 2);
    assert_int_equal(t4->n_frames, 1);
    assert_bytes_equal(t4->frames[0].body, t4->frames[0].len, "\0y", 2);
    assert_int_equal(t3->warnings.n + t4->warnings.n, 0);
    ct_id3v2_tag_free(t3);
    ct_id3v2_tag_free(t4);
    ct_buf_free(&b3);
    ct_buf_free(&b4);
}

static void id3v2_ignores_an_extended_header_flag_when_a_frame_follows(void **state)
{
    (void)state;
    /* mutagen's rule: some taggers set the flag without writing an extended header */
    ct_buf body = CT_BUF_INIT;
    PUT(&body, 3, "TIT2", 0, "\0lie");
    ct_id3_tag *tag = parse_body(3, 0x40, &body, 0);
    assert_int_equal(tag->n_frames, 1);
    assert_string_equal(tag->frames[0].id, "TIT2");
    ct_id3v2_tag_free(tag);

    /* a damaged extended header drops the frames with a warning, not the call */
    ct_buf bad = CT_BUF_INIT;
    static const uint8_t ext[] = {0, 0, 1, 0, 0, 0};
    ct_buf_put(&bad, ext, sizeof ext);
    tag = parse_body(3, 0x40, &bad, 0);
    assert_int_equal(tag->n_frames, 0);
    assert_true(has_warning(&tag->warnings, "extended header"));
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
    ct_buf_free(&bad);
}

/* The IDs of TAG's frames joined with spaces, into BUF. */
static const char *frame_ids(const ct_id3_tag *tag, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < tag->n_frames && n + 6 < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " " : "", tag->frames[i].id);
    return buf;
}

static size_t count_warnings(const ct_warnings *w, const char *part)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++)
        n += strstr(w->v[i].msg, part) != NULL;
    return n;
}

static void id3v2_keeps_the_first_stacked_tags_frame_of_a_kind_and_warns_of_the_rest(void **state)
{
    (void)state;
    ct_buf f1 = CT_BUF_INIT, f2 = CT_BUF_INIT, f3 = CT_BUF_INIT, b = CT_BUF_INIT;
    PUT(&f1, 4, "TIT2", 0, "\3one");
    PUT(&f1, 4, "TXXX", 0, "\0a\0x");
    PUT(&f1, 4, "COMM", 0, "\0eng\0c1");
    PUT(&f1, 4, "APIC", 0, "\0image/png\0\3cover\0PNG1");
    PUT(&f1, 4, "PRIV", 0, "owner\0\1");
    PUT(&f1, 4, "UFID", 0, "http://x\0id1");
    PUT(&f1, 4, "PCNT", 0, "\0\0\0\1");
    put_chap(&f1, 4, "a", 0, 1000, "A");

    PUT(&f2, 3, "TIT2", 0, "\0two");                        /* dropped */
    PUT(&f2, 3, "TALB", 0, "\0album");                      /* the first TALB: kept */
    PUT(&f2, 3, "TXXX", 0, "\1\xff\xfe" "a\0\0\0\xff\xfey\0"); /* "a" in UTF-16: dropped */
    PUT(&f2, 3, "TXXX", 0, "\0b\0y");                       /* another description: kept */
    PUT(&f2, 3, "COMM", 0, "\0eng\0c2");                    /* dropped */
    PUT(&f2, 3, "COMM", 0, "\0deu\0c3");                    /* another language: kept */
    PUT(&f2, 3, "APIC", 0, "\0image/jpeg\0\3cover\0JPG2");  /* same description: dropped */
    PUT(&f2, 3, "APIC", 0, "\0image/jpeg\0\4back\0JPG3");   /* kept */
    PUT(&f2, 3, "PRIV", 0, "owner\0\1");                    /* same content: dropped */
    PUT(&f2, 3, "PRIV", 0, "owner\0\2");                    /* other content: kept */
    PUT(&f2, 3, "UFID", 0, "http://x\0id2");                /* same owner: dropped */
    PUT(&f2, 3, "PCNT", 0, "\0\0\0\2");                     /* dropped */
    put_chap(&f2, 3, "b", 0, 1000, "B");                    /* chaptag's own: left alone */

    PUT(&f3, 2, "TT2", 0, "\0three");        /* TIT2 in v2.2: dropped */
    PUT(&f3, 2, "TAL", 0, "\0other album");  /* dropped: the second tag's is first */
    PUT(&f3, 2, "TP1", 0, "\0host");         /* kept */

    const ct_buf *bodies[] = {&f1, &f2, &f3};
    for (int i = 0; i < 3; i++) {
        size_t len;
        uint8_t *t = make_tag(4 - i, 0, bodies[i], 0, &len);
        ct_buf_put(&b, t, len);
        free(t);
    }
    ct_id3_tag *tag = parse_ok(b.data, b.len);
    char ids[256];
    assert_int_equal(tag->n_tags, 3);
    assert_string_equal(frame_ids(tag, ids, sizeof ids),
                        "TIT2 TXXX COMM APIC PRIV UFID PCNT CHAP "
                        "TALB TXXX COMM APIC PRIV CHAP TP1");
    const char *dropped[] = {"TIT2", "TXXX", "COMM", "APIC", "PRIV", "UFID", "PCNT", "TT2",
                             "TAL"};
    assert_int_equal(tag->warnings.n, sizeof dropped / sizeof dropped[0]);
    for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++) {
        char part[64];
        snprintf(part, sizeof part, "the %s frame of the tag at byte", dropped[i]);
        assert_int_equal(count_warnings(&tag->warnings, part), 1);
    }
    ct_buf title = CT_BUF_INIT;
    assert_true(ct_id3v2_text(tag, "TIT2", &title));
    assert_bytes_equal(title.data, title.len, "one", 3);
    ct_buf_free(&title);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&b);
    ct_buf_free(&f1);
    ct_buf_free(&f2);
    ct_buf_free(&f3);
}

static void id3v2_leaves_repeats_within_one_tag_as_they_are(void **state)
{
    (void)state;
    ct_buf f1 = CT_BUF_INIT, f2 = CT_BUF_INIT, b = CT_BUF_INIT;
    PUT(&f1, 3, "TIT2", 0, "\0one");
    PUT(&f1, 3, "TIT2", 0, "\0again");
    PUT(&f2, 3, "TALB", 0, "\0first");
    PUT(&f2, 3, "TALB", 0, "\0second");
    size_t len;
    uint8_t *t = make_tag(3, 0, &f1, 0, &len);
    ct_id3_tag *tag = parse_ok(t, len);
    assert_int_equal(tag->n_frames, 2);
    ct_id3v2_tag_free(tag);
    ct_buf_put(&b, t, len);
    free(t);
    t = make_tag(3, 0, &f2, 10, &len);
    ct_buf_put(&b, t, len);
    free(t);
    tag = parse_ok(b.data, b.len);
    char ids[64];
    assert_string_equal(frame_ids(tag, ids, sizeof ids), "TIT2 TIT2 TALB TALB");
    assert_int_equal(tag->warnings.n, 0);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&b);
    ct_buf_free(&f1);
    ct_buf_free(&f2);
}

static void id3v2_reads_a_v24_tag_with_a_footer_and_the_tag_stacked_after_it(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT, f1 = CT_BUF_INIT, f2 = CT_BUF_INIT;
    PUT(&f1, 4, "TIT2", 0, "\0one");
    PUT(&f2, 3, "TPE1", 0, "\0two");
    static const uint8_t hdr[] = {'I', 'D', '3', 4, 0, 0x10, 0, 0, 0, 14};
    static const uint8_t footer[] = {'3', 'D', 'I', 4, 0, 0x10, 0, 0, 0, 14};
    ct_buf_put(&b, hdr, sizeof hdr);
    ct_buf_put(&b, f1.data, f1.len);
    ct_buf_put(&b, footer, sizeof footer);
    size_t second_len;
    uint8_t *second = make_tag(3, 0, &f2, 4, &second_len);
    ct_buf_put(&b, second, second_len);
    ct_buf_put_u32be(&b, 0xfffb9064); /* audio */
    assert_int_equal(ct_id3v2_tag_size(b.data), 34);

    ct_id3_tag *tag = parse_ok(b.data, b.len);
    assert_int_equal(tag->n_tags, 2);
    assert_int_equal(tag->total_size, 34 + second_len);
    assert_int_equal(tag->version, 4);
    assert_int_equal(tag->n_frames, 2);
    assert_int_equal(tag->frames[0].version, 4);
    assert_int_equal(tag->frames[1].version, 3);
    assert_string_equal(tag->frames[1].id, "TPE1");
    assert_int_equal(tag->padding, 0);
    assert_int_equal(tag->warnings.n, 0);

    /* the frames of both go into one v2.3 tag */
    ct_buf out = render(tag, NULL, 3, CHAPTAG_TIME_NONE, NULL, NULL);
    static const uint8_t want[] = {
        'T', 'I', 'T', '2', 0, 0, 0, 4, 0, 0, 0, 'o', 'n', 'e', /* converted from v2.4 */
        'T', 'P', 'E', '1', 0, 0, 0, 4, 0, 0, 0, 't', 'w', 'o', /* kept from v2.3 */
    };
    assert_bytes_equal(out.data, out.len, want, sizeof want);
    ct_buf_free(&out);
    ct_id3v2_tag_free(tag);
    free(second);
    ct_buf_free(&b);
    ct_buf_free(&f1);
    ct_buf_free(&f2);
}

static void id3v2_stops_at_padding_and_counts_it(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    PUT(&body, 4, "TIT2", 0, "\0x");
    ct_id3_tag *tag = parse_body(4, 0, &body, 1000);
    assert_int_equal(tag->n_frames, 1);
    assert_int_equal(tag->padding, 1000);
    assert_int_equal(tag->warnings.n, 0);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
}

static void id3v2_reads_itunes_plain_sizes_in_v24_frames(void **state)
{
    (void)state;
    /* a 256-byte body with its size written plain (00 00 01 00): sync-safe that reads 128,
       where no frame starts; at 256 TPE1 does */
    uint8_t text[256];
    memset(text, 'x', sizeof text);
    text[0] = 0;
    ct_buf body = CT_BUF_INIT;
    ct_buf_put(&body, "TIT2", 4);
    ct_buf_put_u32be(&body, sizeof text); /* plain */
    ct_buf_put_u16be(&body, 0);
    ct_buf_put(&body, text, sizeof text);
    PUT(&body, 4, "TPE1", 0, "\0y");
    ct_id3_tag *tag = parse_body(4, 0, &body, 0);
    assert_int_equal(tag->n_frames, 2);
    assert_int_equal(tag->frames[0].len, 256);
    assert_string_equal(tag->frames[1].id, "TPE1");

    /* and a spec-correct sync-safe size of 200 (00 00 01 48) is read as 200 */
    ct_buf ok = CT_BUF_INIT;
    put_frame(&ok, 4, "TIT2", 0, text, 200);
    PUT(&ok, 4, "TPE1", 0, "\0y");
    ct_id3_tag *t2 = parse_body(4, 0, &ok, 0);
    assert_int_equal(t2->n_frames, 2);
    assert_int_equal(t2->frames[0].len, 200);
    ct_id3v2_tag_free(tag);
    ct_id3v2_tag_free(t2);
    ct_buf_free(&body);
    ct_buf_free(&ok);
}

static void id3v2_reads_a_v24_chap_written_the_way_ffmpeg_51_writes_it(void **state)
{
    (void)state;
    /* FFmpeg 5.1: CHAP size plain (avio_wb32), TIT2 inside sync-safe (id3v2_put_ttag) */
    char title[270];
    memset(title, 'a', sizeof title);
    title[sizeof title - 1] = '\0';
    ct_buf tit2 = CT_BUF_INIT, chap = CT_BUF_INIT, body = CT_BUF_INIT;
    ct_buf_put_u8(&tit2, 0);
    ct_buf_put_str(&tit2, title);
    ct_buf sub = CT_BUF_INIT;
    put_frame(&sub, 4, "TIT2", 0, tit2.data, tit2.len); /* 270 bytes: 00 00 02 0e */
    put_chap_body(&chap, "ch0", 0, 5000, &sub);
    ct_buf_put(&body, "CHAP", 4);
    ct_buf_put_u32be(&body, (uint32_t)chap.len); /* 300: plain 00 00 01 2c */
    ct_buf_put_u16be(&body, 0);
    ct_buf_put(&body, chap.data, chap.len);
    assert_int_equal(chap.len, 300);
    put_chap(&body, 4, "ch1", 5000, 9000, "Two");
    static const char *const kids[] = {"ch0", "ch1"};
    put_ctoc(&body, 4, "toc", 3, kids, 2);
    ct_id3_tag *tag = parse_body(4, 0, &body, 0);
    assert_int_equal(tag->n_frames, 3);
    assert_true(ct_id3v2_has_chapters(tag));

    chaptag_chapters *list = chapters_of(tag);
    assert_int_equal(chaptag_chapters_count(list), 2);
    const chaptag_chapter *c0 = chaptag_chapters_get(list, 0);
    assert_string_equal(c0->title, title);
    assert_int_equal(c0->end_ms, 5000);
    assert_int_equal(c0->hidden, 0);
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "Two");
    assert_int_equal(chaptag_chapters_warning_count(list), 0);
    chaptag_chapters_free(list);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&tit2);
    ct_buf_free(&sub);
    ct_buf_free(&chap);
    ct_buf_free(&body);
}

static void id3v2_reads_plain_sub_frame_sizes_inside_a_v24_chap(void **state)
{
    (void)state;
    uint8_t text[256];
    memset(text, 'b', sizeof text);
    text[0] = 0;
    ct_buf sub = CT_BUF_INIT, chap = CT_BUF_INIT, body = CT_BUF_INIT;
    ct_buf_put(&sub, "TIT2", 4);
    ct_buf_put_u32be(&sub, sizeof text); /* plain 00 00 01 00; sync-safe would be 128 */
    ct_buf_put_u16be(&sub, 0);
    ct_buf_put(&sub, text, sizeof text);
    PUT(&sub, 4, "WXXX", 0, "\0\0https://example.com/");
    put_chap_body(&chap, "c", 1000, 2000, &sub);
    put_frame(&body, 4, "CHAP", 0, chap.data, chap.len);
    ct_id3_tag *tag = parse_body(4, 0, &body, 0);
    chaptag_chapters *list = chapters_of(tag);
    assert_int_equal(chaptag_chapters_count(list), 1);
    const chaptag_chapter *c = chaptag_chapters_get(list, 0);
    assert_int_equal(strlen(c->title), 255);
    assert_string_equal(c->url, "https://example.com/");
    chaptag_chapters_free(list);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&sub);
    ct_buf_free(&chap);
    ct_buf_free(&body);
}

static void id3v2_warns_and_stops_at_a_frame_that_runs_past_the_tag(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    PUT(&body, 3, "TIT2", 0, "\0ok");
    ct_buf_put(&body, "TPE1", 4);
    ct_buf_put_u32be(&body, 1000); /* 1000 bytes claimed, 4 there */
    ct_buf_put_u16be(&body, 0);
    ct_buf_put(&body, "\0abc", 4);
    ct_id3_tag *tag = parse_body(3, 0, &body, 0);
    assert_int_equal(tag->n_frames, 1);
    assert_string_equal(tag->frames[0].id, "TIT2");
    assert_true(has_warning(&tag->warnings, "TPE1"));
    assert_true(has_warning(&tag->warnings, "claims 1000 bytes"));
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
}

static void id3v2_drops_an_empty_frame_with_a_warning_and_reads_on(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    put_frame(&body, 3, "TIT2", 0, "", 0);
    PUT(&body, 3, "TPE1", 0, "\0a");
    ct_id3_tag *tag = parse_body(3, 0, &body, 0);
    assert_int_equal(tag->n_frames, 1);
    assert_string_equal(tag->frames[0].id, "TPE1");
    assert_true(has_warning(&tag->warnings, "empty frame TIT2"));
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
}

static void id3v2_warns_about_garbage_where_a_frame_should_be(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    PUT(&body, 3, "TIT2", 0, "\0a");
    ct_buf_put_str(&body, "ti#2 this is not a frame");
    ct_id3_tag *tag = parse_body(3, 0, &body, 0);
    assert_int_equal(tag->n_frames, 1);
    assert_true(has_warning(&tag->warnings, "no valid frame at byte 22"));
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);

    ct_buf tail = CT_BUF_INIT;
    PUT(&tail, 3, "TIT2", 0, "\0a");
    ct_buf_put_str(&tail, "TP"); /* too short for a frame header */
    tag = parse_body(3, 0, &tail, 0);
    assert_int_equal(tag->n_frames, 1);
    assert_true(has_warning(&tag->warnings, "2 stray bytes"));
    ct_id3v2_tag_free(tag);
    ct_buf_free(&tail);
}

static void id3v2_walk_steps_over_frames_and_says_why_the_frames_end(void **state)
{
    (void)state;
    ct_buf b = CT_BUF_INIT;
    PUT(&b, 4, "TIT2", 0x0040, "\x01\0a");   /* header at 0, group flag, 3-byte body */
    put_frame(&b, 4, "TPE1", 0, "", 0);       /* header at 13, empty */
    ct_buf_put_zeros(&b, 3);                  /* padding at 23 */
    ct_reader r = ct_reader_make(b.data, b.len);
    ct_id3_raw_frame f;
    assert_int_equal(ct_id3v2_walk(&r, 4, &f), CT_ID3_WALK_FRAME);
    assert_string_equal(f.id, "TIT2");
    assert_int_equal(f.flags, 0x0040);
    assert_int_equal(f.off, 0);
    assert_int_equal(f.end, 13);
    assert_int_equal(f.len, 3);
    assert_memory_equal(f.body, "\x01\0a", 3); /* as stored: the group byte is the body's */
    assert_int_equal(ct_id3v2_walk(&r, 4, &f), CT_ID3_WALK_EMPTY);
    assert_string_equal(f.id, "TPE1");
    assert_int_equal(f.end, 23);
    assert_int_equal(ct_id3v2_walk(&r, 4, &f), CT_ID3_WALK_PADDING);
    assert_int_equal(f.off, 23);
    assert_int_equal(r.pos, 23); /* the walk stays where the frames end */
    r.pos = r.len;
    assert_int_equal(ct_id3v2_walk(&r, 4, &f), CT_ID3_WALK_END);
    ct_buf_free(&b);

    static const uint8_t stray[] = {'T', 'I', 'T'};
    r = ct_reader_make(stray, sizeof stray);
    assert_int_equal(ct_id3v2_walk(&r, 3, &f), CT_ID3_WALK_STRAY);
    static const uint8_t no_id[] = {'t', 'i', 't', '2', 0, 0, 0, 1, 0, 0, 'a'};
    r = ct_reader_make(no_id, sizeof no_id);
    assert_int_equal(ct_id3v2_walk(&r, 3, &f), CT_ID3_WALK_NO_ID);
    static const uint8_t too_big[] = {'T', 'T', '2', 0, 0, 9, 0, 'a'}; /* v2.2: 9 of 2 bytes */
    r = ct_reader_make(too_big, sizeof too_big);
    assert_int_equal(ct_id3v2_walk(&r, 2, &f), CT_ID3_WALK_TOO_BIG);
    assert_string_equal(f.id, "TT2");
    assert_int_equal(f.size, 9);
    assert_int_equal(f.len, 2);
    assert_int_equal(r.pos, 0);
}

static void id3v2_chap_and_ctoc_parsers_read_the_fixed_fields_and_refuse_cut_bodies(void **state)
{
    (void)state;
    static const uint8_t chap[] = {
        'c', '1', 0,                  /* element ID */
        0, 0, 0x03, 0xe8, 0, 0, 0x07, 0xd0, /* start 1000 ms, end 2000 ms */
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* no byte offsets */
        'T', 'I', 'T', '2',           /* the embedded frames start here */
    };
    ct_id3_chap c;
    assert_true(ct_id3v2_chap_parse(chap, sizeof chap, &c));
    assert_string_equal(c.eid, "c1");
    assert_int_equal(c.eid_len, 2);
    assert_int_equal(c.start_ms, 1000);
    assert_int_equal(c.end_ms, 2000);
    assert_ptr_equal(c.frames, chap + 19);
    assert_int_equal(c.frames_len, 4);
    assert_false(ct_id3v2_chap_parse(chap, 18, &c)); /* one byte of the offsets missing */
    assert_false(ct_id3v2_chap_parse(chap, 2, &c));  /* no NUL after the element ID */

    static const uint8_t ctoc[] = {
        't', 0, 0x03, 0x03, /* element ID, top-level and ordered, 3 entries */
        'a', 0, 'b', 0, 'c',  /* the third cut short */
    };
    ct_id3_ctoc t;
    size_t n;
    assert_true(ct_id3v2_ctoc_parse(ctoc, sizeof ctoc, &t));
    assert_string_equal(t.eid, "t");
    assert_int_equal(t.flags, 0x03);
    assert_int_equal(t.count, 3);
    assert_string_equal(ct_id3v2_ctoc_child(&t, &n), "a");
    assert_string_equal(ct_id3v2_ctoc_child(&t, &n), "b");
    assert_int_equal(n, 1);
    assert_null(ct_id3v2_ctoc_child(&t, &n));
    assert_int_equal(ct_reader_left(&t.rest), 1); /* "c" stays for whoever reads on */
    assert_false(ct_id3v2_ctoc_parse(ctoc, 3, &t)); /* no count byte */
}

/* A tag of VERSION with much to trip over: a data length indicator, frames to convert, a
   picture, nested CTOCs, a CHAP with TIT2, WXXX and APIC, padding. */
static uint8_t *rich_tag(int version, size_t *len)
{
    ct_buf body = CT_BUF_INIT, sub = CT_BUF_INIT, chap = CT_BUF_INIT;
    PUT(&body, version, "TIT2", version == 4 ? 0x0003 : 0, "\0\0\0\x04\0a\xff\x00\xe0");
    PUT(&body, version, "TDRC", 0, "\x03" "2021-03-04T05:06");
    PUT(&body, version, "TIPL", 0, "\x03" "a\0b");
    PUT(&body, version, "APIC", 0, "\0image/png\0\x03\0\x89PNG");
    static const char *const kids[] = {"c0", "c1", "nested"};
    put_ctoc(&body, version, "toc", 3, kids, 3);
    put_ctoc(&body, version, "nested", 1, kids, 3);
    PUT(&sub, version, "TIT2", 0, "\x01\xff\xfeO\0k\0");
    PUT(&sub, version, "WXXX", 0, "\0desc\0http://x");
    PUT(&sub, version, "APIC", 0, "\0image/jpeg\0\0\0\xff\xd8");
    put_chap_body(&chap, "c0", 0, 1000, &sub);
    put_frame(&body, version, "CHAP", 0, chap.data, chap.len);
    put_chap(&body, version, "c1", 1000, 2000, "second");
    uint8_t *d = make_tag(version, 0, &body, 16, len);
    ct_buf_free(&body);
    ct_buf_free(&sub);
    ct_buf_free(&chap);
    return d;
}

/* Parses, reads chapters and renders DATA; the only failure allowed is a damaged header. */
static chaptag_status read_all(const uint8_t *data, size_t len)
{
    ct_id3_tag *tag = NULL;
    chaptag_error err;
    chaptag_status st = ct_id3v2_parse(data, len, &tag, &err);
    if (st != CHAPTAG_OK)
        return st;
    chaptag_chapters *list = chaptag_chapters_new();
    assert_int_equal(ct_id3v2_chapters(tag, list, &err), CHAPTAG_OK);
    ct_buf year = CT_BUF_INIT;
    ct_id3v2_text(tag, "TYER", &year);
    ct_buf_free(&year);
    for (int v = 3; v <= 4; v++) {
        ct_id3_render_opts opts = {v, "Chapters", 100000};
        ct_buf out = CT_BUF_INIT;
        ct_warnings w = {0};
        /* times past 0xFFFFFFFE read from a damaged CHAP cannot be written back */
        st = ct_id3v2_render_frames(tag, list, &opts, &out, NULL, &w, &err);
        assert_true(st == CHAPTAG_OK || (st == CHAPTAG_ERR_INPUT && strstr(err.msg, "time")));
        ct_warnings_clear(&w);
        ct_buf_free(&out);
    }
    chaptag_chapters_free(list);
    ct_id3v2_tag_free(tag);
    return CHAPTAG_OK;
}

static void id3v2_survives_every_truncation_and_byte_change_of_a_tag(void **state)
{
    (void)state;
    static const uint8_t values[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
    for (int version = 3; version <= 4; version++) {
        size_t len;
        uint8_t *tag = rich_tag(version, &len);
        uint8_t *copy = malloc(len);
        assert_non_null(copy);
        assert_int_equal(read_all(tag, len), CHAPTAG_OK);
        /* the tag cut short at every byte, its header size saying so */
        for (size_t cut = 10; cut <= len; cut++) {
            memcpy(copy, tag, cut);
            uint32_t body = (uint32_t)(cut - 10);
            uint8_t size[4] = {(uint8_t)(body >> 21 & 0x7f), (uint8_t)(body >> 14 & 0x7f),
                               (uint8_t)(body >> 7 & 0x7f), (uint8_t)(body & 0x7f)};
            memcpy(copy + 6, size, 4);
            assert_int_equal(read_all(copy, cut), CHAPTAG_OK);
        }
        /* every byte changed to each of VALUES */
        for (size_t i = 3; i < len; i++)
            for (size_t k = 0; k < sizeof values; k++) {
                memcpy(copy, tag, len);
                copy[i] = values[k];
                chaptag_status st = read_all(copy, len);
                assert_true(st == CHAPTAG_OK || (st == CHAPTAG_ERR_AUDIO && i < 10));
            }
        free(copy);
        free(tag);
    }
}

/* ---- reading chapters --------------------------------------------------------------------- */

static void id3v2_reads_chapters_with_title_url_and_image(void **state)
{
    (void)state;
    ct_buf sub = CT_BUF_INIT, chap = CT_BUF_INIT, body = CT_BUF_INIT;
    /* TIT2 in UTF-16 with BOM: "Ça" */
    PUT(&sub, 3, "TIT2", 0, "\x01\xff\xfe\xc7\0a\0\0\0");
    /* WXXX: UTF-16 description (eyeD3 writes "chapter url"), then the URL in ISO-8859-1 */
    PUT(&sub, 3, "WXXX", 0, "\x01\xff\xfeu\0r\0l\0\0\0http://x.org/\xe9");
    /* APIC: MIME type, picture type 3, description "d", bytes */
    PUT(&sub, 3, "APIC", 0, "\0image/png\0\x03" "d\0\x89PNG\r\n");
    PUT(&sub, 3, "APIC", 0, "\0image/gif\0\x03\0GIF8"); /* only the first counts */
    put_chap_body(&chap, "chp0", 1500, 61000, &sub);
    put_frame(&body, 3, "CHAP", 0, chap.data, chap.len);
    static const char *const kids[] = {"chp0"};
    put_ctoc(&body, 3, "toc", 3, kids, 1);
    ct_id3_tag *tag = parse_body(3, 0, &body, 0);
    chaptag_chapters *list = chapters_of(tag);
    assert_int_equal(chaptag_chapters_count(list), 1);
    const chaptag_chapter *c = chaptag_chapters_get(list, 0);
    assert_int_equal(c->start_ms, 1500);
    assert_int_equal(c->end_ms, 61000);
    assert_string_equal(c->title, "\xc3\x87" "a");
    assert_string_equal(c->url, "http://x.org/\xc3\xa9");
    assert_string_equal(c->image_mime, "image/png");
    assert_bytes_equal(c->image_data, c->image_len, "\x89PNG\r\n", 6);
    assert_int_equal(c->hidden, 0);
    assert_int_equal(c->line, 0);
    assert_int_equal(chaptag_chapters_warning_count(list), 0);
    chaptag_chapters_free(list);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&sub);
    ct_buf_free(&chap);
    ct_buf_free(&body);
}

static void id3v2_takes_the_title_from_tit3_when_there_is_no_tit2(void **state)
{
    (void)state;
    ct_buf sub = CT_BUF_INIT, chap = CT_BUF_INIT, body = CT_BUF_INIT;
    PUT(&sub, 4, "TIT3", 0, "\x03  Sub\ntitle ");
    put_chap_body(&chap, "a", 0, 10, &sub);
    put_frame(&body, 4, "CHAP", 0, chap.data, chap.len);
    put_chap(&body, 4, "b", 10, 20, NULL); /* no title at all */
    put_chap(&body, 4, "c", 20, 30, " \t ");  /* nothing but blanks */
    ct_id3_tag *tag = parse_body(4, 0, &body, 0);
    chaptag_chapters *list = chapters_of(tag);
    assert_int_equal(chaptag_chapters_count(list), 3);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "Sub title"); /* one line */
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "");
    assert_string_equal(chaptag_chapters_get(list, 2)->title, "");
    chaptag_chapters_free(list);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&sub);
    ct_buf_free(&chap);
    ct_buf_free(&body);
}

static void id3v2_marks_chapters_no_top_level_ctoc_reaches_as_hidden(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    put_chap(&body, 3, "a", 0, 10, "A");
    put_chap(&body, 3, "b", 10, 20, "B");
    put_chap(&body, 3, "c", 20, 30, "C");
    put_chap(&body, 3, "d", 30, 40, "D");
    static const char *const top[] = {"a", "sub", "gone"};
    static const char *const sub[] = {"b", "sub", "toc"}; /* a cycle back to the top */
    static const char *const orphan[] = {"d"};
    put_ctoc(&body, 3, "toc", 3, top, 3);
    put_ctoc(&body, 3, "sub", 1, sub, 3);
    put_ctoc(&body, 3, "orphan", 1, orphan, 1); /* not reachable from the top */
    ct_id3_tag *tag = parse_body(3, 0, &body, 0);
    chaptag_chapters *list = chapters_of(tag);
    assert_int_equal(chaptag_chapters_count(list), 4);
    assert_int_equal(chaptag_chapters_get(list, 0)->hidden, 0);
    assert_int_equal(chaptag_chapters_get(list, 1)->hidden, 0); /* through the nested CTOC */
    assert_int_equal(chaptag_chapters_get(list, 2)->hidden, 1); /* in no CTOC */
    assert_int_equal(chaptag_chapters_get(list, 3)->hidden, 1); /* only in an unreachable one */
    assert_true(list_has_warning(list, "CTOC toc lists gone"));
    chaptag_chapters_free(list);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
}

static void id3v2_reads_unlisted_ctocs_as_roots_when_none_is_top_level(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    put_chap(&body, 3, "a", 0, 10, "A");
    put_chap(&body, 3, "b", 10, 20, "B");
    put_chap(&body, 3, "c", 20, 30, "C");
    static const char *const kids[] = {"a", "sub"}, *const sub_kids[] = {"c"};
    put_ctoc(&body, 3, "toc", 1, kids, 2);     /* ordered, not top-level: a writer's bug */
    put_ctoc(&body, 3, "sub", 1, sub_kids, 1); /* listed by toc: not a root */
    ct_id3_tag *tag = parse_body(3, 0, &body, 0);
    chaptag_chapters *list = chapters_of(tag);
    assert_int_equal(chaptag_chapters_get(list, 0)->hidden, 0); /* a: in toc */
    assert_int_equal(chaptag_chapters_get(list, 1)->hidden, 1); /* b: in no CTOC */
    assert_int_equal(chaptag_chapters_get(list, 2)->hidden, 0); /* c: through sub */
    assert_true(list_has_warning(list, "no CTOC is marked top-level"));
    chaptag_chapters_free(list);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
}

static void id3v2_sorts_chapters_by_start_time(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    put_chap(&body, 3, "x", 3000, 4000, "third");
    put_chap(&body, 3, "y", 1000, 2000, "first");
    put_chap(&body, 3, "z", 2000, 3000, "second");
    put_chap(&body, 3, "w", 2000, 3000, "second too"); /* same start: tag order kept */
    ct_id3_tag *tag = parse_body(3, 0, &body, 0);
    chaptag_chapters *list = chapters_of(tag);
    assert_int_equal(chaptag_chapters_count(list), 4);
    assert_string_equal(chaptag_chapters_get(list, 0)->title, "first");
    assert_string_equal(chaptag_chapters_get(list, 1)->title, "second");
    assert_string_equal(chaptag_chapters_get(list, 2)->title, "second too");
    assert_string_equal(chaptag_chapters_get(list, 3)->title, "third");
    assert_int_equal(chaptag_chapters_get(list, 0)->hidden, 0); /* no CTOC: nothing hidden */
    assert_true(list_has_warning(list, "no CTOC"));
    chaptag_chapters_free(list);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
}

static void id3v2_warns_about_duplicate_ids_and_short_chaps(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    put_chap(&body, 3, "same", 0, 10, "A");
    put_chap(&body, 3, "same", 10, 20, "B");
    static const uint8_t short_chap[17] = {'q'}; /* ID, NUL, 15 of the 16 time bytes */
    put_frame(&body, 3, "CHAP", 0, short_chap, sizeof short_chap);
    PUT(&body, 3, "CTOC", 0, "toc");                              /* no NUL, no flags */
    ct_id3_tag *tag = parse_body(3, 0, &body, 0);
    chaptag_chapters *list = chapters_of(tag);
    assert_int_equal(chaptag_chapters_count(list), 2);
    assert_true(list_has_warning(list, "element ID same is used by more than one"));
    assert_true(list_has_warning(list, "CHAP frame of 17 bytes was skipped"));
    assert_true(list_has_warning(list, "CTOC frame of 3 bytes could not be read"));
    chaptag_chapters_free(list);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
}

static void id3v2_text_reads_the_first_value_in_any_encoding(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    PUT(&body, 4, "TIT2", 0, "\x00" "caf\xe9");                       /* ISO-8859-1 */
    PUT(&body, 4, "TPE1", 0, "\x01\xff\xfe" "A\0\xe9\0\0\0" "B\0");     /* UTF-16LE, 2 values */
    PUT(&body, 4, "TALB", 0, "\x02\x00" "A\x03\xa9");                 /* UTF-16BE */
    PUT(&body, 4, "TCON", 0, "\x03" "\xe2\x82\xac" "uro\0Pop");       /* UTF-8, 2 values */
    PUT(&body, 4, "TDRC", 0, "\x00" "2019-12-31");
    ct_id3_tag *tag = parse_body(4, 0, &body, 0);
    static const struct {
        const char *id, *want;
    } cases[] = {
        {"TIT2", "caf\xc3\xa9"}, {"TPE1", "A\xc3\xa9"}, {"TALB", "A\xce\xa9"},
        {"TCON", "\xe2\x82\xac" "uro"}, {"TDRC", "2019-12-31"}, {"TYER", "2019"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ct_buf b = CT_BUF_INIT;
        assert_true(ct_id3v2_text(tag, cases[i].id, &b));
        assert_bytes_equal(b.data, b.len, cases[i].want, strlen(cases[i].want));
        ct_buf_free(&b);
    }
    ct_buf none = CT_BUF_INIT;
    assert_false(ct_id3v2_text(tag, "TPE2", &none));
    assert_int_equal(none.len, 0);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);

    /* and TDRC asked of a v2.3 tag answers with TYER */
    ct_buf b3 = CT_BUF_INIT, year = CT_BUF_INIT;
    PUT(&b3, 3, "TYER", 0, "\0" "1987");
    tag = parse_body(3, 0, &b3, 0);
    assert_true(ct_id3v2_text(tag, "TDRC", &year));
    assert_bytes_equal(year.data, year.len, "1987", 4);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&b3);
    ct_buf_free(&year);
}

/* ---- rendering ---------------------------------------------------------------------------- */

static void id3v2_renders_the_reference_worked_example_shape(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    add(list, 0, "Intro", 1);
    ct_buf frames = render(NULL, list, 3, 60000, NULL, NULL);
    ct_buf tag = CT_BUF_INIT;
    ct_id3v2_render_header(3, (uint32_t)frames.len, &tag);
    ct_buf_put(&tag, frames.data, frames.len);
    static const uint8_t want[] = {
        'I', 'D', '3', 3, 0, 0,                   /* ID3v2.3.0, no flags */
        0, 0, 0, 0x67,                            /* tag size 103, sync-safe */
        'T', 'L', 'E', 'N', 0, 0, 0, 6, 0, 0,     /* TLEN, size 6 (v2.3: plain) */
        0, '6', '0', '0', '0', '0',               /* ISO-8859-1 "60000" ms, no NUL */
        'C', 'T', 'O', 'C', 0, 0, 0, 0x1e, 0, 0,  /* CTOC, size 30 */
        't', 'o', 'c', 0,                         /* element ID */
        0x03,                                     /* top-level, ordered */
        1,                                        /* entry count */
        'c', 'h', 'p', '0', 0,                    /* child element ID */
        'T', 'I', 'T', '2', 0, 0, 0, 9, 0, 0,     /* TIT2 sub-frame, size 9 */
        0, 'C', 'h', 'a', 'p', 't', 'e', 'r', 's', /* ISO-8859-1 "Chapters" */
        'C', 'H', 'A', 'P', 0, 0, 0, 0x25, 0, 0,  /* CHAP, size 37 */
        'c', 'h', 'p', '0', 0,                    /* element ID */
        0, 0, 0, 0,                               /* start 0 ms */
        0, 0, 0xea, 0x60,                         /* end 60000 ms */
        0xff, 0xff, 0xff, 0xff,                   /* no start offset */
        0xff, 0xff, 0xff, 0xff,                   /* no end offset */
        'T', 'I', 'T', '2', 0, 0, 0, 6, 0, 0,     /* TIT2 sub-frame, size 6 */
        0, 'I', 'n', 't', 'r', 'o',               /* ISO-8859-1 "Intro" */
    };
    assert_bytes_equal(tag.data, tag.len, want, sizeof want);
    ct_buf_free(&tag);
    ct_buf_free(&frames);
    chaptag_chapters_free(list);
}

static void id3v2_writes_non_ascii_titles_as_utf16_in_v23_and_utf8_in_v24(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    add(list, 0, "\xc3\xa9\xf0\x9f\x8e\xb5", 1); /* "é🎵" */
    ct_buf v3 = render(NULL, list, 3, 1000, NULL, NULL);
    ct_buf v4 = render(NULL, list, 4, 1000, NULL, NULL);
    static const uint8_t want3[] = {
        'T', 'I', 'T', '2', 0, 0, 0, 9, 0, 0, /* size 9 */
        1,                                    /* UTF-16 with BOM */
        0xff, 0xfe,                           /* BOM: little-endian */
        0xe9, 0x00,                           /* é */
        0x3c, 0xd8, 0xb5, 0xdf,               /* 🎵: surrogate pair D83C DFB5 */
    };
    static const uint8_t want4[] = {
        'T', 'I', 'T', '2', 0, 0, 0, 7, 0, 0, /* size 7 */
        3,                                    /* UTF-8 */
        0xc3, 0xa9, 0xf0, 0x9f, 0x8e, 0xb5,   /* é🎵, no NUL */
    };
    /* the CHAP's TIT2 is the last frame */
    assert_bytes_equal(v3.data + v3.len - sizeof want3, sizeof want3, want3, sizeof want3);
    assert_bytes_equal(v4.data + v4.len - sizeof want4, sizeof want4, want4, sizeof want4);
    ct_buf_free(&v3);
    ct_buf_free(&v4);
    chaptag_chapters_free(list);
}

static void id3v2_writes_sync_safe_sizes_at_every_level_in_v24_and_warns_at_128(void **state)
{
    (void)state;
    char title[151];
    memset(title, 'T', 150);
    title[150] = '\0';
    chaptag_chapters *list = chaptag_chapters_new();
    add(list, 0, title, 7);
    ct_warnings w = {0};
    ct_buf out = render(NULL, list, 4, 2000, NULL, &w);
    /* TLEN (10 + 5), CTOC (10 + 30), then the CHAP */
    const uint8_t *chap = out.data + 15 + 40;
    static const uint8_t want[] = {
        'C', 'H', 'A', 'P', 0x00, 0x00, 0x01, 0x36, 0, 0, /* size 182, sync-safe */
        'c', 'h', 'p', '0', 0,                            /* element ID */
        0, 0, 0, 0, 0, 0, 0x07, 0xd0,                     /* 0 to 2000 ms */
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   /* no offsets */
        'T', 'I', 'T', '2', 0x00, 0x00, 0x01, 0x17, 0, 0, /* size 151, sync-safe */
        0, 'T', 'T',                                      /* ISO-8859-1 title... */
    };
    assert_int_equal(out.len, 15 + 40 + 10 + 182);
    assert_bytes_equal(chap, sizeof want, want, sizeof want);
    assert_int_equal(w.n, 2);
    assert_int_equal(w.v[0].line, 7);
    assert_string_equal(w.v[0].msg, "TIT2 in CHAP chp0 is 151 bytes: FFmpeg 5.1 and Apple "
                                    "Podcasts misread ID3v2.4 frames of 128 bytes or more; "
                                    "ID3v2.3 avoids this");
    assert_string_equal(w.v[1].msg, "CHAP chp0 is 182 bytes: FFmpeg 5.1 and Apple Podcasts "
                                    "misread ID3v2.4 frames of 128 bytes or more; ID3v2.3 "
                                    "avoids this");
    ct_warnings_clear(&w);
    ct_buf_free(&out);

    /* exactly at the boundary: a TIT2 body of 127 bytes is safe, 128 is not */
    for (size_t len = 126; len <= 127; len++) {
        chaptag_chapters *edge = chaptag_chapters_new();
        memset(title, 'T', len);
        title[len] = '\0';
        add(edge, 0, title, 1);
        ct_buf o = render(NULL, edge, 4, 2000, NULL, &w);
        assert_int_equal(has_warning(&w, "TIT2 in CHAP chp0 is 128 bytes"), len == 127);
        assert_int_equal(has_warning(&w, "TIT2"), len == 127);
        ct_warnings_clear(&w);
        ct_buf_free(&o);
        chaptag_chapters_free(edge);
    }

    /* v2.3: plain sizes and no warning */
    out = render(NULL, list, 3, 2000, NULL, &w);
    static const uint8_t want3[] = {'C', 'H', 'A', 'P', 0x00, 0x00, 0x00, 0xb6, 0, 0};
    assert_bytes_equal(out.data + 55, sizeof want3, want3, sizeof want3);
    assert_int_equal(w.n, 0);
    ct_buf_free(&out);
    chaptag_chapters_free(list);
}

static void id3v2_leaves_hidden_chapters_out_of_the_ctoc(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    add(list, 0, "A", 1);
    chaptag_chapter hidden = {.start_ms = 1000, .end_ms = CHAPTAG_TIME_NONE, .title = "B",
                              .hidden = 1, .line = 2};
    assert_int_equal(chaptag_chapters_add(list, &hidden, NULL), CHAPTAG_OK);
    add(list, 2000, "C", 3);
    ct_buf out = render(NULL, list, 3, 3000, NULL, NULL);
    static const uint8_t want[] = {
        'C', 'T', 'O', 'C', 0, 0, 0, 0x23, 0, 0, /* size 35 */
        't', 'o', 'c', 0,                        /* element ID */
        0x03,                                    /* top-level, ordered */
        2,                                       /* two entries */
        'c', 'h', 'p', '0', 0,                   /* A */
        'c', 'h', 'p', '2', 0,                   /* C; chp1 is hidden */
        'T', 'I', 'T', '2', 0, 0, 0, 9, 0, 0,    /* TIT2 */
        0, 'C', 'h', 'a', 'p', 't', 'e', 'r', 's',
    };
    assert_bytes_equal(out.data + 15, sizeof want, want, sizeof want);
    ct_id3_tag *tag = reparse(3, &out);
    chaptag_chapters *back = chapters_of(tag);
    assert_int_equal(chaptag_chapters_count(back), 3);
    assert_int_equal(chaptag_chapters_get(back, 1)->hidden, 1);
    assert_int_equal(chaptag_chapters_get(back, 2)->hidden, 0);
    chaptag_chapters_free(back);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&out);
    chaptag_chapters_free(list);
}

static void id3v2_round_trips_chapters_through_render_and_parse(void **state)
{
    (void)state;
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', 0xff, 0x00, 0xe0};
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter chs[] = {
        {.start_ms = 0, .end_ms = CHAPTAG_TIME_NONE, .title = "Intro", .line = 1},
        {.start_ms = 74000, .end_ms = 110500,
         .title = "Caf\xc3\xa9 \xe2\x80\x91 \xe6\x97\xa5\xe6\x9c\xac", .url = "https://a.b/c?d=e",
         .image_data = png, .image_len = sizeof png, .image_mime = "image/png", .line = 2},
        {.start_ms = 120500, .end_ms = CHAPTAG_TIME_NONE, .title = "", .hidden = 1, .line = 3},
        {.start_ms = 3600000, .end_ms = CHAPTAG_TIME_NONE, .title = "\xf0\x9f\x8e\xb5 Music",
         .line = 4},
    };
    for (size_t i = 0; i < sizeof chs / sizeof chs[0]; i++)
        assert_int_equal(chaptag_chapters_add(list, &chs[i], NULL), CHAPTAG_OK);
    for (int version = 3; version <= 4; version++) {
        ct_buf out = render(NULL, list, version, 4000000, NULL, NULL);
        ct_id3_tag *tag = reparse(version, &out);
        assert_int_equal(tag->warnings.n, 0);
        chaptag_chapters *back = chapters_of(tag);
        assert_int_equal(chaptag_chapters_count(back), 4);
        assert_int_equal(chaptag_chapters_warning_count(back), 0);
        for (size_t i = 0; i < 4; i++) {
            const chaptag_chapter *a = chaptag_chapters_get(list, i);
            const chaptag_chapter *b = chaptag_chapters_get(back, i);
            assert_int_equal(b->start_ms, a->start_ms);
            assert_int_equal(b->end_ms, chaptag_chapters_end(list, i, 4000000));
            assert_string_equal(b->title, a->title);
            assert_int_equal(b->hidden, a->hidden);
            if (a->url != NULL)
                assert_string_equal(b->url, a->url);
            else
                assert_null(b->url);
            assert_bytes_equal(b->image_data, b->image_len, a->image_data, a->image_len);
            if (a->image_mime != NULL)
                assert_string_equal(b->image_mime, a->image_mime);
        }
        chaptag_chapters_free(back);
        ct_id3v2_tag_free(tag);
        ct_buf_free(&out);
    }
    chaptag_chapters_free(list);
}

static void id3v2_percent_encodes_url_characters_past_latin1(void **state)
{
    (void)state;
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.end_ms = CHAPTAG_TIME_NONE, .title = "x",
                          .url = "http://e.x/\xc3\xa9\xe6\x97\xa5", .line = 1};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    ct_buf out = render(NULL, list, 3, 1000, NULL, NULL);
    static const uint8_t want[] = {
        'W', 'X', 'X', 'X', 0, 0, 0, 23, 0, 0,                 /* size 23 */
        0,                                                     /* ISO-8859-1 */
        0,                                                     /* empty description */
        'h', 't', 't', 'p', ':', '/', '/', 'e', '.', 'x', '/', /* URL */
        0xe9,                                                  /* é in ISO-8859-1 */
        '%', 'E', '6', '%', '9', '7', '%', 'A', '5',           /* 日 as UTF-8, escaped */
    };
    assert_bytes_equal(out.data + out.len - sizeof want, sizeof want, want, sizeof want);
    ct_buf_free(&out);
    chaptag_chapters_free(list);
}

static void id3v2_writes_chapter_images_as_apic(void **state)
{
    (void)state;
    static const uint8_t jpeg[] = {0xff, 0xd8, 0xff, 0xe0};
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.end_ms = CHAPTAG_TIME_NONE, .title = "x", .image = "c.jpg",
                          .image_data = jpeg, .image_len = sizeof jpeg,
                          .image_mime = "image/jpeg", .line = 1};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    ct_buf out = render(NULL, list, 3, 1000, NULL, NULL);
    static const uint8_t want[] = {
        'A', 'P', 'I', 'C', 0, 0, 0, 18, 0, 0,               /* size 18 */
        0,                                                   /* ISO-8859-1 */
        'i', 'm', 'a', 'g', 'e', '/', 'j', 'p', 'e', 'g', 0, /* MIME type */
        0,                                                   /* picture type: other */
        0,                                                   /* empty description */
        0xff, 0xd8, 0xff, 0xe0,                              /* picture */
    };
    assert_bytes_equal(out.data + out.len - sizeof want, sizeof want, want, sizeof want);
    ct_buf_free(&out);
    chaptag_chapters_free(list);
}

/* A list of one chapter at 0 ("x", line LINE) whose image is IMAGE. */
static chaptag_chapters *one_with_image(const char *image, unsigned line)
{
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_chapter ch = {.end_ms = CHAPTAG_TIME_NONE, .title = "x", .image = image,
                          .line = line};
    assert_int_equal(chaptag_chapters_add(list, &ch, NULL), CHAPTAG_OK);
    return list;
}

static void id3v2_writes_a_picture_given_as_a_url_as_a_linked_apic(void **state)
{
    (void)state;
    chaptag_chapters *list = one_with_image("https://e.x/a.jpg?s=1", 1);
    static const uint8_t want[] = {
        'A', 'P', 'I', 'C', 0, 0, 0, 28, 0, 0,                     /* size 28 */
        0,                                                         /* ISO-8859-1 */
        '-', '-', '>', 0,                                          /* MIME type: a link */
        0,                                                         /* picture type: other */
        0,                                                         /* empty description */
        'h', 't', 't', 'p', 's', ':', '/', '/', 'e', '.', 'x', '/', /* the URL, no NUL */
        'a', '.', 'j', 'p', 'g', '?', 's', '=', '1',
    };
    for (int version = 3; version <= 4; version++) {
        ct_buf desc = CT_BUF_INIT;
        ct_buf out = render(NULL, list, version, 1000, &desc, NULL);
        assert_bytes_equal(out.data + out.len - sizeof want, sizeof want, want, sizeof want);
        ct_buf_put_u8(&desc, 0);
        assert_non_null(strstr((const char *)desc.data, "\"x\", image link ("));
        ct_id3_tag *tag = reparse(version, &out);
        chaptag_chapters *back = chapters_of(tag);
        const chaptag_chapter *c = chaptag_chapters_get(back, 0);
        assert_string_equal(c->image, "https://e.x/a.jpg?s=1");
        assert_null(c->image_data);
        assert_int_equal(chaptag_chapter_image_kind(c), CHAPTAG_IMAGE_LINK);
        ct_buf again = render(tag, back, version, 1000, NULL, NULL); /* the same bytes again */
        assert_bytes_equal(again.data, again.len, out.data, out.len);
        ct_buf_free(&again);
        chaptag_chapters_free(back);
        ct_id3v2_tag_free(tag);
        ct_buf_free(&out);
        ct_buf_free(&desc);
    }
    chaptag_chapters_free(list);
}

static void id3v2_refuses_a_picture_link_it_cannot_write_naming_the_line(void **state)
{
    (void)state;
    static const struct {
        const char *url, *msg;
    } bad[] = {
        {"https://e.x/caf\xc3\xa9.jpg", "holds characters other than ASCII"},
        {"https://e.x/\xe6\x97\xa5.png", "percent-encode them"},
        {"https://e.x/\xff.png", "not valid UTF-8"},
        {"https://e.x/a\n.png", "control characters"},
        {"https://e.x/a\x7f.png", "control characters"},
        {"ftp://e.x/a.png", "not an http or https address"},
        {"data:image/png;base64,AAAA", "not an http or https address"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        chaptag_chapters *list = one_with_image(bad[i].url, 7);
        ct_id3_render_opts opts = {3, "Chapters", 1000};
        ct_buf out = CT_BUF_INIT;
        chaptag_error err;
        assert_int_equal(ct_id3v2_render_frames(NULL, list, &opts, &out, NULL, NULL, &err),
                         CHAPTAG_ERR_INPUT);
        assert_int_equal(err.line, 7);
        assert_non_null(strstr(err.msg, bad[i].msg));
        assert_non_null(strstr(err.msg, "picture link"));
        ct_buf_free(&out);
        chaptag_chapters_free(list);
    }
    chaptag_chapters *list = one_with_image("HTTP://E.X/%C3%A9.jpg", 7); /* encoded: written */
    ct_buf out = render(NULL, list, 3, 1000, NULL, NULL);
    ct_buf_free(&out);
    chaptag_chapters_free(list);
}

static void id3v2_converts_a_v24_tag_to_v23(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    PUT(&body, 4, "TIT2", 0, "\x03\xce\xa9" "1");                 /* UTF-8 "Ω1" */
    PUT(&body, 4, "TPE1", 0x1000, "\x03" "Ann\0Bob");            /* read-only, two values */
    PUT(&body, 4, "TALB", 0, "\x03" "Gr\xc3\xbc\xc3\x9f" "e");   /* UTF-8 that fits Latin-1 */
    PUT(&body, 4, "TDRC", 0, "\x00" "2021-03-04T05:06");
    PUT(&body, 4, "TIPL", 0, "\x03" "producer\0Ann\0mixer\0Bob");
    PUT(&body, 4, "TSOP", 0, "\x03" "Ann");                      /* v2.4 only: kept */
    PUT(&body, 4, "RVA2", 0, "track\0\x01\xff\x00\x00");        /* v2.4 only: kept */
    PUT(&body, 4, "PRIV", 0, "owner\0\xde\xad");
    PUT(&body, 4, "TMCL", 0, "\x03" "guitar\0Cy");               /* joins TIPL's IPLS */
    ct_id3_tag *tag = parse_body(4, 0, &body, 0);
    ct_buf desc = CT_BUF_INIT;
    ct_warnings w = {0};
    ct_buf out = render(tag, NULL, 3, CHAPTAG_TIME_NONE, &desc, &w);
    static const uint8_t want[] = {
        'T', 'I', 'T', '2', 0, 0, 0, 7, 0, 0,         /* size 7 */
        1, 0xff, 0xfe, 0xa9, 0x03, '1', 0,            /* UTF-16LE with BOM "Ω1" */
        'T', 'P', 'E', '1', 0, 0, 0, 8, 0x20, 0x00,   /* read-only: 0x1000 -> 0x2000 */
        0, 'A', 'n', 'n', '/', 'B', 'o', 'b',         /* values joined with "/" */
        'T', 'A', 'L', 'B', 0, 0, 0, 6, 0, 0,
        0, 'G', 'r', 0xfc, 0xdf, 'e',                 /* ISO-8859-1 "Grüße" */
        'T', 'Y', 'E', 'R', 0, 0, 0, 5, 0, 0, 0, '2', '0', '2', '1', /* year */
        'T', 'D', 'A', 'T', 0, 0, 0, 5, 0, 0, 0, '0', '4', '0', '3', /* DDMM */
        'T', 'I', 'M', 'E', 0, 0, 0, 5, 0, 0, 0, '0', '5', '0', '6', /* HHMM */
        'I', 'P', 'L', 'S', 0, 0, 0, 33, 0, 0,        /* TIPL and TMCL, size 33 */
        0,                                            /* ISO-8859-1 */
        'p', 'r', 'o', 'd', 'u', 'c', 'e', 'r', 0, 'A', 'n', 'n', 0,
        'm', 'i', 'x', 'e', 'r', 0, 'B', 'o', 'b', 0,
        'g', 'u', 'i', 't', 'a', 'r', 0, 'C', 'y',
        'T', 'S', 'O', 'P', 0, 0, 0, 4, 0, 0, 0, 'A', 'n', 'n', /* re-encoded */
        'R', 'V', 'A', '2', 0, 0, 0, 10, 0, 0,        /* as it was */
        't', 'r', 'a', 'c', 'k', 0, 0x01, 0xff, 0x00, 0x00,
        'P', 'R', 'I', 'V', 0, 0, 0, 8, 0, 0,         /* as it was */
        'o', 'w', 'n', 'e', 'r', 0, 0xde, 0xad,
    };
    assert_bytes_equal(out.data, out.len, want, sizeof want);
    assert_int_equal(w.n, 0);
    assert_non_null(strstr((const char *)desc.data, "converted TDRC -> TYER, TDAT, TIME\n"));
    assert_non_null(strstr((const char *)desc.data, "converted TIPL, TMCL -> IPLS (33 bytes)\n"));
    ct_warnings_clear(&w);
    ct_buf_free(&desc);
    ct_buf_free(&out);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
}

static void id3v2_converts_a_v23_tag_to_v24(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    PUT(&body, 3, "TIT2", 0x8000, "\x01\xff\xfeH\0i\0");    /* tag-alter preservation */
    PUT(&body, 3, "TYER", 0, "\0" "2021");
    PUT(&body, 3, "TDAT", 0, "\0" "0403");
    PUT(&body, 3, "TIME", 0, "\0" "0506");
    PUT(&body, 3, "IPLS", 0, "\0" "producer\0Ann");
    PUT(&body, 3, "TORY", 0, "\0" "1999");
    PUT(&body, 3, "XYZW", 0x0080, "\0\0\0\x10\x78\x9c\x01\x02"); /* compressed, 16 bytes */
    PUT(&body, 3, "GRPD", 0x0020, "\x07" "data");             /* grouped, group 7 */
    ct_id3_tag *tag = parse_body(3, 0, &body, 0);
    ct_buf out = render(tag, NULL, 4, CHAPTAG_TIME_NONE, NULL, NULL);
    static const uint8_t want[] = {
        'T', 'I', 'T', '2', 0, 0, 0, 7, 0x40, 0x00,   /* tag-alter: 0x8000 -> 0x4000 */
        1, 0xff, 0xfe, 'H', 0, 'i', 0,                /* UTF-16 stays */
        'T', 'D', 'R', 'C', 0, 0, 0, 17, 0, 0,        /* TYER, TDAT, TIME in one */
        0, '2', '0', '2', '1', '-', '0', '3', '-', '0', '4', 'T', '0', '5', ':', '0', '6',
        'T', 'I', 'P', 'L', 0, 0, 0, 13, 0, 0,        /* IPLS -> TIPL */
        0, 'p', 'r', 'o', 'd', 'u', 'c', 'e', 'r', 0, 'A', 'n', 'n',
        'T', 'D', 'O', 'R', 0, 0, 0, 5, 0, 0,         /* TORY -> TDOR */
        0, '1', '9', '9', '9',
        'X', 'Y', 'Z', 'W', 0, 0, 0, 8, 0x00, 0x09,   /* compressed + data length */
        0, 0, 0, 0x10,                                /* data length 16, sync-safe */
        0x78, 0x9c, 0x01, 0x02,                       /* compressed bytes */
        'G', 'R', 'P', 'D', 0, 0, 0, 5, 0x00, 0x40,   /* grouping: 0x0020 -> 0x0040 */
        0x07, 'd', 'a', 't', 'a',
    };
    assert_bytes_equal(out.data, out.len, want, sizeof want);
    ct_buf_free(&out);

    /* and back: v2.4 data length indicator and group byte in v2.3 order */
    ct_id3_tag *t4 = reparse(4, &(ct_buf){(uint8_t *)want, sizeof want, sizeof want, false});
    ct_buf back = render(t4, NULL, 3, CHAPTAG_TIME_NONE, NULL, NULL);
    static const uint8_t compressed[] = {
        'X', 'Y', 'Z', 'W', 0, 0, 0, 8, 0x00, 0x80,   /* compressed */
        0, 0, 0, 0x10,                                /* decompressed size, plain */
        0x78, 0x9c, 0x01, 0x02,
        'G', 'R', 'P', 'D', 0, 0, 0, 5, 0x00, 0x20, 0x07, 'd', 'a', 't', 'a',
    };
    assert_bytes_equal(back.data + back.len - sizeof compressed, sizeof compressed, compressed,
                       sizeof compressed);
    ct_buf_free(&back);
    ct_id3v2_tag_free(t4);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
}

static void id3v2_never_writes_an_empty_frame_when_converting(void **state)
{
    (void)state;
    /* found by fuzzing: a data length indicator that is the whole body leaves no content */
    ct_buf body = CT_BUF_INIT;
    PUT(&body, 4, "TLEN", 0x0001, "\0\0\0\0");
    PUT(&body, 4, "TPE1", 0, "\0a");
    ct_id3_tag *tag = parse_body(4, 0, &body, 0);
    ct_warnings w = {0};
    ct_buf out = render(tag, NULL, 3, CHAPTAG_TIME_NONE, NULL, &w);
    static const uint8_t want[] = {
        'T', 'P', 'E', '1', 0, 0, 0, 2, 0, 0, /* only TPE1 is left */
        0, 'a',
    };
    assert_bytes_equal(out.data, out.len, want, sizeof want);
    assert_true(has_warning(&w, "dropped frame TLEN"));
    ct_warnings_clear(&w);
    ct_buf_free(&out);

    /* with chapters, the TLEN that could not be kept is replaced: embedding twice must give
       the same bytes, and the second time the old tag has this TLEN */
    chaptag_chapters *list = chaptag_chapters_new();
    add(list, 0, "a", 1);
    out = render(tag, list, 3, 5000, NULL, NULL);
    static const uint8_t tlen[] = {
        'T', 'L', 'E', 'N', 0, 0, 0, 5, 0, 0, /* added after the kept frames */
        0, '5', '0', '0', '0',
    };
    assert_bytes_equal(out.data + sizeof want, sizeof tlen, tlen, sizeof tlen);
    ct_buf_free(&out);
    chaptag_chapters_free(list);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
}

static void id3v2_keeps_frames_it_does_not_own_byte_for_byte(void **state)
{
    (void)state;
    for (int version = 3; version <= 4; version++) {
        ct_buf body = CT_BUF_INIT, owned = CT_BUF_INIT;
        PUT(&body, version, "XYZW", version == 3 ? 0x4000 : 0x2000, "\x01\x02\x03");
        PUT(&body, version, "PRIV", 0, "owner\0\xff\x00\xff");
        PUT(&body, version, "APIC", 0, "\0image/png\0\x03\0\x89PNG\r\n\x1a\n");
        PUT(&body, version, "TXXX", 0, "\x01\xff\xfe" "d\0\0\0\xff\xfe" "v\0");
        PUT(&body, version, "GRP1", version == 3 ? 0x0020 : 0x0040, "\x09\0group");
        ct_buf_put(&owned, body.data, body.len);
        put_chap(&owned, version, "old", 0, 100, "old chapter");
        ct_id3_tag *tag = parse_body(version, 0, &owned, 64);
        ct_buf out = render(tag, NULL, version, CHAPTAG_TIME_NONE, NULL, NULL);
        assert_bytes_equal(out.data, out.len, body.data, body.len); /* and CHAP removed */
        ct_buf_free(&out);
        ct_id3v2_tag_free(tag);
        ct_buf_free(&body);
        ct_buf_free(&owned);
    }
}

static void id3v2_replaces_old_chapters_and_adds_tlen_once(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    PUT(&body, 3, "TIT2", 0, "\0Episode");
    put_chap(&body, 3, "ch0", 0, 5000, "Old");
    static const char *const kids[] = {"ch0"};
    put_ctoc(&body, 3, "toc", 3, kids, 1);
    ct_id3_tag *old = parse_body(3, 0, &body, 0);
    chaptag_chapters *list = chaptag_chapters_new();
    add(list, 0, "New one", 1);
    add(list, 30000, "New two", 2);
    for (int version = 3; version <= 4; version++) {
        ct_buf desc = CT_BUF_INIT;
        ct_buf first = render(old, list, version, 90000, &desc, NULL);
        assert_non_null(strstr((const char *)desc.data, "removed 2 old CHAP/CTOC frames\n"));
        ct_id3_tag *tag = reparse(version, &first);
        size_t tlen = 0, chaps = 0;
        for (size_t i = 0; i < tag->n_frames; i++) {
            tlen += strcmp(tag->frames[i].id, "TLEN") == 0;
            chaps += strcmp(tag->frames[i].id, "CHAP") == 0;
        }
        assert_int_equal(tlen, 1);
        assert_int_equal(chaps, 2);
        const ct_id3_frame *f = find_frame(tag, "TLEN");
        assert_bytes_equal(f->body, f->len, "\0" "90000", 6); /* ms, ISO-8859-1 */
        chaptag_chapters *back = chapters_of(tag);
        assert_int_equal(chaptag_chapters_count(back), 2);
        assert_string_equal(chaptag_chapters_get(back, 0)->title, "New one");
        chaptag_chapters_free(back);

        /* embedding the same chapters again gives the same bytes: TLEN is not added twice */
        ct_buf second = render(tag, list, version, 90000, NULL, NULL);
        assert_bytes_equal(second.data, second.len, first.data, first.len);
        ct_buf_free(&second);
        ct_id3v2_tag_free(tag);
        ct_buf_free(&first);
        ct_buf_free(&desc);
    }
    /* strip: no list, no TLEN, no chapters */
    ct_buf stripped = render(old, NULL, 3, 90000, NULL, NULL);
    assert_bytes_equal(stripped.data, stripped.len, body.data, 18);
    ct_buf_free(&stripped);
    chaptag_chapters_free(list);
    ct_id3v2_tag_free(old);
    ct_buf_free(&body);
}

/* Checks the CTOC tree of TAG: every count byte is the number of children listed (never a
   wrapped count), only "toc" is top-level, and each chapter 0..N-1 is reached once. */
static void assert_toc_tree_lists_each_chapter_once(const ct_id3_tag *tag, size_t n)
{
    unsigned char *seen = calloc(n, 1);
    assert_non_null(seen);
    const char *queue[1024];
    size_t head = 0, tail = 0, tops = 0;
    queue[tail++] = "toc";
    while (head < tail) {
        const char *want = queue[head++];
        const ct_id3_frame *f = NULL;
        for (size_t i = 0; i < tag->n_frames && f == NULL; i++)
            if (strcmp(tag->frames[i].id, "CTOC") == 0 &&
                strcmp((const char *)tag->frames[i].body, want) == 0)
                f = &tag->frames[i];
        assert_non_null(f);
        const uint8_t *p = f->body + strlen(want) + 1, *end = f->body + f->len;
        tops += (p[0] & 0x02) != 0;
        assert_true(p[0] & 0x01); /* ordered */
        unsigned count = p[1];
        p += 2;
        for (unsigned k = 0; k < count; k++) {
            const char *kid = (const char *)p;
            p += strlen(kid) + 1;
            assert_true(p <= end);
            if (strncmp(kid, "chp", 3) == 0) {
                size_t idx = strtoul(kid + 3, NULL, 10);
                assert_true(idx < n);
                seen[idx]++;
            } else {
                assert_true(tail < 1024);
                queue[tail++] = kid;
            }
        }
        assert_memory_equal(p, "TIT2", 4); /* the count matched the children */
    }
    assert_int_equal(tops, 1);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(seen[i], 1);
    free(seen);
}

/* Renders N chapters as VERSION, checks the CTOC tree, and reads them all back visible. */
static void check_many_chapters(size_t n, int version)
{
    chaptag_chapters *list = chaptag_chapters_new();
    char title[32];
    for (size_t i = 0; i < n; i++) {
        snprintf(title, sizeof title, "Chapter %zu", i + 1);
        add(list, i * 1000, title, (unsigned)i + 1);
    }
    ct_warnings w = {0};
    ct_buf out = render(NULL, list, version, n * 1000 + 1000, NULL, &w);
    ct_warnings_clear(&w);
    ct_id3_tag *tag = reparse(version, &out);
    assert_toc_tree_lists_each_chapter_once(tag, n);
    chaptag_chapters *back = chapters_of(tag);
    assert_int_equal(chaptag_chapters_count(back), n);
    for (size_t i = 0; i < n; i++) {
        const chaptag_chapter *c = chaptag_chapters_get(back, i);
        assert_int_equal(c->hidden, 0);
        assert_int_equal(c->start_ms, i * 1000);
    }
    assert_string_equal(chaptag_chapters_get(back, n - 1)->title,
                        chaptag_chapters_get(list, n - 1)->title);
    chaptag_chapters_free(back);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&out);
    chaptag_chapters_free(list);
}

static void id3v2_nests_ctocs_past_255_chapters(void **state)
{
    (void)state;
    check_many_chapters(255, 3);
    check_many_chapters(256, 3);
    check_many_chapters(256, 4);

    chaptag_chapters *list = chaptag_chapters_new();
    for (size_t i = 0; i < 256; i++)
        add(list, i * 10, "x", 1);
    ct_buf desc = CT_BUF_INIT;
    ct_buf out = render(NULL, list, 3, 5000, &desc, NULL);
    static const uint8_t want[] = {
        'C', 'T', 'O', 'C', 0, 0, 0, 0x23, 0, 0, /* size 35 */
        't', 'o', 'c', 0,                        /* element ID */
        0x03,                                    /* top-level, ordered */
        2,                                       /* two sub-CTOCs */
        't', 'o', 'c', '0', 0,                   /* chapters 1-255 */
        't', 'o', 'c', '1', 0,                   /* chapter 256 */
    };
    assert_bytes_equal(out.data + 15, sizeof want, want, sizeof want);
    assert_non_null(strstr((const char *)desc.data,
                           "CTOC toc1: ordered, 1 entry, TIT2 \"Chapters 256-256\""));
    ct_buf_free(&desc);
    ct_buf_free(&out);
    chaptag_chapters_free(list);
}

static void id3v2_nests_ctocs_for_70000_chapters(void **state)
{
    (void)state;
    check_many_chapters(70000, 3);
}

static void id3v2_describes_every_frame_it_writes(void **state)
{
    (void)state;
    ct_buf body = CT_BUF_INIT;
    PUT(&body, 3, "TIT2", 0, "\0Episode 1");
    ct_id3_tag *tag = parse_body(3, 0, &body, 0);
    chaptag_chapters *list = chaptag_chapters_new();
    add(list, 74000, "Episode Introduction", 1);
    add(list, 120000, "A title long enough to be cut in the plan, which is one line only", 2);
    ct_buf desc = CT_BUF_INIT;
    ct_buf out = render(tag, list, 3, 200500, &desc, NULL);
    ct_buf_put_u8(&desc, 0);
    assert_string_equal((const char *)desc.data,
                        "kept TIT2 (10 bytes)\n"
                        "added TLEN 200500 ms (7 bytes)\n"
                        "CTOC toc: top-level, ordered, 2 entries, TIT2 \"Chapters\" (35 bytes)\n"
                        "CHAP chp0: 00:01:14 - 00:02:00 \"Episode Introduction\" (52 bytes)\n"
                        "CHAP chp1: 00:02:00 - 00:03:20.500 \"A title long enough to be cut "
                        "in the plan, which is one line...\" (97 bytes)\n");
    ct_buf_free(&desc);
    ct_buf_free(&out);
    chaptag_chapters_free(list);
    ct_id3v2_tag_free(tag);
    ct_buf_free(&body);
}

static void id3v2_rejects_times_a_chap_cannot_hold(void **state)
{
    (void)state;
    chaptag_chapters *late = chaptag_chapters_new(), *open = chaptag_chapters_new();
    add(late, 0xffffffffull, "late", 5);
    add(open, 0, "no end", 9);
    ct_id3_render_opts opts = {3, "Chapters", CHAPTAG_TIME_NONE};
    ct_buf out = CT_BUF_INIT;
    ct_buf_put_str(&out, "kept");
    chaptag_error err;
    assert_int_equal(ct_id3v2_render_frames(NULL, late, &opts, &out, NULL, NULL, &err),
                     CHAPTAG_ERR_INPUT);
    assert_int_equal(err.line, 5);
    assert_int_equal(ct_id3v2_render_frames(NULL, open, &opts, &out, NULL, NULL, &err),
                     CHAPTAG_ERR_INPUT);
    assert_int_equal(err.line, 9);
    assert_non_null(strstr(err.msg, "no end"));
    assert_int_equal(out.len, 4); /* nothing half-rendered left behind */
    opts.version = 2;
    assert_int_equal(ct_id3v2_render_frames(NULL, open, &opts, &out, NULL, NULL, &err),
                     CHAPTAG_ERR_INPUT);
    ct_buf_free(&out);
    chaptag_chapters_free(late);
    chaptag_chapters_free(open);
}

/* Runs STEP with the Nth allocation failing, for N upward until it succeeds; every failure
   must be CHAPTAG_ERR_NOMEM (leaks show under the sanitizer build). */
static void fail_each_allocation(chaptag_status (*step)(const uint8_t *, size_t),
                                 const uint8_t *data, size_t len)
{
    for (unsigned long n = 1;; n++) {
        ct_alloc_fail_at(n);
        chaptag_status st = step(data, len);
        ct_alloc_fail_at(0);
        if (st == CHAPTAG_OK)
            return;
        assert_int_equal(st, CHAPTAG_ERR_NOMEM);
    }
}

/* Parse, chapters and render of DATA; the first failure's status. */
static chaptag_status full_cycle(const uint8_t *data, size_t len)
{
    ct_id3_tag *tag = NULL;
    chaptag_chapters *list = NULL;
    ct_buf out = CT_BUF_INIT, desc = CT_BUF_INIT;
    ct_warnings w = {0};
    chaptag_error err;
    chaptag_status st = ct_id3v2_parse(data, len, &tag, &err);
    if (st == CHAPTAG_OK) {
        list = chaptag_chapters_new();
        st = list ? ct_id3v2_chapters(tag, list, &err) : CHAPTAG_ERR_NOMEM;
    }
    for (int v = 3; v <= 4 && st == CHAPTAG_OK; v++) {
        ct_id3_render_opts opts = {v, "Chapters", 100000};
        out.len = 0;
        st = ct_id3v2_render_frames(tag, list, &opts, &out, &desc, &w, &err);
        if (st == CHAPTAG_OK && !ct_buf_ok(&desc))
            st = CHAPTAG_ERR_NOMEM;
    }
    ct_warnings_clear(&w);
    ct_buf_free(&out);
    ct_buf_free(&desc);
    chaptag_chapters_free(list);
    ct_id3v2_tag_free(tag);
    return st;
}

static void id3v2_fails_cleanly_when_memory_runs_out(void **state)
{
    (void)state;
    for (int version = 3; version <= 4; version++) {
        size_t len;
        uint8_t *data = rich_tag(version, &len);
        fail_each_allocation(full_cycle, data, len);
        free(data);
    }
    ct_buf body = CT_BUF_INIT;
    PUT(&body, 2, "TT2", 0, "\0Song");
    PUT(&body, 2, "PIC", 0, "\0PNG\x03\0\x89PNG");
    PUT(&body, 2, "TYE", 0, "\0" "1999");
    size_t len;
    uint8_t *v22 = make_tag(2, 0, &body, 0, &len);
    fail_each_allocation(full_cycle, v22, len);
    free(v22);
    ct_buf_free(&body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(id3v2_tag_size_follows_ffmpegs_match_rule),
        cmocka_unit_test(id3v2_renders_a_header_with_a_sync_safe_size),
        cmocka_unit_test(id3v2_rejects_a_damaged_header),
        cmocka_unit_test(id3v2_reads_a_v23_tag_and_records_its_shape),
        cmocka_unit_test(id3v2_reads_a_v22_tag_and_upgrades_its_frames),
        cmocka_unit_test(id3v2_decodes_v23_whole_tag_unsynchronisation_before_reading_frames),
        cmocka_unit_test(id3v2_undoes_v24_per_frame_unsynchronisation),
        cmocka_unit_test(id3v2_undoes_unsynchronisation_of_every_frame_when_the_v24_header_says_so),
        cmocka_unit_test(id3v2_skips_v23_and_v24_extended_headers),
        cmocka_unit_test(id3v2_ignores_an_extended_header_flag_when_a_frame_follows),
        cmocka_unit_test(id3v2_reads_a_v24_tag_with_a_footer_and_the_tag_stacked_after_it),
        cmocka_unit_test(id3v2_keeps_the_first_stacked_tags_frame_of_a_kind_and_warns_of_the_rest),
        cmocka_unit_test(id3v2_leaves_repeats_within_one_tag_as_they_are),
        cmocka_unit_test(id3v2_stops_at_padding_and_counts_it),
        cmocka_unit_test(id3v2_reads_itunes_plain_sizes_in_v24_frames),
        cmocka_unit_test(id3v2_reads_a_v24_chap_written_the_way_ffmpeg_51_writes_it),
        cmocka_unit_test(id3v2_reads_plain_sub_frame_sizes_inside_a_v24_chap),
        cmocka_unit_test(id3v2_warns_and_stops_at_a_frame_that_runs_past_the_tag),
        cmocka_unit_test(id3v2_drops_an_empty_frame_with_a_warning_and_reads_on),
        cmocka_unit_test(id3v2_warns_about_garbage_where_a_frame_should_be),
        cmocka_unit_test(id3v2_walk_steps_over_frames_and_says_why_the_frames_end),
        cmocka_unit_test(id3v2_chap_and_ctoc_parsers_read_the_fixed_fields_and_refuse_cut_bodies),
        cmocka_unit_test(id3v2_survives_every_truncation_and_byte_change_of_a_tag),
        cmocka_unit_test(id3v2_reads_chapters_with_title_url_and_image),
        cmocka_unit_test(id3v2_takes_the_title_from_tit3_when_there_is_no_tit2),
        cmocka_unit_test(id3v2_marks_chapters_no_top_level_ctoc_reaches_as_hidden),
        cmocka_unit_test(id3v2_reads_unlisted_ctocs_as_roots_when_none_is_top_level),
        cmocka_unit_test(id3v2_sorts_chapters_by_start_time),
        cmocka_unit_test(id3v2_warns_about_duplicate_ids_and_short_chaps),
        cmocka_unit_test(id3v2_text_reads_the_first_value_in_any_encoding),
        cmocka_unit_test(id3v2_renders_the_reference_worked_example_shape),
        cmocka_unit_test(id3v2_writes_non_ascii_titles_as_utf16_in_v23_and_utf8_in_v24),
        cmocka_unit_test(id3v2_writes_sync_safe_sizes_at_every_level_in_v24_and_warns_at_128),
        cmocka_unit_test(id3v2_leaves_hidden_chapters_out_of_the_ctoc),
        cmocka_unit_test(id3v2_round_trips_chapters_through_render_and_parse),
        cmocka_unit_test(id3v2_percent_encodes_url_characters_past_latin1),
        cmocka_unit_test(id3v2_writes_chapter_images_as_apic),
        cmocka_unit_test(id3v2_writes_a_picture_given_as_a_url_as_a_linked_apic),
        cmocka_unit_test(id3v2_refuses_a_picture_link_it_cannot_write_naming_the_line),
        cmocka_unit_test(id3v2_converts_a_v24_tag_to_v23),
        cmocka_unit_test(id3v2_converts_a_v23_tag_to_v24),
        cmocka_unit_test(id3v2_never_writes_an_empty_frame_when_converting),
        cmocka_unit_test(id3v2_keeps_frames_it_does_not_own_byte_for_byte),
        cmocka_unit_test(id3v2_replaces_old_chapters_and_adds_tlen_once),
        cmocka_unit_test(id3v2_nests_ctocs_past_255_chapters),
        cmocka_unit_test(id3v2_nests_ctocs_for_70000_chapters),
        cmocka_unit_test(id3v2_describes_every_frame_it_writes),
        cmocka_unit_test(id3v2_rejects_times_a_chap_cannot_hold),
        cmocka_unit_test(id3v2_fails_cleanly_when_memory_runs_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
