#!/usr/bin/env bash
# Every check, in order: build, lint, typecheck, check-dist, tests. All stages run even when one fails;
# then their timings, and last the line CI reads: "N passed, N failed, N skipped" (from vitest; a failed
# stage other than the tests adds one to "failed"). Exits 1 if anything failed. Arguments go to vitest.
set -uo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
failed=()
timings=()
stage() { # stage NAME COMMAND...
  local name=$1 t0
  shift
  echo "=== $name: $*"
  t0=$(now_ms)
  "$@" || failed+=("$name")
  local ms=$(($(now_ms) - t0))
  timings+=("$name $(printf '%d.%02d' $((ms / 1000)) $((ms % 1000 / 10))) s")
}

summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
run_tests() { node tools/test-ci.mjs "$@" | tee "$summary"; }

stage build pnpm build
stage lint pnpm lint
stage typecheck pnpm typecheck
stage check-dist node tools/check-dist.mjs
stage test run_tests "$@"

echo
echo "timings: $(IFS=,; echo "${timings[*]}" | sed 's/,/, /g')"
line=$(tail -n 1 "$summary")
if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
  passed=${BASH_REMATCH[1]} tests_failed=${BASH_REMATCH[2]} skipped=${BASH_REMATCH[3]}
  others=$(printf '%s\n' "${failed[@]}" | grep -cvx -e test -e '')
else
  passed=0 tests_failed=0 skipped=0 others=${#failed[@]}
fi
if ((${#failed[@]})); then echo "FAILED: ${failed[*]}"; fi
echo "$passed passed, $((tests_failed + others)) failed, $skipped skipped"
((${#failed[@]} == 0))
