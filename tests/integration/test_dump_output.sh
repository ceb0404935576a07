#!/usr/bin/env bash
# dump -o / --images and convert -o (tests/integration/dump_output.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B dump_output.py
