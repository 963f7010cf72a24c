#!/usr/bin/env bash
# A private RabbitMQ node for tests and CI, without systemd (works as root).
#
#   scripts/rabbitmq-node.sh start  NAME PORT   launch in the background (data kept under $BASE/NAME)
#   scripts/rabbitmq-node.sh wait   NAME PORT   block until it accepts AMQP connections
#   scripts/rabbitmq-node.sh stop   NAME PORT   graceful stop, waits for the process to exit
#   scripts/rabbitmq-node.sh kill   NAME PORT   kill -9 (a crash); `start` again restarts on the same data
#   scripts/rabbitmq-node.sh freeze NAME PORT   SIGSTOP the node (a hung broker: sockets open, nothing answers)
#   scripts/rabbitmq-node.sh thaw   NAME PORT   SIGCONT it again
#   scripts/rabbitmq-node.sh status NAME PORT   exit 0 when running
#   scripts/rabbitmq-node.sh ctl    NAME PORT ARGS…   rabbitmqctl against the node
#   scripts/rabbitmq-node.sh purge  NAME PORT   stop if running and delete the node's directory
#
# Environment: RMQ_BASE (default /tmp/baton-rmq), RMQ_WAIT_TIMEOUT seconds (default 90),
#              RMQ_MANAGEMENT_PORT (enables the management plugin on that port; slower start),
#              RMQ_TLS_PORT + RMQ_TLS_DIR (an amqps listener using ca.pem, server.pem, server.key from that dir).
# The node listens on 127.0.0.1:PORT only and uses PORT+20000 for Erlang distribution.
set -euo pipefail

usage() { sed -n "2,17p" "$0" >&2; exit 2; }
[ $# -ge 3 ] || usage
action=$1 node=$2 port=$3
shift 3

base_root=${RMQ_BASE:-/tmp/baton-rmq}
dir=$base_root/$node
sbin=/usr/lib/rabbitmq/bin   # the /usr/sbin wrappers switch to the rabbitmq user; these do not
[ -x "$sbin/rabbitmq-server" ] || { echo "rabbitmq-server is not installed (scripts/install-deps.sh)" >&2; exit 3; }

# Everything the node and the CLI tools need points into $dir, so several nodes can run side by side.
export HOME=$dir                                  # its own .erlang.cookie
export RABBITMQ_NODENAME="$node@localhost"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$port
export RABBITMQ_DIST_PORT=$((port + 20000))
export RABBITMQ_CONF_ENV_FILE=$dir/env.conf       # do not read /etc/rabbitmq/rabbitmq-env.conf
export RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf
export RABBITMQ_ENABLED_PLUGINS_FILE=$dir/plugins
export RABBITMQ_MNESIA_BASE=$dir/data
export RABBITMQ_LOG_BASE=$dir/logs
export RABBITMQ_PID_FILE=$dir/node.pid

node_pid() { [ -s "$dir/node.pid" ] && cat "$dir/node.pid"; }
running() { local pid; pid=$(node_pid 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

case $action in
start)
  if running; then echo "node $node already running (pid $(node_pid))"; exit 0; fi
  mkdir -p "$dir/logs" "$dir/data"
  : > "$dir/env.conf"
  if [ ! -f "$dir/rabbitmq.conf" ]; then
    {
      echo "listeners.tcp.default = 127.0.0.1:$port"
      echo "loopback_users.guest = true"
      echo "disk_free_limit.absolute = 200MB"
      echo "log.console = false"
      echo "log.file.level = warning"
      if [ -n "${RMQ_TLS_PORT:-}" ]; then
        echo "listeners.ssl.default = 127.0.0.1:$RMQ_TLS_PORT"
        echo "ssl_options.cacertfile = ${RMQ_TLS_DIR:?RMQ_TLS_DIR must name the certificate directory}/ca.pem"
        echo "ssl_options.certfile = $RMQ_TLS_DIR/server.pem"
        echo "ssl_options.keyfile = $RMQ_TLS_DIR/server.key"
        echo "ssl_options.verify = verify_none"
        echo "ssl_options.fail_if_no_peer_cert = false"
      fi
      if [ -n "${RMQ_MANAGEMENT_PORT:-}" ]; then
        echo "management.tcp.ip = 127.0.0.1"
        echo "management.tcp.port = $RMQ_MANAGEMENT_PORT"
      fi
    } > "$dir/rabbitmq.conf"
  fi
  if [ -n "${RMQ_MANAGEMENT_PORT:-}" ]; then echo "[rabbitmq_management]." > "$dir/plugins"; else echo "[]." > "$dir/plugins"; fi
  rm -f "$dir/node.pid"     # a pid file left by kill -9 would make `wait` watch a dead process
  # The daemon must not keep the caller's descriptors open: a parent waiting for EOF on a pipe or socket
  # it handed us (Foundation's Process does) would otherwise wait until the broker exits.
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
    done
    exec nohup "$sbin/rabbitmq-server" >> "$dir/logs/console.log" 2>&1 < /dev/null
  ) &
  echo "node $node starting on 127.0.0.1:$port (data in $dir)"
  ;;
wait)
  limit=${RMQ_WAIT_TIMEOUT:-90}
  deadline=$((SECONDS + limit))
  until [ -s "$dir/node.pid" ]; do          # the pid file appears once the VM is up
    [ $SECONDS -lt $deadline ] || { echo "node $node: no pid file after ${limit}s; see $dir/logs" >&2; exit 1; }
    sleep 0.2
  done
  timeout "$limit" "$sbin/rabbitmqctl" -q wait --timeout "$limit" "$dir/node.pid" > /dev/null
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "node $node: port $port closed after ${limit}s" >&2; exit 1; }
    sleep 0.2
  done
  ;;
stop)
  if ! running; then exit 0; fi
  "$sbin/rabbitmqctl" -q stop "$dir/node.pid" > /dev/null 2>&1 || { kill -9 "$(node_pid)" 2>/dev/null || true; }
  ;;
kill)
  pid=$(node_pid) || { echo "node $node: no pid file" >&2; exit 1; }
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  ;;
freeze)
  kill -STOP "$(node_pid)"
  ;;
thaw)
  kill -CONT "$(node_pid)"
  ;;
status)
  running
  ;;
ctl)
  exec "$sbin/rabbitmqctl" "$@"
  ;;
purge)
  "$0" stop "$node" "$port" || true
  rm -rf "$dir"
  ;;
*)
  usage
  ;;
esac
