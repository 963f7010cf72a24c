"""The run shared by broker_killed.py and orchestrator_killed.py: N executions of a 5-Task sequence with a
Wait and a Retry, answered by Python workers, while the test kills something; then the checks.

The machine: T1 → T2 → Pause (Wait $.wait s) → T3 → T4 → T5, every Task with a Retry on Fault.Transient
(IntervalSeconds 2). With <PREFIX>_SHAPE=fanout, T2 → Fan → Pause where Fan is a Parallel of a Task (PA)
and a Map of a Task (PM) over 3 items (ResultPath $.fan): joins across the kills. Execution i waits 2 + 3·(i mod 5) s (2 … 14 s, so Waits are pending across a kill),
and every 4th one fails T3's first attempt (a Retry timer). The workers append each state's name to
$.trail, so the right output is trail [T1 … T5] and the execution's id.

Checks (a violation each):
  - every execution SUCCEEDED with the right output (losses = executions that did not);
  - worker side, one task token per (execution, state, attempt) and exactly the attempts expected (T1…T5
    attempt 0, plus T3 attempt 1 when it failed): a result applied twice would dispatch a state again;
  - no Wait ended early (the worker saw T3 at least $.wait s after answering T2);
  - with a store: the history has one TaskSucceeded per state (the attempt that answered), one TaskFailed
    where T3 failed, one ExecutionSucceeded — and the worker-side count of answered attempts agrees.
Figures: executions, kills, tasks delivered again (redelivered), answers sent twice, results and events
received twice (at-least-once delivery of the outcome; not a violation), timers fired by the sweep.
"""
import os
import random
import threading
import time

import faultlib as F

MACHINE = "durable"
QUEUE = "fault-work"
RETRY = [{"ErrorEquals": ["Fault.Transient"], "IntervalSeconds": 2, "MaxAttempts": 2, "BackoffRate": 1.0}]
STATES = ["T1", "T2", "T3", "T4", "T5"]


ITEMS = 3


def machine(shape="sequence"):
    m = F.sequence_machine(5, queue=QUEUE, wait_after=2, retry=RETRY)
    if shape == "fanout":
        # T2 → Fan (Parallel: PA | Map over $.items of PM) → Pause: fan-out and joins across the kills.
        task = {"Type": "Task", "Resource": f"baton:queue:{QUEUE}", "Retry": RETRY, "End": True}
        m["States"]["T2"]["Next"] = "Fan"
        m["States"]["Fan"] = {"Type": "Parallel", "ResultPath": "$.fan", "Next": "Pause", "Branches": [
            {"StartAt": "PA", "States": {"PA": task}},
            {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "End": True,
                                              "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"},
                                                                "StartAt": "PM", "States": {"PM": task}}}}},
        ]}
    return m


def plan(n, shape="sequence"):
    """[(name, input)] of the run."""
    out = []
    for i in range(n):
        payload = {"id": i, "wait": 2 + 3 * (i % 5)}
        if i % 4 == 3:
            payload["fail"] = ["T3"]
        if shape == "fanout":
            payload["items"] = [{"k": j} for j in range(ITEMS)]
        out.append((f"e{i}", payload))
    return out


def expected_tasks(payload, shape):
    """The (task label, attempt) pairs an execution must run."""
    want = {(s, 0) for s in STATES} | ({("T3", 1)} if payload.get("fail") else set())
    if shape == "fanout":
        want |= {("PA", 0)} | {(f"PM[{j}]", 0) for j in range(ITEMS)}
    return want


def expected_fan(payload):
    branch_a = dict(payload, trail=["T1", "T2", "PA"])
    return [branch_a, [{"k": j, "trail": ["PM"]} for j in range(ITEMS)]]


