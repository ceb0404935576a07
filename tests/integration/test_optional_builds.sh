#!/usr/bin/env bash
# Builds without cmocka and without FFmpeg's headers (tests/integration/optional_builds.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B optional_builds.py
