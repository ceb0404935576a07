/* Tests of the command-line program (src/cli) run in-process through cli_main, standard
   output and error captured: dispatch and help, each command's usage errors, the exit status
   of every outcome, what embed says it did, and the message helpers. */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static void write_text(const char *path, const char *text)
{
    ct_test_write_file(path, text, strlen(text));
}

/* An MP3 of N_FRAMES silent frames (about 26 ms each), no tag. */
static void write_mp3(const char *path, size_t n_frames)
{
    ct_test_write_mp3(path, NULL, 0, n_frames);
}

typedef struct {
    int status;
    char *out, *err;
} result;

/* Reads what was written to the file behind FD since it was emptied, and empties it. */
static char *take(int fd)
{
    off_t len = lseek(fd, 0, SEEK_END);
    assert_true(len >= 0);
    char *s = malloc((size_t)len + 1);
    assert_non_null(s);
    assert_int_equal(pread(fd, s, (size_t)len, 0), len);
    s[len] = '\0';
    assert_int_equal(ftruncate(fd, 0), 0);
    return s;
}

/* Runs "chaptag FIRST AP..." (NULL-terminated) in-process; its standard output and error
   are captured into the result (free with done()). */
static result vrun(const char *first, va_list ap)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = "chaptag";
    for (const char *a = first; a != NULL; a = va_arg(ap, const char *)) {
        assert_true(argc < 31);
        argv[argc++] = strdup(a);
    }
    argv[argc] = NULL;

    char out_path[64], err_path[64];
    snprintf(out_path, sizeof out_path, "/tmp/chaptag-cli-out-XXXXXX");
    snprintf(err_path, sizeof err_path, "/tmp/chaptag-cli-err-XXXXXX");
    int out_fd = mkstemp(out_path), err_fd = mkstemp(err_path);
    assert_true(out_fd >= 0 && err_fd >= 0);
    unlink(out_path), unlink(err_path);
    fflush(stdout), fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    dup2(out_fd, 1), dup2(err_fd, 2);

    result r = {.status = cli_main(argc, argv)};

    fflush(stdout), fflush(stderr);
    dup2(saved_out, 1), dup2(saved_err, 2);
    close(saved_out), close(saved_err);
    r.out = take(out_fd);
    r.err = take(err_fd);
    close(out_fd), close(err_fd);
    for (int i = 1; i < argc; i++)
        free(argv[i]);
    return r;
}

static result run(const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    result r = vrun(first, ap);
    va_end(ap);
    return r;
}

static void done(result *r)
{
    free(r->out);
    free(r->err);
}

#define assert_contains(haystack, needle)                                                 \
    do {                                                                                   \
        if (strstr((haystack), (needle)) == NULL)                                          \
            fail_msg("\"%s\" not found in:\n%s", (needle), (haystack));                    \
    } while (0)

/* Runs "chaptag FIRST..." (NULL-terminated) and checks its exit STATUS, and that standard
   output holds OUT and standard error ERR (NULL: not checked; "": must be empty). */
static void expect(int status, const char *out, const char *err, const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    result r = vrun(first, ap);
    va_end(ap);
    if (r.status != status)
        fail_msg("chaptag %s ...: status %d, not %d; stderr: %s", first ? first : "", r.status,
                 status, r.err);
    const char *want[2] = {out, err}, *got[2] = {r.out, r.err};
    for (int i = 0; i < 2; i++) {
        if (want[i] != NULL && want[i][0] == '\0')
            assert_string_equal(got[i], "");
        else if (want[i] != NULL)
            assert_contains(got[i], want[i]);
    }
    done(&r);
}

