#!/usr/bin/env bash
# MP3 end to end (tests/integration/mp3_embed.py), with the Python that has mutagen.
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B mp3_embed.py
