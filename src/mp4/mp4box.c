/* The MP4/QuickTime box tree (ISO/IEC 14496-12 §4.2, Apple QuickTime File Format "Atoms"):
   32- and 64-bit sizes, size 0 (to the end of the enclosing space), bytes too short to be a
   box kept as raw bytes. Only containers chaptag edits are descended; everything else is a
   leaf kept byte for byte, loaded into memory only when small or needed. */
#include "mp4box.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Leaves up to this size are loaded while parsing; larger ones (sample tables of long files,
   cover art) stay in the file until something needs them. */
#define LOAD_MAX (64u << 10)
#define MAX_DEPTH 32
#define MAX_KIDS 100000

/* Containers chaptag descends into. 'meta' is not one of them: iTunes tags are kept whole. */
static const char *const containers[] = {"moov", "trak", "mdia", "minf", "stbl",
                                         "udta", "edts", "dinf", "tref"};

bool ct_box_is(const ct_box *box, const char *type)
{
    return memcmp(box->type, type, 4) == 0;
}

static bool is_container(const char type[4])
{
    for (size_t i = 0; i < sizeof containers / sizeof containers[0]; i++)
        if (memcmp(type, containers[i], 4) == 0)
            return true;
    return false;
}

/* Reads the header of the box at OFF, within [OFF, END), into B. */
static chaptag_status read_header(ct_file *f, uint64_t off, uint64_t end, ct_box *b,
                                  chaptag_error *err)
{
    uint8_t h[16];
    memset(b, 0, sizeof *b);
    b->off = off;
    if (end - off < 8) { /* too short to be a box: keep the bytes as they are */
        b->size = end - off;
        return CHAPTAG_OK;
    }
    size_t got;
    chaptag_status st = ct_file_read(f, off, h, end - off < 16 ? 8 : 16, &got, err);
    if (st != CHAPTAG_OK)
        return st;
    memcpy(b->type, h + 4, 4);
    uint64_t size = ct_load_u32be(h);
    b->hdr_len = 8;
    if (size == 1) {
        if (got < 16)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "box '%.4s' at offset %" PRIu64
                           " is cut short", b->type, off);
        size = ct_load_u64be(h + 8);
        b->hdr_len = 16;
    } else if (size == 0) {
        size = end - off; /* to the end of the file (or of the enclosing box) */
        b->to_eof = true;
    }
    if (size < b->hdr_len || size > end - off)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0,
                       "box '%.4s' at offset %" PRIu64 " has an impossible size (%" PRIu64
                       " bytes, %" PRIu64 " available)", b->type, off, size, end - off);
    b->size = size;
    return CHAPTAG_OK;
}

/* Appends a zeroed child to BOX; NULL when memory runs out. */
static ct_box *new_kid(ct_box *box)
{
    ct_box *k = ct_grow(box->kids, box->n_kids, &box->cap_kids, sizeof *k);
    if (k == NULL)
        return NULL;
    box->kids = k;
    ct_box *kid = &box->kids[box->n_kids++];
    memset(kid, 0, sizeof *kid);
    return kid;
}

chaptag_status ct_box_scan(ct_file *f, ct_box **tops, size_t *n, chaptag_error *err)
{
    ct_box root;
    memset(&root, 0, sizeof root);
    uint64_t end = ct_file_size(f);
    chaptag_status st = CHAPTAG_OK;
    for (uint64_t off = 0; off < end && st == CHAPTAG_OK;) {
        ct_box *b = root.n_kids < MAX_KIDS ? new_kid(&root) : NULL;
        if (b == NULL) {
            st = root.n_kids < MAX_KIDS ? ct_fail_nomem(err)
                                        : ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "too many boxes");
            break;
        }
        st = read_header(f, off, end, b, err);
        off += b->size;
    }
    if (st != CHAPTAG_OK) {
        ct_box_free_array(root.kids, root.n_kids);
        return st;
    }
    *tops = root.kids;
    *n = root.n_kids;
    return CHAPTAG_OK;
}

