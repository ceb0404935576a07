/* The public entry points that touch audio files: pick the container backend from the
   file's first bytes, read its chapters, or plan an edit and hand it to the file writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "formats.h"

/* Chapter and image files are read whole; nothing sensible is bigger. */
#define MAX_CHAPTER_FILE (64u << 20)
#define MAX_IMAGE_FILE (16u << 20)

static const ct_backend *const backends[] = {&ct_backend_mp3, &ct_backend_mp4,
                                             &ct_backend_avformat};

/* The backend for F, judged by its first bytes. */
static chaptag_status pick_backend(ct_file *f, const ct_backend **out, chaptag_error *err)
{
    uint8_t head[CT_SNIFF_HEAD];
    size_t got;
    chaptag_status st = ct_file_read(f, 0, head, sizeof head, &got, err);
    if (st != CHAPTAG_OK)
        return st;
    if (got == 0) /* before any backend: libavformat has nothing to say about it */
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "empty file");
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
        if (backends[i]->sniff(f, head, got)) {
            *out = backends[i];
            return CHAPTAG_OK;
        }
    }
    return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "not an audio file chaptag can read (MP3, MP4/M4A/M4B)");
}

chaptag_status chaptag_read(const char *path, chaptag_chapters **out, chaptag_file_info *info,
                            chaptag_error *err)
{
    ct_file *f = NULL;
    chaptag_chapters *list = chaptag_chapters_new();
    const ct_backend *be;
    chaptag_file_info scratch;
    if (list == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = ct_file_open(path, CT_OPEN_READ, &f, err);
    if (st == CHAPTAG_OK)
        st = pick_backend(f, &be, err);
    if (st == CHAPTAG_OK)
        st = be->read(f, path, list, info ? info : &scratch, err);
    ct_file_close(f);
    if (st != CHAPTAG_OK) {
        chaptag_chapters_free(list);
        return st;
    }
    *out = list;
    return CHAPTAG_OK;
}

void chaptag_embed_opts_init(chaptag_embed_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->id3v2_version = 3;
    opts->padding = -1;
    opts->duration_ms = CHAPTAG_TIME_NONE;
}

void chaptag_report_free(chaptag_report *report)
{
    if (report == NULL)
        return;
    ct_buf_free(&report->plan);
    ct_warnings_clear(&report->warnings);
    free(report);
}

/* What a write must read back as: BE's reading of the new file holds exactly WANT (NULL: no
   chapters), titles cut to TITLE_MAX bytes where the container cuts them. */
typedef struct {
    const ct_backend *be;
    const char *path;
    const chaptag_chapters *want;
    size_t title_max;
} proof;

/* The check every native write passes before it is reported done: the new file parses with
   the backend's own reader and holds exactly the intended chapters. A failure is an I/O
   error: the bytes on disk are not the bytes planned. */
static chaptag_status prove(ct_file *written, void *ctx, chaptag_error *err)
{
    const proof *p = ctx;
    chaptag_chapters *got = chaptag_chapters_new(), *none = chaptag_chapters_new();
    chaptag_file_info info;
    chaptag_error e;
    char why[200];
    chaptag_status st = got && none ? p->be->read(written, p->path, got, &info, &e)
                                    : CHAPTAG_ERR_NOMEM;
    if (st == CHAPTAG_ERR_NOMEM)
        st = ct_fail_nomem(err);
    else if (st != CHAPTAG_OK)
        st = ct_fail(err, CHAPTAG_ERR_IO, 0, "what was written does not read back (%s); the "
                     "file was left as it was", e.msg);
    else if (st == CHAPTAG_OK && !ct_chapters_match(p->want ? p->want : none, got, p->title_max,
                                                    why, sizeof why))
        st = ct_fail(err, CHAPTAG_ERR_IO, 0, "what was written reads back wrong (%s); the file "
                     "was left as it was", why);
    chaptag_chapters_free(got);
    chaptag_chapters_free(none);
    return st;
}

/* Embeds LIST (NULL: strips) as OPTS says. */
static chaptag_status write_chapters(const char *path, const chaptag_chapters *list,
                                     const chaptag_embed_opts *opts, chaptag_report **report,
                                     chaptag_error *err)
{
    chaptag_embed_opts defaults;
    if (opts == NULL) {
        chaptag_embed_opts_init(&defaults);
        opts = &defaults;
    }
    if (opts->id3v2_version != 3 && opts->id3v2_version != 4)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "ID3v2 version %d: only 3 and 4 can be written",
                       opts->id3v2_version);
    chaptag_report *rep = ct_calloc(1, sizeof *rep);
    if (rep == NULL)
        return ct_fail_nomem(err);
    ct_file *f = NULL;
    ct_plan plan = CT_PLAN_INIT;
    const ct_backend *be;
    bool edit = opts->output == NULL && !opts->dry_run;
    chaptag_status st = ct_file_open(path, edit ? CT_OPEN_EDIT : CT_OPEN_READ, &f, err);
    if (st == CHAPTAG_OK)
        st = pick_backend(f, &be, err);
    if (st == CHAPTAG_OK && opts->output != NULL && ct_file_same(f, opts->output))
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the output %s is the input file itself",
                     opts->output);
    if (st == CHAPTAG_OK && be->write != NULL)
        st = be->write(f, path, list, opts, rep, err);
    else if (st == CHAPTAG_OK)
        st = be->plan(f, list, opts, &plan, rep, err);
    ct_buf_put_u8(&rep->plan, 0); /* the plan is read as a string */
    rep->plan.len -= rep->plan.len > 0;
    if (st == CHAPTAG_OK && !ct_buf_ok(&rep->plan))
        st = ct_fail_nomem(err);
    bool planned = st == CHAPTAG_OK && be->write == NULL;
    if (planned && !opts->dry_run && (plan.n > 0 || opts->output != NULL)) {
        ct_apply_result res;
        proof p = {be, path, list, list && be == &ct_backend_mp4 && opts->mp4_style == CHAPTAG_MP4_NERO
                                       ? CT_MP4_CHPL_TITLE_MAX : SIZE_MAX};
        st = ct_plan_apply_checked(f, path, &plan, opts->output, prove, &p, &res, err);
        rep->bytes_written = res.bytes_written;
        rep->kind = !res.in_place ? CHAPTAG_WROTE_FILE
                    : res.bytes_written > 0 ? CHAPTAG_WROTE_IN_PLACE
                                            : CHAPTAG_WROTE_NOTHING;
    }
    ct_plan_free(&plan);
    ct_file_close(f);
    if (st != CHAPTAG_OK || report == NULL) {
        chaptag_report_free(rep);
        return st;
    }
    *report = rep;
    return CHAPTAG_OK;
}

