/* Many files, one rule: where each audio file's chapter list comes from when embed or verify
   is given audio files only. A --chapters PATTERN ({dir}, {stem}, {name}) names it; without
   one, the first sibling that exists, in the order of cli_batch_siblings(), wins. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* After STEM.chapters.* (any extension, alone), in this order; README and help say so. */
static const char *const sibling_exts[] = {".json", ".psc", ".ffmetadata", ".vtt", ".cue",
                                           ".txt"};

const char *cli_batch_siblings(void)
{
    return "STEM.chapters.*, STEM.json, STEM.psc, STEM.ffmetadata, STEM.vtt, STEM.cue, "
           "STEM.txt";
}

/* The parts of AUDIO: the length of its folder with the final slash (0 when it has none),
   its name and the length of its stem (the name without the last extension). */
typedef struct {
    size_t dir_len;
    const char *name;
    size_t stem_len;
} audio_parts;

static audio_parts split(const char *audio)
{
    audio_parts p;
    const char *slash = strrchr(audio, '/');
    p.name = slash != NULL ? slash + 1 : audio;
    p.dir_len = (size_t)(p.name - audio);
    const char *dot = strrchr(p.name, '.');
    p.stem_len = dot != NULL && dot != p.name ? (size_t)(dot - p.name) : strlen(p.name);
    return p;
}

/* Appends LEN bytes of S to BUF at *AT; 0 when they do not fit. */
static int put(char *buf, size_t size, size_t *at, const char *s, size_t len)
{
    if (len >= size - *at)
        return 0;
    memcpy(buf + *at, s, len);
    *at += len;
    buf[*at] = '\0';
    return 1;
}

/* {dir}: the folder without its final slash; "/" at the root, "." without a folder. */
static int put_dir(char *buf, size_t size, size_t *at, const char *audio, audio_parts p)
{
    if (p.dir_len == 0)
        return put(buf, size, at, ".", 1);
    if (p.dir_len == 1)
        return put(buf, size, at, "/", 1);
    return put(buf, size, at, audio, p.dir_len - 1);
}

int cli_batch_expand(const char *pattern, const char *audio, char *buf, size_t size)
{
    audio_parts p = split(audio);
    size_t at = 0;
    buf[0] = '\0';
    for (const char *s = pattern; *s != '\0';) {
        int ok;
        if (strncmp(s, "{dir}", 5) == 0) {
            ok = put_dir(buf, size, &at, audio, p);
            s += 5;
        } else if (strncmp(s, "{stem}", 6) == 0) {
            ok = put(buf, size, &at, p.name, p.stem_len);
            s += 6;
        } else if (strncmp(s, "{name}", 6) == 0) {
            ok = put(buf, size, &at, p.name, strlen(p.name));
            s += 6;
        } else {
            ok = put(buf, size, &at, s, 1);
            s++;
        }
        if (!ok)
            return 0;
    }
    return 1;
}

int cli_batch_is_pattern(const char *pattern)
{
    return strstr(pattern, "{dir}") != NULL || strstr(pattern, "{stem}") != NULL ||
           strstr(pattern, "{name}") != NULL;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The error of AUDIO: CHAPTAG_ERR_INPUT, the message cut to the record's size; returns the
   exit status (said). */
static int fail(const char *audio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(const char *audio, const char *fmt, ...)
{
    chaptag_error err = {.code = CHAPTAG_ERR_INPUT};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err.msg, sizeof err.msg, fmt, ap);
    va_end(ap);
    return cli_error(audio, &err);
}

/* The names holding ".chapters." in the folder last listed: a catalogue's folder is read
   once per command, not once per file. */
static struct {
    char dir[4096];
    char **names;
    size_t n;
    int listed;
} seen;

void cli_batch_forget(void)
{
    for (size_t i = 0; i < seen.n; i++)
        free(seen.names[i]);
    free(seen.names);
    seen.names = NULL;
    seen.n = 0;
    seen.listed = 0;
}

/* Lists DIR into seen, unless it is the folder listed last; 0 when it cannot be read. */
static int list_dir(const char *dir)
{
    if (seen.listed && strcmp(seen.dir, dir) == 0)
        return 1;
    cli_batch_forget();
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    snprintf(seen.dir, sizeof seen.dir, "%s", dir);
    seen.listed = 1;
    size_t cap = 0;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".chapters.") == NULL)
            continue;
        if (seen.n == cap) {
            char **more = realloc(seen.names, (cap ? cap * 2 : 16) * sizeof *more);
            if (more == NULL)
                break; /* a shorter list: the ordinary siblings are still tried */
            seen.names = more;
            cap = cap ? cap * 2 : 16;
        }
        if ((seen.names[seen.n] = strdup(e->d_name)) != NULL)
            seen.n++;
    }
    closedir(d);
    return 1;
}

