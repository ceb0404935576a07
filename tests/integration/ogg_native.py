"""Ogg end to end (src/ogg): chaptag embed on Ogg Vorbis, Opus and FLAC-in-Ogg files made by
ffmpeg, on the corpus's files with cover art and with a comment packet across pages, and on a
list too long for the packet's room (a rewrite that renumbers pages). Read back by ffprobe,
mutagen, vorbiscomment and opusinfo: exactly the chapters, every other comment unchanged;
ogginfo finds no error; the audio packets are unchanged; embedding twice gives the same bytes;
a strip leaves no chapter key and no old title anywhere in the file."""
import os
import shutil
import unittest

from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

import ctcheck
from ctcheck import TempDir, audio_md5, chaptag, ffprobe_chapters, run, sha256

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared",
                      "corpus")
CHAPTERS = "00:00:00 Opening of the show\n00:00:01.700 Second segment\n00:00:03 Listener mail\n"
WANT = [(0, "Opening of the show"), (1700, "Second segment"), (3000, "Listener mail")]
OTHER = "00:00:00 Replacement intro\n00:00:02.500 Replacement end\n"
HAVE_TOOLS = all(shutil.which(t) for t in ("ogginfo", "vorbiscomment", "opusinfo"))
KINDS = {".ogg": OggVorbis, ".opus": OggOpus, ".oga": OggFLAC}


def comments(path):
    """Every comment but the chapter keys, as mutagen reads them, in order."""
    tags = KINDS[os.path.splitext(path)[1]](path).tags
    return [(k, v) for k, v in tags if not k.upper().startswith("CHAPTER")]


def native_list(path):
    """The comments as vorbiscomment or opusinfo print them."""
    if path.endswith(".opus"):
        out = run(["opusinfo", path], check=True)[1]
        lines = [l.strip() for l in out.splitlines() if l.startswith("\t") and "=" in l]
        return [l for l in lines if not l.startswith(("Pre-skip", "Playback", "Channels"))]
    if path.endswith(".oga"):
        return None
    return run(["vorbiscomment", "-l", path], check=True)[1].splitlines()


def ogginfo_complaints(path):
    """What ogginfo warns about or calls an error (FFmpeg's FLAC-in-Ogg files already hold an
    empty packet it warns about: the edited file must add nothing to the original's list)."""
    rc, out, err = run(["ogginfo", path])
    return [l for l in (out + err).splitlines() if "error" in l.lower() or "warn" in l.lower()]


