"""Never exit 0 with fewer chapters: chaptag embed on every generated fixture and on every
file of the shared corpus of real-world audio (../shared/corpus: other projects' test files,
odd and damaged ones included), each copied to a temporary folder.

For each file a short chapter list (0, 0.7 s, 1.25 s; 0, 30 %, 60 % of the duration for
files under 2 s) is embedded. Exit 0 must mean: ffprobe reads exactly those starts (to the
millisecond) and titles, `chaptag dump --format json` agrees, the decoded audio is the same
(ffmpeg's md5), and a second, different list embedded in place and a strip are both just as
exact. A non-zero exit must be 3, 4 or 5 with a message `chaptag: ...` that names the file,
the file byte-identical and no temporary file left. Every file is checked to the end and
reported on one line; the last line says `N passed, M failed`."""
import json
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import craft
from craft import probe_chapters, run, sha256

CHAPTAG = os.environ.get("CHAPTAG", "build/chaptag")
FIXTURES = os.environ.get("FIXTURES", "fixtures/audio")
SRC = os.environ.get("SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.normpath(os.path.join(SRC, "..", "shared", "corpus"))
TMP_NAME = re.compile(r"^\..*\.chaptag-tmp-")

TITLES_1 = ["Opening – Ünïcode", "The middle part", "Closing words"]
TITLES_2 = ["Cold open", "Second: news", "Third – interview", "Outro & credits"]


def lists_for(duration):
    """The two chapter lists [(ms, title)] for a file of DURATION seconds (None: unknown)."""
    if duration is None or duration >= 2.0:
        return (list(zip([0, 700, 1250], TITLES_1)),
                list(zip([0, 500, 1000, 1600], TITLES_2)))
    ms = duration * 1000

    def starts(fracs):
        out = []
        for f in fracs:
            s = int(round(ms * f))
            out.append(max(s, out[-1] + 1) if out else 0)
        return out
    return (list(zip(starts([0, 0.3, 0.6]), TITLES_1)),
            list(zip(starts([0, 0.2, 0.45, 0.7]), TITLES_2)))


def chapter_text(chapters):
    return "".join(f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}."
                   f"{ms % 1000:03d} {title}\n" for ms, title in chapters)


def probe(path):
    """(ffprobe opens it, its duration in seconds or None), in one ffprobe run."""
    rc, out, _ = run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                      "json", path])
    if rc != 0:
        return False, None
    try:
        return True, float(json.loads(out)["format"]["duration"])
    except (ValueError, KeyError, TypeError):
        return True, None


def leftovers(folder):
    return [n for n in os.listdir(folder) if TMP_NAME.match(n)]


def dump_json(path):
    """[(ms, title)] from `chaptag dump --format json`, or a string saying what went wrong."""
    rc, out, err = run([CHAPTAG, "dump", "--format", "json", path])
    if rc != 0:
        return f"dump exited {rc}: {err.strip()[:120]}"
    try:
        doc = json.loads(out)
        return [(int(round(float(c["startTime"]) * 1000)), c.get("title", ""))
                for c in doc["chapters"]]
    except (ValueError, KeyError, TypeError) as e:
        return f"dump --format json printed no valid JSON ({e}): {out[:80]!r}"


def audio_sums(path, decode):
    """(packets, decoded, decode errors): the MD5 of the audio packets as ffmpeg
    stream-copies them (cheap), and with DECODE of the decoded audio (`-f md5` of the
    decoder's output) in the same ffmpeg run; None for what ffmpeg cannot do."""
    folder = os.path.dirname(path)
    outs = [os.path.join(folder, ".packets.md5"), os.path.join(folder, ".decoded.md5")]
    args = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", path,
            "-map", "0:a", "-c", "copy", "-f", "md5", outs[0]]
    if decode:
        args += ["-map", "0:a", "-f", "md5", outs[1]]
    rc, _, err = run(args)
    sums = []
    for o in outs:
        try:
            with open(o) as f:
                text = f.read().strip()
            os.remove(o)
        except OSError:
            text = ""
        sums.append(text if rc == 0 and text.startswith("MD5=") else None)
    return sums[0], sums[1], err.strip()


def describe(chapters):
    return "[" + ", ".join(f"{ms} {t!r}" for ms, t in chapters) + "]" \
        if isinstance(chapters, list) else repr(chapters)


