#!/usr/bin/env bash
# Reports for machines: dump, embed, strip and verify --format json|jsonl, validated against
# docs/schemas (tests/integration/reports.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B reports.py
