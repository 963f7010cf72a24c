#!/usr/bin/env python3
"""Bad input: malformed messages on baton.start, baton.replies and baton.control (and a few on
baton.timers) must each be dead-lettered to baton.dead with a reason, while `baton serve` keeps serving
valid executions and its memory stays flat.

  python3 scripts/fault/bad_input.py [--baton PATH]

Environment: BAD_INPUT_COUNT (default 1200 malformed messages, at least 1,000 by the issue),
BAD_INPUT_RSS_MAX_MIB (default 20: the allowed RSS growth after warm-up), BAD_INPUT_VALID (default 30
valid executions, run before, during and after the flood), FAULT_KEEP=1 keeps the work folder.
Port 5801, node fault-badinput.

Every malformed message carries a message_id (bad-NNNNN) and its category; the test drains baton.dead and
checks that each one is there exactly once with `baton-dead-reason`, `baton-dead-error`, the right
`baton-dead-queue` and its body unchanged. It prints the count per category and per error name.
"""
import argparse
import hashlib
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultlib as F  # noqa: E402
import pika  # noqa: E402

PORT, NODE = 5801, "fault-badinput"
MACHINE = "echo"
MAX_MESSAGE_BYTES = 1_048_576  # EngineConfiguration.maxMessageBytes


def j(value):
    return json.dumps(value).encode()


def oversized(prefix, suffix):
    pad = MAX_MESSAGE_BYTES + random.randint(1, 4096)
    return prefix + b"x" * pad + suffix


INVALID_UTF8 = [b"\xff", b"\xc3\x28", b"\xa0\xa1", b"\xe2\x28\xa1", b"\xf0\x28\x8c\xbc", b"\xed\xa0\x80", b"\xc0\xaf"]


def start_cases(n):
    """(category, body, extra properties) of a malformed start message."""
    u = random.choice(INVALID_UTF8)
    return [
        ("not-json", random.choice([b"hello", b"{", b'{"stateMachine": ', b"[1, 2", b"{'stateMachine': 'echo'}",
                                    b'{"stateMachine": "echo",}', b"NaN", b"<start/>", b'{"a" 1}']), {}),
        ("empty-body", b"", {}),
        ("not-an-object", random.choice([b"[]", b"42", b'"echo"', b"null", b"true", b'[{"stateMachine":"echo"}]']), {}),
        ("missing-state-machine", random.choice([j({"input": {}}), j({"name": f"n{n}"}), j({})]), {}),
        ("state-machine-wrong-type", j({"stateMachine": random.choice([42, ["echo"], {"name": "echo"}, True, None, ""])}), {}),
        ("name-wrong-type", j({"stateMachine": MACHINE, "name": random.choice([7, ["a"], {"n": 1}, False])}), {}),
        ("name-invalid", j({"stateMachine": MACHINE, "name": random.choice(["has space", "a/b", "x" * 81, "semi;colon",
                                                                             "tab\tname", "brace{", "star*"])}), {}),
        ("input-text-not-json", j({"stateMachine": MACHINE, "input": random.choice(["{not json", "[1,", "'x'"])}), {}),
        ("unknown-state-machine", j({"stateMachine": f"no-such-machine-{n}", "input": {}}), {}),
        ("unknown-state-machine-arn", j({"stateMachineArn": f"arn:aws:states:us-east-1:123456789012:stateMachine:ghost{n}"}), {}),
        ("invalid-utf8", random.choice([b'{"stateMachine":"echo","input":{"x":"' + u + b'"}}',
                                         b'{"stateMachine":"ec' + u + b'ho"}', u + b'{"stateMachine":"echo"}']), {}),
        ("wrong-content-type", random.choice([b"<start machine='echo'/>", b"stateMachine=echo&input=1"]),
         {"content_type": random.choice(["application/xml", "application/x-www-form-urlencoded", "text/plain"])}),
        ("deep-nesting", b"[" * 100_000 + b"]" * 100_000, {}),
        ("number-out-of-range", j({"stateMachine": MACHINE, "input": {"x": 1}}).replace(b"1}", b"1e999999}"), {}),
        ("name-taken-other-input", j({"stateMachine": MACHINE, "name": "taken", "input": {"other": n}}), {}),
    ]


