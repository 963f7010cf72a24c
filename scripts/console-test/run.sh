#!/usr/bin/env bash
# Browser tests of the web console: a private RabbitMQ node, `baton serve` with the API and console,
# a worker answering the queue my-function (`baton worker -- cat`), and headless Chromium over WebDriver.
#
#   scripts/console-test/run.sh [--screenshots DIR] [--only NAME]
#
# Environment: BATON (default .build/debug/baton), CONSOLE_AMQP_PORT (5795), CONSOLE_HTTP_PORT (8095; the signed server takes the next port).
# Needs Debian's chromium and chromium-driver (scripts/install-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
baton=${BATON:-.build/debug/baton}
amqp_port=${CONSOLE_AMQP_PORT:-5795}
http_port=${CONSOLE_HTTP_PORT:-8095}
node=console$amqp_port
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  bash scripts/rabbitmq-node.sh stop "$node" "$amqp_port" >/dev/null 2>&1 || true
  bash scripts/rabbitmq-node.sh purge "$node" "$amqp_port" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
bash scripts/rabbitmq-node.sh purge "$node" "$amqp_port" >/dev/null 2>&1 || true
bash scripts/rabbitmq-node.sh start "$node" "$amqp_port" >/dev/null
bash scripts/rabbitmq-node.sh wait "$node" "$amqp_port" >/dev/null
url=amqp://guest:guest@127.0.0.1:$amqp_port
mkdir -p "$work/definitions"
"$baton" serve --amqp-url "$url" --http-port "$http_port" --definitions "$work/definitions" --log-level warning \
  > "$work/serve.log" 2>&1 &
pids+=($!)
# A second server on the same broker that requires signed calls (--auth-keys), for the sign-in test.
printf 'console-key console-secret\n' > "$work/keys"
"$baton" serve --amqp-url "$url" --http-port "$((http_port + 1))" --prefix baton-signed --auth-keys "$work/keys" \
  --definitions "$work/definitions" --log-level warning > "$work/serve-signed.log" 2>&1 &
pids+=($!)
"$baton" worker --queue my-function --amqp-url "$url" --concurrency 4 -- cat > "$work/worker.log" 2>&1 &
pids+=($!)
"$baton" worker --queue always-fails --amqp-url "$url" -- false > "$work/worker-fails.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$http_port/console/" >/dev/null && break
  sleep 0.2
done
status=0
python3 scripts/console-test/console_test.py "http://127.0.0.1:$http_port" \
  --signed "http://127.0.0.1:$((http_port + 1))" --key console-key:console-secret "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- baton serve log (last 30 lines)"; tail -n 30 "$work/serve.log"
fi
exit "$status"
