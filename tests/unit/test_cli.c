/* Tests of the command-line program (src/cli) run in-process through cli_main, standard
   output and error captured: dispatch and help, each command's usage errors, the exit status
   of every outcome, what embed says it did, and the message helpers. */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Runs "chaptag ARGS..." (NULL-terminated) in-process; its standard output and error are
   captured into the result (free with done()). */
static result run(const char *first, ...)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = "chaptag";
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a != NULL; a = va_arg(ap, const char *)) {
        assert_true(argc < 31);
        argv[argc++] = strdup(a);
    }
    va_end(ap);
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

static void help_version_and_unknown_commands(void **state)
{
    (void)state;
    result r = run("--version", NULL);
    assert_int_equal(r.status, EXIT_OK);
    char want[64];
    snprintf(want, sizeof want, "chaptag %s\n", chaptag_version());
    assert_string_equal(r.out, want);
    done(&r);

    r = run("--help", NULL);
    assert_int_equal(r.status, EXIT_OK);
    for (const char *c = "embed\0dump\0verify\0strip\0convert\0"; *c; c += strlen(c) + 1)
        assert_contains(r.out, c);
    assert_contains(r.out, "5 I/O error");
    done(&r);

    r = run(NULL);
    assert_int_equal(r.status, EXIT_USAGE);
    assert_contains(r.out, "Usage: chaptag COMMAND");
    done(&r);

    r = run("help", "embed", NULL);
    assert_int_equal(r.status, EXIT_OK);
    assert_contains(r.out, "Usage: chaptag embed");
    assert_contains(r.out, "--id3v2-version");
    done(&r);

    r = run("help", "tag", NULL);
    assert_int_equal(r.status, EXIT_USAGE);
    assert_string_equal(r.err, "chaptag: no command 'tag'; try 'chaptag --help'\n");
    done(&r);

    r = run("chapters", "x.mp3", NULL);
    assert_int_equal(r.status, EXIT_USAGE);
    assert_contains(r.err, "no command 'chapters'");
    assert_string_equal(r.out, "");
    done(&r);

    r = run("dump", "--help", NULL);
    assert_int_equal(r.status, EXIT_OK);
    assert_contains(r.out, "Usage: chaptag dump");
    done(&r);
}

static void usage_errors_are_status_2_and_name_the_command(void **state)
{
    (void)state;
    static const char *const cases[][6] = {
        {"embed", "only-one-argument", NULL},
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

    result r = run("embed", mp3, chapters, NULL);
    assert_int_equal(r.status, EXIT_OK);
    assert_contains(r.out, "3 chapters; file rewritten");
    assert_string_equal(r.err, "");
    done(&r);

    r = run("embed", mp3, chapters, NULL); /* the same again: nothing to write */
    assert_int_equal(r.status, EXIT_OK);
    assert_contains(r.out, "nothing written");
    done(&r);

    r = run("embed", "-q", mp3, other, NULL);
    assert_int_equal(r.status, EXIT_OK);
    assert_string_equal(r.out, "");
    done(&r);

    r = run("dump", mp3, NULL);
    assert_int_equal(r.status, EXIT_OK);
    assert_contains(r.out, "# container: MP3, tag: ID3v2.3\n");
    assert_contains(r.out, "00:00:00 Intro\n00:00:06 Middle part\n00:00:10 Outro\n");
    done(&r);

    r = run("dump", "--format", "json", mp3, NULL);
    assert_int_equal(r.status, EXIT_OK);
    assert_contains(r.out, "\"startTime\": 6");
    assert_contains(r.out, "\"title\": \"Middle part\"");
    done(&r);

    r = run("verify", mp3, other, NULL);
    assert_int_equal(r.status, EXIT_OK);
    assert_contains(r.out, "ok: 3 chapters, 0 errors, 0 warnings, 0 notes; carries exactly");
    done(&r);

    r = run("verify", mp3, chapters, NULL); /* the file has 0:06, the list says 0:05 */
    assert_int_equal(r.status, EXIT_DIFFERENT);
    assert_contains(r.out, "FAILED: 3 chapters, 1 error, ");
    assert_contains(r.out, "chapters.txt:2: error: ");
    done(&r);

    r = run("strip", mp3, NULL);
    assert_int_equal(r.status, EXIT_OK);
    done(&r);

    r = run("dump", mp3, NULL);
    assert_int_equal(r.status, EXIT_OK);
    assert_contains(r.out, "# chapters: 0");
    assert_null(strstr(r.out, "Intro"));
    done(&r);
}

static void each_outcome_has_its_exit_status(void **state)
{
    (void)state;
    const char *mp3 = ct_test_path("st.mp3", 0), *bad = ct_test_path("bad.txt", 1),
               *good = ct_test_path("good.txt", 2), *missing = ct_test_path("missing.mp3", 3);
    write_mp3(mp3, 200);
    write_text(bad, "0:00 Intro\nno time here\n");
    write_text(good, "0:00 Intro\n0:02 More\n");

    result r = run("embed", mp3, bad, NULL);
    assert_int_equal(r.status, EXIT_INPUT);
    assert_contains(r.err, "bad.txt:2: no time at the start of the line");
    assert_string_equal(r.out, "");
    done(&r);

    r = run("embed", missing, good, NULL);
    assert_int_equal(r.status, EXIT_IO);
    assert_contains(r.err, "missing.mp3: ");
    done(&r);

    r = run("embed", good, good, NULL); /* a text file is no audio */
    assert_int_equal(r.status, EXIT_AUDIO);
    done(&r);

    /* Several files: each is reported, the status is the worst. */
    r = run("dump", mp3, missing, NULL);
    assert_int_equal(r.status, EXIT_IO);
    assert_contains(r.out, "# chaptag dump of ");
    assert_contains(r.err, "missing.mp3");
    done(&r);

    r = run("convert", "--to", "ffmetadata", bad, NULL);
    assert_int_equal(r.status, EXIT_INPUT);
    done(&r);

    r = run("convert", "--to", "ffmetadata", "--duration", "0:05", good, NULL);
    assert_int_equal(r.status, EXIT_OK);
    assert_contains(r.out, ";FFMETADATA1\n");
    assert_contains(r.out, "START=2000\nEND=5000\ntitle=More\n");
    done(&r);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help_version_and_unknown_commands),
        cmocka_unit_test(usage_errors_are_status_2_and_name_the_command),
        cmocka_unit_test(embed_dump_verify_strip_through_the_command_line),
        cmocka_unit_test(each_outcome_has_its_exit_status),
        cmocka_unit_test(messages_and_helpers),
    };
    return cmocka_run_group_tests(tests, ct_test_group_tmpdir, ct_test_group_rmdir);
}
