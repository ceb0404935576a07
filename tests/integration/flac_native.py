"""FLAC end to end (src/flac): chaptag embed on files made by ffmpeg and metaflac, holding a
PICTURE, a SEEKTABLE, a CUESHEET and an APPLICATION block, one with a comment list too long for
its padding (a rewrite) and one whose padding takes the chapters (in place). Read back by
ffprobe (CHAPTERnnn keys as chapters), mutagen and metaflac: exactly the chapters, every other
block and comment unchanged, the decoded audio unchanged; embedding twice gives the same
bytes; a strip leaves no chapter key and no old title anywhere in the file."""
import os
import re
import shutil
import struct
import unittest

from mutagen.flac import FLAC

import ctcheck
from ctcheck import TempDir, chaptag, ffprobe_chapters, run, sha256

CHAPTERS = "00:00:00 Opening of the show\n00:00:07 Second segment\n00:00:19 Listener mail\n"
WANT = [(0, "Opening of the show"), (7000, "Second segment"), (19000, "Listener mail")]
OTHER = "00:00:00 Replacement intro\n00:00:12 Replacement end\n"
HAVE_METAFLAC = shutil.which("metaflac") is not None


def decoded_md5(path):
    """The MD5 of the decoded audio: what a listener hears."""
    _, out, _ = run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-map", "0:a", "-f",
                     "md5", "-"], check=True)
    return out.strip()


def metaflac(*args):
    return run(["metaflac", *args], check=True)[1]


def ffprobe_keys(path):
    """[(start_ms, end_ms, title)] ffprobe reads from the CHAPTERnnn keys. FFmpeg also makes
    chapters of a CUESHEET's tracks and merges both by number, so it reads a copy without the
    CUESHEET (the cuesheet itself is checked byte for byte)."""
    copy = path + ".nocue.flac"
    shutil.copyfile(path, copy)
    metaflac("--remove", "--block-type=CUESHEET", copy)
    try:
        return ffprobe_chapters(copy)
    finally:
        os.remove(copy)


def blocks(path):
    """[(type, body)] of the metadata blocks, read here byte by byte (no ID3v2 in front)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"fLaC"
    out, pos, last = [], 4, False
    while not last:
        last, kind = data[pos] >> 7, data[pos] & 0x7F
        n = struct.unpack(">I", b"\0" + data[pos + 1:pos + 4])[0]
        out.append((kind, data[pos + 4:pos + 4 + n]))
        pos += 4 + n
    return out


def kept_blocks(path):
    """Every block chaptag does not own (not VORBIS_COMMENT, not PADDING), in order."""
    return [b for b in blocks(path) if b[0] not in (1, 4)]


def kept_comments(path):
    """The comments other than CHAPTER keys, as mutagen reads them, in order."""
    return [(k, v) for k, v in FLAC(path).tags if not re.match(r"(?i)chapter\d", k)]


def metaflac_list(path):
    """metaflac --list without the comment and padding blocks' lines or offsets."""
    out, skip = [], False
    for line in metaflac("--list", path).splitlines():
        if line.startswith("METADATA block #"):
            continue
        if line.startswith("  type:"):
            skip = line.split()[1] in ("1", "4")
        if not skip and not line.startswith("  is last:"):
            out.append(line)
    return out


def add_application(path):
    """Inserts an APPLICATION block ("TEST" and 8 bytes) after STREAMINFO."""
    with open(path, "rb") as f:
        data = f.read()
    app = bytes([2, 0, 0, 12]) + b"TEST" + bytes(range(1, 9))
    with open(path, "wb") as f:
        f.write(data[:4] + bytes([data[4] & 0x7F]) + data[5:42] + app + data[42:])


