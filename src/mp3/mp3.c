/* MP3 files: ID3v2 tag(s) in front, MPEG audio, trailing tags (APEv2, ID3v1) at the end.
   Reads the chapters from the tag, and plans a new tag that replaces the old one: written in
   place when it fits the old tag and its padding, else with fresh padding for the next edit.
   The audio and the trailing tags are never part of an edit. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "id3lint.h"
#include "id3v2.h"
#include "mpeg.h"

/* ID3v2 sizes are 28-bit sync-safe numbers. */
#define ID3_MAX_BODY 0x0FFFFFFFu

/* How far past the tags the sniffer looks for the first frame when the file starts with
   neither a tag nor a frame (FFmpeg's mp3 probe looks as far); the probe, once the file is
   taken for MP3, looks further. */
#define SNIFF_WINDOW (64u << 10)

/* What some taggers put an ID3v2 tag in front of that is not MPEG audio (readers skip the tag
   and find these): RIFF/RF64 WAV, AIFF, FLAC, Ogg, Matroska, AAC (ADIF, or ADTS: the MPEG
   sync with layer 0), and MP4 boxes. */
static bool foreign_magic(const uint8_t p[8])
{
    static const char magic[][5] = {
        "RIFF", "RF64", "FORM", "fLaC", "OggS", "ADIF", "\x1A\x45\xDF\xA3"};
    static const char box[][5] = {"ftyp", "moov", "mdat", "free", "wide", "skip"};
    for (size_t i = 0; i < sizeof magic / sizeof magic[0]; i++)
        if (memcmp(p, magic[i], 4) == 0)
            return true;
    for (size_t i = 0; i < sizeof box / sizeof box[0]; i++)
        if (memcmp(p + 4, box[i], 4) == 0)
            return true;
    return p[0] == 0xFF && (p[1] & 0xF6) == 0xF0;
}

/* An MP3 starts with ID3v2 tags (unless another container follows them), or with MPEG frames,
   maybe after junk: zeros, garbage, a frame cut short. HEAD is F's first N bytes; F may be
   NULL, and then only HEAD is looked at. */
static bool mp3_sniff(ct_file *f, const uint8_t *head, size_t n)
{
    uint8_t b[10];
    uint64_t tags = 0, size;
    while (ct_file_read_sniffed(f, head, n, tags, b, sizeof b) && (size = ct_id3v2_tag_size(b)) > 0)
        tags += size;
    if (ct_file_read_sniffed(f, head, n, tags, b, 8) && foreign_magic(b))
        return false;
    ct_mpeg_frame fr;
    if (tags > 0 || (n >= 4 && ct_mpeg_header_parse(head, &fr)))
        return true; /* the probe finds the frames, or says there are none */
    ct_file *mem = f == NULL ? ct_file_memory(head, n) : NULL;
    bool found = (f != NULL || mem != NULL) && ct_mpeg_sniff(f ? f : mem, 0, SNIFF_WINDOW);
    ct_file_close(mem);
    return found;
}

/* The prepended tag(s) of an MP3 file, parsed and as bytes. */
typedef struct {
    ct_id3_tag *tag; /* NULL when the file has none */
    uint8_t *raw;    /* the tag's bytes as they stand in the file */
    ct_mpeg_info mp;
} mp3_file;

static void mp3_file_free(mp3_file *m)
{
    ct_id3v2_tag_free(m->tag);
    free(m->raw);
    memset(m, 0, sizeof *m);
}

/* The size of every ID3v2 tag at the start of F (0: none); a tag claiming more than the file
   holds is refused, since what follows it cannot be placed. */
static chaptag_status tag_extent(ct_file *f, uint64_t *total, chaptag_error *err)
{
    uint64_t over;
    chaptag_status st = ct_mpeg_tags_extent(f, total, &over, err);
    if (st == CHAPTAG_OK && over != 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0,
                       "the ID3v2 tag at offset %" PRIu64 " claims %" PRIu64
                       " bytes, past the end of the file (%" PRIu64 " bytes)",
                       *total, over, ct_file_size(f));
    return st;
}

