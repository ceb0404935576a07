/* MP4, M4A, M4B and MOV files (ISO/IEC 14496-12, Apple QuickTime File Format): chapters as
   a QuickTime chapter track (a disabled text track referenced by tref/chap, read by Apple's
   players and FFmpeg) and as Nero moov/udta/chpl (read by mutagen, TagLib, FFmpeg).

   Layout chaptag keeps: moov, then a small mdat holding the chapter titles, then a free box
   of padding; in moov, the chapter trak followed by a free box, and chpl last in udta followed
   by a free box. Each of those three is a slot with room to grow, so that:
   - a re-embed rewrites only the slots, each in steps that leave a valid file: the box is
     retyped to free (hidden, an atomic 4-byte write), grown over its slack, given its new
     content, and shown again; nothing chaptag does not own is ever hidden, and moov keeps
     its size; strip retypes the chapter boxes to free and is done;
   - otherwise the new moov is written as a copy where nothing reads (the padding after the
     old region, or past the end of the file), exposed, and the old one retyped to free;
   - otherwise the file is rewritten once, everything after moov moved and every chunk offset
     table patched (stco widened to co64 where an offset passes 4 GiB). */
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "mp4_int.h"

static bool mp4_sniff(ct_file *f, const uint8_t *head, size_t n)
{
    (void)f;
    static const char *const first[] = {"ftyp", "moov", "mdat", "free", "wide", "skip"};
    if (n < 8 || ct_load_u32be(head) == 0 || (ct_load_u32be(head) < 8 && ct_load_u32be(head) != 1))
        return false;
    for (size_t i = 0; i < sizeof first / sizeof first[0]; i++)
        if (memcmp(head + 4, first[i], 4) == 0)
            return true;
    return false;
}

/* Copies every chapter of FROM to the end of TO. */
static chaptag_status copy_chapters(chaptag_chapters *to, const chaptag_chapters *from,
                                    chaptag_error *err)
{
    for (size_t i = 0; i < chaptag_chapters_count(from); i++) {
        chaptag_status st = chaptag_chapters_add(to, chaptag_chapters_get(from, i), err);
        if (st != CHAPTAG_OK)
            return st;
    }
    return CHAPTAG_OK;
}

/* Names the chapter flavours present and their counts. */
static void name_flavours(chaptag_file_info *info, bool has_qt, size_t n_qt, bool has_nero,
                          size_t n_nero)
{
    if (has_qt && has_nero)
        snprintf(info->flavours, sizeof info->flavours,
                 "QuickTime chapter track (%zu) + Nero chpl (%zu)", n_qt, n_nero);
    else if (has_qt)
        snprintf(info->flavours, sizeof info->flavours, "QuickTime chapter track (%zu)", n_qt);
    else if (has_nero)
        snprintf(info->flavours, sizeof info->flavours, "Nero chpl (%zu)", n_nero);
}

/* An MP4 file opened: its top-level boxes scanned and moov parsed, once; the audio duration
   measured once, when first asked for (an embed asks before it plans, and plans with it). */
typedef struct {
    ct_file *f;
    mp4_file m;
    uint64_t duration_ms;
    bool measured;
} mp4_state;

static chaptag_status mp4_open_state(ct_file *f, const char *path, void **state,
                                     chaptag_error *err)
{
    (void)path;
    mp4_state *s = ct_calloc(1, sizeof *s);
    if (s == NULL)
        return ct_fail_nomem(err);
    s->f = f;
    chaptag_status st = ct_mp4_open(f, &s->m, err);
    if (st != CHAPTAG_OK) {
        free(s);
        return st;
    }
    *state = s;
    return CHAPTAG_OK;
}

static void mp4_close(void *state)
{
    mp4_state *s = state;
    if (s == NULL)
        return;
    ct_mp4_file_free(&s->m);
    free(s);
}

