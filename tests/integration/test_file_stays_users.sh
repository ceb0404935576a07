#!/usr/bin/env bash
# Owner, ACL, xattrs, holes, signals, leftovers (tests/integration/file_stays_users.py).
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -B file_stays_users.py
