"""From the editor's markers to the file and the platforms: a WAV master whose cue points and
labels are written here by hand (RIFF cue / LIST adtl labl, as editors such as Audition, REAPER
and Hindenburg leave them) is dumped as text and embedded into an MP3, where ffprobe and mutagen
read the markers' titles and times; an Audition marker export and a REAPER region export go
the same way; Matroska XML goes into an MKA and back."""
import json
import os
import struct
import unittest

from mutagen.id3 import ID3

import ctcheck
from ctcheck import TempDir, audio_md5, chaptag, ffprobe_chapters

RATE = 8000
MARKERS = [(0, "Cold open"), (1.5, "Intro – Ünïcode"), (4.25, "Interview"), (7.0, "Outro")]


def chunk(cid, body):
    return cid + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")


def wav_master(seconds=9):
    """A 16-bit mono WAV with a cue chunk and LIST/adtl labl titles for MARKERS."""
    fmt = struct.pack("<HHIIHH", 1, 1, RATE, RATE * 2, 2, 16)
    data = b"\0\0" * (RATE * seconds)
    cue = struct.pack("<I", len(MARKERS))
    labels = b"adtl"
    for i, (t, title) in enumerate(MARKERS, 1):
        sample = round(t * RATE)
        cue += struct.pack("<II4sIII", i, sample, b"data", 0, 0, sample)
        labels += chunk(b"labl", struct.pack("<I", i) + title.encode("utf-8") + b"\0")
    body = b"WAVE" + chunk(b"fmt ", fmt) + chunk(b"data", data) + chunk(b"cue ", cue) + \
        chunk(b"LIST", labels)
    return b"RIFF" + struct.pack("<I", len(body)) + body


class EditorPath(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.close()

    def assert_mp3_chapters(self, path, want):
        """ffprobe and mutagen both read WANT, [(ms, title)], from the MP3 at PATH."""
        self.assertEqual([(c[0], c[2]) for c in ffprobe_chapters(path)], want)
        chaps = sorted(ID3(path).getall("CHAP"), key=lambda c: c.start_time)
        self.assertEqual([(c.start_time, c.sub_frames["TIT2"].text[0]) for c in chaps], want)

    def test_wav_master_markers_reach_the_mp3(self):
        master = self.tmp.write("master.wav", wav_master())
        rc, text, err = chaptag("dump", "--format", "text", master)
        self.assertEqual(rc, 0, err)
        listed = self.tmp.write("chapters.txt", text)
        mp3 = self.tmp.copy("cbr-v23.mp3", "ep.mp3")
        md5 = audio_md5(mp3)
        rc, _, err = chaptag("embed", mp3, listed)
        self.assertEqual(rc, 0, err)
        self.assert_mp3_chapters(mp3, [(round(t * 1000), title) for t, title in MARKERS])
        self.assertEqual(audio_md5(mp3), md5)

    def test_an_audition_export_reaches_the_mp3(self):
        rows = ["Name\tStart\tDuration\tTime Format\tType\tDescription"]
        rows += [f"{title}\t0:{int(t):02d}.{round(t % 1 * 1000):03d}\t0:00.000\tdecimal\tCue\t"
                 for t, title in MARKERS]
        export = self.tmp.write("Markers.csv", "\r\n".join(rows) + "\r\n")
        mp3 = self.tmp.copy("cbr-v23.mp3", "ep.mp3")
        rc, _, err = chaptag("embed", mp3, export)
        self.assertEqual(rc, 0, err)
        self.assert_mp3_chapters(mp3, [(round(t * 1000), title) for t, title in MARKERS])

    def test_a_reaper_region_export_becomes_a_youtube_block(self):
        rows = ["#,Name,Start,End,Length"]
        for i, (t, title) in enumerate(MARKERS, 1):
            end = MARKERS[i][0] if i < len(MARKERS) else 9.0
            rows.append(f"R{i},{title},0:{t:06.3f},0:{end:06.3f},0:{end - t:06.3f}")
        export = self.tmp.write("regions.csv", "\n".join(rows) + "\n")
        # the regions are too short for YouTube (10 s at least): refused, naming the file;
        # as JSON they keep their ends
        rc, _, err = chaptag("convert", "--to", "youtube", export)
        self.assertEqual(rc, 3, err)
        self.assertIn("regions.csv:", err)
        rc, out, err = chaptag("convert", "--to", "json", export)
        self.assertEqual(rc, 0, err)
        starts = [c["startTime"] for c in json.loads(out)["chapters"]]
        ends = [c.get("endTime") for c in json.loads(out)["chapters"]]
        self.assertEqual(starts, [t for t, _ in MARKERS])
        self.assertEqual(ends, [1.5, 4.25, 7, 9])

    def test_matroska_xml_chapters_go_into_an_mka_and_back(self):
        xml = self.tmp.write("chapters.xml", (
            '<?xml version="1.0"?>\n<Chapters><EditionEntry>'
            + "".join(f"<ChapterAtom><ChapterTimeStart>00:00:{t:06.3f}000000</ChapterTimeStart>"
                      f"<ChapterDisplay><ChapterString>{title}</ChapterString>"
                      f"</ChapterDisplay></ChapterAtom>" for t, title in MARKERS)
            + "</EditionEntry></Chapters>\n"))
        mka = self.tmp.copy("audio.mka", "ep.mka")
        rc, _, err = chaptag("embed", mka, xml)
        self.assertEqual(rc, 0, err)
        self.assertEqual([(c[0], c[2]) for c in ffprobe_chapters(mka)],
                         [(round(t * 1000), title) for t, title in MARKERS])
        rc, out, err = chaptag("dump", "--format", "mkvxml", mka)
        self.assertEqual(rc, 0, err)
        self.assertIn("<ChapterString>Intro – Ünïcode</ChapterString>", out)


if __name__ == "__main__":
    ctcheck.main()