def reply_cases(n):
    u = random.choice(INVALID_UTF8)
    tok = f"{random.getrandbits(64):016x}-{random.getrandbits(64):016x}"
    return [
        ("no-correlation-id", j({"ok": True}), {}),
        ("empty-correlation-id", j({"ok": True}), {"correlation_id": ""}),
        ("unknown-token", j({"ok": n}), {"correlation_id": random.choice([tok, f"zz{n}", f"zz-{n}", "-", "a-b-c"])}),
        ("not-json", random.choice([b"ok", b"{", b"{\"a\":}", b"]["]), {"correlation_id": tok}),
        ("empty-body", b"", {"correlation_id": tok}),
        ("unknown-status", j({"ok": True}), {"correlation_id": tok,
                                             "headers": {"baton-status": random.choice(["done", "SUCCEEDED", "", "fail"])}}),
        ("failed-unknown-token", j({"error": "E", "cause": "c"}), {"correlation_id": tok, "headers": {"baton-status": "failed"}}),
        ("heartbeat-unknown-token", b"", {"correlation_id": tok, "headers": {"baton-status": "heartbeat"}}),
        ("invalid-utf8", b'{"x":"' + u + b'"}', {"correlation_id": tok}),
        ("wrong-content-type", b"<reply/>", {"correlation_id": tok, "content_type": "text/xml"}),
    ]


def control_cases(n):
    u = random.choice(INVALID_UTF8)
    tok = f"{random.getrandbits(64):016x}-{random.getrandbits(64):016x}"
    arn = F.execution_arn(MACHINE, f"ghost-{n}")
    return [
        ("not-json", random.choice([b"SendTaskSuccess", b"{", b"{action: 1}"]), {}),
        ("empty-body", b"", {}),
        ("not-an-object", random.choice([b"[]", b"1", b'"SendTaskSuccess"', b"null"]), {}),
        ("missing-action", j({"taskToken": tok, "output": {}}), {}),
        ("action-wrong-type", j({"action": random.choice([1, ["SendTaskSuccess"], None, {}]), "taskToken": tok}), {}),
        ("unknown-action", j({"action": random.choice(["SendTaskSucces", "sendtasksuccess", "StartExecution", ""]),
                              "taskToken": tok}), {}),
        ("success-missing-token", j({"action": "SendTaskSuccess", "output": {}}), {}),
        ("success-token-wrong-type", j({"action": "SendTaskSuccess", "taskToken": random.choice([5, [], {}]), "output": {}}), {}),
        ("success-missing-output", j({"action": "SendTaskSuccess", "taskToken": tok}), {}),
        ("success-output-not-json", j({"action": "SendTaskSuccess", "taskToken": tok, "output": "{nope"}), {}),
        ("success-unknown-token", j({"action": "SendTaskSuccess", "taskToken": tok, "output": {"n": n}}), {}),
        ("failure-unknown-token", j({"action": "SendTaskFailure", "taskToken": tok, "error": "E"}), {}),
        ("failure-missing-token", j({"action": "SendTaskFailure", "error": "E"}), {}),
        ("heartbeat-unknown-token", j({"action": "SendTaskHeartbeat", "taskToken": tok}), {}),
        ("stop-missing-arn", j({"action": "StopExecution"}), {}),
        ("stop-arn-wrong-type", j({"action": "StopExecution", "executionArn": 12}), {}),
        ("stop-unknown-execution", j({"action": "StopExecution", "executionArn": arn}), {}),
        ("invalid-utf8", b'{"action":"SendTask' + u + b'Success"}', {}),
        ("wrong-content-type", b"action=StopExecution", {"content_type": "application/x-www-form-urlencoded"}),
    ]


def timer_cases(n):
    return [
        ("not-json", b"t7", {}),
        ("missing-execution", j({"timer": "t1", "due": 1}), {}),
        ("due-wrong-type", j({"execution": "arn:x", "timer": "t1", "due": "soon"}), {}),
    ]


