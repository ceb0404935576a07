"""chaptag's pause benchmark (issue 20): snapping 30 chapters to the pauses of a 2-hour MP3
and a 10-hour M4B (and, for the record, a VBR MP3 without a seek table and an Ogg Opus read
through libavformat) against decoding the whole file, as m4b-tool does with ffmpeg's
silencedetect, and against chaptag's own whole pass (chaptag silences). Time, bytes read, peak
RSS; warm page cache, then with the audio file's pages evicted. The files hold pauses at known
places, and every snapped chapter is checked against them: a benchmark that proves nothing is
worth nothing. Run through scripts/bench.sh --pauses-only. Figures, not verdicts."""
import argparse
import hashlib
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import types

RATE = 44100
SEGMENT = 600.0  # seconds of speech-like signal, encoded once per format, then concatenated
# (start, length, amplitude) of the pauses in a segment: digital silence, or a -60 dBFS room
# tone that is silence at the default -40 dBFS threshold
PAUSES = [(48.5, 0.6, 0.0), (128.6, 0.8, 0.001), (203.0, 1.0, 0.0), (289.0, 0.7, 0.001),
          (366.0, 0.9, 0.0), (450.0, 0.6, 0.001), (531.0, 1.0, 0.0)]
# sentence gaps: 200 ms of room tone every 7.3 s, too short to count (300 ms is the minimum),
# at least 0.8 s from any pause so that none is measured longer than it was made
GAP_PHASE, GAP_EVERY, GAP_LEN, GAP_MARGIN = 3.0, 7.3, 0.2, 0.8
SPEECH = ("(0.6+0.4*sin(2*PI*4.3*t))*(0.18*sin(2*PI*150*t+43*sin(2*PI*0.7*t))"
          "+0.08*sin(2*PI*1200*t)+0.2*(random(0)-0.5))")
ROOM = "{a}*(2*random(1)-1)"
# name: (segment encoder arguments, segment extension, hours, how the whole file is muxed)
FILES = {
    "mp3-cbr-2h": (["-c:a", "libmp3lame", "-b:a", "64k"], "mp3", 2, ["-write_xing", "1"]),
    "mp3-vbr-2h": (["-c:a", "libmp3lame", "-q:a", "7"], "mp3", 2, ["-write_xing", "1"]),
    "mp3-vbr-notoc-2h": (None, "mp3", 2, None),  # mp3-vbr-2h remuxed without its Xing frame
    "m4b-10h": (["-c:a", "aac", "-b:a", "48k"], "m4b", 10,
                ["-copyts", "-movflags", "+faststart", "-f", "ipod"]),
    "opus-2h": (["-c:a", "libopus", "-b:a", "32k"], "opus", 2, ["-copyts"]),
}
FRAME = {"mp3": 1152, "m4b": 1024, "opus": 960}  # samples per packet (Opus: 20 ms at 48 kHz)
N_CHAPTERS = 30
SNAP_TOLERANCE = 0.020  # the bound: a snapped start within 20 ms of the pause's middle
DETECT_TOLERANCE = 0.030  # a whole pass's pause edges against the layout: about a frame
FFMPEG_DIGITS = 6  # silencedetect prints its times with %g
FF = ["ffmpeg", "-nostdin", "-v", "error", "-y"]


def sh(*args):
    subprocess.run(args, check=True)


def probe(path, entries, stream=True, count=False):
    """One ffprobe value (the first of ENTRIES) of PATH's audio stream or format; COUNT: with
    its packets counted (nb_read_packets)."""
    what = ["-select_streams", "a:0", "-show_entries", f"stream={entries}"] if stream else \
        ["-show_entries", f"format={entries}"]
    what += ["-count_packets"] if count else []
    out = subprocess.run(["ffprobe", "-v", "error", *what, "-of", "csv=p=0", path], check=True,
                         capture_output=True, text=True).stdout
    return out.strip().split("\n")[0].split(",")[0]


