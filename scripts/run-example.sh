#!/usr/bin/env bash
# The README's first command: installs what is missing, builds Baton (release) and runs an example
# workflow — a Map, a Parallel, a Task retried after two failures — printing its result.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh > /dev/null
swift build -c release --product baton > /dev/null
.build/release/baton run examples/order.json --input-file examples/order.input.json \
  --mock-file examples/order.mocks.json --virtual-time
