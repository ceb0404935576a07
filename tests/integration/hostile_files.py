"""Generated files that chaptag has lost data on: MP4 boxes of size 0 ("to the end of the
file"), junk before MP3 audio, a WAV behind an ID3 tag, stacked ID3 tags, Nero-only chapters,
old titles left in the bytes, files that grow on every re-embed, `-o` naming the input,
chapter-less JSON dumps, and the containers libavformat writes (ADTS, Ogg, WAV, Opus).

Each case is checked the same way: exit 0 means exactly the chapters (read back by ffprobe),
the decoded audio unchanged, no decoding error and the other tags unchanged; a refusal means
exit 4 with a `chaptag: ` message and the file byte-identical. One line per case, PASS or
FAIL with the reasons, then `N passed, M failed`."""
import json
import os
import re
import shutil
import sys
import tempfile
import time
import traceback

import craft
from craft import (audio_md5, chpl_chapters, decode_errors, id3_size, probe_chapters,
                   probe_format, read, run, sha256, write)

CHAPTAG = os.environ.get("CHAPTAG", "build/chaptag")
SRC = os.environ.get("SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.normpath(os.path.join(SRC, "..", "shared", "corpus"))
TMP_NAME = re.compile(r"^\..*\.chaptag-tmp-")
# Tags a rewrite may legitimately change: the muxer's name, the length ID3 adds, and the
# chapter comments Ogg and FLAC carry the chapters in.
VOLATILE_TAG = re.compile(r"^(encoder|TLEN|CHAPTER\d+(NAME|URL)?)$", re.I)


def chapter_text(chapters):
    return "".join(f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}."
                   f"{ms % 1000:03d} {title}\n" for ms, title in chapters)


def spaced(n, step_ms, fmt):
    return [(i * step_ms, fmt.format(i + 1)) for i in range(n)]


SHORT = [(0, "Intro"), (1700, "At one point seven"), (2400, "Near the end")]


class Problems(Exception):
    pass


class Case:
    """One case: a temporary folder, and the problems found so far."""

    def __init__(self, name):
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="chaptag-hostile-")
        self.problems = []
        self.notes = []
        self.n = 0

    def p(self, name):
        return os.path.join(self.dir, name)

    def fail(self, what):
        self.problems.append(what)

    def chapters_file(self, chapters):
        self.n += 1
        return write(self.p(f"chapters-{self.n}.txt"), chapter_text(chapters).encode())

    # -------------------------------------------------------------- the common check

    def baseline(self, path):
        """What must survive every write: decoded audio, decoding cleanliness, tags, format."""
        md5, err = audio_md5(path)
        fmt, _ = probe_format(path)
        return {"md5": md5, "err": err if md5 else None, "clean": not decode_errors(path),
                "format": fmt, "tags": stream_and_format_tags(path)}

    def leftovers(self, step):
        left = [n for n in os.listdir(self.dir) if TMP_NAME.match(n)]
        if left:
            self.fail(f"{step}: left {', '.join(left)}")

    def check_result(self, step, target, chapters, base):
        """TARGET was written (exit 0): it must carry exactly CHAPTERS, and BASE's audio,
        tags and format."""
        got = probe_chapters(target)
        if got is None:
            self.fail(f"{step}: exit 0 but ffprobe cannot open the result")
            return
        if got != chapters:
            self.fail(f"{step}: exit 0 but ffprobe reads {short(got)}, expected {short(chapters)}")
        if base["md5"]:
            md5, err = audio_md5(target)
            if md5 != base["md5"]:
                self.fail(f"{step}: decoded audio changed ({md5 or err[:100]})")
        if base["clean"]:
            err = decode_errors(target)
            if err:
                self.fail(f"{step}: ffmpeg -v error reports: {err.splitlines()[0][:120]}")
        fmt, _ = probe_format(target)
        if fmt != base["format"]:
            self.fail(f"{step}: ffprobe now sees {fmt}, was {base['format']}")
        tags = stream_and_format_tags(target)
        if tags != base["tags"]:
            diff = {k: (base["tags"].get(k), tags.get(k))
                    for k in set(tags) | set(base["tags"]) if tags.get(k) != base["tags"].get(k)}
            self.fail(f"{step}: other tags changed: {str(diff)[:160]}")

    def check_refusal(self, step, rc, err, shas, allowed=(4,)):
        first = err.strip().splitlines()[0] if err.strip() else ""
        if rc not in allowed:
            self.fail(f"{step}: exit {rc} (expected 0 or {'/'.join(map(str, allowed))})"
                      f"{': ' + first[:120] if first else ''}")
        if not err.startswith("chaptag: "):
            self.fail(f"{step}: exit {rc} without a 'chaptag: ' message: {first[:100]!r}")
        for path, sha in shas.items():
            now = sha256(path) if os.path.exists(path) else None
            if now != sha:
                self.fail(f"{step}: exit {rc} but {os.path.basename(path)} "
                          f"{'changed' if sha else 'was created'}")
        return first

    def embed(self, path, chapters, step="embed", out=None, args=(), base=None,
              allowed=(4,)):
        """chaptag embed [ARGS] [-o OUT] PATH with CHAPTERS; checked as above. Returns the
        exit status (a refusal is noted, and fails unless its status is in ALLOWED)."""
        base = base or self.baseline(path)
        target = out or path
        shas = {path: sha256(path)}
        if out:
            shas[out] = sha256(out) if os.path.exists(out) else None
        cmd = [CHAPTAG, "embed", *args, *(["-o", out] if out else []), path,
               self.chapters_file(chapters)]
        rc, _, err = run(cmd)
        if rc == 0:
            if out and sha256(path) != shas[path]:
                self.fail(f"{step}: -o {os.path.basename(out)} changed the input")
            self.check_result(step, target, chapters, base)
        else:
            first = self.check_refusal(step, rc, err, shas, allowed)
            self.notes.append(f"{step} refused: {first[:110]}")
        self.leftovers(step)
        return rc

    def strip(self, path, step="strip", base=None):
        base = base or self.baseline(path)
        sha = sha256(path)
        rc, _, err = run([CHAPTAG, "strip", path])
        if rc == 0:
            self.check_result(step, path, [], base)
        else:
            self.check_refusal(step, rc, err, {path: sha})
            self.fail(f"strip of a file chaptag wrote failed (exit {rc})")
        self.leftovers(step)
        return rc