def expression():
    """The aevalsrc expression of a segment: speech-like sound (a 4.3 Hz syllable envelope over
    a wandering voiced tone, a formant and noise), sentence gaps, and the pauses."""
    for start, length, _ in PAUSES:
        a = (start - GAP_PHASE) % GAP_EVERY
        assert a >= GAP_LEN + GAP_MARGIN and a + length <= GAP_EVERY - GAP_MARGIN, start
    expr = (f"if(lt(mod(t-{GAP_PHASE},{GAP_EVERY}),{GAP_LEN}),{ROOM.format(a=0.001)},"
            f"{SPEECH})")
    for start, length, amp in reversed(PAUSES):
        quiet = ROOM.format(a=amp) if amp > 0 else "0"
        expr = f"if(between(t,{start},{start + length}),{quiet},{expr})"
    return expr


def generator_id():
    """A short hash of everything that shapes the files: a change makes them again."""
    text = repr((RATE, SEGMENT, PAUSES, expression(), FILES))
    return hashlib.sha1(text.encode()).hexdigest()[:8]


class Made:
    """A benchmark file and where its pauses are: a segment's pause at P is at
    k * stride + P + shift in copy k (stride: the packets of one segment; shift: the encoder
    delay a file without a LAME header leaves in, as ffprobe reads it)."""

    def __init__(self, name, path, copies, stride, shift, seconds):
        self.name, self.path, self.copies = name, path, copies
        self.stride, self.shift, self.seconds = stride, shift, seconds
        self.pauses = [(k * stride + s + shift, k * stride + s + length + shift)
                       for k in range(copies) for s, length, _ in PAUSES]


def tmp_of(path):
    """Where PATH is made before it is renamed into place (same extension, for ffmpeg)."""
    return os.path.join(os.path.dirname(path), "tmp-" + os.path.basename(path))


def make(name, folder):
    """Makes NAME in FOLDER unless it is there (a segment encoded once, copies concatenated
    with -c copy); returns a Made. The segment's packets give the stride of the copies."""
    enc, ext, hours, mux = FILES[name]
    copies = int(hours * 3600 / SEGMENT)
    path = os.path.join(folder, f"{name}.{ext}")
    seg_name = "mp3-vbr-2h" if enc is None else name
    seg = os.path.join(folder, f"segment-{seg_name}.{'m4a' if ext == 'm4b' else ext}")
    t0 = time.perf_counter()
    if not os.path.exists(seg):
        wav = os.path.join(folder, "segment.wav")
        if not os.path.exists(wav):
            sh(*FF, "-f", "lavfi", "-i", f"aevalsrc='{expression()}':s={RATE}:d={SEGMENT}",
               "-ac", "1", "-c:a", "pcm_s16le", tmp_of(wav))
            os.rename(tmp_of(wav), wav)
        sh(*FF, "-i", wav, *FILES[seg_name][0], tmp_of(seg))
        os.rename(tmp_of(seg), seg)
    rate = 48000 if ext == "opus" else RATE
    stride = int(probe(seg, "nb_read_packets", count=True)) * FRAME[ext] / rate
    shift = float(probe(seg, "start_time")) if enc is None else 0.0
    made = False
    if not os.path.exists(path):
        made = True
        tmp = tmp_of(path)
        if enc is None:
            vbr = make("mp3-vbr-2h", folder).path
            sh(*FF, "-i", vbr, "-map", "0:a", "-c", "copy", "-write_xing", "0",
               "-id3v2_version", "3", tmp)
        else:
            listing = os.path.join(folder, f"{name}.concat")
            with open(listing, "w") as f:
                f.write(f"file '{seg}'\nduration {stride:.6f}\n" * copies)
            sh(*FF, "-f", "concat", "-safe", "0", "-i", listing, "-map", "0:a", "-c", "copy",
               "-metadata", "title=Pause benchmark", *mux, tmp)
            os.remove(listing)
        os.rename(tmp, path)
    seconds = float(probe(path, "duration", stream=False))
    m = Made(name, path, copies, stride, shift, seconds)
    if made:
        print(f"(made {os.path.basename(path)}: {os.path.getsize(path) / 1e6:.0f} MB, "
              f"{seconds / 3600:.3f} h by ffprobe, in {time.perf_counter() - t0:.1f} s)")
    expect = copies * stride
    if abs(seconds - expect) > 0.2 and enc is not None:
        raise SystemExit(f"bench: {path} lasts {seconds:.3f} s by ffprobe, not about "
                         f"{expect:.3f} s: the concatenation went wrong; delete it")
    return m


