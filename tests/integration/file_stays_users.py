"""The file stays the user's: a rewrite keeps owner, group, mode, extended attributes, the POSIX
ACL and holes, or replaces nothing; signals during a rewrite leave no temporary file and exit
with 128 + the signal; temporary files left by a kill are removed by the next writer in the
folder, live ones never. A portable build (CHAPTAG_PORTABLE=1 from ctest: -DCHAPTAG_PORTABLE=ON,
every fallback of the platform layer) promises owner, group, mode and the bytes, without the
extended attributes, the ACL or the holes: that is what is checked there."""
import fcntl
import os
import re
import signal
import subprocess
import time
import unittest

import ctcheck
from ctcheck import CHAPTAG, SEEDS, TempDir, chaptag, ffprobe_chapters, run, sha256

SEED = os.path.join(SEEDS, "seed-000.txt")
TMP_NAME = re.compile(r"^\.(.+)\.chaptag-tmp-[A-Za-z0-9]{6}$")
OTHER_UID = 4321  # a user that owns nothing here
PORTABLE = os.environ.get("CHAPTAG_PORTABLE") == "1"


def getfacl(path):
    return run(["getfacl", "-n", "-p", "-c", path], check=True)[1]


def temps(folder):
    return sorted(n for n in os.listdir(folder) if TMP_NAME.match(n))


