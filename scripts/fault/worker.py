#!/usr/bin/env python3
"""A fault-test worker: an RPC-tutorial server with pika that records what it does.

  worker.py --url URL --queues Q1,Q2 --log FILE [--name N] [--delay-ms MS] [--prefetch N]
            [--double-reply] [--hang-state STATE] [--ack-first] [--fail-state STATE --fail-attempts N]

For each task: append {"ev":"recv", exec, state, attempt, token, redelivered} to the log, wait --delay-ms,
reply with the input plus the state's name appended to "trail" (with publisher confirms), append
{"ev":"answered", …}, then ack. So the log holds the worker-side count per (execution, state, attempt).
When the broker goes away it connects again (unacked tasks come back, marked redelivered).

  --double-reply      publish each reply twice; the second's trail says "STATE*" instead of "STATE" (it must
                      be ignored: the first reply wins)
  --hang-state S      take tasks of state S and never answer nor ack them (a worker about to be kill -9'd)
  --ack-first         ack a task as soon as it arrives (a worker that loses it when killed)
  --fail-state S --fail-attempts N   answer S with baton-status: failed (Fault.Transient) for attempts < N
An input with "fail": [STATE, …] fails attempt 0 of those states the same way.
"""
import argparse
import json
import os
import sys
import time

import pika
import pika.exceptions
import logging

logging.getLogger("pika").setLevel(logging.CRITICAL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--queues", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--name", default="w")
    ap.add_argument("--delay-ms", type=float, default=0)
    ap.add_argument("--prefetch", type=int, default=10)
    ap.add_argument("--double-reply", action="store_true")
    ap.add_argument("--hang-state")
    ap.add_argument("--ack-first", action="store_true")
    ap.add_argument("--fail-state")
    ap.add_argument("--fail-attempts", type=int, default=0)
    args = ap.parse_args()
    fd = os.open(args.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def record(**fields):
        fields["w"] = args.name
        fields["t"] = round(time.time(), 3)
        os.write(fd, (json.dumps(fields) + "\n").encode())

    queues = [q for q in args.queues.split(",") if q]
    first = True
    while True:
        try:
            conn = pika.BlockingConnection(pika.URLParameters(args.url + "?heartbeat=30"))
            ch = conn.channel()
            ch.confirm_delivery()
            ch.basic_qos(prefetch_count=args.prefetch)
            for q in queues:
                ch.queue_declare(q, durable=True)

            def on_task(channel, method, props, body):
                headers = props.headers or {}
                arn = headers.get("baton-execution-arn")
                state = headers.get("baton-state")
                attempt = headers.get("baton-attempt")
                if isinstance(arn, bytes):
                    arn = arn.decode()
                if isinstance(state, bytes):
                    state = state.decode()
                key = dict(exec=arn, state=state, attempt=attempt, token=props.correlation_id)
                try:
                    peek = json.loads(body)
                except ValueError:
                    peek = None
                if isinstance(peek, dict) and "k" in peek and "id" not in peek:
                    key["item"] = peek["k"]  # a Map iteration: the same state runs once per item
                record(ev="recv", redelivered=bool(method.redelivered), queue=method.routing_key, **key)
                if args.ack_first:
                    channel.basic_ack(method.delivery_tag)
                if args.hang_state and state == args.hang_state:
                    record(ev="hang", **key)
                    return  # never answered: the test kills this process
                if args.delay_ms:
                    time.sleep(args.delay_ms / 1000.0)
                try:
                    data = json.loads(body)
                except ValueError:
                    data = {}
                fail_here = args.fail_state == state and (attempt or 0) < args.fail_attempts
                if isinstance(data, dict) and state in (data.get("fail") or []) and (attempt or 0) == 0:
                    fail_here = True  # the input asks for one failure of this state (a Retry timer follows)
                if fail_here:
                    out = json.dumps({"error": "Fault.Transient", "cause": f"attempt {attempt} fails"}).encode()
                    reply_headers = {"baton-status": "failed"}
                    kind = "failed"
                else:
                    if not isinstance(data, dict):
                        data = {"value": data}
                    data["trail"] = list(data.get("trail") or []) + [state]
                    out = json.dumps(data).encode()
                    reply_headers = None
                    kind = "succeeded"
                reply_props = pika.BasicProperties(correlation_id=props.correlation_id, content_type="application/json",
                                                   delivery_mode=2, headers=reply_headers)
                channel.basic_publish("", props.reply_to, out, reply_props)
                record(ev="answered", kind=kind, **key)
                if args.double_reply and kind == "succeeded":
                    # Marked so that a test sees which of the two was applied: "T2*" instead of "T2".
                    evil = dict(data, trail=data["trail"][:-1] + [f"{state}*"], duplicate=True)
                    channel.basic_publish("", props.reply_to, json.dumps(evil).encode(), reply_props)
                    record(ev="dup-sent", **key)
                if not args.ack_first:
                    channel.basic_ack(method.delivery_tag)

            for q in queues:
                ch.basic_consume(q, on_task)
            if first:
                record(ev="ready")
                first = False
            else:
                record(ev="reconnected")
            ch.start_consuming()
        except KeyboardInterrupt:
            return 0
        except (pika.exceptions.AMQPError, OSError) as e:
            record(ev="connection-lost", error=type(e).__name__)
            time.sleep(0.5)


if __name__ == "__main__":
    import signal
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sys.exit(main())
