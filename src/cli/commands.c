/* chaptag: the command table, help texts and dispatch; main.c only calls cli_main, so the
   unit tests can run every command in-process. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *help;
    const char *more; /* the rest of HELP, past what one string literal may hold; or NULL */
} command;

/* What each command's help ends with: the common uses, one per line. */
static const struct {
    const char *name;
    const char *text;
} examples[] = {
    {"embed", "  chaptag embed ep042.mp3 chapters.txt\n"
              "  chaptag embed --mp4-images --image-dir art book.m4b chapters.json\n"
              "  chaptag embed --chapters '{dir}/chapters/{stem}.txt' --format json ep*.mp3\n"
              "  chaptag embed --shift +12s --insert 30:00+90s ep042.mp3 chapters.txt\n"},
    {"dump", "  chaptag dump ep042.mp3 > chapters.txt\n"
             "  chaptag dump --format json --images pics -o ch.json ep042.mp3\n"
             "  chaptag dump --format jsonl episodes/*.mp3\n"},
    {"verify", "  chaptag verify ep042.mp3 chapters.txt\n"
               "  chaptag verify --siblings --format json episodes/*.mp3\n"
               "  chaptag verify --profile youtube ep042.mp3\n"},
    {"strip", "  chaptag strip ep042.mp3\n"
              "  chaptag strip -n --format jsonl episodes/*.m4a\n"},
    {"convert", "  chaptag convert --to youtube chapters.txt\n"
                "  chaptag convert --from audition --to json -o chapters.json Markers.csv\n"
                "  chaptag convert --to ffmetadata --from-files part1.mp3 part2.mp3\n"},
    {"silences", "  chaptag silences ep042.mp3\n"
                 "  chaptag silences --min-silence 1s --silence-threshold -50 --format json "
                 "book.m4b\n"},
    {"suggest", "  chaptag suggest --every 30m book.m4b > chapters.txt\n"
                "  chaptag suggest --every 15m --format json -o chapters.json book.mp3\n"},
};

/* What a pause is, for embed --snap-to-silence, silences and suggest. */
#define PAUSE_OPTIONS_HELP \
     "      --silence-threshold DB  a pause is audio below DB dBFS on every channel\n" \
     "                           (default -40; higher, -35, when the room is noisy)\n" \
     "      --min-silence TIME   and lasting at least TIME (default 300ms)\n"

/* The edits embed and convert share (transform.c), in their help. */
#define EDIT_OPTIONS_HELP \
     "      --shift TIME         move every chapter by TIME (signed: -00:01:30, +90s):\n" \
     "                           an intro added or removed\n" \
     "      --cut START-END      a span removed from the audio: later chapters move back;\n" \
     "                           a chapter wholly inside it is dropped (with a warning)\n" \
     "      --insert AT+LENGTH   audio inserted (an ad): chapters from AT move forward\n" \
     "                           and the chapter holding AT grows; --shift, --cut and\n" \
     "                           --insert repeat and apply in order; a chapter pushed\n" \
     "                           below 0 or past the audio's end is an error naming it\n" \
     "      --add-intro TITLE    put a chapter TITLE at 0:00 when the first starts later\n" \
     "      --skip-prose         CHAPTERS is a pasted description (text): lines without\n" \
     "                           a time are skipped and listed in one warning\n"

