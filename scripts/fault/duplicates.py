#!/usr/bin/env python3
"""Duplicates and strays: replies sent twice, replies and SendTask* with stale tokens (the task already
ended, the execution still running or already ended), replies with unknown tokens, and timers firing
twice — none may change an execution twice, and each must be logged.

  python3 scripts/fault/duplicates.py [--baton PATH]

The machine is T1 → T2 → Pause (Wait $.wait seconds) → T3. The worker publishes every reply twice.
While the executions sit in the Wait, the test
  - replies again to T1 and T2 with a different body ("stale": true), and sends SendTaskSuccess (T1) and
    SendTaskFailure (T2) on baton.control: the tasks already ended, so these must be ignored;
  - takes each execution's Wait timer out of the delay ladder (basic.get on baton.delay.*) and publishes
    it back twice into baton.timers, as a ladder hop whose ack was lost would: it fires twice;
and afterwards replies once more to T3 (execution ended), fires each Wait timer a third time, and sends
replies with tokens no execution issued (they must be dead-lettered: TaskDoesNotExist). With a store, it
then restarts serve on the same store and replies once more to each T1: stale, so ignored too.
Checks: every execution SUCCEEDED with one answer applied per task (trail [T1, T2, T3], where "T2*" marks
the worker's second reply: that one must lose, the first reply wins) and no stale marker; worker side, one
token and one delivery per (execution, state, attempt); one result and one SUCCEEDED event per execution;
with a store (`baton serve --store`), one TaskSucceeded per task in the history; serve's log has one
"answer ignored" per duplicate or stale answer, one "timer no longer armed" per extra timer (debug level),
and one dead-letter per unknown token.

Environment: DUP_EXECUTIONS (default 50), DUP_WAIT seconds (default 5), DUP_UNKNOWN (default 100),
FAULT_KEEP=1 keeps the work folder. Port 5806, node fault-duplicates.
"""
import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultlib as F  # noqa: E402
import pika  # noqa: E402

PORT, NODE = 5806, "fault-duplicates"
MACHINE = "dup"
STEPS = [1 << k for k in range(3, 28)]  # TimerLadderConfiguration's default steps, in ms


