#!/usr/bin/env bash
# Shell completion for bash, zsh and fish, installed and loaded (tests/integration/completions.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B completions.py
