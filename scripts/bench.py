"""chaptag's benchmark: the same edits by chaptag, an ffmpeg remux and mutagen, on files of
10 MB to 2 GB made here on demand, alternating, several repetitions; prints median wall time,
peak RSS and the ratios. Run through scripts/bench.sh. Never a test: figures, not verdicts."""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

BENCH_FILES = {  # name: (container, megabytes)
    "mp3-10m": ("mp3", 10), "mp3-500m": ("mp3", 500),
    "m4b-10m": ("m4b", 10), "m4b-500m": ("m4b", 500), "m4b-2g": ("m4b", 2048),
}
MUTAGEN_MP3 = r"""
import sys
from mutagen.id3 import ID3, CHAP, CTOC, TIT2, CTOCFlags
path, chapters = sys.argv[1], sys.argv[2]
items = []
for line in open(chapters, encoding="utf-8"):
    t, title = line.rstrip("\n").split(" ", 1)
    h, m, s = (int(x) for x in t.split(":"))
    items.append(((h * 3600 + m * 60 + s) * 1000, title))
tags = ID3(path)
tags.delall("CHAP"); tags.delall("CTOC")
ids = []
for i, (start, title) in enumerate(items):
    end = items[i + 1][0] if i + 1 < len(items) else start + 60000
    ids.append("chp%d" % i)
    tags.add(CHAP(element_id=ids[-1], start_time=start, end_time=end,
                  sub_frames=[TIT2(encoding=3, text=[title])]))
tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
              child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=["Chapters"])]))
tags.save(path, v2_version=3)
"""


def sh(*args, **kw):
    subprocess.run(args, check=True, **kw)


def run(args):
    """Runs ARGS; returns (seconds, peak RSS in KiB) of that process alone. The peak comes
    from GNU time: a child spawned straight from Python would report Python's own memory
    (the kernel keeps the pre-exec high-water mark). The wall time is measured here around
    the whole spawn, so it includes time's own start, about 0.5 ms: a bias against chaptag."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *args], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    err = p.stderr.decode(errors="replace").strip().splitlines()
    if p.returncode != 0 or not err:
        raise SystemExit(f"bench: {' '.join(args)} failed: {' '.join(err)}")
    return elapsed, int(err[-1])


def make_file(kind, megabytes, path, work):
    """A file of about MEGABYTES: a one-minute encode concatenated, then remuxed by ffmpeg so
    that its headers (Xing, moov) are whole and correct."""
    ff = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
    unit = os.path.join(work, f"unit.{kind}")
    if kind == "mp3":
        sh(*ff, "-f", "lavfi", "-i", "sine=f=440:sample_rate=44100:d=60", "-ac", "2",
           "-c:a", "libmp3lame", "-b:a", "128k", "-id3v2_version", "0", "-write_xing", "0",
           unit)
    else:
        sh(*ff, "-f", "lavfi", "-i", "sine=f=440:sample_rate=44100:d=60", "-ac", "2",
           "-c:a", "aac", "-b:a", "256k", unit)
    copies = max(1, megabytes * 1024 * 1024 // os.path.getsize(unit))
    listing = os.path.join(work, "concat.txt")
    with open(listing, "w") as f:
        f.write(f"file '{unit}'\n" * copies)
    extra = ["-id3v2_version", "3", "-write_xing", "1"] if kind == "mp3" else \
        ["-movflags", "+faststart", "-f", "ipod"]
    sh(*ff, "-f", "concat", "-safe", "0", "-i", listing, "-map", "0:a", "-c", "copy",
       "-metadata", "title=Benchmark episode", *extra, path)


def chapter_lists(work, n=30):
    """Two chapter lists of the same size with different titles, in text and FFMETADATA."""
    out = []
    for variant in ("A", "B"):
        text = os.path.join(work, f"chapters-{variant}.txt")
        meta = os.path.join(work, f"chapters-{variant}.ffmeta")
        with open(text, "w") as t, open(meta, "w") as m:
            m.write(";FFMETADATA1\n")
            for i in range(n):
                start = i * 10
                title = f"Chapter {i + 1:02d} variant {variant}: a title of a usual length"
                t.write(f"{start // 3600:02d}:{start // 60 % 60:02d}:{start % 60:02d} {title}\n")
                m.write(f"[CHAPTER]\nTIMEBASE=1/1000\nSTART={start * 1000}\n"
                        f"END={(start + 10) * 1000}\ntitle={title}\n")
        out.append((text, meta))
    return out


def cold():
    """Empties the page cache (root only; a no-op otherwise), so that a copy reads its source
    from the disk as a release pipeline's first embed of a fresh file does. True if done."""
    os.sync()
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def median_ms(samples):
    return statistics.median(s for s, _ in samples) * 1000


