#!/usr/bin/env bash
# Chapters that land in the pauses: --snap-to-silence, silences, suggest
# (tests/integration/silence.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B silence.py
