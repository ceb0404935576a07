#!/usr/bin/env bash
# Reproducible source tarball and the Homebrew formula built from it
# (tests/integration/source_release.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B source_release.py
