/* What Apple's players, FFmpeg and mutagen trip on in MP4 chapters: a second tref, an enabled
   or damaged chapter track, one flavour missing or short, the two flavours disagreeing (a chpl
   title cut short is only noted), and moov after mdat. */
#include <inttypes.h>

#include "mp4_int.h"
#include "findings.h"

/* Counts the tref boxes of TRAK: AVFoundation discards a track with two. */
static size_t count_trefs(const ct_box *trak)
{
    size_t n = 0;
    for (size_t i = 0; i < trak->n_kids; i++)
        n += trak->kids[i].hdr_len != 0 && ct_box_is(&trak->kids[i], "tref");
    return n;
}

/* Checks the chapter track's sample tables agree on the number of samples. */
static void lint_tables(ct_file *f, ct_box *trak, ct_findings *out)
{
    sample_tables t;
    if (ct_mp4_load_tables(f, trak, &t, NULL) != CHAPTAG_OK || t.stts->len < 8 ||
        t.stsz->len < 12) {
        ct_find(out, CHAPTAG_ERROR, "chapter-track-damaged", "players drop the chapter track",
                "the chapter track's sample tables are missing or damaged");
        return;
    }
    uint64_t timed = 0;
    uint32_t n = ct_load_u32be(t.stts->data + 4), samples = ct_load_u32be(t.stsz->data + 8);
    for (uint32_t i = 0; i < n && 16 + 8 * (size_t)i <= t.stts->len; i++)
        timed += ct_load_u32be(t.stts->data + 8 + 8 * (size_t)i);
    if (timed != samples)
        ct_find(out, CHAPTAG_ERROR, "stts-mismatch", "AVFoundation rejects a chapter track whose "
                "time table and size table disagree", "the chapter track times %" PRIu64
                " samples (stts) but holds %" PRIu32 " (stsz)", timed, samples);
}

chaptag_status ct_mp4_lint_file(ct_file *f, mp4_file *m, ct_findings *out, chaptag_error *err)
{
    chaptag_status st = CHAPTAG_OK;
    ct_box *moov = ct_mp4_moov(m);
    for (size_t i = 0; i < moov->n_kids; i++)
        if (ct_box_is(&moov->kids[i], "trak") && count_trefs(&moov->kids[i]) > 1)
            ct_find(out, CHAPTAG_ERROR, "second-tref", "AVFoundation discards a track with two "
                    "tref boxes, and its chapters with it", "a track has %zu tref boxes",
                    count_trefs(&moov->kids[i]));
    size_t index = 0;
    ct_box *trak = ct_mp4_find_chapter_trak(f, m, &index);
    ct_box *chpl = ct_box_path(moov, "udta/chpl");
    chaptag_chapters *qt = chaptag_chapters_new(), *nero = chaptag_chapters_new();
    if (qt == NULL || nero == NULL)
        st = ct_fail_nomem(err);
    if (st == CHAPTAG_OK && trak != NULL) {
        if (m->tracks[index].flags & 1)
            ct_find(out, CHAPTAG_WARNING, "chapter-track-enabled", "players show the titles "
                    "as subtitles", "the chapter track is enabled");
        lint_tables(f, trak, out);
        st = ct_mp4_read_qt_chapters(f, m, trak, &m->tracks[index], qt, err);
    }
    if (st == CHAPTAG_OK && chpl != NULL)
        st = ct_mp4_read_chpl(f, chpl, nero, err);
    size_t a = chaptag_chapters_count(qt), b = chaptag_chapters_count(nero);
    if (st == CHAPTAG_OK && trak != NULL && chpl == NULL)
        ct_find(out, CHAPTAG_WARNING, "no-chpl", "AntennaPod shows no chapters (its MP4 "
                "reader takes only chpl), nor do mutagen and other Nero-only readers",
                "there is a QuickTime chapter track but no Nero chpl");
    else if (st == CHAPTAG_OK && trak == NULL && chpl != NULL)
        ct_find(out, CHAPTAG_WARNING, "no-qt-track", "Apple Podcasts and Apple Books read only "
                "the QuickTime chapter track", "there is Nero chpl but no QuickTime chapter "
                "track");
    else if (st == CHAPTAG_OK && trak != NULL && b < a)
        ct_find(out, CHAPTAG_WARNING, "chpl-short", "players that prefer chpl hide the rest",
                "Nero chpl holds %zu chapters, the QuickTime track %zu", b, a);
    if (st == CHAPTAG_OK && trak != NULL && chpl != NULL) {
        ct_warnings w = {0}, notes = {0};
        ct_mp4_compare_flavours(qt, nero, &w, &notes);
        for (size_t i = 0; i < w.n; i++)
            ct_find(out, CHAPTAG_WARNING, "flavours-disagree", "Apple's players and FFmpeg show "
                    "the QuickTime track, mutagen-based tools chpl", "%s", w.v[i].msg);
        for (size_t i = 0; i < notes.n; i++)
            ct_find(out, CHAPTAG_NOTE, "chpl-title-cut", "AntennaPod loses every chapter after a "
                    "chpl title over 127 bytes, so chaptag cuts them there", "%s",
                    notes.v[i].msg);
        ct_warnings_clear(&w);
        ct_warnings_clear(&notes);
    }
    if (st == CHAPTAG_OK && !ct_mp4_moov_before_mdat(m))
        ct_find(out, CHAPTAG_NOTE, "moov-at-end", "players must fetch the end of the file "
                "before they can start: no progressive download", "moov comes after mdat");
    chaptag_chapters_free(qt);
    chaptag_chapters_free(nero);
    return st;
}
