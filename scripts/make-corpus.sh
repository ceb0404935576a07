#!/usr/bin/env bash
# Regenerates the binary seed corpora of the fuzz targets (tests/fuzz/corpus/{id3v2,mpeg,mp4,
# dump} and one folder per chapter format) from short audio made here with ffmpeg and from
# the seed chapter files. The results are small (a few KB each) and committed; run this
# after changing what chaptag writes, with a built chaptag.
#
#   scripts/make-corpus.sh [path/to/chaptag]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-build/chaptag}")
corpus=$PWD/tests/fuzz/corpus
seeds=$PWD/fixtures/chapters
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
ff -f lavfi -i "sine=f=330:sample_rate=8000:d=3" -ac 1 -c:a pcm_s16le tone.wav
ff -f lavfi -i "color=c=0x3366cc:s=16x16" -frames:v 1 cover.jpg
printf '00:00 Intro\n00:01.250 Middle: with a colon\n00:02 Ünïcode end\n' > three.txt

# MP3: v2.3 with a cover, v2.4, no tag and no Info header, ID3v1 at the end; each also with
# chapters (v2.3 and v2.4), and one chaptered by ffmpeg.
ff -i tone.wav -i cover.jpg -map 0:a -map 1:v -c:a libmp3lame -b:a 8k -c:v copy \
    -id3v2_version 3 -metadata title=T -disposition:v attached_pic v23.mp3
ff -i tone.wav -c:a libmp3lame -q:a 9 -id3v2_version 4 -metadata title=Straße v24.mp3
ff -i tone.wav -c:a libmp3lame -b:a 8k -id3v2_version 0 -write_xing 0 notag.mp3
ff -i tone.wav -c:a libmp3lame -b:a 8k -id3v2_version 3 -write_id3v1 1 v1.mp3
printf ';FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=One\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=1500\nEND=3000\ntitle=Two\n' > ff.txt
ff -i tone.wav -i ff.txt -map 0:a -map_chapters 1 -c:a libmp3lame -b:a 8k ffchap.mp3
cp v23.mp3 v23-chapters.mp3 && "$bin" embed -q v23-chapters.mp3 three.txt
cp v24.mp3 v24-chapters.mp3 && "$bin" embed -q --id3v2-version 4 v24-chapters.mp3 three.txt

# MP4: moov first with tags and cover, moov last, chaptered by ffmpeg, chaptered by chaptag.
ff -i tone.wav -i cover.jpg -map 0:a -map 1:v -c:a aac -b:a 8k -c:v copy \
    -disposition:v attached_pic -metadata title=M4A -movflags +faststart first.m4a
ff -i first.m4a -map 0 -c copy last.m4a
ff -i tone.wav -i ff.txt -map 0:a -map_chapters 1 -c:a aac -b:a 8k -f ipod ffchap.m4b
cp first.m4a chaptag.m4a && "$bin" embed -q chaptag.m4a three.txt
cp last.m4a chaptag-last.m4a && "$bin" embed -q chaptag-last.m4a three.txt

mkdir -p "$corpus"/{id3v2,mpeg,mp4,dump}
rm -f "$corpus"/{id3v2,mpeg,mp4,dump}/*.{mp3,m4a,m4b,tag} 2>/dev/null || true
for f in *.mp3; do
    cp "$f" "$corpus/mpeg/$f"
    cp "$f" "$corpus/dump/$f"
    # the tag alone for the ID3v2 reader: 10 + its sync-safe size
    size=$(/usr/bin/python3 -c "import sys;h=open(sys.argv[1],'rb').read(10);print(10+((h[6]<<21)|(h[7]<<14)|(h[8]<<7)|h[9]) if h[:3]==b'ID3' else 0)" "$f")
    [ "$size" -gt 0 ] && head -c "$size" "$f" > "$corpus/id3v2/${f%.mp3}.tag"
done
for f in *.m4a *.m4b; do
    cp "$f" "$corpus/mp4/$f"
    cp "$f" "$corpus/dump/$f"
done
# every chapter format, from both seeds
for fmt in $("$bin" help convert | sed -n 's/^Formats: //p' | tr -d ',.'); do
    mkdir -p "$corpus/$fmt"
    for s in "$seeds"/seed-*.txt; do
        base=$(basename "$s" .txt)
        "$bin" convert -q --to "$fmt" --duration 1:06:00 "$s" > "$corpus/$fmt/$base.$fmt" || rm -f "$corpus/$fmt/$base.$fmt"
        cp "$corpus/$fmt/$base.$fmt" "$corpus/detect/" 2>/dev/null || true
    done
done
du -sh "$corpus"/* | sort -k2
