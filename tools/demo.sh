#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build, run the end-to-end demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
TURBO_TELEMETRY_DISABLED=1 pnpm build --output-logs=errors-only
node tools/demo.mjs
