"""MP3 end to end: chaptag embed then dump on real files made by ffmpeg, read back by
ffprobe, mutagen and libid3tag; audio, other frames and trailing tags unchanged; embedding
twice byte-identical; in-place re-embeds; every bad input rejected with the file untouched."""
import json
import os
import re
import struct
import sys
import unittest

from mutagen.id3 import ID3, CTOCFlags

import ctcheck
from ctcheck import (TempDir, audio_md5, chaptag, ffprobe_chapters, ffprobe_duration_ms,
                     id3tag_frames, seed_chapters, sha256, SEEDS, SEED_FILES)

FIXTURES = ["cbr-v23.mp3", "vbr-v24.mp3", "notag.mp3", "id3v1.mp3", "chaptered.mp3"]
OWNED = ("CHAP", "CTOC", "TLEN")
FRAME_MS = 72  # one MPEG-2.5 layer III frame at 8 kHz: the fixtures' granularity


def raw_frames(path):
    """[(id, flags, body)] of the first ID3v2.3/2.4 tag, read here byte by byte (the
    fixtures use no unsynchronisation and no extended header)."""
    with open(path, "rb") as f:
        head = f.read(10)
        if head[:3] != b"ID3":
            return []
        size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
        body = f.read(size)
    frames, pos = [], 0
    while pos + 10 <= len(body) and body[pos] != 0:
        fid = body[pos:pos + 4].decode("latin-1")
        raw = body[pos + 4:pos + 8]
        n = struct.unpack(">I", raw)[0]
        if head[3] == 4:
            n = (raw[0] << 21) | (raw[1] << 14) | (raw[2] << 7) | raw[3]
        frames.append((fid, body[pos + 8:pos + 10], body[pos + 10:pos + 10 + n]))
        pos += 10 + n
    return frames


def kept_frames(path):
    """Frames chaptag does not own, by content, as mutagen reads them. A v2.4 date comes back
    from v2.3's TYER/TDAT/TIME with ":00" seconds added by mutagen's merge: same content."""
    try:
        tags = ID3(path)
    except Exception:
        return {}
    out = {}
    for key, frame in tags.items():
        if frame.FrameID in OWNED:
            continue
        out[key] = frame.pprint()
        if frame.FrameID == "TDRC":
            out[key] = re.sub(r"(\d\d:\d\d):00$", r"\1", out[key])
    return out


def trailer(path):
    """The bytes after the audio that are trailing tags (APEv2 + ID3v1), if any."""
    with open(path, "rb") as f:
        data = f.read()
    at = data.rfind(b"APETAGEX", max(0, len(data) - 4096))
    if at < 0:
        return data[-128:] if data[-128:-125] == b"TAG" else b""
    size = struct.unpack("<I", data[at + 12:at + 16])[0]
    flags = struct.unpack("<I", data[at + 20:at + 24])[0]
    start = at + 32 - size - (32 if flags & 0x80000000 else 0)
    return data[start:]


