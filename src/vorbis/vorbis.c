/* Vorbis comments (Vorbis I spec §5, RFC 7845 §5.2, FLAC format VORBIS_COMMENT) and the Xiph
   chapter extension (CHAPTERnnn, CHAPTERnnnNAME, CHAPTERnnnURL), as FFmpeg and AntennaPod read
   it. Comments chaptag does not own are kept byte for byte and in order. */
#include "vorbis.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

/* A list of more comments than this is no comment list but damage. */
#define COMMENTS_MAX 1000000u

void ct_vorbis_free(ct_vorbis_comments *vc)
{
    if (vc == NULL)
        return;
    for (size_t i = 0; i < vc->n; i++)
        free(vc->v[i].p);
    free(vc->v);
    free(vc->vendor);
    memset(vc, 0, sizeof *vc);
}

/* Appends a copy of N bytes at P to VC. */
static bool add_comment(ct_vorbis_comments *vc, const void *p, size_t n)
{
    ct_vorbis_comment *v = ct_grow(vc->v, vc->n, &vc->cap, sizeof *v);
    if (v == NULL)
        return false;
    vc->v = v; /* at once: the old array may be gone even if the copy below fails */
    uint8_t *copy = ct_malloc(n ? n : 1);
    if (copy == NULL)
        return false;
    if (n > 0)
        memcpy(copy, p, n);
    vc->v[vc->n++] = (ct_vorbis_comment){copy, n};
    return true;
}

chaptag_status ct_vorbis_parse(const uint8_t *p, size_t len, ct_vorbis_comments *out,
                               size_t *used, chaptag_error *err)
{
    ct_vorbis_comments vc;
    memset(&vc, 0, sizeof vc);
    size_t at = 4;
    uint32_t vendor = len >= 4 ? ct_load_u32le(p) : 0;
    chaptag_status st = CHAPTAG_OK;
    if (len < 8 || vendor > len - 8)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the comment header is cut short");
    vc.vendor = ct_malloc(vendor ? vendor : 1);
    if (vc.vendor == NULL)
        return ct_fail_nomem(err);
    memcpy(vc.vendor, p + at, vendor);
    vc.vendor_len = vendor;
    at += vendor;
    uint32_t count = ct_load_u32le(p + at);
    at += 4;
    if (count > COMMENTS_MAX || count > (len - at) / 4)
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the comment header counts %" PRIu32
                     " comments, more than it holds", count);
    for (uint32_t i = 0; i < count && st == CHAPTAG_OK; i++) {
        uint32_t n = len - at >= 4 ? ct_load_u32le(p + at) : UINT32_MAX;
        if (len - at < 4 || n > len - at - 4)
            st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "comment %" PRIu32 " runs past its header",
                         i + 1);
        else if (!add_comment(&vc, p + at + 4, n))
            st = ct_fail_nomem(err);
        else
            at += 4 + (size_t)n;
    }
    if (st != CHAPTAG_OK) {
        ct_vorbis_free(&vc);
        return st;
    }
    *out = vc;
    *used = at;
    return CHAPTAG_OK;
}

void ct_vorbis_render(const ct_vorbis_comments *vc, ct_buf *out)
{
    ct_buf_put_u32le(out, (uint32_t)vc->vendor_len);
    ct_buf_put(out, vc->vendor, vc->vendor_len);
    ct_buf_put_u32le(out, (uint32_t)vc->n);
    for (size_t i = 0; i < vc->n; i++) {
        ct_buf_put_u32le(out, (uint32_t)vc->v[i].n);
        ct_buf_put(out, vc->v[i].p, vc->v[i].n);
    }
}

/* ---- chapter keys ---------------------------------------------------------------------- */

enum { KEY_TIME, KEY_NAME, KEY_URL };

/* One CHAPTER comment: its number, what it holds, its value, its place in the list. */
typedef struct {
    uint64_t num;
    int kind;
    const char *value;
    size_t len;
    size_t index;
} chapter_key;

/* True when comment C is a chapter key; *K says which. CHAPTERnnnSOMETHING (another suffix)
   is not one: it is kept as any other comment. */
static bool parse_key(const ct_vorbis_comment *c, size_t index, chapter_key *k)
{
    const char *s = (const char *)c->p, *eq = memchr(s, '=', c->n);
    size_t key = eq ? (size_t)(eq - s) : 0, i = 7;
    if (key < 8 || strncasecmp(s, "CHAPTER", 7) != 0 || s[7] < '0' || s[7] > '9')
        return false;
    uint64_t num = 0;
    for (; i < key && s[i] >= '0' && s[i] <= '9' && i < 7 + 9; i++)
        num = num * 10 + (uint64_t)(s[i] - '0');
    size_t rest = key - i;
    int kind = rest == 0                                          ? KEY_TIME
               : rest == 4 && strncasecmp(s + i, "NAME", 4) == 0 ? KEY_NAME
               : rest == 3 && strncasecmp(s + i, "URL", 3) == 0  ? KEY_URL
                                                                  : -1;
    if (kind < 0)
        return false;
    *k = (chapter_key){num, kind, eq + 1, c->n - key - 1, index};
    return true;
}

