/* verify: the checks that hold for every container (untitled chapters,
   chapters past the end, overlaps, a late first chapter) and the comparison with the chapter
   file the release pipeline meant to embed. The container checks live with their backends. */
#include "verify.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "picture.h"
#include "platforms.h"

/* An end this much past the measured duration is only rounding between two measurements. */
#define END_SLACK_MS 250

static void check_chapters(const chaptag_chapters *list, uint64_t duration, ct_findings *f)
{
    size_t n = chaptag_chapters_count(list);
    char a[CT_TIME_STR_MAX], b[CT_TIME_STR_MAX];
    if (n == 0) {
        ct_find(f, CHAPTAG_ERROR, "no-chapters", NULL, "the file has no chapters");
        return;
    }
    const chaptag_chapter *first = chaptag_chapters_get(list, 0);
    if (first->start_ms > 0)
        ct_find(f, CHAPTAG_NOTE, "late-first-chapter",
                "players show no chapter before it, and YouTube-style lists expect one at 0:00",
                "the first chapter starts at %s, not 0:00",
                ct_time_str(first->start_ms, a));
    for (size_t i = 0; i < n; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        uint64_t end = ch->end_ms;
        if (ch->title[0] == '\0')
            ct_find(f, CHAPTAG_WARNING, "untitled", "players show an empty line or a bare time",
                    "chapter %zu (%s) has no title", i + 1, ct_time_str(ch->start_ms, a));
        if (duration > 0 && ch->start_ms >= duration)
            ct_find(f, CHAPTAG_ERROR, "past-end", "players cannot seek there and may drop it",
                    "chapter %zu starts at %s, at or past the end of the audio (%s)", i + 1,
                    ct_time_str(ch->start_ms, a), ct_time_str_ms(duration, b));
        else if (duration > 0 && end != CHAPTAG_TIME_NONE && end > duration + END_SLACK_MS)
            ct_find(f, CHAPTAG_WARNING, "ends-past-end", "progress bars run past the audio",
                    "chapter %zu ends at %s, after the end of the audio (%s)", i + 1,
                    ct_time_str_ms(end, a), ct_time_str_ms(duration, b));
        const chaptag_chapter *next = chaptag_chapters_get(list, i + 1);
        if (next != NULL && end != CHAPTAG_TIME_NONE && end > next->start_ms)
            ct_find(f, CHAPTAG_WARNING, "overlap", "players disagree on which chapter is playing",
                    "chapter %zu ends at %s, after chapter %zu starts (%s)", i + 1,
                    ct_time_str_ms(end, a), i + 2, ct_time_str_ms(next->start_ms, b));
        if (next != NULL && next->start_ms <= ch->start_ms)
            ct_find(f, CHAPTAG_ERROR, "out-of-order", "players sort or drop them differently",
                    "chapter %zu (%s) does not start after chapter %zu", i + 2,
                    ct_time_str(next->start_ms, a), i + 1);
    }
}

/* Links players read differently from what the file says, in every container, naming the
   readers and where their behaviour comes from (their code). Hidden chapters exist in ID3v2
   alone; its lint says who shows them anyway. */
static void check_readers(const chaptag_chapters *list, ct_findings *f)
{
    for (size_t i = 0; i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        if (ch->url != NULL && strpbrk(ch->url, "+%") != NULL)
            ct_find(f, CHAPTAG_WARNING, "url-decoded-again",
                    "AntennaPod (its ID3 ChapterReader passes WXXX through URLDecoder.decode) and "
                    "MNAVChapters-based iOS apps percent-decode the link, so '+' becomes a space "
                    "and %xx a character: the link they open differs",
                    "chapter %zu links to \"%.120s\", which holds '%c'", i + 1, ch->url,
                    strchr(ch->url, '%') != NULL ? '%' : '+');
    }
}

/* Limits for chapter pictures, from Apple's artwork rules (at most 3000 x 3000 px, square) and
   from players on phones that load every chapter's picture with the episode. */
#define PICTURE_MAX_BYTES 500000u
#define PICTURE_MAX_PX 3000u

/* What players make of the chapters' pictures: each picture's bytes and shape, and the file's
   cover art beside them (HAS_COVER: 1, 0, or -1 when the container cannot say). */
