"""Chapters that land in the pauses: embed --snap-to-silence, silences and suggest, on audio
generated here with pauses at known places (digital silence, a -60 dBFS hum that counts as
silence, a -35 dBFS one that does not at the default -40, one too short to count), as MP3
(CBR with an Info header, CBR without one, VBR with a Xing table), M4A, and through
libavformat Ogg Opus and FLAC. Expectations come from the generator's layout and from
ffmpeg's own silencedetect, never from chaptag."""
import json
import os
import re
import shutil
import subprocess
import unittest

import ctcheck
from ctcheck import TempDir, chaptag, run, sha256

RATE = 44100
# (start, end, amplitude) of the quiet stretches in the generated signal, seconds
QUIET = [
    (0.0, 0.5, 0.0),        # a pause at the very start: a chapter at 0:00 stays there
    (10.0, 10.8, 0.0),      # digital silence
    (20.0, 21.0, 0.001),    # -60 dBFS: silence at -40
    (30.0, 30.6, 0.0178),   # -35 dBFS: a pause only with --silence-threshold -30
    (40.0, 40.5, 0.0),      # two pauses in one window: the nearer one wins
    (41.5, 41.9, 0.0),
    (50.0, 50.2, 0.0),      # 200 ms: too short for the default 300 ms
]
DURATION = 60.0
# the pauses at the defaults (-40 dBFS, 300 ms): (start, end) in seconds
PAUSES = [(a, b) for a, b, amp in QUIET if amp < 0.01 and b - a >= 0.3]
FRAME = {"mp3": 1152 / RATE, "m4a": 1024 / RATE, "opus": 0.02, "flac": 4608 / RATE}
SNAP_TOLERANCE = 0.020  # the bound for a snapped start against the pause's middle


def expression():
    """An aevalsrc expression: a loud two-tone signal, quiet where QUIET says."""
    loud = "0.3*sin(2*PI*220*t)+0.15*sin(2*PI*1330*t)"
    expr = loud
    for a, b, amp in reversed(QUIET):
        expr = f"if(between(t,{a},{b}),{amp}*sin(2*PI*300*t),{expr})"
    return expr


def generate(folder):
    """The test files, by name."""
    src = os.path.join(folder, "src.wav")
    run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
         f"aevalsrc='{expression()}':s={RATE}:d={DURATION}", "-ac", "1", "-c:a", "pcm_s16le",
         src], check=True)
    files = {
        "cbr.mp3": ["-c:a", "libmp3lame", "-b:a", "64k"],
        "cbr-noinfo.mp3": ["-c:a", "libmp3lame", "-b:a", "64k", "-write_xing", "0"],
        "vbr.mp3": ["-c:a", "libmp3lame", "-q:a", "7"],
        "aac.m4a": ["-c:a", "aac", "-b:a", "48k"],
        "voice.opus": ["-c:a", "libopus", "-b:a", "32k"],
        "lossless.flac": ["-c:a", "flac"],
    }
    out = {}
    for name, args in files.items():
        path = os.path.join(folder, name)
        run(["ffmpeg", "-nostdin", "-v", "error", "-i", src, *args, path], check=True)
        out[name] = path
    return out


def silencedetect(path, noise="-40dB", d="0.3"):
    """[(start, end)] of ffmpeg's silencedetect on PATH, seconds."""
    _, _, err = run(["ffmpeg", "-nostdin", "-i", path, "-af", f"silencedetect=n={noise}:d={d}",
                     "-f", "null", "-"], check=True)
    starts = [float(x) for x in re.findall(r"silence_start: (-?[\d.]+)", err)]
    ends = [float(x) for x in re.findall(r"silence_end: ([\d.]+)", err)]
    return list(zip(starts, ends + [None] * (len(starts) - len(ends))))


def silences(path, *opts):
    rc, out, err = chaptag("silences", "--format", "json", *opts, path)
    if rc != 0:
        raise AssertionError(f"silences {path} exited {rc}: {err}")
    doc = json.loads(out)
    return doc, [(p["start"], p["end"]) for p in doc["silences"]]


def decoded_ms(path):
    """How much audio ffmpeg decodes from PATH, in ms (a cut-off file holds less than its
    header says)."""
    p = subprocess.run(["ffmpeg", "-nostdin", "-v", "quiet", "-i", path, "-f", "s16le", "-ac", "1",
                        "-ar", str(RATE), "-"], capture_output=True)
    return len(p.stdout) // 2 * 1000 // RATE


def dumped_starts(path):
    """Chapter starts of PATH in seconds, as ffprobe reads them."""
    return [s / 1000 for s, _, _ in ctcheck.ffprobe_chapters(path)]


