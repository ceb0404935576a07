"""Source releases: scripts/release.sh gives the same tarball of HEAD twice, even run with
another umask, time zone, locale, gzip and git settings; the tarball holds HEAD under
chaptag-VERSION/ less git's and CI's files, with the commit's time and plain modes; its sha256
file is what sha256sum -c reads; a wrong version, a dirty tree and a tag elsewhere are refused.
Then the Homebrew formula it writes is run as Homebrew would (brew_shim.rb, with ruby): the
tarball checked against its sha256, unpacked, configured, built and installed by the formula's
own install block, and its test block run on what was installed.

Skipped where there is no HEAD to release (a tree unpacked from a tarball), and the formula
part where there is no ruby."""
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
import unittest

import ctcheck
from ctcheck import CHAPTAG, SEEDS

SRC = os.path.abspath(os.environ.get("SRC", os.path.join(os.path.dirname(__file__), "..", "..")))
RELEASE = os.path.join(SRC, "scripts", "release.sh")
SHIM = os.path.join(SRC, "tests", "integration", "brew_shim.rb")
TEMPLATE = os.path.join(SRC, "packaging", "homebrew", "chaptag.rb")
LEFT_OUT = (".ci/", ".gitattributes", ".gitignore")  # export-ignore in .gitattributes


