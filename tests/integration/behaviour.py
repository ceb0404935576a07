"""Behaviour, byte for byte: every command on every input whose bytes are fixed (the shared
corpus, and the generated fixtures that come out the same on every run), with each test
chapter list: dump in every format, verify --format json, embed, strip. Each output's exit
status and sha256 are compared with behaviour.sha256, recorded before the architecture moved
(run with --record to write it anew, on purpose, when behaviour is meant to change)."""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RECORD = os.path.join(HERE, "behaviour.sha256")
CHAPTAG = os.environ.get("CHAPTAG", "build/chaptag")
FIXTURES = os.environ.get("FIXTURES", "fixtures/audio")
SEEDS = os.environ.get("SEEDS", "fixtures/chapters")
SRC = os.environ.get("SRC", os.path.join(HERE, "..", ".."))
CORPUS = os.path.join(SRC, "..", "shared", "corpus")
FORMATS = ["text", "json", "psc", "ffmetadata", "mp4chaps", "audacity", "cue", "vtt", "ogm"]
# generated fixtures whose bytes do not change from one generation to the next (no random
# stream serials or UIDs); their own sha256 is part of the record
STABLE_FIXTURES = ["cbr-v23.mp3", "vbr-v24.mp3", "notag.mp3", "id3v1.mp3", "chaptered.mp3",
                   "aac-faststart.m4a", "aac-moov-last.m4a", "chaptered.m4b", "audio.flac"]
LISTS = {
    "short.txt": "00:00:00 Opening\n00:00:00.500 Second – Ünïcode\n",
    "links.json": '{"version":"1.2.0","chapters":[{"startTime":0,"title":"Start",'
                  '"url":"https://example.com/a"},{"startTime":0.25,"title":"Hidden",'
                  '"toc":false},{"startTime":0.5,"title":"Last"}]}\n',
}


def digest(data):
    return hashlib.sha256(data).hexdigest()[:16]


def inputs():
    """(name, path) of every input: corpus files, then the stable fixtures."""
    found = []
    if os.path.isdir(CORPUS):
        for sub in sorted(os.listdir(CORPUS)):
            folder = os.path.join(CORPUS, sub)
            if os.path.isdir(folder):
                found += [(f"{sub}/{n}", os.path.join(folder, n)) for n in sorted(os.listdir(folder))]
    found += [(f"fixtures/{n}", os.path.join(FIXTURES, n)) for n in STABLE_FIXTURES
              if os.path.exists(os.path.join(FIXTURES, n))]
    return found


def run(tmp, *args):
    """Runs chaptag in TMP (so that messages name files the same way on every machine)."""
    p = subprocess.run([CHAPTAG, *args], cwd=tmp, capture_output=True)
    return p.returncode, p.stdout + b"\x00" + p.stderr


def cases(name, path, tmp):
    """Yields (case, exit status, digest) for one input."""
    base = os.path.basename(path)
    with open(path, "rb") as f:
        original = f.read()
    yield f"{name} input", 0, digest(original)
    work = os.path.join(tmp, "a" + os.path.splitext(base)[1])
    lists = dict(LISTS)
    for seed in ("seed-000.txt", "seed-004.txt"):
        with open(os.path.join(SEEDS, seed), encoding="utf-8") as f:
            lists[seed] = f.read()
    for list_name, text in lists.items():
        with open(os.path.join(tmp, list_name), "w", encoding="utf-8") as f:
            f.write(text)
    shutil.copyfile(path, work)
    arg = os.path.basename(work)
    for fmt in FORMATS:
        rc, out = run(tmp, "dump", "--format", fmt, arg)
        yield f"{name} dump {fmt}", rc, digest(out)
    rc, out = run(tmp, "verify", "--format", "json", arg)
    yield f"{name} verify", rc, digest(out)
    for list_name in lists:
        shutil.copyfile(path, work)
        rc, out = run(tmp, "embed", arg, list_name)
        with open(work, "rb") as f:
            yield f"{name} embed {list_name}", rc, digest(out + b"\x00" + f.read())
        rc, out = run(tmp, "verify", "--format", "json", arg, list_name)
        yield f"{name} verify {list_name}", rc, digest(out)
        rc, out = run(tmp, "strip", arg)
        with open(work, "rb") as f:
            yield f"{name} strip after {list_name}", rc, digest(out + b"\x00" + f.read())


def main():
    record = "--record" in sys.argv
    tmp = tempfile.mkdtemp(prefix="chaptag-behaviour-")
    try:
        got = [f"{case}\t{rc}\t{d}" for name, path in inputs() for case, rc, d in
               cases(name, path, tmp)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if record:
        with open(RECORD, "w", encoding="utf-8") as f:
            f.write("\n".join(got) + "\n")
        print(f"recorded {len(got)} outputs in {RECORD}")
        return 0
    want = {}
    with open(RECORD, encoding="utf-8") as f:
        for line in f.read().splitlines():
            case, rc, d = line.rsplit("\t", 2)
            want[case] = f"{rc}\t{d}"
    passed = failed = 0
    for line in got:
        case, rest = line.split("\t", 1)
        if case not in want:
            print(f"FAIL {case}: not in the record")
            failed += 1
        elif want[case] != rest:
            print(f"FAIL {case}: {rest} (recorded {want[case]})")
            failed += 1
        else:
            passed += 1
    missing = set(want) - {line.split("\t", 1)[0] for line in got}
    no_corpus = not os.path.isdir(CORPUS)
    skipped = 0
    for case in sorted(missing):
        if no_corpus and not case.startswith("fixtures/"):
            skipped += 1  # the shared corpus is not beside this checkout: not checked
            continue
        print(f"FAIL {case}: recorded but not produced (an input is missing)")
        failed += 1
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    if skipped and not failed:
        print(f"the corpus ({CORPUS}) is missing: its cases were not checked")
        return 77  # ctest: skipped, never counted as passing
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
