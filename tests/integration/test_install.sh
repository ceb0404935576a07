#!/usr/bin/env bash
# Install into a prefix chosen at install time and link against it (tests/integration/install.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B install.py