def chapter_list(made, folder):
    """N_CHAPTERS chapters 1-2 s off pauses spread through the file, early and late in turn;
    returns the list's path and the middle each chapter should land on."""
    path = os.path.join(folder, f"{made.name}.chapters.txt")
    n = len(made.pauses)
    middles = []
    with open(path, "w") as f:
        for i in range(N_CHAPTERS):
            a, b = made.pauses[round(i * (n - 1) / (N_CHAPTERS - 1))]
            off = (1.0 + (i * 7 % 11) / 10) * (1 if i % 2 else -1)  # 1.0 to 2.0 s
            ms = round(((a + b) / 2 + off) * 1000)
            f.write(f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}."
                    f"{ms % 1000:03d} Chapter {i + 1}\n")
            middles.append((a + b) / 2)
    return path, middles


def evict(path):
    """Drops PATH's pages from the page cache (they are clean): the next read goes to the
    disk. Only this file's, so that the programs and libraries stay cached (a second run of
    any tool) and the other users of the machine keep theirs."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def drop_caches():
    """Empties the whole page cache (root only): programs and libraries come from the disk
    too, as on a machine's first run. True if done."""
    os.sync()
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def warm(path):
    with open(path, "rb") as f:
        while f.read(1 << 20):
            pass


class Run:
    """One run of a command: wall seconds, CPU seconds (user + system: what the load of a
    shared machine changes least), peak RSS (KiB), bytes it read (rchar: every read or pread), bytes
    the disk delivered (read_bytes), its stdout and stderr."""

    def __init__(self, args, scratch):
        out, err, io, tm = (os.path.join(scratch, x) for x in ("out", "err", "io", "time"))
        # sh runs the command, reaps it (so its counts join sh's) and copies sh's counts out
        script = '"$@" >"$CT_OUT" 2>"$CT_ERR"; rc=$?; cat /proc/$$/io >"$CT_IO"; exit $rc'
        env = dict(os.environ, CT_OUT=out, CT_ERR=err, CT_IO=io)
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", tm, "sh", "-c", script, "sh",
                            *args], env=env)
        self.seconds = time.perf_counter() - t0
        with open(out, encoding="utf-8", errors="replace") as f:
            self.out = f.read()
        with open(err, encoding="utf-8", errors="replace") as f:
            self.err = f.read()
        if p.returncode != 0:
            raise SystemExit(f"bench: {' '.join(args)} exited {p.returncode}: "
                             f"{self.err.strip()[-500:]}")
        with open(tm) as f:
            rss, user, system = f.read().split()[-3:]
        self.rss_kb, self.cpu = int(rss), float(user) + float(system)
        with open(io) as f:
            counts = dict(line.split(": ") for line in f.read().splitlines())
        self.rchar, self.disk = int(counts["rchar"]), int(counts["read_bytes"])


def timed(runs):
    return statistics.median(r.seconds for r in runs)


def cpu(runs):
    return statistics.median(r.cpu for r in runs)


def rss_mb(runs):
    return max(r.rss_kb for r in runs) / 1024


def snap_check(middles, snap):
    """[(chapter, given, landed, middle, error, moved)] of every chapter of a report's "snap",
    and how many moved to within SNAP_TOLERANCE of their pause's middle (-1: not all there)."""
    moves = snap["moves"]
    rows, good = [], 0
    for m, mid in zip(moves, middles):
        error = m["to"] - mid
        good += m["moved"] and abs(error) <= SNAP_TOLERANCE
        rows.append((m["chapter"], m["from"], m["to"], mid, error, m["moved"]))
    return rows, good if len(moves) == len(middles) else -1


def printed(x, digits):
    """Half the last printed digit's worth of X when printed with DIGITS significant digits
    (ffmpeg prints silencedetect's times with %g: past 10,000 s, to a tenth of a second)."""
    return 0.0 if digits is None or x < 1 else 0.5 * 10 ** (math.floor(math.log10(x)) + 1 - digits)