chaptag_status chaptag_embed(const char *path, const chaptag_chapters *list,
                             const chaptag_embed_opts *opts, chaptag_report **report,
                             chaptag_error *err)
{
    return write_chapters(path, list, opts, report, err);
}

chaptag_status chaptag_strip(const char *path, const chaptag_embed_opts *opts,
                             chaptag_report **report, chaptag_error *err)
{
    return write_chapters(path, NULL, opts, report, err);
}

chaptag_status chaptag_parse_file(const char *path, const char *fmt, chaptag_chapters **out,
                                  chaptag_error *err)
{
    char *data;
    size_t len;
    chaptag_status st = ct_slurp(path, MAX_CHAPTER_FILE, &data, &len, err);
    if (st != CHAPTAG_OK)
        return st;
    if (fmt == NULL)
        fmt = chaptag_detect(data, len, strcmp(path, "-") == 0 ? NULL : path);
    st = chaptag_parse(data, len, fmt, out, err);
    free(data);
    return st;
}

chaptag_write_kind chaptag_report_kind(const chaptag_report *report)
{
    return report->kind;
}

int chaptag_report_in_place(const chaptag_report *report)
{
    return report->in_place;
}

uint64_t chaptag_report_bytes_written(const chaptag_report *report)
{
    return report->bytes_written;
}

uint64_t chaptag_report_tag_size(const chaptag_report *report)
{
    return report->tag_size;
}

uint64_t chaptag_report_padding(const chaptag_report *report)
{
    return report->padding;
}

const char *chaptag_report_what(const chaptag_report *report)
{
    return report->what;
}

