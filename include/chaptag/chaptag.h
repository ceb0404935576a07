/* chaptag — chapter markers for podcast and audiobook files.
   The public API of libchaptag: the chapter list, chapter-file parsing and formatting,
   reading and writing the chapters of an audio file, and errors.

   Threads: every function may be called from several threads at once, on different objects
   (a list, report or verdict is used by one thread at a time; reading one from several
   threads is fine). The library keeps no mutable global state but the libraries it opens
   with dlopen (loaded once, under pthread_once) and the list of temporary files under way
   (for chaptag_remove_temporary_files(), updated atomically). Two writers on one audio file,
   in one process or in two, take turns through the file's lock. */
#ifndef CHAPTAG_CHAPTAG_H
#define CHAPTAG_CHAPTAG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CHAPTAG_BUILDING) && defined(__GNUC__)
#define CHAPTAG_API __attribute__((visibility("default")))
#else
#define CHAPTAG_API
#endif

/* The longest title chaptag writes, in bytes: what a QuickTime chapter sample can hold. A
   longer one is no title but a mistake (a whole file on one line). */
#define CHAPTAG_TITLE_MAX 65535u

/* A time that is not given (an end time the chapter file left out). */
#define CHAPTAG_TIME_NONE UINT64_MAX

typedef enum {
    CHAPTAG_OK = 0,
    CHAPTAG_ERR_INPUT = 1, /* the chapter input is invalid */
    CHAPTAG_ERR_AUDIO = 2, /* the audio file is unsupported or damaged */
    CHAPTAG_ERR_IO = 3,    /* reading or writing a file failed */
    CHAPTAG_ERR_NOMEM = 4
} chaptag_status;

/* The caller's error record: fixed size, so it works when memory runs out. It names no path:
   the caller knows which file it passed. */
typedef struct {
    chaptag_status code;
    unsigned line;   /* 1-based line in the chapter file; 0 if none */
    unsigned column; /* 1-based column (JSON, XML); 0 if none */
    int sys_errno;   /* errno behind CHAPTAG_ERR_IO; else 0 */
    char msg[256];   /* one clause, no path, no final period */
} chaptag_error;

/* A warning: something done that the user should know about, never a failure. LINE is the
   chapter file's line it concerns, 0 when it concerns the audio file. */
typedef struct {
    unsigned line;
    char msg[256];
} chaptag_warning;

/* The name of a status code ("invalid input", ...). Never NULL. */
CHAPTAG_API const char *chaptag_status_name(chaptag_status st);

/* The library's version, e.g. "0.1.0". */
CHAPTAG_API const char *chaptag_version(void);

/* Room for any chaptag_time_str() result. */
#define CHAPTAG_TIME_STR_MAX 32

/* Writes MS as HH:MM:SS, or HH:MM:SS.mmm when the milliseconds are not 0, into BUF (at least
   CHAPTAG_TIME_STR_MAX bytes) and returns BUF. */
CHAPTAG_API const char *chaptag_time_str(uint64_t ms, char *buf);

/* Parses a time: [[H:]MM:]SS[.fff] or seconds ("3815.25"), into *MS. Returns 0 when S is not
   such a time. */
CHAPTAG_API int chaptag_parse_time(const char *s, uint64_t *ms);

/* Parses a time or duration as every option takes it: [H:]MM:SS[.mmm] (plain seconds too),
   or a number with a unit, ms, s, m or h ("90s", "1.5m", "250ms"), rounded half up to the
   millisecond, into *MS. Returns 0 when S is none of these or is past 100,000 hours. */
CHAPTAG_API int chaptag_parse_duration(const char *s, uint64_t *ms);

/* As chaptag_parse_duration(), with an optional sign: a shift ("-00:01:30", "+90s"). */
CHAPTAG_API int chaptag_parse_offset(const char *s, int64_t *ms);

/* ---- the chapter list ------------------------------------------------------------------ */

