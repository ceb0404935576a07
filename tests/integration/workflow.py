"""From editor to platform: the CLI paths of the time grammar, the transforms (--shift, --cut,
--insert, --add-intro) on convert and embed, the platform description blocks (convert --to
youtube|spotify|apple) and verify --profile, pasted show notes (--skip-prose, the two-line
form) and convert --from-files; the chapters embedded are read back by mutagen."""
import os
import re
import unittest

from mutagen.id3 import ID3

import ctcheck
from ctcheck import TempDir, chaptag, seed_chapters, sha256, SEEDS

SEED0 = os.path.join(SEEDS, "seed-000.txt")
SEED4 = os.path.join(SEEDS, "seed-004.txt")
SHORT = re.compile(r"^(\d+:)?\d?\d:\d\d \S")


def chaps(path):
    """[(start_ms, title)] of an MP3's CHAP frames, as mutagen reads them, in time order."""
    tag = ID3(path)
    out = [(f.start_time, str(f.sub_frames["TIT2"].text[0]) if "TIT2" in f.sub_frames else "")
           for f in tag.getall("CHAP")]
    return sorted(out)


class Workflow(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.close()

    # ---- platforms ------------------------------------------------------------------------

    def test_youtube_refuses_a_late_first_chapter_and_add_intro_fixes_it_on_request(self):
        rc, out, err = chaptag("convert", "--to", "youtube", SEED0)
        self.assertEqual(rc, 3, err)
        self.assertEqual(out, "")
        self.assertIn("seed-000.txt:1: chapter 1 (00:01:14 \"Episode Introduction", err)
        self.assertIn("YouTube needs the first chapter at 0:00", err)
        self.assertIn("--add-intro TITLE", err)
        rc, out, err = chaptag("convert", "--to", "youtube", "--add-intro", "Welcome", SEED0)
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertEqual(lines[0], "0:00 Welcome")
        self.assertEqual(lines[1], "1:14 Episode Introduction: MLOps & ML platform "
                                   "conversation with Simon")
        self.assertEqual(len(lines), 31)
        self.assertTrue(all(SHORT.match(l) for l in lines), lines)

    def test_each_platform_block_embeds_back_as_the_same_chapters(self):
        want = seed_chapters("seed-004.txt")
        for fmt, first in (("youtube", "0:00 "), ("spotify", "00:00:00 "),
                           ("apple", "00:00:00 ")):
            with self.subTest(fmt=fmt):
                desc = os.path.join(self.tmp.path, fmt + ".txt")
                rc, _, err = chaptag("convert", "--to", fmt, "-o", desc, SEED4)
                self.assertEqual(rc, 0, err)
                with open(desc, encoding="utf-8") as f:
                    text = f.read()
                self.assertTrue(text.startswith(first), text[:40])
                self.assertIn("1:03:35 Contact & Hiring", text)
                if fmt == "spotify":  # every seed title is over Spotify's advised 40 characters
                    self.assertEqual(err.count("Spotify advises under 40"), 30, err)
                mp3 = self.tmp.copy("cbr-v23.mp3", fmt + ".mp3")
                rc, _, err = chaptag("embed", mp3, desc)
                self.assertEqual(rc, 0, err)
                self.assertEqual(chaps(mp3), want)

    def test_verify_profile_checks_a_files_chapters_against_the_platform(self):
        mp3 = self.tmp.copy("cbr-v23.mp3")
        self.assertEqual(chaptag("embed", mp3, SEED0)[0], 0)
        rc, out, _ = chaptag("verify", "--profile", "youtube", mp3)
        self.assertEqual(rc, 1, out)
        self.assertIn("error: chapter 1 (00:01:14 \"Episode Introduction: MLOps & ML platfor"
                      "...\") starts at 00:01:14, not 0:00: YouTube needs the first chapter "
                      "at 0:00", out)
        self.assertIn("[platform-first-start]", out)
        rc, _, err = chaptag("embed", "--add-intro", "Welcome", mp3, SEED0)
        self.assertEqual(rc, 0, err)
        for profile in ("youtube", "spotify", "apple"):
            rc, out, _ = chaptag("verify", "--profile", profile, mp3)
            self.assertEqual(rc, 0, out)
        rc, _, err = chaptag("verify", "--profile", "myspace", mp3)
        self.assertEqual(rc, 2, err)

    # ---- transforms ------------------------------------------------------------------------

    def test_embed_shift_cut_and_insert_apply_in_order(self):
        mp3 = self.tmp.copy("cbr-v23.mp3")
        seed = seed_chapters("seed-004.txt")
        rc, _, err = chaptag("embed", "--shift", "+90s", mp3, SEED4)
        self.assertEqual(rc, 0, err)
        self.assertEqual(chaps(mp3), [(s + 90000, t) for s, t in seed])
        # chapters 4 (06:28) and 5 (08:41) start inside 06:00-09:00; 4 lies wholly inside it
        rc, _, err = chaptag("embed", "--cut", "6:00-9:00", "--insert", "30:00+1.5m", mp3, SEED4)
        self.assertEqual(rc, 0, err)
        self.assertIn("seed-004.txt:4: warning: the cut 00:06:00-00:09:00 removes chapter 4 "
                      "(00:06:28 \"Glovo Role", err)
        got = chaps(mp3)
        self.assertEqual(len(got), 29)
        self.assertEqual(got[:3], seed[:3])
        self.assertEqual(got[3], (360000, seed[4][1]))  # what is left of chapter 5
        for (s, t), g in zip(seed[5:], got[4:]):
            moved = s - 180000
            self.assertEqual(g, (moved + 90000 if moved >= 1800000 else moved, t))

    def test_a_chapter_pushed_past_the_end_or_below_zero_is_an_error_naming_it(self):
        mp3 = self.tmp.copy("cbr-v23.mp3")
        before = sha256(mp3)
        rc, _, err = chaptag("embed", "--shift", "+5m", mp3, SEED4)
        self.assertEqual(rc, 3, err)
        self.assertIn("seed-004.txt:29: shifting by +00:05:00 moves chapter 29 (01:01:51", err)
        self.assertIn("at or past the end of the audio (01:06:00.000)", err)
        self.assertEqual(sha256(mp3), before)
        rc, _, err = chaptag("convert", "--to", "json", "--shift", "-00:01:15", SEED0)
        self.assertEqual(rc, 3, err)
        self.assertIn("seed-000.txt:1: shifting by -00:01:15 moves chapter 1 (00:01:14", err)
        rc, out, err = chaptag("convert", "--to", "youtube", "--shift", "-1.5m",
                               "--add-intro", "Cold open", "--duration", "66m", SEED4)
        self.assertEqual(rc, 3, err)  # -90 s puts chapter 2 below 0
        self.assertIn("chapter 1 (00:00:00", err)

    def test_time_options_share_one_grammar(self):
        for good in ("01:06:00", "66m", "3960s", "1.1h", "3960000ms", "3960"):
            rc, _, err = chaptag("convert", "--to", "vtt", "--duration", good, SEED4)
            self.assertEqual(rc, 0, (good, err))
        for bad in ("66 m", "1:75", "-5s", "5x"):
            rc, _, err = chaptag("convert", "--to", "vtt", "--duration", bad, SEED4)
            self.assertEqual(rc, 2, (bad, err))
        for opt, bad in (("--shift", "90"), ("--cut", "9:00-6:00"), ("--insert", "30:00+0s"),
                         ("--shift", "~3s")):
            rc, _, err = chaptag("convert", "--to", "text", opt, bad, SEED4)
            self.assertEqual(rc, 2 if bad != "90" else 0, (opt, bad, err))

    # ---- show notes ------------------------------------------------------------------------

    def test_a_pasted_description_embeds_with_skip_prose_only(self):
        notes = self.tmp.write("notes.txt", "Episode 12: we talk about chapters!\n\n"
                                            "Timestamps:\n(00:00)\nIntro\n(00:45)\nThe news\n"
                                            "12:30 - Interview\n\nFollow us on Mastodon.\n")
        mp3 = self.tmp.copy("notag.mp3")
        rc, _, err = chaptag("embed", mp3, notes)
        self.assertEqual(rc, 3, err)
        self.assertIn("notes.txt:1: no time at the start of the line", err)
        rc, _, err = chaptag("embed", "--skip-prose", mp3, notes)
        self.assertEqual(rc, 0, err)
        self.assertIn("notes.txt: warning: skipped 3 lines without a time: 1, 3, 10", err)
        self.assertEqual(chaps(mp3), [(0, "Intro"), (45000, "The news"),
                                      (750000, "Interview")])

    # ---- parts into one book ---------------------------------------------------------------

    def test_from_files_makes_a_chapter_per_part(self):
        a = self.tmp.copy("cbr-v23.mp3", "part1.mp3")
        b = self.tmp.copy("notag.mp3", "Part Two.mp3")
        c = self.tmp.copy("aac-faststart.m4a", "part3.m4a")
        rc, out, err = chaptag("convert", "--from-files", "--to", "text", a, b, c)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "00:00:00 Épisode 000 – Ünïcode test\n"
                              "01:06:00 Part Two\n"
                              "02:12:00.144 M4A test – Ünïcode\n")
        rc, _, err = chaptag("convert", "--from-files", "--to", "text", a,
                             os.path.join(self.tmp.path, "missing.mp3"))
        self.assertEqual(rc, 5, err)


if __name__ == "__main__":
    ctcheck.main()
