/* The chapter model: an ordered list of chapters with millisecond times, list-wide metadata
   and the warnings met while it was made; validation of order and end times. */
#include "chapters.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

typedef struct {
    char *key;
    char *value;
} meta_entry;

struct chaptag_chapters {
    chaptag_chapter *v;
    size_t n, cap;
    meta_entry *meta;
    size_t n_meta, cap_meta;
    ct_warnings warnings;
    unsigned checks; /* CT_CHECK_* */
};

chaptag_chapters *chaptag_chapters_new(void)
{
    return ct_calloc(1, sizeof(chaptag_chapters));
}

static void chapter_release(chaptag_chapter *ch)
{
    free((char *)ch->title);
    free((char *)ch->url);
    free((char *)ch->image);
    free((unsigned char *)ch->image_data);
    free((char *)ch->image_mime);
    free((char *)ch->location);
}

void chaptag_chapters_free(chaptag_chapters *list)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < list->n; i++)
        chapter_release(&list->v[i]);
    free(list->v);
    for (size_t i = 0; i < list->n_meta; i++) {
        free(list->meta[i].key);
        free(list->meta[i].value);
    }
    free(list->meta);
    ct_warnings_clear(&list->warnings);
    free(list);
}

/* Copies S into *DST (NULL stays NULL); false when memory runs out. */
static bool copy_str(const char **dst, const char *s)
{
    *dst = NULL;
    if (s == NULL)
        return true;
    *dst = ct_strdup(s);
    return *dst != NULL;
}

void ct_chapters_check(chaptag_chapters *list, unsigned checks)
{
    list->checks = checks;
}

/* The checks of chaptag_chapters_validate() on CH alone and against PREV, the chapter before
   it (NULL for the first): starts increase, the title fits, the start is before DURATION_MS,
   a given end is after the start. */
static chaptag_status check_chapter(const chaptag_chapter *prev, const chaptag_chapter *ch,
                                    uint64_t duration_ms, chaptag_error *err)
{
    char a[CT_TIME_STR_MAX], b[CT_TIME_STR_MAX];
    if (prev != NULL && ch->start_ms == prev->start_ms)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "%s is the same start as on line %u",
                       ct_time_str(ch->start_ms, a), prev->line);
    if (prev != NULL && ch->start_ms < prev->start_ms)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "%s is not after %s on line %u",
                       ct_time_str(ch->start_ms, a), ct_time_str(prev->start_ms, b), prev->line);
    size_t title_len = ch->title != NULL ? strlen(ch->title) : 0;
    if (title_len > CHAPTAG_TITLE_MAX)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line,
                       "the title is %zu bytes; chapter titles are at most %u bytes", title_len,
                       CHAPTAG_TITLE_MAX);
    if (duration_ms != CHAPTAG_TIME_NONE && ch->start_ms >= duration_ms)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line,
                       "%s is at or past the end of the audio (%s)", ct_time_str(ch->start_ms, a),
                       ct_time_str_ms(duration_ms, b));
    if (ch->end_ms != CHAPTAG_TIME_NONE && ch->end_ms <= ch->start_ms)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the end %s is not after the start %s",
                       ct_time_str(ch->end_ms, a), ct_time_str(ch->start_ms, b));
    return CHAPTAG_OK;
}

/* The given end of CH against the start of NEXT, the chapter after it. */
static chaptag_status check_end(const chaptag_chapter *ch, const chaptag_chapter *next,
                                chaptag_error *err)
{
    char a[CT_TIME_STR_MAX], b[CT_TIME_STR_MAX];
    if (ch->end_ms != CHAPTAG_TIME_NONE && ch->end_ms > next->start_ms)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line,
                       "the end %s is after the next chapter's start %s on line %u",
                       ct_time_str(ch->end_ms, a), ct_time_str(next->start_ms, b), next->line);
    return CHAPTAG_OK;
}

_Static_assert(CT_CHAPTERS_MAX == 10000, "the message below names the limit");

/* The checks of LIST's CHECKS for CH, about to be added: in the order
   chaptag_chapters_validate() makes them, so that the first error is the one it would give. */
static chaptag_status check_added(const chaptag_chapters *list, const chaptag_chapter *ch,
                                  chaptag_error *err)
{
    const chaptag_chapter *prev = list->n > 0 ? &list->v[list->n - 1] : NULL;
    chaptag_status st = CHAPTAG_OK;
    if ((list->checks & CT_CHECK_ORDER) && prev != NULL)
        st = check_end(prev, ch, err);
    if (st == CHAPTAG_OK && (list->checks & CT_CHECK_ORDER))
        st = check_chapter(prev, ch, CHAPTAG_TIME_NONE, err);
    if (st == CHAPTAG_OK && (list->checks & CT_CHECK_COUNT) && list->n >= CT_CHAPTERS_MAX)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "more than 10,000 chapters");
    return st;
}