/* One chapter. Strings are UTF-8. In a list every string is owned by the list. */
typedef struct {
    uint64_t start_ms;
    uint64_t end_ms;                /* CHAPTAG_TIME_NONE: ends where the next one starts */
    const char *title;              /* "" when untitled; never NULL in a list */
    const char *url;                /* NULL when none */
    const char *image;              /* image as the chapter file names it (path or URL); or NULL */
    const unsigned char *image_data; /* picture bytes (loaded or read from a file); or NULL */
    size_t image_len;
    const char *image_mime;         /* "image/jpeg", "image/png"; NULL when no image_data */
    int hidden;                     /* 1: left out of the table of contents */
    unsigned line;                  /* line of the chapter file it came from; 0 if none */
    const char *location;           /* Podcasting 2.0 location as compact JSON text, e.g.
                                       {"name":"Eiffel Tower","geo":"geo:48.85,2.29"}; or NULL */
} chaptag_chapter;

typedef struct chaptag_chapters chaptag_chapters;

/* A new empty list; free it with chaptag_chapters_free(). NULL when memory runs out. */
CHAPTAG_API chaptag_chapters *chaptag_chapters_new(void);

/* Frees LIST and everything it owns. NULL does nothing. */
CHAPTAG_API void chaptag_chapters_free(chaptag_chapters *list);

/* Appends a copy of CH (strings and image bytes are copied). A NULL title becomes "". */
CHAPTAG_API chaptag_status chaptag_chapters_add(chaptag_chapters *list, const chaptag_chapter *ch,
                                                chaptag_error *err);

/* Number of chapters in LIST. */
CHAPTAG_API size_t chaptag_chapters_count(const chaptag_chapters *list);

/* The chapter at INDEX (borrowed; valid until LIST changes), or NULL past the end. */
CHAPTAG_API const chaptag_chapter *chaptag_chapters_get(const chaptag_chapters *list, size_t index);

/* A chapter's link (its url), or NULL when it has none. */
CHAPTAG_API const char *chaptag_chapter_url(const chaptag_chapter *ch);

/* Sets the link of chapter INDEX of LIST to URL (copied; NULL removes it). An http or https
   address is what embed accepts. */
CHAPTAG_API chaptag_status chaptag_chapters_set_url(chaptag_chapters *list, size_t index,
                                                    const char *url, chaptag_error *err);

/* What a chapter's picture is: none; embedded bytes (image_data); a link to a picture on the
   web (image is a URL, no bytes: ID3v2's linked APIC); or a local file not loaded yet (image
   is a path; chaptag_chapters_load_images() loads it). */
typedef enum {
    CHAPTAG_IMAGE_NONE = 0,
    CHAPTAG_IMAGE_EMBEDDED = 1,
    CHAPTAG_IMAGE_LINK = 2,
    CHAPTAG_IMAGE_FILE = 3
} chaptag_image_kind;
CHAPTAG_API chaptag_image_kind chaptag_chapter_image_kind(const chaptag_chapter *ch);

/* Makes the picture of chapter INDEX of LIST a link to URL (copied; its bytes are dropped; NULL
   removes the picture). */
CHAPTAG_API chaptag_status chaptag_chapters_set_image_link(chaptag_chapters *list, size_t index,
                                                           const char *url, chaptag_error *err);

/* Gives chapter INDEX of LIST the picture DATA (LEN bytes, copied) of type MIME ("image/jpeg",
   "image/png"; NULL: told by the bytes, which must then be JPEG or PNG). The image field (the
   name or URL it came from) stays. */
CHAPTAG_API chaptag_status chaptag_chapters_set_image(chaptag_chapters *list, size_t index,
                                                      const unsigned char *data, size_t len,
                                                      const char *mime, chaptag_error *err);

/* Checks that starts strictly increase and given end times make sense; an error names both
   lines of the chapter file. DURATION_MS (CHAPTAG_TIME_NONE: unknown) bounds the starts. */
