"""MP3 links end to end: a Podcasting 2.0 chapter list whose chapters carry urls and img URLs
is embedded on real files made by ffmpeg and read back by mutagen: a WXXX per url and a linked
APIC (MIME type "-->", the URL as data) per img in each CHAP; with --image-dir, the file a URL
names is embedded instead; the audio never changes; embedding the same list again writes
nothing; a URL an ID3v2 link cannot carry is refused naming its line."""
import json
import os
import unittest

from mutagen.id3 import ID3

import ctcheck
from ctcheck import FIXTURES, TempDir, audio_md5, chaptag, sha256

# (startTime, title, url, img); one chapter per line of the list, from line 2
CHAPTERS = [
    (0, "Intro", "https://example.com/intro", "https://cdn.example.com/art/intro.jpg?w=600"),
    (1.5, "No picture", "http://example.org/two", None),
    (3, "Picture only", None, "https://cdn.example.com/art/ep%201.jpg#frag"),
    (4.5, "Plain", None, None),
]


def chapter_list(chapters):
    """A Podcasting 2.0 JSON chapter list, one chapter a line (chapter i on line i + 2)."""
    lines = []
    for start, title, url, img in chapters:
        ch = {"startTime": start, "title": title}
        if url:
            ch["url"] = url
        if img:
            ch["img"] = img
        lines.append(json.dumps(ch))
    return '{"version": "1.2.0", "chapters": [\n' + ",\n".join(lines) + "\n]}\n"


def chaps(path):
    """The CHAP frames mutagen reads, in time order."""
    return sorted(ID3(path).getall("CHAP"), key=lambda c: c.start_time)


