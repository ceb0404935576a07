#!/usr/bin/env bash
# Round trips with links that lose nothing or say so (tests/integration/links_roundtrip.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B links_roundtrip.py
