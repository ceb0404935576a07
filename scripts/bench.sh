#!/usr/bin/env bash
# chaptag's benchmark, side by side with an ffmpeg remux and mutagen: re-embeds that fit the
# padding, first embeds that must rewrite (against cp), peak memory, parsing a long chapter
# file, start-up. The large files (10 MB to 2 GB) are made on demand in BENCH_DIR (default
# build-bench/files, about 6 GB) and kept for the next run; nothing is committed.
#
#   scripts/bench.sh [--reps N] [--files mp3-10m,m4b-2g,...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCHAPTAG_TESTS=OFF -DCHAPTAG_INTEGRATION=OFF \
    -DCHAPTAG_FUZZ=OFF -DCHAPTAG_SANITIZE=OFF >/dev/null
cmake --build build-bench -j "$(nproc)" --target chaptag_cli >/dev/null
exec /usr/bin/python3 -B scripts/bench.py --chaptag "$PWD/build-bench/chaptag" \
    --dir "${BENCH_DIR:-$PWD/build-bench/files}" "$@"
