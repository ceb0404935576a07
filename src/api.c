/* The public entry points that touch audio files: pick the container backend from the
   file's first bytes, read its chapters, or plan an edit and hand it to the file writer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "backend.h"
#include "formats.h"
#include "verify.h"

/* Chapter and image files are read whole; nothing sensible is bigger. */
#define MAX_CHAPTER_FILE (64u << 20)

/* Native containers first, libavformat for the rest (its sniffer takes anything). */
static const ct_backend *const backends[] = {&ct_backend_mp3, &ct_backend_mp4, &ct_backend_ogg,
                                             &ct_backend_flac, &ct_backend_wav,
                                             &ct_backend_avformat};

chaptag_status ct_pick_backend(ct_file *f, const ct_backend **out, chaptag_error *err)
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
    return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "not an audio file chaptag can read (MP3, "
                   "MP4/M4A/M4B, Ogg, FLAC, WAV, Matroska)");
}

chaptag_kind chaptag_file_kind(const char *path)
{
    ct_file *f = NULL;
    uint8_t head[CT_SNIFF_HEAD];
    size_t got = 0;
    chaptag_kind kind = CHAPTAG_KIND_NONE;
    if (ct_file_open(path, CT_OPEN_READ, &f, NULL) != CHAPTAG_OK)
        return kind;
    if (ct_file_read(f, 0, head, sizeof head, &got, NULL) == CHAPTAG_OK && got > 0) {
        /* a chapter format first: a UTF-16 BOM (FF FE) would pass for an MPEG frame sync;
           then audio containers, which open with binary headers holding NUL bytes; any
           other text is taken for a chapter file, to be parsed and judged as one */
        if (chaptag_detect((const char *)head, got, path) != NULL)
            kind = CHAPTAG_KIND_CHAPTERS;
        else if (ct_backend_mp3.sniff(f, head, got) || ct_backend_mp4.sniff(f, head, got) ||
                 memchr(head, 0, got) != NULL)
            kind = CHAPTAG_KIND_AUDIO;
        else
            kind = CHAPTAG_KIND_CHAPTERS;
    }
    ct_file_close(f);
    return kind;
}

/* An audio file as the API holds it: open, locked, and opened by its container once. */
typedef struct {
    ct_file *f;
    const ct_backend *be;
    void *state;
} opened;

static void close_audio(opened *o)
{
    if (o->be != NULL)
        o->be->close(o->state);
    ct_file_close(o->f);
    memset(o, 0, sizeof *o);
}

/* Opens F (already open, from PATH) with its container; O takes F over. */
static chaptag_status open_container(ct_file *f, const char *path, opened *o, chaptag_error *err)
{
    const ct_backend *be;
    memset(o, 0, sizeof *o);
    o->f = f;
    chaptag_status st = ct_pick_backend(f, &be, err);
    if (st == CHAPTAG_OK)
        st = be->open(f, path, &o->state, err);
    if (st == CHAPTAG_OK)
        o->be = be;
    return st;
}

/* Opens the audio file at PATH in MODE with its container. On failure O holds nothing. */
static chaptag_status open_audio(const char *path, ct_open_mode mode, opened *o,
                                 chaptag_error *err)
{
    ct_file *f = NULL;
    memset(o, 0, sizeof *o);
    chaptag_status st = ct_file_open(path, mode, &f, err);
    if (st == CHAPTAG_OK)
        st = open_container(f, path, o, err);
    else
        ct_file_close(f);
    if (st != CHAPTAG_OK)
        close_audio(o);
    return st;
}

/* The duration chapters are checked against: the one OPTS gives, else the measured one. */
static uint64_t duration_for(const opened *o, const chaptag_embed_opts *opts)
{
    return opts->duration_ms != CHAPTAG_TIME_NONE ? opts->duration_ms : o->be->duration(o->state);
}

chaptag_status ct_backend_read(const ct_backend *be, ct_file *f, const char *path,
                               chaptag_chapters *list, chaptag_file_info *info,
                               chaptag_error *err)
{
    void *state = NULL;
    chaptag_status st = be->open(f, path, &state, err);
    if (st == CHAPTAG_OK)
        st = be->read(state, list, info, err);
    if (state != NULL)
        be->close(state);
    return st;
}

