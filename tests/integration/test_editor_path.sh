#!/usr/bin/env bash
# From the editor's markers to the file (tests/integration/editor_path.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B editor_path.py
