#!/usr/bin/env bash
# StartExecution over HTTP under load: wrk POSTs StartExecution of a one-Pass state machine to `baton serve`
# (a private RabbitMQ node, in-memory executions unless STORE is set), and prints throughput and latency.
#
#   Benchmarks/api.sh [DURATION_SECONDS] [CONNECTIONS...]     (defaults: 20 s; 8 16 32 connections)
#
# Environment: BATON (a built binary; default: build .build/release/baton), AMQP_PORT (default 5781),
#              HTTP_PORT (default 8091), STORE (a SQLite file for `baton serve --store`; default none).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
duration=${1:-20}
shift || true
connections=("$@")
[ ${#connections[@]} -gt 0 ] || connections=(8 16 32)
amqp_port=${AMQP_PORT:-5781}
http_port=${HTTP_PORT:-8091}
node=apibench$amqp_port
export RMQ_BASE=${RMQ_BASE:-/tmp/baton-rmq-apibench}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 3; }
if [ -z "${BATON:-}" ]; then
  swift build -c release --product baton >/dev/null
  BATON=$root/.build/release/baton
fi

serve_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  scripts/rabbitmq-node.sh purge "$node" "$amqp_port" >/dev/null 2>&1 || true
}
trap cleanup EXIT

scripts/rabbitmq-node.sh start "$node" "$amqp_port" >/dev/null
scripts/rabbitmq-node.sh wait "$node" "$amqp_port" >/dev/null
store_args=()
[ -n "${STORE:-}" ] && store_args=(--store "$STORE")
"$BATON" serve --amqp-url "amqp://guest:guest@127.0.0.1:$amqp_port" --http-port "$http_port" --log-level warning \
  "${store_args[@]}" > /tmp/baton-api-bench.log 2>&1 &
serve_pid=$!
endpoint=http://127.0.0.1:$http_port/
for _ in $(seq 1 100); do
  curl -s -o /dev/null "$endpoint" && break
  sleep 0.1
done
name=bench-pass-$$
arn=$(curl -s "$endpoint" -H 'Content-Type: application/x-amz-json-1.0' -H 'X-Amz-Target: AWSStepFunctions.CreateStateMachine' \
  -d "{\"name\":\"$name\",\"roleArn\":\"arn:aws:iam::123456789012:role/x\",\"definition\":\"{\\\"StartAt\\\":\\\"P\\\",\\\"States\\\":{\\\"P\\\":{\\\"Type\\\":\\\"Pass\\\",\\\"End\\\":true}}}\"}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["stateMachineArn"])')
echo "state machine: $arn; baton pid $serve_pid; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
export STATE_MACHINE_ARN=$arn
wrk -t2 -c8 -d3s -s Benchmarks/api-start.lua "$endpoint" >/dev/null   # warm-up
for c in "${connections[@]}"; do
  printf 'connections %-3s ' "$c"
  wrk -t2 -c"$c" -d"${duration}s" --latency -s Benchmarks/api-start.lua "$endpoint" | grep '^api-bench:'
done
rss=$(awk '/VmRSS/ {print $2}' /proc/$serve_pid/status)
echo "baton serve resident memory after the runs: $((rss / 1024)) MiB"
