#!/usr/bin/env bash
# MP3 links and picture links end to end (tests/integration/mp3_links.py), with the Python
# that has mutagen.
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B mp3_links.py
