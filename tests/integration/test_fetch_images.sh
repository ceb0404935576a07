#!/usr/bin/env bash
# embed --fetch-images against an HTTP server on 127.0.0.1 (tests/integration/fetch_images.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B fetch_images.py
