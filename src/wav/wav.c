/* WAV files (RIFF, RF64 and BW64; BWF is a WAV with a bext chunk): chapters are the cue
   points of the cue chunk, titled by the labl sub-chunks of a LIST/adtl chunk. Every other
   chunk is kept byte for byte and in order. A WAV behind an ID3v2 tag is left to libavformat:
   the MP3 sniffer declines it, and so does this one. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wav_int.h"

static bool wav_sniff(ct_file *f, const uint8_t *head, size_t n)
{
    (void)f;
    if (n < 12 || memcmp(head + 8, "WAVE", 4) != 0)
        return false;
    return memcmp(head, "RIFF", 4) == 0 || memcmp(head, "RF64", 4) == 0 ||
           memcmp(head, "BW64", 4) == 0;
}

static chaptag_status wav_open(ct_file *f, const char *path, void **state, chaptag_error *err)
{
    (void)path;
    wav_file *w = ct_calloc(1, sizeof *w);
    if (w == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = ct_wav_open(f, w, err);
    if (st != CHAPTAG_OK) {
        free(w);
        return st;
    }
    *state = w;
    return CHAPTAG_OK;
}

static void wav_close(void *state)
{
    if (state == NULL)
        return;
    ct_wav_free(state);
    free(state);
}

static uint64_t wav_duration(void *state)
{
    return ((const wav_file *)state)->duration_ms;
}

static chaptag_status wav_read(void *state, chaptag_chapters *list, chaptag_file_info *info,
                               chaptag_error *err)
{
    const wav_file *w = state;
    const wav_marker **v = ct_wav_markers_sorted(w, ct_wav_by_sample);
    if (v == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; i < w->n_markers && st == CHAPTAG_OK; i++) {
        chaptag_chapter ch;
        memset(&ch, 0, sizeof ch);
        ch.start_ms = ct_wav_frames_to_ms(v[i]->sample, w->rate);
        ch.end_ms = v[i]->length > 0
                        ? ct_wav_frames_to_ms((uint64_t)v[i]->sample + v[i]->length, w->rate)
                        : CHAPTAG_TIME_NONE;
        ch.title = v[i]->title ? v[i]->title : "";
        st = chaptag_chapters_add(list, &ch, err);
    }
    free(v);
    ct_warnings_append(ct_chapters_warnings(list), &w->warnings);
    if (st == CHAPTAG_OK)
        st = ct_wav_read_info(w, list, err);
    ct_wav_fill_info(w, info);
    return st;
}

static chaptag_status wav_plan(void *state, const chaptag_chapters *list,
                               const chaptag_embed_opts *opts, ct_plan *plan,
                               struct chaptag_report *rep, chaptag_error *err)
{
    wav_file *w = state;
    ct_wav_fill_info(w, &rep->info);
    if (opts->duration_ms != CHAPTAG_TIME_NONE) {
        rep->info.duration_ms = opts->duration_ms;
        snprintf(rep->info.duration_source, sizeof rep->info.duration_source, "--duration");
    }
    ct_warnings_append(&rep->warnings, &w->warnings);
    return ct_wav_plan(w, list, opts, plan, rep, err);
}

/* The cue points as they stand in the chunk: out of time order, past the audio, untitled,
   or sharing an ID (which the adtl labels then cannot tell apart). */
static chaptag_status wav_lint(void *state, ct_findings *out, chaptag_error *err)
{
    const wav_file *w = state;
    char t[CT_TIME_STR_MAX], u[CT_TIME_STR_MAX];
    const wav_marker **by_id = ct_wav_markers_sorted(w, ct_wav_by_id);
    bool *twice = ct_calloc(w->n_markers + 1, sizeof *twice);
    for (size_t i = 1; by_id != NULL && twice != NULL && i < w->n_markers; i++)
        twice[by_id[i] - w->markers] = by_id[i]->id == by_id[i - 1]->id;
    free(by_id);
    if (by_id == NULL || twice == NULL) {
        free(twice);
        return ct_fail_nomem(err);
    }
    for (size_t i = 0; i < w->n_markers; i++) {
        const wav_marker *m = &w->markers[i];
        uint64_t ms = ct_wav_frames_to_ms(m->sample, w->rate);
        if (i > 0 && m->sample < w->markers[i - 1].sample)
            ct_find(out, CHAPTAG_WARNING, "cue-out-of-order", "editors list markers in the "
                    "cue chunk's order; some players too", "cue point %" PRIu32 " (%s) comes "
                    "after a later one in the cue chunk", m->id, ct_time_str(ms, t));
        if (ms > w->duration_ms)
            ct_find(out, CHAPTAG_ERROR, "cue-past-end", "editors drop or clamp it",
                    "cue point %" PRIu32 " (%s) is past the end of the audio (%s)", m->id,
                    ct_time_str(ms, t), ct_time_str(w->duration_ms, u));
        if (m->title == NULL || m->title[0] == '\0')
            ct_find(out, CHAPTAG_WARNING, "cue-untitled", "editors show a bare number",
                    "cue point %" PRIu32 " (%s) has no labl title", m->id, ct_time_str(ms, t));
        if (twice[i]) /* a later use of an ID than the cue chunk's first */
            ct_find(out, CHAPTAG_ERROR, "cue-duplicate-id", "labels name a cue point by its ID: "
                    "editors attach them to either", "cue ID %" PRIu32 " is used twice", m->id);
    }
    free(twice);
    return CHAPTAG_OK;
}

const ct_backend ct_backend_wav = {"WAV",    wav_sniff, wav_open, wav_duration, wav_read,
                                   wav_plan, NULL,      wav_lint, wav_close, NULL};