chaptag_status ct_backend_plan(const ct_backend *be, ct_file *f, const chaptag_chapters *list,
                               const chaptag_embed_opts *opts, ct_plan *plan,
                               struct chaptag_report *rep, chaptag_error *err)
{
    opened o = {f, be, NULL};
    chaptag_status st = be->open(f, "", &o.state, err);
    if (st == CHAPTAG_OK && list != NULL)
        st = chaptag_chapters_validate(list, duration_for(&o, opts), err);
    if (st == CHAPTAG_OK)
        st = be->plan(o.state, list, opts, plan, rep, err);
    if (o.state != NULL)
        be->close(o.state);
    return st;
}

chaptag_status ct_backend_lint(const ct_backend *be, ct_file *f, ct_findings *out,
                               chaptag_error *err)
{
    void *state = NULL;
    chaptag_status st = be->open(f, "", &state, err);
    if (st == CHAPTAG_OK && be->lint != NULL)
        st = be->lint(state, out, err);
    if (state != NULL)
        be->close(state);
    return st;
}

chaptag_status chaptag_read(const char *path, chaptag_chapters **out, chaptag_file_info *info,
                            chaptag_error *err)
{
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_file_info scratch;
    opened o;
    if (list == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = open_audio(path, CT_OPEN_READ, &o, err);
    if (st == CHAPTAG_OK)
        st = o.be->read(o.state, list, info ? info : &scratch, err);
    close_audio(&o);
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
    unsigned keeps; /* CT_KEEPS_*: what the plan wrote besides starts and titles */
} proof;

/* NULL and "" are one string here; A and B otherwise compare as strings. */
static bool same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* True when GOT carries the links (and picture links) of WANT that KEEPS says were written;
   else WHY says the first difference. Run after ct_chapters_match() found both alike. */
static bool links_match(const chaptag_chapters *want, const chaptag_chapters *got, unsigned keeps,
                        char *why, size_t n)
{
    for (size_t i = 0; want != NULL && i < chaptag_chapters_count(want); i++) {
        const chaptag_chapter *w = chaptag_chapters_get(want, i), *g = chaptag_chapters_get(got, i);
        if ((keeps & CT_KEEPS_LINKS) && !same_str(w->url, g->url)) {
            snprintf(why, n, "chapter %zu was written with the link \"%.80s\" but reads back "
                     "with \"%.80s\"", i + 1, w->url ? w->url : "", g->url ? g->url : "");
            return false;
        }
        bool linked = chaptag_chapter_image_kind(w) == CHAPTAG_IMAGE_LINK;
        if ((keeps & CT_KEEPS_PICTURE_LINKS) && linked && !same_str(w->image, g->image)) {
            snprintf(why, n, "chapter %zu was written with the picture link \"%.80s\" but reads "
                     "back with \"%.80s\"", i + 1, w->image, g->image ? g->image : "");
            return false;
        }
    }
    return true;
}

/* The check every native write passes before it is reported done: the new file parses with
   the backend's own reader and holds exactly the intended chapters. A failure is an I/O
   error: the bytes on disk are not the bytes planned. */
static chaptag_status prove(ct_file *written, void *ctx, chaptag_error *err)
{
    const proof *p = ctx;
    chaptag_chapters *got = chaptag_chapters_new();
    chaptag_file_info info;
    chaptag_error e;
    char why[200];
    chaptag_status st = got ? ct_backend_read(p->be, written, p->path, got, &info, &e)
                            : CHAPTAG_ERR_NOMEM;
    if (st == CHAPTAG_ERR_NOMEM)
        st = ct_fail_nomem(err);
    else if (st != CHAPTAG_OK)
        st = ct_fail(err, CHAPTAG_ERR_IO, 0, "what was written does not read back (%s); the "
                     "file was left as it was", e.msg);
    else if (!ct_chapters_match(p->want, got, p->title_max, why, sizeof why) ||
             !links_match(p->want, got, p->keeps, why, sizeof why))
        st = ct_fail(err, CHAPTAG_ERR_IO, 0, "what was written reads back wrong (%s); the file "
                     "was left as it was", why);
    chaptag_chapters_free(got);
    return st;
}

/* A link goes into a published episode: http or https only (no javascript:, data:, file:),
   and no control characters a player could be fooled by. */
static chaptag_status check_links(const chaptag_chapters *list, chaptag_error *err)
{
    for (size_t i = 0; list != NULL && i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        if (ch->url == NULL)
            continue;
        bool web = strncasecmp(ch->url, "http://", 7) == 0 || strncasecmp(ch->url, "https://", 8) == 0;
        for (const unsigned char *p = (const unsigned char *)ch->url; *p && web; p++)
            web = *p >= 0x20 && *p != 0x7f;
        if (!web)
            return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the link \"%.80s\" is not an "
                           "http or https address (or holds control characters)", ch->url);
    }
    return CHAPTAG_OK;
}

