/* verify's checks of ID3v2 chapters against what players are known to read (ID3v2 Chapter
   Frame Addendum 1.0 and the field reports in reference/id3v2.md §9): a CTOC that is
   missing, not top-level, unordered or with a wrapped count; CHAPs no CTOC lists; v2.4
   frames of 128 bytes or more and sizes that are not sync-safe; TLEN against the audio. */
#include "id3lint.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first size whose sync-safe and plain encodings differ. */
#define TRAP_SIZE 128
/* A TLEN this far from the measured duration is wrong, not rounding. */
#define TLEN_SLACK_MS 1000

/* One CHAP or CTOC, as the lint needs it. */
typedef struct {
    char eid[64];
    bool is_toc;
    uint8_t flags;
    unsigned count;     /* CTOC: the count byte */
    char **children;    /* CTOC: the IDs it lists (count of them) */
    size_t n_children;
    bool extra_ids;     /* CTOC: more IDs after the count: a wrapped count byte */
    uint32_t start_ms;  /* CHAP */
    bool listed;        /* CHAP: some CTOC lists it */
    bool walked;        /* CTOC: its children marked already (a cycle ends here) */
} element;

typedef struct {
    element *v;
    size_t n, cap;
    size_t *by_id; /* indices of the first N_INDEXED of V sorted by ID, for find() */
    size_t n_indexed;
} elements;

static void elements_free(elements *e)
{
    free(e->by_id);
    for (size_t i = 0; i < e->n; i++) {
        for (size_t k = 0; k < e->v[i].n_children; k++)
            free(e->v[i].children[k]);
        free(e->v[i].children);
    }
    free(e->v);
}

static element *new_element(elements *e)
{
    element *v = ct_grow(e->v, e->n, &e->cap, sizeof *v);
    if (v == NULL)
        return NULL;
    e->v = v;
    element *x = &e->v[e->n++];
    memset(x, 0, sizeof *x);
    return x;
}

/* Copies the element ID at ID (N bytes) into OUT, cut to fit its MAX bytes. */
static void copy_id(char *out, size_t max, const char *id, size_t n)
{
    size_t k = n < max - 1 ? n : max - 1;
    memcpy(out, id, k);
    out[k] = '\0';
}

/* Checks the sub-frames of a CHAP/CTOC: TIT2 first in a CHAP, and the v2.4 traps. */
static chaptag_status lint_subframes(const ct_id3_frame *f, const uint8_t *p, size_t len,
                                     const char *owner, bool chap, ct_findings *out,
                                     chaptag_error *err)
{
    ct_id3_frame *sub;
    size_t n;
    chaptag_status st = ct_id3v2_subframes(p, len, f->version, &sub, &n, NULL, err);
    if (st != CHAPTAG_OK)
        return st;
    if (chap && n > 0 && strcmp(sub[0].id, "TIT2") != 0)
        ct_find(out, CHAPTAG_WARNING, "title-not-first", "TagLib stops reading a chapter at the "
                "first sub-frame it does not know, so the title belongs first",
                "%s has %s before its TIT2", owner, sub[0].id);
    for (size_t i = 0; i < n && f->version == 4; i++) {
        if (sub[i].plain_size)
            ct_find(out, CHAPTAG_ERROR, "v24-plain-size", "ID3v2.4 sizes are sync-safe; readers "
                    "that follow the spec misread the frames after it", "the %s inside %s has a "
                    "plain, not sync-safe, size", sub[i].id, owner);
        if (sub[i].len >= TRAP_SIZE)
            ct_find(out, CHAPTAG_ERROR, "v24-size-trap", "FFmpeg 5.1 reads sub-frame sizes in "
                    "ID3v2.4 chapters as plain integers and drops the chapter; ID3v2.3 avoids it",
                    "the %s inside %s is %zu bytes (128 or more) in an ID3v2.4 tag", sub[i].id,
                    owner, sub[i].len);
    }
    ct_id3v2_frames_free(sub, n);
    return CHAPTAG_OK;
}

