#!/usr/bin/env bash
# Kills, full disks, permissions, locks, limits (tests/integration/robustness.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B robustness.py
