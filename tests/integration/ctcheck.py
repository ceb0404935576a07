"""Helpers shared by the integration tests: run chaptag, read files back with independent
readers (ffprobe, mutagen, libid3tag), and parse the seed chapter files independently of
chaptag so that expectations never come from the code under test."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

CHAPTAG = os.environ.get("CHAPTAG", "build/chaptag")
ID3TAG_CHECK = os.environ.get("ID3TAG_CHECK", "build/tests/id3tag_check")
FIXTURES = os.environ.get("FIXTURES", "fixtures/audio")
SEEDS = os.environ.get("SEEDS", "fixtures/chapters")
SEED_FILES = ["seed-000.txt", "seed-004.txt"]


def run(args, stdin=None, check=False, env=None):
    """Runs a command (in ENV, else this environment); returns (exit status, stdout, stderr)
    as text."""
    p = subprocess.run(args, input=stdin, capture_output=True, text=True, env=env)
    if check and p.returncode != 0:
        raise AssertionError(f"{args} exited {p.returncode}: {p.stderr}")
    return p.returncode, p.stdout, p.stderr


def chaptag(*args, stdin=None):
    return run([CHAPTAG, *args], stdin=stdin)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def audio_md5(path):
    """The MD5 of the audio packets, as ffmpeg stream-copies them: tags do not count."""
    _, out, err = run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-map", "0:a",
                       "-c", "copy", "-f", "md5", "-"], check=True)
    return out.strip()


def ffprobe_chapters(path):
    """[(start_ms, end_ms, title)] as ffprobe reads them."""
    _, out, _ = run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", path],
                    check=True)
    chapters = json.loads(out).get("chapters", [])
    return [(round(float(c["start_time"]) * 1000), round(float(c["end_time"]) * 1000),
             c.get("tags", {}).get("title", "")) for c in chapters]


def ffprobe_duration_ms(path):
    _, out, _ = run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                     "csv=p=0", path], check=True)
    return round(float(out.strip()) * 1000)


def id3tag_frames(path):
    """Frame IDs libid3tag finds, or raises when it cannot parse the tag."""
    rc, out, err = run([ID3TAG_CHECK, path])
    if rc != 0:
        raise AssertionError(f"libid3tag cannot parse {path}: {err}")
    return [line.split()[0] for line in out.splitlines() if not line.startswith("frames ")]


def seed_chapters(name):
    """[(start_ms, title)] of a seed file, parsed here with the simple rule the seeds
    follow, repairing UTF-8 that was read as Windows-1252 and encoded again."""
    with open(os.path.join(SEEDS, name), encoding="utf-8") as f:
        text = f.read()
    out = []
    for line in text.splitlines():
        m = re.match(r"^(\d+):(\d\d):(\d\d) (.*)$", line.strip())
        if not m:
            continue
        h, mi, s, title = m.groups()
        try:
            repaired = title.encode("cp1252").decode("utf-8")
            if repaired != title:
                title = repaired
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        out.append(((int(h) * 3600 + int(mi) * 60 + int(s)) * 1000, title))
    return out


class TempDir:
    """A temporary folder with copies of fixtures."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="chaptag-it-")

    def copy(self, fixture, name=None):
        dst = os.path.join(self.path, name or os.path.basename(fixture))
        shutil.copyfile(os.path.join(FIXTURES, fixture), dst)
        return dst

    def write(self, name, data):
        path = os.path.join(self.path, name)
        with open(path, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
        return path

    def close(self):
        shutil.rmtree(self.path, ignore_errors=True)


SKIPPED = 77  # ctest's SKIP_RETURN_CODE for the integration tests


def main():
    """Runs the calling module's tests. Exits SKIPPED when every test that ran passed but some
    were skipped (no tmpfs without root, ...), so that ctest reports the suite as skipped
    instead of passed: a check that did not run is never counted as passing."""
    result = unittest.main(verbosity=2, exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.skipped:
        print(f"{len(result.skipped)} test(s) skipped: reported to ctest as skipped")
        sys.exit(SKIPPED)
    sys.exit(0)
