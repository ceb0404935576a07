#!/usr/bin/env bash
# The progress line of a long write on a terminal, and none in a pipe (tests/integration/progress.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B progress.py
