#!/usr/bin/env python3
"""Worker killed mid-task: a worker takes a task and is kill -9'd before replying; the execution must
still finish SUCCEEDED.

  python3 scripts/fault/worker_killed.py [--baton PATH]

Two ways to lose a worker, WORKER_KILLS rounds each (default 3), WORKER_EXECUTIONS executions per round
(default 5), each execution T1 → T2 → T3:
  redelivered  the victim holds the T2 task unacked (prefetch 1) when it is killed: the broker delivers
               it again to the healthy worker (same token, redelivered), which answers it;
  timed out    the victim acks the task as soon as it arrives (so killing it loses the task): the state's
               TimeoutSeconds (2) fires States.Timeout and its Retry (IntervalSeconds 1) sends attempt 1
               to the healthy worker.
A healthy worker (50 ms a task) consumes the same queues all along. Checks: every execution SUCCEEDED with
trail [T1, T2, T3]; each killed task was answered exactly once, by the healthy worker (redelivered: the
same token; timed out: attempt 1); one answered attempt per task otherwise.
Port 5811, node fault-workerkill. FAULT_KEEP=1 keeps the work folder.
"""
import argparse
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultlib as F  # noqa: E402

PORT, NODE = 5811, "fault-workerkill"
RETRY = [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 1.0}]
SCENARIOS = {
    # name: (machine, queue, victim flags)
    "redelivered": ("wk-redeliver", "fault-redeliver", ["--hang-state", "T2", "--prefetch", "1"]),
    "timed-out": ("wk-timeout", "fault-timeout", ["--hang-state", "T2", "--prefetch", "1", "--ack-first"]),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baton")
    args = ap.parse_args()
    baton = F.baton_binary(args.baton)
    kills_per = F.env_int("WORKER_KILLS", 3)
    per_round = F.env_int("WORKER_EXECUTIONS", 5)
    s = F.seed()
    rep = F.Report("worker_killed")
    work = F.Workdir("worker_killed")
    broker = F.Broker(NODE, PORT)
    serve = workers = collector = None
    F.log(f"worker_killed: {kills_per} kills × 2 scenarios, {per_round} executions a round, seed {s}")
    try:
        broker.purge()
        F.log(f"broker {NODE} up on :{PORT} in {broker.start():.1f} s")
        defs = work.file("definitions")
        F.write_definitions(defs, {
            "wk-redeliver": F.sequence_machine(3, queue="fault-redeliver"),
            "wk-timeout": F.sequence_machine(3, queue="fault-timeout", timeout=2, retry=RETRY),
        })
        use_store = F.store_supported(baton)
        extra = ["--store", work.file("baton.sqlite")] if use_store else []
        serve = F.Serve(baton, broker.url, defs, work.file("serve.log"), extra=extra)
        F.log("baton serve " + ("with --store" if use_store else "without a store"))
        serve.start()
        workers = F.Workers(broker.url, work)
        collector = F.Collector(broker.url, "fault.results")
        collector.start()
        starter = F.Starter(broker.url, "fault.results")
        kills = 0
        killed_tasks = {}   # scenario -> [(exec, state, attempt, token)]
        names = {}          # scenario -> [execution names]
        for scenario, (machine, queue, victim_flags) in SCENARIOS.items():
            hproc, hlog = workers.start([queue], f"healthy-{scenario}", "--delay-ms", "50", "--prefetch", "1")
            if not workers.wait_ready(hlog, hproc):
                raise RuntimeError("healthy worker did not start")
            names[scenario] = []
            killed_tasks[scenario] = []
            for k in range(kills_per):
                vproc, vlog = workers.start([queue], f"victim-{scenario}-{k}", *victim_flags)
                if not workers.wait_ready(vlog, vproc):
                    raise RuntimeError("victim worker did not start")
                batch = [f"{scenario}-{k}-{i}" for i in range(per_round)]
                for i, name in enumerate(batch):
                    starter.start(machine, name, {"id": i}, name)
                names[scenario].extend(batch)
                deadline = time.monotonic() + 20
                hung = []
                while time.monotonic() < deadline and not hung:
                    hung = [r for r in F.read_jsonl(vlog) if r.get("ev") == "hang"]
                    time.sleep(0.02)
                if not hung:
                    F.log(f"{scenario} round {k}: the victim took no T2 task (the healthy worker was faster); killing it anyway")
                vproc.send_signal(signal.SIGKILL)
                vproc.wait()
                kills += 1
                held = [r for r in F.read_jsonl(vlog) if r.get("ev") == "hang"]
                killed_tasks[scenario].extend((r["exec"], r["state"], r["attempt"], r["token"]) for r in held)
                F.log(f"{scenario} round {k}: kill -9 worker pid {vproc.pid} holding {len(held)} T2 task(s)")
                total = sum(len(v) for v in names.values())
                if not collector.wait_for(total, 60):
                    F.log(f"{scenario} round {k}: only {collector.count()} of {total} results after 60 s")
        starter.close()

        results, _ = collector.snapshot()
        records = workers.records()
        toks, answers, deliveries = F.task_counts(records)
        answered_by = {}
        for r in records:
            if r.get("ev") == "answered":
                answered_by.setdefault((r["exec"], r["state"], r["attempt"]), []).append((r["w"], r["token"]))
        all_names = [x for v in names.values() for x in v]
        ok = sum(1 for name in all_names if (results.get(name) or [{}])[0].get("status") == "SUCCEEDED"
                 and (results.get(name) or [{}])[0].get("output", {}).get("trail") == ["T1", "T2", "T3"])
        recovered = {"redelivered": 0, "timed-out": 0}
        problems = []
        for scenario, tasks in killed_tasks.items():
            for (arn, state, attempt, token) in tasks:
                if scenario == "redelivered":
                    by = answered_by.get((arn, state, attempt), [])
                    if len(by) == 1 and by[0][1] == token and by[0][0].startswith("healthy"):
                        recovered[scenario] += 1
                    else:
                        problems.append((scenario, arn.split(":")[-1], state, attempt, by))
                else:
                    lost = answered_by.get((arn, state, attempt), [])
                    retried = [a for (e, st, at), a in answered_by.items() if e == arn and st == state and at > attempt]
                    if not lost and len(retried) >= 1 and all(len(a) == 1 for a in retried):
                        recovered[scenario] += 1
                    else:
                        problems.append((scenario, arn.split(":")[-1], state, attempt, lost, retried))
        twice = [k for k, v in answers.items() if v > 1]
        retries = sum(1 for (e, st, at) in answers if at and at > 0)

        rep.figure("executions", len(all_names))
        rep.figure("workers killed (kill -9)", kills)
        rep.figure("tasks held by killed workers", ", ".join(f"{k}={len(v)}" for k, v in killed_tasks.items()))
        rep.figure("recovered by redelivery", recovered["redelivered"])
        rep.figure("recovered by timeout + retry", recovered["timed-out"])
        rep.figure("task attempts answered (worker side)", sum(answers.values()))
        rep.figure("retry attempts answered", retries)
        rep.figure("SUCCEEDED", f"{ok}/{len(all_names)}")
        rep.figure("losses", len(all_names) - ok)
        rep.check(kills == 2 * kills_per, f"{kills} workers killed")
        rep.check(all(len(v) >= kills_per for v in killed_tasks.values()),
                  "each killed worker held at least one task when killed")
        rep.check(ok == len(all_names), f"every execution SUCCEEDED with trail [T1, T2, T3] ({ok}/{len(all_names)})")
        rep.check(not problems, f"every killed task answered exactly once by the healthy worker ({len(problems)} not"
                  + (f", e.g. {problems[:2]}" if problems else "") + ")")
        rep.check(not twice, f"no task attempt answered twice ({len(twice)})")
    except Exception as e:  # noqa: BLE001
        rep.check(False, f"test could not run: {e}")
    finally:
        if collector:
            collector.stop()
        if workers:
            workers.stop_all()
        if serve:
            code = serve.stop()
            if code not in (0, None):
                F.log(f"note: baton serve exited {code} after SIGTERM")
        broker.purge()
        failed = rep.finish()
        if failed and serve:
            print(serve.tail(2000))
        work.cleanup(failed)
    return failed


if __name__ == "__main__":
    sys.exit(main())
