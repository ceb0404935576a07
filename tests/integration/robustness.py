"""Hostile moments and hostile files: chaptag killed (SIGKILL) at many points of a rewrite and
of an in-place edit, a full disk, unwritable files and folders, odd paths, two chaptag
processes on one file, hard links, and absurd sizes. After each: the file is exactly the old
one or the new one (or, in place, one players open), and nothing else is left behind."""
import os
import re
import signal
import subprocess
import time
import unittest

from mutagen.id3 import ID3

import ctcheck
from ctcheck import CHAPTAG, TempDir, audio_md5, chaptag, ffprobe_chapters, run, sha256, SEEDS
from mp4_embed import Structure

SEED = os.path.join(SEEDS, "seed-000.txt")
TMP_NAME = re.compile(r"^\.(.+)\.chaptag-tmp-[A-Za-z0-9]{6}$")


def spawn(*args, delay_ms=None):
    env = dict(os.environ)
    program = CHAPTAG
    if delay_ms is not None:  # the pauses exist only in the test-hooks build
        env["CHAPTAG_TEST_STEP_DELAY_MS"] = str(delay_ms)
        program = os.environ["CHAPTAG_TESTHOOKS"]
    return subprocess.Popen([program, *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env)


def changed_seed(tmp, old, new, name):
    with open(SEED, encoding="utf-8") as f:
        return tmp.write(name, f.read().replace(old, new))


class Robustness(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.close()

    def leftovers(self, folder, audio_name):
        """Temporary files left in FOLDER; fails on anything not named like chaptag's."""
        found = []
        for n in os.listdir(folder):
            m = TMP_NAME.match(n)
            if "chaptag" in n:
                self.assertIsNotNone(m, f"a stray file {n}")
                self.assertEqual(m.group(1), audio_name)
                self.assertFalse(n.endswith((".mp3", ".m4a", ".m4b")), "looks like audio")
                found.append(os.path.join(folder, n))
        return found

    def big_mp3(self, copies=40):
        """About 160 MB: the CBR fixture's audio repeated, a fresh file with no room for
        chapters, so that embedding must rewrite it."""
        listing = self.tmp.write("list.txt", "".join(
            f"file '{os.path.join(os.environ.get('FIXTURES', 'fixtures/audio'), 'notag.mp3')}'\n"
            for _ in range(copies)))
        path = os.path.join(self.tmp.path, "big.mp3")
        run(["ffmpeg", "-nostdin", "-v", "error", "-f", "concat", "-safe", "0", "-i", listing,
             "-c", "copy", path], check=True)
        return path

    def test_a_killed_rewrite_leaves_the_old_file_or_the_new_one(self):
        path = self.big_mp3()
        old = sha256(path)
        probe = os.path.join(self.tmp.path, "probe.mp3")
        with open(path, "rb") as src, open(probe, "wb") as dst:
            dst.write(src.read())
        t0 = time.monotonic()
        self.assertEqual(chaptag("embed", "-q", probe, SEED)[0], 0)
        took = time.monotonic() - t0
        new = sha256(probe)
        os.remove(probe)
        self.assertNotEqual(old, new)
        outcomes = {"old": 0, "new": 0}
        for k in range(24):
            p = spawn("embed", "-q", path, SEED, delay_ms=15)
            time.sleep(0.005 + k * (took + 0.35) / 24)
            p.send_signal(signal.SIGKILL)
            p.wait()
            now = sha256(path)
            self.assertIn(now, (old, new), f"kill {k}: the file is neither old nor new")
            outcomes["old" if now == old else "new"] += 1
            for leftover in self.leftovers(self.tmp.path, "big.mp3"):
                os.remove(leftover)
            if now == new:  # start again from the old file
                run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0",
                     "-i", os.path.join(self.tmp.path, "list.txt"), "-c", "copy", path],
                    check=True)
        self.assertGreater(outcomes["old"], 0, outcomes)

    def kill_in_place(self, path, other, valid):
        """Kills an in-place re-embed of OTHER into PATH inside each of its steps; VALID(path)
        must hold after every kill. Then the seed is embedded again: a recovery may rewrite
        the file once, after which the next re-embed must be in place again."""
        self.assertEqual(chaptag("embed", "-q", path, SEED)[0], 0)
        md5 = audio_md5(path)
        for k in range(12):
            inode = os.stat(path).st_ino
            p = spawn("embed", "-q", path, other, delay_ms=80)
            time.sleep(0.02 + k * 0.06)
            p.send_signal(signal.SIGKILL)
            p.wait()
            self.assertEqual(os.stat(path).st_ino, inode, "an in-place edit replaced the file")
            valid(path)
            self.assertEqual(audio_md5(path), md5)
            self.assertEqual(chaptag("embed", "-q", path, SEED)[0], 0)  # back to the start
            self.assertEqual(chaptag("verify", path, SEED)[0], 0)
        out = chaptag("embed", path, other)[1]
        self.assertIn("in place", out)

    def test_a_killed_in_place_mp3_edit_leaves_a_tag_players_read(self):
        path = self.tmp.copy("cbr-v23.mp3")
        other = changed_seed(self.tmp, "Episode Introduction", "Episode Opening Part", "o.txt")
        titles = {"old": "Episode Introduction", "new": "Episode Opening Part"}

        def valid(p):
            tags = ID3(p)  # mutagen parses the tag: old, new, or (mid-step) empty
            chaps = tags.getall("CHAP")
            self.assertIn(len(chaps), (0, 30))
            probe = ffprobe_chapters(p)
            if probe:
                self.assertTrue(any(probe[0][2].startswith(t) for t in titles.values()))
        self.kill_in_place(path, other, valid)

    def test_a_killed_in_place_mp4_edit_leaves_a_file_players_open(self):
        path = self.tmp.copy("aac-faststart.m4a")
        other = changed_seed(self.tmp, "Episode Introduction", "Episode Opening Part", "o.txt")

        def valid(p):
            Structure(p)  # the box tree is whole: one moov, every size right
            rc, out, err = run(["ffprobe", "-v", "error", "-show_chapters", p])
            self.assertEqual(rc, 0, err)
        self.kill_in_place(path, other, valid)

    def killed_native(self, path, other, count):
        """Kills in-place re-embeds of a native Ogg/FLAC/WAV file: every state must open in
        ffprobe without an error and hold the old chapters, the new ones, or none."""
        def valid(p):
            rc, out, err = run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", p])
            self.assertEqual(rc, 0, err)
            self.assertEqual(err.strip(), "")
            self.assertIn(len(ffprobe_chapters(p)), (0, count))
        self.kill_in_place(path, other, valid)

    def test_killed_in_place_opus_flac_and_wav_edits_leave_files_players_open(self):
        other = changed_seed(self.tmp, "Episode Introduction", "Episode Opening Part", "o.txt")
        for name in ("audio.opus", "audio.flac"):
            self.killed_native(self.tmp.copy(name), other, 30)
        wav = os.path.join(self.tmp.path, "master.wav")  # 66 minutes, 8 kHz 8-bit: the seeds fit
        run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
             "anullsrc=r=8000:cl=mono", "-t", "3960", "-c:a", "pcm_u8", wav], check=True)
        self.killed_native(wav, other, 30)

    def test_a_full_disk_fails_cleanly(self):
        mnt = os.path.join(self.tmp.path, "small")
        os.mkdir(mnt)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mnt]).returncode:
            self.skipTest("cannot mount a tmpfs here (not root)")
        try:
            path = os.path.join(mnt, "ep.mp3")
            with open(os.path.join(os.environ.get("FIXTURES", "fixtures/audio"), "notag.mp3"),
                      "rb") as src, open(path, "wb") as dst:
                dst.write(src.read())
            before = sha256(path)
            rc, _, err = chaptag("embed", path, SEED)
            self.assertEqual(rc, 5, err)
            self.assertIn("No space left on device", err)
            self.assertEqual(sha256(path), before)
            self.assertEqual(sorted(os.listdir(mnt)), ["ep.mp3"])
        finally:
            subprocess.run(["umount", mnt])

    def as_nobody(self, *args):
        """Runs chaptag as an unprivileged user (root ignores file permissions)."""
        if os.getuid() != 0:
            return subprocess.run([CHAPTAG, *args], capture_output=True, text=True)
        return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                               CHAPTAG, *args], capture_output=True, text=True)

    def test_unwritable_files_and_folders_and_odd_paths_are_clean_errors(self):
        folder = os.path.join(self.tmp.path, "ro")
        os.mkdir(folder)
        path = os.path.join(folder, "ep.mp3")
        with open(os.path.join(os.environ.get("FIXTURES", "fixtures/audio"), "notag.mp3"),
                  "rb") as src, open(path, "wb") as dst:
            dst.write(src.read())
        seed = self.tmp.write("seed.txt", open(SEED, encoding="utf-8").read())
        os.chmod(self.tmp.path, 0o755)
        os.chmod(seed, 0o644)
        os.chown(folder, 65534, 65534)
        os.chown(path, 65534, 65534)
        before = sha256(path)
        os.chmod(path, 0o444)  # a read-only file
        p = self.as_nobody("embed", path, seed)
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn("read-only", p.stderr)
        os.chmod(path, 0o644)
        os.chmod(folder, 0o555)  # a writable file in a read-only folder: no temporary file
        p = self.as_nobody("embed", path, seed)
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn("temporary file", p.stderr)
        self.assertEqual(sha256(path), before)
        os.chmod(folder, 0o755)
        rc, _, err = chaptag("embed", os.path.join(self.tmp.path, "missing.mp3"), SEED)
        self.assertEqual((rc, "No such file" in err), (5, True), err)
        rc, _, err = chaptag("embed", folder, SEED)
        self.assertEqual((rc, "is a directory" in err), (5, True), err)
        fifo = os.path.join(self.tmp.path, "fifo.mp3")
        os.mkfifo(fifo)
        rc, _, err = chaptag("dump", fifo)
        self.assertEqual((rc, "not a regular file" in err), (5, True), err)

    def test_two_processes_on_one_file_do_not_corrupt_it(self):
        path = self.tmp.copy("aac-faststart.m4a")
        a = changed_seed(self.tmp, "Episode Introduction", "Version A intro", "a.txt")
        b = changed_seed(self.tmp, "Episode Introduction", "Version B intro", "b.txt")
        chaptag("embed", "-q", path, SEED)
        first = spawn("embed", "-q", path, a, delay_ms=150)
        time.sleep(0.1)
        second = spawn("embed", "-q", path, b, delay_ms=0)
        time.sleep(0.2)
        self.assertIsNone(second.poll(), "the second did not wait for the first")
        self.assertEqual(first.wait(), 0)
        self.assertEqual(second.wait(), 0)
        Structure(path)
        self.assertEqual(chaptag("verify", path, b)[0], 0)  # the second, after the first

    def test_in_place_edits_keep_hard_links(self):
        path = self.tmp.copy("cbr-v23.mp3")
        link = os.path.join(self.tmp.path, "link.mp3")
        chaptag("embed", "-q", path, SEED)
        os.link(path, link)
        other = changed_seed(self.tmp, "Episode Introduction", "Episode Opening Part", "o.txt")
        out = chaptag("embed", path, other)[1]
        self.assertIn("in place", out)
        self.assertEqual(sha256(link), sha256(path))

    def test_absurd_sizes_and_counts_are_bounded_clean_errors(self):
        # an ID3 tag claiming 256 MB on a 10 KB file
        head = b"ID3\x03\x00\x00\x7f\x7f\x7f\x7f" + b"TIT2\x0f\xff\xff\xff\x00\x00" + b"\0" * 10000
        rc, _, err = chaptag("dump", self.tmp.write("huge-tag.mp3", head))
        self.assertEqual(rc, 4, err)
        self.assertIn("past the end of the file", err)
        # a box claiming more than the file holds, and one claiming 2^64 - 1
        for name, data in (("box.m4a", b"\0\0\0\x18ftypM4A \0\0\0\0M4A isom\0\0\x10\0moov"),
                           ("box64.m4a", b"\0\0\0\x18ftypM4A \0\0\0\0M4A isom\0\0\0\x01moov"
                                         + b"\xff" * 8)):
            rc, _, err = chaptag("dump", self.tmp.write(name, data + b"\0" * 64))
            self.assertEqual(rc, 4, err)
            self.assertIn("impossible size", err)
        # boxes nested deeper than anyone writes
        inner = b""
        for _ in range(60):
            inner = (8 + len(inner)).to_bytes(4, "big") + b"udta" + inner
        moov = (8 + len(inner)).to_bytes(4, "big") + b"moov" + inner
        rc, _, err = chaptag("dump", self.tmp.write("deep.m4a", b"\0\0\0\x10ftypM4A \0\0\0\0" + moov))
        self.assertEqual(rc, 4, err)
        self.assertIn("nested too deeply", err)
        # a title of 1 MB
        big = self.tmp.write("big-title.txt", "00:00 " + "x" * (1 << 20) + "\n")
        path = self.tmp.copy("notag.mp3")
        rc, _, err = chaptag("embed", path, big)
        self.assertEqual(rc, 3, err)
        self.assertRegex(err, r"big-title\.txt:1: the title is 1048576 bytes")
        # 10,000 chapters, the most a list may hold: done, in bounded time and memory;
        # 100,000: refused at the 10,001st, naming it
        def stamps(n):
            return "".join(f"{(i * 39) // 1000 // 3600:02d}:{(i * 39) // 1000 // 60 % 60:02d}:"
                           f"{(i * 39) // 1000 % 60:02d}.{(i * 39) % 1000:03d} C{i}\n"
                           for i in range(n))
        too_many = self.tmp.write("too-many.txt", stamps(100000))
        rc, _, err = chaptag("embed", path, too_many)
        self.assertEqual(rc, 3, err)
        self.assertIn("too-many.txt:10001: more than 10,000 chapters", err)
        many = self.tmp.write("many.txt", stamps(10000))
        t0 = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", CHAPTAG, "embed", "-q", path, many],
                           capture_output=True, text=True)
        took = time.monotonic() - t0
        self.assertEqual(p.returncode, 0, p.stderr[-300:])
        self.assertLess(int(p.stderr.strip().splitlines()[-1]), 64 * 1024)  # KiB
        self.assertLess(took, 10)
        self.assertEqual(len(ID3(path).getall("CHAP")), 10000)
        t0 = time.monotonic()
        rc, out, err = chaptag("verify", path, many)
        self.assertEqual(rc, 0, out[-500:] + err)
        self.assertLess(time.monotonic() - t0, 10)

if __name__ == "__main__":
    ctcheck.main()