def short(chapters):
    if len(chapters) > 6:
        return f"{len(chapters)} chapters [{chapters[0][0]} {chapters[0][1]!r} ... " \
               f"{chapters[-1][0]} {chapters[-1][1]!r}]"
    return "[" + ", ".join(f"{ms} {t!r}" for ms, t in chapters) + "]"


def stream_and_format_tags(path):
    """The tags that must survive: the file's, each audio stream's and each attached
    picture's (cover art, with its codec), keyed by kind and order. Chapter tracks (text,
    data, chapter images) are chapters, not tags."""
    rc, out, _ = run(["ffprobe", "-v", "error", "-show_entries",
                      "format_tags:stream_tags:stream=codec_type,codec_name:stream_disposition",
                      "-of", "json", path])
    if rc != 0:
        return {}
    doc = json.loads(out)
    tags = {f"format:{k}": v for k, v in doc.get("format", {}).get("tags", {}).items()}
    audio = pics = 0
    for st in doc.get("streams", []):
        if st.get("codec_type") == "audio":
            key, audio = f"audio{audio}", audio + 1
        elif st.get("disposition", {}).get("attached_pic"):
            key, pics = f"cover{pics}", pics + 1
            tags[f"{key}:codec"] = st.get("codec_name")
        else:
            continue
        tags.update({f"{key}:{k}": v for k, v in st.get("tags", {}).items()})
    return {k: v for k, v in tags.items() if not VOLATILE_TAG.match(k.split(":", 1)[1])}


def title_bytes(title):
    """Every way an old title may sit in a tag: UTF-8/Latin-1, UTF-16 LE and BE."""
    return [title.encode("utf-8"), title.encode("utf-16-le"), title.encode("utf-16-be")]


def titles_left(path, titles):
    data = read(path)
    return [t for t in titles if any(data.count(b) for b in title_bytes(t))]


# ------------------------------------------------------------------ the cases

CASES = []


def case(name):
    def register(fn):
        CASES.append((name, fn))
        return fn
    return register


LONG = [(i * 200, f"A much longer chapter title, number {i + 1:02d}, to outgrow every slot")
        for i in range(38)]