chaptag_status ct_box_load(ct_file *f, ct_box *box, chaptag_error *err)
{
    if (box->loaded || box->container)
        return CHAPTAG_OK;
    uint64_t len = box->size - box->hdr_len;
    if (len > SIZE_MAX / 2)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "box '%.4s' is too large", box->type);
    uint8_t *d = ct_malloc((size_t)len);
    if (d == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = ct_file_read(f, box->off + box->hdr_len, d, (size_t)len, NULL, err);
    if (st != CHAPTAG_OK) {
        free(d);
        return st;
    }
    box->data = d;
    box->len = (size_t)len;
    box->loaded = true;
    return CHAPTAG_OK;
}

static chaptag_status parse_at(ct_file *f, ct_box *box, unsigned depth, chaptag_error *err)
{
    if (depth > MAX_DEPTH)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "boxes nested too deeply");
    box->container = true;
    uint64_t start = box->off + box->hdr_len, end = box->off + box->size;
    chaptag_status st = CHAPTAG_OK;
    for (uint64_t off = start; off < end && st == CHAPTAG_OK;) {
        ct_box *kid = box->n_kids < MAX_KIDS ? new_kid(box) : NULL;
        if (kid == NULL)
            return box->n_kids < MAX_KIDS ? ct_fail_nomem(err)
                                          : ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "too many boxes");
        st = read_header(f, off, end, kid, err);
        if (st != CHAPTAG_OK)
            break;
        off += kid->size;
        if (kid->hdr_len == 0)
            st = ct_box_load(f, kid, err); /* raw trailing bytes */
        else if (is_container(kid->type))
            st = parse_at(f, kid, depth + 1, err);
        else if (kid->size - kid->hdr_len <= LOAD_MAX)
            st = ct_box_load(f, kid, err);
    }
    return st;
}

chaptag_status ct_box_parse(ct_file *f, ct_box *box, chaptag_error *err)
{
    return parse_at(f, box, 0, err);
}

ct_box *ct_box_child(const ct_box *box, const char *type)
{
    for (size_t i = 0; i < box->n_kids; i++)
        if (box->kids[i].hdr_len != 0 && ct_box_is(&box->kids[i], type))
            return &box->kids[i];
    return NULL;
}

ct_box *ct_box_path(const ct_box *box, const char *path)
{
    const ct_box *b = box;
    for (const char *p = path; b != NULL && *p; p += p[4] == '/' ? 5 : 4) {
        b = ct_box_child(b, p);
        if (p[4] != '/' && p[4] != '\0')
            return NULL;
    }
    return (ct_box *)b;
}

/* A new box of TYPE appended to BOX. */
static ct_box *add_box(ct_box *box, const char *type)
{
    ct_box *kid = new_kid(box);
    if (kid == NULL)
        return NULL;
    memcpy(kid->type, type, 4);
    kid->off = CT_BOX_NEW;
    kid->hdr_len = 8;
    kid->changed = true;
    box->changed = true;
    return kid;
}

ct_box *ct_box_add_leaf(ct_box *box, const char *type, const void *payload, size_t len)
{
    ct_box *kid = add_box(box, type);
    if (kid == NULL)
        return NULL;
    kid->loaded = true;
    if (!ct_box_set_payload(kid, payload, len)) {
        box->n_kids--;
        return NULL;
    }
    return kid;
}

ct_box *ct_box_add_container(ct_box *box, const char *type)
{
    ct_box *kid = add_box(box, type);
    if (kid != NULL)
        kid->container = true;
    return kid;
}

void ct_box_take_child(ct_box *box, size_t index, ct_box *out)
{
    *out = box->kids[index];
    memmove(&box->kids[index], &box->kids[index + 1],
            (box->n_kids - index - 1) * sizeof *box->kids);
    box->n_kids--;
    box->changed = true;
}

