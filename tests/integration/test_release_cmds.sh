#!/usr/bin/env bash
# verify, strip, other containers, libraries (tests/integration/release_cmds.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B release_cmds.py
