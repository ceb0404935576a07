"""dump -o and --images, convert -o: chapter files written whole or not at all, pictures
saved beside them and carried into another file by the JSON or PSC that points at them, as
mutagen reads them there."""
import json
import os
import unittest

from mutagen.id3 import ID3

import ctcheck
from ctcheck import FIXTURES, TempDir, chaptag, sha256


def apic_by_title(path):
    """{title: (mime, bytes)} of the pictures inside the CHAPs of PATH."""
    out = {}
    for chap in ID3(path).getall("CHAP"):
        pics = chap.sub_frames.getall("APIC")
        if pics:
            out[chap.sub_frames["TIT2"].text[0]] = (pics[0].mime, pics[0].data)
    return out


class DumpOutput(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        with open(os.path.join(FIXTURES, "cover.jpg"), "rb") as f:
            self.jpeg = f.read()
        with open(os.path.join(FIXTURES, "cover.png"), "rb") as f:
            self.png = f.read()
        os.makedirs(os.path.join(self.tmp.path, "art"))
        self.tmp.write("art/a.jpg", self.jpeg)
        self.tmp.write("art/b.png", self.png)
        doc = {"version": "1.2.0", "chapters": [
            {"startTime": 0, "title": "Pictured", "img": "art/a.jpg"},
            {"startTime": 1, "title": "Plain", "url": "https://example.com/p"},
            {"startTime": 2, "title": "PNG", "img": "art/b.png"}]}
        self.src = self.tmp.copy("cbr-v23.mp3", "src.mp3")
        rc, _, err = chaptag("embed", self.src, self.tmp.write("list.json", json.dumps(doc)))
        self.assertEqual(rc, 0, err)

    def tearDown(self):
        self.tmp.close()

    def test_pictures_travel_through_json_and_psc_into_another_file(self):
        for fmt in ("json", "psc"):
            with self.subTest(format=fmt):
                out = os.path.join(self.tmp.path, fmt, "chapters." + fmt)
                os.makedirs(os.path.dirname(out))
                pics = os.path.join(self.tmp.path, fmt, "pics")
                rc, printed, err = chaptag("dump", "--format", fmt, "--images", pics, "-o", out,
                                           self.src)
                self.assertEqual((rc, printed), (0, ""), err)
                with open(os.path.join(pics, "chapter-001.jpg"), "rb") as f:
                    self.assertEqual(f.read(), self.jpeg)
                with open(os.path.join(pics, "chapter-003.png"), "rb") as f:
                    self.assertEqual(f.read(), self.png)
                self.assertFalse(os.path.exists(os.path.join(pics, "chapter-002.jpg")))
                with open(out) as f:
                    text = f.read()
                self.assertIn("pics/chapter-001.jpg", text)  # relative to the chapter file
                self.assertNotIn(self.tmp.path, text)
                dst = self.tmp.copy("notag.mp3", fmt + ".mp3")
                rc, _, err = chaptag("embed", dst, out)
                self.assertEqual(rc, 0, err)
                self.assertEqual(apic_by_title(dst), {"Pictured": ("image/jpeg", self.jpeg),
                                                      "PNG": ("image/png", self.png)})

    def test_on_standard_output_the_picture_paths_are_absolute(self):
        pics = os.path.join(self.tmp.path, "abs")
        rc, out, err = chaptag("dump", "--format", "json", "--images", pics, self.src)
        self.assertEqual(rc, 0, err)
        imgs = [c.get("img") for c in json.loads(out)["chapters"]]
        self.assertEqual(imgs, [os.path.join(os.path.realpath(pics), "chapter-001.jpg"), None,
                                os.path.join(os.path.realpath(pics), "chapter-003.png")])

    def test_a_failed_dump_leaves_the_old_chapter_file_and_names_the_problem(self):
        out = self.tmp.write("old.txt", "00:00:00 Old\n")
        rc, _, err = chaptag("dump", "-o", out, os.path.join(self.tmp.path, "missing.mp3"))
        self.assertEqual(rc, 5, err)
        with open(out) as f:
            self.assertEqual(f.read(), "00:00:00 Old\n")
        rc, _, err = chaptag("dump", "-o", self.src, self.src)
        self.assertEqual(rc, 2, err)
        rc, _, err = chaptag("dump", "-o", os.path.join(self.tmp.path, "no", "such", "dir.txt"),
                             self.src)
        self.assertEqual(rc, 5, err)
        self.assertIn("no/such/dir.txt", err)
        self.assertEqual([n for n in os.listdir(self.tmp.path) if "chaptag-tmp" in n], [])
        blocker = self.tmp.write("blocker", "")
        before = sha256(self.src)
        rc, _, err = chaptag("dump", "--images", os.path.join(blocker, "x"), self.src)
        self.assertEqual(rc, 5, err)
        self.assertEqual(sha256(self.src), before)

    def test_dump_and_convert_write_the_same_text_to_a_file_as_to_standard_output(self):
        rc, printed, _ = chaptag("dump", self.src)
        out = os.path.join(self.tmp.path, "dumped.txt")
        self.assertEqual(chaptag("dump", "-o", out, self.src)[0], 0)
        with open(out) as f:
            self.assertEqual(f.read(), printed)
        rc, printed, _ = chaptag("convert", "--to", "mp4chaps", out)
        vtt = os.path.join(self.tmp.path, "c.chapters.txt")
        self.assertEqual(chaptag("convert", "--to", "mp4chaps", "-o", vtt, out)[0], 0)
        with open(vtt) as f:
            self.assertEqual(f.read(), printed)
        self.assertEqual(chaptag("convert", "--to", "mp4chaps", "-o", out, out)[0], 2)


if __name__ == "__main__":
    ctcheck.main()