/* Reads the tag and measures the audio: what reading and planning both need. */
static chaptag_status mp3_open(ct_file *f, mp3_file *m, chaptag_error *err)
{
    uint64_t total;
    memset(m, 0, sizeof *m);
    chaptag_status st = tag_extent(f, &total, err);
    if (st == CHAPTAG_OK && total > 0) {
        m->raw = ct_malloc(total);
        st = m->raw ? ct_file_read(f, 0, m->raw, total, NULL, err) : ct_fail_nomem(err);
        if (st == CHAPTAG_OK)
            st = ct_id3v2_parse(m->raw, total, &m->tag, err);
    }
    if (st == CHAPTAG_OK)
        st = ct_mpeg_probe(f, total, &m->mp, err);
    if (st != CHAPTAG_OK)
        mp3_file_free(m);
    return st;
}

static void fill_info(chaptag_file_info *info, const ct_id3_tag *tag, const ct_mpeg_info *mp,
                      uint64_t file_size)
{
    memset(info, 0, sizeof *info);
    snprintf(info->container, sizeof info->container, "MP3");
    if (tag == NULL)
        snprintf(info->tag, sizeof info->tag, "no ID3v2 tag");
    else if (tag->n_tags > 1)
        snprintf(info->tag, sizeof info->tag, "ID3v2.%u (%u stacked tags)", tag->version,
                 tag->n_tags);
    else
        snprintf(info->tag, sizeof info->tag, "ID3v2.%u", tag->version);
    snprintf(info->flavours, sizeof info->flavours, "%s",
             tag != NULL && ct_id3v2_has_chapters(tag) ? "ID3v2 CHAP/CTOC" : "none");
    info->duration_ms = mp->duration_ms;
    snprintf(info->duration_source, sizeof info->duration_source, "%s", mp->duration_source);
    info->file_size = file_size;
}

/* The standard tags dump shows, as list metadata. */
static chaptag_status read_standard_tags(const ct_id3_tag *tag, chaptag_chapters *list,
                                         chaptag_error *err)
{
    static const struct {
        const char *id, *key;
    } map[] = {{"TIT2", "title"}, {"TPE1", "artist"}, {"TALB", "album"}, {"TDRC", "year"}};
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; i < sizeof map / sizeof map[0] && st == CHAPTAG_OK; i++) {
        ct_buf b = CT_BUF_INIT;
        if (ct_id3v2_text(tag, map[i].id, &b)) {
            char *v = (char *)ct_buf_take(&b, NULL);
            if (v == NULL)
                return ct_fail_nomem(err);
            if (strcmp(map[i].key, "year") == 0 && strlen(v) > 4)
                v[4] = '\0'; /* TDRC is a timestamp; the year is what players show */
            st = chaptag_chapters_set_meta(list, map[i].key, v, err);
            free(v);
        }
        ct_buf_free(&b);
    }
    return st;
}

/* An MP3 file opened: its tag parsed and its audio measured, once. */
typedef struct {
    ct_file *f;
    mp3_file m;
} mp3_state;

static chaptag_status mp3_open_state(ct_file *f, const char *path, void **state,
                                     chaptag_error *err)
{
    (void)path;
    mp3_state *s = ct_calloc(1, sizeof *s);
    if (s == NULL)
        return ct_fail_nomem(err);
    s->f = f;
    chaptag_status st = mp3_open(f, &s->m, err);
    if (st != CHAPTAG_OK) {
        free(s);
        return st;
    }
    *state = s;
    return CHAPTAG_OK;
}

static void mp3_close(void *state)
{
    mp3_state *s = state;
    if (s == NULL)
        return;
    mp3_file_free(&s->m);
    free(s);
}

static uint64_t mp3_duration(void *state)
{
    return ((const mp3_state *)state)->m.mp.duration_ms;
}