def detect_check(made, found, digits=None):
    """How many of the file's pauses a whole pass found within DETECT_TOLERANCE at both edges
    (and within what printing with DIGITS significant digits loses), the largest deviation
    (ms), and how many it found that were not made."""
    worst, hits, used = 0.0, 0, set()
    for a, b in made.pauses:
        near = [(abs(s - a) + abs(e - b), j) for j, (s, e) in enumerate(found)
                if e is not None and abs(s - a) <= DETECT_TOLERANCE + printed(a, digits)
                and abs(e - b) <= DETECT_TOLERANCE + printed(b, digits)]
        if near:
            _, j = min(near)
            used.add(j)
            hits += 1
            worst = max(worst, abs(found[j][0] - a), abs(found[j][1] - b))
    return hits, worst * 1000, len(found) - len(used)


def ffmpeg_pauses(text):
    starts = [float(x) for x in re.findall(r"silence_start: (-?[\d.]+)", text)]
    ends = [float(x) for x in re.findall(r"silence_end: ([\d.]+)", text)]
    return list(zip(starts, ends + [None] * (len(starts) - len(ends))))


def chaptag_pauses(text):
    def secs(clock):
        h, m, s = clock.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)
    return [(secs(a), secs(b)) for a, b, _ in (line.split()[:3] for line in text.splitlines())]


def measure(made, a, folder, scratch):
    """Every run for one file, the tools interleaved: the snap (warm, then evicted, then
    perhaps with the whole cache emptied), ffmpeg's silencedetect and chaptag silences."""
    listing, middles = chapter_list(made, folder)
    snap_cmd = [a.chaptag, "embed", "-n", "--snap-to-silence", "--format", "json", made.path,
                listing]
    ff_cmd = ["ffmpeg", "-nostdin", "-i", made.path, "-af", "silencedetect=n=-40dB:d=0.3",
              "-f", "null", "-"]
    ct_cmd = [a.chaptag, "silences", made.path]
    plain_cmd = [x for x in snap_cmd if x != "--snap-to-silence"]  # what embed -n costs alone
    r = types.SimpleNamespace(made=made, snaps=[], ffs=[], cts=[], plains=[], cold_snaps=[],
                              cold_plains=[], dropped=None)
    warm(made.path)
    Run(snap_cmd, scratch)  # the first run after another file's: not counted
    for i in range(max(a.reps, a.whole_reps)):
        if i < a.reps:
            r.snaps.append(Run(snap_cmd, scratch))
            r.plains.append(Run(plain_cmd, scratch))
        if i < a.whole_reps:
            r.ffs.append(Run(ff_cmd, scratch))
            r.cts.append(Run(ct_cmd, scratch))
    for _ in range(a.cold_reps):
        evict(made.path)
        r.cold_snaps.append(Run(snap_cmd, scratch))
        evict(made.path)
        r.cold_plains.append(Run(plain_cmd, scratch))
    evict(made.path)
    r.cold_ff = Run(ff_cmd, scratch)
    evict(made.path)
    r.cold_ct = Run(ct_cmd, scratch)
    if a.drop_caches and drop_caches():
        r.dropped = Run(snap_cmd, scratch)
    r.snap = json.loads(r.snaps[0].out)["snap"]
    runs = r.snaps + r.cold_snaps + ([r.dropped] if r.dropped is not None else [])
    r.same = sum(json.loads(x.out)["snap"]["moves"] == r.snap["moves"] for x in runs), len(runs)
    r.rows, r.good = snap_check(middles, r.snap)
    r.ff_found = detect_check(made, ffmpeg_pauses(r.ffs[0].err), FFMPEG_DIGITS)
    r.ct_found = detect_check(made, chaptag_pauses(r.cts[0].out))
    print(f"({made.name}: measured; load average {os.getloadavg()[0]:.2f})", flush=True)
    return r


