"""Shared pieces of the fault tests: a private RabbitMQ node, `baton serve` processes, Python workers in
subprocesses, a client that starts executions and collects their results and events, and the report.

Every test is a standalone script (python3 scripts/fault/NAME.py [--baton PATH]) that builds nothing: it
runs the baton binary given by --baton or $BATON (scripts/fault-tests.sh builds one). Each test owns one
broker port in 5800-5849 and one node name, starts everything it uses, and stops it in a `finally`.
"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

try:
    import pika
    import pika.exceptions
except ImportError:  # pragma: no cover
    sys.exit("pika is required: scripts/install-deps.sh (or pip install pika)")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NODE_SCRIPT = os.path.join(ROOT, "scripts", "rabbitmq-node.sh")
WORKER_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker.py")
REGION, ACCOUNT = "us-east-1", "123456789012"
T0 = time.monotonic()
T0_WALL = time.time()

# pika logs every lost connection at ERROR with a traceback; the tests expect lost connections.
import logging  # noqa: E402
logging.getLogger("pika").setLevel(logging.CRITICAL)


def _die_with_parent():
    """In a child: SIGKILL when the test that started it dies, even by kill -9 (Linux prctl PR_SET_PDEATHSIG),
    so no serve or worker outlives its test and meets the next run's broker on the same port."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    except Exception:  # noqa: BLE001 - not Linux: the test's finally still stops them
        pass


# SIGTERM (a timeout, Ctrl-C's cousin) runs the tests' `finally` blocks too.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def log(message):
    print(f"[{time.monotonic() - T0:7.1f}s] {message}", flush=True)


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name, default):
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def execution_arn(machine, name):
    return f"arn:aws:states:{REGION}:{ACCOUNT}:execution:{machine}:{name}"


def baton_binary(argv_value=None):
    """The baton binary: --baton, else $BATON, else the release build of the default scratch folder."""
    path = argv_value or os.environ.get("BATON") or os.path.join(ROOT, ".build", "release", "baton")
    path = os.path.abspath(path)
    if not os.access(path, os.X_OK):
        sys.exit(f"no baton binary at {path}: build it (swift build -c release --product baton) or pass --baton/BATON")
    return path


def serve_help(baton):
    return subprocess.run([baton, "serve", "--help"], capture_output=True, text=True).stdout


class Report:
    """Collects checks; every failed check is a violation and makes the test exit 1."""

    def __init__(self, test):
        self.test = test
        self.violations = []
        self.figures = {}

    def figure(self, name, value):
        self.figures[name] = value
        log(f"{name}: {value}")

    def check(self, ok, what):
        if ok:
            log(f"ok    {what}")
        else:
            log(f"FAIL  {what}")
            self.violations.append(what)
        return ok

    def finish(self):
        line = ", ".join(f"{k}={v}" for k, v in self.figures.items())
        print(f"RESULT {self.test}: {line}", flush=True)
        if self.violations:
            print(f"FAILED {self.test}: {len(self.violations)} violation(s)", flush=True)
            for v in self.violations:
                print(f"  - {v}", flush=True)
            return 1
        print(f"PASSED {self.test}", flush=True)
        return 0


class Workdir:
    """A temporary folder, kept when FAULT_KEEP=1 or when the test failed (its path is printed)."""

    def __init__(self, test):
        self.path = tempfile.mkdtemp(prefix=f"baton-fault-{test}-")

    def file(self, *parts):
        return os.path.join(self.path, *parts)

    def cleanup(self, failed):
        if failed or os.environ.get("FAULT_KEEP") == "1":
            log(f"work folder kept: {self.path}")
        else:
            shutil.rmtree(self.path, ignore_errors=True)


