"""MP4 chapter pictures (embed --mp4-images), end to end: a disabled video track of 'jpeg'
samples, named second in the audio track's tref/chap, one sample per chapter at the text
samples' times, a chapter without a picture pointing at the previous one's bytes (checked
by a box walker of our own); FFmpeg shows it as a timed_thumbnails stream and gives the
JPEGs back byte for byte; the cover art stays; the audio is unchanged; strip removes every
picture byte."""
import json
import os
import struct
import unittest

import ctcheck
import mp4_links
from ctcheck import TempDir, audio_md5, chaptag, run
from mp4_links import boxes, child, full

FIXTURES = ["aac-faststart.m4a", "chaptered.m4b"]
# (colour, width, height): heights within 3/4 of the largest, see test_sizes_ffmpeg_misreads
PICTURES = {"red.jpg": ("red", 64, 64), "blue.jpg": ("blue", 80, 72)}
# (start s, title, picture or None): a leading chapter without one, a gap, a repeat
CHAPTERS = [(0.5, "Lead", None), (1, "Red", "red.jpg"), (2, "Gap", None),
            (3, "Red again", "red.jpg"), (4, "Blue", "blue.jpg")]


def tracks(data):
    """{track ID: trak box} and the audio track's tref/chap IDs."""
    moov = [b for b in boxes(data, 0, len(data)) if b[0] == b"moov"][0]
    out, chap_ids = {}, []
    for b in boxes(data, moov[1], moov[2]):
        if b[0] != b"trak":
            continue
        tkhd = data[child(data, b, "tkhd")[1]:]
        out[struct.unpack(">I", tkhd[20:24] if tkhd[0] == 1 else tkhd[12:16])[0]] = b
        hdlr = child(data, b, "mdia/hdlr")
        chap = child(data, b, "tref/chap")
        if data[hdlr[1] + 8:hdlr[1] + 12] == b"soun" and chap is not None:
            chap_ids = list(struct.unpack(f">{(chap[2] - chap[1]) // 4}I", data[chap[1]:chap[2]]))
    return out, chap_ids


def samples(data, trak):
    """[(offset, size)] of every sample of TRAK (one sample per chunk)."""
    stbl = child(data, trak, "mdia/minf/stbl")
    stsz, stsc = full(data, child(data, stbl, "stsz")), full(data, child(data, stbl, "stsc"))
    assert struct.unpack(">IIII", stsc[:16]) == (1, 1, 1, 1), "not one sample per chunk"
    co = child(data, stbl, "stco")
    wide = co is None
    co = full(data, co or child(data, stbl, "co64"))
    fixed, count = struct.unpack(">II", stsz[:8])
    sizes = [fixed] * count if fixed else list(struct.unpack(f">{count}I", stsz[8:8 + 4 * count]))
    n = struct.unpack(">I", co[:4])[0]
    offs = struct.unpack(f">{n}{'Q' if wide else 'I'}", co[4:4 + n * (8 if wide else 4)])
    assert n == count
    return list(zip(offs, sizes))


def covr(data):
    """The bytes of the iTunes cover art item, or None."""
    moov = [b for b in boxes(data, 0, len(data)) if b[0] == b"moov"][0]
    meta = child(data, moov, "udta/meta")
    if meta is None:
        return None
    skip = 0 if data[meta[1] + 4:meta[1] + 8] == b"hdlr" else 4
    for t, a, b in boxes(data, meta[1] + skip, meta[2]):
        if t == b"ilst":
            for t2, a2, b2 in boxes(data, a, b):
                if t2 == b"covr":
                    return data[a2:b2]
    return None


