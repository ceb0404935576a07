"""The progress line of a long write: on a terminal (a pty made by script(1)) embed shows
"chaptag: writing FILE: N% (X of Y MB)" and clears it before its summary line; through a pipe,
with --quiet, or for a write quicker than a second, nothing of it is printed; a write the test
build slows down to two seconds shows it with the default delay.

A rewrite of even a few hundred MB takes well under a second here (the kernel copies it), so
CHAPTAG_PROGRESS_AFTER_MS=0 lowers the one-second delay for the tests that want the line; the
generated MP3 (~50 MB of repeated frames) is big enough for several progress calls."""
import os
import shlex
import shutil
import subprocess
import sys
import unittest

import ctcheck
from ctcheck import CHAPTAG, FIXTURES, TempDir

SEED_SECONDS = 10
COPIES = 130  # 130 x 10 s at 320 kb/s: about 52 MB, 22 minutes


def make_big_mp3(path):
    """PATH: an MP3 of repeated 320 kb/s frames of silence, no tag and no Xing frame, so that
    an embed must rewrite it."""
    seed = path + ".seed.mp3"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "anullsrc=r=44100:cl=stereo", "-t", str(SEED_SECONDS), "-c:a", "libmp3lame",
                    "-b:a", "320k", "-write_xing", "0", "-id3v2_version", "0", seed], check=True)
    with open(seed, "rb") as f:
        frames = f.read()
    os.unlink(seed)
    with open(path, "wb") as f:
        for _ in range(COPIES):
            f.write(frames)


def on_tty(args, env, program=CHAPTAG):
    """Runs PROGRAM ARGS with a pty as its terminal (script -qfec); all it printed, as text."""
    cmd = " ".join(shlex.quote(a) for a in [program, *args])
    p = subprocess.run(["script", "-qfec", cmd, "/dev/null"], stdin=subprocess.DEVNULL,
                       capture_output=True, env=env, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace")


class Progress(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        cls.big = os.path.join(cls.tmp.path, "big.source.mp3")
        make_big_mp3(cls.big)
        cls.chapters = cls.tmp.write("ch.txt", "00:00:00 Intro\n00:10:00 Middle\n")
        cls.env = dict(os.environ, CHAPTAG_PROGRESS_AFTER_MS="0")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.close()

    def fresh(self, name):
        """A new copy of the big file, which an embed must rewrite."""
        path = os.path.join(self.tmp.path, name)
        shutil.copyfile(self.big, path)
        return path

    def test_a_terminal_sees_the_line_and_it_is_cleared_before_the_summary(self):
        path = self.fresh("tty.mp3")
        rc, out = on_tty(["embed", path, self.chapters], self.env)
        self.assertEqual(rc, 0, out)
        line = f"\rchaptag: writing {path}: "
        self.assertIn(line, out)
        shown = out[out.index(line):out.index("\r\x1b[K")]
        self.assertRegex(shown, r"\d+% \(\d+\.\d of 52\.\d MB\)$")
        self.assertIn(f"\r\x1b[K{path}: 2 chapters; file rewritten", out)

    def test_a_write_slower_than_a_second_shows_the_line_with_the_default_delay(self):
        # the test build pauses 250 ms after each chunk of up to 8 MiB: about 1.8 s in all
        testhooks = os.environ.get("CHAPTAG_TESTHOOKS")
        if not testhooks:
            self.skipTest("CHAPTAG_TESTHOOKS (the test build) not given")
        path = self.fresh("slow.mp3")
        env = {k: v for k, v in os.environ.items() if k != "CHAPTAG_PROGRESS_AFTER_MS"}
        env["CHAPTAG_TEST_STEP_DELAY_MS"] = "250"
        rc, out = on_tty(["embed", path, self.chapters], env, program=testhooks)
        self.assertEqual(rc, 0, out)
        lines = out[:out.index("\r\x1b[K")].split("\r")[1:]
        self.assertTrue(lines, out)
        percents = [int(line.split(": ")[2].split("%")[0]) for line in lines]
        self.assertGreater(percents[0], 0)  # not at once: after a second
        self.assertEqual(percents, sorted(percents))
        self.assertEqual(percents[-1], 100)
        self.assertEqual(len(lines), len(set(lines)))  # nothing drawn twice

    def test_a_pipe_sees_no_line(self):
        path = self.fresh("pipe.mp3")
        p = subprocess.run([CHAPTAG, "embed", path, self.chapters], capture_output=True,
                           text=True, env=self.env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        self.assertNotIn("writing", p.stdout)
        self.assertIn("file rewritten", p.stdout)

    def test_quiet_sees_no_line(self):
        path = self.fresh("quiet.mp3")
        rc, out = on_tty(["embed", "-q", path, self.chapters], self.env)
        self.assertEqual(rc, 0, out)
        self.assertEqual(out, "")

    def test_a_write_quicker_than_a_second_shows_nothing(self):
        path = self.tmp.copy("cbr-v23.mp3", "small.mp3")
        env = {k: v for k, v in os.environ.items() if k != "CHAPTAG_PROGRESS_AFTER_MS"}
        one = self.tmp.write("one.txt", "00:00:00 Intro\n")
        rc, out = on_tty(["embed", path, one], env)
        self.assertEqual(rc, 0, out)
        self.assertIn("small.mp3: 1 chapter", out)
        self.assertNotIn("writing", out)
        self.assertNotIn("\x1b[K", out)


def main():
    missing = [t for t in ("script", "ffmpeg") if shutil.which(t) is None]
    if missing:
        print(f"progress: skipped, {' and '.join(missing)} not installed", file=sys.stderr)
        sys.exit(77)
    ctcheck.main()


if __name__ == "__main__":
    main()
