"""Many files, one rule: 50 generated episodes, each with its own sibling chapter list (in
several formats), embedded in one command and verified in one (--siblings); each file read
back by mutagen carries its own list. A missing sibling fails that file alone (exit 3) and
--fail-fast stops there; --chapters PATTERN; the JSON report is one object per file, valid
against docs/schemas; the classic AUDIO CHAPTERS form is unchanged."""
import json
import os
import unittest

from mutagen.id3 import ID3

import ctcheck
from ctcheck import TempDir, chaptag
from reports import VALIDATORS

N = 50
FIXTURE = "cbr-v23.mp3"  # about 4 s of MPEG audio


def titles(i):
    return [f"Episode {i} opens", f"Episode {i} middle", f"Episode {i} closes"]


def sibling(i):
    """(file name, text) of episode I's list: the formats rotate through the sibling order."""
    a, b, c = titles(i)
    kind = i % 4
    if kind == 0:
        return f"ep{i:03}.txt", f"0:00 {a}\n0:01 {b}\n0:02 {c}\n"
    if kind == 1:
        doc = {"version": "1.2.0", "chapters": [{"startTime": 0, "title": a},
                                                {"startTime": 1, "title": b},
                                                {"startTime": 2, "title": c}]}
        return f"ep{i:03}.json", json.dumps(doc)
    if kind == 2:
        return f"ep{i:03}.chapters.txt", f"00:00:00 {a}\n00:00:01 {b}\n00:00:02 {c}\n"
    return f"ep{i:03}.vtt", ("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n" + a +
                             "\n\n00:00:01.000 --> 00:00:02.000\n" + b +
                             "\n\n00:00:02.000 --> 00:00:03.000\n" + c + "\n")


def chapters_of(path):
    """[(start_ms, title)] of the CHAPs of PATH, in order."""
    chaps = sorted(ID3(path).getall("CHAP"), key=lambda c: c.start_time)
    return [(c.start_time, c.sub_frames["TIT2"].text[0]) for c in chaps]


class Batch(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.episodes = []
        for i in range(N):
            self.episodes.append(self.tmp.copy(FIXTURE, f"ep{i:03}.mp3"))
            self.tmp.write(*sibling(i))

    def tearDown(self):
        self.tmp.close()

    def check_own_list(self, i):
        want = list(zip((0, 1000, 2000), titles(i)))
        self.assertEqual(chapters_of(self.episodes[i]), want, self.episodes[i])

    def test_fifty_episodes_embedded_and_verified_in_one_command_each(self):
        rc, out, err = chaptag("embed", "--format", "json", *self.episodes)
        self.assertEqual(rc, 0, err)
        report = json.loads(out)
        VALIDATORS["embed"].validate(report)
        self.assertEqual([o["file"] for o in report], self.episodes)
        self.assertTrue(all(o["status"] == 0 and o["chapters"] == 3 for o in report))
        for i in range(N):
            self.check_own_list(i)
        rc, out, err = chaptag("verify", "--siblings", *self.episodes)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.count("carries exactly the expected chapters"), N)
        rc, out, err = chaptag("verify", "--siblings", "--format", "json", *self.episodes)
        self.assertEqual(rc, 0, err)
        report = json.loads(out)
        VALIDATORS["verify"].validate(report)
        self.assertEqual(len(report), N)
        # one list changed: that file differs, the others still match
        self.tmp.write("ep004.txt", "0:00 Something else\n0:01 Entirely\n")
        rc, out, err = chaptag("verify", "--siblings", "--format", "jsonl", *self.episodes)
        self.assertEqual(rc, 1, err)
        lines = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([o["status"] for o in lines], [1 if i == 4 else 0 for i in range(N)])
        # without a list, verify lints as before
        rc, out, err = chaptag("verify", *self.episodes[:3])
        self.assertEqual(rc, 0, err)
        self.assertNotIn("expected", out)

    def test_a_missing_sibling_fails_that_file_alone(self):
        os.remove(os.path.join(self.tmp.path, sibling(7)[0]))
        rc, out, err = chaptag("embed", "--format", "jsonl", *self.episodes)
        self.assertEqual(rc, 3, err)
        self.assertIn("ep007.mp3: no chapter list beside it (tried ep007.chapters.*", err)
        lines = [json.loads(line) for line in out.splitlines()]
        self.assertEqual(len(lines), N)
        self.assertEqual([o["status"] for o in lines], [3 if i == 7 else 0 for i in range(N)])
        for o in lines:
            VALIDATORS["embed"].validate(o)
        for i in range(N):
            if i == 7:
                self.assertEqual(ID3(self.episodes[i]).getall("CHAP"), [])
            else:
                self.check_own_list(i)

    def test_fail_fast_stops_at_the_first_failure(self):
        os.remove(os.path.join(self.tmp.path, sibling(2)[0]))
        rc, out, err = chaptag("embed", "--fail-fast", *self.episodes)
        self.assertEqual(rc, 3, err)
        self.assertEqual(out.count("chapters; "), 2)  # ep000, ep001
        self.check_own_list(1)
        self.assertEqual(ID3(self.episodes[3]).getall("CHAP"), [])
        rc, _, err = chaptag("verify", "--siblings", "--fail-fast", "--format", "jsonl",
                             *self.episodes)
        self.assertEqual(rc, 3, err)

    def test_two_chapters_siblings_are_an_error_naming_both(self):
        self.tmp.write("ep002.chapters.json", "{}")
        rc, _, err = chaptag("embed", self.episodes[2])
        self.assertEqual(rc, 3, err)
        self.assertIn("ep002.chapters.json", err)
        self.assertIn("ep002.chapters.txt", err)

    def test_a_pattern_names_each_files_list(self):
        os.makedirs(os.path.join(self.tmp.path, "lists"))
        for i in range(3):
            self.tmp.write(f"lists/ep{i:03}.mp3.txt", f"0:00 From the pattern {i}\n")
        rc, _, err = chaptag("embed", "--chapters", "{dir}/lists/{name}.txt",
                             *self.episodes[:3])
        self.assertEqual(rc, 0, err)
        self.assertEqual(chapters_of(self.episodes[1]), [(0, "From the pattern 1")])
        rc, out, err = chaptag("verify", "--chapters", "{dir}/lists/{name}.txt",
                               *self.episodes[:3])
        self.assertEqual((rc, out.count("carries exactly")), (0, 3), err)
        rc, _, err = chaptag("embed", "--chapters", "{dir}/lists/{name}.txt", self.episodes[3])
        self.assertEqual(rc, 3)
        self.assertIn("ep003.mp3.txt (--chapters {dir}/lists/{name}.txt)", err)

    def test_the_classic_form_is_unchanged(self):
        other = self.tmp.write("other.txt", "0:00 Classic\n0:02 Form\n")
        rc, out, err = chaptag("embed", self.episodes[0], other)
        self.assertEqual(rc, 0, err)
        self.assertEqual(chapters_of(self.episodes[0]), [(0, "Classic"), (2000, "Form")])
        self.assertTrue(out.startswith(self.episodes[0] + ": 2 chapters; "), out)
        rc, out, err = chaptag("embed", "--format", "json", self.episodes[0], other)
        self.assertEqual(rc, 0, err)
        self.assertIsInstance(json.loads(out), dict)
        rc, _, err = chaptag("embed", "-o", self.tmp.path + "/x.mp3", *self.episodes[:2])
        self.assertEqual(rc, 2)
        self.assertIn("-o takes one AUDIO file", err)


if __name__ == "__main__":
    ctcheck.main()
