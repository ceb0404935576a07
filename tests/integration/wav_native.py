"""WAV end to end (src/wav): chaptag embed on files made by ffmpeg (BWF with bext and LIST/INFO,
RF64), by sox, and the corpus's WAVs with an id3 chunk, one given an iXML and an id3 chunk here
and by mutagen. Read back by a reader written here (cue and LIST/adtl with struct), mutagen's
RIFF parser, ffprobe and chaptag dump: exactly the markers; every other chunk byte for byte and
in order; the decoded audio unchanged; RF64 stays RF64; embedding twice gives the same bytes;
a strip leaves no cue chunk and no old title anywhere in the file."""
import os
import shutil
import struct
import unittest

from mutagen._riff import RiffFile
from mutagen.id3 import TIT2
from mutagen.wave import WAVE

import ctcheck
from ctcheck import TempDir, chaptag, ffprobe_chapters, run, sha256

CORPUS = os.path.join(os.environ.get("SRC", "."), "..", "shared", "corpus", "mutagen")
CHAPTERS = "00:00:00 Opening of the show\n00:00:01.250 Café talk\n00:00:02.501 Listener mail\n"
WANT = [(0, "Opening of the show"), (1250, "Café talk"), (2501, "Listener mail")]
OTHER = "00:00:00 Replacement intro\n00:00:02 Replacement end\n"
OWNED = (b"cue ", b"JUNK")


def decoded_md5(path):
    """The MD5 of the decoded audio: what a listener hears."""
    _, out, _ = run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-map", "0:a", "-f",
                     "md5", "-"], check=True)
    return out.strip()


def chunks(path):
    """(magic, [(id, body)]) of the top-level chunks, read here (RF64: data size from ds64)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    assert data[8:12] == b"WAVE", path
    out, pos, ds64_data = [], 12, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if cid == b"ds64":
            ds64_data = struct.unpack("<Q", data[pos + 16:pos + 24])[0]
        if size == 0xFFFFFFFF and cid == b"data":
            size = ds64_data
        out.append((cid, data[pos + 8:pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return magic, out


def is_adtl(cid, body):
    return cid == b"LIST" and body[:4] == b"adtl"


def kept(path):
    """The chunks chaptag does not own, in order (ds64 without the RIFF size it updates)."""
    return [(c, b[8:] if c == b"ds64" else b) for c, b in chunks(path)[1]
            if c not in OWNED and not is_adtl(c, b)]


def parse_markers(cue, adtl, rate):
    """[(start_ms, title)] from a cue chunk's body and an adtl list's body, in time order."""
    n = struct.unpack("<I", cue[:4])[0]
    points = [struct.unpack("<II4sIII", cue[4 + 24 * i:28 + 24 * i]) for i in range(n)]
    titles, pos = {}, 4
    while pos + 8 <= len(adtl):
        sid, size = adtl[pos:pos + 4], struct.unpack("<I", adtl[pos + 4:pos + 8])[0]
        if sid == b"labl":
            cue_id = struct.unpack("<I", adtl[pos + 8:pos + 12])[0]
            titles[cue_id] = adtl[pos + 12:pos + 8 + size].split(b"\0")[0].decode("utf-8")
        pos += 8 + size + (size & 1)
    for p in points:
        assert p[2] == b"data" and p[3] == 0 and p[4] == 0, p
    return sorted((round(p[5] * 1000 / rate), titles.get(p[0], "")) for p in points)


def markers(path):
    """The markers, read with this file's chunk walk."""
    found = dict((c, b) for c, b in chunks(path)[1] if c in (b"cue ", b"fmt "))
    adtl = [b for c, b in chunks(path)[1] if is_adtl(c, b)]
    if b"cue " not in found:
        return []
    rate = struct.unpack("<I", found[b"fmt "][4:8])[0]
    return parse_markers(found[b"cue "], adtl[0] if adtl else b"", rate)


def mutagen_markers(path):
    """The markers, the chunks found by mutagen's RIFF parser (RIFF files only)."""
    with open(path, "rb") as f:
        sub = {}
        for c in RiffFile(f).root.subchunks():
            body = c.read()
            if c.id == "LIST" and body[:4] != b"adtl":
                continue
            sub.setdefault(c.id, body)
        rate = struct.unpack("<I", sub["fmt"][4:8])[0]
        return parse_markers(sub["cue"], sub.get("LIST", b""), rate) if "cue" in sub else []


def dump_markers(path):
    rc, out, err = chaptag("dump", path)
    assert rc == 0, err
    return [line for line in out.splitlines() if line and not line.startswith("#")]


def append_chunk(path, cid, body):
    """Appends a chunk to the RIFF file at PATH, its size in the header updated."""
    with open(path, "r+b") as f:
        f.seek(0, 2)
        if f.tell() & 1:
            f.write(b"\0")
        f.write(cid + struct.pack("<I", len(body)) + body + (b"\0" if len(body) & 1 else b""))
        size = f.tell() - 8
        f.seek(4)
        f.write(struct.pack("<I", size))