static void check_pictures(const chaptag_chapters *list, int has_cover, ct_findings *f)
{
    size_t pictured = 0;
    for (size_t i = 0; i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        unsigned w = 0, h = 0;
        if (ch->image_data == NULL)
            continue;
        pictured++;
        if (ch->image_len > PICTURE_MAX_BYTES)
            ct_find(f, CHAPTAG_WARNING, "picture-heavy", "players on phones load every chapter "
                    "picture with the episode; Apple Podcasts and Overcast may skip a heavy one",
                    "the picture of chapter %zu is %zu bytes, over 500 KB", i + 1, ch->image_len);
        if (!ct_picture_size(ch->image_data, ch->image_len, &w, &h))
            continue;
        if (w > PICTURE_MAX_PX || h > PICTURE_MAX_PX)
            ct_find(f, CHAPTAG_WARNING, "picture-too-large", "Apple's artwork rules stop at "
                    "3000 x 3000 px; larger pictures are scaled on the phone or not shown",
                    "the picture of chapter %zu is %u x %u px, over 3000 px", i + 1, w, h);
        if (w != h)
            ct_find(f, CHAPTAG_WARNING, "picture-not-square", "players show chapter pictures in "
                    "the square of the cover, cropped or with bars",
                    "the picture of chapter %zu is %u x %u px, not square", i + 1, w, h);
    }
    if (pictured > 0 && has_cover == 0)
        ct_find(f, CHAPTAG_WARNING, "no-cover-art", "lock screens and car displays that show "
                "only the file's cover art show nothing, and chapters without a picture of "
                "their own have none to fall back on", "%zu chapter%s a picture but the file "
                "has no cover art", pictured, pictured == 1 ? " has" : "s have");
}

/* True when two optional strings differ. */
static bool differ(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") != 0;
}

/* Compares chapter I of the file (HAVE) with the expected one (WANT). */
static void compare_one(size_t i, const chaptag_chapter *have, const chaptag_chapter *want,
                        ct_findings *f)
{
    char a[CT_TIME_STR_MAX], b[CT_TIME_STR_MAX];
    if (have->start_ms != want->start_ms)
        ct_find_line(f, CHAPTAG_ERROR, "start-differs", want->line,
                     "chapter %zu starts at %s in the file, not %s", i + 1,
                     ct_time_str(have->start_ms, a), ct_time_str(want->start_ms, b));
    if (strcmp(have->title, want->title) != 0)
        ct_find_line(f, CHAPTAG_ERROR, "title-differs", want->line,
                     "chapter %zu is titled \"%s\" in the file, not \"%s\"", i + 1, have->title,
                     want->title);
    if (want->url != NULL && differ(have->url, want->url))
        ct_find_line(f, CHAPTAG_ERROR, "url-differs", want->line,
                     "chapter %zu links to \"%s\" in the file, not \"%s\"", i + 1,
                     have->url ? have->url : "(nothing)", want->url);
    if (want->url == NULL && have->url != NULL)
        ct_find_line(f, CHAPTAG_WARNING, "url-extra", want->line,
                     "chapter %zu links to \"%s\" in the file; the chapter file has no link",
                     i + 1, have->url);
    if (chaptag_chapter_image_kind(want) == CHAPTAG_IMAGE_LINK && differ(have->image, want->image))
        ct_find_line(f, CHAPTAG_ERROR, "image-differs", want->line,
                     "chapter %zu links to the picture \"%s\" in the file, not \"%s\"", i + 1,
                     have->image ? have->image : "(nothing)", want->image);
    if (want->image_data != NULL &&
        (have->image_data == NULL || have->image_len != want->image_len ||
         memcmp(have->image_data, want->image_data, want->image_len) != 0))
        ct_find_line(f, CHAPTAG_ERROR, "image-differs", want->line,
                     "chapter %zu has %s in the file, not the picture %s", i + 1,
                     have->image_data ? "another picture" : "no picture", want->image);
    if (want->hidden != have->hidden)
        ct_find_line(f, CHAPTAG_ERROR, "toc-differs", want->line,
                     "chapter %zu is %s the table of contents in the file", i + 1,
                     have->hidden ? "left out of" : "listed in");
}

/* Every difference between the file's chapters and the expected ones. */
static void compare(const chaptag_chapters *have, const chaptag_chapters *want, ct_findings *f)
{
    size_t nh = chaptag_chapters_count(have), nw = chaptag_chapters_count(want);
    char a[CT_TIME_STR_MAX];
    if (nh != nw)
        ct_find(f, CHAPTAG_ERROR, "count-differs", NULL, "the file has %zu chapters, not %zu", nh,
                nw);
    for (size_t i = 0; i < nh && i < nw; i++)
        compare_one(i, chaptag_chapters_get(have, i), chaptag_chapters_get(want, i), f);
    for (size_t i = nh; i < nw; i++) {
        const chaptag_chapter *w = chaptag_chapters_get(want, i);
        ct_find_line(f, CHAPTAG_ERROR, "missing", w->line, "chapter %zu (%s \"%s\") is missing",
                     i + 1, ct_time_str(w->start_ms, a), w->title);
    }
    for (size_t i = nw; i < nh; i++) {
        const chaptag_chapter *h = chaptag_chapters_get(have, i);
        ct_find(f, CHAPTAG_ERROR, "extra", NULL, "the file has an extra chapter %zu (%s \"%s\")",
                i + 1, ct_time_str(h->start_ms, a), h->title);
    }
}