static const command commands[] = {
    {"embed", cmd_embed, "write chapters into an audio file",
     "Usage: chaptag embed [options] AUDIO CHAPTERS\n"
     "       chaptag embed [options] [--chapters PATTERN] AUDIO...\n"
     "\n"
     "Writes the chapters of the chapter file CHAPTERS ('-': standard input) into AUDIO,\n"
     "replacing the chapters it had. Given audio files only (the second argument is no\n"
     "chapter file), each gets its own list: --chapters PATTERN, else the first sibling\n"
     "that exists of STEM.chapters.* (one only), STEM.json, STEM.psc, STEM.ffmetadata,\n"
     "STEM.vtt, STEM.cue, STEM.txt; a file without one fails (exit 3) and the others go\n"
     "on. The exit status is the worst of the files'. MP3 gets ID3v2 CHAP frames and a\n"
     "CTOC; M4A, M4B and MP4 get a QuickTime chapter track and Nero chpl. Everything\n"
     "else in the file is kept; when the new tag fits the old one's padding only the tag\n"
     "is written, else the file is rewritten once with padding left for the next edit.\n"
     "\n"
     "Options:\n"
     "  -o, --output PATH        write the result to PATH (not AUDIO itself) and leave\n"
     "                           AUDIO untouched; one AUDIO file only\n"
     "      --chapters PATTERN   each AUDIO file's chapter list: {dir} its folder ('.'\n"
     "                           when none), {stem} its name without the extension,\n"
     "                           {name} its whole name: {dir}/chapters/{stem}.txt\n"
     "      --fail-fast          stop at the first file that fails\n"
     "  -f, --from FORMAT        format of CHAPTERS (default: detected)\n"
     "      --format text|json|jsonl\n"
     "                           the report: text (default) for people; json, one object\n"
     "                           (file, status, warnings, what was written, or error),\n"
     "                           one array of them for several files; jsonl, one object\n"
     "                           per line\n"
     "      --id3v2-version 3|4  ID3v2 version to write (default 3: what players read)\n"
     "      --mp4-style STYLE    MP4 chapters: both (default), qt (QuickTime track) or\n"
     "                           nero (chpl)\n"
     "      --mp4-images         MP4: write the chapter pictures (JPEG) as a chapter\n"
     "                           image track, which Apple Books, Music and QuickTime\n"
     "                           show; opt-in, as some players refuse such files\n"
     "      --toc-title TEXT     title of the table of contents (default \"Chapters\")\n"
     "      --padding BYTES      leave exactly BYTES of padding in the tag\n"
     "      --duration TIME      audio duration to use instead of measuring it\n"
     EDIT_OPTIONS_HELP
     "      --image-dir DIR      pictures may also come from DIR (repeatable); otherwise\n"
     "                           only from the chapter file's folder\n"
     "      --fetch-images       download pictures given as http(s) URLs (not found\n"
     "                           with --image-dir) with libcurl and embed them: JPEG or\n"
     "                           PNG, 16 MiB each, 5 redirects, 60 s each (the\n"
     "                           environment's CHAPTAG_FETCH_TIMEOUT, in seconds, lowers\n"
     "                           it); any failure stops embed before it writes\n"
     "  -n, --dry-run            check everything and print the plan; write nothing\n"
     "  -q, --quiet              print errors only\n"
     "  -v, --verbose            print the frames written and the duration used\n",
     "      --snap-to-silence[=WINDOW]\n"
     "                           move each chapter start to the nearest pause within\n"
     "                           WINDOW (default 2s) either side, decoding only those\n"
     "                           seconds (libavcodec); a chapter with no pause there\n"
     "                           stays (with a warning), none passes a neighbour, one\n"
     "                           at 0:00 stays; with -n each move is printed\n"
     "      --snap-to start|middle|end\n"
     "                           where in the pause (default middle)\n"
     PAUSE_OPTIONS_HELP
     "\n"
     "TIME is [H:]MM:SS[.mmm], or a number with a unit: ms, s, m or h (90s, 1.5m).\n"},
    {"dump", cmd_dump, "print the chapters of audio files",
     "Usage: chaptag dump [--format FORMAT] [-o FILE] [--images DIR] AUDIO...\n"
     "\n"
     "Prints the chapters of each AUDIO file. The default text format starts with '#'\n"
     "comment lines (file, container, tag, duration, chapter count, and what the format\n"
     "could not keep) and is itself a chapter file that 'chaptag embed' reads.\n"
     "\n"
     "Options:\n"
     "      --format FORMAT      text (default), json (Podcasting 2.0), psc, ffmetadata,\n"
     "                           mp4chaps, audacity, cue, vtt, ogm, audition, reaper,\n"
     "                           mkvxml, csv, or a platform block: youtube, spotify,\n"
     "                           apple (any case; aliases such as txt, podcasting2);\n"
     "                           json of several files is one array of the documents,\n"
     "                           each with \"file\"; jsonl, one document per line, each\n"
     "                           with \"file\"\n"
     "  -o, --output FILE        write the chapter file to FILE (whole or not at all)\n"
     "                           instead of standard output; one AUDIO file\n"
     "      --images DIR         save each chapter picture as DIR/chapter-NNN.jpg or .png\n"
     "                           and point the chapter at it (json and psc carry the\n"
     "                           paths: relative to FILE's folder, or absolute)\n"
     "  -q, --quiet              print no warnings\n", NULL},
    {"verify", cmd_verify, "check chapters the way players read them",
     "Usage: chaptag verify [options] AUDIO... [CHAPTERS]\n"
     "       chaptag verify [options] --siblings|--chapters PATTERN AUDIO...\n"
     "\n"
     "Lints the chapters of each AUDIO file for what players trip on (no CTOC, ID3v2.4\n"
     "size traps, untitled chapters, chapters past the end, the two MP4 flavours\n"
     "disagreeing, ...), each finding with its severity and why. With a chapter file\n"
     "(CHAPTERS, a second argument that is text, or --chapters), also checks that the\n"
     "file carries exactly those chapters: starts to the millisecond, titles, and url and\n"
     "image where given. With --siblings or a --chapters PATTERN, each file against its\n"
     "own list, found as embed finds it. Exit 1 on any error (with --strict, on any\n"
     "warning too); the exit status is the worst of the files'.\n"
     "\n"
     "Options:\n"
     "  -c, --chapters FILE      the chapters the file must carry; a PATTERN with {dir},\n"
     "                           {stem} or {name} names each file's own, as for embed\n"
     "      --siblings           each file against its sibling list (STEM.chapters.*,\n"
     "                           STEM.json, .psc, .ffmetadata, .vtt, .cue, .txt)\n"
     "      --fail-fast          stop at the first file that fails\n"
     "      --image-dir DIR      pictures of FILE may also come from DIR (repeatable)\n"
     "  -f, --from FORMAT        format of the chapter file (default: detected)\n"
     "      --profile PLATFORM   also check the chapters against the rules of youtube,\n"
     "                           spotify or apple (first at 0:00, at least 3, ...)\n"
     "      --strict             warnings fail too\n"
     "      --format text|json|jsonl\n"
     "                           the report: text (default); json, the verdict of one\n"
     "                           file as an object, of several as one array, each with\n"
     "                           its \"status\"; jsonl, one verdict per line\n", NULL},
    {"strip", cmd_strip, "remove the chapters from audio files",
     "Usage: chaptag strip [options] AUDIO...\n"
     "\n"
     "Removes every chapter flavour (ID3v2 CHAP/CTOC; the QuickTime chapter track and Nero\n"
     "chpl) from each AUDIO file and keeps everything else, with embed's guarantees: in\n"
     "place when possible, never half-written. The exit status is the worst of the files'.\n"
     "\n"
     "Options:\n"
     "      --format text|json|jsonl\n"
     "                           the report: text (default); json, one object per file\n"
     "                           (file, status, warnings, what was written, or error),\n"
     "                           one array for several files; jsonl, one object per line\n"
     "  -n, --dry-run            print what would be removed; write nothing\n"
     "  -q, --quiet              print errors only\n"
     "  -v, --verbose            print the frames or boxes written\n", NULL},
    {"convert", cmd_convert, "convert a chapter file to another format",
     "Usage: chaptag convert [options] --to FORMAT CHAPTERS\n"
     "       chaptag convert [options] --to FORMAT --from-files AUDIO...\n"
     "\n"
     "Reads the chapter file CHAPTERS ('-': standard input) and prints it in FORMAT. The\n"
     "input format is detected from the content, then the file name, unless --from says.\n"
     "Formats: text, json, psc, ffmetadata, mp4chaps, audacity, cue, vtt, ogm, the\n"
     "editors' exports audition, reaper, mkvxml (Matroska XML) and csv, ffprobe (read\n"
     "only: ffprobe -show_chapters -of json), and the description blocks youtube,\n"
     "spotify and apple (written only; each platform's rules\n"
     "are checked and a list it would not show is refused, naming the chapter).\n"
     "\n"
     "Options:\n"
     "  -f, --from FORMAT        format of CHAPTERS\n"
     "  -t, --to FORMAT          format to print\n"
     "  -o, --output FILE        write to FILE (whole or not at all), not standard output\n"
     "      --duration TIME      end of the last chapter, for formats that need one, and\n"
     "                           the audio's end for the edits\n"
     "      --from-files         one chapter per AUDIO file, in order, titled by its title\n"
     "                           tag or file name, starting where the files before it end\n"
     "                           (parts merged into one M4B)\n"
     EDIT_OPTIONS_HELP
     "  -q, --quiet              print no warnings\n"
     "\n"
     "TIME is [H:]MM:SS[.mmm], or a number with a unit: ms, s, m or h (90s, 1.5m).\n", NULL},
    {"silences", cmd_silences, "list the pauses of an audio file",
     "Usage: chaptag silences [options] AUDIO\n"
     "\n"
     "Prints every pause of AUDIO: start, end and length, one per line, found in one\n"
     "streaming pass (decoded with libavcodec; times as a player shows them, encoder\n"
     "delay and edit lists taken off). A pause is a run of audio below the threshold on\n"
     "every channel, lasting at least the minimum.\n"
     "\n"
     "Options:\n"
     "      --format text|json   json: {\"file\": ..., \"silences\": [{\"start\": 60.0,\n"
     "                           \"end\": 60.8}, ...]} in seconds\n"
     PAUSE_OPTIONS_HELP
     "  -v, --verbose            say how much of the file was read\n"
     "\n"
     "TIME is [H:]MM:SS[.mmm], or a number with a unit: ms, s, m or h (300ms, 1s).\n", NULL},
    {"suggest", cmd_suggest, "propose chapters at pauses, for long books",
     "Usage: chaptag suggest --every INTERVAL [options] AUDIO\n"
     "\n"
     "Proposes chapters for AUDIO: \"Chapter 1\" at 0:00, then near each multiple of\n"
     "INTERVAL (within the larger of the window and a tenth of INTERVAL) the longest\n"
     "pause, titled \"Chapter N\"; printed as a chapter file to edit and embed. A\n"
     "multiple with no pause near it gets its chapter at the multiple (with a warning).\n"
     "Only the audio around each multiple is decoded.\n"
     "\n"
     "Options:\n"
     "      --every INTERVAL     one chapter about every INTERVAL (30m, 00:15:00)\n"
     "      --format FORMAT      any chapter format (default text)\n"
     "  -o, --output FILE        write to FILE (whole or not at all), not standard output\n"
     "      --window TIME        look at least TIME either side of each multiple\n"
     "                           (default 2s)\n"
     "      --duration TIME      the audio's end, for formats that end the last chapter\n"
     "                           (default: measured)\n"
     "      --snap-to start|middle|end\n"
     "                           where in the pause (default middle)\n"
     PAUSE_OPTIONS_HELP
     "  -v, --verbose            say how much of the file was read\n"
     "\n"
     "TIME is [H:]MM:SS[.mmm], or a number with a unit: ms, s, m or h (90s, 1.5m).\n", NULL},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* The edit distance of A and B (insertions, deletions, substitutions, swaps of neighbours),
   up to 3: how far a typed command is from a real one. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 32 || lb > 32)
        return 3;
    size_t d[33][33];
    for (size_t i = 0; i <= la; i++)
        for (size_t j = 0; j <= lb; j++) {
            if (i == 0 || j == 0) {
                d[i][j] = i + j;
                continue;
            }
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            best = d[i - 1][j] + 1 < best ? d[i - 1][j] + 1 : best;
            best = d[i][j - 1] + 1 < best ? d[i][j - 1] + 1 : best;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

/* Says that NAME is no command, suggesting the nearest one when it is a typo of it. */
static int no_command(const char *name)
{
    const command *near = NULL;
    size_t best = 3;
    for (size_t i = 0; i < N_COMMANDS; i++) {
        size_t d = distance(name, commands[i].name);
        if (d < best) {
            best = d;
            near = &commands[i];
        }
    }
    if (near != NULL)
        fprintf(stderr, "chaptag: no command '%s'; did you mean '%s'?\n", name, near->name);
    else
        fprintf(stderr, "chaptag: no command '%s'; try 'chaptag --help'\n", name);
    return EXIT_USAGE;
}

int cli_help(const char *name)
{
    const command *c = name ? find_command(name) : NULL;
    if (c != NULL) {
        fputs(c->help, stdout);
        if (c->more != NULL)
            fputs(c->more, stdout);
        for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++)
            if (strcmp(examples[i].name, c->name) == 0)
                printf("\nExamples:\n%s", examples[i].text);
        return EXIT_OK;
    }
    printf("Usage: chaptag COMMAND [options] ...\n\n"
           "chaptag puts chapter markers into podcast and audiobook files and reads them "
           "back.\n\nCommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        printf("  %-8s %s\n", commands[i].name, commands[i].summary);
    printf("\n'chaptag help COMMAND' shows a command's options.\n"
           "Exit status: 0 success, 1 verify found a difference, 2 usage error, 3 invalid\n"
           "chapter input, 4 unsupported or damaged audio file, 5 I/O error.\n");
    return name == NULL ? EXIT_OK : EXIT_USAGE;
}

int cli_main(int argc, char **argv)
{
    cli_verbosity = 0; /* -q or -v of an earlier in-process run must not carry over */
    if (argc < 2)
        return cli_help(NULL), EXIT_USAGE;
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return cli_help(NULL);
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("chaptag %s\n", chaptag_version());
        return EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc > 2 && find_command(argv[2]) == NULL)
            return no_command(argv[2]);
        return cli_help(argc > 2 ? argv[2] : NULL);
    }
    const command *c = find_command(name);
    if (c == NULL)
        return no_command(name);
    return c->run(argc - 1, argv + 1);
}
