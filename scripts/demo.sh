#!/usr/bin/env bash
# The main job on a sample episode: installs what is missing, builds chaptag, makes a
# 66-minute sample episode with ffmpeg, embeds the chapters of seed 000 into it, dumps them,
# and embeds again (now in place, into the padding the first embed left).
#
#   scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
# the program and both libraries: everything 'cmake --install build' installs (README, Install)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCHAPTAG_TESTS=OFF -DCHAPTAG_INTEGRATION=OFF \
    >/dev/null
cmake --build build -j "$(nproc)" >/dev/null

mkdir -p build/demo
ep=build/demo/ep000.mp3
echo "== making a sample episode: $ep (66 minutes, 8 kb/s mono)"
ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "sine=frequency=330:sample_rate=8000:duration=3960" -ac 1 \
    -c:a libmp3lame -b:a 8k -id3v2_version 3 \
    -metadata title="Episode 000: MLOps and ML platforms" -metadata artist="Demo Podcast" "$ep"

echo "== chaptag embed $ep fixtures/chapters/seed-000.txt"
build/chaptag embed "$ep" fixtures/chapters/seed-000.txt
echo "== chaptag dump $ep"
build/chaptag dump "$ep"
echo "== chaptag embed the same chapters again (nothing to write)"
build/chaptag embed "$ep" fixtures/chapters/seed-000.txt
echo "== chaptag embed a changed list (fits the padding the first embed left: written in place)"
sed 's/Episode Introduction/Episode Opening/' fixtures/chapters/seed-000.txt > build/demo/changed.txt
build/chaptag embed "$ep" build/demo/changed.txt
echo "== chaptag verify $ep build/demo/changed.txt"
build/chaptag verify "$ep" build/demo/changed.txt
echo "== ffprobe's view of the first chapters"
ffprobe -v error -show_chapters -of csv=p=0 "$ep" | head -n 3
