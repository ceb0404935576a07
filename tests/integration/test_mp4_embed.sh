#!/usr/bin/env bash
# M4A/M4B end to end (tests/integration/mp4_embed.py), with the Python that has mutagen.
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B mp4_embed.py