class Broker:
    """A private RabbitMQ node through scripts/rabbitmq-node.sh (its data under the test's work folder)."""

    def __init__(self, name, port, base=None):
        # One fixed folder per node (not per run), so `purge` at the start also stops a node that a killed
        # run left behind.
        base = base or os.environ.get("FAULT_RMQ_BASE") or "/tmp/baton-fault-rmq"
        self.name, self.port = name, port
        self.env = dict(os.environ, RMQ_BASE=base)
        self.base = base

    @property
    def url(self):
        return f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"

    def node(self, action, check=True):
        r = subprocess.run([NODE_SCRIPT, action, self.name, str(self.port)], env=self.env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if check and r.returncode != 0:
            raise RuntimeError(f"rabbitmq-node.sh {action} {self.name}: {r.stderr.strip()[-500:]}")
        return r.returncode

    def start(self):
        t = time.monotonic()
        self.node("start")
        self.node("wait")
        return time.monotonic() - t

    def pid(self):
        try:
            return int(open(os.path.join(self.base, self.name, "node.pid")).read().strip())
        except (OSError, ValueError):
            return None

    def kill9(self):
        """kill -9 of the node's Erlang VM (the beam process); returns its pid."""
        pid = self.pid()
        if pid is None:
            raise RuntimeError("no broker pid to kill")
        os.kill(pid, signal.SIGKILL)
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        return pid

    def purge(self):
        self.node("purge", check=False)


def connect(url, attempts=1, delay=0.5):
    last = None
    for _ in range(max(1, attempts)):
        try:
            return pika.BlockingConnection(pika.URLParameters(url + "?heartbeat=30&blocked_connection_timeout=60"))
        except Exception as e:  # noqa: BLE001 - any connection failure: try again
            last = e
            time.sleep(delay)
    raise last


def wait_for_consumer(url, queue, proc=None, timeout=60):
    """True once `queue` has a consumer (serve or a worker is up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            conn = connect(url)
            try:
                if conn.channel().queue_declare(queue, passive=True).method.consumer_count > 0:
                    return True
            finally:
                if conn.is_open:
                    conn.close()
        except Exception:  # noqa: BLE001 - not declared yet, or the broker is restarting
            pass
        time.sleep(0.2)
    return False


class Serve:
    """One `baton serve` process (a real process: kill9 sends SIGKILL)."""

    def __init__(self, baton, url, definitions, log_path, extra=(), log_level="info"):
        self.cmd = [baton, "serve", "--amqp-url", url, "--definitions", definitions, "--log-level", log_level, *extra]
        self.url, self.log_path = url, log_path
        self.proc = None
        self.starts = 0

    def start(self, wait=True):
        with open(self.log_path, "a") as f:
            f.write(f"=== baton serve start #{self.starts + 1} ===\n")
            f.flush()
            self.proc = subprocess.Popen(self.cmd, stdout=f, stderr=f, start_new_session=True,
                                         preexec_fn=_die_with_parent)
        self.starts += 1
        if wait and not wait_for_consumer(self.url, "baton.start", self.proc):
            raise RuntimeError(f"baton serve did not start consuming (exit {self.proc.poll()}):\n{self.tail()}")
        return self.proc.pid

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def rss_kib(self):
        try:
            for line in open(f"/proc/{self.proc.pid}/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if not self.alive():
            return self.proc.returncode if self.proc else None
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return "killed after 20 s"

    def text(self):
        try:
            return open(self.log_path, errors="replace").read()
        except OSError:
            return ""

    def tail(self, n=3000):
        return self.text()[-n:]


class Workers:
    """Python workers (scripts/fault/worker.py) in subprocesses; each appends JSON lines to its own log."""

    def __init__(self, url, workdir):
        self.url, self.workdir = url, workdir
        self.procs = []

    def start(self, queues, name, *extra):
        path = self.workdir.file(f"worker-{name}.jsonl")
        err = open(self.workdir.file(f"worker-{name}.err"), "a")
        proc = subprocess.Popen([sys.executable, WORKER_SCRIPT, "--url", self.url, "--queues", ",".join(queues),
                                 "--log", path, "--name", name, *extra], stdout=err, stderr=err,
                                start_new_session=True, preexec_fn=_die_with_parent)
        self.procs.append((name, proc, path))
        return proc, path

    def wait_ready(self, path, proc, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False
            for rec in read_jsonl(path):
                if rec.get("ev") == "ready":
                    return True
            time.sleep(0.1)
        return False

    def stop_all(self):
        for _, proc, _ in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for _, proc, _ in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def records(self):
        out = []
        for _, _, path in self.procs:
            out.extend(read_jsonl(path))
        return out


def read_jsonl(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    try:
                        out.append(json.loads(line))
                    except ValueError:
                        pass  # a line cut short by kill -9
    except OSError:
        pass
    return out


def task_label(record):
    """The state's name, with the Map item when there is one: "PM[2]"."""
    return record.get("state") if record.get("item") is None else f"{record.get('state')}[{record.get('item')}]"


def task_counts(records):
    """Worker-side counts: per (execution, state, attempt), the distinct tokens seen and the answers confirmed."""
    tokens, answers, deliveries = {}, {}, {}
    for r in records:
        key = (r.get("exec"), task_label(r), r.get("attempt"))
        if r.get("ev") == "recv":
            tokens.setdefault(key, set()).add(r.get("token"))
            deliveries[key] = deliveries.get(key, 0) + 1
        elif r.get("ev") == "answered":
            answers[key] = answers.get(key, 0) + 1
    return tokens, answers, deliveries


class Collector(threading.Thread):
    """Consumes the results queue (reply_to of every start) and, optionally, the events exchange, in a
    thread with its own connection; reconnects when the broker goes away. Queues are durable, so a
    broker restart loses nothing that was confirmed."""

    def __init__(self, url, results_queue, events=False):
        super().__init__(daemon=True)
        self.url, self.results_queue, self.events = url, results_queue, events
        self.events_queue = results_queue + ".events"
        self.results = {}       # correlation id -> [result, …]
        self.event_log = {}     # execution arn -> [status, …]
        self.lock = threading.Lock()
        self.stopping = False
        self.reconnects = 0
        self.declare()

    def declare(self):
        conn = connect(self.url, attempts=20)
        ch = conn.channel()
        ch.queue_declare(self.results_queue, durable=True)
        if self.events:
            ch.queue_declare(self.events_queue, durable=True)
            ch.queue_bind(self.events_queue, "baton.events", "execution.#")
        conn.close()

    def run(self):
        while not self.stopping:
            try:
                conn = connect(self.url)
                ch = conn.channel()
                ch.basic_qos(prefetch_count=500)
                ch.basic_consume(self.results_queue, self.on_result)
                if self.events:
                    ch.basic_consume(self.events_queue, self.on_event)
                while not self.stopping:
                    conn.process_data_events(time_limit=0.2)
                conn.close()
            except Exception:  # noqa: BLE001 - the broker went away: consume again
                if self.stopping:
                    return
                self.reconnects += 1
                time.sleep(0.5)

    def on_result(self, ch, method, props, body):
        try:
            value = json.loads(body)
        except ValueError:
            value = {"unreadable": body[:200].decode(errors="replace")}
        with self.lock:
            self.results.setdefault(props.correlation_id, []).append(value)
        ch.basic_ack(method.delivery_tag)

    def on_event(self, ch, method, props, body):
        try:
            value = json.loads(body)
            with self.lock:
                self.event_log.setdefault(value.get("executionArn"), []).append(value.get("status"))
        except ValueError:
            pass
        ch.basic_ack(method.delivery_tag)

    def count(self):
        with self.lock:
            return len(self.results)

    def snapshot(self):
        with self.lock:
            return {k: list(v) for k, v in self.results.items()}, {k: list(v) for k, v in self.event_log.items()}

    def wait_for(self, n, timeout, progress=None, every=5.0, stall=None):
        """True once results for `n` executions arrived; False after `timeout` s, or after `stall` s without a
        new result. Calls progress(count) every `every` seconds."""
        deadline = time.monotonic() + timeout
        next_report = time.monotonic() + every
        last_count, last_change = -1, time.monotonic()
        while time.monotonic() < deadline:
            c = self.count()
            if c >= n:
                return True
            if c != last_count:
                last_count, last_change = c, time.monotonic()
            elif stall and time.monotonic() - last_change > stall:
                return False
            if progress and time.monotonic() >= next_report:
                progress(c)
                next_report += every
            time.sleep(0.1)
        return self.count() >= n

    def stop(self):
        self.stopping = True
        self.join(timeout=5)


class Starter:
    """Publishes start messages with publisher confirms, reconnecting and publishing again when the broker
    goes away (starts carry a name, so a second copy is idempotent)."""

    def __init__(self, url, reply_to):
        self.url, self.reply_to = url, reply_to
        self.conn = self.ch = None
        self.republished = 0

    def _channel(self):
        if self.conn is None or not self.conn.is_open:
            self.conn = connect(self.url, attempts=120, delay=0.5)
            self.ch = self.conn.channel()
            self.ch.confirm_delivery()
        return self.ch

    def start(self, machine, name, payload, correlation_id):
        body = json.dumps({"stateMachine": machine, "name": name, "input": payload}).encode()
        props = pika.BasicProperties(reply_to=self.reply_to, correlation_id=correlation_id,
                                     content_type="application/json", delivery_mode=2)
        for attempt in range(200):
            try:
                self._channel().basic_publish("", "baton.start", body, props, mandatory=True)
                return
            except Exception:  # noqa: BLE001 - unconfirmed: publish again on a new connection
                self.republished += 1
                self.conn = None
                time.sleep(0.5)
        raise RuntimeError(f"could not publish the start of {name}")

    def close(self):
        try:
            if self.conn is not None and self.conn.is_open:
                self.conn.close()
        except Exception:  # noqa: BLE001
            pass


def drain(url, queue, limit=1_000_000, idle=1.0):
    """Every message now in `queue` (acked): [(properties, body)]."""
    conn = connect(url, attempts=20)
    ch = conn.channel()
    out = []
    quiet_since = time.monotonic()
    while len(out) < limit:
        method, props, body = ch.basic_get(queue, auto_ack=True)
        if method is None:
            if time.monotonic() - quiet_since > idle:
                break
            time.sleep(0.05)
            continue
        quiet_since = time.monotonic()
        out.append((props, body))
    conn.close()
    return out


def write_definitions(folder, machines):
    os.makedirs(folder, exist_ok=True)
    for name, definition in machines.items():
        with open(os.path.join(folder, name + ".json"), "w") as f:
            json.dump(definition, f, indent=1)


def sequence_machine(tasks, queue="fault-work", wait_after=None, timeout=None, retry=None):
    """T1 → … → Tn, each a Task on `queue` (the worker appends the state's name to $.trail); an optional
    Wait (SecondsPath $.wait) after task number `wait_after`."""
    states = {}
    names = [f"T{i}" for i in range(1, tasks + 1)]
    order = []
    for i, n in enumerate(names, 1):
        order.append(n)
        if wait_after == i:
            order.append("Pause")
    for i, n in enumerate(order):
        nxt = order[i + 1] if i + 1 < len(order) else None
        if n == "Pause":
            s = {"Type": "Wait", "SecondsPath": "$.wait"}
        else:
            s = {"Type": "Task", "Resource": f"baton:queue:{queue}"}
            if timeout:
                s["TimeoutSeconds"] = timeout
            if retry:
                s["Retry"] = retry
        if nxt:
            s["Next"] = nxt
        else:
            s["End"] = True
        states[n] = s
    return {"Comment": "fault test sequence", "StartAt": order[0], "States": states}


def store_supported(baton):
    """True when this baton's `serve` has --store (the durable SQLite store) and FAULT_NO_STORE is not 1."""
    return os.environ.get("FAULT_NO_STORE") != "1" and "--store" in serve_help(baton)


def history_supported(baton):
    r = subprocess.run([baton, "get-execution-history", "--help"], capture_output=True, text=True)
    return r.returncode == 0 and "--store" in r.stdout


def history(baton, arn, store):
    """The events of `baton get-execution-history ARN --store PATH` (AWS's shape), or None."""
    r = subprocess.run([baton, "get-execution-history", arn, "--store", store], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    try:
        value = json.loads(r.stdout)
    except ValueError:
        return None
    events = value.get("events") if isinstance(value, dict) else value
    return events if isinstance(events, list) else None


def history_counts(events):
    """(count per event type, TaskSucceeded per state name): a TaskSucceeded belongs to the Task state most
    recently entered (the machines of the fault tests are sequences)."""
    types, per_state = {}, {}
    current = None
    for e in events:
        t = e.get("type")
        types[t] = types.get(t, 0) + 1
        details = e.get("stateEnteredEventDetails")
        if isinstance(details, dict) and details.get("name"):
            current = details["name"]
        if t == "TaskSucceeded":
            per_state[current] = per_state.get(current, 0) + 1
    return types, per_state


def seed():
    s = env_int("FAULT_SEED", int(time.time()) % 100000)
    random.seed(s)
    return s