def take_wait_timers(url, arns, deadline):
    """Takes each execution's Wait timer out of the delay ladder and publishes it back twice into
    baton.timers (one extra copy); a timer met again later is put back once. Returns {(arn, timer): body}."""
    conn = F.connect(url, attempts=10)
    ch = conn.channel()
    ch.confirm_delivery()
    found = {}
    while len(found) < len(arns) and time.monotonic() < deadline:
        for step in STEPS:
            q = f"baton.delay.{step}"
            while True:
                method, props, body = ch.basic_get(q, auto_ack=False)
                if method is None:
                    break
                try:
                    rec = json.loads(body)
                    key = (rec["execution"], rec["timer"])
                except (ValueError, KeyError, TypeError):
                    ch.basic_nack(method.delivery_tag, requeue=True)
                    continue
                headers = {k: v for k, v in (props.headers or {}).items() if k != "baton-hop-expected"}
                copy = pika.BasicProperties(content_type=props.content_type, headers=headers, delivery_mode=2)
                copies = 1 if key in found or key[0] not in arns else 2
                for _ in range(copies):
                    ch.basic_publish("", "baton.timers", body, copy)
                ch.basic_ack(method.delivery_tag)
                if copies == 2:
                    found[key] = body
        time.sleep(0.02)
    conn.close()
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baton")
    args = ap.parse_args()
    baton = F.baton_binary(args.baton)
    n = F.env_int("DUP_EXECUTIONS", 50)
    wait_s = F.env_int("DUP_WAIT", 5)
    unknown_n = F.env_int("DUP_UNKNOWN", 100)
    s = F.seed()
    rep = F.Report("duplicates")
    work = F.Workdir("duplicates")
    broker = F.Broker(NODE, PORT)
    serve = workers = collector = None
    use_store = F.store_supported(baton)
    store = work.file("baton.sqlite")
    F.log(f"duplicates: {n} executions (T1 → T2 → Wait {wait_s} s → T3), {unknown_n} unknown tokens, seed {s}, "
          f"store {'yes' if use_store else 'no (this baton has no --store)'}")
    try:
        broker.purge()
        F.log(f"broker {NODE} up on :{PORT} in {broker.start():.1f} s")
        defs = work.file("definitions")
        F.write_definitions(defs, {MACHINE: F.sequence_machine(3, wait_after=2)})
        extra = ["--store", store] if use_store else []
        serve = F.Serve(baton, broker.url, defs, work.file("serve.log"), extra=extra, log_level="debug")
        serve.start()
        workers = F.Workers(broker.url, work)
        wproc, wlog = workers.start(["fault-work"], "w1", "--double-reply", "--prefetch", "20")
        if not workers.wait_ready(wlog, wproc):
            raise RuntimeError("worker did not start")
        collector = F.Collector(broker.url, "fault.results", events=True)
        collector.start()
        starter = F.Starter(broker.url, "fault.results")
        names = [f"d{i}" for i in range(n)]
        arns = {F.execution_arn(MACHINE, x) for x in names}
        for i, name in enumerate(names):
            starter.start(MACHINE, name, {"id": i, "wait": wait_s}, name)
        starter.close()

        # Wait until every execution answered T2 (they are all in the Wait), then take the tokens.
        deadline = time.monotonic() + 30
        tokens = {}
        while time.monotonic() < deadline:
            tokens = {}
            for r in F.read_jsonl(wlog):
                if r.get("ev") == "answered":
                    tokens[(r["exec"], r["state"])] = r["token"]
            if sum(1 for (_, st) in tokens if st == "T2") >= n:
                break
            time.sleep(0.05)
        in_wait = sum(1 for (_, st) in tokens if st == "T2")
        F.log(f"{in_wait} executions in the Wait")
        timers = take_wait_timers(broker.url, arns, time.monotonic() + wait_s - 1.0)
        F.log(f"took {len(timers)} Wait timers out of the ladder and published each back twice")

        conn = F.connect(broker.url, attempts=10)
        ch = conn.channel()
        ch.confirm_delivery()

        def reply(token, body, headers=None):
            ch.basic_publish("", "baton.replies", json.dumps(body).encode(),
                             pika.BasicProperties(correlation_id=token, content_type="application/json",
                                                  delivery_mode=2, headers=headers))

        def control(body):
            ch.basic_publish("", "baton.control", json.dumps(body).encode(),
                             pika.BasicProperties(content_type="application/json", delivery_mode=2))

        stale_running = 0
        for (arn, st), tok in tokens.items():
            if st in ("T1", "T2"):
                reply(tok, {"stale": True, "trail": ["STALE"]})
                stale_running += 1
            if st == "T1":
                control({"action": "SendTaskSuccess", "taskToken": tok, "output": {"stale": True, "trail": ["STALE"]}})
                stale_running += 1
            if st == "T2":
                control({"action": "SendTaskFailure", "taskToken": tok, "error": "Stale.Failure", "cause": "late"})
                stale_running += 1
        F.log(f"sent {stale_running} stale answers while the executions wait (replies and SendTask*)")

        if not collector.wait_for(n, 60 + wait_s):
            F.log(f"only {collector.count()} of {n} results")
        # After the end: a late reply to T3, each Wait timer once more, and tokens nobody issued.
        tokens_after = {}
        for r in F.read_jsonl(wlog):
            if r.get("ev") == "answered":
                tokens_after[(r["exec"], r["state"])] = r["token"]
        stale_ended = 0
        for (arn, st), tok in tokens_after.items():
            if st == "T3":
                reply(tok, {"stale": True, "trail": ["STALE"]})
                stale_ended += 1
        for key, body in timers.items():
            ch.basic_publish("", "baton.timers", body, pika.BasicProperties(content_type="application/json", delivery_mode=2))
        unknown_ids = set()
        for k in range(unknown_n):
            tok = f"{random.getrandbits(64):016x}-{random.getrandbits(64):016x}"
            mid = f"unknown-{k}"
            unknown_ids.add(mid)
            ch.basic_publish("", "baton.replies", json.dumps({"unknown": k}).encode(),
                             pika.BasicProperties(correlation_id=tok, message_id=mid, content_type="application/json",
                                                  delivery_mode=2))
        conn.close()
        F.log(f"sent {stale_ended} late replies to ended executions, {len(timers)} more timer copies, "
              f"{unknown_n} replies with unknown tokens")
        time.sleep(3)

        # With a store: restart serve (SIGTERM, same store) and answer the ended executions' T1 again. The
        # tasks ended before the restart: these must be ignored as stale too, not taken for unknown tokens.
        restart_ids = set()
        if use_store:
            code = serve.stop()
            serve.start()
            F.log(f"baton serve restarted on the same store (it exited {code})")
            conn = F.connect(broker.url, attempts=10)
            ch = conn.channel()
            ch.confirm_delivery()
            for k, ((arn, st), tok) in enumerate(sorted(tokens_after.items())):
                if st == "T1":
                    mid = f"after-restart-{k}"
                    restart_ids.add(mid)
                    ch.basic_publish("", "baton.replies", json.dumps({"stale": True}).encode(),
                                     pika.BasicProperties(correlation_id=tok, message_id=mid,
                                                          content_type="application/json", delivery_mode=2))
            conn.close()
            F.log(f"sent {len(restart_ids)} late replies to tasks that ended before the restart")
            time.sleep(3)

        dead = F.drain(broker.url, "baton.dead")
        dead_restart = sum(1 for p, _ in dead if p.message_id in restart_ids)
        dead_unknown = sum(1 for p, _ in dead if p.message_id in unknown_ids
                           and (p.headers or {}).get("baton-dead-error") in ("TaskDoesNotExist", b"TaskDoesNotExist"))
        dead_other = len(dead) - sum(1 for p, _ in dead if p.message_id in unknown_ids) - dead_restart

        results, events = collector.snapshot()
        records = F.read_jsonl(wlog)
        toks, answers, deliveries = F.task_counts(records)
        dups_sent = sum(1 for r in records if r.get("ev") == "dup-sent")
        ok, wrong, second_won = 0, [], []
        for i, name in enumerate(names):
            got = results.get(name) or []
            out = got[0].get("output") if got else None
            trail = out.get("trail") if isinstance(out, dict) else None
            once = isinstance(trail, list) and len(trail) == 3 and all(t in (st, st + "*") for t, st in zip(trail, ["T1", "T2", "T3"]))
            if got and got[0].get("status") == "SUCCEEDED" and once and out.get("id") == i and "stale" not in out:
                ok += 1
                second_won.extend((name, t) for t in trail if t.endswith("*"))
            else:
                wrong.append((name, got[:1]))
        multi_token = [k for k, v in toks.items() if len(v) != 1]
        multi_delivery = [k for k, v in deliveries.items() if v != 1]
        results_twice = [k for k, v in results.items() if len(v) != 1]
        succeeded_events = {a: v.count("SUCCEEDED") for a, v in events.items()}
        events_twice = [a for a in arns if succeeded_events.get(a, 0) != 1]

        log, _, after_restart = serve.text().partition("=== baton serve start #2 ===")
        ignored = log.count("answer ignored")
        ignored_after_restart = after_restart.count("answer ignored")
        timer_ignored = log.count("timer no longer armed ignored")
        expected_ignored = dups_sent + stale_running + stale_ended
        expected_timer_ignored = 2 * len(timers)

        rep.figure("executions", n)
        rep.figure("duplicate replies sent", dups_sent)
        rep.figure("stale answers while running", stale_running)
        rep.figure("stale replies after the end", stale_ended)
        rep.figure("timers fired twice (+ once more after the end)", len(timers))
        rep.figure("unknown-token replies", unknown_n)
        if use_store:
            rep.figure("stale replies after a restart", len(restart_ids))
        rep.figure("messages tried", dups_sent + stale_running + stale_ended + len(restart_ids) + 2 * len(timers) + unknown_n)
        rep.figure("SUCCEEDED, each answer applied once", f"{ok}/{n}")
        rep.figure("second reply applied instead of the first", f"{len(second_won)} of {dups_sent}")
        rep.figure("serve log: answers ignored", f"{ignored} (expected {expected_ignored})")
        rep.figure("serve log: timers ignored", f"{timer_ignored} (expected {expected_timer_ignored})")
        rep.figure("unknown tokens dead-lettered", f"{dead_unknown}/{unknown_n}")
        rep.figure("losses", n - ok)

        rep.check(in_wait == n, f"every execution reached the Wait ({in_wait}/{n})")
        rep.check(len(timers) == n, f"every Wait timer was taken from the ladder and doubled ({len(timers)}/{n})")
        rep.check(ok == n, f"every execution SUCCEEDED with one answer applied per task and no stale data ({ok}/{n})"
                  + (f"; e.g. {wrong[:2]}" if wrong else ""))
        rep.check(not second_won, "the first of two replies to a task wins (queue order): "
                  f"{len(second_won)} tasks took the second" + (f", e.g. {second_won[:3]}" if second_won else ""))
        rep.check(not multi_token, f"one task token per (execution, state, attempt) on the worker side ({len(multi_token)} with more)")
        rep.check(not multi_delivery, f"one delivery per task on the worker side ({len(multi_delivery)} delivered again)")
        rep.check(len(toks) == 3 * n, f"worker saw {len(toks)} tasks for {n} executions × 3")
        rep.check(not results_twice, f"one result per execution ({len(results_twice)} with another count)")
        rep.check(not events_twice, f"one SUCCEEDED event per execution ({len(events_twice)} with another count)")
        rep.check(ignored == expected_ignored, f"serve logged each duplicate or stale answer as ignored ({ignored}/{expected_ignored})")
        rep.check(timer_ignored >= expected_timer_ignored,
                  f"serve logged each extra timer as no longer armed ({timer_ignored}/{expected_timer_ignored})")
        rep.check(dead_unknown == unknown_n, f"every unknown-token reply dead-lettered as TaskDoesNotExist ({dead_unknown}/{unknown_n})")
        rep.check(dead_other == 0, f"nothing else dead-lettered ({dead_other})")
        if use_store:
            rep.check(dead_restart == 0 and ignored_after_restart == len(restart_ids),
                      "late replies to tasks that ended before a restart are logged as ignored, not dead-lettered as "
                      f"unknown tokens ({ignored_after_restart} ignored, {dead_restart} dead-lettered, of {len(restart_ids)})")
        if use_store and F.history_supported(baton):
            bad_hist, read = [], 0
            for name in names:
                events_h = F.history(baton, F.execution_arn(MACHINE, name), store)
                if events_h is None:
                    bad_hist.append((name, "no history"))
                    continue
                read += 1
                types, per_state = F.history_counts(events_h)
                if per_state != {"T1": 1, "T2": 1, "T3": 1} or types.get("WaitStateExited", 0) != 1 \
                        or types.get("ExecutionSucceeded", 0) != 1:
                    bad_hist.append((name, per_state, types.get("WaitStateExited"), types.get("ExecutionSucceeded")))
            rep.figure("histories read", read)
            rep.check(not bad_hist, f"history: one TaskSucceeded per task, one WaitStateExited, one ExecutionSucceeded "
                      f"({len(bad_hist)} wrong" + (f", e.g. {bad_hist[:2]}" if bad_hist else "") + ")")
        else:
            F.log("note: no history to read (no --store / get-execution-history): exactly-once is checked on the "
                  "worker side (one token per task), by the outputs and by the events")
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