static void help_version_and_unknown_commands(void **state)
{
    (void)state;
    char version[64];
    snprintf(version, sizeof version, "chaptag %s\n", chaptag_version());
    expect(EXIT_OK, version, "", "--version", NULL);

    result r = run("--help", NULL);
    assert_int_equal(r.status, EXIT_OK);
    for (const char *c = "embed\0dump\0verify\0strip\0convert\0"; *c; c += strlen(c) + 1)
        assert_contains(r.out, c);
    assert_contains(r.out, "5 I/O error");
    done(&r);

    expect(EXIT_USAGE, "Usage: chaptag COMMAND", NULL, NULL);
    expect(EXIT_OK, "--id3v2-version", NULL, "help", "embed", NULL);
    expect(EXIT_USAGE, "", "chaptag: no command 'tag'; try 'chaptag --help'\n", "help", "tag",
           NULL);
    expect(EXIT_USAGE, "", "no command 'chapters'", "chapters", "x.mp3", NULL);
    expect(EXIT_USAGE, "", "chaptag: no command 'embd'; did you mean 'embed'?\n", "embd", "x.mp3",
           NULL);
    expect(EXIT_USAGE, "", "did you mean 'verify'?", "help", "verfiy", NULL);
    expect(EXIT_OK, "Usage: chaptag dump", "", "dump", "--help", NULL);
}