static uint64_t mp4_duration(void *state)
{
    mp4_state *s = state;
    if (!s->measured) {
        s->duration_ms = ct_mp4_audio_duration_ms(s->f, &s->m);
        s->measured = true;
    }
    return s->duration_ms;
}

static chaptag_status mp4_read(void *state, chaptag_chapters *list, chaptag_file_info *info,
                               chaptag_error *err)
{
    mp4_state *s = state;
    ct_file *f = s->f;
    mp4_file *mp = &s->m;
    chaptag_status st = CHAPTAG_OK;
    chaptag_chapters *qt = chaptag_chapters_new(), *nero = chaptag_chapters_new();
    size_t index = 0;
    ct_box *trak = ct_mp4_find_chapter_trak(f, mp, &index);
    ct_box *chpl = ct_box_path(ct_mp4_moov(mp), "udta/chpl");
    if (qt == NULL || nero == NULL)
        st = ct_fail_nomem(err);
    chaptag_error qt_err = {0};
    chaptag_status qt_st = st == CHAPTAG_OK && trak != NULL
                               ? ct_mp4_read_qt_chapters(f, mp, trak, &mp->tracks[index], qt, &qt_err)
                               : CHAPTAG_OK;
    if (qt_st == CHAPTAG_ERR_NOMEM)
        st = ct_fail_nomem(err);
    if (st == CHAPTAG_OK && chpl != NULL)
        st = ct_mp4_read_chpl(f, chpl, nero, err);
    /* an empty or damaged QuickTime track with chapters in chpl: players that fall back (FFmpeg,
       mutagen) show chpl's, so dump and verify do too, and say so */
    bool from_chpl = trak == NULL || (chpl != NULL && chaptag_chapters_count(nero) > 0 &&
                                      (qt_st != CHAPTAG_OK || chaptag_chapters_count(qt) == 0));
    if (st == CHAPTAG_OK && qt_st != CHAPTAG_OK && !from_chpl)
        st = ct_fail(err, qt_st, 0, "%s", qt_err.msg);
    if (st == CHAPTAG_OK && trak != NULL && from_chpl)
        ct_warn(ct_chapters_warnings(list), 0, "the QuickTime chapter track is %s (%s); the "
                "chapters are read from Nero chpl", qt_st != CHAPTAG_OK ? "damaged" : "empty",
                qt_st != CHAPTAG_OK ? qt_err.msg : "no samples");
    else if (st == CHAPTAG_OK && trak != NULL && chpl != NULL)
        ct_mp4_compare_flavours(qt, nero, ct_chapters_warnings(list), NULL);
    if (st == CHAPTAG_OK && mp->n_moov > 1)
        ct_warn(ct_chapters_warnings(list), 0, "the file has %zu moov boxes (an edit was "
                "interrupted); the first is read, as players do, and the next embed or strip "
                "turns the others into free space", mp->n_moov);
    if (st == CHAPTAG_OK)
        st = copy_chapters(list, from_chpl ? nero : qt, err);
    if (st == CHAPTAG_OK)
        st = ct_mp4_read_standard_tags(f, mp, list, err);
    if (st == CHAPTAG_OK) {
        ct_mp4_fill_info(info, mp, mp4_duration(s), ct_file_size(f));
        name_flavours(info, trak != NULL, chaptag_chapters_count(qt), chpl != NULL,
                      chaptag_chapters_count(nero));
    }
    chaptag_chapters_free(qt);
    chaptag_chapters_free(nero);
    return st;
}