CHAPTAG_API chaptag_status chaptag_chapters_validate(const chaptag_chapters *list,
                                                     uint64_t duration_ms, chaptag_error *err);

/* The end of chapter INDEX: its given end, else the next start, else DURATION_MS. */
CHAPTAG_API uint64_t chaptag_chapters_end(const chaptag_chapters *list, size_t index,
                                          uint64_t duration_ms);

/* Sets list-wide metadata KEY ("title", "artist", "album", "year", "toc-title", ...) to VALUE
   (copied; NULL removes it). */
CHAPTAG_API chaptag_status chaptag_chapters_set_meta(chaptag_chapters *list, const char *key,
                                                     const char *value, chaptag_error *err);

/* The value of metadata KEY (borrowed), or NULL. */
CHAPTAG_API const char *chaptag_chapters_meta(const chaptag_chapters *list, const char *key);

/* The metadata entry at INDEX: its key (borrowed) and *VALUE, or NULL past the end. */
CHAPTAG_API const char *chaptag_chapters_meta_at(const chaptag_chapters *list, size_t index,
                                                 const char **value);

/* Transforms: each makes *OUT a new list (free it with chaptag_chapters_free()) from LIST,
   which stays as it was; every chapter keeps its fields (hidden ones move like the others),
   and the list its metadata and warnings. DURATION_MS is the length of the audio the new list
   is for (CHAPTAG_TIME_NONE: unknown): a chapter moved below 0 or to or past it is
   CHAPTAG_ERR_INPUT naming the chapter (number, time, title) and its line. */

/* Moves every chapter by OFFSET_MS (an intro added: positive; removed: negative). */
CHAPTAG_API chaptag_status chaptag_chapters_shift(const chaptag_chapters *list, int64_t offset_ms,
                                                  uint64_t duration_ms, chaptag_chapters **out,
                                                  chaptag_error *err);

/* Removes the span [START_MS, END_MS) of the audio: later chapters move back by its length; a
   chapter lying wholly inside it is dropped with a warning; one that starts before it keeps
   its start; one that starts inside it and ends after it starts at START_MS. */
CHAPTAG_API chaptag_status chaptag_chapters_cut(const chaptag_chapters *list, uint64_t start_ms,
                                                uint64_t end_ms, uint64_t duration_ms,
                                                chaptag_chapters **out, chaptag_error *err);

/* Inserts LENGTH_MS of audio at AT_MS (an ad): chapters starting at or after AT_MS move
   forward by LENGTH_MS; a chapter containing AT_MS grows by it. */
CHAPTAG_API chaptag_status chaptag_chapters_insert(const chaptag_chapters *list, uint64_t at_ms,
                                                   uint64_t length_ms, uint64_t duration_ms,
                                                   chaptag_chapters **out, chaptag_error *err);

/* Adds a chapter titled TITLE at 0:00 before a first chapter that starts later (seed 000's
   first is at 1:14); a list that starts at 0:00 is copied with a warning. */
CHAPTAG_API chaptag_status chaptag_chapters_add_intro(const chaptag_chapters *list,
                                                      const char *title, chaptag_chapters **out,
                                                      chaptag_error *err);

/* Warnings raised while the list was parsed or read from a file (borrowed). */
CHAPTAG_API size_t chaptag_chapters_warning_count(const chaptag_chapters *list);
CHAPTAG_API const chaptag_warning *chaptag_chapters_warning(const chaptag_chapters *list,
                                                            size_t index);

/* ---- chapter files ------------------------------------------------------------------------ */

/* The names of the chapter-file formats, NULL-terminated: "text", "json", ... */
CHAPTAG_API const char *const *chaptag_format_names(void);

/* The format NAME stands for, in any case or by an alias ("TXT", "podcasting2", "ffmeta",
   "webvtt", ...), as one of chaptag_format_names(); NULL when it names none. Every function
   taking a format name accepts the same. */
CHAPTAG_API const char *chaptag_format_canonical(const char *name);