def print_tables(results, a):
    print(f"\n-- warm page cache; medians of {a.reps} snaps and {a.whole_reps} whole passes; "
          f"wall time, then CPU (user + system); read: what the process read (rchar), "
          f"chaptag's own count in brackets; ratios: wall time, bytes read")
    print(f"{'file':17} {'size':>5} {'h':>3} {'seek':>18} | {'snap':>6} {'cpu':>6} {'RSS':>4} "
          f"{'read':>6} {'%':>6} ({'own %':>6}) | {'ffmpeg':>6} {'cpu':>6} {'RSS':>4} | "
          f"{'silences':>8} {'cpu':>6} {'RSS':>4} | {'ff/snap':>7} {'bytes':>5}")
    for r in results:
        size = os.path.getsize(r.made.path)
        read = statistics.median(x.rchar for x in r.snaps)
        ff_read = statistics.median(x.rchar for x in r.ffs)
        print(f"{r.made.name:17} {size / 1e6:4.0f}M {FILES[r.made.name][2]:3} "
              f"{r.snap['seek']:>18} | {timed(r.snaps) * 1000:4.0f}ms {cpu(r.snaps):5.2f}s "
              f"{rss_mb(r.snaps):3.0f}M {read / 1e6:5.2f}M {100 * read / size:5.2f}% "
              f"({100 * r.snap['bytes_read'] / r.snap['file_size']:5.2f}%) | "
              f"{timed(r.ffs):5.1f}s {cpu(r.ffs):5.1f}s {rss_mb(r.ffs):3.0f}M | "
              f"{timed(r.cts):7.1f}s {cpu(r.cts):5.1f}s {rss_mb(r.cts):3.0f}M | "
              f"{timed(r.ffs) / timed(r.snaps):6.0f}x {ff_read / read:4.0f}x")
    print(f"\n-- the audio file's pages evicted before each run (posix_fadvise DONTNEED; "
          f"programs and libraries stay cached); snap: median of {a.cold_reps}, whole passes: "
          f"one run; disk: bytes the disk delivered (read_bytes)")
    print(f"{'file':17} | {'snap':>6} {'cpu':>6} {'disk':>7} {'%':>6} | {'ffmpeg':>6} "
          f"{'disk':>6} | {'silences':>8} {'disk':>6} | {'ff/snap':>7}")
    for r in results:
        size = os.path.getsize(r.made.path)
        disk = statistics.median(x.disk for x in r.cold_snaps)
        print(f"{r.made.name:17} | {timed(r.cold_snaps) * 1000:4.0f}ms {cpu(r.cold_snaps):5.2f}s "
              f"{disk / 1e6:6.2f}M {100 * disk / size:5.1f}% | {r.cold_ff.seconds:5.1f}s "
              f"{r.cold_ff.disk / 1e6:5.0f}M | {r.cold_ct.seconds:7.1f}s "
              f"{r.cold_ct.disk / 1e6:5.0f}M | {r.cold_ff.seconds / timed(r.cold_snaps):6.0f}x")
    print("\n-- of which embed -n alone (the same command without --snap-to-silence: opening the "
          "file, planning the tag): warm, medians; evicted: disk")
    for r in results:
        size = os.path.getsize(r.made.path)
        read = statistics.median(x.rchar for x in r.plains)
        disk = statistics.median(x.disk for x in r.cold_plains)
        print(f"{r.made.name:17} | {timed(r.plains) * 1000:4.0f}ms {cpu(r.plains):5.2f}s "
              f"read {read / 1e6:6.2f}M {100 * read / size:6.2f}% | evicted "
              f"{timed(r.cold_plains) * 1000:4.0f}ms disk {disk / 1e6:6.2f}M "
              f"{100 * disk / size:5.1f}%")
    for r in results:
        if r.dropped is not None:
            print(f"{r.made.name:17} | whole page cache emptied first (libraries too): snap "
                  f"{r.dropped.seconds * 1000:.0f} ms, {r.dropped.disk / 1e6:.1f} MB from the "
                  f"disk")