def peak_mb(samples):
    return max(r for _, r in samples) / 1024


def bench_reembed(chaptag, pristine, lists, reps, work):
    """Re-embedding chapters that fit the padding, alternating two lists so every run writes;
    against an ffmpeg remux and (MP3) a mutagen save, interleaved in the same run."""
    path = os.path.join(work, "reembed" + os.path.splitext(pristine)[1])
    shutil.copyfile(pristine, path)
    sh(chaptag, "embed", "-q", path, lists[0][0])  # the first embed leaves padding
    out = os.path.join(work, "remux" + os.path.splitext(path)[1])
    mp3 = path.endswith(".mp3")
    script = os.path.join(work, "mutagen_chapters.py")
    with open(script, "w") as f:
        f.write(MUTAGEN_MP3)
    mutagen_copy = os.path.join(work, "mutagen.mp3")
    if mp3:
        shutil.copyfile(path, mutagen_copy)
        sh("/usr/bin/python3", script, mutagen_copy, lists[0][0])
    ct, ff, mg = [], [], []
    for i in range(reps):
        text, meta = lists[(i + 1) % 2]
        ct.append(run([chaptag, "embed", "-q", path, text]))
        ff.append(run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", path, "-i", meta,
                       "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1", "-c", "copy",
                       out]))
        if mp3:
            mg.append(run(["/usr/bin/python3", script, mutagen_copy, text]))
    os.remove(out)
    os.remove(path)
    if mp3:
        os.remove(mutagen_copy)
    return ct, ff, mg


def bench_first_embed(chaptag, bare, lists, reps, work):
    """A first embed that must rewrite (the file as ffmpeg made it, with no room for chapters),
    against cp of the same file, and against cp followed by a sync of the copy: chaptag syncs
    the new file before it renames it (that is the crash-safety guarantee), cp does not."""
    ct, cp, cps = [], [], []
    target = os.path.join(work, "target" + os.path.splitext(bare)[1])
    source = os.path.join(work, "source" + os.path.splitext(bare)[1])
    for i in range(reps):
        shutil.copyfile(bare, target)
        cold()
        ct.append(run([chaptag, "embed", "-q", target, lists[1][0]]))
        os.remove(target)
        shutil.copyfile(bare, source)
        cold()
        cp.append(run(["cp", source, target]))
        os.remove(target)
        cold()
        cps.append(run(["sh", "-c", 'cp "$0" "$1" && sync -d "$1"', source, target]))
        os.remove(target)
        os.remove(source)
    return ct, cp, cps


def bench_chapter_counts(chaptag, pristine, reps, work):
    """Re-embed time and peak memory as the chapter count grows, on one file: the cost of an
    in-place edit is the cost of the chapters, so it grows with them, not with the audio."""
    rows = []
    path = os.path.join(work, "counts" + os.path.splitext(pristine)[1])
    for n in (30, 300, 3000):
        shutil.copyfile(pristine, path)
        lists = []
        for variant in ("A", "B"):
            text = os.path.join(work, f"count-{n}-{variant}.txt")
            with open(text, "w") as t:
                for i in range(n):
                    ms = i * 100
                    t.write(f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}."
                            f"{ms % 1000:03d} Chapter {i + 1} variant {variant}\n")
            lists.append(text)
        sh(chaptag, "embed", "-q", path, lists[0])
        samples = [run([chaptag, "embed", "-q", path, lists[(i + 1) % 2]]) for i in range(reps)]
        rows.append((n, median_ms(samples), peak_mb(samples)))
    os.remove(path)
    return rows


