/* Plans: an edit of a file as a sorted list of byte-range replacements, and the padding
   policy for rewrites. */
#include "plan.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

ct_edit *ct_plan_add_owned(ct_plan *p, uint64_t off, uint64_t old_len, uint8_t *data,
                           size_t len)
{
    assert(p->n == 0 || off >= p->v[p->n - 1].off + p->v[p->n - 1].old_len);
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 4;
        ct_edit *v = ct_realloc(p->v, cap * sizeof *v);
        if (v == NULL) {
            free(data);
            p->failed = true;
            return NULL;
        }
        p->v = v;
        p->cap = cap;
    }
    ct_edit *e = &p->v[p->n++];
    memset(e, 0, sizeof *e);
    e->off = off;
    e->old_len = old_len;
    e->data = data;
    e->len = len;
    return e;
}

ct_edit *ct_plan_add(ct_plan *p, uint64_t off, uint64_t old_len, const void *data, size_t len)
{
    uint8_t *copy = ct_malloc(len);
    if (copy == NULL) {
        p->failed = true;
        return NULL;
    }
    if (len > 0)
        memcpy(copy, data, len);
    return ct_plan_add_owned(p, off, old_len, copy, len);
}

bool ct_plan_keeps_size(const ct_plan *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].len != p->v[i].old_len)
            return false;
    return true;
}

uint64_t ct_plan_new_size(const ct_plan *p, uint64_t old_size)
{
    uint64_t size = old_size;
    for (size_t i = 0; i < p->n; i++)
        size = size - p->v[i].old_len + p->v[i].len;
    return size;
}

void ct_plan_free(ct_plan *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i].data);
    free(p->v);
    p->v = NULL;
    p->n = p->cap = 0;
    p->failed = false;
}

uint64_t ct_padding_for(uint64_t content, uint64_t header)
{
    const uint64_t block = 4096;
    uint64_t pad = content / 4;
    if (pad < block)
        pad = block;
    uint64_t total = header + content + pad;
    return pad + (block - total % block) % block;
}
