"""embed --fetch-images end to end against an HTTP server on 127.0.0.1 in this process (no
network): JPEG and PNG pictures given as URLs, one behind 5 redirects, arrive in the MP3's CHAP
frames byte for byte with their MIME type, read back by mutagen; into an M4A they are written
when the binary writes MP4 chapter pictures (--mp4-images), else embed says they are not.
A slow server (past CHAPTAG_FETCH_TIMEOUT=2), 17 MiB, a redirect loop, 6 redirects, a 404, an
HTML page and a missing libcurl are each exit 3 naming the chapter file's line and the reason,
with the audio file byte for byte as it was. Without --fetch-images nothing is downloaded, and
a picture found with --image-dir is not downloaded."""
import json
import os
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from mutagen.id3 import ID3

import ctcheck
from ctcheck import FIXTURES, TempDir, audio_md5, chaptag, sha256

TIMEOUT_S = 2
os.environ["CHAPTAG_FETCH_TIMEOUT"] = str(TIMEOUT_S)
# the server is on 127.0.0.1: no proxy of the environment may stand in between
for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
             "ALL_PROXY"):
    os.environ.pop(name, None)


def fixture_bytes(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


JPEG = fixture_bytes("cover.jpg")
PNG = fixture_bytes("cover.png")
BIG = JPEG[:4] + bytes(17 * 2**20)  # 17 MiB that start like a JPEG


class Pictures(BaseHTTPRequestHandler):
    """The pictures and failures the tests fetch; counts the requests for each path."""

    requests = {}

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", ctype=None, length=True, headers=()):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        Pictures.requests[self.path] = Pictures.requests.get(self.path, 0) + 1
        try:
            self.answer(self.path)
        except (BrokenPipeError, ConnectionResetError):
            pass  # chaptag hung up: what a limit does

    def answer(self, path):
        if path == "/cover.jpg":
            self.send(200, JPEG, "image/jpeg")
        elif path == "/cover.png":
            self.send(200, PNG, "image/png")
        elif path == "/slow.jpg":
            time.sleep(TIMEOUT_S + 4)
            self.send(200, JPEG, "image/jpeg")
        elif path == "/big.jpg":
            self.send(200, BIG, "image/jpeg")
        elif path == "/big-unannounced.jpg":  # HTTP/1.0: the body ends when the server closes
            self.send(200, BIG, "image/jpeg", length=False)
        elif path == "/loop.jpg":
            self.send(302, headers=[("Location", "/loop.jpg")])
        elif path.startswith("/r/"):  # /r/N redirects to /r/N-1; /r/0 is the JPEG
            n = int(path[3:])
            if n == 0:
                self.send(200, JPEG, "image/jpeg")
            else:
                self.send(302, headers=[("Location", f"/r/{n - 1}")])
        elif path == "/page.jpg":
            self.send(200, b"<!doctype html><title>Not found</title>\n", "text/html")
        else:
            self.send(404, b"not here\n", "text/plain")


def chapter_list(imgs):
    """A Podcasting 2.0 JSON chapter list with one chapter a line, chapter i on line i + 2,
    2 s apart, with picture IMGS[i] (None: none)."""
    lines = []
    for i, img in enumerate(imgs):
        ch = {"startTime": 2 * i, "title": f"Chapter {i + 1}"}
        if img:
            ch["img"] = img
        lines.append(json.dumps(ch))
    return '{"version": "1.2.0", "chapters": [\n' + ",\n".join(lines) + "\n]}\n"


def chap_pictures(path):
    """[(mime, data)] of the APIC in each CHAP mutagen reads, in time order (None: none)."""
    out = []
    for c in sorted(ID3(path).getall("CHAP"), key=lambda c: c.start_time):
        apic = c.sub_frames.getall("APIC")
        out.append((apic[0].mime, apic[0].data) if apic else None)
    return out


class FetchImages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), Pictures)
        cls.server.daemon_threads = True  # the slow answer may outlive its test
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        self.tmp = TempDir()
        Pictures.requests = {}

    def tearDown(self):
        self.tmp.close()

    def url(self, path):
        return self.base + path

    def write_list(self, paths):
        return self.tmp.write("chapters.json",
                              chapter_list([self.url(p) if p else None for p in paths]))

    def assert_refused(self, path, reason, fixture="cbr-v23.mp3", env=None, line=3):
        """Embedding a list whose chapter 2 (line 3) has the picture at PATH, after a good
        one on line 2, with ENV, is exit 3 naming LINE and REASON (and the URL, without ENV);
        the audio file is unchanged and nothing is left beside it."""
        audio = self.tmp.copy(fixture)
        before = sha256(audio)
        chapters = self.write_list(["/cover.jpg", path, "/cover.png"])
        saved = dict(os.environ)
        os.environ.update(env or {})
        try:
            t0 = time.monotonic()
            rc, out, err = chaptag("embed", "--fetch-images", audio, chapters)
            elapsed = time.monotonic() - t0
        finally:
            os.environ.clear()
            os.environ.update(saved)
        self.assertEqual(rc, 3, err)
        self.assertIn(f"chaptag: {chapters}:{line}: ", err)
        self.assertIn(reason, err)
        if env is None:
            self.assertIn(self.url(path), err)
        self.assertEqual(sha256(audio), before)
        self.assertEqual(sorted(os.listdir(self.tmp.path)), sorted([os.path.basename(audio),
                                                                     "chapters.json"]))
        return elapsed

    def test_a_slow_server_times_out(self):
        elapsed = self.assert_refused("/slow.jpg", "timed out")
        print(f"timeout after {elapsed:.2f} s (CHAPTAG_FETCH_TIMEOUT={TIMEOUT_S})")
        self.assertLess(elapsed, TIMEOUT_S + 3)

    def test_17_mib_are_too_large(self):
        self.assert_refused("/big.jpg", "larger than 16 MiB")

    def test_17_mib_without_a_length_are_cut_short(self):
        self.assert_refused("/big-unannounced.jpg", "larger than 16 MiB")

    def test_a_redirect_loop_is_refused(self):
        self.assert_refused("/loop.jpg", "more than 5 redirects")

    def test_six_redirects_are_too_many(self):
        self.assert_refused("/r/6", "more than 5 redirects")

    def test_an_http_error_names_its_status(self):
        self.assert_refused("/missing.jpg", "the server answered HTTP 404")

    def test_a_page_is_not_a_picture(self):
        self.assert_refused("/page.jpg", "is neither JPEG nor PNG (the server calls it "
                            "text/html)")

    def test_an_m4a_stays_as_it_was_too(self):
        self.assert_refused("/missing.jpg", "HTTP 404", fixture="aac-faststart.m4a")

    def test_a_missing_libcurl_names_the_package(self):
        # the first picture to fetch, on line 2, is the one that needs libcurl
        self.assert_refused("/cover.jpg", "apt-get install libcurl4", line=2,
                            env={"CHAPTAG_LIBCURL": "/nonexistent/libcurl.so.4"})

    def test_mp3_chapters_carry_the_served_pictures(self):
        audio = self.tmp.copy("cbr-v23.mp3")
        md5 = audio_md5(audio)
        chapters = self.write_list(["/cover.jpg", None, "/cover.png", "/r/5"])
        rc, out, err = chaptag("embed", "--fetch-images", audio, chapters)
        self.assertEqual(rc, 0, err)
        self.assertEqual(chap_pictures(audio), [("image/jpeg", JPEG), None, ("image/png", PNG),
                                                ("image/jpeg", JPEG)])
        self.assertEqual(Pictures.requests.get("/r/0"), 1)  # at the end of 5 redirects
        self.assertEqual(audio_md5(audio), md5)

    def test_without_the_option_nothing_is_downloaded(self):
        audio = self.tmp.copy("cbr-v23.mp3")
        chapters = self.write_list(["/cover.jpg"])
        rc, out, err = chaptag("embed", audio, chapters)
        self.assertEqual(rc, 0, err)
        self.assertEqual(chap_pictures(audio), [("-->", self.url("/cover.jpg").encode())])
        self.assertEqual(Pictures.requests, {})

    def test_a_picture_found_with_image_dir_is_not_downloaded(self):
        audio = self.tmp.copy("cbr-v23.mp3")
        art = os.path.join(self.tmp.path, "art")
        os.mkdir(art)
        with open(os.path.join(art, "cover.jpg"), "wb") as f:
            f.write(PNG)  # a file of that name, other bytes: it must win
        chapters = self.write_list(["/cover.jpg", "/cover.png"])
        rc, out, err = chaptag("embed", "--fetch-images", "--image-dir", art, audio, chapters)
        self.assertEqual(rc, 0, err)
        self.assertEqual(chap_pictures(audio), [("image/png", PNG), ("image/png", PNG)])
        self.assertEqual(Pictures.requests, {"/cover.png": 1})

    def test_m4a_gets_the_pictures_where_the_binary_writes_them(self):
        """With --mp4-images (JPEG chapter pictures in MP4), when this binary has it, the
        served JPEG is in the file; without, embed says the pictures are not written."""
        audio = self.tmp.copy("aac-faststart.m4a")
        md5 = audio_md5(audio)
        chapters = self.write_list(["/cover.jpg", None, "/r/1"])
        _, help_text, _ = chaptag("help", "embed")
        writes_pictures = "--mp4-images" in help_text
        args = ["--mp4-images"] if writes_pictures else []
        rc, out, err = chaptag("embed", "--fetch-images", *args, audio, chapters)
        self.assertEqual(rc, 0, err)
        self.assertEqual(Pictures.requests, {"/cover.jpg": 1, "/r/1": 1, "/r/0": 1})
        with open(audio, "rb") as f:
            data = f.read()
        if writes_pictures:
            self.assertTrue(JPEG in data, "the served JPEG is not in the file")
        else:
            self.assertRegex(err, r"chapter pictures? (is|are) not written")
        self.assertEqual(audio_md5(audio), md5)


if __name__ == "__main__":
    ctcheck.main()