def bench_parse(chaptag, work):
    rows = []
    for n in (10000, 100000):
        path = os.path.join(work, f"lines-{n}.txt")
        with open(path, "w") as f:
            for i in range(n):
                f.write(f"{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d} Chapter {i}\n")
        samples = [run([chaptag, "convert", "--to", "text", path]) for _ in range(5)]
        rows.append((n, median_ms(samples), peak_mb(samples)))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chaptag", required=True)
    ap.add_argument("--dir", required=True, help="where the large files are made and kept")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--files", default=",".join(BENCH_FILES))
    ap.add_argument("--first-embed-only", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    work = os.path.join(a.dir, "work")
    os.makedirs(work, exist_ok=True)
    lists = chapter_lists(work)
    print(f"chaptag benchmark: {a.reps} repetitions, medians; machine: {os.cpu_count()} cores,"
          f" {os.uname().release}")
    startup = [run([a.chaptag, "--version"]) for _ in range(20)]
    print(f"start-up (chaptag --version): {median_ms(startup):.2f} ms, "
          f"{peak_mb(startup):.1f} MB peak RSS")
    print("\n== re-embed that fits the padding (in place)")
    print(f"{'file':10} {'size':>8} {'chaptag':>9} {'RSS':>7} {'ffmpeg':>9} {'RSS':>7} "
          f"{'mutagen':>9} {'ratio ff':>9} {'ratio mg':>9}")
    firsts = []
    for name in a.files.split(","):
        if a.first_embed_only:
            kind, _ = BENCH_FILES[name]
            firsts.append((name, os.path.join(a.dir, f"{name}.{kind}")))
            continue
        kind, mb = BENCH_FILES[name]
        path = os.path.join(a.dir, f"{name}.{kind}")
        if not os.path.exists(path):
            print(f"(making {path})", file=sys.stderr)
            make_file(kind, mb, path, work)
        ct, ff, mg = bench_reembed(a.chaptag, path, lists, a.reps, work)
        size = os.path.getsize(path) / 1e6
        mgt = f"{median_ms(mg):8.1f}ms" if mg else "      n/a"
        mgr = f"{median_ms(mg) / median_ms(ct):8.0f}x" if mg else "      n/a"
        print(f"{name:10} {size:7.0f}M {median_ms(ct):7.2f}ms {peak_mb(ct):5.1f}MB "
              f"{median_ms(ff):7.0f}ms {peak_mb(ff):5.1f}MB {mgt} "
              f"{median_ms(ff) / median_ms(ct):8.0f}x {mgr}")
        firsts.append((name, path))
    print("\n== first embed that must rewrite, against cp of the same file (page cache "
          f"{'emptied before each run' if cold() else 'NOT emptied: not root'})")
    print(f"{'file':10} {'chaptag':>9} {'RSS':>7} {'cp':>9} {'ratio':>7} {'cp+sync':>9} {'ratio':>7}")
    for name, path in firsts:
        ct, cp, cps = bench_first_embed(a.chaptag, path, lists, max(3, a.reps // 2), work)
        print(f"{name:10} {median_ms(ct):7.1f}ms {peak_mb(ct):5.1f}MB {median_ms(cp):7.1f}ms "
              f"{median_ms(ct) / median_ms(cp):6.2f}x {median_ms(cps):7.1f}ms "
              f"{median_ms(ct) / median_ms(cps):6.2f}x")
    for name in () if a.first_embed_only else ("mp3-10m", "m4b-10m"):
        kind, _ = BENCH_FILES[name]
        pristine = os.path.join(a.dir, f"{name}.{kind}")
        if os.path.exists(pristine):
            print(f"\n== re-embed as the chapter count grows ({name})")
            for n, ms, mb in bench_chapter_counts(a.chaptag, pristine, a.reps, work):
                print(f"{n:6} chapters: {ms:7.2f} ms, {mb:.1f} MB peak RSS")
    if a.first_embed_only:
        return
    print("\n== parsing a long chapter file (convert --to text: parse, check, print)")
    for n, ms, mb in bench_parse(a.chaptag, work):
        print(f"{n:7} lines: {ms:7.1f} ms, {mb:.1f} MB peak RSS")
    print("\nmutagen cannot write MP4 chapters (it only reads chpl): n/a for M4B.")


if __name__ == "__main__":
    main()