/* VC's chapter keys, in file order; *N is their count. New (free() it). */
static chapter_key *chapter_keys(const ct_vorbis_comments *vc, size_t *n)
{
    chapter_key *k = ct_malloc((vc->n ? vc->n : 1) * sizeof *k);
    *n = 0;
    for (size_t i = 0; k != NULL && i < vc->n; i++)
        *n += parse_key(&vc->v[i], i, &k[*n]);
    return k;
}

static int by_number(const void *a, const void *b)
{
    const chapter_key *x = a, *y = b;
    if (x->num != y->num)
        return x->num < y->num ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

bool ct_vorbis_has_chapters(const ct_vorbis_comments *vc)
{
    chapter_key k;
    for (size_t i = 0; i < vc->n; i++)
        if (parse_key(&vc->v[i], i, &k))
            return true;
    return false;
}

/* VALUE (N bytes) as a one-line UTF-8 string in OUT, NUL-terminated. */
static void one_line(const char *value, size_t n, ct_buf *out)
{
    ct_buf raw = CT_BUF_INIT;
    if (ct_utf8_valid(value, n))
        ct_buf_put(&raw, value, n);
    else
        ct_cp1252_to_utf8(value, n, &raw);
    ct_title_clean(raw.data ? (const char *)raw.data : "", raw.len, out);
    ct_buf_put_u8(out, 0);
    ct_buf_free(&raw);
}

/* Adds the chapter of the keys K[0..N) (one number) to LIST; a number without a valid time
   is a warning. */
static chaptag_status add_chapter(const chapter_key *k, size_t n, chaptag_chapters *list,
                                  chaptag_error *err)
{
    const chapter_key *t = NULL, *name = NULL, *url = NULL;
    for (size_t i = 0; i < n; i++) {
        const chapter_key **slot = k[i].kind == KEY_TIME ? &t : k[i].kind == KEY_NAME ? &name : &url;
        if (*slot == NULL)
            *slot = &k[i];
    }
    chaptag_chapter ch = {0};
    if (t == NULL || !ct_time_parse(t->value, t->len, &ch.start_ms)) {
        ct_warn(ct_chapters_warnings(list), 0, "the comment CHAPTER%03" PRIu64 " has %s; its "
                "chapter is left out", k[0].num, t == NULL ? "a name but no time" : "no valid time");
        return CHAPTAG_OK;
    }
    ct_buf title = CT_BUF_INIT, link = CT_BUF_INIT;
    one_line(name ? name->value : "", name ? name->len : 0, &title);
    if (url != NULL)
        one_line(url->value, url->len, &link);
    ch.end_ms = CHAPTAG_TIME_NONE;
    ch.title = (const char *)title.data;
    ch.url = url && link.len > 1 ? (const char *)link.data : NULL;
    chaptag_status st = ct_buf_ok(&title) && ct_buf_ok(&link)
                            ? chaptag_chapters_add(list, &ch, err) : ct_fail_nomem(err);
    ct_buf_free(&title);
    ct_buf_free(&link);
    return st;
}

chaptag_status ct_vorbis_chapters(const ct_vorbis_comments *vc, chaptag_chapters *list,
                                  chaptag_error *err)
{
    size_t n;
    chapter_key *k = chapter_keys(vc, &n);
    if (k == NULL)
        return ct_fail_nomem(err);
    qsort(k, n, sizeof *k, by_number);
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0, j; i < n && st == CHAPTAG_OK; i = j) {
        for (j = i + 1; j < n && k[j].num == k[i].num;)
            j++;
        st = add_chapter(k + i, j - i, list, err);
    }
    free(k);
    return st;
}

/* Appends "PREFIX" + NUM (WIDTH digits) + SUFFIX + "=" + VALUE as a comment to VC. */
static bool put_key(ct_vorbis_comments *vc, size_t num, int width, const char *suffix,
                    const char *value)
{
    ct_buf b = CT_BUF_INIT;
    ct_buf_printf(&b, "CHAPTER%0*zu%s=%s", width, num, suffix, value);
    bool ok = ct_buf_ok(&b) && add_comment(vc, b.data, b.len);
    ct_buf_free(&b);
    return ok;
}

