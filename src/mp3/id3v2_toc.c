/* ID3v2 tables of contents: CTOC frames read, the tree of them walked to find the chapters a
   top-level CTOC reaches, and written as an ordered tree that never wraps the count byte.
   Spec: ID3v2 Chapter Frame Addendum 1.0 §4. */
#include "id3v2_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ct_id3v2_ctoc_parse(const uint8_t *p, size_t len, ct_id3_ctoc *out)
{
    ct_reader r = ct_reader_make(p, len);
    size_t n = 0;
    const uint8_t *eid = ct_id3v2_read_cstr(&r, &n);
    uint8_t flags = ct_reader_u8(&r), count = ct_reader_u8(&r);
    if (eid == NULL || r.bad)
        return false;
    *out = (ct_id3_ctoc){(const char *)eid, n, flags, count, r};
    return true;
}

const char *ct_id3v2_ctoc_child(ct_id3_ctoc *toc, size_t *n)
{
    return (const char *)ct_id3v2_read_cstr(&toc->rest, n);
}

chaptag_status ct_id3v2_read_ctoc(ct_id3_chap_set *set, const ct_id3_frame *f, chaptag_error *err)
{
    ct_id3_ref ref = ct_id3v2_ref_of(f);
    ct_id3_view v;
    ct_id3_ctoc toc;
    if (!ct_id3v2_view_make(&ref, &v) || !ct_id3v2_view_readable(&v) ||
        !ct_id3v2_ctoc_parse(v.data, v.len, &toc)) {
        ct_warn(set->w, 0, "a CTOC frame of %zu bytes could not be read and was skipped", f->len);
        return CHAPTAG_OK;
    }
    ct_id3_toc_entry *tocs = ct_grow(set->tocs, set->n_tocs, &set->cap_tocs, sizeof *tocs);
    if (tocs == NULL)
        return ct_fail_nomem(err);
    set->tocs = tocs;
    ct_id3_toc_entry *t = &tocs[set->n_tocs];
    memset(t, 0, sizeof *t);
    t->flags = toc.flags;
    t->eid = ct_strndup(toc.eid, toc.eid_len);
    t->children = ct_calloc(toc.count ? toc.count : 1, sizeof *t->children);
    set->n_tocs++;
    if (t->eid == NULL || t->children == NULL)
        return ct_fail_nomem(err);
    char id[40];
    size_t n;
    for (unsigned i = 0; i < toc.count; i++) {
        const char *child = ct_id3v2_ctoc_child(&toc, &n);
        if (child == NULL) {
            ct_warn(set->w, 0, "CTOC %s says it has %u entries but holds %u",
                    ct_id3v2_printable(t->eid, id), toc.count, i);
            break;
        }
        t->children[i] = ct_strndup(child, n);
        if (t->children[i] == NULL)
            return ct_fail_nomem(err);
        t->n_children++;
    }
    return CHAPTAG_OK;
}

static int cmp_eid(const void *a, const void *b)
{
    const ct_id3_eid_ref *x = a, *y = b;
    int c = strcmp(x->eid, y->eid);
    if (c != 0)
        return c;
    if (x->is_toc != y->is_toc)
        return x->is_toc ? 1 : -1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

chaptag_status ct_id3v2_build_index(ct_id3_chap_set *set, chaptag_error *err)
{
    size_t n = set->n_chaps + set->n_tocs;
    set->index = ct_calloc(n, sizeof *set->index);
    if (set->index == NULL)
        return ct_fail_nomem(err);
    for (size_t i = 0; i < set->n_chaps; i++)
        set->index[i] = (ct_id3_eid_ref){set->chaps[i].eid, false, i};
    for (size_t i = 0; i < set->n_tocs; i++)
        set->index[set->n_chaps + i] = (ct_id3_eid_ref){set->tocs[i].eid, true, i};
    if (n > 0)
        qsort(set->index, n, sizeof *set->index, cmp_eid);
    set->n_index = n;
    char id[40];
    for (size_t i = 1; i < n; i++)
        if (strcmp(set->index[i - 1].eid, set->index[i].eid) == 0 &&
            (i == 1 || strcmp(set->index[i - 2].eid, set->index[i].eid) != 0))
            ct_warn(set->w, 0, "element ID %s is used by more than one CHAP or CTOC frame",
                    ct_id3v2_printable(set->index[i].eid, id));
    return CHAPTAG_OK;
}

/* The first index entry for EID, or n_index. */
static size_t index_find(const ct_id3_chap_set *set, const char *eid)
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
static void walk_children(ct_id3_chap_set *set, size_t *stack, size_t *top)
{
    const ct_id3_toc_entry *t = &set->tocs[stack[--*top]];
    char a[40], b[40];
    for (size_t i = 0; i < t->n_children; i++) {
        size_t k = index_find(set, t->children[i]);
        if (k == set->n_index || strcmp(set->index[k].eid, t->children[i]) != 0)
            ct_warn(set->w, 0, "CTOC %s lists %s, which no CHAP or CTOC has",
                    ct_id3v2_printable(t->eid, a), ct_id3v2_printable(t->children[i], b));
        for (; k < set->n_index && strcmp(set->index[k].eid, t->children[i]) == 0; k++) {
            const ct_id3_eid_ref *e = &set->index[k];
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
static void queue_roots(ct_id3_chap_set *set, size_t *stack, size_t *top)
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

chaptag_status ct_id3v2_mark_reached(ct_id3_chap_set *set, chaptag_error *err)
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
static chaptag_status render_ctoc(ct_id3_render_ctx *c, const toc_tree *t, const char *eid,
                                  uint8_t flags, unsigned level, size_t first, size_t n,
                                  const char *title, chaptag_error *err)
{
    char name[48], owner[64], q[DESC_TITLE_MAX + 4];
    size_t off = ct_id3v2_begin_frame(c, "CTOC", 0), body;
    ct_buf_put(c->out, eid, strlen(eid) + 1);
    ct_buf_put_u8(c->out, flags);
    ct_buf_put_u8(c->out, (unsigned)n);
    for (size_t k = 0; k < n; k++) {
        node_name(t, level, first + k, name);
        ct_buf_put(c->out, name, strlen(name) + 1);
    }
    snprintf(owner, sizeof owner, "CTOC %s", eid);
    chaptag_chapter named = {.title = title};
    chaptag_status st = ct_id3v2_put_subframe(c, "TIT2", ct_id3v2_put_title, &named, owner, err);
    if (st != CHAPTAG_OK)
        return st;
    if (!ct_id3v2_end_frame(c, off, &body))
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "%s is too big", owner);
    ct_id3v2_warn_v24(c, 0, owner, body);
    ct_id3v2_describe(c, "CTOC %s: %sordered, %zu entr%s, TIT2 \"%s\" (%zu bytes)", eid,
                      (flags & CTOC_TOP_LEVEL) ? "top-level, " : "", n, n == 1 ? "y" : "ies",
                      ct_id3v2_short_title(title, q), body);
    return CHAPTAG_OK;
}

/* Writes the sub-CTOCs of LEVEL: node K lists up to 255 nodes of the level below and is
   titled with the chapter numbers it covers ("Chapters 256-510"). */
static chaptag_status render_toc_level(ct_id3_render_ctx *c, const toc_tree *t, unsigned level,
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

chaptag_status ct_id3v2_render_tocs(ct_id3_render_ctx *c, const chaptag_chapters *list,
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
