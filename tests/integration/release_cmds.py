"""The release-pipeline commands: verify on files broken on purpose (each gives its finding and
exit status), strip on every container, Matroska/Opus/FLAC through libavformat, several files
per command, libavformat and TagLib never loaded on the MP3 and MP4 paths, and the native
standard tags cross-checked against TagLib's."""
import json
import os
import re
import struct
import subprocess
import unittest

from mutagen.id3 import ID3, CHAP, CTOC, TIT2, TLEN, CTOCFlags

import ctcheck
from ctcheck import (TempDir, audio_md5, chaptag, ffprobe_chapters, run, seed_chapters, sha256,
                     SEEDS)
from mp4_embed import Structure, boxes, child

SEED = os.path.join(SEEDS, "seed-000.txt")
TAGLIB_CHECK = os.environ.get("TAGLIB_CHECK", "build/tests/taglib_check")
OTHER = ["audio.mka", "audio.opus", "audio.flac"]


def findings(path, *opts):
    """(exit status, {code: severity}) of chaptag verify --format json."""
    rc, out, err = chaptag("verify", "--format", "json", *opts, path)
    doc = json.loads(out) if out.strip() else {"findings": []}
    return rc, {f["code"]: f["severity"] for f in doc["findings"]}, err


def chap(eid, start, end, title=None):
    subs = [TIT2(encoding=3, text=[title])] if title is not None else []
    return CHAP(element_id=eid, start_time=start, end_time=end, sub_frames=subs)


def toc(children, flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED):
    return CTOC(element_id="toc", flags=flags, child_element_ids=children,
                sub_frames=[TIT2(encoding=3, text=["Chapters"])])


