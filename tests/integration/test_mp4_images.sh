#!/usr/bin/env bash
# The MP4 chapter image track (embed --mp4-images), read back by our own box walker, FFmpeg
# and music-metadata (tests/integration/mp4_images.py), with the Python that has mutagen.
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B mp4_images.py
