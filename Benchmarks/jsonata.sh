#!/usr/bin/env bash
# JSONata: Baton's evaluator against the Python port (jsonata-python), in the same run.
#   Benchmarks/jsonata.sh          (needs ../shared/jsonata for the suite; installs jsonata-python in a venv)
# 1. The whole reference suite once, in process (compile + evaluate each case; limits cases excluded).
# 2. A typical Step Functions expression evaluated 100,000 times on a 10-item input.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-$(pwd)/../shared}
venv=${JSONATA_VENV:-/tmp/baton-jsonata-venv}
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q jsonata-python; }
swift build -c release --product baton-jsonata > /dev/null
bin=.build/release/baton-jsonata
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
expr='$states.input.items[price > 10].{"id": id, "total": price * qty}'
python3 - "$work" <<'PY'
import json, sys
items = [{"id": f"i{k}", "price": 5 + 3 * k, "qty": k % 4 + 1} for k in range(10)]
json.dump({"states": {"input": {"items": items}}}, open(sys.argv[1] + "/bindings.json", "w"))
PY
echo "== typical expression x 100,000: $expr"
swift_line=$("$bin" "$expr" --bindings "$work/bindings.json" --repeat 100001 2>&1 >/dev/null | grep timing)
echo "baton:  $swift_line"
"$venv/bin/python" - "$expr" "$work/bindings.json" <<'PY' | tee "$work/py.txt"
import json, sys, time
from jsonata import Jsonata
expr, bindings = sys.argv[1], json.load(open(sys.argv[2]))
j = Jsonata(expr)
env = j.create_frame()
for k, v in bindings.items(): env.bind(k, v)
j.evaluate(None, env)
n = 100000
c0 = time.process_time(); t0 = time.perf_counter()
for _ in range(n): j.evaluate(None, env)
cpu = time.process_time() - c0; wall = time.perf_counter() - t0
print(f"python: timing: {n} evaluations in {int(wall*1000)} ms wall, {int(cpu*1000)} ms cpu ({cpu/n*1e6:.2f} us cpu each)")
PY
if [ -d "$shared/jsonata/cases" ]; then
  echo "== the reference suite once, in process"
  "$bin" --bench-suite "$shared/jsonata/cases" 2>&1 | tail -3
  "$venv/bin/python" - "$shared/jsonata/cases" <<'PY'
import json, os, sys, time
from jsonata import Jsonata
root = sys.argv[1]; total = 0.0; n = 0
for g in sorted(os.listdir(root)):
    for f in sorted(os.listdir(os.path.join(root, g))):
        c = json.load(open(os.path.join(root, g, f)))
        if "timelimit" in c or "depth" in c: continue
        t0 = time.process_time()
        try:
            j = Jsonata(c["expr"]); env = j.create_frame()
            for k, v in c.get("bindings", {}).items(): env.bind(k, v)
            j.evaluate(c.get("data"), env)
        except Exception:
            pass
        total += time.process_time() - t0; n += 1
print(f"python suite: {n} cases, {total*1000:.0f} ms cpu")
PY
fi
