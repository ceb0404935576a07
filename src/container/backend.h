/* The one container interface behind the public API: MP3 and MP4 natively, the rest through
   libavformat. api.c picks the container and applies or proves what it plans. */
#ifndef CHAPTAG_BACKEND_H
#define CHAPTAG_BACKEND_H

#include "buf.h"
#include "chapters.h"
#include "fileio.h"
#include "plan.h"
#include "findings.h"

/* How much of a file's start the sniffers are given. */
#define CT_SNIFF_HEAD 4096

struct chaptag_report {
    chaptag_write_kind kind;
    uint64_t bytes_written;
    uint64_t tag_size; /* bytes of the tag or box tree the plan writes */
    uint64_t padding;  /* bytes of padding in it */
    bool in_place;     /* the plan keeps every size (an edit in place) */
    char what[48];     /* what the plan writes: "ID3v2.3 tag" */
    size_t title_cut;  /* the plan cuts titles to this many bytes (chpl alone); 0: no cut */
    unsigned keeps;    /* CT_KEEPS_*: what of a chapter besides start and title the plan writes */
    ct_buf plan;       /* one line per frame or box written (text) */
    chaptag_file_info info;
    ct_warnings warnings;
};

/* What a container's plan writes of a chapter besides its start and title. api.c warns, once
   per kind, about what the list holds and the plan leaves out, and proves what it keeps. */
enum {
    CT_KEEPS_LINKS = 1u,         /* each chapter's url */
    CT_KEEPS_PICTURES = 2u,      /* embedded picture bytes */
    CT_KEEPS_PICTURE_LINKS = 4u  /* an image given as a URL, as a link (ID3v2's linked APIC) */
};

/* One container: it recognises its files, and opens one once (parsing what every later call
   needs), after which the same open file answers for its duration, its chapters, a plan (or
   a write of its own), and its lint, until it is closed. So every command reads a file once;
   api.c picks the container, chooses the duration, validates the list and builds the report.
   STATE is the container's own; calls other than open and close never free it. */
typedef struct {
    const char *name; /* "MP3" */
    /* True when F looks like this container. HEAD holds its first N bytes (up to
       CT_SNIFF_HEAD; fewer only when the file is shorter); a sniffer may read further. */
    bool (*sniff)(ct_file *f, const uint8_t *head, size_t n);
    /* Opens F (opened from PATH; both outlive the state) as this container; *STATE is new. */
    chaptag_status (*open)(ct_file *f, const char *path, void **state, chaptag_error *err);
    /* The audio duration measured in the file, in ms; 0 when it is unknown. */
    uint64_t (*duration)(void *state);
    /* Reads the chapters into LIST (warnings and standard tags too) and fills INFO. */
    chaptag_status (*read)(void *state, chaptag_chapters *list, chaptag_file_info *info,
                           chaptag_error *err);
    /* Plans writing LIST (validated already; NULL: remove every chapter); fills REP's sizes,
       plan text, info and warnings. NULL for a container that writes by itself. */
    chaptag_status (*plan)(void *state, const chaptag_chapters *list,
                           const chaptag_embed_opts *opts, ct_plan *plan,
                           struct chaptag_report *rep, chaptag_error *err);
    /* Writes LIST (validated already) by itself, through io's temporary files, proving what
       it wrote; NULL for a container that plans. */
    chaptag_status (*write)(void *state, const chaptag_chapters *list,
                            const chaptag_embed_opts *opts, struct chaptag_report *rep,
                            chaptag_error *err);
    /* Adds to OUT what players trip on in this container's chapters; NULL when there is
       nothing container-specific to check. */
    chaptag_status (*lint)(void *state, ct_findings *out, chaptag_error *err);
    /* Frees STATE. NULL does nothing. */
    void (*close)(void *state);
    /* 1 when the file carries cover art (a picture for the whole file), 0 when not; NULL for a
       container whose chapters hold no pictures, so the question never arises. */
    int (*has_cover)(void *state);
} ct_backend;

extern const ct_backend ct_backend_mp3;
extern const ct_backend ct_backend_mp4;
extern const ct_backend ct_backend_ogg;
extern const ct_backend ct_backend_flac;
extern const ct_backend ct_backend_wav;
extern const ct_backend ct_backend_avformat;

/* True once libavformat has been loaded in this process (tests check that the MP3 and MP4
   paths never load it). */
bool ct_avformat_loaded(void);

#endif