void ct_box_remove_child(ct_box *box, size_t index)
{
    ct_box gone;
    ct_box_take_child(box, index, &gone);
    ct_box_clear(&gone);
}

bool ct_box_insert(ct_box *box, size_t index, ct_box *kid)
{
    if (new_kid(box) == NULL) {
        ct_box_clear(kid);
        return false;
    }
    memmove(&box->kids[index + 1], &box->kids[index],
            (box->n_kids - 1 - index) * sizeof *box->kids);
    box->kids[index] = *kid;
    box->changed = true;
    return true;
}

bool ct_box_append(ct_box *box, ct_box *kid)
{
    return ct_box_insert(box, box->n_kids, kid);
}

bool ct_box_set_payload(ct_box *box, const void *payload, size_t len)
{
    uint8_t *d = ct_malloc(len);
    if (d == NULL)
        return false;
    if (len > 0)
        memcpy(d, payload, len);
    free(box->data);
    box->data = d;
    box->len = len;
    box->loaded = true;
    box->changed = true;
    return true;
}

void ct_box_retype(ct_box *box, const char *type)
{
    memcpy(box->type, type, 4);
    box->retyped = true;
}

bool ct_box_dirty(const ct_box *box)
{
    if (box->changed || box->retyped || box->off == CT_BOX_NEW || box->shift != 0 || box->widen)
        return true;
    for (size_t i = 0; i < box->n_kids; i++)
        if (ct_box_dirty(&box->kids[i]))
            return true;
    return false;
}

/* Entries in a chunk-offset table box and their width, from its payload's first 8 bytes. */
static unsigned table_width(const ct_box *box)
{
    return ct_box_is(box, "co64") ? 8 : ct_box_is(box, "stco") ? 4 : 0;
}

/* Size of the payload BOX renders to (header excluded). */
static uint64_t payload_size(const ct_box *box)
{
    if (box->container) {
        uint64_t n = 0;
        for (size_t i = 0; i < box->n_kids; i++)
            n += ct_box_size(&box->kids[i]);
        return n;
    }
    uint64_t n = box->loaded ? box->len : box->size - box->hdr_len;
    if (box->widen && n >= 8)
        n = 8 + (n - 8) * 2;
    return n;
}

/* Header bytes BOX renders with: its original form when the size still fits. */
static unsigned render_hdr_len(const ct_box *box, uint64_t payload)
{
    if (box->hdr_len == 0)
        return 0;
    return box->hdr_len == 16 || payload > UINT32_MAX - 8 ? 16 : 8;
}

uint64_t ct_box_size(const ct_box *box)
{
    if (!ct_box_dirty(box))
        return box->size;
    uint64_t p = payload_size(box);
    return p + render_hdr_len(box, p);
}

/* Renders BOX's header: 32-bit or 64-bit size, type (co64 for a widened stco). */
static void put_header(const ct_box *box, ct_buf *b)
{
    uint64_t p = payload_size(box);
    unsigned h = render_hdr_len(box, p);
    const char *type = box->widen ? "co64" : box->type;
    if (h == 0)
        return;
    if (h == 16) {
        ct_buf_put_u32be(b, 1);
        ct_buf_put(b, type, 4);
        ct_buf_put_u64be(b, p + 16);
    } else {
        ct_buf_put_u32be(b, (uint32_t)(p + 8));
        ct_buf_put(b, type, 4);
    }
}

/* A loaded chunk-offset table rendered with its shift applied. */
static void put_shifted_table(const ct_box *box, ct_buf *b)
{
    unsigned w = table_width(box), ow = box->widen ? 8 : w;
    ct_buf_put(b, box->data, box->len < 8 ? box->len : 8);
    for (size_t i = 8; w && i + w <= box->len; i += w) {
        uint64_t v = w == 4 ? ct_load_u32be(box->data + i) : ct_load_u64be(box->data + i);
        if (v >= box->shift_from)
            v += (uint64_t)box->shift;
        if (ow == 4)
            ct_buf_put_u32be(b, (uint32_t)v);
        else
            ct_buf_put_u64be(b, v);
    }
}