/* Says, once per kind, what LIST holds that the plan in REP does not write into the
   container NAME: nothing given is dropped without a word. */
static void warn_unkept(const chaptag_chapters *list, const char *name, chaptag_report *rep)
{
    size_t links = 0, pictures = 0, picture_links = 0, files = 0;
    unsigned first[4] = {0};
    for (size_t i = 0; i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        chaptag_image_kind k = chaptag_chapter_image_kind(ch);
        if (ch->url != NULL && !(rep->keeps & CT_KEEPS_LINKS) && links++ == 0)
            first[0] = ch->line;
        if (k == CHAPTAG_IMAGE_EMBEDDED && !(rep->keeps & CT_KEEPS_PICTURES) && pictures++ == 0)
            first[1] = ch->line;
        if (k == CHAPTAG_IMAGE_LINK && !(rep->keeps & CT_KEEPS_PICTURE_LINKS) &&
            picture_links++ == 0)
            first[2] = ch->line;
        if (k == CHAPTAG_IMAGE_FILE && files++ == 0)
            first[3] = ch->line;
    }
    if (links > 0)
        ct_warn(&rep->warnings, first[0], "%zu chapter link%s not written: %s chapters as "
                "chaptag writes them have no place for links", links,
                links == 1 ? " is" : "s are", name);
    bool mp4 = strcmp(name, "MP4") == 0; /* pictures there are opt-in */
    if (pictures > 0 && mp4)
        ct_warn(&rep->warnings, first[1], "%zu chapter picture%s not written: MP4 chapter "
                "pictures are opt-in (--mp4-images), as some players refuse files with a "
                "chapter image track", pictures, pictures == 1 ? " is" : "s are");
    else if (pictures > 0)
        ct_warn(&rep->warnings, first[1], "%zu chapter picture%s not written: %s chapters as "
                "chaptag writes them have no place for pictures", pictures,
                pictures == 1 ? " is" : "s are", name);
    if (picture_links > 0)
        ct_warn(&rep->warnings, first[2], "%zu chapter picture%s given as a URL %s not written: "
                "%s chapters hold no picture links%s", picture_links,
                picture_links == 1 ? "" : "s", picture_links == 1 ? "is" : "are", name,
                rep->keeps & CT_KEEPS_PICTURES || mp4 ? "; --image-dir DIR (a folder holding "
                "the files) or --fetch-images embeds them" : "");
    if (files > 0)
        ct_warn(&rep->warnings, first[3], "%zu chapter picture file%s not loaded, so not "
                "written (chaptag_chapters_load_images() loads them)", files,
                files == 1 ? " was" : "s were");
}

/* Who hears how far a rewrite has got: FN (may be NULL) with CTX. */
typedef struct {
    chaptag_progress_fn fn;
    void *ctx;
} progress;

/* Carries out PLAN on the file O holds (from PATH), proven to hold LIST before it is done,
   telling PROG how far a rewrite has got. */
static chaptag_status apply_proven(const opened *o, const char *path, const chaptag_chapters *list,
                                   const chaptag_embed_opts *opts, const ct_plan *plan,
                                   const progress *prog, chaptag_report *rep, chaptag_error *err)
{
    ct_apply_result res;
    proof p = {o->be, path, list, rep->title_cut ? rep->title_cut : SIZE_MAX, rep->keeps};
    ct_apply_hooks hooks = {prove, &p, prog->fn, prog->ctx};
    chaptag_status st = ct_plan_apply_hooked(o->f, path, plan, opts->output, &hooks, &res, err);
    rep->bytes_written = res.bytes_written;
    rep->kind = !res.in_place           ? CHAPTAG_WROTE_FILE
                : res.bytes_written > 0 ? CHAPTAG_WROTE_IN_PLACE
                                        : CHAPTAG_WROTE_NOTHING;
    return st;
}