class Mp4Images(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.jpeg = {}
        for name, (colour, w, h) in PICTURES.items():
            path = os.path.join(self.tmp.path, name)
            run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                 f"color=c={colour}:s={w}x{h}", "-frames:v", "1", path], check=True)
            with open(path, "rb") as f:
                self.jpeg[name] = f.read()
        self.list = self.write_list(CHAPTERS)

    def tearDown(self):
        self.tmp.close()

    def write_list(self, chapters, name="pics.json"):
        out = []
        for start, title, img in chapters:
            c = {"startTime": start, "title": title}
            if img:
                c["img"] = os.path.join(self.tmp.path, img)
            out.append(c)
        return self.tmp.write(name, json.dumps({"version": "1.2.0", "chapters": out}))

    def embed(self, path, *opts, chapters=None):
        rc, out, err = chaptag("embed", *opts, path, chapters or self.list)
        self.assertEqual(rc, 0, f"embed {path}: {err}")
        return err

    def test_the_image_track_as_the_reference_draws_it(self):
        for fixture in FIXTURES:
            with self.subTest(fixture=fixture):
                path = self.tmp.copy(fixture)
                self.embed(path, "--mp4-images")
                with open(path, "rb") as f:
                    d = f.read()
                traks, chap = tracks(d)
                self.assertEqual(len(chap), 2, "text track then image track")
                image = traks[chap[1]]
                tkhd = full(d, child(d, image, "tkhd"))
                self.assertEqual(struct.unpack(">I", d[child(d, image, "tkhd")[1]:][:4])[0]
                                 & 1, 0, "disabled")
                self.assertEqual(struct.unpack(">II", tkhd[-8:]), (80 << 16, 72 << 16))
                hdlr = child(d, image, "mdia/hdlr")
                self.assertEqual(d[hdlr[1] + 8:hdlr[1] + 12], b"vide")
                self.assertIsNotNone(child(d, image, "mdia/minf/vmhd"))
                stsd = full(d, child(d, image, "mdia/minf/stbl/stsd"))
                self.assertEqual(stsd[4:12], struct.pack(">I", 86) + b"jpeg")
                self.assertEqual(struct.unpack(">HH", stsd[36:40]), (80, 72))
                # one sample per text sample (the filler before 0.5 s included), same times
                text, pics = samples(d, traks[chap[0]]), samples(d, image)
                self.assertEqual(len(pics), len(text))
                stts = [full(d, child(d, t, "mdia/minf/stbl/stts")) for t in (traks[chap[0]], image)]
                self.assertEqual(stts[0], stts[1])
                # filler, Lead -> red (the first picture); Red: stored; Gap -> Red's bytes;
                # Red again: stored again; Blue
                red, blue = self.jpeg["red.jpg"], self.jpeg["blue.jpg"]
                got = [d[o:o + n] for o, n in pics]
                self.assertEqual(got, [red, red, red, red, red, blue])
                self.assertEqual(pics[0], pics[1])
                self.assertEqual(pics[1], pics[2])
                self.assertEqual(pics[2], pics[3])
                self.assertNotEqual(pics[3], pics[4], "a picture given is stored for its chapter")
                self.assertEqual(len({o for o, _ in pics}), 3)

    def test_ffmpeg_shows_timed_thumbnails_and_gives_the_jpegs_back(self):
        for fixture in FIXTURES:
            with self.subTest(fixture=fixture):
                path = self.tmp.copy(fixture)
                md5 = audio_md5(path)
                with open(path, "rb") as f:
                    cover = covr(f.read())
                self.embed(path, "--mp4-images")
                _, out, _ = run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", path],
                                check=True)
                video = [s for s in json.loads(out)["streams"] if s["codec_type"] == "video"]
                thumbs = [i for i, s in enumerate(video)
                          if s["disposition"].get("timed_thumbnails")]
                self.assertEqual(len(thumbs), 1)
                covers = [s for s in video if s["disposition"].get("attached_pic")
                          and not s["disposition"].get("timed_thumbnails")]
                self.assertEqual(len(covers), 1 if cover else 0, "the cover art stays")
                outdir = os.path.join(self.tmp.path, "out-" + fixture)
                os.mkdir(outdir)
                run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-map", f"0:v:{thumbs[0]}",
                     "-c", "copy", "-fps_mode", "passthrough", "-f", "image2",
                     os.path.join(outdir, "%d.jpg")], check=True)
                got = []
                for k in range(1, len(os.listdir(outdir)) + 1):
                    with open(os.path.join(outdir, f"{k}.jpg"), "rb") as f:
                        got.append(f.read())
                # the first packet is the stream's attached picture (its first sample)
                red, blue = self.jpeg["red.jpg"], self.jpeg["blue.jpg"]
                self.assertEqual(got[-6:], [red, red, red, red, red, blue])
                self.assertEqual(audio_md5(path), md5)
                mp4_links.ffmpeg_silent(self, path)
                with open(path, "rb") as f:
                    self.assertEqual(covr(f.read()), cover)

    def test_dump_and_verify_see_which_chapters_have_pictures(self):
        path = self.tmp.copy(FIXTURES[0])
        self.embed(path, "--mp4-images")
        outdir = os.path.join(self.tmp.path, "dumped")
        rc, out, err = chaptag("dump", "--format", "json", "--images", outdir, path)
        self.assertEqual(rc, 0, err)
        have = [bool(c.get("img")) for c in json.loads(out)["chapters"]]
        # the leading chapter without a picture of its own reads back with the first one
        # (the documented exception), which Red, sharing its bytes, then lacks
        self.assertEqual(have, [True, False, False, True, True])
        rc, out, err = chaptag("verify", path, self.write_list(
            [(0.5, "Lead", "red.jpg"), (1, "Red", None), (2, "Gap", None),
             (3, "Red again", "red.jpg"), (4, "Blue", "blue.jpg")], "as-read.json"))
        self.assertEqual(rc, 0, out + err)

    def test_strip_removes_every_picture_byte_and_keeps_the_cover(self):
        for fixture in FIXTURES:
            with self.subTest(fixture=fixture):
                path = self.tmp.copy(fixture)
                md5 = audio_md5(path)
                with open(path, "rb") as f:
                    cover = covr(f.read())
                self.embed(path, "--mp4-images")
                rc, out, err = chaptag("strip", path)
                self.assertEqual(rc, 0, err)
                with open(path, "rb") as f:
                    d = f.read()
                for name, pic in self.jpeg.items():
                    self.assertNotIn(pic, d, name)
                self.assertEqual(tracks(d)[1], [])
                self.assertEqual(covr(d), cover)
                self.assertEqual(audio_md5(path), md5)

    def test_a_title_only_re_embed_keeps_the_pictures(self):
        path = self.tmp.copy(FIXTURES[0])
        self.embed(path, "--mp4-images")
        renamed = self.write_list([(s, t + " (renamed)", p) for s, t, p in CHAPTERS], "re.json")
        self.embed(path, "--mp4-images", chapters=renamed)
        with open(path, "rb") as f:
            d = f.read()
        traks, chap = tracks(d)
        got = [d[o:o + n] for o, n in samples(d, traks[chap[1]])]
        self.assertEqual(got[-1], self.jpeg["blue.jpg"])
        self.assertEqual(d.count(self.jpeg["blue.jpg"]), 1, "the old pictures are zeroed")

    def test_title_only_re_embeds_keep_the_pictures_in_place(self):
        """Five re-embeds that change only the titles write no picture byte: the samples stay
        where they were, and the file grows by the titles alone (once, when they outgrow
        their room); the same list again leaves the file as it was."""
        path = self.tmp.copy(FIXTURES[0])
        self.embed(path, "--mp4-images")
        with open(path, "rb") as f:
            d = f.read()
        traks, chap = tracks(d)
        pics, size = samples(d, traks[chap[1]]), len(d)
        for k in range(1, 6):
            lst = self.write_list([(s, f"{t} take {k}", p) for s, t, p in CHAPTERS], f"{k}.json")
            self.embed(path, "--mp4-images", chapters=lst)
            with open(path, "rb") as f:
                d = f.read()
            traks, chap = tracks(d)
            self.assertEqual(samples(d, traks[chap[1]]), pics)
            self.assertLess(len(d) - size, 1024, "no picture is written again")
            self.assertEqual(d.count(self.jpeg["blue.jpg"]), 1)
        before = os.stat(path).st_mtime_ns
        self.embed(path, "--mp4-images", chapters=lst)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), d)
        self.assertEqual(os.stat(path).st_mtime_ns, before, "the same again writes nothing")

    def test_an_embed_without_the_option_removes_the_track_and_says_so(self):
        path = self.tmp.copy(FIXTURES[0])
        self.assertNotIn("image track", self.embed(path, "--mp4-images"))
        self.assertNotIn("image track", self.embed(path, "--mp4-images"))
        err = self.embed(path)
        self.assertIn("the chapter image track (3 pictures) is removed", err)
        with open(path, "rb") as f:
            d = f.read()
        self.assertEqual(len(tracks(d)[1]), 1)
        for name, pic in self.jpeg.items():
            self.assertNotIn(pic, d, name)

    def test_without_the_option_no_image_track_and_a_warning(self):
        path = self.tmp.copy(FIXTURES[0])
        err = self.embed(path)
        self.assertIn("picture", err)
        with open(path, "rb") as f:
            d = f.read()
        self.assertEqual(len(tracks(d)[1]), 1)
        self.assertNotIn(self.jpeg["blue.jpg"], d)

    def test_no_picture_no_image_track(self):
        path = self.tmp.copy(FIXTURES[0])
        self.embed(path, "--mp4-images", chapters=self.write_list(
            [(s, t, None) for s, t, _ in CHAPTERS], "plain.json"))
        with open(path, "rb") as f:
            self.assertEqual(len(tracks(f.read())[1]), 1)

    def test_a_png_picture_is_refused_on_its_line(self):
        path = self.tmp.copy(FIXTURES[0])
        png = os.path.join(self.tmp.path, "green.png")
        run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "color=c=green:s=32x32",
             "-frames:v", "1", png], check=True)
        with open(path, "rb") as f:
            before = f.read()
        lst = self.write_list([(0, "One", None), (2, "Two", "green.png")], "png.json")
        rc, out, err = chaptag("embed", "--mp4-images", path, lst)
        self.assertEqual(rc, 3, err)
        self.assertIn("JPEG", err)
        self.assertIn("png.json:", err)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_music_metadata_with_an_image_track(self):
        """music-metadata reads chapters only when tref/chap names one track: with the image
        track it reads none, without failing (measured; reported)."""
        if not os.path.isdir(mp4_links.MM_MODULE):
            self.skipTest("music-metadata is not installed")
        path = self.tmp.copy(FIXTURES[0])
        self.embed(path, "--mp4-images")
        self.assertEqual(mp4_links.music_metadata(path), [])


if __name__ == "__main__":
    ctcheck.main()
