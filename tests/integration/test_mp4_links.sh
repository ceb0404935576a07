#!/usr/bin/env bash
# MP4 chapter links, the one-sample-per-chunk track and music-metadata's reading of it
# (tests/integration/mp4_links.py), with the Python that has mutagen.
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B mp4_links.py