static void usage_errors_are_status_2_and_name_the_command(void **state)
{
    (void)state;
    static const char *const cases[][6] = {
        {"embed", NULL},
        {"verify", "--siblings", "--chapters", "c.txt", "a.mp3", NULL},
        {"embed", "--id3v2-version", "5", "a.mp3", "c.txt", NULL},
        {"embed", "--mp4-style", "apple", "a.m4a", "c.txt", NULL},
        {"embed", "--padding", "lots", "a.mp3", "c.txt", NULL},
        {"embed", "--duration", "soon", "a.mp3", "c.txt", NULL},
        {"embed", "--no-such-option", "a.mp3", "c.txt", NULL},
        {"dump", NULL},
        {"dump", "--format", "docx", "a.mp3", NULL},
        {"strip", NULL},
        {"verify", NULL},
        {"convert", "c.txt", NULL},
        {"convert", "--to", "yaml", "c.txt", NULL},
        {"convert", "--from", "yaml", "--to", "json", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *const *c = cases[i];
        result r = run(c[0], c[1], c[2], c[3], c[4], c[5], NULL);
        if (r.status != EXIT_USAGE)
            fail_msg("case %zu (%s %s): status %d, stderr: %s", i, c[0], c[1] ? c[1] : "",
                     r.status, r.err);
        char want[64];
        snprintf(want, sizeof want, "chaptag %s: ", c[0]);
        assert_contains(r.err, want);
        snprintf(want, sizeof want, "Try 'chaptag help %s'.\n", c[0]);
        assert_contains(r.err, want);
        done(&r);
    }
}

static void embed_dump_verify_strip_through_the_command_line(void **state)
{
    (void)state;
    const char *mp3 = ct_test_path("ep.mp3", 0), *chapters = ct_test_path("chapters.txt", 1),
               *other = ct_test_path("other.txt", 2);
    write_mp3(mp3, 600); /* about 15.7 s */
    write_text(chapters, "0:00 Intro\n0:05 Middle part\n0:10 Outro\n");
    write_text(other, "0:00 Intro\n0:06 Middle part\n0:10 Outro\n");

    expect(EXIT_OK, "3 chapters; file rewritten", "", "embed", mp3, chapters, NULL);
    expect(EXIT_OK, "nothing written", "", "embed", mp3, chapters, NULL); /* the same again */
    expect(EXIT_OK, "", "", "embed", "-q", mp3, other, NULL);
    expect(EXIT_OK, "# container: MP3, tag: ID3v2.3\n", "", "dump", mp3, NULL);
    expect(EXIT_OK, "00:00:00 Intro\n00:00:06 Middle part\n00:00:10 Outro\n", "", "dump", mp3,
           NULL);
    expect(EXIT_OK, "\"startTime\": 6", "", "dump", "--format", "json", mp3, NULL);
    expect(EXIT_OK, "\"title\": \"Middle part\"", "", "dump", "--format", "json", mp3, NULL);
    expect(EXIT_OK, "ok: 3 chapters, 0 errors, 0 warnings, 0 notes; carries exactly", "",
           "verify", mp3, other, NULL);
    /* the file has 0:06, the list says 0:05 */
    expect(EXIT_DIFFERENT, "FAILED: 3 chapters, 1 error, ", NULL, "verify", mp3, chapters, NULL);
    expect(EXIT_DIFFERENT, "chapters.txt:2: error: ", NULL, "verify", mp3, chapters, NULL);
    expect(EXIT_OK, NULL, "", "strip", mp3, NULL);

    result r = run("dump", mp3, NULL);
    assert_int_equal(r.status, EXIT_OK);
    assert_contains(r.out, "# chapters: 0");
    assert_null(strstr(r.out, "Intro"));
    done(&r);
    /* machine output is a document even with nothing in it */
    expect(EXIT_OK, "\"chapters\": []", "", "dump", "--format", "json", mp3, NULL);
}

static void an_output_that_is_the_input_is_a_usage_error(void **state)
{
    (void)state;
    const char *mp3 = ct_test_path("same.mp3", 0), *list = ct_test_path("same.txt", 1);
    const char *soft = ct_test_path("same-link.mp3", 2), *hard = ct_test_path("same-hard.mp3", 3);
    write_mp3(mp3, 200);
    write_text(list, "0:00 Intro\n0:02 More\n");
    unlink(soft);
    unlink(hard);
    assert_int_equal(symlink(mp3, soft), 0);
    assert_int_equal(link(mp3, hard), 0);
    size_t before_len, after_len;
    char *before = ct_test_read_file(mp3, &before_len);
    const char *outputs[] = {mp3, soft, hard};
    for (size_t i = 0; i < 3; i++)
        expect(EXIT_USAGE, "", "is ", "embed", "-o", outputs[i], mp3, list, NULL);
    char *after = ct_test_read_file(mp3, &after_len);
    assert_bytes_equal(after, after_len, before, before_len);
    free(before);
    free(after);
}

static void each_outcome_has_its_exit_status(void **state)
{
    (void)state;
    const char *mp3 = ct_test_path("st.mp3", 0), *bad = ct_test_path("bad.txt", 1),
               *good = ct_test_path("good.txt", 2), *missing = ct_test_path("missing.mp3", 3);
    write_mp3(mp3, 200);
    write_text(bad, "0:00 Intro\nno time here\n");
    write_text(good, "0:00 Intro\n0:02 More\n");

    expect(EXIT_INPUT, "", "bad.txt:2: no time at the start of the line", "embed", mp3, bad,
           NULL);
    expect(EXIT_IO, "", "missing.mp3: ", "embed", missing, good, NULL);
    expect(EXIT_AUDIO, "", NULL, "embed", good, good, NULL); /* a text file is no audio */
    /* Several files: each is reported, the status is the worst. */
    expect(EXIT_IO, "# chaptag dump of ", "missing.mp3", "dump", mp3, missing, NULL);
    expect(EXIT_INPUT, "", NULL, "convert", "--to", "ffmetadata", bad, NULL);
    expect(EXIT_OK, ";FFMETADATA1\n", "", "convert", "--to", "ffmetadata", "--duration", "0:05",
           good, NULL);
    expect(EXIT_OK, "START=2000\nEND=5000\ntitle=More\n", "", "convert", "--to", "ffmetadata",
           "--duration", "0:05", good, NULL);
}

static void messages_and_helpers(void **state)
{
    (void)state;
    assert_int_equal(cli_exit_status(CHAPTAG_OK), EXIT_OK);
    assert_int_equal(cli_exit_status(CHAPTAG_ERR_INPUT), EXIT_INPUT);
    assert_int_equal(cli_exit_status(CHAPTAG_ERR_AUDIO), EXIT_AUDIO);
    assert_int_equal(cli_exit_status(CHAPTAG_ERR_IO), EXIT_IO);
    assert_int_equal(cli_exit_status(CHAPTAG_ERR_NOMEM), EXIT_IO);
    assert_int_equal(cli_exit_status((chaptag_status)99), EXIT_IO);

    char buf[32];
    assert_string_equal(cli_count(0, buf), "0");
    assert_string_equal(cli_count(999, buf), "999");
    assert_string_equal(cli_count(1000, buf), "1,000");
    assert_string_equal(cli_count(2114, buf), "2,114");
    assert_string_equal(cli_count(1234567, buf), "1,234,567");
    assert_string_equal(cli_count(UINT64_MAX, buf), "18,446,744,073,709,551,615");

    uint64_t v = 7;
    assert_true(cli_parse_u64("0", &v) && v == 0);
    assert_true(cli_parse_u64("4096", &v) && v == 4096);
    v = 7;
    assert_false(cli_parse_u64("", &v));
    assert_false(cli_parse_u64("-1", &v));
    assert_false(cli_parse_u64("+1", &v));
    assert_false(cli_parse_u64("12k", &v));
    assert_false(cli_parse_u64("99999999999999999999", &v));
    assert_int_equal(v, 7);

    assert_string_equal(cli_path("-"), "<stdin>");
    assert_string_equal(cli_path("a.txt"), "a.txt");
}

/* Counts the lines of S. */
static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void reports_for_machines(void **state)
{
    (void)state;
    const char *a = ct_test_path("rep-a.mp3", 0), *b = ct_test_path("rep-b.mp3", 1),
               *chapters = ct_test_path("rep.txt", 2), *missing = ct_test_path("none.mp3", 3);
    write_mp3(a, 600);
    write_mp3(b, 600);
    write_text(chapters, "0:00 Intro\n0:05 Middle part\n0:10 Outro\n");
    char want[512];

    /* embed: one object, with what was written; text stays the default */
    result r = run("embed", "--format", "json", a, chapters, NULL);
    assert_int_equal(r.status, EXIT_OK);
    snprintf(want, sizeof want, "{\n  \"file\": \"%s\",\n  \"warnings\": [],\n  \"chapters\": 3,",
             a);
    assert_true(strncmp(r.out, want, strlen(want)) == 0);
    assert_contains(r.out, "\"written\": \"rewrite\"");
    assert_contains(r.out, "\"what\": \"ID3v2.3 tag\"");
    assert_contains(r.out, "\"status\": 0\n}\n");
    assert_string_equal(r.err, "");
    done(&r);
    expect(EXIT_OK, "\"written\":\"nothing\"", "", "embed", "--format", "jsonl", a, chapters,
           NULL);

    /* strip: one line per file for jsonl, one array for json; a failure keeps its place */
    r = run("strip", "--format", "jsonl", a, missing, b, NULL);
    assert_int_equal(r.status, EXIT_IO);
    assert_int_equal(count_lines(r.out), 3);
    snprintf(want, sizeof want, "{\"file\":\"%s\",\"warnings\":[],\"dry_run\":false,"
             "\"had_chapters\":true,", a);
    assert_true(strncmp(r.out, want, strlen(want)) == 0);
    snprintf(want, sizeof want, "\n{\"file\":\"%s\",\"warnings\":[],\"error\":", missing);
    assert_contains(r.out, want);
    snprintf(want, sizeof want, "\"error_file\":\"%s\",\"status\":5}\n{\"file\":\"%s\"", missing,
             b);
    assert_contains(r.out, want);
    assert_contains(r.err, "none.mp3: "); /* the message for people stays */
    done(&r);
    r = run("strip", "--format", "json", a, b, NULL);
    assert_int_equal(r.status, EXIT_OK);
    assert_true(strncmp(r.out, "[\n  {\n", 6) == 0);
    assert_contains(r.out, "\"had_chapters\": false");
    assert_contains(r.out, "  }\n]\n");
    done(&r);

    /* verify: one file's object with its status, several an array of them */
    expect(EXIT_OK, "", "", "embed", "-q", a, chapters, NULL);
    r = run("verify", "--format", "json", a, NULL);
    assert_true(strncmp(r.out, "{\n  \"file\": ", 12) == 0);
    assert_contains(r.out, "\"status\": 0");
    done(&r);
    r = run("verify", "--format", "json", a, b, missing, NULL);
    assert_int_equal(r.status, EXIT_IO);
    assert_true(strncmp(r.out, "[\n", 2) == 0);
    assert_contains(r.out, "\"status\": 0");
    assert_contains(r.out, "\"status\": 1");
    assert_contains(r.out, "\"status\": 5");
    done(&r);
    expect(EXIT_OK, "\"ok\":true,", "", "verify", "--format", "jsonl", a, NULL);

    /* dump: documents with "file" for several or jsonl, the document alone for one */
    r = run("dump", "--format", "json", a, NULL);
    assert_true(strncmp(r.out, "{\n  \"version\": \"1.2.0\"", 22) == 0);
    done(&r);
    r = run("dump", "--format", "jsonl", a, b, NULL);
    assert_int_equal(count_lines(r.out), 2);
    snprintf(want, sizeof want, "{\"file\":\"%s\",\"version\":\"1.2.0\",", b);
    assert_contains(r.out, want);
    assert_contains(r.out, "\"chapters\":[]}\n");
    done(&r);

    /* --format names a report: text, json or jsonl, in any case */
    for (const char *c = "embed\0strip\0verify\0"; *c; c += strlen(c) + 1)
        expect(EXIT_USAGE, "", "--format is text, json or jsonl, not 'yaml'", c, "--format",
               "yaml", a, chapters, NULL);
    cli_report_fmt f = CLI_REPORT_TEXT;
    assert_int_equal(cli_report_format("strip", "JSONL", &f), -1);
    assert_int_equal(f, CLI_REPORT_JSONL);
    assert_int_equal(cli_report_format("strip", "jsonl", &f), -1);
    assert_int_equal(f, CLI_REPORT_JSONL);
    assert_int_equal(cli_report_format("strip", "json", &f), -1);
    assert_int_equal(f, CLI_REPORT_JSON);
    /* with no report under way, messages land nowhere else */
    cli_report_str("x", "y");
    cli_report_close(0);
}


/* NAME in the test folder "batch", in a new string (free it). */
static char *in_batch(const char *name)
{
    const char *dir = ct_test_path("batch", 3);
    mkdir(dir, 0755);
    char *s = malloc(strlen(dir) + strlen(name) + 2);
    assert_non_null(s);
    sprintf(s, "%s/%s", dir, name);
    return s;
}

static void patterns_expand_per_audio_file(void **state)
{
    (void)state;
    char buf[64];
    static const char *const cases[][3] = {
        {"{dir}/chapters/{stem}.txt", "shows/a/ep1.mp3", "shows/a/chapters/ep1.txt"},
        {"{dir}/chapters/{stem}.txt", "ep1.mp3", "./chapters/ep1.txt"},
        {"{dir}/{name}.json", "/ep.tar.mp3", "//ep.tar.mp3.json"},
        {"lists/{stem}", "a/.hidden", "lists/.hidden"},
        {"{stem}.txt", "noext", "noext.txt"},
        {"fixed.txt", "a/ep.mp3", "fixed.txt"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_true(cli_batch_expand(cases[i][0], cases[i][1], buf, sizeof buf));
        assert_string_equal(buf, cases[i][2]);
    }
    assert_false(cli_batch_expand("{name}{name}{name}{name}", "a-rather-long-name.mp3", buf,
                                  sizeof buf));
    assert_true(cli_batch_is_pattern("{dir}/x.txt"));
    assert_false(cli_batch_is_pattern("{dirs}/x.txt"));
}

static void siblings_are_tried_in_order(void **state)
{
    (void)state;
    char *mp3 = in_batch("order.mp3"), *txt = in_batch("order.txt"),
         *json = in_batch("order.json"), *vtt = in_batch("order.chapters.vtt"),
         *txt2 = in_batch("order.chapters.txt");
    char buf[4096];
    write_mp3(mp3, 10);
    write_text(txt, "0:00 A\n");
    assert_int_equal(cli_batch_chapters(mp3, NULL, buf, sizeof buf), EXIT_OK);
    cli_batch_forget(); /* the folder is listed once per command; files come and go here */
    assert_string_equal(buf, txt);
    write_text(json, "{}");
    assert_int_equal(cli_batch_chapters(mp3, NULL, buf, sizeof buf), EXIT_OK);
    cli_batch_forget(); /* the folder is listed once per command; files come and go here */
    assert_string_equal(buf, json);
    write_text(vtt, "WEBVTT\n");
    assert_int_equal(cli_batch_chapters(mp3, NULL, buf, sizeof buf), EXIT_OK);
    cli_batch_forget(); /* the folder is listed once per command; files come and go here */
    assert_string_equal(buf, vtt);
    /* two STEM.chapters.* are an error naming both */
    write_text(txt2, "0:00 A\n");
    expect(EXIT_INPUT, "", "order.chapters.vtt", "embed", mp3, NULL);
    expect(EXIT_INPUT, "", "order.chapters.txt; keep one", "embed", mp3, NULL);
    unlink(vtt), unlink(txt2), unlink(json), unlink(txt);
    expect(EXIT_INPUT, "", "order.mp3: no chapter list beside it (tried order.chapters.*, then "
           ".json, .psc, .ffmetadata, .vtt, .cue, .txt)", "embed", mp3, NULL);
    expect(EXIT_INPUT, "", "(--chapters {dir}/none/{stem}.txt) is no file", "embed",
           "--chapters", "{dir}/none/{stem}.txt", mp3, NULL);
    free(mp3), free(txt), free(json), free(vtt), free(txt2);
}

static void embed_and_verify_many_files_each_with_its_own_list(void **state)
{
    (void)state;
    char *a = in_batch("a.mp3"), *b = in_batch("b.mp3"), *c = in_batch("c.mp3"),
         *la = in_batch("a.chapters.txt"), *lb = in_batch("b.txt"), *lc = in_batch("c.txt");
    write_mp3(a, 200), write_mp3(b, 200), write_mp3(c, 200);
    write_text(la, "0:00 A one\n0:02 A two\n");
    write_text(lb, "0:00 B one\n0:03 B two\n");

    /* c has no list: its error, status 3, the others written */
    result r = run("embed", a, b, c, NULL);
    assert_int_equal(r.status, EXIT_INPUT);
    assert_contains(r.out, "a.mp3: 2 chapters; file rewritten");
    assert_contains(r.out, "b.mp3: 2 chapters; file rewritten");
    assert_contains(r.err, "c.mp3: no chapter list beside it");
    done(&r);
    expect(EXIT_OK, "00:00:03 B two", "", "dump", b, NULL);
    /* --fail-fast stops at c */
    r = run("embed", "--fail-fast", "--format", "jsonl", c, a, NULL);
    assert_int_equal(r.status, EXIT_INPUT);
    assert_int_equal(count_lines(r.out), 1);
    assert_contains(r.out, "\"status\":3}");
    done(&r);
    write_text(lc, "0:00 C one\n0:04 C two\n");
    r = run("embed", "--format", "json", a, b, c, NULL);
    assert_int_equal(r.status, EXIT_OK);
    assert_true(strncmp(r.out, "[\n", 2) == 0);
    assert_contains(r.out, "\"written\": \"nothing\"");
    assert_contains(r.out, "\"written\": \"rewrite\"");
    done(&r);

    /* verify: against each one's own list with --siblings or a pattern; linted without */
    expect(EXIT_OK, "c.mp3: ok: 2 chapters, 0 errors, 0 warnings, 0 notes; carries exactly", "",
           "verify", "--siblings", a, b, c, NULL);
    expect(EXIT_OK, "a.mp3: ok: 2 chapters, 0 errors, 0 warnings, 0 notes\n", "", "verify", a,
           b, NULL);
    write_text(lb, "0:00 B one\n0:05 B two\n");
    r = run("verify", "--siblings", "--format", "jsonl", a, b, c, NULL);
    assert_int_equal(r.status, EXIT_DIFFERENT);
    assert_int_equal(count_lines(r.out), 3);
    done(&r);
    r = run("verify", "--siblings", "--fail-fast", "--format", "jsonl", b, a, NULL);
    assert_int_equal(r.status, EXIT_DIFFERENT);
    assert_int_equal(count_lines(r.out), 1);
    done(&r);
    expect(EXIT_OK, "carries exactly", "", "verify", "--chapters", "{dir}/{stem}.chapters.txt",
           a, NULL);

    /* -o takes one file; the classic form and one file with -o stay */
    expect(EXIT_USAGE, "", "-o takes one AUDIO file, not 2", "embed", "-o", lc, a, b, NULL);
    char *out = in_batch("out.mp3");
    expect(EXIT_OK, "written from", "", "embed", "-o", out, c, NULL);
    free(out);
    expect(EXIT_OK, "b.mp3: 2 chapters; ID3v2.3 tag rewritten in place", "", "embed", b, la,
           NULL);
    free(a), free(b), free(c), free(la), free(lb), free(lc);
}

/* The pause commands and embed's snap options: usage errors name the option, a silent MP3 is
   one pause from its start to its end, and a snap with nothing to snap to says so. */
static void pauses_through_the_command_line(void **state)
{
    (void)state;
    static const char *const bad[][7] = {
        {"silences", NULL},
        {"silences", "--format", "csv", "a.mp3", NULL},
        {"silences", "--silence-threshold", "0", "a.mp3", NULL},
        {"silences", "--silence-threshold", "-130", "a.mp3", NULL},
        {"silences", "--silence-threshold", "quiet", "a.mp3", NULL},
        {"silences", "--min-silence", "0", "a.mp3", NULL},
        {"suggest", "a.mp3", NULL},
        {"suggest", "--every", "0.5s", "a.mp3", NULL},
        {"suggest", "--every", "30m", "--format", "docx", "a.mp3", NULL},
        {"embed", "--snap-to-silence=forever", "a.mp3", "c.txt", NULL},
        {"embed", "--snap-to", "left", "a.mp3", "c.txt", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *const *c = bad[i];
        result r = run(c[0], c[1], c[2], c[3], c[4], c[5], c[6], NULL);
        if (r.status != EXIT_USAGE)
            fail_msg("case %zu (%s %s): status %d, stderr: %s", i, c[0], c[1] ? c[1] : "",
                     r.status, r.err);
        done(&r);
    }
    expect(EXIT_OK, "--silence-threshold DB", "", "help", "silences", NULL);
    expect(EXIT_OK, "--every INTERVAL", "", "help", "suggest", NULL);
    expect(EXIT_OK, "--snap-to-silence[=WINDOW]", "", "help", "embed", NULL);

    /* 400 silent frames: 10.4 s, all of it one pause */
    char mp3[512], txt[512];
    snprintf(mp3, sizeof mp3, "%s", ct_test_path("quiet.mp3", 0));
    snprintf(txt, sizeof txt, "%s", ct_test_path("quiet.txt", 1));
    write_mp3(mp3, 400);
    result r = run("silences", "--format", "json", mp3, NULL);
    assert_int_equal(r.status, EXIT_OK);
    assert_contains(r.out, "\"silences\": [");
    assert_contains(r.out, "\"start\": 0.0");
    done(&r);
    r = run("silences", "--silence-threshold", "-50dB", "--min-silence", "20s", mp3, NULL);
    assert_int_equal(r.status, EXIT_OK);
    assert_string_equal(r.out, ""); /* shorter than 20 s: no pause */
    done(&r);

    /* all silence: each chapter's window is inside one pause, whose middle lies elsewhere */
    write_text(txt, "0:00 A\n0:03 B\n0:06 C\n");
    r = run("embed", "-n", "--snap-to-silence=1s", mp3, txt, NULL);
    assert_int_equal(r.status, EXIT_OK);
    assert_contains(r.out, "dry run, nothing written");
    assert_contains(r.out, "to pauses (read ");
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help_version_and_unknown_commands),
        cmocka_unit_test(usage_errors_are_status_2_and_name_the_command),
        cmocka_unit_test(embed_dump_verify_strip_through_the_command_line),
        cmocka_unit_test(each_outcome_has_its_exit_status),
        cmocka_unit_test(an_output_that_is_the_input_is_a_usage_error),
        cmocka_unit_test(messages_and_helpers),
        cmocka_unit_test(reports_for_machines),
        cmocka_unit_test(patterns_expand_per_audio_file),
        cmocka_unit_test(siblings_are_tried_in_order),
        cmocka_unit_test(embed_and_verify_many_files_each_with_its_own_list),
        cmocka_unit_test(pauses_through_the_command_line),
    };
    return cmocka_run_group_tests(tests, ct_test_group_tmpdir, ct_test_group_rmdir);
}
