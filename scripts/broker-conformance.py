#!/usr/bin/env python3
"""Run the Lambda conformance cases through `baton serve` on a private RabbitMQ and compare with `baton run`.

  scripts/broker-conformance.py ../shared/conformance/lambda_cases [--baton PATH] [--verbose] [--keep]

For every case that has an expected result and a static mock (check.py's mocks_for), the script
  1. runs `baton run DEF --input-file IN --mock-file MOCKS --virtual-time --name conformance`;
  2. starts one private broker (scripts/rabbitmq-node.sh) and one `baton serve --definitions DIR` holding
     every case's definition, with a pika worker answering each function's queue as the mock says
     (identity, a constant, or `baton-status: failed` with {"error","cause"});
  3. starts each execution by a message on <prefix>.start with reply_to and correlation_id, and takes the
     result from reply_to;
and compares status, output, error and cause of the two runs the way check.py compares a result with a
recording (dates normalised, numbers by value). It prints each mismatch and, last, "N passed, M failed".
It also says how many broker results match the AWS recording (check.py's compare), for information.

check.py is read from the cases folder's parent (../shared/conformance) at run time; nothing is copied.
"""
import argparse
import glob
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

try:
    import pika
except ImportError:  # pragma: no cover
    sys.exit("pika is required: pip install pika")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE_SCRIPT = os.path.join(ROOT, "scripts", "rabbitmq-node.sh")
PREFIX = "conf"
EXECUTION_NAME = "conformance"


def load_check(cases_dir):
    """check.py from the conformance folder (the cases folder's parent)."""
    folder = os.path.dirname(os.path.abspath(cases_dir.rstrip("/")))
    sys.path.insert(0, folder)
    try:
        import check  # noqa: E402
    except ImportError:
        sys.exit(f"check.py not found in {folder}")
    return check


def free_port():
    """A port in 18000–19999 whose distribution port (+20000) is free too."""
    def free(p):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", p))
            return True
        except OSError:
            return False
        finally:
            s.close()
    for _ in range(200):
        p = random.randrange(18000, 20000)
        if free(p) and free(p + 20000):
            return p
    sys.exit("no free port for the broker")


def machine_name(index):
    return f"case{index:03d}"


def mock_key(mock):
    return json.dumps(mock, sort_keys=True)


def answer(mock, body):
    """(body bytes, headers) of the worker's reply, as the mock file says."""
    if "error" in mock:
        return json.dumps({"error": mock["error"], "cause": mock.get("cause")}).encode(), {"baton-status": "failed"}
    if mock.get("identity"):
        return body, None
    return json.dumps(mock.get("return")).encode(), None


def run_local(baton, definition, input_path, mocks_path, timeout):
    cmd = [baton, "run", definition, "--input-file", input_path, "--mock-file", mocks_path, "--virtual-time",
           "--name", EXECUTION_NAME]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"baton run: no answer in {timeout} s"
    try:
        result = json.loads(proc.stdout.strip() or "null")
    except ValueError:
        result = None
    if not isinstance(result, dict):
        return None, f"baton run: no JSON result (exit {proc.returncode}): {proc.stderr.strip()[:300]}"
    return result, None


def differences(check, local, broker):
    """How the broker's result differs from baton run's, compared as check.py compares."""
    m = check.Matcher([])
    if broker.get("status") != local.get("status"):
        return [f"status {broker.get('status')} != baton run's {local.get('status')} "
                f"(broker error={broker.get('error')!r} cause={str(broker.get('cause'))[:200]!r}; "
                f"run error={local.get('error')!r} cause={str(local.get('cause'))[:200]!r})"]
    reasons = []
    keys = ["output"] if local.get("status") == "SUCCEEDED" else ["error", "cause"]
    for key in keys:
        want, got = check.normalise(local.get(key)), check.normalise(broker.get(key))
        if not m.eq(want, got):
            reasons.append(f"{key}: baton run {json.dumps(want)[:300]} broker {json.dumps(got)[:300]}")
    return reasons