def run(args, check=True, **kw):
    p = subprocess.run(args, capture_output=True, text=True, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(args)}: {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def git(*args, cwd=SRC):
    return run(["git", "-C", cwd, *args]).stdout


def is_checkout():
    return subprocess.run(["git", "-C", SRC, "rev-parse", "--verify", "-q", "HEAD"],
                          capture_output=True).returncode == 0


def head_version():
    """The project version of HEAD's CMakeLists.txt, read here without release.sh."""
    m = re.search(r"^project\(chaptag VERSION (\d+\.\d+\.\d+)[ )]",
                  git("show", "HEAD:CMakeLists.txt"), re.M)
    return m.group(1)


class SourceRelease(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not is_checkout():
            raise unittest.SkipTest(f"{SRC} is no git checkout (a source tarball?): no HEAD")
        cls.tmp = tempfile.mkdtemp(prefix="chaptag-release-")
        cls.version = head_version()
        cls.name = f"chaptag-{cls.version}"
        # a dirty working tree (a developer's) still releases HEAD, which is what is checked
        cls.dirty = git("status", "--porcelain", "--untracked-files=no") != ""
        cls.flags = ["--allow-dirty"] if cls.dirty else []
        cls.a = os.path.join(cls.tmp, "a")
        run([RELEASE, "--out", cls.a, *cls.flags, cls.version])
        # the second run from elsewhere, with everything that could leak into the bytes changed
        cls.b = os.path.join(cls.tmp, "b")
        env = dict(os.environ, TZ="Pacific/Chatham", LC_ALL="C.UTF-8", GZIP="-1",
                   GIT_CONFIG_COUNT="3", GIT_CONFIG_KEY_0="tar.umask", GIT_CONFIG_VALUE_0="0",
                   GIT_CONFIG_KEY_1="core.autocrlf", GIT_CONFIG_VALUE_1="true",
                   GIT_CONFIG_KEY_2="core.attributesFile",
                   GIT_CONFIG_VALUE_2=os.path.join(cls.tmp, "attributes"))
        with open(os.path.join(cls.tmp, "attributes"), "w") as f:
            f.write("*.c export-ignore\n* text eol=crlf\n")
        run(["sh", "-c", 'umask 077 && exec "$@"', "sh", RELEASE, "--out", "b",
             "--url-base", "https://releases.example/chaptag/", *cls.flags, cls.version],
            env=env, cwd=cls.tmp)
        cls.tarball = os.path.join(cls.a, cls.name + ".tar.gz")
        with tarfile.open(cls.tarball) as t:
            cls.members = t.getmembers()
        cls.commit = git("rev-parse", "HEAD").strip()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def read(self, *path, mode="r"):
        with open(os.path.join(*path), mode) as f:
            return f.read()

    def test_two_runs_in_other_settings_give_the_same_bytes(self):
        for name in (self.name + ".tar.gz", self.name + ".tar.gz.sha256"):
            self.assertEqual(self.read(self.a, name, mode="rb"), self.read(self.b, name, mode="rb"),
                             name)

    def test_the_checksum_file_is_what_sha256sum_checks(self):
        digest = hashlib.sha256(self.read(self.tarball, mode="rb")).hexdigest()
        self.assertEqual(self.read(self.a, self.name + ".tar.gz.sha256"),
                         f"{digest}  {self.name}.tar.gz\n")
        run(["sha256sum", "-c", "--strict", self.name + ".tar.gz.sha256"], cwd=self.a)

    def test_gzip_stores_no_file_name_and_no_time(self):
        head = self.read(self.tarball, mode="rb")[:10]
        self.assertEqual(head[:3], b"\x1f\x8b\x08")
        self.assertEqual(head[3] & 0x08, 0, "FNAME flag set")
        self.assertEqual(head[4:8], b"\0\0\0\0", "MTIME set")
        gzip.decompress(self.read(self.tarball, mode="rb"))  # and the whole stream is sound

    def test_the_tarball_is_head_in_one_folder_less_git_and_ci_files(self):
        head = git("ls-tree", "-r", "--name-only", "HEAD").splitlines()
        want = {f for f in head if not f.startswith(LEFT_OUT)}
        files = {m.name for m in self.members if not m.isdir()}
        self.assertEqual(files, {f"{self.name}/{f}" for f in want})
        self.assertTrue(all(m.name == self.name or m.name.startswith(self.name + "/")
                            for m in self.members))
        # what a build and the tests need, from the tarball alone (nothing there calls git)
        for needed in ("CMakeLists.txt", "chaptag.pc.in", "chaptagConfig.cmake.in",
                       "include/chaptag/chaptag.h", "src/cli/chaptag.1", "scripts/test.sh",
                       "tests/CMakeLists.txt", "tests/integration/test_install.sh",
                       "fixtures/chapters/seed-000.txt", "docs/schemas"):
            self.assertTrue(any(m.name == f"{self.name}/{needed}" for m in self.members), needed)

    def test_every_entry_has_the_commit_time_owner_root_and_plain_modes(self):
        commit_time = int(git("log", "-1", "--format=%ct", "HEAD"))
        executable = {line.split("\t")[1] for line in git("ls-tree", "-r", "HEAD").splitlines()
                      if line.startswith("100755")}
        for m in self.members:
            self.assertEqual((m.mtime, m.uid, m.gid), (commit_time, 0, 0), m.name)
            path = m.name[len(self.name) + 1:]
            want = 0o755 if m.isdir() or path in executable else 0o644
            self.assertEqual(m.mode, want, m.name)

    def test_the_formula_names_the_tarball_and_its_sha256(self):
        digest = hashlib.sha256(self.read(self.tarball, mode="rb")).hexdigest()
        template = self.read(TEMPLATE)
        self.assertIn('url "@URL@"', template)
        self.assertIn('sha256 "@SHA256@"', template)
        a, b = self.read(self.a, "chaptag.rb"), self.read(self.b, "chaptag.rb")
        self.assertIn(f'url "file://{self.tarball}"', a)
        self.assertIn(f'url "https://releases.example/chaptag/{self.name}.tar.gz"', b)
        self.assertIn(f'sha256 "{digest}"', a)
        self.assertEqual(a.replace(f"file://{self.tarball}", "URL"),
                         b.replace(f"https://releases.example/chaptag/{self.name}.tar.gz", "URL"))
        self.assertTrue(a.startswith(f"# chaptag {self.version}, written by scripts/release.sh "
                                     f"from commit {self.commit}\n"))
        self.assertNotRegex(a, r'"@[A-Z0-9]+@"')

    def clone(self):
        """A clone of HEAD with the release.sh under test, to break on purpose."""
        path = tempfile.mkdtemp(prefix="clone-", dir=self.tmp)
        run(["git", "clone", "-q", SRC, path])
        shutil.copy(RELEASE, os.path.join(path, "scripts", "release.sh"))
        return path

    def refused(self, clone, *args):
        out = os.path.join(clone, "out")
        p = run([os.path.join(clone, "scripts", "release.sh"), "--out", out, *args], check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertFalse(os.path.exists(out) and os.listdir(out), "wrote something")
        return p.stderr

    def test_a_version_other_than_the_project_version_is_refused(self):
        clone = self.clone()
        err = self.refused(clone, "--allow-dirty", "9.8.7")
        self.assertIn("9.8.7", err)
        self.assertIn(f"project version {self.version}", err)
        self.assertIn("x.y.z", self.refused(clone, "--allow-dirty", "v" + self.version))

    def test_a_dirty_tree_is_refused_unless_allowed_and_then_head_is_archived(self):
        clone = self.clone()
        readme = os.path.join(clone, "README.md")
        with open(readme, "a") as f:
            f.write("an edit not committed\n")
        self.assertIn("uncommitted changes", self.refused(clone, self.version))
        out = os.path.join(clone, "out")
        run([os.path.join(clone, "scripts", "release.sh"), "--out", out, "--allow-dirty",
             self.version])
        with tarfile.open(os.path.join(out, self.name + ".tar.gz")) as t:
            packed = t.extractfile(f"{self.name}/README.md").read().decode()
        self.assertEqual(packed, git("show", "HEAD:README.md"))

    def test_a_version_tag_on_another_commit_is_refused(self):
        clone = self.clone()
        git("tag", f"v{self.version}", cwd=clone)
        git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q",
            "--allow-empty", "-m", "after the tag", cwd=clone)
        self.assertIn(f"tag v{self.version} is", self.refused(clone, "--allow-dirty",
                                                               self.version))


@unittest.skipUnless(shutil.which("ruby"), "no ruby: the formula is not checked")
class HomebrewFormula(unittest.TestCase):
    """The formula release.sh wrote, run as Homebrew would: its install and test blocks."""

    @classmethod
    def setUpClass(cls):
        if not is_checkout():
            raise unittest.SkipTest(f"{SRC} is no git checkout (a source tarball?): no HEAD")
        cls.tmp = tempfile.mkdtemp(prefix="chaptag-brew-")
        dirty = git("status", "--porcelain", "--untracked-files=no") != ""
        cls.version = head_version()
        dist = os.path.join(cls.tmp, "dist")
        run([RELEASE, "--out", dist, *(["--allow-dirty"] if dirty else []), cls.version])
        cls.formula = os.path.join(dist, "chaptag.rb")
        work = os.path.join(cls.tmp, "work")
        start = time.monotonic()
        cls.shim = run(["ruby", SHIM, cls.formula, work], check=False)
        cls.seconds = time.monotonic() - start
        cls.declared = {}
        if cls.shim.returncode == 0:
            with open(os.path.join(work, "formula.json")) as f:
                cls.declared = json.load(f)
        cls.prefix = cls.declared.get("prefix", "")
        cls.dirty = dirty

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_the_template_and_the_formula_are_valid_ruby(self):
        for path in (TEMPLATE, self.formula):
            run(["ruby", "-c", path])

    def test_the_formula_installs_from_the_tarball_and_passes_its_test(self):
        self.assertEqual(self.shim.returncode, 0, self.shim.stderr[-6000:])
        print(f"tarball configured, built, installed and tested in {self.seconds:.1f} s")
        self.assertIn("==> test passed", self.shim.stderr)

    def test_it_declares_what_the_build_needs(self):
        # ffmpeg at run time too: finding pauses decodes with libavcodec (dlopen'ed)
        self.assertEqual(self.declared["deps"], [["cmake", ["build"]], ["pkgconf", ["build"]],
                                                 ["ffmpeg", []], ["jansson", []]])
        self.assertEqual(self.declared["uses_from_macos"], ["expat"])
        self.assertEqual(self.declared["version"], self.version)
        self.assertIn("brew reinstall chaptag", self.declared["caveats"])

    def test_its_cmake_options_are_options_of_the_project(self):
        # cmake ignores an unknown -D with a mere warning: a renamed option would go unnoticed
        configure = [line for line in self.shim.stderr.splitlines()
                     if line.startswith("==> cmake -S")]
        self.assertEqual(len(configure), 1, self.shim.stderr[-3000:])
        passed = re.findall(r"-D(CHAPTAG_\w+)=", configure[0])
        self.assertEqual(sorted(passed),
                         ["CHAPTAG_FFMPEG", "CHAPTAG_INTEGRATION", "CHAPTAG_TESTS"])
        with open(os.path.join(self.declared["staged"], "CMakeLists.txt")) as f:
            text = f.read()
        # option(NAME ...) for ON/OFF, set(NAME AUTO CACHE STRING ...) for AUTO/ON/OFF
        options = set(re.findall(r"^option\((CHAPTAG_\w+)", text, re.M))
        options |= set(re.findall(r"^set\((CHAPTAG_\w+) .*\bCACHE\b", text, re.M))
        self.assertLessEqual(set(passed), options)
        unused = re.search(r"not used by the project:\n\n((?:    \S+\n)+)", self.shim.stderr)
        self.assertNotIn("CHAPTAG_", unused.group(1) if unused else "")
        self.assertIn("-DCMAKE_INSTALL_PREFIX=" + self.prefix, configure[0])
        # and no test was built: only the tool, the library and what is installed
        build = os.path.join(self.declared["staged"], "build")
        self.assertFalse(os.path.exists(os.path.join(build, "tests")))
        self.assertFalse(os.path.exists(os.path.join(build, "chaptag-testhooks")))

    def test_the_prefix_holds_the_tool_library_header_and_packages(self):
        for path in ("bin/chaptag", "lib/libchaptag.a", "lib/libchaptag.so",
                     "include/chaptag/chaptag.h", "lib/pkgconfig/chaptag.pc",
                     "lib/cmake/chaptag/chaptagConfig.cmake", "share/man/man1/chaptag.1",
                     "share/bash-completion/completions/chaptag",
                     "share/zsh/site-functions/_chaptag",
                     "share/fish/vendor_completions.d/chaptag.fish"):
            self.assertTrue(os.path.exists(os.path.join(self.prefix, path)), path)

    def test_the_installed_tool_is_the_one_under_test(self):
        if self.dirty:
            self.skipTest("the build under test holds uncommitted edits; the tarball is HEAD")
        tool = os.path.join(self.prefix, "bin", "chaptag")
        self.assertEqual(run([tool, "--version"]).stdout, f"chaptag {self.version}\n")
        seed = os.path.join(SEEDS, "seed-000.txt")
        for fmt in ("json", "psc", "mp4chaps"):
            self.assertEqual(run([tool, "convert", "--to", fmt, seed]).stdout,
                             run([CHAPTAG, "convert", "--to", fmt, seed]).stdout, fmt)


if __name__ == "__main__":
    ctcheck.main()
