#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install what is missing, then run every check.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
bash tools/setup.sh
echo "setup took $((SECONDS - t0)) s"
exec bash tools/test-all.sh "$@"
