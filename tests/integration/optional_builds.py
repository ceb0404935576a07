"""Optional parts are optional: chaptag configures and builds where cmocka or FFmpeg's headers
are missing, and says what is off. Each build hides packages the honest way, from pkg-config
(the only way the build looks for them): PKG_CONFIG_LIBDIR is a folder holding links to every
.pc file of this machine but the hidden ones; without FFmpeg, a folder of FFmpeg headers that
each stop the compiler comes first on the include path as well, so none is read. Only the
library and the program are built, two jobs at a time, into a temporary folder.

- Without cmocka (and libid3tag): the default configure warns that the unit tests (and the
  integration tests) are off and builds; -DCHAPTAG_TESTS=ON fails, naming cmocka.
- Without FFmpeg's headers: the configure warns and builds; MP3, M4A, Ogg and FLAC are
  edited natively, a Matroska file is refused at run time (exit 4) saying what the build
  lacks, byte for byte unchanged; -DCHAPTAG_FFMPEG=ON fails, naming the headers."""
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import ctcheck
from ctcheck import CHAPTAG, SEEDS, TempDir, seed_chapters, sha256

SRC = os.environ.get("SRC", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD = os.path.dirname(os.path.abspath(CHAPTAG))
SEED = os.path.join(SEEDS, "seed-000.txt")
FFMPEG_PC = re.compile(r"^lib(av|sw|postproc)")  # libavformat, libswresample, ...
FFMPEG_HEADER_DIRS = ["libavformat", "libavcodec", "libavutil", "libavdevice", "libavfilter",
                      "libswresample", "libswscale", "libpostproc"]


def run(args, env=None):
    p = subprocess.run(args, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout + p.stderr


def cache_value(name):
    """NAME's value in the build under test's CMakeCache.txt, or None."""
    with open(os.path.join(BUILD, "CMakeCache.txt")) as f:
        m = re.search(rf"^{name}:[A-Z]+=(.*)$", f.read(), re.M)
    return m.group(1) if m else None


def pc_files():
    """{module: path} of every .pc file pkg-config finds here by default."""
    _, dirs = run(["pkg-config", "--variable", "pc_path", "pkg-config"])
    found = {}
    for d in dirs.strip().split(":"):
        for path in sorted(glob.glob(os.path.join(d, "*.pc"))):
            found.setdefault(os.path.basename(path)[:-3], path)
    return found


class Hidden:
    """A pkg-config search path without the modules HIDE says, and (POISON) a folder of
    FFmpeg's headers each of which stops the compiler."""

    def __init__(self, root, hide, poison=False):
        self.pc_dir = os.path.join(root, "pkgconfig")
        os.makedirs(self.pc_dir)
        for module, path in pc_files().items():
            if not hide(module):
                os.symlink(path, os.path.join(self.pc_dir, module + ".pc"))
        self.flags = ""
        if poison:
            rc, inc = run(["pkg-config", "--variable=includedir", "libavformat"])
            poisoned = os.path.join(root, "poison")
            for sub in FFMPEG_HEADER_DIRS:
                names = [os.path.basename(h) for h in
                         glob.glob(os.path.join(inc.strip(), sub, "*.h"))] if rc == 0 else []
                os.makedirs(os.path.join(poisoned, sub))
                for name in names + ["avformat.h", "avcodec.h", "avutil.h", "version.h"]:
                    with open(os.path.join(poisoned, sub, name), "w") as f:
                        f.write(f'#error "{sub}/{name} read in a build without FFmpeg"\n')
            self.flags = f"-I{poisoned}"

    def env(self):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PKG_CONFIG", "CMAKE_", "CFLAGS", "CPPFLAGS"))}
        env["PKG_CONFIG_LIBDIR"] = self.pc_dir
        return env

    def configure(self, build, *options):
        """(exit status, output) of a configure of SRC into BUILD."""
        compiler = cache_value("CMAKE_C_COMPILER")
        # and should cmocka ever be looked for by its CMake package too, it is not found
        args = ["cmake", "--no-warn-unused-cli", "-S", SRC, "-B", build, "-DCHAPTAG_WERROR=ON",
                "-DCMAKE_DISABLE_FIND_PACKAGE_cmocka=ON", f"-DCMAKE_C_FLAGS={self.flags}",
                *([f"-DCMAKE_C_COMPILER={compiler}"] if compiler else []), *options]
        return run(args, env=self.env())

    def build(self, build):
        """Builds the library and the program only, two jobs at a time."""
        return run(["cmake", "--build", build, "-j2", "--target", "chaptag", "chaptag_static",
                    "chaptag_cli"], env=self.env())


class OptionalBuilds(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="chaptag-builds-")
        self.files = TempDir()

    def tearDown(self):
        shutil.rmtree(self.root, ignore_errors=True)
        self.files.close()

    def assertBuilds(self, hidden, build):
        rc, out = hidden.build(build)
        self.assertEqual(rc, 0, out[-3000:])
        rc, out = run([os.path.join(build, "chaptag"), "--version"])
        self.assertEqual(rc, 0, out)
        self.assertIn("chaptag", out)

    def test_without_cmocka_the_tool_and_library_build_and_the_tests_are_off(self):
        hidden = Hidden(self.root, lambda m: m in ("cmocka", "id3tag"))
        build = os.path.join(self.root, "build")
        rc, out = hidden.configure(build)  # the defaults, as the README has it
        self.assertEqual(rc, 0, out)
        self.assertIn("cmocka not found", out)
        self.assertIn("the unit tests are off", out)
        self.assertIn("libcmocka-dev", out)
        self.assertIn("Tests: unit OFF, integration OFF", out)
        self.assertBuilds(hidden, build)
        # asked for, the tests are required: a build asked to test never tests less silently
        rc, out = hidden.configure(os.path.join(self.root, "asked"), "-DCHAPTAG_TESTS=ON")
        self.assertNotEqual(rc, 0)
        self.assertIn("cmocka not found", out)

    def test_without_ffmpegs_headers_native_containers_work_and_others_are_refused(self):
        hidden = Hidden(self.root, lambda m: m in ("cmocka", "id3tag") or FFMPEG_PC.match(m),
                        poison=True)
        build = os.path.join(self.root, "build")
        rc, out = hidden.configure(build, "-DCHAPTAG_TESTS=OFF")
        self.assertEqual(rc, 0, out)
        self.assertIn("FFmpeg's headers not found", out)
        self.assertIn("libavformat-dev", out)
        self.assertBuilds(hidden, build)
        exe = os.path.join(build, "chaptag")
        want = [start for start, _ in seed_chapters("seed-000.txt")]
        for fixture in ("cbr-v23.mp3", "aac-faststart.m4a", "audio.opus", "audio.flac"):
            with self.subTest(fixture=fixture):
                path = self.files.copy(fixture)
                rc, out = run([exe, "embed", path, SEED])
                self.assertEqual(rc, 0, out)
                p = subprocess.run([exe, "dump", "--format", "json", path],
                                   capture_output=True, text=True)
                self.assertEqual(p.returncode, 0, p.stderr)
                got = [round(c["startTime"] * 1000) for c in json.loads(p.stdout)["chapters"]]
                self.assertEqual(got, want)
        mka = self.files.copy("audio.mka")
        before = sha256(mka)
        stub = os.environ.get("AVFORMAT_STUB58")
        for args in (["embed", mka, SEED], ["dump", mka], ["strip", mka], ["verify", mka]):
            for env in (None, dict(os.environ, CHAPTAG_LIBAVFORMAT=stub) if stub else None):
                with self.subTest(args=args[0], env=bool(env)):
                    rc, out = run([exe, *args], env=env)
                    self.assertEqual(rc, 4, out)
                    self.assertIn("this chaptag was built without FFmpeg's headers "
                                  "(libavformat-dev): it reads and writes MP3, MP4/M4A/M4B, "
                                  "Ogg, FLAC and WAV natively", out)
                    self.assertEqual(sha256(mka), before)
        self.assertEqual(sorted(os.listdir(os.path.dirname(mka))),
                         sorted(["cbr-v23.mp3", "aac-faststart.m4a", "audio.opus", "audio.flac",
                                 "audio.mka"]))
        rc, out = hidden.configure(os.path.join(self.root, "asked"), "-DCHAPTAG_TESTS=OFF",
                                   "-DCHAPTAG_FFMPEG=ON")
        self.assertNotEqual(rc, 0)
        self.assertIn("FFmpeg's headers not found", out)


if __name__ == "__main__":
    ctcheck.main()