@unittest.skipUnless(HAVE_TOOLS, "vorbis-tools and opus-tools are not installed")
class OggNative(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.chapters = self.tmp.write("chapters.txt", CHAPTERS)
        self.other = self.tmp.write("other.txt", OTHER)

    def tearDown(self):
        self.tmp.close()

    def make(self, name, codec):
        path = os.path.join(self.tmp.path, name)
        run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
             "sine=frequency=440:duration=6", *codec, "-metadata", "title=Old episode title",
             "-metadata", "artist=The Host", path], check=True)
        return path

    def corpus(self, rel, name):
        src = os.path.join(CORPUS, rel)
        if not os.path.exists(src):
            self.skipTest(f"{src} is not there")
        dst = os.path.join(self.tmp.path, name)
        shutil.copyfile(src, dst)  # a copy in the temporary folder, never in the repository
        return dst

    def embed(self, path, chapters):
        rc, out, err = chaptag("embed", path, chapters)
        self.assertEqual(rc, 0, err)
        return out

    def check(self, path, want, before_comments, before_native, before_audio, before_ogginfo):
        got = [(s, t) for s, _, t in ffprobe_chapters(path)]
        self.assertEqual(got, want)
        tags = KINDS[os.path.splitext(path)[1]](path).tags
        keys = sorted(k.upper() for k, _ in tags if k.upper().startswith("CHAPTER"))
        self.assertEqual(len(keys), 2 * len(want))
        self.assertEqual(comments(path), before_comments)
        if before_native is not None:
            now = native_list(path)
            self.assertEqual([l for l in now if not l.upper().startswith("CHAPTER")],
                             [l for l in before_native if not l.upper().startswith("CHAPTER")])
            self.assertEqual(len([l for l in now if l.upper().startswith("CHAPTER")]),
                             2 * len(want))
        self.assertEqual(ogginfo_complaints(path), before_ogginfo)
        self.assertEqual(audio_md5(path), before_audio)

    def round_trip(self, path):
        before = (comments(path), native_list(path), audio_md5(path), ogginfo_complaints(path))
        self.embed(path, self.chapters)
        self.check(path, WANT, *before)
        digest = sha256(path)
        self.embed(path, self.chapters)
        self.assertEqual(sha256(path), digest)
        self.embed(path, self.other)
        self.check(path, [(0, "Replacement intro"), (2500, "Replacement end")], *before)
        rc, _, err = chaptag("strip", path)
        self.assertEqual(rc, 0, err)
        self.check(path, [], *before)
        with open(path, "rb") as f:
            data = f.read()
        self.assertNotIn(b"CHAPTER", data.upper())
        self.assertNotIn(b"Replacement", data)
        self.assertNotIn(b"Opening of the show", data)
        digest = sha256(path)
        rc, _, err = chaptag("strip", path)
        self.assertEqual(rc, 0, err)
        self.assertEqual(sha256(path), digest)

    def test_vorbis(self):
        self.round_trip(self.make("v.ogg", ["-c:a", "libvorbis"]))

    def test_opus(self):
        self.round_trip(self.make("o.opus", ["-c:a", "libopus"]))

    def test_opus_second_edit_is_in_place(self):
        path = self.make("p.opus", ["-c:a", "libopus"])
        self.assertIn("rewritten", self.embed(path, self.chapters))
        self.assertIn("in place", self.embed(path, self.other))

    def test_flac_in_ogg(self):
        self.round_trip(self.make("f.oga", ["-c:a", "flac", "-f", "ogg"]))

    def test_auphonic_opus_with_cover(self):
        self.round_trip(self.corpus("antennapod/auphonic.opus", "a.opus"))

    def test_auphonic_ogg_with_cover(self):
        self.round_trip(self.corpus("antennapod/auphonic.ogg", "a.ogg"))

    def test_multipage_comment(self):
        self.round_trip(self.corpus("mutagen/multipagecomment.ogg", "m.ogg"))

    def test_a_long_list_forces_a_rewrite(self):
        path = self.make("long.opus", ["-c:a", "libopus"])
        before = (comments(path), native_list(path), audio_md5(path), ogginfo_complaints(path))
        # 900 chapters: FFmpeg 5.1 reads no chapter at all once a number takes four digits
        lines = "".join("00:00:%02d.%03d Chapter number %d with a long title %s\n"
                        % (i // 200, i % 200 * 4, i, "x" * 80) for i in range(900))
        long = self.tmp.write("long.txt", lines)
        self.assertIn("rewritten", self.embed(path, long))
        self.assertEqual(len(ffprobe_chapters(path)), 900)
        self.assertEqual(len(OggOpus(path).tags["CHAPTER900NAME"]), 1)
        self.assertEqual(ogginfo_complaints(path), before[3])
        self.assertEqual(audio_md5(path), before[2])
        self.embed(path, self.chapters)
        self.check(path, WANT, *before)

    def test_dump_reads_tags_and_duration(self):
        path = self.make("d.opus", ["-c:a", "libopus"])
        rc, out, err = chaptag("dump", path)
        self.assertEqual(rc, 0, err)
        self.assertIn("container: Ogg Opus", out)
        self.assertIn("title: Old episode title", out)
        self.assertIn("00:00:06 (granule position)", out)


if __name__ == "__main__":
    ctcheck.main()