class Mp3Links(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        with open(os.path.join(FIXTURES, "cover.jpg"), "rb") as f:
            self.jpeg = f.read()

    def tearDown(self):
        self.tmp.close()

    def embed(self, *args, expect=0):
        rc, out, err = chaptag("embed", *args)
        self.assertEqual(rc, expect, f"embed {args}: {err}")
        return out, err

    def check_links(self, path, embedded=()):
        """Every CHAP carries its chapter's url as WXXX and its img as a linked APIC, or as
        the picture bytes when its index is in EMBEDDED."""
        got = chaps(path)
        self.assertEqual(len(got), len(CHAPTERS))
        for i, (c, (start, title, url, img)) in enumerate(zip(got, CHAPTERS)):
            with self.subTest(chapter=title):
                self.assertEqual(c.start_time, round(start * 1000))
                self.assertEqual(c.sub_frames["TIT2"].text[0], title)
                wxxx = c.sub_frames.getall("WXXX")
                self.assertEqual([w.url for w in wxxx], [url] if url else [])
                apic = c.sub_frames.getall("APIC")
                self.assertEqual(len(apic), 1 if img else 0)
                if not img:
                    continue
                if i in embedded:
                    self.assertEqual(apic[0].mime, "image/jpeg")
                    self.assertEqual(apic[0].data, self.jpeg)
                else:
                    self.assertEqual(apic[0].mime, "-->")
                    self.assertEqual(apic[0].data, img.encode("ascii"))  # no terminator
                    self.assertEqual(apic[0].desc, "")
                self.assertIn(apic[0].type, (0, 3))

    def test_urls_and_picture_links_are_written_and_read_back(self):
        for fixture, version in (("cbr-v23.mp3", "3"), ("vbr-v24.mp3", "4"),
                                 ("notag.mp3", "3")):
            with self.subTest(fixture=fixture, version=version):
                path = self.tmp.copy(fixture)
                chapters = self.tmp.write("links.json", chapter_list(CHAPTERS))
                md5 = audio_md5(path)
                out, err = self.embed("--id3v2-version", version, path, chapters)
                self.check_links(path)
                self.assertEqual(ID3(path).version[:2], (2, int(version)))
                self.assertEqual(audio_md5(path), md5, "audio packets changed")
                # noted once, at the first chapter with a picture link
                self.assertEqual(err.count("most players show only embedded pictures"), 1, err)
                self.assertIn(f"{chapters}:2: warning: 2 chapter pictures given as a URL", err)
                self.assertIn("--image-dir", err)
                # dump shows the url and img back
                rc, dumped, derr = chaptag("dump", "--format", "json", path)
                self.assertEqual(rc, 0, derr)
                back = json.loads(dumped)["chapters"]
                self.assertEqual([(c.get("url"), c.get("img")) for c in back],
                                 [(url, img) for _, _, url, img in CHAPTERS])
                # the same list again: nothing written
                first = sha256(path)
                out, _ = self.embed("--id3v2-version", version, path, chapters)
                self.assertIn("nothing written", out)
                self.assertEqual(sha256(path), first, "second embed changed the file")

    def test_the_dry_run_plan_names_the_picture_links(self):
        path = self.tmp.copy("cbr-v23.mp3")
        chapters = self.tmp.write("links.json", chapter_list(CHAPTERS))
        before = sha256(path)
        out, _ = self.embed("--dry-run", path, chapters)
        plan = [line for line in out.splitlines() if line.startswith("CHAP ")]
        self.assertEqual(len(plan), 4, out)
        self.assertIn('"Intro", url, image link (', plan[0])
        self.assertIn('"No picture", url (', plan[1])
        self.assertIn('"Picture only", image link (', plan[2])
        self.assertEqual(sha256(path), before)

    def test_image_dir_embeds_the_file_a_picture_url_names(self):
        path = self.tmp.copy("cbr-v23.mp3")
        chapters = self.tmp.write("links.json", chapter_list(CHAPTERS))
        pics = os.path.join(self.tmp.path, "pics")
        os.mkdir(pics)
        with open(os.path.join(pics, "ep 1.jpg"), "wb") as f:  # ep%201.jpg decoded
            f.write(self.jpeg)
        # the list's own folder is not searched for URL pictures
        self.tmp.write("intro.jpg", self.jpeg)
        md5 = audio_md5(path)
        _, err = self.embed("--image-dir", pics, path, chapters)
        self.check_links(path, embedded=(2,))
        self.assertEqual(audio_md5(path), md5, "audio packets changed")
        self.assertIn(f"{chapters}:2: warning: 1 chapter picture given as a URL is", err)
        rc, dumped, derr = chaptag("dump", "--format", "json", path)
        self.assertEqual(rc, 0, derr)
        back = json.loads(dumped)["chapters"]
        self.assertEqual(back[0]["img"], CHAPTERS[0][3])  # still a link
        first = sha256(path)
        out, _ = self.embed("--image-dir", pics, path, chapters)
        self.assertIn("nothing written", out)
        self.assertEqual(sha256(path), first)
        # with the list's folder given too, both pictures are embedded
        self.embed("--image-dir", pics, "--image-dir", self.tmp.path, path, chapters)
        self.check_links(path, embedded=(0, 2))
        self.assertEqual(audio_md5(path), md5)

    def test_a_url_a_link_cannot_carry_is_refused_naming_its_line(self):
        path = self.tmp.copy("cbr-v23.mp3")
        before = sha256(path)
        cases = [
            ("https://cdn.example.com/caf\u00e9.jpg", "other than ASCII"),
            ("ftp://cdn.example.com/a.jpg", "not an http or https address"),
        ]
        for img, words in cases:
            with self.subTest(img=img):
                chapters = self.tmp.write("bad.json", chapter_list(
                    [(0, "Intro", None, None), (1, "Bad", None, img)]))
                rc, _, err = chaptag("embed", path, chapters)
                self.assertEqual(rc, 3, err)
                self.assertTrue(err.startswith(f"chaptag: {chapters}:3: "), err)
                self.assertIn(words, err)
                self.assertEqual(sha256(path), before)
        chapters = self.tmp.write("up.json", chapter_list(
            [(0, "Intro", None, "https://cdn.example.com/a/..%2F..%2Fsecret.jpg")]))
        rc, _, err = chaptag("embed", "--image-dir", self.tmp.path, path, chapters)
        self.assertEqual(rc, 3, err)
        self.assertTrue(err.startswith(f"chaptag: {chapters}:2: "), err)
        self.assertIn("names no file", err)
        self.assertEqual(sha256(path), before)


if __name__ == "__main__":
    ctcheck.main()