/* Looks for STEM.chapters.* beside AUDIO: 0 when there is none, 1 with its path in BUF, or
   else the exit status of the error (two of them, named; or a path too long). */
static int chapters_sibling(const char *audio, audio_parts p, char *buf, size_t size)
{
    char dir[4096], prefix[512];
    if (p.dir_len >= sizeof dir || p.stem_len + 10 >= sizeof prefix)
        return fail(audio, "its path is too long to look for a chapter list beside it");
    if (p.dir_len > 0)
        snprintf(dir, sizeof dir, "%.*s", (int)p.dir_len, audio);
    else
        snprintf(dir, sizeof dir, ".");
    snprintf(prefix, sizeof prefix, "%.*s.chapters.", (int)p.stem_len, p.name);
    if (!list_dir(dir))
        return 0;
    size_t n_prefix = strlen(prefix);
    int found = 0;
    for (size_t i = 0; i < seen.n; i++) {
        const char *name = seen.names[i];
        if (strncmp(name, prefix, n_prefix) != 0 || name[n_prefix] == '\0' ||
            strcmp(name, p.name) == 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%.*s%s", (int)p.dir_len, audio, name);
        if (!is_file(path))
            continue;
        if (found)
            return fail(audio, "two chapter lists beside it: %s and %s; keep one", buf, path);
        if (strlen(path) >= size)
            return fail(audio, "its chapter list's path is too long");
        snprintf(buf, size, "%s", path);
        found = 1;
    }
    return found;
}

int cli_batch_chapters(const char *audio, const char *pattern, char *buf, size_t size)
{
    struct stat st;
    if (stat(audio, &st) != 0) { /* said as embed and verify say it, before any list */
        chaptag_error err = {.code = CHAPTAG_ERR_IO, .sys_errno = errno};
        snprintf(err.msg, sizeof err.msg, "cannot open: %s", strerror(err.sys_errno));
        return cli_error(audio, &err);
    }
    if (pattern != NULL) {
        if (!cli_batch_expand(pattern, audio, buf, size))
            return fail(audio, "the --chapters pattern makes a path too long");
        if (is_file(buf))
            return EXIT_OK;
        return fail(audio, "no chapter list: %s (--chapters %s) is no file", buf, pattern);
    }
    audio_parts p = split(audio);
    int rc = chapters_sibling(audio, p, buf, size);
    if (rc == 1)
        return EXIT_OK;
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < sizeof sibling_exts / sizeof sibling_exts[0]; i++) {
        int n = snprintf(buf, size, "%.*s%.*s%s", (int)p.dir_len, audio, (int)p.stem_len,
                         p.name, sibling_exts[i]);
        if (n < 0 || (size_t)n >= size)
            return fail(audio, "its path is too long to look for a chapter list beside it");
        if (strcmp(buf, audio) != 0 && is_file(buf))
            return EXIT_OK;
    }
    return fail(audio, "no chapter list beside it (tried %.*s.chapters.*, then .json, .psc, "
                       ".ffmetadata, .vtt, .cue, .txt); give one with --chapters PATTERN",
                (int)p.stem_len, p.name);
}