class WavEmbed(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.txt = self.tmp.write("ch.txt", CHAPTERS)
        self.other = self.tmp.write("other.txt", OTHER)

    def tearDown(self):
        self.tmp.close()

    def ffmpeg_wav(self, name, *extra):
        path = os.path.join(self.tmp.path, name)
        run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
             "sine=frequency=440:duration=3", "-ar", "44100", "-c:a", "pcm_s16le", *extra, path],
            check=True)
        return path

    def embed(self, path, txt=None):
        rc, out, err = chaptag("embed", path, txt or self.txt)
        self.assertEqual(rc, 0, err)
        return out

    def check_embed(self, path, riff=True):
        """Embeds CHAPTERS into PATH and checks everything the readers see."""
        before_kept, md5, magic = kept(path), decoded_md5(path), chunks(path)[0]
        self.embed(path)
        self.assertEqual(markers(path), WANT)
        if riff:
            self.assertEqual(mutagen_markers(path), WANT)
        self.assertEqual([(s, t) for s, _, t in ffprobe_chapters(path)], WANT)
        self.assertEqual(dump_markers(path), ["00:00:00 Opening of the show",
                                              "00:00:01.250 Café talk",
                                              "00:00:02.501 Listener mail"])
        self.assertEqual(kept(path), before_kept)
        self.assertEqual(decoded_md5(path), md5)
        self.assertEqual(chunks(path)[0], magic)
        once = sha256(path)
        self.assertIn("nothing written", self.embed(path))
        self.assertEqual(sha256(path), once)
        size = os.path.getsize(path)
        self.embed(path, self.other)  # in place: the padding takes it
        self.assertEqual(os.path.getsize(path), size)
        self.assertEqual(markers(path), [(0, "Replacement intro"), (2000, "Replacement end")])
        self.assertEqual(kept(path), before_kept)
        rc, _, err = chaptag("strip", path)
        self.assertEqual(rc, 0, err)
        with open(path, "rb") as f:
            data = f.read()
        for title in (b"Replacement", b"Opening", b"Listener", "Café".encode()):
            self.assertNotIn(title, data)
        self.assertEqual(markers(path), [])
        self.assertEqual(kept(path), before_kept)
        self.assertEqual(decoded_md5(path), md5)

    def test_bwf_with_info_ixml_and_id3_chunks(self):
        path = self.ffmpeg_wav("bwf.wav", "-write_bext", "1", "-metadata", "title=Episode 12",
                               "-metadata", "artist=Host", "-metadata", "date=2024",
                               "-metadata", "description=bext text", "-metadata",
                               "originator=chaptag test")
        w = WAVE(path)
        w.add_tags()
        w.tags.add(TIT2(encoding=3, text="ID3 title"))
        w.save()
        append_chunk(path, b"iXML", b"<BWFXML><NOTE>kept</NOTE></BWFXML>")
        ids = [c for c, _ in chunks(path)[1]]
        for cid in (b"bext", b"LIST", b"id3 ", b"iXML"):
            self.assertIn(cid, ids)
        self.check_embed(path)
        self.assertEqual(str(WAVE(path).tags["TIT2"]), "ID3 title")
        rc, out, _ = chaptag("dump", path)
        self.assertIn("# container: BWF", out)
        self.assertIn("# title: Episode 12", out)

    def test_rf64_stays_rf64(self):
        path = self.ffmpeg_wav("big.wav", "-rf64", "always")
        self.assertEqual(chunks(path)[0], b"RF64")
        self.check_embed(path, riff=False)
        self.embed(path)
        with open(path, "rb") as f:
            data = f.read()
        self.assertEqual(data[4:8], b"\xff\xff\xff\xff")
        self.assertEqual(struct.unpack("<Q", data[20:28])[0], len(data) - 8)

    @unittest.skipUnless(shutil.which("sox"), "sox is not installed")
    def test_sox_file_and_a_marker_written_here(self):
        path = os.path.join(self.tmp.path, "master.wav")
        run(["sox", "-n", "-r", "48000", "-c", "2", "-b", "24", path, "synth", "3", "sine",
             "300"], check=True)
        append_chunk(path, b"cue ", struct.pack("<I", 1) +
                     struct.pack("<II4sIII", 1, 72000, b"data", 0, 0, 72000))
        append_chunk(path, b"LIST", b"adtl" + b"labl" + struct.pack("<II", 4 + 12, 1) +
                     b"Sox marker\0\0")
        self.assertEqual(dump_markers(path), ["00:00:01.500 Sox marker"])
        rc, out, _ = chaptag("verify", path)
        self.assertEqual(rc, 0, out)
        self.embed(path)
        self.assertEqual(markers(path), WANT)
        self.assertEqual(mutagen_markers(path), WANT)

    def test_corpus_files(self):
        names = sorted(n for n in os.listdir(CORPUS) if n.startswith("silence-2s-") and
                       n.endswith(".wav"))
        self.assertTrue(names)
        chapters = self.tmp.write("short.txt", "00:00:00 Start\n00:00:01.001 Middle\n")
        for name in names:
            with self.subTest(name=name):
                path = os.path.join(self.tmp.path, name)
                shutil.copyfile(os.path.join(CORPUS, name), path)
                before, md5 = kept(path), decoded_md5(path)
                tags = WAVE(path).tags
                self.embed(path, chapters)
                self.assertEqual(markers(path), [(0, "Start"), (1001, "Middle")])
                self.assertEqual(mutagen_markers(path), [(0, "Start"), (1001, "Middle")])
                self.assertEqual(kept(path), before)
                self.assertEqual(decoded_md5(path), md5)
                after = WAVE(path).tags
                self.assertEqual(tags is None, after is None)
                if tags is not None:
                    self.assertEqual(sorted(map(str, tags.values())),
                                     sorted(map(str, after.values())))
                rc, _, err = chaptag("strip", path)
                self.assertEqual(rc, 0, err)
                self.assertEqual(markers(path), [])


if __name__ == "__main__":
    ctcheck.main()
