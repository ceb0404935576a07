#!/usr/bin/env bash
# Ogg end to end (tests/integration/ogg_native.py), with the Python that has mutagen.
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B ogg_native.py