/* Embeds LIST (NULL: strips) as OPTS says, telling PROG how far a rewrite has got. */
static chaptag_status write_chapters(const char *path, const chaptag_chapters *list,
                                     const chaptag_embed_opts *opts, const progress *prog,
                                     chaptag_report **report, chaptag_error *err)
{
    chaptag_embed_opts defaults;
    if (opts == NULL) {
        chaptag_embed_opts_init(&defaults);
        opts = &defaults;
    }
    if (opts->id3v2_version != 3 && opts->id3v2_version != 4)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "ID3v2 version %d: only 3 and 4 can be written",
                       opts->id3v2_version);
    if (list != NULL && chaptag_chapters_count(list) > CT_CHAPTERS_MAX)
        return ct_fail(err, CHAPTAG_ERR_INPUT, chaptag_chapters_get(list, CT_CHAPTERS_MAX)->line,
                       "more than 10,000 chapters");
    chaptag_status checked = check_links(list, err);
    if (checked != CHAPTAG_OK)
        return checked;
    chaptag_report *rep = ct_calloc(1, sizeof *rep);
    if (rep == NULL)
        return ct_fail_nomem(err);
    ct_plan plan = CT_PLAN_INIT;
    opened o;
    bool edit = opts->output == NULL && !opts->dry_run;
    chaptag_status st = open_audio(path, edit ? CT_OPEN_EDIT : CT_OPEN_READ, &o, err);
    const ct_backend *be = o.be;
    if (st == CHAPTAG_OK && opts->output != NULL && ct_file_same(o.f, opts->output))
        st = ct_fail(err, CHAPTAG_ERR_INPUT, 0, "the output %s is the input file itself",
                     opts->output);
    /* the list is checked here once, against the duration every container then uses */
    if (st == CHAPTAG_OK && list != NULL)
        st = chaptag_chapters_validate(list, duration_for(&o, opts), err);
    if (st == CHAPTAG_OK && be->write != NULL)
        st = be->write(o.state, list, opts, rep, err);
    else if (st == CHAPTAG_OK)
        st = be->plan(o.state, list, opts, &plan, rep, err);
    if (st == CHAPTAG_OK && list != NULL)
        warn_unkept(list, be->name, rep);
    ct_buf_put_u8(&rep->plan, 0); /* the plan is read as a string */
    rep->plan.len -= rep->plan.len > 0;
    if (st == CHAPTAG_OK && !ct_buf_ok(&rep->plan))
        st = ct_fail_nomem(err);
    bool planned = st == CHAPTAG_OK && be->write == NULL;
    if (planned && !opts->dry_run && (plan.n > 0 || opts->output != NULL))
        st = apply_proven(&o, path, list, opts, &plan, prog, rep, err);
    ct_plan_free(&plan);
    close_audio(&o);
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
    progress none = {NULL, NULL};
    return write_chapters(path, list, opts, &none, report, err);
}

chaptag_status chaptag_strip(const char *path, const chaptag_embed_opts *opts,
                             chaptag_report **report, chaptag_error *err)
{
    progress none = {NULL, NULL};
    return write_chapters(path, NULL, opts, &none, report, err);
}

chaptag_status chaptag_embed_progress(const char *path, const chaptag_chapters *list,
                                      const chaptag_embed_opts *opts,
                                      chaptag_progress_fn progress_fn, void *ctx,
                                      chaptag_report **report, chaptag_error *err)
{
    progress prog = {progress_fn, ctx};
    return write_chapters(path, list, opts, &prog, report, err);
}

chaptag_status chaptag_strip_progress(const char *path, const chaptag_embed_opts *opts,
                                      chaptag_progress_fn progress_fn, void *ctx,
                                      chaptag_report **report, chaptag_error *err)
{
    progress prog = {progress_fn, ctx};
    return write_chapters(path, NULL, opts, &prog, report, err);
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

/* The folder of CHAPTER_FILE ("." for none or "-"), resolved; new, or NULL. */
static char *chapter_dir(const char *chapter_file)
{
    const char *slash = chapter_file && strcmp(chapter_file, "-") != 0
                            ? strrchr(chapter_file, '/') : NULL;
    char *dir = slash == NULL ? ct_strdup(".")
                              : ct_strndup(chapter_file, slash == chapter_file
                                                             ? 1 : (size_t)(slash - chapter_file));
    char *real = dir ? ct_path_resolve(dir) : NULL;
    free(dir);
    return real;
}

/* True when the resolved path REAL lies inside the resolved folder ROOT. */
static bool inside(const char *real, const char *root)
{
    size_t n = strlen(root);
    if (strcmp(root, "/") == 0)
        return true;
    return strncmp(real, root, n) == 0 && real[n] == '/';
}

/* The resolved path of IMAGE (relative to the folder DIR), when it lies inside DIR or one of
   the N_DIRS folders of IMAGE_DIRS: a chapter file reaches no picture outside the folders the
   user pointed at (a published episode must not carry ~/.ssh's neighbours). New. */
static chaptag_status image_path(const char *image, const char *dir,
                                 const char *const *image_dirs, size_t n_dirs, unsigned line,
                                 char **out, chaptag_error *err)
{
    size_t n = strlen(dir) + strlen(image) + 2;
    char *joined = ct_malloc(n);
    if (joined == NULL)
        return ct_fail_nomem(err);
    snprintf(joined, n, "%s/%s", dir, image);
    char *real = ct_path_resolve(image[0] == '/' ? image : joined);
    free(joined);
    char reason[128];
    if (real == NULL)
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "cannot read the image %s: %s", image,
                       ct_strerror(errno, reason, sizeof reason));
    bool ok = inside(real, dir);
    for (size_t i = 0; i < n_dirs && !ok; i++) {
        char *root = ct_path_resolve(image_dirs[i]);
        ok = root != NULL && inside(real, root);
        free(root);
    }
    if (!ok) {
        free(real);
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "the image %s lies outside the chapter "
                       "file's folder; allow its folder with --image-dir DIR", image);
    }
    *out = real;
    return CHAPTAG_OK;
}