chaptag_status chaptag_chapters_add(chaptag_chapters *list, const chaptag_chapter *ch,
                                    chaptag_error *err)
{
    chaptag_status st = check_added(list, ch, err);
    if (st != CHAPTAG_OK)
        return st;
    chaptag_chapter *v = ct_grow(list->v, list->n, &list->cap, sizeof *v);
    if (v == NULL)
        return ct_fail_nomem(err);
    list->v = v;
    chaptag_chapter c = *ch;
    bool ok = copy_str(&c.title, ch->title ? ch->title : "");
    ok = copy_str(&c.url, ch->url) && ok;
    ok = copy_str(&c.image, ch->image) && ok;
    ok = copy_str(&c.location, ch->location) && ok;
    ok = copy_str(&c.image_mime, ch->image_data ? ch->image_mime : NULL) && ok;
    c.image_data = NULL;
    if (ch->image_data != NULL) {
        unsigned char *d = ct_malloc(ch->image_len);
        if (d != NULL)
            memcpy(d, ch->image_data, ch->image_len);
        c.image_data = d;
        ok = ok && d != NULL;
    } else {
        c.image_len = 0;
    }
    if (!ok) {
        chapter_release(&c);
        return ct_fail_nomem(err);
    }
    list->v[list->n++] = c;
    return CHAPTAG_OK;
}

bool ct_chapters_set_image(chaptag_chapters *list, size_t index, unsigned char *data, size_t len,
                           const char *mime)
{
    chaptag_chapter *ch = &list->v[index];
    char *m = ct_strdup(mime);
    if (m == NULL) {
        free(data);
        return false;
    }
    free((unsigned char *)ch->image_data);
    free((char *)ch->image_mime);
    ch->image_data = data;
    ch->image_len = len;
    ch->image_mime = m;
    return true;
}

void ct_chapters_set_times(chaptag_chapters *list, size_t index, uint64_t start_ms,
                           uint64_t end_ms)
{
    assert(index < list->n);
    list->v[index].start_ms = start_ms;
    list->v[index].end_ms = end_ms;
}

const char *chaptag_chapter_url(const chaptag_chapter *ch)
{
    return ch->url;
}

/* Replaces the string *FIELD of chapter INDEX by a copy of VALUE (NULL: none). */
static chaptag_status set_string(chaptag_chapters *list, size_t index, const char **field,
                                 const char *value, chaptag_error *err)
{
    if (index >= list->n)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "there is no chapter %zu", index + 1);
    char *copy = NULL;
    if (value != NULL && (copy = ct_strdup(value)) == NULL)
        return ct_fail_nomem(err);
    free((char *)*field);
    *field = copy;
    return CHAPTAG_OK;
}

chaptag_status chaptag_chapters_set_url(chaptag_chapters *list, size_t index, const char *url,
                                        chaptag_error *err)
{
    return set_string(list, index, index < list->n ? &list->v[index].url : NULL, url, err);
}

chaptag_image_kind chaptag_chapter_image_kind(const chaptag_chapter *ch)
{
    if (ch->image_data != NULL)
        return CHAPTAG_IMAGE_EMBEDDED;
    if (ch->image == NULL)
        return CHAPTAG_IMAGE_NONE;
    return ct_is_url(ch->image) ? CHAPTAG_IMAGE_LINK : CHAPTAG_IMAGE_FILE;
}

chaptag_status chaptag_chapters_set_image_link(chaptag_chapters *list, size_t index,
                                               const char *url, chaptag_error *err)
{
    chaptag_status st = set_string(list, index, index < list->n ? &list->v[index].image : NULL,
                                   url, err);
    if (st == CHAPTAG_OK) {
        chaptag_chapter *ch = &list->v[index];
        free((unsigned char *)ch->image_data);
        free((char *)ch->image_mime);
        ch->image_data = NULL;
        ch->image_mime = NULL;
        ch->image_len = 0;
    }
    return st;
}

chaptag_status chaptag_chapters_set_image(chaptag_chapters *list, size_t index,
                                          const unsigned char *data, size_t len,
                                          const char *mime, chaptag_error *err)
{
    if (index >= list->n)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "there is no chapter %zu", index + 1);
    if (mime == NULL)
        mime = ct_image_mime(data, len);
    if (data == NULL || len == 0 || mime == NULL)
        return ct_fail(err, CHAPTAG_ERR_INPUT, list->v[index].line,
                       "the picture of chapter %zu is neither JPEG nor PNG", index + 1);
    unsigned char *copy = ct_malloc(len);
    if (copy == NULL)
        return ct_fail_nomem(err);
    memcpy(copy, data, len);
    return ct_chapters_set_image(list, index, copy, len, mime) ? CHAPTAG_OK : ct_fail_nomem(err);
}

const char *ct_image_mime(const unsigned char *p, size_t n)
{
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF};
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (p != NULL && n >= sizeof jpeg && memcmp(p, jpeg, sizeof jpeg) == 0)
        return "image/jpeg";
    if (p != NULL && n >= sizeof png && memcmp(p, png, sizeof png) == 0)
        return "image/png";
    return NULL;
}

bool ct_chapters_set_image_name(chaptag_chapters *list, size_t index, const char *name)
{
    char *copy = ct_strdup(name);
    if (copy == NULL)
        return false;
    free((char *)list->v[index].image);
    list->v[index].image = copy;
    return true;
}

