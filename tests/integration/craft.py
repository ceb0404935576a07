"""Small hostile audio files for the integration tests, made here with ffmpeg, mutagen and a
few byte edits (never with chaptag, except where a case needs a file chaptag wrote and then
damages it), plus the readers the checks need: an independent MP4 box walker, a Nero chpl
parser, and wrappers around ffprobe/ffmpeg.

Each maker writes one small file (a few KB to a few tens of KB) and returns its path."""
import base64
import hashlib
import json
import os
import struct
import subprocess
from fractions import Fraction

PY = "/usr/bin/python3"
AUDIO_EXTS = (".mp3", ".m4a", ".m4b", ".mp4", ".mka", ".mkv", ".opus", ".ogg", ".oga",
              ".flac", ".wav", ".aac", ".id3")


def run(args, stdin=None, cwd=None, timeout=60):
    """(exit status, stdout, stderr) as text; a timeout is reported as status -999."""
    try:
        p = subprocess.run(args, input=stdin, capture_output=True, text=True, cwd=cwd,
                           timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired:
        return -999, "", f"timed out after {timeout} s"
    return p.returncode, p.stdout, p.stderr


def ff(*args):
    rc, _, err = run(["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y", *args])
    if rc != 0:
        raise RuntimeError(f"ffmpeg {' '.join(args)}: {err.strip()}")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


# ---------------------------------------------------------------- readers (never chaptag)

def without_cuesheet(path):
    """PATH, or for a FLAC with a CUESHEET block a copy without it: ffprobe shows a cue
    sheet's tracks as chapters too, mixed with the CHAPTERnnn keys, and a cue sheet is not
    chapters chaptag writes (it keeps it byte for byte)."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head != b"fLaC":
        return path
    from mutagen.flac import FLAC
    try:
        flac = FLAC(path)
    except Exception:
        return path
    if flac.cuesheet is None:
        return path
    copy = path + ".nocue.flac"
    with open(path, "rb") as src, open(copy, "wb") as dst:
        dst.write(src.read())
    flac = FLAC(copy)
    flac.metadata_blocks = [b for b in flac.metadata_blocks if b.code != 5]
    flac.cuesheet = None
    flac.save(copy)
    return copy


def probe_chapters(path):
    """[(start_ms, title)] as ffprobe reads them, or None when ffprobe fails. Starts come
    from the exact start/time_base pair, rounded to the millisecond."""
    probed = without_cuesheet(path)
    rc, out, _ = run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", probed])
    if probed != path:
        os.remove(probed)
    if rc != 0:
        return None
    out_list = []
    for c in json.loads(out).get("chapters", []):
        tb = Fraction(c["time_base"])
        ms = Fraction(int(c["start"])) * tb * 1000
        out_list.append((int(ms + Fraction(1, 2)) if ms >= 0 else round(ms),
                         c.get("tags", {}).get("title", "")))
    return out_list


def probe_duration(path):
    """Seconds (float) as ffprobe reports the format's duration, or None."""
    rc, out, _ = run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                      "csv=p=0", path])
    try:
        return float(out.strip()) if rc == 0 else None
    except ValueError:
        return None


def probe_format(path):
    """(format_name, {tag: value}) from ffprobe, or (None, {})."""
    rc, out, _ = run(["ffprobe", "-v", "error", "-show_format", "-of", "json", path])
    if rc != 0:
        return None, {}
    fmt = json.loads(out).get("format", {})
    return fmt.get("format_name"), fmt.get("tags", {})


def audio_md5(path):
    """(md5 of the decoded audio, ffmpeg's error output) or (None, error) when ffmpeg cannot
    decode it at all."""
    rc, out, err = run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-map", "0:a",
                        "-f", "md5", "-"])
    if rc != 0 or not out.startswith("MD5="):
        return None, err.strip() or f"ffmpeg exited {rc}"
    return out.strip(), err.strip()


def decode_errors(path):
    """What `ffmpeg -v error -i PATH -f null -` prints (empty when the file is clean)."""
    rc, _, err = run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "null", "-"])
    return err.strip() or ("" if rc == 0 else f"ffmpeg exited {rc}")


CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"udta", b"edts", b"dinf",
              b"tref"}


def boxes(data, start, end):
    """[(type, offset, size, header length)] of the boxes in data[start:end]; a size of 0
    runs to END. Stops at anything that does not fit."""
    out, pos = [], start
    while pos + 8 <= end:
        size, typ = struct.unpack(">I4s", data[pos:pos + 8])
        hl = 8
        if size == 1:
            if pos + 16 > end:
                break
            size, hl = struct.unpack(">Q", data[pos + 8:pos + 16])[0], 16
        elif size == 0:
            size = end - pos
        if size < hl or pos + size > end:
            break
        out.append((typ, pos, size, hl))
        pos += size
    return out