class FileCheck:
    """Everything checked on one file; problems are collected, never raised."""

    def __init__(self, src, label):
        self.src, self.label = src, label
        self.problems = []
        self.exits = []
        self.outcome = ""

    def fail(self, what):
        self.problems.append(what)

    def refusal(self, step, rc, err, before_sha, chapter_file=None):
        """A non-zero exit: a clean refusal or not."""
        first = err.strip().splitlines()[0] if err.strip() else ""
        if rc < 0 or rc == -999:
            self.fail(f"{step}: crashed or hung (status {rc}) {err.strip()[:100]}")
        elif rc not in (3, 4, 5):
            self.fail(f"{step}: exit {rc} (must be 3, 4 or 5): {first[:120]}")
        if not err.strip():
            self.fail(f"{step}: exit {rc} with nothing on stderr")
        elif not err.startswith("chaptag: "):
            self.fail(f"{step}: message does not start with 'chaptag: ': {first[:100]!r}")
        elif os.path.basename(self.path) not in err and not (
                rc == 3 and chapter_file and os.path.basename(chapter_file) in err):
            # exit 3 is about the chapter input: naming the chapter file (and line) is right
            self.fail(f"{step}: message does not name the file: {first[:100]!r}")
        elif not re.search(r"[A-Za-z]{3}", err.replace(self.path, "").replace("chaptag:", "")):
            self.fail(f"{step}: message gives no reason: {first[:100]!r}")
        if sha256(self.path) != before_sha:
            self.fail(f"{step}: exit {rc} but the file changed")
        return first

    def written(self, step, chapters, last):
        """Exit 0: exactly CHAPTERS read back, audio as before, chaptag's dump agreeing. The
        audio packets are compared after every step; the decoded audio (slow for an hour of
        Opus) after the last one, which proves the steps before it too."""
        got = probe_chapters(self.path)
        if got is None:
            self.fail(f"{step}: exit 0 but ffprobe cannot read the file any more"
                      if self.probe_ok else
                      f"{step}: exit 0 on a file ffprobe cannot read (chapters unverifiable)")
        elif got != chapters:
            self.fail(f"{step}: exit 0 but ffprobe reads {describe(got)}, "
                      f"expected {describe(chapters)}")
        last = last or self.packets is None
        packets, md5, err = audio_sums(self.path, decode=last and self.md5 is not None)
        if self.packets is not None and packets != self.packets:
            self.fail(f"{step}: the audio packets changed (ffmpeg -c copy -f md5)")
        if self.md5 is not None and last:
            if md5 != self.md5:
                self.fail(f"{step}: decoded audio changed ({md5 or err[:100]})")
            elif err and not self.decode_err:
                self.fail(f"{step}: ffmpeg now reports decode errors: {err[:100]}")
        if chapters:
            dumped = dump_json(self.path)
            if dumped != chapters and dumped != got:  # agreeing with ffprobe: said above
                self.fail(f"{step}: dump --format json gives {describe(dumped)[:160]}")

    def run(self):
        t0 = time.monotonic()
        work = tempfile.mkdtemp(prefix="chaptag-corpus-")
        try:
            os.mkdir(os.path.join(work, "a"))
            self.path = os.path.join(work, "a", os.path.basename(self.src))
            shutil.copyfile(self.src, self.path)
            self.probe_ok, duration = probe(self.path)
            list1, list2 = lists_for(duration)
            self.packets, self.md5, self.decode_err = audio_sums(self.path, decode=True)
            steps = [("embed", list1), ("re-embed", list2), ("strip", [])]
            for step, chapters in steps:
                before = sha256(self.path)
                cf = None
                if step == "strip":
                    args = ["strip", self.path]
                else:
                    cf = craft.write(os.path.join(work, f"{step}.txt"),
                                     chapter_text(chapters).encode())
                    args = ["embed", self.path, cf]
                rc, out, err = run([CHAPTAG, *args])
                self.exits.append(str(rc))
                if rc == 0:
                    self.written(step, chapters, last=step == "strip")
                else:
                    first = self.refusal(step, rc, err, before, cf)
                    if step == "embed":
                        self.outcome = f"refused: {first[:90]}"
                    else:
                        self.fail(f"{step}: a file chaptag itself wrote is refused "
                                  f"(exit {rc}): {first[:100]}")
                left = leftovers(os.path.dirname(self.path))
                if left:
                    self.fail(f"{step}: left {', '.join(left)}")
                    for n in left:
                        os.remove(os.path.join(os.path.dirname(self.path), n))
                if rc != 0:
                    break
            if not self.outcome and not self.problems:
                self.outcome = "chapters exact after embed, re-embed and strip"
        except Exception as e:  # a broken check is a failure of this file, not of the run
            self.fail(f"checker error: {type(e).__name__}: {e}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
            self.seconds = time.monotonic() - t0
        return self


def files():
    out = []
    if os.path.isdir(FIXTURES):
        for n in sorted(os.listdir(FIXTURES)):
            if n.lower().endswith(craft.AUDIO_EXTS) and os.path.isfile(os.path.join(FIXTURES, n)):
                out.append((os.path.join(FIXTURES, n), f"fixtures/{n}"))
    if os.path.isdir(CORPUS):
        for root, _, names in sorted(os.walk(CORPUS)):
            for n in sorted(names):
                if n.lower().endswith((".md", ".txt")):
                    continue
                p = os.path.join(root, n)
                out.append((p, "corpus/" + os.path.relpath(p, CORPUS)))
    else:
        print(f"note: no shared corpus at {CORPUS}; checking the fixtures only")
    return out


def main():
    todo = files()
    if not todo:
        print(f"no fixtures in {FIXTURES} and no corpus at {CORPUS}: skipped")
        sys.exit(77)
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = list(pool.map(lambda f: FileCheck(*f).run(), todo))
    width = max(len(r.label) for r in results)
    print(f"{'file':<{width}}  {'exit':<8}  result")
    failed = 0
    for r in results:
        status = "PASS" if not r.problems else "FAIL"
        failed += bool(r.problems)
        print(f"{r.label:<{width}}  {'/'.join(r.exits):<8}  {status} {r.outcome} ({r.seconds:.1f} s)")
        for p in r.problems:
            print(f"{'':<{width}}  {'':<8}    - {p}")
    print(f"(embed/re-embed/strip exit codes; {time.monotonic() - t0:.1f} s)")
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