/* Adds the dry-run description of JOB to the report. */
static void describe(const embed_job *j, const new_sizes *ns, struct chaptag_report *rep)
{
    size_t n = j->list ? chaptag_chapters_count(j->list) : 0;
    char a[CT_TIME_STR_MAX];
    if (j->qt) {
        ct_buf_printf(&rep->plan, "trak %" PRIu32 ": QuickTime chapter track, text, disabled, "
                      "timescale 1000, %zu samples%s, duration %s\n", j->chapter_id, j->q.n,
                      j->q.filler ? " (an untitled filler at 0 first)" : "",
                      ct_time_str_ms(j->duration_ms, a));
        if (j->q.pic_off != NULL)
            ct_buf_printf(&rep->plan, "trak %" PRIu32 ": chapter image track, jpeg %ux%u, "
                          "disabled, %zu samples, %zu bytes of pictures\n", j->image_id,
                          j->q.width, j->q.height, j->q.n, j->q.data.len - j->q.text_len);
        if (j->q.pic_off != NULL)
            ct_buf_printf(&rep->plan, "tref/chap on the audio track -> %" PRIu32 ", %" PRIu32
                          "\n", j->chapter_id, j->image_id);
        else
            ct_buf_printf(&rep->plan, "tref/chap on the audio track -> %" PRIu32 "\n",
                          j->chapter_id);
        if (ns->tail > 0)
            ct_buf_printf(&rep->plan, "mdat: %" PRIu64 " bytes of chapter titles at the end of "
                          "the audio's\n", ns->tail);
        else
            ct_buf_printf(&rep->plan, "mdat: %" PRIu64 " bytes of chapter titles\n", ns->mdat);
    }
    if (j->nero)
        ct_buf_printf(&rep->plan, "udta/chpl: Nero chapters, %zu entries\n", n);
    for (size_t i = 0; i < n; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(j->list, i);
        ct_buf_printf(&rep->plan, "  chapter %zu: %s \"%s\"%s%s\n", i + 1,
                      ct_time_str(ch->start_ms, a), ch->title,
                      j->qt && ch->url ? ", link " : "", j->qt && ch->url ? ch->url : "");
    }
}

/* True when some chapter of LIST has a picture. */
static bool has_pictures(const chaptag_chapters *list)
{
    for (size_t i = 0; i < chaptag_chapters_count(list); i++)
        if (chaptag_chapters_get(list, i)->image_data != NULL)
            return true;
    return false;
}

/* Says so when JOB's embed removes the file's chapter image track (chaptag's, Apple's or
   ATL's) and writes none: without --mp4-images, or with a list without pictures. Kept, its
   old pictures would show at the new chapters. */
static void warn_images_removed(ct_file *f, const mp4_file *m, const embed_job *j,
                                ct_warnings *w)
{
    size_t index = 0, n = 0;
    sample_ref *s = NULL;
    bool any = false;
    for (size_t t = 0; t < m->n_tracks && !any; t++)
        any = ct_mp4_is_image_track(f, m, &m->tracks[t]);
    if (!any || j->list == NULL || (j->images && has_pictures(j->list)))
        return;
    char count[48] = "";
    if (ct_mp4_image_samples(f, m, &index, &s, &n) != NULL)
        snprintf(count, sizeof count, " (%zu picture%s)", ct_mp4_count_pictures(s, n),
                 ct_mp4_count_pictures(s, n) == 1 ? "" : "s");
    free(s);
    if (j->images)
        ct_warn(w, 0, "the chapter image track%s is removed: the chapter list has no pictures",
                count);
    else
        ct_warn(w, 0, "the chapter image track%s is removed: the new chapters would show the "
                "old pictures; --mp4-images writes the list's own pictures", count);
}