class FileStaysUsers(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        os.chmod(self.tmp.path, 0o777)  # the unprivileged cases write here too

    def tearDown(self):
        self.tmp.close()

    def need_root(self):
        if os.geteuid() != 0:
            self.skipTest("needs root (chown to another user, setpriv)")

    def test_a_rewrite_keeps_owner_group_mode_xattrs_and_the_acl(self):
        self.need_root()
        path = self.tmp.copy("notag.mp3", "ep.mp3")  # no tag: the first embed rewrites
        os.chown(path, 1234, 2345)
        os.chmod(path, 0o640)
        os.setxattr(path, "user.podcast.note", b"keep me")
        # the ACL gives another user read access and denies the group what the mode's group
        # bits (the mask) would seem to allow: a mode copied alone would widen it
        run(["setfacl", "-m", f"u:{OTHER_UID}:r--,g::---,m::r--", path], check=True)
        acl, st = getfacl(path), os.stat(path)
        inode = st.st_ino
        rc, out, err = chaptag("embed", path, SEED)
        self.assertEqual(rc, 0, err)
        self.assertIn("file rewritten", out)
        now = os.stat(path)
        self.assertNotEqual(now.st_ino, inode)  # a new file really replaced it
        self.assertEqual((now.st_uid, now.st_gid), (1234, 2345))
        self.assertEqual(now.st_mode & 0o7777, st.st_mode & 0o7777)
        if PORTABLE:  # owner and mode only: the attribute and the ACL's entries are gone
            self.assertEqual(os.listxattr(path), [])
            self.assertNotIn(f"user:{OTHER_UID}:", getfacl(path))
        else:
            self.assertEqual(os.getxattr(path, "user.podcast.note"), b"keep me")
            self.assertEqual(getfacl(path), acl)
        self.assertEqual(len(ffprobe_chapters(path)), 30)

    def test_a_rewrite_that_cannot_keep_the_owner_replaces_nothing(self):
        self.need_root()
        path = self.tmp.copy("notag.mp3", "theirs.mp3")
        os.chmod(path, 0o666)  # writable by anyone, owned by root
        before = sha256(path)
        as_user = ["setpriv", f"--reuid={OTHER_UID}", f"--regid={OTHER_UID}", "--clear-groups"]
        p = subprocess.run([*as_user, CHAPTAG, "embed", path, SEED], capture_output=True,
                           text=True)
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn("owner", p.stderr)
        self.assertIn("-o", p.stderr)
        self.assertEqual(sha256(path), before)
        self.assertEqual(os.stat(path).st_uid, 0)
        self.assertEqual(temps(self.tmp.path), [])
        out = os.path.join(self.tmp.path, "mine.mp3")  # the way out the message names
        p = subprocess.run([*as_user, CHAPTAG, "embed", "-o", out, path, SEED],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(os.stat(out).st_uid, OTHER_UID)
        self.assertEqual(sha256(path), before)

    def test_holes_of_a_sparse_file_stay_holes(self):
        with open(os.path.join(ctcheck.FIXTURES, "notag.mp3"), "rb") as f:
            audio = f.read()
        path = os.path.join(self.tmp.path, "sparse.mp3")
        with open(path, "wb") as f:  # 64 MiB of hole inside the audio
            f.write(audio[:len(audio) // 2])
            f.seek(len(audio) // 2 + (64 << 20))
            f.write(audio[len(audio) // 2:])
        before = os.stat(path)
        self.assertLess(before.st_blocks * 512, before.st_size // 4, "no hole made here")
        short = self.tmp.write("short.txt", "00:00:00 Start\n00:10:00 Later\n")
        rc, out, err = chaptag("embed", path, short)
        self.assertEqual(rc, 0, err)
        self.assertIn("file rewritten", out)
        now = os.stat(path)
        self.assertEqual(now.st_size, before.st_size + 8192)  # the new tag, nothing else
        with open(path, "rb") as f:  # the audio and its hole read back as they were
            f.seek(8192)
            self.assertEqual(f.read(len(audio) // 2), audio[:len(audio) // 2])
            self.assertEqual(f.read(64 << 20), bytes(64 << 20))
            self.assertEqual(f.read(), audio[len(audio) // 2:])
        if PORTABLE:  # no SEEK_DATA: the hole is written out as zeros
            self.assertGreaterEqual(now.st_blocks * 512, 64 << 20)
        else:  # allocated: what was, plus the tag, to the block at each end of the hole
            self.assertLessEqual(now.st_blocks * 512, before.st_blocks * 512 + 8192 + 2 * 4096)

    def test_signals_during_a_rewrite_remove_the_temporary_file(self):
        hooks = os.environ["CHAPTAG_TESTHOOKS"]  # pauses after each copied chunk
        env = dict(os.environ, CHAPTAG_TEST_STEP_DELAY_MS="1500")
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
            path = self.tmp.copy("notag.mp3", "ep.mp3")
            before = sha256(path)
            landed = False
            for attempt in range(20):  # until the signal lands mid-rewrite
                p = subprocess.Popen([hooks, "embed", "-q", path, SEED], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                deadline = time.monotonic() + 10
                while not temps(self.tmp.path) and p.poll() is None and \
                        time.monotonic() < deadline:
                    time.sleep(0.005)
                mid = bool(temps(self.tmp.path)) and p.poll() is None
                p.send_signal(sig)
                rc = p.wait()
                p.stderr.close()
                if mid:
                    landed = True
                    self.assertEqual(rc, 128 + sig, f"{sig.name}: exit {rc}")
                    self.assertEqual(temps(self.tmp.path), [], sig.name)
                    self.assertEqual(sha256(path), before, sig.name)
                    break
                for n in temps(self.tmp.path):
                    os.remove(os.path.join(self.tmp.path, n))
                path = self.tmp.copy("notag.mp3", "ep.mp3")
            self.assertTrue(landed, f"{sig.name} never landed mid-rewrite")

    def test_temporary_files_left_by_a_kill_go_and_live_ones_stay(self):
        path = self.tmp.copy("notag.mp3", "ep.mp3")
        stale = self.tmp.write(".ep.mp3.chaptag-tmp-AbC123", b"half a file")
        live = self.tmp.write(".other.mp3.chaptag-tmp-XyZ789", b"being written")
        keep = self.tmp.write(".ep.mp3.notours-AbC123", b"someone else's")
        with open(live, "rb") as held:
            fcntl.flock(held, fcntl.LOCK_EX)  # as a running chaptag holds its own
            rc, _, err = chaptag("embed", "-q", path, SEED)  # a rewrite
            self.assertEqual(rc, 0, err)
            self.assertFalse(os.path.exists(stale))
            self.assertTrue(os.path.exists(live))
            self.assertTrue(os.path.exists(keep))
            stale = self.tmp.write(".ep.mp3.chaptag-tmp-DeF456", b"another one")
            rc, out, err = chaptag("strip", path)  # an edit in place cleans up too
            self.assertEqual(rc, 0, err)
            self.assertIn("in place", out)
            self.assertFalse(os.path.exists(stale))
            self.assertTrue(os.path.exists(live))


if __name__ == "__main__":
    ctcheck.main()
