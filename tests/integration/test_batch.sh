#!/usr/bin/env bash
# embed and verify of many files, each with its own list (tests/integration/batch.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B batch.py