/* The format of LEN bytes DATA, judged by content first, then by FILENAME's extension
   (may be NULL). Returns a format name, or NULL when nothing matches. */
CHAPTAG_API const char *chaptag_detect(const char *data, size_t len, const char *filename);

/* Parse LEN bytes of chapter-file text in format FMT ("text", "json", ...; NULL detects).
   On success *OUT is a new list; free it with chaptag_chapters_free(). */
CHAPTAG_API chaptag_status chaptag_parse(const char *data, size_t len, const char *fmt,
                                         chaptag_chapters **out, chaptag_error *err);

/* Formats LIST in format FMT. On success *OUT is a new NUL-terminated string (free() it)
   of *OUT_LEN bytes. DURATION_MS (or CHAPTAG_TIME_NONE) ends the last chapter where the
   format needs an end. */
CHAPTAG_API chaptag_status chaptag_format(const chaptag_chapters *list, const char *fmt,
                                          uint64_t duration_ms, char **out, size_t *out_len,
                                          chaptag_error *err);

/* As chaptag_format(), and says what the format could not keep (fields it has no place for,
   times rounded to CUE frames, ...): on success *WARNINGS (may be NULL) is a new array of
   *N_WARNINGS warnings (free() it; NULL when there are none). */
CHAPTAG_API chaptag_status chaptag_format_with_warnings(const chaptag_chapters *list,
                                                        const char *fmt, uint64_t duration_ms,
                                                        char **out, size_t *out_len,
                                                        chaptag_warning **warnings,
                                                        size_t *n_warnings, chaptag_error *err);

/* As chaptag_parse() in the text format, for a description pasted whole (show notes): lines
   without a time are skipped, and listed by number in one warning, instead of failing; a
   line right after a time alone is that chapter's title (the two-line form). */
CHAPTAG_API chaptag_status chaptag_parse_skipping_prose(const char *data, size_t len,
                                                        chaptag_chapters **out,
                                                        chaptag_error *err);

/* Reads and parses the chapter file at PATH ("-": standard input) in format FMT (NULL:
   detected from the content, then the file name). On success *OUT is a new list. */
CHAPTAG_API chaptag_status chaptag_parse_file(const char *path, const char *fmt,
                                              chaptag_chapters **out, chaptag_error *err);

/* Loads the picture of every chapter whose image names a local file (not a URL): a path
   relative to the folder of CHAPTER_FILE (NULL or "-": the current folder). The bytes must be
   JPEG or PNG; a missing, unreadable or other file is CHAPTAG_ERR_INPUT naming the image and
   the chapter's line. */
CHAPTAG_API chaptag_status chaptag_chapters_load_images(chaptag_chapters *list,
                                                        const char *chapter_file,
                                                        chaptag_error *err);

/* As chaptag_chapters_load_images(), where a picture must be a regular file of at most 16 MiB
   lying (symlinks resolved) inside the chapter file's folder or one of the N_DIRS folders of
   IMAGE_DIRS, and all pictures of the list together at most 240 MiB; anything else is
   CHAPTAG_ERR_INPUT naming the chapter's line.
   An image given as an http or https URL is looked up as a file in the folders of IMAGE_DIRS,
   in order (not in the chapter file's folder, unless it is one of them): the URL's last path
   segment, its query and fragment cut and percent-decoded ("https://x.org/art/ep%201.jpg?w=600"
   is "ep 1.jpg"). The first file found is loaded under the same rules (image keeps the URL);
   none found, the picture stays a link. A segment that is empty, "." or "..", or holds a slash
   once decoded is CHAPTAG_ERR_INPUT. */
CHAPTAG_API chaptag_status chaptag_chapters_load_images_from(chaptag_chapters *list,
                                                             const char *chapter_file,
                                                             const char *const *image_dirs,
                                                             size_t n_dirs, chaptag_error *err);

