#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install what is missing, then run every check.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=${EPOCHREALTIME/[.,]/}
bash tools/setup.sh
ms=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
printf 'setup took %d.%02d s\n' $((ms / 1000)) $((ms % 1000 / 10))
exec bash tools/test-all.sh "$@"