/* Reads CHAP frame F into a new element and checks its sub-frames. */
static chaptag_status read_chap(const ct_id3_frame *f, elements *e, ct_findings *out,
                                chaptag_error *err)
{
    ct_id3_chap chap;
    element *x = new_element(e);
    if (x == NULL)
        return ct_fail_nomem(err);
    if (!ct_id3v2_chap_parse(f->body, f->len, &chap)) {
        e->n--;
        ct_find(out, CHAPTAG_ERROR, "chap-damaged", "readers skip it", "a CHAP frame is "
                "shorter than the 18 bytes the addendum requires");
        return CHAPTAG_OK;
    }
    copy_id(x->eid, sizeof x->eid, chap.eid, chap.eid_len);
    x->start_ms = chap.start_ms;
    char owner[80];
    snprintf(owner, sizeof owner, "CHAP %.40s", x->eid);
    return lint_subframes(f, chap.frames, chap.frames_len, owner, true, out, err);
}

static element *find(elements *e, const char *id);

/* True when what follows the children TOC has read begins with a NUL-terminated string that
   is an element ID of E: what follows a CTOC's last counted child when its count byte wrapped
   past 255. */
static bool names_an_element(const ct_id3_ctoc *toc, elements *e)
{
    ct_id3_ctoc copy = *toc;
    size_t n;
    const char *next = ct_id3v2_ctoc_child(&copy, &n);
    if (next == NULL)
        return false;
    char id[64];
    copy_id(id, sizeof id, next, n);
    const element *x = find(e, id);
    return x != NULL && !x->is_toc;
}

/* Reads the children TOC announces into X, each cut as element IDs are; false when memory
   runs out. */
static bool read_children(ct_id3_ctoc *toc, element *x)
{
    const char *id;
    size_t n;
    while (x->n_children < x->count && (id = ct_id3v2_ctoc_child(toc, &n)) != NULL) {
        x->children[x->n_children] = ct_strndup(id, n < 63 ? n : 63);
        if (x->children[x->n_children] == NULL)
            return false;
        x->n_children++;
    }
    return true;
}

/* Reads CTOC frame F: ID, flags, the children its count byte announces. CHAPs come first in
   the pass (see ct_id3v2_lint), so a wrapped count is recognised by the IDs after it. */
static chaptag_status read_ctoc(const ct_id3_frame *f, elements *e, ct_findings *out,
                                chaptag_error *err)
{
    ct_id3_ctoc toc;
    element x;
    memset(&x, 0, sizeof x);
    x.is_toc = true;
    if (!ct_id3v2_ctoc_parse(f->body, f->len, &toc)) {
        ct_find(out, CHAPTAG_ERROR, "ctoc-damaged", "readers skip it", "a CTOC frame is cut "
                "short");
        return CHAPTAG_OK;
    }
    copy_id(x.eid, sizeof x.eid, toc.eid, toc.eid_len);
    x.flags = toc.flags;
    x.count = toc.count;
    x.children = ct_calloc(x.count ? x.count : 1, sizeof *x.children);
    if (x.children == NULL)
        return ct_fail_nomem(err);
    bool nomem = !read_children(&toc, &x);
    if (!nomem && x.n_children < x.count)
        ct_find(out, CHAPTAG_ERROR, "ctoc-damaged", "readers stop at the end of the frame",
                "CTOC %.40s says %u entries but holds %zu", x.eid, x.count, x.n_children);
    x.extra_ids = names_an_element(&toc, e);
    element *slot = nomem ? NULL : new_element(e);
    if (slot == NULL) {
        for (size_t k = 0; k < x.n_children; k++)
            free(x.children[k]);
        free(x.children);
        return ct_fail_nomem(err);
    }
    *slot = x;
    char owner[80];
    snprintf(owner, sizeof owner, "CTOC %.40s", x.eid);
    return x.extra_ids ? CHAPTAG_OK
                       : lint_subframes(f, toc.rest.p + toc.rest.pos, ct_reader_left(&toc.rest),
                                        owner, false, out, err);
}

/* An element's ID beside its index: sorted by qsort without a global for its comparator
   (verify may run in several threads at once). */
typedef struct {
    const char *eid;
    size_t index;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    return strcmp(((const keyed *)a)->eid, ((const keyed *)b)->eid);
}