bool ct_box_render(const ct_box *box, ct_plan *plan)
{
    if (!ct_box_dirty(box))
        return ct_plan_copy(plan, box->off, box->size);
    ct_buf b = CT_BUF_INIT;
    put_header(box, &b);
    unsigned w = table_width(box);
    if (box->loaded) {
        if (w && (box->shift || box->widen))
            put_shifted_table(box, &b);
        else
            ct_buf_put(&b, box->data, box->len);
    } else if (w && (box->shift || box->widen)) {
        uint64_t start = box->off + box->hdr_len;
        size_t len;
        uint8_t *head = ct_buf_take(&b, &len);
        bool ok = head && ct_plan_bytes_owned(plan, head, len) && ct_plan_copy(plan, start, 8);
        uint64_t table = box->size - box->hdr_len - 8;
        return ok && ct_plan_copy_table(plan, start + 8, table - table % w, w, box->widen ? 8 : w,
                                        box->shift, box->shift_from);
    }
    size_t len;
    uint8_t *head = ct_buf_take(&b, &len);
    if (head == NULL || !ct_plan_bytes_owned(plan, head, len))
        return false;
    if (!box->container && !box->loaded)
        return ct_plan_copy(plan, box->off + box->hdr_len, box->size - box->hdr_len);
    for (size_t i = 0; i < box->n_kids; i++)
        if (!ct_box_render(&box->kids[i], plan))
            return false;
    return true;
}

/* Appends the content of PLAN's first edit to OUT, reading what it takes from F. */
static chaptag_status materialize(ct_file *f, const ct_plan *plan, ct_buf *out,
                                  chaptag_error *err)
{
    const ct_edit *e = &plan->v[0];
    for (size_t i = 0; i < e->n_pieces; i++) {
        const ct_piece *pc = &e->pieces[i];
        if (pc->bytes != NULL || pc->zeros) {
            if (pc->zeros)
                ct_buf_put_zeros(out, (size_t)pc->len);
            else
                ct_buf_put(out, pc->bytes, pc->len);
            continue;
        }
        if (!ct_buf_reserve(out, (size_t)pc->len))
            return ct_fail_nomem(err);
        uint8_t *dst = out->data + out->len;
        chaptag_status st = ct_file_read(f, pc->src_off, dst, (size_t)pc->len, NULL, err);
        if (st != CHAPTAG_OK)
            return st;
        if (pc->width == 0) {
            out->len += pc->len;
            continue;
        }
        /* a shifted table: rewrite the entries (widening needs room, so go through a copy) */
        uint8_t *tab = ct_malloc((size_t)pc->len);
        if (tab == NULL)
            return ct_fail_nomem(err);
        memcpy(tab, dst, (size_t)pc->len);
        for (size_t k = 0; k + pc->width <= pc->len; k += pc->width) {
            uint64_t v = pc->width == 4 ? ct_load_u32be(tab + k) : ct_load_u64be(tab + k);
            if (v >= pc->from)
                v += (uint64_t)pc->delta;
            if (pc->out_width == 4)
                ct_buf_put_u32be(out, (uint32_t)v);
            else
                ct_buf_put_u64be(out, v);
        }
        free(tab);
    }
    return ct_buf_ok(out) ? CHAPTAG_OK : ct_fail_nomem(err);
}

chaptag_status ct_box_render_bytes(ct_file *f, const ct_box *box, ct_buf *out,
                                   chaptag_error *err)
{
    ct_plan plan = CT_PLAN_INIT;
    chaptag_status st = CHAPTAG_OK;
    if (!ct_plan_edit(&plan, 0, 0) || !ct_box_render(box, &plan))
        st = ct_fail_nomem(err);
    if (st == CHAPTAG_OK)
        st = materialize(f, &plan, out, err);
    ct_plan_free(&plan);
    return st;
}