def find_box(data, path, start=0, end=None):
    """The first box along PATH (a list of types), e.g. [b"moov", b"udta", b"chpl"]."""
    end = len(data) if end is None else end
    for b in boxes(data, start, end):
        if b[0] == path[0]:
            if len(path) == 1:
                return b
            found = find_box(data, path[1:], b[1] + b[3], b[1] + b[2])
            if found:
                return found
    return None


def chpl_chapters(path):
    """[(start_ms, title)] of the Nero chpl box (moov/udta/chpl), parsed here; None if
    there is none. Starts are in 100 ns units."""
    data = read(path)
    b = find_box(data, [b"moov", b"udta", b"chpl"])
    if b is None:
        return None
    p = data[b[1] + b[3]:b[1] + b[2]]
    version = p[0]
    pos = 8 if version == 1 else 4
    count = p[pos]
    pos += 1
    out = []
    for _ in range(count):
        start = struct.unpack(">Q", p[pos:pos + 8])[0]
        n = p[pos + 8]
        title = p[pos + 9:pos + 9 + n].decode("utf-8", "replace")
        pos += 9 + n
        out.append(((start + 5000) // 10000, title))
    return out


def id3_size(data, pos=0):
    """Total bytes of the ID3v2 tag at POS (header, body, footer), 0 if none."""
    if data[pos:pos + 3] != b"ID3" or len(data) < pos + 10:
        return 0
    s = data[pos + 6:pos + 10]
    body = (s[0] << 21) | (s[1] << 14) | (s[2] << 7) | s[3]
    return 10 + body + (10 if data[pos + 5] & 0x10 else 0)


# ---------------------------------------------------------------- makers

def sine(path, seconds=3, codec=(), rate=44100, extra=()):
    ff("-f", "lavfi", "-i", f"sine=frequency=440:sample_rate={rate}:duration={seconds}",
       *codec, *extra, path)
    return path


def raw_mp3(path, seconds=3):
    """MPEG audio frames only: no ID3 tag, no Xing/Info frame."""
    return sine(path, seconds, ["-c:a", "libmp3lame", "-b:a", "32k"],
                extra=["-id3v2_version", "0", "-write_xing", "0", "-f", "mp3"])


def id3_tag_bytes(tmpdir, frames, version=3):
    """The bytes of an ID3v2 tag holding FRAMES (mutagen frame objects), made by mutagen."""
    from mutagen.id3 import ID3
    p = os.path.join(tmpdir, ".tag-only")
    write(p, b"")
    tag = ID3()
    for f in frames:
        tag.add(f)
    tag.save(p, v2_version=version, padding=lambda info: 64)
    data = read(p)
    os.remove(p)
    return data


def text_frames(title, artist):
    from mutagen.id3 import TIT2, TPE1
    return [TIT2(encoding=3, text=title), TPE1(encoding=3, text=artist)]


def mp3_with_prefix(tmpdir, name, junk, tag=True, seconds=3):
    """[ID3v2.3 tag] + JUNK + MPEG frames. Returns (path, tag length, junk)."""
    raw = read(raw_mp3(os.path.join(tmpdir, ".raw.mp3"), seconds))
    os.remove(os.path.join(tmpdir, ".raw.mp3"))
    head = id3_tag_bytes(tmpdir, text_frames("Junk test", "Chaptag Test")) if tag else b""
    if callable(junk):
        junk = junk(raw)
    return write(os.path.join(tmpdir, name), head + junk + raw), len(head), junk


def truncated_frame(raw):
    """The first 40 bytes of the first MPEG frame: a header that promises more."""
    return raw[:40]


GARBAGE = bytes((i * 37 + 11) % 251 for i in range(173)).replace(b"\xff", b"\x01") \
    .replace(b"ID3", b"ID4").replace(b"TAG", b"TAF")


def stacked_id3_mp3(tmpdir, name, seconds=3):
    """Two ID3v2.3 tags back to back, each with its own TIT2 and TPE1, then the audio."""
    raw = read(raw_mp3(os.path.join(tmpdir, ".raw.mp3"), seconds))
    os.remove(os.path.join(tmpdir, ".raw.mp3"))
    t1 = id3_tag_bytes(tmpdir, text_frames("First title", "First artist"))
    t2 = id3_tag_bytes(tmpdir, text_frames("Second title", "Second artist"))
    return write(os.path.join(tmpdir, name), t1 + t2 + raw)


def wav_behind_id3(tmpdir, name, seconds=2):
    wav = read(sine(os.path.join(tmpdir, ".w.wav"), seconds, ["-c:a", "pcm_s16le"],
                    rate=8000))
    os.remove(os.path.join(tmpdir, ".w.wav"))
    tag = id3_tag_bytes(tmpdir, text_frames("WAV behind ID3", "Chaptag Test"))
    return write(os.path.join(tmpdir, name), tag + wav)


def m4a(path, seconds=8, faststart=False):
    return sine(path, seconds, ["-c:a", "aac", "-b:a", "32k"],
                extra=(["-movflags", "+faststart"] if faststart else []))


def zero_last_box_size(path, typ):
    """Sets the 32-bit size of the last top-level box (which must be TYP) to 0."""
    data = bytearray(read(path))
    top = boxes(data, 0, len(data))
    assert top and top[-1][0] == typ and top[-1][3] == 8, f"last box of {path} is {top[-1]}"
    data[top[-1][1]:top[-1][1] + 4] = b"\0\0\0\0"
    return write(path, bytes(data))


def add_chpl(path, chapters):
    """Adds a Nero chpl box (version 1) with CHAPTERS [(ms, title)] inside moov/udta of a
    file whose moov is the last top-level box (so that no chunk offset moves)."""
    data = bytearray(read(path))
    top = boxes(data, 0, len(data))
    moov = top[-1]
    assert moov[0] == b"moov" and moov[3] == 8
    body = b"\x01\0\0\0" + b"\0\0\0\0" + bytes([len(chapters)])
    for ms, title in chapters:
        t = title.encode()
        body += struct.pack(">QB", ms * 10000, len(t)) + t
    chpl = struct.pack(">I4s", 8 + len(body), b"chpl") + body
    udta = find_box(data, [b"moov", b"udta"])
    if udta and udta[1] + udta[2] == moov[1] + moov[2]:  # udta last in moov: grow it
        struct.pack_into(">I", data, udta[1], udta[2] + len(chpl))
        add = chpl
    else:
        add = struct.pack(">I4s", 8 + len(chpl), b"udta") + chpl
    data += add
    struct.pack_into(">I", data, moov[1], moov[2] + len(add))
    return write(path, bytes(data))


def empty_chapter_track(path, all_tables=True):
    """Empties every text track of PATH: its stts and stsz (and with ALL_TABLES its stsc and
    stco/co64) are rewritten with no entries, and the bytes freed become a `free` box at the end of the same stbl, so that
    no size or offset elsewhere changes. The QuickTime chapter track then holds no samples."""
    data = bytearray(read(path))
    moov = find_box(data, [b"moov"])
    n = 0
    for trak in boxes(data, moov[1] + 8, moov[1] + moov[2]):
        if trak[0] != b"trak":
            continue
        hdlr = find_box(data, [b"mdia", b"hdlr"], trak[1] + 8, trak[1] + trak[2])
        if data[hdlr[1] + hdlr[3] + 8:hdlr[1] + hdlr[3] + 12] != b"text":
            continue
        stbl = find_box(data, [b"mdia", b"minf", b"stbl"], trak[1] + 8, trak[1] + trak[2])
        body = b""
        for typ, off, size, hl in boxes(data, stbl[1] + stbl[3], stbl[1] + stbl[2]):
            if typ == b"stsz":
                body += struct.pack(">I4sIII", 20, typ, 0, 0, 0)
            elif typ == b"stts" or (all_tables and typ in (b"stsc", b"stco", b"co64")):
                body += struct.pack(">I4sII", 16, typ, 0, 0)
            elif typ != b"free":
                body += bytes(data[off:off + size])
        room = stbl[2] - stbl[3] - len(body)
        assert room >= 8, "no room for the free box"
        body += struct.pack(">I4s", room, b"free") + bytes(room - 8)
        data[stbl[1] + stbl[3]:stbl[1] + stbl[2]] = body
        n += 1
    assert n, f"no text track in {path}"
    return write(path, bytes(data))


def flac_picture_b64(jpeg):
    from mutagen.flac import Picture
    pic = Picture()
    pic.type = 3
    pic.mime = "image/jpeg"
    pic.desc = "Cover"
    pic.width = pic.height = 16
    pic.depth = 24
    pic.data = jpeg
    return base64.b64encode(pic.write()).decode("ascii")


def opus_with_cover(tmpdir, name, seconds=3):
    """Ogg Opus with a METADATA_BLOCK_PICTURE comment (what players call cover art)."""
    from mutagen.oggopus import OggOpus
    path = sine(os.path.join(tmpdir, name), seconds, ["-c:a", "libopus", "-b:a", "16k"],
                rate=48000, extra=["-metadata", "title=Opus cover test"])
    jpg = os.path.join(tmpdir, ".cover.jpg")
    ff("-f", "lavfi", "-i", "color=c=0x3366cc:s=16x16", "-frames:v", "1", jpg)
    o = OggOpus(path)
    o["metadata_block_picture"] = [flac_picture_b64(read(jpg))]
    o.save()
    os.remove(jpg)
    return path