static chaptag_status mp3_read(void *state, chaptag_chapters *list, chaptag_file_info *info,
                               chaptag_error *err)
{
    const mp3_state *s = state;
    chaptag_status st = CHAPTAG_OK;
    if (s->m.tag != NULL) {
        ct_warnings_append(ct_chapters_warnings(list), &s->m.tag->warnings);
        st = ct_id3v2_chapters(s->m.tag, list, err);
        if (st == CHAPTAG_OK)
            st = read_standard_tags(s->m.tag, list, err);
    }
    fill_info(info, s->m.tag, &s->m.mp, ct_file_size(s->f));
    return st;
}

/* Warns about given end times past the audio: they are cut to its end. */
static void warn_late_ends(const chaptag_chapters *list, uint64_t duration_ms, ct_warnings *w)
{
    char a[CT_TIME_STR_MAX], b[CT_TIME_STR_MAX];
    for (size_t i = 0; i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        if (ch->end_ms != CHAPTAG_TIME_NONE && ch->end_ms > duration_ms)
            ct_warn(w, ch->line, "the end %s is past the end of the audio; cut to %s",
                    ct_time_str(ch->end_ms, a), ct_time_str_ms(duration_ms, b));
    }
}

/* Notes, once, that the pictures of LIST given as URLs are written as links, which few
   players follow. */
static void warn_picture_links(const chaptag_chapters *list, ct_warnings *w)
{
    size_t n = 0;
    unsigned first = 0;
    for (size_t i = 0; i < chaptag_chapters_count(list); i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        if (chaptag_chapter_image_kind(ch) == CHAPTAG_IMAGE_LINK && n++ == 0)
            first = ch->line;
    }
    if (n > 0)
        ct_warn(w, first, "%zu chapter picture%s given as a URL %s written as a link: most "
                "players show only embedded pictures (AntennaPod shows linked ones); a file "
                "named as the URL's last path segment in a folder given with --image-dir DIR "
                "is embedded instead", n, n == 1 ? "" : "s", n == 1 ? "is" : "are");
}

/* The padding for CONTENT bytes of frames: what fills the old tag when they fit in it (an
   edit in place), else the user's figure or the policy. */
static uint64_t choose_padding(const ct_id3_tag *tag, uint64_t content,
                               const chaptag_embed_opts *opts)
{
    if (opts->padding >= 0)
        return (uint64_t)opts->padding;
    if (tag != NULL && content <= tag->total_size - 10)
        return tag->total_size - 10 - content;
    return ct_padding_for(content, 10);
}

/* The offset in the new tag NEW (LEN bytes, frames of VERSION) where the frame holding byte
   AT starts, or where the frames end when AT lies in the padding. */
static size_t frame_start(const uint8_t *new, size_t len, int version, size_t at)
{
    ct_reader r = ct_reader_make(new + 10, len - 10);
    ct_id3_raw_frame f;
    ct_id3_walk_result res;
    do
        res = ct_id3v2_walk(&r, version, &f);
    while ((res == CT_ID3_WALK_FRAME || res == CT_ID3_WALK_EMPTY) && at >= 10 + f.end);
    return 10 + f.off;
}

/* The in-place steps from the old tag OLD to the new one NEW (same length, same header):
   the ID of the first frame that changes becomes four zero bytes, which every reader takes
   for the start of the padding (mutagen wants all four; FFmpeg and TagLib look at the first),
   so the frames before it, every tag chaptag does not own, stay visible; then the rest of the
   new frames; then that ID. A reader only ever sees the old tag, the tag without its
   chapters, or the new one. False when it cannot be done so: the header changes (a version
   conversion), which is then done by a rewrite. */
static bool plan_steps(ct_plan *plan, const uint8_t *old, const uint8_t *new, size_t len,
                       int version, bool *nomem)
{
    *nomem = false;
    if (memcmp(old, new, 10) != 0)
        return false;
    size_t first = 10, last = len;
    while (first < len && old[first] == new[first])
        first++;
    while (last > first && old[last - 1] == new[last - 1])
        last--;
    size_t b = frame_start(new, len, version, first);
    size_t id = len - b < 4 ? len - b : 4;
    static const uint8_t zeros[4] = {0, 0, 0, 0};
    bool ok = ct_plan_step(plan, b, zeros, id) &&
              (last <= b + id || ct_plan_step(plan, b + id, new + b + id, last - b - id)) &&
              ct_plan_step(plan, b, new + b, id);
    *nomem = !ok;
    return ok;
}