@unittest.skipUnless(HAVE_METAFLAC, "metaflac is not installed (apt-get install flac)")
class FlacNative(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.chapters = self.tmp.write("chapters.txt", CHAPTERS)
        self.other = self.tmp.write("other.txt", OTHER)

    def tearDown(self):
        self.tmp.close()

    def make(self, name, long_comments=False):
        """A 30 s FLAC with a title, a picture, a seektable, a cuesheet and an application
        block; with LONG_COMMENTS, 300 comments and no padding left."""
        path = os.path.join(self.tmp.path, name)
        png = os.path.join(self.tmp.path, "cover.png")
        run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
             "sine=frequency=440:duration=30", "-c:a", "flac", "-metadata",
             "title=Old episode title", "-metadata", "artist=The Host", path], check=True)
        run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
             "color=red:size=16x16", "-frames:v", "1", png], check=True)
        cue = self.tmp.write("disc.cue", 'FILE "x.wav" WAVE\n  TRACK 01 AUDIO\n'
                             '    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n'
                             '    INDEX 01 00:10:00\n')
        metaflac("--import-picture-from=" + png, "--add-seekpoint=5s",
                 "--import-cuesheet-from=" + cue, path)
        if long_comments:
            tags = ["--set-tag=COMMENT%03d=%s" % (i, "x" * 60) for i in range(300)]
            metaflac(*tags, path)
            metaflac("--remove", "--block-type=PADDING", "--dont-use-padding", path)
        add_application(path)
        return path

    def embed(self, path, chapters):
        rc, out, err = chaptag("embed", path, chapters)
        self.assertEqual(rc, 0, err)
        return out

    def check_embedded(self, path, before):
        self.assertEqual([(s, t) for s, _, t in ffprobe_keys(path)], WANT)
        tags = FLAC(path).tags
        self.assertEqual(tags["CHAPTER002NAME"], ["Second segment"])
        self.assertEqual(tags["CHAPTER003"], ["00:00:19.000"])
        self.assertEqual(kept_comments(path), before["comments"])
        self.assertEqual(kept_blocks(path), before["blocks"])
        self.assertEqual(metaflac_list(path), before["list"])
        self.assertEqual(len(FLAC(path).pictures), 1)
        self.assertIsNotNone(FLAC(path).cuesheet)
        self.assertEqual(decoded_md5(path), before["md5"])
        self.assertIn("CHAPTER001NAME=Opening of the show", metaflac("--export-tags-to=-", path))

    def snapshot(self, path):
        return {"comments": kept_comments(path), "blocks": kept_blocks(path),
                "list": metaflac_list(path), "md5": decoded_md5(path)}

    def test_embed_in_the_padding_keeps_every_other_block(self):
        path = self.make("fits.flac")
        before, size = self.snapshot(path), os.path.getsize(path)
        out = self.embed(path, self.chapters)
        self.assertIn("rewritten in place", out)
        self.assertEqual(os.path.getsize(path), size)
        self.check_embedded(path, before)
        self.assertEqual([b[0] for b in blocks(path)][-1], 1)  # padding still last

    def test_a_long_comment_list_forces_one_rewrite_then_edits_fit(self):
        path = self.make("long.flac", long_comments=True)
        self.assertNotIn(1, [b[0] for b in blocks(path)])
        before = self.snapshot(path)
        out = self.embed(path, self.chapters)
        self.assertIn("file rewritten", out)
        self.check_embedded(path, before)
        self.assertIn("rewritten in place", self.embed(path, self.other))
        self.assertEqual(kept_comments(path), before["comments"])

    def test_embedding_twice_gives_the_same_bytes(self):
        path = self.make("twice.flac")
        self.embed(path, self.chapters)
        first = sha256(path)
        self.assertIn("nothing written", self.embed(path, self.chapters))
        self.assertEqual(sha256(path), first)

    def test_strip_leaves_no_chapter_key_and_no_old_title(self):
        path = self.make("strip.flac")
        before = self.snapshot(path)
        self.embed(path, self.chapters)
        self.embed(path, self.other)  # the first titles must be gone from every byte
        rc, _, err = chaptag("strip", path)
        self.assertEqual(rc, 0, err)
        with open(path, "rb") as f:
            data = f.read()
        for gone in (b"CHAPTER", b"Opening of the show", b"Listener mail", b"Replacement"):
            self.assertNotIn(gone, data)
        self.assertEqual(ffprobe_keys(path), [])
        self.assertEqual(kept_comments(path), before["comments"])
        self.assertEqual(kept_blocks(path), before["blocks"])
        self.assertEqual(decoded_md5(path), before["md5"])
        stripped = sha256(path)
        rc, _, err = chaptag("strip", path)
        self.assertEqual((rc, sha256(path)), (0, stripped), err)

    def test_dump_reads_tags_and_duration(self):
        path = self.make("dump.flac")
        self.embed(path, self.chapters)
        rc, out, err = chaptag("dump", path)
        self.assertEqual(rc, 0, err)
        self.assertIn("container: FLAC, tag: VORBIS_COMMENT", out)
        self.assertIn("duration: 00:00:30 (STREAMINFO)", out)
        self.assertIn("title: Old episode title", out)
        self.assertIn("00:00:07 Second segment", out)

    def test_a_damaged_file_is_refused_unchanged(self):
        path = self.make("bad.flac")
        with open(path, "r+b") as f:
            f.seek(42 + 1)  # the APPLICATION block's length, now past the end
            f.write(b"\xff\xff\xff")
        digest = sha256(path)
        rc, _, err = chaptag("embed", path, self.chapters)
        self.assertEqual(rc, 4, err)
        self.assertIn("past the end of the file", err)
        self.assertEqual(sha256(path), digest)


if __name__ == "__main__":
    ctcheck.main()
