"""M4A, M4B and MP4 end to end: chaptag embed on AAC files made by ffmpeg, read back by
ffprobe (QuickTime chapter track) and mutagen (Nero chpl), structure checked by a box walker
written here; audio, iTunes tags and cover unchanged; moov stays where it was; embedding twice
byte-identical; re-embeds in place."""
import os
import struct
import unittest

import mutagen.mp4

import ctcheck
from ctcheck import (TempDir, audio_md5, chaptag, ffprobe_chapters, run, seed_chapters,
                     sha256, SEEDS, SEED_FILES)

FIXTURES = ["aac-faststart.m4a", "aac-moov-last.m4a", "chaptered.m4b"]
CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"udta", b"edts", b"dinf", b"tref"}


def boxes(data, start, end):
    """[(type, offset, size, header length)] of the boxes in data[start:end]."""
    out, pos = [], start
    while pos + 8 <= end:
        size, typ = struct.unpack(">I4s", data[pos:pos + 8])
        hl = 8
        if size == 1:
            size, hl = struct.unpack(">Q", data[pos + 8:pos + 16])[0], 16
        elif size == 0:
            size = end - pos
        if size < hl or pos + size > end:
            raise AssertionError(f"bad box {typ} at {pos}")
        out.append((typ, pos, size, hl))
        pos += size
    return out


def child(data, box, typ):
    _, off, size, hl = box
    for b in boxes(data, off + hl, off + size):
        if b[0] == typ:
            return b
    return None


def payload(data, box):
    _, off, size, hl = box
    return data[off + hl:off + size]