MEDIUM = [(0, "First again"), (2500, "Second again"), (5000, "Third again")]
SHORTER = [(0, "Only"), (4000, "Two")]


def size0_steps(c, path, out_mode):
    """embed, a longer list (a new layout), a shorter one (in place), strip; with OUT_MODE
    each embed writes a new file with -o from the previous one."""
    base = c.baseline(path)
    cur = path
    for i, (step, chapters) in enumerate([("embed", MEDIUM), ("longer list", LONG),
                                          ("shorter list", SHORTER)]):
        if out_mode:
            out = c.p(f"out{i}.m4a")
            rc = c.embed(cur, chapters, step + " -o", out=out, base=base)
            if rc != 0:
                return
            cur = out
        elif c.embed(cur, chapters, step, base=base) != 0:
            return
    c.strip(cur, base=base)


@case("mp4: moov last with size 0, embed/longer/shorter/strip in place")
def _(c):
    size0_steps(c, craft.zero_last_box_size(craft.m4a(c.p("a.m4a")), b"moov"), False)


@case("mp4: moov last with size 0, each embed with -o")
def _(c):
    size0_steps(c, craft.zero_last_box_size(craft.m4a(c.p("a.m4a")), b"moov"), True)


@case("mp4: faststart, mdat last with size 0, embed/longer/shorter/strip in place")
def _(c):
    size0_steps(c, craft.zero_last_box_size(craft.m4a(c.p("a.m4a"), faststart=True),
                                            b"mdat"), False)


@case("mp4: faststart, mdat last with size 0, each embed with -o")
def _(c):
    size0_steps(c, craft.zero_last_box_size(craft.m4a(c.p("a.m4a"), faststart=True),
                                            b"mdat"), True)


def junk_mp3(c, junk, tag, zeros=False):
    """Embed into [ID3v2.3] + JUNK + frames: exactly the chapters, an ID3v2.3 tag, and
    everything after the old tag still right after the new one. Zero bytes right after the
    tag may be taken into its padding (readers cannot tell them from it)."""
    from mutagen.id3 import ID3
    path, taglen, junk = craft.mp3_with_prefix(c.dir, "j.mp3", junk, tag=tag)
    before = read(path)
    if c.embed(path, SHORT) != 0:
        return
    after = read(path)
    try:
        t = ID3(path)
        if t.version != (2, 3, 0):
            c.fail(f"mutagen reads ID3v{'.'.join(map(str, t.version))}, not 2.3.0")
        if tag and (t.get("TIT2") is None or t["TIT2"].text != ["Junk test"]):
            c.fail(f"TIT2 is {t.get('TIT2')!r}, was 'Junk test'")
    except Exception as e:
        c.fail(f"mutagen cannot read the tag: {e}")
        return
    rest, old_rest = after[id3_size(after):], before[taglen:]
    if zeros and rest != old_rest:
        nz = len(old_rest) - len(old_rest.lstrip(b"\0"))
        if not (old_rest.endswith(rest) and len(rest) >= len(old_rest) - nz):
            c.fail("the bytes after the tag are not the old ones (less leading zeros)")
    elif rest != old_rest:
        where = next((i for i, (a, b) in enumerate(zip(rest, old_rest)) if a != b),
                     min(len(rest), len(old_rest)))
        c.fail(f"the {len(junk)} bytes of junk and the audio after the tag are not kept "
               f"byte-identical (first difference {where} bytes after the tag; "
               f"{len(old_rest)} bytes before, {len(rest)} now)")


@case("mp3: 300 zero bytes before the first frame, no ID3 tag")
def _(c):
    junk_mp3(c, b"\0" * 300, tag=False, zeros=True)


@case("mp3: ID3v2.3 tag, then 300 zero bytes before the first frame")
def _(c):
    junk_mp3(c, b"\0" * 300, tag=True, zeros=True)


@case("mp3: ID3v2.3 tag, then garbage bytes before the audio")
def _(c):
    junk_mp3(c, craft.GARBAGE, tag=True)


@case("mp3: garbage bytes before the audio, no ID3 tag")
def _(c):
    junk_mp3(c, craft.GARBAGE, tag=False)


@case("mp3: ID3v2.3 tag, then a truncated frame before the audio")
def _(c):
    junk_mp3(c, craft.truncated_frame, tag=True)


