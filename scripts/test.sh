#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test of the package
# (unit tests, and integration tests that start their own private RabbitMQ node).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --build-tests
swift test --skip-build 2>&1 | tee .build/test-output.txt
bash scripts/fault-tests.sh   # the fault tests (issue 4): kill -9 of workers, broker and orchestrator; bad input; duplicates
# The console's browser tests (issue 7): headless Chromium over WebDriver, when chromium and its driver are there.
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  bash scripts/console-test/run.sh
fi
