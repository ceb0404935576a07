#!/usr/bin/env bash
# From editor to platform: transforms, platform blocks, show notes, --from-files
# (tests/integration/workflow.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B workflow.py
