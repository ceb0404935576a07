/* Native FLAC files (FLAC format, RFC 9639): chapters as CHAPTERnnn keys in the
   VORBIS_COMMENT block (the Xiph chapter extension, src/vorbis), written in place inside a
   PADDING block when it has room, else by rewriting the metadata blocks; every other block
   (PICTURE, SEEKTABLE, CUESHEET, APPLICATION, ...), any ID3v2 tag in front and the audio keep
   their bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "flac_int.h"
#include "text.h"

static bool flac_sniff(ct_file *f, const uint8_t *head, size_t n)
{
    bool flac;
    ct_flac_id3_prefix(f, head, n, &flac);
    return flac;
}

/* A FLAC file opened: its metadata blocks read and its comments parsed, once. */
typedef struct {
    ct_file *f;
    ct_flac_file m;
} flac_state;

static chaptag_status flac_open(ct_file *f, const char *path, void **state, chaptag_error *err)
{
    (void)path;
    flac_state *s = ct_calloc(1, sizeof *s);
    if (s == NULL)
        return ct_fail_nomem(err);
    s->f = f;
    chaptag_status st = ct_flac_file_read(f, &s->m, err);
    if (st != CHAPTAG_OK) {
        free(s);
        return st;
    }
    *state = s;
    return CHAPTAG_OK;
}

static void flac_close(void *state)
{
    flac_state *s = state;
    if (s == NULL)
        return;
    ct_flac_file_free(&s->m);
    free(s);
}

static uint64_t flac_duration(void *state)
{
    return ((const flac_state *)state)->m.duration_ms;
}

static bool has_comments(const ct_flac_file *m)
{
    return m->comment != SIZE_MAX;
}

/* The CHAPTERnnn=time keys of VC: one per chapter. */
static size_t chapter_times(const ct_vorbis_comments *vc)
{
    size_t n = 0;
    for (size_t i = 0; i < vc->n; i++) {
        const char *s = (const char *)vc->v[i].p;
        size_t k = 7;
        if (vc->v[i].n < 9 || strncasecmp(s, "CHAPTER", 7) != 0)
            continue;
        while (k < vc->v[i].n && s[k] >= '0' && s[k] <= '9')
            k++;
        n += k > 7 && k < vc->v[i].n && s[k] == '=';
    }
    return n;
}

static void fill_info(chaptag_file_info *info, const ct_flac_file *m, uint64_t file_size)
{
    memset(info, 0, sizeof *info);
    snprintf(info->container, sizeof info->container, "FLAC");
    snprintf(info->tag, sizeof info->tag, "%s", has_comments(m) ? "VORBIS_COMMENT" : "none");
    if (has_comments(m) && ct_vorbis_has_chapters(&m->vc))
        snprintf(info->flavours, sizeof info->flavours, "VorbisComment CHAPTERxxx (%zu)",
                 chapter_times(&m->vc));
    else
        snprintf(info->flavours, sizeof info->flavours, "none");
    info->duration_ms = m->duration_ms;
    snprintf(info->duration_source, sizeof info->duration_source, "%s",
             m->duration_ms ? "STREAMINFO" : "unknown");
    info->file_size = file_size;
}

/* The value of the first comment KEY=..., or NULL; *LEN is its length. */
static const char *comment_value(const ct_vorbis_comments *vc, const char *key, size_t *len)
{
    size_t k = strlen(key);
    for (size_t i = 0; i < vc->n; i++) {
        const char *s = (const char *)vc->v[i].p;
        if (vc->v[i].n > k && s[k] == '=' && strncasecmp(s, key, k) == 0) {
            *len = vc->v[i].n - k - 1;
            return s + k + 1;
        }
    }
    return NULL;
}

/* The standard tags dump shows, as list metadata. */
static chaptag_status read_standard_tags(const ct_vorbis_comments *vc, chaptag_chapters *list,
                                         chaptag_error *err)
{
    static const struct {
        const char *key, *meta;
    } map[] = {{"TITLE", "title"}, {"ARTIST", "artist"}, {"ALBUM", "album"}, {"DATE", "year"}};
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; i < sizeof map / sizeof map[0] && st == CHAPTAG_OK; i++) {
        size_t n;
        const char *v = comment_value(vc, map[i].key, &n);
        if (v == NULL)
            continue;
        ct_buf raw = CT_BUF_INIT, clean = CT_BUF_INIT;
        if (ct_utf8_valid(v, n))
            ct_buf_put(&raw, v, n);
        else
            ct_cp1252_to_utf8(v, n, &raw);
        ct_title_clean(raw.data ? (const char *)raw.data : "", raw.len, &clean);
        if (strcmp(map[i].meta, "year") == 0 && clean.len > 4)
            clean.len = 4; /* DATE may be a full date; the year is what players show */
        ct_buf_put_u8(&clean, 0);
        st = ct_buf_ok(&raw) && ct_buf_ok(&clean)
                 ? chaptag_chapters_set_meta(list, map[i].meta, (const char *)clean.data, err)
                 : ct_fail_nomem(err);
        ct_buf_free(&raw);
        ct_buf_free(&clean);
    }
    return st;
}