/* Downloads the picture of every chapter whose image is an http or https URL without bytes
   (CHAPTAG_IMAGE_LINK) with libcurl, opened on first use, and gives the chapter those bytes
   (image keeps the URL). Only http and https, at most 5 redirects, 16 MiB per picture and 240
   MiB for the list, a 10 s connect and a 60 s total timeout (the environment's
   CHAPTAG_FETCH_TIMEOUT, in seconds, lowers the total), JPEG or PNG bytes. Anything else, and
   a missing libcurl, is CHAPTAG_ERR_INPUT naming the chapter's line and the URL; the list may
   then hold some of the pictures. Other links, local files and loaded pictures stay as they
   are. */
CHAPTAG_API chaptag_status chaptag_chapters_fetch_images(chaptag_chapters *list,
                                                         chaptag_error *err);

/* Writes the picture bytes of every chapter that has them into the folder DIR (created when
   missing, one level) as chapter-NNN.jpg or .png (NNN: the chapter's number, from 001; the
   extension by the bytes), each file whole or not at all, and points each such chapter's image
   at its file: a path relative to the folder REL_DIR, or absolute when REL_DIR is NULL. What
   `dump --images DIR` does, so that a JSON or PSC file carries the pictures to another embed. */
CHAPTAG_API chaptag_status chaptag_chapters_save_images(chaptag_chapters *list, const char *dir,
                                                        const char *rel_dir, chaptag_error *err);

/* ---- audio files -------------------------------------------------------------------------- */

/* What chaptag found in an audio file besides its chapters. */
typedef struct {
    char container[16];    /* "MP3", "MP4" */
    char tag[64];          /* "ID3v2.3", "none", "QuickTime chapter track + Nero chpl" */
    char flavours[128];    /* the chapter flavours present: "ID3v2 CHAP/CTOC", "none", ... */
    uint64_t duration_ms;  /* measured audio duration */
    char duration_source[32]; /* "Xing header", "frame scan", ... */
    uint64_t file_size;
} chaptag_file_info;

/* What a file holds, judged by its first bytes: audio chaptag recognises, a chapter file (a
   format chaptag_detect() knows, or text), or neither (missing, unreadable). */
typedef enum { CHAPTAG_KIND_NONE = 0, CHAPTAG_KIND_AUDIO = 1, CHAPTAG_KIND_CHAPTERS = 2 } chaptag_kind;
CHAPTAG_API chaptag_kind chaptag_file_kind(const char *path);

/* 1 when paths A and B name one existing file (same device and inode: a hard link, a symlink,
   "./NAME"), else 0. embed's output must not be its input. */
CHAPTAG_API int chaptag_same_file(const char *a, const char *b);

/* Removes the temporary files of the writes under way in this process, with nothing but
   unlink(): for a signal handler (SIGINT, SIGTERM, ...) to call before the program ends, so
   that an interrupted rewrite leaves nothing behind. */
CHAPTAG_API void chaptag_remove_temporary_files(void);

/* Reads the chapters of the audio file at PATH. On success *OUT is a new list (free it with
   chaptag_chapters_free()) with the file's warnings, and *INFO (may be NULL) is filled in. */
CHAPTAG_API chaptag_status chaptag_read(const char *path, chaptag_chapters **out,
                                        chaptag_file_info *info, chaptag_error *err);

/* Which MP4 chapter flavours embed writes. CHAPTAG_MP4_IMAGES, OR-ed into mp4_style, adds the
   chapter pictures as a QuickTime chapter image track (opt-in: some players refuse files with
   one); without it MP4 chapter pictures are not written, and embed says so. */
enum { CHAPTAG_MP4_BOTH = 0, CHAPTAG_MP4_QT = 1, CHAPTAG_MP4_NERO = 2, CHAPTAG_MP4_IMAGES = 16 };

