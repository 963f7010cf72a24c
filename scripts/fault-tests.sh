#!/usr/bin/env bash
# The fault tests (issue 4): real processes, really killed. Each test starts its own private RabbitMQ node
# (ports 5801-5821), its own `baton serve` and Python workers, prints what it did and counted, and exits
# non-zero on any violation. See docs/reliability.md for the figures and what each test checks.
#
#   scripts/fault-tests.sh                       build the release baton, run every test
#   BATON=path/to/baton scripts/fault-tests.sh   use that binary (no build)
#   FAULT_TESTS="bad_input duplicates" scripts/fault-tests.sh   only those
#
# Sizes: BAD_INPUT_COUNT, DUP_EXECUTIONS, WORKER_KILLS, BK_EXECUTIONS, OK_EXECUTIONS, OK_KILLS … (each
# test's docstring lists its variables); FAULT_SEED=N repeats a run's random choices; FAULT_KEEP=1 keeps
# the work folders (logs, broker data, store).
set -uo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import pika' 2>/dev/null || bash scripts/install-deps.sh > /dev/null
if [ -z "${BATON:-}" ]; then
  swift build -c release --product baton > /dev/null || { echo "fault-tests: the release build failed" >&2; exit 1; }
  BATON="$(swift build -c release --show-bin-path)/baton"
fi
export BATON
tests=${FAULT_TESTS:-"bad_input duplicates worker_killed broker_killed orchestrator_killed"}
failed=() summary=()
start_all=$SECONDS
for t in $tests; do
  echo "=== fault test: $t"
  t0=$SECONDS
  out=$(mktemp)
  python3 "scripts/fault/$t.py" 2>&1 | tee "$out"
  code=${PIPESTATUS[0]}
  if [ "$code" -ne 0 ]; then
    failed+=("$t")
    summary+=("FAILED  $t ($((SECONDS - t0)) s)")
  elif grep -q '^SKIPPED' "$out"; then
    summary+=("SKIPPED $t: $(grep -m1 '^SKIPPED' "$out" | cut -d: -f2- | sed 's/^ //')")
  else
    summary+=("passed  $t ($((SECONDS - t0)) s)")
  fi
  rm -f "$out"
done
echo "=== fault tests: $((SECONDS - start_all)) s"
printf '%s\n' "${summary[@]}"
[ ${#failed[@]} -eq 0 ] || { echo "fault tests failed: ${failed[*]}"; exit 1; }