/* Sorts E's elements by ID: a tag of 10,000 chapters is looked up in it 10,000 times. */
static bool index_elements(elements *e)
{
    e->by_id = ct_malloc(e->n * sizeof *e->by_id);
    keyed *k = ct_malloc(e->n * sizeof *k);
    if (e->by_id == NULL || k == NULL) {
        free(k);
        return false;
    }
    for (size_t i = 0; i < e->n; i++)
        k[i] = (keyed){e->v[i].eid, i};
    qsort(k, e->n, sizeof *k, cmp_keyed);
    for (size_t i = 0; i < e->n; i++)
        e->by_id[i] = k[i].index;
    free(k);
    e->n_indexed = e->n; /* elements added later are not in it until it is made again */
    return true;
}

/* The element with ID, or NULL. */
static element *find(elements *e, const char *id)
{
    size_t lo = 0, hi = e->n_indexed;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(e->v[e->by_id[mid]].eid, id);
        if (c == 0)
            return &e->v[e->by_id[mid]];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Marks the CHAPs reachable from CTOC T. Each CTOC is walked once, so a CTOC that lists
   itself (or a cycle of them) ends; depth is bounded for the stack's sake. */
static void mark(elements *e, element *t, unsigned depth, bool *nested)
{
    if (t->walked || depth >= 64)
        return;
    t->walked = true;
    for (size_t k = 0; k < t->n_children; k++) {
        element *c = find(e, t->children[k]);
        if (c == NULL)
            continue;
        if (c->is_toc) {
            *nested = true;
            mark(e, c, depth + 1, nested);
        } else {
            c->listed = true;
        }
    }
}

/* The checks on the table of contents as a whole. */
static void lint_toc(elements *e, ct_findings *out)
{
    size_t n_chap = 0, n_toc = 0, n_top = 0, unlisted = 0;
    bool nested = false;
    for (size_t i = 0; i < e->n; i++) {
        element *x = &e->v[i];
        n_chap += !x->is_toc;
        n_toc += x->is_toc;
        if (!x->is_toc || !(x->flags & 0x02))
            continue;
        n_top++;
        if (!(x->flags & 0x01))
            ct_find(out, CHAPTAG_WARNING, "ctoc-not-ordered", "players may list the chapters "
                    "in any order", "the top-level CTOC %.40s is not marked ordered", x->eid);
        mark(e, x, 0, &nested);
    }
    for (size_t i = 0; i < e->n; i++)
        if (e->v[i].is_toc && e->v[i].extra_ids)
            ct_find(out, CHAPTAG_ERROR, "ctoc-count-wrapped", "readers list only the count the "
                    "byte says; past 255 entries CTOCs must nest", "CTOC %.40s says %u entries "
                    "but lists more: its count byte wrapped past 255", e->v[i].eid,
                    e->v[i].count);
    if (n_chap > 0 && n_toc == 0) {
        ct_find(out, CHAPTAG_ERROR, "no-ctoc", "Overcast and other players list no chapters "
                "without a table of contents", "the tag has %zu CHAP frames but no CTOC", n_chap);
        return;
    }
    if (n_toc > 0 && n_top == 0)
        ct_find(out, CHAPTAG_ERROR, "no-top-level-ctoc", "Apple's players and Overcast start "
                "from the top-level CTOC", "no CTOC is marked top-level");
    if (n_top > 1)
        ct_find(out, CHAPTAG_WARNING, "several-top-level-ctocs", "the addendum allows one; "
                "players pick one of them", "%zu CTOC frames are marked top-level", n_top);
    for (size_t i = 0; n_top > 0 && i < e->n; i++)
        unlisted += !e->v[i].is_toc && !e->v[i].listed;
    if (unlisted > 0)
        ct_find(out, CHAPTAG_WARNING, "chap-not-in-toc", "Apple's players hide such chapters; "
                "FFmpeg-based players and AntennaPod (its ID3 ChapterReader reads every CHAP and "
                "never CTOC) show them anyway, so toc: false hides them only from some",
                "%zu CHAP frame%s in no table of contents", unlisted,
                unlisted == 1 ? " is" : "s are");
    if (nested)
        ct_find(out, CHAPTAG_NOTE, "nested-ctoc", "readers that walk only the top-level CTOC "
                "see its first entries, not the chapters below them", "the table of contents "
                "is nested (more than 255 chapters)");
}

/* CHAPs out of time order: FFmpeg lists chapters in tag order. */
static void lint_order(const elements *e, ct_findings *out)
{
    uint32_t last = 0;
    bool first = true;
    for (size_t i = 0; i < e->n; i++) {
        if (e->v[i].is_toc)
            continue;
        if (!first && e->v[i].start_ms < last) {
            ct_find(out, CHAPTAG_WARNING, "chap-order", "FFmpeg-based players list chapters in "
                    "tag order, not by time", "the CHAP frames do not stand in time order");
            return;
        }
        last = e->v[i].start_ms;
        first = false;
    }
}

/* TLEN, when there is one, against the measured duration. */
static void lint_tlen(const ct_id3_tag *tag, uint64_t duration_ms, ct_findings *out)
{
    ct_buf b = CT_BUF_INIT;
    if (!ct_id3v2_text(tag, "TLEN", &b) || duration_ms == 0) {
        ct_buf_free(&b);
        return;
    }
    ct_buf_put_u8(&b, 0);
    char *end;
    unsigned long long tlen = b.data ? strtoull((const char *)b.data, &end, 10) : 0;
    bool number = b.data && end != (char *)b.data && *end == '\0';
    uint64_t diff = number ? (tlen > duration_ms ? tlen - duration_ms : duration_ms - tlen) : 0;
    if (!number || diff > TLEN_SLACK_MS)
        ct_find(out, CHAPTAG_WARNING, "tlen-wrong", "players that trust TLEN show a wrong "
                "length and place the last chapter's end wrongly", "TLEN says %s ms but the "
                "audio lasts %" PRIu64 " ms", b.data ? (const char *)b.data : "", duration_ms);
    ct_buf_free(&b);
}

chaptag_status ct_id3v2_lint(const ct_id3_tag *tag, uint64_t duration_ms, ct_findings *out,
                             chaptag_error *err)
{
    elements e = {NULL, 0, 0, NULL, 0};
    chaptag_status st = CHAPTAG_OK;
    /* CHAPs first (then indexed), so that a CTOC's extra IDs can be recognised as chapters */
    for (int pass = 0; pass < 2 && st == CHAPTAG_OK; pass++) {
        if (pass == 1 && !index_elements(&e))
            st = ct_fail_nomem(err);
        for (size_t i = 0; i < tag->n_frames && st == CHAPTAG_OK; i++) {
            const ct_id3_frame *f = &tag->frames[i];
            bool chap = strcmp(f->id, "CHAP") == 0, toc = strcmp(f->id, "CTOC") == 0;
            if ((pass == 0 && !chap) || (pass == 1 && !toc))
                continue;
            if (f->version == 4 && f->plain_size)
                ct_find(out, CHAPTAG_ERROR, "v24-plain-size", "ID3v2.4 sizes are sync-safe "
                        "(FFmpeg writes CHAP and CTOC sizes plain); readers that follow the spec "
                        "misread the tag", "a %s frame has a plain, not sync-safe, size", f->id);
            if (f->version == 4 && f->len >= TRAP_SIZE)
                ct_find(out, CHAPTAG_ERROR, "v24-size-trap", "Apple Podcasts and Pocket Casts "
                        "lose ID3v2.4 chapters once a CHAP or CTOC reaches 128 bytes; ID3v2.3 "
                        "avoids it", "a %s frame is %zu bytes in an ID3v2.4 tag", f->id, f->len);
            st = chap ? read_chap(f, &e, out, err) : read_ctoc(f, &e, out, err);
        }
    }
    free(e.by_id); /* the CTOCs join the index */
    e.by_id = NULL;
    e.n_indexed = 0;
    if (st == CHAPTAG_OK && e.n > 0 && !index_elements(&e))
        st = ct_fail_nomem(err);
    if (st == CHAPTAG_OK && e.n > 0) {
        lint_toc(&e, out);
        lint_order(&e, out);
        lint_tlen(tag, duration_ms, out);
    }
    elements_free(&e);
    return st;
}
