#!/usr/bin/env bash
# WAV end to end (tests/integration/wav_native.py), with the Python that has mutagen.
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B wav_native.py