/* How embed or strip writes. Start from chaptag_embed_opts_init(). */
typedef struct {
    const char *output;      /* write here and leave the input untouched; NULL: edit in place */
    int id3v2_version;       /* 3 (default) or 4 */
    int mp4_style;           /* CHAPTAG_MP4_BOTH (default), CHAPTAG_MP4_QT or CHAPTAG_MP4_NERO,
                                maybe | CHAPTAG_MP4_IMAGES */
    const char *toc_title;   /* title of the table of contents; NULL: "Chapters" */
    int64_t padding;         /* bytes of padding to leave when rewriting; -1: the policy */
    uint64_t duration_ms;    /* audio duration to use; CHAPTAG_TIME_NONE: measure it */
    int dry_run;             /* plan and describe, write nothing */
} chaptag_embed_opts;

/* Fills *OPTS with the defaults. */
CHAPTAG_API void chaptag_embed_opts_init(chaptag_embed_opts *opts);

/* How a write went. */
typedef enum {
    CHAPTAG_WROTE_NOTHING = 0, /* the file already held exactly this (or dry run) */
    CHAPTAG_WROTE_IN_PLACE = 1, /* only the tag's bytes were written */
    CHAPTAG_WROTE_FILE = 2      /* the file was rewritten (or written to the output path) */
} chaptag_write_kind;

typedef struct chaptag_report chaptag_report;

/* What an embed or strip did (or would do). Borrowed from REPORT. */
CHAPTAG_API chaptag_write_kind chaptag_report_kind(const chaptag_report *report);
/* What the plan writes, e.g. "ID3v2.3 tag". */
CHAPTAG_API const char *chaptag_report_what(const chaptag_report *report);
/* 1 when the plan writes in place (every size kept), 0 when it rewrites the file. */
CHAPTAG_API int chaptag_report_in_place(const chaptag_report *report);
/* Bytes written to the file (0 for a dry run). */
CHAPTAG_API uint64_t chaptag_report_bytes_written(const chaptag_report *report);
/* Size in bytes of the tag (or box tree) written, its padding, and the padding added. */
CHAPTAG_API uint64_t chaptag_report_tag_size(const chaptag_report *report);
CHAPTAG_API uint64_t chaptag_report_padding(const chaptag_report *report);
/* A description of the frames or boxes written, one per line (the dry-run plan). */
CHAPTAG_API const char *chaptag_report_plan(const chaptag_report *report);
/* The file's container and the audio duration used. */
CHAPTAG_API const chaptag_file_info *chaptag_report_info(const chaptag_report *report);
CHAPTAG_API size_t chaptag_report_warning_count(const chaptag_report *report);
CHAPTAG_API const chaptag_warning *chaptag_report_warning(const chaptag_report *report,
                                                          size_t index);
/* Frees REPORT. NULL does nothing. */
CHAPTAG_API void chaptag_report_free(chaptag_report *report);

/* Writes LIST into the audio file at PATH (replacing its chapters), as OPTS says (NULL:
   defaults). On error the file is unchanged. On success *REPORT (may be NULL) is a new
   report; free it with chaptag_report_free(). */
CHAPTAG_API chaptag_status chaptag_embed(const char *path, const chaptag_chapters *list,
                                         const chaptag_embed_opts *opts, chaptag_report **report,
                                         chaptag_error *err);

/* Removes every chapter flavour from the audio file at PATH and keeps everything else, with
   embed's guarantees (OPTS: output, padding, dry_run; NULL: defaults). A file without
   chapters is left untouched. On success *REPORT (may be NULL) is a new report. */
CHAPTAG_API chaptag_status chaptag_strip(const char *path, const chaptag_embed_opts *opts,
                                         chaptag_report **report, chaptag_error *err);

/* Told how far a write has got: DONE of the TOTAL bytes of the new file are written. */
typedef void (*chaptag_progress_fn)(uint64_t done, uint64_t total, void *ctx);

/* As chaptag_embed() and chaptag_strip(), and while the file is rewritten PROGRESS (with CTX;
   may be NULL) is called from the calling thread each time another MiB or more is written and
   once at the end with DONE equal to TOTAL, DONE never going back. An edit in place, which is
   quick, and a remux by libavformat report nothing. */
