"""Round trips that lose nothing or say so: chapters with links (and, in MP3, a hidden chapter
and a linked picture) embedded into every native container, dumped as text, JSON and PSC,
edited and embedded back. A dump that notes nothing embeds back to the identical file; a dump
in a format that cannot carry something names what and the format that keeps it, in its '#'
header and on standard error."""
import json
import os
import re
import unittest

from mutagen.id3 import ID3

import ctcheck
from ctcheck import TempDir, audio_md5, chaptag, sha256

# (fixture, what its container keeps besides starts and titles)
CONTAINERS = [("cbr-v23.mp3", "links hidden picture-links"), ("vbr-v24.mp3", "links hidden picture-links"),
              ("aac-faststart.m4a", "links"), ("chaptered.m4b", "links"),
              ("audio.flac", "links"), ("audio.opus", "links")]


def chapter_list(keeps):
    """A Podcasting 2.0 list using what a container keeps: links with query strings and
    non-ASCII titles everywhere, a hidden chapter and a picture URL where they are kept."""
    chapters = [
        {"startTime": 0, "title": "Intro – Ünïcode", "url": "https://example.com/intro?a=1&b=2"},
        {"startTime": 0.4, "title": "No link here"},
        {"startTime": 0.75, "title": "Sponsor <not a link>", "url": "http://shop.example/x_y-z"},
        {"startTime": 1.2, "title": "Last", "url": "https://example.org/"},
    ]
    if "hidden" in keeps:
        chapters.insert(2, {"startTime": 0.6, "title": "Marker", "toc": False})
    if "picture-links" in keeps:
        chapters[0]["img"] = "https://cdn.example/art/intro.jpg"
    return {"version": "1.2.0", "chapters": chapters}


def header_notes(text):
    return [line[len("# not kept: "):] for line in text.splitlines()
            if line.startswith("# not kept: ")]


class LinksRoundTrip(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.close()

    def embedded(self, fixture, keeps):
        doc = chapter_list(keeps)
        src = self.tmp.write("list.json", json.dumps(doc, ensure_ascii=False))
        path = self.tmp.copy(fixture, "a-" + fixture)
        rc, _, err = chaptag("embed", path, src)
        self.assertEqual(rc, 0, err)
        return path, doc

    def test_a_dump_without_notes_embeds_back_to_the_identical_file(self):
        for fixture, keeps in CONTAINERS:
            for fmt in ("text", "json", "psc"):
                with self.subTest(fixture=fixture, format=fmt):
                    path, doc = self.embedded(fixture, keeps)
                    before = sha256(path)
                    rc, out, err = chaptag("dump", "--format", fmt, path)
                    self.assertEqual(rc, 0, err)
                    noted = "keeps no" in err or "no chapter format holds" in err
                    if fmt == "text":
                        self.assertEqual(bool(header_notes(out)), noted, out)
                    # text and psc cannot hold a hidden chapter; only that may be noted
                    lossy = fmt != "json" and "hidden" in keeps
                    self.assertEqual(noted, lossy, err)
                    if noted:
                        self.assertIn("hidden chapters", err)
                        self.assertIn("json keeps them", err)
                        continue
                    dumped = self.tmp.write("dumped." + fmt, out)
                    rc, said, err = chaptag("embed", path, dumped)
                    self.assertEqual(rc, 0, err)
                    self.assertIn("nothing written", said)
                    self.assertEqual(sha256(path), before)
                    # and the links really are in the file, read back as JSON
                    rc, out, err = chaptag("dump", "--format", "json", path)
                    got = [c.get("url") for c in json.loads(out)["chapters"]]
                    self.assertEqual(got, [c.get("url") for c in doc["chapters"]])

    def test_fixing_a_typo_in_the_text_dump_keeps_every_link(self):
        for fixture, keeps in CONTAINERS:
            if "hidden" in keeps:
                continue  # text says it loses the hidden chapter: covered above
            with self.subTest(fixture=fixture):
                path, doc = self.embedded(fixture, keeps)
                md5 = audio_md5(path)
                rc, out, err = chaptag("dump", path)
                self.assertEqual(rc, 0, err)
                self.assertIn("Intro – Ünïcode <https://example.com/intro?a=1&b=2>", out)
                self.assertIn("Sponsor <not a link> <http://shop.example/x_y-z>", out)
                fixed = self.tmp.write("fixed.txt", out.replace("No link here", "No link, here"))
                rc, _, err = chaptag("embed", path, fixed)
                self.assertEqual(rc, 0, err)
                self.assertEqual(err, "")
                rc, out, err = chaptag("dump", "--format", "json", path)
                back = json.loads(out)["chapters"]
                self.assertEqual([c.get("url") for c in back], [c.get("url") for c in doc["chapters"]])
                self.assertEqual(back[1]["title"], "No link, here")
                self.assertEqual(audio_md5(path), md5)

    def test_mp3_links_survive_a_text_edit_as_mutagen_reads_them(self):
        path, doc = self.embedded("cbr-v23.mp3", "links")
        rc, out, _ = chaptag("dump", path)
        out = out.replace("Last <", "Last one <")
        rc, _, err = chaptag("embed", path, self.tmp.write("e.txt", out))
        self.assertEqual(rc, 0, err)
        urls = {c.sub_frames["TIT2"].text[0]: c.sub_frames.getall("WXXX")[0].url
                for c in ID3(path).getall("CHAP") if c.sub_frames.getall("WXXX")}
        self.assertEqual(urls, {"Intro – Ünïcode": "https://example.com/intro?a=1&b=2",
                                "Sponsor <not a link>": "http://shop.example/x_y-z",
                                "Last one": "https://example.org/"})

    def test_a_format_without_room_says_what_it_drops_and_where_it_is_kept(self):
        path, _ = self.embedded("cbr-v23.mp3", "links hidden picture-links")
        for fmt, lost in (("cue", ["links", "images", "hidden chapters"]),
                          ("mp4chaps", ["links", "images", "hidden chapters"]),
                          ("ogm", ["images", "hidden chapters"]),
                          ("text", ["images", "hidden chapters"])):
            with self.subTest(format=fmt):
                rc, out, err = chaptag("dump", "--format", fmt, path)
                self.assertEqual(rc, 0, err)
                for what in lost:
                    self.assertRegex(err, rf"{fmt} keeps no {what}[^\n]*\((json|text) keeps them\)")
                if fmt == "text":
                    self.assertEqual(len(header_notes(out)), len(lost))

    def test_embed_says_once_what_a_container_cannot_hold(self):
        doc = chapter_list("links hidden picture-links")
        src = self.tmp.write("list.json", json.dumps(doc))
        for fixture, dropped in (("aac-faststart.m4a", ["picture given as a URL"]),
                                 ("audio.flac", ["picture given as a URL"])):
            with self.subTest(fixture=fixture):
                path = self.tmp.copy(fixture)
                rc, _, err = chaptag("embed", path, src)
                self.assertEqual(rc, 0, err)
                for what in dropped:
                    self.assertEqual(len(re.findall(what + r"[^\n]*not written", err)), 1, err)
                self.assertIn("list.json:", err)


if __name__ == "__main__":
    ctcheck.main()
