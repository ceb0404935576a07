"""Chapter formats end to end: a Podcasting 2.0 JSON list with a url, a picture and a hidden
chapter embedded into an MP3 and read back by mutagen; dump and convert in every format, and
back; bad input in each format named by file and line."""
import json
import os
import re
import unittest

from mutagen.id3 import ID3, CTOCFlags

import ctcheck
from ctcheck import TempDir, chaptag, ffprobe_chapters, run, seed_chapters, SEEDS

FORMATS = ["text", "json", "psc", "ffmetadata", "mp4chaps", "audacity", "cue", "vtt", "ogm"]
SEED = os.path.join(SEEDS, "seed-004.txt")


class FormatsCli(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.close()

    def test_json_url_image_and_hidden_chapter_reach_the_id3_frames(self):
        with open(os.path.join(os.environ.get("FIXTURES", "fixtures/audio"), "cover.png"),
                  "rb") as f:
            png = f.read()
        os.makedirs(os.path.join(self.tmp.path, "art"))
        with open(os.path.join(self.tmp.path, "art", "pic.png"), "wb") as f:
            f.write(png)
        doc = {"version": "1.2.0", "chapters": [
            {"startTime": 0, "title": "Intro", "url": "https://example.com/intro"},
            {"startTime": 74.5, "title": "With a picture", "img": "art/pic.png"},
            {"startTime": 120, "title": "Silent marker", "toc": False},
            {"startTime": 200, "title": "Last"}]}
        chapters = self.tmp.write("chapters.json", json.dumps(doc))
        path = self.tmp.copy("cbr-v23.mp3")
        rc, _, err = chaptag("embed", path, chapters)
        self.assertEqual(rc, 0, err)
        tags = ID3(path)
        chaps = {c.element_id: c for c in tags.getall("CHAP")}
        by_title = {c.sub_frames["TIT2"].text[0]: c for c in chaps.values()}
        intro = by_title["Intro"]
        self.assertEqual(intro.sub_frames.getall("WXXX")[0].url, "https://example.com/intro")
        pic = by_title["With a picture"].sub_frames.getall("APIC")[0]
        self.assertEqual((pic.mime, pic.data), ("image/png", png))
        self.assertEqual(by_title["With a picture"].start_time, 74500)
        toc = [t for t in tags.getall("CTOC") if t.flags & CTOCFlags.TOP_LEVEL][0]
        listed = {chaps[i].sub_frames["TIT2"].text[0] for i in toc.child_element_ids}
        self.assertEqual(listed, {"Intro", "With a picture", "Last"})
        # dump gives them back, the hidden one as toc: false
        rc, out, err = chaptag("dump", "--format", "json", path)
        self.assertEqual(rc, 0, err)
        back = json.loads(out)["chapters"]
        self.assertEqual(back[0]["url"], "https://example.com/intro")
        self.assertIs(back[2]["toc"], False)
        self.assertEqual(chaptag("verify", path, chapters)[0], 0)
        # a missing picture is an error naming it and the line
        doc["chapters"][1]["img"] = "art/missing.png"
        bad = self.tmp.write("bad.json", json.dumps(doc, indent=1))
        rc, _, err = chaptag("embed", path, bad)
        self.assertEqual(rc, 3)
        self.assertRegex(err, r"bad\.json:\d+: .*missing\.png")

    def test_dump_and_convert_in_every_format_and_back(self):
        path = self.tmp.copy("notag.mp3")
        self.assertEqual(chaptag("embed", "-q", path, SEED)[0], 0)
        want = seed_chapters("seed-004.txt")
        for fmt in FORMATS:
            with self.subTest(format=fmt):
                rc, out, err = chaptag("dump", "--format", fmt, path)
                self.assertEqual(rc, 0, err)
                dumped = self.tmp.write(f"dumped.{fmt}", out)
                rc, text, err = chaptag("convert", "--to", "text", dumped)
                self.assertEqual(rc, 0, err)
                lines = [l for l in text.splitlines() if l and not l.startswith("#")]
                got = [(l.split(" ", 1)[0], l.split(" ", 1)[1]) for l in lines]
                titles = [t.replace('"', "'") if fmt == "cue" else t for _, t in want]
                self.assertEqual([t for _, t in got], titles)
                other = self.tmp.copy("notag.mp3", f"other-{fmt}.mp3")
                rc, _, err = chaptag("embed", "-q", other, dumped)
                self.assertEqual(rc, 0, err)
                self.assertEqual([s for s, _, _ in ffprobe_chapters(other)], [s for s, _ in want])

    def test_convert_reads_standard_input_and_says_what_it_tried(self):
        rc, out, err = chaptag("convert", "--to", "vtt", "--duration", "10:00", "-",
                               stdin="00:00 Intro\n01:14 Next\n")
        self.assertEqual(rc, 0, err)
        self.assertTrue(out.startswith("WEBVTT"))
        rc, out, err = chaptag("convert", "--to", "text", "-", stdin="no chapters here at all\n")
        self.assertEqual(rc, 3)
        for fmt in FORMATS:
            self.assertIn(fmt, err)

    def test_syntax_errors_name_the_file_and_line(self):
        cases = {"bad.json": '{"version": "1.2.0", "chapters": [\n  {"startTime": }\n]}\n',
                 "bad.psc": '<psc:chapters xmlns:psc="http://podlove.org/simple-chapters">\n'
                            '<psc:chapter start="xx" title="A"/>\n</psc:chapters>\n',
                 "bad.vtt": "WEBVTT\n\n00:00.000 --> 00:61.000\nIntro\n",
                 "bad.cue": 'FILE "a.mp3" MP3\n  TRACK 01 AUDIO\n    INDEX 01 00:99:00\n',
                 "bad.ffmeta": ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=abc\nEND=5\n"}
        for name, text in cases.items():
            with self.subTest(file=name):
                path = self.tmp.write(name, text)
                rc, _, err = chaptag("convert", "--to", "text", path)
                self.assertEqual(rc, 3, err)
                self.assertRegex(err, re.escape(path) + r":\d+(:\d+)?: ")


if __name__ == "__main__":
    ctcheck.main()
