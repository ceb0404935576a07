#!/usr/bin/env bash
# Every command's output on fixed inputs, byte for byte, against the record
# (tests/integration/behaviour.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B behaviour.py