@case("wav: an ID3v2 tag in front of RIFF is not an MP3")
def _(c):
    path = craft.wav_behind_id3(c.dir, "w.wav")
    sha = sha256(path)
    rc, _, err = run([CHAPTAG, "embed", path, c.chapters_file([(0, "A"), (1000, "B")])])
    if rc == 0:
        base = {"md5": audio_md5(craft.wav_behind_id3(c.dir, "orig.wav"))[0], "clean": True,
                "format": "wav", "tags": stream_and_format_tags(c.p("orig.wav"))}
        c.check_result("embed", path, [(0, "A"), (1000, "B")], base)
    else:
        c.check_refusal("embed", rc, err, {path: sha})
        if re.search(r"MPEG|MP3", err):
            c.fail(f"refused as if it were an MP3: {err.strip()[:110]}")
        c.notes.append(f"refused: {err.strip()[:100]}")
    c.leftovers("embed")


@case("mp3: two stacked ID3v2 tags with TIT2/TPE1: each once, the first tag's value")
def _(c):
    from mutagen.id3 import ID3
    path = craft.stacked_id3_mp3(c.dir, "s.mp3")
    base = c.baseline(path)
    if c.embed(path, SHORT, base=base) != 0:
        return
    t = ID3(path)
    for fid, want in (("TIT2", "First title"), ("TPE1", "First artist")):
        frames = t.getall(fid)
        texts = [x for f in frames for x in f.text]
        if texts != [want]:
            c.fail(f"mutagen reads {fid} as {texts}, expected [{want!r}] once")
    data = read(path)
    if data[id3_size(data):id3_size(data) + 3] == b"ID3":
        c.fail("a second ID3v2 tag still follows the first")


def nero_dump(c, path, want):
    """chaptag dump must list WANT (the chpl's chapters) and say it used the chpl."""
    rc, out, err = run([CHAPTAG, "dump", "--format", "json", path])
    try:
        got = [(int(round(float(x["startTime"]) * 1000)), x.get("title", ""))
               for x in json.loads(out)["chapters"]]
    except (ValueError, KeyError, TypeError):
        c.fail(f"dump --format json exited {rc} and printed {out[:40]!r}, no JSON document"
               f"{' (' + err.strip()[:110] + ')' if err.strip() else ''}")
        got = None
    if got is not None and got != want:
        c.fail(f"dump lists {short(got)}, the chpl holds {short(want)}")
    rc, out, err = run([CHAPTAG, "dump", path])
    header = "\n".join(line for line in out.splitlines() if line.startswith("#")) + err
    if not re.search(r"chpl|nero", header, re.I):
        c.fail("dump does not say the chapters come from the Nero chpl")
    m = re.search(r"^# chapters: (\d+)", out, re.M)
    if m and int(m.group(1)) != len(want):
        c.fail(f"dump header says '{m.group(0)[2:]}', the chpl has {len(want)}")


FIVE = [(0, "One"), (1500, "Two"), (3000, "Three"), (4500, "Four"), (6000, "Five")]


@case("m4b: only a Nero chpl (no QuickTime track): dump lists it")
def _(c):
    path = craft.add_chpl(craft.m4a(c.p("n.m4b")), FIVE)
    assert chpl_chapters(path) == FIVE and probe_chapters(path) == FIVE
    nero_dump(c, path, FIVE)


def empty_track_and_chpl(c, all_tables):
    path = craft.m4a(c.p("e.m4b"))
    rc, _, err = run([CHAPTAG, "embed", "-q", "--mp4-style", "both", path,
                      c.chapters_file(FIVE)])
    if rc != 0:
        raise Problems(f"could not make the file: chaptag embed exited {rc}: {err.strip()}")
    craft.empty_chapter_track(path, all_tables)
    assert chpl_chapters(path) == FIVE and probe_chapters(path) == FIVE
    assert not decode_errors(path), decode_errors(path)
    nero_dump(c, path, FIVE)


@case("m4b: an empty QuickTime chapter track (no samples) and a chpl of 5: dump lists the chpl")
def _(c):
    # Every table emptied: a chunk without samples is what FFmpeg calls a broken header.
    empty_track_and_chpl(c, all_tables=True)