class Mp3Embed(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.close()

    def embed(self, path, chapters, *opts, expect=0):
        rc, out, err = chaptag("embed", *opts, path, chapters)
        self.assertEqual(rc, expect, f"embed {path} {chapters}: {err}")
        return out, err

    def check_readers(self, path, want, version=3):
        """ffprobe, mutagen and libid3tag all read back WANT [(start_ms, title)]."""
        probe = ffprobe_chapters(path)
        self.assertEqual([(s, t) for s, _, t in probe], want)
        tags = ID3(path)
        self.assertEqual(tags.version[:2], (2, version))
        chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
        self.assertEqual([(c.start_time, c.sub_frames["TIT2"].text[0]) for c in chaps], want)
        for c in chaps:  # TIT2 first in every CHAP, no byte offsets
            self.assertEqual(list(c.sub_frames.keys())[0], "TIT2")
            self.assertEqual((c.start_offset, c.end_offset), (0xFFFFFFFF, 0xFFFFFFFF))
        ends = [c.end_time for c in chaps]
        self.assertEqual(ends[:-1], [c.start_time for c in chaps[1:]])
        tocs = tags.getall("CTOC")
        self.assertEqual(len(tocs), 1)
        toc = tocs[0]
        self.assertTrue(toc.flags & CTOCFlags.TOP_LEVEL)
        self.assertTrue(toc.flags & CTOCFlags.ORDERED)
        self.assertEqual(toc.child_element_ids, [c.element_id for c in chaps])
        self.assertEqual(toc.sub_frames["TIT2"].text[0], "Chapters")
        self.assertIn("TLEN", tags)
        ids = id3tag_frames(path)
        self.assertEqual(ids.count("CHAP"), len(want))
        self.assertEqual(ids.count("CTOC"), 1)

    def test_every_fixture_with_every_seed(self):
        for fixture in FIXTURES:
            for seed in SEED_FILES:
                with self.subTest(fixture=fixture, seed=seed):
                    self.one_fixture(fixture, os.path.join(SEEDS, seed), seed_chapters(seed))

    def one_fixture(self, fixture, seed, want):
        path = self.tmp.copy(fixture)
        md5, kept, tail = audio_md5(path), kept_frames(path), trailer(path)
        raw_before = [f for f in raw_frames(path) if f[0] not in OWNED]
        self.embed(path, seed)
        self.check_readers(path, want)
        self.assertEqual(audio_md5(path), md5, "audio packets changed")
        self.assertEqual(trailer(path), tail, "trailing tags changed")
        self.assertEqual(kept_frames(path), kept, "other frames changed")
        if fixture in ("cbr-v23.mp3", "id3v1.mp3"):  # same version: byte for byte
            raw_after = [f for f in raw_frames(path) if f[0] not in OWNED]
            self.assertEqual(raw_after, raw_before)
        first = sha256(path)
        out, _ = self.embed(path, seed)
        self.assertEqual(sha256(path), first, "second embed changed the file")
        self.assertIn("nothing written", out)
        rc, out, err = chaptag("dump", path)
        self.assertEqual(rc, 0, err)
        dumped = [line for line in out.splitlines() if line and not line.startswith("#")]
        self.assertEqual(len(dumped), len(want))
        self.assertTrue(dumped[0].endswith(want[0][1]))

    def test_duration_agrees_with_libavformat(self):
        for fixture in FIXTURES:
            with self.subTest(fixture=fixture):
                path = self.tmp.copy(fixture)
                rc, out, err = chaptag("dump", path)
                self.assertEqual(rc, 0, err)
                m = re.search(r"^# duration: (\d+):(\d\d):(\d\d)(?:\.(\d{3}))?", out, re.M)
                self.assertIsNotNone(m, out)
                h, mi, s, ms = m.groups()
                ours = ((int(h) * 60 + int(mi)) * 60 + int(s)) * 1000 + int(ms or 0)
                self.assertLessEqual(abs(ours - ffprobe_duration_ms(path)), 3 * FRAME_MS)

    def test_a_list_of_the_same_size_is_embedded_in_place(self):
        path = self.tmp.copy("notag.mp3")  # no tag: the first embed must rewrite
        seed = os.path.join(SEEDS, "seed-000.txt")
        out, _ = self.embed(path, seed)
        self.assertIn("file rewritten", out)
        with open(seed, encoding="utf-8") as f:
            text = f.read()
        other = self.tmp.write("other.txt", text.replace("Episode Introduction",
                                                         "Episode Opening Part"))
        inode, size, md5 = os.stat(path).st_ino, os.path.getsize(path), audio_md5(path)
        out, _ = self.embed(path, other)
        self.assertIn("in place", out)
        self.assertEqual(os.stat(path).st_ino, inode, "the file was replaced, not edited")
        self.assertEqual(os.path.getsize(path), size)
        self.assertEqual(audio_md5(path), md5)
        self.assertEqual(ffprobe_chapters(path)[0][2],
                         "Episode Opening Part: MLOps & ML platform conversation with Simon")
        # a longer list still fits the padding the first rewrite left
        longer = self.tmp.write("longer.txt", text + "\n01:00:30 One more chapter at the end")
        out, _ = self.embed(path, longer)
        self.assertIn("in place", out)
        self.assertEqual(len(ffprobe_chapters(path)), 31)

    def test_bad_input_is_rejected_naming_the_line_and_the_file_is_untouched(self):
        cases = [
            ("no-time.txt", "00:00:00 Intro\nJust some words\n", 2, "no time"),
            ("bad-minutes.txt", "00:00:00 Intro\n00:61:00 Later\n", 2, "00:61:00"),
            ("duplicate.txt", "00:00:00 Intro\n00:05:00 A\n00:05:00 B\n", 3, "line 2"),
            ("backwards.txt", "00:00:00 Intro\n00:10:00 A\n00:05:00 B\n", 3, "line 2"),
            ("past-end.txt", "00:00:00 Intro\n01:10:00 After the end\n", 2, "end of the audio"),
            ("empty.txt", "", None, ""),
            ("comments-only.txt", "# nothing here\n\n", None, ""),
        ]
        path = self.tmp.copy("cbr-v23.mp3")
        before = sha256(path)
        for name, text, line, words in cases:
            with self.subTest(case=name):
                chapters = self.tmp.write(name, text)
                rc, _, err = chaptag("embed", path, chapters)
                self.assertEqual(rc, 3, err)
                prefix = f"chaptag: {chapters}:{line}: " if line else f"chaptag: {chapters}"
                self.assertTrue(err.startswith(prefix), err)
                self.assertIn(words, err)
                self.assertEqual(sha256(path), before)

    def test_bad_audio_and_usage_have_their_exit_statuses(self):
        seed = os.path.join(SEEDS, "seed-000.txt")
        text = self.tmp.write("not-audio.mp3", "just text, not audio\n" * 100)
        rc, _, err = chaptag("embed", text, seed)
        self.assertEqual(rc, 4, err)
        self.assertIn("not-audio.mp3", err)
        rc, _, err = chaptag("embed", os.path.join(self.tmp.path, "missing.mp3"), seed)
        self.assertEqual(rc, 5, err)
        rc, _, err = chaptag("embed", "--id3v2-version", "5", text, seed)
        self.assertEqual(rc, 2, err)
        # one AUDIO alone is a batch of one: its list is looked for beside it
        rc, _, err = chaptag("embed", text)
        self.assertEqual(rc, 3, err)
        self.assertIn("no chapter list", err)
        rc, _, err = chaptag("embed")
        self.assertEqual(rc, 2, err)

    def test_seed_004_is_repaired_with_a_warning_naming_line_25(self):
        path = self.tmp.copy("notag.mp3")
        seed = os.path.join(SEEDS, "seed-004.txt")
        _, err = self.embed(path, seed)
        self.assertRegex(err, r"seed-004\.txt:25: warning: .*")
        titles = [t for _, _, t in ffprobe_chapters(path)]
        self.assertIn("Non\u2011Technical Transitions: Feasibility of moving into ML product roles",
                      titles)

    def test_id3v2_4_output_has_sync_safe_sizes_and_reads_back_in_mutagen(self):
        path = self.tmp.copy("cbr-v23.mp3")
        seed = os.path.join(SEEDS, "seed-000.txt")
        _, err = self.embed(path, seed, "--id3v2-version", "4")
        self.assertIn("128 bytes", err)  # the size trap is named
        tags = ID3(path)
        self.assertEqual(tags.version[:2], (2, 4))
        chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
        self.assertEqual([(c.start_time, c.sub_frames["TIT2"].text[0]) for c in chaps],
                         seed_chapters("seed-000.txt"))
        for fid, _, body in raw_frames(path):  # every size byte sync-safe
            self.assertTrue(len(body) < (1 << 28))
        with open(path, "rb") as f:
            data = f.read(4096 * 4)
        pos = data.find(b"CHAP")
        self.assertTrue(all(b < 0x80 for b in data[pos + 4:pos + 8]))
        self.assertEqual(id3tag_frames(path).count("CHAP"), 30)

    def test_more_than_255_chapters_make_a_nested_toc(self):
        path = self.tmp.copy("notag.mp3")
        lines = [f"{i // 60:02d}:{i % 60:02d} Chapter {i + 1}" for i in range(0, 300 * 12, 12)]
        chapters = self.tmp.write("many.txt", "\n".join(lines) + "\n")
        self.embed(path, chapters)
        tags = ID3(path)
        tocs = {t.element_id: t for t in tags.getall("CTOC")}
        top = [t for t in tocs.values() if t.flags & CTOCFlags.TOP_LEVEL]
        self.assertEqual(len(top), 1)
        reached = []

        def walk(toc):
            self.assertLessEqual(len(toc.child_element_ids), 255)
            for child in toc.child_element_ids:
                if child in tocs:
                    walk(tocs[child])
                else:
                    reached.append(child)
        walk(top[0])
        chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
        self.assertEqual(reached, [c.element_id for c in chaps])
        self.assertEqual(len(chaps), 300)
        self.assertEqual(len(ffprobe_chapters(path)), 300)

    def test_dry_run_prints_the_frames_and_touches_nothing(self):
        path = self.tmp.copy("vbr-v24.mp3")
        before = sha256(path)
        out, _ = self.embed(path, os.path.join(SEEDS, "seed-000.txt"), "--dry-run")
        self.assertEqual(sha256(path), before)
        self.assertIn("CTOC", out)
        self.assertEqual(out.count("CHAP chp"), 30)
        self.assertIn("nothing written", out)

    def test_output_option_leaves_the_input_untouched(self):
        path = self.tmp.copy("cbr-v23.mp3")
        before = sha256(path)
        out_path = os.path.join(self.tmp.path, "out.mp3")
        self.embed(path, os.path.join(SEEDS, "seed-004.txt"), "-o", out_path)
        self.assertEqual(sha256(path), before)
        self.check_readers(out_path, seed_chapters("seed-004.txt"))

    def test_file_mode_is_kept_and_a_symlink_stays_a_link(self):
        path = self.tmp.copy("cbr-v23.mp3")
        os.chmod(path, 0o640)
        link = os.path.join(self.tmp.path, "link.mp3")
        os.symlink(path, link)
        self.embed(link, os.path.join(SEEDS, "seed-000.txt"))
        self.assertTrue(os.path.islink(link))
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o640)
        self.assertEqual(len(ffprobe_chapters(path)), 30)
        leftovers = [n for n in os.listdir(self.tmp.path) if "chaptag-tmp" in n]
        self.assertEqual(leftovers, [])

    def test_chapters_from_standard_input(self):
        path = self.tmp.copy("notag.mp3")
        rc, _, err = chaptag("embed", path, "-", stdin="00:00:00 Intro\n00:10:00 Main\n")
        self.assertEqual(rc, 0, err)
        self.assertEqual([t for _, _, t in ffprobe_chapters(path)], ["Intro", "Main"])

    def test_dump_json_gives_podcasting_2_chapters(self):
        path = self.tmp.copy("cbr-v23.mp3")
        self.embed(path, os.path.join(SEEDS, "seed-000.txt"))
        rc, out, err = chaptag("dump", "--format", "json", path)
        self.assertEqual(rc, 0, err)
        doc = json.loads(out)
        self.assertEqual(doc["version"], "1.2.0")
        want = seed_chapters("seed-000.txt")
        self.assertEqual([(round(c["startTime"] * 1000), c["title"]) for c in doc["chapters"]],
                         want)
        self.assertEqual(doc["chapters"][0]["endTime"], 120)

    def test_dump_text_is_a_chapter_file_embed_reads(self):
        path = self.tmp.copy("cbr-v23.mp3")
        self.embed(path, os.path.join(SEEDS, "seed-004.txt"))
        rc, out, err = chaptag("dump", path)
        self.assertEqual(rc, 0, err)
        dumped = self.tmp.write("dumped.txt", out)
        other = self.tmp.copy("notag.mp3", "other.mp3")
        self.embed(other, dumped)
        self.assertEqual([(s, t) for s, _, t in ffprobe_chapters(other)],
                         seed_chapters("seed-004.txt"))


if __name__ == "__main__":
    ctcheck.main()