class Structure:
    """What the tests check in an MP4 file, read here without chaptag."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = data = f.read()
        self.top = boxes(data, 0, len(data))
        moovs = [b for b in self.top if b[0] == b"moov"]
        assert len(moovs) == 1, "exactly one moov"
        self.moov = moovs[0]
        mvhd = payload(data, child(data, self.moov, b"mvhd"))
        self.next_track_id = struct.unpack(">I", mvhd[-4:])[0]
        self.tracks = []
        for b in boxes(data, self.moov[1] + self.moov[3], self.moov[1] + self.moov[2]):
            if b[0] == b"trak":
                self.tracks.append(self.track(b))

    def track(self, trak):
        d = self.data
        tkhd = payload(d, child(d, trak, b"tkhd"))
        version, flags = tkhd[0], int.from_bytes(tkhd[1:4], "big")
        tid = struct.unpack(">I", tkhd[20:24] if version == 1 else tkhd[12:16])[0]
        mdia = child(d, trak, b"mdia")
        handler = payload(d, child(d, mdia, b"hdlr"))[8:12]
        trefs = [b for b in boxes(d, trak[1] + trak[3], trak[1] + trak[2]) if b[0] == b"tref"]
        chap = []
        for tref in trefs:
            for b in boxes(d, tref[1] + tref[3], tref[1] + tref[2]):
                if b[0] == b"chap":
                    p = payload(d, b)
                    chap += [struct.unpack(">I", p[i:i + 4])[0] for i in range(0, len(p), 4)]
        stbl = child(d, child(d, mdia, b"minf"), b"stbl")
        stts = payload(d, child(d, stbl, b"stts"))
        stsz = payload(d, child(d, stbl, b"stsz"))
        return {"id": tid, "flags": flags, "handler": handler, "trefs": len(trefs),
                "chap": chap, "stts_entries": struct.unpack(">I", stts[4:8])[0],
                "samples": struct.unpack(">I", stsz[8:12])[0]}

    def moov_before_mdat(self):
        mdats = [b for b in self.top if b[0] == b"mdat"]
        biggest = max(mdats, key=lambda b: b[2])
        return self.moov[1] < biggest[1]


def itunes_tags(path):
    tags = mutagen.mp4.MP4(path).tags or {}
    return {k: [bytes(x) if isinstance(x, mutagen.mp4.MP4Cover) else x for x in v]
            for k, v in tags.items()}


def nero_chapters(path):
    chapters = mutagen.mp4.MP4(path).chapters
    return [(round(c.start * 1000), c.title) for c in chapters] if chapters else []


class Mp4Embed(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.close()

    def embed(self, path, chapters, *opts):
        rc, out, err = chaptag("embed", *opts, path, chapters)
        self.assertEqual(rc, 0, f"embed {path} {chapters}: {err}")
        return out, err

    def check_structure(self, path, n_samples, qt=True):
        s = Structure(path)
        audio = [t for t in s.tracks if t["handler"] == b"soun"][0]
        self.assertLessEqual(audio["trefs"], 1, "a second tref in the audio track")
        chapter = [t for t in s.tracks if t["handler"] == b"text"]
        self.assertEqual(len(chapter), 1 if qt else 0)
        self.assertGreater(s.next_track_id, max(t["id"] for t in s.tracks))
        if qt:
            self.assertEqual(audio["chap"], [chapter[0]["id"]])
            self.assertEqual(chapter[0]["flags"] & 1, 0, "the chapter track is enabled")
            self.assertEqual(chapter[0]["samples"], n_samples)
            self.assertEqual(chapter[0]["stts_entries"], n_samples)
        return s

    def test_every_fixture_with_every_seed(self):
        for fixture in FIXTURES:
            for seed in SEED_FILES:
                with self.subTest(fixture=fixture, seed=seed):
                    self.one_fixture(fixture, os.path.join(SEEDS, seed), seed_chapters(seed))

    def one_fixture(self, fixture, seed, want):
        path = self.tmp.copy(fixture)
        md5, tags = audio_md5(path), itunes_tags(path)
        before = Structure(path).moov_before_mdat()
        self.embed(path, seed)
        filler = [(0, "")] if want[0][0] > 0 else []
        self.assertEqual([(s, t) for s, _, t in ffprobe_chapters(path)], filler + want)
        self.assertEqual(nero_chapters(path), want)
        rc, out, err = run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "null", "-"])
        self.assertEqual((rc, out, err), (0, "", ""))
        self.assertEqual(audio_md5(path), md5)
        self.assertEqual(itunes_tags(path), tags)
        s = self.check_structure(path, len(want) + len(filler))
        self.assertEqual(s.moov_before_mdat(), before, "moov moved across mdat")
        first = sha256(path)
        out, _ = self.embed(path, seed)
        self.assertEqual(sha256(path), first)
        self.assertIn("nothing written", out)
        rc, out, err = chaptag("dump", path)
        self.assertEqual(rc, 0, err)
        self.assertIn("QuickTime chapter track (%d) + Nero chpl (%d)" % (len(want), len(want)), out)
        self.assertNotIn("warning", err)

    def test_a_second_embed_is_done_in_place(self):
        for fixture in FIXTURES:
            with self.subTest(fixture=fixture):
                path = self.tmp.copy(fixture)
                seed = os.path.join(SEEDS, "seed-000.txt")
                self.embed(path, seed)
                with open(seed, encoding="utf-8") as f:
                    text = f.read()
                other = self.tmp.write("other.txt", text.replace("Episode Introduction",
                                                                 "Episode Opening Part"))
                inode, md5 = os.stat(path).st_ino, audio_md5(path)
                out, _ = self.embed(path, other)
                self.assertIn("in place", out)
                self.assertEqual(os.stat(path).st_ino, inode)
                self.assertEqual(audio_md5(path), md5)
                self.assertEqual(ffprobe_chapters(path)[1][2],
                                 "Episode Opening Part: MLOps & ML platform conversation with Simon")
                self.assertEqual(nero_chapters(path)[0][1],
                                 "Episode Opening Part: MLOps & ML platform conversation with Simon")

    def test_300_chapters_fill_the_track_and_leave_chpl_out(self):
        path = self.tmp.copy("aac-faststart.m4a")
        lines = [f"{i // 60:02d}:{i % 60:02d} Chapter {i // 12 + 1}" for i in range(0, 3600, 12)]
        chapters = self.tmp.write("many.txt", "\n".join(lines) + "\n")
        _, err = self.embed(path, chapters)
        self.assertIn("chpl", err)
        self.assertIn("warning", err)
        self.assertEqual(len(ffprobe_chapters(path)), 300)
        self.assertEqual(nero_chapters(path), [])
        self.check_structure(path, 300)

    def test_mp4_style_writes_one_flavour(self):
        seed = os.path.join(SEEDS, "seed-004.txt")
        want = seed_chapters("seed-004.txt")
        path = self.tmp.copy("aac-faststart.m4a", "qt.m4a")
        self.embed(path, seed, "--mp4-style", "qt")
        self.assertEqual(nero_chapters(path), [])
        self.assertEqual([(s, t) for s, _, t in ffprobe_chapters(path)], want)
        path = self.tmp.copy("aac-faststart.m4a", "nero.m4a")
        self.embed(path, seed, "--mp4-style", "nero")
        self.assertEqual(nero_chapters(path), want)
        self.check_structure(path, 0, qt=False)

    def test_dump_says_when_the_flavours_disagree(self):
        path = self.tmp.copy("chaptered.m4b")
        with open(path, "r+b") as f:
            data = f.read()
            at = data.index(b"Old chapter two", data.index(b"chpl"))
            f.seek(at)
            f.write(b"New")
        rc, out, err = chaptag("dump", path)
        self.assertEqual(rc, 0, err)
        self.assertIn("QuickTime chapter track (3) + Nero chpl (3)", out)
        self.assertIn("warning: chapter 2 is", err)

    def test_strip_removes_both_flavours_and_keeps_the_rest(self):
        for fixture in FIXTURES:
            with self.subTest(fixture=fixture):
                path = self.tmp.copy(fixture)
                self.embed(path, os.path.join(SEEDS, "seed-000.txt"))
                md5, tags = audio_md5(path), itunes_tags(path)
                rc, out, err = chaptag("strip", path)
                self.assertEqual(rc, 0, err)
                self.assertEqual(ffprobe_chapters(path), [])
                self.assertEqual(nero_chapters(path), [])
                self.assertEqual(audio_md5(path), md5)
                self.assertEqual(itunes_tags(path), tags)
                self.check_structure(path, 0, qt=False)

    def test_dry_run_touches_nothing(self):
        path = self.tmp.copy("aac-moov-last.m4a")
        before = sha256(path)
        out, _ = self.embed(path, os.path.join(SEEDS, "seed-000.txt"), "--dry-run")
        self.assertEqual(sha256(path), before)
        self.assertIn("QuickTime chapter track", out)
        self.assertIn("nothing written", out)


if __name__ == "__main__":
    ctcheck.main()