@case("m4b: corpus mutagen/nero-chapters.m4b (empty track, chpl of 112): dump lists the chpl")
def _(c):
    src = os.path.join(CORPUS, "mutagen", "nero-chapters.m4b")
    if not os.path.exists(src):
        raise Skip(f"{src} is not there")
    want = chpl_chapters(src)
    nero_dump(c, src, want)


ALPHA = [(0, "SPOILER-ALPHA-123"), (1000, "SECRET-BRAVO-456"), (2000, "HIDDEN-CHARLIE-789")]
PUBLIC = [(0, "Public one"), (1200, "Public two"), (2200, "Public three")]


def no_old_titles(c, path):
    base = c.baseline(path)
    if c.embed(path, ALPHA, "embed A", base=base) != 0:
        return
    if c.embed(path, PUBLIC, "embed B in place", base=base) == 0:
        left = titles_left(path, [t for _, t in ALPHA])
        if left:
            c.fail(f"after embedding B over A the file still holds {left}")
    if c.embed(path, ALPHA, "embed A again", base=base) == 0 and c.strip(path, base=base) == 0:
        left = titles_left(path, [t for _, t in ALPHA])
        if left:
            c.fail(f"after strip the file still holds {left}")


@case("mp3: no old title left after re-embed and after strip")
def _(c):
    no_old_titles(c, craft.sine(c.p("t.mp3"), 3, ["-c:a", "libmp3lame", "-b:a", "32k"],
                                extra=["-metadata", "title=Keep me"]))


@case("mp4: no old title left after re-embed and after strip")
def _(c):
    no_old_titles(c, craft.m4a(c.p("t.m4a"), seconds=3))


def no_growth(c, path):
    a = spaced(3, 2000, "Small list {}")
    b = spaced(9, 1000, "The bigger list, chapter {}, with a longer title")
    base = c.baseline(path)
    sizes = []
    for i in range(8):
        if c.embed(path, (a, b)[i % 2], f"embed {i + 1}", base=base) != 0:
            return
        sizes.append(os.path.getsize(path))
    if sizes[-1] > sizes[1] + 1024:
        c.fail(f"grew from {sizes[1]} bytes after the 2nd embed to {sizes[-1]} after the 8th "
               f"(sizes {sizes})")
    c.notes.append(f"sizes {sizes}")


@case("mp4: 8 alternating re-embeds do not grow the file (generated)")
def _(c):
    no_growth(c, craft.m4a(c.p("g.m4a"), seconds=10))


@case("mp4: 8 alternating re-embeds do not grow the file (corpus antennapod/auphonic.m4a)")
def _(c):
    src = os.path.join(CORPUS, "antennapod", "auphonic.m4a")
    if not os.path.exists(src):
        raise Skip(f"{src} is not there")
    shutil.copyfile(src, c.p("auphonic.m4a"))
    no_growth(c, c.p("auphonic.m4a"))


def output_is_input(c, kind):
    path = craft.sine(c.p("a.mp3"), 3, ["-c:a", "libmp3lame", "-b:a", "32k"])
    if kind == "hard link":
        os.link(path, c.p("hard.mp3"))
        out = "hard.mp3"
    elif kind == "symlink":
        os.symlink("a.mp3", c.p("sym.mp3"))
        out = "sym.mp3"
    else:
        out = "./a.mp3"
    sha = sha256(path)
    chapters = c.chapters_file(SHORT)
    rc, _, err = run([CHAPTAG, "embed", "-o", out, "a.mp3", chapters], cwd=c.dir)
    if rc != 2:
        c.fail(f"exit {rc}, expected 2 (usage: the output is the input): {err.strip()[:100]}")
    if not re.match(r"chaptag( [a-z]+)?: ", err):  # usage errors say 'chaptag embed: '
        c.fail(f"no 'chaptag: ' message: {err.strip()[:100]!r}")
    names = [out, "a.mp3"]
    if out.endswith("a.mp3"):
        if err.count("a.mp3") < 2:
            c.fail(f"the message does not name both paths: {err.strip()[:120]!r}")
    elif not all(n in err for n in names):
        c.fail(f"the message does not name both {names}: {err.strip()[:120]!r}")
    if sha256(path) != sha:
        c.fail("the audio file changed")
    if kind == "symlink" and not os.path.islink(c.p("sym.mp3")):
        c.fail("the symlink was replaced")
    c.leftovers("embed -o")