static chaptag_status flac_read(void *state, chaptag_chapters *list, chaptag_file_info *info,
                                chaptag_error *err)
{
    const flac_state *s = state;
    chaptag_status st = CHAPTAG_OK;
    if (has_comments(&s->m)) {
        st = ct_vorbis_chapters(&s->m.vc, list, err);
        if (st == CHAPTAG_OK)
            st = read_standard_tags(&s->m.vc, list, err);
    }
    fill_info(info, &s->m, ct_file_size(s->f));
    return st;
}

/* The new comment block's body: the old comments with LIST's chapter keys (NULL: none), or a
   new list when the file has no comment block. */
static chaptag_status render_comments(const ct_flac_file *m, const chaptag_chapters *list,
                                      ct_buf *out, chaptag_error *err)
{
    static const char vendor[] = "chaptag";
    ct_vorbis_comments vc;
    size_t used;
    memset(&vc, 0, sizeof vc);
    chaptag_status st = CHAPTAG_OK;
    if (has_comments(m))
        st = ct_vorbis_parse(m->comment_raw, m->v[m->comment].len, &vc, &used, err);
    else if ((vc.vendor = ct_malloc(sizeof vendor - 1)) == NULL)
        st = ct_fail_nomem(err);
    else
        memcpy(vc.vendor, vendor, vc.vendor_len = sizeof vendor - 1);
    if (st == CHAPTAG_OK)
        st = ct_vorbis_set_chapters(&vc, list, err);
    if (st == CHAPTAG_OK) {
        ct_vorbis_render(&vc, out);
        if (!ct_buf_ok(out))
            st = ct_fail_nomem(err);
    }
    ct_vorbis_free(&vc);
    return st;
}

static chaptag_status flac_plan(void *state, const chaptag_chapters *list,
                                const chaptag_embed_opts *opts, ct_plan *plan,
                                struct chaptag_report *rep, chaptag_error *err)
{
    const flac_state *s = state;
    const ct_flac_file *m = &s->m;
    fill_info(&rep->info, m, ct_file_size(s->f));
    if (opts->duration_ms != CHAPTAG_TIME_NONE) {
        rep->info.duration_ms = opts->duration_ms;
        snprintf(rep->info.duration_source, sizeof rep->info.duration_source, "--duration");
    }
    snprintf(rep->what, sizeof rep->what, "VORBIS_COMMENT block");
    rep->keeps = CT_KEEPS_LINKS; /* CHAPTERnnnURL */
    if (list == NULL && (!has_comments(m) || !ct_vorbis_has_chapters(&m->vc)))
        return CHAPTAG_OK; /* a strip with nothing to strip */
    ct_buf body = CT_BUF_INIT;
    chaptag_status st = render_comments(m, list, &body, err);
    if (st == CHAPTAG_OK && has_comments(m) && body.len == m->v[m->comment].len &&
        memcmp(body.data, m->comment_raw, body.len) == 0) {
        rep->tag_size = 4 + body.len; /* the file already holds this: an empty plan */
        rep->in_place = true;
    } else if (st == CHAPTAG_OK) {
        st = ct_flac_plan_comment(m, body.data, body.len, opts->padding, plan, rep, err);
    }
    ct_buf_free(&body);
    return st;
}

static chaptag_status flac_lint(void *state, ct_findings *out, chaptag_error *err)
{
    const flac_state *s = state;
    if (!has_comments(&s->m))
        return CHAPTAG_OK;
    uint64_t duration = s->m.duration_ms ? s->m.duration_ms : CHAPTAG_TIME_NONE;
    ct_vorbis_lint(&s->m.vc, duration, out);
    return out->failed ? ct_fail_nomem(err) : CHAPTAG_OK;
}

const ct_backend ct_backend_flac = {"FLAC",    flac_sniff, flac_open, flac_duration, flac_read,
                                    flac_plan, NULL,       flac_lint, flac_close, NULL};
