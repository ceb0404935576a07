#!/usr/bin/env bash
# Generated files that lose data or chapters: size-0 boxes, junk before MP3 audio, stacked tags,
# Nero-only chapters, leftover titles, growth, -o onto the input (hostile_files.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B hostile_files.py
