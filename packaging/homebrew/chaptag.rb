# Homebrew formula for chaptag. packaging/homebrew/chaptag.rb is the template: scripts/release.sh
# VERSION writes dist/chaptag.rb from it with the release tarball's url and sha256 in place of
# the placeholders, so that a formula always names the bytes it was made beside:
#
#   scripts/release.sh 0.1.0
#   brew tap-new --no-git local/chaptag    # Homebrew installs formulae from taps only
#   cp dist/chaptag.rb "$(brew --repository local/chaptag)/Formula/"
#   brew install local/chaptag/chaptag && brew test local/chaptag/chaptag
#
# tests/integration/source_release.py runs this formula's install and test blocks on every
# ctest run (through tests/integration/brew_shim.rb, a small stand-in for Homebrew).
# Before it goes into a tap: add homepage and license, which the project does not have yet.
class Chaptag < Formula
  desc "Chapter markers for podcast and audiobook files"
  url "@URL@"
  sha256 "@SHA256@"

  depends_on "cmake" => :build
  depends_on "pkgconf" => :build
  depends_on "ffmpeg"
  depends_on "jansson"

  uses_from_macos "expat"

  # FFmpeg, and its backend switched on (ON, not AUTO: a build without it fails, never a quiet
  # build with less): chaptag writes MP3, MP4, Ogg, FLAC and WAV itself, but finding pauses
  # (embed --snap-to-silence, silences, suggest) decodes audio with libavcodec, and Matroska
  # goes through libavformat. Both are opened with dlopen from Homebrew's lib folder, never
  # linked; chaptag checks their major version is the one it was built with.
  def install
    args = %w[-DCHAPTAG_TESTS=OFF -DCHAPTAG_INTEGRATION=OFF -DCHAPTAG_FFMPEG=ON]
    system "cmake", "-S", ".", "-B", "build", *args, *std_cmake_args
    system "cmake", "--build", "build"
    system "cmake", "--install", "build"
  end

  def caveats
    <<~EOS
      chaptag opens FFmpeg's libraries of the major version it was built with. After
      `brew upgrade ffmpeg` to a new major, reinstall chaptag (`brew reinstall chaptag`):
      until then, finding pauses and Matroska files are refused with a message naming both
      versions, and everything else works.
    EOS
  end

  test do
    # a second of silent MPEG audio: 40 frames of MPEG-1 Layer III, 128 kbit/s, 44.1 kHz
    frame = "\xFF\xFB\x90\x64".b + ("\0" * 413).b
    (testpath/"episode.mp3").binwrite(frame * 40)
    (testpath/"chapters.txt").write <<~EOS
      00:00:00 Intro
      00:00:00.500 Interview
    EOS
    system bin/"chaptag", "embed", "--quiet", "episode.mp3", "chapters.txt"
    system bin/"chaptag", "verify", "episode.mp3", "chapters.txt"
    assert_match(/^00:00:00\.500 Interview$/, shell_output("#{bin}/chaptag dump episode.mp3"))
    assert_match(/"startTime": 0\.5,\s*"title": "Interview"/,
                 shell_output("#{bin}/chaptag convert --to json chapters.txt"))

    # the library: its header and libchaptag parse a Podcasting 2.0 JSON list
    (testpath/"test.c").write <<~'C'
      #include <chaptag/chaptag.h>
      #include <stdio.h>
      #include <string.h>
      int main(void)
      {
          const char *j = "{\"version\":\"1.2.0\",\"chapters\":[{\"startTime\":0,\"title\":\"A\"},"
                          "{\"startTime\":5.5,\"title\":\"B\"}]}";
          chaptag_chapters *l = NULL;
          chaptag_error err;
          if (chaptag_parse(j, strlen(j), NULL, &l, &err) != CHAPTAG_OK)
              return 1;
          printf("%zu %llu\n", chaptag_chapters_count(l),
                 (unsigned long long)chaptag_chapters_get(l, 1)->start_ms);
          chaptag_chapters_free(l);
          return 0;
      }
    C
    system ENV.cc, "test.c", "-I#{include}", "-L#{lib}", "-Wl,-rpath,#{lib}", "-lchaptag", "-o", "test"
    assert_equal "2 5500\n", shell_output("./test")
  end
end
