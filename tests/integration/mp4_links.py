"""MP4 chapter links and the chapter track's layout, end to end: each chapter's url goes into
its QuickTime text sample as an href box (checked here by a box walker of our own that reads
every sample through tref/chap, stsz, stsc and stco/co64), one sample per chunk, which
music-metadata (npm) needs to read any chapter; ffprobe and ffmpeg still read the file, the
audio is unchanged, and strip removes the links with the track. In a faststart file whose
audio mdat is the last box the titles go at that mdat's end, since music-metadata fails on an
mdat after the one that holds them."""
import json
import os
import shutil
import struct
import unittest

import ctcheck
from ctcheck import TempDir, audio_md5, chaptag, ffprobe_chapters, run

FIXTURES = ["aac-faststart.m4a", "chaptered.m4b"]
# music-metadata 11 reads the chapter samples at each mdat after moov and fails at any mdat
# after the one that holds them: chaptag puts them in the last mdat, the audio's own end in a
# faststart file, an mdat of their own after moov when moov is last
MM_FIXTURES = ["aac-faststart.m4a", "aac-moov-last.m4a", "chaptered.m4b"]
SRC = os.environ.get("SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
MM_MODULE = os.path.join(SRC, "tools", "node", "node_modules", "music-metadata")
MM_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mm_chapters.mjs")
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

CHAPTERS = [  # (start_ms, title, url or None)
    (0, "Intro", "https://example.com/intro"),
    (1500, "Café – Straße 日本語", "https://example.com/caf%C3%A9?x=1&y=2"),
    (3000, "Ende ohne Link", None),
    (4000, "Ünïcödé 🎙 last", "http://example.org/ü"),
]
LONGER = [  # the same chapters with longer titles: too long for the old titles' place
    (start, title + " — " + " ".join(["and a much longer title this time"] * 4), url)
    for start, title, url in CHAPTERS
]


def chapters_json(chapters):
    out = []
    for start, title, url in chapters:
        c = {"startTime": start / 1000, "title": title}
        if url:
            c["url"] = url
        out.append(c)
    return json.dumps({"version": "1.2.0", "chapters": out}, ensure_ascii=False)


def boxes(data, start, end):
    """[(type, payload start, payload end)] of the boxes in data[start:end]."""
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
        out.append((typ, pos + hl, pos + size))
        pos += size
    return out


def child(data, box, path):
    """The box at PATH ("mdia/minf/stbl") under BOX, or None."""
    for name in path.split("/"):
        found = [b for b in boxes(data, box[1], box[2]) if b[0] == name.encode()]
        if not found:
            return None
        box = found[0]
    return box


def full(data, box):
    """The payload of full box BOX past its version and flags."""
    return data[box[1] + 4:box[2]]


class ChapterTrack:
    """The chapter text track of an MP4 file, read here without chaptag: the track the audio
    track's tref/chap names, its sample tables, and every sample split into text and boxes."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = d = f.read()
        moov = [b for b in boxes(d, 0, len(d)) if b[0] == b"moov"][0]
        traks = {}
        for b in boxes(d, moov[1], moov[2]):
            if b[0] == b"trak":
                tkhd = d[child(d, b, "tkhd")[1]:]
                traks[struct.unpack(">I", tkhd[20:24] if tkhd[0] == 1 else tkhd[12:16])[0]] = b
        self.trak = None
        for b in traks.values():
            hdlr = child(d, b, "mdia/hdlr")
            chap = child(d, b, "tref/chap")
            if d[hdlr[1] + 8:hdlr[1] + 12] == b"soun" and chap is not None:
                ids = struct.unpack(f">{(chap[2] - chap[1]) // 4}I", d[chap[1]:chap[2]])
                self.trak = traks[ids[0]]
        if self.trak is None:
            return
        stbl = child(d, self.trak, "mdia/minf/stbl")
        stsz, stsc = full(d, child(d, stbl, "stsz")), full(d, child(d, stbl, "stsc"))
        co = child(d, stbl, "stco")
        wide = co is None
        co = full(d, co or child(d, stbl, "co64"))
        fixed, count = struct.unpack(">II", stsz[:8])
        self.sizes = [fixed] * count if fixed else list(struct.unpack(f">{count}I", stsz[8:8 + 4 * count]))
        n = struct.unpack(">I", stsc[:4])[0]
        self.stsc = [struct.unpack(">III", stsc[4 + 12 * i:16 + 12 * i]) for i in range(n)]
        n = struct.unpack(">I", co[:4])[0]
        self.chunks = list(struct.unpack(f">{n}{'Q' if wide else 'I'}", co[4:4 + n * (8 if wide else 4)]))
        self.offsets = self.sample_offsets()

    def sample_offsets(self):
        """Where each sample lies, through stsc (runs of chunks) and the chunk offsets."""
        out, k = [], 0
        for c, chunk_off in enumerate(self.chunks, start=1):
            per = [e[1] for e in self.stsc if e[0] <= c][-1]
            pos = chunk_off
            for _ in range(per):
                if k == len(self.sizes):
                    break
                out.append(pos)
                pos += self.sizes[k]
                k += 1
        assert k == len(self.sizes), f"the chunks hold {k} samples of {len(self.sizes)}"
        return out

    def samples(self):
        """[(title, [(box type, payload)])] of every sample."""
        out = []
        for off, size in zip(self.offsets, self.sizes):
            s = self.data[off:off + size]
            n = struct.unpack(">H", s[:2])[0]
            title = s[2:2 + n].decode("utf-8")
            out.append((title, [(t, s[a:b]) for t, a, b in boxes(s, 2 + n, size)]))
        return out


def href_fields(payload):
    """(start, end, url, alt) of an href payload; the whole payload must be used."""
    start, end, n = struct.unpack(">HHB", payload[:5])
    url = payload[5:5 + n].decode("utf-8")
    alt_n = payload[5 + n]
    assert len(payload) == 6 + n + alt_n, "href holds more than its fields"
    return start, end, url, payload[6 + n:6 + n + alt_n]


def music_metadata(path):
    """[(start_ms, title)] music-metadata reads, or raises with its error."""
    rc, out, err = run(["node", MM_SCRIPT, path, MM_MODULE])
    if rc != 0:
        raise AssertionError(f"music-metadata failed on {path}: {err.strip().splitlines()[-1:]}")
    return [(c["start_ms"], c["title"]) for c in json.loads(out)]


def make_one_chunk(path):
    """Rewrites the chapter track of PATH to the layout chaptag wrote before: every sample in
    one chunk (stsc 1, N, 1; one chunk offset; the rest of stco becomes a free box)."""
    t = ChapterTrack(path)
    d = bytearray(t.data)
    stbl = child(t.data, t.trak, "mdia/minf/stbl")
    stsc, stco = child(t.data, stbl, "stsc"), child(t.data, stbl, "stco")
    n = len(t.sizes)
    struct.pack_into(">IIII", d, stsc[1] + 4, 1, 1, n, 1)
    struct.pack_into(">I", d, stco[1] - 8, 20)
    struct.pack_into(">I", d, stco[1] + 4, 1)
    struct.pack_into(">I4s", d, stco[1] + 12, 4 * (n - 1), b"free")
    with open(path, "wb") as f:
        f.write(d)


def top_boxes(path):
    with open(path, "rb") as f:
        data = f.read()
    return [(t, a, b) for t, a, b in boxes(data, 0, len(data))]


def ffmpeg_silent(test, path):
    """ffprobe and a full decode say nothing about PATH."""
    for args in (["ffprobe", "-v", "error", path],
                 ["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "null", "-"]):
        rc, out, err = run(args)
        test.assertEqual((rc, err), (0, ""), f"{args[0]} on {path}")


class Mp4Links(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.seed = self.tmp.write("links.json", chapters_json(CHAPTERS))

    def tearDown(self):
        self.tmp.close()

    def embed(self, path, chapters=None, *opts):
        rc, out, err = chaptag("embed", *opts, path, chapters or self.seed)
        self.assertEqual(rc, 0, f"embed {path}: {err}")
        return out, err

    def need_music_metadata(self):
        have = shutil.which("node") and os.path.isdir(MM_MODULE)
        if not have and CI:
            self.fail(f"music-metadata is not installed in {MM_MODULE} (scripts/bootstrap.sh "
                      "installs it with npm; is the npm registry reachable?)")
        if not have:
            self.skipTest("music-metadata is not installed: run scripts/bootstrap.sh (needs "
                          "node and npm)")

    def test_every_link_is_an_href_box_over_its_title_one_sample_per_chunk(self):
        for fixture in FIXTURES:
            with self.subTest(fixture=fixture):
                path = self.tmp.copy(fixture)
                self.embed(path)
                t = ChapterTrack(path)
                self.assertEqual(t.stsc, [(1, 1, 1)], "not one sample per chunk")
                self.assertEqual(len(t.chunks), len(t.sizes))
                samples = t.samples()
                self.assertEqual(len(samples), len(CHAPTERS))
                for (title, boxes_after), (_, want_title, url) in zip(samples, CHAPTERS):
                    self.assertEqual(title, want_title)
                    types = [b[0] for b in boxes_after]
                    self.assertEqual(types[0], b"encd")
                    if url is None:
                        self.assertNotIn(b"href", types)
                        continue
                    self.assertEqual(types, [b"encd", b"href"], "href comes after encd")
                    start, end, got_url, alt = href_fields(boxes_after[1][1])
                    self.assertEqual((start, end, got_url, alt), (0, len(want_title), url, b""))
                rc, out, err = chaptag("dump", path)
                self.assertEqual(rc, 0, err)
                for _, title, url in CHAPTERS:
                    self.assertIn(f"{title} <{url}>" if url else title, out)
                rc, out, err = chaptag("verify", path, self.seed)
                self.assertEqual(rc, 0, out + err)

    def test_music_metadata_reads_every_chapter(self):
        self.need_music_metadata()
        want = [(start, title) for start, title, _ in CHAPTERS]
        for fixture in MM_FIXTURES:
            with self.subTest(fixture=fixture):
                path = self.tmp.copy(fixture)
                self.embed(path)
                self.assertEqual(music_metadata(path), want)
                # the layout chaptag wrote before, one chunk for all: music-metadata reads none
                # (or fails); chaptag still reads it, and a re-embed mends it
                old = self.tmp.copy(fixture, "old-" + fixture)
                self.embed(old)
                make_one_chunk(old)
                try:
                    self.assertEqual(music_metadata(old), [])
                except AssertionError as e:
                    self.assertIn("music-metadata failed", str(e))
                rc, out, err = chaptag("dump", old)
                self.assertEqual(rc, 0, err)
                self.assertIn("Ünïcödé 🎙 last <http://example.org/ü>", out)
                self.embed(old)
                self.assertEqual(ChapterTrack(old).stsc, [(1, 1, 1)])
                self.assertEqual(music_metadata(old), want)

    def test_music_metadata_reads_a_re_embed_with_longer_titles(self):
        self.need_music_metadata()
        for fixture in MM_FIXTURES:
            with self.subTest(fixture=fixture):
                path = self.tmp.copy(fixture)
                md5 = audio_md5(path)
                self.embed(path)
                longer = self.tmp.write("longer.json", chapters_json(LONGER))
                self.embed(path, longer)
                self.assertEqual(music_metadata(path), [(s, t) for s, t, _ in LONGER])
                ffmpeg_silent(self, path)
                self.assertEqual(audio_md5(path), md5)
                with open(path, "rb") as f:  # the old sample is gone, not only unlisted
                    self.assertNotIn(b"\x00\x05Intro\x00\x00\x00\x0cencd", f.read())

    def test_a_faststart_file_keeps_one_mdat_with_the_titles_at_its_end(self):
        path = self.tmp.copy("aac-faststart.m4a")
        size = os.path.getsize(path)
        self.embed(path)
        tops = top_boxes(path)
        types = [t for t, _, _ in tops]
        self.assertEqual(types.count(b"mdat"), 1, types)
        self.assertEqual(types[-1], b"mdat")
        self.assertLess(types.index(b"moov"), types.index(b"mdat"), "moov stays in front")
        mdat = tops[-1]
        t = ChapterTrack(path)
        self.assertTrue(all(mdat[1] <= o < mdat[2] for o in t.offsets))
        # past the audio: after the last audio byte of the original file
        self.assertGreaterEqual(min(t.offsets), size)
        # shorter titles go where the old ones were; the mdat does not grow
        grown = os.path.getsize(path)
        short = self.tmp.write("short.txt", "00:00:00 A\n00:00:02 B\n")
        self.embed(path, short)
        self.assertEqual(os.path.getsize(path), grown)
        self.assertEqual(top_boxes(path)[-1], mdat)
        with open(path, "rb") as f:
            self.assertNotIn("Ünïcödé".encode(), f.read())

    def test_ffmpeg_reads_the_chapters_and_the_audio_is_unchanged(self):
        for fixture in FIXTURES:
            with self.subTest(fixture=fixture):
                path = self.tmp.copy(fixture)
                md5 = audio_md5(path)
                self.embed(path)
                got = [(start, title) for start, _, title in ffprobe_chapters(path)]
                self.assertEqual(got, [(start, title) for start, title, _ in CHAPTERS])
                ffmpeg_silent(self, path)
                self.assertEqual(audio_md5(path), md5)

    def test_strip_removes_the_links(self):
        for fixture in FIXTURES:
            with self.subTest(fixture=fixture):
                path = self.tmp.copy(fixture)
                md5 = audio_md5(path)
                self.embed(path)
                rc, out, err = chaptag("strip", path)
                self.assertEqual(rc, 0, err)
                self.assertIsNone(ChapterTrack(path).trak)
                with open(path, "rb") as f:
                    data = f.read()
                self.assertNotIn(b"example.com", data)
                self.assertNotIn(b"href", data)
                self.assertEqual(audio_md5(path), md5)

    def test_a_link_over_255_bytes_is_refused_on_its_line_unless_chpl_alone(self):
        path = self.tmp.copy(FIXTURES[0])
        with open(path, "rb") as f:
            before = f.read()
        long = self.tmp.write("long.txt", "00:00:00 One\n00:00:02 Two <https://example.com/"
                              + "a" * 240 + ">\n")
        rc, out, err = chaptag("embed", path, long)
        self.assertEqual(rc, 3, err)
        self.assertIn("long.txt:2:", err)
        self.assertIn("255", err)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before)
        rc, out, err = chaptag("embed", "--mp4-style", "nero", path, long)
        self.assertEqual(rc, 0, err)
        self.assertIn("link", err)  # chpl has no room for links: said, not silently dropped


if __name__ == "__main__":
    ctcheck.main()