void ct_verify_chapters(const chaptag_chapters *list, const chaptag_file_info *info,
                        int has_cover, const chaptag_chapters *expected, ct_findings *f)
{
    check_chapters(list, info->duration_ms, f);
    check_readers(list, f);
    check_pictures(list, has_cover, f);
    if (expected != NULL)
        compare(list, expected, f);
}

void chaptag_verdict_free(chaptag_verdict *v)
{
    if (v == NULL)
        return;
    ct_findings_clear(&v->findings);
    chaptag_chapters_free(v->list);
    free(v);
}

size_t chaptag_verdict_count(const chaptag_verdict *v)
{
    return v->findings.n;
}

const chaptag_finding *chaptag_verdict_get(const chaptag_verdict *v, size_t index)
{
    return index < v->findings.n ? &v->findings.v[index] : NULL;
}

const chaptag_chapters *chaptag_verdict_chapters(const chaptag_verdict *v)
{
    return v->list;
}

const chaptag_file_info *chaptag_verdict_info(const chaptag_verdict *v)
{
    return &v->info;
}

#define PROFILE_NAME(name) #name,
static const char *const profile_names[] = {CT_FORMATS_PLATFORMS(PROFILE_NAME) NULL};

const char *const *chaptag_profile_names(void)
{
    return profile_names;
}

chaptag_status chaptag_verdict_check_profile(chaptag_verdict *v, const char *profile,
                                             chaptag_error *err)
{
    const ct_platform *p = profile != NULL ? ct_platform_find(profile) : NULL;
    if (p == NULL)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "unknown profile '%s' (known: youtube, "
                       "spotify, apple)", profile != NULL ? profile : "");
    /* the measured duration ends the last chapter; 0 is a duration not measured */
    uint64_t duration = v->info.duration_ms > 0 ? v->info.duration_ms : CHAPTAG_TIME_NONE;
    ct_platform_check(p, v->list, duration, &v->findings);
    return CHAPTAG_OK;
}

static const char *const severity_names[] = {"note", "warning", "error"};

const char *chaptag_severity_name(chaptag_severity s)
{
    return (unsigned)s < 3 ? severity_names[s] : "error";
}

/* The JSON object of one finding; NULL when memory runs out. */
static json_t *finding_json(const chaptag_finding *x)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    int rc = json_object_set_new(o, "severity", json_string(chaptag_severity_name(x->severity)));
    rc |= json_object_set_new(o, "code", json_string(x->code));
    rc |= json_object_set_new(o, "message", json_string(x->msg));
    if (x->why[0])
        rc |= json_object_set_new(o, "why", json_string(x->why));
    if (x->line)
        rc |= json_object_set_new(o, "line", json_integer(x->line));
    if (rc != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

chaptag_status chaptag_verdict_json(const chaptag_verdict *v, const char *path, int ok,
                                    char **out, chaptag_error *err)
{
    json_t *o = json_object(), *list = json_array();
    int rc = o && list ? 0 : -1;
    size_t counts[3] = {0, 0, 0};
    for (size_t i = 0; rc == 0 && i < v->findings.n; i++) {
        counts[v->findings.v[i].severity]++;
        json_t *x = finding_json(&v->findings.v[i]);
        rc = x ? json_array_append_new(list, x) : -1;
    }
    if (rc == 0) {
        rc |= json_object_set_new(o, "file", json_string(path));
        rc |= json_object_set_new(o, "container", json_string(v->info.container));
        rc |= json_object_set_new(o, "duration", json_real((double)v->info.duration_ms / 1000));
        rc |= json_object_set_new(o, "chapters", json_integer((json_int_t)chaptag_chapters_count(v->list)));
        rc |= json_object_set_new(o, "ok", json_boolean(ok));
        rc |= json_object_set_new(o, "errors", json_integer((json_int_t)counts[CHAPTAG_ERROR]));
        rc |= json_object_set_new(o, "warnings", json_integer((json_int_t)counts[CHAPTAG_WARNING]));
        rc |= json_object_set_new(o, "notes", json_integer((json_int_t)counts[CHAPTAG_NOTE]));
        rc |= json_object_set_new(o, "findings", list);
        list = NULL;
    }
    char *s = rc == 0 ? json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(o);
    json_decref(list);
    if (s == NULL)
        return ct_fail_nomem(err);
    *out = ct_strdup(s);
    free(s);
    return *out ? CHAPTAG_OK : ct_fail_nomem(err);
}
