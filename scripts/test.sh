#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test of the package
# (unit tests, and integration tests that start their own private RabbitMQ node).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --build-tests
swift test --skip-build 2>&1 | tee .build/test-output.txt
bash scripts/fault-tests.sh   # the fault tests (issue 4): kill -9 of workers, broker and orchestrator; bad input; duplicates
