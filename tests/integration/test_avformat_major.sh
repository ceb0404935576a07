#!/usr/bin/env bash
# A libavformat of another major version is refused, naming both (tests/integration/avformat_major.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B avformat_major.py