/* Reads the picture at PATH for chapter INDEX, NAME being what messages call it; *TOTAL counts
   the bytes of the list's pictures. */
static chaptag_status read_image(chaptag_chapters *list, size_t index, const char *path,
                                 const char *name, uint64_t *total, chaptag_error *err)
{
    const chaptag_chapter *ch = chaptag_chapters_get(list, index);
    char *data = NULL;
    size_t len = 0;
    chaptag_error e;
    chaptag_status st = ct_slurp_regular(path, CT_PICTURE_MAX, &data, &len, &e);
    const char *mime = st == CHAPTAG_OK ? ct_image_mime((unsigned char *)data, len) : NULL;
    *total += len;
    if (st != CHAPTAG_OK)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "cannot read the image %s: %s", name,
                     e.msg);
    else if (mime == NULL)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the image %s is neither JPEG nor PNG",
                     name);
    else if (*total > CT_PICTURES_TOTAL_MAX)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the pictures of the list pass %u MiB, "
                     "more than an ID3v2 tag can hold", CT_PICTURES_TOTAL_MAX >> 20);
    else if (!ct_chapters_set_image(list, index, (unsigned char *)data, len, mime))
        st = ct_fail_nomem(err);
    else
        data = NULL;
    free(data);
    return st;
}

/* The value of hex digit C, or -1. */
static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* The file name the http(s) URL of chapter CH's picture ends in: the last segment of its path,
   query and fragment cut, percent-decoded (a '%' not followed by two hex digits stays); new,
   or NULL when the path ends in a slash (a folder: nothing to look for). A name that is "."
   or "..", or holds a slash or NUL once decoded, is refused: it names no file in a folder. */
static chaptag_status link_file_name(const chaptag_chapter *ch, char **out, chaptag_error *err)
{
    const char *url = ch->image, *host = strstr(url, "://") + 3;
    const char *end = host + strcspn(host, "?#");
    const char *path = host + strcspn(host, "/?#"), *seg = end;
    while (seg > path && seg[-1] != '/')
        seg--;
    char *name = ct_malloc((size_t)(end - seg) + 1);
    if (name == NULL)
        return ct_fail_nomem(err);
    size_t n = 0;
    bool bad = false;
    for (const char *p = seg; p < end; p++) {
        int hi = *p == '%' && end - p > 2 ? hex_value(p[1]) : -1;
        int lo = hi >= 0 ? hex_value(p[2]) : -1;
        char c = lo >= 0 ? (char)(hi << 4 | lo) : *p;
        p += lo >= 0 ? 2 : 0;
        bad = bad || c == '/' || c == '\0';
        name[n++] = c;
    }
    name[n] = '\0';
    if (bad || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        free(name);
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the picture link \"%.80s\" names no "
                       "file to look for in --image-dir: the last part of its path is \".\" or "
                       "\"..\", or holds a slash", url);
    }
    if (n == 0) { /* "https://cdn.example/art/": a folder, no file to look for; stays a link */
        free(name);
        name = NULL;
    }
    *out = name;
    return CHAPTAG_OK;
}

/* Looks the picture of chapter INDEX, an http(s) URL, up in the N_DIRS folders of IMAGE_DIRS
   (in order) as the file its URL names, and loads the first found; a picture not found stays a
   link. A file found must lie (symlinks resolved) inside one of those folders. */
