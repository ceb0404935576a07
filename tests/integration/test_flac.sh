#!/usr/bin/env bash
# FLAC end to end (tests/integration/flac_native.py), with the Python that has mutagen.
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B flac_native.py
