#!/usr/bin/env bash
# End-to-end benchmark of the orchestrator beside the broker's own request/reply limit, in one run.
#   Benchmarks/e2e.sh [SECONDS]      (needs ../shared/baselines/rpcbench for the baseline and the echo worker)
# 1. rpcbench (classic durable queues, persistent messages, publisher confirms — Baton's settings):
#    64 requests in flight → round trips/s; 1 in flight → p50 round trip.
# 2. baton serve (release) with rpcbench's echo worker answering queue bench.task, executions started by
#    Benchmarks/e2e-client (C on rabbitmq-c, like rpcbench's client, so the ratio compares Baton with the broker
#    and not two client libraries; `baton bench-e2e` is the same client in Swift, for users):
#    a 10-Task sequential workflow, 64 executions in flight → task round trips/s;
#    a 1-Task workflow, 1 in flight → p50 execution latency.
# 3. Memory: 10,000 executions waiting on a task nobody answers → the orchestrator's resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
secs=${1:-10}
shared=${SHARED:-$root/../shared}
port=${BENCH_AMQP_PORT:-5710}
url="amqp://guest:guest@127.0.0.1:$port"
work=$(mktemp -d /tmp/baton-e2e.XXXXXX)
node=e2e$$
cleanup() {
  [ -n "${serve_pid:-}" ] && kill "$serve_pid" 2>/dev/null || true
  [ -n "${worker_pid:-}" ] && kill "$worker_pid" 2>/dev/null || true
  scripts/rabbitmq-node.sh purge "$node" "$port" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

[ -f "$shared/baselines/rpcbench/rpcbench.c" ] || { echo "e2e: needs $shared/baselines/rpcbench (the baseline)"; exit 2; }
cc -O2 -o "$work/rpcbench" "$shared/baselines/rpcbench/rpcbench.c" $(pkg-config --cflags --libs librabbitmq)
cc -O2 -o "$work/e2e-client" Benchmarks/e2e-client/e2e-client.c $(pkg-config --cflags --libs librabbitmq)
[ -n "${BATON:-}" ] || swift build -c release --product baton >/dev/null
baton=${BATON:-$root/.build/release/baton}

scripts/rabbitmq-node.sh start "$node" "$port" >/dev/null
scripts/rabbitmq-node.sh wait "$node" "$port" >/dev/null
export AMQP_PORT=$port

echo "== rpcbench (classic, confirms) =="
rpc() { "$work/rpcbench" "$@"; }
AMQP_PORT=$port rpc setup classic
AMQP_PORT=$port rpc worker classic 1 64 & worker_pid=$!; sleep 0.3
rpc64=$(AMQP_PORT=$port rpc client classic 1 64 "$secs"); echo "$rpc64"
kill $worker_pid; wait $worker_pid 2>/dev/null || true
AMQP_PORT=$port rpc setup classic
AMQP_PORT=$port rpc worker classic 1 1 & worker_pid=$!; sleep 0.3
rpc1=$(AMQP_PORT=$port rpc client classic 1 1 "$secs"); echo "$rpc1"
kill $worker_pid; wait $worker_pid 2>/dev/null || true

echo "== baton serve, rpcbench's echo worker on bench.task =="
mkdir -p "$work/defs"
python3 - "$work/defs" <<'PY'
import json, sys
d = sys.argv[1]
fn = "arn:aws:lambda:us-east-1:123456789012:function:bench.task"
def chain(n):
    states = {f"T{i}": {"Type": "Task", "Resource": fn, **({"Next": f"T{i+1}"} if i + 1 < n else {"End": True})} for i in range(n)}
    return {"StartAt": "T0", "States": states}
json.dump(chain(10), open(f"{d}/bench10.json", "w"))
json.dump(chain(1), open(f"{d}/bench1.json", "w"))
json.dump({"StartAt": "Wait", "States": {"Wait": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:bench.idle", "End": True}}},
          open(f"{d}/idle.json", "w"))
PY
AMQP_PORT=$port rpc setup classic
"$baton" serve --amqp-url "$url" --definitions "$work/defs" --prefetch 256 --http-port 0 --log-level warning > "$work/serve.log" 2>&1 & serve_pid=$!
sleep 2
AMQP_PORT=$port rpc worker classic 1 64 & worker_pid=$!; sleep 0.3
b64=$("$work/e2e-client" run bench10 64 "$secs" 10); echo "$b64"
b1=$("$work/e2e-client" run bench1 1 "$secs" 1); echo "$b1"

echo "== memory: 10,000 executions waiting on a task =="
rss_before=$(awk '/VmRSS/{print $2}' /proc/$serve_pid/status)
"$work/e2e-client" start idle 10000
for _ in $(seq 1 120); do
  waiting=$(scripts/rabbitmq-node.sh ctl "$node" "$port" list_queues name messages 2>/dev/null | awk '$1=="bench.idle"{print $2}')
  [ "${waiting:-0}" -ge 10000 ] && break
  sleep 1
done
sleep 1
rss=$(awk '/VmRSS/{print $2}' /proc/$serve_pid/status); hwm=$(awk '/VmHWM/{print $2}' /proc/$serve_pid/status)
echo "tasks waiting in bench.idle: ${waiting:-0}; orchestrator VmRSS ${rss} KiB (before: ${rss_before} KiB), peak VmHWM ${hwm} KiB"

echo "== baton serve --store (every execution durable in SQLite, fsync per group commit) =="
kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true
kill "$worker_pid" 2>/dev/null || true; wait "$worker_pid" 2>/dev/null || true
AMQP_PORT=$port rpc setup classic
scripts/rabbitmq-node.sh ctl "$node" "$port" purge_queue bench.idle >/dev/null 2>&1 || true
"$baton" serve --amqp-url "$url" --definitions "$work/defs" --prefetch 256 --http-port 0 --log-level warning --store "$work/store.sqlite" > "$work/serve-store.log" 2>&1 & serve_pid=$!
sleep 2
AMQP_PORT=$port rpc worker classic 1 64 & worker_pid=$!; sleep 0.3
d64=$("$work/e2e-client" run bench10 64 "$secs" 10); echo "$d64"
d1=$("$work/e2e-client" run bench1 1 "$secs" 1); echo "$d1"
echo "store: $(du -h "$work/store.sqlite" | cut -f1) after the runs"

python3 - "$rpc64" "$rpc1" "$b64" "$b1" "$d64" "$d1" <<'PY'
import re, sys
def field(line, name):
    m = re.search(name + r"=([0-9.]+)", line); return float(m.group(1)) if m else float("nan")
rpc64, rpc1, b64, b1, d64, d1 = sys.argv[1:7]
rps = field(rpc64, "rps"); p50rt = field(rpc1, r"rtt_us p50") / 1000
brt = field(b64, "task_round_trips/s"); bp50 = field(b1, r"latency_ms p50")
drt = field(d64, "task_round_trips/s"); dp50 = field(d1, r"latency_ms p50")
print(f"== result: task round trips/s {brt:.0f} vs rpcbench {rps:.0f} = {100*brt/rps:.0f}% (target >= 50%)")
print(f"== result: 1-Task execution p50 {bp50:.2f} ms vs rpcbench round trip p50 {p50rt:.2f} ms = {bp50/p50rt:.2f}x (target <= 2x)")
print(f"== result (durable, --store): task round trips/s {drt:.0f} vs rpcbench {rps:.0f} = {100*drt/rps:.0f}% (target >= 50%); 1-Task p50 {dp50:.2f} ms = {dp50/p50rt:.2f}x")
PY
