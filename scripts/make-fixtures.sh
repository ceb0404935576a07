#!/usr/bin/env bash
# Makes the audio fixtures the integration tests use, with ffmpeg (and mutagen for the tags
# ffmpeg cannot write). Nothing here is committed: the files are generated when the tests
# run, in OUTDIR (default build/fixtures). About 66 minutes of 8 kb/s mono each, so that
# both seed chapter lists (the longest ends after 01:03:35) fit; a few MB, made in seconds.
#
#   scripts/make-fixtures.sh [OUTDIR]
set -euo pipefail

out=${1:-build/fixtures}
# A stamp of this script's contents: fixtures are remade only when it changes.
stamp=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)
mkdir -p "$out"
cd "$out"

if [ -f .stamp ] && [ "$(cat .stamp)" = "$stamp" ]; then
    echo "make-fixtures: $out is up to date"
    exit 0
fi
rm -f .stamp

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
py() { /usr/bin/python3 "$@"; }

seconds=3960 # 66 minutes
# A tone that changes every few seconds, so that the VBR encoder really varies its rate.
tone="aevalsrc=0.3*sin(2*PI*(220+110*mod(floor(t/7)\,5))*t):s=8000:d=$seconds"

ff -f lavfi -i "$tone" -ac 1 -c:a pcm_s16le tone.wav # generated once, encoded many times
ff -i tone.wav -c:a libmp3lame -b:a 8k -id3v2_version 0 -write_xing 1 cbr.raw.mp3
ff -i tone.wav -c:a libmp3lame -q:a 9 -id3v2_version 0 vbr.raw.mp3
ff -f lavfi -i "color=c=0x3366cc:s=96x96" -frames:v 1 cover.jpg
ff -f lavfi -i "color=c=0xcc6633:s=64x64" -frames:v 1 cover.png

# CBR with an ID3v2.3 tag: TIT2, TPE1, TALB, COMM and a front cover (APIC).
ff -i cbr.raw.mp3 -i cover.jpg -map 0:a -map 1:v -c copy -id3v2_version 3 \
    -metadata title="Épisode 000 – Ünïcode test" -metadata artist="Chaptag Test" \
    -metadata album="The Test Podcast" -metadata comment="A comment that must survive" \
    -metadata:s:v title="Album cover" -metadata:s:v comment="Cover (front)" \
    -disposition:v attached_pic cbr-v23.mp3
# ffmpeg writes the comment as TXXX; players and the issue want a COMM frame.
py - cbr-v23.mp3 <<'EOF'
import sys
from mutagen.id3 import ID3, COMM
tag = ID3(sys.argv[1])
tag.delall("TXXX:comment")
tag.add(COMM(encoding=1, lang="eng", desc="", text="A comment that must survive"))
tag.save(sys.argv[1], v2_version=3)
EOF

# VBR (Xing + LAME header) with an ID3v2.4 tag: UTF-8 text, a TDRC date, a TXXX.
ff -i vbr.raw.mp3 -c copy -id3v2_version 4 \
    -metadata title="Folge 4 — Straße" -metadata artist="Chaptag Test" \
    -metadata album="The Test Podcast" -metadata date="2024-05-06T07:08" \
    -metadata comment="v2.4 comment" -metadata custom_key="custom value" vbr-v24.mp3

# No tag at all and no Info header: the duration must come from a frame scan.
ff -i cbr.raw.mp3 -c copy -id3v2_version 0 -write_xing 0 notag.mp3

# An ID3v2.3 tag at the front, then APEv2 and ID3v1 at the end (both must stay). mutagen
# writes the APEv2 tag but drops an ID3v1 behind it, so the ID3v1 is appended by hand.
ff -i cbr.raw.mp3 -c copy -id3v2_version 3 \
    -metadata title="Trailing tags" -metadata artist="Chaptag Test" id3v1.mp3
py - id3v1.mp3 <<'EOF'
import sys, mutagen.apev2
tag = mutagen.apev2.APEv2()
tag["Title"] = "APE title"
tag["Artist"] = "APE artist"
tag.save(sys.argv[1])
def field(text, size):
    return text.encode("latin-1").ljust(size, b"\0")
v1 = (b"TAG" + field("ID3v1 title", 30) + field("ID3v1 artist", 30) + field("ID3v1 album", 30)
      + b"2024" + field("ID3v1 comment", 28) + b"\0" + bytes([7]) + bytes([101]))
assert len(v1) == 128
with open(sys.argv[1], "ab") as f:
    f.write(v1)
