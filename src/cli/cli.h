/* The command-line program: commands, messages and exit statuses. Only the public API of
   libchaptag is used here; no format or container logic. */
#ifndef CHAPTAG_CLI_H
#define CHAPTAG_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "chaptag/chaptag.h"

/* Exit statuses (DESIGN.md). */
enum {
    EXIT_OK = 0,
    EXIT_DIFFERENT = 1, /* verify found a difference or a problem */
    EXIT_USAGE = 2,
    EXIT_INPUT = 3,     /* invalid chapter input */
    EXIT_AUDIO = 4,     /* unsupported or damaged audio file */
    EXIT_IO = 5         /* I/O error */
};

/* Runs the command line ARGV (ARGV[0] is the program); returns the exit status. */
int cli_main(int argc, char **argv);

int cmd_embed(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_strip(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_silences(int argc, char **argv);
int cmd_suggest(int argc, char **argv);

/* Prints the help of command NAME (NULL: the program's) to standard output. */
int cli_help(const char *name);

/* The exit status for a library status. */
int cli_exit_status(chaptag_status st);

/* -1 quiet (errors only), 0 normal, 1 verbose. */
extern int cli_verbosity;

/* How a path is shown: "-" is standard input. */
const char *cli_path(const char *path);

/* "chaptag: PATH[:LINE[:COLUMN]]: message" on standard error; returns the exit status. */
int cli_error(const char *path, const chaptag_error *err);

/* "chaptag: PATH[:LINE]: warning: message" on standard error, unless quiet. */
void cli_warning(const char *path, const chaptag_warning *w);

/* "chaptag CMD: message" and a hint to the command's help; returns EXIT_USAGE. */
/* The folders given with --image-dir, in order. */
#define CLI_DIRS_MAX 32
typedef struct {
    const char *v[CLI_DIRS_MAX];
    size_t n;
} cli_dirs;

/* Adds DIR; false when there are CLI_DIRS_MAX already. */
int cli_dirs_add(cli_dirs *d, const char *dir);

int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The options that edit a chapter list after it is read, shared by convert and embed (long
   options only, numbered past the commands' own). */
enum { CLI_OPT_SHIFT = 512, CLI_OPT_CUT, CLI_OPT_INSERT, CLI_OPT_ADD_INTRO, CLI_OPT_SKIP_PROSE };
#define CLI_EDIT_OPTIONS                                                                       \
    {"shift", required_argument, NULL, CLI_OPT_SHIFT},                                         \
    {"cut", required_argument, NULL, CLI_OPT_CUT},                                             \
    {"insert", required_argument, NULL, CLI_OPT_INSERT},                                       \
    {"add-intro", required_argument, NULL, CLI_OPT_ADD_INTRO},                                 \
    {"skip-prose", no_argument, NULL, CLI_OPT_SKIP_PROSE}

/* The edits asked for, in the order given; --add-intro comes after them. */
#define CLI_EDITS_MAX 64
typedef struct {
    struct {
        int opt;           /* CLI_OPT_SHIFT, CLI_OPT_CUT or CLI_OPT_INSERT */
        int64_t offset_ms; /* --shift */
        uint64_t a_ms, b_ms; /* --cut START END, --insert AT LENGTH */
    } v[CLI_EDITS_MAX];
    size_t n;
    const char *intro; /* --add-intro TITLE, or NULL */
    int skip_prose;
} cli_edits;

/* Takes edit option OPT with ARG for command CMD: -1 when OPT is no edit option, 0 when it is
   taken, else the exit status of the usage error (said). */
int cli_edits_take(cli_edits *e, const char *cmd, int opt, const char *arg);

/* Applies E in order to *LIST (replaced by the result), for audio of DURATION_MS
   (CHAPTAG_TIME_NONE: unknown); errors are said under PATH. Returns the exit status. */
int cli_edits_apply(const cli_edits *e, chaptag_chapters **list, uint64_t duration_ms,
                    const char *path);

/* Reads the chapter file PATH ('-': standard input) in FMT (NULL: detected), or with
   SKIP_PROSE as a pasted description (text only); errors are said. Returns the exit status. */
int cli_read_chapters(const char *path, const char *fmt, int skip_prose,
                      chaptag_chapters **out);

/* N with thousands separators ("2,114") in BUF (at least 32 bytes). */
const char *cli_count(uint64_t n, char *buf);

/* "s" unless N is 1: for "%zu chapter%s". */
const char *cli_s(uint64_t n);

/* Writes the LEN bytes at DATA as the whole file PATH (a temporary file beside it, renamed
   over it), keeping an existing file's mode; returns the exit status, with the error said. */
int cli_write_file(const char *path, const char *data, size_t len);

/* chaptag_embed() and chaptag_strip() with a progress line on standard error when it is a
   terminal and not quiet, once the write has taken a second (progress.c); cleared when done. */
chaptag_status cli_embed_with_progress(const char *path, const chaptag_chapters *list,
                                       const chaptag_embed_opts *opts, chaptag_report **report,
                                       chaptag_error *err);
chaptag_status cli_strip_with_progress(const char *path, const chaptag_embed_opts *opts,
                                       chaptag_report **report, chaptag_error *err);

/* The format NAME stands for (any case, or an alias such as txt or podcasting2) in *OUT;
   returns -1, or else the usage error of command CMD listing the formats. */
int cli_format(const char *cmd, const char *name, const char **out);

/* Parses a non-negative decimal integer; 0 when S is not one. */
int cli_parse_u64(const char *s, uint64_t *v);

/* Reports for machines (report.c): --format text (the default, for people), json (one
   object for one file, else one array of them) or jsonl (one compact object per line). */
typedef enum { CLI_REPORT_TEXT = 0, CLI_REPORT_JSON = 1, CLI_REPORT_JSONL = 2 } cli_report_fmt;

/* Takes --format ARG of command CMD into *OUT: -1, or else the usage error. */
int cli_report_format(const char *cmd, const char *arg, cli_report_fmt *out);

/* Starts the report of a run over N_FILES files in FMT (text: every call below does nothing). */
void cli_report_begin(cli_report_fmt fmt, size_t n_files);

/* 1 when the report is one JSON array (json, and not exactly one file). */
int cli_report_array(void);

/* What an object carries besides "file": "status" always (else only when not 0), and a
   "warnings" array that every cli_warning() lands in. */
enum { CLI_REPORT_STATUS = 1, CLI_REPORT_WARNINGS = 2 };

/* Opens the object of file PATH; until cli_report_close(), cli_error() sets its "error"
   (the first one), "error_file" and "error_line", and cli_warning() adds to its warnings. */
void cli_report_open(const char *path, unsigned flags);

/* Sets KEY of the open object (a NULL string is null). */
void cli_report_str(const char *key, const char *value);
void cli_report_int(const char *key, uint64_t value);
void cli_report_bool(const char *key, int value);

/* Sets what embed or strip wrote (or would write) from R: container, tag, duration_ms,
   written ("nothing", "in place" or "rewrite"), in_place (the plan's way), what (the tag or
   boxes), bytes_written, tag_size, padding and plan. */
void cli_report_written(const chaptag_report *r);

/* Adds the keys of the JSON object TEXT to the open object; 0 when TEXT is no object. */
int cli_report_merge(const char *text);

/* Called by cli_error() and cli_warning(). */
void cli_report_error(const char *path, const chaptag_error *err);
void cli_report_warning(const char *path, const chaptag_warning *w);

/* Closes the open object with exit status STATUS and prints it (or keeps it for the array). */
void cli_report_close(int status);

/* Ends the report: prints the array, if it is one. */
void cli_report_end(void);

/* The options that define a pause and snap chapters to one (cmd_silence.c), shared by embed,
   silences and suggest (long options only, numbered past the edit options). */
enum { CLI_OPT_SNAP = 600, CLI_OPT_SNAP_TO, CLI_OPT_MIN_SILENCE, CLI_OPT_THRESHOLD,
       CLI_OPT_WINDOW };
/* What a pause is: silences' options, and part of the others'. */
#define CLI_PAUSE_OPTIONS                                                                      \
    {"min-silence", required_argument, NULL, CLI_OPT_MIN_SILENCE},                             \
    {"silence-threshold", required_argument, NULL, CLI_OPT_THRESHOLD}
#define CLI_SNAP_OPTIONS                                                                       \
    {"snap-to-silence", optional_argument, NULL, CLI_OPT_SNAP},                                \
    {"snap-to", required_argument, NULL, CLI_OPT_SNAP_TO}, CLI_PAUSE_OPTIONS

typedef struct {
    int on;            /* --snap-to-silence given */
    const char *given; /* the first other pause option given, as typed ("--snap-to") */
    chaptag_snap_opts o;
} cli_snap;

/* Defaults: off, -40 dBFS, 300 ms, a 2 s window, the middle of the pause. */
void cli_snap_init(cli_snap *s);

/* Takes pause option OPT with ARG for command CMD (CLI_OPT_WINDOW: suggest's --window, the
   window without turning snapping on): -1 when OPT is none, 0 when it is taken, else the
   exit status of the usage error (said). */
int cli_snap_take(cli_snap *s, const char *cmd, int opt, const char *arg);

/* Snaps the chapters of LIST (read from CHAPTERS) to the pauses of AUDIO as S says; prints
   each move when DRY_RUN or verbose and a summary line, or puts "snap" into the REPORT;
   warnings are said under CHAPTERS. Returns the exit status. */
int cli_snap_apply(const cli_snap *s, const char *audio, const char *chapters,
                   chaptag_chapters *list, int dry_run, cli_report_fmt report);

/* Many files, one rule (batch.c): where each audio file's chapter list comes from. */

/* The siblings tried, in order, for help and messages. */
const char *cli_batch_siblings(void);

/* 1 when PATTERN holds a placeholder ({dir}, {stem} or {name}), so that it names one list
   per audio file; else it names one list for all. */
int cli_batch_is_pattern(const char *pattern);

/* PATTERN for AUDIO in BUF: {dir} its folder ("." when none), {stem} its name without the
   last extension, {name} its whole name; 0 when the result does not fit SIZE bytes. */
int cli_batch_expand(const char *pattern, const char *audio, char *buf, size_t size);

/* The path of AUDIO's chapter list in BUF: PATTERN expanded (NULL: the first sibling that
   exists). Returns the exit status, errors said under AUDIO: no AUDIO is EXIT_IO; no list
   (naming what was tried), or two STEM.chapters.* (naming both), is EXIT_INPUT. */
int cli_batch_chapters(const char *audio, const char *pattern, char *buf, size_t size);

/* Forgets the folder cli_batch_chapters() listed last; called when a command's files are
   done, so that the next command sees the folder as it is then. */
void cli_batch_forget(void);

#endif
