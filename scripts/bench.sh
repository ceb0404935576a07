#!/usr/bin/env bash
# chaptag's benchmark, side by side with an ffmpeg remux and mutagen: re-embeds that fit the
# padding, first embeds that must rewrite (against cp), peak memory, parsing a long chapter
# file, start-up. The large files (10 MB to 2 GB) are made on demand in BENCH_DIR (default
# build-bench/files, about 6 GB) and kept for the next run; nothing is committed.
#
# Then a catalogue: CATALOGUE (default 1,000) small generated episodes, each with a sibling
# chapter list, embedded in one command (first embed, then again with nothing to write) and
# verified in one (--siblings). The goal: a few seconds for 1,000.
#
# Then pauses (scripts/bench_pauses.py, issue 20): 30 chapters snapped to the pauses of a
# 2-hour MP3 (CBR, VBR, VBR without a seek table), a 10-hour M4B and a 2-hour Opus, against
# decoding the whole file (ffmpeg's silencedetect, as m4b-tool does; chaptag silences): time,
# bytes read, peak memory, warm and with the file's pages evicted; every snap is checked
# against the pauses' known places. Its files (about 0.4 GB) are made once in BENCH_DIR too.
#
#   scripts/bench.sh [--reps N] [--files mp3-10m,m4b-2g,...]
#   scripts/bench.sh --catalogue-only        # the catalogue section alone
#   scripts/bench.sh --pauses-only [--reps N] [--files m4b-10h,...] [--drop-caches]
set -euo pipefail
cd "$(dirname "$0")/.."
catalogue_only= pauses_only=
if [[ ${1:-} == --catalogue-only ]]; then
    catalogue_only=1
    shift
elif [[ ${1:-} == --pauses-only ]]; then
    pauses_only=1
    shift
fi
scripts/bootstrap.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCHAPTAG_TESTS=OFF -DCHAPTAG_INTEGRATION=OFF \
    -DCHAPTAG_FUZZ=OFF -DCHAPTAG_SANITIZE=OFF >/dev/null
cmake --build build-bench -j "$(nproc)" --target chaptag_cli >/dev/null
chaptag=$PWD/build-bench/chaptag
dir=${BENCH_DIR:-$PWD/build-bench/files}
if [[ -z $catalogue_only && -z $pauses_only ]]; then
    /usr/bin/python3 -B scripts/bench.py --chaptag "$chaptag" --dir "$dir" "$@"
fi
if [[ -n $pauses_only ]]; then
    exec /usr/bin/python3 -B scripts/bench_pauses.py --chaptag "$chaptag" --dir "$dir" "$@"
fi

# --- the catalogue ---------------------------------------------------------------------------
n=${CATALOGUE:-1000}
cat_dir=$dir/catalogue
rm -rf "$cat_dir"
mkdir -p "$cat_dir"
# one tiny MP3 (40 silent MPEG-1 Layer III frames, 128 kb/s, about 1 s, 16 KB), copied N times
/usr/bin/python3 - "$cat_dir/one.mp3" <<'PY'
import sys
frame = b"\xff\xfb\x90\x64" + bytes(413)  # 417 bytes: 144 * 128000 / 44100, no padding
open(sys.argv[1], "wb").write(frame * 40)
PY
for ((i = 0; i < n; i++)); do
    ep=$(printf '%s/ep%04d' "$cat_dir" "$i")
    cp "$cat_dir/one.mp3" "$ep.mp3"
    printf '0:00 Episode %d opens\n0:00.250 News\n0:00.500 Interview\n0:00.750 Outro\n' \
        "$i" >"$ep.txt"
done
rm "$cat_dir/one.mp3"

now() { date +%s.%N; }
timed() { # LABEL COMMAND...: runs it, prints the seconds it took
    local label=$1 t0 t1
    shift
    t0=$(now)
    "$@" >/dev/null
    t1=$(now)
    awk -v l="$label" -v a="$t0" -v b="$t1" 'BEGIN { printf "catalogue: %-44s %6.2f s\n", l, b - a }'
}
episodes=("$cat_dir"/ep*.mp3)
echo "catalogue: ${#episodes[@]} episodes of $(stat -c %s "${episodes[0]}") bytes, sibling lists"
timed "embed, one command (first: rewrites)" "$chaptag" embed -q "${episodes[@]}"
timed "embed again (nothing to write)" "$chaptag" embed -q "${episodes[@]}"
timed "verify --siblings, one command" "$chaptag" verify -q --siblings "${episodes[@]}"

# --- pauses (issue 20): its own options only with --pauses-only ------------------------------
if [[ -z $catalogue_only ]]; then
    /usr/bin/python3 -B scripts/bench_pauses.py --chaptag "$chaptag" --dir "$dir"
fi