static chaptag_status mp4_plan(void *state, const chaptag_chapters *list,
                               const chaptag_embed_opts *opts, ct_plan *plan,
                               struct chaptag_report *rep, chaptag_error *err)
{
    mp4_state *s = state;
    ct_file *f = s->f;
    mp4_file *mp = &s->m;
    chaptag_status st = CHAPTAG_OK;
    embed_job j;
    memset(&j, 0, sizeof j);
    j.list = list;
    j.opts = opts;
    j.duration_ms = opts->duration_ms != CHAPTAG_TIME_NONE ? opts->duration_ms
                                                           : mp4_duration(s);
    ct_mp4_fill_info(&rep->info, mp, j.duration_ms, ct_file_size(f));
    if (opts->duration_ms != CHAPTAG_TIME_NONE)
        snprintf(rep->info.duration_source, sizeof rep->info.duration_source, "--duration");
    size_t n = list ? chaptag_chapters_count(list) : 0;
    int style = opts->mp4_style & ~CHAPTAG_MP4_IMAGES;
    j.qt = list != NULL && style != CHAPTAG_MP4_NERO;
    j.nero = list != NULL && style != CHAPTAG_MP4_QT;
    j.images = j.qt && (opts->mp4_style & CHAPTAG_MP4_IMAGES);
    if (j.nero && !j.qt) /* chpl alone is what reads back: its titles are cut */
        rep->title_cut = CHPL_TITLE_MAX;
    if (j.qt) /* the text samples carry links; the image track the pictures, when asked */
        rep->keeps = CT_KEEPS_LINKS | (j.images ? CT_KEEPS_PICTURES : 0);
    if (j.nero && !j.qt && n > CHPL_MAX) /* nothing would hold them: say so, write nothing */
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "%zu chapters: Nero chpl holds at most 255; "
                       "use --mp4-style both or qt", n);
    if (j.nero && n > CHPL_MAX) {
        ct_warn(&rep->warnings, 0, "%zu chapters: Nero chpl holds at most 255, so it is left out "
                "(players that prefer it would hide the rest); the QuickTime track has them all",
                n);
        j.nero = false;
    }
    if (ct_box_child(ct_mp4_moov(mp), "mvex") != NULL)
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "fragmented MP4 files are not supported");
    if (st == CHAPTAG_OK)
        warn_images_removed(f, mp, &j, &rep->warnings);
    bool done = false;
    /* with a second moov left by an interrupted edit, only a new layout clears it away */
    if (st == CHAPTAG_OK && list == NULL && mp->n_moov == 1)
        st = ct_mp4_plan_strip(f, mp, plan, &done, err);
    else if (st == CHAPTAG_OK && opts->padding < 0 && mp->n_moov == 1)
        st = ct_mp4_plan_slots(f, mp, &j, plan, rep, &done, err);
    new_sizes ns = {ct_mp4_moov(mp)->size, 0, 0};
    if (st == CHAPTAG_OK && !done)
        st = ct_mp4_plan_layout(f, mp, &j, opts, &ns, plan, rep, err);
    if (st == CHAPTAG_OK) {
        describe(&j, &ns, rep);
        rep->tag_size = ns.moov + ns.mdat + ns.tail;
        rep->in_place = plan->n == 0 || plan->n_steps > 0;
        snprintf(rep->what, sizeof rep->what, "moov");
        ct_buf_printf(&rep->plan, "moov: %" PRIu64 " bytes, then %" PRIu64 " bytes of padding; "
                      "%s\n", ns.moov, rep->padding,
                      plan->n == 0 ? "unchanged"
                      : plan->n_steps ? "written in place" : "the file is rewritten");
    }
    ct_mp4_free_samples(&j.q);
    return st;
}

/* Cover art: an iTunes covr item (the image track's pictures are the chapters'). */
static int mp4_has_cover(void *state)
{
    mp4_state *s = state;
    return ct_mp4_has_cover(s->f, &s->m) ? 1 : 0;
}

/* What Apple's players, FFmpeg and mutagen trip on in MP4 chapters. */
static chaptag_status mp4_lint(void *state, ct_findings *out, chaptag_error *err)
{
    mp4_state *s = state;
    return ct_mp4_lint_file(s->f, &s->m, out, err);
}

const ct_backend ct_backend_mp4 = {"MP4",    mp4_sniff, mp4_open_state, mp4_duration,
                                   mp4_read, mp4_plan,  NULL,           mp4_lint,
                                   mp4_close, mp4_has_cover};