const char *chaptag_report_plan(const chaptag_report *report)
{
    return report->plan.len ? (const char *)report->plan.data : "";
}

const chaptag_file_info *chaptag_report_info(const chaptag_report *report)
{
    return &report->info;
}

size_t chaptag_report_warning_count(const chaptag_report *report)
{
    return report->warnings.n;
}

const chaptag_warning *chaptag_report_warning(const chaptag_report *report, size_t index)
{
    return index < report->warnings.n ? &report->warnings.v[index] : NULL;
}

/* The MIME type of a picture by its first bytes, or NULL when it is neither JPEG nor PNG. */
static const char *image_type(const unsigned char *p, size_t n)
{
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF};
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (n >= sizeof jpeg && memcmp(p, jpeg, sizeof jpeg) == 0)
        return "image/jpeg";
    if (n >= sizeof png && memcmp(p, png, sizeof png) == 0)
        return "image/png";
    return NULL;
}

/* True when IMAGE names a remote picture (or inline data), not a local file. */
static bool is_url(const char *image)
{
    return strstr(image, "://") != NULL || strncmp(image, "data:", 5) == 0;
}

/* The path of IMAGE relative to the folder of CHAPTER_FILE; new. */
static char *image_path(const char *image, const char *chapter_file)
{
    const char *slash = chapter_file && strcmp(chapter_file, "-") != 0
                            ? strrchr(chapter_file, '/') : NULL;
    if (image[0] == '/' || slash == NULL)
        return ct_strdup(image);
    size_t dir = (size_t)(slash - chapter_file) + 1, n = strlen(image);
    char *p = ct_malloc(dir + n + 1);
    if (p != NULL) {
        memcpy(p, chapter_file, dir);
        memcpy(p + dir, image, n + 1);
    }
    return p;
}

chaptag_status chaptag_chapters_load_images(chaptag_chapters *list, const char *chapter_file,
                                            chaptag_error *err)
{
    for (size_t i = 0; i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        if (ch->image == NULL || ch->image_data != NULL || is_url(ch->image))
            continue;
        char *path = image_path(ch->image, chapter_file), *data = NULL;
        size_t len = 0;
        if (path == NULL)
            return ct_fail_nomem(err);
        chaptag_error e;
        chaptag_status st = ct_slurp(path, MAX_IMAGE_FILE, &data, &len, &e);
        const char *mime = st == CHAPTAG_OK ? image_type((unsigned char *)data, len) : NULL;
        if (st != CHAPTAG_OK)
            st = ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "cannot read the image %s: %s", path,
                         e.msg);
        else if (mime == NULL)
            st = ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the image %s is neither JPEG nor PNG",
                         path);
        else if (!ct_chapters_set_image(list, i, (unsigned char *)data, len, mime))
            st = ct_fail_nomem(err);
        else
            data = NULL;
        free(data);
        free(path);
        if (st != CHAPTAG_OK)
            return st;
    }
    return CHAPTAG_OK;
}


chaptag_status chaptag_verify(const char *path, const chaptag_chapters *expected,
                              chaptag_verdict **out, chaptag_error *err)
{
    chaptag_verdict *v = ct_calloc(1, sizeof *v);
    ct_file *f = NULL;
    const ct_backend *be;
    if (v == NULL || (v->list = chaptag_chapters_new()) == NULL) {
        chaptag_verdict_free(v);
        return ct_fail_nomem(err);
    }
    chaptag_status st = ct_file_open(path, CT_OPEN_READ, &f, err);
    if (st == CHAPTAG_OK)
        st = pick_backend(f, &be, err);
    if (st == CHAPTAG_OK)
        st = be->read(f, path, v->list, &v->info, err);
    if (st == CHAPTAG_OK && be->lint != NULL)
        st = be->lint(f, &v->findings, err);
    ct_file_close(f);
    if (st == CHAPTAG_OK)
        ct_verify_chapters(v->list, &v->info, expected, &v->findings);
    if (st == CHAPTAG_OK && v->findings.failed)
        st = ct_fail_nomem(err);
    if (st != CHAPTAG_OK) {
        chaptag_verdict_free(v);
        return st;
    }
    *out = v;
    return CHAPTAG_OK;
}

