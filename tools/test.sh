#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install what is missing, then run every check.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=${EPOCHREALTIME/[.,]/}
if ! bash tools/setup.sh; then
  echo "FAILED: setup"
  echo "0 passed, 1 failed, 0 skipped" # the line CI reads; setup counts as one failed stage
  exit 1
fi
ms=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
printf 'setup took %d.%02d s\n' $((ms / 1000)) $((ms % 1000 / 10))
exec bash tools/test-all.sh "$@"