class Run:
    def __init__(self, test, port, node, env_prefix):
        self.test = test
        self.n = F.env_int(f"{env_prefix}_EXECUTIONS", 200)
        self.workers_n = F.env_int(f"{env_prefix}_WORKERS", 2)
        self.task_ms = F.env_float(f"{env_prefix}_TASK_MS", 30)
        self.spread = F.env_float(f"{env_prefix}_START_SPREAD", 3)
        self.timeout = F.env_float(f"{env_prefix}_TIMEOUT", 240)
        self.stall = F.env_float(f"{env_prefix}_STALL", 45)
        self.rep = F.Report(test)
        self.work = F.Workdir(test)
        self.broker = F.Broker(node, port)
        self.serve = self.workers = self.collector = self.starter = None
        self.store = self.work.file("baton.sqlite")
        self.shape = os.environ.get(f"{env_prefix}_SHAPE") or "sequence"
        if self.shape not in ("sequence", "fanout"):
            raise SystemExit(f"{env_prefix}_SHAPE must be sequence or fanout")
        self.plan = plan(self.n, self.shape)
        self.starts_done = threading.Event()
        self.start_error = None
        self.worker_logs = []

    # -- setting up

    def setup(self, baton, use_store):
        self.baton = baton
        self.use_store = use_store
        self.broker.purge()
        F.log(f"broker {self.broker.name} up on :{self.broker.port} in {self.broker.start():.1f} s")
        defs = self.work.file("definitions")
        F.write_definitions(defs, {MACHINE: machine(self.shape)})
        extra = ["--store", self.store] if use_store else []
        self.serve = F.Serve(baton, self.broker.url, defs, self.work.file("serve.log"), extra=extra)
        self.serve.start()
        F.log(f"baton serve pid {self.serve.pid}" + (f", store {self.store}" if use_store else ", no store"))
        self.workers = F.Workers(self.broker.url, self.work)
        for k in range(self.workers_n):
            proc, path = self.workers.start([QUEUE], f"w{k}", "--delay-ms", str(self.task_ms), "--prefetch", "10")
            if not self.workers.wait_ready(path, proc):
                raise RuntimeError("a worker did not start")
            self.worker_logs.append(path)
        self.collector = F.Collector(self.broker.url, "fault.results", events=True)
        self.collector.start()

    def start_executions(self):
        """Publishes the starts over `spread` seconds in a thread (with confirms; again after a broker restart)."""
        def go():
            try:
                self.starter = F.Starter(self.broker.url, "fault.results")
                gap = self.spread / max(1, self.n)
                for name, payload in self.plan:
                    self.starter.start(MACHINE, name, payload, name)
                    time.sleep(gap)
                self.starter.close()
            except Exception as e:  # noqa: BLE001
                self.start_error = e
            finally:
                self.starts_done.set()
        threading.Thread(target=go, daemon=True).start()

    # -- watching

    def expected_attempts(self):
        return sum(len(expected_tasks(p, self.shape)) for _, p in self.plan)

    def records(self):
        out = []
        for path in self.worker_logs:
            out.extend(F.read_jsonl(path))
        return out

    def answered(self):
        return sum(1 for r in self.records() if r.get("ev") == "answered")

    def wait_progress(self, fraction):
        """Blocks until the workers answered `fraction` of all task attempts; False when no task was answered
        for `stall` seconds (the run is stuck: finish() then counts what was lost)."""
        goal = int(self.expected_attempts() * fraction)
        last, last_change = -1, time.monotonic()
        while time.monotonic() - last_change < self.stall:
            a = self.answered()
            if a >= goal:
                return True
            if a != last:
                last, last_change = a, time.monotonic()
            time.sleep(0.05)
        F.log(f"the run is stuck: no task answered for {self.stall:.0f} s ({last}/{self.expected_attempts()})")
        return False

    def pending_timers(self):
        """(executions in their Wait, executions waiting for T3's retry) right now, from the worker logs."""
        seen = {}
        for r in self.records():
            if r.get("ev") in ("recv", "answered"):
                seen.setdefault(r["exec"], set()).add((r["ev"], r["state"], r["attempt"]))
        waiting = sum(1 for s in seen.values() if ("answered", "T2", 0) in s and ("recv", "T3", 0) not in s)
        retrying = sum(1 for s in seen.values() if ("answered", "T3", 0) in s and ("recv", "T3", 1) not in s
                       and not any(x[1] in ("T4", "T5") for x in s))
        return waiting, retrying

    # -- checking

    def finish(self, kills):
        rep = self.rep
        done = self.collector.wait_for(self.n, self.timeout, stall=self.stall,
                                       progress=lambda c: F.log(f"{c}/{self.n} results"))
        self.starts_done.wait(30)
        if self.start_error:
            rep.check(False, f"starting the executions failed: {self.start_error}")
        F.log(f"{self.collector.count()}/{self.n} results" + ("" if done else " (gave up: no new result for "
                                                                  f"{self.stall:.0f} s or {self.timeout:.0f} s in all)"))
        time.sleep(2)  # late duplicates, if any
        results, events = self.collector.snapshot()
        records = self.records()
        toks, answers, deliveries = F.task_counts(records)

        ok, wrong = 0, []
        for i, (name, payload) in enumerate(self.plan):
            got = results.get(name) or []
            out = got[0].get("output") if got else None
            if got and got[0].get("status") == "SUCCEEDED" and isinstance(out, dict) and out.get("trail") == STATES \
                    and out.get("id") == i and (self.shape != "fanout" or out.get("fan") == expected_fan(payload)):
                ok += 1
            else:
                wrong.append((name, got[0] if got else "no result"))

        # Worker side: exactly the expected attempts, one token each.
        by_exec = {}
        for (arn, state, attempt), ts in toks.items():
            by_exec.setdefault(arn, {})[(state, attempt)] = ts
        attempt_problems = []
        for name, payload in self.plan:
            arn = F.execution_arn(MACHINE, name)
            want = expected_tasks(payload, self.shape)
            got = by_exec.get(arn, {})
            if set(got) != want or any(len(t) != 1 for t in got.values()):
                attempt_problems.append((name, sorted((k, len(v)) for k, v in got.items())))
        self.success_keys = {(r["exec"], F.task_label(r), r["attempt"]) for r in records
                             if r.get("ev") == "answered" and r.get("kind") == "succeeded"}
        redelivered = sum(1 for r in records if r.get("ev") == "recv" and r.get("redelivered"))
        again = sum(c - 1 for c in deliveries.values() if c > 1)
        answered_twice = sum(c - 1 for c in answers.values() if c > 1)

        # Waits: T3 seen at least $.wait s after T2 was answered.
        t_answer_t2, t_recv_t3 = {}, {}
        for r in records:
            if r.get("ev") == "answered" and r.get("state") == "T2":
                t_answer_t2[r["exec"]] = min(t_answer_t2.get(r["exec"], 1e18), r["t"])
            if r.get("ev") == "recv" and r.get("state") == "T3" and r.get("attempt") == 0:
                t_recv_t3[r["exec"]] = min(t_recv_t3.get(r["exec"], 1e18), r["t"])
        early, late = [], []
        for name, payload in self.plan:
            arn = F.execution_arn(MACHINE, name)
            if arn in t_answer_t2 and arn in t_recv_t3:
                gap = t_recv_t3[arn] - t_answer_t2[arn]
                if gap < payload["wait"] - 0.25:
                    early.append((name, round(gap, 2), payload["wait"]))
                late.append(gap - payload["wait"])

        results_twice = sum(len(v) - 1 for v in results.values() if len(v) > 1)
        results_differ = [k for k, v in results.items() if any(x != v[0] for x in v[1:])]
        events_twice = sum(v.count("SUCCEEDED") - 1 for v in events.values() if v.count("SUCCEEDED") > 1)
        no_event = sum(1 for name, _ in self.plan if "SUCCEEDED" not in events.get(F.execution_arn(MACHINE, name), []))
        log = self.serve.text()
        swept = log.count("fired by the sweep")
        dead = F.drain(self.broker.url, "baton.dead", idle=0.5)

        rep.figure("executions", self.n)
        rep.figure("kills", kills)
        rep.figure("task attempts expected", self.expected_attempts())
        rep.figure("task attempts answered (worker side, distinct)", len(answers))
        rep.figure("task messages a worker took twice (same token)", again)
        rep.figure("task deliveries flagged redelivered", redelivered)
        rep.figure("task attempts answered twice (the second answer must be ignored)", answered_twice)
        rep.figure("results received twice", results_twice)
        rep.figure("SUCCEEDED events received twice", events_twice)
        rep.figure("timers fired by the sweep", swept)
        if late:
            rep.figure("T2 answered → T3 received, minus the Wait, s (median, max; includes the task backlog)", f"{sorted(late)[len(late) // 2]:.2f}, {max(late):.2f}")
        rep.figure("SUCCEEDED with the right output", f"{ok}/{self.n}")
        rep.figure("losses", self.n - ok)

        rep.check(ok == self.n, f"every execution SUCCEEDED with the right output ({ok}/{self.n})"
                  + (f"; e.g. {wrong[:3]}" if wrong else ""))
        rep.check(not attempt_problems, "worker side: exactly the expected task attempts, one token each "
                  f"({len(attempt_problems)} executions differ" + (f", e.g. {attempt_problems[:2]}" if attempt_problems else "") + ")")
        rep.check(len(answers) == self.expected_attempts(),
                  f"worker side: every expected attempt answered ({len(answers)}/{self.expected_attempts()})")
        rep.check(not early, f"no Wait ended early ({len(early)}" + (f", e.g. {early[:3]}" if early else "") + ")")
        rep.check(not results_differ, f"an execution's results, when it came more than once, are identical "
                  f"({len(results_differ)} differ" + (f", e.g. {results_differ[:3]}" if results_differ else "") + ")")
        rep.check(no_event == 0, f"a SUCCEEDED event for every execution ({no_event} without)")
        if dead:
            self.describe_dead(dead, records)
        rep.check(len(dead) == 0, f"nothing dead-lettered ({len(dead)})")
        if self.use_store and F.history_supported(self.baton):
            self.check_histories()
        else:
            F.log("note: no execution history (this baton has no --store / get-execution-history); exactly-once "
                  "is checked on the worker side (one token per task attempt, no state dispatched twice) and by the outputs")
        return rep

    def describe_dead(self, dead, records):
        """What the dead letters were: error, queue, and for replies the task they answered and how often."""
        by_token = {}
        for r in records:
            if r.get("ev") == "answered":
                by_token.setdefault(r.get("token"), []).append(r)
        kinds = {}
        for props, body in dead:
            h = {k: (v.decode(errors="replace") if isinstance(v, bytes) else v) for k, v in (props.headers or {}).items()}
            key = (h.get("baton-dead-error"), h.get("baton-dead-queue"))
            kinds[key] = kinds.get(key, 0) + 1
        F.log("dead letters: " + ", ".join(f"{e} from {q}: {c}" for (e, q), c in sorted(kinds.items(), key=str)))
        for props, body in dead[:5]:
            answered = by_token.get(props.correlation_id, [])
            where = f"{F.task_label(answered[0])} of {answered[0]['exec'].rsplit(':', 1)[-1]}" if answered else "?"
            times = [round(a["t"] - F.T0_WALL, 1) for a in answered]
            F.log(f"  dead letter: token {str(props.correlation_id)[:16]}…, task {where}, answered {len(answered)}× "
                  f"at {times} s")

    def check_histories(self):
        rep = self.rep
        bad, read, succeeded_total = [], 0, 0
        for name, payload in self.plan:
            events = F.history(self.baton, F.execution_arn(MACHINE, name), self.store)
            if events is None:
                bad.append((name, "no history"))
                continue
            read += 1
            types, per_state = F.history_counts(events)
            succeeded_total += sum(per_state.values())
            want_failed = 1 if payload.get("fail") else 0
            per_state_ok = per_state == {s: 1 for s in STATES} if self.shape == "sequence" else \
                sum(per_state.values()) == len(expected_tasks(payload, self.shape)) - want_failed
            if not per_state_ok or types.get("TaskFailed", 0) != want_failed \
                    or types.get("ExecutionSucceeded", 0) != 1 or types.get("WaitStateExited", 0) != 1:
                bad.append((name, per_state, types.get("TaskFailed", 0), types.get("ExecutionSucceeded", 0)))
        rep.figure("histories read", f"{read}/{self.n}")
        rep.figure("TaskSucceeded in histories", succeeded_total)
        rep.check(not bad, "history: one TaskSucceeded per state, TaskFailed only where T3 failed, one Wait, one "
                  f"ExecutionSucceeded ({len(bad)} wrong" + (f", e.g. {bad[:2]}" if bad else "") + ")")
        rep.check(succeeded_total == len(self.success_keys),
                  f"TaskSucceeded in the histories ({succeeded_total}) = successful task attempts answered on the "
                  f"worker side ({len(self.success_keys)})")

    def cleanup(self):
        if self.collector:
            self.collector.stop()
        if self.workers:
            self.workers.stop_all()
        if self.serve:
            code = self.serve.stop()
            if code not in (0, None):
                F.log(f"note: baton serve exited {code} after SIGTERM")
        self.broker.purge()
        failed = self.rep.finish()
        if failed and self.serve:
            print(self.serve.tail(3000))
        self.work.cleanup(failed)
        return failed


def pick_moments(k, lo, hi):
    """k progress fractions in (lo, hi), sorted, spread out (random within equal slices)."""
    width = (hi - lo) / k
    return [lo + width * i + random.uniform(0.1, 0.9) * width for i in range(k)]
