"""libavformat's major version is checked when it is loaded: chaptag reads the fields of
FFmpeg's structures, which move from one major to the next, so a library of another major
than the headers chaptag was built with is refused with both majors named, never used. The
other library is a stub exporting avformat_version() alone (tests/unit/ext/avformat_stub.c),
named through CHAPTAG_LIBAVFORMAT: every command on a Matroska file exits 4 (an audio file
chaptag cannot handle, as when libavformat is missing), the file byte for byte unchanged,
while MP3 never loads it and still works. A build without FFmpeg's headers never loads any
libavformat and says so instead."""
import os
import subprocess
import unittest

import ctcheck
from ctcheck import CHAPTAG, SEEDS, TempDir, sha256

SEED = os.path.join(SEEDS, "seed-000.txt")
STUB58 = os.environ.get("AVFORMAT_STUB58", "build/tests/libavformat-stub58.so")
STUB_SAME = os.environ.get("AVFORMAT_STUB_SAME", "")  # only in a build with FFmpeg's headers
MAJOR = os.environ.get("AVFORMAT_MAJOR", "")  # the major built for; empty without FFmpeg
WITHOUT_FFMPEG = "this chaptag was built without FFmpeg's headers (libavformat-dev)"


def chaptag_with(lib, *args):
    """(exit status, stdout, stderr) of chaptag ARGS with LIB as libavformat."""
    p = subprocess.run([CHAPTAG, *args], capture_output=True, text=True,
                       env=dict(os.environ, CHAPTAG_LIBAVFORMAT=lib))
    return p.returncode, p.stdout, p.stderr


class OtherMajor(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.close()

    def refused(self, lib, want):
        """Every command on a Matroska file, with LIB as libavformat: exit 4 and WANT said,
        the file unchanged and nothing left beside it."""
        mka = self.tmp.copy("audio.mka")
        before = sha256(mka)
        for args in (["dump", mka], ["embed", mka, SEED], ["strip", mka], ["verify", mka],
                     ["embed", "--dry-run", mka, SEED]):
            with self.subTest(args=args[0]):
                rc, _, err = chaptag_with(lib, *args)
                self.assertEqual(rc, 4, err)
                self.assertIn(want, err)
                self.assertNotIn("Segmentation", err)
                self.assertEqual(sha256(mka), before)
                self.assertEqual(os.listdir(self.tmp.path), ["audio.mka"])

    def test_libavformat_58_is_refused_naming_both_majors(self):
        want = (f"libavformat 58 found at {STUB58}, chaptag was built for {MAJOR}; install "
                f"libavformat{MAJOR}" if MAJOR else WITHOUT_FFMPEG)
        self.refused(STUB58, want)

    def test_the_right_major_lacking_the_rest_is_refused(self):
        if MAJOR:
            self.refused(STUB_SAME, f"the libavformat at {STUB_SAME} lacks avcodec_version")
        else:
            self.refused(STUB58, WITHOUT_FFMPEG)

    def test_mp3_never_loads_it(self):
        mp3 = self.tmp.copy("cbr-v23.mp3")
        rc, _, err = chaptag_with(STUB58, "embed", mp3, SEED)
        self.assertEqual(rc, 0, err)
        rc, out, err = chaptag_with(STUB58, "dump", mp3)
        self.assertEqual(rc, 0, err)


if __name__ == "__main__":
    ctcheck.main()
