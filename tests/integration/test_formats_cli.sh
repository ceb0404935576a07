#!/usr/bin/env bash
# Chapter formats end to end (tests/integration/formats_cli.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B formats_cli.py
