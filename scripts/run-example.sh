#!/usr/bin/env bash
# The README's first command: installs what is missing, builds Baton, starts a private RabbitMQ node,
# `baton serve` and the example workers, starts the example workflow (a Map, a Parallel, a Task retried
# twice by broker timers) by message, prints its result, and stops everything again.
#   scripts/run-example.sh           (AMQP_PORT=5699 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
port=${AMQP_PORT:-5699}
node=example
export AMQP_URL="amqp://guest:guest@127.0.0.1:$port"
bash scripts/install-deps.sh > /dev/null
swift build -c release --product baton > /dev/null
log=$(mktemp -d /tmp/baton-example.XXXXXX)
cleanup() {
  [ -n "${serve_pid:-}" ] && kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  [ -n "${workers_pid:-}" ] && kill "$workers_pid" 2>/dev/null || true
  scripts/rabbitmq-node.sh stop "$node" "$port" > /dev/null 2>&1 || true
}
trap cleanup EXIT
scripts/rabbitmq-node.sh start "$node" "$port" > /dev/null
scripts/rabbitmq-node.sh wait "$node" "$port" > /dev/null
.build/release/baton serve --amqp-url "$AMQP_URL" --definitions examples/state-machines --log-level warning > "$log/serve.log" 2>&1 &
serve_pid=$!
python3 examples/order_workers.py > "$log/workers.log" 2>&1 &
workers_pid=$!
for _ in $(seq 1 50); do grep -q ready "$log/workers.log" 2>/dev/null && break; sleep 0.2; done
python3 examples/start.py order examples/order.input.json
