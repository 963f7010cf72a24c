#!/usr/bin/env bash
# Installs the system packages Baton needs, only those missing (Debian/Ubuntu, as root). Idempotent.
#   librabbitmq-dev   rabbitmq-c headers and library (the CRabbitMQ module, found by pkg-config)
#   rabbitmq-server   a local broker for the integration tests (scripts/rabbitmq-node.sh)
#   pika (PyPI)       the example workers and scripts in Python (the RabbitMQ tutorials' client)
#   amqp-tools        amqp-publish / amqp-consume / amqp-declare-queue for poking at a broker by hand
#   libsqlite3-dev    SQLite, the embedded store (GRDB links the system library)
#   chromium, chromium-driver   a headless browser for the console's tests
#   wrk               HTTP load generator for the API benchmark
set -euo pipefail
packages=(librabbitmq-dev rabbitmq-server amqp-tools libsqlite3-dev chromium chromium-driver wrk)

# pika for the Python examples and scripts, in whichever python3 is on PATH.
if ! python3 -c 'import pika' 2>/dev/null; then
  echo "install-deps: installing pika (PyPI)"
  python3 -m pip install -q pika 2>/dev/null || python3 -m pip install -q --break-system-packages pika
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all present (${packages[*]})"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d keeps the package from starting a system-wide broker; tests run private nodes instead.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d > /dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