def generate(count):
    """[(queue, category, body, props)]: the three main queues in turn (a few timers), oversized ones sprinkled."""
    gens = [("baton.start", start_cases), ("baton.replies", reply_cases), ("baton.control", control_cases)]
    out = []
    idx = {q: 0 for q, _ in gens}
    n = 0
    while len(out) < count:
        if n % 40 == 39:
            q = "baton.timers"
            cases = timer_cases(n)
            cat, body, props = cases[(n // 40) % len(cases)]
        else:
            q, gen = gens[n % 3]
            cases = gen(n)
            cat, body, props = cases[idx[q] % len(cases)]
            idx[q] += 1
            if n % 97 == 50:  # about four oversized messages (> 1 MiB) on each main queue per 1,200
                cat = "oversized"
                if q == "baton.start":
                    body, props = oversized(b'{"stateMachine":"echo","input":{"pad":"', b'"}}'), {}
                elif q == "baton.replies":
                    body, props = oversized(b'{"pad":"', b'"}'), {"correlation_id": "zz-oversized"}
                else:
                    body, props = oversized(b'{"action":"SendTaskSuccess","taskToken":"zz-1","output":{"pad":"', b'"}}'), {}
        out.append((q, cat, body, props))
        n += 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baton")
    args = ap.parse_args()
    baton = F.baton_binary(args.baton)
    count = F.env_int("BAD_INPUT_COUNT", 1200)
    rss_max_mib = F.env_float("BAD_INPUT_RSS_MAX_MIB", 20)
    valid_n = max(3, F.env_int("BAD_INPUT_VALID", 30))
    s = F.seed()
    rep = F.Report("bad_input")
    work = F.Workdir("bad_input")
    broker = F.Broker(NODE, PORT)
    serve = workers = collector = None
    F.log(f"bad_input: {count} malformed messages, {valid_n} valid executions, seed {s}, baton {baton}")
    try:
        broker.purge()
        F.log(f"broker {NODE} up on :{PORT} in {broker.start():.1f} s")
        defs = work.file("definitions")
        F.write_definitions(defs, {MACHINE: F.sequence_machine(2)})
        use_store = F.store_supported(baton)
        extra = ["--store", work.file("baton.sqlite")] if use_store else []
        serve = F.Serve(baton, broker.url, defs, work.file("serve.log"), extra=extra, log_level="info")
        serve.start()
        F.log(f"baton serve pid {serve.pid}" + (" with --store" if use_store else ", no store"))
        workers = F.Workers(broker.url, work)
        wproc, wlog = workers.start(["fault-work"], "w1")
        if not workers.wait_ready(wlog, wproc):
            raise RuntimeError("worker did not start")
        collector = F.Collector(broker.url, "fault.results", events=True)
        collector.start()
        starter = F.Starter(broker.url, "fault.results")

        valid_started = []

        def start_valid(k):
            name = f"valid-{k}"
            starter.start(MACHINE, name, {"id": k}, name)
            valid_started.append(name)

        # "taken" exists with input {"id": -1}: the same name with another input must be dead-lettered.
        starter.start(MACHINE, "taken", {"id": -1}, "taken")
        third = valid_n // 3
        for k in range(third):
            start_valid(k)
        if not collector.wait_for(third + 1, 30):
            raise RuntimeError("the first valid executions did not finish")

        messages = generate(count)
        sent_ids = {}
        conn = F.connect(broker.url, attempts=10)
        ch = conn.channel()
        ch.confirm_delivery()
        warm = min(200, len(messages) // 5)
        rss = {"start": serve.rss_kib()}
        t_flood = time.monotonic()
        for i, (q, cat, body, props) in enumerate(messages):
            mid = f"bad-{i:05d}"
            headers = dict(props.get("headers") or {})
            headers["fault-category"] = cat
            p = pika.BasicProperties(message_id=mid, headers=headers, delivery_mode=2,
                                     content_type=props.get("content_type", "application/json"),
                                     correlation_id=props.get("correlation_id"))
            ch.basic_publish("", q, body, p)
            sent_ids[mid] = (q, cat, hashlib.sha256(body).hexdigest())
            if i + 1 == warm:
                time.sleep(2)
                rss["after-warm-up"] = serve.rss_kib()
            if i == len(messages) // 2:
                for k in range(third, 2 * third):  # valid executions in the middle of the flood
                    start_valid(k)
        conn.close()
        F.log(f"published {len(messages)} malformed messages in {time.monotonic() - t_flood:.1f} s")

        # Drain baton.dead until every tagged message arrived (or nothing new comes for a while).
        dead = {}
        dup_dead = 0
        foreign = 0
        dconn = F.connect(broker.url, attempts=10)
        dch = dconn.channel()
        deadline = time.monotonic() + F.env_float("BAD_INPUT_TIMEOUT", 120)
        quiet = time.monotonic()
        while len(dead) < len(sent_ids) and time.monotonic() < deadline and time.monotonic() - quiet < 20:
            method, props, body = dch.basic_get("baton.dead", auto_ack=True)
            if method is None:
                time.sleep(0.05)
                continue
            quiet = time.monotonic()
            mid = props.message_id
            if mid not in sent_ids:
                foreign += 1
                continue
            if mid in dead:
                dup_dead += 1
                continue
            h = {k: (v.decode(errors="replace") if isinstance(v, bytes) else v) for k, v in (props.headers or {}).items()}
            dead[mid] = (h, hashlib.sha256(body).hexdigest())
        dconn.close()
        F.log(f"drained baton.dead: {len(dead)} tagged messages")

        # Valid executions after the flood: the orchestrator still serves.
        for k in range(2 * third, valid_n):
            start_valid(k)
        collector.wait_for(len(valid_started) + 1, 60)
        time.sleep(3)
        rss["end"] = serve.rss_kib()

        per_cat, per_error, missing, bad_reason, bad_queue, bad_body = {}, {}, [], [], [], []
        for mid, (q, cat, digest) in sent_ids.items():
            key = f"{q.split('.')[1]}/{cat}"
            per_cat.setdefault(key, [0, 0])
            per_cat[key][0] += 1
            if mid not in dead:
                missing.append((mid, key))
                continue
            per_cat[key][1] += 1
            h, got = dead[mid]
            err = h.get("baton-dead-error")
            per_error[err] = per_error.get(err, 0) + 1
            if not str(h.get("baton-dead-reason") or "").strip() or not err:
                bad_reason.append(mid)
            if h.get("baton-dead-queue") != q:
                bad_queue.append((mid, h.get("baton-dead-queue"), q))
            if got != digest:
                bad_body.append(mid)
        for key in sorted(per_cat):
            sent, got = per_cat[key]
            F.log(f"  {key:42s} sent {sent:4d}  dead-lettered {got:4d}")
        F.log("  by baton-dead-error: " + ", ".join(f"{k}={v}" for k, v in sorted(per_error.items(), key=str)))
        results, events = collector.snapshot()
        valid_ok = sum(1 for n in valid_started if results.get(n) and results[n][0].get("status") == "SUCCEEDED"
                       and results[n][0].get("output", {}).get("trail") == ["T1", "T2"]
                       and results[n][0].get("output", {}).get("id") == int(n.split("-")[1]))
        valid_arns = {F.execution_arn(MACHINE, n) for n in valid_started} | {F.execution_arn(MACHINE, "taken")}
        stray = sorted(a for a in events if a not in valid_arns)
        by_queue = {}
        for q, _, _ in sent_ids.values():
            by_queue[q] = by_queue.get(q, 0) + 1

        rep.figure("messages tried", len(sent_ids))
        rep.figure("per queue", ", ".join(f"{q}={c}" for q, c in sorted(by_queue.items())))
        rep.figure("categories", len(per_cat))
        rep.figure("dead-lettered", len(dead))
        rep.figure("losses (not dead-lettered)", len(missing))
        rep.figure("dead-lettered twice", dup_dead)
        rep.figure("valid executions SUCCEEDED", f"{valid_ok}/{len(valid_started)}")
        mib = {k: (round(v / 1024, 1) if v else None) for k, v in rss.items()}
        rep.figure("serve RSS MiB (start, after warm-up, end)", f"{mib['start']}, {mib.get('after-warm-up')}, {mib['end']}")
        warn_lines = serve.text().count("message dead-lettered")
        rep.figure("serve log 'message dead-lettered' lines", warn_lines)

        rep.check(len(sent_ids) >= 1000 or count < 1000, f"at least 1,000 malformed messages tried ({len(sent_ids)})")
        rep.check(not missing, f"every malformed message is on baton.dead ({len(missing)} missing"
                  + (f", e.g. {missing[:5]}" if missing else "") + ")")
        rep.check(not bad_reason, f"every dead letter has baton-dead-reason and baton-dead-error ({len(bad_reason)} without)")
        rep.check(not bad_queue, f"every dead letter names the queue it came from ({len(bad_queue)} wrong"
                  + (f", e.g. {bad_queue[:3]}" if bad_queue else "") + ")")
        rep.check(not bad_body, f"every dead letter keeps its body unchanged ({len(bad_body)} changed)")
        rep.check(dup_dead == 0, f"no malformed message dead-lettered twice ({dup_dead})")
        rep.check(not stray, f"no malformed start started an execution ({len(stray)} did" + (f": {stray[:3]}" if stray else "") + ")")
        rep.check(serve.alive(), "baton serve is still running")
        rep.check(valid_ok == len(valid_started), f"valid executions before, during and after the flood all SUCCEEDED ({valid_ok}/{len(valid_started)})")
        growth = (rss["end"] - rss["after-warm-up"]) / 1024 if rss.get("end") and rss.get("after-warm-up") else None
        rep.check(growth is not None and growth <= rss_max_mib,
                  f"serve RSS flat: grew {growth if growth is None else round(growth, 1)} MiB after warm-up (limit {rss_max_mib})")
        if foreign:
            F.log(f"note: {foreign} other messages on baton.dead")
    except Exception as e:  # noqa: BLE001 - any setup failure is a violation
        rep.check(False, f"test could not run: {e}")
    finally:
        code = None
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