CHAPTAG_API chaptag_status chaptag_embed_progress(const char *path, const chaptag_chapters *list,
                                                  const chaptag_embed_opts *opts,
                                                  chaptag_progress_fn progress, void *ctx,
                                                  chaptag_report **report, chaptag_error *err);
CHAPTAG_API chaptag_status chaptag_strip_progress(const char *path, const chaptag_embed_opts *opts,
                                                  chaptag_progress_fn progress, void *ctx,
                                                  chaptag_report **report, chaptag_error *err);

/* ---- pauses: silence in the audio, chapters snapped to it ------------------------------ */

/* What a pause is: a maximal run of audio in which every sample of every channel stays below
   THRESHOLD_DB (dBFS), lasting at least MIN_MS. */
typedef struct {
    double threshold_db; /* default -40 */
    uint64_t min_ms;     /* default 300 */
} chaptag_silence_opts;

#define CHAPTAG_SILENCE_THRESHOLD_DB (-40.0)
#define CHAPTAG_MIN_SILENCE_MS 300u
#define CHAPTAG_SNAP_WINDOW_MS 2000u

/* One pause, in the time a player shows (encoder delay and edit lists taken off). END_MS is
   where sound comes back. */
typedef struct {
    uint64_t start_ms;
    uint64_t end_ms;
} chaptag_pause;

/* Where in a pause a chapter goes: its middle (default), its start (right after the last
   sound) or its end (right before the next). */
typedef enum { CHAPTAG_SNAP_MIDDLE = 0, CHAPTAG_SNAP_START = 1, CHAPTAG_SNAP_END = 2 } chaptag_snap_place;

typedef struct {
    chaptag_silence_opts silence;
    uint64_t window_ms;       /* how far either side of a start to look; default 2000 */
    chaptag_snap_place place;
} chaptag_snap_opts;

/* How the audio was read: for benchmarks and for saying how much of a file was touched. */
typedef struct {
    uint64_t bytes_read; /* bytes chaptag asked of the audio file */
    uint64_t file_size;
    uint64_t decoded_ms; /* audio decoded, preroll included */
    uint64_t duration_ms; /* where the audio ends, when the reading learnt it (suggest always
                             does); 0 when not */
    char seek[48];       /* how windows were found: "CBR arithmetic", "frame-header walk",
                            "MP4 sample tables", "libavformat" */
} chaptag_audio_stats;

/* Defaults: -40 dBFS, 300 ms, a 2 s window, the middle of the pause. */
CHAPTAG_API void chaptag_snap_opts_init(chaptag_snap_opts *opts);

/* Called for each pause in time order; a status other than CHAPTAG_OK stops the search and
   is returned. */
typedef chaptag_status (*chaptag_pause_fn)(const chaptag_pause *pause, void *ctx);

/* Finds every pause of the audio file at PATH in one streaming pass with flat memory (OPTS
   NULL: defaults), decoding with libavcodec (opened on first use). STATS may be NULL. */
CHAPTAG_API chaptag_status chaptag_silences(const char *path, const chaptag_silence_opts *opts,
                                            chaptag_pause_fn fn, void *ctx,
                                            chaptag_audio_stats *stats, chaptag_error *err);

/* What snapping did to one chapter. */
typedef struct {
    uint64_t from_ms;
    uint64_t to_ms;    /* FROM_MS when it stayed */
    int moved;         /* 1 when TO_MS differs from FROM_MS */
    char why[96];      /* when it stayed: "no pause within 2 s", "first chapter at 0:00", ... */
} chaptag_snap_move;

/* Moves each chapter start of LIST to the nearest pause of the audio file at PATH within
   OPTS' window (ties: the longer pause), decoding only the windows. A chapter without a pause
   in its window stays, with a warning in LIST; none moves past a neighbour; a first chapter
   at 0:00 stays. MOVES (may be NULL) gets one entry per chapter, in list order. */