class ReleaseCommands(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.close()

    def mp3_with(self, name, *frames):
        """A copy of the untagged fixture with a v2.3 tag holding FRAMES, written by mutagen."""
        path = self.tmp.copy("notag.mp3", name)
        tags = ID3()
        for f in frames:
            tags.add(f)
        tags.save(path, v2_version=3)
        return path

    def expect(self, path, code, severity, status, *opts):
        rc, found, err = findings(path, *opts)
        self.assertEqual(found.get(code), severity, f"{path}: {found} {err}")
        self.assertEqual(rc, status, f"{path}: {found}")

    def test_broken_mp3_tags_give_their_findings(self):
        two = [chap("a", 0, 60000, "One"), chap("b", 60000, 120000, "Two")]
        self.expect(self.mp3_with("no-ctoc.mp3", *two), "no-ctoc", "error", 1)
        self.expect(self.mp3_with("not-top.mp3", *two, toc(["a", "b"], CTOCFlags.ORDERED)),
                    "no-top-level-ctoc", "error", 1)
        unordered = self.mp3_with("unordered.mp3", *two, toc(["a", "b"], CTOCFlags.TOP_LEVEL))
        self.expect(unordered, "ctoc-not-ordered", "warning", 0)
        self.expect(unordered, "ctoc-not-ordered", "warning", 1, "--strict")
        untitled = self.mp3_with("untitled.mp3", chap("a", 0, 60000), chap("b", 60000, 90000, "B"),
                                 toc(["a", "b"]))
        self.expect(untitled, "untitled", "warning", 0)
        self.expect(untitled, "untitled", "warning", 1, "--strict")
        self.expect(self.mp3_with("hidden.mp3", *two, toc(["a"])), "chap-not-in-toc", "warning", 0)
        self.expect(self.mp3_with("late.mp3", chap("a", 0, 60000, "A"),
                                  chap("b", 5000000, 5100000, "After the end"), toc(["a", "b"])),
                    "past-end", "error", 1)
        self.expect(self.mp3_with("overlap.mp3", chap("a", 0, 90000, "A"), chap("b", 60000, 120000,
                                  "B"), toc(["a", "b"])), "overlap", "warning", 0)
        self.expect(self.mp3_with("tlen.mp3", *two, toc(["a", "b"]), TLEN(encoding=0, text=["1000"])),
                    "tlen-wrong", "warning", 0)

    def test_mp3_chapters_written_by_ffmpeg_show_its_traps(self):
        """FFmpeg 5.1 writes ID3v2.4 with plain CHAP sizes and a count byte that wraps."""
        meta = [";FFMETADATA1"]
        for i in range(300):
            title = ("A very long chapter title " * 8) if i == 0 else f"Chapter {i}"
            meta += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={i * 10000}",
                     f"END={(i + 1) * 10000}", f"title={title}"]
        ff = self.tmp.write("ff.txt", "\n".join(meta) + "\n")
        path = os.path.join(self.tmp.path, "ffmpeg.mp3")
        src = self.tmp.copy("notag.mp3", "src.mp3")
        run(["ffmpeg", "-nostdin", "-v", "error", "-i", src, "-i", ff, "-map", "0:a",
             "-map_chapters", "1", "-c", "copy", path], check=True)
        rc, found, _ = findings(path)
        self.assertEqual(rc, 1)
        self.assertEqual(found.get("v24-plain-size"), "error")
        self.assertEqual(found.get("v24-size-trap"), "error")
        self.assertEqual(found.get("ctoc-count-wrapped"), "error")
        # chaptag's own output of the same chapters is clean (a nested CTOC is only a note)
        rc, _, err = chaptag("embed", "-q", "-f", "ffmetadata", path, ff)
        self.assertEqual(rc, 0, err)
        rc, found, _ = findings(path)
        self.assertEqual(rc, 0, found)
        self.assertEqual(found.get("nested-ctoc"), "note")

    def mp4_chaptered(self, name, *opts):
        path = self.tmp.copy("aac-moov-last.m4a", name)
        rc, _, err = chaptag("embed", "-q", *opts, path, SEED)
        self.assertEqual(rc, 0, err)
        return path

    def patch(self, path, offset, data):
        with open(path, "r+b") as f:
            f.seek(offset)
            f.write(data)

    def test_broken_mp4_files_give_their_findings(self):
        self.expect(self.mp4_chaptered("qt.m4a", "--mp4-style", "qt"), "no-chpl", "warning", 0)
        self.expect(self.mp4_chaptered("nero.m4a", "--mp4-style", "nero"), "no-qt-track",
                    "warning", 0)
        self.expect(self.mp4_chaptered("last.m4a"), "moov-at-end", "note", 0)
        # chpl claiming fewer entries than the track
        path = self.mp4_chaptered("short.m4a")
        data = open(path, "rb").read()
        at = data.index(b"chpl")
        self.patch(path, at + 4 + 8, bytes([29]))
        self.expect(path, "chpl-short", "warning", 0)
        s = Structure(path)
        text = [t for t in s.tracks if t["handler"] == b"text"][0]
        audio = [t for t in s.tracks if t["handler"] == b"soun"][0]
        traks = [b for b in boxes(s.data, s.moov[1] + s.moov[3], s.moov[1] + s.moov[2])
                 if b[0] == b"trak"]

        def trak_of(track):
            for b in traks:
                tk = child(s.data, b, b"tkhd")
                body = s.data[tk[1] + tk[3]:tk[1] + tk[2]]
                if struct.unpack(">I", body[12:16])[0] == track["id"]:
                    return b
        # the chapter track enabled: players would show its titles as subtitles
        path2 = self.mp4_chaptered("enabled.m4a")
        tk = child(s.data, trak_of(text), b"tkhd")
        self.patch(path2, tk[1] + tk[3] + 3, bytes([s.data[tk[1] + tk[3] + 3] | 1]))
        self.expect(path2, "chapter-track-enabled", "warning", 0)
        # stts timing one sample more than stsz holds
        path3 = self.mp4_chaptered("stts.m4a")
        stbl = child(s.data, child(s.data, child(s.data, trak_of(text), b"mdia"), b"minf"), b"stbl")
        stts = child(s.data, stbl, b"stts")
        self.patch(path3, stts[1] + stts[3] + 8, struct.pack(">I", 2))
        self.expect(path3, "stts-mismatch", "error", 1)
        # a second tref in the audio track (its edts retyped: same size, same place)
        path4 = self.mp4_chaptered("tref.m4a")
        edts = child(s.data, trak_of(audio), b"edts")
        self.patch(path4, edts[1] + 4, b"tref")
        self.expect(path4, "second-tref", "error", 1)

    def test_verify_compares_with_the_chapter_file(self):
        path = self.tmp.copy("cbr-v23.mp3")
        chaptag("embed", "-q", path, SEED)
        rc, out, err = chaptag("verify", path, SEED)
        self.assertEqual(rc, 0, out + err)
        self.assertIn("carries exactly the expected chapters", out)
        with open(SEED, encoding="utf-8") as f:
            text = f.read()
        other = self.tmp.write("other.txt", text.replace("MLOps Definition", "MLOps Meaning"))
        rc, out, err = chaptag("verify", path, other)
        self.assertEqual(rc, 1)
        self.assertRegex(out, re.escape(other) + r":3: error: chapter 3 is titled")

    def test_other_containers_through_libavformat(self):
        want = seed_chapters("seed-000.txt")
        for fixture in OTHER:
            with self.subTest(fixture=fixture):
                path = self.tmp.copy(fixture)
                md5 = audio_md5(path)
                tags = self.format_tags(path)
                rc, out, err = chaptag("embed", path, SEED)
                self.assertEqual(rc, 0, err)
                self.assertEqual([(s, t) for s, _, t in ffprobe_chapters(path)], want)
                self.assertEqual(audio_md5(path), md5)
                self.assertEqual(self.format_tags(path), tags)
                rc, out, err = chaptag("verify", path, SEED)
                self.assertEqual(rc, 0, out + err)
                rc, out, err = chaptag("dump", path)
                self.assertEqual(rc, 0, err)
                self.assertIn("# title:", out)
                self.assertEqual(sum(1 for l in out.splitlines() if not l.startswith("#")), 30)

    def format_tags(self, path):
        _, out, _ = run(["ffprobe", "-v", "error", "-select_streams", "a", "-show_entries",
                         "format_tags:stream_tags", "-of", "json", path], check=True)
        doc = json.loads(out)
        tags = dict(doc.get("format", {}).get("tags", {}))
        for s in doc.get("streams", []):
            tags.update(s.get("tags", {}))
        return {k.lower(): v for k, v in tags.items()
                if not re.match(r"(?i)chapter\d+|encoder|duration", k)}

    def test_strip_leaves_no_chapters_in_any_container(self):
        for fixture in ["cbr-v23.mp3", "aac-faststart.m4a", "chaptered.m4b"] + OTHER:
            with self.subTest(fixture=fixture):
                path = self.tmp.copy(fixture)
                chaptag("embed", "-q", path, SEED)
                md5, tags = audio_md5(path), self.format_tags(path)
                rc, out, err = chaptag("strip", path)
                self.assertEqual(rc, 0, err)
                rc, out, err = chaptag("dump", path)
                self.assertIn("# chapters: 0", out)
                self.assertEqual(ffprobe_chapters(path), [])
                self.assertEqual(audio_md5(path), md5)
                self.assertEqual(self.format_tags(path), tags)
                rc, out, _ = chaptag("strip", path)
                self.assertIn("nothing written", out)

    def test_several_files_report_each_and_exit_with_the_worst(self):
        a, b = self.tmp.copy("cbr-v23.mp3"), self.tmp.copy("aac-faststart.m4a")
        missing = os.path.join(self.tmp.path, "missing.mp3")
        for path in (a, b):
            chaptag("embed", "-q", path, SEED)
        rc, out, err = chaptag("dump", a, missing, b)
        self.assertEqual(rc, 5)
        self.assertEqual(out.count("# chaptag dump of"), 2)
        self.assertIn("missing.mp3", err)
        rc, out, _ = chaptag("verify", a, b)
        self.assertEqual(rc, 0, out)
        self.assertEqual(len(re.findall(r": ok: 30 chapters", out)), 2)
        bare = self.tmp.copy("notag.mp3")
        rc, out, _ = chaptag("verify", a, bare)
        self.assertEqual(rc, 1)
        rc, out, err = chaptag("strip", a, b)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.count("chapters removed"), 2)

    def libraries_loaded(self, *args):
        env = dict(os.environ, LD_DEBUG="libs")
        p = subprocess.run([os.environ.get("CHAPTAG", "build/chaptag"), *args],
                           capture_output=True, text=True, env=env)
        return p.returncode, p.stderr

    def test_mp3_and_mp4_never_load_libavformat_or_taglib(self):
        for fixture in ("cbr-v23.mp3", "aac-faststart.m4a"):
            path = self.tmp.copy(fixture)
            for args in (["embed", path, SEED], ["dump", path], ["verify", path, SEED],
                         ["strip", path]):
                rc, log = self.libraries_loaded(*args)
                self.assertEqual(rc, 0, log[-500:])
                self.assertNotIn("libavformat", log, f"{args} loaded libavformat")
                self.assertNotIn("libtag_c", log, f"{args} loaded TagLib")
        rc, log = self.libraries_loaded("dump", self.tmp.copy("audio.mka"))
        self.assertIn("libavformat", log)

    def test_without_libavformat_the_native_paths_still_work(self):
        env = dict(os.environ, CHAPTAG_LIBAVFORMAT="/nonexistent/libavformat.so.59")
        bin_ = os.environ.get("CHAPTAG", "build/chaptag")
        p = subprocess.run([bin_, "dump", self.tmp.copy("audio.mka")], capture_output=True,
                           text=True, env=env)
        self.assertEqual(p.returncode, 4)
        self.assertIn("libavformat is not installed", p.stderr)
        path = self.tmp.copy("cbr-v23.mp3")
        p = subprocess.run([bin_, "embed", path, SEED], capture_output=True, text=True, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_unreadable_input_is_an_audio_error_with_libavformats_reason(self):
        path = self.tmp.write("broken.mka", b"\x1a\x45\xdf\xa3" + b"\x00" * 200)
        rc, _, err = chaptag("dump", path)
        self.assertEqual(rc, 4)
        self.assertIn("libavformat", err)

    def test_native_tags_agree_with_taglib(self):
        for fixture in ("cbr-v23.mp3", "vbr-v24.mp3", "aac-faststart.m4a", "id3v1.mp3"):
            with self.subTest(fixture=fixture):
                path = self.tmp.copy(fixture)
                _, out, _ = chaptag("dump", path)
                ours = dict(re.findall(r"^# (title|artist|album|year): (.*)$", out, re.M))
                self.assertTrue(ours, out)
                rc, theirs, err = run([TAGLIB_CHECK, path])
                self.assertEqual(rc, 0, err)
                theirs = dict(re.findall(r"^(\w+): (.*)$", theirs, re.M))
                for key, value in ours.items():
                    self.assertEqual(theirs.get(key), value, f"{key} in {fixture}")


if __name__ == "__main__":
    ctcheck.main()