/* Adds to PLAN the edit that replaces the old tag (if any) with the new one: header, FRAMES,
   PADDING zeros; and the steps to do it in place when the sizes match. */
static chaptag_status plan_tag(const mp3_file *m, int version, const ct_buf *frames,
                               uint64_t padding, ct_plan *plan, chaptag_error *err)
{
    uint64_t body = frames->len + padding;
    if (body > ID3_MAX_BODY)
        return ct_fail(err, CHAPTAG_ERR_INPUT, 0,
                       "the tag would be %" PRIu64 " bytes, more than ID3v2 allows (256 MiB)",
                       body);
    ct_buf b = CT_BUF_INIT;
    ct_id3v2_render_header(version, (uint32_t)body, &b);
    ct_buf_put(&b, frames->data, frames->len);
    ct_buf_put_zeros(&b, (size_t)padding);
    size_t len;
    uint8_t *bytes = ct_buf_take(&b, &len);
    if (bytes == NULL)
        return ct_fail_nomem(err);
    uint64_t old_len = m->tag ? m->tag->total_size : 0;
    bool same_size = len == old_len;
    if (same_size && memcmp(bytes, m->raw, len) == 0) {
        free(bytes); /* the file already holds this tag: an empty plan */
        return CHAPTAG_OK;
    }
    bool nomem = false;
    if (same_size)
        plan_steps(plan, m->raw, bytes, len, version, &nomem);
    bool ok = !nomem && ct_plan_edit(plan, 0, old_len) && ct_plan_bytes_owned(plan, bytes, len);
    return ok ? CHAPTAG_OK : ct_fail_nomem(err);
}

/* A tag without chapters whose padding still holds bytes (a strip cut short left its old
   frames there behind a zeroed ID): the plan that zeroes them, from the first such byte to the
   last, in one step that readers cannot see, since they stop at the padding's first zero.
   An empty plan when the padding is clean, or where it lies is not known. */
static chaptag_status plan_clean_padding(const mp3_file *m, ct_plan *plan,
                                         struct chaptag_report *rep, chaptag_error *err)
{
    const ct_id3_tag *tag = m->tag;
    if (tag == NULL || tag->padding_off == 0)
        return CHAPTAG_OK;
    const uint8_t *pad = m->raw + tag->padding_off;
    uint64_t first = 0, last = tag->padding;
    while (first < last && pad[first] == 0)
        first++;
    while (last > first && pad[last - 1] == 0)
        last--;
    if (first == last)
        return CHAPTAG_OK;
    uint64_t off = tag->padding_off + first, len = last - first;
    bool ok = ct_plan_step_begin(plan, off) && ct_plan_zeros(plan, len) &&
              ct_plan_edit(plan, off, len) && ct_plan_zeros(plan, len);
    if (!ok)
        return ct_fail_nomem(err);
    rep->tag_size = tag->total_size;
    rep->padding = tag->padding;
    rep->in_place = true;
    snprintf(rep->what, sizeof rep->what, "ID3v2.%u tag", tag->version);
    ct_buf_printf(&rep->plan,
                  "ID3v2.%u tag at offset 0: %" PRIu64
                  " bytes of old frames in its padding zeroed, in place\n",
                  tag->version, len);
    return CHAPTAG_OK;
}

/* Fills REP's file info, a --duration given taking the measured one's place; returns the
   duration the chapters are checked and ended against. */
static uint64_t report_info(struct chaptag_report *rep, const mp3_file *m, uint64_t file_size,
                            const chaptag_embed_opts *opts)
{
    fill_info(&rep->info, m->tag, &m->mp, file_size);
    if (opts->duration_ms == CHAPTAG_TIME_NONE)
        return m->mp.duration_ms;
    rep->info.duration_ms = opts->duration_ms;
    snprintf(rep->info.duration_source, sizeof rep->info.duration_source, "--duration");
    return opts->duration_ms;
}