CHAPTAG_API chaptag_status chaptag_snap_to_silence(chaptag_chapters *list, const char *path,
                                                   const chaptag_snap_opts *opts,
                                                   chaptag_snap_move *moves,
                                                   chaptag_audio_stats *stats,
                                                   chaptag_error *err);

/* Proposes chapters for the audio file at PATH: "Chapter 1" at 0:00, then near each multiple
   of EVERY_MS (within the larger of the window and a tenth of EVERY_MS) the longest pause,
   placed as OPTS says, titled "Chapter N". A multiple without a pause gets its chapter at
   the multiple itself, with a warning in OUT. OUT must be empty. */
CHAPTAG_API chaptag_status chaptag_suggest(const char *path, uint64_t every_ms,
                                           const chaptag_snap_opts *opts, chaptag_chapters *out,
                                           chaptag_audio_stats *stats, chaptag_error *err);

/* ---- verify ----------------------------------------------------------------------------- */

typedef enum { CHAPTAG_NOTE = 0, CHAPTAG_WARNING = 1, CHAPTAG_ERROR = 2 } chaptag_severity;

/* One thing verify found. */
typedef struct {
    chaptag_severity severity;
    char code[32];  /* a stable name: "no-ctoc", "v24-size-trap", "chapter-differs", ... */
    char msg[256];  /* what is wrong, one clause */
    char why[256];  /* why it matters: which players trip on it; "" when obvious */
    unsigned line;  /* the expected chapter file's line it concerns; 0 if none */
} chaptag_finding;

typedef struct chaptag_verdict chaptag_verdict;

/* Checks the chapters of the audio file at PATH the way players read them (missing CTOC,
   ID3v2.4 size traps, untitled chapters, chapters past the end, the two MP4 flavours
   disagreeing, ...) and, when EXPECTED is not NULL, that the file carries exactly those
   chapters. On success *OUT is a new verdict; free it with chaptag_verdict_free(). */
CHAPTAG_API chaptag_status chaptag_verify(const char *path, const chaptag_chapters *expected,
                                          chaptag_verdict **out, chaptag_error *err);

CHAPTAG_API size_t chaptag_verdict_count(const chaptag_verdict *v);
CHAPTAG_API const chaptag_finding *chaptag_verdict_get(const chaptag_verdict *v, size_t index);
/* The chapters read from the file and what was found out about it (borrowed). */
CHAPTAG_API const chaptag_chapters *chaptag_verdict_chapters(const chaptag_verdict *v);
CHAPTAG_API const chaptag_file_info *chaptag_verdict_info(const chaptag_verdict *v);
CHAPTAG_API void chaptag_verdict_free(chaptag_verdict *v);

/* The platforms chaptag_verdict_check_profile() knows, NULL-terminated: "youtube",
   "spotify", "apple" (the chapter formats of the same names write their descriptions). */
CHAPTAG_API const char *const *chaptag_profile_names(void);

/* Adds to V a finding for every rule of platform PROFILE ("youtube", "spotify", "apple") that
   the file's chapters break: errors where the platform would show no chapters (the first not
   at 0:00, too few, out of order, too short), warnings for its advice (long titles, emoji).
   An unknown PROFILE is CHAPTAG_ERR_INPUT naming the known ones. */
CHAPTAG_API chaptag_status chaptag_verdict_check_profile(chaptag_verdict *v, const char *profile,
                                                         chaptag_error *err);

/* "note", "warning" or "error". */
CHAPTAG_API const char *chaptag_severity_name(chaptag_severity s);

/* V as a JSON object for machines: file (PATH), container, duration, chapters, ok (OK as the
   caller judged it), counts and findings. *OUT is a new string (free() it). */
CHAPTAG_API chaptag_status chaptag_verdict_json(const chaptag_verdict *v, const char *path, int ok,
                                                char **out, chaptag_error *err);

#ifdef __cplusplus
}
#endif
#endif