def print_checks(results):
    """Prints the checks against the layout, and every chapter that missed; returns the names
    of the files where one did."""
    print("\n-- checks against the layout (pauses made at known places)")
    failed = []
    for r in results:
        n = len(r.made.pauses)
        worst = max(abs(row[4]) for row in r.rows) * 1000
        print(f"{r.made.name:17} snap: {r.good}/{N_CHAPTERS} chapters within "
              f"{SNAP_TOLERANCE * 1000:.0f} ms of their pause's middle (largest error "
              f"{worst:.1f} ms); whole passes found {r.ff_found[0]}/{n} pauses (ffmpeg, edges "
              f"within {r.ff_found[1]:.0f} ms as printed to {FFMPEG_DIGITS} digits, "
              f"{r.ff_found[2]} others) and {r.ct_found[0]}/{n} (chaptag silences, "
              f"{r.ct_found[1]:.0f} ms, {r.ct_found[2]} others); the same moves in "
              f"{r.same[0]} of {r.same[1]} snaps")
        if r.same[0] != r.same[1]:
            failed.append(r.made.name)
            print(f"  MISSED: {r.made.name}: the snaps did not all move the chapters alike")
        for chapter, given, landed, mid, error, moved in r.rows:
            if not moved or abs(error) > SNAP_TOLERANCE:
                if r.made.name not in failed:
                    failed.append(r.made.name)
                print(f"  MISSED: {r.made.name} chapter {chapter}: given {given:.3f} s, landed "
                      f"{landed:.3f} s, pause middle {mid:.3f} s, off by {error * 1000:+.1f} ms"
                      f"{'' if moved else ' (not moved)'}")
        if r.good < 0:
            failed.append(r.made.name)
            print(f"  MISSED: {r.made.name}: the report has {len(r.rows)} moves, not "
                  f"{N_CHAPTERS}")
    return failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chaptag", required=True)
    ap.add_argument("--dir", required=True, help="where the large files are made and kept")
    ap.add_argument("--reps", type=int, default=7, help="runs of each snap (warm)")
    ap.add_argument("--cold-reps", type=int, default=3, help="runs of each snap (evicted)")
    ap.add_argument("--whole-reps", type=int, default=3,
                    help="runs of each whole-file pass (warm; evicted: one)")
    ap.add_argument("--files", default=",".join(FILES))
    ap.add_argument("--drop-caches", action="store_true",
                    help="also one snap per file with the whole page cache emptied (root)")
    a = ap.parse_args()
    folder = os.path.join(a.dir, f"pauses-{generator_id()}")
    os.makedirs(folder, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="chaptag-bench-")
    names = a.files.split(",")
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                            text=True).stdout.strip()  # the tree the Release build is of
    print(f"\n== pauses: snapping {N_CHAPTERS} chapters against decoding the whole file "
          f"(issue 20)\nchaptag at {commit or 'an unknown commit'}; "
          f"{os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the start; files in {folder}")
    t0 = time.perf_counter()
    files = [make(name, folder) for name in names]
    print(f"files ready in {time.perf_counter() - t0:.1f} s")
    wav = os.path.join(folder, "segment.wav")
    if os.path.exists(wav) and all(os.path.exists(os.path.join(folder, f"{n}.{FILES[n][1]}"))
                                   for n in FILES):
        os.remove(wav)
    overhead = [Run(["true"], scratch) for _ in range(10)]
    print(f"each time below includes spawning GNU time and sh: {timed(overhead) * 1000:.1f} ms "
          f"(median of 10 runs of true)")
    tiny = os.path.join(folder, "one-second.mp3")
    if not os.path.exists(tiny):
        sh(*FF, "-i", files[0].path, "-t", "1", "-c", "copy", tiny)
    Run([a.chaptag, "silences", tiny], scratch)
    start = [Run([a.chaptag, "silences", tiny], scratch) for _ in range(10)]
    print(f"chaptag silences on a one-second MP3 (start-up and opening libavcodec): "
          f"{timed(start) * 1000:.1f} ms, {rss_mb(start):.1f} MB (median of 10)")
    results = [measure(made, a, folder, scratch) for made in files]
    print_tables(results, a)
    failed = print_checks(results)
    print(f"\ngoal (issue 20): under 5 % of the file read where a seek table exists, and well "
          f"under a second; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at "
          f"the end")
    for name in failed:
        print(f"bench: {name}: a snapped chapter missed its pause (above)", file=sys.stderr)
    for x in os.listdir(scratch):
        os.remove(os.path.join(scratch, x))
    os.rmdir(scratch)
    if failed:
        sys.exit(1)

if __name__ == "__main__":
    main()