/* Appends LIST's chapters as keys to VC. */
static bool put_chapters(ct_vorbis_comments *vc, const chaptag_chapters *list)
{
    size_t n = chaptag_chapters_count(list);
    int width = 3;
    for (size_t v = n; v > 999; v /= 10)
        width++;
    bool ok = true;
    char t[CT_TIME_STR_MAX];
    for (size_t i = 0; i < n && ok; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        ok = put_key(vc, i + 1, width, "", ct_time_str_ms(ch->start_ms, t)) &&
             put_key(vc, i + 1, width, "NAME", ch->title) &&
             (ch->url == NULL || put_key(vc, i + 1, width, "URL", ch->url));
    }
    return ok;
}

chaptag_status ct_vorbis_set_chapters(ct_vorbis_comments *vc, const chaptag_chapters *list,
                                      chaptag_error *err)
{
    ct_vorbis_comments out;
    memset(&out, 0, sizeof out);
    out.vendor = vc->vendor;
    out.vendor_len = vc->vendor_len;
    bool ok = true, placed = list == NULL;
    chapter_key k;
    for (size_t i = 0; i < vc->n && ok; i++) {
        if (!parse_key(&vc->v[i], i, &k)) {
            ok = add_comment(&out, vc->v[i].p, vc->v[i].n);
            continue;
        }
        if (!placed) /* the new keys stand where the old ones began */
            ok = put_chapters(&out, list);
        placed = true;
    }
    ok = ok && (placed || put_chapters(&out, list));
    out.vendor = NULL;
    if (!ok) {
        ct_vorbis_free(&out);
        return ct_fail_nomem(err);
    }
    for (size_t i = 0; i < vc->n; i++)
        free(vc->v[i].p);
    free(vc->v);
    vc->v = out.v;
    vc->n = out.n;
    vc->cap = out.cap;
    return CHAPTAG_OK;
}

/* ---- lint -------------------------------------------------------------------------------- */

void ct_vorbis_lint(const ct_vorbis_comments *vc, uint64_t duration_ms, ct_findings *out)
{
    size_t n;
    chapter_key *k = chapter_keys(vc, &n);
    if (k == NULL) {
        out->failed = true;
        return;
    }
    for (size_t i = 1; i < n; i++)
        if (k[i].num < k[i - 1].num) {
            ct_find(out, CHAPTAG_WARNING, "keys-out-of-order", "readers that take keys in file "
                    "order show the chapters shuffled", "CHAPTER%03" PRIu64 " comes after "
                    "CHAPTER%03" PRIu64, k[i].num, k[i - 1].num);
            break;
        }
    qsort(k, n, sizeof *k, by_number);
    uint64_t expect = n ? k[0].num : 0, last_start = 0;
    bool first = true;
    for (size_t i = 0, j; i < n; i = j) {
        int seen[3] = {0, 0, 0};
        for (j = i; j < n && k[j].num == k[i].num; j++)
            seen[k[j].kind]++;
        if (k[i].num != expect)
            ct_find(out, CHAPTAG_WARNING, "key-gap", "AntennaPod stops reading at a gap in the "
                    "numbering", "the chapter keys jump from %" PRIu64 " to %" PRIu64,
                    expect - 1, k[i].num);
        if (seen[KEY_TIME] > 1 || seen[KEY_NAME] > 1 || seen[KEY_URL] > 1)
            ct_find(out, CHAPTAG_ERROR, "duplicate-key", "readers keep one of them, not always "
                    "the same", "CHAPTER%03" PRIu64 " is given twice", k[i].num);
        if (seen[KEY_NAME] == 0 && seen[KEY_TIME] > 0)
            ct_find(out, CHAPTAG_WARNING, "untitled", "players show a bare time",
                    "CHAPTER%03" PRIu64 " has no CHAPTER%03" PRIu64 "NAME", k[i].num, k[i].num);
        uint64_t start;
        for (size_t x = i; x < j; x++)
            if (k[x].kind == KEY_TIME && ct_time_parse(k[x].value, k[x].len, &start)) {
                if (!first && start <= last_start)
                    ct_find(out, CHAPTAG_ERROR, "out-of-order", "players sort or drop them "
                            "differently", "CHAPTER%03" PRIu64 " does not start after the "
                            "chapter before it", k[x].num);
                if (duration_ms != CHAPTAG_TIME_NONE && start >= duration_ms)
                    ct_find(out, CHAPTAG_ERROR, "past-end", "players cannot seek there",
                            "CHAPTER%03" PRIu64 " starts past the end of the audio", k[x].num);
                last_start = start;
                first = false;
                break;
            }
        expect = k[i].num + 1;
    }
    free(k);
}
