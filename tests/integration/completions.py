"""Shell completion: the three scripts are installed under the prefix where bash-completion,
zsh and fish look for them, and each loads in its shell and completes the commands and the
format names. zsh and fish are needed (scripts/bootstrap.sh installs them): missing, the test
fails under CI=true and is skipped (exit 77) otherwise."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SRC = os.environ.get("SRC", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
CHAPTAG = os.environ.get("CHAPTAG", os.path.join(SRC, "build", "chaptag"))
COMMANDS = ["embed", "dump", "verify", "strip", "convert", "silences", "suggest", "help"]
# chaptag_format_names(): ffprobe is only read; youtube, spotify and apple are only written
READ_FORMATS = ["text", "json", "psc", "ffmetadata", "mp4chaps", "audacity", "cue", "vtt",
                "ogm", "audition", "reaper", "mkvxml", "csv", "ffprobe"]
WRITE_FORMATS = READ_FORMATS[:-1] + ["youtube", "spotify", "apple"]

# types $2 and a tab (then $3, if given) into an interactive zsh with $1 in fpath, then prints
# the command line
ZPTY = r"""
zmodload zsh/zpty || exit 5
zpty z zsh -f -i
zpty -w z "PS1=''; fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "showbuf() { print -r -- \"BUF:\$BUFFER\" >/dev/tty }; zle -N showbuf; bindkey '^G' showbuf"
zpty -w z "print 'END''MARK'"
zpty -r z out '*ENDMARK*'
zpty -w -n z "$2"$'\t'
sleep 0.5
if [[ -n $3 ]]; then zpty -w -n z "$3"; sleep 0.3; fi
zpty -w -n z $'\C-g\C-u'
zpty -w z "print 'DONE''MARK'"
zpty -r z out '*DONEMARK*'
print -r -- "$out" | tr -d '\r' | grep -ao 'BUF:.*'
zpty -d z
"""

BASH = "share/bash-completion/completions/chaptag"
ZSH = "share/zsh/site-functions/_chaptag"
FISH = "share/fish/vendor_completions.d/chaptag.fish"


def run(args, cwd=None):
    p = subprocess.run(args, capture_output=True, text=True, cwd=cwd, timeout=120)
    return p.returncode, p.stdout, p.stderr


def build_dir():
    """The build folder of the program under test: the folder holding CMakeCache.txt."""
    d = os.path.dirname(os.path.abspath(CHAPTAG))
    while d != "/" and not os.path.exists(os.path.join(d, "CMakeCache.txt")):
        d = os.path.dirname(d)
    return d if d != "/" else None


class Completions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="chaptag-completions-")
        cls.prefix = os.path.join(cls.tmp, "prefix")
        build = build_dir()
        if build is None:
            raise AssertionError(f"no CMake build folder above {CHAPTAG}")
        rc, out, err = run(["cmake", "--install", build, "--prefix", cls.prefix])
        if rc != 0:  # the library targets may not all be built yet
            run(["cmake", "--build", build, "--target", "all", "-j2"])
            rc, out, err = run(["cmake", "--install", build, "--prefix", cls.prefix])
        if rc != 0:
            raise AssertionError(f"cmake --install failed: {out}{err}")
        # a folder to complete file names in
        cls.files = os.path.join(cls.tmp, "files")
        os.makedirs(os.path.join(cls.files, "sub"))
        for name in ("ep.mp3", "book.M4B", "notes.txt"):
            open(os.path.join(cls.files, name), "w").close()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_installed_under_the_prefix(self):
        for rel, src in ((BASH, "chaptag.bash"), (ZSH, "_chaptag"), (FISH, "chaptag.fish")):
            with self.subTest(path=rel):
                path = os.path.join(self.prefix, rel)
                self.assertTrue(os.path.isfile(path), f"{path} not installed")
                with open(path) as a, open(os.path.join(SRC, "completions", src)) as b:
                    self.assertEqual(a.read(), b.read())

    # bash

    def bash_complete(self, *words):
        """COMPREPLY of the completion function for the command line WORDS (the last one
        being completed), one per line."""
        script = os.path.join(self.prefix, BASH)
        words_q = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
        code = (f"source '{script}' || exit 9\n"
                "f=$(complete -p chaptag) || exit 8\n"
                "f=${f#*-F }; f=${f%% *}\n"
                f"COMP_WORDS=({words_q}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))\n"
                "COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}\n"
                "COMPREPLY=(); \"$f\" chaptag \"${COMP_WORDS[COMP_CWORD]}\" "
                "\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
                "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
        rc, out, err = run(["bash", "--norc", "--noprofile", "-c", code], cwd=self.files)
        self.assertEqual(rc, 0, err)
        return [w for w in out.split("\n") if w]

    def test_bash_registers_the_function(self):
        rc, out, err = run(["bash", "--norc", "--noprofile", "-c",
                            f"source '{os.path.join(self.prefix, BASH)}' && complete -p chaptag"])
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"^complete -F \S+ chaptag$")

    def test_bash_commands(self):
        self.assertEqual(self.bash_complete("chaptag", "emb"), ["embed"])
        self.assertEqual(self.bash_complete("chaptag", "help", "co"), ["convert"])
        self.assertEqual(self.bash_complete("chaptag", "si"), ["silences"])
        self.assertEqual(self.bash_complete("chaptag", "help", "su"), ["suggest"])
        got = self.bash_complete("chaptag", "")
        self.assertTrue(set(COMMANDS) <= set(got), got)

    def test_bash_format_names(self):
        self.assertEqual(self.bash_complete("chaptag", "dump", "--format", ""), WRITE_FORMATS)
        self.assertEqual(self.bash_complete("chaptag", "dump", "--format", "=", ""),
                         WRITE_FORMATS)
        self.assertEqual(self.bash_complete("chaptag", "convert", "--to", "m"),
                         ["mp4chaps", "mkvxml"])
        self.assertEqual(self.bash_complete("chaptag", "convert", "--from", ""), READ_FORMATS)
        self.assertEqual(self.bash_complete("chaptag", "embed", "-f", "ff"),
                         ["ffmetadata", "ffprobe"])

    def test_bash_options_and_their_values(self):
        got = self.bash_complete("chaptag", "embed", "--")
        for opt in ("--mp4-images", "--fetch-images", "--image-dir", "--shift", "--cut",
                    "--insert", "--add-intro", "--skip-prose", "--mp4-style",
                    "--id3v2-version", "--output", "--dry-run"):
            self.assertIn(opt, got)
        got = self.bash_complete("chaptag", "dump", "-")
        for opt in ("--format", "-o", "--images"):
            self.assertIn(opt, got)
        got = self.bash_complete("chaptag", "convert", "--")
        for opt in ("--from", "--to", "--output", "--from-files", "--shift"):
            self.assertIn(opt, got)
        got = self.bash_complete("chaptag", "verify", "--")
        for opt in ("--profile", "--format", "--strict", "--chapters"):
            self.assertIn(opt, got)
        self.assertEqual(self.bash_complete("chaptag", "embed", "--mp4-style", ""),
                         ["both", "qt", "nero"])
        self.assertEqual(self.bash_complete("chaptag", "embed", "--id3v2-version", ""),
                         ["3", "4"])
        self.assertEqual(self.bash_complete("chaptag", "verify", "--profile", ""),
                         ["youtube", "spotify", "apple"])

    def test_bash_pause_options(self):
        got = self.bash_complete("chaptag", "embed", "--")
        for opt in ("--snap-to-silence", "--snap-to", "--silence-threshold", "--min-silence"):
            self.assertIn(opt, got)
        got = self.bash_complete("chaptag", "silences", "--")
        for opt in ("--format", "--silence-threshold", "--min-silence", "--verbose"):
            self.assertIn(opt, got)
        got = self.bash_complete("chaptag", "suggest", "-")
        for opt in ("--every", "--format", "-o", "--output", "--window", "--snap-to",
                    "--silence-threshold", "--min-silence"):
            self.assertIn(opt, got)
        for cmd in ("embed", "suggest"):
            self.assertEqual(self.bash_complete("chaptag", cmd, "--snap-to", ""),
                             ["start", "middle", "end"])
        self.assertEqual(self.bash_complete("chaptag", "suggest", "--format", ""),
                         WRITE_FORMATS)
        self.assertEqual(self.bash_complete("chaptag", "silences", "--format", ""),
                         ["text", "json"])
        for cmd, opt in (("suggest", "--every"), ("suggest", "--window"),
                         ("silences", "--min-silence"), ("embed", "--silence-threshold")):
            self.assertEqual(self.bash_complete("chaptag", cmd, opt, ""), [])
        # the window only as --snap-to-silence=WINDOW: a word after the bare option is AUDIO
        self.assertEqual(self.bash_complete("chaptag", "embed", "--snap-to-silence", "=", ""),
                         [])
        self.assertEqual(sorted(self.bash_complete("chaptag", "embed", "--snap-to-silence", "")),
                         ["book.M4B", "ep.mp3", "sub"])
        self.assertEqual(sorted(self.bash_complete("chaptag", "embed", "--snap-to-silence", "=",
                                                   "2s", "ep.mp3", "")),
                         ["book.M4B", "ep.mp3", "notes.txt", "sub"])
        self.assertEqual(sorted(self.bash_complete("chaptag", "silences", "")),
                         ["book.M4B", "ep.mp3", "sub"])
        self.assertEqual(sorted(self.bash_complete("chaptag", "suggest", "--every", "30m", "")),
                         ["book.M4B", "ep.mp3", "sub"])
        self.assertEqual(self.bash_complete("chaptag", "suggest", "-o", "n"), ["notes.txt"])

    def test_bash_files(self):
        # AUDIO: audio files and folders; CHAPTERS: any file
        self.assertEqual(sorted(self.bash_complete("chaptag", "embed", "")),
                         ["book.M4B", "ep.mp3", "sub"])
        self.assertEqual(sorted(self.bash_complete("chaptag", "embed", "ep.mp3", "")),
                         ["book.M4B", "ep.mp3", "notes.txt", "sub"])
        self.assertEqual(self.bash_complete("chaptag", "dump", "--images", ""), ["sub"])
        self.assertEqual(self.bash_complete("chaptag", "dump", "-o", "n"), ["notes.txt"])

    # zsh

    def test_zsh_loads(self):
        shell = need("zsh")
        folder = os.path.dirname(os.path.join(self.prefix, ZSH))
        # the brief's own check: the function autoloads after compinit
        rc, out, err = run([shell, "-f", "-c",
                            "autoload -U compinit; compinit -u; "
                            f"fpath=('{folder}' $fpath); autoload -U _chaptag && print ok"])
        self.assertEqual((rc, out.strip(), err), (0, "ok", ""))
        # parsed (+X loads the body now, so a syntax error shows) and bound to chaptag by
        # compinit from its #compdef line
        rc, out, err = run([shell, "-f", "-c",
                            f"fpath=('{folder}' $fpath); autoload -U compinit; "
                            "compinit -u -D; autoload -U +X _chaptag || exit 3; "
                            "print -r -- $_comps[chaptag]"])
        self.assertEqual((rc, out.strip(), err), (0, "_chaptag", ""))
        rc, out, err = run([shell, "-n", os.path.join(self.prefix, ZSH)])
        self.assertEqual((rc, err), (0, ""))

    def zsh_complete(self, line, then=""):
        """The command line after typing LINE and a tab (then THEN) in an interactive zsh (in
        a zpty) whose fpath holds the installed _chaptag."""
        shell = need("zsh")
        rc, out, err = run([shell, "-f", "-c", ZPTY, "zpty",
                            os.path.dirname(os.path.join(self.prefix, ZSH)), line, then],
                           cwd=self.files)
        self.assertEqual(rc, 0, err)
        bufs = [l[4:] for l in out.replace("\r", "").split("\n") if l.startswith("BUF:")]
        self.assertEqual(len(bufs), 1, out)
        return bufs[0]

    def test_zsh_completes(self):
        for line, want in (("chaptag em", "chaptag embed "),
                           ("chaptag dump --format yo", "chaptag dump --format youtube "),
                           ("chaptag dump --format=mkv", "chaptag dump --format=mkvxml "),
                           ("chaptag convert -f ffp", "chaptag convert -f ffprobe "),
                           ("chaptag embed --mp4-style n", "chaptag embed --mp4-style nero "),
                           ("chaptag verify --profile sp", "chaptag verify --profile spotify "),
                           ("chaptag help con", "chaptag help convert "),
                           ("chaptag si", "chaptag silences "),
                           ("chaptag help sug", "chaptag help suggest "),
                           ("chaptag embed --snap-to m", "chaptag embed --snap-to middle "),
                           ("chaptag embed --snap-to-s", "chaptag embed --snap-to-silence="),
                           ("chaptag suggest --snap-to=e", "chaptag suggest --snap-to=end "),
                           ("chaptag suggest --format yo", "chaptag suggest --format youtube "),
                           ("chaptag suggest --ev", "chaptag suggest --every="),
                           ("chaptag silences --format j", "chaptag silences --format json "),
                           ("chaptag silences --min-s", "chaptag silences --min-silence="),
                           ("chaptag silences e", "chaptag silences ep.mp3 ")):
            with self.subTest(line=line):
                self.assertEqual(self.zsh_complete(line), want)
        # --snap-to-silence's WINDOW is optional: the '=' goes when a space follows
        self.assertEqual(self.zsh_complete("chaptag embed --snap-to-s", " "),
                         "chaptag embed --snap-to-silence ")
        self.assertEqual(self.zsh_complete("chaptag embed --snap-to-s", "3s"),
                         "chaptag embed --snap-to-silence=3s")

    # fish

    def fish_complete(self, line):
        shell = need("fish")
        rc, out, err = run([shell, "--no-config", "-c",
                            f"source '{os.path.join(self.prefix, FISH)}'; "
                            f"complete -C'{line}'"], cwd=self.files)
        self.assertEqual((rc, err), (0, ""))
        return [w.split("\t")[0] for w in out.split("\n") if w]

    def test_fish_format_names(self):
        self.assertEqual(sorted(self.fish_complete("chaptag dump --format ")),
                         sorted(WRITE_FORMATS))
        self.assertEqual(sorted(self.fish_complete("chaptag convert -f ")),
                         sorted(READ_FORMATS))
        self.assertEqual(sorted(self.fish_complete("chaptag verify --profile ")),
                         ["apple", "spotify", "youtube"])
        self.assertEqual(sorted(self.fish_complete("chaptag suggest --format ")),
                         sorted(WRITE_FORMATS))
        self.assertEqual(sorted(self.fish_complete("chaptag silences --format ")),
                         ["json", "text"])
        for cmd in ("embed", "suggest"):
            self.assertEqual(sorted(self.fish_complete(f"chaptag {cmd} --snap-to ")),
                             ["end", "middle", "start"])

    def test_fish_commands_and_options(self):
        self.assertEqual(self.fish_complete("chaptag emb"), ["embed"])
        self.assertEqual(sorted(self.fish_complete("chaptag ")), sorted(COMMANDS))
        self.assertEqual(sorted(self.fish_complete("chaptag embed --mp4")),
                         ["--mp4-images", "--mp4-style"])
        self.assertIn("ep.mp3", self.fish_complete("chaptag embed "))
        self.assertEqual(sorted(self.fish_complete("chaptag embed --snap")),
                         ["--snap-to", "--snap-to-silence"])
        got = self.fish_complete("chaptag suggest --")
        for opt in ("--every", "--format", "--output", "--window", "--snap-to",
                    "--silence-threshold", "--min-silence"):
            self.assertIn(opt, got)
        self.assertEqual(sorted(self.fish_complete("chaptag silences --")),
                         ["--format", "--help", "--min-silence", "--quiet",
                          "--silence-threshold", "--verbose"])
        self.assertIn("ep.mp3", self.fish_complete("chaptag silences "))
        self.assertIn("notes.txt", self.fish_complete("chaptag suggest -o "))


def need(shell):
    path = shutil.which(shell)
    if path is None:
        if os.environ.get("CI") == "true":
            raise AssertionError(f"{shell} is not installed (scripts/bootstrap.sh installs it)")
        raise unittest.SkipTest(f"{shell} is not installed")
    return path


def main():
    missing = [s for s in ("zsh", "fish") if shutil.which(s) is None]
    if missing:
        if os.environ.get("CI") == "true":
            print(f"completions: {' and '.join(missing)} not installed "
                  "(scripts/bootstrap.sh installs them)", file=sys.stderr)
            sys.exit(1)
        print(f"completions: skipped, {' and '.join(missing)} not installed", file=sys.stderr)
        sys.exit(77)
    unittest.main(verbosity=1)


if __name__ == "__main__":
    main()