static chaptag_status find_linked_image(chaptag_chapters *list, size_t index,
                                        const char *const *image_dirs, size_t n_dirs,
                                        uint64_t *total, chaptag_error *err)
{
    const chaptag_chapter *ch = chaptag_chapters_get(list, index);
    char *name = NULL, *path = NULL, *real = NULL, reason[128];
    chaptag_status st = link_file_name(ch, &name, err);
    for (size_t i = 0; name != NULL && i < n_dirs && st == CHAPTAG_OK && real == NULL; i++) {
        size_t n = strlen(image_dirs[i]) + strlen(name) + 2;
        free(path);
        path = ct_malloc(n);
        if (path != NULL)
            snprintf(path, n, "%s/%s", image_dirs[i], name);
        real = path != NULL ? ct_path_resolve(path) : NULL;
        if (path == NULL)
            st = ct_fail_nomem(err);
        else if (real == NULL && errno != ENOENT && errno != ENOTDIR)
            st = ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "cannot read the image %s: %s", path,
                         ct_strerror(errno, reason, sizeof reason));
    }
    bool ok = false;
    for (size_t i = 0; i < n_dirs && real != NULL && !ok; i++) {
        char *root = ct_path_resolve(image_dirs[i]);
        ok = root != NULL && inside(real, root);
        free(root);
    }
    if (real != NULL && !ok)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the image %s lies outside the folders "
                     "given with --image-dir", path);
    else if (real != NULL)
        st = read_image(list, index, real, path, total, err);
    free(real);
    free(path);
    free(name);
    return st;
}

/* True when S is an http or https address. */
static bool web_address(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

chaptag_status chaptag_chapters_load_images_from(chaptag_chapters *list, const char *chapter_file,
                                                 const char *const *image_dirs, size_t n_dirs,
                                                 chaptag_error *err)
{
    char *dir = chapter_dir(chapter_file);
    if (dir == NULL)
        return ct_fail_errno(err, "cannot resolve the chapter file's folder");
    chaptag_status st = CHAPTAG_OK;
    uint64_t total = 0;
    for (size_t i = 0; i < chaptag_chapters_count(list) && st == CHAPTAG_OK; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        char *path = NULL;
        if (ch->image_data != NULL)
            total += ch->image_len;
        chaptag_image_kind kind = chaptag_chapter_image_kind(ch);
        if (kind == CHAPTAG_IMAGE_LINK && n_dirs > 0 && web_address(ch->image))
            st = find_linked_image(list, i, image_dirs, n_dirs, &total, err);
        if (kind != CHAPTAG_IMAGE_FILE)
            continue;
        st = image_path(ch->image, dir, image_dirs, n_dirs, ch->line, &path, err);
        if (st == CHAPTAG_OK)
            st = read_image(list, i, path, ch->image, &total, err);
        free(path);
    }
    free(dir);
    return st;
}

chaptag_status chaptag_chapters_load_images(chaptag_chapters *list, const char *chapter_file,
                                            chaptag_error *err)
{
    return chaptag_chapters_load_images_from(list, chapter_file, NULL, 0, err);
}

chaptag_status chaptag_verify(const char *path, const chaptag_chapters *expected,
                              chaptag_verdict **out, chaptag_error *err)
{
    chaptag_verdict *v = ct_calloc(1, sizeof *v);
    opened o;
    if (v == NULL || (v->list = chaptag_chapters_new()) == NULL) {
        chaptag_verdict_free(v);
        return ct_fail_nomem(err);
    }
    chaptag_status st = open_audio(path, CT_OPEN_READ, &o, err); /* read once: chapters, lint */
    if (st == CHAPTAG_OK)
        st = o.be->read(o.state, v->list, &v->info, err);
    if (st == CHAPTAG_OK && o.be->lint != NULL)
        st = o.be->lint(o.state, &v->findings, err);
    int has_cover = st == CHAPTAG_OK && o.be->has_cover != NULL ? o.be->has_cover(o.state) : -1;
    close_audio(&o);
    if (st == CHAPTAG_OK)
        ct_verify_chapters(v->list, &v->info, has_cover, expected, &v->findings);
    if (st == CHAPTAG_OK && v->findings.failed)
        st = ct_fail_nomem(err);
    if (st != CHAPTAG_OK) {
        chaptag_verdict_free(v);
        return st;
    }
    *out = v;
    return CHAPTAG_OK;
}