/* Records in REP the new tag of VERSION (FRAMES bytes of frames, PADDING bytes of padding) and
   how PLAN puts it in place of the old tag, if the file had one (HAD_TAG). */
static void report_tag(struct chaptag_report *rep, const ct_plan *plan, bool had_tag,
                       int version, size_t frames, uint64_t padding)
{
    rep->tag_size = 10 + frames + padding;
    rep->padding = padding;
    rep->in_place = plan->n == 0 || plan->n_steps > 0;
    snprintf(rep->what, sizeof rep->what, "ID3v2.%d tag", version);
    ct_buf_printf(&rep->plan, "ID3v2.%d tag at offset 0: %" PRIu64 " bytes (%zu of frames, %" PRIu64
                  " of padding), %s\n", version, rep->tag_size, frames, padding,
                  rep->in_place ? "in place of the old tag"
                  : had_tag     ? "replacing the old tag; the file is rewritten"
                                : "new; the file is rewritten");
}

static chaptag_status mp3_plan(void *state, const chaptag_chapters *list,
                               const chaptag_embed_opts *opts, ct_plan *plan,
                               struct chaptag_report *rep, chaptag_error *err)
{
    mp3_state *s = state;
    const mp3_file *m = &s->m;
    ct_buf frames = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    const ct_id3_tag *tag = m->tag;
    uint64_t duration = report_info(rep, m, ct_file_size(s->f), opts);
    if (tag != NULL)
        ct_warnings_append(&rep->warnings, &tag->warnings);
    if (list == NULL && (tag == NULL || !ct_id3v2_has_chapters(tag))) {
        st = plan_clean_padding(m, plan, rep, err); /* often an empty plan */
        goto out;
    }
    if (list != NULL) {
        warn_late_ends(list, duration, &rep->warnings);
        warn_picture_links(list, &rep->warnings);
    }
    /* WXXX and APIC in each CHAP; an image given as a URL as a linked APIC */
    rep->keeps = CT_KEEPS_LINKS | CT_KEEPS_PICTURES | CT_KEEPS_PICTURE_LINKS;
    int version = opts->id3v2_version == 4 ? 4 : 3;
    ct_id3_render_opts ro = {version, opts->toc_title ? opts->toc_title : "Chapters", duration};
    st = ct_id3v2_render_frames(tag, list, &ro, &frames, &rep->plan, &rep->warnings, err);
    if (st == CHAPTAG_OK && (!ct_buf_ok(&frames) || !ct_buf_ok(&rep->plan)))
        st = ct_fail_nomem(err);
    if (st != CHAPTAG_OK)
        goto out;
    uint64_t padding = choose_padding(tag, frames.len, opts);
    st = plan_tag(m, version, &frames, padding, plan, err);
    if (st == CHAPTAG_OK)
        report_tag(rep, plan, tag != NULL, version, frames.len, padding);
out:
    ct_buf_free(&frames);
    return st;
}

static chaptag_status mp3_lint(void *state, ct_findings *out, chaptag_error *err)
{
    const mp3_state *s = state;
    return s->m.tag != NULL ? ct_id3v2_lint(s->m.tag, s->m.mp.duration_ms, out, err) : CHAPTAG_OK;
}

/* Cover art is a picture frame of the tag itself (APIC, or PIC in ID3v2.2), outside any CHAP. */
static int mp3_has_cover(void *state)
{
    const ct_id3_tag *tag = ((const mp3_state *)state)->m.tag;
    for (size_t i = 0; tag != NULL && i < tag->n_frames; i++)
        if (strcmp(tag->frames[i].id, "APIC") == 0 || strcmp(tag->frames[i].id, "PIC") == 0)
            return 1;
    return 0;
}

const ct_backend ct_backend_mp3 = {"MP3",    mp3_sniff, mp3_open_state, mp3_duration, mp3_read,
                                   mp3_plan, NULL,      mp3_lint,       mp3_close,    mp3_has_cover};