class Broker:
    def __init__(self, base, keep):
        self.name = f"baton-conformance-{os.getpid()}"
        self.port = free_port()
        self.env = dict(os.environ, RMQ_BASE=base)
        self.keep = keep

    def node(self, action):
        subprocess.run([NODE_SCRIPT, action, self.name, str(self.port)], env=self.env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    @property
    def url(self):
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def __enter__(self):
        self.node("start")
        self.node("wait")
        return self

    def __exit__(self, *exc):
        if not self.keep:
            subprocess.run([NODE_SCRIPT, "purge", self.name, str(self.port)], env=self.env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def rounds_of(cases):
    """Groups cases so that no function name has two behaviours in one round (queues are by function name)."""
    rounds = []
    for case in cases:
        for r in rounds:
            if all(r["mocks"].get(n, mock_key(m)) == mock_key(m) for n, m in case["mocks"].items()):
                r["cases"].append(case)
                r["mocks"].update({n: mock_key(m) for n, m in case["mocks"].items()})
                break
        else:
            rounds.append({"cases": [case], "mocks": {n: mock_key(m) for n, m in case["mocks"].items()}})
    return rounds


def run_round(url, cases, timeout):
    """Starts every case of a round at once with a worker answering all their functions; returns results by index."""
    conn = pika.BlockingConnection(pika.URLParameters(url))
    ch = conn.channel()
    mocks = {}
    for case in cases:
        mocks.update(case["mocks"])

    def work(channel, method, props, body):
        mock = mocks.get(method.routing_key)
        if mock is not None and props.reply_to:
            reply, headers = answer(mock, body)
            channel.basic_publish("", props.reply_to, reply, pika.BasicProperties(
                correlation_id=props.correlation_id, headers=headers, content_type="application/json"))
        channel.basic_ack(method.delivery_tag)

    for name in mocks:
        ch.queue_declare(name, durable=True)
        ch.basic_consume(name, work)
    replies = ch.queue_declare("", exclusive=True).method.queue
    results = {}

    def result(channel, method, props, body):
        try:
            results[int(props.correlation_id)] = json.loads(body)
        except (TypeError, ValueError):
            pass
        channel.basic_ack(method.delivery_tag)

    ch.basic_consume(replies, result)
    for case in cases:
        start = {"stateMachine": machine_name(case["index"]), "name": EXECUTION_NAME, "input": case["input"]}
        ch.basic_publish("", f"{PREFIX}.start", json.dumps(start).encode(), pika.BasicProperties(
            reply_to=replies, correlation_id=str(case["index"]), content_type="application/json", delivery_mode=2))
    deadline = time.monotonic() + timeout
    while len(results) < len(cases) and time.monotonic() < deadline:
        conn.process_data_events(time_limit=0.2)
    conn.close()
    return results


def wait_for_consumer(url, queue, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            conn = pika.BlockingConnection(pika.URLParameters(url))
            try:
                if conn.channel().queue_declare(queue, passive=True).method.consumer_count > 0:
                    return True
            finally:
                if conn.is_open:
                    conn.close()
        except Exception:  # the queue is not declared yet
            pass
        time.sleep(0.3)
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", help="the lambda_cases folder (../shared/conformance/lambda_cases)")
    ap.add_argument("--baton", help="the baton binary (default: build it with swift build --product baton)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds to wait for a round of executions")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the broker's data and serve's log")
    ap.add_argument("--only", action="append", default=[], help="run only cases whose name contains this (repeatable)")
    args = ap.parse_args()

    check = load_check(args.cases)
    baton = args.baton
    if not baton:
        subprocess.run(["swift", "build", "--product", "baton"], cwd=ROOT, check=True)
        bin_dir = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout.strip()
        baton = os.path.join(bin_dir, "baton")
    baton = os.path.abspath(baton)

    work = tempfile.mkdtemp(prefix="baton-conformance-")
    defs = os.path.join(work, "definitions")
    os.makedirs(defs)
    failed_reasons = {}
    cases = []
    skipped = 0
    for index, path in enumerate(sorted(glob.glob(os.path.join(args.cases, "*.json")))):
        case = json.load(open(path))
        if "expected" not in case:
            continue
        mocks = check.mocks_for(case)
        if mocks is None:
            skipped += 1
            continue
        name = case.get("name", os.path.basename(path))
        if args.only and not any(o in name for o in args.only):
            continue
        definition = os.path.join(work, machine_name(index) + ".json")
        with open(definition, "w") as f:
            json.dump(case["definition"], f) if "definition" in case else f.write(case.get("definition_raw", ""))
        input_path = os.path.join(work, machine_name(index) + ".input.json")
        with open(input_path, "w") as f:
            json.dump(case.get("input"), f) if "input" in case else f.write(case.get("input_raw", "{}"))
        mocks_path = os.path.join(work, machine_name(index) + ".mocks.json")
        with open(mocks_path, "w") as f:
            json.dump(mocks, f)
        local, problem = run_local(baton, definition, input_path, mocks_path, 60)
        if problem:
            failed_reasons[name] = [problem]
            continue
        valid = subprocess.run([baton, "validate", definition], capture_output=True, text=True)
        if valid.returncode != 0:
            failed_reasons[name] = [f"baton validate rejects the definition: {valid.stderr.strip()[:200]}"]
            continue
        shutil.copy(definition, os.path.join(defs, machine_name(index) + ".json"))
        # The input goes as JSON text (as in the AWS API), so a string input is not read as JSON text itself.
        text = json.dumps(case["input"]) if "input" in case else case.get("input_raw", "{}")
        cases.append({"index": index, "name": name, "case": case, "mocks": mocks, "local": local, "input": text})

    broker_results = {}
    log_path = os.path.join(work, "serve.log")
    with Broker(os.path.join(work, "rmq"), args.keep) as broker:
        with open(log_path, "w") as log:
            serve = subprocess.Popen([baton, "serve", "--amqp-url", broker.url, "--definitions", defs,
                                      "--prefix", PREFIX, "--log-level", "info"], stdout=log, stderr=log)
        try:
            if not wait_for_consumer(broker.url, f"{PREFIX}.start", serve):
                tail = open(log_path).read()[-2000:]
                sys.exit(f"baton serve did not start consuming {PREFIX}.start:\n{tail}")
            for r in rounds_of(cases):
                broker_results.update(run_round(broker.url, r["cases"], args.timeout))
        finally:
            serve.terminate()
            try:
                code = serve.wait(timeout=30)
            except subprocess.TimeoutExpired:
                serve.kill()
                code = "killed after 30 s"
            if code != 0:
                print(f"note: baton serve exited {code} after SIGTERM (log: {log_path})")

    aws_matches = 0
    for c in cases:
        got = broker_results.get(c["index"])
        if got is None:
            failed_reasons[c["name"]] = [f"no result on reply_to in {args.timeout:.0f} s"]
            continue
        if not check.compare(c["case"], got):
            aws_matches += 1
        reasons = differences(check, c["local"], got)
        if reasons:
            failed_reasons[c["name"]] = reasons
        elif args.verbose:
            print(f"ok   {c['name']}")
    for name in sorted(failed_reasons):
        print(f"FAIL {name}: " + "; ".join(failed_reasons[name]))
    total = len(cases) + len([n for n in failed_reasons if n not in {c["name"] for c in cases}])
    failed = len(failed_reasons)
    if skipped:
        print(f"({skipped} cases skipped: their task behaviour has no static mock)")
    print(f"(broker results matching the AWS recording: {aws_matches} of {len(cases)})")
    if args.keep:
        print(f"(work folder kept: {work})")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{total - failed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
