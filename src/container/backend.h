/* The container backends behind the public API: each recognises its files, reads their
   chapters and plans an edit. api.c picks the backend and applies the plan. */
#ifndef CHAPTAG_BACKEND_H
#define CHAPTAG_BACKEND_H

#include "buf.h"
#include "chapters.h"
#include "fileio.h"
#include "plan.h"
#include "findings.h"

/* Nero chpl titles are at most this many bytes (a one-byte length). */
#define CT_MP4_CHPL_TITLE_MAX 255

/* How much of a file's start the sniffers are given. */
#define CT_SNIFF_HEAD 4096

struct chaptag_report {
    chaptag_write_kind kind;
    uint64_t bytes_written;
    uint64_t tag_size; /* bytes of the tag or box tree the plan writes */
    uint64_t padding;  /* bytes of padding in it */
    bool in_place;     /* the plan keeps every size (an edit in place) */
    char what[48];     /* what the plan writes: "ID3v2.3 tag" */
    ct_buf plan;       /* one line per frame or box written (text) */
    chaptag_file_info info;
    ct_warnings warnings;
};

typedef struct {
    const char *name; /* "MP3" */
    /* True when F looks like this container. HEAD holds its first N bytes (up to
       CT_SNIFF_HEAD; fewer only when the file is shorter); a sniffer may read further. */
    bool (*sniff)(ct_file *f, const uint8_t *head, size_t n);
    /* Reads the chapters of F (opened from PATH) into LIST (warnings and standard tags too)
       and fills INFO. */
    chaptag_status (*read)(ct_file *f, const char *path, chaptag_chapters *list,
                           chaptag_file_info *info, chaptag_error *err);
    /* Plans writing LIST (NULL: remove every chapter) into F; fills REP's sizes, plan text,
       info and warnings. NULL for a backend that writes by itself. */
    chaptag_status (*plan)(ct_file *f, const chaptag_chapters *list,
                           const chaptag_embed_opts *opts, ct_plan *plan,
                           struct chaptag_report *rep, chaptag_error *err);
    /* Writes LIST into F (opened from PATH, locked) by itself, through fileio's temporary
       files; NULL for a backend that plans. */
    chaptag_status (*write)(ct_file *f, const char *path, const chaptag_chapters *list,
                            const chaptag_embed_opts *opts, struct chaptag_report *rep,
                            chaptag_error *err);
    /* Adds to OUT what players trip on in this container's chapters; NULL when there is
       nothing container-specific to check. */
    chaptag_status (*lint)(ct_file *f, ct_findings *out, chaptag_error *err);
} ct_backend;

extern const ct_backend ct_backend_mp3;
extern const ct_backend ct_backend_mp4;
extern const ct_backend ct_backend_avformat;

/* True once libavformat has been loaded in this process (tests check that the MP3 and MP4
   paths never load it). */
bool ct_avformat_loaded(void);

#endif