@case("cli: embed -o naming the input through a hard link: exit 2")
def _(c):
    output_is_input(c, "hard link")


@case("cli: embed -o naming the input through a symlink: exit 2")
def _(c):
    output_is_input(c, "symlink")


@case("cli: embed -o ./AUDIO AUDIO: exit 2")
def _(c):
    output_is_input(c, "./")


# Keys `dump --format json` adds beside the chapters (README: author, album, year, duration).
JSON_META = {"duration", "author", "album", "year", "title"}


def empty_json(c, path):
    rc, out, err = run([CHAPTAG, "dump", "--format", "json", path])
    if rc != 0:
        c.fail(f"exit {rc}: {err.strip()[:100]}")
    try:
        doc = json.loads(out)
    except ValueError:
        c.fail(f"stdout is not a JSON document: {out[:60]!r}")
        return
    core = {k: v for k, v in doc.items() if k not in JSON_META} if isinstance(doc, dict) else doc
    if core != {"version": "1.2.0", "chapters": []}:
        c.fail(f"printed {out.strip()[:100]!r}, expected {{\"version\":\"1.2.0\",\"chapters\":[]}}")


@case("cli: dump --format json of an MP3 without chapters is {version, chapters: []}")
def _(c):
    empty_json(c, craft.raw_mp3(c.p("n.mp3")))


@case("cli: dump --format json of an M4A without chapters is {version, chapters: []}")
def _(c):
    empty_json(c, craft.m4a(c.p("n.m4a"), seconds=3))


def other(c, path, chapters=SHORT):
    c.embed(path, chapters)


@case("aac: ADTS AAC")
def _(c):
    other(c, craft.sine(c.p("a.aac"), 3, ["-c:a", "aac", "-b:a", "32k"]))


@case("ogg: Ogg Vorbis")
def _(c):
    other(c, craft.sine(c.p("a.ogg"), 3, ["-c:a", "libvorbis", "-q:a", "0"],
                        extra=["-metadata", "title=Vorbis test"]))


@case("wav: PCM WAV")
def _(c):
    other(c, craft.sine(c.p("a.wav"), 3, ["-c:a", "pcm_s16le"], rate=8000))


@case("wav: PCM WAV with a bext chunk")
def _(c):
    other(c, craft.sine(c.p("b.wav"), 3, ["-c:a", "pcm_s16le"], rate=8000,
                        extra=["-write_bext", "1", "-metadata", "description=bext test",
                               "-metadata", "originator=chaptag"]))


@case("opus: a chapter at 00:00:01.700")
def _(c):
    other(c, craft.sine(c.p("a.opus"), 3, ["-c:a", "libopus", "-b:a", "16k"], rate=48000,
                        extra=["-metadata", "title=Opus test"]))


@case("opus: cover art (METADATA_BLOCK_PICTURE)")
def _(c):
    other(c, craft.opus_with_cover(c.dir, "c.opus"))


@case("opus: corpus antennapod/auphonic.opus (cover art)")
def _(c):
    src = os.path.join(CORPUS, "antennapod", "auphonic.opus")
    if not os.path.exists(src):
        raise Skip(f"{src} is not there")
    shutil.copyfile(src, c.p("auphonic.opus"))
    other(c, c.p("auphonic.opus"))


class Skip(Exception):
    pass


def main():
    t0 = time.monotonic()
    passed = failed = skipped = 0
    for name, fn in CASES:
        c = Case(name)
        t1 = time.monotonic()
        try:
            fn(c)
        except Skip as e:
            print(f"SKIP {name}: {e}")
            skipped += 1
            continue
        except Problems as e:
            c.fail(str(e))
        except Exception as e:
            c.fail(f"checker error: {type(e).__name__}: {e} "
                   f"({traceback.extract_tb(e.__traceback__)[-1].lineno})")
        finally:
            shutil.rmtree(c.dir, ignore_errors=True)
        took = time.monotonic() - t1
        if c.problems:
            failed += 1
            print(f"FAIL {name} ({took:.1f} s)")
            for p in c.problems:
                print(f"       - {p}")
        else:
            passed += 1
            print(f"PASS {name} ({took:.1f} s){': ' + '; '.join(c.notes) if c.notes else ''}")
    print(f"({time.monotonic() - t0:.1f} s{f', {skipped} skipped' if skipped else ''})")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