class Silence(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        cls.files = generate(cls.tmp.path)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.close()

    def copy(self, name):
        """A fresh copy of test file NAME."""
        src = self.files[name]
        dst = os.path.join(self.tmp.path, "work-" + name)
        with open(src, "rb") as f, open(dst, "wb") as g:
            g.write(f.read())
        return dst

    def chapters(self, lines):
        path = os.path.join(self.tmp.path, "chapters.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(f"{t} {title}\n" for t, title in lines))
        return path

    # ---- silences -------------------------------------------------------------------------

    def test_silences_finds_the_generated_pauses_and_agrees_with_silencedetect(self):
        for name, path in self.files.items():
            ext = name.rsplit(".", 1)[1]
            frame = FRAME[ext]
            with self.subTest(file=name):
                doc, got = silences(path)
                self.assertEqual(doc["file"], path)
                theirs = silencedetect(path)
                self.assertEqual(len(got), len(theirs), (got, theirs))
                for (s, e), (ts, te) in zip(got, theirs):
                    self.assertAlmostEqual(s, ts, delta=frame, msg=(got, theirs))
                    if te is not None:
                        self.assertAlmostEqual(e, te, delta=frame, msg=(got, theirs))
                if name == "cbr-noinfo.mp3":
                    continue  # no LAME header: players (and ffmpeg) keep the encoder delay
                self.assertEqual(len(got), len(PAUSES), got)
                for (s, e), (ps, pe) in zip(got, PAUSES):
                    self.assertAlmostEqual(s, ps, delta=frame, msg=got)
                    self.assertAlmostEqual(e, pe, delta=frame, msg=got)

    def test_silences_follows_threshold_and_minimum(self):
        path = self.files["cbr.mp3"]
        _, loose = silences(path, "--silence-threshold", "-30")
        self.assertTrue(any(abs(s - 30.0) < 0.05 for s, _ in loose), loose)  # the -35 dBFS hum
        _, short = silences(path, "--min-silence", "150ms")
        self.assertTrue(any(abs(s - 50.0) < 0.05 for s, _ in short), short)  # the 200 ms gap
        _, long_only = silences(path, "--min-silence", "00:00:00.9")
        self.assertEqual([round(s) for s, _ in long_only], [20], long_only)

    def test_silences_json_is_one_document_with_none_or_many(self):
        # printed as the pauses are found (flat memory): still one valid document when there
        # are none (no pause that long), many, or a file name JSON must escape
        odd = os.path.join(self.tmp.path, 'a "quoted"\\name.mp3')
        shutil.copyfile(self.files["cbr.mp3"], odd)
        doc, none = silences(odd, "--min-silence", "10m")
        self.assertEqual((doc["file"], none), (odd, []))
        doc, many = silences(odd, "--silence-threshold", "-30", "--min-silence", "150ms")
        self.assertEqual(doc["file"], odd)
        self.assertGreaterEqual(len(many), len(PAUSES))
        self.assertEqual(many, sorted(many))

    def test_silences_text_lists_one_pause_per_line(self):
        rc, out, err = chaptag("silences", self.files["aac.m4a"])
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertEqual(len(lines), len(PAUSES), out)
        self.assertRegex(lines[1],
                         r"^00:00:(09\.9[89]\d|10\.0[0-2]\d)  00:00:10\.[78]\d\d  0\.[78]\d\d s$")

    # ---- embed --snap-to-silence ----------------------------------------------------------

    GIVEN = [("00:00:00", "Cold open"), ("00:00:11.5", "One"), ("00:00:19", "Two"),
             ("00:00:31", "Three"), ("00:00:42", "Four")]
    # where they must land: the first stays at 0:00 (a pause there or not), One and Two at the
    # middles of their pauses, Three has no pause within 2 s and stays, Four takes the nearer
    # of two pauses
    WANT = [0.0, 10.4, 20.5, 31.0, 41.7]

    def test_snap_moves_starts_to_pause_middles_in_every_container(self):
        for name in ("cbr.mp3", "vbr.mp3", "aac.m4a", "voice.opus", "lossless.flac"):
            with self.subTest(file=name):
                audio = self.copy(name)
                rc, out, err = chaptag("embed", "--snap-to-silence", audio,
                                       self.chapters(self.GIVEN))
                self.assertEqual(rc, 0, err)
                self.assertIn("snapped 3 of 5 chapters", out)
                self.assertIn('no pause within 2 s', err)
                self.assertIn("00:00:31", err)
                got = dumped_starts(audio)
                self.assertEqual(len(got), len(self.WANT), got)
                for g, w in zip(got, self.WANT):
                    self.assertAlmostEqual(g, w, delta=SNAP_TOLERANCE, msg=got)

    def test_snap_places_start_and_end_and_follows_the_threshold(self):
        given = [("0:00", "A"), ("0:11.5", "B"), ("0:31", "C")]
        for place, want_b in (("start", 10.0), ("end", 10.8)):
            with self.subTest(place=place):
                audio = self.copy("cbr.mp3")
                rc, _, err = chaptag("embed", "--snap-to-silence=3s", "--snap-to", place, audio,
                                     self.chapters(given))
                self.assertEqual(rc, 0, err)
                self.assertAlmostEqual(dumped_starts(audio)[1], want_b, delta=SNAP_TOLERANCE)
        audio = self.copy("cbr.mp3")
        rc, _, err = chaptag("embed", "--snap-to-silence", "--silence-threshold", "-30", audio,
                             self.chapters(given))
        self.assertEqual(rc, 0, err)
        self.assertAlmostEqual(dumped_starts(audio)[2], 30.3, delta=SNAP_TOLERANCE)

    def test_neighbours_never_cross(self):
        # both want the pause at 10.0-10.8; the second may not pass the first, so it stays
        given = [("0:00", "A"), ("0:10.9", "B"), ("0:11.2", "C"), ("0:12", "D")]
        audio = self.copy("cbr.mp3")
        rc, _, err = chaptag("embed", "--snap-to-silence", audio, self.chapters(given))
        self.assertEqual(rc, 0, err)
        got = dumped_starts(audio)
        self.assertEqual(got, sorted(got))
        self.assertEqual(len(set(got)), len(got), got)
        self.assertAlmostEqual(got[1], 10.4, delta=SNAP_TOLERANCE)
        self.assertEqual(got[2:], [11.2, 12.0])
        self.assertEqual(err.count("warning"), 2, err)

    def test_dry_run_prints_each_move_and_writes_nothing(self):
        audio = self.copy("aac.m4a")
        before = sha256(audio)
        rc, out, err = chaptag("embed", "-n", "--snap-to-silence", audio,
                               self.chapters(self.GIVEN))
        self.assertEqual(rc, 0, err)
        self.assertEqual(sha256(audio), before)
        moves = re.findall(r'chapter (\d) "([^"]*)": (\S+) \u2192 (\S+)', out)
        self.assertEqual([m[0] for m in moves], ["2", "3", "5"], out)
        self.assertEqual(moves[0][2], "00:00:11.500")
        self.assertRegex(moves[0][3], r"^00:00:10\.(3[89]|4[0-2])\d$")

    def test_the_json_report_lists_the_moves(self):
        audio = self.copy("cbr.mp3")
        rc, out, err = chaptag("embed", "--format", "json", "--snap-to-silence", audio,
                               self.chapters(self.GIVEN))
        self.assertEqual(rc, 0, err)
        doc = json.loads(out)
        snap = doc["snap"]
        self.assertEqual(snap["moved"], 3)
        self.assertEqual([m["moved"] for m in snap["moves"]], [False, True, True, False, True])
        self.assertAlmostEqual(snap["moves"][2]["to"], 20.5, delta=SNAP_TOLERANCE)
        self.assertEqual(snap["moves"][1]["from"], 11.5)
        self.assertIn("why", snap["moves"][3])
        self.assertLessEqual(snap["bytes_read"], snap["file_size"])
        self.assertTrue(any("no pause" in w["message"] for w in doc["warnings"]), doc)

    # ---- suggest ---------------------------------------------------------------------------

    def test_suggest_proposes_chapters_at_the_longest_pause_near_each_multiple(self):
        rc, out, err = chaptag("suggest", "--every", "20s", "--format", "json",
                               self.files["vbr.mp3"])
        self.assertEqual(rc, 0, err)
        chapters = json.loads(out)["chapters"]
        self.assertEqual([c["title"] for c in chapters], ["Chapter 1", "Chapter 2", "Chapter 3"])
        self.assertEqual(chapters[0]["startTime"], 0)
        self.assertAlmostEqual(chapters[1]["startTime"], 20.5, delta=SNAP_TOLERANCE)
        # 40.0-40.5 and 41.5-41.9 are both within 2 s of 40: the longer wins
        self.assertAlmostEqual(chapters[2]["startTime"], 40.25, delta=SNAP_TOLERANCE)

    def test_suggest_ends_the_last_chapter_at_the_audio_end_for_formats_that_need_it(self):
        # native (M4A) and through libavformat alone (Matroska: its duration comes from the
        # opening the decoding did, not from a second one)
        mka = os.path.join(self.tmp.path, "voice.mka")
        run(["ffmpeg", "-nostdin", "-v", "error", "-i", self.files["voice.opus"], "-c", "copy",
             mka], check=True)
        for path in (self.files["aac.m4a"], mka):
            with self.subTest(path=path):
                rc, out, err = chaptag("suggest", "--every", "20s", "--format", "ffmetadata",
                                       path)
                self.assertEqual(rc, 0, err)
                ends = [int(x) for x in re.findall(r"^END=(\d+)$", out, re.M)]
                # 3; Opus's padding makes the Matroska a few ms longer than 60 s, so the
                # multiple at 60 s is inside it and gets a chapter too
                self.assertIn(len(ends), (3, 4), out)
                self.assertAlmostEqual(ends[-1], ctcheck.ffprobe_duration_ms(path), delta=50)
        path = self.files["aac.m4a"]
        rc, out, err = chaptag("suggest", "--every", "20s", "--duration", "75s", "--format", "vtt",
                               path)
        self.assertEqual(rc, 0, err)
        self.assertIn("--> 00:01:15.000", out)

    def test_suggest_stops_where_a_cut_off_file_really_ends(self):
        # half a FLAC file: its STREAMINFO still counts 60 s, the audio stops near 30 s
        path = os.path.join(self.tmp.path, "half.flac")
        with open(self.files["lossless.flac"], "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(data[:len(data) // 2])
        rc, out, err = chaptag("suggest", "--every", "10s", "--format", "ffmetadata", path)
        self.assertEqual(rc, 0, err)
        starts = [int(x) for x in re.findall(r"^START=(\d+)$", out, re.M)]
        ends = [int(x) for x in re.findall(r"^END=(\d+)$", out, re.M)]
        real_ms = decoded_ms(path)
        self.assertLess(starts[-1], real_ms)
        self.assertAlmostEqual(ends[-1], real_ms, delta=100)
        self.assertLess(real_ms, 50000)

    def test_suggest_without_a_pause_places_the_chapter_at_the_multiple_and_says_so(self):
        rc, out, err = chaptag("suggest", "--every", "25s", self.files["cbr.mp3"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.splitlines()[1], "00:00:25 Chapter 2", out)
        self.assertIn("no pause", err)
        self.assertIn("00:00:25", err)

    # ---- errors ----------------------------------------------------------------------------

    def test_bad_options_are_usage_errors(self):
        audio = self.copy("cbr.mp3")
        chapters = self.chapters(self.GIVEN)
        for args in (["--snap-to-silence=0s"], ["--snap-to-silence", "--snap-to", "left"],
                     ["--snap-to-silence", "--silence-threshold", "5"],
                     ["--snap-to-silence", "--min-silence", "soon"]):
            with self.subTest(args=args):
                rc, _, err = chaptag("embed", *args, audio, chapters)
                self.assertEqual(rc, 2, err)
        rc, _, err = chaptag("suggest", audio)
        self.assertEqual(rc, 2, err)
        self.assertIn("--every", err)
        # suggest's own option named in its message, not embed's
        rc, _, err = chaptag("suggest", "--every", "10s", "--window", "0", audio)
        self.assertEqual(rc, 2, err)
        self.assertIn("--window takes", err)
        self.assertNotIn("snap-to-silence", err)

    def test_pause_options_without_snapping_are_refused_not_ignored(self):
        audio = self.copy("cbr.mp3")
        before = sha256(audio)
        for args in (["--min-silence", "1s"], ["--snap-to", "start"],
                     ["--silence-threshold", "-50"]):
            with self.subTest(args=args):
                rc, _, err = chaptag("embed", *args, audio, self.chapters(self.GIVEN))
                self.assertEqual(rc, 2, err)
                self.assertIn(args[0] + " shapes --snap-to-silence", err)
                self.assertEqual(sha256(audio), before)

    def test_without_libavcodec_a_clear_error_and_nothing_written(self):
        audio = self.copy("cbr.mp3")
        before = sha256(audio)
        env = dict(os.environ, CHAPTAG_LIBAVCODEC="/nonexistent/libavcodec.so")
        rc, _, err = run([ctcheck.CHAPTAG, "embed", "--snap-to-silence", audio,
                          self.chapters(self.GIVEN)], env=env)
        self.assertEqual(rc, 4, err)
        self.assertIn("libavcodec", err)
        self.assertEqual(sha256(audio), before)


if __name__ == "__main__":
    ctcheck.main()