EOF

# Already chaptered by ffmpeg (ID3v2.4 CHAP frames as FFmpeg writes them, first at 0).
cat > ffchapters.txt <<'EOF'
;FFMETADATA1
title=Chaptered by ffmpeg
[CHAPTER]
TIMEBASE=1/1000
START=0
END=600000
title=Old chapter one
[CHAPTER]
TIMEBASE=1/1000
START=600000
END=1800000
title=Old chapter two
[CHAPTER]
TIMEBASE=1/1000
START=1800000
END=3960000
title=Old chapter three
EOF
ff -i cbr.raw.mp3 -i ffchapters.txt -map 0:a -map_metadata 1 -map_chapters 1 -c copy \
    chaptered.mp3

# AAC in MP4: moov first (+faststart) with iTunes tags and cover art; moov last; and an M4B
# already chaptered by ffmpeg (QuickTime track and chpl, titles in the main mdat).
ff -i tone.wav -i cover.jpg -map 0:a -map 1:v -c:a aac -b:a 8k -c:v copy \
    -disposition:v attached_pic -metadata title="M4A test – Ünïcode" -metadata artist="Chaptag Test" \
    -metadata album="The Test Podcast" -metadata date="2024" -metadata genre="Podcast" \
    -movflags +faststart aac-faststart.m4a
ff -i aac-faststart.m4a -map 0 -c copy aac-moov-last.m4a
ff -i aac-faststart.m4a -i ffchapters.txt -map 0:a -map_metadata 0 -map_chapters 1 -c copy \
    -f ipod chaptered.m4b

# Containers without a native backend (libavformat's): Matroska audio, Ogg Opus, FLAC, each
# with a few tags; the FLAC also chaptered the way chaptag writes it (VorbisComment keys).
ff -i aac-faststart.m4a -map 0:a -c copy -metadata title="MKA test" -metadata artist="Chaptag Test" \
    audio.mka
ff -i tone.wav -c:a libopus -b:a 8k -metadata title="Opus test" -metadata artist="Chaptag Test" \
    audio.opus
ff -i tone.wav -c:a flac -metadata title="FLAC test" -metadata artist="Chaptag Test" audio.flac

# Pauses at known places, for silences, snapping and suggest (issue 20): 30 s, 44.1 kHz mono,
# sound at -6 dBFS peak (a tone changing every 2 s, with noise every other 3 s, so the VBR
# encoder really varies its rate). Default pauses (-40 dBFS, 300 ms): 5.0-5.8 s digital
# silence, 12.0-12.5 s a -60 dBFS peak, 26.0-26.4 s and 27.0-27.6 s silence. Not pauses by
# default: 18.0-19.0 s at -35 dBFS peak (one at -30 dBFS), 24.0-24.2 s silence (one from
# 150 ms). MP3 CBR (Info header) and VBR (Xing table), AAC in M4A, and for libavformat Opus
# and FLAC (8 kHz, lossless: the one to compare with silencedetect exactly).
level="0.5-0.5*gte(t\,5)*lt(t\,5.8)-0.499*gte(t\,12)*lt(t\,12.5)-0.48222*gte(t\,18)*lt(t\,19)"
level="$level-0.5*gte(t\,24)*lt(t\,24.2)-0.5*gte(t\,26)*lt(t\,26.4)-0.5*gte(t\,27)*lt(t\,27.6)"
sound="0.6*sin(2*PI*(220+110*mod(floor(t/2)\,4))*t)+0.4*mod(floor(t/3)\,2)*(2*random(0)-1)"
ff -f lavfi -i "aevalsrc=($level)*($sound):s=44100:d=30" -ac 1 -c:a pcm_s16le pauses.wav
ff -i pauses.wav -c:a libmp3lame -b:a 32k -id3v2_version 0 pauses.mp3
ff -i pauses.wav -c:a libmp3lame -q:a 7 -id3v2_version 0 pauses-vbr.mp3
ff -i pauses.wav -c:a aac -b:a 32k -movflags +faststart pauses.m4a
ff -i pauses.wav -c:a libopus -b:a 16k pauses.opus
ff -i pauses.wav -ar 8000 -c:a flac -compression_level 8 pauses.flac
rm -f pauses.wav

rm -f tone.wav cbr.raw.mp3 vbr.raw.mp3 ffchapters.txt
echo "$stamp" > .stamp
echo "make-fixtures: made $(ls *.mp3 *.m4a *.m4b *.mka *.opus *.flac | wc -l) audio fixtures in $out"