bool ct_is_url(const char *s)
{
    return strstr(s, "://") != NULL || strncmp(s, "data:", 5) == 0;
}

size_t chaptag_chapters_count(const chaptag_chapters *list)
{
    return list->n;
}

const chaptag_chapter *chaptag_chapters_get(const chaptag_chapters *list, size_t index)
{
    return index < list->n ? &list->v[index] : NULL;
}

chaptag_status chaptag_chapters_validate(const chaptag_chapters *list, uint64_t duration_ms,
                                         chaptag_error *err)
{
    if (list->n == 0)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "no chapters");
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; st == CHAPTAG_OK && i < list->n; i++) {
        st = check_chapter(i > 0 ? &list->v[i - 1] : NULL, &list->v[i], duration_ms, err);
        if (st == CHAPTAG_OK && i + 1 < list->n)
            st = check_end(&list->v[i], &list->v[i + 1], err);
    }
    return st;
}

uint64_t chaptag_chapters_end(const chaptag_chapters *list, size_t index, uint64_t duration_ms)
{
    const chaptag_chapter *ch = &list->v[index];
    if (ch->end_ms != CHAPTAG_TIME_NONE)
        return duration_ms != CHAPTAG_TIME_NONE && ch->end_ms > duration_ms ? duration_ms
                                                                              : ch->end_ms;
    if (index + 1 < list->n)
        return list->v[index + 1].start_ms;
    return duration_ms;
}

chaptag_status chaptag_chapters_set_meta(chaptag_chapters *list, const char *key,
                                         const char *value, chaptag_error *err)
{
    for (size_t i = 0; i < list->n_meta; i++) {
        if (strcmp(list->meta[i].key, key) != 0)
            continue;
        if (value == NULL) {
            free(list->meta[i].key);
            free(list->meta[i].value);
            memmove(&list->meta[i], &list->meta[i + 1], (list->n_meta - i - 1) * sizeof *list->meta);
            list->n_meta--;
            return CHAPTAG_OK;
        }
        char *v = ct_strdup(value);
        if (v == NULL)
            return ct_fail_nomem(err);
        free(list->meta[i].value);
        list->meta[i].value = v;
        return CHAPTAG_OK;
    }
    if (value == NULL)
        return CHAPTAG_OK;
    meta_entry *m = ct_grow(list->meta, list->n_meta, &list->cap_meta, sizeof *m);
    if (m == NULL)
        return ct_fail_nomem(err);
    list->meta = m;
    char *k = ct_strdup(key), *v = ct_strdup(value);
    if (k == NULL || v == NULL) {
        free(k);
        free(v);
        return ct_fail_nomem(err);
    }
    list->meta[list->n_meta].key = k;
    list->meta[list->n_meta].value = v;
    list->n_meta++;
    return CHAPTAG_OK;
}

const char *chaptag_chapters_meta(const chaptag_chapters *list, const char *key)
{
    for (size_t i = 0; i < list->n_meta; i++)
        if (strcmp(list->meta[i].key, key) == 0)
            return list->meta[i].value;
    return NULL;
}

const char *chaptag_chapters_meta_at(const chaptag_chapters *list, size_t index,
                                     const char **value)
{
    if (index >= list->n_meta)
        return NULL;
    *value = list->meta[index].value;
    return list->meta[index].key;
}

size_t chaptag_chapters_warning_count(const chaptag_chapters *list)
{
    return list->warnings.n;
}

const chaptag_warning *chaptag_chapters_warning(const chaptag_chapters *list, size_t index)
{
    return index < list->warnings.n ? &list->warnings.v[index] : NULL;
}

ct_warnings *ct_chapters_warnings(chaptag_chapters *list)
{
    return &list->warnings;
}

bool ct_chapters_match(const chaptag_chapters *want, const chaptag_chapters *got,
                       size_t title_max, char *why, size_t n)
{
    size_t a = want ? chaptag_chapters_count(want) : 0, b = chaptag_chapters_count(got);
    char x[CT_TIME_STR_MAX], y[CT_TIME_STR_MAX];
    if (a != b) {
        snprintf(why, n, "%zu chapters were written but %zu read back", a, b);
        return false;
    }
    for (size_t i = 0; i < a; i++) {
        const chaptag_chapter *w = chaptag_chapters_get(want, i), *g = chaptag_chapters_get(got, i);
        size_t len = strlen(w->title);
        if (title_max != SIZE_MAX)
            len = ct_utf8_cut(w->title, len, title_max);
        if (w->start_ms != g->start_ms) {
            snprintf(why, n, "chapter %zu was written at %s but reads back at %s", i + 1,
                     ct_time_str_ms(w->start_ms, x), ct_time_str_ms(g->start_ms, y));
            return false;
        }
        if (strlen(g->title) != len || memcmp(w->title, g->title, len) != 0) {
            snprintf(why, n, "chapter %zu was written as \"%.60s\" but reads back as \"%.60s\"",
                     i + 1, w->title, g->title);
            return false;
        }
    }
    return true;
}
