"""Install and link: the build installed into a prefix chosen at install time, then a program
that parses a JSON chapter list compiled against it three ways: pkg-config (shared),
pkg-config --static (libchaptag.a and its private dependencies), and CMake's
find_package(chaptag)."""
import os
import shutil
import subprocess
import tempfile
import unittest

import ctcheck
from ctcheck import CHAPTAG

BUILD = os.path.dirname(os.path.abspath(CHAPTAG))


def sanitized():
    """True when the build under test was made with ASan and UBSan: a program linking it must
    be too."""
    with open(os.path.join(BUILD, "CMakeCache.txt")) as f:
        return "CHAPTAG_SANITIZE:BOOL=ON" in f.read()


SAN = ["-fsanitize=address,undefined"] if sanitized() else []
PROGRAM = r"""
#include <chaptag/chaptag.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    const char *j = "{\"version\":\"1.2.0\",\"chapters\":[{\"startTime\":0,\"title\":\"A\"},"
                    "{\"startTime\":5.5,\"title\":\"B\"}]}";
    chaptag_chapters *l = NULL;
    chaptag_error err;
    if (chaptag_parse(j, strlen(j), NULL, &l, &err) != CHAPTAG_OK)
        return 1;
    printf("%zu %llu\n", chaptag_chapters_count(l),
           (unsigned long long)chaptag_chapters_get(l, 1)->start_ms);
    chaptag_chapters_free(l);
    return 0;
}
"""


def run(args, **kw):
    p = subprocess.run(args, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(args)}: {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p.stdout


class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="chaptag-install-")
        cls.prefix = os.path.join(cls.tmp, "prefix")  # chosen now, not at configure time
        run(["cmake", "--install", BUILD, "--prefix", cls.prefix])
        found = [os.path.join(d, f) for d, _, fs in os.walk(cls.prefix) for f in fs
                 if f == "chaptag.pc"]
        cls.pc_dir = os.path.dirname(found[0])
        cls.libdir = os.path.dirname(cls.pc_dir)
        with open(os.path.join(cls.tmp, "t.c"), "w") as f:
            f.write(PROGRAM)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def pkg_config(self, *args):
        env = dict(os.environ, PKG_CONFIG_PATH=self.pc_dir)
        return run(["pkg-config", *args, "chaptag"], env=env).split()

    def test_the_pc_file_follows_the_prefix_chosen_at_install(self):
        libdir = self.pkg_config("--variable=libdir")[0]
        self.assertEqual(os.path.realpath(libdir), os.path.realpath(self.libdir))
        static = self.pkg_config("--static", "--libs")
        for lib in ("-ljansson", "-lexpat", "-ldl", "-lm"):
            self.assertIn(lib, static)

    def test_a_program_links_shared_through_pkg_config(self):
        exe = os.path.join(self.tmp, "shared")
        run(["cc", *SAN, os.path.join(self.tmp, "t.c"), "-o", exe,
             *self.pkg_config("--cflags", "--libs")])
        out = run([exe], env=dict(os.environ, LD_LIBRARY_PATH=self.libdir))
        self.assertEqual(out, "2 5500\n")

    def test_a_program_links_static_through_pkg_config(self):
        exe = os.path.join(self.tmp, "static")
        libs = self.pkg_config("--static", "--libs")
        # the archives of chaptag and its private dependencies, the system libraries shared
        static = [a for a in libs if a in ("-lchaptag", "-ljansson", "-lexpat")]
        system = [a for a in libs if a.startswith("-l") and a not in static]
        paths = [a for a in libs if a.startswith("-L")]
        run(["cc", *SAN, os.path.join(self.tmp, "t.c"), "-o", exe, *self.pkg_config("--cflags"),
             *paths, "-Wl,-Bstatic", *static, "-Wl,-Bdynamic", *system])
        self.assertNotIn("libchaptag", run(["ldd", exe]))
        self.assertEqual(run([exe]), "2 5500\n")

    def test_a_cmake_project_finds_the_package(self):
        src = os.path.join(self.tmp, "proj")
        os.makedirs(src)
        with open(os.path.join(src, "CMakeLists.txt"), "w") as f:
            f.write("cmake_minimum_required(VERSION 3.16)\nproject(t C)\n"
                    "find_package(chaptag 0.1 REQUIRED)\nadd_executable(t t.c)\n"
                    "target_link_libraries(t PRIVATE chaptag::chaptag)\n")
        shutil.copy(os.path.join(self.tmp, "t.c"), src)
        build = os.path.join(self.tmp, "proj-build")
        run(["cmake", "-S", src, "-B", build, f"-DCMAKE_PREFIX_PATH={self.prefix}",
             f"-DCMAKE_C_FLAGS={' '.join(SAN)}"])
        run(["cmake", "--build", build])
        out = run([os.path.join(build, "t")], env=dict(os.environ, LD_LIBRARY_PATH=self.libdir))
        self.assertEqual(out, "2 5500\n")


if __name__ == "__main__":
    ctcheck.main()