/* Calls VISIT for every entry of chunk-offset table BOX, reading it from F in blocks when it
   is not loaded, so that a large table never sits in memory. */
static chaptag_status table_scan(ct_file *f, const ct_box *box,
                                 void (*visit)(void *ctx, uint64_t v), void *ctx,
                                 chaptag_error *err)
{
    unsigned w = table_width(box);
    uint64_t start = box->off + box->hdr_len + 8;
    uint64_t len = box->loaded ? box->len : box->size - box->hdr_len;
    len = len < 8 ? 0 : len - 8;
    uint8_t buf[4096];
    for (uint64_t pos = 0; pos + w <= len;) {
        size_t n = len - pos < sizeof buf ? (size_t)(len - pos) : sizeof buf;
        n -= n % w;
        const uint8_t *p = box->loaded ? box->data + 8 + pos : buf;
        if (!box->loaded) {
            chaptag_status st = ct_file_read(f, start + pos, buf, n, NULL, err);
            if (st != CHAPTAG_OK)
                return st;
        }
        for (size_t k = 0; k < n; k += w)
            visit(ctx, w == 4 ? ct_load_u32be(p + k) : ct_load_u64be(p + k));
        pos += n;
    }
    return CHAPTAG_OK;
}

typedef struct {
    uint64_t lo, hi, max;
    bool hit;
} table_query;

static void note_max(void *ctx, uint64_t v)
{
    table_query *q = ctx;
    if (v >= q->lo && v > q->max)
        q->max = v;
}

static void note_hit(void *ctx, uint64_t v)
{
    table_query *q = ctx;
    q->hit |= v >= q->lo && v < q->hi;
}

chaptag_status ct_box_table_hits(ct_file *f, const ct_box *box, uint64_t lo, uint64_t hi,
                                 bool *hit, chaptag_error *err)
{
    table_query q = {lo, hi, 0, false};
    chaptag_status st = table_width(box) ? table_scan(f, box, note_hit, &q, err) : CHAPTAG_OK;
    *hit = q.hit;
    return st;
}

chaptag_status ct_box_shift_offsets(ct_file *f, ct_box *box, uint64_t from, int64_t delta,
                                    bool *widened, chaptag_error *err)
{
    for (size_t i = 0; i < box->n_kids; i++) {
        ct_box *k = &box->kids[i];
        chaptag_status st = k->container ? ct_box_shift_offsets(f, k, from, delta, widened, err)
                                         : CHAPTAG_OK;
        if (st != CHAPTAG_OK)
            return st;
        if (k->container || !table_width(k))
            continue;
        table_query q = {from, 0, 0, false};
        st = table_scan(f, k, note_max, &q, err);
        if (st != CHAPTAG_OK)
            return st;
        uint64_t max = q.max;
        k->shift = delta;
        k->shift_from = from;
        if (table_width(k) == 4 && max >= from && max + (uint64_t)delta > UINT32_MAX && !k->widen) {
            k->widen = true;
            *widened = true;
        }
    }
    return CHAPTAG_OK;
}

void ct_box_clear(ct_box *box)
{
    free(box->data);
    ct_box_free_array(box->kids, box->n_kids);
    memset(box, 0, sizeof *box);
}

void ct_box_free_array(ct_box *boxes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(boxes[i].data);
        ct_box_free_array(boxes[i].kids, boxes[i].n_kids);
    }
    free(boxes);
}

size_t ct_box_begin(ct_buf *b, const char *type)
{
    size_t at = b->len;
    ct_buf_put_u32be(b, 0);
    ct_buf_put(b, type, 4);
    return at;
}

void ct_box_end(ct_buf *b, size_t at)
{
    ct_buf_set_u32be(b, at, (uint32_t)(b->len - at));
}
